"""Issue 8, point 3.11: every instrument the list gives has a detail, under the id the list gives
it (a built-in's code, a school-defined one's uuid)."""

import pytest

from tests.conftest import ALPHA, BETA, api_client
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db
LIST = "/api/v1/screening-instruments/"


def _define(client, code: str):
    created = client.post(
        LIST,
        {
            "code": code,
            "name": "睡眠自评",
            "items": 2,
            "item_min": 0,
            "item_max": 2,
            "licence": "自编",
            "bands": [{"code": "ok", "lower": 0, "upper": 4}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    return created.json()


def test_every_listed_instrument_has_a_detail_equal_to_its_row():
    counselor = api_client(ALPHA, "r_counselor")
    own = _define(counselor, "detail2")
    principal = api_client(ALPHA, "r_principal")
    rows = principal.get(LIST + "?page_size=100").json()["results"]
    ids = {row["id"] for row in rows}
    assert {"phq9", "gad7", "k6", own["id"]} <= ids
    for row in rows:
        detail = principal.get(f"{LIST}{row['id']}/")
        assert detail.status_code == 200, (row["id"], detail.status_code)
        assert detail.json() == row
        assert_matches_schema(detail)
    phq9 = principal.get(f"{LIST}phq9/").json()
    assert phq9["builtin"] is True and phq9["items"] == 9 and len(phq9["item_texts"]) == 9
    assert principal.get(f"{LIST}k6/").json()["items"] == 6
    assert principal.get(f"{LIST}gad7/").json()["items"] == 7


def test_built_ins_are_read_only_and_unknown_ids_and_outsiders_get_404():
    counselor = api_client(ALPHA, "r_counselor")
    change = counselor.patch(f"{LIST}phq9/", {"licence": "x"}, content_type="application/json")
    assert change.status_code == 403
    assert counselor.delete(f"{LIST}gad7/").status_code == 403
    assert counselor.get(f"{LIST}phq9/").json()["licence"] != "x"
    assert counselor.get(f"{LIST}nosuch/").status_code == 404
    assert counselor.get(f"{LIST}00000000-0000-0000-0000-000000000000/").status_code == 404
    # Roles that may not read the registry find nothing, built-in or not.
    for user in ("r_secretary", "r_homeroom_teacher"):
        assert api_client(ALPHA, user).get(f"{LIST}phq9/").status_code == 404
    # A school-defined instrument of alpha is not beta's.
    own = _define(counselor, "detail3")
    assert api_client(BETA, "bob").get(f"{LIST}{own['id']}/").status_code == 404
    assert api_client(ALPHA, "r_principal").get(f"{LIST}{own['id']}/").status_code == 200
