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
