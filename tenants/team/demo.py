"""Demo data of the team area: the staff roster, the 2026-2027 training plans and a year of
training records (and some of the year before). Run inside a school's schema after the demo
accounts exist."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from shared.calendar import school_year_of
from tenants.team import services
from tenants.team.models import StaffMember, TrainingPlan

# (account username or None, name if no account, position, post, qualification, certificate number)
STAFF = [
    (
        "psych",
        "王心怡",
        "psychology_teacher",
        "full_time",
        "心理健康教育教师资格（C证）；国家二级心理咨询师",
        "XLJK-C-2019-0312",
    ),
    ("counselor", "陈静", "counselor", "part_time", "国家三级心理咨询师", "XLZX-3-2018-1107"),
    ("homeroom", "刘洋", "homeroom_teacher", "none", "心理健康教育教师资格（B证）", "XLJK-B-2021-0045"),
    ("member", "赵敏", "administrator", "none", "心理健康教育教师资格（C证）", "XLJK-C-2020-0198"),
    ("deputy", "李国强", "administrator", "none", "", ""),
    ("principal", "张建华", "administrator", "none", "", ""),
    (
        None,
        "郑浩",
        "psychology_teacher",
        "part_time",
        "应用心理学学士；心理健康教育教师资格（C证）",
        "XLJK-C-2022-0521",
    ),
    (None, "孙丽", "homeroom_teacher", "none", "心理健康教育教师资格（C证）", "XLJK-C-2023-0077"),
    (None, "周涛", "subject_teacher", "part_time", "心理健康教育教师资格（C证）", "XLJK-C-2021-0333"),
    (None, "吴芳", "homeroom_teacher", "none", "", ""),
    (None, "黄晓雯", "homeroom_teacher", "none", "", ""),
    (None, "何佳", "subject_teacher", "none", "", ""),
    (None, "马骏", "counselor", "none", "家庭教育指导师", "JTJY-2020-0862"),
]

PLANS = [
    dict(
        key="homeroom",
        title="班主任心理健康教育能力提升培训",
        audience="homeroom_teachers",
        planned_hours=Decimal("24"),
        start=(9, 15),
        end=(6, 30),
        description="每月一次专题培训：学生心理问题早期识别、主题班会设计、家校沟通技巧。",
    ),
    dict(
        key="psych",
        title="心理教师专业发展研修",
        audience="psychology_teachers",
        planned_hours=Decimal("40"),
        start=(9, 1),
        end=(7, 15),
        description="个案督导、沙盘游戏疗法、团体辅导带领技术，参加区级心理教研活动。",
    ),
    dict(
        key="all",
        title="全体教师心理健康素养提升计划",
        audience="all_staff",
        planned_hours=Decimal("12"),
        start=(10, 1),
        end=(5, 31),
        description="全员参与：教师自我关怀与压力管理、积极心理学在课堂中的应用。",
    ),
    dict(
        key="new",
        title="新教师心理健康教育入职培训",
        audience="new_teachers",
        planned_hours=Decimal("8"),
        start=(9, 5),
        end=(10, 31),
        description="学校心理健康教育制度、危机干预流程、转介规范。",
    ),
]

# (plan key or None, title, month, day, hours, provider, attendees by name, certificate)
TRAININGS = [
    (
        "new",
        "学校心理健康教育制度与危机干预流程",
        9,
        10,
        "3",
        "学校心理健康教育领导小组",
        ["何佳", "黄晓雯"],
        "",
    ),
    ("psych", "区心理教研活动：初中心理课堂教学设计", 9, 18, "4", "区教师发展中心", ["王心怡", "郑浩"], ""),
    (
        "homeroom",
        "学生心理问题早期识别",
        9,
        24,
        "3",
        "市心理健康教育指导中心",
        ["刘洋", "孙丽", "吴芳", "黄晓雯"],
        "",
    ),
    ("all", "教师自我关怀与压力管理", 10, 15, "2", "特邀专家：市第七人民医院心理科", None, ""),
    (
        "psych",
        "沙盘游戏疗法初级培训",
        10,
        19,
        "12",
        "中国心理学会认证培训机构",
        ["王心怡"],
        "沙盘初级结业证书 SP-2026-1043",
    ),
    (
        "homeroom",
        "心理主题班会的设计与实施",
        10,
        29,
        "3",
        "区教师发展中心",
        ["刘洋", "孙丽", "吴芳", "黄晓雯"],
        "",
    ),
    ("new", "转介规范与家校沟通", 10, 22, "2", "学校心理健康教育领导小组", ["何佳", "黄晓雯"], ""),
    ("psych", "个案督导（第一期）", 11, 6, "3", "市心理咨询师协会", ["王心怡", "陈静", "郑浩"], ""),
    (None, "家庭教育指导师继续教育", 11, 12, "6", "市家庭教育研究会", ["马骏"], "继续教育学时证明"),
    (
        "homeroom",
        "校园欺凌的预防与处置",
        11,
        20,
        "3",
        "区教育局德育科",
        ["刘洋", "孙丽", "吴芳", "黄晓雯", "赵敏"],
        "",
    ),
    ("psych", "团体辅导带领技术", 12, 4, "6", "区教师发展中心", ["王心怡", "陈静"], ""),
    ("all", "积极心理学在课堂中的应用", 12, 16, "2", "心理教研组（校内）", None, ""),
    (
        "homeroom",
        "考前心理辅导与家长沟通",
        1,
        8,
        "3",
        "市心理健康教育指导中心",
        ["刘洋", "孙丽", "吴芳", "黄晓雯"],
        "",
    ),
    ("psych", "个案督导（第二期）", 3, 5, "3", "市心理咨询师协会", ["王心怡", "陈静", "郑浩"], ""),
    ("all", "识别学生抑郁情绪的信号", 4, 9, "2", "特邀专家：市精神卫生中心", None, ""),
]

# The school year before: a few records so the year filter has something to show.
PREVIOUS_YEAR = [
    (
        "心理健康教育教师资格（C证）培训",
        11,
        20,
        "30",
        "省中小学心理健康教育指导中心",
        ["孙丽", "周涛"],
        "C证",
    ),
    ("心理危机干预专题研修", 4, 16, "8", "市心理健康教育指导中心", ["王心怡", "陈静", "赵敏"], ""),
]


def _in_year(start_year: int, month: int, day: int) -> date:
    return date(start_year if month >= 9 else start_year + 1, month, day)


def seed_demo(*, today: date) -> None:
    """The roster, this school year's training plans and records. Does nothing if the area has data."""
    if StaffMember.objects.exists() or TrainingPlan.objects.exists():
        return
    from shared.accounts.models import User

    accounts = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in STAFF if row[0]])}
    actor = accounts.get("principal")
    year = school_year_of(today)
    start_year = int(year[:4])

    with transaction.atomic():
        staff = {}
        for username, name, position, post, qualification, certificate in STAFF:
            account = accounts.get(username) if username else None
            person = services.staff_create(
                actor=actor,
                account=account,
                name=(account.full_name if account and account.full_name else name),
                position=position,
                psychology_post=post,
                qualification=qualification,
                certificate_number=certificate,
            )
            staff[name] = person
        for title, month, day, hours, provider, names, certificate in PREVIOUS_YEAR:
            trained_on = _in_year(start_year - 1, month, day)
            for name in names:
                services.training_record_create(
                    actor=actor,
                    staff=staff[name],
                    title=title,
                    trained_on=trained_on,
                    hours=Decimal(hours),
                    provider=provider,
                    certificate=certificate,
                )
        # Someone who moved to another school in the summer stays in last year's records.
        services.staff_update(
            staff["周涛"], actor=actor, data={"is_active": False, "notes": f"{start_year}年8月调离本校"}
        )
        everyone = [
            s
            for s in staff.values()
            if s.is_active and (s.account is None or s.account.username != "principal")
        ]

        plans = {}
        for plan in PLANS:
            plans[plan["key"]] = services.training_plan_create(
                actor=actor,
                title=f"{year}学年{plan['title']}",
                school_year=year,
                audience=plan["audience"],
                planned_hours=plan["planned_hours"],
                starts_on=_in_year(start_year, *plan["start"]),
                ends_on=_in_year(start_year, *plan["end"]),
                description=plan["description"],
            )

        for key, title, month, day, hours, provider, names, certificate in TRAININGS:
            trained_on = _in_year(start_year, month, day)
            if trained_on > today:
                continue  # not held yet
            people = everyone if names is None else [staff[n] for n in names]
            for person in people:
                services.training_record_create(
                    actor=actor,
                    staff=person,
                    plan=plans.get(key) if key else None,
                    title=title,
                    trained_on=trained_on,
                    hours=Decimal(hours),
                    provider=provider,
                    certificate=certificate,
                )
