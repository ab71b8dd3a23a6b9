"""Demo governance year: the leadership group with a past term and invited attendees, last year's
closed plan and this year's plans with key tasks, versioned rules, and the 2026-2027 reporting
schedule with some reports submitted on time, one late and one still open. All through services."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from shared.accounts.models import User
from tenants.governance import services
from tenants.governance.models import GroupAttendee, GroupMember, InfoReport, Plan, RuleDocument
from tenants.ledger import services as ledger
from tenants.ledger.models import TaskStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHOOL_YEAR = "2026-2027"

MEMBERS = [
    # username, role, department, duties, starts, ends
    ("principal", "leader", "", "全面负责学校心理健康教育工作，主持领导小组会议", date(2024, 9, 1), None),
    ("deputy", "deputy", "moral", "分管德育和心理健康教育日常工作，协调各部门", date(2024, 9, 1), None),
    ("member", "member", "academic", "负责心理健康课程排课、学科融合与教学检查", date(2026, 9, 1), None),
    (
        "homeroom",
        "member",
        "student_affairs",
        "负责学生事务与班主任队伍的心理健康工作",
        date(2026, 9, 1),
        None,
    ),
    ("psych", "member", "other", "负责心理辅导室、心理测评与个别辅导", date(2024, 9, 1), None),
    ("secretary", "secretary", "other", "负责日常事务、会议纪要、资料整理和信息报送", date(2025, 9, 1), None),
    ("counselor", "member", "security", "协助校园安全与心理危机预警", date(2024, 9, 1), None),
]

ATTENDEES = [
    # kind, name, username (account) or None, affiliation, starts, ends, note
    (
        "outside_counselor",
        None,
        "guest",
        "市心理健康教育指导中心",
        date(2026, 9, 1),
        None,
        "每学期列席两次例会",
    ),
    (
        "psychology_expert",
        "林晓梅",
        None,
        "市师范大学心理学院",
        date(2025, 9, 1),
        None,
        "为工作计划提供专业指导",
    ),
    ("parent", "王海燕", None, "初二(3)班家长委员会", date(2026, 9, 1), date(2027, 7, 10), ""),
    ("student", "张子涵", None, "初三(1)班 学生会心理委员", date(2026, 9, 1), date(2027, 7, 10), ""),
    (
        "parent",
        "陈建国",
        None,
        "初三(2)班家长委员会",
        date(2025, 9, 1),
        date(2026, 7, 10),
        "孩子已毕业，任期届满",
    ),
]

LAST_YEAR_TASKS = [
    ("完成全校学生心理健康普查", "psych", date(2025, 10, 31)),
    ("开展班主任心理健康教育专题培训", "deputy", date(2025, 12, 20)),
    ("心理辅导室标准化建设验收", "member", date(2026, 4, 30)),
    ("举办“5·25”心理健康节系列活动", "homeroom", date(2026, 5, 31)),
]

THIS_YEAR_TASKS = [
    # title, owner, days from today, status
    ("完成新生心理健康普查并建立档案", "psych", -45, TaskStatus.DONE),
    ("修订《心理辅导室管理制度》", "secretary", -30, TaskStatus.DONE),
    ("组织全体教师心理健康素养培训（不少于8学时）", "deputy", 20, TaskStatus.IN_PROGRESS),
    ("每班每学期开展两次心理健康主题班会", "homeroom", 45, TaskStatus.IN_PROGRESS),
    ("建设心理健康教育校本课程（七年级）", "member", 120, TaskStatus.TODO),
    ("建立学校—家庭—社区心理服务联络机制", "principal", 150, TaskStatus.TODO),
    ("完成心理危机预警学生的季度复查", "counselor", -6, TaskStatus.IN_PROGRESS),
]

FIRST_TERM_TASKS = [
    ("心理健康月活动（11月）", "member", -2, TaskStatus.DONE),
    ("心理剧展演选拔", "homeroom", 12, TaskStatus.TODO),
    ("期末考试前压力管理工作坊", "psych", 35, TaskStatus.TODO),
]

RULES = [
    (
        "心理健康教育领导小组工作制度",
        "management",
        [
            (
                date(2024, 9, 1),
                "一、领导小组由校长任组长，分管德育、教务、学生事务、保卫、后勤的负责人为成员。\n"
                "二、领导小组每月召开一次例会，研究部署心理健康教育工作。\n"
                "三、设立办公室，负责日常事务、资料整理及信息传递。",
                "",
            ),
            (
                date(2026, 9, 1),
                "一、领导小组由校长任组长，分管德育、教务、学生事务、保卫、后勤的负责人为成员。\n"
                "二、必要时邀请专业心理咨询师、心理学专家、家长代表和学生代表列席会议。\n"
                "三、领导小组每月第二周周二召开例会，会议形成纪要，决定事项纳入工作台账。\n"
                "四、秘书组负责日常事务、资料整理和信息报送。",
                "增加列席制度，明确例会时间和纪要要求",
            ),
        ],
    ),
    (
        "心理辅导室管理制度",
        "management",
        [
            (
                date(2025, 3, 1),
                "一、心理辅导室周一至周五12:00—13:30、16:30—17:30开放。\n"
                "二、学生可通过班主任或直接到辅导室预约。\n"
                "三、辅导记录严格保密，按规定归档。",
                "",
            ),
            (
                date(2026, 10, 15),
                "一、心理辅导室周一至周五12:00—13:30、16:30—18:00开放，周三增设晚间预约。\n"
                "二、学生可通过班主任、线上平台或直接到辅导室预约。\n"
                "三、辅导记录严格保密，只有心理教师和心理咨询师可以查阅。\n"
                "四、发现危机情况按《学生心理问题发现与转介工作流程》处理。",
                "延长开放时间，增加线上预约",
            ),
        ],
    ),
    (
        "领导小组成员工作职责",
        "duties",
        [
            (
                date(2026, 9, 1),
                "组长：全面负责，主持会议，审批工作计划。\n副组长：协助组长，分管日常工作。\n"
                "成员：按部门分工落实工作台账中的任务。\n秘书：会议组织、资料整理、信息报送。",
                "",
            ),
        ],
    ),
    (
        "学生心理问题发现与转介工作流程",
        "procedure",
        [
            (
                date(2025, 9, 1),
                "一、班主任、任课教师发现学生异常，当日报告心理教师。\n"
                "二、心理教师在两个工作日内进行初步评估。\n"
                "三、需要转介的，经分管领导同意后联系家长并转介专业医疗机构。",
                "",
            ),
        ],
    ),
    (
        "心理健康档案保密规定",
        "other",
        [
            (
                date(2026, 9, 1),
                "一、学生心理健康档案只在本校平台内保存，不得导出到个人设备。\n"
                "二、查阅档案须有工作需要，每次查阅均有记录。\n"
                "三、档案保存期限按上级规定执行。",
                "",
            ),
        ],
    ),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), SHANGHAI)


def _add_tasks(plan, principal, people, rows, *, today):
    for title, owner, days, status in rows:
        due = min(max(today + timedelta(days=days), plan.starts_on), plan.ends_on)
        task = services.plan_key_task_add(plan, actor=principal, title=title, owner=people[owner], due_on=due)
        if status != TaskStatus.TODO:
            ledger.task_update(task, actor=people[owner], data={"status": status})


def _roster(people, principal, secretary):
    for username, role, department, duties, starts, ends in MEMBERS:
        if username in people:
            services.member_add(
                actor=secretary,
                person=people[username],
                role=role,
                department=department,
                duties=duties,
                starts_on=starts,
                ends_on=ends,
            )
    counselor = GroupMember.objects.filter(person__username="counselor").first()
    if counselor:
        # The counselor handed the security seat to the member from this school year on.
        services.member_end(counselor, actor=principal, ends_on=date(2026, 8, 31))
    deputy = GroupMember.objects.filter(person__username="deputy").first()
    if deputy:
        services.member_update(
            deputy, actor=principal, data={"duties": deputy.duties + "；牵头心理危机干预工作"}
        )
    for kind, name, username, affiliation, starts, ends, note in ATTENDEES:
        person = people.get(username) if username else None
        if username and person is None:
            continue
        services.attendee_add(
            actor=secretary,
            kind=kind,
            name=name or person.display_name,
            person=person,
            affiliation=affiliation,
            starts_on=starts,
            ends_on=ends,
            note=note,
        )


def _plans(people, principal, secretary, *, today):
    last = services.plan_create(
        actor=secretary,
        title="2025-2026学年心理健康教育工作计划",
        school_year="2025-2026",
        starts_on=date(2025, 9, 1),
        ends_on=date(2026, 7, 10),
        goals="1. 完成心理辅导室标准化建设；\n2. 全体班主任接受心理健康教育培训；\n3. 建立学生心理健康档案。",
    )
    for title, owner, due in LAST_YEAR_TASKS:
        task = services.plan_key_task_add(last, actor=principal, title=title, owner=people[owner], due_on=due)
        ledger.task_update(task, actor=people[owner], data={"status": TaskStatus.DONE})
    services.plan_approve(last, actor=principal)
    services.plan_start(last, actor=secretary)
    services.plan_close(
        last,
        actor=secretary,
        summary=(
            "本学年完成心理辅导室标准化建设并通过区级验收；全体班主任参加专题培训，合格率100%；"
            "建立全校学生心理健康档案。不足：家校协同机制尚不健全，列入下学年重点。"
        ),
    )

    year = services.plan_create(
        actor=secretary,
        title="2026-2027学年心理健康教育工作计划",
        school_year=SCHOOL_YEAR,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 7, 10),
        goals="1. 全体教师心理健康素养培训全覆盖；\n2. 开设七年级心理健康校本课程；\n"
        "3. 建立学校—家庭—社区三位一体心理服务网络；\n4. 心理危机预警学生100%跟踪复查。",
    )
    _add_tasks(year, principal, people, THIS_YEAR_TASKS, today=today)
    services.plan_approve(year, actor=principal)
    services.plan_start(year, actor=secretary)

    first = services.plan_create(
        actor=secretary,
        title="2026-2027学年第一学期阶段工作计划",
        kind="phase",
        school_year=SCHOOL_YEAR,
        term="first",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 20),
        goals="完成新生普查；办好十一月心理健康月；期末前开展压力管理辅导。",
    )
    _add_tasks(first, principal, people, FIRST_TERM_TASKS, today=today)
    services.plan_approve(first, actor=principal)
    services.plan_start(first, actor=secretary)

    services.plan_create(
        actor=secretary,
        title="2026-2027学年第二学期阶段工作计划（草案）",
        kind="phase",
        school_year=SCHOOL_YEAR,
        term="second",
        starts_on=date(2027, 2, 17),
        ends_on=date(2027, 7, 10),
        goals="筹备“5·25”心理健康节；开展初三学生考前心理辅导；总结学年工作。",
    )


def _rules(principal, secretary):
    for title, category, versions in RULES:
        (first_day, first_text, _note), *later = versions
        document = services.rule_document_create(
            actor=secretary, title=title, category=category, effective_on=first_day, text=first_text
        )
        for day, text, note in later:
            services.rule_version_add(
                document, actor=principal, effective_on=day, text=text, change_note=note
            )


def _reports(principal, secretary, *, today):
    services.report_schedule_generate(
        actor=secretary, school_year=SCHOOL_YEAR, **services.default_terms(SCHOOL_YEAR)
    )
    now = timezone.now()
    for report in InfoReport.objects.filter(school_year=SCHOOL_YEAR).order_by("due_on", "kind"):
        if report.period_end >= today:
            continue
        content = (
            f"{report.title}：本期开展心理健康主题班会{12 + report.period_start.month}场，"
            f"个别辅导{20 + report.period_start.month * 2}人次，心理健康讲座2场；未发生心理危机事件。"
        )
        if report.due_on < today:
            # Reports go in two days early, except October's, which went in two days late.
            late = report.kind == "monthly" and report.period_start.month == 10
            day = report.due_on + timedelta(days=2 if late else -2)
            services.report_submit(report, actor=secretary, content=content, at=min(_at(day), now))
        else:
            services.report_update(report, actor=secretary, data={"content": content})


def seed_demo(*, today) -> None:
    if (
        GroupMember.objects.exists()
        or GroupAttendee.objects.exists()
        or Plan.objects.exists()
        or RuleDocument.objects.exists()
        or InfoReport.objects.exists()
    ):
        return
    people = {u.username: u for u in User.objects.filter(is_active=True)}
    principal, secretary = people.get("principal"), people.get("secretary")
    if principal is None or secretary is None:
        return
    _roster(people, principal, secretary)
    _plans(people, principal, secretary, today=today)
    _rules(principal, secretary)
    _reports(principal, secretary, today=today)
