"""Demo data of the budget: the school year's budget lines and spending so far, one line over
budget with its reason. Run inside a school's schema after the demo accounts exist."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from shared.accounts.models import User
from tenants.finance import services
from tenants.finance.models import BudgetLine
from tenants.finance.selectors import school_year_of

LINES = [
    ("room", "心理咨询室改造与设备", "30000.00", "沙盘、放松椅、宣泄设备及隔音改造"),
    ("materials", "心理健康教材与宣传资料", "8000.00", "七至九年级心理健康教材、绘本、宣传册"),
    ("training", "心理教师与班主任培训", "15000.00", "C 证培训、区级专题培训、外出学习"),
    ("activities", "心理健康月及班级活动", "12000.00", "心理健康月、心理剧展演、团体辅导材料"),
    ("assessment", "学生心理测评", "6000.00", "测评系统年费及纸质量表"),
    ("other", "其他", "3000.00", "家长讲座专家劳务等"),
]
# (line title, days after 1 September, amount, payee, purpose, reason when over budget)
SPENDING = [
    ("心理咨询室改造与设备", 10, "12800.00", "某教育装备有限公司", "箱庭沙盘及沙具一套", ""),
    ("心理咨询室改造与设备", 24, "8600.00", "某装饰工程公司", "个体咨询室隔音改造", ""),
    ("心理健康教材与宣传资料", 5, "4650.00", "新华书店", "七至九年级心理健康教材 930 册", ""),
    ("心理健康教材与宣传资料", 40, "1280.00", "某印务公司", "心理健康宣传册 2000 份", ""),
    ("心理教师与班主任培训", 30, "6400.00", "市教师进修学校", "心理健康教育 C 证培训 4 人", ""),
    ("心理健康月及班级活动", 50, "3200.00", "某文化用品店", "心理剧道具与服装", ""),
    (
        "心理健康月及班级活动",
        84,
        "9350.00",
        "某活动策划公司",
        "心理健康月游园会物料与搭建",
        "游园会扩大到全校三个年级，摊位由 8 个增加到 12 个，经领导小组会议同意追加",
    ),
    ("学生心理测评", 20, "4800.00", "某心理测评科技公司", "心理测评系统年度服务费", ""),
    ("其他", 16, "800.00", "王敏", "家长讲座专家劳务费", ""),
]


@transaction.atomic
def seed_demo(*, today: date) -> None:
    if BudgetLine.objects.exists():
        return
    actor = (
        User.objects.filter(username="secretary").first() or User.objects.filter(username="principal").first()
    )
    if actor is None:
        return
    year = school_year_of(today)
    start = date(int(year[:4]), 9, 1)
    lines = {}
    for category, title, amount, notes in LINES:
        lines[title] = services.budget_line_create(
            actor=actor, school_year=year, category=category, title=title, amount=Decimal(amount), notes=notes
        )
    for title, offset, amount, payee, purpose, reason in SPENDING:
        spent_on = start + timedelta(days=offset)
        if spent_on > today:
            continue
        services.spending_create(
            actor=actor,
            line=lines[title],
            spent_on=spent_on,
            amount=Decimal(amount),
            payee=payee,
            purpose=purpose,
            over_budget_reason=reason,
        )
