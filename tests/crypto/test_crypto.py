"""encrypt()/decrypt(): round trip, binding to school, model, field and row, tampering, the master key,
and the per-school data keys behind them."""

import base64
import os
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_tenants.utils import schema_context

from shared.crypto import DecryptionError, decrypt, encrypt, token_version
from shared.keyring import keys
from shared.keyring.models import DataKey
from shared.tenancy.context_helpers import PublicSchemaRefused

pytestmark = pytest.mark.django_db

ALPHA = "school_alpha"
BETA = "school_beta"
TEXT = "王小明说他最近睡不好，想到过伤害自己。"
WHERE = {"model": "care.counselingsession", "field": "notes", "row": "6f0c4a8e-0b7e-4a57-9d55-5b7d7e2f7a10"}


def _new_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_round_trip_with_a_fresh_nonce_each_time():
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
        again = encrypt(TEXT, **WHERE)
        version = DataKey.objects.get().version
        assert re.fullmatch(rf"xy1:{version}:[A-Za-z0-9_-]{{16}}:[A-Za-z0-9_-]{{22,}}", token)
        assert token != again
        assert TEXT not in token
        assert decrypt(token, **WHERE) == TEXT
        assert decrypt(again, **WHERE) == TEXT
        assert decrypt(encrypt("", **WHERE), **WHERE) == ""


def test_first_key_is_made_on_first_use_and_only_once():
    with schema_context(ALPHA):
        assert DataKey.objects.count() == 0
        encrypt(TEXT, **WHERE)
        encrypt(TEXT, **WHERE)
        key = DataKey.objects.get()
        assert key.version == 1 and key.retired_at is None
        # Stored wrapped: nonce, 32 key bytes, tag.
        assert len(bytes(key.wrapped_key)) == 12 + 32 + 16
    with schema_context(BETA):
        assert DataKey.objects.count() == 0  # each school has its own, made when it needs one


@pytest.mark.parametrize(
    "changed",
    [
        {"model": "care.crisiscase"},
        {"field": "summary"},
        {"row": "0b2e1c39-4f0c-4d8e-8c6a-1f3c2a9d0e77"},
    ],
)
def test_a_value_read_as_another_model_field_or_row_fails(changed):
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
        with pytest.raises(DecryptionError) as raised:
            decrypt(token, **{**WHERE, **changed})
    assert TEXT not in str(raised.value) and token not in str(raised.value)


def test_a_value_copied_to_another_school_fails():
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
    with schema_context(BETA):
        encrypt("beta has a key of the same version", **WHERE)
        assert DataKey.objects.get().version == token_version(token)
        with pytest.raises(DecryptionError):
            decrypt(token, **WHERE)


def test_a_wrapped_key_copied_to_another_school_does_not_unwrap():
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
        wrapped = bytes(DataKey.objects.get(version=1).wrapped_key)
    with schema_context(BETA):
        DataKey.objects.create(version=1, wrapped_key=wrapped)
        with pytest.raises(DecryptionError, match="does not unwrap"):
            keys.data_key_get(1)
        with pytest.raises(DecryptionError):
            decrypt(token, **WHERE)


def test_a_school_without_that_key_version_refuses():
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
    with schema_context(BETA):
        assert not DataKey.objects.exists()
        with pytest.raises(DecryptionError, match="no data key v1"):
            decrypt(token, **WHERE)
        assert not DataKey.objects.exists()  # reading never makes a key


def _tampered(token: str) -> list[str]:
    prefix, version, nonce, ciphertext = token.split(":")
    flip = lambda s, i: s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1 :]  # noqa: E731
    return [
        ":".join([prefix, version, nonce, flip(ciphertext, 0)]),
        ":".join([prefix, version, nonce, flip(ciphertext, len(ciphertext) - 3)]),
        ":".join([prefix, version, flip(nonce, 5), ciphertext]),
        ":".join([prefix, version, nonce, ciphertext[:-4]]),
        ":".join([prefix, str(int(version) + 1), nonce, ciphertext]),
        ":".join(["xy2", version, nonce, ciphertext]),
        ":".join([prefix, version, nonce]),
        "xy1:1:short:short",
        TEXT,
        "",
    ]


def test_tampered_or_malformed_tokens_raise_and_never_come_back_as_text():
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
        assert keys.data_key_rotation_start() == (2, True)  # a real v2, so "v1 -> v2" meets a valid key
        for bad in _tampered(token):
            with pytest.raises(DecryptionError):
                decrypt(bad, **WHERE)


def test_a_wrong_master_key_raises(settings):
    with schema_context(ALPHA):
        token = encrypt(TEXT, **WHERE)
        settings.MASTER_KEY = _new_master_key()
        with pytest.raises(DecryptionError, match="MASTER_KEY"):
            decrypt(token, **WHERE)
        # Nor does it encrypt new text under a key it cannot unwrap.
        with pytest.raises(DecryptionError):
            encrypt(TEXT, **WHERE)


@pytest.mark.parametrize("value", [None, "", "not base64 !", base64.urlsafe_b64encode(b"x" * 16).decode()])
def test_a_missing_or_malformed_master_key_is_named(settings, value):
    settings.MASTER_KEY = value
    with schema_context(ALPHA):
        with pytest.raises(ImproperlyConfigured, match="MASTER_KEY"):
            encrypt(TEXT, **WHERE)


def test_the_public_schema_is_refused():
    connection.set_schema_to_public()
    with pytest.raises(PublicSchemaRefused):
        encrypt(TEXT, **WHERE)
    with pytest.raises(PublicSchemaRefused):
        decrypt("xy1:1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA", **WHERE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.keyring_datakey')")
        assert cursor.fetchone()[0] is None  # no key table in the district's schema
