"""handler500 answers 503 for a lost database or Redis (the fault test tests/faults/test_postgres_restarted.py
checks it under gunicorn with PostgreSQL really stopped), and Django's 500 for anything else."""

import json

import pytest
import redis
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from config import urls_public, urls_school
from config.unavailable import server_error


def _answer(path: str, exc: BaseException):
    request = RequestFactory().get(path)
    try:
        raise exc
    except BaseException:
        return server_error(request)


def test_both_sites_name_the_handler():
    assert urls_public.handler500 == urls_school.handler500 == "config.unavailable.server_error"


@pytest.mark.parametrize(
    "exc",
    [OperationalError("connection refused"), InterfaceError("closed"), redis.exceptions.ConnectionError()],
)
def test_a_lost_backing_service_is_a_zh_hans_503_page(exc):
    response = _answer("/ledger/", exc)
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert '<html lang="zh-hans">' in body and "服务暂时不可用" in body
    assert "connection refused" not in body


def test_the_api_gets_its_error_shape():
    response = _answer("/api/v1/tasks/", OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "error": {"status": 503, "code": "unavailable", "message": "服务暂时不可用，请稍后重试。"}
    }


def test_an_error_raised_from_a_lost_connection_counts_too():
    try:
        raise OperationalError("gone")
    except OperationalError as cause:
        wrapped = RuntimeError("while rendering")
        wrapped.__cause__ = cause
    assert _answer("/", wrapped).status_code == 503


def test_any_other_error_is_still_a_500():
    response = _answer("/ledger/", ValueError("a bug"))
    assert response.status_code == 500 and "服务器出错了" in response.content.decode()
