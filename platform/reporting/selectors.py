"""Reporting reads: the status of every school's report forms, completeness and timeliness for the
dashboard, a school's form filled from its own figures, and the district's information reports."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from figures.models import MetricValue, Period
from reporting.models import (
    DistrictInfoReport,
    ExportJob,
    InfoReportStatus,
    ReportForm,
    Submission,
    SubmissionStatus,
    local_date,
)
from shared.tenancy.context_helpers import active_schools

SUBMITTED = (SubmissionStatus.COMPLETE, SubmissionStatus.APPROVED)

STATE_LABELS = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "complete": _("Complete"),
    "approved": _("Approved"),
    "returned": _("Returned"),
    "late": _("Late"),
}


def today() -> date:
    return timezone.localdate()


def report_forms(*, active_only: bool = False):
    forms = ReportForm.objects.prefetch_related("elements").order_by("code")
    return forms.filter(active=True) if active_only else forms


def periods_for(form: ReportForm, *, on: date | None = None):
    """The periods of the form's type that have started by `on`, latest first."""
    on = on or today()
    return Period.objects.filter(kind=form.period_kind, start__lte=on).order_by("-start")


@dataclass
class StatusRow:
    school_code: str
    school_name: str
    state: str  # not_started, in_progress, complete, approved, returned
    late: bool
    deadline: date
    completed_at: object = None
    on_time: bool | None = None
    decided_by: str = ""
    returned_reason: str = ""
    submission: Submission | None = None

    @property
    def state_label(self):
        return STATE_LABELS["late"] if self.late else STATE_LABELS[self.state]


def submission_state(submission: Submission | None) -> str:
    if submission is None:
        return "not_started"
    if submission.status == SubmissionStatus.OPEN:
        # Prefetched events when the caller asked for them (status_rows), else one query.
        return "in_progress" if submission.events.all() else "not_started"
    return submission.status


def status_rows(*, form: ReportForm, period: Period, on: date | None = None, state: str = "", q: str = ""):
    """One row per active school for `form` and `period`. `state` filters (late included); `q`
    matches a school's code or name."""
    on = on or today()
    deadline = form.deadline_for(period)
    schools = active_schools()
    if q:
        schools = schools.filter(Q(code__icontains=q) | Q(name__icontains=q))
    submissions = {
        s.school_id: s for s in Submission.objects.filter(form=form, period=period).prefetch_related("events")
    }
    rows = []
    for school in schools.order_by("code"):
        sub = submissions.get(school.pk)
        current = submission_state(sub)
        completed = sub.completed_at if sub is not None and sub.status in SUBMITTED else None
        row = StatusRow(
            school_code=school.code,
            school_name=school.name,
            state=current,
            late=current not in SUBMITTED and on > deadline,
            deadline=deadline,
            completed_at=completed,
            on_time=(local_date(completed) <= deadline) if completed else None,
            decided_by=sub.decided_by if sub is not None else "",
            returned_reason=sub.returned_reason if sub is not None else "",
            submission=sub,
        )
        if state == "late" and not row.late:
            continue
        if state and state != "late" and row.state != state:
            continue
        rows.append(row)
    return rows


def completeness(period: Period, *, on: date | None = None) -> dict:
    """Expected, submitted and submitted-on-time reports for `period`, in all and by school: every
    active report form of the period's type (one per active school), and the information reports
    the schools scheduled with a due date inside the period. Submitted means marked complete or
    approved (a form) or submitted and not returned (an information report)."""
    forms = list(ReportForm.objects.filter(active=True, period_kind=period.kind).values_list("pk", flat=True))
    schools = list(active_schools().values_list("pk", "code", "name"))
    by_school = {pk: {"school_code": code, "school_name": name, "expected": 0, "submitted": 0, "on_time": 0}
                 for pk, code, name in schools}  # fmt: skip
    deadlines = {f.pk: f.deadline_for(period) for f in ReportForm.objects.filter(pk__in=forms)}
    for row in by_school.values():
        row["expected"] += len(forms)
    for sub in Submission.objects.filter(form_id__in=forms, period=period, status__in=SUBMITTED):
        row = by_school.get(sub.school_id)
        if row is None:
            continue
        row["submitted"] += 1
        if sub.completed_at and local_date(sub.completed_at) <= deadlines[sub.form_id]:
            row["on_time"] += 1
    reports = DistrictInfoReport.objects.filter(
        due_on__gte=period.start, due_on__lte=period.end, school_id__in=by_school
    ).values_list("school_id", "status", "on_time")
    for school_id, status, on_time in reports:
        row = by_school[school_id]
        row["expected"] += 1
        if status == InfoReportStatus.SUBMITTED:
            row["submitted"] += 1
            row["on_time"] += bool(on_time)
    rows = sorted(by_school.values(), key=lambda r: r["school_code"])
    return {
        "expected": sum(r["expected"] for r in rows),
        "submitted": sum(r["submitted"] for r in rows),
        "on_time": sum(r["on_time"] for r in rows),
        "by_school": rows,
    }


# --- The school's side ------------------------------------------------------------------------------


@dataclass
class FormLine:
    element: object
    breakdown: str  # "" for the total, else a category code
    breakdown_name: str
    value: object  # Decimal or None
    source: str  # "computed", "manual" or "" (no value yet)
    comment: str = ""
    can_enter: bool = False


def form_lines(submission: Submission) -> list[FormLine]:
    """The form as the school sees it: its own raw values per element (total, then categories), or
    its manual value where no records lie behind an element."""
    from reporting.services import manual_value_allowed

    elements = list(submission.form.elements.order_by("position", "code"))
    values = {
        (v.element_id, v.breakdown): v.value
        for v in MetricValue.objects.filter(
            school=submission.school, period=submission.period, element__in=elements
        )
    }
    manual = {(m.element_id, m.breakdown): m for m in submission.manual_values.all()}
    lines = []
    for element in elements:
        computed = values.get((element.pk, ""))
        man = manual.get((element.pk, ""))
        if computed is not None:  # records win over a value entered earlier
            line = FormLine(element, "", "", computed, "computed")
        elif man is not None:
            line = FormLine(element, "", "", man.value, "manual", man.comment)
        else:
            line = FormLine(element, "", "", None, "")
        line.can_enter = manual_value_allowed(element) and computed is None
        lines.append(line)
        for category in element.categories:
            lines.append(
                FormLine(
                    element,
                    category["code"],
                    category["name"],
                    values.get((element.pk, category["code"])),
                    "computed",
                )
            )
    return lines


def district_lines(submission: Submission) -> list[dict]:
    """The form as the district sees it: published (disclosure-controlled) values of the school, and
    the school's manual values (never counts of students) with their comments."""
    from figures.selectors import published

    manual = {m.element_id: m for m in submission.manual_values.all()}
    lines = []
    for element in submission.form.elements.order_by("position", "code"):
        names = {c["code"]: c["name"] for c in element.categories}
        cells = {c.breakdown: c for c in published(submission.period, element, schools=[submission.school.code])
                 if c.school == submission.school.code}  # fmt: skip
        man = manual.get(element.pk)
        for breakdown in ["", *element.category_codes]:
            cell = cells.get(breakdown)
            entered = man is not None and not breakdown and cell is None
            lines.append(
                {
                    "element": element,
                    "breakdown_name": names.get(breakdown, ""),
                    "value": man.value if entered else (cell.value if cell else None),
                    "suppressed": bool(cell and cell.suppressed),
                    "manual": entered,
                    "comment": man.comment if man is not None and not breakdown else "",
                }
            )
    return lines


def school_submissions(*, school, form: ReportForm):
    return {s.period_id: s for s in Submission.objects.filter(school=school, form=form)}


# --- Information reports at the district --------------------------------------------------------------


def district_info_reports(*, status: str = "", school: str = "", late: str = ""):
    reports = DistrictInfoReport.objects.select_related("school").exclude(status=InfoReportStatus.DUE)
    if status:
        reports = reports.filter(status=status)
    if school:
        reports = reports.filter(Q(school__code__icontains=school) | Q(school__name__icontains=school))
    if late == "yes":
        reports = reports.filter(on_time=False)
    elif late == "no":
        reports = reports.filter(on_time=True)
    return reports.order_by("-submitted_at")


def export_history():
    return ExportJob.objects.select_related("form", "period").order_by("-created_at")
