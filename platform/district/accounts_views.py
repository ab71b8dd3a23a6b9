"""District accounts (public schema), for district admins only, at /accounts/district/: list,
create with a one-time set-password link, give and take roles, a new password link, a second-factor
reset. Every change goes through district.services, which records it in the district audit log (and
shared.accounts' account trail). A district admin cannot remove their own admin role."""

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from district import services
from district.access import admin_policy, console_admin
from district.area import CONSOLE_AREA, console_tabs
from shared.accounts.models import User
from shared.accounts.roles import DistrictRole
from shared.pages import Action, Column, FormPage, TablePage
from shared.resources import Filter


def district_roles(roles) -> str:
    labels = dict(DistrictRole.choices)
    return "、".join(str(labels.get(r, r)) for r in roles)


def _accounts():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return User.objects.annotate(has_second_factor=Exists(devices)).order_by("username")


def _edit_url(user) -> str:
    return reverse("district:account_edit", args=[user.public_id])


def _host(request) -> str:
    return request.get_host().split(":")[0]


class DistrictAccountListPage(TablePage):
    title = gettext_lazy("District accounts")
    policy = admin_policy
    area = CONSOLE_AREA
    tab = "accounts"
    export_name = "区级账号"
    filters = [
        Filter(
            "role",
            gettext_lazy("Role"),
            choices=list(DistrictRole.choices),
            apply=lambda qs, v: qs.filter(roles__contains=[v]),
        ),
        Filter(
            "q",
            gettext_lazy("Search"),
            apply=lambda qs, v: qs.filter(full_name__icontains=v) | qs.filter(username__icontains=v),
        ),
    ]
    columns = [
        Column(gettext_lazy("Username"), "username", link=_edit_url),
        Column(gettext_lazy("Full name"), "full_name"),
        Column(gettext_lazy("Roles"), lambda u: district_roles(u.roles)),
        Column(gettext_lazy("Email"), "email"),
        Column(gettext_lazy("Active"), lambda u: _("yes") if u.is_active else _("no")),
        Column(gettext_lazy("Last sign-in"), "last_login"),
        Column(gettext_lazy("Second factor"), lambda u: _("set up") if u.has_second_factor else ""),
    ]
    empty_text = gettext_lazy("No district accounts yet.")

    def get_queryset(self, request):
        return _accounts()

    def get_actions(self, request):
        return [Action(_("New account"), reverse("district:account_new"))]


class DistrictAccountForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=DistrictRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
        help_text=gettext_lazy(
            "Administrators and reviewers sign in with a code from an authenticator app as well as a password."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "roles", "is_active"]

    def __init__(self, *args, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        if creating:
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True

    def _post_clean(self):
        # The services validate and save; the model form only reads the fields.
        pass


class DistrictAccountCreatePage(FormPage):
    title = gettext_lazy("New district account")
    form_class = DistrictAccountForm
    policy = admin_policy
    area = CONSOLE_AREA
    tab = "accounts"

    def form_kwargs(self, request, obj):
        return {"creating": True}

    def save(self, request, form, obj):
        data = form.cleaned_data
        user, link = services.district_account_create(
            actor=request.user,
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            roles=data["roles"],
            host=_host(request),
        )
        messages.success(
            request,
            _("Account %(name)s created. Give them this one-time link to set a password: %(link)s")
            % {"name": user.display_name, "link": link},
        )
        return user

    def success_url(self, request, saved):
        return reverse("district:accounts")


class DistrictAccountEditPage(FormPage):
    title = gettext_lazy("Edit account")
    form_class = DistrictAccountForm
    policy = admin_policy
    area = CONSOLE_AREA
    tab = "accounts"
    success_message = gettext_lazy("Account saved.")
    template_name = "district/console/account_edit.html"

    def get_object(self, request, **kwargs):
        return get_object_or_404(_accounts(), public_id=kwargs["id"])

    def save(self, request, form, obj):
        data = {k: form.cleaned_data[k] for k in ("full_name", "email", "roles", "is_active")}
        return services.district_account_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("district:accounts")


@console_admin
def account_link(request, id):
    """A fresh one-time link for someone who forgot their password (POST)."""
    if request.method != "POST":
        raise Http404
    user = get_object_or_404(User, public_id=id)
    link = services.district_account_password_link(user, actor=request.user, host=_host(request))
    return render(
        request,
        "district/console/account_link.html",
        {"account": user, "link": link, **console_tabs(request, "accounts")},
    )


@console_admin
def account_second_factor(request, id):
    """Reset someone's second factor (a lost phone): GET asks to confirm, POST resets."""
    user = get_object_or_404(User, public_id=id)
    if request.method == "POST":
        services.district_account_second_factor_reset(user, actor=request.user)
        messages.success(
            request,
            _("%(name)s sets up a new authenticator at their next sign-in.") % {"name": user.display_name},
        )
        return redirect("district:accounts")
    return render(
        request,
        "district/console/account_second_factor.html",
        {"account": user, **console_tabs(request, "accounts")},
    )
