"""The district's reporting pages (district host, /reporting/). District admins do everything;
analysts read the status, the information reports and the exports, and may create exports;
everyone else gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from district.models import School
from figures.access import can_run_jobs, figures_reader, jobs_runner
from figures.models import Period
from reporting import selectors, services
from reporting.forms import ExportForm, ReasonForm, ReportFormForm
from reporting.models import (
    DistrictInfoReport,
    ExportJob,
    ExportStatus,
    InfoReportStatus,
    ReportForm,
    Submission,
)
from shared.pages import PAGE_SIZE, add_errors

# --- Status ------------------------------------------------------------------------------------------


@figures_reader
def status(request):
    """Per school and period: not started, in progress, complete, approved, returned, late."""
    forms = list(selectors.report_forms())
    form = next((f for f in forms if f.code == request.GET.get("form")), forms[0] if forms else None)
    periods = list(selectors.periods_for(form)) if form else []
    period = next((p for p in periods if p.code == request.GET.get("period")), None)
    if period is None and periods:
        ended = [p for p in periods if p.end < selectors.today()]
        period = ended[0] if ended else periods[0]
    state = request.GET.get("state", "")
    if state not in selectors.STATE_LABELS:
        state = ""
    q = (request.GET.get("q") or "").strip()
    rows = selectors.status_rows(form=form, period=period, state=state, q=q) if form and period else []
    headers = [
        _("School code"),
        _("School"),
        _("Status"),
        _("Deadline"),
        _("Completed at"),
        _("On time"),
        _("Decided by"),
    ]
    if request.GET.get("export") == "xlsx" and form and period:
        from shared.xlsx import xlsx_response

        return xlsx_response(
            filename=f"上报情况-{form.code}-{period.code}",
            title=str(_("Reporting status")),
            headers=[str(h) for h in headers],
            rows=(
                [
                    r.school_code,
                    r.school_name,
                    str(r.state_label),
                    r.deadline,
                    r.completed_at,
                    _yes_no(r.on_time),
                    r.decided_by,
                ]
                for r in rows
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/status.html",
        {
            "forms": forms,
            "form": form,
            "periods": periods,
            "period": period,
            "state": state,
            "states": list(selectors.STATE_LABELS.items()),
            "q": q,
            "page": page,
            "query": query.urlencode(),
            "headers": headers,
            "can_run": can_run_jobs(request.user),
            "completeness": selectors.completeness(period) if period else None,
        },
    )


def _yes_no(value):
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def _submission(form_code, period_code, school_code) -> tuple[ReportForm, Period, School, Submission | None]:
    form = get_object_or_404(ReportForm, code=form_code)
    period = get_object_or_404(Period, code=period_code, kind=form.period_kind)
    school = get_object_or_404(School, code=school_code)
    return form, period, school, Submission.objects.filter(form=form, period=period, school=school).first()


@figures_reader
def submission_detail(request, form, period, school):
    form, period, school, submission = _submission(form, period, school)
    return render(
        request,
        "reporting/submission_detail.html",
        {
            "report_form": form,
            "period": period,
            "school": school,
            "submission": submission,
            "state": selectors.STATE_LABELS[selectors.submission_state(submission)],
            "lines": selectors.district_lines(submission) if submission else [],
            "events": submission.events.all() if submission else [],
            "can_run": can_run_jobs(request.user),
            "reason_form": ReasonForm(),
            "deadline": form.deadline_for(period),
        },
    )


@jobs_runner
@require_POST
def submission_decide(request, form, period, school, action):
    form, period, school, submission = _submission(form, period, school)
    if submission is None:
        raise Http404
    back = reverse("reporting:submission", args=[form.code, period.code, school.code])
    try:
        if action == "approve":
            services.submission_approve(submission, actor=request.user)
            messages.success(request, _("Approved. The figures are locked."))
        elif action == "return":
            services.submission_return(submission, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Returned to the school."))
        elif action == "reopen":
            services.submission_reopen(submission, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Reopened. The school can change the form again."))
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back)


# --- Report forms ---------------------------------------------------------------------------------------


@figures_reader
def forms_list(request):
    return render(
        request,
        "reporting/forms.html",
        {"forms": selectors.report_forms(), "can_run": can_run_jobs(request.user)},
    )


@jobs_runner
def form_edit(request, code=None):
    obj = get_object_or_404(ReportForm, code=code) if code else None
    form = ReportFormForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        data = {
            k: form.cleaned_data[k]
            for k in ("code", "name", "period_kind", "deadline_days", "active", "elements")
        }
        try:
            services.report_form_save(actor=request.user, form=obj, data=data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The report form was saved."))
            return redirect("reporting:forms")
    return render(
        request,
        "reporting/form_edit.html",
        {"form": form, "object": obj},
        status=400 if request.method == "POST" else 200,
    )


# --- Information reports ----------------------------------------------------------------------------------


@figures_reader
def info_reports(request):
    status = request.GET.get("status", "")
    if status not in (InfoReportStatus.SUBMITTED, InfoReportStatus.RETURNED):
        status = ""
    late = request.GET.get("late", "")
    q = (request.GET.get("q") or "").strip()
    reports = selectors.district_info_reports(status=status, school=q, late=late)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/info_reports.html",
        {"page": page, "status": status, "late": late, "q": q, "query": query.urlencode()},
    )


@figures_reader
def info_report_detail(request, id):
    report = get_object_or_404(
        DistrictInfoReport.objects.select_related("school").exclude(status=InfoReportStatus.DUE), public_id=id
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not can_run_jobs(request.user):
            raise Http404
        if form.is_valid():
            try:
                services.info_report_return(report, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The report was returned to the school."))
                return redirect("reporting:info_report", id=report.public_id)
    return render(
        request,
        "reporting/info_report_detail.html",
        {"report": report, "form": form, "can_run": can_run_jobs(request.user)},
        status=400 if request.method == "POST" else 200,
    )


# --- Exports ---------------------------------------------------------------------------------------------


@figures_reader
def exports(request):
    form = ExportForm(request.POST or None, initial={"fmt": "xlsx"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.export_request(
                actor=request.user,
                form=data["form"],
                period=data["period"],
                fmt=data["fmt"],
                schools=data["schools"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The export was queued."))
            return redirect(f"{reverse('reporting:exports')}?job={job.public_id}")
    history = Paginator(selectors.export_history(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/exports.html",
        {"form": form, "history": history, "focus": request.GET.get("job", "")},
        status=400 if request.method == "POST" else 200,
    )


def _job(id) -> ExportJob:
    return get_object_or_404(ExportJob.objects.select_related("form", "period"), public_id=id)


@figures_reader
def export_progress(request, id):
    """The job's row, polled by HTMX until it is done."""
    return render(request, "reporting/_export_row.html", {"job": _job(id)})


@figures_reader
def export_download(request, id):
    from django.conf import settings

    from reporting.exports import CONTENT_TYPES

    job = _job(id)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    path = settings.MEDIA_ROOT / job.file
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"{job.form.code}-{job.period.code}.{job.fmt}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[job.fmt])
    return response


@figures_reader
def index(request):
    return redirect("reporting:status")
