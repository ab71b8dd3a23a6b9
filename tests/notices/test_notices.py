"""Notices from the district: sending (to all, by type, by hand) with attachments, who sees what on
both hosts, read receipts with the first reader, a notice made a ledger task in one step, the home
page card, and the group robots queued on send."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from district.models import DistrictAuditEvent
from notices import services
from notices.models import Notice, NoticeRecipient
from shared.accounts.roles import SchoolRole
from tests.conftest import ALPHA, BETA, client_for, signed_in
from tests.notices.conftest import district_user

pytestmark = pytest.mark.django_db
LEADERSHIP = {"principal", "deputy", "member", "secretary"}
DEADLINE = date.today() + timedelta(days=20)


def _send(schools, *, title="关于开展心理健康月活动的通知", asks_action=True, files=(), **extra):
    return services.notice_send(
        actor="dora",
        title=title,
        body="请各校按要求组织活动。",
        deadline=DEADLINE,
        asks_action=asks_action,
        audience="schools",
        schools=schools,
        files=files,
        **extra,
    )


def _pdf(name="方案.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


# --- Sending ----------------------------------------------------------------------------------------


def test_the_district_admin_sends_a_notice_from_the_page(media, schools):
    dora = signed_in(None, "dora")
    assert dora.get("/notices/new/").status_code == 200
    response = dora.post(
        "/notices/new/",
        {
            "kind": "requirement",
            "title": "关于报送心理健康工作总结的通知",
            "body": "请于截止日期前报送。",
            "deadline": DEADLINE.isoformat(),
            "asks_action": "on",
            "audience": "schools",
            "schools": [schools[ALPHA].pk],
            "files": [_pdf()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    notice = Notice.objects.get(title="关于报送心理健康工作总结的通知")
    assert list(notice.recipients.values_list("school__code", flat=True)) == [ALPHA]
    [attachment] = notice.attachments.all()
    assert attachment.name == "方案.pdf" and attachment.file.name.startswith(f"notices/{notice.public_id}/")
    assert (media / attachment.file.name).exists()
    event = DistrictAuditEvent.objects.get(action="notice.send", target=str(notice.public_id))
    assert event.actor == "dora"


def test_audiences_all_and_by_type(schools):
    everyone = services.notice_send(actor="dora", title="全体通知", audience="all")
    codes = set(everyone.recipients.values_list("school__code", flat=True))
    assert {ALPHA, BETA} <= codes
    by_type = services.notice_send(actor="dora", title="初中通知", audience="types", school_types=["junior"])
    assert {ALPHA, BETA} <= set(by_type.recipients.values_list("school__code", flat=True))
    assert all(r.school.school_type == "junior" for r in by_type.recipients.select_related("school"))
    with pytest.raises(Exception) as caught:
        services.notice_send(actor="dora", title="无类型", audience="types", school_types=[])
    assert "school_types" in caught.value.message_dict


def test_a_bad_file_or_no_title_is_refused_by_field_and_nothing_is_saved(media, schools):
    dora = signed_in(None, "dora")
    before = Notice.objects.count()
    response = dora.post(
        "/notices/new/",
        {
            "kind": "notice",
            "title": "带附件的通知",
            "audience": "all",
            "files": [SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")],
        },
    )
    assert response.status_code == 400
    assert "files" in response.context["form"].errors
    response = dora.post("/notices/new/", {"kind": "notice", "title": "", "audience": "all"})
    assert response.status_code == 400 and "title" in response.context["form"].errors
    response = dora.post("/notices/new/", {"kind": "notice", "title": "没有学校", "audience": "schools"})
    assert response.status_code == 400 and "schools" in response.context["form"].errors
    assert Notice.objects.count() == before


def test_sending_queues_each_addressed_schools_robot_and_the_districts(
    schools, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    url = "http://127.0.0.1:9/cgi-bin/webhook/send?key=k"
    services.robot_webhook_set(actor="alice", school=schools[ALPHA], kind="wecom", url=url)
    services.robot_webhook_set(actor="bob", school=schools[BETA], kind="wecom", url=url)
    services.robot_webhook_set(actor="dora", kind="wecom", url=url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send([schools[ALPHA]])
    # alpha's robot and the district's; beta was not addressed.
    assert len(callbacks) == 2


def test_the_robot_text_names_only_the_notice():
    notice = Notice(title="关于开展心理健康月活动的通知", deadline=date(2026, 5, 31), asks_action=True)
    text = services.robot_text(notice)
    assert "关于开展心理健康月活动的通知" in text and "2026-05-31" in text


# --- Who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["district_admin", "district_analyst", "district_reviewer"])
def test_district_roles_read_notices_and_only_the_admin_sends(role, schools):
    notice = _send([schools[ALPHA]])
    user = district_user(role)
    client = signed_in(None, user.username)
    listed = client.get("/notices/")
    assert listed.status_code == 200 and notice.title in listed.content.decode()
    assert client.get(f"/notices/{notice.public_id}/").status_code == 200
    sender = role == "district_admin"
    assert client.get("/notices/new/").status_code == (200 if sender else 404)
    assert client.get("/notices/robot/").status_code == (200 if sender else 404)
    assert ("/notices/new/" in listed.content.decode()) == sender


def test_nobody_signed_in_is_sent_to_sign_in(schools):
    notice = _send([schools[ALPHA]])
    for code in (None, ALPHA):
        for path in ("/notices/", f"/notices/{notice.public_id}/", "/notices/robot/"):
            response = client_for(code).get(path)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


@pytest.mark.parametrize("role", [r.value for r in SchoolRole])
def test_school_roles(role, schools):
    notice = _send([schools[ALPHA]])
    client = signed_in(ALPHA, f"r_{role}")
    listed = client.get("/notices/")
    detail = client.get(f"/notices/{notice.public_id}/")
    if role in LEADERSHIP:
        assert listed.status_code == 200 and notice.title in listed.content.decode()
        assert detail.status_code == 200
    else:
        assert listed.status_code == 404 and detail.status_code == 404
    assert client.get("/notices/robot/").status_code == (
        200 if role in ("principal", "school_admin") else 404
    )
    recipient = NoticeRecipient.objects.get(notice=notice, school=schools[ALPHA])
    assert (recipient.first_read_at is not None) == (role in LEADERSHIP)


def test_a_school_never_sees_a_notice_not_addressed_to_it(media, schools):
    notice = _send([schools[ALPHA]], files=[_pdf()])
    attachment = notice.attachments.get()
    bob = signed_in(BETA, "bob")
    assert notice.title not in bob.get("/notices/").content.decode()
    assert bob.get(f"/notices/{notice.public_id}/").status_code == 404
    assert bob.get(f"/notices/files/{attachment.public_id}/").status_code == 404
    assert not NoticeRecipient.objects.filter(notice=notice, school=schools[BETA]).exists()
    # alpha's accounts (any signed-in one) and the district download it.
    for client in (signed_in(ALPHA, "alice"), signed_in(ALPHA, "carol"), signed_in(None, "dora")):
        download = client.get(f"/notices/files/{attachment.public_id}/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(ALPHA).get(f"/notices/files/{attachment.public_id}/").status_code == 302


# --- Read receipts ---------------------------------------------------------------------------------


def test_read_receipts_keep_the_first_reader(schools):
    notice = _send([schools[ALPHA], schools[BETA]])
    assert signed_in(ALPHA, "r_deputy").get(f"/notices/{notice.public_id}/").status_code == 200
    first = NoticeRecipient.objects.get(notice=notice, school=schools[ALPHA])
    assert first.first_reader == "角色" + str(SchoolRole.DEPUTY.label) and first.first_read_at
    signed_in(ALPHA, "alice").get(f"/notices/{notice.public_id}/")
    again = NoticeRecipient.objects.get(pk=first.pk)
    assert (again.first_reader, again.first_read_at) == (first.first_reader, first.first_read_at)

    dora = signed_in(None, "dora")
    page = dora.get(f"/notices/{notice.public_id}/")
    assert page.status_code == 200
    assert "2 所学校中已有 1 所阅读" in page.content.decode() or "1 of 2" in page.content.decode()
    unread = dora.get(f"/notices/{notice.public_id}/?state=unread").content.decode()
    assert schools[BETA].name in unread and schools[ALPHA].name not in unread
    export = dora.get(f"/notices/{notice.public_id}/?export=xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[ALPHA][5] == first.first_reader and by_code[BETA][4] in (None, "")


# --- A notice made a ledger task -------------------------------------------------------------------


def test_a_notice_becomes_a_ledger_task_in_one_step(schools):
    from shared.accounts.models import User
    from tenants.ledger.models import Task

    notice = _send([schools[ALPHA]], title="关于开展心理健康月活动的通知（任务）")
    alice = signed_in(ALPHA, "alice")
    page = alice.get(f"/notices/{notice.public_id}/")
    assert page.context["form"].initial["due_on"] == DEADLINE
    with schema_context(schools[ALPHA].schema_name):
        owner = User.objects.get(username="r_member")
    connection.set_schema_to_public()
    response = alice.post(
        f"/notices/{notice.public_id}/", {"owner": owner.pk, "due_on": DEADLINE.isoformat()}
    )
    assert response.status_code == 302, response.content.decode()[:800]
    recipient = NoticeRecipient.objects.get(notice=notice, school=schools[ALPHA])
    with schema_context(schools[ALPHA].schema_name):
        task = Task.objects.get(public_id=recipient.task_public_id)
        assert (task.title, task.owner.username, task.due_on) == (notice.title, "r_member", DEADLINE)
        assert response["Location"].endswith(f"/ledger/tasks/{task.public_id}/")
        count = Task.objects.filter(title=notice.title).count()
    connection.set_schema_to_public()
    # A second time is refused; a deputy may not; beta cannot reach it.
    again = alice.post(f"/notices/{notice.public_id}/", {"owner": owner.pk, "due_on": DEADLINE.isoformat()})
    assert again.status_code == 400
    with schema_context(schools[ALPHA].schema_name):
        assert Task.objects.filter(title=notice.title).count() == count == 1
    connection.set_schema_to_public()
    deputy = signed_in(ALPHA, "r_deputy")
    assert deputy.post(f"/notices/{notice.public_id}/", {"owner": owner.pk}).status_code == 403
    assert signed_in(BETA, "bob").post(f"/notices/{notice.public_id}/", {}).status_code == 404
    assert "1" in str(signed_in(None, "dora").get("/notices/").content.decode())


def test_a_notice_that_asks_nothing_offers_no_task(schools):
    notice = _send([schools[ALPHA]], asks_action=False)
    alice = signed_in(ALPHA, "alice")
    assert alice.get(f"/notices/{notice.public_id}/").context["form"] is None
    assert alice.post(f"/notices/{notice.public_id}/", {}).status_code == 403


def test_the_home_page_card(schools):
    notice = _send([schools[ALPHA]], title="首页卡片通知")
    home = signed_in(ALPHA, "r_secretary").get("/").content.decode()
    assert 'id="district-notices"' in home and "首页卡片通知" in home
    assert 'id="district-notices"' not in signed_in(ALPHA, "carol").get("/").content.decode()
    assert "首页卡片通知" not in signed_in(BETA, "bob").get("/").content.decode()
    assert notice.pk


def test_demo_is_idempotent(schools):
    from notices import demo

    demo.seed_demo()
    assert demo.seed_demo() == 0
    asks = Notice.objects.get(title=demo.DEMO_NOTICES[0]["title"])
    assert asks.asks_action and asks.recipients.filter(school=schools[ALPHA]).exists()
