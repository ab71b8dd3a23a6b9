"""Roster import: CSV (UTF-8 with/without BOM, GBK from Excel) and XLSX; errors by line and column;
nothing imported from a file with errors unless only the good rows are asked for; duplicates;
existing student numbers update the student."""

from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook

from tenants.care.models import AuditEvent
from tenants.students.models import ClassMove, SchoolClass, Student
from tenants.students.services import roster_import
from tests.conftest import ALPHA, api_client, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"
HEADER = "学号,姓名,性别,出生日期,年级,班级,监护人姓名,监护人电话"
GOOD = [
    "IMP0001,林小雨,女,2012-09-15,7,3班,林国华,13900001234",
    "IMP0002,周子墨,男,2012/03/08,7年级,3班,周建平,010-62345678",
    "IMP0003,郑若溪,女,2011-11-30,8,1班,郑海涛,13900005678",
]


def csv_file(lines, encoding="utf-8", name="roster.csv"):
    return SimpleUploadedFile(name, "\r\n".join(lines).encode(encoding), content_type="text/csv")


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def _imported(numbers):
    return set(Student.objects.filter(student_number__in=numbers).values_list("student_number", flat=True))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_good_csv_imports_every_line_and_creates_missing_classes(encoding):
    with schema_context(SCHEMA):
        assert not SchoolClass.objects.filter(grade=7, name="3班").exists()
        result = roster_import(actor=role_user("secretary"), upload=csv_file([HEADER, *GOOD], encoding))
        assert result.errors == []
        assert (result.created, result.updated, result.imported) == (3, 0, True)
        assert result.created_lines == [2, 3, 4]
        rain = Student.objects.get(student_number="IMP0001")
        assert (
            rain.name,
            rain.gender,
            rain.date_of_birth,
            rain.school_class.grade,
            rain.school_class.name,
        ) == ("林小雨", "female", date(2012, 9, 15), 7, "3班")
        assert Student.objects.get(student_number="IMP0002").guardian_phone == "010-62345678"
        assert Student.objects.get(student_number="IMP0002").date_of_birth == date(2012, 3, 8)
        assert sorted(result.classes_created) == ["7年级3班", "8年级1班"]
        # One audit event per student written.
        refs = {s.public_id for s in Student.objects.filter(student_number__startswith="IMP")}
        assert (
            AuditEvent.objects.filter(
                student_ref__in=refs, subject="students.student", action="create"
            ).count()
            == 3
        )


def test_a_good_xlsx_with_english_headers_and_excel_dates_imports():
    with schema_context(SCHEMA):
        upload = xlsx_file(
            [
                [
                    "Student number",
                    "Name",
                    "Gender",
                    "Date of birth",
                    "Grade",
                    "Class",
                    "Guardian name",
                    "Guardian phone",
                ],
                [20250701, "林小雨", "女", datetime(2012, 9, 15), 7, "3班", "林国华", 13900001234],
                ["20250702", "周子墨", "男", "2012-03-08", "初一", 3, "周建平", "139 0000 4321"],
            ]
        )
        result = roster_import(actor=role_user("counselor"), upload=upload)
        assert result.errors == []
        assert result.created == 2
        first = Student.objects.get(student_number="20250701")
        assert first.date_of_birth == date(2012, 9, 15)
        assert first.guardian_phone == "13900001234"
        second = Student.objects.get(student_number="20250702")
        assert (second.school_class.grade, second.school_class.name, second.guardian_phone) == (
            7,
            "3班",
            "13900004321",
        )


def test_a_file_with_errors_imports_nothing_and_names_line_and_column():
    lines = [
        HEADER,
        GOOD[0],
        "IMP0004,,男,2012-01-01,7,3班,王立新,13900000001",  # line 3: no name
        "IMP0005,陈思彤,女,2012-02-30,7,3班,陈春梅,13900000002",  # line 4: no such date
        "IMP0006,何博文,M,2012-01-01,13,3班,何卫东,12345",  # line 5: gender ok, grade and phone wrong
        "IMP0001,林小雨,女,2012-09-15,7,3班,林国华,13900001234",  # line 6: duplicate of line 2
        "IMP0007,罗一鸣,未知,2012-01-01,7,3班,罗永强,13900000003",  # line 7: gender
    ]
    with schema_context(SCHEMA):
        classes_before = SchoolClass.objects.count()
        result = roster_import(actor=role_user("secretary"), upload=csv_file(lines))
        assert result.imported is False and result.created == 0
        found = {(line, column) for line, column, _m in result.errors}
        assert found == {
            (3, "姓名"),
            (4, "出生日期"),
            (5, "年级"),
            (5, "监护人电话"),
            (6, "学号"),
            (7, "性别"),
        }
        duplicate = next(m for line, c, m in result.errors if line == 6)
        assert "2" in duplicate
        assert _imported(["IMP0001", "IMP0004", "IMP0005", "IMP0006", "IMP0007"]) == set()
        assert SchoolClass.objects.count() == classes_before


def test_only_good_rows_imports_the_good_ones_and_lists_the_bad():
    lines = [HEADER, GOOD[0], "IMP0004,,男,2012-01-01,7,3班,王立新,13900000001", GOOD[2]]
    with schema_context(SCHEMA):
        result = roster_import(actor=role_user("secretary"), upload=csv_file(lines), only_good_rows=True)
        assert result.imported is True
        assert result.created == 2 and result.created_lines == [2, 4]
        assert [(line, column) for line, column, _m in result.errors] == [(3, "姓名")]
        assert _imported(["IMP0001", "IMP0003", "IMP0004"]) == {"IMP0001", "IMP0003"}


def test_an_existing_student_number_updates_that_student_and_a_new_class_is_a_move():
    with schema_context(SCHEMA):
        old_class = make_class(grade=7, name="1班")
        student = make_student(old_class, student_number="IMP0001", name="林小雨")
        result = roster_import(actor=role_user("secretary"), upload=csv_file([HEADER, *GOOD]))
        assert (result.created, result.updated, result.updated_lines) == (2, 1, [2])
        student.refresh_from_db()
        assert (student.school_class.name, student.guardian_name) == ("3班", "林国华")
        move = ClassMove.objects.get(student=student)
        assert (move.from_class, move.to_class) == (old_class, student.school_class)
        assert Student.objects.filter(student_number="IMP0001").count() == 1


def test_an_archived_students_number_is_an_error():
    from tenants.students.services import student_archive

    with schema_context(SCHEMA):
        student = make_student(student_number="IMP0001")
        student_archive(student, actor=role_user("secretary"), reason="转学")
        result = roster_import(actor=role_user("secretary"), upload=csv_file([HEADER, *GOOD]))
        assert result.imported is False
        assert [(line, column) for line, column, _m in result.errors] == [(2, "学号")]


def test_missing_and_unknown_columns_are_errors_on_line_1():
    with schema_context(SCHEMA):
        result = roster_import(
            actor=role_user("secretary"), upload=csv_file(["学号,姓名,性别,爱好", "A1,王一,男,画画"])
        )
        columns = {column for line, column, _m in result.errors if line == 1}
        assert {"爱好", "出生日期", "年级", "班级", "监护人姓名", "监护人电话"} <= columns
        assert result.imported is False


def test_a_file_that_is_not_a_roster_is_one_error():
    with schema_context(SCHEMA):
        result = roster_import(
            actor=role_user("secretary"),
            upload=SimpleUploadedFile("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk"),
        )
        assert len(result.errors) == 1 and result.errors[0][0] == 0


def test_only_roster_managers_import():
    with schema_context(SCHEMA):
        for role in ("homeroom_teacher", "deputy", "member"):
            with pytest.raises(PermissionDenied):
                roster_import(actor=role_user(role), upload=csv_file([HEADER, *GOOD]))
        assert _imported(["IMP0001"]) == set()


def test_import_page_shows_errors_by_line_and_imports_nothing():
    client = signed_in(ALPHA, "r_secretary")
    lines = [HEADER, GOOD[0], "IMP0004,,男,2012-01-01,7,3班,王立新,13900000001"]
    response = client.post("/students/import/", {"file": csv_file(lines)})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="nothing-imported"' in body and 'id="import-errors"' in body
    assert '<td class="num">3</td><td>姓名</td>' in body
    with schema_context(SCHEMA):
        assert _imported(["IMP0001"]) == set()

    response = client.post("/students/import/", {"file": csv_file(lines), "only_good_rows": "on"})
    assert response.status_code == 200
    assert 'id="created-count">1<' in response.content.decode()
    with schema_context(SCHEMA):
        assert _imported(["IMP0001", "IMP0004"]) == {"IMP0001"}


def test_import_page_and_template_are_for_roster_managers():
    assert signed_in(ALPHA, "r_homeroom_teacher").get("/students/import/").status_code == 403
    assert signed_in(ALPHA, "r_deputy").get("/students/import/").status_code == 404
    assert signed_in(ALPHA, "r_homeroom_teacher").get("/students/import/template.xlsx").status_code == 403
    response = signed_in(ALPHA, "r_counselor").get("/students/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("学号", "姓名", "性别", "出生日期", "年级", "班级", "监护人姓名", "监护人电话")
    assert len(rows) == 2


def test_the_template_imports_as_it_is():
    response = signed_in(ALPHA, "r_secretary").get("/students/import/template.xlsx")
    with schema_context(SCHEMA):
        result = roster_import(
            actor=role_user("secretary"), upload=SimpleUploadedFile("t.xlsx", response.content)
        )
        assert result.errors == [] and result.created == 1


def test_api_import_201_with_counts_or_400_with_errors_and_nothing_saved():
    client = api_client(ALPHA, "r_psychology_teacher")
    bad = [HEADER, GOOD[0], "IMP0005,陈思彤,女,2012-02-30,7,3班,陈春梅,13900000002"]
    response = client.post("/api/v1/students/import/", {"file": csv_file(bad)})
    assert response.status_code == 400
    assert_matches_schema(response)
    assert response.json()["errors"] == [
        {"line": 3, "column": "出生日期", "message": response.json()["errors"][0]["message"]}
    ]
    with schema_context(SCHEMA):
        assert _imported(["IMP0001"]) == set()
    response = client.post("/api/v1/students/import/", {"file": csv_file(bad), "only_good_rows": "true"})
    assert response.status_code == 201
    assert_matches_schema(response)
    assert (response.json()["created"], response.json()["updated"], len(response.json()["errors"])) == (
        1,
        0,
        1,
    )
    response = client.post("/api/v1/students/import/", {"file": csv_file([HEADER, *GOOD])})
    assert response.status_code == 201
    assert response.json()["updated_lines"] == [2] and response.json()["created"] == 2
    assert (
        api_client(ALPHA, "r_homeroom_teacher")
        .post("/api/v1/students/import/", {"file": csv_file([HEADER, *GOOD])})
        .status_code
        == 403
    )
    assert (
        api_client(ALPHA, "r_member")
        .post("/api/v1/students/import/", {"file": csv_file([HEADER, *GOOD])})
        .status_code
        == 403
    )


def test_grades_outside_the_schools_range_are_refused_by_line():
    # alpha is a junior secondary school: grades 7 to 9.
    bad = [HEADER, GOOD[0], "IMP0090,王小学,男,2016-04-01,3,2班,王家长,13900000090"]
    with schema_context(SCHEMA):
        result = roster_import(actor=role_user("secretary"), upload=csv_file(bad))
        assert not result.imported
        assert [(line, column) for line, column, _m in result.errors] == [(3, "年级")]
        assert "7" in result.errors[0][2] and "9" in result.errors[0][2]
        assert _imported(["IMP0001", "IMP0090"]) == set()


def test_a_class_of_a_grade_the_school_does_not_teach_is_refused():
    client = signed_in(ALPHA, "r_secretary")
    response = client.post("/students/classes/new/", {"grade": "11", "name": "1班"})
    assert response.status_code == 400 and response.context["form"].errors["grade"]
    with schema_context(SCHEMA):
        assert not SchoolClass.objects.filter(grade=11, name="1班").exists()
