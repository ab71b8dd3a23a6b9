"""Every exchange page for every kind of caller: the district admin, analyst and reviewer, each
school role, and nobody signed in (on both hosts)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exchange import services
from shared.accounts.roles import STAFF_ROLES, SchoolRole
from tests.conftest import client_for, signed_in
from tests.exchange.conftest import district_reader, school_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(district_people):
    alice = school_reader("alpha", "alice")
    post = services.post_create(reader=alice, kind="sharing", title="角色测试帖", body="内容")
    event = services.event_create(
        reader=district_reader("dora"),
        kind="seminar",
        title="角色测试活动",
        starts_at=timezone.now() + timedelta(days=3),
    )
    return post, event


def _pages(post, event):
    return {
        "threads": "/exchange/",
        "search": "/exchange/?q=角色&kind=sharing",
        "new": "/exchange/new/",
        "post": f"/exchange/p/{post.public_id}/",
        "events": "/exchange/events/",
        "event_new": "/exchange/events/new/",
        "event": f"/exchange/events/{event.public_id}/",
        "review": "/exchange/review/",
    }


@pytest.mark.parametrize(
    "username, review",
    [("dora", 200), ("ex_reviewer", 200), ("ex_analyst", 404)],
)
def test_district_roles(objects, username, review):
    client = signed_in(None, username)
    for name, url in _pages(*objects).items():
        expected = review if name == "review" else 200
        response = client.get(url)
        assert response.status_code == expected, (name, response.status_code)
    page = client.get(_pages(*objects)["threads"]).content.decode()
    assert "角色测试帖" in page
    assert ("/exchange/review/" in page) == (review == 200)


@pytest.mark.parametrize("role", [r.value for r in SchoolRole])
def test_school_roles(objects, role):
    client = signed_in("beta", f"r_{role}")
    staff = role in STAFF_ROLES
    for name, url in _pages(*objects).items():
        expected = 200 if staff and name != "review" else 404
        assert client.get(url).status_code == expected, (name, role)
    if staff:
        assert "角色测试帖" in client.get("/exchange/").content.decode()


@pytest.mark.parametrize("code", [None, "alpha"])
def test_nobody_signed_in(objects, code):
    client = client_for(code)
    for name, url in _pages(*objects).items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    post, event = objects
    assert client.post(f"/exchange/p/{post.public_id}/reply/", {"body": "x"}).status_code == 302
    assert post.replies.count() == 0


def test_missing_objects_are_404(objects):
    import uuid

    client = signed_in("alpha", "alice")
    for url in (
        f"/exchange/p/{uuid.uuid4()}/",
        f"/exchange/events/{uuid.uuid4()}/",
        f"/exchange/p/{uuid.uuid4()}/edit/",
    ):
        assert client.get(url).status_code == 404
    post, _event = objects
    # Editing is for a returned case study's author only.
    assert client.get(f"/exchange/p/{post.public_id}/edit/").status_code == 404
