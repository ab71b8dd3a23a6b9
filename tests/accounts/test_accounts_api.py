"""The accounts API and the staff directory, built from their declarations
(shared/accounts/resources.py): the declared filters, deactivation instead of deletion, and the
directory's narrowing of people offered as choices."""

import pytest

from shared.accounts.models import AccountEvent, User
from tests.conftest import ALPHA, api_client, in_alpha
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_account_list_filters_by_role_and_search_and_refuses_bad_values():
    client = api_client(ALPHA, "r_school_admin")
    counselors = client.get("/api/v1/accounts/?role=counselor")
    assert counselors.status_code == 200
    assert_matches_schema(counselors)
    expected = in_alpha(lambda: User.objects.filter(roles__contains=["counselor"]).count())
    assert expected >= 1 and counselors.json()["count"] == expected
    assert all("counselor" in a["roles"] for a in counselors.json()["results"])
    found = client.get("/api/v1/accounts/?q=r_secretary").json()
    assert [a["username"] for a in found["results"]] == ["r_secretary"]
    bad = client.get("/api/v1/accounts/?role=emperor")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["role"]
    assert_matches_schema(bad)


def test_delete_deactivates_and_a_new_account_starts_active():
    client = api_client(ALPHA, "r_school_admin")
    created = client.post(
        "/api/v1/accounts/",
        {"username": "qianlaoshi", "full_name": "钱老师", "roles": ["member"], "is_active": False},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert_matches_schema(created)
    assert created.json()["is_active"] is True
    gone = client.delete(f"/api/v1/accounts/{created.json()['id']}/")
    assert gone.status_code == 204
    assert in_alpha(lambda: User.objects.get(username="qianlaoshi").is_active) is False
    # A deactivated account leaves the staff directory (and so every choice of a person).
    people = api_client(ALPHA, "r_principal").get("/api/v1/people/").json()
    assert people["count"] == in_alpha(lambda: User.objects.filter(is_active=True).count())
    assert "钱老师" not in {p["name"] for p in people["results"]}
    assert api_client(ALPHA, "r_principal").get(f"/api/v1/people/{created.json()['id']}/").status_code == 404


def test_granting_a_clinical_role_through_the_api_is_recorded_once():
    client = api_client(ALPHA, "r_school_admin")
    created = client.post(
        "/api/v1/accounts/",
        {"username": "sunlaoshi", "full_name": "孙老师", "roles": ["member"]},
        content_type="application/json",
    )
    before = in_alpha(lambda: AccountEvent.objects.filter(account__username="sunlaoshi").count())
    changed = client.patch(
        f"/api/v1/accounts/{created.json()['id']}/",
        {"roles": ["member", "counselor"]},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["roles"] == ["member", "counselor"]
    events = in_alpha(
        lambda: list(
            AccountEvent.objects.filter(account__username="sunlaoshi")
            .order_by("id")
            .values_list("kind", "roles")
        )
    )
    assert len(events) == before + 1 and events[-1][1] == ["counselor"]
