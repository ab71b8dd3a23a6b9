"""Programs API beyond the role matrix: the homeroom-teacher rule, filters, attachments."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tenants.programs import services
from tenants.programs.models import Activity
from tests.conftest import ALPHA, api_client, role_user
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_homeroom_teacher_records_and_edits_own_class_meeting_through_the_api():
    client = api_client(ALPHA, "r_homeroom_teacher")
    body = {
        "kind": "class_meeting",
        "title": "主题班会：我的情绪小怪兽",
        "held_on": "2026-10-14",
        "audience_grades": [7],
        "audience_classes": ["七年级3班"],
        "participant_count": 44,
    }
    created = client.post("/api/v1/activities/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert_matches_schema(created)
    data = created.json()
    assert data["can_change"] is True
    with schema_context("school_alpha"):
        teacher = role_user("homeroom_teacher")
        assert Activity.objects.get(public_id=data["id"]).organiser == teacher
    assert data["organiser"] == {"id": str(teacher.public_id), "name": teacher.display_name}

    patched = client.patch(
        f"/api/v1/activities/{data['id']}/", {"participant_count": 45}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["participant_count"] == 45

    lecture = client.post("/api/v1/activities/", {**body, "kind": "lecture"}, content_type="application/json")
    assert lecture.status_code == 400
    assert_matches_schema(lecture)
    assert list(lecture.json()["error"]["fields"]) == ["kind"]

    with schema_context("school_alpha"):
        other = services.activity_create(
            actor=role_user("principal"),
            kind="class_meeting",
            title="别人的班会",
            held_on=date(2026, 10, 15),
            organiser=role_user("secretary"),
        )
    assert (
        client.patch(
            f"/api/v1/activities/{other.public_id}/", {"title": "改"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_activity_list_filters_by_kind_and_dates():
    with schema_context("school_alpha"):
        for kind, day in (("lecture", 3), ("class_meeting", 10), ("lecture", 28)):
            services.activity_create(
                actor=role_user("principal"),
                kind=kind,
                title=f"{kind}{day}",
                held_on=date(2026, 11, day),
                audience_grades=[8],
            )
    client = api_client(ALPHA, "r_counselor")
    listed = client.get("/api/v1/activities/?kind=lecture&from=2026-11-01&to=2026-11-20")
    assert [a["title"] for a in listed.json()["results"]] == ["lecture3"]
    assert client.get("/api/v1/activities/?grade=8").json()["count"] == 3
    assert client.get("/api/v1/activities/?grade=9").json()["count"] == 0
    assert client.get("/api/v1/activities/?from=soon").status_code == 400


def test_activity_attachment_upload_and_list(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context("school_alpha"):
        activity = services.activity_create(
            actor=role_user("principal"),
            kind="psychodrama",
            title="心理剧展演",
            held_on=date(2026, 12, 1),
            participant_count=300,
        )
    url = f"/api/v1/activities/{activity.public_id}/attachments/"
    assert (
        api_client(ALPHA, "r_homeroom_teacher")
        .post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
        .status_code
        == 403
    )
    added = api_client(ALPHA, "r_principal").post(url, {"file": SimpleUploadedFile("剧照.png", b"\x89PNG")})
    assert added.status_code == 201, added.content
    assert_matches_schema(added)
    listed = api_client(ALPHA, "r_member").get(url)
    assert [a["name"] for a in listed.json()] == ["剧照.png"]
    assert (
        listed.json()[0]["url"]
        == f"/programs/activities/{activity.public_id}/attachments/{listed.json()[0]['id']}/"
    )
    assert api_client(ALPHA, "r_invited_attendee").get(url).status_code == 404


def test_curriculum_units_report_delivered_sessions():
    with schema_context("school_alpha"):
        unit = services.curriculum_unit_create(
            actor=role_user("principal"),
            school_year="2026-2027",
            grade=9,
            title="考试焦虑应对",
            objectives="掌握放松技巧",
            planned_sessions=2,
        )
        services.class_session_create(
            actor=role_user("principal"),
            unit=unit,
            class_name="九年级2班",
            held_on=date(2026, 11, 5),
            teacher=role_user("psychology_teacher"),
            topic="深呼吸与肌肉放松",
        )
    data = api_client(ALPHA, "r_deputy").get("/api/v1/curriculum-units/?grade=9").json()
    assert [(u["title"], u["planned_sessions"], u["delivered_sessions"]) for u in data["results"]] == [
        ("考试焦虑应对", 2, 1)
    ]
