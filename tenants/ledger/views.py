"""Ledger and meeting pages."""

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
from shared.pages import Action, Column, Filter, FormPage, TablePage
from tenants.common.choices import Department
from tenants.governance.models import Plan
from tenants.ledger import selectors, services
from tenants.ledger.forms import ActionItemForm, MeetingForm, NoteForm, OwnTaskForm, RecordForm, TaskForm
from tenants.ledger.models import Meeting, MeetingActionItem, TaskStatus
from tenants.ledger.policies import meeting_policy, task_policy
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


def _owner_choices(request):
    return [
        (str(u.public_id), u.display_name) for u in User.objects.filter(owned_tasks__isnull=False).distinct()
    ]


def _plan_choices(request):
    return [(str(p.public_id), p.title) for p in Plan.objects.all()]


TASK_FILTERS = [
    Filter("status", gettext_lazy("Status"), choices=list(TaskStatus.choices)),
    Filter(
        "overdue",
        gettext_lazy("Overdue"),
        choices=[("yes", gettext_lazy("Overdue only"))],
        apply=lambda qs, v: qs.filter(is_overdue=True),
    ),
    Filter("owner", gettext_lazy("Responsible person"), choices=_owner_choices, lookup="owner__public_id"),
    Filter("plan", gettext_lazy("Work plan"), choices=_plan_choices, lookup="plan__public_id"),
    Filter("department", gettext_lazy("Department"), choices=list(Department.choices)),
    Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
]


class TaskListPage(TablePage):
    title = gettext_lazy("Task ledger")
    intro = gettext_lazy("Every task has one responsible person. Overdue follows from the due date.")
    columns = TASK_COLUMNS
    filters = TASK_FILTERS
    export_name = "工作台账"
    policy = task_policy
    empty_text = gettext_lazy("No tasks yet. Add the first task, or turn a meeting's action item into one.")
    template_name = "ledger/tasks_table.html"

    def get_queryset(self, request):
        return task_policy.visible(request.user, selectors.task_list())

    def get_actions(self, request):
        actions = []
        if task_policy.can_create(request.user):
            actions.append(Action(_("New task"), reverse("ledger:task_new")))
        return actions


class MyTasksPage(TaskListPage):
    title = gettext_lazy("My tasks")
    export_name = "我的任务"
    filters = [f for f in TASK_FILTERS if f.name != "owner"]
    empty_text = gettext_lazy(
        "Nothing is assigned to you. Tasks given to you in meetings or plans appear here."
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(owner=request.user)


class _RollupPage(TablePage):
    field = ""
    template_name = "ledger/tasks_table.html"
    policy = task_policy
    empty_text = gettext_lazy("No tasks yet.")

    def get_queryset(self, request):
        return list(selectors.task_counts_by(self.field))


def _link_filtered(param, key):
    return lambda row: f"{reverse('ledger:index')}?{param}={row.get(key) or ''}"


class ByOwnerPage(_RollupPage):
    title = gettext_lazy("Tasks by responsible person")
    field = "owner"
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


def _visible_task(request, task_id):
    return get_object_or_404(task_policy.visible(request.user, selectors.task_list()), public_id=task_id)


class TaskCreatePage(FormPage):
    title = gettext_lazy("New task")
    form_class = TaskForm
    policy = task_policy
    success_message = gettext_lazy("The task was added to the ledger.")

    def initial(self, request):
        plan = (
            Plan.objects.filter(public_id=request.GET.get("plan")).first()
            if request.GET.get("plan")
            else None
        )
        return {"plan": plan}

    def save(self, request, form, obj):
        return services.task_create(actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return _task_url(saved)


class TaskEditPage(FormPage):
    title = gettext_lazy("Edit task")
    policy = task_policy

    def get_object(self, request, task_id):
        if not task_policy.can_read(request.user):
            raise Http404
        return _visible_task(request, task_id)

    @property
    def form_class(self):
        return TaskForm if task_policy.can_create(self.request.user) else OwnTaskForm

    def save(self, request, form, obj):
        return services.task_update(obj, actor=request.user, data=dict(form.cleaned_data))

    def success_url(self, request, saved):
        return _task_url(saved)


@login_required
def task_detail(request, task_id):
    if not task_policy.can_read(request.user):
        raise Http404
    task = _visible_task(request, task_id)
    form = NoteForm()
    can_note = task_policy.can_add_note(request.user, task)
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
            "can_edit": task_policy.can_change(request.user, task),
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
    filters = [
        Filter("status", gettext_lazy("Status"), choices=list(Meeting._meta.get_field("status").choices)),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ]
    export_name = "工作会议"
    policy = meeting_policy
    empty_text = gettext_lazy("No meetings yet. Schedule the leadership group's first meeting.")

    def get_queryset(self, request):
        return meeting_policy.visible(request.user, selectors.meeting_list())

    def get_actions(self, request):
        if meeting_policy.can_create(request.user):
            return [Action(_("New meeting"), reverse("ledger:meeting_new"))]
        return []


class MeetingCreatePage(FormPage):
    title = gettext_lazy("New meeting")
    form_class = MeetingForm
    policy = meeting_policy
    success_message = gettext_lazy("The meeting was scheduled.")

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        invitees = data.pop("invitees", [])
        return services.meeting_create(actor=request.user, invitees=invitees, **data)

    def success_url(self, request, saved):
        return reverse("ledger:meeting", args=[saved.public_id])


class MeetingEditPage(MeetingCreatePage):
    title = gettext_lazy("Edit meeting")
    success_message = gettext_lazy("The meeting was saved.")

    def get_object(self, request, meeting_id):
        return get_object_or_404(
            meeting_policy.visible(request.user, Meeting.objects.all()), public_id=meeting_id
        )

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        invitees = data.pop("invitees", [])
        return services.meeting_update(obj, actor=request.user, data=data, invitees=invitees)


@login_required
def meeting_detail(request, meeting_id):
    if not meeting_policy.can_read(request.user):
        raise Http404
    meeting = get_object_or_404(
        meeting_policy.visible(request.user, selectors.meeting_list()), public_id=meeting_id
    )
    can_change = meeting_policy.can_change(request.user, meeting)
    record_form = RecordForm(
        meeting=meeting,
        initial={
            "minutes": meeting.minutes,
            "attended": [i.person_id for i in meeting.invitations.all() if i.attended],
        },
    )
    item_form = ActionItemForm()
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            with transaction.atomic():
                if action == "record":
                    record_form = RecordForm(request.POST, meeting=meeting)
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
