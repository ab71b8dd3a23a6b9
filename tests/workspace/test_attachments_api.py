"""The one attachments API and the one download view ask the policy of the object that owns the
file: the same answer for a missing file, another school's file and a file whose owner the caller
may not see."""

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tenants.finance import services
from tests.conftest import ALPHA, BETA, api_client, role_user, signed_in
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def _receipt():
    with schema_context(f"school_{ALPHA}"):
        line = services.budget_line_create(
            actor=role_user("principal"),
            school_year="2026-2027",
            category="activities",
            title=f"心理健康月·{uuid.uuid4().hex[:6]}",
            amount=Decimal("1000"),
        )
        spending = services.spending_create(
            actor=role_user("principal"),
            line=line,
            spent_on="2026-10-20",
            amount=Decimal("50"),
            payee="文具店",
            purpose="展板",
        )
        return services.spending_receipt_add(
            spending, actor=role_user("secretary"), upload=SimpleUploadedFile("发票.pdf", b"%PDF-1.4")
        )


def test_attachment_details_and_download_for_who_may_see_the_owner(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    receipt = _receipt()
    url = f"/api/v1/attachments/{receipt.public_id}/"
    shown = api_client(ALPHA, "r_member").get(url)
    assert shown.status_code == 200
    assert_matches_schema(shown)
    body = shown.json()
    assert (body["name"], body["size"], body["url"]) == ("发票.pdf", 8, f"/files/{receipt.public_id}/")
    download = signed_in(ALPHA, "r_member").get(body["url"])
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    # Spending is staff business: the invited attendee and the school admin find nothing.
    for role in ("invited_attendee", "school_admin"):
        refused = api_client(ALPHA, f"r_{role}").get(url)
        assert refused.status_code == 404
        assert_matches_schema(refused)
    assert api_client(BETA, "r_principal").get(url).status_code == 404
    assert api_client(ALPHA, "r_principal").get(f"/api/v1/attachments/{uuid.uuid4()}/").status_code == 404
