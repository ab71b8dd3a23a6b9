"""Run inside the fault tests' own platform (embedded PostgreSQL): `python -m tests.faults.seed ...`.

    school                  the school, a secretary with an API token and a signed-in session
    events PREFIX N         N district events starting tomorrow, each with one sign-up of the school's
                            `kim`: their ids
    remind                  the daily reminders job (exchange.services.event_reminders_send): one
                            task per event, recorded in the outbox and sent after commit
    resend SECONDS          the outbox's resend job every second (as beat would every minute) until
                            every message is done: how many sends it made

Prints one JSON object.
"""

import json
import sys
import time

import django

CODE = "kfault"


def school() -> dict:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_tenants.utils import schema_context

    from shared.accounts.models import User
    from shared.accounts.services import account_create, api_token_issue
    from tests.schools import school_for_tests

    found = school_for_tests(CODE, number="F001", name="故障测试学校", student_count=100)
    with schema_context(found.schema_name):
        for username, role in (("secretary", "secretary"), ("kim", "member")):
            if not User.objects.filter(username=username).exists():
                account_create(
                    username=username, full_name=username, roles=[role], password="Fault-Test-2026"
                )
        secretary = User.objects.get(username="secretary")
        token = api_token_issue(user=secretary)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(secretary.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = secretary.get_session_auth_hash()
        session.create()
    return {
        "schema": found.schema_name,
        "host": f"{CODE}.{settings.BASE_DOMAIN}",
        "token": token,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": session.session_key,
    }


def events(prefix: str, count: int) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from district.models import School
    from exchange.models import Event, EventKind, SignUp

    found = School.objects.get(code=CODE)
    starts = timezone.now() + timedelta(days=1)
    made = Event.objects.bulk_create(
        [
            Event(
                kind=EventKind.values[0], title=f"{prefix}-{i}", starts_at=starts, organiser_username="dora"
            )
            for i in range(count)
        ]
    )
    SignUp.objects.bulk_create(
        [
            SignUp(event=event, school=found, username="kim", display_name="kim", signed_up_by="kim")
            for event in made
        ]
    )
    return {"ids": [event.pk for event in made]}


def remind() -> dict:
    from exchange.services import event_reminders_send

    return {"queued": event_reminders_send()}


def resend(seconds: float) -> dict:
    from outbox.models import OutboxMessage
    from outbox.services import outbox_resend

    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline:
        sent += outbox_resend()
        if not OutboxMessage.objects.filter(done_at__isnull=True).exists():
            return {"resent": sent, "pending": 0}
        time.sleep(1)
    return {"resent": sent, "pending": OutboxMessage.objects.filter(done_at__isnull=True).count()}


if __name__ == "__main__":
    django.setup()
    command, *rest = sys.argv[1:]
    if command == "school":
        result = school()
    elif command == "events":
        result = events(rest[0], int(rest[1]))
    elif command == "remind":
        result = remind()
    else:
        result = resend(float(rest[0]))
    print(json.dumps(result))
