"""Events: created by the district or a school (text checked), sign-ups of named staff by their
school, attendance by the organiser, and the day-before reminder in each school's schema."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from exchange import services
from exchange.models import Event, SignUp
from tests.conftest import signed_in
from tests.exchange.conftest import STUDENT_NAME, district_reader, school_reader

pytestmark = pytest.mark.django_db


def _event(reader, *, days=7, title="沙盘游戏督导小组", **kwargs):
    return services.event_create(
        reader=reader,
        kind=kwargs.pop("kind", "supervision"),
        title=title,
        starts_at=timezone.now() + timedelta(days=days),
        place="区教师发展中心 302",
        description=kwargs.pop("description", "每月一次，带一个匿名化的个案来讨论。"),
        **kwargs,
    )


def test_event_text_is_checked(alpha_student, district_people):
    with pytest.raises(ValidationError) as exc:
        _event(school_reader("alpha", "alice"), description=f"主讲：\n{STUDENT_NAME}家长")
    assert "description" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _event(district_reader("dora"), description="报名电话 13812345678")
    assert not Event.objects.filter(title="沙盘游戏督导小组").exists()


def test_create_through_the_page_with_inline_errors(district_people):
    client = signed_in(None, "dora")
    response = client.post(
        "/exchange/events/new/", {"kind": "seminar", "title": "", "starts_at": "2031-05-06T14:00"}
    )
    assert response.status_code == 400 and "field-error" in response.content.decode()
    response = client.post(
        "/exchange/events/new/",
        {
            "kind": "seminar",
            "title": "心理健康教育研讨会",
            "starts_at": "2031-05-06T14:00",
            "ends_at": "2031-05-06T13:00",
        },
    )
    assert response.status_code == 400 and not Event.objects.filter(title="心理健康教育研讨会").exists()
    response = client.post(
        "/exchange/events/new/",
        {"kind": "seminar", "title": "心理健康教育研讨会", "starts_at": "2031-05-06T14:00", "remind": "on"},
    )
    assert response.status_code == 302
    event = Event.objects.get(title="心理健康教育研讨会")
    # Entered in Asia/Shanghai, stored in UTC.
    assert event.starts_at.hour == 6 and event.school is None and event.organiser_username == "dora"
    assert "心理健康教育研讨会" in signed_in("beta", "bob").get("/exchange/events/").content.decode()


def test_sign_up_named_staff_and_record_attendance(district_people):
    event = _event(district_reader("dora"), capacity=3)
    url = f"/exchange/events/{event.public_id}/"
    alice = signed_in("alpha", "alice")
    page = alice.get(url).content.decode()
    assert "陈卡萝" in page  # carol, a staff member of alpha, can be signed up
    assert alice.post(f"{url}signup/", {"username": "carol"}).status_code == 302
    assert alice.post(f"{url}signup/", {"username": "carol"}).status_code == 400  # once
    assert alice.post(f"{url}signup/", {"username": "r_invited_attendee"}).status_code == 400  # not staff
    assert alice.post(f"{url}signup/", {"username": "bob"}).status_code == 400  # not of this school
    bob = signed_in("beta", "bob")
    assert bob.post(f"{url}signup/", {"username": "bob"}).status_code == 302
    assert bob.post(f"{url}signup/", {"username": "r_counselor"}).status_code == 302
    assert bob.post(f"{url}signup/", {"username": "r_deputy"}).status_code == 400  # full
    rows = {(s.school.code, s.username) for s in SignUp.objects.filter(event=event)}
    assert rows == {("alpha", "carol"), ("beta", "bob"), ("beta", "r_counselor")}
    assert SignUp.objects.get(event=event, username="carol").display_name == "陈卡萝"
    # A school sees its own sign-ups only; the organiser sees all.
    page = bob.get(url).content.decode()
    assert "鲍勃" in page and "陈卡萝" not in page
    dora = signed_in(None, "dora")
    page = dora.get(url).content.decode()
    assert "鲍勃" in page and "陈卡萝" in page
    # Only the organiser records attendance.
    carol = SignUp.objects.get(event=event, username="carol")
    bob_signup = SignUp.objects.get(event=event, username="bob")
    assert bob.post(f"{url}attendance/", {f"attended-{carol.public_id}": "yes"}).status_code == 404
    response = dora.post(
        f"{url}attendance/", {f"attended-{carol.public_id}": "yes", f"attended-{bob_signup.public_id}": "no"}
    )
    assert response.status_code == 302
    carol.refresh_from_db()
    bob_signup.refresh_from_db()
    assert carol.attended is True and bob_signup.attended is False
    # A school removes its own sign-up (not another school's, not one with attendance recorded).
    counselor = SignUp.objects.get(event=event, username="r_counselor")
    assert alice.post(f"{url}signups/{counselor.public_id}/remove/").status_code == 404
    assert bob.post(f"{url}signups/{counselor.public_id}/remove/").status_code == 302
    assert not SignUp.objects.filter(pk=counselor.pk).exists()
    bob.post(f"{url}signups/{bob_signup.public_id}/remove/")
    assert SignUp.objects.filter(pk=bob_signup.pk).exists()


def test_a_schools_event_is_run_by_that_school():
    event = _event(school_reader("alpha", "carol"), kind="open_class", title="七年级心理公开课")
    bob = signed_in("beta", "bob")
    url = f"/exchange/events/{event.public_id}/"
    assert bob.post(f"{url}signup/", {"username": "bob"}).status_code == 302
    signup = SignUp.objects.get(event=event)
    assert bob.post(f"{url}attendance/", {f"attended-{signup.public_id}": "yes"}).status_code == 404
    # The creator and the school's principal are organisers.
    alice = signed_in("alpha", "alice")
    assert alice.post(f"{url}attendance/", {f"attended-{signup.public_id}": "yes"}).status_code == 302
    signup.refresh_from_db()
    assert signup.attended is True


def _queued_school_tasks(monkeypatch) -> list:
    """What event_reminders_send queues through the outbox: (schema, args) of each message, instead
    of sending it."""
    from outbox import services as outbox

    sent = []

    def publish(message_id, task, args, schema_name):
        assert task == "exchange.event_remind_school"
        sent.append((schema_name, tuple(args)))
        return True

    monkeypatch.setattr(outbox, "_publish", publish)
    return sent


def test_the_reminder_the_day_before(district_people, monkeypatch, django_capture_on_commit_callbacks):
    from shared.accounts.models import User
    from tenants.workspace.models import Notification

    announced = []
    monkeypatch.setattr(
        services,
        "announce",
        lambda text, *, school=None: announced.append((text, getattr(school, "code", None))),
    )

    now = timezone.now()
    dora = district_reader("dora")
    event = services.event_create(
        reader=dora, kind="seminar", title="明日研讨会", starts_at=now + timedelta(hours=30)
    )
    later = services.event_create(
        reader=dora, kind="seminar", title="下周研讨会", starts_at=now + timedelta(days=8)
    )
    services.signup_add(event, reader=school_reader("alpha", "alice"), username="carol")
    services.signup_add(event, reader=school_reader("beta", "bob"), username="bob")
    services.signup_add(later, reader=school_reader("beta", "bob"), username="bob")
    run_at = event.starts_at - timedelta(days=1)  # the day before, wherever the day boundary falls
    sent = _queued_school_tasks(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.event_reminders_send(now=run_at) == 2  # one task per school
        assert services.event_reminders_send(now=run_at) == 0  # once
    assert sorted(schema for schema, _args in sent) == ["school_alpha", "school_beta"]
    # The tasks carry the event's id only, and run in the school's schema.
    assert all(args == (event.pk,) for _schema, args in sent)
    for schema, args in sent:
        with schema_context(schema):
            assert services.event_school_remind(event_id=args[0]) == 1
    # A redelivered task adds nothing: no second notification, no second robot message.
    for schema, args in sent:
        with schema_context(schema):
            assert services.event_school_remind(event_id=args[0]) == 0
    with schema_context("school_alpha"):
        notes = Notification.objects.filter(
            recipient=User.objects.get(username="carol"), title__contains="明日研讨会"
        )
        assert notes.count() == 1 and notes.get().link == f"/exchange/events/{event.public_id}/"
    with schema_context("school_beta"):
        bob = User.objects.get(username="bob")
        assert Notification.objects.filter(recipient=bob, title__contains="明日研讨会").count() == 1
        assert not Notification.objects.filter(title__contains="下周研讨会").exists()
    assert sorted(code for _text, code in announced) == ["alpha", "beta"]
    assert all("明日研讨会" in text for text, _code in announced)


def test_the_beat_task_runs_the_reminders():
    from exchange.tasks import event_reminders

    assert event_reminders.name == "exchange.event_reminders"
    assert event_reminders.run() == 0  # nothing starts tomorrow
