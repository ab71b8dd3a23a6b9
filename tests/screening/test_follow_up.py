"""Results drive follow-up: a positive screen waits until the student has a counseling session
or a crisis case after it; the counselors see the waiting ones on the responses page and at home."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.counseling.models import CounselingSession
from tenants.screening.selectors import awaiting_follow_up
from tests.conftest import ALPHA, role_user, signed_in
from tests.screening.factories import consenting_student, make_response

pytestmark = pytest.mark.django_db


def _responses():
    with schema_context("school_alpha"):
        waiting = make_response(
            answers=[2, 2, 2, 2, 2, 1, 1, 0, 0], student=consenting_student(name="苏待跟")
        )  # 12
        low = make_response(
            answers=[0, 1, 0, 1, 0, 1, 0], instrument="gad7", student=consenting_student(name="苏不需")
        )
        seen = make_response(
            answers=[3, 3, 3, 3, 2, 0], instrument="k6", student=consenting_student(name="苏已跟")
        )  # 14
        CounselingSession.objects.create(
            student=seen.student,
            counselor=role_user("counselor"),
            held_at=timezone.now(),
            duration_minutes=30,
            category="emotion",
            notes="约谈",
        )
        found = set(awaiting_follow_up().values_list("pk", flat=True))
    connection.set_schema_to_public()
    return waiting, low, seen, found


def test_positive_screens_wait_until_followed_up():
    waiting, low, seen, found = _responses()
    assert (waiting.total, low.total, seen.total) == (12, 3, 14)
    assert found == {waiting.pk}


def test_counselors_see_the_waiting_ones_on_the_page_and_at_home():
    waiting, _low, _seen, _found = _responses()
    client = signed_in(ALPHA, "r_counselor")
    page = client.get("/screening/responses/?follow=waiting")
    body = page.content.decode()
    assert page.status_code == 200 and "苏待跟" in body and "苏已跟" not in body and "苏不需" not in body
    positive = client.get("/screening/responses/?follow=positive").content.decode()
    assert "苏待跟" in positive and "苏已跟" in positive and "苏不需" not in positive
    assert client.get("/").context["care"]["awaiting_follow_up"] == 1
    assert "awaiting_follow_up" not in signed_in(ALPHA, "r_principal").get("/").context["care"]
