"""The school's reporting pages (school host, /reporting/): the report forms filled from the
school's own figures, manual values where no records lie behind an element, and marking complete.

Who: the principal, the deputy leader and the secretary read the forms and enter values; only the
principal marks a form complete. Everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from figures.models import DataElement, Period
from reporting import selectors, services
from reporting.forms import ManualValueForm
from reporting.models import ReportForm
from shared.accounts.roles import SchoolRole

READERS = (SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.SECRETARY)
COMPLETERS = (SchoolRole.PRINCIPAL,)


def can_read(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*READERS))


def _reader(request):
    if getattr(request, "tenant", None) is None or not can_read(request.user):
        raise Http404


@login_required
def index(request):
    _reader(request)
    blocks = []
    for form in selectors.report_forms(active_only=True):
        subs = selectors.school_submissions(school=request.tenant, form=form)
        rows = []
        for period in selectors.periods_for(form)[:6]:
            sub = subs.get(period.pk)
            deadline = form.deadline_for(period)
            state = selectors.submission_state(sub)
            late = state not in selectors.SUBMITTED and selectors.today() > deadline
            label = selectors.STATE_LABELS["late" if late else state]
            rows.append({"period": period, "deadline": deadline, "label": label, "submission": sub})
        blocks.append({"form": form, "rows": rows})
    return render(request, "reporting/school_index.html", {"blocks": blocks})


def _get(request, form, period):
    form = get_object_or_404(ReportForm, code=form, active=True)
    period = get_object_or_404(Period, code=period, kind=form.period_kind, start__lte=selectors.today())
    return services.submission_for(form=form, school=request.tenant, period=period)


@login_required
def form_detail(request, form, period):
    _reader(request)
    return render_form(request, _get(request, form, period))


@login_required
@require_POST
def value_set(request, form, period):
    _reader(request)
    submission = _get(request, form, period)
    back = reverse("reporting_school:form", args=[submission.form.code, submission.period.code])
    data = ManualValueForm(request.POST)
    if not data.is_valid():
        for errors in data.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    element = get_object_or_404(DataElement, code=data.cleaned_data["element"])
    try:
        if request.POST.get("clear"):
            services.manual_value_clear(submission, actor=request.user, element=element)
        else:
            services.manual_value_set(
                submission,
                actor=request.user,
                element=element,
                value=data.cleaned_data["value"],
                comment=data.cleaned_data["comment"],
            )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, f"{element.name}：{message}")
        return render_form(request, submission, status=409 if _locked(exc) else 400)
    messages.success(request, _("Saved."))
    return redirect(back)


def _locked(exc: ValidationError) -> bool:
    return getattr(exc, "code", None) == "locked" or any(
        getattr(e, "code", None) == "locked" for e in getattr(exc, "error_list", [])
    )


def render_form(request, submission, *, status=200):
    """The school's form; after a refusal, with its message and the HTTP status saying why (409:
    locked by the district's approval)."""
    return render(
        request,
        "reporting/school_form.html",
        {
            "submission": submission,
            "lines": selectors.form_lines(submission),
            "events": submission.events.all(),
            "state": selectors.STATE_LABELS[selectors.submission_state(submission)],
            "can_complete": request.user.has_role(*COMPLETERS) and submission.editable_by_school,
            "can_enter": submission.editable_by_school,
        },
        status=status,
    )


@login_required
@require_POST
def complete(request, form, period):
    _reader(request)
    if not request.user.has_role(*COMPLETERS):
        raise PermissionDenied
    submission = _get(request, form, period)
    try:
        services.submission_complete(submission, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return render_form(request, submission, status=409 if _locked(exc) else 400)
    messages.success(request, _("The form was marked complete and sent to the district."))
    return redirect("reporting_school:form", submission.form.code, submission.period.code)
