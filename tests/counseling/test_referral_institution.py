"""A medical referral's institution is clinical (issue 8, 3.2): encrypted at rest, read by the care
team only (the referral pages and API answer nobody else)."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.counseling import services
from tenants.counseling.models import Referral
from tenants.counseling.selectors import school_today
from tests.conftest import ALPHA, api_client, in_alpha, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
INSTITUTION = "市精神卫生中心儿少科——标记RI27"


def _referral():
    return services.referral_create(
        actor=role_user("counselor"),
        student=make_student(),
        institution=INSTITUTION,
        referred_on=school_today(),
        reason="持续失眠、情绪低落",
    )


def test_institution_column_holds_only_ciphertext():
    referral = in_alpha(_referral)
    with schema_context("school_alpha"), connection.cursor() as cursor:
        cursor.execute("SELECT institution FROM counseling_referral WHERE id = %s", [referral.pk])
        [(stored,)] = cursor.fetchall()
        cursor.execute("SELECT row_to_json(t)::text FROM counseling_referral t")
        whole = [row for (row,) in cursor.fetchall()]
    connection.set_schema_to_public()
    assert stored.startswith("xy1:") and "RI27" not in stored
    assert not any("RI27" in row for row in whole)
    assert in_alpha(lambda: Referral.objects.get(pk=referral.pk).institution) == INSTITUTION


@pytest.mark.parametrize("role", ["principal", "homeroom_teacher", "secretary"])
def test_others_find_neither_page_nor_api_nor_record_timeline(role):
    referral = in_alpha(_referral)
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get(f"/counseling/referrals/{referral.public_id}/").status_code == 404
    listed = client.get("/counseling/referrals/")
    assert listed.status_code in (403, 404) and "RI27" not in listed.content.decode()
    api = api_client(ALPHA, f"r_{role}")
    assert api.get(f"/api/v1/medical-referrals/{referral.public_id}/").status_code == 404
    assert api.get("/api/v1/medical-referrals/").status_code == 403
    record = api.get(f"/api/v1/care-records/{referral.student.public_id}/")
    assert "RI27" not in record.content.decode()
    page = client.get(f"/care/students/{referral.student.public_id}/")
    assert "RI27" not in page.content.decode()


def test_the_care_team_reads_it_and_searches_referrals_by_student():
    referral = in_alpha(_referral)
    client = signed_in(ALPHA, "r_counselor")
    assert INSTITUTION in client.get(f"/counseling/referrals/{referral.public_id}/").content.decode()
    found = client.get(f"/counseling/referrals/?q={referral.student.student_number}")
    assert found.status_code == 200 and INSTITUTION in found.content.decode()
    detail = api_client(ALPHA, "r_psychology_teacher").get(f"/api/v1/medical-referrals/{referral.public_id}/")
    assert_matches_schema(detail)
    assert detail.json()["institution"] == INSTITUTION
