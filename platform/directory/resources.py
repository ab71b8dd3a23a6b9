"""The directory, declared once: entries are read through entry_policy, so every page and every
choice of an institution (a counseling referral's form and API field) offers the district's entries
and the current school's own local ones only."""

from django.utils.translation import gettext_lazy as _

from directory import selectors, services
from directory.access import entry_policy
from directory.models import EntryKind, ServiceEntry
from shared.resources import Filter, Resource

entries = Resource(
    name="directory-entries",
    model=ServiceEntry,
    label=_("Service directory"),
    policy=entry_policy,
    selector=selectors.entries,
    create=services.entry_create,
    update=services.entry_update,
    filters=[
        Filter("kind", _("Kind"), choices=list(EntryKind.choices)),
        Filter(
            "ages",
            _("Ages served"),
            choices=[
                ("primary", _("Primary school (6–11)")),
                ("junior", _("Junior secondary (12–14)")),
                ("senior", _("Senior secondary (15–18)")),
                ("adult", _("Adults (18+)")),
            ],
            apply=selectors.age_band_filter,
        ),
        Filter(
            "scope",
            _("Kept by"),
            choices=[("district", _("The district")), ("local", _("Our school (local)"))],
            apply=selectors.scope_filter,
        ),
        Filter("q", _("Search"), apply=selectors.search),
    ],
)
