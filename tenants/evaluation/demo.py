"""Demo data of 监督评估: an indicator set, two self-assessments, improvement actions carried out as
ledger tasks, questionnaires with answers (one with ~30 parents' responses so the charts show
something), and commendations. Built with the services, once."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from shared.accounts.models import User
from shared.calendar import school_year_of
from tenants.evaluation import services
from tenants.evaluation.forms import current_term
from tenants.evaluation.models import Commendation, IndicatorSet, Questionnaire, Response
from tenants.ledger.models import TaskStatus

INDICATORS = [
    # name, description, target value, unit, text target, weight, last term's score, this term's score
    (
        "组织领导",
        "领导小组每学期召开专题工作会议，研究部署心理健康教育工作",
        Decimal("2"),
        "次/学期",
        "",
        10,
        90,
        95,
    ),
    (
        "制度建设",
        "心理健康教育、危机干预、档案管理等规章制度健全",
        None,
        "",
        "制度齐全并按年度修订",
        10,
        85,
        90,
    ),
    ("课程开设", "各年级按课时开设心理健康课", Decimal("100"), "%", "", 15, 88, 92),
    ("队伍建设", "配备专职心理教师，全体班主任接受心理健康培训", Decimal("2"), "名专职教师", "", 10, 80, 85),
    ("心理辅导", "心理咨询室（辅导站）每周开放时长", Decimal("10"), "小时/周", "", 15, 70, 72),
    ("心理健康档案", "学生心理健康档案建档并动态更新", Decimal("100"), "%", "", 10, 75, 68),
    ("危机干预", "危机干预应急预案完善，每学期组织演练", Decimal("1"), "次/学期", "", 10, 90, 88),
    ("家校合作", "家庭讲座、家长培训覆盖各年级", Decimal("4"), "场/学年", "", 10, 78, 82),
    ("宣传教育", "通过校园广播、宣传栏、网络平台开展宣传", None, "", "每月至少一次主题宣传", 10, 85, 90),
]

EVIDENCE = {
    "组织领导": "领导小组会议纪要两份，会议签到表",
    "制度建设": "《学生心理危机干预制度》《心理健康档案管理办法》已修订",
    "课程开设": "各年级课表、心理健康课教案",
    "队伍建设": "专职心理教师2名；本学期班主任培训签到表",
    "心理辅导": "咨询室开放登记表：周一至周五午间及周三下午，合计约7小时/周",
    "心理健康档案": "初一新生档案已建立，初二、初三部分档案未及时更新",
    "危机干预": "11月开展危机干预演练一次，有方案、照片、总结",
    "家校合作": "已举办家庭讲座3场",
    "宣传教育": "心理健康月宣传、校园广播稿、公众号推文",
}


def _user(username):
    return User.objects.filter(username=username).first()


def _previous_period(year: str, term: str) -> tuple[str, str]:
    start = int(year[:4])
    if term == "first":
        return f"{start - 1}-{start}", "second"
    return year, "first"


def _term_end(year: str, term: str) -> date:
    start = int(year[:4])
    return date(start + 1, 1, 15) if term == "first" else date(start + 1, 6, 28)


def _assessment_date(year: str, term: str, today: date) -> date:
    return min(today - timedelta(days=3), _term_end(year, term))


def seed_demo(*, today: date) -> None:
    if IndicatorSet.objects.exists() or Questionnaire.objects.exists() or Commendation.objects.exists():
        return
    principal, secretary = _user("principal"), _user("secretary")
    if principal is None:
        return
    actor = principal

    # Indicators and two self-assessments: last term and this term.
    indicator_set = services.indicator_set_create(
        actor=actor,
        name="学校心理健康教育工作评估指标",
        description="依据区教育局《中小学心理健康教育工作评估方案》制定，满分100分，每学期自评一次。",
    )
    indicators = [
        services.indicator_create(
            actor=actor,
            indicator_set=indicator_set,
            name=name,
            description=description,
            target_value=value,
            target_unit=unit,
            target_text=text,
            weight=Decimal(weight),
        )
        for name, description, value, unit, text, weight, _last, _now in INDICATORS
    ]
    year, term = school_year_of(today), current_term(today)
    last_year, last_term = _previous_period(year, term)
    services.assessment_create(
        actor=secretary or actor,
        indicator_set=indicator_set,
        school_year=last_year,
        term=last_term,
        assessed_on=_assessment_date(last_year, last_term, today),
        summary="各项工作总体推进顺利，心理辅导时长和档案更新仍有差距。",
        scores=[
            {"indicator": ind, "score": Decimal(row[6]), "evidence": EVIDENCE[row[0]]}
            for ind, row in zip(indicators, INDICATORS, strict=True)
        ],
    )
    current = services.assessment_create(
        actor=secretary or actor,
        indicator_set=indicator_set,
        school_year=year,
        term=term,
        assessed_on=_assessment_date(year, term, today),
        summary="课程、宣传和会议制度落实较好；心理健康档案动态更新不及时，咨询室开放时长未达标，需整改。",
        scores=[
            {"indicator": ind, "score": Decimal(row[7]), "evidence": EVIDENCE[row[0]]}
            for ind, row in zip(indicators, INDICATORS, strict=True)
        ],
    )

    # Improvement actions, each a ledger task.
    by_name = {i.name: i for i in indicators}
    plans = [
        (
            "延长心理咨询室开放时间至每周10小时",
            "心理辅导",
            "psych",
            21,
            TaskStatus.IN_PROGRESS,
            "增加周二、周四午间开放时段，安排心理教师轮值。",
        ),
        (
            "完成初二、初三学生心理健康档案更新",
            "心理健康档案",
            "counselor",
            30,
            TaskStatus.TODO,
            "结合本学期心理测评结果更新档案，做到一生一档、动态管理。",
        ),
        (
            "补办一场家庭讲座：青春期亲子沟通",
            "家校合作",
            "homeroom",
            14,
            TaskStatus.DONE,
            "邀请区心理教研员主讲，覆盖初一年级家长。",
        ),
    ]
    assessed_on = current.assessed_on
    for title, indicator_name, owner_name, days, status, description in plans:
        owner = _user(owner_name) or actor
        action = services.improvement_action_create(
            actor=actor,
            assessment=current,
            indicator=by_name[indicator_name],
            title=title,
            owner=owner,
            due_on=assessed_on + timedelta(days=days),
            description=description,
        )
        if status != TaskStatus.TODO:
            from tenants.ledger.services import task_update

            task_update(action.task, actor=owner, data={"status": status})

    _seed_questionnaires(actor=actor, today=today)
    _seed_commendations(actor=actor, today=today, year=year)


def _spread(responses, today: date, days: int, rng: random.Random) -> None:
    """Answers came in over the last few days, not all in the same second."""
    evening = datetime.combine(today, time(21, 0), tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))
    for response in responses:
        moment = evening - timedelta(
            days=rng.randint(1, days), hours=rng.randint(0, 10), minutes=rng.randint(0, 59)
        )
        Response.objects.filter(pk=response.pk).update(submitted_at=moment)


def _seed_questionnaires(*, actor, today: date) -> None:
    rng = random.Random(20260901)

    parents = services.questionnaire_create(
        actor=actor,
        title="家长对学校心理健康教育工作满意度调查",
        audience="parents",
        intro="尊敬的家长：为了解您对学校心理健康教育工作的看法，请花3分钟填写本问卷。问卷匿名，每个链接只能填写一次。",
    )
    know = services.question_create(
        actor=actor,
        questionnaire=parents,
        kind="single",
        text="您是否知道学校设有心理咨询室（心理辅导站）？",
        options=["知道，孩子去过", "知道，但孩子没去过", "不知道"],
    )
    support = services.question_create(
        actor=actor,
        questionnaire=parents,
        kind="multiple",
        text="您希望学校在哪些方面为家长提供支持？（可多选）",
        options=["亲子沟通讲座", "青春期心理知识", "学业压力疏导", "网络使用引导", "个别咨询预约"],
        required=False,
    )
    satisfaction = services.question_create(
        actor=actor,
        questionnaire=parents,
        kind="scale",
        text="您对学校心理健康教育工作的总体满意度",
        scale_min=1,
        scale_max=5,
        scale_min_label="很不满意",
        scale_max_label="非常满意",
    )
    mood = services.question_create(
        actor=actor,
        questionnaire=parents,
        kind="scale",
        text="近一个月，孩子在家的情绪状态总体如何？",
        scale_min=1,
        scale_max=5,
        scale_min_label="很差",
        scale_max_label="很好",
    )
    advice = services.question_create(
        actor=actor,
        questionnaire=parents,
        kind="text",
        text="您对学校心理健康教育工作还有哪些建议？",
        required=False,
        max_length=500,
    )
    services.questionnaire_update(parents, actor=actor, data={"status": "open"})
    links = services.links_generate(actor=actor, questionnaire=parents, count=40, label="初一年级家长")
    suggestions = [
        "希望多举办亲子沟通方面的讲座",
        "孩子最近学习压力比较大，希望老师多关注",
        "建议讲座安排在周末或晚上",
        "希望能有线上预约咨询的方式",
        "感谢心理老师的耐心帮助",
        "希望多开展户外团体活动",
        "建议定期给家长发心理健康小知识",
    ]
    responses = []
    for link in links[:30]:
        picks = rng.sample(range(5), rng.choice([0, 1, 2, 2, 3]))
        answer = {
            str(know.public_id): [
                str(know.options.all()[rng.choices([0, 1, 2], weights=[3, 5, 2])[0]].public_id)
            ],
            str(support.public_id): [
                str(o.public_id) for i, o in enumerate(support.options.all()) if i in picks
            ],
            str(satisfaction.public_id): [str(rng.choices([2, 3, 4, 5], weights=[1, 4, 9, 7])[0])],
            str(mood.public_id): [str(rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 6, 9, 5])[0])],
            str(advice.public_id): [rng.choice(suggestions)] if rng.random() < 0.4 else [],
        }
        responses.append(services.response_submit(token=link.token, answers=answer))
    _spread(responses, today, 10, rng)

    # A students' questionnaire from last term, closed.
    students = services.questionnaire_create(
        actor=actor,
        title="学生心理健康需求调查",
        audience="students",
        intro="同学你好！本问卷不记名，请根据自己的真实情况填写。",
    )
    stress = services.question_create(
        actor=actor,
        questionnaire=students,
        kind="single",
        text="你目前最大的压力来源是？",
        options=["学习成绩", "同学关系", "家庭关系", "对未来的担心", "其他"],
    )
    activity = services.question_create(
        actor=actor,
        questionnaire=students,
        kind="multiple",
        text="你愿意参加哪些心理活动？",
        options=["心理剧", "团体辅导", "压力管理工作坊", "心理健康主题班会"],
    )
    help_seek = services.question_create(
        actor=actor,
        questionnaire=students,
        kind="scale",
        text="遇到烦恼时，你愿意向心理老师求助的程度",
        scale_min=1,
        scale_max=5,
        scale_min_label="完全不愿意",
        scale_max_label="非常愿意",
    )
    services.questionnaire_update(students, actor=actor, data={"status": "open"})
    student_links = services.links_generate(actor=actor, questionnaire=students, count=15, label="初二(3)班")
    responses = []
    for link in student_links[:12]:
        responses.append(
            services.response_submit(
                token=link.token,
                answers={
                    str(stress.public_id): [
                        str(stress.options.all()[rng.choices(range(5), weights=[6, 2, 2, 3, 1])[0]].public_id)
                    ],
                    str(activity.public_id): [
                        str(o.public_id) for o in rng.sample(list(activity.options.all()), rng.randint(1, 3))
                    ],
                    str(help_seek.public_id): [str(rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0])],
                },
            )
        )
    _spread(responses, today, 60, rng)
    services.questionnaire_update(students, actor=actor, data={"status": "closed"})

    # A staff questionnaire still being written.
    staff = services.questionnaire_create(
        actor=actor,
        title="教职工心理健康素养培训需求调查",
        audience="staff",
        intro="为制定下学期教师心理健康素养提升计划，请各位老师填写。",
    )
    services.question_create(
        actor=actor,
        questionnaire=staff,
        kind="multiple",
        text="您最希望参加哪类培训？",
        options=["学生心理问题识别", "危机干预流程", "班级心理辅导活动设计", "教师自我调适"],
    )
    services.question_create(
        actor=actor,
        questionnaire=staff,
        kind="text",
        text="您在工作中遇到的学生心理方面的困惑",
        required=False,
    )


def _seed_commendations(*, actor, today: date, year: str) -> None:
    start = int(year[:4])
    entries = [
        (
            "心理健康教育先进个人",
            _user("psych"),
            "",
            date(start, 12, 20),
            "district",
            "全年开展团体辅导二十余次，牵头完成心理健康档案建设。",
        ),
        (
            "优秀班主任（心理健康教育方向）",
            _user("homeroom"),
            "",
            date(start, 11, 15),
            "school",
            "坚持每月召开心理健康主题班会，及时发现并转介需要帮助的学生。",
        ),
        (
            "心理健康主题班会优秀班级",
            None,
            "初二(3)班",
            date(start, 10, 30),
            "school",
            "“阳光心态，快乐成长”主题班会获全校一等奖。",
        ),
        (
            "优秀心理委员",
            None,
            "初一(5)班 张雨涵",
            date(start, 12, 5),
            "school",
            "主动关心同学，协助心理老师开展朋辈辅导。",
        ),
        (
            "心理剧展演二等奖",
            None,
            "学校心理剧社",
            date(start - 1, 5, 25),
            "city",
            "原创心理剧《我和我的影子》获市中小学心理剧展演二等奖。",
        ),
    ]
    for title, user, name, awarded_on, level, reason in entries:
        if awarded_on > today:
            awarded_on = today - timedelta(days=7)
        if user is None and not name:
            continue
        services.commendation_create(
            actor=actor,
            title=title,
            recipient_user=user,
            recipient_name=name if user is None else "",
            awarded_on=awarded_on,
            level=level,
            reason=reason,
        )
