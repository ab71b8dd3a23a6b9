from datetime import timedelta

from django.utils import timezone

from shared.accounts.models import User
from tenants.ledger import services
from tests.conftest import role_user
from tests.support.matrix import Endpoint

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def make_task():
    return services.task_create(
        actor=role_user("principal"),
        title="完善心理咨询室值班制度",
        owner=role_user("secretary"),
        due_on=timezone.localdate() + timedelta(days=7),
        department="moral",
    )


def task_payload():
    return {
        "title": "组织心理健康月活动",
        "owner": str(role_user("member").public_id),
        "due_on": str(timezone.localdate() + timedelta(days=14)),
        "priority": "high",
    }


def make_meeting(invite_guest=True):
    start = timezone.now() + timedelta(days=3)
    invitees = [role_user("member")] + ([role_user("invited_attendee")] if invite_guest else [])
    return services.meeting_create(
        actor=role_user("principal"),
        title="心理健康教育领导小组例会",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        agenda="一、上月工作回顾\n二、本月重点任务",
        chair=role_user("principal"),
        invitees=invitees,
    )


def meeting_payload():
    start = timezone.now() + timedelta(days=10)
    return {
        "title": "专题会议：学生心理危机预防",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "agenda": "讨论危机预防流程",
        "chair": str(role_user("principal").public_id),
        "invitees": [str(role_user("deputy").public_id)],
    }


def make_account():
    from shared.accounts.services import account_create

    count = User.objects.count()
    return account_create(username=f"teacher{count}", full_name="新老师", roles=["member"])


def account_payload():
    return {
        "username": f"newbie{User.objects.count()}",
        "full_name": "新同事",
        "email": "newbie@example.cn",
        "roles": ["homeroom_teacher"],
    }


ENDPOINTS = [
    Endpoint(
        name="tasks",
        url="/api/v1/tasks/",
        make=make_task,
        payload=task_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda task: {"priority": "urgent"},
    ),
    Endpoint(
        name="meetings",
        url="/api/v1/meetings/",
        make=make_meeting,
        payload=meeting_payload,
        # Invited attendees read the meetings they are invited to; make() invites r_invited_attendee.
        read=STAFF | {"invited_attendee"},
        create=MANAGERS,
        patch=lambda m: {"location": "行政楼302会议室"},
    ),
    Endpoint(
        name="accounts",
        url="/api/v1/accounts/",
        make=make_account,
        payload=account_payload,
        read={"school_admin"},
        create={"school_admin"},
        patch=lambda u: {"full_name": "改名后的老师"},
        extra={"delete_keeps": True},  # DELETE deactivates the account
    ),
    Endpoint(
        name="people",
        url="/api/v1/people/",
        make=lambda: role_user("counselor"),
        payload=lambda: {"name": "x"},
        read=STAFF,
        create=set(),
        deletable=False,
    ),
]
