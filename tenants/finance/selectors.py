"""Read use cases of the budget: spent against budget per line, and the year's totals."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round

from shared.calendar import school_year_of  # noqa: F401 (finance code imports it from here)
from tenants.finance.models import BudgetLine, Spending
from tenants.workspace.models import Attachment

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def budget_lines(*, school_year: str | None = None):
    """Budget lines with `spent`, `remaining`, `percent` (one decimal; None when the budget is 0)
    and `over_budget`, computed in the database."""
    spent = (
        Spending.objects.filter(line=OuterRef("pk"))
        .order_by()
        .values("line")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    qs = BudgetLine.objects.annotate(
        spent=Coalesce(Subquery(spent, output_field=MONEY), Value(ZERO), output_field=MONEY)
    )
    qs = qs.annotate(
        remaining=ExpressionWrapper(F("amount") - F("spent"), output_field=MONEY),
        percent=Case(
            When(amount__gt=0, then=Round(F("spent") * Value(Decimal(100)) / F("amount"), 1)),
            default=Value(None),
            output_field=DecimalField(max_digits=9, decimal_places=1),
        ),
        over_budget=Case(
            When(Q(spent__gt=F("amount")), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if school_year:
        qs = qs.filter(school_year=school_year)
    return qs.order_by("-school_year", "category", "title", "id")


def budget_school_years() -> list[str]:
    return list(BudgetLine.objects.order_by("-school_year").values_list("school_year", flat=True).distinct())


def budget_use(*, school_year: str) -> dict:
    """A school year's budget in totals: budget, spent, remaining (yuan, Decimal), percent spent
    (Decimal with one decimal place, None when nothing was budgeted), how many lines there are
    and how many are over budget."""
    lines = list(budget_lines(school_year=school_year))
    budget = sum((line.amount for line in lines), ZERO)
    spent = sum((line.spent for line in lines), ZERO)
    percent = (spent * 100 / budget).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if budget else None
    return {
        "school_year": school_year,
        "budget": budget,
        "spent": spent,
        "remaining": budget - spent,
        "percent": percent,
        "lines": len(lines),
        "over_budget_lines": sum(1 for line in lines if line.over_budget),
    }


def spendings(*, school_year: str | None = None):
    """Spending records with their line, how many receipts each has and the first receipt's id."""
    receipts = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Spending), object_id=OuterRef("pk")
    ).order_by("created_at", "id")
    qs = (
        Spending.objects.select_related("line", "created_by")
        .annotate(
            receipt_count=Coalesce(
                Subquery(receipts.order_by().values("object_id").annotate(n=Count("id")).values("n")), 0
            ),
            first_receipt=Subquery(receipts.values("public_id")[:1]),
        )
        .order_by("-spent_on", "-id")
    )
    if school_year:
        qs = qs.filter(line__school_year=school_year)
    return qs


def receipts_of(spending: Spending):
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Spending), object_id=spending.pk
    ).order_by("created_at", "id")
