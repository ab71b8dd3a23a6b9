"""The community service directory: who sees and keeps entries on both hosts, a school's local
entries seen by that school only, search and filters, and a counseling referral that picks its
institution from the directory (page and API), never another school's local entry."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from directory.models import ServiceEntry
from shared.accounts.roles import STAFF_ROLES, SchoolRole
from tests.conftest import ALPHA, BETA, api_client, client_for, role_user, signed_in
from tests.directory.factories import district_entry, local_entry
from tests.notices.conftest import district_user
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
KEEPERS = {"principal", "secretary", "psychology_teacher", "counselor"}


@pytest.mark.parametrize("role", ["district_admin", "district_analyst", "district_reviewer"])
def test_district_roles(role, schools):
    entry = district_entry()
    local = local_entry(schools[ALPHA])
    client = signed_in(None, district_user(role).username)
    listed = client.get("/directory/")
    assert listed.status_code == 200
    assert entry.name in listed.content.decode() and local.name in listed.content.decode()
    assert client.get(f"/directory/{entry.public_id}/").status_code == 200
    admin = role == "district_admin"
    assert client.get("/directory/new/").status_code == (200 if admin else 403)
    assert client.get(f"/directory/{entry.public_id}/edit/").status_code == (200 if admin else 403)
    # A school's local entry is kept by that school, even from the district.
    assert client.get(f"/directory/{local.public_id}/edit/").status_code == 403


def test_the_district_admin_adds_an_entry_and_it_is_audited(schools):
    from district.models import DistrictAuditEvent

    dora = signed_in(None, "dora")
    response = dora.post(
        "/directory/new/",
        {
            "kind": "hotline",
            "name": "心理援助热线（测试）",
            "services": "24小时心理援助",
            "age_min": 0,
            "age_max": 99,
            "phone": "12356",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    entry = ServiceEntry.objects.get(name="心理援助热线（测试）")
    assert entry.school is None and entry.updated_by == "dora"
    assert DistrictAuditEvent.objects.filter(action="directory.create", target=str(entry.public_id)).exists()
    bad = dora.post("/directory/new/", {"kind": "hotline", "name": "", "age_min": 10, "age_max": 5})
    assert bad.status_code == 400 and {"name", "age_max"} <= set(bad.context["form"].errors)


@pytest.mark.parametrize("role", [r.value for r in SchoolRole])
def test_school_roles(role, schools):
    entry = district_entry()
    client = signed_in(ALPHA, f"r_{role}")
    listed = client.get("/directory/")
    reader = role in {r.value for r in STAFF_ROLES}
    assert listed.status_code == (200 if reader else 404)
    if reader:
        assert entry.name in listed.content.decode()
    assert client.get(f"/directory/{entry.public_id}/").status_code == (200 if reader else 404)
    expected_new = 200 if role in KEEPERS else (403 if reader else 404)
    assert client.get("/directory/new/").status_code == expected_new
    # The district's entries are the district's to keep.
    assert client.get(f"/directory/{entry.public_id}/edit/").status_code == (403 if reader else 404)


def test_nobody_signed_in(schools):
    entry = district_entry()
    for code in (None, ALPHA):
        for path in ("/directory/", f"/directory/{entry.public_id}/", "/directory/new/"):
            response = client_for(code).get(path)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_local_entries_are_seen_by_their_school_only(schools):
    carol = signed_in(ALPHA, "carol")
    response = carol.post(
        "/directory/new/",
        {"kind": "social", "name": "阿尔法社区青少年服务站", "age_min": 6, "age_max": 18, "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    entry = ServiceEntry.objects.get(name="阿尔法社区青少年服务站")
    assert entry.school == schools[ALPHA]
    assert carol.get(f"/directory/{entry.public_id}/edit/").status_code == 200
    bob = signed_in(BETA, "bob")
    assert "阿尔法社区青少年服务站" not in bob.get("/directory/").content.decode()
    assert bob.get(f"/directory/{entry.public_id}/").status_code == 404
    assert bob.get(f"/directory/{entry.public_id}/edit/").status_code == 404
    assert bob.post(f"/directory/{entry.public_id}/edit/", {"name": "改名"}).status_code == 404
    assert "阿尔法社区青少年服务站" in signed_in(None, "dora").get("/directory/").content.decode()


def test_search_and_filters(schools):
    hotline = district_entry("青少年心理热线（筛选测试）", "hotline")
    hospital = district_entry("成人心理科（筛选测试）", "hospital")
    ServiceEntry.objects.filter(pk=hospital.pk).update(age_min=18, age_max=99)
    alice = signed_in(ALPHA, "alice")
    by_kind = alice.get("/directory/?kind=hotline&q=筛选测试").content.decode()
    assert hotline.name in by_kind and hospital.name not in by_kind
    juniors = alice.get("/directory/?ages=junior&q=筛选测试").content.decode()
    assert hotline.name in juniors and hospital.name not in juniors
    export = alice.get("/directory/?export=xlsx&q=筛选测试")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


# --- A referral picks its institution from the directory --------------------------------------------


def test_a_referral_picks_its_institution_from_the_directory_page(schools):
    from tenants.counseling.models import Referral

    ours = local_entry(schools[ALPHA], "阿尔法合作心理诊所（转介测试）")
    theirs = local_entry(schools[BETA], "贝塔合作心理诊所（转介测试）")
    district = district_entry("区人民医院心理科（转介测试）", "hospital")
    with schema_context(schools[ALPHA].schema_name):
        student = make_student()
    connection.set_schema_to_public()
    carol = signed_in(ALPHA, "carol")
    form = carol.get("/counseling/referrals/new/").context["form"]
    offered = set(form.fields["institution_entry"].queryset.values_list("pk", flat=True))
    assert {ours.pk, district.pk} <= offered and theirs.pk not in offered
    refused = carol.post(
        "/counseling/referrals/new/",
        {
            "student": student.pk,
            "institution_entry": theirs.pk,
            "referred_on": "2026-03-02",
            "reason": "失眠",
        },
    )
    assert refused.status_code == 400 and "institution_entry" in refused.context["form"].errors
    made = carol.post(
        "/counseling/referrals/new/",
        {
            "student": student.pk,
            "institution_entry": district.pk,
            "referred_on": "2026-03-02",
            "reason": "失眠",
        },
    )
    assert made.status_code == 302, made.content.decode()[:800]
    with schema_context(schools[ALPHA].schema_name):
        referral = Referral.objects.get(student=student)
        assert referral.institution == district.name
        assert referral.institution_entry == district
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT row_to_json(t)::text FROM counseling_referral t WHERE id = %s", [referral.pk]
            )
            [(row,)] = cursor.fetchall()
    connection.set_schema_to_public()
    # Where the student was referred stays encrypted: neither the name nor the entry's id in clear.
    assert str(district.public_id) not in row and "转介测试" not in row


def test_a_referral_picks_its_institution_from_the_directory_api(schools):
    ours = local_entry(schools[ALPHA], "阿尔法合作心理诊所（API）")
    theirs = local_entry(schools[BETA], "贝塔合作心理诊所（API）")
    with schema_context(schools[ALPHA].schema_name):
        student = make_student()
    connection.set_schema_to_public()
    api = api_client(ALPHA, "r_counselor")
    body = {"student": str(student.public_id), "referred_on": "2026-03-02", "reason": "失眠"}
    refused = api.post(
        "/api/v1/medical-referrals/",
        {**body, "institution_entry": str(theirs.public_id)},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "institution_entry" in refused.json()["error"]["fields"]
    assert_matches_schema(refused)
    made = api.post(
        "/api/v1/medical-referrals/",
        {**body, "institution_entry": str(ours.public_id)},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content[:500]
    assert_matches_schema(made)
    assert made.json()["institution"] == ours.name and made.json()["institution_entry"] == str(ours.public_id)


def test_older_free_text_referrals_stay_readable(schools):
    from tenants.counseling import services
    from tenants.counseling.selectors import school_today

    with schema_context(schools[ALPHA].schema_name):
        referral = services.referral_create(
            actor=role_user("counselor"),
            student=make_student(),
            institution="旧记录的机构名称",
            referred_on=school_today(),
            reason="旧记录",
        )
    connection.set_schema_to_public()
    detail = api_client(ALPHA, "r_counselor").get(f"/api/v1/medical-referrals/{referral.public_id}/")
    assert detail.json()["institution"] == "旧记录的机构名称" and detail.json()["institution_entry"] is None
    page = signed_in(ALPHA, "carol").get(f"/counseling/referrals/{referral.public_id}/")
    assert "旧记录的机构名称" in page.content.decode()


def test_demo_is_idempotent(schools):
    from directory import demo

    demo.seed_demo()
    assert demo.seed_demo() == 0
    assert ServiceEntry.objects.filter(school=None, phone="12356").exists()


def test_a_local_entry_naming_a_student_of_the_school_is_refused(schools):
    """A school's local entry is stored in the public schema: its text is checked first."""
    with schema_context(f"school_{ALPHA}"):
        student = make_student(name="林晓名录")
    connection.set_schema_to_public()
    carol = signed_in(ALPHA, "carol")
    entry = {"kind": "social", "name": "阿尔法家庭支持站", "age_min": 6, "age_max": 18, "active": "on"}
    refused = carol.post("/directory/new/", {**entry, "notes": f"曾为{student.name}提供服务"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "学生姓名" in html
    # The message says what and where, never the name (which is only in the field's own text).
    assert html.count(student.name) == 1
    assert not ServiceEntry.objects.filter(name="阿尔法家庭支持站").exists()
    assert carol.post("/directory/new/", {**entry, "notes": "周末提供家庭辅导"}).status_code == 302
    ServiceEntry.objects.filter(name="阿尔法家庭支持站").delete()
