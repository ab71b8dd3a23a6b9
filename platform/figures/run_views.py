"""District pages of the aggregation: runs (/figures/runs/) and validation violations
(/figures/validation/).

District admins and analysts read both; only the district admin starts a run (figures.access).
Anyone else signed in gets 404, an anonymous visitor the sign-in page. The violations list shows
a rule's two values only when the district would see both cells published: a side withheld by
disclosure control makes the row "not evaluable", with no numbers (figures.validation).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from district.models import School
from figures.access import FiguresReaders, can_run_jobs, figures_reader
from figures.aggregation import run_start
from figures.area import FIGURES_AREA, figures_tabs
from figures.counts import today
from figures.models import (
    AggregationRun,
    Importance,
    Period,
    RunStatus,
    SchoolRunOutcome,
    ValidationRule,
    ValidationViolation,
)
from figures.periods import ensure_school_year
from figures.validation import district_view
from shared.calendar import school_year_of
from shared.pages import Column, TablePage
from shared.resources import Filter

RUNS_PER_PAGE = 20


def _period_choices():
    """Periods a run may be asked for: this school year's and last year's, newest first."""
    this_year = school_year_of(today())
    start = int(this_year[:4])
    ensure_school_year(this_year)
    ensure_school_year(f"{start - 1}-{start}")
    return Period.objects.filter(start__lte=today()).order_by("-start", "kind")


def _with_failures(runs):
    failures = SchoolRunOutcome.objects.filter(ok=False, finished_at__isnull=False).select_related("school")
    return runs.prefetch_related(Prefetch("outcomes", queryset=failures, to_attr="failures"), "periods")


@figures_reader
def run_list(request):
    if request.method == "POST":
        return _run_create(request)
    page = Paginator(_with_failures(AggregationRun.objects.all()), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "runs": page.object_list,
        "can_run": can_run_jobs(request.user),
        "periods": _period_choices() if can_run_jobs(request.user) else [],
        "going": (RunStatus.QUEUED, RunStatus.RUNNING),
        **figures_tabs(request, "runs"),
    }
    return render(request, "figures/runs/list.html", context)


def _run_create(request):
    if not can_run_jobs(request.user):
        raise Http404
    codes = request.POST.getlist("period")
    periods = list(_period_choices().filter(code__in=codes))
    if not codes or len(periods) != len(set(codes)):
        messages.error(request, _("Choose a period to compute."))
        return redirect("figures:runs")
    run_start(periods, requested_by=request.user.username)
    messages.success(request, _("The figures are being computed. This page shows the progress."))
    return redirect("figures:runs")


@figures_reader
def run_progress(request, run_id: int):
    """The progress of one run (HTMX swaps it in place every two seconds while the run goes)."""
    run = get_object_or_404(_with_failures(AggregationRun.objects.all()), pk=run_id)
    return render(
        request,
        "figures/runs/_progress.html",
        {"run": run, "going": (RunStatus.QUEUED, RunStatus.RUNNING)},
    )


# --- violations --------------------------------------------------------------------------------


def _shown(violation):
    """The district's view of a violation, computed once per row."""
    if not hasattr(violation, "_district"):
        violation._district = district_view(violation)
    return violation._district


def _side(violation, side: str):
    shown = _shown(violation)
    if not shown.evaluable:
        return _("Not evaluable (withheld)")
    return getattr(shown, side).normalize()


def _right_label(violation) -> str:
    rule = violation.rule
    if rule.right_element:
        return f"{rule.right_element}{'.' + rule.right_breakdown if rule.right_breakdown else ''}"
    return str(rule.right_constant.normalize())


VIOLATION_FILTERS = [
    Filter(
        "period",
        gettext_lazy("Period"),
        choices=lambda request: [
            (p.code, p.name)
            for p in Period.objects.filter(violations__isnull=False).distinct().order_by("-start", "kind")
        ],
        lookup="period__code",
    ),
    Filter(
        "rule",
        gettext_lazy("Rule"),
        choices=lambda request: [(r.code, r.name) for r in ValidationRule.objects.all()],
        lookup="rule__code",
    ),
    Filter(
        "school",
        gettext_lazy("School"),
        choices=lambda request: [(s.code, s.name) for s in School.objects.order_by("number")],
        lookup="school__code",
    ),
    Filter("importance", gettext_lazy("Importance"), choices=Importance.choices, lookup="rule__importance"),
]


class DistrictViolationsPage(TablePage):
    policy = FiguresReaders
    area = FIGURES_AREA
    tab = "violations"
    title = gettext_lazy("Validation rule violations")
    intro = gettext_lazy(
        "Rules checked on each school's figures after every computation. A value the district sees "
        "as withheld counts as missing: such a row says “not evaluable” and shows no numbers."
    )
    empty_text = gettext_lazy("No rule is broken.")
    export_name = "validation-violations"
    filters = VIOLATION_FILTERS
    columns = [
        Column(gettext_lazy("Period"), "period.name"),
        Column(gettext_lazy("School"), "school.name"),
        Column(gettext_lazy("Rule"), "rule.name"),
        Column(gettext_lazy("Importance"), "rule.get_importance_display"),
        Column(gettext_lazy("Left side"), lambda v: _side(v, "left"), numeric=True),
        Column(gettext_lazy("Operator"), "rule.get_operator_display"),
        Column(gettext_lazy("Right side"), lambda v: _side(v, "right"), numeric=True),
        Column(gettext_lazy("Compared with"), _right_label),
        Column(gettext_lazy("Found at"), "found_at"),
    ]

    def get_queryset(self, request):
        return ValidationViolation.objects.select_related("rule", "school", "period").order_by(
            "-period__start", "school__number", "rule__code"
        )
