"""Write use cases of the directory: entries (the district's, or a school's own local ones)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from directory.access import current_school
from directory.models import ServiceEntry

ENTRY_FIELDS = (
    "kind",
    "name",
    "services",
    "age_min",
    "age_max",
    "phone",
    "address",
    "contact_person",
    "hours",
    "website",
    "notes",
    "active",
)


def _username(actor) -> str:
    return str(getattr(actor, "username", actor) or "")[:150]


def _check(entry: ServiceEntry) -> None:
    entry.name = (entry.name or "").strip()
    errors = {}
    if entry.age_min is not None and entry.age_max is not None and entry.age_min > entry.age_max:
        errors["age_max"] = _("The upper age cannot be below the lower one.")
    if errors:
        raise ValidationError(errors)
    entry.full_clean(exclude=["school"])


@transaction.atomic
def entry_create(*, actor, **data) -> ServiceEntry:
    """A new entry: the district's on the district host, the current school's local one otherwise."""
    entry = ServiceEntry(school=current_school(), **{k: v for k, v in data.items() if k in ENTRY_FIELDS})
    entry.updated_by = _username(actor)
    _check(entry)
    entry.save()
    if entry.school is None:
        from district import audit

        audit.record(actor, "directory.create", target=str(entry.public_id), summary=entry.name)
    return entry


@transaction.atomic
def entry_update(entry: ServiceEntry, *, actor, data: dict) -> ServiceEntry:
    entry = ServiceEntry.objects.select_for_update().get(pk=entry.pk)
    for name in ENTRY_FIELDS:
        if name in data:
            setattr(entry, name, data[name])
    entry.updated_by = _username(actor)
    _check(entry)
    entry.save()
    if entry.school is None:
        from district import audit

        audit.record(actor, "directory.change", target=str(entry.public_id), summary=entry.name)
    return entry
