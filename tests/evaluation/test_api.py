"""The evaluation API beyond the role matrix: numbers, nested scores, field errors, summaries."""

import pytest

from tenants.evaluation import services
from tenants.evaluation.models import ImprovementAction, SelfAssessment
from tenants.ledger.models import Task
from tests.conftest import ALPHA, BETA, api_client, in_alpha, role_user
from tests.evaluation import factories as f
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_assessment_with_scores_reports_its_totals():
    indicator_set, indicators = in_alpha(
        lambda: f.indicator_set_with([(40, "开课率"), (60, "咨询室开放")], name="API指标")
    )
    client = api_client(ALPHA, "r_secretary")
    body = {
        "indicator_set": str(indicator_set.public_id),
        "school_year": "2026-2027",
        "term": "second",
        "assessed_on": "2027-06-20",
        "scores": [
            {"indicator": str(indicators[0].public_id), "score": "75", "evidence": "课表"},
            {"indicator": str(indicators[1].public_id), "score": "95.5"},
        ],
    }
    response = client.post("/api/v1/self-assessments/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert_matches_schema(response)
    data = response.json()
    # (75×40 + 95.5×60) / 100 = 87.3
    assert (
        data["weighted_score"] == "87.3" and data["points"] == "87.3" and data["points_possible"] == "100.0"
    )
    assert (data["scored_count"], data["indicator_count"]) == (2, 2)
    assert [s["indicator_name"] for s in data["scores"]] == ["开课率", "咨询室开放"]

    # Changing one score through PATCH changes the total.
    patched = client.patch(
        f"/api/v1/self-assessments/{data['id']}/",
        {
            "scores": [{"indicator": str(indicators[1].public_id), "score": "45.5"}],
        },
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert_matches_schema(patched)
    assert patched.json()["weighted_score"] == "57.3"  # (3000 + 2730) / 100


def test_scores_out_of_range_are_field_errors_and_save_nothing():
    indicator_set, (ind,) = in_alpha(lambda: f.indicator_set_with([(10, "开课率")], name="API越界"))
    client = api_client(ALPHA, "r_principal")
    before = in_alpha(lambda: SelfAssessment.objects.count())
    response = client.post(
        "/api/v1/self-assessments/",
        {
            "indicator_set": str(indicator_set.public_id),
            "school_year": "2026-2027",
            "term": "first",
            "assessed_on": "2026-12-20",
            "scores": [{"indicator": str(ind.public_id), "score": "101"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert_matches_schema(response)
    assert list(response.json()["error"]["fields"]) == ["scores.0.score"]
    bad_year = client.post(
        "/api/v1/self-assessments/",
        {
            "indicator_set": str(indicator_set.public_id),
            "school_year": "2026",
            "term": "first",
            "assessed_on": "2026-12-20",
        },
        content_type="application/json",
    )
    assert bad_year.status_code == 400 and "school_year" in bad_year.json()["error"]["fields"]
    assert in_alpha(lambda: SelfAssessment.objects.count()) == before


def test_improvement_action_api_creates_the_task():
    assessment, _ = in_alpha(lambda: f.assessment_with([50, 60, 70], name="API整改"))
    owner = in_alpha(lambda: role_user("counselor"))
    client = api_client(ALPHA, "r_principal")
    response = client.post(
        "/api/v1/improvement-actions/",
        {
            "assessment": str(assessment.public_id),
            "title": "建立学生心理委员例会制度",
            "owner": str(owner.public_id),
            "due_on": "2027-02-28",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert_matches_schema(response)
    data = response.json()
    assert data["task"]["status"] == "todo" and data["owner_name"] == owner.display_name
    task = in_alpha(lambda: Task.objects.get(public_id=data["task"]["id"]))
    assert task.owner_id == owner.pk and str(task.due_on) == "2027-02-28"

    attendee = in_alpha(lambda: role_user("invited_attendee"))
    refused = client.post(
        "/api/v1/improvement-actions/",
        {
            "assessment": str(assessment.public_id),
            "title": "x",
            "owner": str(attendee.public_id),
            "due_on": "2027-02-28",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and "owner" in refused.json()["error"]["fields"]
    assert in_alpha(lambda: ImprovementAction.objects.filter(assessment=assessment).count()) == 1


def _answered_survey():
    q, single, multiple, scale, text = f.survey()
    links = f.links(q, 4)
    for link, (choice, value, words) in zip(
        links[:3], [(0, 5, "很好"), (1, 2, ""), (0, 4, "继续")], strict=True
    ):
        services.response_submit(
            token=link.token,
            answers={
                str(single.public_id): [f.option_ids(single)[choice]],
                str(scale.public_id): [str(value)],
                str(text.public_id): [words] if words else [],
            },
        )
    return q


def test_summary_api_numbers_and_texts_for_managers_only():
    q = in_alpha(_answered_survey)
    url = f"/api/v1/questionnaires/{q.public_id}/summary/"
    manager = api_client(ALPHA, "r_principal").get(url)
    assert manager.status_code == 200
    assert_matches_schema(manager)
    data = manager.json()
    assert (data["responses"], data["links"], data["texts_included"]) == (3, 4, True)
    single, multiple, scale, text = data["questions"]
    assert [(o["text"], o["count"], o["percent"]) for o in single["options"]] == [
        ("参加过", 2, "66.7"),
        ("没有参加", 1, "33.3"),
    ]
    assert multiple["answered"] == 0 and all(o["count"] == 0 for o in multiple["options"])
    assert scale["mean"] == "3.7"  # (5 + 2 + 4) / 3
    assert text["texts"] == ["很好", "继续"]

    reader = api_client(ALPHA, "r_homeroom_teacher").get(url)
    assert reader.status_code == 200
    assert reader.json()["texts_included"] is False and reader.json()["questions"][3]["texts"] == []
    assert reader.json()["questions"][2]["mean"] == "3.7"

    assert api_client(ALPHA, "r_invited_attendee").get(url).status_code == 404
    assert api_client(BETA, "r_principal").get(url).status_code == 404


def test_links_api_is_for_managers_and_gives_the_answer_url():
    q = in_alpha(_answered_survey)
    listed = api_client(ALPHA, "r_secretary").get("/api/v1/questionnaire-links/")
    assert listed.status_code == 200
    mine = [item for item in listed.json()["results"] if item["questionnaire"] == str(q.public_id)]
    assert len(mine) == 4 and sum(item["used"] for item in mine) == 3
    # The token is shown only when the link is made: listed links carry no url and no token.
    assert all(item["url"] is None and "token" not in item for item in mine)
    assert all(item["expires_at"] for item in mine)
    assert api_client(ALPHA, "r_deputy").get("/api/v1/questionnaire-links/").status_code == 403
    used = next(item for item in mine if item["used"])
    refused = api_client(ALPHA, "r_principal").delete(f"/api/v1/questionnaire-links/{used['id']}/")
    assert refused.status_code == 400


def test_questions_api_options_and_freeze():
    q = in_alpha(
        lambda: services.questionnaire_create(
            actor=role_user("principal"), title="学生需求", audience="students"
        )
    )
    client = api_client(ALPHA, "r_principal")
    created = client.post(
        "/api/v1/questionnaire-questions/",
        {
            "questionnaire": str(q.public_id),
            "kind": "multiple",
            "text": "你最希望参加哪些活动？",
            "options": ["心理剧", "团体辅导", "压力管理工作坊"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert_matches_schema(created)
    assert [o["text"] for o in created.json()["options"]] == ["心理剧", "团体辅导", "压力管理工作坊"]
    one_option = client.post(
        "/api/v1/questionnaire-questions/",
        {
            "questionnaire": str(q.public_id),
            "kind": "single",
            "text": "?",
            "options": ["只有一个"],
        },
        content_type="application/json",
    )
    assert one_option.status_code == 400 and "options" in one_option.json()["error"]["fields"]
    opened = client.patch(
        f"/api/v1/questionnaires/{q.public_id}/", {"status": "open"}, content_type="application/json"
    )
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    frozen = client.patch(
        f"/api/v1/questionnaire-questions/{created.json()['id']}/",
        {"text": "改"},
        content_type="application/json",
    )
    assert frozen.status_code == 400


def test_declared_filters_narrow_the_api_lists_and_refuse_bad_values():
    def build():
        first, _ = f.assessment_with([80, 70, 60], name="筛选指标甲")
        second, _ = f.assessment_with([50, 50, 50], name="筛选指标乙")
        services.assessment_update(second, actor=role_user("principal"), data={"term": "second"})
        return first, second

    first, second = in_alpha(build)
    client = api_client(ALPHA, "r_member")

    def ids(url):
        response = client.get(url)
        assert response.status_code == 200, response.content
        assert_matches_schema(response)
        return {item["id"] for item in response.json()["results"]}

    by_set = ids(f"/api/v1/self-assessments/?set={first.indicator_set.public_id}")
    assert by_set == {str(first.public_id)}
    second_term = ids("/api/v1/self-assessments/?term=second")
    assert str(second.public_id) in second_term and str(first.public_id) not in second_term
    for url, name in [
        ("/api/v1/self-assessments/?term=summer", "term"),
        ("/api/v1/self-assessments/?set=00000000-0000-0000-0000-000000000000", "set"),
        ("/api/v1/commendations/?level=galaxy", "level"),
        ("/api/v1/questionnaire-links/?used=maybe", "used"),
    ]:
        caller = api_client(ALPHA, "r_principal") if "links" in url else client
        bad = caller.get(url)
        assert bad.status_code == 400, url
        assert list(bad.json()["error"]["fields"]) == [name]
        assert_matches_schema(bad)


def test_related_fields_name_only_objects_of_this_school():
    other_set = _in_beta(lambda: services.indicator_set_create(actor=role_user("principal"), name="乙校指标"))
    response = api_client(ALPHA, "r_principal").post(
        "/api/v1/indicators/",
        {"indicator_set": str(other_set.public_id), "name": "开课率", "weight": "10"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["indicator_set"]


def _in_beta(fn):
    from django.db import connection
    from django_tenants.utils import schema_context

    with schema_context(f"school_{BETA}"):
        result = fn()
    connection.set_schema_to_public()
    return result
