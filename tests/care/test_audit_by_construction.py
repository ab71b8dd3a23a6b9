"""Every read of student data is audited by construction: each declared resource about students says
so in its declaration, and walking every such resource for every role finds exactly one audit event
per list, per export and per detail read, and none for people who may not read it."""

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context

from shared.pages import TablePage
from shared.resources import REGISTRY, load_all
from tenants.care.models import AuditEvent
from tenants.students.models import Student
from tests.conftest import ALPHA, api_client, signed_in
from tests.support.matrix import ALL_ROLES, all_endpoints

pytestmark = pytest.mark.django_db
SCHEMA = f"school_{ALPHA}"


def _about_students(model) -> bool:
    if issubclass(model, Student):
        return True
    field = next((f for f in model._meta.get_fields() if f.name == "student"), None)
    return field is not None and getattr(field, "related_model", None) is Student


def _events() -> int:
    with schema_context(SCHEMA):
        count = AuditEvent.objects.count()
    connection.set_schema_to_public()
    return count


def test_every_resource_about_students_declares_its_audit():
    load_all()
    unaudited = sorted(name for name, r in REGISTRY.items() if _about_students(r.model) and not r.audit)
    assert unaudited == []


def _audited_endpoints():
    load_all()
    audited = {name for name, r in REGISTRY.items() if r.audit}
    return [
        e for e in all_endpoints() if e.name in audited or e.url.rstrip("/").rsplit("/", 1)[-1] in audited
    ]


@pytest.mark.parametrize("endpoint", _audited_endpoints(), ids=lambda e: e.name)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_reads_of_student_data_write_one_event_each(endpoint, role):
    with schema_context(SCHEMA):
        obj = endpoint.make()
    connection.set_schema_to_public()
    client = api_client(ALPHA, f"r_{role}")
    before = _events()
    listed = client.get(endpoint.url)
    after_list = _events()
    shown = client.get(f"{endpoint.url}{obj.public_id}/")
    after_detail = _events()
    if role in endpoint.read:
        assert listed.status_code == 200 and shown.status_code == 200
        assert (after_list - before, after_detail - after_list) == (1, 1)
    else:
        assert listed.status_code in (403, 404) and shown.status_code == 404
        assert after_detail == before


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _audited_tables():
    load_all()
    found = []
    for route, pattern in _walk(get_resolver("config.urls_school").url_patterns):
        view = getattr(pattern.callback, "view_class", None)
        if view and issubclass(view, TablePage) and view.resource is not None and view.resource.audit:
            if "<" not in route:
                found.append(("/" + route, view))
    return found


@pytest.mark.parametrize("route,view", _audited_tables(), ids=lambda v: v if isinstance(v, str) else "")
@pytest.mark.parametrize("role", ALL_ROLES)
def test_pages_listing_student_data_write_one_event_per_list_and_per_export(route, view, role):
    client = signed_in(ALPHA, f"r_{role}")
    before = _events()
    page = client.get(route)
    after_page = _events()
    if page.status_code != 200:
        assert page.status_code in (403, 404) and after_page == before
        return
    assert after_page - before == 1
    if view.export_name:
        exported = client.get(route, {"export": "xlsx"})
        assert exported.status_code == 200
        assert _events() - after_page == 1


# The reads that wrote nothing before they were declared (issue 8, point 2), each named: the walks
# above must cover them, so none can fall out of the declarations unnoticed.
SIX_READS_API = {
    "students",  # the student list API and a student's detail
    "consents",  # the consent API
    "record-transfers-sent",  # the sent-transfers API
    "audit-events",  # the audit trail's API
}
SIX_READS_PAGES = {
    "/care/consent/",  # consent tables and their exports
    "/care/consent/answers/",
    "/care/observations/students/",  # the homeroom teacher's "my students"
    "/care/observations/",  # observation lists
    "/care/records/transfers/",  # the transfer tables
    "/care/records/transfers/sent/",
    "/care/audit/",  # the audit trail's own page list
    "/students/",  # the roster's list
}


def test_the_reads_that_wrote_nothing_are_walked_by_construction():
    walked_api = {e.name for e in _audited_endpoints()}
    assert SIX_READS_API <= walked_api, SIX_READS_API - walked_api
    walked_pages = {route for route, _view in _audited_tables()}
    assert SIX_READS_PAGES <= walked_pages, SIX_READS_PAGES - walked_pages
    # Pages with an id in their URL are not walked: they are counted below.
    assert "/students/<uuid:id>/" not in walked_pages


def test_a_students_detail_page_writes_one_event_naming_the_student():
    from tests.support.students import make_student

    with schema_context(SCHEMA):
        student = make_student()
    connection.set_schema_to_public()
    for role in ("principal", "secretary", "counselor", "homeroom_teacher"):
        before = _events()
        assert signed_in(ALPHA, f"r_{role}").get(f"/students/{student.public_id}/").status_code == 200
        assert _events() - before == 1, role
    with schema_context(SCHEMA):
        last = AuditEvent.objects.order_by("-id").first()
        assert (last.action, last.subject, last.student_ref) == (
            "view",
            "students.student",
            student.public_id,
        )
    connection.set_schema_to_public()
    before = _events()
    assert signed_in(ALPHA, "r_member").get(f"/students/{student.public_id}/").status_code == 404
    assert _events() == before


def test_a_screening_campaigns_page_of_student_names_writes_one_event_per_visit_and_export():
    from tests.screening.factories import consenting_student, make_campaign

    with schema_context(SCHEMA):
        campaign = make_campaign()
        consenting_student(campaign.school_class, name="名单里的学生")
    connection.set_schema_to_public()
    url = f"/screening/campaigns/{campaign.public_id}/"
    for role in ("principal", "counselor", "psychology_teacher"):
        client = signed_in(ALPHA, f"r_{role}")
        before = _events()
        page = client.get(url)
        assert page.status_code == 200 and "名单里的学生" in page.content.decode()
        assert _events() - before == 1, role
        assert client.get(url, {"export": "xlsx"}).status_code == 200
        assert _events() - before == 2, role
    with schema_context(SCHEMA):
        last = AuditEvent.objects.order_by("-id").first()
        assert (last.action, last.subject, last.object_ref) == (
            "export",
            "screening.campaign",
            campaign.public_id,
        )
    connection.set_schema_to_public()
    for role in ("secretary", "homeroom_teacher"):
        before = _events()
        assert signed_in(ALPHA, f"r_{role}").get(url).status_code == 404
        assert _events() == before
