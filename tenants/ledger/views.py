"""Ledger and meeting pages. The resources, their filters and the area's tabs are declared in
tenants/ledger/resources.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.accounts.models import User
from shared.pages import Action, Column, FormPage, TablePage, is_uuid
from shared.resources import narrow_form_choices, visible_choices
from tenants.common.choices import Department
from tenants.governance.models import Plan
from tenants.ledger import selectors, services
from tenants.ledger.forms import ActionItemForm, MeetingForm, NoteForm, OwnTaskForm, RecordForm, TaskForm
from tenants.ledger.models import MeetingActionItem
from tenants.ledger.resources import area, meetings, tasks
from tenants.workspace.selectors import attachments_for


def _task_url(task):
    return reverse("ledger:task", args=[task.public_id])


def _status_badge(task):
    if getattr(task, "is_overdue", False):
        return _("Overdue")
    return task.get_status_display()


TASK_COLUMNS = [
    Column(gettext_lazy("Task"), "title", link=_task_url),
    Column(gettext_lazy("Responsible person"), "owner.display_name"),
    Column(gettext_lazy("Due date"), "due_on"),
    Column(gettext_lazy("Priority"), "get_priority_display"),
    Column(gettext_lazy("Status"), _status_badge),
    Column(gettext_lazy("Department"), "get_department_display"),
    Column(gettext_lazy("Work plan"), "plan.title"),
    Column(gettext_lazy("Meeting"), "meeting.title"),
]


class TaskListPage(TablePage):
    title = gettext_lazy("Task ledger")
    intro = gettext_lazy("Every task has one responsible person. Overdue follows from the due date.")
    columns = TASK_COLUMNS
    export_name = "工作台账"
    resource = tasks
    area = area
    tab = "index"
    empty_text = gettext_lazy("No tasks yet. Add the first task, or turn a meeting's action item into one.")

    def get_actions(self, request):
        actions = []
        if tasks.policy.can_create(request.user):
            actions.append(Action(_("New task"), reverse("ledger:task_new")))
        return actions


class MyTasksPage(TaskListPage):
    title = gettext_lazy("My tasks")
    export_name = "我的任务"
    tab = "mine"
    filters = [f for f in tasks.filters if f.name != "owner"]
    empty_text = gettext_lazy(
        "Nothing is assigned to you. Tasks given to you in meetings or plans appear here."
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner=request.user)


class _RollupPage(TablePage):
    """Not a plain resource: counts per person, plan or department over the tasks the person may
    see, so the rows are built here."""

    field = ""
    policy = tasks.policy
    area = area
    empty_text = gettext_lazy("No tasks yet.")

    def get_queryset(self, request):
        return list(selectors.task_counts_by(self.field, tasks=tasks.queryset(request.user)))


def _link_filtered(param, key):
    return lambda row: f"{reverse('ledger:index')}?{param}={row.get(key) or ''}"


class ByOwnerPage(_RollupPage):
    title = gettext_lazy("Tasks by responsible person")
    field = "owner"
    tab = "by_owner"
    export_name = "按负责人"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        people = {u.pk: u for u in User.objects.filter(pk__in=[r["owner"] for r in rows])}
        for row in rows:
            row["name"] = people[row["owner"]].display_name
            row["key"] = str(people[row["owner"]].public_id)
        return rows

    columns = [
        Column(gettext_lazy("Responsible person"), "name", link=_link_filtered("owner", "key")),
        Column(gettext_lazy("Open"), "open", numeric=True),
        Column(gettext_lazy("Overdue"), "overdue", numeric=True),
        Column(gettext_lazy("Done"), "done", numeric=True),
        Column(gettext_lazy("Total"), "total", numeric=True),
    ]


class ByPlanPage(_RollupPage):
    title = gettext_lazy("Tasks by work plan")
    field = "plan"
    tab = "by_plan"
    export_name = "按工作计划"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        plans = {p.pk: p for p in Plan.objects.all()}
        for row in rows:
            plan = plans.get(row["plan"])
            row["name"] = plan.title if plan else _("(no plan)")
            row["key"] = str(plan.public_id) if plan else ""
            row["percent"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
        return rows

    columns = [
        Column(gettext_lazy("Work plan"), "name", link=_link_filtered("plan", "key")),
        Column(gettext_lazy("Open"), "open", numeric=True),
        Column(gettext_lazy("Overdue"), "overdue", numeric=True),
        Column(gettext_lazy("Done"), "done", numeric=True),
        Column(gettext_lazy("Total"), "total", numeric=True),
        Column(gettext_lazy("Done %"), "percent", numeric=True),
    ]


class ByDepartmentPage(_RollupPage):
    title = gettext_lazy("Tasks by department")
    field = "department"
    tab = "by_department"
    export_name = "按部门"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        labels = dict(Department.choices)
        for row in rows:
            row["name"] = labels.get(row["department"], _("(no department)"))
        return rows

    columns = [
        Column(gettext_lazy("Department"), "name", link=_link_filtered("department", "department")),
        Column(gettext_lazy("Open"), "open", numeric=True),
        Column(gettext_lazy("Overdue"), "overdue", numeric=True),
        Column(gettext_lazy("Done"), "done", numeric=True),
        Column(gettext_lazy("Total"), "total", numeric=True),
    ]


class TaskFormPage(FormPage):
    title = gettext_lazy("New task")
    edit_title = gettext_lazy("Edit task")
    resource = tasks
    area = area
    tab = "index"

    @property
    def form_class(self):
        # The responsible person edits a task's progress only (OwnTaskForm); managers edit it all.
        obj = getattr(self, "object", None)
        if obj is not None and not tasks.policy.can_reassign(self.request.user, obj):
            return OwnTaskForm
        return TaskForm

    @property
    def success_message(self):
        return _("Saved.") if getattr(self, "object", None) else _("The task was added to the ledger.")

    def get_object(self, request, **kwargs):
        self.object = super().get_object(request, **kwargs)
        return self.object

    def initial(self, request):
        plan = request.GET.get("plan", "")
        if not is_uuid(plan):
            return {}
        return {"plan": visible_choices(Plan.objects.filter(public_id=plan), request.user).first()}

    def success_url(self, request, saved):
        return _task_url(saved)


@login_required
def task_detail(request, id):
    """Not plain: the task with its progress notes, and the form to add one with evidence files."""
    if not tasks.policy.can_read(request.user):
        raise Http404
    task = tasks.get_for(request.user, id)
    form = NoteForm()
    can_note = tasks.policy.can_add_note(request.user, task)
    if request.method == "POST":
        if not can_note:
            raise PermissionDenied
        form = NoteForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.progress_note_add(
                        actor=request.user,
                        task=task,
                        text=form.cleaned_data["text"],
                        files=form.cleaned_data["files"],
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else "files", errors)
            else:
                messages.success(request, _("Progress note saved."))
                return redirect(_task_url(task))
    notes = list(task.notes.select_related("created_by"))
    for note in notes:
        note.files = attachments_for(note)
    return render(
        request,
        "ledger/task_detail.html",
        {
            "task": task,
            "notes": notes,
            "form": form,
            "can_note": can_note,
            "can_edit": tasks.policy.can_change(request.user, task),
        },
        status=400 if form.errors else 200,
    )


MEETING_COLUMNS = [
    Column(gettext_lazy("Meeting"), "title", link=lambda m: reverse("ledger:meeting", args=[m.public_id])),
    Column(gettext_lazy("Starts at"), "starts_at"),
    Column(gettext_lazy("Location"), "location"),
    Column(gettext_lazy("Chair"), "chair.display_name"),
    Column(gettext_lazy("Status"), "get_status_display"),
]


class MeetingListPage(TablePage):
    title = gettext_lazy("Meetings")
    columns = MEETING_COLUMNS
    export_name = "工作会议"
    resource = meetings
    empty_text = gettext_lazy("No meetings yet. Schedule the leadership group's first meeting.")

    def get_queryset(self, request):
        # The list shows no decisions or action items: read without the detail's prefetches.
        return meetings.policy.visible(request.user, selectors.meeting_list())

    def get_actions(self, request):
        if meetings.policy.can_create(request.user):
            return [Action(_("New meeting"), reverse("ledger:meeting_new"))]
        return []


class MeetingFormPage(FormPage):
    title = gettext_lazy("New meeting")
    edit_title = gettext_lazy("Edit meeting")
    form_class = MeetingForm
    resource = meetings

    @property
    def success_message(self):
        return _("The meeting was saved.") if self.editing else _("The meeting was scheduled.")

    def get_object(self, request, **kwargs):
        obj = super().get_object(request, **kwargs)
        self.editing = obj is not None
        return obj

    def success_url(self, request, saved):
        return reverse("ledger:meeting", args=[saved.public_id])


@login_required
def meeting_detail(request, id):
    """Not plain: the meeting with the forms that record it (minutes, attendance, decisions), add
    action items and turn an action item into a ledger task."""
    if not meetings.policy.can_read(request.user):
        raise Http404
    meeting = meetings.get_for(request.user, id)
    can_change = meetings.policy.can_change(request.user, meeting)
    record_form = RecordForm(
        meeting=meeting,
        initial={
            "minutes": meeting.minutes,
            "attended": [i.person_id for i in meeting.invitations.all() if i.attended],
        },
    )
    item_form = ActionItemForm()
    narrow_form_choices(record_form, request.user)
    narrow_form_choices(item_form, request.user)
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            with transaction.atomic():
                if action == "record":
                    record_form = RecordForm(request.POST, meeting=meeting)
                    narrow_form_choices(record_form, request.user)
                    if record_form.is_valid():
                        services.meeting_record(
                            meeting,
                            actor=request.user,
                            minutes=record_form.cleaned_data["minutes"],
                            attended_ids=[u.pk for u in record_form.cleaned_data["attended"]],
                            decisions=record_form.cleaned_data["decisions"].splitlines(),
                        )
                        messages.success(request, _("Minutes saved."))
                        return redirect(request.path)
                elif action == "action_item":
                    item_form = ActionItemForm(request.POST)
                    narrow_form_choices(item_form, request.user)
                    if item_form.is_valid():
                        services.action_item_add(
                            actor=request.user, meeting=meeting, **item_form.cleaned_data
                        )
                        messages.success(request, _("Action item added."))
                        return redirect(request.path)
                elif action == "to_task":
                    item = get_object_or_404(
                        MeetingActionItem, meeting=meeting, public_id=request.POST.get("item")
                    )
                    task = services.action_item_to_task(item, actor=request.user)
                    messages.success(request, _("The action item is now a ledger task."))
                    return redirect(_task_url(task))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        status = 400
    return render(
        request,
        "ledger/meeting_detail.html",
        {
            "meeting": meeting,
            "can_change": can_change,
            "record_form": record_form,
            "item_form": item_form,
            "decisions": meeting.decisions.all(),
            "items": meeting.action_items.select_related("owner", "task"),
        },
        status=status,
    )
