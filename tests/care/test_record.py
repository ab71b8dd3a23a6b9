"""The mental-health record page (心理健康档案): one timeline from every app, newest first; the
care team reads texts, the principal only kinds and dates; one audit event per view; homeroom
teachers and other roles find nothing; the attention level form; the landing page."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.care import record_services, selectors
from tenants.care.models import AttentionChange, AuditEvent, CareRecord
from tenants.care.services import attention_set
from tenants.counseling.models import CarePlan, CounselingSession, PlanReview, Referral
from tenants.crisis.models import CaseStep
from tenants.crisis.services import case_open
from tenants.screening.models import Response
from tests.conftest import ALPHA, BETA, api_client, role_user, signed_in
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"
MARKERS = {
    "screening": "MK-ANSWERS-7",
    "counseling": "MK-SESSION-NOTE",
    "observation": "MK-OBSERVED",
    "crisis": "MK-NARRATIVE",
    "crisis_step": "MK-STEP-NOTE",
    "plan": "MK-GOALS",
    "plan_review": "MK-PROGRESS",
    "referral": "MK-REFERRAL-REASON",
    "attention": "MK-LEVEL-REASON",
}


def _full_record():
    """One row of each kind, at distinct times, for one student."""
    now = timezone.now()
    with schema_context(SCHEMA):
        counselor, homeroom = role_user("counselor"), role_user("homeroom_teacher")
        student = make_student(name="林晓雨")
        Response.objects.create(
            student=student,
            instrument_code="phq9",
            answers=json.dumps([1] * 8 + [7]).replace("7]", '"MK-ANSWERS-7"]'),
            total=15,
            band="moderately_severe",
            safety_flag=True,
            entered_by=counselor,
        )
        CounselingSession.objects.create(
            student=student,
            counselor=counselor,
            held_at=now - timedelta(days=3),
            duration_minutes=45,
            category="family",
            notes=MARKERS["counseling"],
            created_by=counselor,
        )
        record_services.observation_create(
            actor=homeroom,
            student=student,
            kind="referral",
            observed_on=timezone.localdate() - timedelta(days=5),
            text=MARKERS["observation"],
        )
        case = case_open(
            student=student,
            level="high",
            identified_how="observation",
            actor=counselor,
            narrative=MARKERS["crisis"],
        )
        CaseStep.objects.create(
            case=case,
            step="assessed",
            done_at=now + timedelta(minutes=5),
            done_by=counselor,
            level="high",
            note=MARKERS["crisis_step"],
        )
        plan = CarePlan.objects.create(
            student=student,
            owner=counselor,
            goals=MARKERS["plan"],
            supports="每周约谈",
            starts_on=timezone.localdate() - timedelta(days=10),
            created_by=counselor,
        )
        PlanReview.objects.create(
            plan=plan,
            due_on=timezone.localdate() - timedelta(days=1),
            done_at=now - timedelta(days=1),
            done_by=counselor,
            progress=MARKERS["plan_review"],
        )
        PlanReview.objects.create(
            plan=plan, due_on=timezone.localdate() + timedelta(days=30)
        )  # not done: not shown
        Referral.objects.create(
            student=student,
            institution="市精神卫生中心",
            referred_on=timezone.localdate() - timedelta(days=8),
            reason=MARKERS["referral"],
            created_by=counselor,
        )
        attention_set(student=student, level="high", reason=MARKERS["attention"], actor=counselor)
    return student


def test_timeline_merges_every_app_newest_first_with_texts_for_clinical_readers():
    student = _full_record()
    with schema_context(SCHEMA):
        entries = selectors.timeline(student, clinical=True)
        kinds = [e.kind for e in entries]
        for kind in MARKERS:
            assert kind in kinds, kind
        # Exactly the rows: 1 screening, 1 session, 1 observation, 1 case + 1 later step, 1 plan, 1 done
        # review, 1 referral, 2 level changes (crisis on case opening, then high).
        assert sorted(kinds) == sorted(
            [
                "screening",
                "counseling",
                "observation",
                "crisis",
                "crisis_step",
                "plan",
                "plan_review",
                "referral",
                "attention",
                "attention",
            ]
        )
        assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
        assert entries[0].kind == "crisis_step"  # done 5 minutes from now: the newest
        details = "\n".join(e.detail for e in entries)
        for kind, marker in MARKERS.items():
            assert marker in details, kind
        screening = next(e for e in entries if e.kind == "screening")
        assert screening.flag and "15" in screening.detail and "moderately_severe" in screening.detail

        hidden = selectors.timeline(student, clinical=False)
        assert [e.kind for e in hidden] == kinds
        assert all(e.detail == "" for e in hidden)
        assert not any(e.facts for e in hidden)
        assert all(marker not in e.title for e in hidden for marker in MARKERS.values())
        assert not next(e for e in hidden if e.kind == "screening").flag


def _views(student):
    with schema_context(SCHEMA):
        return AuditEvent.objects.filter(
            action="view", subject="care.record", student_ref=student.public_id
        ).count()


@pytest.mark.parametrize("role", ["counselor", "psychology_teacher"])
def test_care_team_reads_every_text_and_each_view_writes_one_audit_event(role):
    student = _full_record()
    client = signed_in(ALPHA, f"r_{role}")
    response = client.get(f"/care/students/{student.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    for marker in MARKERS.values():
        assert marker in body
    assert "林晓雨" in body and 'data-level="high"' in body
    assert _views(student) == 1
    client.get(f"/care/students/{student.public_id}/")
    assert _views(student) == 2


def test_principal_sees_level_and_kinds_but_no_texts():
    student = _full_record()
    response = signed_in(ALPHA, "r_principal").get(f"/care/students/{student.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-level="high"' in body
    for kind in MARKERS:
        assert f'data-kind="{kind}"' in body, kind
    for marker in MARKERS.values():
        assert marker not in body, marker
    assert "/level/" not in body and "/export/" not in body  # no level form, no export
    assert _views(student) == 1


@pytest.mark.parametrize(
    "role", ["homeroom_teacher", "secretary", "deputy", "member", "invited_attendee", "school_admin"]
)
def test_everyone_else_finds_no_record(role):
    student = _full_record()
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get(f"/care/students/{student.public_id}/").status_code == 404
    assert client.get("/care/").status_code == 404
    assert client.get("/care/students/").status_code == 404
    assert (
        client.post(
            f"/care/students/{student.public_id}/level/", {"level": "none", "reason": "x"}
        ).status_code
        == 404
    )
    assert _views(student) == 0


def test_other_schools_record_is_not_found():
    student = _full_record()
    assert signed_in(BETA, "r_principal").get(f"/care/students/{student.public_id}/").status_code == 404
    assert (
        api_client(BETA, "r_counselor").get(f"/api/v1/care-records/{student.public_id}/").status_code == 404
    )


def test_level_form_needs_a_reason_and_keeps_history():
    with schema_context(SCHEMA):
        student = make_student()
    client = signed_in(ALPHA, "r_counselor")
    url = f"/care/students/{student.public_id}/level/"
    missing = client.post(url, {"level": "elevated", "reason": " "})
    assert missing.status_code == 400
    assert 'id="id_reason-error"' in missing.content.decode()
    assert client.post(url, {"level": "elevated", "reason": "期中考试后持续失眠"}).status_code == 302
    assert client.post(url, {"level": "attention", "reason": "睡眠好转"}).status_code == 302
    with schema_context(SCHEMA):
        record = CareRecord.objects.get(student=student)
        assert (record.level, record.reason, record.set_by.username) == (
            "attention",
            "睡眠好转",
            "r_counselor",
        )
        assert list(
            AttentionChange.objects.filter(student=student).values_list("from_level", "to_level")
        ) == [("none", "elevated"), ("elevated", "attention")]
        assert (
            AuditEvent.objects.filter(
                action="change", subject="care.attention", student_ref=student.public_id
            ).count()
            == 2
        )
    assert signed_in(ALPHA, "r_principal").post(url, {"level": "none", "reason": "x"}).status_code == 403


def test_landing_page_counts_levels_and_open_cases():
    with schema_context(SCHEMA):
        counselor = role_user("counselor")
        before = selectors.care_overview()
        a, b, c = make_student(), make_student(), make_student()
        attention_set(student=a, level="attention", reason="r", actor=counselor)
        attention_set(student=b, level="elevated", reason="r", actor=counselor)
        case_open(student=c, level="high", identified_how="report", actor=counselor)
    response = signed_in(ALPHA, "r_principal").get("/care/")
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview["followed"] == before["followed"] + 3
    assert overview["open_crises"] == before["open_crises"] + 1
    counts = {code: n for code, _label, n in overview["levels"]}
    assert counts["crisis"] == dict((c, n) for c, _l, n in before["levels"])["crisis"] + 1
    body = response.content.decode()
    for link in ("/students/", "/crisis/", "/care/consent/", "/care/audit/"):
        assert f'href="{link}' in body, link
    assert 'href="/screening/"' not in body  # clinical pages are not offered to the principal
    care = signed_in(ALPHA, "r_counselor").get("/care/").content.decode()
    for link in ("/screening/", "/counseling/", "/counseling/plans/", "/care/observations/"):
        assert f'href="{link}"' in care, link
    assert 'href="/care/audit/"' not in care


def test_records_list_filters_by_level_and_writes_one_list_event():
    with schema_context(SCHEMA):
        followed = make_student(name="周一鸣")
        make_student(name="吴不在")
        attention_set(student=followed, level="elevated", reason="r", actor=role_user("counselor"))
        before = AuditEvent.objects.filter(action="list", subject="care.record").count()
    body = signed_in(ALPHA, "r_principal").get("/care/students/?level=followed").content.decode()
    assert "周一鸣" in body and "吴不在" not in body
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(action="list", subject="care.record").count() == before + 1


def test_api_detail_texts_only_for_care_team_and_one_audit_event():
    student = _full_record()
    url = f"/api/v1/care-records/{student.public_id}/"
    care = api_client(ALPHA, "r_counselor").get(url).json()
    assert care["level"] == "high" and care["reason"] == MARKERS["attention"]
    assert MARKERS["counseling"] in json.dumps(care, ensure_ascii=False)
    assert _views(student) == 1
    principal = api_client(ALPHA, "r_principal").get(url).json()
    assert principal["level"] == "high" and principal["reason"] == ""
    assert {e["kind"] for e in principal["timeline"]} == {e["kind"] for e in care["timeline"]}
    text = json.dumps(principal, ensure_ascii=False)
    for marker in MARKERS.values():
        assert marker not in text
    assert _views(student) == 2
    assert api_client(ALPHA, "r_homeroom_teacher").get(url).status_code == 404


def test_api_sets_the_level_for_the_care_team_only():
    with schema_context(SCHEMA):
        student = make_student()
    url = f"/api/v1/care-records/{student.public_id}/level/"
    bad = api_client(ALPHA, "r_counselor").post(
        url, {"level": "high", "reason": ""}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    ok = api_client(ALPHA, "r_counselor").post(
        url, {"level": "high", "reason": "自述有轻生念头"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["level"] == "high"
    assert (
        api_client(ALPHA, "r_principal")
        .post(url, {"level": "none", "reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api_client(ALPHA, "r_homeroom_teacher")
        .post(url, {"level": "none", "reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    with schema_context(SCHEMA):
        assert CareRecord.objects.get(student=student).level == "high"


def test_pages_render_when_the_platform_set_the_level_and_when_nothing_is_there():
    with schema_context(SCHEMA):
        student = make_student()
        attention_set(student=student, level="crisis", reason="学生通过链接作答，第9题阳性", actor=None)
    response = signed_in(ALPHA, "r_counselor").get(f"/care/students/{student.public_id}/")
    assert response.status_code == 200 and "学生通过链接作答" in response.content.decode()
    with schema_context("school_beta"):
        assert selectors.care_overview()["students"] == 0  # beta has no roster in the tests
    home = signed_in(BETA, "r_counselor").get("/care/")
    assert home.status_code == 200 and 'class="empty"' in home.content.decode()
