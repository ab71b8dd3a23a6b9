"""The personal-data check: names and numbers of the school's students, phones, ID numbers."""

import pytest
from django_tenants.utils import schema_context

from tenants.students.text_check import Identifiers, find_personal_data, id_checksum_ok, scan

IDS = Identifiers.of(names=["王小明", "李雷", "X"], numbers=["2026070101", "12"])


def _kinds(text):
    return [(f.kind, f.line) for f in scan(text, identifiers=IDS, field="正文")]


def test_valid_id_numbers_are_found_and_bad_checksums_are_not():
    assert id_checksum_ok("11010519491231002X")
    assert id_checksum_ok("440524188001010014")
    assert not id_checksum_ok("110105194912310021")
    assert _kinds("身份证号 11010519491231002X 请核对") == [("id_number", 1)]
    assert _kinds("证件 440524188001010014") == [("id_number", 1)]
    assert _kinds("编号 110105194912310021") == []  # checksum wrong
    assert _kinds("旧证 110105491231002") == [("id_number", 1)]  # 15 digits, 1949-12-31


def test_phones():
    assert _kinds("家长电话13812345678") == [("phone", 1)]
    assert _kinds("联系 138-1234-5678") == [("phone", 1)]
    assert _kinds("第一行\n座机 010-62345678") == [("phone", 2)]
    assert _kinds("编号 12812345678") == []  # 12x is not a mobile prefix


def test_names_and_numbers_with_field_and_line():
    found = scan(
        "本月开展讲座3场。\n\n学生王小明情绪低落。\n学号2026070101已跟进", identifiers=IDS, field="正文"
    )
    assert [(f.kind, f.line) for f in found] == [("student_name", 3), ("student_number", 4)]
    assert str(found[0]) in ("正文 line 3: student name", "正文第3行：学生姓名")
    # Names of one character and numbers shorter than 4 are not looked for.
    assert _kinds("X 班 12 人") == []


@pytest.mark.parametrize(
    "text",
    [
        "2026年9月1日至2026年9月30日，共开展心理健康讲座12场，参与1320人次。",
        "会议时间 2026-09-15 14:30，地点三楼会议室。",
        "预算执行率87.5%，经费编号2026-0012。",
        "本学期筛查覆盖七至九年级共计1234名学生，课时20260901节",
        "李老师（心理教师）负责雷锋月活动",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert scan(text, identifiers=IDS, field="正文") == []


@pytest.mark.django_db
def test_find_personal_data_reads_the_schools_students():
    from tenants.students.models import SchoolClass, Student

    with schema_context("school_alpha"):
        school_class, _ = SchoolClass.objects.get_or_create(grade=7, name="报测1班")
        Student.objects.create(
            student_number="REP0001",
            name="欧阳测试",
            gender="female",
            date_of_birth="2012-03-04",
            school_class=school_class,
            guardian_name="家长",
            guardian_phone="13900000000",
        )
        found = find_personal_data("第一行\n欧阳测试同学；学号REP0001", field="正文")
        assert [(f.kind, f.line) for f in found] == [("student_name", 2), ("student_number", 2)]
    with schema_context("school_beta"):
        assert find_personal_data("欧阳测试同学；学号REP0001", field="正文") == []
