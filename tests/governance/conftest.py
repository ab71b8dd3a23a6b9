import pytest
from django.db import connection
from django_tenants.utils import schema_context

ALPHA_SCHEMA = "school_alpha"


@pytest.fixture
def alpha(db):
    with schema_context(ALPHA_SCHEMA):
        yield
    connection.set_schema_to_public()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
