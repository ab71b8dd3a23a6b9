"""Nothing personal leaves the school's schema (issue 4, point 11).

A student with a marker name and marker answers goes through every flow, by the API and the pages:
roster import (good and bad lines), consent, screening with the safety flag (crisis case, alert),
a student's one-time link, counseling, an observation, crisis steps, a plan, the record export, a
transfer to another school, an information report for the district, what the school shares with
other schools (an exchange post, a partnership, a local directory entry: refused while they name the
student), the beat jobs and the district's figures on a real Celery worker. Then the captured logs,
the captured Sentry events (a test transport; one request is made to fail while decrypting the
student's notes) and the captured Celery messages are searched for the marker, and a pg_dump of the
public schema for the name of every student of every school.
"""

import io
import logging
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
import sentry_sdk
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from sentry_sdk.transport import Transport

from config.celery import app
from config.sentry import sentry_options
from tests.conftest import ALPHA, api_client, host, in_alpha, role_user, signed_in

MARKER = "标记生" + uuid.uuid4().hex[:4].upper()
NOTE = f"{MARKER}的辅导记录原文"
NUMBER = f"MK{uuid.uuid4().hex[:8]}"


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def capture(django_db_setup, django_db_blocker):
    """Logs (everything, DEBUG and up), Sentry events and published Celery messages."""
    handler = _Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    events, messages = [], []

    class CapturingTransport(Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                events.append(item.get_bytes().decode("utf-8", "replace"))

    sentry_sdk.init(**sentry_options("https://key@example.invalid/1", transport=CapturingTransport))

    def on_publish(body=None, headers=None, **kwargs):
        messages.append(repr((body, headers)))

    before_task_publish.connect(on_publish, weak=False)
    try:
        yield {"logs": handler.lines, "sentry": events, "celery": messages}
    finally:
        before_task_publish.disconnect(on_publish)
        sentry_sdk.get_client().flush()
        sentry_sdk.init(dsn=None)
        root.removeHandler(handler)
        root.setLevel(old_level)
        with django_db_blocker.unblock():
            _cleanup()


def _cleanup():
    from tenants.care.models import IncomingTransfer, OutgoingTransfer
    from tenants.crisis.models import CrisisCase
    from tenants.screening.models import Campaign, Response
    from tenants.students.models import Student

    for schema in ("school_alpha", "school_beta"):
        with schema_context(schema):
            students = Student.objects.filter(student_number__in=[NUMBER])
            CrisisCase.objects.filter(student__in=students).delete()
            Response.objects.filter(student__in=students).delete()
            Campaign.objects.filter(title__startswith="标记测评").delete()
            IncomingTransfer.objects.filter(student_number=NUMBER).delete()
            OutgoingTransfer.objects.filter(student_number=NUMBER).delete()
            students.delete()
    connection.set_schema_to_public()
    connections.close_all()


def _run_every_flow():
    today = timezone.localdate()
    counselor = api_client(ALPHA, "r_counselor")
    secretary = api_client(ALPHA, "r_secretary")
    header = "学号,姓名,性别,出生日期,年级,班级,监护人姓名,监护人电话\n"
    good = header + f"{NUMBER},{MARKER},女,2012-05-06,8,标记班,{MARKER}家长,13900001111\n"
    bad = header + f"{NUMBER}X,{MARKER},女,不是日期,8,标记班,{MARKER}家长,139\n"
    refused = secretary.post("/api/v1/students/import/", {"file": _file(bad)})
    assert refused.status_code == 400, refused.content[:300]
    imported = secretary.post("/api/v1/students/import/", {"file": _file(good)})
    assert imported.status_code == 201, imported.content[:300]

    from tenants.students.models import SchoolClass, Student

    student = in_alpha(lambda: Student.objects.get(student_number=NUMBER))
    in_alpha(
        lambda: SchoolClass.objects.filter(name="标记班").update(
            homeroom_teacher=role_user("homeroom_teacher")
        )
    )
    sid = str(student.public_id)
    assert (
        counselor.post(
            "/api/v1/consents/",
            {
                "student": sid,
                "status": "granted",
                "guardian_name": f"{MARKER}家长",
                "recorded_on": str(today),
            },
            content_type="application/json",
        ).status_code
        == 201
    )
    flagged = counselor.post(
        "/api/v1/screenings/",
        {"student": sid, "instrument": "phq9", "answers": [0] * 8 + [1]},
        content_type="application/json",
    )
    assert flagged.status_code == 201 and flagged.json()["crisis_case"], flagged.content[:300]
    assert (
        counselor.post(
            "/api/v1/screenings/",
            {"student": sid, "instrument": "phq9", "answers": [0] * 8 + [9]},
            content_type="application/json",
        ).status_code
        == 400
    )
    case = flagged.json()["crisis_case"]
    assert counselor.get(f"/api/v1/screenings/{flagged.json()['id']}/").status_code == 200

    campaign = counselor.post(
        "/api/v1/screening-campaigns/",
        {
            "title": "标记测评",
            "instrument": "gad7",
            "school_class": str(in_alpha(lambda: SchoolClass.objects.get(name="标记班").public_id)),
            "opens_on": str(today),
            "closes_on": str(today + timedelta(days=3)),
        },
        content_type="application/json",
    )
    assert campaign.status_code == 201, campaign.content[:300]
    pages = signed_in(ALPHA, "r_counselor")
    link = pages.post(f"/screening/campaigns/{campaign.json()['id']}/link/{sid}/")
    assert link.status_code == 200, link.content[:300]
    token_path = link.context["url"][link.context["url"].index("/screening/take/") :]
    anonymous = Client(HTTP_HOST=host(ALPHA))
    assert anonymous.get(token_path).status_code == 200
    answered = anonymous.post(token_path, {f"item_{i}": "1" for i in range(7)})
    assert answered.status_code in (200, 302), answered.content[:300]

    session = counselor.post(
        "/api/v1/counseling-sessions/",
        {
            "student": sid,
            "counselor": str(role_user_public("counselor")),
            "held_at": timezone.now().isoformat(),
            "duration_minutes": 40,
            "category": "emotion",
            "notes": NOTE,
        },
        content_type="application/json",
    )
    assert session.status_code == 201, session.content[:300]
    homeroom = api_client(ALPHA, "r_homeroom_teacher")
    assert (
        homeroom.post(
            "/api/v1/observations/",
            {"student": sid, "kind": "referral", "observed_on": str(today), "text": f"{MARKER}最近常哭"},
            content_type="application/json",
        ).status_code
        == 201
    )
    for step in (
        {"step": "assessed", "level": "high", "note": f"{MARKER}评估"},
        {"step": "intervention", "note": NOTE},
    ):
        done = counselor.post(f"/api/v1/crisis-cases/{case}/steps/", step, content_type="application/json")
        assert done.status_code == 201, done.content[:300]
    plan = counselor.post(
        "/api/v1/care-plans/",
        {
            "student": sid,
            "owner": str(role_user_public("counselor")),
            "goals": f"{MARKER}目标",
            "supports": "每周面谈",
            "starts_on": str(today),
        },
        content_type="application/json",
    )
    assert plan.status_code == 201, plan.content[:300]
    assert counselor.get(f"/api/v1/care-records/{sid}/").status_code == 200
    for file_format in ("pdf", "xlsx"):
        exported = pages.post(
            f"/care/students/{sid}/export/", {"reason": "监护人申请", "file_format": file_format}
        )
        assert exported.status_code == 200 and exported.content[:4] in (b"%PDF", b"PK\x03\x04")

    # One request fails while decrypting the student's notes: the error reaches logs and Sentry.
    from tenants.counseling.models import CounselingSession

    def corrupt():
        # The plan's goals, copied over the session's notes: bound elsewhere, so it cannot decrypt.
        row = CounselingSession.objects.get(public_id=session.json()["id"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT notes FROM counseling_counselingsession WHERE id = %s", [row.pk])
            original = cursor.fetchone()[0]
            cursor.execute("SELECT goals FROM counseling_careplan ORDER BY id DESC LIMIT 1")
            token = cursor.fetchone()[0]
            cursor.execute(
                "UPDATE counseling_counselingsession SET notes = %s WHERE id = %s", [token, row.pk]
            )
        return row.pk, original

    def restore(pk, original):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE counseling_counselingsession SET notes = %s WHERE id = %s", [original, pk])

    pk, original = in_alpha(corrupt)
    failing = signed_in(ALPHA, "r_counselor")
    failing.raise_request_exception = False
    assert failing.get(f"/counseling/{session.json()['id']}/").status_code == 500
    in_alpha(lambda: restore(pk, original))

    sent = pages.post(f"/care/records/transfers/send/{sid}/", {"to_school": "beta", "reason": "转学"})
    assert sent.status_code == 302, sent.content[:500]

    # An information report for the district: refused while it names the student, sent once it doesn't.
    report = secretary.post(
        "/api/v1/info-reports/",
        {
            "kind": "monthly",
            "title": "标记月报",
            "school_year": "2020-2021",
            "term": "first",
            "period_start": "2020-10-01",
            "period_end": "2020-10-31",
            "due_on": "2020-11-05",
            "content": f"本月开展讲座2场。\n{MARKER}情绪低落，已跟进。",
        },
        content_type="application/json",
    )
    assert report.status_code == 201, report.content[:300]
    submit = f"/api/v1/info-reports/{report.json()['id']}/submit/"
    blocked = secretary.post(submit, {}, content_type="application/json")
    assert blocked.status_code == 400, blocked.content[:300]
    assert MARKER not in blocked.content.decode()
    clean = secretary.post(
        submit, {"content": "本月开展讲座2场，家长会1次。"}, content_type="application/json"
    )
    assert clean.status_code == 200, clean.content[:300]

    # What the school shares with other schools (the exchange, a partnership, its local directory
    # entries): refused while it names the student, published once it doesn't.
    _share_with_other_schools(today)


def _share_with_other_schools(today):
    from district.models import School

    alice = signed_in(ALPHA, "alice")
    post = {"kind": "sharing", "title": "主题班会经验"}
    refused = alice.post("/exchange/new/", {**post, "body": f"班会上{MARKER}带头发言。"})
    assert refused.status_code == 400 and MARKER not in _errors(refused)
    assert alice.post("/exchange/new/", {**post, "body": "班会上同学们积极发言。"}).status_code == 302
    beta = str(School.objects.get(code="beta").public_id)
    partnership = {"partner": beta, "title": "标记合作", "started_on": str(today), "status": "active"}
    refused = alice.post(
        "/directory/partnerships/new/", {**partnership, "description": f"{MARKER}参加两校联合活动"}
    )
    assert refused.status_code == 400 and MARKER not in _errors(refused)
    entry = {"kind": "social", "name": "标记社工站", "age_min": 6, "age_max": 18, "active": "on"}
    refused = alice.post("/directory/new/", {**entry, "notes": f"{MARKER}的家庭由此站跟进"})
    assert refused.status_code == 400 and MARKER not in _errors(refused)


def _errors(response) -> str:
    """The field errors a refused form shows (the field itself still holds what was typed)."""
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def role_user_public(role):
    return in_alpha(lambda: role_user(role).public_id)


def _file(text):
    f = io.BytesIO(text.encode("utf-8"))
    f.name = "roster.csv"
    return f


def _run_beat_jobs_on_a_worker(django_db_blocker, messages):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    try:
        with django_db_blocker.unblock():
            with start_worker(
                app, pool="solo", concurrency=1, queues=[queue], perform_ping_check=False, shutdown_timeout=30
            ):
                from district.models import School

                schools = School.objects.filter(status="active").count()
                for name in ("crisis.escalate_overdue", "care.apply_retention"):
                    app.send_task("district.fan_out", args=(name,))
                # Two fan-outs, then one task per school for each.
                deadline = time.monotonic() + 60
                while len(messages) < 2 + 2 * schools and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert len(messages) >= 2 + 2 * schools, messages
                time.sleep(3)  # let the per-school tasks run
                # The district's figures, computed inside every school by the worker.
                from figures.aggregation import run_start
                from figures.models import AggregationRun
                from figures.periods import current_periods

                run = run_start(current_periods(timezone.localdate()), requested_by="marker")
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    run.refresh_from_db()
                    if run.status in ("done", "failed"):
                        break
                    time.sleep(0.5)
                assert run.status == "done", (run.status, list(run.outcomes.values("school__code", "error")))
                assert AggregationRun.objects.filter(pk=run.pk, schools_done=schools).exists()
    finally:
        app.conf.task_default_queue = "xinyu"
        connection.set_schema_to_public()


def _public_schema_dump() -> str:
    from district.provisioning.ddl import _pg_env, find_pg_dump

    result = subprocess.run(
        [find_pg_dump(), "--data-only", "--schema=public"],
        capture_output=True,
        text=True,
        env=_pg_env(),
        check=True,
    )
    return result.stdout


def _student_names_and_district_texts():
    """Every student name in the test schools (the marker's included), and every information report
    text that reached the district but would fail the personal-data check of its school."""
    from district.models import School
    from reporting.models import DistrictInfoReport
    from tenants.students.models import Student
    from tenants.students.text_check import find_personal_data

    names, failing = set(), []
    for school in School.objects.filter(status="active"):
        bodies = list(DistrictInfoReport.objects.filter(school=school).values_list("body", flat=True))
        with schema_context(school.schema_name):
            names |= {name for name in Student.objects.values_list("name", flat=True) if len(name) >= 2}
            failing += [body for body in bodies if body and find_personal_data(body)]
        connection.set_schema_to_public()
    assert MARKER in names
    return names, failing


def test_a_marked_student_never_leaves_the_schools_schema(capture, django_db_blocker):
    with django_db_blocker.unblock():
        _run_every_flow()
    _run_beat_jobs_on_a_worker(django_db_blocker, capture["celery"])
    sentry_sdk.get_client().flush()
    with django_db_blocker.unblock():
        dump = _public_schema_dump()
        # The flows really ran: the marker is in the schools' own schemas.
        from tenants.students.models import Student

        assert in_alpha(lambda: Student.objects.filter(name=MARKER).exists())
        with schema_context("school_beta"):
            from tenants.care.models import IncomingTransfer

            assert IncomingTransfer.objects.filter(student_number=NUMBER).exists()
        connection.set_schema_to_public()

    assert capture["logs"], "no log lines were captured"
    assert any("Internal Server Error: /counseling/" in line for line in capture["logs"]), (
        "the failing request was not logged"
    )
    assert capture["sentry"], "no Sentry event was captured"
    assert capture["celery"], "no Celery message was captured"
    assert len(dump) > 1000 and "school_alpha" in dump
    with django_db_blocker.unblock():
        names, texts = _student_names_and_district_texts()
    # The figures and the report really reached the public schema.
    assert "本月开展讲座2场，家长会1次。" in dump and "enrolment" in dump
    assert "班会上同学们积极发言。" in dump
    for name in names:
        assert name not in dump, f"a student's name ({len(name)} characters) is in the public schema"
    assert not texts, f"free text in the public schema fails the personal-data check: {texts}"
    for where, text in (
        ("logs", "\n".join(capture["logs"])),
        ("sentry", "\n".join(capture["sentry"])),
        ("celery", "\n".join(capture["celery"])),
        ("public schema", dump),
    ):
        for secret in (MARKER, NOTE, NUMBER):
            assert secret not in text, f"{secret} found in {where}"
