"""Read use cases of the directory."""

from directory.models import ServiceEntry

# Age bands for the filter: an entry matches when the ages it serves overlap the band.
AGE_BANDS = {
    "primary": (6, 11),
    "junior": (12, 14),
    "senior": (15, 18),
    "adult": (18, 99),
}


def entries():
    return ServiceEntry.objects.select_related("school").order_by("school_id", "kind", "name", "id")


def age_band_filter(queryset, value):
    low, high = AGE_BANDS[value]
    return queryset.filter(age_min__lte=high, age_max__gte=low)


def search(queryset, value):
    from django.db.models import Q

    return queryset.filter(
        Q(name__icontains=value) | Q(services__icontains=value) | Q(address__icontains=value)
    )


def scope_filter(queryset, value):
    return queryset.filter(school__isnull=(value == "district"))
