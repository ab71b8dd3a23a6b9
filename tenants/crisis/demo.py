"""Demo data of crisis intervention: the school's emergency plan, the duty roster for the coming
days, one open high-risk case (identified, assessed, intervention) and one closed case with its
summary, for students seeded by tenants.students.demo. Run inside a school's schema after the demo
accounts and students exist. Idempotent; does nothing without students."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from shared.accounts.models import User
from shared.calendar import school_year_bounds, school_year_of
from tenants.crisis import services
from tenants.crisis.models import CaseStep, CrisisCase, DutyAssignment, EmergencyPlan
from tenants.students.models import Student

PLAN_TITLE = "学生心理危机干预应急预案"
PLAN_BODY = """一、总则
为及时发现、有效干预学生心理危机，保障学生生命安全，依据《中小学心理健康教育指导纲要》，结合我校实际，制定本预案。

二、组织机构
成立学生心理危机干预工作领导小组：校长任组长，分管副校长任副组长，成员包括德育处主任、心理教师、辅导员、年级组长和班主任。领导小组下设危机干预工作组，由专职心理教师负责日常工作。

三、危机的发现与报告
1. 班主任、任课教师、宿管人员发现学生有自伤、自杀言行或严重情绪异常时，须立即陪伴学生，确保其不独处，并在 10 分钟内报告当日值班心理辅导员。
2. 心理测评中出现高危条目（如 PHQ-9 第 9 题≥1 分）的，系统自动开启危机个案并通知值班辅导员。
3. 学生主动求助或同学、家长反映情况的，接报教师按同一流程报告。

四、评估与干预
1. 高风险个案须在 1 小时内完成风险评估，4 小时内落实干预措施，24 小时内通知监护人。
2. 评估由心理教师或辅导员当面进行，记录风险等级、依据和干预计划。
3. 干预期间安排专人陪护，必要时联系 120 或 110。

五、通知监护人与转介
1. 由心理教师会同班主任当面或电话告知监护人，说明情况和建议，做好书面记录，请监护人签字确认。
2. 需要专业治疗的，向监护人提供精神卫生专科医院转介信息，并跟进就诊反馈。

六、跟踪与结案
1. 个案处置后至少连续跟踪四周，每周记录一次。
2. 风险解除后由心理教师撰写结案小结，经危机干预工作组审核后结案。

七、保密与记录
危机个案信息仅限心理教师、辅导员知悉；校长了解个案状态和风险等级，确需查看详情时须说明理由，系统留痕并告知心理教师。所有记录按规定期限保存。

八、附则
本预案自发布之日起施行，由学校心理健康教育领导小组负责解释。"""


def _at(day: date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _backdate(case: CrisisCase, opened_at) -> None:
    CrisisCase.objects.filter(pk=case.pk).update(opened_at=opened_at)
    CaseStep.objects.filter(case=case, step="identified").update(done_at=opened_at)
    case.opened_at = opened_at


@transaction.atomic
def seed_demo(*, today: date) -> None:
    counselor = User.objects.filter(username="counselor", is_active=True).first()
    psych = User.objects.filter(username="psych", is_active=True).first()
    principal = User.objects.filter(username="principal", is_active=True).first()
    students = list(
        Student.objects.filter(status="active").order_by("school_class__grade", "student_number")[:40]
    )
    if not students or counselor is None or psych is None:
        return

    if not EmergencyPlan.objects.filter(title=PLAN_TITLE).exists():
        services.plan_create(
            actor=principal or psych,
            title=PLAN_TITLE,
            version="2.0",
            effective_on=school_year_bounds(school_year_of(today))[0],  # the school year's first day
            body=PLAN_BODY,
        )

    for offset in range(14):
        day = today + timedelta(days=offset)
        person = counselor if offset % 2 == 0 else psych
        DutyAssignment.objects.get_or_create(user=person, on_date=day)

    if CrisisCase.objects.filter(identified_how__in=["self_report", "report"]).exists():
        return
    without_case = [s for s in students if not s.crisis_cases.exists()]
    if len(without_case) < 2:
        return
    closed_student, open_student = without_case[-1], without_case[len(without_case) // 2]

    # A case closed last month: every step done, referral not needed, with its summary.
    start = today - timedelta(days=40)
    closed = services.case_report(
        student=closed_student,
        level="medium",
        identified_how="report",
        actor=psych,
        narrative="同班同学向班主任反映，该生近两周在社交软件上多次发布“想消失”之类的内容，上课常趴桌，午饭吃得很少。",
    )
    _backdate(closed, _at(start, 9, 20))
    steps = [
        (
            "assessed",
            _at(start, 10, 30),
            dict(
                level="medium",
                note="当面访谈约 50 分钟。情绪低落两周，与父母争吵后加重；否认具体自伤计划，无既往自伤史。评估为中风险。",
            ),
        ),
        (
            "intervention",
            _at(start, 14, 0),
            dict(note="制定安全计划，约定每周两次个别辅导；与班主任商定课堂关注方式，安排一名同伴陪伴午餐。"),
        ),
        (
            "guardians_notified",
            _at(start + timedelta(days=1), 16, 30),
            dict(note="母亲到校面谈，告知情况和家庭沟通建议，母亲签字确认。"),
        ),
        (
            "referral",
            _at(start + timedelta(days=8), 16, 0),
            dict(skipped_reason="复评风险下降，家长配合良好，暂不需要转介医院"),
        ),
        (
            "follow_up",
            _at(start + timedelta(days=15), 15, 30),
            dict(note="连续两周个别辅导，睡眠和饮食恢复，与母亲关系缓和。"),
        ),
        (
            "closed",
            _at(start + timedelta(days=36), 17, 0),
            dict(
                summary="经四周跟踪，该生情绪稳定，社交软件未再出现消极内容，学业恢复正常。风险解除，转为一般关注，由班主任日常观察，心理教师每月回访一次。"
            ),
        ),
    ]
    for step, done_at, extra in steps:
        services.step_record(closed, actor=psych, step=step, done_at=done_at, **extra)

    # An open high-risk case from this morning: identified, assessed and intervention done.
    opened_at = timezone.now() - timedelta(hours=2, minutes=30)
    case = services.case_report(
        student=open_student,
        level="high",
        identified_how="self_report",
        actor=counselor,
        narrative="学生课间主动到心理辅导室，说最近总想到死，昨晚在手臂上划了几道。父母离异后随祖母生活，期中考试后压力很大。",
    )
    _backdate(case, opened_at)
    services.step_record(
        case,
        actor=counselor,
        step="assessed",
        done_at=opened_at + timedelta(minutes=35),
        level="high",
        note="有自伤行为，存在自杀意念但无具体计划。评估为高风险，需 24 小时内通知监护人并考虑转介。",
    )
    services.step_record(
        case,
        actor=counselor,
        step="intervention",
        done_at=opened_at + timedelta(hours=1, minutes=20),
        note="签订安全约定，移除随身美工刀；安排班主任和心理教师轮流陪伴至放学。",
    )
