"""Crisis intervention pages: cases (list, open, detail with the step timeline and the next step's
form, break-glass for the principal), emergency plans, time limits and the duty roster. The resources,
their filters and the area's tabs are declared in tenants/crisis/resources.py.

Need to know: the care team sees everything of a case; the principal sees status, level, times and
who, and the detail only through break-glass; everyone else gets 403 on the lists and 404 on a
case. Every case page view writes exactly one audit event (through the declaration).
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.accounts.roles import SchoolRole
from shared.pages import Action, Column, FormPage, TablePage, add_errors, is_uuid
from tenants.care.access import reads_clinical
from tenants.crisis import selectors, services
from tenants.crisis.forms import BreakGlassForm, CaseOpenForm, DutyForm, PlanForm, StepForm, TimeLimitForm
from tenants.crisis.models import STEP_ORDER, Step
from tenants.crisis.resources import area, cases, duties, plans, time_limits


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": mins}
    return _("%(m)smin") % {"m": mins}


def _must_read(request, policy):
    """People outside a part of the area are told no (403) on its lists and forms; they learn nothing
    about any case (a case itself answers 404)."""
    if not policy.can_read(request.user):
        raise PermissionDenied


class AreaTable(TablePage):
    """Not plain in one way: outsiders get 403 here (the generic table answers 404)."""

    area = area

    def get(self, request, *args, **kwargs):
        _must_read(request, self.get_policy())
        return super().get(request, *args, **kwargs)


class AreaForm(FormPage):
    """Not plain in one way: outsiders get 403 here (the generic form answers 404)."""

    area = area
    success_message = gettext_lazy("Saved.")

    def check(self, request, obj):
        _must_read(request, self.get_policy())
        super().check(request, obj)


def _tabs(request, current: str):
    return area.tabs_for(request.user, current)


# --- Cases ---------------------------------------------------------------------------------------


class CaseTable(AreaTable):
    title = gettext_lazy("Crisis cases (危机干预)")
    intro = gettext_lazy("Open cases first. Each case shows the step due next and its time limit.")
    resource = cases
    tab = "index"
    export_name = "危机干预个案"
    empty_text = gettext_lazy(
        "No crisis cases. A case opens from a screening safety flag, or open one when you identify a crisis."
    )

    def deadline(self, case):
        if case.closed_at is not None or case.deadline is None:
            return "" if case.closed_at is not None or self.exporting else "—"
        left = case.deadline - timezone.now()
        step = str(Step(case.next_step).label)
        if case.overdue:
            text = _("Overdue by %(time)s (%(step)s)") % {"time": _duration(left), "step": step}
            return (
                text if self.exporting else format_html('<span class="badge badge-overdue">{}</span>', text)
            )
        text = _("%(time)s left (%(step)s)") % {"time": _duration(left), "step": step}
        return text if self.exporting else format_html('<span class="badge badge-due">{}</span>', text)

    @property
    def columns(self):
        return [
            Column(
                gettext_lazy("Student"),
                "student.name",
                link=lambda c: reverse("crisis:case", args=[c.public_id]),
            ),
            Column(gettext_lazy("Class"), lambda c: str(c.student.school_class)),
            Column(gettext_lazy("Risk level"), "get_level_display"),
            Column(gettext_lazy("Current step"), "get_step_display"),
            Column(gettext_lazy("Opened"), lambda c: _when(c.opened_at)),
            Column(gettext_lazy("Next time limit"), self.deadline),
            Column(
                gettext_lazy("Counselor in charge"), lambda c: c.counselor.display_name if c.counselor else ""
            ),
        ]

    def get_actions(self, request):
        if cases.policy.can_create(request.user):
            return [Action(gettext_lazy("Open a crisis case"), reverse("crisis:case_new"))]
        return []


class CaseOpenPage(AreaForm):
    title = gettext_lazy("Open a crisis case")
    form_class = CaseOpenForm
    resource = cases
    tab = "index"
    success_message = gettext_lazy("The case is open and the counselors on duty were alerted.")

    def initial(self, request):
        from tenants.students.models import Student

        initial = {"identified_how": "observation"}
        wanted = request.GET.get("student")
        if wanted:
            found = Student.objects.filter(public_id__in=[wanted] if is_uuid(wanted) else []).first()
            if found:
                initial["student"] = found.pk
        return initial

    def success_url(self, request, saved):
        return reverse("crisis:case", args=[saved.public_id])


def _render_case(request, case, *, step_form=None, glass_form=None, status=200):
    """Not a plain detail: the step timeline, the next step's form and the principal's break-glass."""
    user = request.user
    glass = None if reads_clinical(user) else selectors.break_glass_active(case=case, user=user)
    detail = reads_clinical(user) or glass is not None
    cases.audit_read_under(user, case, glass)
    due = selectors.next_step_of(case.step)
    can_record = cases.policy.can_change(user, case) and due is not None
    if can_record and step_form is None:
        step_form = StepForm(
            step=due, initial={"step": due, "level": case.level if due == "assessed" else ""}
        )
    is_principal = user.has_role(SchoolRole.PRINCIPAL) and not reads_clinical(user)
    if is_principal and glass is None and glass_form is None:
        glass_form = BreakGlassForm()
    return render(
        request,
        "crisis/case.html",
        {
            "title": _("Crisis case"),
            "area_tabs": _tabs(request, "index"),
            "case": case,
            "steps": selectors.steps_of(case),
            "detail": detail,
            "glass": glass,
            "due": due,
            "due_label": Step(due).label if due else "",
            "step_form": step_form if can_record else None,
            "glass_form": glass_form if is_principal and glass is None else None,
            "history": selectors.break_glass_history(case) if reads_clinical(user) else None,
            "deadline": case.deadline,
            "overdue": case.overdue,
            "steps_total": len(STEP_ORDER),
        },
        status=status,
    )


@login_required
def case_detail(request, id):
    return _render_case(request, cases.get_for(request.user, id))


@login_required
@require_POST
def case_step(request, id):
    case = cases.get_for(request.user, id)
    if not cases.policy.can_change(request.user, case):
        raise PermissionDenied
    form = StepForm(request.POST, step=request.POST.get("step", ""))
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.step_record(
                    case,
                    actor=request.user,
                    step=data["step"],
                    level=data.get("level") or "",
                    note=data.get("note") or "",
                    done_at=data.get("done_at"),
                    skipped_reason=data.get("skipped_reason") or "",
                    summary=data.get("summary") or "",
                )
        except ValidationError as exc:
            # The step is posted hidden: its error (which step is due) shows above the form.
            errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for name, texts in errors.items():
                form.add_error(name if name in form.fields and name != "step" else None, texts)
        else:
            messages.success(request, _("Step recorded."))
            return redirect("crisis:case", id=case.public_id)
    return _render_case(request, cases.get_for(request.user, id), step_form=form, status=400)


@login_required
@require_POST
def case_break_glass(request, id):
    case = cases.get_for(request.user, id)
    if not request.user.has_role(SchoolRole.PRINCIPAL) or reads_clinical(request.user):
        raise PermissionDenied
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.break_glass_open(case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("You may see this case's detail for two hours. The care team has been told.")
            )
            return redirect("crisis:case", id=case.public_id)
    return _render_case(request, case, glass_form=form, status=400)


# --- Emergency plans -----------------------------------------------------------------------------


class PlanTable(AreaTable):
    title = gettext_lazy("Emergency plans (应急预案)")
    intro = gettext_lazy(
        "The school's crisis plans, newest in force first. Every staff member may read them."
    )
    resource = plans
    tab = "plans"
    export_name = "应急预案"
    empty_text = gettext_lazy("No emergency plan yet. Write down the school's plan for crises first.")

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Title"), "title", link=lambda p: reverse("crisis:plan", args=[p.public_id])),
            Column(gettext_lazy("Version"), "version"),
            Column(
                gettext_lazy("In force from"),
                lambda p: p.effective_on if self.exporting else p.effective_on.strftime("%Y-%m-%d"),
            ),
            Column(gettext_lazy("Updated"), lambda p: _when(p.updated_at)),
        ]

    def get_actions(self, request):
        if plans.policy.can_create(request.user):
            return [Action(gettext_lazy("New emergency plan"), reverse("crisis:plan_new"))]
        return []


class PlanFormPage(AreaForm):
    title = gettext_lazy("New emergency plan")
    edit_title = gettext_lazy("Edit emergency plan")
    form_class = PlanForm
    resource = plans
    tab = "plans"

    def initial(self, request):
        return {"effective_on": timezone.localdate(), "version": "1.0"}

    def success_url(self, request, saved):
        return reverse("crisis:plan", args=[saved.public_id])


@login_required
def plan_detail(request, id):
    plan = plans.get_for(request.user, id)
    return render(
        request,
        "crisis/plan.html",
        {
            "title": plan.title,
            "plan": plan,
            "area_tabs": _tabs(request, "plans"),
            "can_edit": plans.policy.can_change(request.user, plan),
        },
    )


# --- Time limits ---------------------------------------------------------------------------------


class LimitTable(AreaTable):
    title = gettext_lazy("Time limits")
    intro = gettext_lazy(
        "How long after a case is opened each step must be recorded, per risk level. "
        "A case past its limit is escalated to the principal."
    )
    resource = time_limits
    tab = "limits"
    export_name = "危机干预时限"
    empty_text = gettext_lazy("No time limits: no case will be escalated. Set a limit for each risk level.")

    def edit_link(self, limit):
        if time_limits.policy.can_change(self.request.user, limit):
            return reverse("crisis:limit_edit", args=[limit.public_id])
        return None

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Risk level"), "get_level_display"),
            Column(gettext_lazy("Step"), "get_step_display", link=self.edit_link),
            Column(gettext_lazy("Within (minutes)"), "minutes", numeric=True),
            Column(gettext_lazy("That is"), lambda t: _duration(timedelta(minutes=t.minutes))),
        ]

    def get_actions(self, request):
        if time_limits.policy.can_change(request.user, None):
            return [Action(gettext_lazy("Set a time limit"), reverse("crisis:limit_new"))]
        return []


class LimitFormPage(AreaForm):
    """Not plain: there is one limit per level and step, so "new" sets (replaces) the limit of the
    level and step chosen, and an edit may move to another level or step the same way. Whoever may
    change limits may set one (the API's POST stays refused by the policy)."""

    title = gettext_lazy("Set a time limit")
    form_class = TimeLimitForm
    resource = time_limits
    tab = "limits"

    def check(self, request, obj):
        _must_read(request, time_limits.policy)
        if not time_limits.policy.can_change(request.user, obj):
            raise PermissionDenied

    def initial(self, request):
        return {"level": request.GET.get("level", "high"), "step": request.GET.get("step", "assessed")}

    def make_form(self, request, obj, data=None, files=None):
        if data is None and obj is not None:
            return self.form_class(initial={"level": obj.level, "step": obj.step, "minutes": obj.minutes})
        return super().make_form(request, obj, data, files)

    def save(self, request, form, obj):
        return time_limits.save(actor=request.user, obj=None, data=dict(form.cleaned_data))

    def success_url(self, request, saved):
        return reverse("crisis:limits")


# --- Duty roster ---------------------------------------------------------------------------------


class DutyTable(AreaTable):
    title = gettext_lazy("Duty roster (值班)")
    intro = gettext_lazy(
        "Counselors on duty get the alerts of new crisis cases. On a day with nobody on duty, "
        "the whole care team is alerted."
    )
    resource = duties
    tab = "duty"
    export_name = "危机干预值班表"
    empty_text = gettext_lazy("Nobody is on duty from this date. Assign counselors to the coming days.")

    def get_queryset(self, request):
        # The page opens on today and later; the API lists every day unless filtered.
        qs = super().get_queryset(request)
        if not request.GET.get("period") and not request.GET.get("from"):
            qs = qs.filter(on_date__gte=timezone.localdate())
        return qs

    @property
    def columns(self):
        return [
            Column(
                gettext_lazy("Date"),
                lambda d: d.on_date if self.exporting else d.on_date.strftime("%Y-%m-%d"),
            ),
            Column(gettext_lazy("Counselor"), lambda d: d.user.display_name),
            Column(gettext_lazy("Remove"), self.remove_button),
        ]

    def remove_button(self, duty):
        if self.exporting or not duties.policy.can_delete(self.request.user, duty):
            return ""
        from django.middleware.csrf import get_token

        return format_html(
            '<form method="post" action="{}" class="inline"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="link">{}</button></form>',
            reverse("crisis:duty_remove", args=[duty.public_id]),
            get_token(self.request),
            _("Remove"),
        )

    def get_actions(self, request):
        if duties.policy.can_create(request.user):
            return [Action(gettext_lazy("Assign duty"), reverse("crisis:duty_new"))]
        return []


class DutyFormPage(AreaForm):
    """Not plain in one way: one form assigns a counselor to several days (one row per day)."""

    title = gettext_lazy("Assign duty")
    form_class = DutyForm
    resource = duties
    tab = "duty"

    def initial(self, request):
        return {"on_date": timezone.localdate(), "days": 1}

    def save(self, request, form, obj):
        data = form.cleaned_data
        saved = None
        for offset in range(data["days"]):
            day = data["on_date"] + timedelta(days=offset)
            try:
                saved = duties.create(actor=request.user, user=data["user"], on_date=day)
            except ValidationError:
                if data["days"] == 1:
                    raise
        return saved

    def success_url(self, request, saved):
        return reverse("crisis:duty")


@login_required
@require_POST
def duty_remove(request, id):
    _must_read(request, duties.policy)
    duty = duties.get_for(request.user, id)
    if not duties.policy.can_delete(request.user, duty):
        raise PermissionDenied
    duties.delete(duty, actor=request.user)
    messages.success(request, _("Removed."))
    return redirect("crisis:duty")
