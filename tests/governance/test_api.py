"""Governance API beyond the role matrix: plan transitions, key tasks, rule versions, report
submission, roster history and the `?on=` queries. Every response is checked against the OpenAPI
document."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenants.governance import services
from tests.conftest import ALPHA, BETA, api_client, in_alpha, role_user
from tests.governance.endpoints import make_member, make_plan, make_report, make_rule
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    response = client.post(url, body or {}, content_type="application/json")
    assert_matches_schema(response)
    return response


def test_plan_flow_through_the_api():
    plan = in_alpha(make_plan)
    base = f"/api/v1/plans/{plan.public_id}/"
    secretary, principal = api_client(ALPHA, "r_secretary"), api_client(ALPHA, "r_principal")

    refused = _post(secretary, base + "approve/")
    assert refused.status_code == 403
    out_of_order = _post(principal, base + "start/")
    assert out_of_order.status_code == 400 and "status" in out_of_order.json()["error"]["fields"]

    approved = _post(principal, base + "approve/")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved" and body["approved_by"]["id"] == str(
        in_alpha(role_user, "principal").public_id
    )
    assert body["approved_at"]

    again = _post(principal, base + "approve/")
    assert again.status_code == 400 and "status" in again.json()["error"]["fields"]

    assert _post(secretary, base + "start/").json()["status"] == "in_progress"
    no_summary = _post(secretary, base + "close/", {"summary": ""})
    assert no_summary.status_code == 400 and "summary" in no_summary.json()["error"]["fields"]
    closed = _post(secretary, base + "close/", {"summary": "完成年度目标。"})
    assert (
        closed.status_code == 200
        and closed.json()["status"] == "closed"
        and closed.json()["summary"] == "完成年度目标。"
    )

    # Readers may not move a plan; people outside the area do not see it.
    assert _post(api_client(ALPHA, "r_deputy"), base + "start/").status_code == 403
    assert _post(api_client(ALPHA, "r_invited_attendee"), base + "approve/").status_code == 404
    # Another school's principal finds nothing.
    assert _post(api_client(BETA, "r_principal"), base + "approve/").status_code == 404


def test_key_tasks_through_the_api():
    today = timezone.localdate()

    def plan_around_today():
        return services.plan_create(
            actor=role_user("principal"),
            title="本学年工作计划",
            school_year="2026-2027",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=30),
            goals="目标",
        )

    plan = in_alpha(plan_around_today)
    url = f"/api/v1/plans/{plan.public_id}/tasks/"
    owner = in_alpha(role_user, "psychology_teacher")
    body = {
        "title": "完成新生心理普查",
        "owner": str(owner.public_id),
        "due_on": str(today + timedelta(days=10)),
        "priority": "high",
    }

    created = _post(api_client(ALPHA, "r_secretary"), url, body)
    assert created.status_code == 201, created.content
    assert created.json()["owner"]["id"] == str(owner.public_id)
    missing_owner = _post(api_client(ALPHA, "r_secretary"), url, {**body, "owner": None})
    assert missing_owner.status_code == 400 and "owner" in missing_owner.json()["error"]["fields"]
    outside = _post(
        api_client(ALPHA, "r_secretary"), url, {**body, "due_on": str(today + timedelta(days=31))}
    )
    assert outside.status_code == 400 and "due_on" in outside.json()["error"]["fields"]
    assert _post(api_client(ALPHA, "r_member"), url, body).status_code == 403

    listed = api_client(ALPHA, "r_homeroom_teacher").get(url)
    assert_matches_schema(listed)
    assert [t["title"] for t in listed.json()["results"]] == ["完成新生心理普查"]
    detail = api_client(ALPHA, "r_member").get(f"/api/v1/plans/{plan.public_id}/")
    assert detail.json()["progress"] == {"total": 1, "done": 0, "overdue": 0, "percent": 0}
    # The key task is a ledger task of this plan.
    tasks = api_client(ALPHA, "r_principal").get(f"/api/v1/tasks/?plan={plan.public_id}")
    assert [t["title"] for t in tasks.json()["results"]] == ["完成新生心理普查"]

    assert api_client(ALPHA, "r_invited_attendee").get(url).status_code == 404
    assert api_client(BETA, "r_principal").get(url).status_code == 404


def test_group_on_a_date_and_history():
    current = in_alpha(make_member)  # deputy from 2026-09-01

    def former():
        return services.member_add(
            actor=role_user("principal"),
            person=role_user("counselor"),
            role="member",
            starts_on=date(2025, 9, 1),
            ends_on=date(2026, 8, 31),
        )

    old = in_alpha(former)
    client = api_client(ALPHA, "r_member")
    on_old = client.get("/api/v1/group-members/?on=2026-03-01")
    assert_matches_schema(on_old)
    assert {m["id"] for m in on_old.json()["results"]} == {str(old.public_id)}
    on_new = client.get("/api/v1/group-members/?on=2026-10-01")
    assert {m["id"] for m in on_new.json()["results"]} == {str(current.public_id)}
    everyone = client.get("/api/v1/group-members/")
    assert {m["id"] for m in everyone.json()["results"]} == {str(old.public_id), str(current.public_id)}
    bad = client.get("/api/v1/group-members/?on=2026-13-01")
    assert_matches_schema(bad)
    assert bad.status_code == 400 and "on" in bad.json()["error"]["fields"]

    manager = api_client(ALPHA, "r_secretary")
    changed = manager.patch(
        f"/api/v1/group-members/{current.public_id}/",
        {"ends_on": "2027-08-31"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["ends_on"] == "2027-08-31"
    backwards = manager.patch(
        f"/api/v1/group-members/{current.public_id}/",
        {"ends_on": "2026-01-01"},
        content_type="application/json",
    )
    assert_matches_schema(backwards)
    assert backwards.status_code == 400 and "ends_on" in backwards.json()["error"]["fields"]
    history = client.get(f"/api/v1/group-members/{current.public_id}/history/")
    assert_matches_schema(history)
    rows = history.json()["results"]
    assert [r["action"] for r in rows] == ["ended", "added"]
    assert rows[0]["changes"] == {"ends_on": {"from": None, "to": "2027-08-31"}}
    assert rows[0]["changed_by"]["id"] == str(in_alpha(role_user, "secretary").public_id)

    # A removed entry keeps its history.
    assert manager.delete(f"/api/v1/group-members/{current.public_id}/").status_code == 204
    after = client.get(f"/api/v1/group-members/{current.public_id}/history/").json()["results"]
    assert [r["action"] for r in after] == ["removed", "ended", "added"]
    assert (
        api_client(ALPHA, "r_school_admin")
        .get(f"/api/v1/group-members/{current.public_id}/history/")
        .status_code
        == 404
    )
    assert (
        client.get("/api/v1/group-members/00000000-0000-0000-0000-000000000000/history/").status_code == 404
    )


def test_rule_versions_through_the_api(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    document = in_alpha(make_rule)  # v1 effective 2026-09-01
    url = f"/api/v1/rule-documents/{document.public_id}/versions/"
    manager = api_client(ALPHA, "r_secretary")
    upload = SimpleUploadedFile("管理制度2027.docx", b"PK docx", content_type="application/octet-stream")
    created = manager.post(url, {"effective_on": "2027-02-01", "change_note": "修订开放时间", "file": upload})
    assert_matches_schema(created)
    assert created.status_code == 201, created.content
    assert created.json()["number"] == 2 and created.json()["attachments"][0]["name"] == "管理制度2027.docx"

    empty = _post(manager, url, {"effective_on": "2027-03-01", "text": ""})
    assert empty.status_code == 400 and "text" in empty.json()["error"]["fields"]
    bad_file = manager.post(url, {"effective_on": "2027-03-01", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad_file.status_code == 400 and "file" in bad_file.json()["error"]["fields"]

    reader = api_client(ALPHA, "r_counselor")
    versions = reader.get(url)
    assert_matches_schema(versions)
    assert [v["number"] for v in versions.json()["results"]] == [2, 1]
    file_url = versions.json()["results"][0]["attachments"][0]["url"]
    from tests.conftest import signed_in

    download = signed_in(ALPHA, "r_counselor").get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"PK docx"
    assert signed_in(ALPHA, "r_invited_attendee").get(file_url).status_code == 404

    before = reader.get(f"/api/v1/rule-documents/{document.public_id}/?on=2026-12-01").json()
    after = reader.get(f"/api/v1/rule-documents/{document.public_id}/?on=2027-02-01").json()
    assert (before["current_version"], after["current_version"]) == (1, 2)
    bad_day = reader.get(f"/api/v1/rule-documents/{document.public_id}/?on=tomorrow")
    assert_matches_schema(bad_day)
    assert bad_day.status_code == 400 and "on" in bad_day.json()["error"]["fields"]
    listed = reader.get("/api/v1/rule-documents/?on=2026-01-01").json()["results"]
    assert [d["current_version"] for d in listed] == [None]
    # Every version is kept: documents cannot be deleted.
    assert (
        api_client(ALPHA, "r_principal").delete(f"/api/v1/rule-documents/{document.public_id}/").status_code
        == 405
    )
    assert (
        _post(api_client(ALPHA, "r_deputy"), url, {"effective_on": "2027-03-01", "text": "x"}).status_code
        == 403
    )


def test_report_submit_and_late_filter_through_the_api():
    report = in_alpha(make_report)  # due 2026-11-05

    def past_due():
        today = timezone.localdate()
        return services.report_create(
            actor=role_user("secretary"),
            kind="termly",
            title="上学期学期报告",
            school_year="2025-2026",
            term="second",
            period_start=today - timedelta(days=120),
            period_end=today - timedelta(days=10),
            due_on=today - timedelta(days=10),
        )

    overdue = in_alpha(past_due)
    manager = api_client(ALPHA, "r_secretary")
    url = f"/api/v1/info-reports/{report.public_id}/submit/"
    empty = _post(manager, url)
    assert empty.status_code == 400 and "content" in empty.json()["error"]["fields"]
    assert _post(api_client(ALPHA, "r_member"), url, {"content": "x"}).status_code == 403
    submitted = _post(manager, url, {"content": "10月开展心理健康主题班会12场。"})
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert body["status"] == "submitted" and body["submitted_by"]["id"] == str(
        in_alpha(role_user, "secretary").public_id
    )
    assert [(h["from_status"], h["to_status"]) for h in body["history"]] == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    expected_late = timezone.localdate() > date(2026, 11, 5)
    assert body["is_late"] is expected_late
    assert _post(manager, url, {"content": "再次"}).status_code == 400

    reader = api_client(ALPHA, "r_psychology_teacher")
    late = reader.get("/api/v1/info-reports/?late=true")
    assert_matches_schema(late)
    late_ids = {r["id"] for r in late.json()["results"]}
    assert str(overdue.public_id) in late_ids
    assert (str(report.public_id) in late_ids) is expected_late
    drafts = reader.get("/api/v1/info-reports/?status=draft").json()["results"]
    assert [r["id"] for r in drafts] == [str(overdue.public_id)]
    # A submitted report is no longer edited.
    patched = manager.patch(
        f"/api/v1/info-reports/{report.public_id}/", {"content": "改"}, content_type="application/json"
    )
    assert patched.status_code == 400 and "status" in patched.json()["error"]["fields"]
    assert _post(api_client(BETA, "r_principal"), url, {"content": "x"}).status_code == 404
