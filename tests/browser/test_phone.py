"""On a phone (390 x 844): the areas fold behind a menu button, and a homeroom teacher records an
observation from the menu."""

from django.conf import settings
from django.db import connection, connections
from django_tenants.utils import schema_context

from tests.browser.conftest import sign_in

PHONE = {"width": 390, "height": 844}
CLASS_NAME = "手机测试班"
STUDENT = "钟手机"
TEXT = "课间独自坐在走廊，连续三天没有和同学说话。"


def _setup():
    from tests.support.students import make_class, make_student

    with schema_context("school_alpha"):
        student = make_student(make_class(grade=8, name=CLASS_NAME), name=STUDENT)
    connection.set_schema_to_public()
    return student


def _cleanup():
    from tenants.students.models import SchoolClass, Student

    with schema_context("school_alpha"):
        # Observations go with the student (CASCADE).
        Student.objects.filter(school_class__name=CLASS_NAME).delete()
        SchoolClass.objects.filter(name=CLASS_NAME).delete()
    connection.set_schema_to_public()
    connections.close_all()


def _saved_observations(student):
    from tenants.care.models import Observation

    with schema_context("school_alpha"):
        found = [
            (o.text, o.created_by.username)  # reading .text decrypts it
            for o in Observation.objects.filter(student__pk=student.pk).select_related("created_by")
        ]
    connection.set_schema_to_public()
    connections.close_all()
    return found


def test_homeroom_teacher_records_an_observation_on_a_phone(live_site, browser, django_db_blocker):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{live_site}"
    with django_db_blocker.unblock():
        student = _setup()
    connections.close_all()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, base, "r_homeroom_teacher", django_db_blocker)

        # The first screen is the page, not the menu: the areas are folded away, the heading shows,
        # and the header still names the school and the user.
        links = page.locator("header nav.areas a")
        assert links.count() >= 3
        for i in range(links.count()):
            # The old header squeezed each area into a column of single characters, about 15 px wide.
            if links.nth(i).is_visible():
                box = links.nth(i).bounding_box()
                assert box["width"] >= 40, (links.nth(i).inner_text(), box)
        assert not any(links.nth(i).is_visible() for i in range(links.count()))
        heading = page.locator("main h1").first.bounding_box()
        assert heading is not None and heading["y"] + heading["height"] < PHONE["height"] / 3
        assert "测试学校alpha" in page.inner_text("header .brand")
        assert page.locator("header .who .user").is_visible()
        header = page.locator("header").bounding_box()
        assert header["height"] < 80, header
        # Nothing is wider than the phone: no sideways scrolling of the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        button = page.locator("header label.menu-button")
        assert button.is_visible()
        box = button.bounding_box()
        assert box["height"] >= 40 and box["width"] >= 40, box
        button.tap()
        # Open, every area is one readable row, at least 40 px wide.
        for i in range(links.count()):
            link = links.nth(i)
            assert link.is_visible(), link.inner_text()
            box = link.bounding_box()
            assert box["width"] >= 40 and box["height"] >= 32, (link.inner_text(), box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (link.inner_text(), box)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.locator("header nav.areas a[href='/care/observations/']").tap()
        page.wait_for_url(f"{base}/care/observations/")
        assert not links.first.is_visible()  # a new page starts with the menu folded
        page.locator("main a[href='/care/observations/new/']").first.tap()
        page.wait_for_url(f"{base}/care/observations/new/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for field in ("#id_student", "#id_kind", "#id_observed_on", "#id_text"):
            box = page.locator(field).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (field, box)
        page.select_option("#id_student", value=str(student.public_id))
        page.fill("#id_text", TEXT)
        page.locator("main button[type=submit].primary").tap()
        page.wait_for_url(f"{base}/care/observations/")
        assert "辅导员" in page.inner_text("main .messages")  # "Submitted. The counselors will read it."
        assert STUDENT in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        with django_db_blocker.unblock():
            assert _saved_observations(student) == [(TEXT, "r_homeroom_teacher")]
    finally:
        context.close()
        with django_db_blocker.unblock():
            _cleanup()


def test_wide_screens_show_the_areas_in_the_bar_without_a_menu_button(live_site, browser, django_db_blocker):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{live_site}"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, base, "r_principal", django_db_blocker)
        assert not page.locator("header label.menu-button").is_visible()
        links = page.locator("header nav.areas a")
        assert links.count() >= 10
        for i in range(links.count()):
            # Each on one line ("首页", the shortest, is two characters: about 33 px wide).
            box = links.nth(i).bounding_box()
            assert links.nth(i).is_visible() and box["width"] >= 28 and box["height"] < 40, box
        assert page.locator("header .who .signout").is_visible()
        assert not page.locator("header .menu-signout").is_visible()
    finally:
        context.close()
        connections.close_all()
