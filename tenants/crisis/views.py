from django.http import Http404


def case_detail(request, id):
    raise Http404
