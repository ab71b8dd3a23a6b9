"""The current school's data keys: the current one (created on first use), one by version, a new
version for rotation, and retiring. Every function works in the schema of the current connection and
refuses the public schema.

A data key is 32 random bytes for AES-256-GCM. It is stored wrapped: AES-256-GCM under MASTER_KEY,
with a fresh nonce, and with the schema name and the key's version as associated data. A wrapped key
copied into another school's table, or renumbered, does not unwrap; data_key_rewrap() moves one to a
new schema name on purpose (restoring a backup under a new code).

Nothing is cached between calls: a key row is read (one indexed query) each time, so a key created
in a transaction that rolls back is never used afterwards.
"""

import json
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from shared.crypto import DecryptionError, master_key
from shared.tenancy.context_helpers import require_school_schema

NONCE_BYTES = 12


@dataclass(frozen=True)
class DataKeyMaterial:
    """An unwrapped data key, ready to encrypt and decrypt. Never logged, never stored."""

    version: int
    aead: AESGCM

    def __repr__(self):
        return f"DataKeyMaterial(v{self.version})"


def _master() -> AESGCM:
    # MASTER_KEY itself (not a derived sub-key) wraps the data keys, as it always has.
    return AESGCM(master_key(needed_for="clinical text cannot be encrypted or read"))


def _wrap_aad(schema: str, version: int) -> bytes:
    return json.dumps(["xinyu/datakey", schema, version], separators=(",", ":")).encode()


def _wrap(raw: bytes, *, schema: str, version: int) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _master().encrypt(nonce, raw, _wrap_aad(schema, version))


def _unwrap_raw(wrapped: bytes, *, schema: str, version: int) -> bytes:
    wrapped = bytes(wrapped)
    try:
        return _master().decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(schema, version))
    except (InvalidTag, ValueError):
        raise DecryptionError(
            f"Data key v{version} of {schema} does not unwrap: MASTER_KEY is not the one it was made with, "
            "or the key was copied from another school"
        ) from None


def _unwrap(wrapped: bytes, *, schema: str, version: int) -> DataKeyMaterial:
    return DataKeyMaterial(version=version, aead=AESGCM(_unwrap_raw(wrapped, schema=schema, version=version)))


def data_key_rewrap(
    wrapped: bytes, *, schema: str, new_schema: str, version: int
) -> tuple[bytes, DataKeyMaterial]:
    """A data key wrapped for `schema`, wrapped again for `new_schema` at the same version, and the key
    itself. The wrapping is bound to the schema name, so a school restored under a new name needs its
    keys re-wrapped (shared.crypto tokens, also bound to the schema, are re-sealed with the key).

    Works on the given names, not the current connection's schema. Raises DecryptionError when the
    key does not unwrap under this MASTER_KEY for `schema`."""
    raw = _unwrap_raw(wrapped, schema=schema, version=version)
    return _wrap(raw, schema=new_schema, version=version), DataKeyMaterial(version=version, aead=AESGCM(raw))


def _model():
    from shared.keyring.models import DataKey

    return DataKey


def _lock() -> None:
    """Serialise key creation and retirement within this school (the table is the school's own), until
    the end of the transaction. Readers are not blocked."""
    table = connection.ops.quote_name(_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def _current_row():
    return _model().objects.filter(retired_at__isnull=True).order_by("-version").first()


def _create_next(schema: str):
    """Add the next version. Call holding _lock()."""
    DataKey = _model()
    version = (DataKey.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    wrapped = _wrap(AESGCM.generate_key(bit_length=256), schema=schema, version=version)
    return DataKey.objects.create(version=version, wrapped_key=wrapped)


def data_key_current() -> DataKeyMaterial:
    """The key new values are encrypted with: the newest one not retired. The school's first key is
    made here, on first use; two processes asking at once get the same one."""
    schema = require_school_schema()
    row = _current_row()
    if row is None:
        with transaction.atomic():
            _lock()
            row = _current_row()  # another process may have made it while this one waited
            if row is None:
                row = _create_next(schema)
    return _unwrap(row.wrapped_key, schema=schema, version=row.version)


def data_key_get(version: int) -> DataKeyMaterial:
    """The key of `version`, retired or not; DecryptionError when this school has none."""
    schema = require_school_schema()
    wrapped = _model().objects.filter(version=version).values_list("wrapped_key", flat=True).first()
    if wrapped is None:
        raise DecryptionError(f"{schema} has no data key v{version}")
    return _unwrap(wrapped, schema=schema, version=version)


def data_key_rotation_start() -> tuple[int, bool]:
    """The version a rotation moves values to, and whether it was made now.

    A rotation in progress (an older key still not retired next to the newest) is continued rather
    than started again, so that rerunning an interrupted rotation does not re-encrypt what it did."""
    schema = require_school_schema()
    with transaction.atomic():
        _lock()
        live = list(_model().objects.filter(retired_at__isnull=True).order_by("-version"))
        if len(live) >= 2:
            return live[0].version, False
        return _create_next(schema).version, True


def data_key_retire_older(version: int) -> list[int]:
    """Retire every key older than `version` that is still live; the versions retired."""
    require_school_schema()
    with transaction.atomic():
        _lock()
        older = _model().objects.filter(retired_at__isnull=True, version__lt=version)
        versions = list(older.values_list("version", flat=True))
        older.update(retired_at=timezone.now())
    return versions
