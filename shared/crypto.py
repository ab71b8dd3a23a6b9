"""Clinical text encrypted at rest, per school, and bound to where it is stored.

    token = encrypt(text, model="care.session", field="notes", row=str(session.public_id))
    text = decrypt(token, model="care.session", field="notes", row=str(session.public_id))

A token is ``xy1:<key version>:<nonce>:<ciphertext>`` (urlsafe base64 without padding): AES-256-GCM
under the current school's data key (shared/keyring), with the schema, model, field, row and key
version as associated data. A token copied to another row, field, model or school, a tampered token
and a wrong MASTER_KEY all raise DecryptionError; ciphertext is never handed back as if it were text.

EncryptedTextField does this for a model field: the column holds only tokens, the attribute reads
as plaintext (decrypted when first read), and the field cannot be queried.

MASTER_KEY itself is read in one place, master_key(); derive_key() gives a sub-key of it for one
purpose (the public schema's secrets, backup files), so there is no second master key to keep.
"""

import base64
import binascii
import json
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from shared.tenancy.context_helpers import require_school_schema

PREFIX = "xy1"
NONCE_BYTES = 12
_TOKEN = re.compile(rf"^{PREFIX}:([1-9][0-9]{{0,8}}):([A-Za-z0-9_-]{{16}}):([A-Za-z0-9_-]{{22,}})$")


class DecryptionError(Exception):
    """A value that cannot be decrypted here: wrong MASTER_KEY, no such data key, tampered, or copied
    from another row, field, model or school. The message names where, never what."""


def master_key(*, needed_for: str = "encrypted data cannot be written or read") -> bytes:
    """The 32 bytes of MASTER_KEY (urlsafe base64 in settings). ImproperlyConfigured when it is unset,
    saying what cannot be done (`needed_for`), or malformed; the value itself is never echoed."""
    value = getattr(settings, "MASTER_KEY", None)
    if not value:
        raise ImproperlyConfigured(f"MASTER_KEY (or MASTER_KEY_FILE) is not set: {needed_for}")
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured("MASTER_KEY must be urlsafe base64 of 32 random bytes")
    return raw


def derive_key(
    purpose: bytes | str,
    length: int = 32,
    *,
    salt: bytes | None = None,
    needed_for: str = "encrypted data cannot be written or read",
) -> bytes:
    """A sub-key of MASTER_KEY for one purpose: HKDF-SHA256 with `purpose` (UTF-8 when text) as info
    and an optional salt. The same purpose and salt always give the same bytes, so a label must never
    change once data is encrypted under it; a new format gets a new label."""
    info = purpose.encode("utf-8") if isinstance(purpose, str) else purpose
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(
        master_key(needed_for=needed_for)
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aad(*, schema: str, model: str, field: str, row: str, version: int) -> bytes:
    # A JSON array is an unambiguous encoding: no two bindings give the same bytes.
    return json.dumps([PREFIX, schema, model, field, str(row), version], separators=(",", ":")).encode()


def _parse(token: str) -> tuple[int, bytes, bytes]:
    match = _TOKEN.match(token) if isinstance(token, str) else None
    if match is None:
        raise DecryptionError("Not an encrypted value (malformed token)")
    try:
        return int(match.group(1)), _unb64(match.group(2)), _unb64(match.group(3))
    except (binascii.Error, ValueError):
        raise DecryptionError("Not an encrypted value (malformed token)") from None


def token_version(token: str) -> int:
    """The data key version a token was encrypted with (DecryptionError when it is not a token)."""
    return _parse(token)[0]


def seal(key, plaintext: str, *, schema: str, model: str, field: str, row: str) -> str:
    """Encrypt with a given data key (shared.keyring.keys.DataKeyMaterial). Most code wants encrypt()."""
    if not isinstance(plaintext, str):
        raise TypeError("Only text is encrypted")
    nonce = os.urandom(NONCE_BYTES)
    aad = _aad(schema=schema, model=model, field=field, row=row, version=key.version)
    return f"{PREFIX}:{key.version}:{_b64(nonce)}:{_b64(key.aead.encrypt(nonce, plaintext.encode('utf-8'), aad))}"


def unseal(key, token: str, *, schema: str, model: str, field: str, row: str) -> str:
    """Decrypt with a given data key, which must be the token's version. Most code wants decrypt()."""
    version, nonce, ciphertext = _parse(token)
    if version != key.version:
        raise DecryptionError(f"Token is of key v{version}, not v{key.version}")
    aad = _aad(schema=schema, model=model, field=field, row=row, version=version)
    try:
        plaintext = key.aead.decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptionError(
            f"{model}.{field} of row {row} does not decrypt in {schema}: altered, copied from another "
            "row, field, model or school, or encrypted under another key"
        ) from None
    return plaintext.decode("utf-8")


def encrypt(plaintext: str, *, model: str, field: str, row: str) -> str:
    """A token for `plaintext`, under the current school's current data key (made on first use)."""
    from shared.keyring.keys import data_key_current

    schema = require_school_schema()
    return seal(data_key_current(), plaintext, schema=schema, model=model, field=field, row=str(row))


def decrypt(token: str, *, model: str, field: str, row: str) -> str:
    """The plaintext of a token made by encrypt() with the same model, field and row, in this school."""
    from shared.keyring.keys import data_key_get

    schema = require_school_schema()
    key = data_key_get(token_version(token))
    return unseal(key, token, schema=schema, model=model, field=field, row=str(row))


class Ciphertext:
    """A stored token, as loaded from the database. Not text: it prints as a placeholder, and reading
    the model attribute gives the plaintext."""

    __slots__ = ("token", "_plaintext")

    def __init__(self, token: str):
        self.token = token
        self._plaintext = None

    def __repr__(self):
        return "<Ciphertext>"

    def __reduce__(self):
        # Pickled (a cache, a copy) as the token alone, never with the plaintext read from it.
        return (Ciphertext, (self.token,))

    def __eq__(self, other):
        return isinstance(other, Ciphertext) and other.token == self.token

    def __hash__(self):
        return hash(self.token)


def _binding(field, instance) -> dict:
    return {"model": field.model._meta.label_lower, "field": field.name, "row": str(instance.public_id)}


class _DecryptingAttribute(DeferredAttribute):
    """Gives the plaintext when the attribute is read; decrypts on first read, raises when it cannot.
    A data descriptor (it has __set__), so reads come here even when the instance holds a value."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            if value._plaintext is None:
                value._plaintext = decrypt(value.token, **_binding(self.field, instance))
            return value._plaintext
        return value


class EncryptedTextField(models.TextField):
    """Text stored only as ciphertext, bound to the school, model, field and the row's public_id.

    - Assign and read plaintext; saving the instance encrypts (again on every save of changed or
      unsaved text, with a fresh nonce). An empty string is stored as an empty string.
    - It cannot be filtered on, and update()/bulk_update() with plaintext are refused: both would
      put plaintext in SQL.
    - Renaming the model or field changes the binding: re-encrypt the values in the same migration.
    """

    descriptor_class = _DecryptingAttribute
    description = "Text encrypted at rest"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not any(f.name == "public_id" for f in self.model._meta.get_fields()):
            errors.append(
                checks.Error(
                    "EncryptedTextField binds each value to its row's public_id; this model has none",
                    hint="Inherit from shared.models.PublicModel.",
                    obj=self,
                    id="crypto.E001",
                )
            )
        if self.unique or self.db_index:
            errors.append(
                checks.Error(
                    "An EncryptedTextField cannot be unique or indexed: it holds random-looking ciphertext",
                    obj=self,
                    id="crypto.E002",
                )
            )
        return errors

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return Ciphertext(value)

    def _stored(self, instance):
        """What the column gets for this instance: the loaded token unchanged, or the plaintext
        encrypted now. The instance keeps its plaintext, so if this save rolls back (taking a school's
        first data key with it) the next save encrypts again rather than reuse a dead token."""
        value = instance.__dict__.get(self.attname)
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        return Ciphertext(encrypt(self.to_python(value), **_binding(self, instance)))

    def pre_save(self, model_instance, add):
        return self._stored(model_instance)

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return value.token
        raise TypeError(
            "EncryptedTextField stores ciphertext only: set the attribute and save the instance "
            "(update(), bulk_update() and lookups would put plaintext in SQL)"
        )

    def value_to_string(self, obj):
        # Serialised (dumpdata) as the token, never the plaintext.
        return self.get_prep_value(self._stored(obj))

    def get_lookup(self, lookup_name):
        raise FieldError(
            f"EncryptedTextField {self.name!r} cannot be queried ({lookup_name}): it holds ciphertext"
        )

    def get_transform(self, lookup_name):
        raise FieldError(
            f"EncryptedTextField {self.name!r} cannot be queried ({lookup_name}): it holds ciphertext"
        )
