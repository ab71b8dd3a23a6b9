"""Screening API: the contract other tools rely on, the safety-flag path end to end, consent,
errors naming the item, need-to-know and the audit of every detail read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent, CareRecord
from tenants.crisis.models import CrisisCase, DutyAssignment
from tenants.screening.models import Response
from tenants.workspace.models import Notification
from tests.conftest import ALPHA, BETA, api_client, in_alpha, role_user
from tests.screening.factories import consent, consenting_student, make_campaign, make_response
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
ALPHA_SCHEMA = "school_alpha"


def _post(body, user="r_counselor"):
    return api_client(ALPHA, user).post("/api/v1/screenings/", body, content_type="application/json")


def test_phq9_item_9_opens_a_crisis_case_alerts_the_counselor_on_duty_and_raises_the_level():
    def setup():
        DutyAssignment.objects.get_or_create(user=role_user("counselor"), on_date=timezone.localdate())
        return consenting_student()

    student = in_alpha(setup)
    response = _post(
        {"student": str(student.public_id), "instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == 1 and body["band"] == "minimal"
    assert body["safety_flag"] is True
    assert body["crisis_case"] is not None
    with schema_context(ALPHA_SCHEMA):
        case = CrisisCase.objects.get(public_id=body["crisis_case"])
        assert case.student_id == student.pk
        assert case.step == "identified" and case.identified_how == "screening"
        assert case.screening.public_id.hex == body["id"].replace("-", "")
        assert (
            Notification.objects.filter(
                recipient=role_user("counselor"), link__contains=str(case.public_id)
            ).count()
            == 1
        )
        assert CareRecord.objects.get(student=student).level == "crisis"
        assert (
            AuditEvent.objects.filter(
                action="create", subject="screening.response", object_ref=body["id"]
            ).count()
            == 1
        )


def test_a_response_without_safety_flag_opens_no_case():
    student = in_alpha(consenting_student)
    response = _post(
        {"student": str(student.public_id), "instrument": "phq9", "answers": [3, 3, 3, 2, 2, 2, 2, 2, 0]}
    )
    assert response.status_code == 201
    assert response.json() | {"id": None} == {
        "id": None,
        "total": 19,
        "band": "moderately_severe",
        "safety_flag": False,
        "crisis_case": None,
        "complete": True,
    }
    with schema_context(ALPHA_SCHEMA):
        assert not CrisisCase.objects.filter(student=student).exists()


@pytest.mark.parametrize(
    "instrument,answers,total,band",
    [
        ("gad7", [3, 3, 3, 3, 3, 0, 0], 15, "severe"),
        ("gad7", [1, 1, 1, 1, 0, 0, 0], 4, "minimal"),
        ("k6", [2, 2, 2, 2, 0, 0], 8, "moderate"),
        ("k6", [4, 4, 4, 1, 0, 0], 13, "high"),
        ("k6", [1, 1, 1, 1, 1, 2], 7, "low"),
    ],
)
def test_band_codes_of_the_contract(instrument, answers, total, band):
    student = in_alpha(consenting_student)
    response = _post({"student": str(student.public_id), "instrument": instrument, "answers": answers})
    assert response.status_code == 201, response.content
    assert (response.json()["total"], response.json()["band"]) == (total, band)


def test_errors_name_the_item():
    student = in_alpha(consenting_student)
    sid = str(student.public_id)
    out_of_range = _post({"student": sid, "instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 4]})
    assert out_of_range.status_code == 400
    fields = out_of_range.json()["error"]["fields"]
    assert list(fields) == ["answers[8]"] and "9" in fields["answers[8]"][0]

    too_few = _post({"student": sid, "instrument": "phq9", "answers": [0] * 8})
    assert too_few.status_code == 400 and "answers" in too_few.json()["error"]["fields"]

    not_int = _post({"student": sid, "instrument": "gad7", "answers": [0, "a", 0, 0, 0, 0, 0]})
    assert not_int.status_code == 400 and list(not_int.json()["error"]["fields"]) == ["answers[1]"]

    unknown = _post({"student": sid, "instrument": "sdq", "answers": [0]})
    assert unknown.status_code == 400 and "instrument" in unknown.json()["error"]["fields"]
    with schema_context(ALPHA_SCHEMA):
        assert not Response.objects.filter(student=student).exists()


def test_unknown_or_other_schools_student_is_a_student_error():
    missing = _post(
        {"student": "00000000-0000-0000-0000-000000000000", "instrument": "gad7", "answers": [0] * 7}
    )
    assert missing.status_code == 400 and "student" in missing.json()["error"]["fields"]
    with schema_context("school_beta"):
        beta_student = consenting_student()
    connection.set_schema_to_public()
    other = _post({"student": str(beta_student.public_id), "instrument": "gad7", "answers": [0] * 7})
    assert other.status_code == 400 and "student" in other.json()["error"]["fields"]


def test_a_student_without_consent_cannot_be_screened():
    def setup():
        none = make_student()
        refused = make_student()
        consent(refused, "granted", on=timezone.localdate() - timedelta(days=30))
        consent(refused, "withdrawn")
        return none, refused

    for student in in_alpha(setup):
        response = _post({"student": str(student.public_id), "instrument": "gad7", "answers": [0] * 7})
        assert response.status_code == 400
        assert "student" in response.json()["error"]["fields"]


def test_list_and_detail_for_the_care_team_with_exactly_one_audit_event_per_read():
    obj = in_alpha(lambda: make_response(answers=[1, 1, 1, 1, 1, 0, 0, 0, 0]))
    client = api_client(ALPHA, "r_psychology_teacher")
    listed = client.get("/api/v1/screenings/")
    assert listed.status_code == 200
    row = next(r for r in listed.json()["results"] if r["id"] == str(obj.public_id))
    assert row["student"] == str(obj.student.public_id) and row["instrument"] == "phq9"
    assert (
        row["total"] == 5 and row["band"] == "mild" and row["safety_flag"] is False and "answers" not in row
    )

    def views():
        return AuditEvent.objects.filter(
            action="view", subject="screening.response", object_ref=obj.public_id
        ).count()

    assert in_alpha(views) == 0
    detail = client.get(f"/api/v1/screenings/{obj.public_id}/")
    assert detail.status_code == 200 and detail.json()["answers"] == [1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert in_alpha(views) == 1
    client.get(f"/api/v1/screenings/{obj.public_id}/")
    assert in_alpha(views) == 2
    event = in_alpha(lambda: AuditEvent.objects.filter(action="view", object_ref=obj.public_id).first())
    assert event.student_ref == obj.student.public_id and event.actor_name


@pytest.mark.parametrize(
    "role",
    ["principal", "deputy", "member", "secretary", "homeroom_teacher", "invited_attendee", "school_admin"],
)
def test_everyone_else_gets_403_on_the_list_and_404_on_a_detail(role):
    obj = in_alpha(make_response)
    client = api_client(ALPHA, f"r_{role}")
    assert client.get("/api/v1/screenings/").status_code == 403
    assert client.get(f"/api/v1/screenings/{obj.public_id}/").status_code == 404
    assert in_alpha(lambda: AuditEvent.objects.filter(action="view", object_ref=obj.public_id).count()) == 0


def test_another_schools_screening_is_404():
    obj = in_alpha(make_response)
    assert api_client(BETA, "r_counselor").get(f"/api/v1/screenings/{obj.public_id}/").status_code == 404


def test_campaign_coverage_excludes_students_without_consent():
    def setup():
        school_class = make_class(grade=8)
        granted = [consenting_student(school_class) for _ in range(2)]
        later_refused = make_student(school_class)
        consent(later_refused, "granted", on=timezone.localdate() - timedelta(days=10))
        consent(later_refused, "refused")
        make_student(school_class)  # no consent recorded
        refused = make_student(school_class)
        consent(refused, "refused")
        archived = consenting_student(school_class)
        archived.status, archived.archived_at = "archived", timezone.now()
        archived.save()
        campaign = make_campaign(school_class=school_class)
        make_response(student=granted[0], campaign=campaign)
        return campaign, later_refused

    campaign, later_refused = in_alpha(setup)
    body = api_client(ALPHA, "r_principal").get(f"/api/v1/screening-campaigns/{campaign.public_id}/").json()
    assert (body["eligible"], body["excluded"], body["screened"], body["coverage_percent"]) == (5, 3, 1, 50.0)
    # the excluded student is refused with a field error, and nothing changes
    response = _post(
        {
            "student": str(later_refused.public_id),
            "instrument": "phq9",
            "answers": [0] * 9,
            "campaign": str(campaign.public_id),
        }
    )
    assert response.status_code == 400 and "student" in response.json()["error"]["fields"]


def test_campaign_errors_are_named():
    client = api_client(ALPHA, "r_counselor")
    today = str(timezone.localdate())
    bad = client.post(
        "/api/v1/screening-campaigns/",
        {"title": "x", "instrument": "nope", "grade": 7, "opens_on": today, "closes_on": today},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "instrument" in bad.json()["error"]["fields"]
    neither = client.post(
        "/api/v1/screening-campaigns/",
        {"title": "x", "instrument": "phq9", "opens_on": today, "closes_on": today},
        content_type="application/json",
    )
    assert neither.status_code == 400 and "grade" in neither.json()["error"]["fields"]


def test_instruments_list_has_the_built_ins_with_licences_and_bands_are_checked():
    client = api_client(ALPHA, "r_principal")
    rows = {r["code"]: r for r in client.get("/api/v1/screening-instruments/").json()["results"]}
    assert {"phq9", "gad7", "k6"} <= set(rows)
    assert "Pfizer" in rows["phq9"]["licence"] and rows["k6"]["builtin"] is True
    assert [b["code"] for b in rows["phq9"]["bands"]] == [
        "minimal",
        "mild",
        "moderate",
        "moderately_severe",
        "severe",
    ]
    counselor = api_client(ALPHA, "r_counselor")
    gap = counselor.post(
        "/api/v1/screening-instruments/",
        {
            "code": "gapped",
            "name": "有缺口",
            "items": 4,
            "item_min": 0,
            "item_max": 2,
            "licence": "自编",
            "bands": [{"code": "low", "lower": 0, "upper": 3}, {"code": "high", "lower": 5, "upper": 8}],
        },
        content_type="application/json",
    )
    assert gap.status_code == 400 and "bands" in gap.json()["error"]["fields"]
    builtin_code = counselor.post(
        "/api/v1/screening-instruments/",
        {
            "code": "phq9",
            "name": "x",
            "items": 1,
            "item_min": 0,
            "item_max": 1,
            "licence": "x",
            "bands": [{"code": "a", "lower": 0, "upper": 1}],
        },
        content_type="application/json",
    )
    assert builtin_code.status_code == 400 and "code" in builtin_code.json()["error"]["fields"]


def test_an_admin_defined_instrument_is_scored_through_the_same_rules():
    counselor = api_client(ALPHA, "r_counselor")
    created = counselor.post(
        "/api/v1/screening-instruments/",
        {
            "code": "sleep4",
            "name": "睡眠自评",
            "items": 4,
            "item_min": 0,
            "item_max": 2,
            "licence": "自编",
            "bands": [
                {"code": "ok", "lower": 0, "upper": 3, "label_zh": "正常"},
                {"code": "poor", "lower": 4, "upper": 8, "label_zh": "较差"},
            ],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    student = in_alpha(consenting_student)
    scored = _post({"student": str(student.public_id), "instrument": "sleep4", "answers": [2, 1, 1, 0]})
    assert scored.status_code == 201 and (scored.json()["total"], scored.json()["band"]) == (4, "poor")
    bad = _post({"student": str(student.public_id), "instrument": "sleep4", "answers": [2, 3, 1, 0]})
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["answers[1]"]
