"""Who at the district may do what with figures.

The analyst reads the dashboard, the reports and the exports; the district admin does the same and
also runs the jobs (aggregation, approval, reopening). School accounts live in other schemas and
never reach these checks with a district role.
"""

from shared.accounts.roles import DistrictRole
from shared.policy import user_guard

READER_ROLES = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_ANALYST)
RUNNER_ROLES = (DistrictRole.DISTRICT_ADMIN,)


def can_read_figures(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*READER_ROLES))


def can_run_jobs(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*RUNNER_ROLES))


figures_reader = user_guard(can_read_figures)
jobs_runner = user_guard(can_run_jobs)


class FiguresReaders:
    """The policy of district pages built on shared.pages (TablePage): district readers only."""

    @staticmethod
    def can_read(user) -> bool:
        return can_read_figures(user)
