from django.urls import path

from shared.accounts import manage, second_factor, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("otp/", second_factor.second_factor, name="otp"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.token_create, name="token_create"),
    path("profile/token/revoke/", views.token_revoke, name="token_revoke"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("set-password/done/", views.SetPasswordDoneView.as_view(), name="set_password_done"),
    path("manage/", manage.AccountListPage.as_view(), name="manage"),
    path("events/", manage.AccountEventListPage.as_view(), name="events"),
    path("manage/new/", manage.AccountCreatePage.as_view(), name="manage_new"),
    path("manage/<uuid:id>/", manage.AccountEditPage.as_view(), name="manage_edit"),
    path("manage/<uuid:id>/link/", manage.account_link, name="manage_link"),
    path("manage/<uuid:id>/second-factor/", manage.account_second_factor, name="manage_second_factor"),
]
