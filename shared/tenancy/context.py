"""Template context every page needs: which site this is, and the time zone to display."""

from django.conf import settings

from shared.accounts.roles import ALL_ROLE_CHOICES

_ROLE_LABELS = dict(ALL_ROLE_CHOICES)


def site(request):
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    roles = getattr(user, "roles", None) or []
    nav = {}
    if tenant is not None and getattr(user, "is_authenticated", False):
        from shared.accounts.roles import STAFF_ROLES, SchoolRole

        nav = {
            "nav_staff": user.has_role(*STAFF_ROLES),
            "nav_attendee": user.has_role(SchoolRole.INVITED_ATTENDEE),
            "nav_accounts": user.has_role(SchoolRole.SCHOOL_ADMIN),
            # Student care: the principal and the care team see the area; homeroom teachers and the
            # secretary see the roster (tenants.care.access holds the rules).
            "nav_care": user.has_role(
                SchoolRole.PRINCIPAL, SchoolRole.PSYCHOLOGY_TEACHER, SchoolRole.COUNSELOR
            ),
            "nav_roster": user.has_role(SchoolRole.SECRETARY, SchoolRole.HOMEROOM_TEACHER),
            "nav_observations": user.has_role(SchoolRole.HOMEROOM_TEACHER),
            # Government reporting (reporting.school_views): the principal, deputy and secretary.
            "nav_reporting": user.has_role(SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.SECRETARY),
            # Notices from the district (notices.school_views): the leadership group.
            "nav_notices": user.has_role(
                SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.MEMBER, SchoolRole.SECRETARY
            ),
            "unread_notifications": _unread(user),
        }
    elif tenant is None and getattr(user, "is_authenticated", False):
        from shared.accounts.roles import DistrictRole

        nav = {
            "nav_figures": user.has_role(DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_ANALYST),
            "nav_console": user.has_role(DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_ANALYST),
            "nav_district_admin": user.has_role(DistrictRole.DISTRICT_ADMIN),
            "nav_review": user.has_role(DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_REVIEWER),
            # The library, the exchange, notices and the directory: every district role.
            "nav_district": user.has_role(*DistrictRole.values),
        }
    return {
        **nav,
        "user_roles": [_ROLE_LABELS.get(r, r) for r in roles],
        "site_is_district": getattr(request, "is_district", False),
        "site_label": tenant.name if tenant is not None else settings.DISTRICT_NAME,
        "school": tenant,
        "display_time_zone": settings.DISPLAY_TIME_ZONE,
    }


def _unread(user) -> int:
    from django.apps import apps

    return (
        apps.get_model("workspace", "Notification")
        .objects.filter(recipient=user, read_at__isnull=True)
        .count()
    )
