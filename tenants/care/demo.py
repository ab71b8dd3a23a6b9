"""Demo data of the record: guardians' screening consent for most demo students, two observations
by the demo homeroom teacher (one a referral), and attention levels with reasons for a few
students. Run inside a school's schema after tenants.students.demo and the demo accounts.
Idempotent: seeding twice adds nothing. Names come from the roster demo (invented)."""

from datetime import date, timedelta

from django.db import transaction

from shared.accounts.models import User
from tenants.care import record_services
from tenants.care.models import CareRecord, Consent, Observation
from tenants.care.selectors import homeroom_students
from tenants.care.services import attention_set
from tenants.students.models import Student

OBSERVATIONS = [
    (
        "observation",
        9,
        "近两周上课常走神，作业错误明显增多；课间多一个人待在座位上。已与家长电话沟通，家长反映孩子睡得晚。",
    ),
    (
        "referral",
        3,
        '今天午休时在走廊哭泣，问她原因不愿多说，只说"觉得很累，不想上学"。建议心理老师尽快约谈。',
    ),
]
# (position in the roster, level, reason)
LEVELS = [
    (2, "attention", "期中考试后情绪低落，班主任观察到上课常走神；已约谈一次，持续观察。"),
    (5, "attention", "父母近期离异，学生主动来咨询室倾诉；每两周约谈一次。"),
    (8, "elevated", "PHQ-9 总分 16，中重度；已通知家长，建议到专科医院评估，制定一生一策。"),
]


def _consents(students, actor, today):
    if Consent.objects.exists():
        return
    for index, student in enumerate(students):
        if index % 9 == 4:
            continue  # no answer yet
        status, note = (
            ("refused", "家长表示孩子近期状态好，暂不参加")
            if index % 13 == 7
            else ("granted", "家长会现场签字")
        )
        record_services.consent_record(
            actor=actor,
            student=student,
            status=status,
            guardian_name=student.guardian_name,
            recorded_on=today - timedelta(days=20 + index % 5),
            note=note,
        )


def _observations(homeroom, today):
    if homeroom is None or Observation.objects.filter(created_by=homeroom).exists():
        return
    mine = list(homeroom_students(homeroom).order_by("student_number")[:2])
    for (kind, days_ago, text), student in zip(OBSERVATIONS, mine, strict=False):
        record_services.observation_create(
            actor=homeroom,
            student=student,
            kind=kind,
            observed_on=today - timedelta(days=days_ago),
            text=text,
        )


def _levels(students, counselor):
    if counselor is None or CareRecord.objects.exclude(level="none").exists():
        return
    for position, level, reason in LEVELS:
        if position < len(students):
            attention_set(student=students[position], level=level, reason=reason, actor=counselor)


@transaction.atomic
def seed_demo(*, today: date) -> None:
    students = list(
        Student.objects.filter(status="active").order_by(
            "school_class__grade", "school_class__name", "student_number"
        )
    )
    if not students:
        return
    secretary = (
        User.objects.filter(username="secretary").first() or User.objects.filter(username="principal").first()
    )
    counselor = (
        User.objects.filter(username="counselor").first() or User.objects.filter(username="psych").first()
    )
    if secretary is not None:
        _consents(students, secretary, today)
    _observations(User.objects.filter(username="homeroom", is_active=True).first(), today)
    _levels(students, counselor)
