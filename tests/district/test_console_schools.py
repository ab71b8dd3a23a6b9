"""Schools in the district console: provision one (its admin's one-time link shown once), suspend,
reactivate and archive (each recorded; the site answers as it should), and the table's columns with
real numbers: the administrator, when figures last arrived, database and file storage."""

import datetime
import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from district.models import DistrictAuditEvent, School
from tests.conftest import ALPHA, PASSWORD, client_for, signed_in
from tests.schools import school_for_tests

pytestmark = pytest.mark.django_db

CODE = "consa"


@pytest.fixture
def console_school(db):
    """A school of this test module's own, reused if it exists."""
    school = school_for_tests(CODE, number="CON-1", name="控制台测试学校")
    return school


def test_provision_a_school_shows_its_admins_link_once_and_records_it():
    dora = signed_in(None, "dora")
    bad = dora.post(
        "/schools/new/",
        {
            "code": "Bad Code",
            "name": "",
            "school_type": "junior",
            "number": "T001",
            "student_count": 0,
            "admin_name": "王老师",
            "admin_email": "not-an-email",
        },
    )
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert set(errors) >= {"name", "admin_email"}
    assert not School.objects.filter(number="CON-2").exists()
    taken = dora.post(
        "/schools/new/",
        {
            "code": "conpb",
            "name": "重复编号学校",
            "school_type": "junior",
            "number": "T001",
            "student_count": 0,
            "admin_name": "王老师",
            "admin_email": "wang@conpb.example.cn",
        },
    )
    assert taken.status_code == 400 and "number" in taken.context["form"].errors
    assert not School.objects.filter(code="conpb").exists()

    response = dora.post(
        "/schools/new/",
        {
            "code": "conpa",
            "name": "控制台新学校",
            "school_type": "primary",
            "number": "CON-2",
            "student_count": 120,
            "admin_name": "王老师",
            "admin_email": "wang@conpa.example.cn",
        },
    )
    assert response.status_code == 200
    link = response.context["link"]
    assert urlsplit(link).hostname == f"conpa.{settings.BASE_DOMAIN}" and "/accounts/set-password/" in link
    assert link in response.content.decode()
    school = School.objects.get(code="conpa")
    assert school.student_count == 120 and school.status == "active"
    event = DistrictAuditEvent.objects.get(action="school.create", school=school)
    assert event.actor == "dora" and "控制台新学校" in event.summary
    # The link works once: it sets the school admin's password on the school's host.
    school_client = client_for("conpa")
    form = school_client.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]


def test_suspend_reactivate_archive(console_school):
    dora = signed_in(None, "dora")
    assert client_for(CODE).get("/accounts/login/").status_code == 200
    assert dora.post(f"/schools/{CODE}/suspend/").status_code == 302
    connection.set_schema_to_public()
    console_school.refresh_from_db()
    assert console_school.status == "suspended"
    suspended = client_for(CODE).get("/accounts/login/")
    assert suspended.status_code == 403 and "控制台测试学校" in suspended.content.decode()
    # A suspended school cannot be suspended again: nothing changes, nothing recorded.
    dora.post(f"/schools/{CODE}/suspend/")
    connection.set_schema_to_public()
    assert DistrictAuditEvent.objects.filter(action="school.suspend", school=console_school).count() == 1

    assert dora.post(f"/schools/{CODE}/reactivate/").status_code == 302
    connection.set_schema_to_public()
    assert client_for(CODE).get("/accounts/login/").status_code == 200
    connection.set_schema_to_public()
    assert dora.post(f"/schools/{CODE}/archive/").status_code == 302
    connection.set_schema_to_public()
    assert client_for(CODE).get("/accounts/login/").status_code == 404
    connection.set_schema_to_public()
    actions = list(
        DistrictAuditEvent.objects.filter(school=console_school).order_by("id").values_list("action", "actor")
    )
    assert actions[-3:] == [
        ("school.suspend", "dora"),
        ("school.reactivate", "dora"),
        ("school.archive", "dora"),
    ]
    dora.post(f"/schools/{CODE}/reactivate/")
    connection.set_schema_to_public()
    console_school.refresh_from_db()
    assert console_school.status == "active"


def test_only_the_admin_acts_and_only_by_post(console_school):
    from shared.accounts.models import User
    from shared.accounts.services import account_create
    from tests.district.test_console_pages import ANALYST

    if not User.objects.filter(username=ANALYST).exists():
        account_create(username=ANALYST, full_name="分析员", roles=["district_analyst"], password=PASSWORD)
    analyst = signed_in(None, ANALYST)
    assert analyst.post(f"/schools/{CODE}/suspend/").status_code == 404
    assert analyst.post(f"/schools/{CODE}/admin-link/").status_code == 404
    dora = signed_in(None, "dora")
    assert dora.get(f"/schools/{CODE}/suspend/").status_code == 404
    assert dora.post(f"/schools/{CODE}/explode/").status_code == 302
    connection.set_schema_to_public()
    console_school.refresh_from_db()
    assert console_school.status == "active"
    assert dora.post("/schools/nosuchschool/suspend/").status_code == 404


def test_a_new_link_for_the_school_admin_is_recorded_in_both_places(console_school):
    from shared.accounts.models import AccountEvent

    dora = signed_in(None, "dora")
    response = dora.post(f"/schools/{CODE}/admin-link/")
    assert response.status_code == 200
    assert response.context["username"] == "admin@consa.example.cn"
    assert urlsplit(response.context["link"]).hostname == f"{CODE}.{settings.BASE_DOMAIN}"
    connection.set_schema_to_public()
    assert DistrictAuditEvent.objects.filter(action="school.admin_link", school=console_school).exists()
    with schema_context(console_school.schema_name):
        event = AccountEvent.objects.filter(kind="password_link").order_by("-id").first()
        assert event is not None and "朵拉" in event.actor_name and event.actor_id is None
    connection.set_schema_to_public()


def test_the_table_shows_admin_figures_and_storage_with_real_numbers(console_school, schools):
    from figures.models import DataElement, MetricValue
    from figures.periods import ensure_school_year
    from tenants.workspace.models import Attachment

    alpha = schools[ALPHA]
    # Figures: the latest computed_at of alpha's values.
    ensure_school_year("2025-2026")
    from figures.models import Period

    period = Period.objects.get(code="2025-2026-1")
    element = DataElement.objects.get(code="enrolment")
    arrived = timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 30))
    MetricValue.objects.filter(school=alpha).delete()
    MetricValue.objects.create(
        school=alpha,
        period=period,
        element=element,
        breakdown="",
        value=5,
        computed_at=arrived - datetime.timedelta(days=3),
    )
    MetricValue.objects.create(
        school=alpha, period=period, element=element, breakdown="x", value=2, computed_at=arrived
    )
    # Files: alpha's attachments' sizes.
    with schema_context(alpha.schema_name):
        from django.contrib.contenttypes.models import ContentType

        from shared.accounts.models import User

        owner = User.objects.get(username="alice")
        ct = ContentType.objects.get_for_model(User)
        before = sum(Attachment.objects.values_list("size", flat=True))
        Attachment.objects.create(
            content_type=ct,
            object_id=owner.pk,
            file="schools/x/a.pdf",
            name="a.pdf",
            size=3 * 1024 * 1024,
            created_by=owner,
        )
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'm', 'p')",
            [alpha.schema_name],
        )
        db_bytes = int(cursor.fetchone()[0])
    assert db_bytes > 1024 * 1024

    from district.selectors import school_side_facts, school_table

    row = school_table().get(pk=alpha.pk)
    # Autovacuum may add a page or a visibility map meanwhile: the same size within 1 %.
    assert row.figures_at == arrived and abs(row.db_bytes - db_bytes) <= db_bytes / 100
    facts = school_side_facts([alpha.schema_name, console_school.schema_name])
    assert facts[alpha.schema_name] == {
        "admin_name": "测试管理员",
        "admin_email": "admin@alpha.example.cn",
        "file_bytes": before + 3 * 1024 * 1024,
    }
    assert facts[console_school.schema_name]["file_bytes"] == 0
    assert school_table().get(pk=console_school.pk).figures_at is None

    dora = signed_in(None, "dora")
    page = dora.get("/schools/?q=alpha")
    assert page.status_code == 200
    html = page.content.decode()
    assert "admin@alpha.example.cn" in html and "测试管理员" in html
    assert page.context["rows"][0][7][0] == timezone.localtime(arrived)
    # The export holds the numbers (MB) and dates.
    from openpyxl import load_workbook

    export = dora.get("/schools/?export=xlsx&q=alpha")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 2
    values = rows[1]
    assert "admin@alpha.example.cn" in values
    assert abs(values[8] - db_bytes / 1024 / 1024) <= db_bytes / 1024 / 1024 / 100
    assert values[9] == round((before + 3 * 1024 * 1024) / 1024 / 1024, 2)
    # Filters: status and type.
    assert "测试学校alpha" not in dora.get("/schools/?status=suspended").content.decode()
    assert "测试学校alpha" in dora.get("/schools/?status=active&type=junior").content.decode()
