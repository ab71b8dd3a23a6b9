"""Test fixtures. Schools are provisioned once per test session, in a real PostgreSQL database,
with named people in each: alpha and beta schools, and the district.

- alpha: alice (principal), carol (counselor), admin@alpha... (school admin)
- beta:  bob (principal)
- district: dora (district admin)
Every password is PASSWORD.
"""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

PASSWORD = "Correct-Horse-77"
ALPHA = "alpha"
BETA = "beta"


def host(code: str | None) -> str:
    return f"{code}.{settings.BASE_DOMAIN}" if code else settings.BASE_DOMAIN


def _clear_our_cache_keys():
    # Only our own keys: the Redis database may be shared.
    for alias in ("default", "routing"):
        client = caches[alias]._cache.get_client(None, write=True)
        prefix = settings.CACHES[alias]["KEY_PREFIX"]
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def _always_set_up_the_database():
    """pytest-django creates the test database only when a collected test is marked for it. Browser
    and Celery-worker tests reach it from other threads without that mark (a marked test would hold
    its writes in an uncommitted transaction), so the database is always set up."""
    import pytest_django.fixtures as fixtures

    original = fixtures._get_databases_for_setup

    def with_default(items):
        aliases, serialized = original(items)
        return set(aliases) | {"default"}, serialized

    fixtures._get_databases_for_setup = with_default


_always_set_up_the_database()


def pytest_configure(config):
    # Hashing at full strength makes each test user cost a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from district.services import school_create
    from shared.accounts.services import account_create

    with django_db_blocker.unblock():
        _clear_our_cache_keys()
        created = {}
        for code, number in ((ALPHA, "T001"), (BETA, "T002")):
            result = school_create(
                code=code,
                name=f"测试学校{code}",
                school_type="junior",
                number=number,
                student_count=800,
                admin_name="测试管理员",
                admin_email=f"admin@{code}.example.cn",
            )
            created[code] = result
        with schema_context(created[ALPHA].school.schema_name):
            account_create(username="alice", full_name="艾丽丝", roles=["principal"], password=PASSWORD)
            account_create(username="carol", full_name="陈卡萝", roles=["counselor"], password=PASSWORD)
        with schema_context(created[BETA].school.schema_name):
            account_create(username="bob", full_name="鲍勃", roles=["principal"], password=PASSWORD)
        # One account per school role, in both schools: r_<role>.
        from shared.accounts.roles import SchoolRole

        for result in created.values():
            with schema_context(result.school.schema_name):
                for role in SchoolRole:
                    account_create(
                        username=f"r_{role.value}",
                        full_name=f"角色{role.label}",
                        roles=[role.value],
                        password=PASSWORD,
                    )
        account_create(username="dora", full_name="朵拉", roles=["district_admin"], password=PASSWORD)
        connection.set_schema_to_public()
    yield


@pytest.fixture
def worker(django_db_setup, django_db_blocker):
    """A real Celery worker thread on a queue of its own, consuming from the real Redis broker. The
    database is reachable from it, so the data it reads must be committed (tests using it do not run
    inside the test transaction)."""
    import uuid

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    try:
        with django_db_blocker.unblock():
            with start_worker(
                app, pool="solo", concurrency=1, queues=[queue], perform_ping_check=False, shutdown_timeout=30
            ):
                yield queue
    finally:
        app.conf.task_default_queue = "xinyu"
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def schools(db):
    from district.models import School

    return {s.code: s for s in School.objects.filter(code__in=[ALPHA, BETA])}


def client_for(code: str | None) -> Client:
    return Client(HTTP_HOST=host(code))


@pytest.fixture
def alpha_client(db):
    return client_for(ALPHA)


@pytest.fixture
def beta_client(db):
    return client_for(BETA)


@pytest.fixture
def district_client(db):
    return client_for(None)


def signed_in(code: str | None, username: str) -> Client:
    """A signed-in client. Accounts that need a second factor enter a valid TOTP code too."""
    client = client_for(code)
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    token = totp_code_for(code, username)
    if token is not None:
        response = client.post("/accounts/otp/", {"code": token})
        assert response.status_code == 302, response.content.decode()[:500]
    return client


def totp_code_for(code: str | None, username: str) -> str | None:
    """A fresh code from the person's authenticator (one is made, confirmed, if they have none);
    None if their roles need no second factor. `code` None is the district (the public schema:
    district admins and reviewers need one). A code may be used once per 30 s step, so the
    device's record of the last step used is cleared first."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shared.accounts.models import User
    from shared.accounts.second_factor import needs_second_factor

    with schema_context(f"school_{code}" if code else "public"):
        user = User.objects.get(username=username)
        if not needs_second_factor(user):
            connection.set_schema_to_public()
            return None
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        TOTPDevice.objects.filter(pk=device.pk).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        token = totp_token(device)
    connection.set_schema_to_public()
    return token


def totp_token(device) -> str:
    """The code the person's authenticator app shows now for this device."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def api_client(code: str | None, username: str) -> Client:
    """A client that calls the API of `code` as `username`, through a personal token."""
    from shared.accounts.models import User
    from shared.accounts.services import api_token_issue

    schema = f"school_{code}" if code else "public"
    with schema_context(schema):
        key = api_token_issue(user=User.objects.get(username=username))
    connection.set_schema_to_public()
    return Client(HTTP_HOST=host(code), HTTP_AUTHORIZATION=f"Token {key}")


def in_alpha(fn, *args, **kwargs):
    """Call fn in alpha's schema (to make or read objects there), then come back to public."""
    with schema_context(f"school_{ALPHA}"):
        result = fn(*args, **kwargs)
    connection.set_schema_to_public()
    return result


def role_user(role: str):
    from shared.accounts.models import User

    return User.objects.get(username=f"r_{role}")
