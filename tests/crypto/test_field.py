"""EncryptedTextField, through keyring.EncryptedNote: the table holds only ciphertext, the attribute
reads as plaintext, and a value moved to another row or school does not decrypt."""

import base64
import os
import pickle
import uuid

import pytest
from django.core import serializers
from django.core.exceptions import FieldError
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext, isolate_apps
from django_tenants.utils import schema_context

from shared.crypto import Ciphertext, DecryptionError, EncryptedTextField, decrypt
from shared.keyring.models import EncryptedNote

pytestmark = pytest.mark.django_db

ALPHA = "school_alpha"
BETA = "school_beta"


def _marker() -> str:
    return f"李明-标记-{uuid.uuid4().hex[:8]}"


def _raw(schema: str, sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{schema}", schema), params)
        return cursor.fetchall() if cursor.description else None


def test_the_table_holds_only_ciphertext():
    marker = _marker()
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body=f"{marker} 自述情绪低落两周")
        empty = EncryptedNote.objects.create(body="")
        rows = dict(_raw(ALPHA, 'SELECT id, body FROM "{schema}".keyring_encryptednote'))
        whole_table = _raw(ALPHA, 'SELECT row_to_json(t)::text FROM "{schema}".keyring_encryptednote t')
    assert rows[note.pk].startswith("xy1:")
    assert marker not in rows[note.pk]
    assert rows[empty.pk] == ""  # empty stays empty
    assert not any(marker in text for (text,) in whole_table)
    # And the token is the one decrypt() reads with this row's binding.
    with schema_context(ALPHA):
        assert decrypt(
            rows[note.pk], model="keyring.encryptednote", field="body", row=str(note.public_id)
        ).startswith(marker)


def _selects(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT")]


def test_reading_gives_plaintext_decrypted_once_and_lazily():
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body="需要跟进")
        assert note.body == "需要跟进"  # the instance saved keeps its text
        loaded = EncryptedNote.objects.get(pk=note.pk)
        assert isinstance(loaded.__dict__["body"], Ciphertext)
        with CaptureQueriesContext(connection) as first:
            assert loaded.body == "需要跟进"
        with CaptureQueriesContext(connection) as second:
            assert loaded.body == "需要跟进"
        assert (
            len(_selects(first.captured_queries)) == 1
            and "keyring_datakey" in first.captured_queries[-1]["sql"]
        )
        assert _selects(second.captured_queries) == []
        assert EncryptedNote.objects.get(pk=note.pk).body == "需要跟进"
        assert EncryptedNote.objects.create().body == ""
        # A loaded instance pickles (for a cache, say) with the token only, not the text it was read as.
        pickled = pickle.dumps(loaded)
        assert "需要跟进".encode() not in pickled
        assert pickle.loads(pickled).body == "需要跟进"


def test_loading_does_not_decrypt_but_reading_a_bad_value_raises(settings):
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body="秘密")
        settings.MASTER_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
        loaded = EncryptedNote.objects.get(pk=note.pk)  # nothing decrypted yet
        with pytest.raises(DecryptionError):
            loaded.body  # noqa: B018


def test_saving_unchanged_keeps_the_token_and_changed_text_is_encrypted_again():
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body="第一次")
        token = _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s', [note.pk])[0][
            0
        ]
        loaded = EncryptedNote.objects.get(pk=note.pk)
        assert loaded.body == "第一次"
        loaded.save()
        assert (
            _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s', [note.pk])[0][0]
            == token
        )
        loaded.body = "第二次"
        loaded.save()
        new = _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s', [note.pk])[0][0]
        assert new != token and new.startswith("xy1:") and "第二次" not in new
        assert EncryptedNote.objects.get(pk=note.pk).body == "第二次"


def test_ciphertext_copied_to_another_row_fails():
    with schema_context(ALPHA):
        secret = EncryptedNote.objects.create(body="只属于这一行")
        other = EncryptedNote.objects.create(body="另一行")
        _raw(
            ALPHA,
            'UPDATE "{schema}".keyring_encryptednote SET body = '
            '(SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s) WHERE id = %s',
            [secret.pk, other.pk],
        )
        moved = EncryptedNote.objects.get(pk=other.pk)
        with pytest.raises(DecryptionError):
            moved.body  # noqa: B018
        assert EncryptedNote.objects.get(pk=secret.pk).body == "只属于这一行"


def test_ciphertext_copied_to_another_school_fails_even_with_the_same_row_id():
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body="阿尔法学校的记录")
        token = _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s', [note.pk])[0][
            0
        ]
    with schema_context(BETA):
        EncryptedNote.objects.create(body="贝塔学校也有自己的密钥 v1")
        _raw(
            BETA,
            'INSERT INTO "{schema}".keyring_encryptednote (public_id, created_at, updated_at, body) '
            "VALUES (%s, now(), now(), %s)",
            [note.public_id, token],
        )
        copied = EncryptedNote.objects.get(public_id=note.public_id)
        with pytest.raises(DecryptionError):
            copied.body  # noqa: B018


def test_ciphertext_read_as_another_field_or_model_fails():
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body="只属于 body")
        token = _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s', [note.pk])[0][
            0
        ]
        for model, field in (("keyring.encryptednote", "summary"), ("care.counselingsession", "body")):
            with pytest.raises(DecryptionError):
                decrypt(token, model=model, field=field, row=str(note.public_id))


def test_plaintext_cannot_be_queried_or_written_around_the_field():
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body="查不到")
        for lookup in (
            {"body": "查不到"},
            {"body__icontains": "查"},
            {"body__startswith": "xy1"},
            {"body__isnull": False},
        ):
            with pytest.raises(FieldError, match="cannot be queried"):
                EncryptedNote.objects.filter(**lookup).exists()
        # (Each in a savepoint: Django marks the transaction for rollback when update() raises.)
        with pytest.raises(TypeError, match="ciphertext only"), transaction.atomic():
            EncryptedNote.objects.filter(pk=note.pk).update(body="明文")
        note.body = "批量明文"
        with pytest.raises(TypeError, match="ciphertext only"), transaction.atomic():
            EncryptedNote.objects.bulk_update([note], ["body"])
        assert (
            "明文"
            not in _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote WHERE id = %s', [note.pk])[
                0
            ][0]
        )
        # values() hands back the stored ciphertext wrapped, never as text.
        (value,) = EncryptedNote.objects.filter(pk=note.pk).values_list("body", flat=True)
        assert isinstance(value, Ciphertext) and str(value) == "<Ciphertext>"


def test_serialising_writes_ciphertext_only():
    marker = _marker()
    with schema_context(ALPHA):
        note = EncryptedNote.objects.create(body=marker)
        dumped = serializers.serialize("json", EncryptedNote.objects.filter(pk=note.pk))
        unsaved = serializers.serialize("json", [EncryptedNote(body=marker)])
    assert marker not in dumped and '"body": "xy1:' in dumped
    assert marker not in unsaved


def test_bulk_create_encrypts():
    marker = _marker()
    with schema_context(ALPHA):
        notes = EncryptedNote.objects.bulk_create([EncryptedNote(body=f"{marker}-{i}") for i in range(3)])
        stored = _raw(ALPHA, 'SELECT body FROM "{schema}".keyring_encryptednote')
        assert stored and not any(marker in body for (body,) in stored)
        assert sorted(EncryptedNote.objects.get(public_id=n.public_id).body for n in notes) == [
            f"{marker}-{i}" for i in range(3)
        ]


@isolate_apps("shared.keyring")
def test_a_model_without_public_id_or_with_an_index_is_refused_by_the_checks():
    class NoPublicId(models.Model):
        body = EncryptedTextField()
        indexed = EncryptedTextField(db_index=True)

        class Meta:
            app_label = "keyring"

    ids = {e.id for e in NoPublicId._meta.get_field("body").check()}
    assert ids == {"crypto.E001"}
    assert {e.id for e in NoPublicId._meta.get_field("indexed").check()} == {"crypto.E001", "crypto.E002"}
