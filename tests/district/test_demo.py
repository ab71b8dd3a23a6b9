"""`make start`'s demo: every school gets a school year of every area, so every page shows something."""

import pytest
from django.db import connection
from django.test import Client

from district.demo import DEMO_PASSWORD, seed_demo
from district.models import School
from tests.conftest import host, totp_code_for

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/ledger/",
    "/ledger/meetings/",
    "/governance/",
    "/governance/group/",
    "/governance/plans/",
    "/governance/rules/",
    "/governance/reports/",
    "/resources/",
    "/team/",
    "/programs/",
    "/programs/activities/",
    "/finance/",
    "/evaluation/",
    "/students/",
    "/care/students/",
    "/care/consent/",
    "/care/audit/",
    "/screening/",
    "/crisis/",
]
# Clinical pages only the care team opens.
COUNSELOR_PAGES = [
    "/counseling/",
    "/counseling/referrals/",
    "/counseling/plans/",
    "/screening/responses/",
    "/care/observations/",
]


def _pages_have_data(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        if path not in ("/",):
            assert 'class="empty"' not in body.split("<main>", 1)[1].split("</table>", 1)[0], (
                f"{path} is empty"
            )


def test_demo_schools_have_data_on_every_page(settings):
    seed_demo()
    again = seed_demo()  # idempotent
    assert [site for site, _code, _accounts in again][1:] == list(
        School.objects.filter(code__startswith="demo").order_by("number").values_list("name", flat=True)
    )
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=host("demo1"))
    assert (
        client.post("/accounts/login/", {"username": "principal", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    assert client.post("/accounts/otp/", {"code": totp_code_for("demo1", "principal")}).status_code == 302
    _pages_have_data(client, PAGES)
    counselor = Client(HTTP_HOST=host("demo1"))
    assert (
        counselor.post("/accounts/login/", {"username": "counselor", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    assert counselor.post("/accounts/otp/", {"code": totp_code_for("demo1", "counselor")}).status_code == 302
    _pages_have_data(counselor, COUNSELOR_PAGES)
    home = client.get("/")
    assert home.context["task_counts"]["done"] > 0
    assert home.context["plans"] and home.context["training"] and home.context["budget"]["budget"] > 0
    district = Client(HTTP_HOST=host(None))
    assert (
        district.post("/accounts/login/", {"username": "district", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    assert district.post("/accounts/otp/", {"code": totp_code_for(None, "district")}).status_code == 302
    assert "示范区实验小学" in district.get("/").content.decode()


def test_demo_district_figures_are_mostly_published_and_some_withheld():
    """The demo computes the district's figures: enough students that most cells are published, and
    small cells (crisis cases, screening bands) withheld, so that both can be seen."""
    from django.utils import timezone

    from figures.models import DataElement, Period
    from figures.selectors import published
    from reporting.models import Submission

    seed_demo()
    connection.set_schema_to_public()
    today = timezone.localdate()
    term = Period.objects.get(kind="term", start__lte=today, end__gte=today)
    demo = {"demo1", "demo2", "demo3", "demo4", "demo5"}
    cells = [
        cell
        for element in DataElement.objects.all()
        for cell in published(term, element)
        if cell.school in demo and cell.breakdown == ""
    ]
    assert {cell.school for cell in cells} == demo
    withheld = sum(cell.suppressed for cell in cells)
    shown = len(cells) - withheld
    assert withheld > 0 and shown > 2 * withheld, (shown, withheld)
    states = dict(
        Submission.objects.filter(school__code__in=["demo1", "demo2"], period=term).values_list(
            "school__code", "status"
        )
    )
    assert states == {"demo1": "approved", "demo2": "complete"}

    analyst = Client(HTTP_HOST=host(None))
    assert (
        analyst.post("/accounts/login/", {"username": "analyst", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    page = analyst.get("/figures/")
    assert page.status_code == 200
    assert "示范区实验小学" in analyst.get("/figures/schools/demo1/").content.decode()


def test_demo_has_content_in_the_library_exchange_notices_and_directory():
    from directory.models import ServiceEntry
    from exchange.models import Post
    from library.models import LibraryItem
    from notices.models import Notice

    seed_demo()
    connection.set_schema_to_public()
    assert LibraryItem.objects.filter(status="published").count() >= 5
    assert LibraryItem.objects.filter(status="published", school__code__startswith="demo").exists()
    assert Post.objects.count() >= 3 and Notice.objects.count() >= 2
    assert ServiceEntry.objects.filter(school__isnull=True).count() >= 4
    analyst = Client(HTTP_HOST=host(None))
    assert (
        analyst.post("/accounts/login/", {"username": "analyst", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    for path in ("/library/", "/exchange/", "/notices/", "/directory/"):
        assert analyst.get(path).status_code == 200, path
