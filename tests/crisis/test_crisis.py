"""Crisis intervention: step order, timing and attribution, closing, the escalation job, need to
know (the principal sees no narrative; break-glass), one audit event per read, pages and roles."""

from datetime import timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, override
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.care.models import AuditEvent
from tenants.crisis import selectors, services
from tenants.crisis.models import BreakGlass, CaseStep, CrisisCase, DutyAssignment, EmergencyPlan, TimeLimit
from tenants.crisis.tasks import escalate_overdue
from tenants.workspace.models import Notification
from tests.conftest import ALPHA, api_client, in_alpha, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")  # pages read and show times in the school's zone
NARRATIVE = "晚自习后在天台徘徊，称“活着没意思”——标记文本XN42"
NOTE = "评估笔记：有具体计划——标记文本NT77"


@pytest.fixture
def alpha():
    with schema_context("school_alpha"):
        yield
    connection.set_schema_to_public()


def _case(level="high", name=None):
    student = make_student(name=name)
    return services.case_report(
        student=student,
        level=level,
        identified_how="observation",
        actor=role_user("counselor"),
        narrative=NARRATIVE,
    )


def _step(case, step, **extra):
    return services.step_record(case, actor=role_user("counselor"), step=step, **extra)


def _views(case, action="view"):
    return AuditEvent.objects.filter(object_ref=case.public_id, action=action).count()


# --- Steps ---------------------------------------------------------------------------------------


def test_a_step_cannot_be_skipped_and_the_error_names_the_step_due(alpha):
    case = _case()
    with pytest.raises(ValidationError) as raised:
        _step(case, "intervention")
    assert "step" in raised.value.message_dict
    assert gettext("Risk assessed (评估)") in " ".join(raised.value.message_dict["step"])
    assert not CaseStep.objects.filter(case=case, step="intervention").exists()
    case.refresh_from_db()
    assert case.step == "identified"


def test_a_step_cannot_be_recorded_twice(alpha):
    case = _case()
    _step(case, "assessed", level="high")
    with pytest.raises(ValidationError) as raised:
        _step(case, "assessed", level="medium")
    assert "step" in raised.value.message_dict
    assert CaseStep.objects.filter(case=case, step="assessed").count() == 1
    # The database refuses it too, whatever the service says.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStep.objects.create(case=case, step="assessed", done_at=timezone.now(), level="low")


def test_assessment_needs_a_level_and_sets_it(alpha):
    case = _case(level="medium")
    with pytest.raises(ValidationError) as raised:
        _step(case, "assessed")
    assert "level" in raised.value.message_dict
    _step(case, "assessed", level="high", note=NOTE)
    case.refresh_from_db()
    assert (case.step, case.level) == ("assessed", "high")


def test_every_step_is_timed_and_attributed(alpha):
    case = _case()
    _opened_minutes_ago(case, 30)
    CaseStep.objects.filter(case=case).update(done_at=timezone.now() - timedelta(minutes=30))
    assessed_at = timezone.now() - timedelta(minutes=20)
    psych = role_user("psychology_teacher")
    services.step_record(case, actor=psych, step="assessed", level="high", done_at=assessed_at, note=NOTE)
    row = CaseStep.objects.get(case=case, step="assessed")
    assert row.done_by == psych and abs((row.done_at - assessed_at).total_seconds()) < 1
    assert row.note == NOTE and row.level == "high"
    identified = CaseStep.objects.get(case=case, step="identified")
    assert identified.done_by == role_user("counselor")
    # Not in the future, not before the previous step.
    with pytest.raises(ValidationError) as raised:
        _step(case, "intervention", done_at=timezone.now() + timedelta(hours=1))
    assert "done_at" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _step(case, "intervention", done_at=assessed_at - timedelta(minutes=1))
    assert "done_at" in raised.value.message_dict
    before = timezone.now()
    _step(case, "intervention")
    assert CaseStep.objects.get(case=case, step="intervention").done_at >= before


def test_referral_may_be_not_needed_but_is_recorded_and_closing_needs_a_summary(alpha):
    case = _case()
    _step(case, "assessed", level="medium")
    _step(case, "intervention")
    _step(case, "guardians_notified", note="电话联系母亲，已到校")
    with pytest.raises(ValidationError) as raised:
        _step(case, "guardians_notified", skipped_reason="不需要")
    assert "step" in raised.value.message_dict
    _step(case, "referral", skipped_reason="评估后风险下降，暂不需要转介")
    assert CaseStep.objects.get(case=case, step="referral").skipped_reason.startswith("评估后")
    _step(case, "follow_up")
    with pytest.raises(ValidationError) as raised:
        _step(case, "closed", summary="   ")
    assert "summary" in raised.value.message_dict
    case.refresh_from_db()
    assert case.closed_at is None and case.step == "follow_up"
    _step(case, "closed", summary="连续四周跟踪，情绪稳定，结案")
    case.refresh_from_db()
    assert case.step == "closed" and case.closed_at is not None and case.summary.startswith("连续四周")
    with pytest.raises(ValidationError):
        _step(case, "closed", summary="again")


# --- Time limits and escalation ------------------------------------------------------------------


def _opened_minutes_ago(case, minutes):
    CrisisCase.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(minutes=minutes))


def test_deadline_selector(alpha):
    case = _case()
    found = selectors.cases().get(pk=case.pk)
    assert found.next_step == "assessed" and found.limit_minutes == 60 and not found.overdue
    _opened_minutes_ago(case, 61)
    found = selectors.cases().get(pk=case.pk)
    assert found.overdue and found.deadline < timezone.now()
    assert selectors.overdue_cases().filter(pk=case.pk).exists()


def test_escalation_job_alerts_the_principal_once_and_names_no_student(alpha):
    principal = role_user("principal")
    late = _case(level="high", name="欧阳标记")
    _opened_minutes_ago(late, 61)
    within = _case(level="high")
    _opened_minutes_ago(within, 30)
    before = Notification.objects.filter(recipient=principal).count()

    first = escalate_overdue.apply().get()
    assert first["escalated"] >= 1 and first["notified"] >= 1
    late.refresh_from_db()
    within.refresh_from_db()
    assert late.escalated_at is not None
    assert within.escalated_at is None
    notes = Notification.objects.filter(
        recipient=principal, dedupe_key__startswith=f"crisis:{late.public_id}:"
    )
    assert notes.count() == 1
    note = notes.get()
    assert "欧阳标记" not in note.title and "欧阳标记" not in note.body
    assert str(late.public_id) in note.link
    assert not Notification.objects.filter(
        dedupe_key__startswith=f"crisis:{within.public_id}:overdue"
    ).exists()

    again = escalate_overdue.apply().get()
    assert again["notified"] == 0 and again["escalated"] == 0
    assert Notification.objects.filter(recipient=principal).count() == before + 1
    assert (
        Notification.objects.filter(dedupe_key=f"crisis:{late.public_id}:overdue:assessed").count()
        == first["notified"]
    )


def test_recorded_step_stops_the_escalation_and_limits_can_be_changed(alpha):
    case = _case(level="high")
    _opened_minutes_ago(case, 61)
    _step(case, "assessed", level="high")
    # intervention is due within 4 hours of opening: not overdue yet
    assert not selectors.cases().get(pk=case.pk).overdue
    limit = TimeLimit.objects.get(level="high", step="intervention")
    services.time_limit_update(limit, actor=role_user("principal"), data={"minutes": 45})
    assert selectors.cases().get(pk=case.pk).overdue
    with pytest.raises(ValidationError):
        services.time_limit_update(limit, actor=role_user("principal"), data={"minutes": 0})


# --- Need to know, break-glass, audit ------------------------------------------------------------


def test_principal_sees_status_but_no_narrative_until_break_glass(db):
    case = in_alpha(lambda: _case())
    in_alpha(lambda: _step(case, "assessed", level="high", note=NOTE))
    url = f"/crisis/cases/{case.public_id}/"

    counselor = signed_in(ALPHA, "r_counselor")
    page = counselor.get(url).content.decode()
    assert "XN42" in page and "NT77" in page

    principal = signed_in(ALPHA, "r_principal")
    page = principal.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "XN42" not in text and "NT77" not in text and case.student.name in text
    assert 'name="reason"' in text

    api = api_client(ALPHA, "r_principal")
    body = api.get(f"/api/v1/crisis-cases/{case.public_id}/")
    assert_matches_schema(body)
    data = body.json()
    assert data["level"] == "high" and data["step"] == "assessed"
    assert "narrative" not in data and "summary" not in data and all("note" not in s for s in data["steps"])
    listed = api.get("/api/v1/crisis-cases/").json()["results"]
    assert all("narrative" not in item for item in listed)
    assert "XN42" not in str(listed)

    # Break-glass needs a reason.
    refused = principal.post(f"{url}break-glass/", {"reason": "  "})
    assert refused.status_code == 400
    assert (
        api.post(
            f"/api/v1/crisis-cases/{case.public_id}/break-glass/",
            {"reason": ""},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert in_alpha(lambda: BreakGlass.objects.filter(case=case).count()) == 0

    opened = principal.post(f"{url}break-glass/", {"reason": "家长来电投诉，需要了解处置经过"})
    assert opened.status_code == 302
    glass_events = in_alpha(
        lambda: list(AuditEvent.objects.filter(object_ref=case.public_id, action="break_glass"))
    )
    glass = in_alpha(lambda: BreakGlass.objects.get(case=case))
    # The event refers to the break-glass, whose reason is encrypted; it carries no reason text.
    assert len(glass_events) == 1 and glass_events[0].reason_ref == glass.public_id
    assert "家长来电投诉" not in glass_events[0].reason
    assert glass_events[0].actor_id == in_alpha(lambda: role_user("principal").pk)
    told = in_alpha(
        lambda: list(
            Notification.objects.filter(
                recipient=role_user("counselor"),
                dedupe_key__startswith=f"crisis:{case.public_id}:break_glass",
            )
        )
    )
    assert len(told) == 1 and "家长来电投诉" not in told[0].body and case.student.name not in told[0].title

    views_before = in_alpha(lambda: _views(case))
    text = principal.get(url).content.decode()
    assert "XN42" in text and "NT77" in text
    assert in_alpha(lambda: _views(case)) == views_before + 1
    data = api.get(f"/api/v1/crisis-cases/{case.public_id}/").json()
    assert data["narrative"] == NARRATIVE and data["steps"][1]["note"] == NOTE

    # The counselors see who opened it and why.
    history = counselor.get(url).content.decode()
    assert "家长来电投诉，需要了解处置经过" in history

    # Expired: the detail is hidden again.
    in_alpha(
        lambda: BreakGlass.objects.filter(case=case).update(expires_at=timezone.now() - timedelta(minutes=1))
    )
    assert "XN42" not in principal.get(url).content.decode()


def test_api_break_glass_by_the_principal_only(db):
    case = in_alpha(lambda: _case())
    url = f"/api/v1/crisis-cases/{case.public_id}/break-glass/"
    assert (
        api_client(ALPHA, "r_counselor")
        .post(url, {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api_client(ALPHA, "r_deputy").post(url, {"reason": "x"}, content_type="application/json").status_code
        == 404
    )
    response = api_client(ALPHA, "r_principal").post(
        url, {"reason": "区教育局要求核查"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert_matches_schema(response)
    # The reason is not echoed back: it is encrypted, for the care team.
    assert "reason" not in response.json() and "区教育局要求核查" not in response.content.decode()
    assert response.json()["case"] == str(case.public_id)


@pytest.mark.parametrize("role", ["counselor", "principal"])
def test_each_detail_read_writes_exactly_one_audit_event(db, role):
    case = in_alpha(lambda: _case())
    page = signed_in(ALPHA, f"r_{role}")
    before = in_alpha(lambda: _views(case))
    assert page.get(f"/crisis/cases/{case.public_id}/").status_code == 200
    assert in_alpha(lambda: _views(case)) == before + 1
    assert api_client(ALPHA, f"r_{role}").get(f"/api/v1/crisis-cases/{case.public_id}/").status_code == 200
    assert in_alpha(lambda: _views(case)) == before + 2
    events = in_alpha(lambda: list(AuditEvent.objects.filter(object_ref=case.public_id, action="view")))
    assert all(e.student_ref == case.student.public_id for e in events)
    lists = in_alpha(lambda: AuditEvent.objects.filter(action="list", subject="crisis.case").count())
    page.get("/crisis/")
    assert (
        in_alpha(lambda: AuditEvent.objects.filter(action="list", subject="crisis.case").count()) == lists + 1
    )


OUTSIDERS = ["homeroom_teacher", "secretary", "deputy", "member", "invited_attendee", "school_admin"]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_403_on_lists_and_404_on_cases(db, role):
    case = in_alpha(lambda: _case())
    client = signed_in(ALPHA, f"r_{role}")
    for url in ("/crisis/", "/crisis/cases/new/", "/crisis/limits/", "/crisis/duty/"):
        assert client.get(url).status_code == 403, url
    for url in (f"/crisis/cases/{case.public_id}/",):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            f"/crisis/cases/{case.public_id}/steps/", {"step": "assessed", "level": "high"}
        ).status_code
        == 404
    )
    assert client.post(f"/crisis/cases/{case.public_id}/break-glass/", {"reason": "x"}).status_code == 404
    assert in_alpha(lambda: CaseStep.objects.filter(case=case).count()) == 1
    plans = client.get("/crisis/plans/").status_code
    assert plans == (403 if role in ("invited_attendee", "school_admin") else 200)


def test_other_school_case_page_is_404(db):
    case = in_alpha(lambda: _case())
    assert signed_in("beta", "r_counselor").get(f"/crisis/cases/{case.public_id}/").status_code == 404


# --- Pages ---------------------------------------------------------------------------------------


def test_counselor_opens_a_case_and_records_steps_from_the_page(db):
    student = in_alpha(lambda: make_student())
    counselor = signed_in(ALPHA, "r_counselor")
    assert counselor.get("/crisis/cases/new/").status_code == 200
    created = counselor.post(
        "/crisis/cases/new/",
        {"student": student.pk, "level": "high", "identified_how": "self_report", "narrative": NARRATIVE},
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    case = in_alpha(lambda: CrisisCase.objects.get(student=student))
    assert created["Location"] == f"/crisis/cases/{case.public_id}/"
    assert case.counselor_id == in_alpha(lambda: role_user("counselor").pk)
    url = f"/crisis/cases/{case.public_id}/"

    skipped = counselor.post(f"{url}steps/", {"step": "intervention"})
    assert skipped.status_code == 400
    with override("zh-hans"):
        assert gettext("Risk assessed (评估)") in skipped.content.decode()
    assert 'class="errors"' in skipped.content.decode()
    no_level = counselor.post(f"{url}steps/", {"step": "assessed", "level": ""})
    assert no_level.status_code == 400
    ok = counselor.post(
        f"{url}steps/",
        {
            "step": "assessed",
            "level": "high",
            "note": NOTE,
            "done_at": timezone.localtime(timezone=SHANGHAI).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert ok.status_code == 302, [line for line in ok.content.decode().splitlines() if "error" in line]
    assert in_alpha(lambda: CrisisCase.objects.get(pk=case.pk).step) == "assessed"
    page = counselor.get(url).content.decode()
    assert 'value="intervention"' in page and "NT77" in page

    # The principal may not open cases or record steps.
    principal = signed_in(ALPHA, "r_principal")
    assert principal.get("/crisis/cases/new/").status_code == 403
    assert principal.post(f"{url}steps/", {"step": "intervention"}).status_code == 403
    listed = principal.get("/crisis/").content.decode()
    assert student.name in listed and "XN42" not in listed


def test_case_list_filters_and_exports(db):
    late = in_alpha(lambda: _case(level="high"))
    in_alpha(lambda: _opened_minutes_ago(late, 90))
    calm = in_alpha(lambda: _case(level="low"))
    client = signed_in(ALPHA, "r_psychology_teacher")
    overdue = client.get("/crisis/?overdue=yes").content.decode()
    assert late.student.name in overdue and calm.student.name not in overdue
    assert "badge-overdue" in overdue
    export = client.get("/crisis/?export=xlsx&level=high")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert late.student.name in names and calm.student.name not in names


def test_time_limit_duty_and_plan_pages(db):
    principal = signed_in(ALPHA, "r_principal")
    limit = in_alpha(lambda: TimeLimit.objects.get(level="high", step="assessed"))
    assert principal.get("/crisis/limits/").status_code == 200
    saved = principal.post(
        f"/crisis/limits/{limit.public_id}/edit/", {"level": "high", "step": "assessed", "minutes": 30}
    )
    assert saved.status_code == 302
    assert in_alpha(lambda: TimeLimit.objects.get(pk=limit.pk).minutes) == 30
    bad = principal.post("/crisis/limits/new/", {"level": "high", "step": "assessed", "minutes": 0})
    assert bad.status_code == 400

    counselor = in_alpha(lambda: role_user("counselor"))
    day = timezone.localdate() + timedelta(days=3)
    assigned = principal.post(
        "/crisis/duty/new/", {"user": counselor.pk, "on_date": day.isoformat(), "days": 2}
    )
    assert assigned.status_code == 302
    assert in_alpha(lambda: DutyAssignment.objects.filter(user=counselor, on_date__gte=day).count()) == 2
    assert in_alpha(lambda: [u.pk for u in services.counselors_on_duty(day)]) == [counselor.pk]
    again = principal.post("/crisis/duty/new/", {"user": counselor.pk, "on_date": day.isoformat(), "days": 1})
    assert again.status_code == 400
    deputy = in_alpha(lambda: role_user("deputy"))
    not_care = principal.post("/crisis/duty/new/", {"user": deputy.pk, "on_date": day.isoformat(), "days": 1})
    assert not_care.status_code == 400
    page = principal.get("/crisis/duty/").content.decode()
    assert counselor.display_name in page

    plan = principal.post(
        "/crisis/plans/new/",
        {
            "title": "校园心理危机干预应急预案",
            "version": "1.0",
            "effective_on": timezone.localdate().isoformat(),
            "body": "一、工作目标",
        },
    )
    assert plan.status_code == 302
    found = in_alpha(lambda: EmergencyPlan.objects.get(title="校园心理危机干预应急预案"))
    homeroom = signed_in(ALPHA, "r_homeroom_teacher")
    assert "一、工作目标" in homeroom.get(f"/crisis/plans/{found.public_id}/").content.decode()
    assert homeroom.get(f"/crisis/plans/{found.public_id}/edit/").status_code == 403
    with override("zh-hans"):
        empty = gettext("Nothing matches these filters.")
    assert empty  # the catalogue has the filter text


def test_demo_seeds_once_and_needs_students(alpha):
    from shared.accounts.roles import SchoolRole
    from shared.accounts.services import account_create
    from tenants.crisis.demo import PLAN_TITLE, seed_demo

    account_create(
        username="counselor", full_name="杨思远", roles=[SchoolRole.COUNSELOR], password="Correct-Horse-77"
    )
    account_create(
        username="psych",
        full_name="陈静怡",
        roles=[SchoolRole.PSYCHOLOGY_TEACHER],
        password="Correct-Horse-77",
    )
    from tenants.students.models import Student

    today = timezone.localdate()
    Student.objects.all().delete()
    seed_demo(today=today)
    assert not EmergencyPlan.objects.exists() and not CrisisCase.objects.exists()
    for _n in range(3):
        make_student()
    seed_demo(today=today)
    seed_demo(today=today)
    assert EmergencyPlan.objects.filter(title=PLAN_TITLE).count() == 1
    assert DutyAssignment.objects.filter(user__username="counselor", on_date=today).count() == 1
    cases = list(selectors.cases().filter(identified_how__in=["self_report", "report"]))
    assert len(cases) == 2
    closed = next(c for c in cases if c.closed_at)
    assert closed.summary and closed.step == "closed"
    opened = next(c for c in cases if not c.closed_at)
    assert opened.level == "high" and opened.step == "intervention" and not opened.overdue


def test_steps_api_records_the_next_step_and_names_the_one_due(db):
    case = in_alpha(lambda: _case())
    url = f"/api/v1/crisis-cases/{case.public_id}/steps/"
    api = api_client(ALPHA, "r_counselor")
    skipped = api.post(url, {"step": "guardians_notified"}, content_type="application/json")
    assert skipped.status_code == 400
    assert_matches_schema(skipped)
    assert "step" in skipped.json()["error"]["fields"]
    no_level = api.post(url, {"step": "assessed"}, content_type="application/json")
    assert no_level.status_code == 400 and "level" in no_level.json()["error"]["fields"]
    done = api.post(url, {"step": "assessed", "level": "high", "note": NOTE}, content_type="application/json")
    assert done.status_code == 201, done.content
    assert_matches_schema(done)
    body = done.json()
    assert body["step"] == "assessed" and body["next_step"] == "intervention"
    assert [s["step"] for s in body["steps"]] == ["identified", "assessed"] and body["steps"][1][
        "note"
    ] == NOTE
    again = api.post(url, {"step": "assessed", "level": "high"}, content_type="application/json")
    assert again.status_code == 400 and "step" in again.json()["error"]["fields"]
    for step in ("intervention", "guardians_notified"):
        assert api.post(url, {"step": step}, content_type="application/json").status_code == 201
    assert (
        api.post(
            url, {"step": "referral", "skipped_reason": "不需要"}, content_type="application/json"
        ).status_code
        == 201
    )
    assert api.post(url, {"step": "follow_up"}, content_type="application/json").status_code == 201
    unsummarised = api.post(url, {"step": "closed"}, content_type="application/json")
    assert unsummarised.status_code == 400 and "summary" in unsummarised.json()["error"]["fields"]
    closed = api.post(url, {"step": "closed", "summary": "风险解除，结案"}, content_type="application/json")
    assert closed.status_code == 201 and closed.json()["closed_at"]
    assert (
        api_client(ALPHA, "r_principal")
        .post(url, {"step": "closed"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api_client(ALPHA, "r_secretary")
        .post(url, {"step": "closed"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api_client("beta", "r_counselor")
        .post(url, {"step": "closed"}, content_type="application/json")
        .status_code
        == 404
    )


# --- Declared once (tenants/crisis/resources.py) -------------------------------------------------


def _subject_events(action):
    return in_alpha(lambda: AuditEvent.objects.filter(action=action, subject="crisis.case").count())


def test_case_lists_and_exports_write_exactly_one_event_each_on_the_page_and_the_api(db):
    in_alpha(lambda: _case())
    page = signed_in(ALPHA, "r_counselor")
    api = api_client(ALPHA, "r_counselor")
    lists, exports = _subject_events("list"), _subject_events("export")
    assert api.get("/api/v1/crisis-cases/").status_code == 200
    assert (_subject_events("list"), _subject_events("export")) == (lists + 1, exports)
    assert page.get("/crisis/", {"export": "xlsx"}).status_code == 200
    assert (_subject_events("list"), _subject_events("export")) == (lists + 1, exports + 1)
    assert page.get("/crisis/").status_code == 200
    assert (_subject_events("list"), _subject_events("export")) == (lists + 2, exports + 1)


def test_case_filters_are_one_definition_for_the_page_and_the_api(db):
    late = in_alpha(lambda: _case(level="high"))
    in_alpha(lambda: _opened_minutes_ago(late, 90))
    calm = in_alpha(lambda: _case(level="low"))
    api = api_client(ALPHA, "r_psychology_teacher")

    def ids(query):
        response = api.get(f"/api/v1/crisis-cases/?{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    # The API's boolean spellings still work, and the page's "yes".
    for flag in ("true", "1", "yes"):
        found = ids(f"overdue={flag}")
        assert str(late.public_id) in found and str(calm.public_id) not in found
    # The page's student search and step filter now serve the API too.
    assert ids(f"q={calm.student.name}") == {str(calm.public_id)}
    assert str(late.public_id) in ids("step=identified")
    # A value outside the choices is a field error, not an empty list.
    bad = api.get("/api/v1/crisis-cases/?level=extreme")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["level"]
    assert_matches_schema(bad)
    bad_day = api_client(ALPHA, "r_principal").get("/api/v1/duty-assignments/?from=2026-13-01")
    assert bad_day.status_code == 400 and list(bad_day.json()["error"]["fields"]) == ["from"]


def test_a_principal_read_under_break_glass_refers_to_it_once_per_read(db):
    case = in_alpha(lambda: _case())
    principal = api_client(ALPHA, "r_principal")
    detail = f"/api/v1/crisis-cases/{case.public_id}/"
    assert principal.get(detail).status_code == 200
    plain = in_alpha(lambda: list(AuditEvent.objects.filter(object_ref=case.public_id, action="view")))
    assert len(plain) == 1 and plain[0].reason_ref is None
    opened = principal.post(f"{detail}break-glass/", {"reason": "家长来电"}, content_type="application/json")
    assert opened.status_code == 201
    glass = in_alpha(lambda: BreakGlass.objects.get(case=case))
    assert principal.get(detail).json()["narrative"] == NARRATIVE
    signed_in(ALPHA, "r_principal").get(f"/crisis/cases/{case.public_id}/")
    views = in_alpha(
        lambda: list(AuditEvent.objects.filter(object_ref=case.public_id, action="view").order_by("id"))
    )
    assert len(views) == 3
    assert [v.reason_ref for v in views[1:]] == [glass.public_id, glass.public_id]
    assert all("家长来电" not in v.reason for v in views)


def test_the_principal_case_page_looks_up_the_break_glass_once(db):
    from django.test.utils import CaptureQueriesContext

    case = in_alpha(lambda: _case())
    in_alpha(lambda: services.break_glass_open(case, actor=role_user("principal"), reason="家长来电"))
    page = signed_in(ALPHA, "r_principal")
    with CaptureQueriesContext(connection) as queries:
        assert page.get(f"/crisis/cases/{case.public_id}/").status_code == 200
    lookups = [
        q["sql"] for q in queries if 'FROM "crisis_breakglass"' in q["sql"] and "expires_at" in q["sql"]
    ]
    assert len(lookups) == 1  # the page and its audit event share one look-up


def test_crisis_tabs_show_only_what_the_person_may_read(db):
    homeroom = signed_in(ALPHA, "r_homeroom_teacher").get("/crisis/plans/").content.decode()
    assert 'href="/crisis/plans/"' in homeroom and 'href="/crisis/"' not in homeroom
    counselor = signed_in(ALPHA, "r_counselor").get("/crisis/plans/").content.decode()
    assert all(f'href="{url}"' in counselor for url in ("/crisis/", "/crisis/limits/", "/crisis/duty/"))
