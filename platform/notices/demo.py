"""Demo notices for `make start` (called from district.demo after the schools exist). Idempotent:
a notice is sent once, by title. Invented content."""

from datetime import timedelta

from django.utils import timezone

from notices.models import Notice

DEMO_NOTICES = [
    dict(
        kind="requirement",
        title="关于开展本学期心理健康教育月活动的通知",
        body="请各校围绕“关爱心灵 阳光成长”主题，组织班会、讲座和家长课堂，并于截止日期前报送活动总结。",
        days=30,
        asks_action=True,
        audience="all",
    ),
    dict(
        kind="policy",
        title="学生心理健康工作专项行动方案（示范区）",
        body="现将区级专项行动方案印发给你们，请结合本校实际认真贯彻落实。",
        days=None,
        asks_action=False,
        audience="all",
    ),
    dict(
        kind="notice",
        title="关于组织中学心理教师参加团体辅导培训的通知",
        body="培训安排在下月第二周，请各中学安排一名心理教师参加。",
        days=14,
        asks_action=False,
        audience="types",
        school_types=["junior", "senior"],
    ),
]


def seed_demo() -> int:
    from notices.services import notice_send

    sent = 0
    today = timezone.localdate()
    for item in DEMO_NOTICES:
        if Notice.objects.filter(title=item["title"]).exists():
            continue
        days = item["days"]
        notice_send(
            actor="district",
            kind=item["kind"],
            title=item["title"],
            body=item["body"],
            deadline=today + timedelta(days=days) if days else None,
            asks_action=item["asks_action"],
            audience=item["audience"],
            school_types=item.get("school_types", ()),
        )
        sent += 1
    return sent
