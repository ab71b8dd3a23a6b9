"""Generic, validated writes that area services build on: full_clean before save, in a
transaction, so bad input never half-saves and errors are named by field."""

from django.db import transaction


@transaction.atomic
def model_create(model, *, actor=None, data: dict, m2m: dict | None = None):
    obj = model(**data)
    if actor is not None and hasattr(obj, "created_by_id") and obj.created_by_id is None:
        obj.created_by = actor
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj


@transaction.atomic
def model_update(obj, *, data: dict, m2m: dict | None = None):
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    return obj
