"""The OpenAPI document says what the school API answers: error codes come from what the code does
(api.openapi.add_error_responses), and the bodies schemathesis found off the document fit it now."""

import pytest
from django.utils import timezone

from tests.conftest import ALPHA, api_client, in_alpha
from tests.support.openapi import assert_matches_schema, school_schema

pytestmark = pytest.mark.django_db


def _operations():
    return [
        (path, method, operation)
        for path, item in school_schema()["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_every_operation_documents_the_errors_it_can_answer():
    missing, operations = [], _operations()
    for path, method, operation in operations:
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        expected = {"401", "403"}
        if method in ("post", "put", "patch", "delete"):
            expected |= {"400", "404"}  # input or a refused delete; related objects named by id
        if method == "get" and query - {"page"}:
            expected.add("400")  # a bad filter value
        if "page" in query or "{" in path:
            expected.add("404")  # a page past the end; an object that is missing or not the caller's
        lacking = expected - set(operation["responses"])
        if lacking:
            missing.append(f"{method.upper()} {path}: {sorted(lacking)}")
    assert len(operations) > 200
    assert not missing, "\n".join(missing)


def test_error_responses_have_the_one_error_shape():
    for path, method, operation in _operations():
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert "$ref" in schema, f"{method.upper()} {path} {code}"


def test_a_page_past_the_end_of_a_hand_written_list_is_a_documented_404():
    response = api_client(ALPHA, "r_counselor").get("/api/v1/notifications/?page=999")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert_matches_schema(response)


def test_a_bad_filter_is_a_documented_400():
    response = api_client(ALPHA, "r_secretary").get("/api/v1/students/?class=not-a-uuid")
    assert response.status_code == 400
    assert_matches_schema(response)


def test_deleting_a_student_is_refused_with_a_documented_400():
    from tests.support.students import make_student

    student = in_alpha(make_student)
    response = api_client(ALPHA, "r_secretary").delete(f"/api/v1/students/{student.public_id}/")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]
    assert_matches_schema(response)


def test_a_grade_wide_campaign_has_a_null_class_that_fits_its_schema():
    today = str(timezone.localdate())
    response = api_client(ALPHA, "r_counselor").post(
        "/api/v1/screening-campaigns/",
        {"title": "七年级秋季测评", "instrument": "phq9", "grade": 7, "opens_on": today, "closes_on": today},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["school_class"] is None and response.json()["grade"] == 7
    assert_matches_schema(response)


def test_a_roster_import_without_a_file_answers_the_documented_400():
    response = api_client(ALPHA, "r_secretary").post("/api/v1/students/import/", {})
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert_matches_schema(response)


def test_a_time_limit_beyond_the_columns_range_is_a_field_error_not_a_server_error():
    from tests.crisis.endpoints import make_limit

    limit = in_alpha(make_limit)
    response = api_client(ALPHA, "r_counselor").patch(
        f"/api/v1/crisis-time-limits/{limit.public_id}/", {"minutes": 2**40}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "minutes" in response.json()["error"]["fields"]
    assert_matches_schema(response)
