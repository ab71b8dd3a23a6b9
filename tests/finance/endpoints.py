"""The finance endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import uuid
from decimal import Decimal

from django.utils import timezone

from tenants.finance import services
from tests.conftest import role_user
from tests.support.matrix import Endpoint

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def make_line():
    return services.budget_line_create(
        actor=role_user("principal"),
        school_year="2026-2027",
        category="training",
        title=f"心理教师培训·{uuid.uuid4().hex[:6]}",
        amount=Decimal("20000.00"),
    )


def line_payload():
    return {
        "school_year": "2026-2027",
        "category": "materials",
        "title": f"心理健康教材·{uuid.uuid4().hex[:6]}",
        "amount": "8000.00",
    }


def make_spending():
    return services.spending_create(
        actor=role_user("secretary"),
        line=make_line(),
        spent_on=timezone.localdate(),
        amount=Decimal("3200.00"),
        payee="市心理学会",
        purpose="心理健康教育C证培训报名费（2人）",
    )


def spending_payload():
    return {
        "line": str(make_line().public_id),
        "spent_on": str(timezone.localdate()),
        "amount": "560.50",
        "payee": "新华书店",
        "purpose": "购买心理健康读本 20 册",
    }


ENDPOINTS = [
    Endpoint(
        name="budget-lines",
        url="/api/v1/budget-lines/",
        make=make_line,
        payload=line_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda line: {"amount": "25000.00"},
    ),
    Endpoint(
        name="spending-records",
        url="/api/v1/spending-records/",
        make=make_spending,
        payload=spending_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda s: {"payee": "市心理卫生协会"},
    ),
]
