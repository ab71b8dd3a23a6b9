from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from shared.accounts.forms import SignInForm
from shared.accounts.policies import account_event_policy
from shared.accounts.services import api_token_issue, api_token_revoke


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:set_password_done")
    post_reset_login = False


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/set_password_done.html"


@login_required
def profile(request):
    return _profile(request, has_token=Token.objects.filter(user=request.user).exists(), new_token=None)


def _profile(request, **context):
    # Outside a school (the district site) there are no school account changes to read.
    in_school = getattr(getattr(request, "tenant", None), "schema_name", "public") != "public"
    context["reads_account_events"] = in_school and account_event_policy.can_read(request.user)
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request):
    key = api_token_issue(user=request.user)
    messages.success(request, _("A new API token was created. Copy it now: it will not be shown again."))
    return _profile(request, has_token=True, new_token=key)


@login_required
@require_POST
def token_revoke(request):
    api_token_revoke(user=request.user)
    messages.success(request, _("Your API token was revoked."))
    return redirect("accounts:profile")
