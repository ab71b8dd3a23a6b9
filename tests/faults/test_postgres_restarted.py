"""PostgreSQL stopped under a running gunicorn: pages answer a zh-hans 503 page, the API its error
shape with 503, /readyz 503; once PostgreSQL is back the same requests answer 200, without
restarting gunicorn."""

import json
import signal
import time

import pytest

from tests.faults.conftest import get, wait_until

pytestmark = pytest.mark.slow


def _requests(stack, port):
    school = stack.school
    host = school["host"]
    cookie = {"Cookie": f"{school['session_cookie']}={school['session']}"}
    return {
        "page": get(port, host, "/ledger/", cookie),
        "api": get(port, host, "/api/v1/me/", {"Authorization": f"Token {school['token']}"}),
        "readyz": get(port, host, "/readyz"),
    }


def _all_ok(stack, port):
    answers = _requests(stack, port)
    return answers if all(status == 200 for status, _, _ in answers.values()) else None


def test_postgres_down_answers_503_and_the_platform_recovers_by_itself(stack):
    port = stack.web()
    worker = stack.worker("pg-run")  # /readyz asks a worker too
    try:
        _restart_postgres(stack, port)
    finally:
        stack.kill(worker, signal.SIGTERM)


def _restart_postgres(stack, port):
    before = wait_until(lambda: _all_ok(stack, port), 60, "not all 200 before the restart")
    assert "/accounts/login/" not in before["page"][1]

    stack.postgres.stop()
    down = _requests(stack, port)
    status, body, headers = down["page"]
    assert status == 503 and "服务暂时不可用" in body and headers["Retry-After"]
    assert headers["Content-Type"].startswith("text/html")
    status, body, headers = down["api"]
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "error": {"status": 503, "code": "unavailable", "message": "服务暂时不可用，请稍后重试。"}
    }
    status, body, _ = down["readyz"]
    assert status == 503 and json.loads(body)["checks"]["database"]["ok"] is False
    # No database address or password in what the server says.
    assert all("postgres" not in body.lower() for _, body, _ in down.values())

    url = stack.postgres.start()
    assert url == stack.database_url
    started = time.monotonic()
    after = wait_until(lambda: _all_ok(stack, port), 30, "the platform did not recover by itself")
    assert json.loads(after["api"][1])["username"] == "secretary"
    print(f"\n[faults] all 200 again {time.monotonic() - started:.1f} s after PostgreSQL was back")
