"""Demo district and schools for `make start`. Invented names, never real people."""

import importlib

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from district.models import School, SchoolType
from district.services import school_create
from shared.accounts.models import User
from shared.accounts.roles import DistrictRole, SchoolRole
from shared.accounts.services import account_create

DEMO_PASSWORD = "Xinyu-demo-2026"

DISTRICT_ACCOUNTS = [
    ("district", "赵文华", [DistrictRole.DISTRICT_ADMIN]),
    ("analyst", "钱雅琴", [DistrictRole.DISTRICT_ANALYST]),
]

DEMO_SCHOOLS = [
    dict(
        code="demo1", name="示范区实验小学", school_type=SchoolType.PRIMARY, number="D001", student_count=1260
    ),
    dict(
        code="demo2", name="示范区第一中学", school_type=SchoolType.JUNIOR, number="D002", student_count=1580
    ),
    dict(
        code="demo3", name="示范区高级中学", school_type=SchoolType.SENIOR, number="D003", student_count=2140
    ),
    # Five schools: a school sees the district's quartiles beside its own figures from five up.
    dict(
        code="demo4",
        name="示范区九年一贯制学校",
        school_type=SchoolType.NINE_YEAR,
        number="D004",
        student_count=980,
    ),
    dict(
        code="demo5", name="示范区第二小学", school_type=SchoolType.PRIMARY, number="D005", student_count=860
    ),
]

SCHOOL_ACCOUNTS = [
    ("principal", "王建国", [SchoolRole.PRINCIPAL]),
    ("deputy", "李秀梅", [SchoolRole.DEPUTY]),
    ("secretary", "张晓燕", [SchoolRole.SECRETARY]),
    ("member", "刘志强", [SchoolRole.MEMBER]),
    ("psych", "陈静怡", [SchoolRole.PSYCHOLOGY_TEACHER, SchoolRole.MEMBER]),
    ("counselor", "杨思远", [SchoolRole.COUNSELOR]),
    ("homeroom", "黄丽娟", [SchoolRole.HOMEROOM_TEACHER]),
    ("guest", "周明德", [SchoolRole.INVITED_ATTENDEE]),
]


# Each workspace area seeds its own demo year; governance first, since plans own ledger tasks.
AREA_DEMOS = [
    "tenants.governance.demo",
    "tenants.ledger.demo",
    "tenants.resources.demo",
    "tenants.team.demo",
    "tenants.programs.demo",
    "tenants.finance.demo",
    "tenants.evaluation.demo",
    # Student care: the roster first, then consent and observations, screening, crisis, counseling.
    "tenants.students.demo",
    "tenants.care.demo",
    "tenants.screening.demo",
    "tenants.crisis.demo",
    "tenants.counseling.demo",
]


DISTRICT_DEMOS = ["library.demo", "exchange.demo", "notices.demo", "directory.demo"]


def _seed_areas() -> None:
    today = timezone.localdate()
    for name in AREA_DEMOS:
        importlib.import_module(name).seed_demo(today=today)


def _ensure_accounts(accounts) -> list[tuple[str, str]]:
    made = []
    for username, full_name, roles in accounts:
        if not User.objects.filter(username=username).exists():
            account_create(username=username, full_name=full_name, roles=list(roles), password=DEMO_PASSWORD)
        made.append((username, full_name))
    return made


def _compute_figures(schools) -> None:
    """The district's figures for the periods of this school year that have started, computed in
    each demo school as the nightly job would, and the term's report form moved along: the first
    school's approved by the district, the second's marked complete by its principal."""
    from figures.aggregation import aggregate_school
    from figures.periods import ensure_school_year
    from reporting import services as reporting
    from reporting.models import ReportForm
    from shared.calendar import school_year_of

    today = timezone.localdate()
    periods = [p for p in ensure_school_year(school_year_of(today)) if p.start <= today]
    for school in schools:
        aggregate_school(school, periods)
    form = ReportForm.objects.filter(active=True, period_kind="term").order_by("code").first()
    term = next((p for p in periods if p.kind == "term" and p.end >= today), None)
    if form is None or term is None or len(schools) < 2:
        return
    district_admin = User.objects.filter(roles__contains=[DistrictRole.DISTRICT_ADMIN]).first()
    for school, approve in ((schools[0], True), (schools[1], False)):
        submission = reporting.submission_for(form=form, school=school, period=term)
        if submission.status not in ("open", "returned"):
            continue
        with schema_context(school.schema_name):
            principal = User.objects.filter(roles__contains=[SchoolRole.PRINCIPAL]).first()
        connection.set_schema_to_public()
        reporting.submission_complete(submission, actor=principal)
        if approve:
            reporting.submission_approve(submission, actor=district_admin)


def seed_school(spec: dict) -> tuple[School, list[tuple[str, str]]]:
    """One demo school (created if missing): an account per role, and a year of each area's data.
    Returns the school and its (username, name) accounts. Also used by bench/load_mixed.py."""
    school = School.objects.filter(code=spec["code"]).first()
    if school is None:
        school = school_create(
            **spec, admin_name="孙丽华", admin_email=f"admin@{spec['code']}.example.cn"
        ).school
    with schema_context(school.schema_name):
        accounts = _ensure_accounts(SCHOOL_ACCOUNTS)
        admin = User.objects.filter(roles__contains=[SchoolRole.SCHOOL_ADMIN]).first()
        if admin and not admin.has_usable_password():
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        if admin:
            accounts.append((admin.username, admin.display_name))
        _seed_areas()
    return school, accounts


def seed_demo() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Create what is missing and return (site, host, accounts) for printing."""
    connection.set_schema_to_public()
    report = [("district", None, _ensure_accounts(DISTRICT_ACCOUNTS))]
    schools = []
    for spec in DEMO_SCHOOLS:
        school, accounts = seed_school(spec)
        report.append((school.name, school.code, accounts))
        schools.append(school)
    connection.set_schema_to_public()
    _compute_figures(schools)
    # What the district and the schools share: the library, the exchange, notices and the directory.
    for name in DISTRICT_DEMOS:
        importlib.import_module(name).seed_demo()
        connection.set_schema_to_public()
    return report
