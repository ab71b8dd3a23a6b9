"""A school proposes an activity design to the district library, the district reviewer approves it,
and a second school imports it and finds it among its activities. Set SCREENSHOTS_DIR to keep
screenshots of each screen."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connections
from django_tenants.utils import schema_context

from tests.browser.conftest import sign_in

PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _base(code, port):
    return f"http://{code + '.' if code else ''}{settings.BASE_DOMAIN}:{port}"


def _cleanup(title):
    from library.models import LibraryImport, LibraryItem
    from tenants.programs.models import Activity

    items = LibraryItem.objects.filter(title=title)
    LibraryImport.objects.filter(item__in=items).delete()
    items.delete()
    for schema in ("school_alpha", "school_beta"):
        with schema_context(schema):
            Activity.objects.filter(title=title).delete()


def test_a_school_proposes_the_reviewer_approves_another_school_imports(
    live_site, browser, django_db_blocker
):
    from tests.library.helpers import district_user, make_activity

    title = f"情绪气象站主题班会-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        make_activity("alpha", title=title, description="用天气比喻情绪，分组画出本周的情绪天气。")
        district_user("district_reviewer")
    connections.close_all()
    try:
        # Alpha's principal proposes the activity, on a phone.
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        alpha = _base("alpha", live_site)
        sign_in(page, alpha, "r_principal", django_db_blocker, code="alpha")
        page.goto(f"{alpha}/library/")
        page.click("a.button.primary[href='/library/propose/']")
        page.wait_for_url(f"{alpha}/library/propose/")
        page.select_option("select[name=model]", "programs.activity")
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        page.locator("tr", has_text=title).locator("a.button").click()
        page.wait_for_selector("#id_summary")
        assert page.input_value("#id_body") == "用天气比喻情绪，分组画出本周的情绪天气。"
        page.fill("#id_summary", "七年级主题班会，40分钟，附流程。")
        page.fill("#id_tags", "情绪 班会")
        _shot(page, "library-propose-phone")
        page.click("form button.primary")
        page.wait_for_selector("#status")
        assert "待审核" in page.inner_text("#status") or "Waiting" in page.inner_text("#status")
        context.close()

        # The district reviewer approves it.
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        district = _base(None, live_site)
        sign_in(page, district, "lib_district_reviewer", django_db_blocker, code=None)
        page.goto(f"{district}/library/review/")
        page.click(f"text={title}")
        page.wait_for_selector("#review")
        assert "测试学校alpha" in page.inner_text("#source")
        _shot(page, "library-review")
        page.click("#review form:first-of-type button.primary")
        page.wait_for_url(f"{district}/library/review/")
        assert title not in page.inner_text("main")
        context.close()

        # Beta's principal finds it, imports it and sees it among beta's activities.
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        page = context.new_page()
        beta = _base("beta", live_site)
        sign_in(page, beta, "bob", django_db_blocker, code="beta")
        page.goto(f"{beta}/library/")
        page.fill("form.filters input[name=q]", "情绪气象站")
        page.click("form.filters button[type=submit]")
        page.wait_for_load_state()
        page.click(f"text={title}")
        page.wait_for_selector("#import")
        assert "测试学校alpha" in page.inner_text("#source")
        page.fill("#import input[name=held_on]", "2026-11-20")
        _shot(page, "library-import-phone")
        page.click("#import button.primary")
        page.wait_for_url(f"{beta}/programs/activities/**")
        page.goto(f"{beta}/programs/activities/")
        assert title in page.inner_text("main")
        _shot(page, "library-imported-activities-phone")
        context.close()

        with django_db_blocker.unblock():
            from library.models import LibraryItem
            from tenants.programs.models import Activity

            item = LibraryItem.objects.get(title=title)
            assert item.import_count == 1 and item.school.code == "alpha"
            with schema_context("school_beta"):
                copy = Activity.objects.get(title=title)
                assert copy.description == "用天气比喻情绪，分组画出本周的情绪天气。"
                assert copy.kind == "class_meeting" and copy.audience_grades == [7, 8]
    finally:
        with django_db_blocker.unblock():
            _cleanup(title)
        connections.close_all()
