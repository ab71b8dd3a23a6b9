"""The exchange demo seeds through the services (the check included) and can run twice."""

import pytest

from exchange.models import Event, Post, ReviewStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_schools(db, district_people):
    from district.models import School
    from district.services import school_create
    from shared.accounts.roles import SchoolRole
    from shared.accounts.services import account_create

    people = [
        ("psych", "陈静怡", [SchoolRole.PSYCHOLOGY_TEACHER]),
        ("counselor", "杨思远", [SchoolRole.COUNSELOR]),
        ("principal", "王建国", [SchoolRole.PRINCIPAL]),
        ("deputy", "李秀梅", [SchoolRole.DEPUTY]),
    ]
    from django_tenants.utils import schema_context

    from shared.accounts.models import User

    for i, code in enumerate(("demo1", "demo2", "demo3")):
        school = School.objects.filter(code=code).first() or school_create(
            code=code, name=f"交流演示{i}", school_type="junior", number=f"EXD{i}", student_count=0,
            admin_name="测试管理员", admin_email=f"admin@{code}.example.cn",
        ).school  # fmt: skip
        with schema_context(school.schema_name):
            for username, name, roles in people:
                if not User.objects.filter(username=username).exists():
                    account_create(
                        username=username, full_name=name, roles=list(roles), password="x-Demo-1234"
                    )


def test_seed_demo_twice(demo_schools):
    from exchange.demo import CASE_STUDY, SEMINAR_TITLE, seed_demo

    seed_demo()
    seed_demo()
    assert Post.objects.filter(title__contains="情绪小怪兽").count() == 1
    assert Post.objects.get(title="考试周前的减压活动，大家一般怎么安排？").replies.count() == 2
    assert Post.objects.get(title=CASE_STUDY[2]).status == ReviewStatus.PUBLISHED
    assert Event.objects.get(title=SEMINAR_TITLE).signups.count() == 3
