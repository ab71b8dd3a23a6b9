"""Terms and school years (/figures/periods/ on the district host). The district admin adds a school
year (its twelve months, two terms and the year itself, figures.periods.ensure_school_year) and moves
the dates of its terms: the first term ends the day before the second begins, both inside the school
year. Months are calendar months and follow by themselves. The analyst reads the list.
Each change is recorded in the district audit log; cached figure tables are marked stale."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from district.access import console_admin, console_reader, is_console_admin
from district.area import console_tabs
from figures.models import Period, PeriodKind
from figures.periods import ensure_school_year
from shared.calendar import school_year_bounds
from shared.pages import add_errors


class SchoolYearForm(forms.Form):
    school_year = forms.CharField(
        label=gettext_lazy("School year"),
        max_length=9,
        help_text=gettext_lazy("Written as 2027-2028: it runs from 1 September to 31 August."),
    )

    def clean_school_year(self):
        value = self.cleaned_data["school_year"].strip()
        try:
            school_year_bounds(value)
        except ValueError:
            raise ValidationError(_("Write the school year as two consecutive years, such as 2027-2028."))
        return value


class TermDatesForm(forms.Form):
    term1_start = forms.DateField(
        label=gettext_lazy("First term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term1_end = forms.DateField(
        label=gettext_lazy("First term ends"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term2_start = forms.DateField(
        label=gettext_lazy("Second term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term2_end = forms.DateField(
        label=gettext_lazy("Second term ends"), widget=forms.DateInput(attrs={"type": "date"})
    )


@transaction.atomic
def school_year_add(*, school_year: str, actor) -> list[Period]:
    from district.audit import record

    if Period.objects.filter(code=school_year, kind=PeriodKind.YEAR).exists():
        raise ValidationError({"school_year": _("This school year already exists.")})
    rows = ensure_school_year(school_year)
    record(
        actor,
        "period.year_add",
        target=school_year,
        summary=_("Added the school year %(year)s") % {"year": school_year},
    )
    return rows


@transaction.atomic
def term_dates_update(*, school_year: str, actor, term1_start, term1_end, term2_start, term2_end) -> None:
    """Move the two terms of a school year. Field errors: a term ending before it starts, a term
    outside the school year, or terms that do not meet (the second starts the day after the first)."""
    from district.audit import record
    from figures.selectors import data_changed

    first, last = school_year_bounds(school_year)
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if term1_start < first:
        add("term1_start", _("The school year starts on %(day)s.") % {"day": first.isoformat()})
    if term2_end > last:
        add("term2_end", _("The school year ends on %(day)s.") % {"day": last.isoformat()})
    if term1_end < term1_start:
        add("term1_end", _("A term cannot end before it starts."))
    if term2_end < term2_start:
        add("term2_end", _("A term cannot end before it starts."))
    if term2_start != term1_end + timedelta(days=1):
        add(
            "term2_start",
            _(
                "The second term starts the day after the first ends (%(day)s), so that every day is in a term."
            )
            % {"day": (term1_end + timedelta(days=1)).isoformat()},
        )
    if errors:
        raise ValidationError(errors)
    terms = {
        p.code: p
        for p in Period.objects.select_for_update().filter(code__in=[f"{school_year}-1", f"{school_year}-2"])
    }
    if len(terms) != 2:
        raise Http404
    for code, start, end in (
        (f"{school_year}-1", term1_start, term1_end),
        (f"{school_year}-2", term2_start, term2_end),
    ):
        term = terms[code]
        term.start, term.end = start, end
        term.full_clean()
        term.save(update_fields=["start", "end"])
    data_changed()
    record(
        actor,
        "period.terms_update",
        target=school_year,
        summary=_("Terms of %(year)s: %(a)s to %(b)s, %(c)s to %(d)s")
        % {"year": school_year, "a": term1_start, "b": term1_end, "c": term2_start, "d": term2_end},
    )


def _years():
    years = list(Period.objects.filter(kind=PeriodKind.YEAR).order_by("-start"))
    terms = {p.code: p for p in Period.objects.filter(kind=PeriodKind.TERM)}
    months = {}
    for month in Period.objects.filter(kind=PeriodKind.MONTH).order_by("start"):
        months.setdefault(month.start, month)
    for year in years:
        year.term1 = terms.get(f"{year.code}-1")
        year.term2 = terms.get(f"{year.code}-2")
        year.month_count = sum(1 for day in months if year.start <= day <= year.end)
    return years


@console_reader
def periods(request):
    can_edit = is_console_admin(request.user)
    form = SchoolYearForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                school_year_add(school_year=form.cleaned_data["school_year"], actor=request.user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("School year %(year)s added.") % {"year": form.cleaned_data["school_year"]}
                )
                return redirect("figures:periods")
        status = 400
    context = {"years": _years(), "form": form, "can_edit": can_edit, **console_tabs(request, "periods")}
    return render(request, "figures/periods.html", context, status=status)


@console_admin
def period_terms(request, code):
    terms = {
        p.code: p for p in Period.objects.filter(code__in=[f"{code}-1", f"{code}-2"], kind=PeriodKind.TERM)
    }
    if len(terms) != 2 or not Period.objects.filter(code=code, kind=PeriodKind.YEAR).exists():
        raise Http404
    first, second = terms[f"{code}-1"], terms[f"{code}-2"]
    initial = {
        "term1_start": first.start,
        "term1_end": first.end,
        "term2_start": second.start,
        "term2_end": second.end,
    }
    form = TermDatesForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                term_dates_update(school_year=code, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Terms of %(year)s saved.") % {"year": code})
                return redirect("figures:periods")
        status = 400
    context = {
        "title": _("Terms of %(year)s") % {"year": code},
        "form": form,
        "object": first,
        **console_tabs(request, "periods"),
    }
    return render(request, "pages/form.html", context, status=status)


# Included by figures.urls at /figures/periods/.
urlpatterns = [
    path("", periods, name="periods"),
    path("<str:code>/", period_terms, name="period_terms"),
]
