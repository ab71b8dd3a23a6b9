"""Every student-care page x every school role: readers get the page, everyone else gets nothing
(403 on an area they may not enter, 404 where even the page's existence is withheld); and another
school's objects answer 404 (tested per app in tests/students, care, screening, crisis, counseling)."""

import pytest

from shared.accounts.roles import SchoolRole
from tests.conftest import ALPHA, signed_in

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in SchoolRole]
CARE = {"psychology_teacher", "counselor"}
STATUS = CARE | {"principal"}
ROSTER_MANAGERS = STATUS | {"secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}

PAGES = {
    "/students/": ROSTER_MANAGERS | {"homeroom_teacher"},
    "/students/classes/": ROSTER_MANAGERS | {"homeroom_teacher"},
    "/students/import/": ROSTER_MANAGERS,
    "/care/": STATUS,
    "/care/students/": STATUS,
    "/care/observations/": CARE | {"homeroom_teacher"},
    "/care/consent/": ROSTER_MANAGERS,
    "/care/audit/": {"principal"},
    "/care/records/transfers/": CARE,
    "/care/records/retention/": STATUS,
    "/screening/": STATUS,
    "/screening/responses/": CARE,
    "/screening/instruments/": STATUS,
    "/crisis/": STATUS,
    "/crisis/plans/": STAFF,
    "/crisis/limits/": STATUS,
    "/crisis/duty/": STATUS,
    "/counseling/": CARE,
    "/counseling/referrals/": CARE,
    "/counseling/plans/": STATUS,
}


@pytest.mark.parametrize("role", ROLES)
def test_care_pages_by_role(role):
    client = signed_in(ALPHA, f"r_{role}")
    wrong = []
    for path, readers in PAGES.items():
        status = client.get(path).status_code
        if role in readers and status != 200:
            wrong.append((path, status, "should be readable"))
        if role not in readers and status not in (403, 404):
            wrong.append((path, status, "should be refused"))
    assert wrong == []


@pytest.mark.parametrize("path", list(PAGES))
def test_care_pages_need_sign_in(path):
    from tests.conftest import client_for

    response = client_for(ALPHA).get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
