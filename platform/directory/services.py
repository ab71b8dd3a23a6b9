"""Write use cases of the directory: entries (the district's, or a school's own local ones)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from directory.access import current_school
from directory.models import ServiceEntry
from tenants.students.text_check import check_fields, personal_data_error

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


# Free text of a school's local entry, checked for personal data before it is stored.
LOCAL_TEXT_FIELDS = ("name", "services", "address", "contact_person", "hours", "notes")


def _username(actor) -> str:
    return str(getattr(actor, "username", actor) or "")[:150]


def _check(entry: ServiceEntry) -> None:
    entry.name = (entry.name or "").strip()
    errors = {}
    if entry.age_min is not None and entry.age_max is not None and entry.age_min > entry.age_max:
        errors["age_max"] = _("The upper age cannot be below the lower one.")
    if entry.school is not None:
        # A school's local entry is stored in the public schema: its free text is checked for the
        # school's students' names and numbers, and for personal phone and ID numbers (the entry's
        # own phone field holds the institution's number and is not checked).
        found = check_fields(
            {
                name: (ServiceEntry._meta.get_field(name).verbose_name, getattr(entry, name) or "")
                for name in LOCAL_TEXT_FIELDS
            }
        )
        error = personal_data_error(found)
        if error is not None:
            errors.update(error.message_dict)
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
