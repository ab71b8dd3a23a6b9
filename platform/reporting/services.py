"""Reporting write use cases: report forms, the submission workflow, manual values, information
reports reaching the district, and export jobs.

Actors are recorded by username (district or school account), never anything about a student.
A refused step raises ValidationError; a write refused because approved data is locked has the
code "locked" (pages show the message, an API answers 409).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from figures.models import MetricValue, ValueType
from reporting.models import (
    DistrictInfoReport,
    EventAction,
    ExportJob,
    InfoReportStatus,
    ManualValue,
    ReportForm,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
)

MANUAL_VALUE_TYPES = (ValueType.COUNT, ValueType.MEASURE)


def _username(actor) -> str:
    return getattr(actor, "username", None) or str(actor or "")


def _event(submission, action, actor, *, on_district: bool, note: str = "", at=None):
    return SubmissionEvent.objects.create(
        submission=submission,
        action=action,
        actor=_username(actor),
        on_district=on_district,
        at=at or timezone.now(),
        note=note,
    )


def _locked_error():
    return ValidationError(
        _(
            "This report was approved by the district and is locked. Ask the district to reopen it to change it."
        ),
        code="locked",
    )


# --- Report forms -----------------------------------------------------------------------------------


@transaction.atomic
def report_form_save(*, actor, form: ReportForm | None, data: dict) -> ReportForm:
    """Create (form None) or change a report form. `data`: code, name, period_kind, deadline_days,
    active, elements (DataElements)."""
    elements = data.pop("elements", None)
    if form is None:
        form = ReportForm(**data)
    else:
        for name, value in data.items():
            setattr(form, name, value)
    form.full_clean(exclude=["elements"])
    form.save()
    if elements is not None:
        form.elements.set(elements)
    return form


# --- Submissions ------------------------------------------------------------------------------------


def submission_for(*, form: ReportForm, school, period) -> Submission:
    """The school's submission of `form` for `period`, created (open) on first use."""
    if period.kind != form.period_kind:
        raise ValidationError(
            {"period": _("This form is reported per %(kind)s.") % {"kind": form.get_period_kind_display()}}
        )
    submission, _created = Submission.objects.get_or_create(form=form, school=school, period=period)
    return submission


def _locked_for_update(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("form", "period", "school")
        .get(pk=submission.pk)
    )


def manual_value_allowed(element) -> bool:
    """Schools enter a value only for counts and quantities reported as one total that do not count
    students (rooms, hours, teachers...): a count of students always comes from the records."""
    return element.value_type in MANUAL_VALUE_TYPES and not element.categories and not element.counts_students


def _computed(submission: Submission, element) -> MetricValue | None:
    return MetricValue.objects.filter(
        school=submission.school, period=submission.period, element=element, breakdown="", value__isnull=False
    ).first()


@transaction.atomic
def manual_value_set(submission: Submission, *, actor, element, value, comment: str = "") -> ManualValue:
    """Enter (or change) a school's value for an element with no records behind it. The comment is
    written for the district and is checked for personal data (run inside the school's schema)."""
    from tenants.students.text_check import raise_if_personal_data

    submission = _locked_for_update(submission)
    if submission.locked:
        raise _locked_error()
    if not submission.editable_by_school:
        raise ValidationError(
            _("The form was marked complete; the district decides on it now."), code="complete"
        )
    if not submission.form.elements.filter(pk=element.pk).exists():
        raise ValidationError({"element": _("This data element is not on the form.")})
    if not manual_value_allowed(element):
        raise ValidationError({"element": _("This figure is computed from records; it cannot be entered.")})
    if _computed(submission, element) is not None:
        raise ValidationError({"value": _("This figure is computed from the school's records.")})
    try:
        value = Decimal(str(value))
    except Exception as exc:  # noqa: BLE001 — any unparsable input is the same answer
        raise ValidationError({"value": _("Enter a number.")}) from exc
    if not value.is_finite() or value < 0:
        raise ValidationError({"value": _("Enter a number of zero or more.")})
    if element.value_type == ValueType.COUNT and value != value.to_integral_value():
        raise ValidationError({"value": _("A count is a whole number.")})
    comment = (comment or "").strip()
    raise_if_personal_data({"comment": (_("Comment"), comment)})
    manual, _created = ManualValue.objects.update_or_create(
        submission=submission,
        element=element,
        breakdown="",
        defaults={
            "value": value,
            "comment": comment,
            "entered_by": _username(actor),
            "entered_at": timezone.now(),
        },
    )
    _event(submission, EventAction.VALUE_SET, actor, on_district=False, note=element.code)
    return manual


@transaction.atomic
def manual_value_clear(submission: Submission, *, actor, element) -> None:
    submission = _locked_for_update(submission)
    if submission.locked:
        raise _locked_error()
    if not submission.editable_by_school:
        raise ValidationError(
            _("The form was marked complete; the district decides on it now."), code="complete"
        )
    deleted, _rows = ManualValue.objects.filter(submission=submission, element=element).delete()
    if deleted:
        _event(submission, EventAction.VALUE_CLEARED, actor, on_district=False, note=element.code)


@transaction.atomic
def submission_complete(submission: Submission, *, actor) -> Submission:
    """The principal marks the form complete (from in progress or returned)."""
    submission = _locked_for_update(submission)
    if submission.locked:
        raise _locked_error()
    if submission.status == SubmissionStatus.COMPLETE:
        raise ValidationError(_("The form is already marked complete."), code="complete")
    now = timezone.now()
    submission.status = SubmissionStatus.COMPLETE
    submission.completed_at = now
    submission.completed_by = _username(actor)
    submission.save(update_fields=["status", "completed_at", "completed_by"])
    _event(submission, EventAction.COMPLETED, actor, on_district=False, at=now)
    return submission


@transaction.atomic
def submission_approve(submission: Submission, *, actor) -> Submission:
    """The district approves a complete form. The school's manual values become its figures for the
    period (written to the figures' raw values) and every element of the form is locked."""
    submission = _locked_for_update(submission)
    if submission.status != SubmissionStatus.COMPLETE:
        raise ValidationError(_("Only a form marked complete by the school can be approved."), code="state")
    now = timezone.now()
    for manual in submission.manual_values.select_related("element"):
        if _computed(submission, manual.element) is None:
            MetricValue.objects.update_or_create(
                school=submission.school,
                period=submission.period,
                element=manual.element,
                breakdown="",
                defaults={"value": manual.value, "numerator": None, "denominator": None, "computed_at": now},
            )
    submission.status = SubmissionStatus.APPROVED
    submission.decided_at = now
    submission.decided_by = _username(actor)
    submission.returned_reason = ""
    submission.save(update_fields=["status", "decided_at", "decided_by", "returned_reason"])
    _event(submission, EventAction.APPROVED, actor, on_district=True, at=now)
    _data_changed(submission)
    return submission


@transaction.atomic
def submission_return(submission: Submission, *, actor, reason: str) -> Submission:
    """The district returns a complete form to the school, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the form is returned.")})
    submission = _locked_for_update(submission)
    if submission.status != SubmissionStatus.COMPLETE:
        raise ValidationError(_("Only a form marked complete by the school can be returned."), code="state")
    now = timezone.now()
    submission.status = SubmissionStatus.RETURNED
    submission.decided_at = now
    submission.decided_by = _username(actor)
    submission.returned_reason = reason
    submission.save(update_fields=["status", "decided_at", "decided_by", "returned_reason"])
    _event(submission, EventAction.RETURNED, actor, on_district=True, at=now, note=reason)
    return submission


@transaction.atomic
def submission_reopen(submission: Submission, *, actor, reason: str = "") -> Submission:
    """The district reopens an approved form: it is unlocked and back with the school."""
    submission = _locked_for_update(submission)
    if submission.status != SubmissionStatus.APPROVED:
        raise ValidationError(_("Only an approved form can be reopened."), code="state")
    now = timezone.now()
    # The manual values written as figures at approval go back to being the school's entries (the
    # next aggregation fills the figures again where records lie behind them).
    for manual in submission.manual_values.all():
        MetricValue.objects.filter(
            school=submission.school, period=submission.period, element=manual.element_id, breakdown="",
            value=manual.value,
        ).delete()  # fmt: skip
    submission.status = SubmissionStatus.OPEN
    submission.decided_at = now
    submission.decided_by = _username(actor)
    submission.save(update_fields=["status", "decided_at", "decided_by"])
    _event(submission, EventAction.REOPENED, actor, on_district=True, at=now, note=(reason or "").strip())
    _data_changed(submission)
    return submission


def _data_changed(submission):
    """Tell the figures' cache that raw values may have changed (when figures offers the hook)."""
    try:
        from figures import selectors as figure_selectors
    except ImportError:  # pragma: no cover — the disclosure layer not yet in
        return
    bump = getattr(figure_selectors, "data_changed", None) or getattr(
        figure_selectors, "bump_data_version", None
    )
    if bump is not None:
        transaction.on_commit(bump)


# --- Information reports ---------------------------------------------------------------------------


def _on_time(report) -> bool | None:
    from reporting.models import local_date

    if report.submitted_at is None:
        return None
    return local_date(report.submitted_at) <= report.due_on


def info_report_schedule_sync(*, school, report) -> DistrictInfoReport:
    """Mirror a scheduled school report (kind, period, due date; no text) to the district, so that
    the district knows what is due. Called inside the school's transaction on create and change."""
    copy, created = DistrictInfoReport.objects.get_or_create(
        school=school,
        school_report_id=report.public_id,
        defaults=dict(
            kind=report.kind,
            kind_label=str(report.get_kind_display()),
            period_start=report.period_start,
            period_end=report.period_end,
            due_on=report.due_on,
        ),
    )
    if not created:
        copy.kind = report.kind
        copy.kind_label = str(report.get_kind_display())
        copy.period_start = report.period_start
        copy.period_end = report.period_end
        copy.due_on = report.due_on
        copy.save(update_fields=["kind", "kind_label", "period_start", "period_end", "due_on"])
    return copy


def info_report_unschedule(*, school, report) -> None:
    """A deleted draft is no longer expected."""
    DistrictInfoReport.objects.filter(
        school=school, school_report_id=report.public_id, status=InfoReportStatus.DUE
    ).delete()


def info_report_receive(*, school, report) -> DistrictInfoReport:
    """A school's submitted report reaches the district: its title and the text written for the
    district, when and by whom (username) it was submitted, and whether on time. A report returned
    earlier and submitted again replaces the copy's text and clears the return."""
    copy = info_report_schedule_sync(school=school, report=report)
    copy.title = report.title
    copy.body = report.content
    copy.submitted_at = report.submitted_at
    copy.submitted_by = getattr(report.submitted_by, "username", "") or ""
    copy.on_time = _on_time(report)
    copy.status = InfoReportStatus.SUBMITTED
    copy.returned_reason = ""
    copy.save()
    return copy


def info_report_return(copy: DistrictInfoReport, *, actor, reason: str) -> DistrictInfoReport:
    """The district returns a submitted report with a reason. The school's report goes back to a
    draft (so that it can be corrected and submitted again) and its history records the return; the
    school reads the reason on the report's page."""
    from django_tenants.utils import schema_context

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    with transaction.atomic():
        copy = DistrictInfoReport.objects.select_for_update().select_related("school").get(pk=copy.pk)
        if copy.status != InfoReportStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted report can be returned."), code="state")
        copy.status = InfoReportStatus.RETURNED
        copy.returned_reason = reason
        copy.returned_by = _username(actor)
        copy.returned_at = timezone.now()
        copy.save(update_fields=["status", "returned_reason", "returned_by", "returned_at"])
        with schema_context(copy.school.schema_name):
            from tenants.governance.services import report_returned_by_district

            report_returned_by_district(public_id=copy.school_report_id, at=copy.returned_at)
    return copy


def info_report_return_for(*, school, report) -> DistrictInfoReport | None:
    """The district's return of a school report, for the school's page (None unless returned)."""
    return DistrictInfoReport.objects.filter(
        school=school, school_report_id=report.public_id, status=InfoReportStatus.RETURNED
    ).first()


# --- Exports -------------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, actor, form: ReportForm, period, fmt: str, schools=()) -> ExportJob:
    """Queue an export of an approved period; the Celery task is sent with the job's id only."""
    from reporting.tasks import export_build

    if period.kind != form.period_kind:
        raise ValidationError(
            {"period": _("This form is reported per %(kind)s.") % {"kind": form.get_period_kind_display()}}
        )
    job = ExportJob.objects.create(
        form=form, period=period, fmt=fmt, selection=sorted(set(schools)), requested_by=_username(actor)
    )
    transaction.on_commit(lambda: export_build.delay(job.pk))
    return job
