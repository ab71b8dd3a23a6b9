"""The district dashboard (/figures/) and one school's drill-down (/figures/schools/<code>/), on the
district host only. District admins and analysts read them (figures.access); anyone else signed in
gets 404, and an anonymous visitor the sign-in page. Every number comes through figures.dashboard,
which reads only published (disclosure-controlled) cells; every export carries the withheld flag."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from district.models import School, SchoolStatus
from figures import dashboard
from figures.access import can_run_jobs, figures_reader
from figures.area import figures_tabs
from shared.xlsx import xlsx_workbook_response

SCHOOLS_PER_PAGE = 50


def _flag(shown) -> str:
    return _("Withheld") if shown.suppressed else ""


def _common(request) -> dict:
    return {
        "k": settings.DISCLOSURE_K,
        "can_run_jobs": can_run_jobs(request.user),
        **figures_tabs(request, "dashboard"),
    }


@figures_reader
def index(request):
    context = dashboard.dashboard_context(
        period_code=request.GET.get("period"),
        element_code=request.GET.get("element"),
        breakdown=request.GET.get("breakdown"),
    )
    context.update(_common(request))
    if context["period"] is not None and request.GET.get("export") == "xlsx":
        return _dashboard_xlsx(context)
    # Schools are listed a page at a time (the export has them all): the same page of the registry
    # in both tables.
    number = request.GET.get("page")
    if context.get("distribution"):
        context["distribution_page"] = Paginator(context["distribution"]["rows"], SCHOOLS_PER_PAGE).get_page(
            number
        )
    if context.get("completeness"):
        context["completeness_page"] = Paginator(
            context["completeness"]["by_school"], SCHOOLS_PER_PAGE
        ).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return render(request, "figures/dashboard/index.html", context)


@figures_reader
def school(request, code):
    found = School.objects.filter(code=code).exclude(status=SchoolStatus.ARCHIVED).first()
    if found is None:
        raise Http404
    period = dashboard.period_pick(request.GET.get("period"))
    rows = dashboard.school_block(period, found) if period else []
    context = {
        "school": found,
        "period": period,
        "periods": dashboard.periods(),
        "rows": rows,
        **_common(request),
    }
    if period is not None and request.GET.get("export") == "xlsx":
        return _school_xlsx(context)
    return render(request, "figures/dashboard/school.html", context)


# ---------------------------------------------------------------------------------------------
# Exports


def _dashboard_xlsx(context) -> HttpResponse:
    period = context["period"]
    sheets = []
    dist = context["distribution"]
    if dist:
        element = dist["element"]
        rows = [
            [r["number"], r["code"], r["name"], element.name, dist["breakdown_label"], r["cell"].value,
             element.unit, _flag(r["cell"])]
            for r in dist["rows"]
        ]  # fmt: skip
        rows.append(
            ["", dashboard.DISTRICT, _("District"), element.name, dist["breakdown_label"], dist["district"].value,
             element.unit, _flag(dist["district"])]
        )  # fmt: skip
        sheets.append(
            (
                _("Distribution"),
                [_("School number"), _("School code"), _("School"), _("Figure"), _("Category"), _("Value"),
                 _("Unit"), _("Withheld")],
                rows,
            )
        )  # fmt: skip
        trend = context["trend"]
        sheets.append(
            (
                _("Trend by term"),
                [_("Term"), _("Figure"), _("Category"), _("District value"), _("Withheld")],
                [[p["period"].name, element.name, trend["breakdown_label"], p["cell"].value, _flag(p["cell"])]
                 for p in trend["points"]],
            )
        )  # fmt: skip
    policy = context["policy"]
    ft = policy["full_time"]
    policy_rows = [
        [_("Schools with a full-time psychology teacher"), ft["schools"], "", ""],
        [_("Reporting schools"), ft["reporting"], "", ""],
        [_("Schools whose full-time figure is withheld"), ft["withheld"], "", ""],
        [_("Share of schools with a published figure (%)"), ft["share"], "", ""],
        [_("Screening coverage of the target grades (%)"), policy["screening"]["total"].value, "",
         _flag(policy["screening"]["total"])],
    ]  # fmt: skip
    for key in ("rooms", "room_hours", "training"):
        block = policy[key]
        if block["element"] is None:
            continue
        summary = block["summary"] or {}
        policy_rows.append(
            [f"{block['element'].name}（{_('district')}）", block["district"].value, block["element"].unit,
             _flag(block["district"])]
        )  # fmt: skip
        for label, stat in (
            (_("lower quartile"), "q1"),
            (_("median"), "median"),
            (_("upper quartile"), "q3"),
        ):
            policy_rows.append(
                [f"{block['element'].name}（{label}）", summary.get(stat), block["element"].unit, ""]
            )
    sheets.append((_("Policy figures"), [_("Figure"), _("Value"), _("Unit"), _("Withheld")], policy_rows))
    sheets.append(
        (
            _("Screening by grade"),
            [_("Grade"), _("Screened students"), _("Withheld"), _("Enrolled students"), _("Withheld"),
             _("Coverage (%)"), _("Withheld")],
            [[g["name"], g["screened"].value, _flag(g["screened"]), g["enrolled"].value, _flag(g["enrolled"]),
              g["coverage"].value, _flag(g["coverage"])] for g in policy["screening"]["grades"]],
        )
    )  # fmt: skip
    completeness = context["completeness"]
    if completeness is not None:
        sheets.append(
            (
                _("Reporting completeness"),
                [_("School code"), _("School"), _("Expected"), _("Submitted"), _("On time")],
                [[r["school_code"], r["school_name"], r["expected"], r["submitted"], r["on_time"]]
                 for r in completeness["by_school"]],
            )
        )  # fmt: skip
    return xlsx_workbook_response(filename=f"{_('District figures')}-{period.code}", sheets=sheets)


def _school_xlsx(context) -> HttpResponse:
    school, period = context["school"], context["period"]
    rows = []
    for row in context["rows"]:
        element = row["element"]
        rows.append([element.name, _("Total"), row["total"].value, element.unit, _flag(row["total"])])
        for category in row["categories"]:
            rows.append(
                [
                    element.name,
                    category["name"],
                    category["cell"].value,
                    element.unit,
                    _flag(category["cell"]),
                ]
            )
    return xlsx_workbook_response(
        filename=f"{school.name}-{period.code}",
        sheets=[(period.name, [_("Figure"), _("Category"), _("Value"), _("Unit"), _("Withheld")], rows)],
    )
