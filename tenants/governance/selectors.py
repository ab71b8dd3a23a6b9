"""Read use cases of the governance area. "Late" and "on the group on a date" are derived from
dates, never stored."""

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from tenants.governance.models import (
    GroupAttendee,
    GroupMember,
    GroupRole,
    InfoReport,
    Plan,
    PlanStatus,
    ReportStatus,
    RosterChange,
    RuleDocument,
    RuleVersion,
)


def today() -> date:
    """Today at the school (Asia/Shanghai), whichever time zone is active."""
    return timezone.localdate(timezone=ZoneInfo(settings.DISPLAY_TIME_ZONE))


# --- Roster -------------------------------------------------------------------------------------

_ROLE_ORDER = Case(
    *[When(role=value, then=Value(i)) for i, value in enumerate(GroupRole.values)],
    output_field=IntegerField(),
)


def _on_q(on: date) -> Q:
    return Q(starts_on__lte=on) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def on_date(queryset, on: date):
    """Terms (of members or attendees) that run on `on`."""
    return queryset.filter(_on_q(on))


def member_list(*, on: date | None = None):
    """Every term on the group, or, with `on`, the members on the group that day."""
    qs = GroupMember.objects.select_related("person").annotate(role_order=_ROLE_ORDER)
    if on is not None:
        qs = qs.filter(_on_q(on))
    return qs.order_by("role_order", "department", "starts_on", "id")


def attendee_list(*, on: date | None = None):
    qs = GroupAttendee.objects.select_related("person")
    if on is not None:
        qs = qs.filter(_on_q(on))
    return qs.order_by("kind", "starts_on", "id")


def roster_on(*, on: date) -> dict:
    """Who was on the group on `on`, computed from the terms (each term's edits are in the history)."""
    return {"on": on, "members": list(member_list(on=on)), "attendees": list(attendee_list(on=on))}


def roster_history(*, subject_id=None):
    qs = RosterChange.objects.select_related("changed_by")
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    return qs.order_by("-changed_at", "-id")


# --- Plans --------------------------------------------------------------------------------------

_OPEN_TASK = Q(tasks__status__in=("todo", "in_progress"))
_STATUS_ORDER = Case(
    When(status=PlanStatus.IN_PROGRESS, then=Value(0)),
    When(status=PlanStatus.APPROVED, then=Value(1)),
    When(status=PlanStatus.DRAFT, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def plan_list(*, on: date | None = None):
    """Plans with their key-task counts. Cancelled tasks do not count towards progress."""
    on = on or today()
    return (
        Plan.objects.select_related("approved_by", "created_by")
        .annotate(
            task_total=Count("tasks", filter=~Q(tasks__status="cancelled")),
            task_done=Count("tasks", filter=Q(tasks__status="done")),
            task_overdue=Count("tasks", filter=_OPEN_TASK & Q(tasks__due_on__lt=on)),
            status_order=_STATUS_ORDER,
        )
        .order_by("status_order", "-starts_on", "title")
    )


def _percent(done: int, total: int) -> int:
    return round(done * 100 / total) if total else 0


def plan_progress(plan) -> dict:
    """Numbers for one plan from plan_list() annotations."""
    return {
        "public_id": plan.public_id,
        "title": plan.title,
        "status": plan.status,
        "total": plan.task_total,
        "done": plan.task_done,
        "overdue": plan.task_overdue,
        "percent": _percent(plan.task_done, plan.task_total),
    }


def plans_with_progress(*, today: date, include_closed: bool = False) -> list[dict]:
    """Per-plan progress: done key tasks / all key tasks (cancelled ones left out), and how many
    open ones are past due on `today`. Running plans first, then approved, then drafts; closed
    plans only when asked for (last)."""
    plans = plan_list(on=today)
    if not include_closed:
        plans = plans.exclude(status=PlanStatus.CLOSED)
    return [plan_progress(plan) for plan in plans]


def plan_tasks(plan):
    from tenants.ledger.models import Task

    return (
        Task.objects.filter(plan=plan)
        .select_related("owner")
        .annotate(
            is_overdue=Case(
                When(Q(status__in=("todo", "in_progress"), due_on__lt=today()), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("due_on", "id")
    )


# --- Rules --------------------------------------------------------------------------------------


def rule_document_list(*, on: date | None = None):
    """Documents with the version in force on `on` (today by default): the latest effective date
    on or before it; the later version wins on the same date."""
    on = on or today()
    current = RuleVersion.objects.filter(document=OuterRef("pk"), effective_on__lte=on).order_by(
        "-effective_on", "-number"
    )
    return (
        RuleDocument.objects.select_related("created_by")
        .annotate(
            version_count=Count("versions", distinct=True),
            current_number=Subquery(current.values("number")[:1]),
            current_effective_on=Subquery(current.values("effective_on")[:1]),
            current_version_id=Subquery(current.values("public_id")[:1]),
        )
        .order_by("category", "title")
    )


def rule_version_list():
    return RuleVersion.objects.select_related("document", "created_by").order_by("document", "-number")


def rule_versions(document):
    return document.versions.select_related("created_by").order_by("-number")


def version_attachments(versions) -> dict:
    """Attachments per version pk, in one query."""
    from django.contrib.contenttypes.models import ContentType

    from tenants.workspace.models import Attachment

    ids = [v.pk for v in versions]
    found = {}
    if ids:
        kind = ContentType.objects.get_for_model(RuleVersion)
        for attachment in Attachment.objects.filter(content_type=kind, object_id__in=ids).order_by(
            "created_at"
        ):
            found.setdefault(attachment.object_id, []).append(attachment)
    return found


# --- Information reports ------------------------------------------------------------------------


def _late_case(on: date):
    submitted_day = TruncDate("submitted_at", tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))
    return Case(
        When(Q(status=ReportStatus.SUBMITTED) & Q(submitted_day__gt=F("due_on")), then=Value(True)),
        When(Q(status=ReportStatus.DRAFT) & Q(due_on__lt=on), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    ), submitted_day


def report_list(*, on: date | None = None):
    """Reports with `is_late`: submitted after the due date, or still a draft past it."""
    on = on or today()
    late, submitted_day = _late_case(on)
    return (
        InfoReport.objects.select_related("submitted_by")
        .annotate(submitted_day=submitted_day)
        .annotate(is_late=late)
        .order_by("due_on", "kind", "id")
    )


def reports():
    """Reports as their detail shows them: with the status history."""
    return report_list().prefetch_related("status_changes__changed_by")


def report_timeliness(*, today: date, school_year: str | None = None) -> dict:
    """Completeness and timeliness of the reports due so far (due before or on `today`)."""
    qs = report_list(on=today).filter(due_on__lte=today)
    if school_year:
        qs = qs.filter(school_year=school_year)
    numbers = qs.aggregate(
        due=Count("id"),
        submitted=Count("id", filter=Q(status=ReportStatus.SUBMITTED)),
        on_time=Count("id", filter=Q(status=ReportStatus.SUBMITTED, is_late=False)),
        late_submitted=Count("id", filter=Q(status=ReportStatus.SUBMITTED, is_late=True)),
    )
    numbers["missing"] = numbers["due"] - numbers["submitted"]
    numbers["completeness_percent"] = _percent(numbers["submitted"], numbers["due"])
    numbers["timeliness_percent"] = _percent(numbers["on_time"], numbers["due"])
    return numbers


def governance_counts(*, today: date) -> dict:
    """Small numbers for the area's landing page."""
    return {
        "members": member_list(on=today).count(),
        "attendees": attendee_list(on=today).count(),
        "plans_open": Plan.objects.exclude(status=PlanStatus.CLOSED).count(),
        "plans_draft": Plan.objects.filter(status=PlanStatus.DRAFT).count(),
        "documents": RuleDocument.objects.count(),
        "reports_late": report_list(on=today).filter(is_late=True, status=ReportStatus.DRAFT).count(),
        "reports_due": report_list(on=today).filter(status=ReportStatus.DRAFT, due_on__gte=today).count(),
    }
