"""The public answer page /evaluation/q/<token>/: no account, one answer per link, CSRF applies."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenants.evaluation import services
from tenants.evaluation.models import Answer, Response
from tests.conftest import ALPHA, BETA, client_for, host, role_user
from tests.evaluation import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    with schema_context("school_alpha"):
        q, single, multiple, scale, text = f.survey()
        links = f.links(q, 3)
    return q, (single, multiple, scale, text), links


def _options(question):
    with schema_context("school_alpha"):
        return f.option_ids(question)


def _post_for(questions, choice=0, picks=(1,), value="5", words="多开展团体辅导"):
    single, multiple, scale, text = questions
    body = {
        f"q-{single.public_id}": _options(single)[choice],
        f"q-{multiple.public_id}": [_options(multiple)[i] for i in picks],
        f"q-{scale.public_id}": value,
        f"q-{text.public_id}": words,
    }
    return body


def _responses(link):
    with schema_context("school_alpha"):
        return Response.objects.filter(link=link).count()


def test_anyone_with_the_link_answers_once(survey):
    q, questions, links = survey
    url = f"/evaluation/q/{links[0].token}/"
    anonymous = client_for(ALPHA)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert (
        "您是否参加过家庭讲座？" in page.content.decode() and "csrfmiddlewaretoken" in page.content.decode()
    )

    done = anonymous.post(url, _post_for(questions, picks=(0, 2)))
    assert done.status_code == 200 and zh("Thank you") in done.content.decode()
    with schema_context("school_alpha"):
        response = Response.objects.get(link=links[0])
        assert sorted(response.answers.exclude(option=None).values_list("option__text", flat=True)) == [
            "个别咨询",
            "亲子沟通讲座",
            "参加过",
        ]
        assert response.answers.get(number__isnull=False).number == 5
        assert response.answers.get(question=questions[3]).text == "多开展团体辅导"

    # A second attempt, from anyone, is refused and saves nothing.
    again = client_for(ALPHA).post(url, _post_for(questions, choice=1))
    assert again.status_code == 409
    assert (
        zh(
            "This link has already been used to answer the questionnaire. Each link can be answered once. Thank you for taking part."
        )
        in again.content.decode()
    )
    assert _responses(links[0]) == 1
    shown = client_for(ALPHA).get(url)
    assert (
        shown.status_code == 200
        and zh(
            "This link has already been used to answer the questionnaire. Each link can be answered once. Thank you for taking part."
        )
        in shown.content.decode()
    )
    assert "<form" not in shown.content.decode()


def test_bad_answers_re_render_with_errors_by_question_and_save_nothing(survey):
    q, questions, links = survey
    single, multiple, scale, text = questions
    url = f"/evaluation/q/{links[1].token}/"
    with schema_context("school_alpha"):
        _, _, other_multiple, _, _ = f.survey()
    client = client_for(ALPHA)
    response = client.post(
        url,
        {
            f"q-{multiple.public_id}": [_options(other_multiple)[0]],
            f"q-{scale.public_id}": "9",
            f"q-{text.public_id}": "长" * 60,
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('class="field-error"') == 4
    assert zh("This question needs an answer.") in body
    assert zh("Choose among this question's options.") in body
    assert zh("Choose a value from %(a)s to %(b)s.") % {"a": 1, "b": 5} in body
    assert zh("At most %(n)s characters (this answer has %(m)s).") % {"n": 50, "m": 60} in body
    # What was typed is kept for correcting.
    assert "长" * 60 in body
    assert _responses(links[1]) == 0
    with schema_context("school_alpha"):
        assert not Answer.objects.filter(question__questionnaire=q).exists()
    # Corrected, it goes through.
    assert client.post(url, _post_for(questions)).status_code == 200
    assert _responses(links[1]) == 1


def test_a_link_of_alpha_means_nothing_at_beta(survey):
    _, questions, links = survey
    url = f"/evaluation/q/{links[0].token}/"
    assert client_for(BETA).get(url).status_code == 404
    assert client_for(BETA).post(url, _post_for(questions)).status_code == 404
    assert client_for(None).get(url).status_code == 404  # nor on the district site
    assert _responses(links[0]) == 0


def test_unknown_tokens_are_404():
    assert client_for(ALPHA).get("/evaluation/q/not-a-real-token/").status_code == 404
    assert client_for(ALPHA).get(f"/evaluation/q/{'x' * 80}/").status_code == 404


def test_csrf_applies_to_the_public_page(survey):
    _, questions, links = survey
    url = f"/evaluation/q/{links[2].token}/"
    strict = Client(HTTP_HOST=host(ALPHA), enforce_csrf_checks=True)
    assert strict.post(url, _post_for(questions)).status_code == 403
    assert _responses(links[2]) == 0
    page = strict.get(url)
    from django.conf import settings

    assert strict.cookies[settings.CSRF_COOKIE_NAME].value
    form_token = page.context["csrf_token"]
    response = strict.post(url, {**_post_for(questions), "csrfmiddlewaretoken": str(form_token)})
    assert response.status_code == 200
    assert _responses(links[2]) == 1


def test_closed_and_draft_questionnaires_take_no_answers(survey):
    q, questions, links = survey
    with schema_context("school_alpha"):
        services.questionnaire_update(q, actor=role_user("principal"), data={"status": "closed"})
    url = f"/evaluation/q/{links[0].token}/"
    page = client_for(ALPHA).get(url)
    assert (
        page.status_code == 200
        and zh("This questionnaire is closed and no longer takes answers.") in page.content.decode()
    )
    assert client_for(ALPHA).post(url, _post_for(questions)).status_code == 409
    assert _responses(links[0]) == 0
    with schema_context("school_alpha"):
        draft, *_ = f.survey(status="draft")
        (link,) = f.links(draft, 1)
    assert (
        zh("This questionnaire is not open for answers yet.")
        in client_for(ALPHA).get(f"/evaluation/q/{link.token}/").content.decode()
    )


def test_signed_in_staff_answer_the_same_way(survey):
    """A staff questionnaire link works the same for someone who happens to be signed in; the
    response records nothing about the person."""
    from tests.conftest import signed_in

    _, questions, links = survey
    client = signed_in(ALPHA, "r_member")
    assert client.post(f"/evaluation/q/{links[0].token}/", _post_for(questions)).status_code == 200
    with schema_context("school_alpha"):
        response = Response.objects.get(link=links[0])
        assert not hasattr(response, "created_by")


def zh(text: str) -> str:
    """What a zh-hans page shows for an English msgid, HTML-escaped."""
    from django.utils import translation
    from django.utils.html import escape

    with translation.override("zh-hans"):
        return escape(translation.gettext(text))
