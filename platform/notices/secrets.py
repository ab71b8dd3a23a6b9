"""Secrets of the public schema (a group robot's webhook URL and signing secret), encrypted at rest.

School data keys (shared/keyring) live in each school's schema and refuse the public one, so the
district's tables get one key of their own: shared.crypto.derive_key() with a purpose label, never
stored. Tokens have shared/crypto's format (``xy1:<version>:<nonce>:<ciphertext>``), made with its
seal/unseal, bound to the "public" schema, the model, the field and the row's public_id: a token
copied to another row or field does not decrypt.
"""

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.crypto import derive_key, seal, unseal
from shared.keyring.keys import DataKeyMaterial

PURPOSE = b"xinyu/public-secrets"
VERSION = 1
SCHEMA = "public"


def _key() -> DataKeyMaterial:
    derived = derive_key(PURPOSE + b"/v%d" % VERSION, needed_for="secrets cannot be stored")
    return DataKeyMaterial(version=VERSION, aead=AESGCM(derived))


def secret_seal(plaintext: str, *, model: str, field: str, row: str) -> str:
    return seal(_key(), plaintext, schema=SCHEMA, model=model, field=field, row=str(row))


def secret_unseal(token: str, *, model: str, field: str, row: str) -> str:
    return unseal(_key(), token, schema=SCHEMA, model=model, field=field, row=str(row))
