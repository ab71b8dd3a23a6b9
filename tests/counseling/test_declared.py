"""Counseling declared once (tenants/counseling/resources.py): one audit event per list, per export
and per detail read on the pages and the API, none for a POST of an edit form (the service audits
the change); one filter definition for the page and the API, with a field error for a bad value."""

import pytest

from tenants.care.models import AuditEvent
from tenants.care.services import attention_set
from tenants.counseling import services
from tenants.counseling.selectors import school_today
from tests.conftest import ALPHA, api_client, in_alpha, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db


def _referral(student=None):
    return services.referral_create(
        actor=role_user("counselor"),
        student=student or make_student(),
        institution="区人民医院心理科",
        referred_on=school_today(),
        reason="睡眠问题持续一个月。",
    )


def _plan(owner_role="counselor"):
    def make():
        student = make_student()
        attention_set(
            student=student, level="elevated", reason="测评后重点关注", actor=role_user("counselor")
        )
        return services.plan_create(
            actor=role_user("counselor"),
            student=student,
            owner=role_user(owner_role),
            goals="恢复正常作息。",
            supports="每周一次个别辅导。",
            starts_on=school_today(),
        )

    return in_alpha(make)


def _count(subject, action, obj=None):
    def count():
        events = AuditEvent.objects.filter(subject=subject, action=action)
        if obj is not None:
            events = events.filter(object_ref=obj.public_id)
        return events.count()

    return in_alpha(count)


@pytest.mark.parametrize(
    "subject,page,api",
    [
        (services.SESSION_SUBJECT, "/counseling/", "/api/v1/counseling-sessions/"),
        (services.REFERRAL_SUBJECT, "/counseling/referrals/", "/api/v1/medical-referrals/"),
        (services.PLAN_SUBJECT, "/counseling/plans/", "/api/v1/care-plans/"),
    ],
)
def test_each_list_and_export_writes_exactly_one_event(subject, page, api):
    client = signed_in(ALPHA, "r_psychology_teacher")
    lists, exports = _count(subject, "list"), _count(subject, "export")
    assert client.get(page).status_code == 200
    assert (_count(subject, "list"), _count(subject, "export")) == (lists + 1, exports)
    assert client.get(page, {"export": "xlsx"}).status_code == 200
    assert (_count(subject, "list"), _count(subject, "export")) == (lists + 1, exports + 1)
    assert api_client(ALPHA, "r_counselor").get(api).status_code == 200
    assert (_count(subject, "list"), _count(subject, "export")) == (lists + 2, exports + 1)


def test_each_referral_read_writes_one_event_and_saving_an_edit_none():
    referral = in_alpha(_referral)
    page = signed_in(ALPHA, "r_counselor")
    subject = services.REFERRAL_SUBJECT
    assert page.get(f"/counseling/referrals/{referral.public_id}/").status_code == 200
    assert _count(subject, "view", referral) == 1
    assert (
        api_client(ALPHA, "r_counselor").get(f"/api/v1/medical-referrals/{referral.public_id}/").status_code
        == 200
    )
    assert _count(subject, "view", referral) == 2
    feedback = f"/counseling/referrals/{referral.public_id}/feedback/"
    assert page.get(feedback).status_code == 200
    assert _count(subject, "view", referral) == 3
    saved = page.post(feedback, {"feedback": "门诊随访。", "feedback_on": school_today().isoformat()})
    assert saved.status_code == 302
    # The POST is a change (audited by the service), not one more read.
    assert _count(subject, "view", referral) == 3
    assert _count(subject, "change", referral) == 1


def test_a_homeroom_owner_reads_their_plan_once_per_read_and_exports_their_own_plans():
    mine = _plan(owner_role="homeroom_teacher")
    client = signed_in(ALPHA, "r_homeroom_teacher")
    subject = services.PLAN_SUBJECT
    assert client.get(f"/counseling/plans/{mine.public_id}/").status_code == 200
    assert _count(subject, "view", mine) == 1
    exports = _count(subject, "export")
    assert client.get("/counseling/plans/", {"export": "xlsx"}).status_code == 200
    assert _count(subject, "export") == exports + 1
    # The owner filter offers the owner only themselves.
    table = client.get("/counseling/plans/")
    owner_filter = next(options for flt, options, _value in table.context["filters"] if flt.name == "owner")
    assert owner_filter == [(str(mine.owner.public_id), mine.owner.display_name)]
    # A review posted with errors shows the plan again: one more read.
    refused = client.post(f"/counseling/plans/{mine.public_id}/review/", {"progress": ""})
    assert refused.status_code == 400
    assert _count(subject, "view", mine) == 2


def test_filters_are_one_definition_for_the_page_and_the_api():
    first = in_alpha(_referral)
    other = in_alpha(_referral)
    api = api_client(ALPHA, "r_counselor")
    # The page's student search serves the API; the API's student id serves the page.
    found = api.get("/api/v1/medical-referrals/", {"q": first.student.name})
    assert [item["id"] for item in found.json()["results"]] == [str(first.public_id)]
    page = signed_in(ALPHA, "r_counselor").get(
        "/counseling/referrals/", {"student": str(other.student.public_id)}
    )
    assert [row[0][0] for row in page.context["rows"]] == [other.student.name]
    # A value outside the choices is a field error, not a silently empty (or unfiltered) list.
    for url, name in (
        ("/api/v1/counseling-sessions/?category=nonsense", "category"),
        ("/api/v1/counseling-sessions/?follow_up=someday", "follow_up"),
        ("/api/v1/medical-referrals/?state=lost", "state"),
        ("/api/v1/care-plans/?status=paused", "status"),
        ("/api/v1/medical-referrals/?student=not-an-id", "student"),
    ):
        bad = api.get(url)
        assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == [name], url
        assert_matches_schema(bad)


def test_counseling_tabs_show_only_what_the_person_may_read():
    _plan(owner_role="homeroom_teacher")
    homeroom = signed_in(ALPHA, "r_homeroom_teacher").get("/counseling/plans/").content.decode()
    assert 'href="/counseling/plans/"' in homeroom and 'href="/counseling/referrals/"' not in homeroom
    counselor = signed_in(ALPHA, "r_counselor").get("/counseling/plans/").content.decode()
    assert 'href="/counseling/referrals/"' in counselor and 'href="/counseling/"' in counselor
