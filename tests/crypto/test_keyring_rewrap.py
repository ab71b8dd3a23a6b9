"""data_key_rewrap(): a school's wrapped data key moved to a new schema name (restoring a backup under
a new code) unwraps there, gives the same key, and no longer unwraps under the old name."""

import base64
import os

import pytest
from django_tenants.utils import schema_context

from shared.crypto import DecryptionError, encrypt, unseal
from shared.keyring import keys
from shared.keyring.models import DataKey

pytestmark = pytest.mark.django_db

ALPHA = "school_alpha"
NEW = "school_restored"
WHERE = {"model": "care.counselingsession", "field": "notes", "row": "6f0c4a8e-0b7e-4a57-9d55-5b7d7e2f7a10"}


def _key_row():
    with schema_context(ALPHA):
        token = encrypt("睡不好", **WHERE)
        row = DataKey.objects.order_by("-version").first()
    return token, bytes(row.wrapped_key), row.version


def test_a_rewrapped_key_is_the_same_key_bound_to_the_new_schema():
    token, wrapped, version = _key_row()
    rewrapped, material = keys.data_key_rewrap(wrapped, schema=ALPHA, new_schema=NEW, version=version)
    assert material.version == version
    assert rewrapped != wrapped
    assert unseal(material, token, schema=ALPHA, **WHERE) == "睡不好"
    # Bound to the new name now: it unwraps as NEW's key, and not as ALPHA's.
    with pytest.raises(DecryptionError):
        keys.data_key_rewrap(rewrapped, schema=ALPHA, new_schema=NEW, version=version)
    back, again = keys.data_key_rewrap(rewrapped, schema=NEW, new_schema=ALPHA, version=version)
    assert unseal(again, token, schema=ALPHA, **WHERE) == "睡不好"
    assert keys.data_key_rewrap(back, schema=ALPHA, new_schema=NEW, version=version)[1].version == version


def test_a_wrong_version_or_master_key_does_not_rewrap(settings):
    _token, wrapped, version = _key_row()
    with pytest.raises(DecryptionError, match=f"v{version + 1}"):
        keys.data_key_rewrap(wrapped, schema=ALPHA, new_schema=NEW, version=version + 1)
    settings.MASTER_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(DecryptionError, match="MASTER_KEY"):
        keys.data_key_rewrap(wrapped, schema=ALPHA, new_schema=NEW, version=version)
