"""Which of a school's figures are locked by an approved report submission.

`figures.aggregation` calls `locked_elements(school)` before it replaces a school's rows and skips
the (period, element) pairs returned: approved data does not change until the district reopens it.
"""

from reporting.models import Submission, SubmissionStatus


def locked_elements(school) -> set[tuple[int, int]]:
    """(period_id, element_id) pairs of `school` (a School, or its primary key) locked by an approved
    submission: every data element of the approved form, for the submission's period."""
    school_id = getattr(school, "pk", school)
    rows = Submission.objects.filter(school_id=school_id, status=SubmissionStatus.APPROVED).values_list(
        "period_id", "form__elements__id"
    )
    return {(period_id, element_id) for period_id, element_id in rows if element_id is not None}


def is_locked(*, school, period, element) -> bool:
    """Whether one (school, period, element) is locked."""
    return (getattr(period, "pk", period), getattr(element, "pk", element)) in locked_elements(school)
