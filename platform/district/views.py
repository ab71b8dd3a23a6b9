from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from district.access import is_console_admin
from district.area import console_tabs
from district.selectors import enrolment_by_school, school_counts, school_list


@login_required
def home(request):
    term, enrolment = enrolment_by_school()
    schools = list(school_list())
    for school in schools:
        school.enrolment = enrolment.get(school.code)
    context = {
        "counts": school_counts(),
        "schools": schools,
        "enrolment_term": term,
        "k": settings.DISCLOSURE_K,
        "can_provision": is_console_admin(request.user),
        **console_tabs(request, ""),
    }
    return render(request, "district/home.html", context)
