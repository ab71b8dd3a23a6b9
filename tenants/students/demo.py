"""Demo roster: two classes in each of two grades fitting the school type, about 40 students with
invented names (never real people), plausible student numbers and birthdays, and guardians with
invented names and 139 phone numbers. The demo "homeroom" account is the homeroom teacher of the
first class. Run inside a school's schema after the demo accounts exist. Idempotent."""

from datetime import date, timedelta

from django.db import transaction

from shared.accounts.models import User
from tenants.students import selectors
from tenants.students.models import SchoolClass, Student

GRADES_BY_TYPE = {
    "primary": (4, 5),
    "junior": (7, 8),
    "senior": (10, 11),
    "nine_year": (5, 7),
    "twelve_year": (7, 10),
    "special": (4, 5),
}
STUDENTS_PER_CLASS = 10
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
_GIVEN_GIRL = [
    "雨桐",
    "欣怡",
    "梓萱",
    "诗涵",
    "可馨",
    "语嫣",
    "思彤",
    "佳琪",
    "若溪",
    "晓萌",
    "一诺",
    "静姝",
    "紫萱",
    "梦瑶",
    "安琪",
    "子墨",
    "雅宁",
    "沐晴",
    "书瑶",
    "心怡",
]
_GIVEN_BOY = [
    "浩然",
    "宇轩",
    "子豪",
    "俊熙",
    "博文",
    "思远",
    "明哲",
    "皓轩",
    "天佑",
    "嘉懿",
    "煜城",
    "泽宇",
    "铭轩",
    "逸凡",
    "睿哲",
    "文博",
    "昊天",
    "一鸣",
    "承泽",
    "景行",
]
_GUARDIAN_GIVEN = [
    "建华",
    "丽萍",
    "志刚",
    "秀英",
    "海涛",
    "慧敏",
    "国庆",
    "春梅",
    "卫东",
    "晓红",
    "永强",
    "桂芳",
    "振宇",
    "雪梅",
    "立新",
    "玉兰",
    "文军",
    "淑珍",
    "德明",
    "美玲",
]


def _school_year_start(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


def _birthday(start: int, grade: int, index: int) -> date:
    """A child in grade `grade` of the school year starting `start` was born between
    1 September (start - grade - 6) and 31 August (start - grade - 5)."""
    first = date(start - grade - 6, 9, 1)
    return first + timedelta(days=(index * 37 + grade * 11) % 365)


@transaction.atomic
def seed_demo(*, today: date) -> None:
    school_type = selectors.school_type() or "junior"
    grades = GRADES_BY_TYPE.get(school_type, GRADES_BY_TYPE["junior"])
    homeroom = User.objects.filter(username="homeroom", is_active=True).first()
    author = User.objects.filter(username="secretary").first()
    start = _school_year_start(today)
    n = 0
    for grade in grades:
        for class_number in (1, 2):
            homeroom_of_this = homeroom if (grade, class_number) == (grades[0], 1) else None
            school_class, created = SchoolClass.objects.get_or_create(
                grade=grade,
                name=f"{class_number}班",
                defaults={"homeroom_teacher": homeroom_of_this},
            )
            if not created and homeroom_of_this and school_class.homeroom_teacher_id is None:
                school_class.homeroom_teacher = homeroom_of_this
                school_class.save(update_fields=["homeroom_teacher", "updated_at"])
            entry_year = start - (grade - 1 if grade <= 6 else grade - 7 if grade <= 9 else grade - 10)
            for i in range(1, STUDENTS_PER_CLASS + 1):
                n += 1
                girl = i % 2 == 0
                surname = _SURNAMES[(n * 7) % len(_SURNAMES)]
                given = (_GIVEN_GIRL if girl else _GIVEN_BOY)[(n * 3 + grade) % 20]
                Student.objects.get_or_create(
                    student_number=f"{entry_year}{grade:02d}{class_number:02d}{i:02d}",
                    defaults=dict(
                        name=surname + given,
                        gender="female" if girl else "male",
                        date_of_birth=_birthday(start, grade, n),
                        school_class=school_class,
                        guardian_name=surname + _GUARDIAN_GIVEN[(n * 5) % 20],
                        guardian_phone=f"139{(n * 7919 + 10000000) % 100000000:08d}",
                        created_by=author,
                    ),
                )
