"""The second factor (TOTP) for accounts that can read clinical detail about students, and for the
district's admins and reviewers (who manage schools and accounts, and see who wrote what).

After the password, such an account is sent to set up an authenticator app (first sign-in: a QR
code and the key, confirmed by one code) or to enter a code. Until then every page of the site
redirects there; the API answers 403 to a session that is not verified. API tokens are unaffected:
a token is issued from the profile page, which itself needs the verified session.
"""

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared.accounts.roles import SECOND_FACTOR_ROLES, DistrictRole

OPEN_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/accounts/login/", "/static/", "/i18n/")
# On the district site: the admin (schools, accounts) and the reviewer (sees the authors of anonymous
# posts). The analyst reads published figures only and needs none. Accounts of one site never hold
# the other site's roles (account_create refuses them), so one list serves both.
DISTRICT_SECOND_FACTOR_ROLES = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_REVIEWER)


def needs_second_factor(user) -> bool:
    return bool(
        getattr(settings, "SECOND_FACTOR_REQUIRED", True)
        and user.is_authenticated
        and user.has_role(*SECOND_FACTOR_ROLES, *DISTRICT_SECOND_FACTOR_ROLES)
    )


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # On every site: a school's host and the district's (where request.tenant is None).
        if (
            user is not None
            and needs_second_factor(user)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": _(
                            "Enter the code from your authenticator app first (sign in on the website)."
                        )
                    },
                    status=403,
                )
            return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("The code is 6 digits."))
        return code


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def second_factor(request):
    """Set up (first time) or enter the code."""
    user = request.user
    if not needs_second_factor(user) or user.is_verified():
        return redirect(_next(request))
    device = confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by(
            "id"
        ).first() or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _("Too many wrong codes. Wait a minute and try again."))
        elif device.verify_token(form.cleaned_data["code"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next(request))
        else:
            form.add_error(
                "code", _("That code is not right. Check the time on your phone and use the newest code.")
            )
    context = {"form": form, "setting_up": setting_up, "next": _next(request)}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, micro=False).svg_inline(scale=4)
        context["secret"] = _grouped(device.bin_key)
    return render(request, "accounts/second_factor.html", context)


def _grouped(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
