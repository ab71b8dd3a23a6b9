"""Rotating the current school's data key: a new key version, every EncryptedTextField value of every
school model re-encrypted to it in batches, then the old keys retired once nothing uses them.

Resumable: each batch commits on its own, values already on the new version are skipped, and a rerun
continues the rotation in progress (an older key still live) instead of starting another.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from shared.crypto import Ciphertext, EncryptedTextField, seal, token_version, unseal
from shared.keyring import keys
from shared.tenancy.context_helpers import require_school_schema


@dataclass
class ModelProgress:
    label: str
    rows: int = 0  # rows looked at
    reencrypted: int = 0  # values moved to the new key
    current: int = 0  # values already on the new key
    empty: int = 0  # empty values (stored as "", nothing to encrypt)


@dataclass
class RotationResult:
    schema: str
    version: int
    started: bool  # False: an interrupted rotation was continued
    models: list[ModelProgress] = field(default_factory=list)
    finished: bool = False  # every value is on the new key
    remaining: int = 0  # values still on an older key when the run stopped
    retired: list[int] = field(default_factory=list)

    @property
    def reencrypted(self) -> int:
        return sum(m.reencrypted for m in self.models)


def encrypted_models():
    """Every school model with EncryptedTextFields, with those fields."""
    tenant_apps = set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    for model in apps.get_models():
        if model._meta.app_config.name not in tenant_apps or model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def values_on_older_keys(version: int) -> int:
    """How many stored values are on a key older than `version` (read from the tokens' prefixes)."""
    count = 0
    with connection.cursor() as cursor:
        for model, fields in encrypted_models():
            table = connection.ops.quote_name(model._meta.db_table)
            for f in fields:
                column = connection.ops.quote_name(f.column)
                cursor.execute(
                    f"SELECT count(*) FROM {table} WHERE {column} <> '' AND {column} NOT LIKE %s",
                    [f"xy1:{version}:%"],
                )
                count += cursor.fetchone()[0]
    return count


def data_keys_rotate(
    *,
    batch_size: int = 500,
    limit: int | None = None,
    progress: Callable[[ModelProgress], None] | None = None,
) -> RotationResult:
    """Rotate the current school's key. `limit` stops after that many values have been re-encrypted
    (what is done stays done); `progress` is called after each batch."""
    schema = require_school_schema()
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    version, started = keys.data_key_rotation_start()
    result = RotationResult(schema=schema, version=version, started=started)
    target = keys.data_key_get(version)
    older = {}
    moved = 0

    for model, fields in encrypted_models():
        counts = ModelProgress(label=model._meta.label_lower)
        result.models.append(counts)
        names = [f.attname for f in fields]
        last_pk = None
        while limit is None or moved < limit:
            with transaction.atomic():
                # Locked until this batch commits, so a save by someone else in between is not
                # overwritten with the old text.
                batch = model._base_manager.select_for_update().order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(batch.values_list("pk", "public_id", *names)[:batch_size])
                if not rows:
                    break
                for pk, public_id, *values in rows:
                    changes = {}
                    for f, value in zip(fields, values, strict=True):
                        if value is None or value == "":
                            counts.empty += 1
                            continue
                        old_version = token_version(value.token)
                        if old_version == version:
                            counts.current += 1
                            continue
                        if old_version not in older:
                            older[old_version] = keys.data_key_get(old_version)
                        binding = {
                            "schema": schema,
                            "model": counts.label,
                            "field": f.name,
                            "row": str(public_id),
                        }
                        plaintext = unseal(older[old_version], value.token, **binding)
                        changes[f.attname] = Ciphertext(seal(target, plaintext, **binding))
                    if changes:
                        # update(), not save(): updated_at and other fields stay as they were.
                        model._base_manager.filter(pk=pk).update(**changes)
                        counts.reencrypted += len(changes)
                        moved += len(changes)
                    counts.rows += 1
                    last_pk = pk
                    if limit is not None and moved >= limit:
                        break
            if progress:
                progress(counts)

    result.remaining = values_on_older_keys(version)
    if result.remaining == 0:
        result.finished = True
        result.retired = keys.data_key_retire_older(version)
    return result
