"""Host -> school lookup, cached so that routing a request costs no database query.

The district site is BASE_DOMAIN itself and has no row. A school is found through its Domain row.
The cache holds a small dict per host; writes to schools or domains delete the affected keys.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django_tenants.utils import get_tenant_domain_model, get_tenant_model

_MISSING = "missing"
_NEGATIVE_TTL = 30  # seconds an unknown host is remembered as unknown


@dataclass(frozen=True)
class Route:
    kind: str  # "district", "school" or "missing"
    school_id: int | None = None
    public_id: str | None = None
    schema_name: str | None = None
    code: str | None = None
    name: str | None = None
    status: str | None = None

    def as_tenant(self):
        """An in-memory School carrying the cached fields: routing needs no query."""
        tenant = get_tenant_model()(
            pk=self.school_id,
            public_id=self.public_id,
            schema_name=self.schema_name,
            code=self.code,
            name=self.name,
            status=self.status,
        )
        tenant._state.adding = False
        tenant._state.db = "default"
        return tenant


def _cache():
    return caches["routing"]


def _key(hostname: str) -> str:
    return f"host:{hostname}"


def route_for_host(hostname: str) -> Route:
    hostname = hostname.lower().rstrip(".")
    if hostname == settings.BASE_DOMAIN:
        return Route(kind="district")
    cached = _cache().get(_key(hostname))
    if cached is not None:
        return Route(**cached)
    domain = get_tenant_domain_model().objects.select_related("tenant").filter(domain=hostname).first()
    if domain is None:
        route = Route(kind=_MISSING)
        _cache().set(_key(hostname), route.__dict__, _NEGATIVE_TTL)
        return route
    tenant = domain.tenant
    route = Route(
        kind="school",
        school_id=tenant.id,
        public_id=str(tenant.public_id),
        schema_name=tenant.schema_name,
        code=tenant.code,
        name=tenant.name,
        status=tenant.status,
    )
    _cache().set(_key(hostname), route.__dict__)
    return route


def forget_hosts(hostnames) -> None:
    _cache().delete_many([_key(h) for h in hostnames])


def forget_school(school_id: int) -> None:
    domains = get_tenant_domain_model().objects.filter(tenant_id=school_id).values_list("domain", flat=True)
    forget_hosts(list(domains))
