"""Template context every page needs: which site this is, and the time zone to display."""

from django.conf import settings

from shared.accounts.roles import ALL_ROLE_CHOICES

_ROLE_LABELS = dict(ALL_ROLE_CHOICES)


def site(request):
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    roles = getattr(user, "roles", None) or []
    return {
        "user_roles": [_ROLE_LABELS.get(r, r) for r in roles],
        "site_is_district": getattr(request, "is_district", False),
        "site_label": tenant.name if tenant is not None else settings.DISTRICT_NAME,
        "school": tenant,
        "display_time_zone": settings.DISPLAY_TIME_ZONE,
    }
