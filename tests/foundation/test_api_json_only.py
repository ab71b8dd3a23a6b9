"""The API answers JSON only: DRF's browsable HTML view drew forms whose dropdowns listed every
student (and the whole staff directory) to anyone with a token."""

import pytest

from tests.conftest import api_client, in_alpha
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db

NAME_IN_OTHER_CLASS = "欧阳隐名"
NAME_IN_OWN_CLASS = "司马本班"


def _students():
    from shared.accounts.models import User

    other_teacher = User.objects.get(username="r_secretary")
    make_student(make_class(grade=8, name="别班", homeroom=other_teacher), name=NAME_IN_OTHER_CLASS)
    make_student(make_class(grade=7, name="本班"), name=NAME_IN_OWN_CLASS)


@pytest.mark.parametrize("path", ["/api/v1/observations/", "/api/v1/students/"])
@pytest.mark.parametrize(
    "query,headers",
    [
        ("?format=api", {}),
        ("", {"HTTP_ACCEPT": "text/html"}),
        ("?format=api", {"HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8"}),
    ],
)
def test_no_html_view_of_the_api_for_a_homeroom_teacher(path, query, headers):
    in_alpha(_students)
    client = api_client("alpha", "r_homeroom_teacher")
    response = client.get(path + query, **headers)
    body = response.content.decode()
    assert response.status_code in (200, 404, 406), response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert "<html" not in body.lower() and "<form" not in body.lower()
    assert NAME_IN_OTHER_CLASS not in body


def test_api_still_answers_json_and_the_docs_still_render():
    client = api_client("alpha", "r_homeroom_teacher")
    response = client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "r_homeroom_teacher"
    assert client.get("/api/v1/me/", HTTP_ACCEPT="*/*").status_code == 200
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi:" in schema.content
    assert client.get("/api/schema/?format=json").json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
