"""Governance pages: leadership group roster, work plans, rules and regulations, information reports.
The resources, their filters and the area's tabs are declared in tenants/governance/resources.py;
pages name them, and keep code only for what is not plain (said where)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.calendar import school_year_of
from shared.pages import Action, Column, Filter, FormPage, TablePage, is_uuid
from tenants.governance import forms, selectors, services
from tenants.governance.models import (
    GroupAttendee,
    GroupMember,
    PlanStatus,
    ReportStatus,
    RosterAction,
    RosterSubject,
)
from tenants.governance.policies import group_policy, plan_policy, report_policy, rule_policy
from tenants.governance.resources import (
    area,
    group_attendees,
    group_members,
    info_reports,
    plans,
    rule_documents,
)


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
    """A form of the area: the object (when the URL names one) is found through the page's declared
    resource, 404 when missing or not the person's; readers who may not write get 403."""

    area = area

    def get_object(self, request, **kwargs):
        self.object = super().get_object(request, **kwargs)
        return self.object


class FreshInstance:
    """Edit forms get a fresh instance: the form must not change the object before the service
    compares old and new values (the roster history records what changed)."""

    def form_kwargs(self, request, obj):
        if obj is None:
            return {}
        return {"instance": type(obj).objects.get(pk=obj.pk)}


class OneObjectForm(AreaFormPage):
    """Not plain: a step on one object (end a term, close a plan, add a key task or a version),
    with a form of its own and one service (save)."""

    titled_with_object = False  # "Add a key task · <plan>"

    def form_kwargs(self, request, obj):
        return {}

    def render(self, request, form, obj, status=200):
        if self.titled_with_object:
            self.edit_title = f"{self.title} · {obj}"
        return super().render(request, form, obj, status=status)


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
        "area_tabs": area.tabs_for(request.user, "index"),
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
    resource = group_members
    area = area
    tab = "roster"
    template_name = "governance/roster.html"
    empty_text = gettext_lazy("Nobody is on the group on this date.")
    # The date is picked above the table (today by default, or every term with ?all=1).
    filters = [f for f in group_members.filters if f.name != "on"]

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
        members = super().get_queryset(request)
        if request.GET.get("all") == "1":
            return members
        on, _error = _on_from(request)
        return selectors.on_date(members, on)

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
            "attendees_on": (
                [] if show_all else list(selectors.on_date(group_attendees.queryset(request.user), on))
            ),
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
    area = area
    tab = "history"
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
        # Not a declared resource: the append-only history, read by whoever reads the group.
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
    resource = group_attendees
    area = area
    tab = "attendees"
    empty_text = gettext_lazy("No invited attendees yet.")
    filters = [f for f in group_attendees.filters if f.name != "on"]

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

    def get_actions(self, request):
        return _manager_actions(
            group_policy, request, [Action(_("Invite an attendee"), reverse("governance:attendee_new"))]
        )


class MemberFormPage(FreshInstance, AreaFormPage):
    title = gettext_lazy("Add a group member")
    edit_title = gettext_lazy("Change a group member's entry")
    form_class = forms.MemberForm
    resource = group_members
    tab = "roster"

    @property
    def success_message(self):
        if self.object is not None:
            return _("The change was saved and recorded in the roster history.")
        return _("The member was added to the group.")

    def success_url(self, request, saved):
        return reverse("governance:roster")


class MemberEndPage(OneObjectForm):
    title = gettext_lazy("End a member's term")
    form_class = forms.MemberEndForm
    resource = group_members
    tab = "roster"
    success_message = gettext_lazy("The term was ended and recorded in the roster history.")

    def initial(self, request):
        return {"ends_on": selectors.today()}

    def save(self, request, form, obj):
        return services.member_end(obj, actor=request.user, ends_on=form.cleaned_data["ends_on"])

    def success_url(self, request, saved):
        return reverse("governance:roster")


class AttendeeFormPage(FreshInstance, AreaFormPage):
    title = gettext_lazy("Invite an attendee")
    edit_title = gettext_lazy("Change an invited attendee")
    form_class = forms.AttendeeForm
    resource = group_attendees
    tab = "attendees"

    @property
    def success_message(self):
        if self.object is not None:
            return _("The change was saved and recorded in the roster history.")
        return _("The attendee was added.")

    def success_url(self, request, saved):
        return reverse("governance:attendees")


# --- Work plans -----------------------------------------------------------------------------------


def _plan_url(plan):
    return reverse("governance:plan", args=[plan.public_id])


def _progress_text(plan):
    numbers = selectors.plan_progress(plan)
    return f"{numbers['done']}/{numbers['total']} ({numbers['percent']}%)"


class PlanListPage(TablePage):
    title = gettext_lazy("Work plans (工作计划)")
    intro = gettext_lazy(
        "Annual and phase plans with goals and key tasks. Progress is done key tasks out of all "
        "key tasks; cancelled tasks are left out."
    )
    export_name = "工作计划"
    resource = plans
    area = area
    tab = "plans"
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

    def get_actions(self, request):
        return _manager_actions(plan_policy, request, [Action(_("New plan"), reverse("governance:plan_new"))])


def _task_link(task):
    try:
        return reverse("ledger:task", args=[task.public_id])
    except NoReverseMatch:
        return ""


@login_required
def plan_detail(request, id):
    """Not plain: the plan with its progress, key tasks and the steps of its status flow."""
    plan = plans.get_for(request.user, id)
    tasks = list(selectors.plan_tasks(plan))
    for task in tasks:
        task.link = _task_link(task)
    can_change = plan_policy.can_change(request.user, plan)
    return render(
        request,
        "governance/plan_detail.html",
        {
            "area_tabs": area.tabs_for(request.user, "plans"),
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


class PlanFormPage(FreshInstance, AreaFormPage):
    title = gettext_lazy("New work plan")
    edit_title = gettext_lazy("Edit work plan")
    form_class = forms.PlanForm
    resource = plans
    tab = "plans"

    @property
    def success_message(self):
        return _("The plan was saved.") if self.object is not None else _("The plan was saved as a draft.")

    def success_url(self, request, saved):
        return _plan_url(saved)


class PlanClosePage(OneObjectForm):
    title = gettext_lazy("Close the work plan")
    form_class = forms.PlanCloseForm
    resource = plans
    tab = "plans"
    success_message = gettext_lazy("The plan was closed.")

    def save(self, request, form, obj):
        return services.plan_close(obj, actor=request.user, summary=form.cleaned_data["summary"])

    def success_url(self, request, saved):
        return _plan_url(saved)


def _transition(request, id, *, service, approve=False, done_message):
    plan = plans.get_for(request.user, id)
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


class KeyTaskCreatePage(OneObjectForm):
    title = gettext_lazy("Add a key task")
    form_class = forms.KeyTaskForm
    resource = plans
    tab = "plans"
    success_message = gettext_lazy("The key task was added to the plan and the ledger.")
    titled_with_object = True

    def save(self, request, form, obj):
        return services.plan_key_task_add(obj, actor=request.user, **form.cleaned_data)

    def success_url(self, request, saved):
        return _plan_url(saved.plan)


# --- Rules and regulations ------------------------------------------------------------------------


def _rule_url(document):
    return reverse("governance:rule", args=[document.public_id])


class RuleListPage(TablePage):
    title = gettext_lazy("Rules and regulations (规章制度)")
    intro = gettext_lazy("Every version is kept. Pick a date to see which version was in force then.")
    export_name = "规章制度"
    resource = rule_documents
    area = area
    tab = "rules"
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
    # The date is picked above the table; a date that does not parse shows today, with a message.
    filters = [f for f in rule_documents.filters if f.name != "on"]

    def get_queryset(self, request):
        on, _error = _on_from(request)
        return rule_documents.policy.visible(request.user, selectors.rule_document_list(on=on))

    def get_actions(self, request):
        return _manager_actions(
            rule_policy, request, [Action(_("New document"), reverse("governance:rule_new"))]
        )

    def extra_context(self, request):
        on, error = _on_from(request)
        return {"on": on, "on_error": error}


@login_required
def rule_detail(request, id):
    """Not plain: every version, the one in force on the date asked for, and their files."""
    document = rule_documents.get_for(request.user, id)
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
            "area_tabs": area.tabs_for(request.user, "rules"),
            "document": document,
            "versions": versions,
            "in_force": in_force,
            "on": on,
            "on_error": error,
            "can_change": rule_policy.can_change(request.user, document),
        },
    )


class RuleCreatePage(AreaFormPage):
    title = gettext_lazy("New rule document")
    form_class = forms.RuleDocumentForm
    resource = rule_documents
    tab = "rules"
    success_message = gettext_lazy("The document was saved as version 1.")

    def initial(self, request):
        return {"effective_on": selectors.today()}

    def success_url(self, request, saved):
        return _rule_url(saved)


class RuleEditPage(AreaFormPage):
    title = gettext_lazy("Rename or recategorize")
    form_class = forms.RuleDocumentEditForm
    resource = rule_documents
    tab = "rules"
    success_message = gettext_lazy("Saved.")

    def initial(self, request):
        return {"title": self.object.title, "category": self.object.category}

    def success_url(self, request, saved):
        return _rule_url(saved)


class RuleVersionCreatePage(OneObjectForm):
    title = gettext_lazy("New version")
    form_class = forms.RuleVersionForm
    resource = rule_documents
    tab = "rules"
    success_message = gettext_lazy("The new version was added; earlier versions are kept.")
    titled_with_object = True

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
        return super().render(request, form, obj, status=status)


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
    resource = info_reports
    area = area
    tab = "reports"
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


def _district_return(request, report):
    """The district's return of this report (its reason), while the report waits to be resubmitted."""
    if report.status != ReportStatus.DRAFT or getattr(request, "tenant", None) is None:
        return None
    from reporting.services import info_report_return_for

    return info_report_return_for(school=request.tenant, report=report)


@login_required
def report_detail(request, id):
    """Not plain: the report with its status history and the submit button."""
    report = info_reports.get_for(request.user, id)
    can_change = report_policy.can_change(request.user, report) and report.status == ReportStatus.DRAFT
    return render(
        request,
        "governance/report_detail.html",
        {
            "area_tabs": area.tabs_for(request.user, "reports"),
            "report": report,
            "history": report.status_changes.select_related("changed_by"),
            "can_change": can_change,
            "district_return": _district_return(request, report),
        },
    )


class ReportFormPage(FreshInstance, AreaFormPage):
    title = gettext_lazy("New information report")
    edit_title = gettext_lazy("Edit information report")
    form_class = forms.ReportForm
    resource = info_reports
    tab = "reports"

    @property
    def success_message(self):
        return _("The draft was saved.") if self.object is not None else _("The report was saved as a draft.")

    def success_url(self, request, saved):
        return _report_url(saved)


@login_required
@require_POST
def report_submit(request, id):
    report = info_reports.get_for(request.user, id)
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
    """Not plain: one form makes a whole year's reports (report_schedule_generate)."""

    title = gettext_lazy("Generate the year's reporting schedule")
    form_class = forms.ReportScheduleForm
    policy = report_policy
    tab = "reports"

    def initial(self, request):
        year = school_year_of(selectors.today())
        return {"school_year": year, **services.default_terms(year)}

    def save(self, request, form, obj):
        created = services.report_schedule_generate(actor=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(count)d reports were added to the schedule.") % {"count": len(created)}
        )
        return created

    def success_url(self, request, saved):
        return reverse("governance:reports")
