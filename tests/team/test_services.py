"""Team services and selectors: staff rules, plan dates, training hours per school year."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from shared.calendar import school_year_bounds, school_year_of
from tenants.team import selectors, services
from tenants.team.models import StaffMember, TrainingRecord
from tenants.workspace.models import Attachment
from tests.conftest import role_user
from tests.team.factories import make_plan, make_record, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def alpha():
    with schema_context("school_alpha"):
        yield
    connection.set_schema_to_public()


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_school_year_runs_from_september_to_august():
    assert school_year_of(date(2026, 9, 1)) == "2026-2027"
    assert school_year_of(date(2026, 8, 31)) == "2025-2026"
    assert school_year_of(date(2027, 8, 31)) == "2026-2027"
    assert school_year_bounds("2026-2027") == (date(2026, 9, 1), date(2027, 8, 31))
    for bad in ("2026-2028", "2026", "26-27", ""):
        with pytest.raises(ValueError):
            school_year_bounds(bad)


def test_training_hours_by_person_counts_one_school_year_only():
    wang = make_staff(name="王心怡")
    li = make_staff(name="李明", position="homeroom_teacher", psychology_post="part_time")
    zhao = make_staff(name="赵静", position="counselor", psychology_post="none")
    make_record(staff=wang, hours="3.5", trained_on=date(2026, 9, 1))  # first day of 2026-2027
    make_record(staff=wang, hours="6.0", trained_on=date(2027, 8, 31))  # last day of 2026-2027
    make_record(staff=wang, hours="10.0", trained_on=date(2026, 8, 31))  # 2025-2026
    make_record(staff=li, hours="2.5", trained_on=date(2026, 11, 20))
    make_record(staff=li, hours="1.5", trained_on=date(2027, 3, 2))

    rows = {s.name: (s.hours, s.trainings) for s in selectors.training_hours_by_person(year="2026-2027")}
    assert rows["王心怡"] == (Decimal("9.5"), 2)
    assert rows["李明"] == (Decimal("4.0"), 2)
    assert rows["赵静"] == (Decimal("0"), 0)
    assert list(rows)[:2] == ["王心怡", "李明"]  # most hours first
    assert selectors.training_hours_total(school_year="2026-2027") == Decimal("13.5")
    assert selectors.training_hours_total(school_year="2025-2026") == Decimal("10.0")

    # Someone who left stays in the table of the years they trained in, not in other years.
    services.staff_update(zhao, actor=role_user("principal"), data={"is_active": False})
    services.staff_update(li, actor=role_user("principal"), data={"is_active": False})
    names = {s.name for s in selectors.training_hours_by_person(year="2026-2027")}
    assert names == {"王心怡", "李明"}


def test_a_psychology_teacher_is_full_time_or_part_time():
    with pytest.raises(ValidationError) as excinfo:
        make_staff(name="孙老师", position="psychology_teacher", psychology_post="none")
    assert "psychology_post" in _errors(excinfo)
    staff = make_staff(name="周老师", position="subject_teacher", psychology_post="none")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.filter(pk=staff.pk).update(position="psychology_teacher")


def test_an_account_has_at_most_one_staff_record():
    account = role_user("psychology_teacher")
    make_staff(name="心理老师", account=account)
    with pytest.raises(ValidationError) as excinfo:
        make_staff(name="重复记录", account=account)
    assert "account" in _errors(excinfo)


def test_plan_dates_and_hours_are_checked():
    with pytest.raises(ValidationError) as excinfo:
        make_plan(starts_on=date(2026, 12, 1), ends_on=date(2026, 11, 1))
    assert "ends_on" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        make_plan(planned_hours=Decimal("-1"))
    assert "planned_hours" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        make_plan(school_year="2026-2028")
    assert "school_year" in _errors(excinfo)


@pytest.mark.parametrize("hours", ["0", "-2"])
def test_record_hours_must_be_positive(hours):
    staff = make_staff()
    with pytest.raises(ValidationError) as excinfo:
        make_record(staff=staff, hours=hours)
    assert "hours" in _errors(excinfo)
    assert not TrainingRecord.objects.filter(staff=staff).exists()


def test_record_takes_the_plans_title_and_its_hours_count_towards_the_plan():
    plan = make_plan()
    staff = make_staff()
    record = services.training_record_create(
        actor=role_user("secretary"), staff=staff, plan=plan, trained_on=date(2026, 10, 9), hours=Decimal("4")
    )
    make_record(staff=staff, plan=plan, hours="2.5")
    assert record.title == plan.title
    listed = selectors.training_plan_list().get(pk=plan.pk)
    assert listed.recorded_hours == Decimal("6.5") and listed.record_count == 2


def test_record_attachment_is_validated_and_nothing_is_half_saved():
    staff = make_staff()
    bad = SimpleUploadedFile("证书.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as excinfo:
        make_record(staff=staff, files=[bad])
    assert "file" in _errors(excinfo)
    assert not TrainingRecord.objects.filter(staff=staff).exists()
    good = SimpleUploadedFile("证书.pdf", b"%PDF-1.4 certificate", content_type="application/pdf")
    record = make_record(staff=staff, files=[good])
    assert Attachment.objects.filter(object_id=record.pk, name="证书.pdf").count() == 1


def test_record_update_attaches_files_besides_those_it_has():
    staff = make_staff()
    first = SimpleUploadedFile("证书.pdf", b"%PDF-1.4 certificate", content_type="application/pdf")
    record = make_record(staff=staff, files=[first])
    bad = SimpleUploadedFile("签到表.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as excinfo:
        services.training_record_update(
            record, actor=role_user("secretary"), data={"hours": Decimal("5")}, files=[bad]
        )
    assert "file" in _errors(excinfo)
    second = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in", content_type="application/pdf")
    services.training_record_update(
        record, actor=role_user("secretary"), data={"hours": Decimal("5")}, files=[second]
    )
    record.refresh_from_db()
    assert record.hours == Decimal("5")
    names = Attachment.objects.filter(object_id=record.pk).order_by("name").values_list("name", flat=True)
    assert list(names) == ["签到表.pdf", "证书.pdf"]


def test_people_who_left_take_no_new_training_and_records_keep_people():
    staff = make_staff()
    make_record(staff=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.staff_delete(staff, actor=role_user("principal"))
    assert "staff" in _errors(excinfo)
    services.staff_update(staff, actor=role_user("principal"), data={"is_active": False})
    with pytest.raises(ValidationError) as excinfo:
        make_record(staff=staff)
    assert "staff" in _errors(excinfo)
