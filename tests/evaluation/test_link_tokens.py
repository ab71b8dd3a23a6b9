"""Issue 8, point 3.5: questionnaire answer links keep only the SHA-256 of their token and expire
after shared.links.LINK_DAYS days, like screening links (the same helper); existing plain tokens are
hashed by the migration."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

import shared.links
from tenants.evaluation import services
from tenants.evaluation.models import AnswerLink, Response
from tests.conftest import ALPHA, api_client, client_for, role_user, signed_in
from tests.evaluation import factories as f

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _row_values(link_pk: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM evaluation_answerlink WHERE id = %s", [link_pk])
        return [str(v) for v in cursor.fetchone()]


def test_only_the_hash_is_stored_and_links_expire_after_the_screening_link_days():
    with schema_context(SCHEMA):
        q, *_ = f.survey()
        before = timezone.now()
        links = services.links_generate(actor=role_user("principal"), questionnaire=q, count=3)
        for link in links:
            stored = AnswerLink.objects.get(pk=link.pk)
            assert stored.token_hash == _sha(link.token) and len(link.token) >= 32
            assert not any(link.token in value for value in _row_values(link.pk))
            assert not hasattr(stored, "token")
            expected = before + timedelta(days=7)
            assert expected <= stored.expires_at <= timezone.now() + timedelta(days=7)
    # One helper for both kinds of one-time link.
    from tenants.screening import services as screening

    assert shared.links.LINK_DAYS == 7 and screening.LINK_DAYS == shared.links.LINK_DAYS
    assert screening.token_hash is shared.links.token_hash
    assert services.token_hash is shared.links.token_hash


def test_an_expired_link_takes_no_answer():
    with schema_context(SCHEMA):
        q, single, multiple, scale, text = f.survey()
        live, expired = f.links(q, 2)
        AnswerLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        answers = {str(scale.public_id): ["4"]}
        with pytest.raises(services.LinkExpired):
            services.response_submit(token=expired.token, answers=answers)
        assert not Response.objects.filter(link=expired).exists()
    client = client_for(ALPHA)
    page = client.get(f"/evaluation/q/{expired.token}/")
    assert page.status_code == 410 and "已过期" in page.content.decode()
    assert client.post(f"/evaluation/q/{expired.token}/", {f"q-{scale.public_id}": "4"}).status_code == 410
    assert client.get(f"/evaluation/q/{live.token}/").status_code == 200
    # The hash itself is not a way in.
    with schema_context(SCHEMA):
        stored_hash = AnswerLink.objects.get(pk=live.pk).token_hash
    assert client.get(f"/evaluation/q/{stored_hash}/").status_code == 404
    with schema_context(SCHEMA):
        assert not Response.objects.filter(link=expired).exists()


def test_the_api_gives_the_url_once_when_the_link_is_made():
    with schema_context(SCHEMA):
        q, *_ = f.survey()
    connection.set_schema_to_public()
    client = api_client(ALPHA, "r_principal")
    made = client.post(
        "/api/v1/questionnaire-links/",
        {"questionnaire": str(q.public_id), "label": "家长甲"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    token = body["url"].rstrip("/").rsplit("/", 1)[-1]
    assert body["url"].endswith(f"/evaluation/q/{token}/") and body["expires_at"]
    with schema_context(SCHEMA):
        assert AnswerLink.objects.get(public_id=body["id"]).token_hash == _sha(token)
    again = client.get(f"/api/v1/questionnaire-links/{body['id']}/").json()
    assert again["url"] is None and "token" not in again
    assert client_for(ALPHA).get(f"/evaluation/q/{token}/").status_code == 200


def test_the_links_page_shows_new_links_once_and_downloads_them():
    with schema_context(SCHEMA):
        q, *_ = f.survey()
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_principal")
    url = f"/evaluation/questionnaires/{q.public_id}/links/"
    made = client.post(url, {"count": "2", "label": "初二(1)班"})
    assert made.status_code == 200
    new = made.context["new_links"]
    assert len(new) == 2 and all(link["url"] in made.content.decode() for link in new)
    with schema_context(SCHEMA):
        hashes = set(AnswerLink.objects.filter(questionnaire=q).values_list("token_hash", flat=True))
    tokens = {link["url"].rstrip("/").rsplit("/", 1)[-1] for link in new}
    assert {_sha(t) for t in tokens} == hashes
    # Listed again later: labels and expiry, no link.
    later = client.get(url).content.decode()
    assert "初二(1)班 #1" in later and not any(t in later for t in tokens)
    listed = client.get(url + "?export=xlsx")
    cells = [
        c for row in load_workbook(io.BytesIO(listed.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert not any(t in str(c) for t in tokens for c in cells)
    # Generate and download at once.
    download = client.post(url, {"count": "3", "label": "初二(2)班", "as_xlsx": "1"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][0] == "初二(2)班 #3"
    fresh = {row[1].rstrip("/").rsplit("/", 1)[-1] for row in rows[1:]}
    with schema_context(SCHEMA):
        assert AnswerLink.objects.filter(token_hash__in=[_sha(t) for t in fresh]).count() == 3


def test_the_migration_hashes_existing_tokens_and_starts_their_expiry():
    migration = __import__(
        "tenants.evaluation.migrations.0002_answer_link_token_hash", fromlist=["hash_tokens"]
    )
    state_apps = MigrationLoader(connection).project_state(("evaluation", "0002_answer_link_token_hash")).apps
    with schema_context(SCHEMA):
        q, *_ = f.survey()
        (link,) = f.links(q, 1)
        # The row as the old release left it: a plain token, no hash, no expiry.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events before DDL
            cursor.execute("ALTER TABLE evaluation_answerlink ADD COLUMN token varchar(64)")
            cursor.execute(
                "UPDATE evaluation_answerlink SET token = 'plain-old-token', token_hash = 'x', "
                "expires_at = '2000-01-01T00:00:00Z' WHERE id = %s",
                [link.pk],
            )
        migration.hash_tokens(state_apps, None)
        stored = AnswerLink.objects.get(pk=link.pk)
        assert stored.token_hash == _sha("plain-old-token")
        assert timezone.now() + timedelta(days=6) < stored.expires_at <= timezone.now() + timedelta(days=7)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE evaluation_answerlink DROP COLUMN token")
    # The old link keeps working until then.
    assert client_for(ALPHA).get("/evaluation/q/plain-old-token/").status_code == 200
