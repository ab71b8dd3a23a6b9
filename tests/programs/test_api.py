"""Programs API beyond the role matrix: the homeroom-teacher rule, filters, attachments."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tenants.programs import selectors, services
from tenants.programs.models import Activity
from tests.conftest import ALPHA, api_client, role_user, signed_in
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
    # The declared filters: "me" and a person's id for the organiser, a school year, a month.
    assert client.get("/api/v1/activities/?organiser=me").json()["count"] == 0
    principal = api_client(ALPHA, "r_principal")
    assert principal.get("/api/v1/activities/?organiser=me").json()["count"] == 3
    with schema_context("school_alpha"):
        principal_id = role_user("principal").public_id
    assert client.get(f"/api/v1/activities/?organiser={principal_id}").json()["count"] == 3
    bad = client.get("/api/v1/activities/?organiser=nobody")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["organiser"]
    assert client.get("/api/v1/activities/?school_year=2026-2027&month=2026-11").json()["count"] == 3
    assert client.get("/api/v1/activities/?month=2026-10").json()["count"] == 0


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
    # The one download view (workspace:file) serves it.
    download = listed.json()[0]["url"]
    assert download == f"/files/{listed.json()[0]['id']}/"
    fetched = signed_in(ALPHA, "r_member").get(download)
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content) == b"\x89PNG"
    assert api_client(ALPHA, "r_invited_attendee").get(url).status_code == 404


def test_activity_attachments_download_only_for_people_who_may_see_the_activity(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context("school_alpha"):
        activity = services.activity_create(
            actor=role_user("principal"),
            kind="lecture",
            title="考前减压讲座",
            held_on=date(2026, 12, 2),
            files=[SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 sign-in")],
        )
        attachment = selectors.attachments_of(activity).get()
    url = f"/files/{attachment.public_id}/"
    for role in ("member", "homeroom_teacher", "counselor"):
        response = signed_in(ALPHA, f"r_{role}").get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == b"%PDF-1.4 sign-in"
    # Who may not see the activity does not learn the file exists: the same 404 as a missing one.
    for role in ("invited_attendee", "school_admin"):
        assert signed_in(ALPHA, f"r_{role}").get(url).status_code == 404, role
    assert signed_in("beta", "r_principal").get(url).status_code == 404
    # The old per-area download URL is gone.
    old = f"/programs/activities/{activity.public_id}/attachments/{attachment.public_id}/"
    assert signed_in(ALPHA, "r_principal").get(old).status_code == 404
    # A file gone from storage answers 404, not a server error.
    with schema_context("school_alpha"):
        attachment.file.storage.delete(attachment.file.name)
    assert signed_in(ALPHA, "r_principal").get(url).status_code == 404


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
