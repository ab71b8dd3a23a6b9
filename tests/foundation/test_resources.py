"""Resource declarations hold by construction: every declared resource is in the role matrix, every
choice a page or the API offers is narrowed through a declared resource, and declared filters are
one definition for the page, the API and the OpenAPI document."""

import pytest
from django.forms import ModelChoiceField
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers

from shared.pages import FormPage
from shared.resources import REGISTRY, Filter, load_all, resource_for_model
from tests.support.matrix import all_endpoints

# Resources tested outside the role matrix, each with the reason and where.
OUTSIDE_THE_MATRIX = {
    # The school admin's own list, tested in tests/accounts with every role.
    "accounts": "tests/accounts",
    # The service directory: pages on both hosts, no API of its own; every role in tests/directory.
    "directory-entries": "tests/directory/test_directory.py",
    # No API of its own: scores are read and written through self-assessments. Declared so that
    # evidence files download through workspace:file; tested in tests/evaluation/test_pages.py.
    "indicator-scores": "tests/evaluation/test_pages.py",
    # Declared only so their files download through the one view for exactly who may see the owner:
    # tested in tests/ledger (a task's progress notes) and tests/governance (a rule's versions).
    "progress-notes": "tests/ledger/test_ledger.py",
    "rule-versions": "tests/governance/test_pages.py",
    # Pages without an API, tested with every role where named.
    "account-events": "tests/accounts/test_privilege_changes.py",
    "retention-rules": "tests/care/test_retention.py",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _school_views():
    return list(_walk(get_resolver("config.urls_school").url_patterns))


def test_every_declared_resource_has_an_entry_in_the_role_matrix():
    load_all()
    assert REGISTRY, "no resources are declared"
    in_matrix = {e.url.rstrip("/").rsplit("/", 1)[-1] for e in all_endpoints()} | {
        e.name for e in all_endpoints()
    }
    missing = sorted(name for name in REGISTRY if name not in in_matrix and name not in OUTSIDE_THE_MATRIX)
    assert missing == [], f"declared resources with no role-matrix entry: {missing}"


def _related_fields(serializer):
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ManyRelatedField):
            yield name, field.child_relation
        elif isinstance(field, serializers.RelatedField) and not field.read_only:
            yield name, field
        elif isinstance(field, serializers.BaseSerializer) and not field.read_only:
            inner = field.child if isinstance(field, serializers.ListSerializer) else field
            if isinstance(inner, serializers.Serializer):
                yield from ((f"{name}.{n}", f) for n, f in _related_fields(inner))


def test_every_api_related_field_is_narrowed_by_a_declared_resource():
    from api.school.fields import NarrowedRef

    load_all()
    problems = []
    for route, callback in _school_views():
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is None:
            continue
        candidates = {
            getattr(view, a, None) for a in ("input_serializer", "serializer_class", "output_serializer")
        }
        for serializer_class in filter(None, candidates):
            if not isinstance(serializer_class, type) or not issubclass(
                serializer_class, serializers.BaseSerializer
            ):
                continue
            try:
                serializer = serializer_class(context={})
            except TypeError:
                continue
            for name, field in _related_fields(serializer):
                queryset = field.queryset
                if queryset is None:
                    continue
                if not isinstance(field, NarrowedRef):
                    problems.append(f"{route} {serializer_class.__name__}.{name}: not narrowed")
                elif resource_for_model(queryset.model) is None:
                    problems.append(
                        f"{route} {serializer_class.__name__}.{name}: {queryset.model.__name__} undeclared"
                    )
    assert sorted(set(problems)) == []


def test_every_form_choice_is_narrowed_by_a_declared_resource():
    load_all()
    problems = []
    for route, callback in _school_views():
        view = getattr(callback, "view_class", None)
        if view is None or not issubclass(view, FormPage) or not isinstance(view.form_class, type):
            continue
        for name, field in view.form_class.base_fields.items():
            if isinstance(field, ModelChoiceField) and resource_for_model(field.queryset.model) is None:
                problems.append(f"{route} {view.__name__}.{name}: {field.queryset.model.__name__} undeclared")
    assert sorted(set(problems)) == []


def test_a_filter_checks_its_values():
    from django.core.exceptions import ValidationError

    choice = Filter("category", "类别", choices=[("a", "A"), ("b", "B")])
    assert choice.clean("a") == "a"
    with pytest.raises(ValidationError) as bad:
        choice.clean("z")
    assert "category" in bad.value.message_dict
    with pytest.raises(ValidationError):
        Filter("line", "预算项", kind="uuid").clean("not-a-uuid")
    with pytest.raises(ValidationError):
        Filter("day", "日期", kind="date").clean("2026-13-40")


@pytest.mark.django_db
def test_declared_filters_serve_the_api_and_its_document():
    from tests.conftest import ALPHA, api_client
    from tests.support.openapi import assert_matches_schema, school_schema

    client = api_client(ALPHA, "r_principal")
    bad = client.get("/api/v1/budget-lines/?category=nonsense")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["category"]
    assert_matches_schema(bad)
    past_the_end = client.get("/api/v1/budget-lines/?page=999")
    assert past_the_end.status_code == 404
    assert_matches_schema(past_the_end)
    params = {p["name"]: p for p in school_schema()["paths"]["/api/v1/budget-lines/"]["get"]["parameters"]}
    assert {"school_year", "category", "over"} <= set(params)
    assert "training" in params["category"]["schema"]["enum"]
    # A filter value outside what this person may pick (another school's line) is refused, not guessed.
    bad_line = client.get("/api/v1/spending-records/?line=00000000-0000-0000-0000-000000000000")
    assert bad_line.status_code == 400 and "line" in bad_line.json()["error"]["fields"]


def test_a_filters_errors_are_in_the_persons_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("zh-hans"):
        for flt, value in [
            (Filter("category", "类别", choices=[("a", "A")]), "z"),
            (Filter("day", "日期", kind="date"), "2026-13-40"),
            (Filter("line", "预算项", kind="uuid"), "x"),
        ]:
            with pytest.raises(ValidationError) as bad:
                flt.clean(value)
            message = bad.value.message_dict[flt.name][0]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
