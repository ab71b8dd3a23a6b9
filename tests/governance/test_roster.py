"""Leadership group roster: terms, rules, the append-only history and "who was on the group on a date"."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenants.governance import selectors, services
from tenants.governance.models import GroupAttendee, GroupMember, RosterChange
from tests.conftest import role_user

pytestmark = pytest.mark.django_db


def _add(role_name, group_role="member", start=date(2026, 9, 1), end=None, **extra):
    return services.member_add(
        actor=role_user("secretary"),
        person=role_user(role_name),
        role=group_role,
        starts_on=start,
        ends_on=end,
        **extra,
    )


def test_adding_a_member_records_who_what_and_when(alpha):
    member = _add("deputy", "deputy", department="moral", duties="分管德育")
    change = RosterChange.objects.get(subject_id=member.public_id)
    assert change.action == "added"
    assert change.changed_by == role_user("secretary")
    assert change.subject_name == role_user("deputy").display_name
    assert change.changes["role"] == {"from": None, "to": "deputy"}
    assert change.changes["department"] == {"from": None, "to": "moral"}
    assert change.changes["starts_on"] == {"from": None, "to": "2026-09-01"}
    assert change.changed_at is not None


def test_changes_and_the_end_of_a_term_are_kept_as_history(alpha):
    member = _add("member", department="academic")
    services.member_update(
        member, actor=role_user("principal"), data={"role": "deputy", "department": "academic"}
    )
    services.member_end(member, actor=role_user("principal"), ends_on=date(2026, 12, 31))
    history = list(selectors.roster_history(subject_id=member.public_id).order_by("changed_at", "id"))
    assert [h.action for h in history] == ["added", "changed", "ended"]
    # Only what really changed is recorded.
    assert history[1].changes == {"role": {"from": "member", "to": "deputy"}}
    assert history[1].changed_by == role_user("principal")
    assert history[2].changes == {"ends_on": {"from": None, "to": "2026-12-31"}}
    # Saving the same values again records nothing.
    services.member_update(member, actor=role_user("principal"), data={"role": "deputy"})
    assert selectors.roster_history(subject_id=member.public_id).count() == 3


def test_who_was_on_the_group_on_a_date(alpha):
    old = _add("counselor", start=date(2025, 9, 1), end=date(2026, 8, 31))
    current = _add("member", start=date(2026, 9, 1))
    leader = _add("principal", "leader", start=date(2024, 9, 1))
    on_old = {m.pk for m in selectors.member_list(on=date(2026, 3, 1))}
    on_new = {m.pk for m in selectors.member_list(on=date(2026, 10, 1))}
    assert old.pk in on_old and current.pk not in on_old and leader.pk in on_old
    assert old.pk not in on_new and current.pk in on_new and leader.pk in on_new
    # Both ends of a term are days on the group.
    assert old.pk in {m.pk for m in selectors.member_list(on=date(2026, 8, 31))}
    assert current.pk in {m.pk for m in selectors.member_list(on=date(2026, 9, 1))}
    # The leader comes first.
    assert list(selectors.member_list(on=date(2026, 10, 1)))[0].pk == leader.pk
    roster = selectors.roster_on(on=date(2026, 3, 1))
    assert {m.pk for m in roster["members"]} == on_old


def test_overlapping_terms_for_one_person_are_refused_and_nothing_is_saved(alpha):
    _add("member", start=date(2026, 9, 1))
    before = (GroupMember.objects.count(), RosterChange.objects.count())
    with pytest.raises(ValidationError) as raised:
        _add("member", "secretary", start=date(2027, 1, 1))
    assert "starts_on" in raised.value.message_dict
    assert (GroupMember.objects.count(), RosterChange.objects.count()) == before


def test_the_database_refuses_overlapping_terms_too(alpha):
    first = _add("member", start=date(2026, 9, 1), end=date(2026, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.create(person=first.person, role="member", starts_on=date(2026, 12, 31))
    # The next day is fine.
    GroupMember.objects.create(person=first.person, role="member", starts_on=date(2027, 1, 1))


def test_one_leader_at_a_time(alpha):
    _add("principal", "leader", start=date(2026, 9, 1))
    with pytest.raises(ValidationError) as raised:
        _add("deputy", "leader", start=date(2026, 10, 1))
    assert "role" in raised.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMember.objects.create(person=role_user("member"), role="leader", starts_on=date(2027, 1, 1))


def test_a_term_cannot_end_before_it_starts(alpha):
    with pytest.raises(ValidationError) as raised:
        _add("member", start=date(2026, 9, 1), end=date(2026, 8, 1))
    assert "ends_on" in raised.value.message_dict
    member = _add("member", start=date(2026, 9, 1))
    with pytest.raises(ValidationError) as raised:
        services.member_end(member, actor=role_user("principal"), ends_on=date(2026, 1, 1))
    assert "ends_on" in raised.value.message_dict
    member.refresh_from_db()
    assert member.ends_on is None


def test_members_are_school_staff(alpha):
    with pytest.raises(ValidationError) as raised:
        _add("invited_attendee")
    assert "person" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _add("school_admin")
    assert "person" in raised.value.message_dict


def test_removing_an_entry_keeps_its_history(alpha):
    member = _add("homeroom_teacher", duties="班主任代表")
    public_id = member.public_id
    services.member_remove(member, actor=role_user("principal"))
    assert not GroupMember.objects.filter(public_id=public_id).exists()
    history = list(selectors.roster_history(subject_id=public_id))
    assert [h.action for h in history] == ["removed", "added"]
    assert history[0].changes["duties"] == {"from": "班主任代表", "to": None}


def test_history_rows_cannot_be_rewritten(alpha):
    member = _add("member")
    change = RosterChange.objects.get(subject_id=member.public_id)
    change.subject_name = "改写"
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()
    assert RosterChange.objects.get(pk=change.pk).subject_name == role_user("member").display_name


def test_attendees_with_and_without_accounts(alpha):
    parent = services.attendee_add(
        actor=role_user("principal"),
        kind="parent",
        name=" 王海燕 ",
        affiliation="初二(3)班",
        starts_on=date(2026, 9, 1),
    )
    guest = services.attendee_add(
        actor=role_user("principal"),
        kind="outside_counselor",
        name="周医生",
        person=role_user("invited_attendee"),
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 31),
    )
    assert parent.name == "王海燕" and parent.person is None
    assert guest.person == role_user("invited_attendee")
    with pytest.raises(ValidationError) as raised:
        services.attendee_add(
            actor=role_user("principal"), kind="student", name="  ", starts_on=date(2026, 9, 1)
        )
    assert "name" in raised.value.message_dict
    assert set(selectors.attendee_list(on=date(2027, 3, 1))) == {parent}
    services.attendee_update(guest, actor=role_user("principal"), data={"ends_on": date(2027, 6, 30)})
    assert [h.action for h in selectors.roster_history(subject_id=guest.public_id)] == ["changed", "added"]
    assert GroupAttendee.objects.count() == 2
