"""The care pages draw their tab bars from the area declarations (tenants/care/resources.py): each
person sees the tabs of what they may read, on function pages and declared tables alike."""

import pytest

from tests.conftest import ALPHA, signed_in

pytestmark = pytest.mark.django_db


def _tab_links(html: str) -> set[str]:
    start = html.find('<nav class="tabs"')
    if start < 0:
        return set()
    nav = html[start : html.find("</nav>", start)]
    return {part.split('"')[0] for part in nav.split('href="')[1:]}


def test_record_keeping_tabs_for_the_care_team_only():
    counselor = signed_in(ALPHA, "r_counselor")
    tabs = _tab_links(counselor.get("/care/records/transfers/").content.decode())
    assert tabs == {"/care/records/transfers/", "/care/records/transfers/sent/", "/care/records/retention/"}
    principal = signed_in(ALPHA, "r_principal")
    response = principal.get("/care/records/retention/")
    assert response.status_code == 200
    assert _tab_links(response.content.decode()) == set()


def test_care_home_tabs_follow_need_to_know():
    counselor = _tab_links(signed_in(ALPHA, "r_counselor").get("/care/").content.decode())
    principal = _tab_links(signed_in(ALPHA, "r_principal").get("/care/").content.decode())
    assert {"/screening/", "/counseling/", "/care/observations/"} <= counselor
    assert "/care/audit/" in principal and "/screening/" not in principal and "/counseling/" not in principal
    homeroom = _tab_links(signed_in(ALPHA, "r_homeroom_teacher").get("/care/observations/").content.decode())
    assert homeroom == {"/care/observations/", "/care/observations/students/"}


def test_a_declared_pages_tab_bar_is_named_after_its_area():
    html = signed_in(ALPHA, "r_counselor").get("/care/records/transfers/").content.decode()
    assert '<nav class="tabs" aria-label="学生档案">' in html
