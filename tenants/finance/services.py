"""Write use cases of the budget (经费预算) and the spending ledger.

Spending that takes a line past its budget needs a recorded reason. A CHECK constraint cannot see
the sum of a line's spending, so the rule is enforced here, with the budget line locked
(`select_for_update`) while its total is computed and the spending written: two people recording
spending on the same line at once cannot both slip under the limit.
"""

from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tenants.common.roles import is_manager
from tenants.common.writes import model_create, model_update
from tenants.finance.models import BudgetLine, Spending
from tenants.workspace.models import Attachment

ZERO = Decimal("0.00")


def _require_manager(actor) -> None:
    if not is_manager(actor):
        raise PermissionDenied


def _spent(line: BudgetLine, *, excluding: Spending | None = None) -> Decimal:
    qs = Spending.objects.filter(line=line)
    if excluding is not None and excluding.pk:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def _lock_lines(*lines: BudgetLine) -> dict[int, BudgetLine]:
    """Lock the lines in a fixed order (by pk), so two writers never wait on each other in a cycle."""
    pks = sorted({line.pk for line in lines})
    return {
        line.pk: line for line in BudgetLine.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    }


def _check_within_budget(line: BudgetLine, *, amount, reason: str, excluding: Spending | None = None) -> None:
    if amount is None:
        return
    total = _spent(line, excluding=excluding) + Decimal(amount)
    if total > line.amount and not (reason or "").strip():
        raise ValidationError(
            {
                "over_budget_reason": _(
                    "This spending takes “%(line)s” to %(total)s yuan, over its budget of %(budget)s yuan. "
                    "Write down why."
                )
                % {"line": line.title, "total": f"{total:,.2f}", "budget": f"{line.amount:,.2f}"}
            }
        )


# Budget lines


@transaction.atomic
def budget_line_create(
    *, actor, school_year: str, category: str, title: str, amount: Decimal, notes: str = ""
) -> BudgetLine:
    _require_manager(actor)
    return model_create(
        BudgetLine,
        actor=actor,
        data=dict(school_year=school_year, category=category, title=title, amount=amount, notes=notes),
    )


@transaction.atomic
def budget_line_update(line: BudgetLine, *, actor, data: dict) -> BudgetLine:
    """Change a line. Its budget cannot go below what was already spent on it: the spending
    recorded within budget would silently become over-budget spending without a reason."""
    _require_manager(actor)
    line = _lock_lines(line)[line.pk]
    if "amount" in data and data["amount"] is not None:
        spent = _spent(line)
        if Decimal(data["amount"]) < spent and Decimal(data["amount"]) < line.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "%(spent)s yuan has already been spent on this line; the budget cannot be lower."
                    )
                    % {"spent": f"{spent:,.2f}"}
                }
            )
    if "school_year" in data and data["school_year"] != line.school_year and line.spendings.exists():
        raise ValidationError(
            {"school_year": _("Spending is recorded on this line; its school year cannot change.")}
        )
    return model_update(line, data=data)


@transaction.atomic
def budget_line_delete(line: BudgetLine, *, actor) -> None:
    _require_manager(actor)
    line = _lock_lines(line)[line.pk]
    if line.spendings.exists():
        raise ValidationError({"line": _("Spending is recorded on this line; delete the spending first.")})
    line.delete()


# Spending


@transaction.atomic
def spending_create(
    *,
    actor,
    line: BudgetLine,
    spent_on: date,
    amount: Decimal,
    payee: str,
    purpose: str,
    over_budget_reason: str = "",
    receipt=None,
) -> Spending:
    _require_manager(actor)
    line = _lock_lines(line)[line.pk]
    _check_within_budget(line, amount=amount, reason=over_budget_reason)
    spending = model_create(
        Spending,
        actor=actor,
        data=dict(
            line=line,
            spent_on=spent_on,
            amount=amount,
            payee=payee,
            purpose=purpose,
            over_budget_reason=(over_budget_reason or "").strip(),
        ),
    )
    if receipt is not None:
        spending_receipt_add(spending, actor=actor, upload=receipt)
    return spending


@transaction.atomic
def spending_update(spending: Spending, *, actor, data: dict, receipt=None) -> Spending:
    _require_manager(actor)
    target = data.get("line", spending.line)
    locked = _lock_lines(spending.line, target)
    spending = Spending.objects.select_for_update().get(pk=spending.pk)
    line = locked[target.pk]
    amount = data.get("amount", spending.amount)
    reason = data.get("over_budget_reason", spending.over_budget_reason)
    _check_within_budget(line, amount=amount, reason=reason, excluding=spending)
    if "over_budget_reason" in data:
        data["over_budget_reason"] = (data["over_budget_reason"] or "").strip()
    if "line" in data:
        data["line"] = line
    spending = model_update(spending, data=data)
    if receipt is not None:
        spending_receipt_add(spending, actor=actor, upload=receipt)
    return spending


@transaction.atomic
def spending_receipt_add(spending: Spending, *, actor, upload) -> Attachment:
    from tenants.workspace.services import attachment_add, validate_upload

    _require_manager(actor)
    validate_upload(upload, field="receipt")
    return attachment_add(actor=actor, subject=spending, upload=upload)


@transaction.atomic
def spending_delete(spending: Spending, *, actor) -> None:
    _require_manager(actor)
    _lock_lines(spending.line)
    for attachment in Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Spending), object_id=spending.pk
    ):
        attachment.delete()
        transaction.on_commit(lambda f=attachment.file: f.delete(save=False))
    spending.delete()
