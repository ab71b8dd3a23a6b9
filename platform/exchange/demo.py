"""Demo content for the exchange: a few threads with replies, an approved case study and a district
seminar with sign-ups. Invented text, no student named; every text goes through the same services
(and so the same personal-data check) as a person's would. Idempotent: what exists is left alone.

Called by district.demo once the demo schools (demo1, demo2, demo3) and their accounts exist.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from district.models import School
from exchange import services
from exchange.models import Event, Post, PostKind
from exchange.selectors import Reader
from shared.accounts.models import User
from shared.accounts.roles import DistrictRole

THREADS = [
    (
        "demo1",
        "psych",
        PostKind.SHARING,
        False,
        "低年级“情绪小怪兽”绘本课的三个改进",
        "我们把绘本课从一节拆成两节：第一节认识情绪，第二节做情绪瓶。\n"
        "孩子们更愿意说话了。附上教案思路，欢迎各校一起改。",
        [
            ("demo2", "counselor", False, "初中也可以借鉴，我们打算改成情绪温度计。"),
            ("demo3", "psych", True, "情绪瓶的材料清单能分享一下吗？"),
        ],
    ),
    (
        "demo2",
        "principal",
        PostKind.QUESTION,
        False,
        "考试周前的减压活动，大家一般怎么安排？",
        "想在期末前两周安排一次全校性的减压活动，时长和形式有什么经验？",
        [
            ("demo1", "deputy", False, "我们做过“课间十分钟放松操”，全校一起，效果不错。"),
            ("demo3", "counselor", False, "高中可以结合生涯规划讲，焦虑会少一些。"),
        ],
    ),
    (
        "demo3",
        "counselor",
        PostKind.QUESTION,
        True,
        "心理委员培训的频率多少合适？",
        "我们每学期培训两次，感觉不够。想听听其他学校的安排。",
        [("demo2", "psych", False, "我们每月一次，每次四十分钟，配合案例讨论。")],
    ),
]

CASE_STUDY = (
    "demo2",
    "psych",
    "案例分析：一次转学适应困难的团体辅导",
    "背景：一名转入初二的学生在新班级中融入困难（已去除一切可识别信息）。\n"
    "过程：班主任与心理教师协作，组织了四次小组活动，从破冰到合作任务。\n"
    "反思：同伴支持比单独谈话更有效；家校沟通需要提前约定频率。",
)

SEMINAR_TITLE = "区心理健康教育研讨会：课堂中的情绪教育"


def _school_reader(code: str, username: str) -> Reader | None:
    school = School.objects.filter(code=code).first()
    if school is None:
        return None
    with schema_context(school.schema_name):
        user = User.objects.filter(username=username).first()
    connection.set_schema_to_public()
    return Reader(user=user, school=school) if user is not None else None


def seed_demo(today=None) -> None:
    connection.set_schema_to_public()
    district_user = User.objects.filter(roles__contains=[DistrictRole.DISTRICT_ADMIN]).order_by("id").first()
    for code, username, kind, anonymous, title, body, replies in THREADS:
        author = _school_reader(code, username)
        if author is None or Post.objects.filter(title=title).exists():
            continue
        post = services.post_create(reader=author, kind=kind, title=title, body=body, anonymous=anonymous)
        for reply_code, reply_user, reply_anonymous, text in replies:
            replier = _school_reader(reply_code, reply_user)
            if replier is not None:
                services.reply_create(post, reader=replier, body=text, anonymous=reply_anonymous)
    code, username, title, body = CASE_STUDY
    author = _school_reader(code, username)
    if author is not None and district_user is not None and not Post.objects.filter(title=title).exists():
        case = services.post_create(reader=author, kind=PostKind.CASE_STUDY, title=title, body=body)
        services.case_study_approve(case, actor=district_user)
    if district_user is not None and not Event.objects.filter(title=SEMINAR_TITLE).exists():
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=10)
        event = services.event_create(
            reader=Reader(user=district_user, school=None),
            kind="seminar",
            title=SEMINAR_TITLE,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place="区教师发展中心报告厅",
            description="各校心理教师交流情绪教育课的设计与实施，每校可报两人。",
            capacity=20,
        )
        for signup_code, signup_user in (("demo1", "psych"), ("demo2", "psych"), ("demo3", "counselor")):
            reader = _school_reader(signup_code, "principal")
            if reader is not None:
                services.signup_add(event, reader=reader, username=signup_user)
    connection.set_schema_to_public()
