"""The permission matrix and cross-school checks, shared by every workspace API.

Each area's tests declare its endpoints in a module named `endpoints.py` (a list ENDPOINTS of
Endpoint). tests/workspace/test_api_matrix.py finds them all and runs, for each endpoint and each
school role: list, retrieve, create and update, with the expected status, every response checked
against the OpenAPI document; and, for each endpoint, that another school's host answers 404.
"""

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from shared.accounts.roles import SchoolRole

ALL_ROLES = [r.value for r in SchoolRole]


@dataclass
class Endpoint:
    name: str
    url: str  # the list URL, e.g. /api/v1/tasks/ ; the detail URL is url + "<id>/"
    make: Callable[[], object]  # creates one object in the current school schema
    payload: Callable[[], dict]  # a valid create payload, built in the current school schema
    read: set[str]
    create: set[str]
    change: set[str] | None = None  # defaults to `create`
    patch: Callable[[object], dict] | None = None  # a valid PATCH body for an object
    deletable: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def changers(self) -> set[str]:
        return self.change if self.change is not None else self.create


def all_endpoints() -> list[Endpoint]:
    import tests

    found = []
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.endswith(".endpoints"):
            found.extend(importlib.import_module(module.name).ENDPOINTS)
    return found
