"""Demo directory entries for `make start`. Idempotent (by name). Invented institutions, except the
national psychological assistance hotline 12356."""

from directory.models import ServiceEntry

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
    return made
