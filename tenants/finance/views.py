"""Budget pages: spent against budget per line (the area's landing page), spending records, and
the forms to record them. The resources, their filters and the area's tabs are declared in
tenants/finance/resources.py."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.pages import Action, Column, FormPage, TablePage, is_uuid
from tenants.finance import selectors
from tenants.finance.forms import BudgetLineForm, SpendingForm
from tenants.finance.resources import area, budget_lines, spendings


class MoneyTable(TablePage):
    """Amounts show as 12,345.00 on the page and go into the XLSX export as numbers."""

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
    resource = budget_lines
    area = area
    tab = "index"
    export_name = "经费预算执行"
    empty_text = gettext_lazy("No budget lines for this school year. Enter the year's budget lines first.")
    template_name = "finance/budget_table.html"

    def selected_year(self, request) -> str:
        if "school_year" in request.GET:
            return request.GET["school_year"].strip()
        return selectors.school_year_of(timezone.localdate())

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if "school_year" not in request.GET:
            qs = qs.filter(school_year=self.selected_year(request))
        return qs

    def edit_link(self, line):
        if budget_lines.policy.can_change(self.request.user, line):
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
        if budget_lines.policy.can_create(request.user):
            actions.append(Action(gettext_lazy("New budget line"), reverse("finance:line_new")))
        if spendings.policy.can_create(request.user):
            actions.append(
                Action(gettext_lazy("Record spending"), reverse("finance:spending_new"), primary=False)
            )
        return actions

    def extra_context(self, request):
        year = self.selected_year(request)
        filters = [
            (f, f.options(request), year if f.name == "school_year" else request.GET.get(f.name, "").strip())
            for f in self.get_filters()
        ]
        return {
            "filters": filters,
            "school_year": year,
            "use": _formatted(selectors.budget_use(school_year=year)) if year else None,
        }


def _formatted(use: dict) -> dict:
    for key in ("budget", "spent", "remaining"):
        use[f"{key}_display"] = f"{use[key]:,.2f}"
    return use


class SpendingTable(MoneyTable):
    title = gettext_lazy("Spending records")
    intro = gettext_lazy("Every payment against a budget line, with its receipt.")
    resource = spendings
    area = area
    tab = "spending"
    export_name = "经费支出记录"
    empty_text = gettext_lazy("No spending recorded yet.")

    def edit_link(self, spending):
        if spendings.policy.can_change(self.request.user, spending):
            return reverse("finance:spending_edit", args=[spending.public_id])
        return None

    def receipt_link(self, spending):
        if spending.first_receipt:
            return reverse("workspace:file", args=[spending.first_receipt])
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
        if spendings.policy.can_create(request.user):
            url = reverse("finance:spending_new")
            if request.GET.get("line"):
                url += f"?line={request.GET['line']}"
            return [Action(gettext_lazy("Record spending"), url)]
        return []


class BudgetLineFormPage(FormPage):
    title = gettext_lazy("New budget line")
    edit_title = gettext_lazy("Edit budget line")
    success_message = gettext_lazy("Saved.")
    form_class = BudgetLineForm
    resource = budget_lines
    area = area
    tab = "index"

    def initial(self, request):
        return {"school_year": selectors.school_year_of(timezone.localdate())}

    def success_url(self, request, saved):
        return f"{reverse('finance:index')}?school_year={saved.school_year}"


class SpendingFormPage(FormPage):
    title = gettext_lazy("Record spending")
    edit_title = gettext_lazy("Edit spending record")
    success_message = gettext_lazy("Saved.")
    form_class = SpendingForm
    resource = spendings
    area = area
    tab = "spending"

    def initial(self, request):
        initial = {"spent_on": timezone.localdate()}
        line = request.GET.get("line")
        if line:
            lines = budget_lines.queryset(request.user).filter(public_id__in=[line] if is_uuid(line) else [])
            found = lines.first()
            if found:
                initial["line"] = found.pk
        return initial

    def save(self, request, form, obj):
        data = dict(form.cleaned_data)
        receipt = data.pop("receipt", None)
        if obj is None:
            return spendings.save(actor=request.user, obj=None, data={**data, "receipt": receipt})
        spendings.update(obj, actor=request.user, data=data, receipt=receipt)
        return spendings.reload(obj)

    def success_url(self, request, saved):
        return f"{reverse('finance:spending')}?line={saved.line.public_id}"
