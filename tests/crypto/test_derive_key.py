"""derive_key() and the keys made from MASTER_KEY stay what they were before there was one helper:
each purpose's bytes are pinned to the formula its module used (HKDF-SHA256 computed here with
cryptography directly), so data encrypted before still decrypts."""

import base64
import io
import json
import struct

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured
from django_tenants.utils import schema_context

from district.backup import encryption
from notices import secrets
from shared.crypto import derive_key, encrypt, master_key, unseal
from shared.keyring.keys import DataKeyMaterial
from shared.keyring.models import DataKey

RAW = bytes(range(32))  # a fixed MASTER_KEY, so the expected values do not depend on the machine's
MASTER = base64.urlsafe_b64encode(RAW).decode().rstrip("=")
WHERE = {"model": "notices.robot", "field": "url", "row": "0b0c4a8e-0b7e-4a57-9d55-5b7d7e2f7a10"}


def _hkdf(info: bytes, *, salt: bytes | None = None, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(RAW)


@pytest.fixture
def master(settings):
    settings.MASTER_KEY = MASTER
    return RAW


def test_master_key_reads_urlsafe_base64_with_or_without_padding(settings, master):
    assert master_key() == RAW
    settings.MASTER_KEY = base64.urlsafe_b64encode(RAW).decode()
    assert master_key() == RAW


def test_derive_key_is_hkdf_sha256_of_the_master_key(master):
    assert derive_key(b"xinyu/test") == _hkdf(b"xinyu/test")
    assert derive_key("xinyu/test") == _hkdf(b"xinyu/test")  # text is its UTF-8 bytes
    assert derive_key("xinyu/测试", 64) == _hkdf("xinyu/测试".encode(), length=64)
    assert derive_key(b"xinyu/test", salt=b"s" * 16) == _hkdf(b"xinyu/test", salt=b"s" * 16)
    assert derive_key(b"xinyu/a") != derive_key(b"xinyu/b")
    assert len(derive_key(b"xinyu/test", 16)) == 16


def test_public_secrets_key_is_pinned(master):
    """notices.secrets: HKDF, no salt, info b"xinyu/public-secrets/v1"."""
    expected = _hkdf(b"xinyu/public-secrets/v1")
    assert derive_key(secrets.PURPOSE + b"/v%d" % secrets.VERSION) == expected
    old_key = DataKeyMaterial(version=1, aead=AESGCM(expected))
    token = secrets.secret_seal("https://oapi.dingtalk.com/robot/send?access_token=abc", **WHERE)
    assert unseal(old_key, token, schema="public", **WHERE).endswith("access_token=abc")


def test_backup_file_key_is_pinned(master, tmp_path):
    """district.backup.encryption: HKDF with the file's salt, info b"xinyu/backup/v1"."""
    path = tmp_path / "one.bak"
    writer = encryption.EncryptingWriter(path.open("wb"))
    writer.write(b"pg_dump output")
    writer.close()
    data = path.read_bytes()
    header = data[: encryption.HEADER_BYTES]
    salt = header[len(encryption.MAGIC) + 1 : len(encryption.MAGIC) + 1 + encryption.SALT_BYTES]
    prefix = header[-encryption.PREFIX_BYTES :]
    (size,) = struct.unpack(">I", data[encryption.HEADER_BYTES : encryption.HEADER_BYTES + 4])
    sealed = data[encryption.HEADER_BYTES + 4 :]
    assert size == len(b"pg_dump output") and len(sealed) == size + 16
    old_key = AESGCM(_hkdf(b"xinyu/backup/v1", salt=salt))
    assert old_key.decrypt(prefix + struct.pack(">IB", 0, 1), sealed, header) == b"pg_dump output"


@pytest.mark.django_db
def test_data_keys_are_wrapped_under_the_master_key_itself(master):
    """shared.keyring: no derivation at all; MASTER_KEY is the AES-256-GCM key that wraps data keys,
    with ["xinyu/datakey", schema, version] as associated data."""
    with schema_context("school_alpha"):
        token = encrypt("睡不好", model="care.session", field="notes", row="r1")
        row = DataKey.objects.order_by("-version").first()
    wrapped = bytes(row.wrapped_key)
    aad = json.dumps(["xinyu/datakey", "school_alpha", row.version], separators=(",", ":")).encode()
    raw = AESGCM(RAW).decrypt(wrapped[:12], wrapped[12:], aad)

    key = DataKeyMaterial(version=row.version, aead=AESGCM(raw))
    assert (
        unseal(key, token, schema="school_alpha", model="care.session", field="notes", row="r1") == "睡不好"
    )


@pytest.mark.parametrize(
    ("use", "message"),
    [
        (lambda: secrets.secret_seal("x", **WHERE), "secrets cannot be stored"),
        (lambda: encryption.EncryptingWriter(io.BytesIO()), "backups cannot be made or read"),
    ],
)
def test_a_missing_master_key_says_what_cannot_be_done(settings, use, message):
    settings.MASTER_KEY = ""
    with pytest.raises(
        ImproperlyConfigured, match=f"MASTER_KEY \\(or MASTER_KEY_FILE\\) is not set: {message}"
    ):
        use()
