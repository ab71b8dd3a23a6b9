from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.conftest import sign_in


def test_screens(live_site, browser, django_db_blocker):
    base = f"http://alpha.{settings.BASE_DOMAIN}:{live_site}"
    with django_db_blocker.unblock(), schema_context("school_alpha"):
        import importlib

        from district.demo import SCHOOL_ACCOUNTS
        from shared.accounts.models import User
        from shared.accounts.services import account_create
        for username, full_name, roles in SCHOOL_ACCOUNTS:
            if not User.objects.filter(username=username).exists():
                account_create(username=username, full_name=full_name, roles=list(roles), password="Correct-Horse-77")
        for name in ["tenants.resources.demo", "tenants.students.demo", "tenants.care.demo", "tenants.screening.demo",
                     "tenants.crisis.demo", "tenants.counseling.demo"]:
            importlib.import_module(name).seed_demo(today=timezone.localdate())
    connection.set_schema_to_public()
    connections.close_all()
    shots = {
        "counselor": ["/counseling/new/", "/care/consent/", "/crisis/cases/new/", "/crisis/duty/", "/crisis/limits/",
                      "/screening/instruments/", "/screening/responses/", "/counseling/referrals/"],
        "homeroom": ["/", "/students/", "/care/observations/", "/care/observations/new/"],
        "principal": ["/crisis/", "/care/students/", "/counseling/plans/"],
    }
    for user, paths in shots.items():
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        sign_in(page, base, user, django_db_blocker)
        for path in paths:
            page.goto(base + path)
            page.screenshot(path=f"/tmp/s_{user}{path.replace('/', '_')}.png", full_page=True)
        page.close()
