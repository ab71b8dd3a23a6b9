from django.db.models import Count, Q

from district.models import School, SchoolStatus


def school_counts() -> dict:
    return School.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=SchoolStatus.ACTIVE)),
        suspended=Count("id", filter=Q(status=SchoolStatus.SUSPENDED)),
        archived=Count("id", filter=Q(status=SchoolStatus.ARCHIVED)),
    )


def school_list():
    return School.objects.prefetch_related("domains").order_by("number")


def enrolment_by_school():
    """The published enrolment per school code for the latest term that has any (withheld cells
    stay withheld: figures.selectors), and that term; (None, {}) before any were computed."""
    from figures.models import DataElement, Period, PeriodKind
    from figures.selectors import published

    element = DataElement.objects.get(code="enrolment")
    term = (
        Period.objects.filter(kind=PeriodKind.TERM, values__element=element)
        .distinct()
        .order_by("-start")
        .first()
    )
    if term is None:
        return None, {}
    return term, {cell.school: cell for cell in published(term, element) if cell.breakdown == ""}
