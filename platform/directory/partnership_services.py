"""Write use cases of partnerships between schools (校际合作).

A partnership is written on a school's host only, by one of its two schools: the one that records it
picks the partner among the district's other active schools; afterwards either school edits it (the
two schools stay the same: a partnership with another school is a new record). The title and the
description of the joint work are read by the other school and the district, so they pass the
personal-data check inside the writing school's schema (its students' names and numbers, phone and
ID numbers) before anything is saved. Every save appends an event naming the school, the account and
the fields it changed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from directory.access import current_school
from directory.models import Partnership, PartnershipEvent, PartnershipStatus
from tenants.students.text_check import check_fields, personal_data_error

EDITABLE = ("title", "description", "started_on", "ended_on", "status")


def _writing_school():
    school = current_school()
    if school is None or connection.schema_name != school.schema_name:
        # Only a school writes a partnership, from its own schema (where its students are checked).
        raise PermissionDenied
    return school


def _check(partnership: Partnership) -> None:
    """Field errors (dates, status, personal data) together, so the form shows all of them at once."""
    partnership.title = (partnership.title or "").strip()
    partnership.description = (partnership.description or "").strip()
    errors: dict[str, list[str]] = {}
    if not partnership.title:
        errors.setdefault("title", []).append(_("Give the partnership a title."))
    if not partnership.description:
        errors.setdefault("description", []).append(_("Describe what the two schools do together."))
    started, ended = partnership.started_on, partnership.ended_on
    if started and ended and ended < started:
        errors.setdefault("ended_on", []).append(_("The end date cannot be before the start date."))
    if partnership.status == PartnershipStatus.ENDED and not ended:
        errors.setdefault("ended_on", []).append(_("Give the end date of a partnership that has ended."))
    found = personal_data_error(
        check_fields(
            {
                "title": (_("Title"), partnership.title),
                "description": (_("Joint work"), partnership.description),
            }
        )
    )
    if found is not None:
        for name, messages in found.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    partnership.full_clean(exclude=["school", "partner"])


def _actor(actor) -> tuple[str, str]:
    username = str(getattr(actor, "username", actor) or "")[:150]
    name = getattr(actor, "display_name", "") or username
    return username, str(name)[:150]


def _record(partnership: Partnership, *, school, actor, action: str, fields: list[str]) -> None:
    username, name = _actor(actor)
    PartnershipEvent.objects.create(
        partnership=partnership, school=school, actor=username, actor_name=name, action=action, fields=fields
    )


@transaction.atomic
def partnership_create(
    *,
    actor,
    partner,
    title: str,
    description: str,
    started_on,
    ended_on=None,
    status: str = PartnershipStatus.ACTIVE,
) -> Partnership:
    """The current school records a partnership with `partner` (another active school)."""
    from directory.partnership_selectors import partner_candidates

    school = _writing_school()
    if partner is None or not partner_candidates(school=school).filter(pk=partner.pk).exists():
        raise ValidationError({"partner": [_("Pick another active school of the district.")]})
    username, name = _actor(actor)
    partnership = Partnership(
        school=school,
        partner=partner,
        title=title,
        description=description,
        started_on=started_on,
        ended_on=ended_on,
        status=status,
        updated_by_school=school,
        updated_by=name,
    )
    _check(partnership)
    partnership.save()
    _record(partnership, school=school, actor=actor, action=PartnershipEvent.Action.CREATED, fields=[])
    return partnership


@transaction.atomic
def partnership_update(partnership: Partnership, *, actor, data: dict) -> Partnership:
    """Either school of the partnership changes what they do together, its dates or its status."""
    school = _writing_school()
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if school.pk not in (partnership.school_id, partnership.partner_id):
        raise PermissionDenied
    before = {name: getattr(partnership, name) for name in EDITABLE}
    for name in EDITABLE:
        if name in data:
            setattr(partnership, name, data[name])
    _check(partnership)
    changed = [name for name in EDITABLE if getattr(partnership, name) != before[name]]
    if not changed:
        return partnership
    partnership.updated_by_school = school
    partnership.updated_by = _actor(actor)[1]
    partnership.save()
    _record(partnership, school=school, actor=actor, action=PartnershipEvent.Action.CHANGED, fields=changed)
    return partnership
