"""Library pages (placeholders until the full pages land)."""

from django.http import Http404


def _missing(request, **kwargs):
    raise Http404


district_list = district_create = review_list = review = district_detail = district_file = _missing
