"""A plan's (一生一策) owner reads the plan, so only the care team and the student's own homeroom
teacher may own it (issue 8, 3.6): the form and the API offer only them, and the service refuses
anyone else with an `owner` field error."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from shared.accounts.services import account_create
from tenants.care.services import attention_set
from tenants.counseling import services
from tenants.counseling.models import CarePlan
from tenants.counseling.selectors import school_today
from tests.conftest import ALPHA, PASSWORD, api_client, in_alpha, role_user, signed_in
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
NOT_OWNERS = ["principal", "deputy", "member", "secretary", "school_admin", "invited_attendee"]


def _setup():
    """A student at elevated attention in r_homeroom_teacher's class, and another class (with its
    own homeroom teacher) whose student also needs a plan."""
    other_teacher = account_create(
        username="h2_other_homeroom", full_name="别班班主任", roles=["homeroom_teacher"], password=PASSWORD
    )
    student = make_student(make_class(homeroom=role_user("homeroom_teacher")))
    other = make_student(make_class(homeroom=other_teacher))
    for s in (student, other):
        attention_set(student=s, level="elevated", reason="测评结果", actor=role_user("counselor"))
    return student, other, other_teacher


def _plan(student, owner):
    return services.plan_create(
        actor=role_user("counselor"),
        student=student,
        owner=owner,
        goals="目标",
        supports="支持",
        starts_on=school_today(),
    )


def _choices(form) -> set[int]:
    return {u.pk for u in form.fields["owner"].queryset}


def test_the_service_refuses_other_staff_and_other_classes_homeroom_teachers():
    with schema_context("school_" + ALPHA):
        student, other, other_teacher = _setup()
        for username in [f"r_{r}" for r in NOT_OWNERS] + [other_teacher.username]:
            from shared.accounts.models import User

            with pytest.raises(ValidationError) as raised:
                _plan(student, User.objects.get(username=username))
            assert list(raised.value.message_dict) == ["owner"], username
        assert not CarePlan.objects.filter(student=student).exists()
        plan = _plan(student, role_user("homeroom_teacher"))
        assert plan.owner == role_user("homeroom_teacher")
        with pytest.raises(ValidationError) as raised:
            services.plan_update(plan, actor=role_user("counselor"), data={"owner": other_teacher})
        assert list(raised.value.message_dict) == ["owner"]
        with pytest.raises(ValidationError) as raised:
            services.plan_update(plan, actor=role_user("counselor"), data={"owner": role_user("secretary")})
        assert list(raised.value.message_dict) == ["owner"]
        for role in ("counselor", "psychology_teacher"):
            assert services.plan_update(plan, actor=role_user("counselor"), data={"owner": role_user(role)})


def test_the_form_offers_only_the_care_team_and_homeroom_teachers():
    student, other, other_teacher = in_alpha(_setup)
    ids = in_alpha(
        lambda: {
            r: role_user(r).pk for r in [*NOT_OWNERS, "counselor", "psychology_teacher", "homeroom_teacher"]
        }
    )
    client = signed_in(ALPHA, "r_counselor")
    new = client.get("/counseling/plans/new/")
    assert new.status_code == 200
    offered = _choices(new.context["form"])
    assert {ids["counselor"], ids["psychology_teacher"], ids["homeroom_teacher"], other_teacher.pk} <= offered
    assert not offered & {ids[r] for r in NOT_OWNERS}
    # Posting another class's homeroom teacher is refused on the owner field.
    refused = client.post(
        "/counseling/plans/new/",
        {
            "student": student.pk,
            "owner": other_teacher.pk,
            "goals": "目标",
            "supports": "支持",
            "starts_on": str(school_today()),
            "review_every_days": 30,
        },
    )
    assert refused.status_code == 400 and refused.context["form"].errors.get("owner")
    # Nor can a secretary be posted: not a choice.
    refused = client.post(
        "/counseling/plans/new/",
        {
            "student": student.pk,
            "owner": ids["secretary"],
            "goals": "目标",
            "supports": "支持",
            "starts_on": str(school_today()),
            "review_every_days": 30,
        },
    )
    assert refused.status_code == 400 and refused.context["form"].errors.get("owner")
    assert not in_alpha(lambda: CarePlan.objects.filter(student=student).exists())

    # Editing: the care team and this student's homeroom teacher only.
    plan = in_alpha(lambda: _plan(student, role_user("counselor")))
    edit = client.get(f"/counseling/plans/{plan.public_id}/edit/")
    assert edit.status_code == 200
    assert _choices(edit.context["form"]) == {
        ids["counselor"],
        ids["psychology_teacher"],
        ids["homeroom_teacher"],
    } | in_alpha(lambda: _care_team_ids())


def _care_team_ids() -> set[int]:
    from shared.accounts.models import User

    return {
        u.pk
        for u in User.objects.filter(is_active=True)
        if u.has_role("counselor") or u.has_role("psychology_teacher")
    }


def test_the_api_refuses_owners_outside_the_care_team_and_the_homeroom_teacher():
    student, other, other_teacher = in_alpha(_setup)
    api = api_client(ALPHA, "r_counselor")
    people = in_alpha(lambda: {r: str(role_user(r).public_id) for r in [*NOT_OWNERS, "homeroom_teacher"]})

    def create(owner):
        return api.post(
            "/api/v1/care-plans/",
            {
                "student": str(student.public_id),
                "owner": owner,
                "goals": "目标",
                "supports": "支持",
                "starts_on": str(school_today()),
            },
            content_type="application/json",
        )

    for role in NOT_OWNERS:
        response = create(people[role])
        assert response.status_code == 400, role
        assert "owner" in str(response.json()), role
    response = create(str(other_teacher.public_id))
    assert response.status_code == 400 and "owner" in str(response.json())
    assert not in_alpha(lambda: CarePlan.objects.filter(student=student).exists())

    created = create(people["homeroom_teacher"])
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    for owner in (people["secretary"], str(other_teacher.public_id)):
        patched = api.patch(
            f"/api/v1/care-plans/{plan_id}/", {"owner": owner}, content_type="application/json"
        )
        assert patched.status_code == 400 and "owner" in str(patched.json())
    assert api.get(f"/api/v1/care-plans/{plan_id}/").json()["owner"] == people["homeroom_teacher"]
