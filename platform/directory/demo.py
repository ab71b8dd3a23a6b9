"""Demo directory entries for `make start`. Idempotent (by name). Invented institutions, except the
national psychological assistance hotline 12356. Also one partnership between schools (demo1 and
demo2), recorded through the service (and so the personal-data check) by demo1's principal."""

from datetime import date

from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from directory.models import Partnership, ServiceEntry

DEMO_ENTRIES = [
    dict(
        kind="centre",
        name="示范区精神卫生中心",
        services="儿童青少年心理门诊、心理评估、家庭治疗",
        age_min=6,
        age_max=99,
        phone="010-62000001",
        address="示范区健康路18号",
        contact_person="门诊办公室",
        hours="周一至周五 8:00–17:00",
    ),
    dict(
        kind="hotline",
        name="全国心理援助热线",
        services="24小时心理援助与危机干预",
        age_min=0,
        age_max=99,
        phone="12356",
        hours="24小时",
    ),
    dict(
        kind="hospital",
        name="示范区人民医院心理科",
        services="心理咨询门诊、睡眠障碍门诊、精神科会诊",
        age_min=12,
        age_max=99,
        phone="010-62000002",
        address="示范区人民路1号门诊楼三层",
        contact_person="心理科护士站",
        hours="周一至周六 8:00–12:00，13:30–17:00",
    ),
    dict(
        kind="social",
        name="示范区向阳社会工作服务中心",
        services="青少年成长小组、家庭社工个案、亲子沟通工作坊",
        age_min=6,
        age_max=18,
        phone="010-62000003",
        address="示范区向阳街道社区服务中心二层",
        contact_person="项目主管",
        hours="周二至周六 9:00–18:00",
    ),
]


def seed_demo() -> int:
    made = 0
    for item in DEMO_ENTRIES:
        _entry, created = ServiceEntry.objects.get_or_create(
            school=None, name=item["name"], defaults={**item, "updated_by": "district"}
        )
        made += created
    made += _seed_partnership()
    return made


# demo1 (a primary school) records its partnership with demo2 (a junior secondary school).
DEMO_SCHOOL, DEMO_PARTNER = "demo1", "demo2"
PARTNERSHIP_TITLE = "小升初心理适应衔接"
PARTNERSHIP_TEXT = (
    "实验小学六年级与第一中学初一年级的心理教师共同备课，开设“走进初中”心理适应课两节。\n"
    "每学期互相听课一次，共同组织一次家长讲座，介绍升学前后的情绪变化和沟通方法。"
)


def _seed_partnership() -> int:
    """demo1 records its partnership with demo2, once. Nothing when either school is missing."""
    from directory.partnership_services import partnership_create
    from district.models import School
    from shared.accounts.models import User
    from shared.accounts.roles import SchoolRole

    connection.set_schema_to_public()
    school = School.objects.filter(code=DEMO_SCHOOL).first()
    partner = School.objects.filter(code=DEMO_PARTNER).first()
    if school is None or partner is None:
        return 0
    if Partnership.objects.filter(school=school, partner=partner, title=PARTNERSHIP_TITLE).exists():
        return 0
    today = timezone.localdate()
    started = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    # Inside demo1, as on its host: the service checks the text against demo1's students.
    with tenant_context(school):
        principal = User.objects.filter(roles__contains=[SchoolRole.PRINCIPAL]).order_by("id").first()
        if principal is None:
            return 0
        partnership_create(
            actor=principal,
            partner=partner,
            title=PARTNERSHIP_TITLE,
            description=PARTNERSHIP_TEXT,
            started_on=started,
        )
    connection.set_schema_to_public()
    return 1
