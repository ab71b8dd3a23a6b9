"""Every district console page, for each kind of caller: the district admin, the analyst, the
reviewer, a school's account, and nobody signed in. Readers who may not open a page get 404."""

import pytest
from django.conf import settings
from django.db import connection

from shared.accounts.models import User
from tests.conftest import ALPHA, PASSWORD, client_for, signed_in

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, REVIEWER = "dora", "con_analyst", "con_reviewer"


@pytest.fixture
def district_people(db):
    from shared.accounts.services import account_create

    connection.set_schema_to_public()
    for username, role in ((ANALYST, "district_analyst"), (REVIEWER, "district_reviewer")):
        if not User.objects.filter(username=username).exists():
            account_create(username=username, full_name=username, roles=[role], password=PASSWORD)
    return {
        ADMIN: signed_in(None, ADMIN),
        ANALYST: signed_in(None, ANALYST),
        REVIEWER: signed_in(None, REVIEWER),
    }


def _pages():
    dora = User.objects.get(username="dora")
    return {
        # path: who gets 200 (everyone else signed in at the district gets 404)
        "/schools/": {ADMIN, ANALYST},
        "/schools/new/": {ADMIN},
        "/schools/onboard/": {ADMIN},
        f"/schools/{ALPHA}/": {ADMIN, ANALYST},
        "/accounts/district/": {ADMIN},
        "/accounts/district/new/": {ADMIN},
        f"/accounts/district/{dora.public_id}/": {ADMIN},
        f"/accounts/district/{dora.public_id}/second-factor/": {ADMIN},
        "/review/": {ADMIN, REVIEWER},
        "/audit/": {ADMIN, ANALYST},
        "/figures/periods/": {ADMIN, ANALYST},
        "/figures/periods/2025-2026/": {ADMIN},
    }


def test_each_page_for_each_district_role(district_people):
    from figures.periods import ensure_school_year

    ensure_school_year("2025-2026")
    for path, allowed in _pages().items():
        for username, client in district_people.items():
            response = client.get(path)
            expected = 200 if username in allowed else 404
            assert response.status_code == expected, (path, username, response.status_code)


def test_nobody_signed_in_is_sent_to_sign_in(district_people):
    anonymous = client_for(None)
    for path in _pages():
        response = anonymous.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_a_school_account_has_no_way_in(district_people):
    # Its password means nothing on the district host...
    district = client_for(None)
    refused = district.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    # ...its school session is not a district session...
    alice = signed_in(ALPHA, "r_school_admin")
    for path in ("/schools/", "/accounts/district/", "/audit/", "/review/"):
        response = alice.get(path)  # on alpha's host: the console does not exist there
        assert response.status_code == 404, path
    connection.set_schema_to_public()
    for path in _pages():
        response = alice.get(path, HTTP_HOST=settings.BASE_DOMAIN)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_the_console_tabs_show_what_each_role_may_open(district_people):
    admin_tabs = district_people[ADMIN].get("/schools/").content.decode()
    for path in ("/schools/", "/accounts/district/", "/figures/periods/", "/review/", "/audit/"):
        assert f'href="{path}"' in admin_tabs
    analyst_tabs = district_people[ANALYST].get("/schools/").content.decode()
    assert 'href="/accounts/district/"' not in analyst_tabs and 'href="/review/"' not in analyst_tabs
    assert 'href="/schools/new/"' not in analyst_tabs  # reads, does not act
    reviewer_home = district_people[REVIEWER].get("/").content.decode()
    assert 'href="/review/"' in reviewer_home and 'href="/schools/"' not in reviewer_home
