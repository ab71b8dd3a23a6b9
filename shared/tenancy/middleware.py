"""Choose the schema and URLconf from the host, without a database query per request."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.template.response import SimpleTemplateResponse
from django.urls import set_urlconf
from django_tenants.middleware.main import TenantMainMiddleware

from shared.tenancy.routing import route_for_host


class CachedTenantMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        request.tenant = None
        request.is_district = False
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return _plain(request, "site_not_found.html", 404)

        route = route_for_host(hostname)
        if route.kind == "district":
            request.is_district = True
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None
        if route.kind != "school" or route.status == "archived":
            return _plain(request, "site_not_found.html", 404)
        if route.status == "suspended":
            return _plain(request, "site_suspended.html", 403, {"school_name": route.name})

        tenant = route.as_tenant()
        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        # ROOT_URLCONF is the school URLconf.
        return None


def _plain(request, template, status, context=None):
    response = SimpleTemplateResponse(template, context or {}, status=status)
    return response.render()
