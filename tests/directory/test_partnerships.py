"""Partnerships between schools (校际合作): a school records a partner school and what they do
together; both schools see and edit it, the district reads every one, and no other school sees it
(404 like a missing one). The title and the description pass the personal-data check inside the
writing school's schema; every save is recorded (which school, who, which fields)."""

import datetime
import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from directory.models import Partnership, PartnershipEvent
from shared.accounts.roles import SchoolRole
from tests.conftest import ALPHA, BETA, PASSWORD, client_for, signed_in
from tests.notices.conftest import district_user
from tests.support.students import make_student

pytestmark = pytest.mark.django_db

READERS = {"principal", "deputy", "member", "secretary"}
KEEPERS = {"principal", "deputy", "secretary"}
THIRD = "ptnthird"
DISTRICT_ROLES = ["district_admin", "district_analyst", "district_reviewer"]


def partnership(school, partner, title="心理教师联合教研（测试）", **extra) -> Partnership:
    """A partnership recorded by `school` (public-schema row: callable from any schema)."""
    found = Partnership.objects.filter(school=school, partner=partner, title=title).first()
    return found or Partnership.objects.create(
        school=school,
        partner=partner,
        title=title,
        description=extra.pop("description", "每月一次联合教研，轮流主持。"),
        started_on=extra.pop("started_on", datetime.date(2026, 3, 1)),
        **extra,
    )


@pytest.fixture
def third_school(db):
    """A school that is part of no partnership, with a principal: ptnthird (reused if it exists)."""
    from district.models import School
    from district.services import school_create
    from shared.accounts.models import User
    from shared.accounts.services import account_create

    school = School.objects.filter(code=THIRD).first() or school_create(
        code=THIRD, name="合作测试第三校", school_type="junior", number="PTN-3", student_count=0,
        admin_name="测试管理员", admin_email=f"admin@{THIRD}.example.cn",
    ).school  # fmt: skip
    with schema_context(school.schema_name):
        if not User.objects.filter(username="p3").exists():
            account_create(username="p3", full_name="第三校校长", roles=["principal"], password=PASSWORD)
    connection.set_schema_to_public()
    return school


def _form(**overrides) -> dict:
    return {
        "title": "小初衔接心理课（测试）",
        "description": "两校心理教师共同备课，每学期互相听课一次。",
        "started_on": "2026-02-20",
        "ended_on": "",
        "status": "active",
        **overrides,
    }


# --- Who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in SchoolRole])
def test_school_roles(role, schools):
    item = partnership(schools[ALPHA], schools[BETA])
    client = signed_in(ALPHA, f"r_{role}")
    reader, keeper = role in READERS, role in KEEPERS
    listed = client.get("/directory/partnerships/")
    assert listed.status_code == (200 if reader else 404)
    if reader:
        assert item.title in listed.content.decode()
        assert ("/directory/partnerships/new/" in listed.content.decode()) == keeper
    assert client.get(f"/directory/partnerships/{item.public_id}/").status_code == (200 if reader else 404)
    expected = 200 if keeper else (403 if reader else 404)
    assert client.get("/directory/partnerships/new/").status_code == expected
    assert client.get(f"/directory/partnerships/{item.public_id}/edit/").status_code == expected
    refused = client.post(f"/directory/partnerships/{item.public_id}/edit/", _form(title="改了"))
    assert refused.status_code == (302 if keeper else expected)
    item.refresh_from_db()
    assert (item.title == "改了") == keeper


@pytest.mark.parametrize("role", DISTRICT_ROLES)
def test_district_roles_read_every_partnership_and_write_none(role, schools):
    ours = partnership(schools[ALPHA], schools[BETA], "阿尔法记录的合作（测试）")
    theirs = partnership(schools[BETA], schools[ALPHA], "贝塔记录的合作（测试）")
    client = signed_in(None, district_user(role).username)
    page = client.get("/directory/partnerships/")
    assert page.status_code == 200
    body = page.content.decode()
    assert ours.title in body and theirs.title in body
    assert "/directory/partnerships/new/" not in body
    detail = client.get(f"/directory/partnerships/{ours.public_id}/")
    assert detail.status_code == 200 and f"/directory/partnerships/{ours.public_id}/edit/" not in (
        detail.content.decode()
    )
    assert schools[ALPHA].name in detail.content.decode() and schools[BETA].name in detail.content.decode()
    assert client.get("/directory/partnerships/new/").status_code == 403
    assert client.get(f"/directory/partnerships/{ours.public_id}/edit/").status_code == 403
    assert client.post(f"/directory/partnerships/{ours.public_id}/edit/", _form()).status_code == 403
    ours.refresh_from_db()
    assert ours.title == "阿尔法记录的合作（测试）"
    # The directory page has the tab that leads here.
    assert 'href="/directory/partnerships/"' in client.get("/directory/").content.decode()


def test_nobody_signed_in(schools):
    item = partnership(schools[ALPHA], schools[BETA])
    for code in (None, ALPHA):
        for path in (
            "/directory/partnerships/",
            f"/directory/partnerships/{item.public_id}/",
            "/directory/partnerships/new/",
            f"/directory/partnerships/{item.public_id}/edit/",
        ):
            response = client_for(code).get(path)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_the_directory_page_leads_to_partnerships_for_those_who_read_them(schools):
    assert (
        'href="/directory/partnerships/"' in signed_in(ALPHA, "r_member").get("/directory/").content.decode()
    )
    # The care team reads the directory but not partnerships: no tab for them.
    carol = signed_in(ALPHA, "carol").get("/directory/")
    assert carol.status_code == 200 and 'href="/directory/partnerships/"' not in carol.content.decode()


def test_a_third_school_sees_nothing(schools, third_school):
    item = partnership(schools[ALPHA], schools[BETA])
    mine = partnership(third_school, schools[ALPHA], "第三校自己的合作（测试）")
    p3 = signed_in(THIRD, "p3")
    listed = p3.get("/directory/partnerships/").content.decode()
    assert item.title not in listed and mine.title in listed
    assert schools[BETA].name not in listed  # not even as a filter choice
    assert p3.get(f"/directory/partnerships/{item.public_id}/").status_code == 404
    assert p3.get(f"/directory/partnerships/{item.public_id}/edit/").status_code == 404
    assert p3.post(f"/directory/partnerships/{item.public_id}/edit/", _form(title="改名")).status_code == 404
    assert p3.get("/directory/partnerships/?export=xlsx").content.count(item.title.encode()) == 0
    # A missing one answers the same.
    assert p3.get("/directory/partnerships/00000000-0000-0000-0000-000000000000/").status_code == 404
    # A partner filter naming a school it has no partnership with is not one of its choices: ignored,
    # with a message, and alpha's partnership with beta stays out of sight.
    filtered = p3.get(f"/directory/partnerships/?partner={schools[BETA].public_id}")
    assert [str(m) for m in filtered.context["messages"]] != []
    assert item.title not in filtered.content.decode()
    # Beta, the other side of alpha's partnership with the third school, does not see that one either.
    assert mine.title not in signed_in(BETA, "bob").get("/directory/partnerships/").content.decode()
    item.refresh_from_db()
    assert item.title == "心理教师联合教研（测试）"


# --- Writing ----------------------------------------------------------------------------------------


def test_a_school_records_a_partnership_and_both_schools_see_and_edit_it(schools, third_school):
    from district.models import School, SchoolStatus

    alice = signed_in(ALPHA, "alice")
    form = alice.get("/directory/partnerships/new/").context["form"]
    offered = {value for value, _label in form.fields["partner"].choices if value}
    assert str(schools[BETA].public_id) in offered and str(third_school.public_id) in offered
    assert str(schools[ALPHA].public_id) not in offered
    # Only active schools are offered, and a school that is not is refused when posted.
    School.objects.filter(pk=third_school.pk).update(status=SchoolStatus.SUSPENDED)
    form = alice.get("/directory/partnerships/new/").context["form"]
    assert str(third_school.public_id) not in {value for value, _label in form.fields["partner"].choices}
    refused = alice.post("/directory/partnerships/new/", _form(partner=str(third_school.public_id)))
    assert refused.status_code == 400 and "partner" in refused.context["form"].errors
    itself = alice.post("/directory/partnerships/new/", _form(partner=str(schools[ALPHA].public_id)))
    assert itself.status_code == 400 and "partner" in itself.context["form"].errors

    made = alice.post("/directory/partnerships/new/", _form(partner=str(schools[BETA].public_id)))
    assert made.status_code == 302, made.content.decode()[:800]
    item = Partnership.objects.get(title="小初衔接心理课（测试）")
    assert made["Location"] == f"/directory/partnerships/{item.public_id}/"
    assert (item.school, item.partner, item.status) == (schools[ALPHA], schools[BETA], "active")
    assert item.started_on == datetime.date(2026, 2, 20) and item.ended_on is None
    [created] = item.events.all()
    assert (created.school, created.actor, created.action) == (schools[ALPHA], "alice", "created")

    # Beta sees it, with alpha as its partner, and ends it.
    bob = signed_in(BETA, "bob")
    page = bob.get("/directory/partnerships/").content.decode()
    assert item.title in page and schools[ALPHA].name in page
    detail = bob.get(f"/directory/partnerships/{item.public_id}/")
    assert detail.status_code == 200 and detail.context["partner_school"] == schools[ALPHA]
    changed = bob.post(
        f"/directory/partnerships/{item.public_id}/edit/",
        _form(status="ended", ended_on="2026-07-10", description="两校心理教师共同备课，本学期结束。"),
    )
    assert changed.status_code == 302, changed.content.decode()[:800]
    item.refresh_from_db()
    assert item.status == "ended" and item.ended_on == datetime.date(2026, 7, 10)
    assert (item.school, item.partner) == (schools[ALPHA], schools[BETA])  # the two schools stay
    assert item.updated_by_school == schools[BETA] and item.updated_by == "鲍勃"
    last = item.events.order_by("-id").first()
    assert (last.school, last.actor, last.action) == (schools[BETA], "bob", "changed")
    assert set(last.fields) == {"description", "ended_on", "status"}
    # Alpha reads who changed what.
    history = alice.get(f"/directory/partnerships/{item.public_id}/").content.decode()
    assert f"{schools[BETA].name} 鲍勃" in history and f"{schools[ALPHA].name} 艾丽丝" in history
    # Saving without a change records nothing.
    bob.post(
        f"/directory/partnerships/{item.public_id}/edit/",
        _form(status="ended", ended_on="2026-07-10", description="两校心理教师共同备课，本学期结束。"),
    )
    assert item.events.count() == 2


def test_bad_input_is_refused_by_field_and_nothing_is_saved(schools):
    alice = signed_in(ALPHA, "alice")
    before = Partnership.objects.count()
    beta = str(schools[BETA].public_id)
    empty = alice.post("/directory/partnerships/new/", {"status": "active"})
    assert empty.status_code == 400
    assert {"partner", "title", "description", "started_on"} <= set(empty.context["form"].errors)
    backwards = alice.post("/directory/partnerships/new/", _form(partner=beta, ended_on="2026-01-01"))
    assert backwards.status_code == 400 and "ended_on" in backwards.context["form"].errors
    no_end = alice.post("/directory/partnerships/new/", _form(partner=beta, status="ended"))
    assert no_end.status_code == 400 and "ended_on" in no_end.context["form"].errors
    unknown = alice.post("/directory/partnerships/new/", _form(partner=beta, status="paused"))
    assert unknown.status_code == 400 and "status" in unknown.context["form"].errors
    assert (
        Partnership.objects.count() == before and not PartnershipEvent.objects.filter(actor="alice").exists()
    )


def test_the_check_blocks_a_student_of_the_writing_school(schools):
    with schema_context(schools[ALPHA].schema_name):
        student = make_student(name="欧阳明轩")
    with schema_context(schools[BETA].schema_name):
        beta_student = make_student(name="司马若溪")
    connection.set_schema_to_public()
    alice = signed_in(ALPHA, "alice")
    before = Partnership.objects.count()
    named = alice.post(
        "/directory/partnerships/new/",
        _form(partner=str(schools[BETA].public_id), description=f"共同辅导{student.name}的学习适应。"),
    )
    assert named.status_code == 400
    errors = named.context["form"].errors
    assert list(errors) == ["description"] and "学生姓名" in errors["description"][0]
    assert student.name not in errors["description"][0]  # says what and where, never the text
    numbered = alice.post(
        "/directory/partnerships/new/",
        _form(partner=str(schools[BETA].public_id), title=f"联系 13912345678 {student.student_number}"),
    )
    assert numbered.status_code == 400 and "title" in numbered.context["form"].errors
    assert Partnership.objects.count() == before

    # On the other side, beta's own students are checked when beta edits it.
    item = partnership(schools[ALPHA], schools[BETA])
    bob = signed_in(BETA, "bob")
    blocked = bob.post(
        f"/directory/partnerships/{item.public_id}/edit/", _form(description=f"{beta_student.name}参加了活动")
    )
    assert blocked.status_code == 400 and "description" in blocked.context["form"].errors
    item.refresh_from_db()
    assert beta_student.name not in item.description and item.events.count() == 0


def test_services_write_from_a_school_only(schools):
    from django.core.exceptions import PermissionDenied

    from directory.partnership_services import partnership_create, partnership_update
    from shared.accounts.models import User

    item = partnership(schools[ALPHA], schools[BETA])
    dora = User.objects.get(username="dora")
    with pytest.raises(PermissionDenied):
        partnership_create(
            actor=dora, partner=schools[BETA], title="区里", description="区里写", started_on="2026-03-01"
        )
    with pytest.raises(PermissionDenied):
        partnership_update(item, actor=dora, data={"title": "区里改"})


def test_filters_pagination_and_export(schools, third_school):
    from openpyxl import load_workbook

    for n in range(27):
        partnership(schools[ALPHA], schools[BETA], f"联合教研第{n:02d}期（分页）")
    ended = partnership(
        schools[ALPHA],
        third_school,
        "已结束的合作（筛选）",
        status="ended",
        ended_on=datetime.date(2026, 6, 30),
    )
    alice = signed_in(ALPHA, "alice")
    first = alice.get("/directory/partnerships/")
    assert first.context["page"].paginator.count == 28 and len(first.context["rows"]) == 25
    assert len(alice.get("/directory/partnerships/?page=2").context["rows"]) == 3
    by_status = alice.get("/directory/partnerships/?status=ended").content.decode()
    assert ended.title in by_status and "联合教研第00期" not in by_status
    by_partner = alice.get(f"/directory/partnerships/?partner={third_school.public_id}")
    assert by_partner.context["page"].paginator.count == 1
    options = dict(by_partner.context["filters"][0][1])
    assert set(options) == {str(schools[BETA].public_id), str(third_school.public_id)}
    export = alice.get(f"/directory/partnerships/?export=xlsx&partner={schools[BETA].public_id}")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    data = [r for r in rows if r and any(isinstance(v, str) and "（分页）" in v for v in r)]
    assert len(data) == 27
    assert all(schools[BETA].name in row for row in data)
    # The district filters by either side.
    dora = signed_in(None, "dora")
    assert (
        dora.get(f"/directory/partnerships/?school={third_school.public_id}").context["page"].paginator.count
        == 1
    )


def test_empty_states_say_what_to_do(schools):
    Partnership.objects.all().delete()
    page = signed_in(ALPHA, "alice").get("/directory/partnerships/").content.decode()
    assert "/directory/partnerships/new/" in page
    assert signed_in(None, "dora").get("/directory/partnerships/").status_code == 200


def test_demo_is_idempotent(schools, monkeypatch):
    from directory import demo

    # The demo records demo1's partnership with demo2; here alpha's with beta (alpha's principal).
    monkeypatch.setattr(demo, "DEMO_SCHOOL", ALPHA)
    monkeypatch.setattr(demo, "DEMO_PARTNER", BETA)
    Partnership.objects.filter(title=demo.PARTNERSHIP_TITLE).delete()
    demo.seed_demo()
    assert demo.seed_demo() == 0
    [item] = Partnership.objects.filter(title=demo.PARTNERSHIP_TITLE)
    assert (item.school, item.partner) == (schools[ALPHA], schools[BETA])
    assert item.events.get().school == schools[ALPHA]


def test_the_demo_text_passes_the_check(schools):
    from directory import demo
    from tenants.students.text_check import find_personal_data

    with tenant_context(schools[ALPHA]):
        assert find_personal_data(demo.PARTNERSHIP_TEXT) == []
        assert find_personal_data(demo.PARTNERSHIP_TITLE) == []
