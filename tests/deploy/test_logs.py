"""Production logs: one JSON object per line with the request id and the school's code, exceptions
without their messages, and no trace of a student the requests were about."""

import json
import logging
import uuid
from urllib.parse import quote

import pytest
from django.db import IntegrityError
from django.test import Client
from django_tenants.utils import schema_context

from config.logs import RequestContextFilter, ScrubbedJsonFormatter, logging_config
from tests.conftest import ALPHA, api_client, signed_in
from tests.support.students import make_student

pytestmark = pytest.mark.django_db

MARKER = "日志标记生" + uuid.uuid4().hex[:4].upper()
NUMBER = f"LOG{uuid.uuid4().hex[:8]}"


class _JsonCapture(logging.Handler):
    """The production handler's formatter and filter, writing to a list."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        config = logging_config(log_format="json", level="DEBUG")["formatters"]["json"]
        self.setFormatter(
            ScrubbedJsonFormatter(
                config["fmt"],
                rename_fields=config["rename_fields"],
                json_ensure_ascii=config["json_ensure_ascii"],
            )
        )
        self.addFilter(RequestContextFilter())
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def json_logs():
    handler = _JsonCapture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_each_line_is_json_with_the_request_id_and_the_school(json_logs):
    response = Client(HTTP_HOST=f"{ALPHA}.localhost").get("/no-such-page/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    records = [json.loads(line) for line in json_logs]
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert not_found, json_logs
    assert not_found[0]["request_id"] == request_id
    assert not_found[0]["school"] == ALPHA
    assert not_found[0]["level"] == "WARNING" and "time" in not_found[0]


def test_the_proxys_request_id_is_kept_and_a_malformed_one_replaced():
    given = "abcd1234-proxy-id"
    # /healthz is answered before the request id is set (probes log nothing): a routed page carries it.
    assert (
        not Client(HTTP_HOST="localhost", HTTP_X_REQUEST_ID=given).get("/healthz").has_header("X-Request-ID")
    )
    response = Client(HTTP_HOST="localhost", HTTP_X_REQUEST_ID=given).get("/accounts/login/")
    assert response["X-Request-ID"] == given
    bad = Client(HTTP_HOST="localhost", HTTP_X_REQUEST_ID='x"\n{injected}').get("/accounts/login/")
    assert bad["X-Request-ID"] != 'x"\n{injected}' and len(bad["X-Request-ID"]) == 32


def test_the_district_host_is_named_district(json_logs):
    Client(HTTP_HOST="localhost").get("/no-such-page/")
    records = [json.loads(line) for line in json_logs if "django.request" in line]
    assert records and records[0]["school"] == "district"


def test_an_exceptions_message_never_reaches_the_log(json_logs):
    # A unique-constraint violation's message quotes the row's values: a student's name, say.
    try:
        try:
            raise IntegrityError(
                f"duplicate key value violates unique constraint DETAIL: Key (name)=({MARKER})"
            )
        except IntegrityError as inner:
            raise RuntimeError(f"while saving {MARKER}") from inner
    except RuntimeError:
        logging.getLogger("tests.deploy").exception("saving failed")
    assert len(json_logs) == 1
    record = json.loads(json_logs[0])
    assert MARKER not in json_logs[0]
    assert "builtins.RuntimeError" in record["exc_info"]
    assert "django.db.utils.IntegrityError" in record["exc_info"]
    assert "test_logs.py" in record["exc_info"]


def test_requests_about_a_marked_student_leave_no_trace_in_the_logs(json_logs):
    with schema_context(f"school_{ALPHA}"):
        student = make_student(name=MARKER, student_number=NUMBER, guardian_name=f"{MARKER}家长")
    sid = str(student.public_id)
    pages = signed_in(ALPHA, "r_counselor")
    api = api_client(ALPHA, "r_counselor")
    assert pages.get(f"/care/students/{sid}/").status_code == 200
    assert MARKER in pages.get(f"/care/students/{sid}/").content.decode()
    assert api.get(f"/api/v1/care-records/{sid}/").status_code == 200
    assert pages.get("/care/students/", {"q": MARKER}).status_code == 200
    assert api.get("/api/v1/care-records/", {"q": MARKER}).status_code in (200, 404)
    # Failing requests log too: a missing record, a bad filter and a refused write.
    assert pages.get(f"/care/students/{uuid.uuid4()}/").status_code == 404
    assert api.get("/api/v1/care-records/", {"level": MARKER}).status_code in (400, 404, 200)
    refused = api.post(
        "/api/v1/students/",
        {"student_number": NUMBER, "name": MARKER, "guardian_name": MARKER},
        content_type="application/json",
    )
    assert refused.status_code in (400, 403)
    assert json_logs, "nothing was logged, so the test proves nothing"
    assert any(json.loads(line)["school"] == ALPHA for line in json_logs)
    traces = (MARKER, NUMBER, quote(MARKER), quote(MARKER).lower(), MARKER.encode("unicode_escape").decode())
    leaked = [line for line in json_logs if any(trace in line for trace in traces)]
    assert leaked == []
