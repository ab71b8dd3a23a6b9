"""The demo year seeds through the services, makes sense on the demo date, and runs only once."""

from datetime import date

import pytest

from shared.accounts.services import account_create
from tenants.governance import selectors
from tenants.governance.demo import seed_demo
from tenants.governance.models import GroupMember, InfoReport, Plan, RosterChange, RuleDocument

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    ("principal", ["principal"]),
    ("deputy", ["deputy"]),
    ("secretary", ["secretary"]),
    ("member", ["member"]),
    ("psych", ["psychology_teacher", "member"]),
    ("counselor", ["counselor"]),
    ("homeroom", ["homeroom_teacher"]),
    ("guest", ["invited_attendee"]),
]


def test_demo_year(alpha):
    for username, roles in ACCOUNTS:
        account_create(username=username, full_name=f"演示{username}", roles=roles)
    today = date(2026, 11, 28)
    seed_demo(today=today)

    on_today = {m.person.username for m in selectors.member_list(on=today)}
    assert on_today == {"principal", "deputy", "member", "homeroom", "psych", "secretary"}
    assert "counselor" in {m.person.username for m in selectors.member_list(on=date(2026, 3, 1))}
    assert {a.name for a in selectors.attendee_list(on=today)} >= {"林晓梅", "王海燕", "张子涵", "演示guest"}
    assert RosterChange.objects.filter(action="ended").count() == 1
    assert RosterChange.objects.filter(action="changed").count() == 1

    plans = {p["title"]: p for p in selectors.plans_with_progress(today=today, include_closed=True)}
    year = plans["2026-2027学年心理健康教育工作计划"]
    assert (year["status"], year["total"], year["done"], year["overdue"]) == ("in_progress", 7, 2, 1)
    assert plans["2025-2026学年心理健康教育工作计划"]["status"] == "closed"
    assert plans["2025-2026学年心理健康教育工作计划"]["percent"] == 100
    assert Plan.objects.filter(status="draft").count() == 1

    rules = selectors.rule_document_list(on=today)
    assert rules.count() == 5
    assert rules.get(title="心理辅导室管理制度").current_number == 2
    assert (
        selectors.rule_document_list(on=date(2026, 10, 1)).get(title="心理辅导室管理制度").current_number == 1
    )

    reports = {(r.kind, r.period_start): r for r in selectors.report_list(on=today)}
    september, october = reports[("monthly", date(2026, 9, 1))], reports[("monthly", date(2026, 10, 1))]
    assert (september.status, september.is_late) == ("submitted", False)
    assert (october.status, october.is_late) == ("submitted", True)
    assert reports[("monthly", date(2026, 11, 1))].status == "draft"
    assert selectors.report_timeliness(today=today)["due"] == 2

    counts = (
        GroupMember.objects.count(),
        Plan.objects.count(),
        RuleDocument.objects.count(),
        InfoReport.objects.count(),
    )
    seed_demo(today=today)  # idempotent
    assert (
        GroupMember.objects.count(),
        Plan.objects.count(),
        RuleDocument.objects.count(),
        InfoReport.objects.count(),
    ) == counts
