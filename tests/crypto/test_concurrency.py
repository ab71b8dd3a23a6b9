"""Two processes that both need a school's first data key at the same moment end up with one key.

Each runs in its own thread, on its own autocommitting connection, so what they make is committed;
it is removed at the end."""

import threading
import time

import pytest
from django.db import connections, transaction
from django_tenants.utils import schema_context

from shared.crypto import seal, unseal
from shared.keyring import keys
from shared.keyring.models import DataKey

pytestmark = pytest.mark.django_db

SCHEMA = "school_alpha"
WHERE = {"schema": SCHEMA, "model": "keyring.encryptednote", "field": "body", "row": "r-1"}


def _in_threads(count, fn):
    barrier = threading.Barrier(count)
    results, failures = [None] * count, []

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if failures:
        raise failures[0]
    return results


def _committed_keys():
    def count():
        with schema_context(SCHEMA):
            return list(DataKey.objects.values_list("version", flat=True))

    return _in_threads(1, count)[0]


def _forget_keys():
    def delete():
        with schema_context(SCHEMA):
            DataKey.objects.all().delete()

    _in_threads(1, delete)


def test_a_school_first_key_is_made_once_when_asked_for_at_once():
    assert _committed_keys() == []

    def first_use():
        with schema_context(SCHEMA), transaction.atomic():
            key = keys.data_key_current()
            time.sleep(0.3)  # hold the transaction open, so the others must wait for it
            return key

    try:
        for _round in range(3):
            found = _in_threads(4, first_use)
            assert _committed_keys() == [1]
            assert {k.version for k in found} == {1}
            token = seal(found[0], "同一把钥匙", **WHERE)
            assert all(unseal(k, token, **WHERE) == "同一把钥匙" for k in found)
            _forget_keys()
    finally:
        _forget_keys()
