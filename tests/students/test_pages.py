"""Roster pages: who sees which students and columns, the student form, move with history,
archive and restore, classes and their homeroom teachers, XLSX export."""

from io import BytesIO

import pytest
from django.utils import translation
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from shared.accounts.services import account_create
from tenants.care.models import AuditEvent, CareRecord
from tenants.students.models import ClassMove, SchoolClass, Student
from tests.conftest import ALPHA, PASSWORD, role_user, signed_in
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def zh(text) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _two_classes():
    """Class A (homeroom r_homeroom_teacher) with a followed and an unfollowed student; class B
    (another homeroom teacher) with one student."""
    with schema_context(SCHEMA):
        other = account_create(
            username="hr_other", full_name="另一位班主任", roles=["homeroom_teacher"], password=PASSWORD
        )
        a = make_class(grade=7, name="1班")
        b = make_class(grade=7, name="2班", homeroom=other)
        followed = make_student(a, name="许若溪", student_number="P0001")
        quiet = make_student(a, name="韩一鸣", student_number="P0002")
        elsewhere = make_student(b, name="冯景行", student_number="P0003")
        CareRecord.objects.create(student=followed, level="elevated")
        CareRecord.objects.create(student=quiet, level="none")
    return followed, quiet, elsewhere


def test_homeroom_teacher_sees_only_their_class_and_whether_followed():
    followed, quiet, elsewhere = _two_classes()
    client = signed_in(ALPHA, "r_homeroom_teacher")
    body = client.get("/students/").content.decode()
    assert "许若溪" in body and "韩一鸣" in body and "冯景行" not in body
    assert zh("Being followed (关注中)") in body
    assert zh("Elevated (重点关注)") not in body and zh("Attention level") not in body
    assert client.get(f"/students/{elsewhere.public_id}/").status_code == 404
    page = client.get(f"/students/{followed.public_id}/").content.decode()
    assert f'id="being-followed">{zh("Yes")}<' in page
    assert 'id="care-link"' not in page
    assert f'id="being-followed">{zh("No")}<' in client.get(f"/students/{quiet.public_id}/").content.decode()
    # The other class's own homeroom teacher sees it, and not class A.
    other = signed_in(ALPHA, "hr_other")
    assert other.get(f"/students/{elsewhere.public_id}/").status_code == 200
    assert other.get(f"/students/{followed.public_id}/").status_code == 404
    # Homeroom teachers do not write the roster.
    assert client.get("/students/new/").status_code == 403
    assert client.get(f"/students/{followed.public_id}/edit/").status_code == 403


def test_principal_sees_levels_and_the_care_link_secretary_neither():
    followed, _quiet, elsewhere = _two_classes()
    principal = signed_in(ALPHA, "r_principal")
    with schema_context(SCHEMA):
        before = AuditEvent.objects.filter(subject="students.roster").count()
    body = principal.get("/students/").content.decode()
    assert all(name in body for name in ("许若溪", "韩一鸣", "冯景行"))
    assert zh("Elevated (重点关注)") in body
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(subject="students.roster", action="list").count() == before + 1
    assert (
        f'href="/care/students/{followed.public_id}/"'
        in principal.get(f"/students/{followed.public_id}/").content.decode()
    )

    secretary = signed_in(ALPHA, "r_secretary")
    body = secretary.get("/students/").content.decode()
    assert "冯景行" in body
    assert zh("Elevated (重点关注)") not in body and zh("Being followed (关注中)") not in body
    assert 'id="care-link"' not in secretary.get(f"/students/{elsewhere.public_id}/").content.decode()


@pytest.mark.parametrize("role", ["deputy", "member", "invited_attendee", "school_admin"])
def test_other_roles_get_403_on_lists_and_404_on_a_student(role):
    followed, _q, _e = _two_classes()
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get("/students/").status_code == 403
    assert client.get("/students/classes/").status_code == 403
    assert client.get(f"/students/{followed.public_id}/").status_code == 404
    assert client.get(f"/students/{followed.public_id}/move/").status_code == 404
    assert client.get(f"/students/{followed.public_id}/archive/").status_code == 404


def test_another_schools_student_is_404():
    with schema_context("school_beta"):
        student = make_student(make_class(grade=8, name="9班"), student_number="B0001")
    client = signed_in(ALPHA, "r_principal")
    assert client.get(f"/students/{student.public_id}/").status_code == 404
    assert client.get(f"/students/{student.public_id}/edit/").status_code == 404


def test_filters_search_and_xlsx_export():
    _two_classes()
    client = signed_in(ALPHA, "r_secretary")
    body = client.get("/students/", {"q": "若溪"}).content.decode()
    assert "许若溪" in body and "韩一鸣" not in body
    body = client.get("/students/", {"q": "P0003"}).content.decode()
    assert "冯景行" in body and "许若溪" not in body
    with schema_context(SCHEMA):
        b = SchoolClass.objects.get(grade=7, name="2班")
    body = client.get("/students/", {"class": str(b.public_id)}).content.decode()
    assert "冯景行" in body and "许若溪" not in body
    response = client.get("/students/", {"grade": "7", "export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    numbers = {r[0] for r in rows[1:]}
    assert {"P0001", "P0002", "P0003"} <= numbers
    assert len(rows[0]) == 9  # the secretary's columns: no level, no followed flag


def test_student_form_creates_with_inline_errors_and_audit():
    with schema_context(SCHEMA):
        school_class = make_class(grade=8, name="5班")
    client = signed_in(ALPHA, "r_secretary")
    data = {
        "student_number": "F0001",
        "name": "唐语嫣",
        "gender": "female",
        "date_of_birth": "2011-05-06",
        "school_class": school_class.pk,
        "guardian_name": "唐德明",
        "guardian_phone": "12345",
    }
    response = client.post("/students/new/", data)
    assert response.status_code == 400
    assert 'id="id_guardian_phone-error"' in response.content.decode()
    data["guardian_phone"] = "139 0000 8888"
    response = client.post("/students/new/", data)
    assert response.status_code == 302
    with schema_context(SCHEMA):
        student = Student.objects.get(student_number="F0001")
        assert student.guardian_phone == "13900008888"
        assert (
            AuditEvent.objects.filter(
                student_ref=student.public_id, action="create", subject="students.student"
            ).count()
            == 1
        )
    # The same number again is a field error.
    response = client.post("/students/new/", data)
    assert response.status_code == 400 and 'id="id_student_number-error"' in response.content.decode()


def test_move_keeps_history_and_shows_it():
    with schema_context(SCHEMA):
        a, b = make_class(grade=7, name="1班"), make_class(grade=7, name="2班")
        student = make_student(a, student_number="M0001")
    client = signed_in(ALPHA, "r_counselor")
    assert client.post(f"/students/{student.public_id}/move/", {"school_class": a.pk}).status_code == 400
    assert client.post(f"/students/{student.public_id}/move/", {"school_class": b.pk}).status_code == 302
    with schema_context(SCHEMA):
        student.refresh_from_db()
        assert student.school_class == b
        move = ClassMove.objects.get(student=student)
        assert (move.from_class, move.to_class, move.moved_by) == (a, b, role_user("counselor"))
        assert AuditEvent.objects.filter(student_ref=student.public_id, action="change").count() == 1
    page = client.get(f"/students/{student.public_id}/").content.decode()
    assert "7年级1班" in page.split('id="class-history"')[1]


def test_archive_needs_a_reason_hides_the_student_and_restore_brings_them_back():
    with schema_context(SCHEMA):
        student = make_student(make_class(grade=7, name="1班"), name="蔡安琪", student_number="A0001")
    client = signed_in(ALPHA, "r_secretary")
    assert client.post(f"/students/{student.public_id}/archive/", {"reason": " "}).status_code == 400
    assert client.post(f"/students/{student.public_id}/archive/", {"reason": "转学至外省"}).status_code == 302
    with schema_context(SCHEMA):
        student.refresh_from_db()
        assert (
            student.status == "archived" and student.archived_at and student.archived_reason == "转学至外省"
        )
    assert "蔡安琪" not in client.get("/students/").content.decode()
    assert "蔡安琪" in client.get("/students/", {"status": "archived"}).content.decode()
    assert "蔡安琪" in client.get("/students/", {"status": "all"}).content.decode()
    assert client.get(f"/students/{student.public_id}/").status_code == 200
    assert (
        signed_in(ALPHA, "r_homeroom_teacher").post(f"/students/{student.public_id}/restore/").status_code
        == 403
    )
    assert client.post(f"/students/{student.public_id}/restore/").status_code == 302
    with schema_context(SCHEMA):
        student.refresh_from_db()
        assert (student.status, student.archived_at, student.archived_reason) == ("active", None, "")
        assert Student.objects.filter(pk=student.pk).exists()
        assert AuditEvent.objects.filter(student_ref=student.public_id, action="change").count() == 2


def test_classes_table_and_homeroom_teacher_choice():
    with schema_context(SCHEMA):
        school_class = make_class(grade=9, name="4班")
        make_student(school_class)
        make_student(school_class)
    client = signed_in(ALPHA, "r_principal")
    body = client.get("/students/classes/").content.decode()
    assert "4班" in body and role_user_name("homeroom_teacher") in body
    # Only homeroom teachers can be chosen.
    with schema_context(SCHEMA):
        counselor = role_user("counselor")
    response = client.post(
        f"/students/classes/{school_class.public_id}/edit/",
        {"grade": 9, "name": "4班", "homeroom_teacher": counselor.pk},
    )
    assert response.status_code == 400
    response = client.post(
        f"/students/classes/{school_class.public_id}/edit/",
        {"grade": 9, "name": "4班", "homeroom_teacher": ""},
    )
    assert response.status_code == 302
    with schema_context(SCHEMA):
        school_class.refresh_from_db()
        assert school_class.homeroom_teacher is None
    assert signed_in(ALPHA, "r_homeroom_teacher").get("/students/classes/").status_code == 200
    assert signed_in(ALPHA, "r_homeroom_teacher").get("/students/classes/new/").status_code == 403


def role_user_name(role):
    with schema_context(SCHEMA):
        return role_user(role).display_name


def test_empty_roster_says_what_to_do_first():
    body = signed_in(ALPHA, "r_secretary").get("/students/").content.decode()
    assert zh("No students yet. Import the roster from a spreadsheet first.") in body
