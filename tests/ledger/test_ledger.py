"""Ledger and meetings: services, rules, the reminder job and the pages."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.ledger import selectors, services
from tenants.ledger.models import Task
from tenants.workspace.models import Attachment, Notification
from tenants.workspace.tasks import notify_due_tasks
from tests.conftest import ALPHA, BETA, api_client, client_for, role_user, signed_in
from tests.support.openapi import assert_matches_schema, school_schema

pytestmark = pytest.mark.django_db
ALPHA_SCHEMA = "school_alpha"


@pytest.fixture
def alpha():
    with schema_context(ALPHA_SCHEMA):
        yield
    connection.set_schema_to_public()


def _task(owner_role="member", days=5, **extra):
    return services.task_create(
        actor=role_user("principal"),
        title=extra.pop("title", "整理心理健康教育档案"),
        owner=role_user(owner_role),
        due_on=timezone.localdate() + timedelta(days=days),
        **extra,
    )


def test_overdue_is_derived_from_the_due_date(alpha):
    late = _task(days=-2, title="逾期任务")
    soon = _task(days=1, title="即将到期")
    done_late = _task(days=-3, title="已完成的逾期任务")
    services.task_update(done_late, actor=role_user("principal"), data={"status": "done"})
    overdue = set(selectors.tasks_overdue().values_list("title", flat=True))
    assert "逾期任务" in overdue and "即将到期" not in overdue and "已完成的逾期任务" not in overdue
    assert selectors.task_list().get(pk=late.pk).is_overdue is True
    assert selectors.task_list().get(pk=soon.pk).is_overdue is False
    # Tomorrow, the task due tomorrow is not overdue yet; the day after it is.
    assert (
        not selectors.tasks_overdue(on=timezone.localdate() + timedelta(days=1)).filter(pk=soon.pk).exists()
    )
    assert selectors.tasks_overdue(on=timezone.localdate() + timedelta(days=2)).filter(pk=soon.pk).exists()


def test_done_records_completion_and_reopening_clears_it(alpha):
    task = _task()
    services.task_update(task, actor=role_user("member"), data={"status": "done"})
    assert task.completed_at is not None
    services.task_update(task, actor=role_user("member"), data={"status": "in_progress"})
    assert task.completed_at is None


def test_a_task_needs_exactly_one_active_owner(alpha):
    with pytest.raises(ValidationError) as raised:
        services.task_create(
            actor=role_user("principal"),
            title="x",
            owner=role_user("invited_attendee"),
            due_on=timezone.localdate(),
        )
    assert "owner" in raised.value.message_dict
    before = Task.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.task_create(
            actor=role_user("principal"), title="", owner=role_user("member"), due_on=timezone.localdate()
        )
    assert "title" in raised.value.message_dict
    assert Task.objects.count() == before


def test_overdue_job_notifies_owners_once_a_day(alpha):
    late = _task(owner_role="counselor", days=-1, title="提交心理辅导记录")
    soon = _task(owner_role="counselor", days=2, title="准备家长讲座")
    far = _task(owner_role="counselor", days=20, title="学期总结")
    first = notify_due_tasks.apply().get()
    assert first["overdue"] >= 1 and first["due_soon"] >= 1
    titles = list(
        Notification.objects.filter(recipient=role_user("counselor")).values_list("title", flat=True)
    )
    assert any(late.title in t and "Overdue" in t or late.title in t and "逾期" in t for t in titles)
    assert any(soon.title in t for t in titles)
    assert not any(far.title in t for t in titles)
    again = notify_due_tasks.apply().get()
    assert again == {"due_soon": 0, "overdue": 0}


def test_overdue_job_emails_when_smtp_is_configured(
    alpha, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    owner = role_user("deputy")
    owner.email = "deputy@alpha.example.cn"
    owner.save()
    _task(owner_role="deputy", days=-4, title="更新应急联络表")
    with django_capture_on_commit_callbacks(execute=True):
        notify_due_tasks.apply().get()
    assert any("更新应急联络表" in m.subject and m.to == ["deputy@alpha.example.cn"] for m in mailoutbox)


def test_action_item_becomes_a_task_in_one_step_and_links_back(alpha):
    start = timezone.now() - timedelta(hours=3)
    meeting = services.meeting_create(
        actor=role_user("principal"),
        title="十月例会",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        agenda="部署心理健康月",
        chair=role_user("principal"),
        invitees=[role_user("member")],
    )
    services.meeting_record(
        meeting,
        actor=role_user("secretary"),
        minutes="会议决定开展心理健康月。",
        attended_ids=[role_user("member").pk],
        decisions=["开展心理健康月"],
    )
    item = services.action_item_add(
        actor=role_user("secretary"),
        meeting=meeting,
        text="制定心理健康月方案",
        owner=role_user("member"),
        due_on=timezone.localdate() + timedelta(days=7),
    )
    task = services.action_item_to_task(item, actor=role_user("secretary"))
    assert (
        task.meeting == meeting and task.owner == role_user("member") and task.title == "制定心理健康月方案"
    )
    item.refresh_from_db()
    assert item.task == task
    with pytest.raises(ValidationError):
        services.action_item_to_task(item, actor=role_user("secretary"))
    assert meeting.decisions.count() == 1
    assert meeting.invitations.get(person=role_user("member")).attended is True


def test_minutes_are_required_to_mark_a_meeting_held(alpha):
    start = timezone.now()
    meeting = services.meeting_create(
        actor=role_user("principal"),
        title="临时会议",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        agenda="议程",
        chair=role_user("principal"),
    )
    with pytest.raises(ValidationError) as raised:
        services.meeting_record(meeting, actor=role_user("principal"), minutes="  ", attended_ids=[])
    assert "minutes" in raised.value.message_dict


def test_meeting_end_must_follow_start(alpha):
    start = timezone.now()
    with pytest.raises(ValidationError) as raised:
        services.meeting_create(
            actor=role_user("principal"),
            title="时间错误",
            starts_at=start,
            ends_at=start,
            agenda="x",
            chair=role_user("principal"),
        )
    assert "ends_at" in raised.value.message_dict


# --- API rules beyond the role matrix ---------------------------------------------------------


def test_owner_updates_their_own_task_but_not_its_owner_or_due_date():
    with schema_context(ALPHA_SCHEMA):
        task = _task(owner_role="member")
    connection.set_schema_to_public()
    member = api_client(ALPHA, "r_member")
    url = f"/api/v1/tasks/{task.public_id}/"
    done = member.patch(url, {"status": "done"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert_matches_schema(done)
    moved = member.patch(url, {"due_on": "2030-01-01"}, content_type="application/json")
    assert moved.status_code == 403
    assert_matches_schema(moved)
    # Another member's task is visible but not theirs to change.
    with schema_context(ALPHA_SCHEMA):
        other = _task(owner_role="deputy")
    connection.set_schema_to_public()
    assert (
        member.patch(
            f"/api/v1/tasks/{other.public_id}/", {"status": "done"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_progress_notes_by_owner_and_not_by_others():
    with schema_context(ALPHA_SCHEMA):
        task = _task(owner_role="member")
    connection.set_schema_to_public()
    url = f"/api/v1/tasks/{task.public_id}/notes/"
    added = api_client(ALPHA, "r_member").post(url, {"text": "已完成初稿"}, content_type="application/json")
    assert added.status_code == 201 and added.json()["text"] == "已完成初稿"
    assert_matches_schema(added)
    assert (
        api_client(ALPHA, "r_homeroom_teacher")
        .post(url, {"text": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    listed = api_client(ALPHA, "r_deputy").get(url)
    assert [n["text"] for n in listed.json()] == ["已完成初稿"]
    assert api_client(ALPHA, "r_invited_attendee").get(url).status_code == 404
    assert api_client(BETA, "r_principal").get(url).status_code == 404
    empty = api_client(ALPHA, "r_member").post(url, {"text": ""}, content_type="application/json")
    assert empty.status_code == 400 and "text" in empty.json()["error"]["fields"]


def test_task_list_filters_by_owner_plan_department_and_overdue():
    with schema_context(ALPHA_SCHEMA):
        mine = _task(
            owner_role="psychology_teacher", days=-1, department="academic", title="教务处的逾期任务"
        )
        _task(owner_role="deputy", days=3, department="security", title="保卫处任务")
    connection.set_schema_to_public()
    client = api_client(ALPHA, "r_psychology_teacher")
    ids = lambda r: {t["id"] for t in r.json()["results"]}  # noqa: E731
    assert ids(client.get("/api/v1/tasks/?owner=me")) == {str(mine.public_id)}
    assert str(mine.public_id) in ids(client.get("/api/v1/tasks/?department=academic&overdue=true"))
    assert str(mine.public_id) not in ids(client.get("/api/v1/tasks/?department=security"))
    bad = client.get("/api/v1/tasks/?owner=not-a-uuid")
    assert bad.status_code == 400 and "owner" in bad.json()["error"]["fields"]
    # The page's filters are the API's: a status it does not know is refused, not silently empty.
    unknown = client.get("/api/v1/tasks/?status=finished")
    assert unknown.status_code == 400 and list(unknown.json()["error"]["fields"]) == ["status"]
    assert_matches_schema(unknown)
    assert ids(client.get("/api/v1/tasks/?overdue=yes&owner=me")) == {str(mine.public_id)}
    params = {p["name"] for p in school_schema()["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    assert {"status", "overdue", "owner", "plan", "department", "q"} <= params


def test_invited_attendee_sees_only_their_meetings():
    from tests.ledger.endpoints import make_meeting

    with schema_context(ALPHA_SCHEMA):
        theirs = make_meeting(invite_guest=True)
        other = make_meeting(invite_guest=False)
    connection.set_schema_to_public()
    guest = api_client(ALPHA, "r_invited_attendee")
    listed = {m["id"] for m in guest.get("/api/v1/meetings/").json()["results"]}
    assert str(theirs.public_id) in listed and str(other.public_id) not in listed
    assert guest.get(f"/api/v1/meetings/{other.public_id}/").status_code == 404
    assert guest.get("/api/v1/tasks/").status_code == 403
    page = signed_in(ALPHA, "r_invited_attendee")
    assert page.get(f"/ledger/meetings/{other.public_id}/").status_code == 404
    assert page.get(f"/ledger/meetings/{theirs.public_id}/").status_code == 200
    assert page.get("/ledger/").status_code == 404


def test_action_item_api_flow():
    from tests.ledger.endpoints import make_meeting

    with schema_context(ALPHA_SCHEMA):
        meeting = make_meeting()
        owner = role_user("member")
    connection.set_schema_to_public()
    secretary = api_client(ALPHA, "r_secretary")
    recorded = secretary.post(
        f"/api/v1/meetings/{meeting.public_id}/record/",
        {"minutes": "讨论并通过方案", "decisions": ["通过方案"], "attended": [str(owner.public_id)]},
        content_type="application/json",
    )
    assert recorded.status_code == 200 and recorded.json()["status"] == "held"
    assert_matches_schema(recorded)
    item = secretary.post(
        f"/api/v1/meetings/{meeting.public_id}/action-items/",
        {"text": "撰写方案", "owner": str(owner.public_id), "due_on": "2026-12-20"},
        content_type="application/json",
    )
    assert item.status_code == 201
    assert_matches_schema(item)
    member = api_client(ALPHA, "r_member")
    assert member.post(f"/api/v1/action-items/{item.json()['id']}/to-task/").status_code == 403
    task = secretary.post(f"/api/v1/action-items/{item.json()['id']}/to-task/")
    assert task.status_code == 201 and task.json()["meeting"] == str(meeting.public_id)
    assert_matches_schema(task)
    again = secretary.post(f"/api/v1/action-items/{item.json()['id']}/to-task/")
    assert again.status_code == 400
    assert (
        api_client(BETA, "r_principal").post(f"/api/v1/action-items/{item.json()['id']}/to-task/").status_code
        == 404
    )


def test_deleting_an_account_deactivates_it():
    with schema_context(ALPHA_SCHEMA):
        from shared.accounts.services import account_create

        user = account_create(username="leaving", full_name="将离职", roles=["member"])
    connection.set_schema_to_public()
    admin = api_client(ALPHA, "r_school_admin")
    assert admin.delete(f"/api/v1/accounts/{user.public_id}/").status_code == 204
    assert admin.get(f"/api/v1/accounts/{user.public_id}/").json()["is_active"] is False


# --- Pages --------------------------------------------------------------------------------------


def test_ledger_pages_show_tasks_and_export_xlsx():
    with schema_context(ALPHA_SCHEMA):
        _task(owner_role="member", days=-1, title="页面可见的逾期任务", department="moral")
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_principal")
    for path in (
        "/ledger/",
        "/ledger/by-owner/",
        "/ledger/by-plan/",
        "/ledger/by-department/",
        "/ledger/meetings/",
    ):
        assert client.get(path).status_code == 200, path
    page = client.get("/ledger/?overdue=yes").content.decode()
    assert "页面可见的逾期任务" in page
    export = client.get("/ledger/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "页面可见的逾期任务" in titles
    mine = signed_in(ALPHA, "r_member").get("/ledger/mine/").content.decode()
    assert "页面可见的逾期任务" in mine


def test_task_form_reports_field_errors_and_saves_nothing():
    client = signed_in(ALPHA, "r_secretary")
    with schema_context(ALPHA_SCHEMA):
        before = Task.objects.count()
    connection.set_schema_to_public()
    response = client.post(
        "/ledger/tasks/new/", {"title": "", "due_on": "not-a-date", "priority": "normal", "status": "todo"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"title", "due_on", "owner"} <= set(form.errors)
    with schema_context(ALPHA_SCHEMA):
        assert Task.objects.count() == before
    connection.set_schema_to_public()
    assert signed_in(ALPHA, "r_member").get("/ledger/tasks/new/").status_code == 403


@pytest.mark.parametrize("role", ["invited_attendee", "school_admin"])
def test_roles_outside_the_workspace_do_not_see_the_ledger(role):
    assert signed_in(ALPHA, f"r_{role}").get("/ledger/").status_code == 404


def test_progress_note_with_evidence_file_served_only_at_its_school(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(ALPHA_SCHEMA):
        task = _task(owner_role="member")
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_member")
    upload = SimpleUploadedFile("活动照片.png", b"\x89PNG fake image bytes", content_type="image/png")
    response = client.post(f"/ledger/tasks/{task.public_id}/", {"text": "活动已开展", "files": [upload]})
    assert response.status_code == 302
    with schema_context(ALPHA_SCHEMA):
        attachment = Attachment.objects.get(name="活动照片.png")
        assert attachment.file.name.startswith("schools/school_alpha/")
    connection.set_schema_to_public()
    download = client.get(f"/files/{attachment.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\x89PNG fake image bytes"
    assert signed_in(BETA, "r_principal").get(f"/files/{attachment.public_id}/").status_code == 404
    assert client_for(ALPHA).get(f"/files/{attachment.public_id}/").status_code == 302  # sign in first
    assert signed_in(ALPHA, "r_invited_attendee").get(f"/files/{attachment.public_id}/").status_code == 404


def test_bad_upload_is_refused_by_field(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.UPLOAD_MAX_BYTES = 10
    with schema_context(ALPHA_SCHEMA):
        task = _task(owner_role="member")
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_member")
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(f"/ledger/tasks/{task.public_id}/", {"text": "附件", "files": [exe]})
    assert response.status_code == 400 and ".exe" in response.content.decode()
    big = SimpleUploadedFile("report.pdf", b"%PDF" + b"x" * 100, content_type="application/pdf")
    response = client.post(f"/ledger/tasks/{task.public_id}/", {"text": "附件", "files": [big]})
    assert response.status_code == 400
    with schema_context(ALPHA_SCHEMA):
        assert not task.notes.exists()


def test_meeting_page_turns_an_action_item_into_a_task():
    from tests.ledger.endpoints import make_meeting

    with schema_context(ALPHA_SCHEMA):
        meeting = make_meeting()
        member = role_user("member")
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_principal")
    url = f"/ledger/meetings/{meeting.public_id}/"
    client.post(
        url, {"action": "action_item", "text": "联系家长学校讲师", "owner": member.pk, "due_on": "2026-12-15"}
    )
    with schema_context(ALPHA_SCHEMA):
        item = meeting.action_items.get()
    connection.set_schema_to_public()
    response = client.post(url, {"action": "to_task", "item": str(item.public_id)})
    assert response.status_code == 302 and "/ledger/tasks/" in response["Location"]
    assert "联系家长学校讲师" in client.get(response["Location"]).content.decode()


def test_home_page_shows_my_overdue_task():
    with schema_context(ALPHA_SCHEMA):
        _task(owner_role="homeroom_teacher", days=-2, title="班级心理委员培训")
    connection.set_schema_to_public()
    page = signed_in(ALPHA, "r_homeroom_teacher").get("/")
    assert page.status_code == 200
    assert "班级心理委员培训" in page.content.decode()
    assert page.context["task_counts"]["overdue"] >= 1


def test_notifications_api_lists_only_mine():
    with schema_context(ALPHA_SCHEMA):
        from tenants.workspace.services import notify

        notify(recipient=role_user("counselor"), title="给咨询师的提醒")
        notify(recipient=role_user("member"), title="给成员的提醒")
    connection.set_schema_to_public()
    response = api_client(ALPHA, "r_counselor").get("/api/v1/notifications/")
    titles = [n["title"] for n in response.json()["results"]]
    assert "给咨询师的提醒" in titles and "给成员的提醒" not in titles
    assert_matches_schema(response)


def test_a_progress_notes_file_is_downloaded_by_exactly_who_may_see_its_task(settings, tmp_path):
    """The one download view asks the declared resource of the note (tenants/ledger/resources.py):
    whoever may see the task gets the file, and everyone else a 404, as for a missing file."""
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(ALPHA_SCHEMA):
        task = _task(owner_role="member")
    connection.set_schema_to_public()
    owner = signed_in(ALPHA, "r_member")
    upload = SimpleUploadedFile("会议签到表.pdf", b"%PDF-1.4 sign-in sheet", content_type="application/pdf")
    assert (
        owner.post(f"/ledger/tasks/{task.public_id}/", {"text": "签到表", "files": [upload]}).status_code
        == 302
    )
    with schema_context(ALPHA_SCHEMA):
        attachment = Attachment.objects.get(name="会议签到表.pdf")
    connection.set_schema_to_public()
    url = f"/files/{attachment.public_id}/"
    assert url in owner.get(f"/ledger/tasks/{task.public_id}/").content.decode()
    for role in ("member", "principal", "homeroom_teacher"):  # the owner, a manager, any staff reader
        response = signed_in(ALPHA, f"r_{role}").get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == b"%PDF-1.4 sign-in sheet"
    for role in ("invited_attendee", "school_admin"):  # may not see the ledger at all
        assert signed_in(ALPHA, f"r_{role}").get(url).status_code == 404, role
    assert signed_in(BETA, "r_principal").get(url).status_code == 404
    # The note's file goes with its task: once the task is deleted, nobody finds the file.
    with schema_context(ALPHA_SCHEMA):
        Task.objects.filter(pk=task.pk).delete()
    connection.set_schema_to_public()
    assert signed_in(ALPHA, "r_principal").get(url).status_code == 404
