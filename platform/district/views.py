from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from district.selectors import school_counts, school_list


@login_required
def home(request):
    return render(request, "district/home.html", {"counts": school_counts(), "schools": school_list()})
