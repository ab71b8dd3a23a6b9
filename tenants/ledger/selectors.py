"""Read use cases of the ledger. Overdue is derived from the due date, never stored."""

from datetime import date, timedelta

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone

from tenants.ledger.models import OPEN_STATUSES, Meeting, ProgressNote, Task, TaskStatus

DUE_SOON_DAYS = 3


def today() -> date:
    return timezone.localdate()


def _overdue_q(on: date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=on)


def task_list(*, on: date | None = None):
    on = on or today()
    return (
        Task.objects.select_related("owner", "plan", "meeting")
        .annotate(
            is_overdue=Case(
                When(_overdue_q(on), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by("due_on", "id")
    )


def tasks_overdue(*, on: date | None = None):
    on = on or today()
    return task_list(on=on).filter(_overdue_q(on))


def tasks_due_soon(*, on: date | None = None, days: int = DUE_SOON_DAYS):
    on = on or today()
    return task_list(on=on).filter(
        status__in=OPEN_STATUSES, due_on__gte=on, due_on__lte=on + timedelta(days=days)
    )


def task_counts_by(field: str, *, on: date | None = None, tasks=None):
    """Roll-up per owner, plan or department: open, overdue, done, total; over `tasks` (the tasks a
    person may see) or all tasks."""
    on = on or today()
    tasks = Task.objects.all() if tasks is None else tasks
    return (
        Task.objects.filter(pk__in=tasks.values("pk"))
        .values(field)
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=_overdue_q(on)),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
        )
        .order_by(field)
    )


def task_detail(task_id):
    return task_list().prefetch_related("notes__created_by").get(pk=task_id)


def meeting_list():
    return (
        Meeting.objects.select_related("chair").prefetch_related("invitations__person").order_by("-starts_at")
    )


def meetings():
    """Meetings with everything their detail shows: invitations, decisions and action items."""
    return meeting_list().prefetch_related("decisions", "action_items__owner", "action_items__task")


def progress_notes():
    return ProgressNote.objects.select_related("task", "created_by").order_by("created_at", "id")
