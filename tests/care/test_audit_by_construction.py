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
