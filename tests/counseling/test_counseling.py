"""Counseling: sessions with room bookings, referrals, 一生一策 plans and their reviews on the
owner's home page; encryption at rest, one audit event per read, need to know."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.care.models import AuditEvent
from tenants.care.services import attention_set
from tenants.counseling import services
from tenants.counseling.models import CounselingSession, PlanReview
from tenants.counseling.selectors import school_today
from tenants.resources import services as resources
from tenants.resources.models import RoomBooking
from tenants.resources.selectors import school_zone
from tests.conftest import ALPHA, api_client, role_user, signed_in
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"
NOTES = "MARKER-笔记-学生谈到与父母的冲突"


def _at(days: int, hour: int, minute: int = 0):
    day = school_today() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=school_zone())


def _room(name="心理咨询室甲"):
    return resources.room_create(
        actor=role_user("principal"), name=name, location="行政楼301", area_m2=Decimal("20.00")
    )


def _session(student=None, **extra):
    values = dict(
        actor=role_user("counselor"),
        student=student or make_student(),
        counselor=role_user("counselor"),
        held_at=_at(-1, 10),
        duration_minutes=50,
        category="emotion",
        notes=NOTES,
    )
    values.update(extra)
    return services.session_create(**values)


def _views(obj) -> int:
    with schema_context(SCHEMA):
        return AuditEvent.objects.filter(object_ref=obj.public_id, action="view").count()


def _form_post(client, url, data):
    return client.post(url, data)


# Sessions ---------------------------------------------------------------------------------------


def test_a_session_books_a_room_and_a_double_booking_is_a_field_error():
    with schema_context(SCHEMA):
        student, other = make_student(), make_student()
        room = _room()
        counselor = role_user("counselor")
    client = signed_in(ALPHA, "r_counselor")
    data = {
        "student": student.pk,
        "counselor": counselor.pk,
        "held_at": _at(1, 9).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 50,
        "category": "study",
        "room": room.pk,
        "notes": NOTES,
        "follow_up_on": str(school_today() + timedelta(days=8)),
    }
    response = client.post("/counseling/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with schema_context(SCHEMA):
        session = CounselingSession.objects.get(student=student)
        booking = session.booking
        assert booking.room == room and not booking.cancelled
        assert booking.starts_at == _at(1, 9) and booking.ends_at == _at(1, 9, 50)
        assert booking.purpose == services.BOOKING_PURPOSE  # no student name in the room calendar

    # The same room at an overlapping time: refused by the exclusion constraint, on the form's field.
    clash = dict(data, student=other.pk, held_at=_at(1, 9, 30).strftime("%Y-%m-%dT%H:%M"))
    response = client.post("/counseling/new/", clash)
    assert response.status_code == 400
    form = response.context["form"]
    assert "booking_starts_at" in form.errors
    with schema_context(SCHEMA):
        assert not CounselingSession.objects.filter(student=other).exists()
        assert RoomBooking.objects.filter(room=room).count() == 1

    # The API says the same, by field.
    api = api_client(ALPHA, "r_counselor")
    body = {
        "student": str(other.public_id),
        "counselor": str(counselor.public_id),
        "held_at": _at(1, 9, 30).isoformat(),
        "duration_minutes": 30,
        "category": "study",
        "room": str(room.public_id),
    }
    answer = api.post("/api/v1/counseling-sessions/", body, content_type="application/json")
    assert answer.status_code == 400
    assert "booking_starts_at" in answer.json()["error"]["fields"]

    # An existing booking can be chosen instead.
    body = dict(body, room=None, booking=str(booking.public_id))
    answer = api.post("/api/v1/counseling-sessions/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["booking"] == str(booking.public_id) and answer.json()["room"] == room.name


def test_follow_up_before_the_session_and_a_bad_duration_are_refused():
    with schema_context(SCHEMA):
        student = make_student()
        counselor = role_user("psychology_teacher")
    api = api_client(ALPHA, "r_psychology_teacher")
    body = {
        "student": str(student.public_id),
        "counselor": str(counselor.public_id),
        "held_at": _at(-2, 15).isoformat(),
        "duration_minutes": 300,
        "category": "family",
        "follow_up_on": str(school_today() - timedelta(days=3)),
    }
    answer = api.post("/api/v1/counseling-sessions/", body, content_type="application/json")
    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert "follow_up_on" in fields and "duration_minutes" in fields
    # A secretary is no counselor.
    with schema_context(SCHEMA):
        secretary = role_user("secretary")
    body.update(follow_up_on=str(school_today()), duration_minutes=40, counselor=str(secretary.public_id))
    answer = api.post("/api/v1/counseling-sessions/", body, content_type="application/json")
    assert answer.status_code == 400 and "counselor" in answer.json()["error"]["fields"]
    with schema_context(SCHEMA):
        assert not CounselingSession.objects.filter(student=student).exists()

    page = signed_in(ALPHA, "r_counselor").post(
        "/counseling/new/",
        {
            "student": student.pk,
            "counselor": counselor.pk,
            "held_at": _at(-2, 15).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 40,
            "category": "family",
            "follow_up_on": str(school_today() - timedelta(days=3)),
        },
    )
    assert page.status_code == 400 and "follow_up_on" in page.context["form"].errors


def test_notes_are_encrypted_at_rest():
    with schema_context(SCHEMA):
        session = _session()
        with connection.cursor() as cursor:
            cursor.execute("SELECT notes FROM counseling_counselingsession WHERE id = %s", [session.pk])
            (raw,) = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM counseling_counselingsession WHERE notes LIKE %s", ["%MARKER%"]
            )
            (plain,) = cursor.fetchone()
        assert raw.startswith("xy1:") and "MARKER" not in raw and plain == 0
        assert CounselingSession.objects.get(pk=session.pk).notes == NOTES


def test_each_read_of_a_session_writes_exactly_one_audit_event():
    with schema_context(SCHEMA):
        session = _session()
    page = signed_in(ALPHA, "r_counselor")
    response = page.get(f"/counseling/{session.public_id}/")
    assert response.status_code == 200 and NOTES in response.content.decode()
    assert _views(session) == 1
    api = api_client(ALPHA, "r_psychology_teacher")
    answer = api.get(f"/api/v1/counseling-sessions/{session.public_id}/")
    assert answer.status_code == 200 and answer.json()["notes"] == NOTES
    assert _views(session) == 2
    # The edit form shows the notes: one more read. Saving it is one change.
    edit = page.get(f"/counseling/{session.public_id}/edit/")
    assert edit.status_code == 200 and NOTES in edit.content.decode()
    assert _views(session) == 3
    form = edit.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        held_at=_at(-1, 10).strftime("%Y-%m-%dT%H:%M"), booking="", duration_minutes=70, follow_up_on=""
    )
    saved = page.post(f"/counseling/{session.public_id}/edit/", data)
    assert saved.status_code == 302, saved.context["form"].errors
    with schema_context(SCHEMA):
        session.refresh_from_db()
        assert session.duration_minutes == 70 and session.notes == NOTES
        assert AuditEvent.objects.filter(object_ref=session.public_id, action="change").count() == 1
    with schema_context(SCHEMA):
        lists_before = AuditEvent.objects.filter(action="list", subject=services.SESSION_SUBJECT).count()
    assert page.get("/counseling/").status_code == 200
    with schema_context(SCHEMA):
        assert (
            AuditEvent.objects.filter(action="list", subject=services.SESSION_SUBJECT).count()
            == lists_before + 1
        )
        assert AuditEvent.objects.filter(object_ref=session.public_id, action="create").count() == 1


def test_session_table_filters_and_exports_without_notes():
    with schema_context(SCHEMA):
        due = _session(category="study", follow_up_on=school_today() + timedelta(days=2))
        _session(category="family", counselor=role_user("psychology_teacher"))
    client = signed_in(ALPHA, "r_counselor")
    filtered = client.get("/counseling/?category=study&follow_up=due")
    assert filtered.status_code == 200
    names = [row[0][0] for row in filtered.context["rows"]]
    assert due.student.name in names and len(filtered.context["rows"]) >= 1
    assert all(row[5][0] == str(due.get_category_display()) for row in filtered.context["rows"])
    exported = client.get("/counseling/?export=xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(BytesIO(exported.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert due.student.name in cells and not any("MARKER" in c for c in cells)
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(action="export", subject=services.SESSION_SUBJECT).exists()


@pytest.mark.parametrize(
    "role", ["principal", "secretary", "homeroom_teacher", "deputy", "member", "invited_attendee"]
)
def test_sessions_and_referrals_are_for_the_care_team_only(role):
    with schema_context(SCHEMA):
        session = _session()
        referral = services.referral_create(
            actor=role_user("counselor"),
            student=session.student,
            institution="市精神卫生中心",
            referred_on=school_today(),
            reason="MARKER 转介原因",
        )
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get("/counseling/").status_code == 403
    assert client.get("/counseling/referrals/").status_code == 403
    assert client.get(f"/counseling/{session.public_id}/").status_code == 404
    assert client.get(f"/counseling/{session.public_id}/edit/").status_code == 404
    assert client.get(f"/counseling/referrals/{referral.public_id}/").status_code == 404
    assert client.get("/counseling/new/").status_code == 404
    assert _views(session) == 0 and _views(referral) == 0


# Referrals --------------------------------------------------------------------------------------


def test_referral_with_feedback_and_return_plan():
    from tests.directory.factories import district_entry

    with schema_context(SCHEMA):
        student = make_student()
    client = signed_in(ALPHA, "r_counselor")
    referred_on = school_today() - timedelta(days=20)
    response = client.post(
        "/counseling/referrals/new/",
        {
            "student": student.pk,
            "institution_entry": district_entry("市第六人民医院（测试）", "hospital").pk,
            "referred_on": str(referred_on),
            "reason": "持续失眠伴情绪低落",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    with schema_context(SCHEMA):
        referral = student.medical_referrals.get()
    base = f"/counseling/referrals/{referral.public_id}"
    # Feedback dated before the referral is refused.
    bad = client.post(
        f"{base}/feedback/", {"feedback": "门诊诊断", "feedback_on": str(referred_on - timedelta(days=1))}
    )
    assert bad.status_code == 400 and "feedback_on" in bad.context["form"].errors
    assert (
        client.post(
            f"{base}/feedback/",
            {
                "feedback": "诊断为焦虑状态，门诊药物治疗。",
                "feedback_on": str(referred_on + timedelta(days=7)),
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{base}/return/",
            {"return_plan": "先半天到校，每周与心理老师面谈一次。", "return_on": str(school_today())},
        ).status_code
        == 302
    )
    page = client.get(f"{base}/").content.decode()
    assert "诊断为焦虑状态" in page and "先半天到校" in page
    table = client.get("/counseling/referrals/?state=returned")
    assert [row[0][0] for row in table.context["rows"]] == [student.name]
    api = api_client(ALPHA, "r_counselor").get(f"/api/v1/medical-referrals/{referral.public_id}/").json()
    assert api["return_on"] == str(school_today()) and api["feedback"].startswith("诊断为焦虑状态")
    assert _views(referral) == 2  # the detail page once, the API once
    with schema_context(SCHEMA), connection.cursor() as cursor:
        cursor.execute(
            "SELECT reason, feedback, return_plan FROM counseling_referral WHERE id = %s", [referral.pk]
        )
        assert all(value.startswith("xy1:") for value in cursor.fetchone())


# Plans (一生一策) ---------------------------------------------------------------------------------


def _elevated(student=None, level="elevated"):
    student = student or make_student()
    attention_set(student=student, level=level, reason="测评结果", actor=role_user("counselor"))
    return student


def test_plan_review_due_shows_on_the_owners_home_and_moves_on_when_done():
    with schema_context(SCHEMA):
        student = _elevated(make_student(make_class(homeroom=role_user("homeroom_teacher"))))
        homeroom = role_user("homeroom_teacher")
    counselor = signed_in(ALPHA, "r_counselor")
    listed = counselor.get("/counseling/plans/")
    assert student.name in [s.name for s in listed.context["needing"]]
    response = counselor.post(
        "/counseling/plans/new/",
        {
            "student": student.pk,
            "owner": homeroom.pk,
            "goals": "MARKER-目标：恢复正常作息",
            "supports": "每周个别辅导一次",
            "starts_on": str(school_today() - timedelta(days=25)),
            "review_every_days": 30,
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    with schema_context(SCHEMA):
        plan = student.care_plans.get()
        first = plan.reviews.get()
        assert first.due_on == school_today() + timedelta(days=5)
    assert student.name not in [s.name for s in counselor.get("/counseling/plans/").context["needing"]]

    owner = signed_in(ALPHA, "r_homeroom_teacher")
    link = f"/counseling/plans/{plan.public_id}/"
    home = owner.get("/").content.decode()
    assert link in home and student.name in home
    # Nobody else has it on their home page.
    assert link not in counselor.get("/").content.decode()

    # The owner reads their own plan (goals included) and records the progress check.
    detail = owner.get(link)
    assert detail.status_code == 200 and "MARKER-目标" in detail.content.decode()
    assert _views(plan) == 1
    assert owner.post(f"{link}review/", {"progress": "作息好转，课堂参与增加"}).status_code == 302
    with schema_context(SCHEMA):
        first.refresh_from_db()
        assert first.done_at is not None and first.done_by == homeroom
        pending = PlanReview.objects.get(plan=plan, done_at__isnull=True)
        assert pending.due_on == school_today() + timedelta(days=30)
    assert link not in owner.get("/").content.decode()
    # The owner may not edit or close the plan: that is the care team's.
    assert owner.get(f"{link}edit/").status_code == 403
    assert owner.post(f"{link}close/").status_code == 403

    # Closing drops the pending review.
    assert counselor.post(f"{link}close/").status_code == 302
    with schema_context(SCHEMA):
        plan.refresh_from_db()
        assert plan.status == "closed" and not plan.reviews.filter(done_at__isnull=True).exists()


def test_plan_rules_and_the_api_review_cycle():
    with schema_context(SCHEMA):
        calm = make_student()
        student = _elevated(level="high")
        counselor = role_user("counselor")
    api = api_client(ALPHA, "r_counselor")
    body = {
        "student": str(calm.public_id),
        "owner": str(counselor.public_id),
        "goals": "目标",
        "supports": "支持",
        "starts_on": str(school_today()),
        "review_every_days": 3,
    }
    answer = api.post("/api/v1/care-plans/", body, content_type="application/json")
    assert answer.status_code == 400
    assert {"student", "review_every_days"} <= set(answer.json()["error"]["fields"])
    body.update(student=str(student.public_id), review_every_days=14)
    created = api.post("/api/v1/care-plans/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["next_review_on"] == str(school_today() + timedelta(days=14)) and len(plan["reviews"]) == 1
    again = api.post("/api/v1/care-plans/", body, content_type="application/json")
    assert again.status_code == 400 and "student" in again.json()["error"]["fields"]

    reviewed = api.post(
        f"/api/v1/care-plans/{plan['id']}/reviews/", {"progress": "情况稳定"}, content_type="application/json"
    )
    assert reviewed.status_code == 201, reviewed.content
    reviews = reviewed.json()["reviews"]
    assert [bool(r["done_at"]) for r in reviews] == [True, False]
    assert reviews[0]["progress"] == "情况稳定"
    assert reviewed.json()["next_review_on"] == str(school_today() + timedelta(days=14))
    closed = api.post(f"/api/v1/care-plans/{plan['id']}/close/", content_type="application/json")
    assert (
        closed.status_code == 200
        and closed.json()["status"] == "closed"
        and closed.json()["next_review_on"] is None
    )
    assert api.post(f"/api/v1/care-plans/{plan['id']}/close/").status_code == 400


def test_principal_sees_plan_status_but_no_goals_and_no_notes():
    with schema_context(SCHEMA):
        plan = services.plan_create(
            actor=role_user("counselor"),
            student=_elevated(),
            owner=role_user("counselor"),
            goals="MARKER-GOALS 减少自伤念头",
            supports="MARKER-SUPPORTS 每周辅导",
            starts_on=school_today(),
            review_every_days=30,
        )
        session = _session(student=plan.student)
    principal = signed_in(ALPHA, "r_principal")
    table = principal.get("/counseling/plans/")
    assert table.status_code == 200
    page = table.content.decode()
    assert plan.student.name in page and "MARKER" not in page
    assert f"/counseling/plans/{plan.public_id}/" not in page  # no link to the detail
    assert principal.get(f"/counseling/plans/{plan.public_id}/").status_code == 404
    assert principal.get(f"/counseling/{session.public_id}/").status_code == 404
    api = api_client(ALPHA, "r_principal")
    assert api.get(f"/api/v1/care-plans/{plan.public_id}/").status_code == 404
    assert api.get(f"/api/v1/counseling-sessions/{session.public_id}/").status_code == 404
    assert _views(plan) == 0 and _views(session) == 0


def test_a_homeroom_owner_reads_their_own_plan_and_no_other():
    with schema_context(SCHEMA):
        homeroom = role_user("homeroom_teacher")
        mine = services.plan_create(
            actor=role_user("counselor"),
            student=_elevated(),
            owner=homeroom,
            goals="MINE 目标",
            supports="支持",
            starts_on=school_today(),
        )
        other = services.plan_create(
            actor=role_user("counselor"),
            student=_elevated(),
            owner=role_user("counselor"),
            goals="OTHER 目标",
            supports="支持",
            starts_on=school_today(),
        )
    client = signed_in(ALPHA, "r_homeroom_teacher")
    assert client.get(f"/counseling/plans/{mine.public_id}/").status_code == 200
    assert client.get(f"/counseling/plans/{other.public_id}/").status_code == 404
    table = client.get("/counseling/plans/")
    assert table.status_code == 200
    names = [row[0][0] for row in table.context["rows"]]
    assert names == [mine.student.name]
    api = api_client(ALPHA, "r_homeroom_teacher")
    assert api.get(f"/api/v1/care-plans/{mine.public_id}/").json()["goals"] == "MINE 目标"
    assert api.get(f"/api/v1/care-plans/{other.public_id}/").status_code == 404
    assert (
        api.patch(
            f"/api/v1/care-plans/{mine.public_id}/", {"goals": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert _views(mine) == 2 and _views(other) == 0
    # A staff member who owns no plan gets nothing.
    assert signed_in(ALPHA, "r_secretary").get("/counseling/plans/").status_code == 403


def test_every_counseling_page_renders_for_the_care_team():
    with schema_context(SCHEMA):
        _room("沙盘室")
        session = _session()
        referral = services.referral_create(
            actor=role_user("counselor"),
            student=session.student,
            institution="市精神卫生中心",
            referred_on=school_today(),
            reason="评估",
        )
        plan = services.plan_create(
            actor=role_user("counselor"),
            student=_elevated(),
            owner=role_user("counselor"),
            goals="目标",
            supports="支持",
            starts_on=school_today(),
        )
        waiting = _elevated()
    client = signed_in(ALPHA, "r_psychology_teacher")
    pages = [
        "/counseling/",
        "/counseling/new/",
        f"/counseling/{session.public_id}/",
        f"/counseling/{session.public_id}/edit/",
        "/counseling/referrals/",
        "/counseling/referrals/new/",
        f"/counseling/referrals/{referral.public_id}/",
        f"/counseling/referrals/{referral.public_id}/edit/",
        f"/counseling/referrals/{referral.public_id}/feedback/",
        f"/counseling/referrals/{referral.public_id}/return/",
        "/counseling/plans/",
        f"/counseling/plans/new/?student={waiting.public_id}",
        f"/counseling/plans/{plan.public_id}/",
        f"/counseling/plans/{plan.public_id}/edit/",
        "/counseling/plans/?review=due&status=active",
        "/counseling/referrals/?state=waiting&month=2020-01",
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    new_plan = client.get(f"/counseling/plans/new/?student={waiting.public_id}")
    assert new_plan.context["form"].initial["student"] == waiting.pk
    assert f"?student={waiting.public_id}" in client.get("/counseling/plans/").content.decode()
