"""The OpenAPI documents are valid OpenAPI 3, for both sites."""

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.support.openapi import school_schema


def test_school_openapi_document_is_valid():
    schema = school_schema()
    validate_schema(schema)
    assert len([p for p in schema["paths"] if p.startswith("/api/v1/")]) > 40
    assert "Error" in schema["components"]["schemas"]


def test_district_openapi_document_is_valid():
    schema = SchemaGenerator(urlconf="config.urls_public").get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/me/" in schema["paths"]
    assert not any(p.startswith("/api/v1/tasks") for p in schema["paths"])
