"""Secrets of the public schema (a group robot's webhook URL and signing secret), encrypted at rest.

School data keys (shared/keyring) live in each school's schema and refuse the public one, so the
district's tables get one key of their own: HKDF-SHA256 of MASTER_KEY with a purpose label, never
stored. Tokens have shared/crypto's format (``xy1:<version>:<nonce>:<ciphertext>``), made with its
seal/unseal, bound to the "public" schema, the model, the field and the row's public_id: a token
copied to another row or field does not decrypt.
"""

import base64
import binascii
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from shared.crypto import seal, unseal

PURPOSE = b"xinyu/public-secrets"
VERSION = 1
SCHEMA = "public"


@dataclass(frozen=True)
class _PublicKey:
    version: int
    aead: AESGCM

    def __repr__(self):
        return f"_PublicKey(v{self.version})"


def _key() -> _PublicKey:
    value = getattr(settings, "MASTER_KEY", None)
    if not value:
        raise ImproperlyConfigured("MASTER_KEY (or MASTER_KEY_FILE) is not set: secrets cannot be stored")
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured("MASTER_KEY must be urlsafe base64 of 32 random bytes")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE + b"/v%d" % VERSION).derive(
        raw
    )
    return _PublicKey(version=VERSION, aead=AESGCM(derived))


def secret_seal(plaintext: str, *, model: str, field: str, row: str) -> str:
    return seal(_key(), plaintext, schema=SCHEMA, model=model, field=field, row=str(row))


def secret_unseal(token: str, *, model: str, field: str, row: str) -> str:
    return unseal(_key(), token, schema=SCHEMA, model=model, field=field, row=str(row))
