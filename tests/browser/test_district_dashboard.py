"""The district analyst opens the dashboard, drills into a school and downloads XLSX exports, on a
desktop and on a phone. Set SCREENSHOTS_DIR to keep screenshots of each screen."""

import os
from pathlib import Path

from django.conf import settings
from django.db import connections
from openpyxl import load_workbook

from tests.browser.conftest import sign_in
from tests.figures.test_dashboard import ENROLMENT, ROOMS, SESSIONS, T1, figures_data

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _rows(download) -> list[tuple]:
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as stream:
        workbook = load_workbook(stream)
    return [tuple(r) for sheet in workbook.worksheets for r in sheet.iter_rows(values_only=True)]


def test_analyst_opens_the_dashboard_drills_in_and_exports(live_site, browser, django_db_blocker):
    with django_db_blocker.unblock():
        figures_data()
    connections.close_all()
    base = f"http://{settings.BASE_DOMAIN}:{live_site}"
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, base, "dash_analyst", django_db_blocker)
        page.click("header nav.areas a[href='/figures/']")
        page.wait_for_url(f"{base}/figures/")
        page.select_option("#figures-picker select[name=period]", T1)
        page.select_option("#figures-picker select[name=element]", "counseling_sessions")
        page.click("#figures-picker button[type=submit]")
        page.wait_for_load_state()
        assert f"period={T1}" in page.url
        # Charts drew (ECharts renders into a canvas) and every chart has its table.
        page.wait_for_selector("#chart-box canvas")
        assert page.locator("#chart-trend canvas").count() == 1
        assert page.locator("#chart-screening canvas").count() == 1
        beta = page.locator("#table-distribution tr[data-school=beta]")
        assert beta.locator(".badge-withheld").count() == 1
        assert str(SESSIONS["beta"]) not in beta.locator("td.num").inner_text()
        alpha = page.locator("#table-distribution tr[data-school=alpha]")
        assert alpha.locator("td.num").inner_text().strip() == str(SESSIONS["alpha"])
        _shot(page, "dashboard-desktop")

        with page.expect_download() as info:
            page.click("#export-xlsx")
        rows = _rows(info.value)
        by_school = {r[1]: r for r in rows if len(r) == 8 and r[1] in ("alpha", "beta")}
        assert by_school["alpha"][5] == SESSIONS["alpha"] and not by_school["alpha"][7]
        assert by_school["beta"][5] is None and by_school["beta"][7]

        # Drill into a school from the table.
        page.click("#table-distribution tr[data-school=dash1] a")
        page.wait_for_url(f"{base}/figures/schools/dash1/?period={T1}")
        assert "测试学校dash1" in page.inner_text("main h1")
        rooms = page.locator("#table-school tr[data-element=counseling_rooms][data-breakdown='']")
        assert rooms.locator("td.num").inner_text().split()[0] == str(ROOMS[T1]["dash1"])
        _shot(page, "school-desktop")
        with page.expect_download() as info:
            page.click("#export-xlsx")
        rows = _rows(info.value)
        assert any(r[0] == "心理辅导室" and r[2] == ROOMS[T1]["dash1"] and not r[4] for r in rows)
        assert any(r[0] == "在籍学生数" and r[1] == "7年级" and r[2] == ENROLMENT["dash1"][0] for r in rows)
    finally:
        context.close()
        connections.close_all()


def test_dashboard_on_a_phone(live_site, browser, django_db_blocker):
    with django_db_blocker.unblock():
        figures_data()
    connections.close_all()
    base = f"http://{settings.BASE_DOMAIN}:{live_site}"
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, base, "dash_analyst", django_db_blocker)
        page.goto(f"{base}/figures/?period={T1}&element=counseling_sessions")
        page.wait_for_selector("#chart-box canvas")
        # Nothing is wider than the phone: tables scroll inside the page, charts fit.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for chart in ("#chart-box", "#chart-histogram", "#chart-trend", "#chart-screening"):
            box = page.locator(chart).bounding_box()
            assert box is not None and box["width"] <= PHONE["width"], chart
        _shot(page, "dashboard-phone")
        page.goto(f"{base}/figures/schools/alpha/?period={T1}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(page, "school-phone")
    finally:
        context.close()
        connections.close_all()
