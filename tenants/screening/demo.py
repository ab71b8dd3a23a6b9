"""Demo data of screening: one PHQ-9 campaign for the first grade of the demo roster, guardians'
consent (only when no consent was recorded yet, e.g. by tenants.care.demo: most granted, two
refused), and responses for about 70% of the students with consent, with believable bands and no
safety flag (the crisis demo opens its own case). Run inside a school's schema after
tenants.students.demo (and tenants.care.demo when used) and the demo accounts. Idempotent."""

from datetime import date, timedelta

from django.db import transaction

from shared.accounts.models import User
from shared.calendar import school_year_of
from tenants.care.models import Consent
from tenants.screening import selectors, services
from tenants.screening.models import Campaign
from tenants.students.models import SchoolClass, Student

# Totals of the demo responses, in turn: mostly minimal and mild, some moderate, one moderately severe.
TOTALS = [2, 6, 0, 4, 11, 3, 7, 1, 5, 13, 2, 8, 0, 16, 3, 9, 1, 6, 4, 10]


def _answers(total: int, seed: int) -> list[int]:
    """Nine PHQ-9 answers summing to `total`, item 9 always 0 (no safety flag)."""
    answers = [0] * 9
    remaining = total
    position = seed % 8
    while remaining > 0:
        if answers[position] < 3:
            answers[position] += 1
            remaining -= 1
        position = (position + 3) % 8
    return answers


@transaction.atomic
def seed_demo(*, today: date) -> None:
    grade = SchoolClass.objects.order_by("grade").values_list("grade", flat=True).first()
    if grade is None or not Student.objects.filter(status="active", school_class__grade=grade).exists():
        return
    counselor = (
        User.objects.filter(username="counselor").first()
        or User.objects.filter(username="psych").first()
        or next(
            (
                u
                for u in User.objects.filter(is_active=True).order_by("pk")
                if u.has_role("counselor", "psychology_teacher")
            ),
            None,
        )
    )
    if counselor is None:
        return
    title = f"{school_year_of(today)}学年心理健康测评（{grade}年级 PHQ-9）"
    if Campaign.objects.filter(title=title).exists():
        return
    students = list(
        Student.objects.filter(status="active", school_class__grade=grade)
        .select_related("school_class")
        .order_by("school_class__name", "student_number")
    )
    if not Consent.objects.filter(purpose="screening").exists():
        refused = {3, 11}
        for index, student in enumerate(students):
            Consent.objects.create(
                student=student,
                purpose="screening",
                status="refused" if index in refused else "granted",
                guardian_name=student.guardian_name,
                recorded_on=today - timedelta(days=21),
                created_by=counselor,
                note="家长表示暂不参加" if index in refused else "家长会现场签字",
            )
    campaign = services.campaign_create(
        actor=counselor,
        title=title,
        instrument_code="phq9",
        grade=grade,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
    )
    consenting = [s for s in students if selectors.may_be_screened(s)]
    for index, student in enumerate(consenting):
        if index % 10 in (2, 5, 8):  # about 70% screened
            continue
        total = TOTALS[index % len(TOTALS)]
        services.screening_record(
            student=student,
            instrument="phq9",
            answers=_answers(total, index),
            actor=counselor,
            campaign=campaign,
        )
