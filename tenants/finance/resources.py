"""The budget area and its resources, declared once: pages and API are built from these."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.resources import Area, Filter, Resource, Tab
from tenants.finance import selectors, services
from tenants.finance.models import BudgetCategory, BudgetLine, Spending
from tenants.finance.policies import budget_policy, spending_policy

area = Area(
    namespace="finance",
    label=_("Budget"),
    tabs=[
        Tab("index", "finance:index", _("Budget use")),
        Tab("spending", "finance:spending", _("Spending records")),
    ],
)


def year_choices(request):
    years = set(selectors.budget_school_years())
    years.add(selectors.school_year_of(timezone.localdate()))
    return [(y, y) for y in sorted(years, reverse=True)]


def line_choices(request):
    lines = budget_policy.visible(request.user, BudgetLine.objects.order_by("-school_year", "title"))
    return [(str(line.public_id), str(line)) for line in lines]


budget_lines = Resource(
    name="budget-lines",
    model=BudgetLine,
    label=_("Budget lines"),
    policy=budget_policy,
    selector=selectors.budget_lines,
    create=services.budget_line_create,
    update=services.budget_line_update,
    delete=services.budget_line_delete,
    filters=[
        Filter("school_year", _("School year"), choices=year_choices),
        Filter("category", _("Category"), choices=list(BudgetCategory.choices)),
        Filter(
            "over",
            _("Over budget"),
            choices=[("yes", _("Over budget only"))],
            apply=lambda qs, v: qs.filter(over_budget=True),
        ),
    ],
)

spendings = Resource(
    name="spending-records",
    model=Spending,
    label=_("Spending records"),
    policy=spending_policy,
    selector=selectors.spendings,
    create=services.spending_create,
    update=services.spending_update,
    delete=services.spending_delete,
    filters=[
        Filter("school_year", _("School year"), choices=year_choices, lookup="line__school_year"),
        Filter("line", _("Budget line"), choices=line_choices, lookup="line__public_id"),
        Filter(
            "over",
            _("Over budget"),
            choices=[("yes", _("With an over-budget reason"))],
            apply=lambda qs, v: qs.exclude(over_budget_reason=""),
        ),
        Filter(
            "q", _("Search"), apply=lambda qs, v: qs.filter(Q(payee__icontains=v) | Q(purpose__icontains=v))
        ),
    ],
)
