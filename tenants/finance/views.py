"""Budget pages: spent against budget per line (the area's landing page), spending records, and
the forms to record them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.pages import Action, Column, Filter, FormPage, TablePage, is_uuid
from tenants.finance import selectors, services
from tenants.finance.forms import BudgetLineForm, SpendingForm
from tenants.finance.models import BudgetCategory, BudgetLine
from tenants.finance.policies import budget_policy, spending_policy

TABS = [
    ("finance:index", gettext_lazy("Budget use")),
    ("finance:spending", gettext_lazy("Spending records")),
]


def _tabs(current: str):
    return [(reverse(name), label, name == current) for name, label in TABS]


def _year_choices(request):
    years = set(selectors.budget_school_years())
    years.add(selectors.school_year_of(timezone.localdate()))
    return [(y, y) for y in sorted(years, reverse=True)]


class MoneyTable(TablePage):
    """Amounts show as 12,345.00 on the page and go into the XLSX export as numbers."""

    @property
    def exporting(self) -> bool:
        return self.request.GET.get("export") == "xlsx"

    def money(self, attr: str):
        def value(obj):
            amount = getattr(obj, attr)
            if amount is None:
                return None if self.exporting else ""
            return float(amount) if self.exporting else f"{amount:,.2f}"

        return value

    def day(self, attr: str):
        def value(obj):
            day = getattr(obj, attr)
            return day if self.exporting or day is None else day.strftime("%Y-%m-%d")

        return value

    def over_budget(self, line):
        if not line.over_budget:
            return ""
        if self.exporting:
            return _("Over budget")
        return format_html('<span class="badge badge-overdue">{}</span>', _("Over budget"))

    def percent(self, obj):
        if obj.percent is None:
            return None if self.exporting else "—"
        return float(obj.percent) if self.exporting else f"{obj.percent}%"


class BudgetTable(MoneyTable):
    """Each budget line with what was spent, what remains, the percentage used and whether it is
    over budget. Shows the current school year unless another (or all) is chosen."""

    title = gettext_lazy("Budget use (经费预算)")
    intro = gettext_lazy(
        "Spent against budget for each line. Spending past a line's budget carries its reason."
    )
    policy = budget_policy
    export_name = "经费预算执行"
    empty_text = gettext_lazy("No budget lines for this school year. Enter the year's budget lines first.")
    template_name = "finance/budget_table.html"
    filters = [
        Filter("school_year", gettext_lazy("School year"), choices=_year_choices),
        Filter("category", gettext_lazy("Category"), choices=list(BudgetCategory.choices)),
        Filter(
            "over",
            gettext_lazy("Over budget"),
            choices=[("yes", gettext_lazy("Over budget only"))],
            apply=lambda qs, v: qs.filter(over_budget=True),
        ),
    ]

    def selected_year(self, request) -> str:
        if "school_year" in request.GET:
            return request.GET["school_year"].strip()
        return selectors.school_year_of(timezone.localdate())

    def get_queryset(self, request):
        qs = budget_policy.visible(request.user, selectors.budget_lines())
        if "school_year" not in request.GET:
            qs = qs.filter(school_year=self.selected_year(request))
        return qs

    def edit_link(self, line):
        if budget_policy.can_change(self.request.user, line):
            return reverse("finance:line_edit", args=[line.public_id])
        return None

    @property
    def columns(self):
        return [
            Column(gettext_lazy("School year"), "school_year"),
            Column(gettext_lazy("Category"), "get_category_display"),
            Column(gettext_lazy("Budget line"), "title", link=self.edit_link),
            Column(gettext_lazy("Budget (yuan)"), self.money("amount"), numeric=True),
            Column(
                gettext_lazy("Spent (yuan)"),
                self.money("spent"),
                numeric=True,
                link=lambda line: f"{reverse('finance:spending')}?line={line.public_id}",
            ),
            Column(gettext_lazy("Remaining (yuan)"), self.money("remaining"), numeric=True),
            Column(gettext_lazy("Used"), self.percent, numeric=True),
            Column(gettext_lazy("Over budget"), self.over_budget),
        ]

    def get_actions(self, request):
        actions = []
        if budget_policy.can_create(request.user):
            actions.append(Action(gettext_lazy("New budget line"), reverse("finance:line_new")))
        if spending_policy.can_create(request.user):
            actions.append(
                Action(gettext_lazy("Record spending"), reverse("finance:spending_new"), primary=False)
            )
        return actions

    def extra_context(self, request):
        year = self.selected_year(request)
        filters = [
            (f, f.options(request), year if f.name == "school_year" else request.GET.get(f.name, "").strip())
            for f in self.filters
        ]
        return {
            "tabs": _tabs("finance:index"),
            "filters": filters,
            "school_year": year,
            "use": _formatted(selectors.budget_use(school_year=year)) if year else None,
        }


def _line_choices(request):
    return [(str(line.public_id), str(line)) for line in BudgetLine.objects.order_by("-school_year", "title")]


def _formatted(use: dict) -> dict:
    for key in ("budget", "spent", "remaining"):
        use[f"{key}_display"] = f"{use[key]:,.2f}"
    return use


class SpendingTable(MoneyTable):
    title = gettext_lazy("Spending records")
    intro = gettext_lazy("Every payment against a budget line, with its receipt.")
    policy = spending_policy
    export_name = "经费支出记录"
    empty_text = gettext_lazy("No spending recorded yet.")
    template_name = "finance/table.html"

    filters = [
        Filter("school_year", gettext_lazy("School year"), choices=_year_choices, lookup="line__school_year"),
        Filter("line", gettext_lazy("Budget line"), choices=_line_choices, lookup="line__public_id"),
        Filter(
            "over",
            gettext_lazy("Over budget"),
            choices=[("yes", gettext_lazy("With an over-budget reason"))],
            apply=lambda qs, v: qs.exclude(over_budget_reason=""),
        ),
        Filter(
            "q",
            gettext_lazy("Search"),
            apply=lambda qs, v: qs.filter(Q(payee__icontains=v) | Q(purpose__icontains=v)),
        ),
    ]

    def get_queryset(self, request):
        return spending_policy.visible(request.user, selectors.spendings())

    def edit_link(self, spending):
        if spending_policy.can_change(self.request.user, spending):
            return reverse("finance:spending_edit", args=[spending.public_id])
        return None

    def receipt_link(self, spending):
        if spending.first_receipt:
            return reverse("finance:receipt", args=[spending.public_id, spending.first_receipt])
        return None

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Date"), self.day("spent_on")),
            Column(gettext_lazy("Budget line"), "line.title"),
            Column(gettext_lazy("Purpose"), "purpose", link=self.edit_link),
            Column(gettext_lazy("Payee"), "payee"),
            Column(gettext_lazy("Amount (yuan)"), self.money("amount"), numeric=True),
            Column(gettext_lazy("Reason for exceeding the budget"), "over_budget_reason"),
            Column(gettext_lazy("Receipts"), "receipt_count", numeric=True, link=self.receipt_link),
        ]

    def get_actions(self, request):
        if spending_policy.can_create(request.user):
            url = reverse("finance:spending_new")
            if request.GET.get("line"):
                url += f"?line={request.GET['line']}"
            return [Action(gettext_lazy("Record spending"), url)]
        return []

    def extra_context(self, request):
        return {"tabs": _tabs("finance:spending")}


class AreaForm(FormPage):
    """People who may not read the budget get 404; readers who may not write get 403."""

    template_name = "pages/form.html"
    success_message = gettext_lazy("Saved.")
    selector = None

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        return get_object_or_404(self.policy.visible(request.user, self.selector()), public_id=kwargs["id"])

    def render(self, request, form, obj, status=200):
        return render(
            request,
            self.template_name,
            {
                "title": self.title if obj is None else self.edit_title,
                "form": form,
                "object": obj,
            },
            status=status,
        )


class BudgetLineFormPage(AreaForm):
    title = gettext_lazy("New budget line")
    edit_title = gettext_lazy("Edit budget line")
    form_class = BudgetLineForm
    policy = budget_policy

    def selector(self):
        return selectors.budget_lines()

    def initial(self, request):
        return {"school_year": selectors.school_year_of(timezone.localdate())}

    def save(self, request, form, obj):
        if obj is None:
            return services.budget_line_create(actor=request.user, **form.cleaned_data)
        return services.budget_line_update(obj, actor=request.user, data=dict(form.cleaned_data))

    def success_url(self, request, saved):
        return f"{reverse('finance:index')}?school_year={saved.school_year}"


class SpendingFormPage(AreaForm):
    title = gettext_lazy("Record spending")
    edit_title = gettext_lazy("Edit spending record")
    form_class = SpendingForm
    policy = spending_policy

    def selector(self):
        return selectors.spendings()

    def initial(self, request):
        initial = {"spent_on": timezone.localdate()}
        line = request.GET.get("line")
        if line:
            found = BudgetLine.objects.filter(public_id__in=[line] if is_uuid(line) else []).first()
            if found:
                initial["line"] = found.pk
        return initial

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        receipt = data.pop("receipt", None)
        if obj is None:
            return services.spending_create(actor=request.user, receipt=receipt, **data)
        return services.spending_update(obj, actor=request.user, data=data, receipt=receipt)

    def success_url(self, request, saved):
        return f"{reverse('finance:spending')}?line={saved.line.public_id}"


@login_required
def receipt(request, id, receipt_id):
    spending = get_object_or_404(spending_policy.visible(request.user, selectors.spendings()), public_id=id)
    attachment = get_object_or_404(selectors.receipts_of(spending), public_id=receipt_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
