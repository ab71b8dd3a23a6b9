"""Budget API beyond the role matrix: numbers, the over-budget rule, receipts."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tenants.finance import services
from tenants.finance.models import Spending
from tests.conftest import ALPHA, api_client, role_user
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def _line(amount="2000.00"):
    with schema_context("school_alpha"):
        return services.budget_line_create(
            actor=role_user("principal"),
            school_year="2026-2027",
            category="activities",
            title="心理健康月活动",
            amount=Decimal(amount),
        )


def test_spending_past_the_budget_answers_a_field_error_and_saves_nothing():
    line = _line("2000.00")
    client = api_client(ALPHA, "r_secretary")
    body = {
        "line": str(line.public_id),
        "spent_on": "2026-10-20",
        "amount": "1800.00",
        "payee": "印刷厂",
        "purpose": "活动海报与手册",
    }
    assert client.post("/api/v1/spending-records/", body, content_type="application/json").status_code == 201

    refused = client.post(
        "/api/v1/spending-records/", {**body, "amount": "200.01"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert_matches_schema(refused)
    assert list(refused.json()["error"]["fields"]) == ["over_budget_reason"]
    with schema_context("school_alpha"):
        assert Spending.objects.filter(line=line).count() == 1

    accepted = client.post(
        "/api/v1/spending-records/",
        {**body, "amount": "200.01", "over_budget_reason": "奖品补充"},
        content_type="application/json",
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["over_budget_reason"] == "奖品补充"

    shown = client.get(f"/api/v1/budget-lines/{line.public_id}/")
    assert_matches_schema(shown)
    data = shown.json()
    assert (data["amount"], data["spent"], data["remaining"], data["percent"], data["over_budget"]) == (
        "2000.00",
        "2000.01",
        "-0.01",
        "100.0",
        True,
    )


def test_budget_lines_filter_by_school_year():
    _line()
    with schema_context("school_alpha"):
        services.budget_line_create(
            actor=role_user("principal"),
            school_year="2025-2026",
            category="other",
            title="旧年度",
            amount=Decimal("1"),
        )
    client = api_client(ALPHA, "r_member")
    listed = client.get("/api/v1/budget-lines/?school_year=2025-2026")
    assert [row["title"] for row in listed.json()["results"]] == ["旧年度"]


def test_receipt_upload_by_a_manager(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    line = _line()
    with schema_context("school_alpha"):
        spending = services.spending_create(
            actor=role_user("principal"),
            line=line,
            spent_on="2026-10-20",
            amount=Decimal("50"),
            payee="x",
            purpose="x",
        )
    url = f"/api/v1/spending-records/{spending.public_id}/receipts/"
    member = api_client(ALPHA, "r_member")
    assert member.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF")}).status_code == 403
    secretary = api_client(ALPHA, "r_secretary")
    bad = secretary.post(url, {"file": SimpleUploadedFile("a.bat", b"x")})
    assert bad.status_code == 400 and "file" in bad.json()["error"]["fields"]
    good = secretary.post(url, {"file": SimpleUploadedFile("发票.jpg", b"\xff\xd8\xff")})
    assert good.status_code == 201, good.content
    assert_matches_schema(good)
    listed = member.get(url)
    assert [r["name"] for r in listed.json()] == ["发票.jpg"]
    assert api_client("beta", "r_principal").get(url).status_code == 404
