"""Budget and spending services, with real numbers."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenants.finance import selectors, services
from tenants.finance.models import BudgetLine, Spending
from tests.conftest import role_user

pytestmark = pytest.mark.django_db
ALPHA = "school_alpha"
YEAR = "2026-2027"


def _line(title="心理咨询室沙盘设备", amount="10000.00", category="room", year=YEAR):
    return services.budget_line_create(
        actor=role_user("principal"), school_year=year, category=category, title=title, amount=Decimal(amount)
    )


def _spend(line, amount, reason="", on=date(2026, 10, 8), payee="某教育装备公司"):
    return services.spending_create(
        actor=role_user("secretary"),
        line=line,
        spent_on=on,
        amount=Decimal(amount),
        payee=payee,
        purpose="采购",
        over_budget_reason=reason,
    )


def test_spending_up_to_the_budget_needs_no_reason_and_past_it_needs_one():
    with schema_context(ALPHA):
        line = _line(amount="10000.00")
        _spend(line, "6000.00")
        _spend(line, "4000.00")  # exactly the budget: fine
        assert selectors.budget_lines().get(pk=line.pk).spent == Decimal("10000.00")

        with pytest.raises(ValidationError) as refused:
            _spend(line, "0.01")
        assert set(refused.value.message_dict) == {"over_budget_reason"}
        assert "10,000.01" in refused.value.message_dict["over_budget_reason"][0]
        assert Spending.objects.filter(line=line).count() == 2  # nothing saved

        with pytest.raises(ValidationError):
            _spend(line, "0.01", reason="   ")  # blanks are not a reason

        over = _spend(line, "350.00", reason="沙盘配件涨价，经校长办公会同意追加")
        over.refresh_from_db()
        assert over.over_budget_reason == "沙盘配件涨价，经校长办公会同意追加"
        row = selectors.budget_lines().get(pk=line.pk)
        assert (row.spent, row.remaining, row.percent, row.over_budget) == (
            Decimal("10350.00"),
            Decimal("-350.00"),
            Decimal("103.5"),
            True,
        )


def test_the_rule_counts_only_the_lines_own_spending():
    with schema_context(ALPHA):
        small = _line(title="教材资料", amount="1000.00", category="materials")
        other = _line(title="教师培训", amount="50000.00", category="training")
        _spend(other, "30000.00")
        _spend(small, "999.99")
        with pytest.raises(ValidationError):
            _spend(small, "0.02")
        _spend(other, "20000.00")  # the other line still has exactly this much


def test_changing_a_spending_is_checked_against_the_line_without_counting_itself_twice():
    with schema_context(ALPHA):
        line = _line(amount="5000.00")
        first = _spend(line, "3000.00")
        _spend(line, "1500.00")
        # 3000 -> 3500: the total becomes 5000.00, within budget.
        services.spending_update(first, actor=role_user("principal"), data={"amount": Decimal("3500.00")})
        with pytest.raises(ValidationError) as refused:
            services.spending_update(first, actor=role_user("principal"), data={"amount": Decimal("3500.01")})
        assert "over_budget_reason" in refused.value.message_dict
        first.refresh_from_db()
        assert first.amount == Decimal("3500.00")

        # Moving it to a line that cannot take it needs a reason too.
        tight = _line(title="测评系统", amount="1000.00", category="assessment")
        with pytest.raises(ValidationError):
            services.spending_update(first, actor=role_user("principal"), data={"line": tight})
        moved = services.spending_update(
            first,
            actor=role_user("principal"),
            data={"line": tight, "over_budget_reason": "测评系统一次性采购"},
        )
        assert moved.line == tight
        assert selectors.budget_lines().get(pk=line.pk).spent == Decimal("1500.00")
        assert selectors.budget_lines().get(pk=tight.pk).spent == Decimal("3500.00")


def test_the_budget_line_is_locked_while_spending_is_checked():
    with schema_context(ALPHA):
        line = _line()
        with CaptureQueriesContext(connection) as queries:
            _spend(line, "100.00")
        locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "finance_budgetline" in q["sql"]]
        assert locks, "the budget line must be locked with SELECT ... FOR UPDATE"
        lock_at = next(i for i, q in enumerate(queries) if q["sql"] in locks)
        sum_at = next(i for i, q in enumerate(queries) if "SUM(" in q["sql"].upper())
        insert_at = next(
            i for i, q in enumerate(queries) if q["sql"].startswith('INSERT INTO "finance_spending"')
        )
        assert lock_at < sum_at < insert_at


def test_amounts_must_be_positive_and_budgets_not_negative():
    with schema_context(ALPHA):
        line = _line()
        for bad in ("0.00", "-5.00"):
            with pytest.raises(ValidationError) as refused:
                _spend(line, bad)
            assert "amount" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            _line(title="负数预算", amount="-1.00")
        assert "amount" in refused.value.message_dict
        # The database says the same, whatever the code does.
        with pytest.raises(IntegrityError), transaction.atomic():
            Spending.objects.create(line=line, spent_on=date(2026, 10, 1), amount=0, payee="x", purpose="x")
        with pytest.raises(IntegrityError), transaction.atomic():
            BudgetLine.objects.filter(pk=line.pk).update(amount=Decimal("-1"))


def test_school_year_and_category_are_checked():
    with schema_context(ALPHA):
        with pytest.raises(ValidationError) as refused:
            _line(year="2026-2028")
        assert "school_year" in refused.value.message_dict
        with pytest.raises(ValidationError) as refused:
            _line(category="snacks")
        assert "category" in refused.value.message_dict
        assert not BudgetLine.objects.exists()


def test_a_budget_cannot_drop_below_what_was_spent():
    with schema_context(ALPHA):
        line = _line(amount="8000.00")
        _spend(line, "6200.00")
        with pytest.raises(ValidationError) as refused:
            services.budget_line_update(
                line, actor=role_user("principal"), data={"amount": Decimal("6199.99")}
            )
        assert "6,200.00" in refused.value.message_dict["amount"][0]
        services.budget_line_update(line, actor=role_user("principal"), data={"amount": Decimal("6200.00")})
        assert selectors.budget_lines().get(pk=line.pk).percent == Decimal("100.0")


def test_lines_with_spending_are_not_deleted():
    with schema_context(ALPHA):
        line = _line()
        spending = _spend(line, "10.00")
        with pytest.raises(ValidationError):
            services.budget_line_delete(line, actor=role_user("principal"))
        services.spending_delete(spending, actor=role_user("principal"))
        services.budget_line_delete(line, actor=role_user("principal"))
        assert not BudgetLine.objects.exists()


def test_only_managers_write():
    with schema_context(ALPHA):
        line = _line()
        for role in ("deputy", "member", "psychology_teacher", "homeroom_teacher"):
            with pytest.raises(PermissionDenied):
                services.spending_create(
                    actor=role_user(role),
                    line=line,
                    spent_on=date(2026, 10, 1),
                    amount=Decimal("1"),
                    payee="x",
                    purpose="x",
                )
            with pytest.raises(PermissionDenied):
                services.budget_line_create(
                    actor=role_user(role), school_year=YEAR, category="other", title="x", amount=Decimal("1")
                )


def test_budget_use_totals_for_the_home_page():
    with schema_context(ALPHA):
        room = _line(title="咨询室建设", amount="30000.00", category="room")
        training = _line(title="心理教师培训", amount="12000.00", category="training")
        _line(title="测评", amount="8000.00", category="assessment")
        other_year = _line(title="上学年活动", amount="99999.00", category="activities", year="2025-2026")
        _spend(room, "21500.00")
        _spend(training, "12000.00")
        _spend(training, "800.00", reason="追加一名教师参加培训")
        _spend(other_year, "500.00", on=date(2026, 3, 1))

        use = selectors.budget_use(school_year=YEAR)
        assert use == {
            "school_year": YEAR,
            "budget": Decimal("50000.00"),
            "spent": Decimal("34300.00"),
            "remaining": Decimal("15700.00"),
            "percent": Decimal("68.6"),
            "lines": 3,
            "over_budget_lines": 1,
        }
        empty = selectors.budget_use(school_year="2030-2031")
        assert (empty["budget"], empty["spent"], empty["percent"], empty["lines"]) == (0, 0, None, 0)


def test_a_zero_budget_line_has_no_percentage_and_any_spending_is_over():
    with schema_context(ALPHA):
        line = _line(title="临时活动", amount="0.00", category="activities")
        assert selectors.budget_lines().get(pk=line.pk).percent is None
        with pytest.raises(ValidationError):
            _spend(line, "50.00")
        _spend(line, "50.00", reason="临时心理剧演出服装")
        row = selectors.budget_lines().get(pk=line.pk)
        assert (row.percent, row.over_budget, row.remaining) == (None, True, Decimal("-50.00"))


def test_receipts_are_validated_and_kept(settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(ALPHA):
        line = _line()
        with pytest.raises(ValidationError) as refused:
            services.spending_create(
                actor=role_user("secretary"),
                line=line,
                spent_on=date(2026, 10, 8),
                amount=Decimal("100"),
                payee="x",
                purpose="x",
                receipt=SimpleUploadedFile("invoice.exe", b"MZ"),
            )
        assert "receipt" in refused.value.message_dict
        assert not Spending.objects.exists()  # the spending went with the refused receipt
        spending = services.spending_create(
            actor=role_user("secretary"),
            line=line,
            spent_on=date(2026, 10, 8),
            amount=Decimal("100"),
            payee="x",
            purpose="x",
            receipt=SimpleUploadedFile("发票.pdf", b"%PDF-1.4 test"),
        )
        receipts = list(selectors.receipts_of(spending))
        assert [r.name for r in receipts] == ["发票.pdf"]
        assert "schools/school_alpha/" in receipts[0].file.name
        assert selectors.spendings().get(pk=spending.pk).receipt_count == 1
