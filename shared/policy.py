"""Access policies. Each resource has one; the API views and pages both ask it.

`visible` narrows a queryset to what the user may see, so anything outside it answers 404, the
same as a missing object. `can_create` / `can_change` decide writes (403 when the object is visible
but the write is not allowed).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from shared.accounts.roles import MANAGER_ROLES, STAFF_ROLES


class Policy:
    read_roles: tuple = STAFF_ROLES
    manage_roles: tuple = MANAGER_ROLES

    def can_read(self, user) -> bool:
        return user.is_authenticated and user.has_role(*self.read_roles)

    def visible(self, user, queryset):
        return queryset if self.can_read(user) else queryset.none()

    def can_create(self, user) -> bool:
        return user.is_authenticated and user.has_role(*self.manage_roles)

    def can_change(self, user, obj) -> bool:
        return user.is_authenticated and user.has_role(*self.manage_roles)

    def can_delete(self, user, obj) -> bool:
        return self.can_change(user, obj)


def view_guard(allowed):
    """A view decorator: signed in (else the sign-in page) and `allowed(request)` (else 404, the same
    as a page that does not exist)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def user_guard(check):
    """view_guard for a check of the person alone: `check(user)`."""
    return view_guard(lambda request: check(request.user))
