"""A principal holds a meeting, turns an action item into a task, and sees it on the home page."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.conftest import sign_in

MARK = "浏览器测试"


def _cleanup():
    from tenants.ledger.models import Meeting, Task

    with schema_context("school_alpha"):
        Task.objects.filter(title__startswith=MARK).delete()
        Meeting.objects.filter(title__startswith=MARK).delete()
    connection.set_schema_to_public()
    # Playwright runs this code in its own context, with its own connection: close it here.
    connections.close_all()


def test_principal_holds_a_meeting_and_sees_the_task_at_home(live_site, browser, django_db_blocker):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{live_site}"
    with django_db_blocker.unblock(), schema_context("school_alpha"):
        from shared.accounts.models import User

        principal_pk = str(User.objects.get(username="r_principal").pk)
    connection.set_schema_to_public()
    connections.close_all()
    page = browser.new_page(locale="zh-CN")
    try:
        sign_in(page, base, "r_principal", django_db_blocker)

        start = timezone.localtime() + timedelta(hours=1)
        page.goto(f"{base}/ledger/meetings/new/")
        page.fill("#id_title", f"{MARK}：领导小组例会")
        page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_ends_at", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        page.fill("#id_location", "行政楼会议室")
        page.select_option("#id_chair", value=principal_pk)
        page.fill("#id_agenda", "一、心理健康月安排")
        page.click("button[type=submit].primary")
        page.wait_for_url("**/ledger/meetings/*/")

        page.fill("#id_minutes", "会议通过心理健康月方案。")
        page.click("form:has(input[value=record]) button[type=submit]")
        page.wait_for_load_state()
        page.fill("#id_text", f"{MARK}：制定心理健康月方案")
        page.select_option("#id_owner", value=principal_pk)
        page.fill("#id_due_on", (timezone.localdate() + timedelta(days=1)).isoformat())
        page.click("form:has(input[value=action_item]) button[type=submit]")
        page.wait_for_load_state()
        page.click("form:has(input[value=to_task]) button[type=submit]")
        page.wait_for_url("**/ledger/tasks/*/")
        assert f"{MARK}：制定心理健康月方案" in page.inner_text("h1")
        assert f"{MARK}：领导小组例会" in page.inner_text("main")

        page.goto(f"{base}/")
        my_tasks = page.inner_text("#my-tasks")
        assert f"{MARK}：制定心理健康月方案" in my_tasks
        page.screenshot(path="/tmp/xinyu-browser-home.png", full_page=True)
    finally:
        page.close()
        with django_db_blocker.unblock():
            _cleanup()
