"""Budget pages: spent against budget per line, totals, XLSX export, the over-budget form rule."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.finance import selectors, services, views
from tenants.finance.models import BudgetLine, Spending
from tests.conftest import ALPHA, role_user, signed_in

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def shown(text) -> str:
    with translation.override("zh-hans"):
        return escape(translation.gettext(str(text)))


def _year():
    return selectors.school_year_of(timezone.localdate())


def _seed():
    """This school year: a room line 30,000 with 24,000 spent; a training line 5,000 with 5,600 spent
    (over, with a reason). Last year: one line that must not show by default."""
    today = timezone.localdate()
    with schema_context(SCHEMA):
        principal = role_user("principal")
        room = services.budget_line_create(
            actor=principal,
            school_year=_year(),
            category="room",
            title="心理咨询室改造",
            amount=Decimal("30000.00"),
        )
        training = services.budget_line_create(
            actor=principal,
            school_year=_year(),
            category="training",
            title="班主任心理健康培训",
            amount=Decimal("5000.00"),
        )
        last_start = int(_year()[:4]) - 1
        services.budget_line_create(
            actor=principal,
            school_year=f"{last_start}-{last_start + 1}",
            category="other",
            title="上学年杂项",
            amount=Decimal("100.00"),
        )
        services.spending_create(
            actor=principal,
            line=room,
            spent_on=today,
            amount=Decimal("24000.00"),
            payee="某装饰公司",
            purpose="咨询室隔音改造",
        )
        services.spending_create(
            actor=principal,
            line=training,
            spent_on=today,
            amount=Decimal("5600.00"),
            payee="市教师进修学校",
            purpose="培训费",
            over_budget_reason="新增3名班主任参训",
        )
    return room, training


def test_budget_page_shows_spent_against_budget_for_this_school_year():
    _seed()
    response = signed_in(ALPHA, "r_deputy").get("/finance/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "心理咨询室改造",
        "30,000.00",
        "24,000.00",
        "6,000.00",
        "80.0%",
        "班主任心理健康培训",
        "5,600.00",
        "-600.00",
        "112.0%",
        shown("Over budget"),
    ):
        assert text in body, text
    assert "上学年杂项" not in body  # another school year
    # Totals: 35,000 budget, 29,600 spent, 84.6% used, one line over.
    assert 'id="total-percent">84.6%<' in body
    assert 'id="total-over">1<' in body
    assert "上学年杂项" in signed_in(ALPHA, "r_deputy").get("/finance/?school_year=").content.decode()


def test_budget_export_is_a_workbook_with_numbers():
    _seed()
    response = signed_in(ALPHA, "r_principal").get(f"/finance/?school_year={_year()}&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"心理咨询室改造", "班主任心理健康培训"}
    assert rows["心理咨询室改造"][3:7] == (30000.0, 24000.0, 6000.0, 80.0)
    assert rows["班主任心理健康培训"][5:8] == (-600.0, 112.0, shown("Over budget"))


def test_empty_budget_page_says_what_to_do():
    body = signed_in(ALPHA, "r_principal").get("/finance/").content.decode()
    assert shown(views.BudgetTable.empty_text) in body
    assert (
        shown(views.SpendingTable.empty_text)
        in signed_in(ALPHA, "r_principal").get("/finance/spending/").content.decode()
    )


def test_spending_past_the_budget_on_the_form_needs_a_reason():
    room, _training = _seed()
    client = signed_in(ALPHA, "r_secretary")
    form = {
        "line": room.pk,
        "spent_on": str(timezone.localdate()),
        "amount": "6000.01",
        "payee": "家具城",
        "purpose": "沙发与绿植",
        "over_budget_reason": "",
    }
    refused = client.post("/finance/spending/new/", form)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'id="id_over_budget_reason-error"' in body
    assert "30,000.01" in body
    with schema_context(SCHEMA):
        assert Spending.objects.filter(line=room).count() == 1

    exact = client.post("/finance/spending/new/", {**form, "amount": "6000.00"})
    assert exact.status_code == 302
    assert exact["Location"] == f"/finance/spending/?line={room.public_id}"
    with schema_context(SCHEMA):
        row = selectors.budget_lines().get(pk=room.pk)
        assert (row.spent, row.remaining, row.over_budget) == (Decimal("30000.00"), Decimal("0.00"), False)


def test_spending_page_lists_records_with_receipts(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    room, _training = _seed()
    client = signed_in(ALPHA, "r_principal")
    response = client.post(
        "/finance/spending/new/",
        {
            "line": room.pk,
            "spent_on": str(timezone.localdate()),
            "amount": "1000.00",
            "payee": "文具店",
            "purpose": "宣传展板",
            "over_budget_reason": "",
            "receipt": SimpleUploadedFile("展板发票.pdf", b"%PDF-1.4"),
        },
    )
    assert response.status_code == 302
    listed = client.get(f"/finance/spending/?line={room.public_id}").content.decode()
    assert "宣传展板" in listed and "咨询室隔音改造" in listed and "培训费" not in listed
    with schema_context(SCHEMA):
        spending = Spending.objects.get(purpose="宣传展板")
        receipt = selectors.receipts_of(spending).get()
    url = f"/files/{receipt.public_id}/"
    assert url in listed
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    assert signed_in("beta", "r_principal").get(url).status_code == 404
    # The one download view asks the owner's policy: people who may not read spending get nothing.
    assert signed_in(ALPHA, "r_invited_attendee").get(url).status_code == 404
    assert signed_in(ALPHA, "r_school_admin").get(url).status_code == 404
    # A file gone from storage is a 404, not a server error.
    with schema_context(SCHEMA):
        receipt.file.storage.delete(receipt.file.name)
    assert client.get(url).status_code == 404


def test_a_budget_line_form_with_a_negative_amount_answers_400():
    client = signed_in(ALPHA, "r_principal")
    response = client.post(
        "/finance/lines/new/",
        {"school_year": _year(), "category": "training", "title": "培训", "amount": "-1", "notes": ""},
    )
    assert response.status_code == 400
    assert 'id="id_amount-error"' in response.content.decode()
    with schema_context(SCHEMA):
        assert not BudgetLine.objects.exists()


def test_readers_cannot_open_create_pages():
    room, _training = _seed()
    client = signed_in(ALPHA, "r_member")
    assert client.get("/finance/").status_code == 200
    for url in ("/finance/lines/new/", "/finance/spending/new/", f"/finance/lines/{room.public_id}/edit/"):
        assert client.get(url).status_code == 403, url
    assert f"/finance/lines/{room.public_id}/edit/" not in client.get("/finance/").content.decode()


@pytest.mark.parametrize("role", ["invited_attendee", "school_admin"])
def test_people_outside_the_staff_get_404(role):
    room, _training = _seed()
    client = signed_in(ALPHA, f"r_{role}")
    for url in (
        "/finance/",
        "/finance/spending/",
        "/finance/lines/new/",
        "/finance/spending/new/",
        f"/finance/lines/{room.public_id}/edit/",
    ):
        assert client.get(url).status_code == 404, url
