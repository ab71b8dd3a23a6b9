"""Who at the district may do what with figures.

The analyst reads the dashboard, the reports and the exports; the district admin does the same and
also runs the jobs (aggregation, approval, reopening). School accounts live in other schemas and
never reach these checks with a district role.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from shared.accounts.roles import DistrictRole

READER_ROLES = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_ANALYST)
RUNNER_ROLES = (DistrictRole.DISTRICT_ADMIN,)


def can_read_figures(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*READER_ROLES))


def can_run_jobs(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*RUNNER_ROLES))


def _guarded(check):
    """A view decorator: signed in (else the sign-in page) and `check(user)` (else 404, the same as a
    page that does not exist)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


figures_reader = _guarded(can_read_figures)
jobs_runner = _guarded(can_run_jobs)


class FiguresReaders:
    """The policy of district pages built on shared.pages (TablePage): district readers only."""

    @staticmethod
    def can_read(user) -> bool:
        return can_read_figures(user)
