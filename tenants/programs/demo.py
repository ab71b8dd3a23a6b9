"""Demo data of the programs area: a school year of curriculum, lessons, activities, subject
integration, publicity and parent work. Run inside a school's schema after the demo accounts exist."""

from datetime import date, timedelta

from django.db import transaction

from shared.accounts.models import User
from tenants.programs import services
from tenants.programs.models import (
    Activity,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    PublicityCampaign,
)
from tenants.programs.selectors import school_year_of

UNITS = {
    7: [
        ("新起点·新适应", "了解初中学习生活的变化，尽快适应新环境，结识新同伴", 3),
        ("认识自我", "多角度认识自己的性格、兴趣和优点，学会悦纳自我", 3),
        ("情绪的小秘密", "识别基本情绪，了解情绪与身体、行为的关系", 2),
        ("学会学习", "掌握预习、复习和时间管理的方法，培养学习兴趣", 2),
    ],
    8: [
        ("青春期的我", "正确认识青春期生理和心理变化，接纳成长中的自己", 3),
        ("人际交往与友谊", "学习倾听与表达，处理同伴冲突，建立健康友谊", 3),
        ("情绪调节有方法", "掌握深呼吸、积极暗示、合理宣泄等调节方法", 2),
        ("挫折与成长", "正确看待挫折，提升心理韧性", 2),
    ],
    9: [
        ("考试焦虑应对", "认识考试焦虑，学会放松训练和积极的自我对话", 3),
        ("生涯规划初探", "了解自身兴趣与能力，初步思考升学与职业方向", 2),
        ("压力管理", "识别压力来源，建立个人减压方案", 2),
        ("感恩与责任", "体会家人、老师和同伴的付出，增强责任意识", 1),
    ],
}
GRADE_NAMES = {7: "七年级", 8: "八年级", 9: "九年级"}
TOPICS = {
    "新起点·新适应": ["初中生活新变化", "我的新同学", "适应小妙招"],
    "认识自我": ["我是谁", "发现我的优点", "我的性格五彩缤纷"],
    "青春期的我": ["青春期的身心变化", "悦纳成长中的自己", "青春期的烦恼"],
    "人际交往与友谊": ["学会倾听", "友谊的小船", "化解冲突有方法"],
    "考试焦虑应对": ["认识考试焦虑", "放松训练", "积极的自我对话"],
    "生涯规划初探": ["我的兴趣岛", "职业万花筒"],
}


def _user(username: str):
    return User.objects.filter(username=username).first()


@transaction.atomic
def seed_demo(*, today: date) -> None:
    models = (CurriculumUnit, ClassSession, Activity, IntegrationLesson, PublicityCampaign, ParentEvent)
    if any(model.objects.exists() for model in models):
        return
    principal, secretary = _user("principal"), _user("secretary")
    psych, counselor, homeroom, member = (
        _user("psych"),
        _user("counselor"),
        _user("homeroom"),
        _user("member"),
    )
    if principal is None:
        return
    manager = secretary or principal
    psych = psych or principal
    counselor = counselor or psych
    member = member or principal
    year = school_year_of(today)
    start = date(int(year[:4]), 9, 1)

    # Curriculum, and the sessions delivered so far: one lesson a week per class.
    units = {}
    for grade, rows in UNITS.items():
        for title, objectives, planned in rows:
            units[(grade, title)] = services.curriculum_unit_create(
                actor=manager,
                school_year=year,
                grade=grade,
                title=title,
                objectives=objectives,
                planned_sessions=planned,
            )
    for grade, rows in UNITS.items():
        for index, (title, _objectives, _planned) in enumerate(rows[:2]):
            for number, topic in enumerate(TOPICS.get(title, []), start=1):
                for class_number in (1, 2, 3, 4):
                    held_on = start + timedelta(days=7 * (index * 3 + number) + class_number + grade - 7)
                    if held_on > today:
                        continue
                    services.class_session_create(
                        actor=manager,
                        unit=units[(grade, title)],
                        class_name=f"{GRADE_NAMES[grade]}{class_number}班",
                        held_on=held_on,
                        teacher=psych,
                        topic=topic,
                        notes="学生参与积极，课堂气氛活跃" if class_number % 2 else "",
                    )

    # Activities (活动).
    activities = [
        (
            "lecture",
            "开学心理适应讲座",
            9,
            psych,
            [7],
            [],
            418,
            "面向七年级新生，介绍初中学习生活的变化与适应方法",
        ),
        (
            "class_meeting",
            "主题班会：认识新同学",
            12,
            homeroom,
            [],
            ["七年级3班"],
            46,
            "通过“名字接龙”“优点轰炸”等游戏增进了解",
        ),
        (
            "group_counseling",
            "团体辅导：人际交往成长小组（第一次）",
            28,
            counselor,
            [8],
            [],
            12,
            "8 名自愿报名学生与 4 名推荐学生参加",
        ),
        (
            "psychodrama",
            "心理剧《窗外的声音》排演",
            40,
            psych,
            [8],
            ["八年级2班"],
            35,
            "心理社团排演，准备参加区心理剧展演",
        ),
        ("stress_workshop", "期中考试减压工作坊", 58, psych, [9], [], 82, "放松训练、正念呼吸与考前时间规划"),
        (
            "class_meeting",
            "主题班会：学会感恩",
            70,
            homeroom,
            [],
            ["七年级3班"],
            45,
            "结合感恩节，学生给父母写一封信",
        ),
        ("lecture", "青春期心理健康讲座", 76, principal, [8], [], 402, "邀请市心理卫生中心专家主讲"),
        (
            "other",
            "心理健康月游园会",
            85,
            manager,
            [7, 8, 9],
            [],
            960,
            "设置情绪涂鸦、心理知识问答、解压泡泡等 12 个摊位",
        ),
        ("group_counseling", "团体辅导：人际交往成长小组（第四次）", 49, counselor, [8], [], 11, ""),
    ]
    for kind, title, offset, organiser, grades, classes, count, description in activities:
        held_on = start + timedelta(days=offset)
        if held_on > today:
            continue
        actor = (
            organiser
            if organiser is not None and kind == "class_meeting" and organiser == homeroom
            else manager
        )
        services.activity_create(
            actor=actor,
            kind=kind,
            title=title,
            held_on=held_on,
            organiser=organiser or manager,
            audience_grades=grades,
            audience_classes=classes,
            participant_count=count,
            description=description,
        )
    # Something this month for the home page, recorded by the homeroom teacher.
    services.activity_create(
        actor=homeroom or manager,
        kind="class_meeting",
        title="主题班会：情绪调节有妙招",
        held_on=today,
        organiser=homeroom or manager,
        audience_classes=["七年级3班"],
        participant_count=46,
        description="学生分组表演情绪情景剧，分享自己的情绪调节方法",
    )

    # Subject integration (学科融合).
    lessons = [
        (
            "chinese",
            member,
            "七年级2班",
            20,
            "《散步》中的家庭亲情与情感表达",
            "学生能体会文中的亲情，并尝试表达对家人的感谢",
        ),
        (
            "pe",
            member,
            "八年级1班",
            33,
            "团队接力中的合作与信任",
            "活动后分享环节效果好，可增加挫折体验的讨论",
        ),
        (
            "morality_law",
            principal,
            "八年级3班",
            47,
            "做情绪的主人",
            "与心理课内容衔接，建议两门学科共同备课",
        ),
        ("art", member, "七年级4班", 55, "用色彩表达心情", "学生作品可在心理健康月展出"),
        ("music", member, "九年级2班", 62, "音乐与放松", "考前安排此课，学生反映放松效果明显"),
        (
            "english",
            member,
            "九年级1班",
            80,
            "My Stress and How I Deal with It",
            "写作任务中发现 2 名学生压力较大，已转介心理教师",
        ),
    ]
    for subject, teacher, class_name, offset, topic, reflection in lessons:
        held_on = start + timedelta(days=offset)
        if held_on > today:
            continue
        services.integration_lesson_create(
            actor=manager,
            subject=subject,
            teacher=teacher,
            class_name=class_name,
            held_on=held_on,
            topic=topic,
            reflection=reflection,
        )

    # Publicity (宣传).
    campaigns = [
        (
            "radio",
            "“心灵之声”校园广播专栏",
            7,
            280,
            "全校师生",
            "每周三午间播出，学生播音员朗读心理美文、解答同学来信",
            1500,
        ),
        ("board", "宣传栏：认识情绪，接纳自己", 14, 44, "全校学生", "一楼大厅宣传栏，每月更换主题", 1200),
        ("online", "公众号专题：新生适应指南", 3, 20, "七年级学生及家长", "共推送 4 篇文章", 2360),
        ("board", "宣传栏：消除心理求助的偏见", 60, 90, "全校师生", "介绍心理咨询室开放时间和求助渠道", 1100),
    ]
    for channel, title, offset, length, audience, description, reach in campaigns:
        starts_on = start + timedelta(days=offset)
        if starts_on > today:
            continue
        services.publicity_campaign_create(
            actor=manager,
            channel=channel,
            title=title,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=length),
            audience=audience,
            description=description,
            reach=reach,
        )

    # Parent lectures and training (家庭讲座 / 家长培训).
    parents = [
        (
            "lecture",
            "如何帮助孩子适应初中生活",
            16,
            "王敏（市家庭教育指导中心）",
            420,
            386,
            "七年级家长会期间举办",
        ),
        ("training", "家长心理健康素养培训（第一期）", 45, "学校心理教师", 60, 52, "识别孩子情绪变化的信号"),
        ("lecture", "青春期亲子沟通", 73, "李华（心理学副教授）", 0, 215, "线上直播，未统计邀请人数"),
    ]
    for kind, title, offset, speaker, invited, attended, notes in parents:
        held_on = start + timedelta(days=offset)
        if held_on > today:
            continue
        services.parent_event_create(
            actor=manager,
            kind=kind,
            title=title,
            held_on=held_on,
            speaker=speaker,
            invited_count=invited,
            attendance_count=attended,
            notes=notes,
        )
