"""Counting the district's data elements inside one school.

Every function here runs in a school's schema (the connection has already been switched) and reads
only counts and sums: no student-level row, name, number or text leaves this module. Each takes a
period (anything with `start` and `end` dates: a figures.models.Period) and returns

    {breakdown: (value, numerator, denominator)}

with a total row "" and a row for EVERY category of the element (zeros included). Categories are
exhaustive, so for counts the total is the sum of the categories.

`count_periods(periods)` counts every element for several periods at once (what the aggregation
runs: a month, a term and a school year): each query covers all the periods with one FILTER per
period, and all the queries go to the database together in one pipeline (see "several periods at
once" and "the queries, sent together" below). `count_all(period)` is the one-period case.

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

import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum, Value
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


# --- several periods at once ------------------------------------------------------------------
#
# A run counts a month, a term and a school year together. Every counter is written for a list of
# periods and asks the database once for all of them: one aggregate per period with a FILTER
# (conditional aggregation) over rows prefiltered to the periods' union, and stock figures once per
# distinct `as_of` day. `COUNTERS[code](period)` is the one-period form; `COUNTERS[code].many(periods)`
# returns one result per period, in order. A counter without `.many` is called once per period.


def counter(many):
    """Make the one-period counter of `many(periods) -> [rows per period]`, keeping `.many`."""

    def one(period) -> dict[str, Row]:
        return many([period])[0]

    one.many = many
    one.__name__ = many.__name__
    one.__doc__ = many.__doc__
    return one


def _union_moment_in(field: str, periods) -> Q:
    start = _moment(min(p.start for p in periods))
    end = _moment(max(p.end for p in periods) + timedelta(days=1))
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _union_day_in(field: str, periods) -> Q:
    return Q(**{f"{field}__gte": min(p.start for p in periods), f"{field}__lte": max(p.end for p in periods)})


def _days(periods) -> list[date]:
    """The distinct `as_of` days of the periods (stock figures are read once per day)."""
    return sorted({as_of(p) for p in periods})


def _per_period(periods, aggregate) -> dict:
    """{"p0": aggregate(periods[0]), ...} for .aggregate() / .annotate()."""
    return {f"p{i}": aggregate(period) for i, period in enumerate(periods)}


def _per_day(days, aggregate) -> dict:
    return {f"d{j}": aggregate(day) for j, day in enumerate(days)}


def _day_key(days, period) -> str:
    return f"d{days.index(as_of(period))}"


def _next_moment(day: date) -> datetime:
    return _moment(day + timedelta(days=1))


# --- the queries, sent together ----------------------------------------------------------------
#
# Each query is declared by a function of the periods returning a values() queryset, registered
# with @query. count_periods() sends all of them at once in a psycopg pipeline (one round trip to
# the database instead of one per query: with a busy server the waits were most of the time) and
# the counters read the rows with _fetch(). Outside count_periods, _fetch() runs the query itself.

QUERIES: list = []


def query(build):
    QUERIES.append(build)
    return build


def _one_row(queryset, **aggregates):
    """An aggregate over `queryset` as a values() query of exactly one row (like .aggregate(), but
    lazy): grouping by a constant adds no GROUP BY, so an empty table still gives its row."""
    return queryset.order_by().values(one=Value(1)).annotate(**aggregates)


def _key(periods) -> tuple:
    return tuple((p.start, p.end) for p in periods)


def _fetch(build, periods) -> list[dict]:
    fetched = getattr(_local, "fetched", None)
    if fetched is not None and (build, _key(periods)) in fetched:
        return fetched[(build, _key(periods))]
    return list(build(periods))


_COMPILED: dict = {}


def _compiled(periods) -> list[tuple]:
    """[(build, sql, params)] of every declared query for `periods`. The SQL names no schema (the
    search_path picks the school) and depends only on the periods and their `as_of` days, so a
    batch of schools builds and compiles the querysets once."""
    key = (_key(periods), tuple(as_of(p) for p in periods), connection.vendor)
    found = _COMPILED.get(key)
    if found is None:
        found = []
        for build in QUERIES:
            queryset = build(periods)
            found.append((build, *queryset.query.get_compiler(using=queryset.db).as_sql()))
        if len(_COMPILED) >= 16:
            _COMPILED.clear()
        _COMPILED[key] = found
    return found


def _prefetch(periods) -> dict:
    """Every declared query for `periods`, sent in one pipeline: {(build, key): rows}."""
    if not psycopg.Pipeline.is_supported():
        return {(build, _key(periods)): list(build(periods)) for build in QUERIES}
    compiled = _compiled(periods)
    with connection.cursor():  # connects, and sets the school's search_path
        pass
    raw = connection.connection
    cursors = [raw.cursor() for _query in compiled]
    try:
        with raw.pipeline():
            for cursor, (_build, sql, params) in zip(cursors, compiled, strict=True):
                cursor.execute(sql, params)
        fetched = {}
        for (build, _sql, _params), cursor in zip(compiled, cursors, strict=True):
            names = [column.name for column in cursor.description]
            fetched[(build, _key(periods))] = [
                dict(zip(names, row, strict=True)) for row in cursor.fetchall()
            ]
        return fetched
    finally:
        for cursor in cursors:
            cursor.close()


# --- the roster --------------------------------------------------------------------------------


def _on_roster(day: date) -> Q:
    """Students on the roster on `day`: added by then and not yet left."""
    after = _next_moment(day)
    return Q(created_at__lt=after) & (Q(archived_at__isnull=True) | Q(archived_at__gte=after))


@query
def _enrolment(periods):
    from tenants.students.models import Student

    days = _days(periods)
    return (
        Student.objects.filter(
            Q(created_at__lt=_next_moment(days[-1]))
            & (Q(archived_at__isnull=True) | Q(archived_at__gte=_next_moment(days[0])))
        )
        .values("school_class__grade")
        .annotate(**_per_day(days, lambda day: Count("id", filter=_on_roster(day))))
        .order_by()
    )


@counter
def enrolment(periods) -> list[dict[str, Row]]:
    """Students on the roster on `as_of`, by the grade of their current class."""
    days = _days(periods)
    rows = _fetch(_enrolment, periods)
    return [
        _counts("enrolment", {f"g{row['school_class__grade']}": row[_day_key(days, p)] for row in rows})
        for p in periods
    ]


# --- governance --------------------------------------------------------------------------------


@query
def _group_members(periods):
    from tenants.governance.models import GroupMember

    return _one_row(
        GroupMember.objects.all(),
        **_per_day(
            _days(periods),
            lambda day: Count(
                "id", filter=Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            ),
        ),
    )


@counter
def group_members(periods) -> list[dict[str, Row]]:
    """Leadership group terms running on `as_of`."""
    days = _days(periods)
    found = _fetch(_group_members, periods)[0]
    return [_total("group_members", found[_day_key(days, p)]) for p in periods]


@query
def _group_meetings(periods):
    from tenants.ledger.models import Meeting, MeetingStatus

    return _one_row(
        Meeting.objects.filter(_union_moment_in("starts_at", periods), status=MeetingStatus.HELD),
        **_per_period(periods, lambda p: Count("id", filter=_moment_in("starts_at", p))),
    )


@counter
def group_meetings(periods) -> list[dict[str, Row]]:
    """Meetings marked held whose start falls in the period."""
    found = _fetch(_group_meetings, periods)[0]
    return [_total("group_meetings", found[f"p{i}"]) for i in range(len(periods))]


@query
def _plan_counts(periods):
    from tenants.governance.models import Plan

    return _one_row(
        Plan.objects.filter(
            _union_moment_in("approved_at", periods) | _union_moment_in("closed_at", periods)
        ),
        **{f"a{i}": Count("id", filter=_moment_in("approved_at", p)) for i, p in enumerate(periods)},
        **{f"c{i}": Count("id", filter=_moment_in("closed_at", p)) for i, p in enumerate(periods)},
    )


def _plans(periods) -> list[tuple[int, int]]:
    """(approved, closed) per period, in one query."""
    found = _fetch(_plan_counts, periods)[0]
    return [(found[f"a{i}"], found[f"c{i}"]) for i in range(len(periods))]


@counter
def plans_approved(periods) -> list[dict[str, Row]]:
    return [_total("plans_approved", approved) for approved, _closed in _shared("_plans", _plans, periods)]


@counter
def plans_closed(periods) -> list[dict[str, Row]]:
    return [_total("plans_closed", closed) for _approved, closed in _shared("_plans", _plans, periods)]


@query
def _info_reports(periods):
    from tenants.governance.models import InfoReport

    return InfoReport.objects.filter(_union_day_in("due_on", periods)).values(
        "status", "submitted_at", "due_on"
    )


@counter
def info_reports(periods) -> list[dict[str, Row]]:
    """Reports due in the period: submitted by their due date (on time), or submitted after it or
    still unsubmitted once it has passed (late). A report not yet due and not submitted is not
    counted."""
    from tenants.governance.models import ReportStatus

    reports = [(r["status"], r["submitted_at"], r["due_on"]) for r in _fetch(_info_reports, periods)]
    results = []
    for period in periods:
        day = as_of(period)
        found = {"on_time": 0, "late": 0}
        for status, submitted_at, due_on in reports:
            if not period.start <= due_on <= period.end:
                continue
            submitted = status == ReportStatus.SUBMITTED and _local_day(submitted_at) <= day
            if submitted:
                found["on_time" if _local_day(submitted_at) <= due_on else "late"] += 1
            elif due_on < day:
                found["late"] += 1
        results.append(_counts("info_reports", found))
    return results


# --- the ledger --------------------------------------------------------------------------------


@query
def _ledger_tasks(periods):
    from tenants.ledger.models import Task, TaskStatus

    return (
        Task.objects.exclude(status=TaskStatus.CANCELLED)
        .filter(_union_day_in("due_on", periods) | _union_moment_in("completed_at", periods))
        .values("status", "due_on", "completed_at")
    )


@counter
def ledger_tasks(periods) -> list[dict[str, Row]]:
    """Tasks (not cancelled) due in the period or completed in it, by their state on `as_of`: done
    by the due date, done after it, not done and past due (overdue), not done and not yet due."""
    from tenants.ledger.models import TaskStatus

    tasks = [(t["status"], t["due_on"], t["completed_at"]) for t in _fetch(_ledger_tasks, periods)]
    results = []
    for period in periods:
        day = as_of(period)
        start, end = _span(period)
        found = {"done_on_time": 0, "done_late": 0, "overdue": 0, "open": 0}
        for status, due_on, completed_at in tasks:
            due_in = due_on is not None and period.start <= due_on <= period.end
            if not (due_in or (completed_at is not None and start <= completed_at < end)):
                continue
            done_on = _local_day(completed_at) if status == TaskStatus.DONE else None
            if done_on is not None and done_on <= day:
                found["done_on_time" if done_on <= due_on else "done_late"] += 1
            elif due_on < day:
                found["overdue"] += 1
            else:
                found["open"] += 1
        results.append(_counts("ledger_tasks", found))
    return results


# --- programmes --------------------------------------------------------------------------------


@query
def _activity_rows(periods):
    from tenants.programs.models import Activity

    return (
        Activity.objects.filter(_union_day_in("held_on", periods))
        .values("kind")
        .annotate(
            **{f"n{i}": Count("id", filter=_day_in("held_on", p)) for i, p in enumerate(periods)},
            **{
                f"s{i}": Sum("participant_count", filter=_day_in("held_on", p)) for i, p in enumerate(periods)
            },
        )
        .order_by()
    )


def _activities(periods) -> list[dict[str, tuple]]:
    """{kind: (activities, participants)} per period, in one query."""
    rows = _fetch(_activity_rows, periods)
    return [{row["kind"]: (row[f"n{i}"], row[f"s{i}"]) for row in rows} for i in range(len(periods))]


@counter
def activities(periods) -> list[dict[str, Row]]:
    return [
        _counts("activities", {kind: n for kind, (n, _s) in found.items()})
        for found in _shared("_activities", _activities, periods)
    ]


@counter
def activity_participants(periods) -> list[dict[str, Row]]:
    return [
        _counts("activity_participants", {kind: s for kind, (_n, s) in found.items()})
        for found in _shared("_activities", _activities, periods)
    ]


@query
def _class_sessions(periods):
    from tenants.programs.models import ClassSession

    return _one_row(
        ClassSession.objects.filter(_union_day_in("held_on", periods)),
        **_per_period(periods, lambda p: Count("id", filter=_day_in("held_on", p))),
    )


@counter
def class_sessions(periods) -> list[dict[str, Row]]:
    found = _fetch(_class_sessions, periods)[0]
    return [_total("class_sessions", found[f"p{i}"]) for i in range(len(periods))]


@query
def _parent_event_sums(periods):
    from tenants.programs.models import ParentEvent

    return _one_row(
        ParentEvent.objects.filter(_union_day_in("held_on", periods)),
        **{f"n{i}": Count("id", filter=_day_in("held_on", p)) for i, p in enumerate(periods)},
        **{f"s{i}": Sum("attendance_count", filter=_day_in("held_on", p)) for i, p in enumerate(periods)},
    )


def _parent_events(periods) -> list[tuple]:
    """(events, participants) per period, in one query."""
    found = _fetch(_parent_event_sums, periods)[0]
    return [(found[f"n{i}"], found[f"s{i}"]) for i in range(len(periods))]


@counter
def parent_events(periods) -> list[dict[str, Row]]:
    return [_total("parent_events", n) for n, _s in _shared("_parent_events", _parent_events, periods)]


@counter
def parent_event_participants(periods) -> list[dict[str, Row]]:
    return [
        _total("parent_event_participants", s) for _n, s in _shared("_parent_events", _parent_events, periods)
    ]


# --- the team ----------------------------------------------------------------------------------


@query
def _training_sums(periods):
    from tenants.team.models import TrainingRecord

    return _one_row(
        TrainingRecord.objects.filter(_union_day_in("trained_on", periods)),
        **{f"h{i}": Sum("hours", filter=_day_in("trained_on", p)) for i, p in enumerate(periods)},
        **{
            f"n{i}": Count("staff", distinct=True, filter=_day_in("trained_on", p))
            for i, p in enumerate(periods)
        },
    )


def _training(periods) -> list[tuple[Decimal, int]]:
    """(hours, people trained) per period, in one query."""
    found = _fetch(_training_sums, periods)[0]
    return [(_d(found[f"h{i}"]), found[f"n{i}"] or 0) for i in range(len(periods))]


@counter
def training_hours(periods) -> list[dict[str, Row]]:
    return [_total("training_hours", hours) for hours, _n in _shared("_training", _training, periods)]


@counter
def teachers_trained(periods) -> list[dict[str, Row]]:
    return [_total("teachers_trained", people) for _h, people in _shared("_training", _training, periods)]


@counter
def training_hours_per_teacher(periods) -> list[dict[str, Row]]:
    return [{"": rate(hours, people, 1)} for hours, people in _shared("_training", _training, periods)]


@query
def _psych_teachers(periods):
    from tenants.team.models import PsychologyPost, StaffMember

    days = _days(periods)
    return (
        StaffMember.objects.filter(
            is_active=True,
            psychology_post__in=[PsychologyPost.FULL_TIME, PsychologyPost.PART_TIME],
            created_at__lt=_next_moment(days[-1]),
        )
        .values("psychology_post")
        .annotate(**_per_day(days, lambda day: Count("id", filter=Q(created_at__lt=_next_moment(day)))))
        .order_by()
    )


@counter
def psych_teachers(periods) -> list[dict[str, Row]]:
    """Staff on staff now with a full-time or part-time psychology post (added by `as_of`)."""
    days = _days(periods)
    rows = _fetch(_psych_teachers, periods)
    return [
        _counts("psych_teachers", {row["psychology_post"]: row[_day_key(days, p)] for row in rows})
        for p in periods
    ]


@counter
def psych_teachers_per_1000(periods) -> list[dict[str, Row]]:
    teachers = _element("psych_teachers", periods)
    students = _element("enrolment", periods)
    return [{"": rate(t[""][0], s[""][0], 1000)} for t, s in zip(teachers, students, strict=True)]


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


@query
def _room_rows(periods):
    from tenants.resources.models import CounselingRoom

    return CounselingRoom.objects.filter(
        is_active=True, created_at__lt=_next_moment(_days(periods)[-1])
    ).values("created_at", "opening_hours")


def _rooms(periods) -> list[tuple[int, Decimal]]:
    """(rooms in use, their weekly hours) on each period's `as_of`, from one query."""
    rooms = [(room["created_at"], room["opening_hours"]) for room in _fetch(_room_rows, periods)]
    hours = {text: weekly_hours(text) for _created, text in rooms}
    results = []
    for period in periods:
        after = _next_moment(as_of(period))
        texts = [text for created, text in rooms if created < after]
        results.append((len(texts), sum((hours[text] for text in texts), ZERO)))
    return results


@counter
def counseling_rooms(periods) -> list[dict[str, Row]]:
    """Rooms in use (any kind: counseling room, guidance station, group room, ...)."""
    return [_total("counseling_rooms", n) for n, _hours in _shared("_rooms", _rooms, periods)]


@counter
def room_weekly_hours(periods) -> list[dict[str, Row]]:
    return [_total("room_weekly_hours", hours) for _n, hours in _shared("_rooms", _rooms, periods)]


# --- screening ---------------------------------------------------------------------------------


def _responses(periods):
    from tenants.screening.models import Response

    return Response.objects.filter(
        _union_moment_in("taken_at", periods), complete=True, archived_at__isnull=True
    )


@query
def _screened_students(periods):
    return (
        _responses(periods)
        .values("student__school_class__grade")
        .annotate(
            **_per_period(
                periods, lambda p: Count("student", distinct=True, filter=_moment_in("taken_at", p))
            )
        )
        .order_by()
    )


@counter
def screened_students(periods) -> list[dict[str, Row]]:
    """Students with at least one complete response in the period, by current grade."""
    rows = _fetch(_screened_students, periods)
    return [
        _counts(
            "screened_students", {f"g{row['student__school_class__grade']}": row[f"p{i}"] for row in rows}
        )
        for i in range(len(periods))
    ]


@counter
def screening_coverage(periods) -> list[dict[str, Row]]:
    """Screened ÷ enrolled ×100 per grade; the total is over the target grades only
    (settings.SCREENING_TARGET_GRADES)."""
    targets = {f"g{g}" for g in settings.SCREENING_TARGET_GRADES}
    results = []
    for screened, enrolled in zip(
        _element("screened_students", periods), _element("enrolment", periods), strict=True
    ):
        rows: dict[str, Row] = {}
        top = [ZERO, ZERO]
        for category in _codes("screening_coverage"):
            rows[category] = rate(screened[category][0], enrolled[category][0], 100)
            if category in targets:
                top[0] += screened[category][0]
                top[1] += enrolled[category][0]
        results.append({"": rate(top[0], top[1], 100), **rows})
    return results


def _codes(code: str) -> list[str]:
    return [category["code"] for category in BY_CODE[code].categories]


_SCREENING_CODES = {category["code"] for category in SCREENING_CATEGORIES}


@query
def _screenings(periods):
    return (
        _responses(periods)
        .values("instrument_code", "band")
        .annotate(**_per_period(periods, lambda p: Count("id", filter=_moment_in("taken_at", p))))
        .order_by()
    )


@counter
def screenings(periods) -> list[dict[str, Row]]:
    """Complete responses in the period by instrument and band ("other" for any other instrument or
    band)."""
    rows = _fetch(_screenings, periods)
    results = []
    for i in range(len(periods)):
        found: dict[str, int] = {}
        for row in rows:
            code = f"{row['instrument_code']}.{row['band']}"
            code = code if code in _SCREENING_CODES else "other"
            found[code] = found.get(code, 0) + row[f"p{i}"]
        results.append(_counts("screenings", found))
    return results


# --- counseling and crisis ---------------------------------------------------------------------


@query
def _counseling_sessions(periods):
    from tenants.counseling.models import CounselingSession

    return _one_row(
        CounselingSession.objects.filter(_union_moment_in("held_at", periods), archived_at__isnull=True),
        **_per_period(periods, lambda p: Count("id", filter=_moment_in("held_at", p))),
    )


@counter
def counseling_sessions(periods) -> list[dict[str, Row]]:
    found = _fetch(_counseling_sessions, periods)[0]
    return [_total("counseling_sessions", found[f"p{i}"]) for i in range(len(periods))]


@query
def _referrals(periods):
    from tenants.counseling.models import Referral

    return _one_row(
        Referral.objects.filter(_union_day_in("referred_on", periods), archived_at__isnull=True),
        **_per_period(periods, lambda p: Count("id", filter=_day_in("referred_on", p))),
    )


@counter
def referrals(periods) -> list[dict[str, Row]]:
    found = _fetch(_referrals, periods)[0]
    return [_total("referrals", found[f"p{i}"]) for i in range(len(periods))]


def _crisis_cases(periods):
    from tenants.crisis.models import CrisisCase

    return CrisisCase.objects.filter(_union_moment_in("opened_at", periods), archived_at__isnull=True)


@query
def _case_rows(periods):
    return _crisis_cases(periods).values("id", "opened_at", "level")


@query
def _case_steps(periods):
    from tenants.crisis.models import CaseStep, Step

    return CaseStep.objects.filter(
        case__in=_crisis_cases(periods), step__in=[Step.IDENTIFIED, Step.ASSESSED]
    ).values("case_id", "step", "done_at")


def _crisis(periods) -> list[tuple[list, dict, dict]]:
    """Per period: the cases opened in it (id, opened_at, level), and the moments of their
    identified and assessed steps ({case_id: done_at} each). Two queries for both crisis elements
    and all the periods."""
    from tenants.crisis.models import Step

    cases = [(case["id"], case["opened_at"], case["level"]) for case in _fetch(_case_rows, periods)]
    identified, assessed = {}, {}
    for step in _fetch(_case_steps, periods):
        (assessed if step["step"] == Step.ASSESSED else identified)[step["case_id"]] = step["done_at"]
    results = []
    for period in periods:
        start, end = _span(period)
        results.append(([case for case in cases if start <= case[1] < end], identified, assessed))
    return results


@counter
def crisis_cases(periods) -> list[dict[str, Row]]:
    """Cases opened in the period by risk level; a case with no assessment step by `as_of` is
    "unassessed" (its level is only the first guess at identification)."""
    results = []
    for period, (cases, _identified, assessed) in zip(
        periods, _shared("_crisis", _crisis, periods), strict=True
    ):
        assessed_by = _next_moment(as_of(period))
        found = {"unassessed": 0}
        for case_id, _opened_at, level in cases:
            done_at = assessed.get(case_id)
            if done_at is not None and done_at < assessed_by:
                found[level] = found.get(level, 0) + 1
            else:
                found["unassessed"] += 1
        results.append(_counts("crisis_cases", found))
    return results


@counter
def crisis_hours_to_assessment(periods) -> list[dict[str, Row]]:
    """Median hours from identification (the identified step, else the case's opening) to the
    assessment step, over cases opened in the period and assessed; numerator: how many."""
    results = []
    for cases, identified, assessed in _shared("_crisis", _crisis, periods):
        hours = [
            Decimal(max((assessed[case_id] - identified.get(case_id, opened_at)).total_seconds(), 0)) / 3600
            for case_id, opened_at, _level in cases
            if case_id in assessed
        ]
        if not hours:
            results.append({"": (None, ZERO, None)})
            continue
        value = Decimal(median(hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        results.append({"": (value, Decimal(len(hours)), None)})
    return results


# --- finance -----------------------------------------------------------------------------------


def _budget_keys(periods) -> list[tuple[str, date]]:
    """(school year, as_of) of each period: the budget's year and the day spending is read to."""
    from shared.calendar import school_year_of

    return [(school_year_of(p.start), as_of(p)) for p in periods]


@query
def _budgets(periods):
    from tenants.finance.models import BudgetLine

    years = sorted({year for year, _day in _budget_keys(periods)})
    return (
        BudgetLine.objects.filter(school_year__in=years)
        .values("school_year")
        .annotate(n=Sum("amount"))
        .order_by()
    )


@query
def _spending(periods):
    from shared.calendar import school_year_bounds
    from tenants.finance.models import Spending

    distinct = sorted(set(_budget_keys(periods)))

    def spent(year, day):
        return Q(line__school_year=year, spent_on__gte=school_year_bounds(year)[0], spent_on__lte=day)

    return _one_row(
        Spending.objects.filter(line__school_year__in=sorted({year for year, _day in distinct})),
        **{f"s{k}": Sum("amount", filter=spent(year, day)) for k, (year, day) in enumerate(distinct)},
    )


@counter
def budget_spent_share(periods) -> list[dict[str, Row]]:
    """Spending from the start of the school year to `as_of` on that year's budget lines, as a share
    (%) of the year's budget. The school year is the one the period starts in."""
    keys = _budget_keys(periods)
    distinct = sorted(set(keys))
    budgets = {row["school_year"]: row["n"] for row in _fetch(_budgets, periods)}
    spent = _fetch(_spending, periods)[0]
    return [{"": rate(spent[f"s{distinct.index(key)}"], budgets.get(key[0]), 100)} for key in keys]


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


def _shared(name: str, many, periods) -> list:
    """`many(periods)`, computed once per count_periods() for each period (rates reuse the counts
    behind them, and elements read from one table share one query)."""
    memo = getattr(_local, "memo", None)
    if memo is None:
        return many(periods)
    missing = [p for p in periods if (name, p.start, p.end) not in memo]
    if missing:
        for period, result in zip(missing, many(missing), strict=True):
            memo[(name, period.start, period.end)] = result
    return [memo[(name, p.start, p.end)] for p in periods]


def _element(code: str, periods) -> list[dict[str, Row]]:
    """An element's rows for each period. A counter without `.many` (e.g. one replaced in a test)
    is called period by period."""
    one = COUNTERS[code]
    many = getattr(one, "many", None)
    return _shared(code, many if many is not None else (lambda ps: [one(p) for p in ps]), periods)


def count_periods(periods) -> list[dict[str, dict[str, Row]]]:
    """Every element of the catalog for each of `periods`, in the current school: one query per
    element (or per table) for all the periods together."""
    require_school_schema()
    missing = set(BY_CODE) - set(COUNTERS)
    if missing:
        raise LookupError(f"No counting function for {sorted(missing)}")
    periods = list(periods)
    if not periods:
        return []
    _local.memo = {}
    _local.fetched = _prefetch(periods)
    try:
        by_code = {code: _element(code, periods) for code in BY_CODE}
    finally:
        _local.memo = _local.fetched = None
    return [{code: rows[i] for code, rows in by_code.items()} for i in range(len(periods))]


def count_all(period) -> dict[str, dict[str, Row]]:
    """Every element of the catalog for one period, in the current school."""
    return count_periods([period])[0]
