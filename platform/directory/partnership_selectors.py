"""Read use cases of partnerships between schools."""

from django.db.models import Q

from directory.models import Partnership


def partnerships():
    return Partnership.objects.select_related("school", "partner", "updated_by_school").order_by(
        "-started_on", "-id"
    )


def partnership_events(partnership: Partnership):
    return partnership.events.select_related("school").order_by("-at", "-id")


def partner_candidates(*, school):
    """The schools a school may record as a partner: the district's active schools but itself."""
    from district.models import School, SchoolStatus

    return School.objects.filter(status=SchoolStatus.ACTIVE).exclude(pk=school.pk).order_by("number", "id")


def schools_in(queryset):
    """The schools on either side of the partnerships in `queryset`, for a filter's choices."""
    from district.models import School

    ids = set()
    for school_id, partner_id in queryset.values_list("school_id", "partner_id"):
        ids.update((school_id, partner_id))
    return School.objects.filter(pk__in=ids).order_by("number", "id")


def involving(queryset, school_public_id):
    """Partnerships that `school_public_id` is part of (recorded by it or naming it as partner)."""
    return queryset.filter(Q(school__public_id=school_public_id) | Q(partner__public_id=school_public_id))
