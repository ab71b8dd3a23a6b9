"""Shared set-up for the library tests: district accounts of each role, records in a school."""

from datetime import date

from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD


def district_user(role: str):
    """A district account with one role (lib_<role>), made once per test transaction."""
    from shared.accounts.models import User
    from shared.accounts.services import account_create

    connection.set_schema_to_public()
    username = f"lib_{role}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return account_create(username=username, full_name=f"区{role}", roles=[role], password=PASSWORD)


def school_user(code: str, username: str):
    from shared.accounts.models import User

    with schema_context(f"school_{code}"):
        return User.objects.get(username=username)


def make_activity(code: str, *, title="情绪管理主题班会", description="分组讨论情绪温度计，写下应对办法。"):
    from tenants.programs.services import activity_create

    with schema_context(f"school_{code}"):
        from shared.accounts.models import User

        alice = User.objects.get(username="r_principal")
        activity = activity_create(
            actor=alice,
            kind="class_meeting",
            title=title,
            held_on=date(2026, 10, 9),
            audience_grades=[7, 8],
            participant_count=45,
            description=description,
        )
    connection.set_schema_to_public()
    return activity


def school(code: str):
    from district.models import School

    return School.objects.get(code=code)


def propose(code: str, record, *, model="programs.activity", username="r_principal", **extra):
    from library.services import proposal_submit
    from shared.accounts.models import User

    with schema_context(f"school_{code}"):
        actor = User.objects.get(username=username)
        item = proposal_submit(
            actor=actor,
            school=school(code),
            source_model=model,
            source_id=record.public_id,
            summary=extra.pop("summary", "适合七八年级的主题班会。"),
            **extra,
        )
    connection.set_schema_to_public()
    return item
