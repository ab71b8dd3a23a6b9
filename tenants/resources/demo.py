"""Demo data of the resources area: counseling rooms with a term of bookings, materials and textbooks
with their procurement and issue records. Run inside a school's schema after the demo accounts exist."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from tenants.resources import services
from tenants.resources.models import CounselingRoom, Material
from tenants.resources.selectors import school_zone

ROOMS = [
    dict(
        name="心理咨询室（个体辅导室）",
        kind="counseling_room",
        location="行政楼三楼301",
        area_m2=Decimal("22.50"),
        facilities="单人沙发两张、放松椅、心理测评电脑、加锁档案柜、绿植",
        opening_hours="周一至周五 8:00-17:30",
    ),
    dict(
        name="团体辅导室",
        kind="group_room",
        location="艺体楼二楼205",
        area_m2=Decimal("60.00"),
        facilities="软垫二十个、团体活动道具、投影仪、可移动桌椅",
        opening_hours="周一至周五 8:00-18:00",
    ),
    dict(
        name="沙盘游戏室",
        kind="counseling_room",
        location="行政楼三楼303",
        area_m2=Decimal("18.00"),
        facilities="标准沙盘两套、沙具约一千二百件、摄像记录设备",
        opening_hours="周一、三、五 13:30-17:30",
    ),
    dict(
        name="音乐放松室",
        kind="relaxation_room",
        location="行政楼三楼305",
        area_m2=Decimal("16.00"),
        facilities="音乐放松椅两台、生物反馈仪、宣泄人偶、减压玩具",
        opening_hours="周一至周五 12:00-17:30",
    ),
    dict(
        name="初中部心理辅导站",
        kind="guidance_station",
        location="初中部教学楼一楼东侧",
        area_m2=Decimal("30.00"),
        facilities="接待桌椅、心理读物角、心声信箱",
        opening_hours="每天午休及放学后 16:30-17:30",
    ),
]

# (room index, start hour, start minute, minutes, who books, purpose)
WEEKLY_PATTERN = {
    0: [
        (0, 9, 0, 50, "psych", "个别心理辅导（预约学生）"),
        (1, 15, 30, 90, "counselor", "团体辅导：新生人际适应"),
    ],
    1: [
        (0, 14, 0, 50, "psych", "个别心理辅导（复诊）"),
        (3, 12, 30, 40, "counselor", "放松训练：考前焦虑"),
        (4, 16, 30, 60, "homeroom", "班级学生谈心"),
    ],
    2: [(2, 14, 0, 60, "psych", "沙盘游戏辅导"), (1, 16, 0, 60, "member", "心理委员培训")],
    3: [
        (0, 10, 0, 50, "counselor", "个别心理辅导"),
        (1, 14, 30, 90, "psych", "团体辅导：情绪管理工作坊"),
        (0, 15, 30, 60, "homeroom", "家长面谈（心理老师陪同）"),
    ],
    4: [
        (2, 14, 0, 60, "psych", "沙盘游戏辅导"),
        (3, 13, 0, 40, "counselor", "生物反馈放松训练"),
        (1, 15, 0, 60, "deputy", "班主任心理个案研讨"),
    ],
}

MATERIALS = [
    dict(
        name="《中小学心理健康教育》七年级",
        category="textbook",
        unit="本",
        description="七年级心理健康课学生用书",
    ),
    dict(
        name="《中小学心理健康教育》八年级",
        category="textbook",
        unit="本",
        description="八年级心理健康课学生用书",
    ),
    dict(
        name="《中小学心理健康教育》九年级",
        category="textbook",
        unit="本",
        description="九年级心理健康课学生用书",
    ),
    dict(
        name="《心理健康教育教师用书》", category="textbook", unit="本", description="心理教师和班主任备课用"
    ),
    dict(
        name="心理健康宣传折页（预防校园欺凌）",
        category="publicity",
        unit="份",
        description="新生入学及家长会发放",
    ),
    dict(name="“5·25”心理健康月主题海报", category="publicity", unit="张", description="张贴于各楼层宣传栏"),
    dict(name="《青春期心理健康知识手册》", category="publicity", unit="册", description="面向学生和家长"),
    dict(name="《学生心理危机识别与干预》", category="book", unit="本", description="班主任培训参考读物"),
    dict(
        name="团体辅导活动道具包",
        category="activity",
        unit="套",
        description="信任背摔垫、眼罩、彩绳、卡片等",
    ),
    dict(name="心理测评答题卡", category="assessment", unit="份", description="新生心理普查用"),
]

# (material index, days after the school year starts, quantity, unit price, supplier)
PROCUREMENTS = [
    (0, 2, 320, "16.80", "新华书店教材发行部"),
    (1, 2, 300, "16.80", "新华书店教材发行部"),
    (2, 2, 290, "17.50", "新华书店教材发行部"),
    (3, 4, 30, "38.00", "新华书店教材发行部"),
    (4, 6, 1500, "0.60", "城南印务有限公司"),
    (5, 40, 60, "6.50", "城南印务有限公司"),
    (6, 20, 800, "3.20", "城南印务有限公司"),
    (7, 25, 45, "42.00", "教育科学出版社（邮购）"),
    (8, 10, 4, "560.00", "启航教育装备有限公司"),
    (9, 1, 1000, "0.35", "城南印务有限公司"),
    (9, 60, 300, "0.35", "城南印务有限公司"),
]

# (material index, days after the school year starts, quantity, issued to, purpose)
ISSUES = [
    (0, 5, 312, "七年级各班", "心理健康课学生用书"),
    (1, 5, 296, "八年级各班", "心理健康课学生用书"),
    (2, 5, 280, "九年级各班", "心理健康课学生用书"),
    (3, 6, 18, "心理教研组及班主任", "备课用书"),
    (4, 8, 820, "新生家长会", "预防校园欺凌宣传"),
    (9, 9, 880, "七年级新生", "新生心理普查"),
    (6, 30, 400, "家长学校", "家庭讲座发放"),
    (7, 28, 36, "全体班主任", "心理危机识别培训用书"),
    (8, 35, 2, "心理社团", "团体辅导活动"),
    (5, 45, 24, "各楼层宣传栏", "心理健康主题宣传"),
    (4, 50, 300, "八年级各班", "主题班会发放"),
]


def seed_demo(*, today: date) -> None:
    """A school year of rooms, bookings and materials. Does nothing if the area already has data."""
    if CounselingRoom.objects.exists() or Material.objects.exists():
        return
    from shared.accounts.models import User

    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["principal", "secretary", "deputy", "member", "psych", "counselor", "homeroom"]
        )
    }
    manager = people.get("secretary") or people["principal"]
    year_start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    rng = random.Random(20260901)

    with transaction.atomic():
        rooms = [services.room_create(actor=people["principal"], **room) for room in ROOMS]
        _seed_bookings(rooms, people, manager, today=today, rng=rng)
        materials = [services.material_create(actor=manager, **item) for item in MATERIALS]
        for index, offset, quantity, price, supplier in PROCUREMENTS:
            services.procurement_record(
                actor=manager,
                material=materials[index],
                procured_on=_not_after(year_start + timedelta(offset), today),
                quantity=quantity,
                unit_price=Decimal(price),
                supplier=supplier,
            )
        for index, offset, quantity, recipient, purpose in ISSUES:
            services.issue_record(
                actor=manager,
                material=materials[index],
                issued_on=_not_after(year_start + timedelta(offset), today),
                quantity=quantity,
                recipient=recipient,
                purpose=purpose,
            )


def _not_after(day: date, today: date) -> date:
    return min(day, today)


def _seed_bookings(rooms, people, manager, *, today: date, rng: random.Random) -> None:
    """Weekday bookings from four weeks ago to two weeks ahead; a few cancelled."""
    zone = school_zone()
    day = today - timedelta(days=28)
    while day <= today + timedelta(days=14):
        for room_index, hour, minute, minutes, who, purpose in WEEKLY_PATTERN.get(day.weekday(), []):
            person = people.get(who) or manager
            if rng.random() < 0.15:  # not every slot is taken every week
                continue
            starts_at = datetime.combine(day, time(hour, minute), tzinfo=zone)
            booking = services.booking_create(
                actor=person,
                booked_by=person,
                room=rooms[room_index],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                purpose=purpose,
                allow_past=True,
            )
            if rng.random() < 0.08:
                services.booking_cancel(booking, actor=person)
        day += timedelta(days=1)
