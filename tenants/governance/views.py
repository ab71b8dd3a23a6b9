"""Governance pages: leadership group roster, work plans, rules and regulations, information reports.
Thin: they parse input, ask the policy, and call a service or a selector."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, Filter, FormPage, TablePage, is_uuid
from tenants.common.choices import Department
from tenants.governance import forms, selectors, services
from tenants.governance.models import (
    AttendeeKind,
    GroupAttendee,
    GroupMember,
    GroupRole,
    InfoReport,
    Plan,
    PlanKind,
    PlanStatus,
    ReportKind,
    ReportStatus,
    RosterAction,
    RosterSubject,
    RuleCategory,
    RuleDocument,
    RuleVersion,
)
from tenants.governance.policies import group_policy, plan_policy, report_policy, rule_policy


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _on_from(request) -> tuple[date, str]:
    """The `on` date asked for (today when absent) and an error text when it does not parse."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return selectors.today(), ""
    day = _parse_day(raw)
    if day is None:
        return selectors.today(), _(
            "“%(value)s” is not a date; showing today instead. Use the form YYYY-MM-DD."
        ) % {"value": raw}
    return day, ""


class AreaFormPage(FormPage):
    """People who may not read the area get 404 (the same as a missing page); readers who may not
    write get 403."""

    def get_object(self, request, **kwargs):
        self.object = None
        if "id" in kwargs:
            self.object = get_object_or_404(
                self.policy.visible(request.user, self.model.objects.all()), public_id=kwargs["id"]
            )
        return self.object


def _require_reader(policy, request):
    if not policy.can_read(request.user):
        raise Http404


def _manager_actions(policy, request, actions):
    return actions if policy.can_create(request.user) else []


# --- Landing page ---------------------------------------------------------------------------------


@login_required
def index(request):
    _require_reader(group_policy, request)
    today = selectors.today()
    context = {
        "counts": selectors.governance_counts(today=today),
        "plans": selectors.plans_with_progress(today=today)[:5],
        "timeliness": selectors.report_timeliness(today=today),
        "today": today,
    }
    return render(request, "governance/index.html", context)


# --- Leadership group ---------------------------------------------------------------------------


def _member_edit_url(member):
    return reverse("governance:member_edit", args=[member.public_id])


def _member_end_url(member):
    return reverse("governance:member_end", args=[member.public_id])


def _history_url(obj):
    return f"{reverse('governance:history')}?entry={obj.public_id}"


def _term_end(obj):
    return obj.ends_on or _("ongoing")


class RosterPage(TablePage):
    title = gettext_lazy("Leadership group (领导小组)")
    intro = gettext_lazy(
        "The principal leads the group; heads of moral education, academic affairs, student "
        "affairs, security and logistics are members. Pick a date to see who was on the group then."
    )
    export_name = "领导小组"
    policy = group_policy
    template_name = "governance/roster.html"
    empty_text = gettext_lazy("Nobody is on the group on this date.")
    filters = [
        Filter("role", gettext_lazy("Role"), choices=list(GroupRole.choices)),
        Filter("department", gettext_lazy("Department"), choices=list(Department.choices)),
    ]

    def get(self, request, *args, **kwargs):
        base = [
            Column(gettext_lazy("Name"), "person.display_name", link=_history_url),
            Column(gettext_lazy("Role"), "get_role_display"),
            Column(gettext_lazy("Department"), "get_department_display"),
            Column(gettext_lazy("Duties"), "duties"),
            Column(gettext_lazy("Term starts"), "starts_on"),
            Column(gettext_lazy("Term ends"), _term_end),
        ]
        if group_policy.can_create(request.user) and request.GET.get("export") != "xlsx":
            base.append(Column(gettext_lazy("Change"), lambda m: _("Edit"), link=_member_edit_url))
            base.append(
                Column(
                    gettext_lazy("Term"),
                    lambda m: _("End the term") if m.ends_on is None else "",
                    link=lambda m: _member_end_url(m) if m.ends_on is None else None,
                )
            )
        self.columns = base
        return super().get(request, *args, **kwargs)

    def get_queryset(self, request):
        if request.GET.get("all") == "1":
            return selectors.member_list()
        on, _error = _on_from(request)
        return selectors.member_list(on=on)

    def get_actions(self, request):
        return _manager_actions(
            group_policy, request, [Action(_("Add a member"), reverse("governance:member_new"))]
        )

    def extra_context(self, request):
        on, error = _on_from(request)
        show_all = request.GET.get("all") == "1"
        return {
            "on": on,
            "on_error": error,
            "show_all": show_all,
            "is_today": on == selectors.today(),
            "attendees_on": [] if show_all else list(selectors.attendee_list(on=on)),
        }


def _describe(subject: str, changes: dict) -> str:
    """“Role: Member → Deputy; Term ends on: — → 2026-12-31”, in the model's field order."""
    model = GroupMember if subject == RosterSubject.MEMBER else GroupAttendee
    order = [f.name for f in model._meta.get_fields()]
    parts = []
    for name in sorted(changes or {}, key=lambda n: order.index(n) if n in order else len(order)):
        change = changes[name] or {}
        try:
            field = model._meta.get_field(name)
        except Exception:  # a field that no longer exists: show its name
            label, choices = name, {}
        else:
            label, choices = str(field.verbose_name), {k: str(v) for k, v in (field.choices or [])}
        before, after = (
            choices.get(v, v) if v not in (None, "") else "—" for v in (change.get("from"), change.get("to"))
        )
        if before == after:
            continue
        parts.append(f"{label[:1].upper()}{label[1:]}: {before} → {after}")
    return "; ".join(parts)


class RosterHistoryPage(TablePage):
    title = gettext_lazy("Roster history")
    intro = gettext_lazy(
        "Every change to the group and its invited attendees: what changed, when, and by whom. "
        "Entries are never rewritten."
    )
    export_name = "领导小组变更记录"
    policy = group_policy
    template_name = "governance/table.html"
    empty_text = gettext_lazy("No changes recorded yet.")
    columns = [
        Column(gettext_lazy("When"), "changed_at"),
        Column(gettext_lazy("Entry"), "get_subject_display"),
        Column(gettext_lazy("Name"), "subject_name"),
        Column(gettext_lazy("Change"), "get_action_display"),
        Column(gettext_lazy("What changed"), lambda c: _describe(c.subject, c.changes)),
        Column(gettext_lazy("By"), "changed_by.display_name"),
    ]
    filters = [
        Filter("subject", gettext_lazy("Entry"), choices=list(RosterSubject.choices)),
        Filter("action", gettext_lazy("Change"), choices=list(RosterAction.choices)),
        Filter(
            "entry",
            gettext_lazy("Entry id"),
            apply=lambda qs, v: qs.filter(subject_id=v) if is_uuid(v) else qs.none(),
        ),
    ]

    def get_queryset(self, request):
        return selectors.roster_history()


def _attendee_edit_url(attendee):
    return reverse("governance:attendee_edit", args=[attendee.public_id])


class AttendeeListPage(TablePage):
    title = gettext_lazy("Invited attendees (列席)")
    intro = gettext_lazy(
        "Outside counselors, psychology experts, parent and student representatives invited to "
        "attend the group's meetings. They may or may not have an account."
    )
    export_name = "列席人员"
    policy = group_policy
    template_name = "governance/table.html"
    empty_text = gettext_lazy("No invited attendees yet.")
    filters = [
        Filter("kind", gettext_lazy("Kind"), choices=list(AttendeeKind.choices)),
        Filter(
            "current",
            gettext_lazy("Invitation"),
            choices=[("yes", gettext_lazy("Current only"))],
            apply=lambda qs, v: qs.filter(pk__in=selectors.attendee_list(on=selectors.today()).values("pk")),
        ),
    ]

    def get(self, request, *args, **kwargs):
        base = [
            Column(gettext_lazy("Name"), "name", link=_history_url),
            Column(gettext_lazy("Kind"), "get_kind_display"),
            Column(gettext_lazy("Organization or class"), "affiliation"),
            Column(
                gettext_lazy("School account"), lambda a: a.person.display_name if a.person else _("none")
            ),
            Column(gettext_lazy("Invited from"), "starts_on"),
            Column(gettext_lazy("Invited until"), _term_end),
            Column(gettext_lazy("Note"), "note"),
        ]
        if group_policy.can_create(request.user) and request.GET.get("export") != "xlsx":
            base.append(Column(gettext_lazy("Change"), lambda a: _("Edit"), link=_attendee_edit_url))
        self.columns = base
        return super().get(request, *args, **kwargs)

    def get_queryset(self, request):
        return selectors.attendee_list()

    def get_actions(self, request):
        return _manager_actions(
            group_policy, request, [Action(_("Invite an attendee"), reverse("governance:attendee_new"))]
        )


class MemberCreatePage(AreaFormPage):
    title = gettext_lazy("Add a group member")
    form_class = forms.MemberForm
    policy = group_policy
    model = GroupMember
    success_message = gettext_lazy("The member was added to the group.")

    def save(self, request, form, obj):
        return services.member_add(actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return reverse("governance:roster")


class MemberEditPage(MemberCreatePage):
    title = gettext_lazy("Change a group member's entry")
    success_message = gettext_lazy("The change was saved and recorded in the roster history.")

    def save(self, request, form, obj):
        return services.member_update(obj, actor=request.user, data=dict(form.cleaned_data))

    def form_kwargs(self, request, obj):
        # A fresh instance: the form must not change the object before the service compares.
        return {"instance": GroupMember.objects.get(pk=obj.pk)}


class MemberEndPage(AreaFormPage):
    title = gettext_lazy("End a member's term")
    form_class = forms.MemberEndForm
    policy = group_policy
    model = GroupMember
    success_message = gettext_lazy("The term was ended and recorded in the roster history.")

    def initial(self, request):
        return {"ends_on": selectors.today()}

    def save(self, request, form, obj):
        return services.member_end(obj, actor=request.user, ends_on=form.cleaned_data["ends_on"])

    def success_url(self, request, saved):
        return reverse("governance:roster")


class AttendeeCreatePage(AreaFormPage):
    title = gettext_lazy("Invite an attendee")
    form_class = forms.AttendeeForm
    policy = group_policy
    model = GroupAttendee
    success_message = gettext_lazy("The attendee was added.")

    def save(self, request, form, obj):
        return services.attendee_add(actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return reverse("governance:attendees")


class AttendeeEditPage(AttendeeCreatePage):
    title = gettext_lazy("Change an invited attendee")
    success_message = gettext_lazy("The change was saved and recorded in the roster history.")

    def save(self, request, form, obj):
        return services.attendee_update(obj, actor=request.user, data=dict(form.cleaned_data))

    def form_kwargs(self, request, obj):
        return {"instance": GroupAttendee.objects.get(pk=obj.pk)}


# --- Work plans -----------------------------------------------------------------------------------


def _plan_url(plan):
    return reverse("governance:plan", args=[plan.public_id])


def _progress_text(plan):
    numbers = selectors.plan_progress(plan)
    return f"{numbers['done']}/{numbers['total']} ({numbers['percent']}%)"


def _school_years(model):
    return lambda request: [
        (y, y)
        for y in model.objects.order_by("-school_year").values_list("school_year", flat=True).distinct()
    ]


class PlanListPage(TablePage):
    title = gettext_lazy("Work plans (工作计划)")
    intro = gettext_lazy(
        "Annual and phase plans with goals and key tasks. Progress is done key tasks out of all "
        "key tasks; cancelled tasks are left out."
    )
    export_name = "工作计划"
    policy = plan_policy
    template_name = "governance/table.html"
    empty_text = gettext_lazy("No work plans yet.")
    columns = [
        Column(gettext_lazy("Title"), "title", link=_plan_url),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("School year"), "school_year"),
        Column(gettext_lazy("Term"), "get_term_display"),
        Column(gettext_lazy("Starts on"), "starts_on"),
        Column(gettext_lazy("Ends on"), "ends_on"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Progress"), _progress_text, numeric=True),
        Column(gettext_lazy("Overdue tasks"), "task_overdue", numeric=True),
    ]
    filters = [
        Filter("status", gettext_lazy("Status"), choices=list(PlanStatus.choices)),
        Filter("kind", gettext_lazy("Kind"), choices=list(PlanKind.choices)),
        Filter("school_year", gettext_lazy("School year"), choices=_school_years(Plan)),
    ]

    def get_queryset(self, request):
        return selectors.plan_list()

    def get_actions(self, request):
        return _manager_actions(plan_policy, request, [Action(_("New plan"), reverse("governance:plan_new"))])


def _task_link(task):
    try:
        return reverse("ledger:task", args=[task.public_id])
    except NoReverseMatch:
        return ""


@login_required
def plan_detail(request, id):
    plan = get_object_or_404(plan_policy.visible(request.user, selectors.plan_list()), public_id=id)
    tasks = list(selectors.plan_tasks(plan))
    for task in tasks:
        task.link = _task_link(task)
    can_change = plan_policy.can_change(request.user, plan)
    return render(
        request,
        "governance/plan_detail.html",
        {
            "plan": plan,
            "progress": selectors.plan_progress(plan),
            "tasks": tasks,
            "can_change": can_change and plan.status != PlanStatus.CLOSED,
            "can_approve": plan_policy.can_approve(request.user, plan) and plan.status == PlanStatus.DRAFT,
            "can_start": can_change and plan.status == PlanStatus.APPROVED,
            "can_close": can_change and plan.status == PlanStatus.IN_PROGRESS,
            "steps": list(PlanStatus.choices),
        },
    )


class PlanCreatePage(AreaFormPage):
    title = gettext_lazy("New work plan")
    form_class = forms.PlanForm
    policy = plan_policy
    model = Plan
    success_message = gettext_lazy("The plan was saved as a draft.")

    def save(self, request, form, obj):
        return services.plan_create(actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return _plan_url(saved)


class PlanEditPage(PlanCreatePage):
    title = gettext_lazy("Edit work plan")
    success_message = gettext_lazy("The plan was saved.")

    def form_kwargs(self, request, obj):
        return {"instance": Plan.objects.get(pk=obj.pk)}

    def save(self, request, form, obj):
        return services.plan_update(obj, actor=request.user, data=dict(form.cleaned_data))


class PlanClosePage(AreaFormPage):
    title = gettext_lazy("Close the work plan")
    form_class = forms.PlanCloseForm
    policy = plan_policy
    model = Plan
    success_message = gettext_lazy("The plan was closed.")

    def save(self, request, form, obj):
        return services.plan_close(obj, actor=request.user, summary=form.cleaned_data["summary"])

    def success_url(self, request, saved):
        return _plan_url(saved)


def _transition(request, id, *, service, approve=False, done_message):
    plan = get_object_or_404(plan_policy.visible(request.user, Plan.objects.all()), public_id=id)
    allowed = (
        plan_policy.can_approve(request.user, plan) if approve else plan_policy.can_change(request.user, plan)
    )
    if not allowed:
        raise PermissionDenied
    try:
        with transaction.atomic():
            service(plan, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message)
    return redirect(_plan_url(plan))


@login_required
@require_POST
def plan_approve(request, id):
    return _transition(
        request, id, service=services.plan_approve, approve=True, done_message=_("The plan was approved.")
    )


@login_required
@require_POST
def plan_start(request, id):
    return _transition(
        request, id, service=services.plan_start, done_message=_("The plan is now in progress.")
    )


class KeyTaskCreatePage(AreaFormPage):
    title = gettext_lazy("Add a key task")
    form_class = forms.KeyTaskForm
    policy = plan_policy
    model = Plan
    success_message = gettext_lazy("The key task was added to the plan and the ledger.")

    def form_kwargs(self, request, obj):
        return {}

    def save(self, request, form, obj):
        return services.plan_key_task_add(obj, actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return _plan_url(saved.plan)

    def render(self, request, form, obj, status=200):
        return render(
            request,
            "pages/form.html",
            {
                "title": f"{self.title} · {obj.title}",
                "form": form,
                "object": obj,
            },
            status=status,
        )


# --- Rules and regulations ------------------------------------------------------------------------


def _rule_url(document):
    return reverse("governance:rule", args=[document.public_id])


class RuleListPage(TablePage):
    title = gettext_lazy("Rules and regulations (规章制度)")
    intro = gettext_lazy("Every version is kept. Pick a date to see which version was in force then.")
    export_name = "规章制度"
    policy = rule_policy
    template_name = "governance/rules_table.html"
    empty_text = gettext_lazy("No rules or regulations yet.")
    columns = [
        Column(gettext_lazy("Title"), "title", link=_rule_url),
        Column(gettext_lazy("Category"), "get_category_display"),
        Column(
            gettext_lazy("Version in force"),
            lambda d: f"v{d.current_number}" if d.current_number else _("not yet in force"),
        ),
        Column(gettext_lazy("Effective from"), "current_effective_on"),
        Column(gettext_lazy("Versions"), "version_count", numeric=True),
    ]
    filters = [Filter("category", gettext_lazy("Category"), choices=list(RuleCategory.choices))]

    def get_queryset(self, request):
        on, _error = _on_from(request)
        return selectors.rule_document_list(on=on)

    def get_actions(self, request):
        return _manager_actions(
            rule_policy, request, [Action(_("New document"), reverse("governance:rule_new"))]
        )

    def extra_context(self, request):
        on, error = _on_from(request)
        return {"on": on, "on_error": error}


@login_required
def rule_detail(request, id):
    document = get_object_or_404(rule_policy.visible(request.user, RuleDocument.objects.all()), public_id=id)
    on, error = _on_from(request)
    versions = list(selectors.rule_versions(document))
    attachments = selectors.version_attachments(versions)
    current = document.version_on(on)
    in_force = None
    for version in versions:
        version.files = attachments.get(version.pk, [])
        version.in_force = current is not None and version.pk == current.pk
        if version.in_force:
            in_force = version
    return render(
        request,
        "governance/rule_detail.html",
        {
            "document": document,
            "versions": versions,
            "in_force": in_force,
            "on": on,
            "on_error": error,
            "can_change": rule_policy.can_change(request.user, document),
        },
    )


@login_required
def rule_attachment(request, id):
    """A version's attached file, for people who may read the rules."""
    from django.contrib.contenttypes.models import ContentType

    from tenants.workspace.models import Attachment

    _require_reader(rule_policy, request)
    attachment = get_object_or_404(
        Attachment, public_id=id, content_type=ContentType.objects.get_for_model(RuleVersion)
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class RuleCreatePage(AreaFormPage):
    title = gettext_lazy("New rule document")
    form_class = forms.RuleDocumentForm
    policy = rule_policy
    model = RuleDocument
    success_message = gettext_lazy("The document was saved as version 1.")

    def initial(self, request):
        return {"effective_on": selectors.today()}

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        return services.rule_document_create(actor=request.user, upload=data.pop("file"), **data)

    def success_url(self, request, saved):
        return _rule_url(saved)


class RuleEditPage(AreaFormPage):
    title = gettext_lazy("Rename or recategorize")
    form_class = forms.RuleDocumentEditForm
    policy = rule_policy
    model = RuleDocument
    success_message = gettext_lazy("Saved.")

    def form_kwargs(self, request, obj):
        return {}

    def initial(self, request):
        return {"title": self.object.title, "category": self.object.category}

    def save(self, request, form, obj):
        return services.rule_document_update(obj, actor=request.user, data=dict(form.cleaned_data))

    def success_url(self, request, saved):
        return _rule_url(saved)


class RuleVersionCreatePage(AreaFormPage):
    title = gettext_lazy("New version")
    form_class = forms.RuleVersionForm
    policy = rule_policy
    model = RuleDocument
    success_message = gettext_lazy("The new version was added; earlier versions are kept.")

    def form_kwargs(self, request, obj):
        return {}

    def initial(self, request):
        return {"effective_on": selectors.today()}

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        return services.rule_version_add(obj, actor=request.user, upload=data.pop("file"), **data)

    def success_url(self, request, saved):
        return _rule_url(saved.document)

    def render(self, request, form, obj, status=200):
        latest = obj.versions.order_by("-number").first()
        if request.method == "GET" and latest is not None and not form.is_bound:
            form.initial.setdefault("text", latest.text)
        return render(
            request,
            "pages/form.html",
            {
                "title": f"{self.title} · {obj.title}",
                "form": form,
                "object": obj,
            },
            status=status,
        )


# --- Information reports --------------------------------------------------------------------------


def _report_url(report):
    return reverse("governance:report", args=[report.public_id])


def _late_text(report):
    return _("Late") if report.is_late else ""


class ReportListPage(TablePage):
    title = gettext_lazy("Information reports (信息报告)")
    intro = gettext_lazy(
        "Monthly and term reports to the district. A report is late when it was submitted after "
        "its due date, or is still not submitted past it."
    )
    export_name = "信息报告"
    policy = report_policy
    template_name = "governance/reports_table.html"
    empty_text = gettext_lazy("No reports scheduled yet. Generate the year's schedule to start.")
    columns = [
        Column(gettext_lazy("Title"), "title", link=_report_url),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Period starts"), "period_start"),
        Column(gettext_lazy("Period ends"), "period_end"),
        Column(gettext_lazy("Due date"), "due_on"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Submitted at"), "submitted_at"),
        Column(gettext_lazy("Submitted by"), "submitted_by.display_name"),
        Column(gettext_lazy("Late"), _late_text),
    ]
    filters = [
        Filter("status", gettext_lazy("Status"), choices=list(ReportStatus.choices)),
        Filter(
            "late",
            gettext_lazy("Late"),
            choices=[("yes", gettext_lazy("Late only")), ("no", gettext_lazy("On time"))],
            apply=lambda qs, v: qs.filter(is_late=(v == "yes")),
        ),
        Filter("kind", gettext_lazy("Kind"), choices=list(ReportKind.choices)),
        Filter("school_year", gettext_lazy("School year"), choices=_school_years(InfoReport)),
    ]

    def get_queryset(self, request):
        return selectors.report_list()

    def get_actions(self, request):
        return _manager_actions(
            report_policy,
            request,
            [
                Action(_("Generate the year's schedule"), reverse("governance:report_schedule")),
                Action(_("New report"), reverse("governance:report_new"), primary=False),
            ],
        )

    def extra_context(self, request):
        return {"timeliness": selectors.report_timeliness(today=selectors.today())}


@login_required
def report_detail(request, id):
    report = get_object_or_404(report_policy.visible(request.user, selectors.report_list()), public_id=id)
    can_change = report_policy.can_change(request.user, report) and report.status == ReportStatus.DRAFT
    return render(
        request,
        "governance/report_detail.html",
        {
            "report": report,
            "history": report.status_changes.select_related("changed_by"),
            "can_change": can_change,
        },
    )


class ReportCreatePage(AreaFormPage):
    title = gettext_lazy("New information report")
    form_class = forms.ReportForm
    policy = report_policy
    model = InfoReport
    success_message = gettext_lazy("The report was saved as a draft.")

    def save(self, request, form, obj):
        return services.report_create(actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return _report_url(saved)


class ReportEditPage(ReportCreatePage):
    title = gettext_lazy("Edit information report")
    success_message = gettext_lazy("The draft was saved.")

    def form_kwargs(self, request, obj):
        return {"instance": InfoReport.objects.get(pk=obj.pk)}

    def save(self, request, form, obj):
        return services.report_update(obj, actor=request.user, data=dict(form.cleaned_data))


@login_required
@require_POST
def report_submit(request, id):
    report = get_object_or_404(report_policy.visible(request.user, InfoReport.objects.all()), public_id=id)
    if not report_policy.can_change(request.user, report):
        raise PermissionDenied
    try:
        with transaction.atomic():
            services.report_submit(report, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The report was submitted."))
    return redirect(_report_url(report))


class ReportSchedulePage(AreaFormPage):
    title = gettext_lazy("Generate the year's reporting schedule")
    form_class = forms.ReportScheduleForm
    policy = report_policy
    model = InfoReport

    def initial(self, request):
        today = selectors.today()
        first = today.year if today.month >= 9 else today.year - 1
        year = f"{first}-{first + 1}"
        return {"school_year": year, **services.default_terms(year)}

    def save(self, request, form, obj):
        created = services.report_schedule_generate(actor=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(count)d reports were added to the schedule.") % {"count": len(created)}
        )
        return created

    def success_url(self, request, saved):
        return reverse("governance:reports")
