"""Governance pages: each shows its data to the principal, exports real workbooks, refuses bad input
by field without saving, answers 403 to readers on write pages and 404 to people outside the area."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from tenants.governance import services
from tenants.governance.models import GroupMember, InfoReport, Plan, RosterChange, RuleDocument, RuleVersion
from tests.conftest import ALPHA, in_alpha, role_user, signed_in

pytestmark = pytest.mark.django_db


def _seed():
    today = timezone.localdate()
    principal = role_user("principal")
    leader = services.member_add(actor=principal, person=principal, role="leader", starts_on=date(2024, 9, 1))
    former = services.member_add(
        actor=principal,
        person=role_user("counselor"),
        role="member",
        department="security",
        starts_on=date(2024, 9, 1),
        ends_on=date(2026, 8, 31),
    )
    services.attendee_add(
        actor=principal,
        kind="psychology_expert",
        name="林教授",
        affiliation="市师范大学",
        starts_on=date(2026, 9, 1),
    )
    plan = services.plan_create(
        actor=principal,
        title="心理健康教育年度计划",
        school_year="2026-2027",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=200),
        goals="全员心理健康素养提升。",
    )
    services.plan_key_task_add(
        plan,
        actor=principal,
        title="组织教师心理健康培训",
        owner=role_user("member"),
        due_on=today + timedelta(days=5),
    )
    services.plan_key_task_add(
        plan,
        actor=principal,
        title="编写心理健康校本教材",
        owner=role_user("deputy"),
        due_on=today - timedelta(days=3),
    )
    rule = services.rule_document_create(
        actor=principal,
        title="心理辅导室值班制度",
        category="management",
        effective_on=date(2026, 9, 1),
        text="值班老师按时到岗。",
    )
    services.rule_version_add(
        rule, actor=principal, effective_on=date(2027, 9, 1), text="第二版：增加午间值班。"
    )
    report = services.report_create(
        actor=principal,
        kind="monthly",
        title="十月信息报告",
        school_year="2026-2027",
        term="first",
        period_start=today - timedelta(days=60),
        period_end=today - timedelta(days=30),
        due_on=today - timedelta(days=25),
    )
    return {"leader": leader, "former": former, "plan": plan, "rule": rule, "report": report}


@pytest.fixture
def seeded():
    return in_alpha(_seed)


PAGES = [
    ("/governance/", ["心理健康教育年度计划"]),
    ("/governance/group/", []),
    ("/governance/group/?on=2026-03-01", []),
    ("/governance/group/?all=1", []),
    ("/governance/group/history/", []),
    ("/governance/group/attendees/", ["林教授"]),
    ("/governance/plans/", ["心理健康教育年度计划"]),
    ("/governance/rules/", ["心理辅导室值班制度"]),
    ("/governance/reports/", ["十月信息报告"]),
]


@pytest.mark.parametrize("url,expected", PAGES)
def test_pages_show_their_data_to_the_principal(seeded, url, expected):
    response = signed_in(ALPHA, "r_principal").get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    for snippet in expected:
        assert snippet in text, (url, snippet)


def test_the_roster_follows_the_date(seeded):
    client = signed_in(ALPHA, "r_deputy")
    counselor = in_alpha(lambda: role_user("counselor").display_name)
    today_page = client.get("/governance/group/").content.decode()
    past_page = client.get("/governance/group/?on=2026-03-01").content.decode()
    assert counselor not in today_page and counselor in past_page
    bad = client.get("/governance/group/?on=2026-02-30")
    assert bad.status_code == 200 and "2026-02-30" in bad.content.decode()
    # Nobody on the group before the school started keeping a roster: the empty state says so.
    empty = client.get("/governance/group/?on=2020-01-01").content.decode()
    assert 'class="empty"' in empty


def test_detail_pages(seeded):
    client = signed_in(ALPHA, "r_principal")
    plan = client.get(f"/governance/plans/{seeded['plan'].public_id}/").content.decode()
    assert "组织教师心理健康培训" in plan and "编写心理健康校本教材" in plan
    assert "50%" not in plan and "0%" in plan  # no task done yet
    assert 'action="/governance/plans/' in plan  # the principal sees the approve button
    rule = client.get(f"/governance/rules/{seeded['rule'].public_id}/?on=2026-10-01").content.decode()
    assert "值班老师按时到岗。" in rule and "第二版" in rule
    future = client.get(f"/governance/rules/{seeded['rule'].public_id}/?on=2027-10-01").content.decode()
    assert "v2" in future
    report = client.get(f"/governance/reports/{seeded['report'].public_id}/").content.decode()
    assert "十月信息报告" in report and "badge-overdue" in report


def test_approve_and_start_from_the_plan_page(seeded):
    url = f"/governance/plans/{seeded['plan'].public_id}/"
    secretary = signed_in(ALPHA, "r_secretary")
    assert secretary.post(url + "approve/").status_code == 403
    secretary_page = secretary.get(url).content.decode()
    assert f'action="{url}approve/"' not in secretary_page
    principal = signed_in(ALPHA, "r_principal")
    # Out of order: refused with a message, nothing changes.
    response = principal.post(url + "start/", follow=True)
    assert response.status_code == 200
    assert in_alpha(lambda: Plan.objects.get(pk=seeded["plan"].pk).status) == "draft"
    assert principal.post(url + "approve/").status_code == 302
    assert principal.post(url + "start/").status_code == 302
    plan = in_alpha(lambda: Plan.objects.get(pk=seeded["plan"].pk))
    assert plan.status == "in_progress" and plan.approved_by_id is not None
    closing = principal.post(url + "close/", {"summary": ""})
    assert closing.status_code == 400 and "field-error" in closing.content.decode()
    assert principal.post(url + "close/", {"summary": "全年目标基本完成。"}).status_code == 302
    assert in_alpha(lambda: Plan.objects.get(pk=seeded["plan"].pk).status) == "closed"


EMPTY = [
    ("/governance/plans/", "No work plans yet."),
    ("/governance/rules/", "No rules or regulations yet."),
    ("/governance/reports/", "No reports scheduled yet. Generate the year's schedule to start."),
    ("/governance/group/attendees/", "No invited attendees yet."),
    ("/governance/group/history/", "No changes recorded yet."),
    ("/governance/group/", "Nobody is on the group on this date."),
]


@pytest.mark.parametrize("url,text", EMPTY)
def test_empty_states(db, url, text):
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override("zh-hans"):
        expected = escape(gettext(text))
    page = signed_in(ALPHA, "r_principal").get(url).content.decode()
    assert f'<p class="empty">{expected}' in page, url


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def test_xlsx_exports_are_real_workbooks(seeded):
    client = signed_in(ALPHA, "r_principal")
    plans = _workbook(client.get("/governance/plans/?export=xlsx"))
    rows = list(plans.iter_rows(values_only=True))
    assert rows[1][0] == "心理健康教育年度计划" and rows[1][2] == "2026-2027" and rows[1][7] == "0/2 (0%)"
    reports = list(
        _workbook(client.get("/governance/reports/?export=xlsx&late=yes")).iter_rows(values_only=True)
    )
    assert [r[0] for r in reports[1:]] == ["十月信息报告"]
    roster = list(_workbook(client.get("/governance/group/?all=1&export=xlsx")).iter_rows(values_only=True))
    assert len(roster) == 3 and len(roster[0]) == 6  # header and two terms; no "edit" column in the file
    rules = list(_workbook(client.get("/governance/rules/?export=xlsx")).iter_rows(values_only=True))
    assert rules[1][0] == "心理辅导室值班制度" and rules[1][2] == "v1"
    history = list(
        _workbook(client.get("/governance/group/history/?export=xlsx")).iter_rows(values_only=True)
    )
    assert len(history) == 4  # header and three additions


def test_bad_form_input_answers_400_with_field_errors_and_saves_nothing(seeded):
    client = signed_in(ALPHA, "r_secretary")
    counts = in_alpha(
        lambda: (
            Plan.objects.count(),
            GroupMember.objects.count(),
            RosterChange.objects.count(),
            InfoReport.objects.count(),
            RuleDocument.objects.count(),
        )
    )

    plan = client.post(
        "/governance/plans/new/",
        {
            "title": "计划",
            "kind": "annual",
            "school_year": "2026-2027",
            "starts_on": "2026-09-01",
            "ends_on": "2026-08-01",
            "goals": "目标",
        },
    )
    assert plan.status_code == 400 and 'id="id_ends_on-error"' in plan.content.decode()

    member = client.post(
        "/governance/group/members/new/",
        {"person": in_alpha(lambda: role_user("principal").pk), "role": "leader", "starts_on": "2026-10-01"},
    )
    assert member.status_code == 400 and 'id="id_starts_on-error"' in member.content.decode()

    report = client.post(
        "/governance/reports/new/",
        {
            "kind": "monthly",
            "title": "报告",
            "school_year": "2026-2027",
            "term": "first",
            "period_start": "2026-12-01",
            "period_end": "2026-12-31",
            "due_on": "2026-12-10",
        },
    )
    assert report.status_code == 400 and 'id="id_due_on-error"' in report.content.decode()

    rule = client.post(
        "/governance/rules/new/",
        {"title": "新制度", "category": "management", "effective_on": "2026-09-01", "text": ""},
    )
    assert rule.status_code == 400 and 'id="id_text-error"' in rule.content.decode()
    bad_file = client.post(
        "/governance/rules/new/",
        {
            "title": "新制度",
            "category": "management",
            "effective_on": "2026-09-01",
            "file": SimpleUploadedFile("a.exe", b"MZ"),
        },
    )
    assert bad_file.status_code == 400 and 'id="id_file-error"' in bad_file.content.decode()

    task = client.post(
        f"/governance/plans/{seeded['plan'].public_id}/tasks/new/",
        {"title": "任务", "due_on": str(timezone.localdate()), "priority": "normal"},
    )
    assert task.status_code == 400 and 'id="id_owner-error"' in task.content.decode()

    schedule = client.post(
        "/governance/reports/schedule/",
        {
            "school_year": "2026-2027",
            "first_term_start": "2026-09-01",
            "first_term_end": "2027-01-20",
            "second_term_start": "2027-02-17",
            "second_term_end": "2027-01-01",
        },
    )
    assert schedule.status_code == 400 and 'id="id_second_term_end-error"' in schedule.content.decode()

    assert (
        in_alpha(
            lambda: (
                Plan.objects.count(),
                GroupMember.objects.count(),
                RosterChange.objects.count(),
                InfoReport.objects.count(),
                RuleDocument.objects.count(),
            )
        )
        == counts
    )


def test_good_form_input_saves_through_the_services(seeded, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = signed_in(ALPHA, "r_secretary")
    member = seeded["former"]
    response = client.post(
        f"/governance/group/members/{member.public_id}/edit/",
        {
            "person": in_alpha(lambda: role_user("counselor").pk),
            "role": "deputy",
            "department": "security",
            "starts_on": "2024-09-01",
            "ends_on": "2026-08-31",
        },
    )
    assert response.status_code == 302
    change = in_alpha(lambda: RosterChange.objects.filter(subject_id=member.public_id).first())
    assert change.action == "changed" and change.changes == {"role": {"from": "member", "to": "deputy"}}
    history = client.get("/governance/group/history/").content.decode()
    assert "→" in history

    leader = seeded["leader"]
    roster = client.get("/governance/group/").content.decode()
    assert f"/governance/group/members/{leader.public_id}/end/" in roster
    assert (
        client.post(
            f"/governance/group/members/{leader.public_id}/end/", {"ends_on": "2020-01-01"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/governance/group/members/{leader.public_id}/end/", {"ends_on": "2027-08-31"}
        ).status_code
        == 302
    )
    ended = in_alpha(lambda: RosterChange.objects.filter(subject_id=leader.public_id).first())
    assert ended.action == "ended" and ended.changes == {"ends_on": {"from": None, "to": "2027-08-31"}}
    assert ended.changed_by_id == in_alpha(lambda: role_user("secretary").pk)

    version = client.post(
        f"/governance/rules/{seeded['rule'].public_id}/versions/new/",
        {
            "effective_on": "2027-01-01",
            "change_note": "附件版",
            "file": SimpleUploadedFile("制度.pdf", b"%PDF"),
        },
    )
    assert version.status_code == 302
    assert in_alpha(lambda: RuleVersion.objects.filter(document=seeded["rule"]).count()) == 3

    created = client.post(
        "/governance/reports/schedule/",
        {
            "school_year": "2026-2027",
            "first_term_start": "2026-09-01",
            "first_term_end": "2027-01-20",
            "second_term_start": "2027-02-17",
            "second_term_end": "2027-07-10",
        },
    )
    assert created.status_code == 302
    assert in_alpha(lambda: InfoReport.objects.count()) == 14  # 13 scheduled, and the one seeded

    report = seeded["report"]
    assert client.post(f"/governance/reports/{report.public_id}/submit/").status_code == 302
    assert in_alpha(lambda: InfoReport.objects.get(pk=report.pk).status) == "draft"  # no content: refused
    client.post(
        f"/governance/reports/{report.public_id}/edit/",
        {
            "kind": "monthly",
            "title": "十月信息报告",
            "school_year": "2026-2027",
            "term": "first",
            "period_start": str(report.period_start),
            "period_end": str(report.period_end),
            "due_on": str(report.due_on),
            "content": "十月工作情况。",
        },
    )
    assert client.post(f"/governance/reports/{report.public_id}/submit/").status_code == 302
    assert in_alpha(lambda: InfoReport.objects.get(pk=report.pk).status) == "submitted"

    task = client.post(
        f"/governance/plans/{seeded['plan'].public_id}/tasks/new/",
        {
            "title": "开展心理健康月",
            "owner": in_alpha(lambda: role_user("psychology_teacher").pk),
            "due_on": str(timezone.localdate() + timedelta(days=3)),
            "priority": "high",
        },
    )
    assert task.status_code == 302
    assert in_alpha(lambda: seeded["plan"].tasks.count()) == 3


WRITE_PAGES = [
    "/governance/group/members/new/",
    "/governance/group/attendees/new/",
    "/governance/plans/new/",
    "/governance/rules/new/",
    "/governance/reports/new/",
    "/governance/reports/schedule/",
]


@pytest.mark.parametrize("url", WRITE_PAGES)
def test_readers_get_403_on_write_pages(db, url):
    assert signed_in(ALPHA, "r_deputy").get(url).status_code == 403
    assert signed_in(ALPHA, "r_homeroom_teacher").post(url, {}).status_code == 403


@pytest.mark.parametrize("username", ["r_invited_attendee", "r_school_admin"])
def test_people_outside_the_area_get_404(seeded, username):
    client = signed_in(ALPHA, username)
    urls = (
        [url for url, _expected in PAGES]
        + WRITE_PAGES
        + [
            f"/governance/plans/{seeded['plan'].public_id}/",
            f"/governance/rules/{seeded['rule'].public_id}/",
            f"/governance/reports/{seeded['report'].public_id}/",
            f"/governance/plans/{seeded['plan'].public_id}/edit/",
            f"/governance/group/members/{seeded['leader'].public_id}/edit/",
        ]
    )
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/governance/plans/{seeded['plan'].public_id}/approve/").status_code == 404


def test_a_rule_versions_file_downloads_through_the_one_view_and_a_missing_file_is_404(
    db, settings, tmp_path
):
    """Rule files are served by workspace:file (the area's own download view is gone): readers of the
    rules get the file, people outside the area and other schools 404, and a file missing from
    storage is a 404 too (the old view answered 500)."""
    settings.MEDIA_ROOT = str(tmp_path)

    def make():
        pdf = SimpleUploadedFile("值班制度.pdf", b"%PDF-1.4 duty", content_type="application/pdf")
        document = services.rule_document_create(
            actor=role_user("secretary"),
            title="心理咨询室值班制度",
            category="management",
            effective_on=date(2026, 9, 1),
            upload=pdf,
        )
        from tenants.governance import selectors

        version = document.versions.get()
        return document, selectors.version_attachments([version])[version.pk][0]

    document, attachment = in_alpha(make)
    url = f"/files/{attachment.public_id}/"
    reader = signed_in(ALPHA, "r_counselor")
    page = reader.get(f"/governance/rules/{document.public_id}/").content.decode()
    assert url in page and "/governance/rules/files/" not in page
    download = reader.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 duty"
    for username in ("r_invited_attendee", "r_school_admin"):
        assert signed_in(ALPHA, username).get(url).status_code == 404, username
    from tests.conftest import BETA

    assert signed_in(BETA, "r_principal").get(url).status_code == 404
    in_alpha(lambda: attachment.file.storage.delete(attachment.file.name))
    assert signed_in(ALPHA, "r_principal").get(url).status_code == 404
    assert (
        signed_in(ALPHA, "r_principal").get(f"/governance/rules/files/{attachment.public_id}/").status_code
        == 404
    )
