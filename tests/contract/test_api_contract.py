"""The school API answers what its OpenAPI document says, for every role (schemathesis).

Schemathesis reads the document the live server serves and sends, for each of its operations, the
document's examples and then 15 generated requests (valid and invalid), with a fixed seed and with
the token of the role's named user (r_<role>) in school alpha. Every response must be no server
error, have a documented status code, and have a body that fits the documented schema.

No operation is left out of fuzzing. What makes that safe: the server answers on the test's own
database connection, inside the test's transaction, so every write is rolled back (tests/contract/
conftest.py); notifications, e-mails and Celery tasks are only sent after a commit, which never
comes; uploads (attachments, receipts, rule documents, roster imports) are stored in a temporary
folder.

It takes minutes, so it has its own marker: `make contract` runs it, `make test` leaves it out, and
.ci/run runs both.
"""

import functools
import time
from collections import Counter

import pytest
import requests
import schemathesis
from django.db import connection
from django_tenants.utils import schema_context
from schemathesis.engine import events

from shared.accounts.roles import SchoolRole
from tests.conftest import ALPHA, host

SEED = 20261204
MAX_EXAMPLES = 15
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")
METHODS = ("get", "post", "put", "patch", "delete")


def _token(username: str, code: str | None = ALPHA) -> str:
    from shared.accounts.models import User
    from shared.accounts.services import api_token_issue

    with schema_context(f"school_{code}" if code else "public"):
        key = api_token_issue(user=User.objects.get(username=username))
    connection.set_schema_to_public()
    return key


@functools.cache
def _served_document(port: int, code: str | None = ALPHA) -> dict:
    response = requests.get(
        f"http://127.0.0.1:{port}/api/schema/?format=json", headers={"Host": host(code)}, timeout=120
    )
    response.raise_for_status()
    return response.json()


def _config(port: int, token: str, code: str | None = ALPHA) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "base-url": f"http://127.0.0.1:{port}",
            # The school (or the district) is picked by host name, as in production.
            "headers": {"Host": host(code), "Authorization": f"Token {token}"},
            # One request at a time: the server shares the test's connection.
            "workers": 1,
            "cache": {"enabled": False},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "deterministic": True},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": False},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )


def _describe(recorder, case_id: str, check) -> str:
    case = recorder.cases[case_id].value
    failure = check.failure_info.failure
    body = "" if case.body.__class__.__name__ == "NotSet" else f" body={str(case.body)[:200]}"
    return (
        f"{recorder.label}: {check.name}: {failure.title}: {failure.message[:400]}\n"
        f"    sent {case.method} {case.formatted_path} query={case.query}{body}"
    )


def run_contract(port: int, username: str, code: str | None = ALPHA) -> dict:
    """Run the examples and fuzzing phases as `username` of school `code` (None: the district);
    what was sent, answered and failed."""
    document = _served_document(port, code)
    schema = schemathesis.openapi.from_dict(document, config=_config(port, _token(username, code), code))
    failures, errors, operations, statuses = [], [], set(), Counter()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            if recorder.interactions:
                operations.add(recorder.label)
            for interaction in recorder.interactions.values():
                if interaction.response is not None:
                    statuses[interaction.response.status_code] += 1
            for case_id, checks in recorder.checks.items():
                failures.extend(
                    _describe(recorder, case_id, check) for check in checks if check.failure_info is not None
                )
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.title}: {event.info.message[:400]}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    documented = {f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item if m in METHODS}
    return {
        "failures": sorted(set(failures)),
        "errors": errors,
        "untested": sorted(documented - operations),
        "operations": len(documented),
        "statuses": statuses,
    }


@pytest.mark.contract
@pytest.mark.parametrize("role", [r.value for r in SchoolRole])
def test_api_answers_what_its_document_says(live_api, role):
    _check(live_api, f"r_{role}", ALPHA)


@pytest.fixture
def district_accounts(django_db_setup):
    """A district analyst beside the district admin (dora) of tests.conftest."""
    from shared.accounts.models import User
    from shared.accounts.services import account_create

    if not User.objects.filter(username="contract_analyst").exists():
        account_create(
            username="contract_analyst", full_name="分析员", roles=["district_analyst"], password="x" * 12
        )


@pytest.mark.contract
@pytest.mark.parametrize("username", ["dora", "contract_analyst"])
def test_district_api_answers_what_its_document_says(live_api, district_accounts, username):
    _check(live_api, username, None)


def _check(port: int, username: str, code: str | None) -> None:
    started = time.monotonic()
    result = run_contract(port, username, code)
    statuses = result["statuses"]
    print(
        f"\n{username}: {sum(statuses.values())} requests in {time.monotonic() - started:.0f} s, "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert not result["errors"], "\n".join(result["errors"])
    assert not result["untested"], f"operations never called: {result['untested']}"
    # The token held for every request: no 401 at all, and real answers.
    assert statuses[401] == 0 and statuses[200] > 0
    assert sum(statuses.values()) > 5 * result["operations"]
    failures = result["failures"]
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)
