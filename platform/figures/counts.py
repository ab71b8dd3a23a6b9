"""Counting the district's data elements inside one school.

Every function here runs in a school's schema (the connection has already been switched) and reads
only counts and sums: no student-level row, name, number or text leaves this module. Each takes a
period (anything with `start` and `end` dates: a figures.models.Period) and returns

    {breakdown: (value, numerator, denominator)}

with a total row "" and a row for EVERY category of the element (zeros included). Categories are
exhaustive, so for counts the total is the sum of the categories.

- Stock figures (enrolment, group members, psychology teachers, rooms, weekly hours) are taken as of
  the period's last day, or today while the period is still running (`as_of`).
- Flow figures count events dated inside the period (a moment is dated at the school, in
  Asia/Shanghai).
- Rates store their numerator and denominator: % is ×100, per-1,000 is ×1000; with a zero
  denominator the value is None (no rate), never 0.
- Medians store the number of cases behind them as numerator.

Where a model keeps no history the figure is read from the current state, and the notes below say
so: a student's grade is that of their current class; a staff member's post and "on staff" flag and
a room's "in use" flag are current (a row created after `as_of` is left out).
"""

import re
import threading
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from figures.catalog import BY_CODE, SCREENING_CATEGORIES
from shared.tenancy.context_helpers import require_school_schema

ZERO = Decimal(0)
Row = tuple[Decimal | None, Decimal | None, Decimal | None]


# --- time --------------------------------------------------------------------------------------


def _zone():
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def today() -> date:
    return timezone.localtime(timezone.now(), _zone()).date()


def as_of(period) -> date:
    """The day stock figures are read on: the period's last day, or today while it runs."""
    return min(period.end, today())


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_zone())


def _span(period) -> tuple[datetime, datetime]:
    """The period as moments: [first day 00:00, day after the last 00:00) at the school."""
    return _moment(period.start), _moment(period.end + timedelta(days=1))


def _moment_in(field: str, period) -> Q:
    start, end = _span(period)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _day_in(field: str, period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, _zone()).date()


# --- result shapes -----------------------------------------------------------------------------


def _d(value) -> Decimal:
    return Decimal(value or 0)


def _counts(code: str, by_category: dict) -> dict[str, Row]:
    """Count rows for every category of `code` (missing ones are 0) and their total."""
    categories = BY_CODE[code].categories
    rows: dict[str, Row] = {}
    if categories:
        for category in categories:
            rows[category["code"]] = (_d(by_category.get(category["code"])), None, None)
        rows[""] = (sum((row[0] for row in rows.values()), ZERO), None, None)
    else:
        rows[""] = (_d(by_category.get("")), None, None)
    return {"": rows.pop(""), **rows}


def _total(code: str, value) -> dict[str, Row]:
    return _counts(code, {"": value})


def rate(numerator, denominator, scale: int) -> Row:
    numerator, denominator = _d(numerator), _d(denominator)
    if not denominator:
        return (None, numerator, denominator)
    value = (numerator * scale / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return (value, numerator, denominator)


# --- the roster --------------------------------------------------------------------------------


def _students_on(day: date):
    """Students on the roster on `day`: added by then and not yet left."""
    from tenants.students.models import Student

    return Student.objects.filter(created_at__lt=_moment(day + timedelta(days=1))).filter(
        Q(archived_at__isnull=True) | Q(archived_at__gte=_moment(day + timedelta(days=1)))
    )


def _by_grade(queryset, grade_field: str, count) -> dict:
    rows = queryset.values(grade_field).annotate(n=count).order_by()
    return {f"g{row[grade_field]}": row["n"] for row in rows}


def enrolment(period) -> dict[str, Row]:
    """Students on the roster on `as_of`, by the grade of their current class."""
    return _counts("enrolment", _by_grade(_students_on(as_of(period)), "school_class__grade", Count("id")))


# --- governance --------------------------------------------------------------------------------


def group_members(period) -> dict[str, Row]:
    """Leadership group terms running on `as_of`."""
    from tenants.governance.models import GroupMember

    day = as_of(period)
    members = GroupMember.objects.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    return _total("group_members", members.count())


def group_meetings(period) -> dict[str, Row]:
    """Meetings marked held whose start falls in the period."""
    from tenants.ledger.models import Meeting, MeetingStatus

    held = Meeting.objects.filter(_moment_in("starts_at", period), status=MeetingStatus.HELD)
    return _total("group_meetings", held.count())


def plans_approved(period) -> dict[str, Row]:
    from tenants.governance.models import Plan

    return _total("plans_approved", Plan.objects.filter(_moment_in("approved_at", period)).count())


def plans_closed(period) -> dict[str, Row]:
    from tenants.governance.models import Plan

    return _total("plans_closed", Plan.objects.filter(_moment_in("closed_at", period)).count())


def info_reports(period) -> dict[str, Row]:
    """Reports due in the period: submitted by their due date (on time), or submitted after it or
    still unsubmitted once it has passed (late). A report not yet due and not submitted is not
    counted."""
    from tenants.governance.models import InfoReport, ReportStatus

    day = as_of(period)
    found = {"on_time": 0, "late": 0}
    for report in InfoReport.objects.filter(_day_in("due_on", period)).only(
        "status", "submitted_at", "due_on"
    ):
        submitted = report.status == ReportStatus.SUBMITTED and _local_day(report.submitted_at) <= day
        if submitted:
            found["on_time" if _local_day(report.submitted_at) <= report.due_on else "late"] += 1
        elif report.due_on < day:
            found["late"] += 1
    return _counts("info_reports", found)


# --- the ledger --------------------------------------------------------------------------------


def ledger_tasks(period) -> dict[str, Row]:
    """Tasks (not cancelled) due in the period or completed in it, by their state on `as_of`: done
    by the due date, done after it, not done and past due (overdue), not done and not yet due."""
    from tenants.ledger.models import Task, TaskStatus

    day = as_of(period)
    tasks = (
        Task.objects.exclude(status=TaskStatus.CANCELLED)
        .filter(_day_in("due_on", period) | _moment_in("completed_at", period))
        .only("status", "due_on", "completed_at")
    )
    found = {"done_on_time": 0, "done_late": 0, "overdue": 0, "open": 0}
    for task in tasks:
        done_on = _local_day(task.completed_at) if task.status == TaskStatus.DONE else None
        if done_on is not None and done_on <= day:
            found["done_on_time" if done_on <= task.due_on else "done_late"] += 1
        elif task.due_on < day:
            found["overdue"] += 1
        else:
            found["open"] += 1
    return _counts("ledger_tasks", found)


# --- programmes --------------------------------------------------------------------------------


def activities(period) -> dict[str, Row]:
    from tenants.programs.models import Activity

    rows = Activity.objects.filter(_day_in("held_on", period)).values("kind").annotate(n=Count("id"))
    return _counts("activities", {row["kind"]: row["n"] for row in rows.order_by()})


def activity_participants(period) -> dict[str, Row]:
    from tenants.programs.models import Activity

    rows = (
        Activity.objects.filter(_day_in("held_on", period))
        .values("kind")
        .annotate(n=Sum("participant_count"))
    )
    return _counts("activity_participants", {row["kind"]: row["n"] for row in rows.order_by()})


def class_sessions(period) -> dict[str, Row]:
    from tenants.programs.models import ClassSession

    return _total("class_sessions", ClassSession.objects.filter(_day_in("held_on", period)).count())


def parent_events(period) -> dict[str, Row]:
    from tenants.programs.models import ParentEvent

    return _total("parent_events", ParentEvent.objects.filter(_day_in("held_on", period)).count())


def parent_event_participants(period) -> dict[str, Row]:
    from tenants.programs.models import ParentEvent

    total = ParentEvent.objects.filter(_day_in("held_on", period)).aggregate(n=Sum("attendance_count"))["n"]
    return _total("parent_event_participants", total)


# --- the team ----------------------------------------------------------------------------------


def _training(period) -> tuple[Decimal, int]:
    memo = getattr(_local, "memo", None)
    key = ("_training", period.start, period.end)
    if memo is not None and key in memo:
        return memo[key]
    found = _count_training(period)
    if memo is not None:
        memo[key] = found
    return found


def _count_training(period) -> tuple[Decimal, int]:
    from tenants.team.models import TrainingRecord

    found = TrainingRecord.objects.filter(_day_in("trained_on", period)).aggregate(
        hours=Sum("hours"), people=Count("staff", distinct=True)
    )
    return _d(found["hours"]), found["people"] or 0


def training_hours(period) -> dict[str, Row]:
    return _total("training_hours", _training(period)[0])


def teachers_trained(period) -> dict[str, Row]:
    return _total("teachers_trained", _training(period)[1])


def training_hours_per_teacher(period) -> dict[str, Row]:
    hours, people = _training(period)
    return {"": rate(hours, people, 1)}


def _psych_teachers(period) -> dict:
    from tenants.team.models import PsychologyPost, StaffMember

    rows = (
        StaffMember.objects.filter(
            is_active=True,
            psychology_post__in=[PsychologyPost.FULL_TIME, PsychologyPost.PART_TIME],
            created_at__lt=_moment(as_of(period) + timedelta(days=1)),
        )
        .values("psychology_post")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["psychology_post"]: row["n"] for row in rows}


def psych_teachers(period) -> dict[str, Row]:
    """Staff on staff now with a full-time or part-time psychology post (added by `as_of`)."""
    return _counts("psych_teachers", _psych_teachers(period))


def psych_teachers_per_1000(period) -> dict[str, Row]:
    teachers = _memo("psych_teachers", period)[""][0]
    students = _memo("enrolment", period)[""][0]
    return {"": rate(teachers, students, 1000)}


# --- resources ---------------------------------------------------------------------------------

_DAYS = "一二三四五六日天"
_TIME_RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})")
_DAY_RANGE = re.compile(r"(?:周|星期)([一二三四五六日天])\s*[至到\-–~～]\s*(?:周|星期)?([一二三四五六日天])")
_DAY_LIST = re.compile(r"(?:周|星期)([一二三四五六日天](?:[、，,/]?[一二三四五六日天])*)")


def _days_per_week(text: str) -> int | None:
    """Days a week named in one segment of opening hours, or None if it names none."""
    found = _DAY_RANGE.search(text)
    if found:
        first, last = (min(_DAYS.index(c), 6) for c in found.groups())
        return last - first + 1 if last >= first else 7 - first + last + 1
    found = _DAY_LIST.search(text)
    if found:
        return len({min(_DAYS.index(c), 6) for c in found.group(1) if c in _DAYS})
    if "每天" in text or "每日" in text or "工作日" in text:
        return 5  # school days
    if "周末" in text:
        return 2
    return None


def weekly_hours(opening_hours: str) -> Decimal:
    """Hours a week from a room's opening hours as written (e.g. "周一至周五 8:00-17:30",
    "周一、三、五 13:30-17:30; 周六 9:00-11:00"). A segment that names no days counts the school week
    (5 days); text without a time range counts nothing."""
    total = ZERO
    days = 5
    for segment in re.split(r"[;；\n]", opening_hours or ""):
        named = _days_per_week(segment)
        if named is not None:
            days = named
        minutes = 0
        for h1, m1, h2, m2 in _TIME_RANGE.findall(segment):
            span = (int(h2) * 60 + int(m2)) - (int(h1) * 60 + int(m1))
            if span > 0:
                minutes += span
        total += Decimal(minutes * days) / 60
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rooms(period):
    from tenants.resources.models import CounselingRoom

    return CounselingRoom.objects.filter(
        is_active=True, created_at__lt=_moment(as_of(period) + timedelta(days=1))
    )


def counseling_rooms(period) -> dict[str, Row]:
    """Rooms in use (any kind: counseling room, guidance station, group room, ...)."""
    return _total("counseling_rooms", _rooms(period).count())


def room_weekly_hours(period) -> dict[str, Row]:
    return _total(
        "room_weekly_hours",
        sum((weekly_hours(text) for text in _rooms(period).values_list("opening_hours", flat=True)), ZERO),
    )


# --- screening ---------------------------------------------------------------------------------


def _responses(period):
    from tenants.screening.models import Response

    return Response.objects.filter(_moment_in("taken_at", period), complete=True, archived_at__isnull=True)


def screened_students(period) -> dict[str, Row]:
    """Students with at least one complete response in the period, by current grade."""
    return _counts(
        "screened_students",
        _by_grade(_responses(period), "student__school_class__grade", Count("student", distinct=True)),
    )


def screening_coverage(period) -> dict[str, Row]:
    """Screened ÷ enrolled ×100 per grade; the total is over the target grades only
    (settings.SCREENING_TARGET_GRADES)."""
    screened = _memo("screened_students", period)
    enrolled = _memo("enrolment", period)
    rows: dict[str, Row] = {}
    targets = {f"g{g}" for g in settings.SCREENING_TARGET_GRADES}
    top = [ZERO, ZERO]
    for category in _codes("screening_coverage"):
        rows[category] = rate(screened[category][0], enrolled[category][0], 100)
        if category in targets:
            top[0] += screened[category][0]
            top[1] += enrolled[category][0]
    return {"": rate(top[0], top[1], 100), **rows}


def _codes(code: str) -> list[str]:
    return [category["code"] for category in BY_CODE[code].categories]


_SCREENING_CODES = {category["code"] for category in SCREENING_CATEGORIES}


def screenings(period) -> dict[str, Row]:
    """Complete responses in the period by instrument and band ("other" for any other instrument or
    band)."""
    found: dict[str, int] = {}
    rows = _responses(period).values("instrument_code", "band").annotate(n=Count("id")).order_by()
    for row in rows:
        code = f"{row['instrument_code']}.{row['band']}"
        code = code if code in _SCREENING_CODES else "other"
        found[code] = found.get(code, 0) + row["n"]
    return _counts("screenings", found)


# --- counseling and crisis ---------------------------------------------------------------------


def counseling_sessions(period) -> dict[str, Row]:
    from tenants.counseling.models import CounselingSession

    sessions = CounselingSession.objects.filter(_moment_in("held_at", period), archived_at__isnull=True)
    return _total("counseling_sessions", sessions.count())


def referrals(period) -> dict[str, Row]:
    from tenants.counseling.models import Referral

    found = Referral.objects.filter(_day_in("referred_on", period), archived_at__isnull=True)
    return _total("referrals", found.count())


def _cases(period):
    from tenants.crisis.models import CrisisCase

    return CrisisCase.objects.filter(_moment_in("opened_at", period), archived_at__isnull=True)


def crisis_cases(period) -> dict[str, Row]:
    """Cases opened in the period by risk level; a case with no assessment step by `as_of` is
    "unassessed" (its level is only the first guess at identification)."""
    from tenants.crisis.models import CaseStep, Step

    assessed_by = _moment(as_of(period) + timedelta(days=1))
    assessed = CaseStep.objects.filter(step=Step.ASSESSED, done_at__lt=assessed_by).values("case_id")
    cases = _cases(period)
    found = {row["level"]: row["n"] for row in cases.filter(id__in=assessed).values("level").annotate(
        n=Count("id")).order_by()}  # fmt: skip
    found["unassessed"] = cases.exclude(id__in=assessed).count()
    return _counts("crisis_cases", found)


def crisis_hours_to_assessment(period) -> dict[str, Row]:
    """Median hours from identification (the identified step, else the case's opening) to the
    assessment step, over cases opened in the period and assessed; numerator: how many."""
    from tenants.crisis.models import CaseStep, Step

    steps = CaseStep.objects.filter(
        case__in=_cases(period), step__in=[Step.IDENTIFIED, Step.ASSESSED]
    ).values_list("case_id", "step", "done_at", "case__opened_at")
    identified, assessed = {}, {}
    for case_id, step, done_at, opened_at in steps:
        if step == Step.ASSESSED:
            assessed[case_id] = done_at
            identified.setdefault(case_id, opened_at)
        else:
            identified[case_id] = done_at
    hours = [Decimal(max((assessed[case] - identified[case]).total_seconds(), 0)) / 3600 for case in assessed]
    if not hours:
        return {"": (None, ZERO, None)}
    value = Decimal(median(hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {"": (value, Decimal(len(hours)), None)}


# --- finance -----------------------------------------------------------------------------------


def budget_spent_share(period) -> dict[str, Row]:
    """Spending from the start of the school year to `as_of` on that year's budget lines, as a share
    (%) of the year's budget. The school year is the one the period starts in."""
    from shared.calendar import school_year_bounds, school_year_of
    from tenants.finance.models import BudgetLine, Spending

    year = school_year_of(period.start)
    first, _last = school_year_bounds(year)
    budget = BudgetLine.objects.filter(school_year=year).aggregate(n=Sum("amount"))["n"]
    spent = Spending.objects.filter(
        line__school_year=year, spent_on__gte=first, spent_on__lte=as_of(period)
    ).aggregate(n=Sum("amount"))["n"]
    return {"": rate(spent, budget, 100)}


# --- all of them -------------------------------------------------------------------------------

COUNTERS = {
    "enrolment": enrolment,
    "group_members": group_members,
    "group_meetings": group_meetings,
    "plans_approved": plans_approved,
    "plans_closed": plans_closed,
    "ledger_tasks": ledger_tasks,
    "activities": activities,
    "activity_participants": activity_participants,
    "class_sessions": class_sessions,
    "parent_events": parent_events,
    "parent_event_participants": parent_event_participants,
    "training_hours": training_hours,
    "teachers_trained": teachers_trained,
    "training_hours_per_teacher": training_hours_per_teacher,
    "psych_teachers": psych_teachers,
    "psych_teachers_per_1000": psych_teachers_per_1000,
    "counseling_rooms": counseling_rooms,
    "room_weekly_hours": room_weekly_hours,
    "screened_students": screened_students,
    "screening_coverage": screening_coverage,
    "screenings": screenings,
    "counseling_sessions": counseling_sessions,
    "crisis_cases": crisis_cases,
    "crisis_hours_to_assessment": crisis_hours_to_assessment,
    "referrals": referrals,
    "budget_spent_share": budget_spent_share,
    "info_reports": info_reports,
}


_local = threading.local()


def _memo(code: str, period) -> dict[str, Row]:
    """An element's rows, counted once per count_all() (rates reuse the counts behind them)."""
    memo = getattr(_local, "memo", None)
    if memo is None:
        return COUNTERS[code](period)
    key = (code, period.start, period.end)
    if key not in memo:
        memo[key] = COUNTERS[code](period)
    return memo[key]


def count_all(period) -> dict[str, dict[str, Row]]:
    """Every element of the catalog for one period, in the current school."""
    require_school_schema()
    missing = set(BY_CODE) - set(COUNTERS)
    if missing:
        raise LookupError(f"No counting function for {sorted(missing)}")
    _local.memo = {}
    try:
        return {code: _memo(code, period) for code in BY_CODE}
    finally:
        _local.memo = None
