"""Directory entries for tests (invented institutions). Public-schema rows: callable from any schema."""

from directory.models import ServiceEntry


def district_entry(name: str = "示范区精神卫生中心（测试）", kind: str = "centre") -> ServiceEntry:
    entry, _ = ServiceEntry.objects.get_or_create(
        school=None,
        name=name,
        defaults={
            "kind": kind,
            "services": "儿童青少年心理门诊",
            "age_min": 6,
            "age_max": 18,
            "phone": "010-12345678",
        },
    )
    return entry


def local_entry(school, name: str = "本校合作社工站（测试）") -> ServiceEntry:
    entry, _ = ServiceEntry.objects.get_or_create(
        school=school, name=name, defaults={"kind": "social", "services": "家庭社工服务"}
    )
    return entry
