"""A counselor enters a PHQ-9 with item 9 = 1 (a low total) and sees the crisis case open."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.conftest import sign_in

MARK = "浏览器安全标记"


def _setup():
    from tenants.care.models import Consent
    from tenants.screening.models import Campaign
    from tests.conftest import role_user
    from tests.support.students import make_class, make_student

    with schema_context("school_alpha"):
        school_class = make_class(grade=9, name="安全测试班")
        student = make_student(school_class, name="韩测试")
        Consent.objects.create(
            student=student,
            status="granted",
            guardian_name="韩家长",
            recorded_on=timezone.localdate(),
            created_by=role_user("counselor"),
        )
        campaign = Campaign.objects.create(
            title=f"{MARK}·九年级PHQ-9",
            instrument_code="phq9",
            school_class=school_class,
            opens_on=timezone.localdate() - timedelta(days=1),
            closes_on=timezone.localdate() + timedelta(days=7),
            created_by=role_user("counselor"),
        )
    connection.set_schema_to_public()
    return student, campaign


def _cleanup(student, campaign):
    from tenants.crisis.models import CrisisCase
    from tenants.screening.models import Campaign, Response
    from tenants.students.models import SchoolClass, Student

    with schema_context("school_alpha"):
        CrisisCase.objects.filter(student__pk=student.pk).delete()
        Response.objects.filter(student__pk=student.pk).delete()
        Campaign.objects.filter(pk=campaign.pk).delete()
        Student.objects.filter(pk=student.pk).delete()
        SchoolClass.objects.filter(name="安全测试班").delete()
    connection.set_schema_to_public()
    connections.close_all()


def test_counselor_enters_phq9_item9_and_sees_the_crisis_case(live_site, browser, django_db_blocker):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{live_site}"
    with django_db_blocker.unblock():
        student, campaign = _setup()
    connections.close_all()
    page = browser.new_page(locale="zh-CN")
    try:
        sign_in(page, base, "r_counselor", django_db_blocker)
        page.goto(f"{base}/screening/campaigns/{campaign.public_id}/")
        assert "韩测试" in page.content()
        page.goto(f"{base}/screening/campaigns/{campaign.public_id}/enter/{student.public_id}/")
        for item in range(9):
            selector = f"[name=item_{item}]"
            value = "1" if item == 8 else "0"
            if page.locator(f"input[type=radio]{selector}").count():
                page.check(f"{selector}[value='{value}']")
            else:
                page.fill(selector, value)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{base}/crisis/cases/**")
        body = page.content()
        assert "韩测试" in body
        page.screenshot(path="/tmp/xinyu-crisis-case.png", full_page=True)
        with django_db_blocker.unblock(), schema_context("school_alpha"):
            from tenants.crisis.models import CrisisCase
            from tenants.workspace.models import Notification

            case = CrisisCase.objects.get(student__pk=student.pk)
            assert (
                case.step == "identified"
                and case.identified_how == "screening"
                and case.screening.safety_flag
            )
            assert case.screening.total == 1
            assert str(case.public_id) in page.url
            assert Notification.objects.filter(link__contains=str(case.public_id)).exists()
        connection.set_schema_to_public()
        connections.close_all()
    finally:
        page.close()
        with django_db_blocker.unblock():
            _cleanup(student, campaign)
