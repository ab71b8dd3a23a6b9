"""The task ledger and meetings, declared once: pages and API are built from these."""

from django.utils.translation import gettext_lazy as _

from shared.accounts.models import User
from shared.resources import Area, Filter, Resource, Tab, visible_choices
from tenants.common.choices import Department
from tenants.governance.models import Plan
from tenants.ledger import selectors, services
from tenants.ledger.models import Meeting, MeetingStatus, ProgressNote, Task, TaskStatus
from tenants.ledger.policies import meeting_policy, progress_note_policy, task_policy

area = Area(
    namespace="ledger",
    label=_("Task ledger"),
    tabs=[
        Tab("index", "ledger:index", _("All tasks")),
        Tab("mine", "ledger:mine", _("Mine")),
        Tab("by_owner", "ledger:by_owner", _("By person")),
        Tab("by_plan", "ledger:by_plan", _("By plan")),
        Tab("by_department", "ledger:by_department", _("By department")),
    ],
)


def owner_choices(request):
    """The responsible people of the tasks this person may see."""
    owners = User.objects.filter(owned_tasks__in=tasks.queryset(request.user)).distinct()
    return [(str(u.public_id), u.display_name) for u in owners.order_by("full_name", "username")]


def plan_choices(request):
    plans = visible_choices(Plan.objects.order_by("-starts_on", "title"), request.user)
    return [(str(p.public_id), p.title) for p in plans]


class OwnerFilter(Filter):
    """A responsible person's id, or `me` for the person asking (the API's shorthand)."""

    def clean(self, value, request=None):
        if value == "me" and request is not None:
            return request.user.public_id
        return super().clean(value, request)


tasks = Resource(
    name="tasks",
    model=Task,
    label=_("Task ledger"),
    policy=task_policy,
    selector=selectors.task_list,
    create=services.task_create,
    update=services.task_update,
    delete=services.task_delete,
    filters=[
        Filter("status", _("Status"), choices=list(TaskStatus.choices)),
        Filter(
            "overdue",
            _("Overdue"),
            choices=[("yes", _("Overdue only"))],
            apply=lambda qs, v: qs.filter(is_overdue=True),
            kind="flag",
        ),
        OwnerFilter("owner", _("Responsible person"), choices=owner_choices, lookup="owner__public_id"),
        Filter("plan", _("Work plan"), choices=plan_choices, lookup="plan__public_id"),
        Filter("department", _("Department"), choices=list(Department.choices)),
        Filter("q", _("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ],
)

# Not offered as pages or a list/detail API (notes are read and added through their task): declared
# so that the evidence files attached to a note are downloaded by exactly the people who may see
# its task (tenants.workspace.attachments).
progress_notes = Resource(
    name="progress-notes",
    model=ProgressNote,
    label=_("Progress notes"),
    policy=progress_note_policy,
    selector=selectors.progress_notes,
)

meetings = Resource(
    name="meetings",
    model=Meeting,
    label=_("Meetings"),
    policy=meeting_policy,
    selector=selectors.meetings,
    create=services.meeting_create,
    update=services.meeting_update,
    delete=services.meeting_delete,
    filters=[
        Filter("status", _("Status"), choices=list(MeetingStatus.choices)),
        Filter("q", _("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ],
)
