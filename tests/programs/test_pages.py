"""Programs pages: tables with data and empty states, XLSX export, forms, who may see what."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.programs import selectors, services, views
from tenants.programs.models import Activity, ParentEvent, PublicityCampaign
from tests.conftest import ALPHA, signed_in
from tests.conftest import role_user as _role_user

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"

LIST_PAGES = {
    "/programs/curriculum/": views.UnitTable,
    "/programs/sessions/": views.SessionTable,
    "/programs/activities/": views.ActivityTable,
    "/programs/integration/": views.LessonTable,
    "/programs/publicity/": views.CampaignTable,
    "/programs/parents/": views.ParentEventTable,
}
NEW_PAGES = [
    "/programs/curriculum/new/",
    "/programs/sessions/new/",
    "/programs/activities/new/",
    "/programs/integration/new/",
    "/programs/publicity/new/",
    "/programs/parents/new/",
]


def zh(text) -> str:
    """What the page shows for a translatable string (pages are zh-hans by default)."""
    with translation.override("zh-hans"):
        return translation.gettext(str(text))


def shown(text) -> str:
    """The same, as it appears in HTML."""
    return escape(zh(text))


def role_user(role):
    return _role_user(role)


def _seed():
    today = timezone.localdate()
    with schema_context(SCHEMA):
        principal = role_user("principal")
        unit = services.curriculum_unit_create(
            actor=principal,
            school_year="2026-2027",
            grade=7,
            title="情绪的小秘密",
            objectives="认识基本情绪",
            planned_sessions=3,
        )
        services.class_session_create(
            actor=principal,
            unit=unit,
            class_name="七年级5班",
            held_on=today,
            teacher=role_user("psychology_teacher"),
            topic="情绪温度计",
        )
        activity = services.activity_create(
            actor=principal,
            kind="stress_workshop",
            title="中考减压工作坊",
            held_on=today,
            audience_grades=[9],
            participant_count=86,
        )
        services.integration_lesson_create(
            actor=principal,
            subject="music",
            teacher=role_user("member"),
            class_name="八年级3班",
            held_on=today,
            topic="音乐与情绪放松",
        )
        services.publicity_campaign_create(
            actor=principal,
            channel="online",
            title="公众号：睡眠与心理健康",
            starts_on=today,
            ends_on=today + timedelta(days=7),
            reach=2300,
        )
        services.parent_event_create(
            actor=principal,
            kind="training",
            title="家长如何识别孩子的情绪信号",
            held_on=today,
            speaker="张老师",
            invited_count=120,
            attendance_count=96,
        )
    return activity


def test_every_page_shows_its_records_to_the_principal():
    _seed()
    client = signed_in(ALPHA, "r_principal")
    expected = {
        "/programs/curriculum/": "情绪的小秘密",
        "/programs/sessions/": "情绪温度计",
        "/programs/activities/": "中考减压工作坊",
        "/programs/integration/": "音乐与情绪放松",
        "/programs/publicity/": "公众号：睡眠与心理健康",
        "/programs/parents/": "家长如何识别孩子的情绪信号",
    }
    for url, text in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert text in body, url
    parents = client.get("/programs/parents/").content.decode()
    assert "80%" in parents  # 96 of 120 came
    assert timezone.localdate().isoformat() in parents

    index = client.get("/programs/")
    assert index.status_code == 200
    body = index.content.decode()
    assert "中考减压工作坊" in body  # this month's activities
    assert 'id="stat-participants">86<' in body


def test_empty_pages_say_what_to_do():
    client = signed_in(ALPHA, "r_principal")
    for url, page in LIST_PAGES.items():
        body = client.get(url).content.decode()
        assert shown(page.empty_text) in body, url
    assert shown(
        "No activities recorded this month. Record lectures, class meetings and workshops as they happen."
    ) in (client.get("/programs/").content.decode())


def test_activities_export_to_a_real_workbook():
    _seed()
    response = signed_in(ALPHA, "r_member").get("/programs/activities/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == zh("Title")
    assert rows[1][1:3] == (zh("Stress-management workshop (压力管理工作坊)"), "中考减压工作坊")
    assert rows[1][5] == 86
    assert rows[1][0].date() == timezone.localdate()  # a real date cell, not text


def test_curriculum_export_has_planned_and_delivered_numbers():
    _seed()
    sheet = load_workbook(
        BytesIO(signed_in(ALPHA, "r_principal").get("/programs/curriculum/?export=xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "情绪的小秘密"
    assert rows[1][4:7] == (3, 1, 1)


def test_a_bad_publicity_form_answers_400_with_the_field_error_and_saves_nothing():
    client = signed_in(ALPHA, "r_secretary")
    response = client.post(
        "/programs/publicity/new/",
        {
            "channel": "radio",
            "title": "广播：认识焦虑",
            "starts_on": "2026-11-10",
            "ends_on": "2026-11-01",
            "audience": "全校",
            "reach": "500",
            "description": "",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert shown("The end date must not be before the start date.") in body
    assert 'id="id_ends_on-error"' in body
    with schema_context(SCHEMA):
        assert not PublicityCampaign.objects.exists()


def test_a_bad_parent_event_form_answers_400_and_saves_nothing():
    client = signed_in(ALPHA, "r_principal")
    response = client.post(
        "/programs/parents/new/",
        {
            "kind": "lecture",
            "title": "家庭讲座",
            "held_on": "2026-11-02",
            "speaker": "李老师",
            "invited_count": "30",
            "attendance_count": "31",
            "notes": "",
        },
    )
    assert response.status_code == 400
    assert shown("More people attended than were invited.") in response.content.decode()
    with schema_context(SCHEMA):
        assert not ParentEvent.objects.exists()


def test_a_good_form_saves_through_the_service_and_goes_back_to_the_list():
    client = signed_in(ALPHA, "r_principal")
    response = client.post(
        "/programs/publicity/new/",
        {
            "channel": "board",
            "title": "宣传栏：阳光心态",
            "starts_on": "2026-11-10",
            "ends_on": "2026-11-30",
            "audience": "全校",
            "reach": "900",
            "description": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/programs/publicity/"
    with schema_context(SCHEMA):
        campaign = PublicityCampaign.objects.get()
        assert (campaign.reach, campaign.created_by) == (900, role_user("principal"))
    edit = client.get(f"/programs/publicity/{campaign.public_id}/edit/")
    assert edit.status_code == 200 and "宣传栏：阳光心态" in edit.content.decode()


def test_readers_cannot_open_create_pages():
    client = signed_in(ALPHA, "r_member")
    for url in NEW_PAGES:
        assert client.get(url).status_code == 403, url
    with schema_context(SCHEMA):
        before = Activity.objects.count()
    assert (
        client.post(
            "/programs/activities/new/",
            {
                "kind": "lecture",
                "title": "x",
                "held_on": "2026-11-01",
                "organiser": "1",
                "participant_count": "1",
            },
        ).status_code
        == 403
    )
    with schema_context(SCHEMA):
        assert Activity.objects.count() == before


def test_homeroom_teacher_records_a_class_meeting_on_the_page(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = signed_in(ALPHA, "r_homeroom_teacher")
    assert client.get("/programs/curriculum/new/").status_code == 403
    form = client.get("/programs/activities/new/")
    assert form.status_code == 200
    assert 'name="organiser"' not in form.content.decode()  # they organise it themselves

    refused = client.post(
        "/programs/activities/new/",
        {"kind": "lecture", "title": "讲座", "held_on": "2026-11-20", "participant_count": "40"},
    )
    assert refused.status_code == 400  # only themed class meetings

    response = client.post(
        "/programs/activities/new/",
        {
            "kind": "class_meeting",
            "title": "主题班会：友谊的小船",
            "held_on": "2026-11-20",
            "audience_grades": ["7"],
            "audience_classes": "七年级3班、七年级4班",
            "participant_count": "88",
            "description": "两个班联合班会",
            "attachment": SimpleUploadedFile("班会照片.jpg", b"\xff\xd8\xff"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with schema_context(SCHEMA):
        meeting = Activity.objects.get(title="主题班会：友谊的小船")
        assert meeting.organiser == role_user("homeroom_teacher")
        assert (meeting.audience_grades, meeting.audience_classes) == ([7], ["七年级3班", "七年级4班"])
        others = services.activity_create(
            actor=role_user("principal"), kind="class_meeting", title="别班班会", held_on=date(2026, 11, 21)
        )
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "班会照片.jpg" in body and f"/programs/activities/{meeting.public_id}/edit/" in body
    with schema_context(SCHEMA):
        photo = selectors.attachments_of(meeting).get()
    assert f'href="/files/{photo.public_id}/"' in body  # the one download view
    download = client.get(f"/files/{photo.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"\xff\xd8\xff"

    assert client.get(f"/programs/activities/{others.public_id}/edit/").status_code == 403
    assert client.get(f"/programs/activities/{meeting.public_id}/edit/").status_code == 200


@pytest.mark.parametrize("role", ["invited_attendee", "school_admin"])
def test_people_outside_the_staff_get_404(role):
    activity = _seed()
    client = signed_in(ALPHA, f"r_{role}")
    for url in [
        "/programs/",
        *LIST_PAGES,
        *NEW_PAGES,
        f"/programs/activities/{activity.public_id}/",
        f"/programs/activities/{activity.public_id}/edit/",
    ]:
        assert client.get(url).status_code == 404, url


def test_home_page_shows_this_months_activities_and_the_budget():
    from decimal import Decimal

    from tenants.finance import services as finance

    today = timezone.localdate()
    with schema_context(SCHEMA):
        services.activity_create(
            actor=role_user("homeroom_teacher"),
            kind="class_meeting",
            title="主题班会：向阳而生",
            held_on=today,
        )
        year = f"{today.year if today.month >= 9 else today.year - 1}-{(today.year if today.month >= 9 else today.year - 1) + 1}"
        line = finance.budget_line_create(
            actor=role_user("principal"),
            school_year=year,
            category="activities",
            title="活动经费",
            amount=Decimal("4000.00"),
        )
        finance.spending_create(
            actor=role_user("principal"),
            line=line,
            spent_on=today,
            amount=Decimal("1000.00"),
            payee="x",
            purpose="x",
        )
    body = signed_in(ALPHA, "r_member").get("/").content.decode()
    assert "主题班会：向阳而生" in body
    assert '"percent": "25.0"' in body
