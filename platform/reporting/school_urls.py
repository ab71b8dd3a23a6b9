"""The school's reporting pages, at /reporting/ on a school host."""

from django.urls import path

from reporting import school_views

app_name = "reporting_school"
urlpatterns = [
    path("", school_views.index, name="index"),
    path("<slug:form>/<str:period>/", school_views.form_detail, name="form"),
    path("<slug:form>/<str:period>/value/", school_views.value_set, name="value"),
    path("<slug:form>/<str:period>/complete/", school_views.complete, name="complete"),
]
