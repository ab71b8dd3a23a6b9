"""rotate_keys: a new key version, every value re-encrypted to it in batches, the old key retired;
an interrupted run is continued by the next one."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_context

from shared.keyring.models import DataKey, EncryptedNote

pytestmark = pytest.mark.django_db

ALPHA = "school_alpha"
BETA = "school_beta"


def _stored(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT public_id, body, updated_at FROM "{schema}".keyring_encryptednote ORDER BY id'
        )
        return {str(public_id): (body, updated_at) for public_id, body, updated_at in cursor.fetchall()}


def _versions(schema):
    return sorted(int(body.split(":")[1]) for body, _ in _stored(schema).values() if body)


def _rotate(*args):
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    connection.set_schema_to_public()
    return out.getvalue()


def _notes(schema, texts):
    with schema_context(schema):
        return {str(EncryptedNote.objects.create(body=t).public_id): t for t in texts}


def _plaintexts(schema):
    with schema_context(schema):
        return {str(n.public_id): n.body for n in EncryptedNote.objects.all()}


def test_rotation_re_encrypts_every_value_and_retires_the_old_key():
    texts = _notes(ALPHA, [f"第{i}次辅导记录" for i in range(5)] + [""])
    before = _stored(ALPHA)
    assert _versions(ALPHA) == [1] * 5

    out = _rotate("--school", "alpha", "--batch-size", "2")

    after = _stored(ALPHA)
    assert _versions(ALPHA) == [2] * 5
    assert _plaintexts(ALPHA) == texts
    for public_id, (body, updated_at) in after.items():
        assert updated_at == before[public_id][1]  # rotation is not an edit
        assert body == "" or body != before[public_id][0]
    with schema_context(ALPHA):
        keys = {k.version: k.retired_at for k in DataKey.objects.all()}
    assert set(keys) == {1, 2} and keys[1] is not None and keys[2] is None
    # Progress per batch of 2 rows (6 rows: 3 batches), then the totals.
    assert "alpha: keyring.encryptednote: 2 rows, 2 re-encrypted, 0 already on the new key, 0 empty" in out
    assert "alpha: keyring.encryptednote: 6 rows, 5 re-encrypted, 0 already on the new key, 1 empty" in out
    assert "rotation to key v2 started; 5 values re-encrypted this run, 0 still on older keys" in out
    assert "alpha: done; retired v1" in out


def test_an_interrupted_rotation_is_continued_not_restarted():
    texts = _notes(ALPHA, ["甲", "乙", "丙", "丁"])

    out = _rotate("--school", "alpha", "--batch-size", "1", "--limit", "1")
    assert _versions(ALPHA) == [1, 1, 1, 2]
    assert "1 values re-encrypted this run, 3 still on older keys" in out
    assert "alpha: not finished" in out
    with schema_context(ALPHA):
        assert DataKey.objects.filter(retired_at__isnull=True).count() == 2  # both live meanwhile
        # New text written during the rotation goes to the new key.
        texts |= {str(EncryptedNote.objects.create(body="戊").public_id): "戊"}
    assert _versions(ALPHA) == [1, 1, 1, 2, 2]
    assert _plaintexts(ALPHA) == texts

    untouched = {pid: body for pid, (body, _) in _stored(ALPHA).items() if body.startswith("xy1:2:")}
    out = _rotate("--school", "alpha", "--batch-size", "2")
    assert "rotation to key v2 continued; 3 values re-encrypted this run, 0 still on older keys" in out
    assert "5 rows, 3 re-encrypted, 2 already on the new key" in out
    stored = _stored(ALPHA)
    assert all(stored[pid][0] == body for pid, body in untouched.items())  # skipped, not redone
    assert _versions(ALPHA) == [2] * 5
    assert _plaintexts(ALPHA) == texts
    with schema_context(ALPHA):
        assert [(k.version, k.retired_at is None) for k in DataKey.objects.all()] == [(1, False), (2, True)]

    # A later run starts the next rotation.
    out = _rotate("--school", "alpha")
    assert "rotation to key v3 started; 5 values re-encrypted" in out and "retired v2" in out
    assert _plaintexts(ALPHA) == texts


def test_all_rotates_each_school_with_its_own_keys():
    alpha = _notes(ALPHA, ["阿尔法"])
    beta = _notes(BETA, ["贝塔", "贝塔二"])
    out = _rotate("--all", "--batch-size", "10")
    assert "alpha: rotation to key v2 started; 1 values re-encrypted" in out
    assert "beta: rotation to key v2 started; 2 values re-encrypted" in out
    assert _versions(ALPHA) == [2] and _versions(BETA) == [2, 2]
    assert _plaintexts(ALPHA) == alpha and _plaintexts(BETA) == beta


def test_a_value_that_does_not_decrypt_stops_the_rotation_and_nothing_is_retired():
    _notes(ALPHA, ["好的", "也好"])
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{ALPHA}".keyring_encryptednote ORDER BY id')
        first, second = (row[0] for row in cursor.fetchall())
        cursor.execute(
            f'UPDATE "{ALPHA}".keyring_encryptednote SET body = '
            f'(SELECT body FROM "{ALPHA}".keyring_encryptednote WHERE id = %s) WHERE id = %s',
            [first, second],
        )
    with pytest.raises(CommandError, match="cannot be decrypted"):
        _rotate("--school", "alpha")
    connection.set_schema_to_public()
    with schema_context(ALPHA):
        assert DataKey.objects.filter(retired_at__isnull=True).count() == 2


def test_unknown_school_and_bad_options_are_refused():
    with pytest.raises(CommandError, match="No school"):
        _rotate("--school", "nosuch")
    with pytest.raises(CommandError):
        _rotate("--school", "alpha", "--batch-size", "0")
