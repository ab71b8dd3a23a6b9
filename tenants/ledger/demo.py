"""Demo ledger and meetings for a school year: monthly group meetings with minutes, decisions and
action items that became tasks, and tasks in every state (some overdue, as in real life)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.accounts.models import User
from tenants.ledger import services
from tenants.ledger.models import Meeting, TaskStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")

MEETINGS = [
    (
        "2026-09-08",
        "新学年心理健康教育领导小组第一次会议",
        "一、学习上级文件精神\n二、审议本学年心理健康教育工作计划\n三、明确各部门分工",
        "会议学习了教育部关于加强学生心理健康工作的文件，审议并原则通过本学年工作计划，明确德育处牵头、各部门协同的工作机制。",
        ["通过《2026-2027学年心理健康教育工作计划》", "每月第二周周二召开领导小组例会"],
        [
            ("修订心理咨询室值班与预约制度", "secretary", 14, TaskStatus.DONE),
            ("完成新生心理健康普查的组织方案", "psych", 21, TaskStatus.DONE),
        ],
    ),
    (
        "2026-10-13",
        "十月例会：心理健康月活动部署",
        "一、心理健康月活动方案\n二、班主任心理健康培训安排\n三、家长学校讲座计划",
        "会议讨论了心理健康月活动方案，确定以“阳光心态、快乐成长”为主题，安排主题班会、心理剧展演和家长讲座。",
        ["十一月为心理健康教育月", "每班至少开展一次心理健康主题班会"],
        [
            ("制定心理健康月活动方案", "member", 10, TaskStatus.DONE),
            ("组织班主任心理健康专题培训", "deputy", 30, TaskStatus.IN_PROGRESS),
            ("联系家长学校讲座专家", "homeroom", -5, TaskStatus.TODO),
        ],
    ),
    (
        "2026-11-10",
        "十一月例会：期中情况通报",
        "一、心理健康月进展\n二、心理辅导室使用情况\n三、期末前重点工作",
        "会议通报了心理健康月各项活动进展，指出部分班级主题班会记录不完整，要求限期补齐。",
        ["各班在11月底前补齐主题班会记录"],
        [
            ("汇总各班主题班会记录", "secretary", 12, TaskStatus.IN_PROGRESS),
            ("心理辅导室新增沙盘设备验收", "member", -2, TaskStatus.TODO),
        ],
    ),
]

OTHER_TASKS = [
    ("更新学校心理危机干预联络表", "principal", -10, TaskStatus.DONE, "security"),
    ("整理上学期心理健康教育工作档案", "secretary", -3, TaskStatus.IN_PROGRESS, "academic"),
    ("完成心理教师继续教育学时登记", "psych", 2, TaskStatus.TODO, "academic"),
    ("校园广播心理健康专栏第三期稿件", "member", 1, TaskStatus.IN_PROGRESS, "moral"),
    ("后勤采购心理健康宣传展板", "deputy", 25, TaskStatus.TODO, "logistics"),
]


def seed_demo(*, today) -> None:
    if Meeting.objects.exists():
        return
    people = {u.username: u for u in User.objects.all()}
    principal = people["principal"]
    members = [people[n] for n in ("deputy", "secretary", "member", "psych", "counselor") if n in people]
    for day, title, agenda, minutes, decisions, items in MEETINGS:
        start = datetime.combine(datetime.fromisoformat(day).date(), time(15, 30), SHANGHAI)
        meeting = services.meeting_create(
            actor=principal,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=1, minutes=30),
            agenda=agenda,
            chair=principal,
            location="行政楼三楼会议室",
            invitees=members + [people["guest"]],
        )
        if start.date() <= today:
            services.meeting_record(
                meeting,
                actor=people["secretary"],
                minutes=minutes,
                attended_ids=[u.pk for u in members],
                decisions=decisions,
            )
        for text, owner, days, status in items:
            item = services.action_item_add(
                actor=principal,
                meeting=meeting,
                text=text,
                owner=people[owner],
                due_on=start.date() + timedelta(days=days + 14),
            )
            task = services.action_item_to_task(item, actor=people["secretary"])
            _progress(task, status, people)
    upcoming = datetime.combine(today + timedelta(days=9), time(15, 30), SHANGHAI)
    services.meeting_create(
        actor=principal,
        title="十二月例会：学期工作总结",
        starts_at=upcoming,
        ends_at=upcoming + timedelta(hours=1),
        agenda="一、本学期工作总结\n二、寒假学生心理安全提示\n三、下学期工作设想",
        chair=principal,
        location="行政楼三楼会议室",
        invitees=members,
    )
    for title, owner, days, status, department in OTHER_TASKS:
        task = services.task_create(
            actor=principal,
            title=title,
            owner=people[owner],
            due_on=today + timedelta(days=days),
            department=department,
        )
        _progress(task, status, people)


def _progress(task, status, people):
    if status == TaskStatus.TODO:
        return
    services.progress_note_add(actor=task.owner, task=task, text="已启动，正在按计划推进。")
    if status == TaskStatus.DONE:
        services.progress_note_add(actor=task.owner, task=task, text="已完成，相关材料已归档。")
        services.task_update(task, actor=task.owner, data={"status": TaskStatus.DONE})
