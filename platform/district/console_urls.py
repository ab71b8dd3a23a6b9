"""The district console's pages, on the district host (mounted at the site's root)."""

from django.urls import path

from district import accounts_views, console_views

app_name = "district"

urlpatterns = [
    path("schools/", console_views.SchoolListPage.as_view(), name="schools"),
    path("schools/new/", console_views.SchoolCreatePage.as_view(), name="school_new"),
    path("schools/onboard/", console_views.onboard, name="onboard"),
    path("schools/onboard/<uuid:id>/", console_views.onboarding_job, name="onboarding_job"),
    path(
        "schools/onboard/<uuid:id>/progress/", console_views.onboarding_progress, name="onboarding_progress"
    ),
    path("schools/<str:code>/", console_views.school_detail, name="school"),
    path("schools/<str:code>/admin-link/", console_views.school_admin_link, name="school_admin_link"),
    path(
        "schools/<str:code>/<str:change>/",
        console_views.school_status,
        name="school_status",
    ),
    path("accounts/district/", accounts_views.DistrictAccountListPage.as_view(), name="accounts"),
    path("accounts/district/new/", accounts_views.DistrictAccountCreatePage.as_view(), name="account_new"),
    path(
        "accounts/district/<uuid:id>/", accounts_views.DistrictAccountEditPage.as_view(), name="account_edit"
    ),
    path("accounts/district/<uuid:id>/link/", accounts_views.account_link, name="account_link"),
    path(
        "accounts/district/<uuid:id>/second-factor/",
        accounts_views.account_second_factor,
        name="account_second_factor",
    ),
    path("review/", console_views.review, name="review"),
    path("audit/", console_views.AuditLogPage.as_view(), name="audit"),
]
