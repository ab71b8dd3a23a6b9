"""Known records in a school for October 2025, and the figures they must give.

Call `make_known_data()` inside the school's schema. Records just outside the month (September,
November, a moment that is 1 October at the school but 30 September in UTC, archived or incomplete
rows, cancelled tasks, inactive staff and rooms) are there to be left out.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from shared.accounts.models import User

SH = ZoneInfo("Asia/Shanghai")
MONTH = "2025-10"
SCHOOL_YEAR = "2025-2026"


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def _set(model, obj, **fields):
    model.objects.filter(pk=obj.pk).update(**fields)


def make_known_data() -> dict:
    from tenants.counseling.models import CounselingSession, Referral
    from tenants.crisis.models import CaseStep, CrisisCase
    from tenants.finance.models import BudgetLine, Spending
    from tenants.governance.models import GroupMember, InfoReport, Plan
    from tenants.ledger.models import Meeting, Task
    from tenants.programs.models import Activity, ClassSession, CurriculumUnit, ParentEvent
    from tenants.resources.models import CounselingRoom
    from tenants.screening.models import Response
    from tenants.students.models import SchoolClass, Student
    from tenants.team.models import StaffMember, TrainingRecord

    alice = User.objects.get(username="alice")
    carol = User.objects.get(username="carol")
    people = [User.objects.get(username=f"r_{r}") for r in ("member", "deputy", "secretary")]

    # --- roster: g7 has 3 + 1 (leaves in November), g8 has 2; one left in September, one came in November.
    g7 = SchoolClass.objects.create(grade=7, name="K1班")
    g8 = SchoolClass.objects.create(grade=8, name="K1班")
    number = iter(range(1000))

    def student(klass, created=None, archived=None):
        s = Student.objects.create(
            student_number=f"KD{next(number):04d}", name="测试学生", gender="male",
            date_of_birth=date(2012, 1, 1), school_class=klass, guardian_name="家长", guardian_phone="13800000000",
        )  # fmt: skip
        fields = {"created_at": created or at(2025, 8, 20)}
        if archived:
            fields.update(status="archived", archived_at=archived)
        _set(Student, s, **fields)
        return s

    a, c, d = student(g7), student(g7), student(g7)
    student(g7, archived=at(2025, 11, 5))
    b, e = student(g8), student(g8)
    student(g7, archived=at(2025, 9, 15))
    student(g8, created=at(2025, 11, 3))

    # --- screening
    def response(s, instrument, band, taken, complete=True, archived=None):
        r = Response.objects.create(
            student=s, instrument_code=instrument, answers="[]", complete=complete, band=band,
            archived_at=archived,
        )  # fmt: skip
        _set(Response, r, taken_at=taken)

    response(a, "phq9", "mild", at(2025, 10, 5))
    response(a, "gad7", "minimal", at(2025, 10, 6))
    response(b, "k6", "high", at(2025, 10, 10))
    response(b, "k6", "high", datetime(2025, 9, 30, 17, 0, tzinfo=ZoneInfo("UTC")))  # 1 Oct 01:00 at school
    response(e, "scl90", "x", at(2025, 10, 20))
    response(c, "phq9", "mild", at(2025, 10, 7), complete=False)
    response(d, "phq9", "mild", at(2025, 10, 7), archived=at(2025, 11, 1))
    response(d, "phq9", "mild", at(2025, 9, 29))
    response(d, "phq9", "mild", datetime(2025, 10, 31, 16, 30, tzinfo=ZoneInfo("UTC")))  # 1 Nov at school

    # --- leadership group, meetings, plans
    GroupMember.objects.create(person=people[0], role="member", starts_on=date(2025, 9, 1))
    GroupMember.objects.create(
        person=people[1], role="deputy", starts_on=date(2025, 9, 1), ends_on=date(2025, 10, 15)
    )
    GroupMember.objects.create(person=people[2], role="secretary", starts_on=date(2025, 11, 1))  # fmt: skip

    def meeting(status, when):
        Meeting.objects.create(
            title="会议",
            starts_at=when,
            ends_at=when + timedelta(hours=1),
            agenda="议程",
            chair=alice,
            status=status,
        )

    meeting("held", at(2025, 10, 10))
    meeting("planned", at(2025, 10, 12))
    meeting("held", at(2025, 11, 2))

    def plan(title, approved, closed=None):
        Plan.objects.create(
            title=title, school_year=SCHOOL_YEAR, starts_on=date(2025, 9, 1), ends_on=date(2026, 7, 1),
            goals="目标", status="closed" if closed else "approved", approved_by=alice, approved_at=approved,
            closed_at=closed, summary="总结" if closed else "",
        )  # fmt: skip

    plan("计划一", at(2025, 10, 3))
    plan("计划二", at(2025, 9, 3), closed=at(2025, 10, 20))

    # --- ledger
    def task(due, status="todo", completed=None):
        Task.objects.create(title="任务", owner=alice, due_on=due, status=status, completed_at=completed)

    task(date(2025, 10, 10), "done", at(2025, 10, 9))  # on time
    task(date(2025, 10, 10), "done", at(2025, 10, 12))  # late
    task(date(2025, 9, 20), "done", at(2025, 10, 5))  # late, completed in October
    task(date(2025, 10, 20))  # overdue
    task(date(2025, 10, 31))  # open (due on the last day)
    task(date(2025, 10, 15), "cancelled")  # left out
    task(date(2025, 10, 25), "done", at(2025, 11, 3))  # overdue on 31 October
    task(date(2025, 11, 5))  # left out

    # --- programmes
    def activity(kind, day, n):
        Activity.objects.create(kind=kind, title="活动", held_on=day, organiser=alice, participant_count=n)

    activity("lecture", date(2025, 10, 5), 100)
    activity("lecture", date(2025, 10, 20), 50)
    activity("psychodrama", date(2025, 10, 8), 30)
    activity("other", date(2025, 9, 30), 99)
    unit = CurriculumUnit.objects.create(school_year=SCHOOL_YEAR, grade=7, title="单元", objectives="目标")
    for day in (date(2025, 10, 9), date(2025, 10, 16), date(2025, 11, 6)):
        ClassSession.objects.create(
            unit=unit, class_name="七年级K1班", held_on=day, teacher=alice, topic="主题"
        )
    ParentEvent.objects.create(kind="lecture", title="讲座", held_on=date(2025, 10, 18), speaker="专家",
                               invited_count=50, attendance_count=40)  # fmt: skip
    ParentEvent.objects.create(kind="training", title="培训", held_on=date(2025, 9, 18), speaker="专家",
                               invited_count=50, attendance_count=45)  # fmt: skip

    # --- team
    def staff(position, post="none", active=True, created=None):
        s = StaffMember.objects.create(name="教师", position=position, psychology_post=post, is_active=active)
        _set(StaffMember, s, created_at=created or at(2025, 8, 1))
        return s

    s1 = staff("psychology_teacher", "full_time")
    s2 = staff("psychology_teacher", "part_time")
    staff("psychology_teacher", "part_time", active=False)
    s4 = staff("subject_teacher")
    staff("psychology_teacher", "full_time", created=at(2025, 11, 10))
    for who, day, hours in ((s1, date(2025, 10, 10), "3.5"), (s1, date(2025, 10, 20), "2"),
                            (s4, date(2025, 10, 15), "4"), (s2, date(2025, 9, 1), "1")):  # fmt: skip
        TrainingRecord.objects.create(staff=who, title="培训", trained_on=day, hours=Decimal(hours))

    # --- rooms
    def room(name, hours, active=True):
        r = CounselingRoom.objects.create(
            name=name, location="楼", area_m2=Decimal(20), opening_hours=hours, is_active=active
        )
        _set(CounselingRoom, r, created_at=at(2025, 8, 1))

    room("K室一", "周一至周五 8:00-17:30")  # 47.5
    room("K室二", "周一、三、五 13:30-17:30")  # 12
    room("K室三", "周一至周五 8:00-17:30", active=False)

    # --- counseling, referrals
    def session(when, archived=None):
        CounselingSession.objects.create(
            student=a,
            counselor=carol,
            held_at=when,
            duration_minutes=45,
            category="study",
            archived_at=archived,
        )

    session(at(2025, 10, 3))
    session(at(2025, 10, 13))
    session(at(2025, 10, 14), archived=at(2025, 11, 1))
    session(at(2025, 11, 3))
    Referral.objects.create(student=a, institution="医院", referred_on=date(2025, 10, 22), reason="原因")
    Referral.objects.create(student=b, institution="医院", referred_on=date(2025, 9, 22), reason="原因")

    # --- crisis: hours to assessment 2, 24, 6 -> median 6
    def case(level, opened, assessed=None):
        c = CrisisCase.objects.create(student=a, level=level, identified_how="observation")
        _set(CrisisCase, c, opened_at=opened)
        CaseStep.objects.create(case=c, step="identified", done_at=opened)
        if assessed:
            CaseStep.objects.create(case=c, step="assessed", done_at=assessed, level=level)

    case("high", at(2025, 10, 2, 8), at(2025, 10, 2, 10))
    case("medium", at(2025, 10, 5, 9), at(2025, 10, 6, 9))
    case("low", at(2025, 10, 7))
    case("low", at(2025, 10, 8, 0), at(2025, 10, 8, 6))
    case("high", at(2025, 9, 8), at(2025, 9, 8, 1))

    # --- finance: 3,000 of 15,000 spent by 31 October
    line = BudgetLine.objects.create(
        school_year=SCHOOL_YEAR, category="training", title="K培训", amount=10000
    )
    BudgetLine.objects.create(school_year=SCHOOL_YEAR, category="room", title="K咨询室", amount=5000)
    old = BudgetLine.objects.create(school_year="2024-2025", category="room", title="K旧", amount=5000)
    for on_line, day, amount in ((line, date(2025, 9, 10), 2000), (line, date(2025, 10, 10), 1000),
                                 (line, date(2025, 11, 10), 500), (old, date(2025, 8, 10), 700)):  # fmt: skip
        Spending.objects.create(line=on_line, spent_on=day, amount=amount, payee="供应商", purpose="用途")

    # --- information reports due in October: one on time, one late, one still unsubmitted (late)
    def report(start, end, due, submitted=None):
        InfoReport.objects.create(
            kind="monthly", title="月报", school_year=SCHOOL_YEAR, period_start=start, period_end=end, due_on=due,
            status="submitted" if submitted else "draft", content="内容" if submitted else "",
            submitted_at=submitted, submitted_by=alice if submitted else None,
        )  # fmt: skip

    report(date(2025, 9, 1), date(2025, 9, 30), date(2025, 10, 10), at(2025, 10, 9))
    report(date(2025, 8, 1), date(2025, 8, 31), date(2025, 10, 20), at(2025, 10, 25))
    report(date(2025, 7, 1), date(2025, 7, 31), date(2025, 10, 25))
    report(date(2025, 10, 1), date(2025, 10, 31), date(2025, 11, 10))

    return EXPECTED


def _grades(**found) -> dict:
    rows = {f"g{n}": Decimal(0) for n in range(1, 13)}
    rows.update({k: Decimal(v) for k, v in found.items()})
    return {"": sum(rows.values()), **rows}


def _coverage() -> dict:
    rows = {f"g{n}": None for n in range(1, 13)}
    rows.update(g7=Decimal(25), g8=Decimal(100))
    return {"": Decimal(50), **rows}


def _screenings() -> dict:
    from figures.catalog import SCREENING_CATEGORIES

    rows = {c["code"]: Decimal(0) for c in SCREENING_CATEGORIES}
    rows.update(
        {"phq9.mild": Decimal(1), "gad7.minimal": Decimal(1), "k6.high": Decimal(2), "other": Decimal(1)}
    )
    return {"": Decimal(5), **rows}


def _kinds(**found) -> dict:
    rows = {k: Decimal(0) for k in ("lecture", "class_meeting", "psychodrama", "group_counseling",
                                    "stress_workshop", "other")}  # fmt: skip
    rows.update({k: Decimal(v) for k, v in found.items()})
    return {"": sum(rows.values()), **rows}


def _d(value) -> dict:
    return {"": Decimal(value)}


# element -> breakdown -> value
EXPECTED = {
    "enrolment": _grades(g7=4, g8=2),
    "group_members": _d(1),
    "group_meetings": _d(1),
    "plans_approved": _d(1),
    "plans_closed": _d(1),
    "ledger_tasks": {"": Decimal(6), "done_on_time": Decimal(1), "done_late": Decimal(2),
                     "overdue": Decimal(2), "open": Decimal(1)},
    "activities": _kinds(lecture=2, psychodrama=1),
    "activity_participants": _kinds(lecture=150, psychodrama=30),
    "class_sessions": _d(2),
    "parent_events": _d(1),
    "parent_event_participants": _d(40),
    "training_hours": _d("9.5"),
    "teachers_trained": _d(2),
    "training_hours_per_teacher": _d("4.75"),
    "psych_teachers": {"": Decimal(2), "full_time": Decimal(1), "part_time": Decimal(1)},
    "psych_teachers_per_1000": _d("333.3333"),
    "counseling_rooms": _d(2),
    "room_weekly_hours": _d("59.5"),
    "screened_students": _grades(g7=1, g8=2),
    "screening_coverage": _coverage(),
    "screenings": _screenings(),
    "counseling_sessions": _d(2),
    "crisis_cases": {"": Decimal(4), "low": Decimal(1), "medium": Decimal(1), "high": Decimal(1),
                     "unassessed": Decimal(1)},
    "crisis_hours_to_assessment": _d(6),
    "referrals": _d(1),
    "budget_spent_share": _d(20),
    "info_reports": {"": Decimal(3), "on_time": Decimal(1), "late": Decimal(2)},
}  # fmt: skip

# Numerators and denominators stored beside rates and medians (total rows).
EXPECTED_PARTS = {
    "training_hours_per_teacher": (Decimal("9.5"), Decimal(2)),
    "psych_teachers_per_1000": (Decimal(2), Decimal(6)),
    "screening_coverage": (Decimal(3), Decimal(6)),
    "crisis_hours_to_assessment": (Decimal(3), None),
    "budget_spent_share": (Decimal(3000), Decimal(15000)),
}
