"""Demo counseling: sessions over the past weeks by the demo "psych" and "counselor" accounts, one
medical referral with its feedback and return-to-school plan, and one 一生一策 plan owned by the
demo homeroom teacher with a review due this week. Run inside a school's schema after the demo
accounts, rooms (tenants.resources.demo) and roster (tenants.students.demo) exist. Idempotent:
each part is seeded once. Does nothing without students."""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from shared.accounts.models import User
from tenants.care.models import PLAN_LEVELS, CareRecord
from tenants.care.services import attention_set
from tenants.counseling import services
from tenants.counseling.models import CarePlan, CounselingSession, Referral
from tenants.resources.models import RoomBooking
from tenants.resources.selectors import school_zone
from tenants.students.models import Student, StudentStatus

# (days ago, hour, minutes, who, category, notes, follow-up in days or None)
SESSIONS = [
    (
        26,
        9,
        50,
        "psych",
        "adaptation",
        "初一新生，反映住校不适应、想家，夜间难以入睡。讨论了作息安排和与室友沟通的方法。",
        14,
    ),
    (
        19,
        14,
        50,
        "counselor",
        "study",
        "期中考试前焦虑明显，心跳加快、注意力难以集中。练习腹式呼吸，约定考后复谈。",
        10,
    ),
    (
        12,
        10,
        45,
        "psych",
        "relationships",
        "与同桌发生矛盾后不愿进教室。进行情绪识别与表达练习，征得同意后与班主任沟通座位调整。",
        7,
    ),
    (
        8,
        14,
        50,
        "psych",
        "emotion",
        "近两周情绪低落，兴趣减退。PHQ-9 复评中度。已告知需家长配合，下周复谈。",
        5,
    ),
    (
        5,
        10,
        50,
        "counselor",
        "family",
        "父母近期分居，学生担心被迫转学。倾听与正常化，帮助列出可以求助的人。",
        9,
    ),
    (2, 9, 40, "psych", "self", "自我评价偏低，常说“我什么都做不好”。布置优点记录作业。", None),
]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=school_zone())


def _booking_near(user, held_at: datetime):
    """A demo room booking of this counselor on that day, when the resources demo made one."""
    day_start = held_at.replace(hour=0)
    return (
        RoomBooking.objects.filter(
            booked_by=user,
            cancelled=False,
            starts_at__gte=day_start,
            starts_at__lt=day_start + timedelta(days=1),
            purpose__startswith="个别心理辅导",
        )
        .order_by("starts_at")
        .first()
    )


def seed_demo(*, today: date) -> None:
    people = {u.username: u for u in User.objects.filter(username__in=["psych", "counselor", "homeroom"])}
    students = list(
        Student.objects.filter(status=StudentStatus.ACTIVE)
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "student_number")
    )
    if not students or "psych" not in people or "counselor" not in people:
        return
    with transaction.atomic():
        _sessions(people, students, today=today)
        _referral(people, students, today=today)
        _plan(people, students, today=today)


def _sessions(people, students, *, today):
    if CounselingSession.objects.exists():
        return
    for index, (days_ago, hour, minutes, who, category, notes, follow_up) in enumerate(SESSIONS):
        counselor = people[who]
        held_at = _at(today - timedelta(days=days_ago), hour)
        booking = _booking_near(counselor, held_at)
        if booking is not None:
            held_at = booking.starts_at
        services.session_create(
            actor=counselor,
            student=students[(index * 3 + 1) % len(students)],
            counselor=counselor,
            held_at=held_at,
            duration_minutes=minutes,
            category=category,
            notes=notes,
            booking=booking,
            follow_up_on=today - timedelta(days=days_ago) + timedelta(days=follow_up) if follow_up else None,
        )


def _referral(people, students, *, today):
    if Referral.objects.exists():
        return
    student = students[min(10, len(students) - 1)]
    services.referral_create(
        actor=people["psych"],
        student=student,
        institution="市精神卫生中心（儿童青少年心理门诊）",
        referred_on=today - timedelta(days=40),
        reason="持续情绪低落一个月以上，睡眠差，学业明显下滑；家长同意转介专科评估。",
        feedback="门诊诊断为抑郁状态（中度），予心理治疗并定期复诊，建议学校减轻学业压力、加强关注。",
        feedback_on=today - timedelta(days=30),
        return_plan="复学第一周半天到校；每周与心理老师面谈一次；班主任安排同伴支持；暂缓参加统一考试；每月与家长沟通复诊情况。",
        return_on=today - timedelta(days=21),
    )


def _plan(people, students, *, today):
    if CarePlan.objects.exists():
        return
    owner = people.get("homeroom") or people["counselor"]
    mine = [s for s in students if s.school_class.homeroom_teacher_id == owner.pk]
    student = (mine or students)[0]
    record = CareRecord.objects.filter(student=student).first()
    if record is None or record.level not in PLAN_LEVELS:
        attention_set(
            student=student,
            level="elevated",
            reason="多次个别辅导后评估：情绪持续低落，需重点关注。",
            actor=people["psych"],
        )
    services.plan_create(
        actor=people["psych"],
        student=student,
        owner=owner,
        goals="1. 两个月内恢复规律作息，每晚 11 点前入睡；2. 每周至少主动与一位同学交流；3. 按时完成基础作业。",
        supports="心理老师每周个别辅导一次；班主任每日关注课堂状态并安排学习伙伴；每两周与家长电话沟通；必要时转介专科门诊。",
        starts_on=today - timedelta(days=25),
        review_every_days=30,
    )
