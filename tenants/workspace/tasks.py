"""Daily reminders about ledger tasks, one task per school (fanned out by the district beat job)."""

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext as _

from shared.tasks import SchoolTask
from tenants.ledger import selectors
from tenants.workspace.services import notify


@shared_task(base=SchoolTask, name="ledger.notify_due_tasks")
def notify_due_tasks() -> dict:
    """Tell each responsible person about their tasks due soon and overdue: in the app, and by
    email when SMTP is configured. Each task is mentioned at most once a day."""
    today = selectors.today()
    sent = {"due_soon": 0, "overdue": 0}
    for kind, tasks in (
        ("due_soon", selectors.tasks_due_soon(on=today)),
        ("overdue", selectors.tasks_overdue(on=today)),
    ):
        for task in tasks:
            if kind == "overdue":
                title = _("Overdue: %(title)s (was due %(due)s)") % {"title": task.title, "due": task.due_on}
            else:
                title = _("Due soon: %(title)s (due %(due)s)") % {"title": task.title, "due": task.due_on}
            note = notify(
                recipient=task.owner,
                title=title,
                link=reverse("ledger:task", args=[task.public_id]),
                dedupe_key=f"task:{task.public_id}:{kind}:{today.isoformat()}",
            )
            if note is not None:
                sent[kind] += 1
    return sent
