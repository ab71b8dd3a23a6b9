"""School accounts management pages, for the school admin."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.accounts.models import User
from shared.accounts.policies import account_policy
from shared.accounts.resources import account_events, accounts
from shared.accounts.roles import SchoolRole, role_labels
from shared.accounts.services import second_factor_reset, set_password_link
from shared.pages import Action, Column, FormPage, TablePage


class AccountListPage(TablePage):
    title = gettext_lazy("Accounts")
    resource = accounts
    export_name = "账号"
    columns = [
        Column(
            gettext_lazy("Username"),
            "username",
            link=lambda u: reverse("accounts:manage_edit", args=[u.public_id]),
        ),
        Column(gettext_lazy("Full name"), "full_name"),
        Column(gettext_lazy("Roles"), lambda u: role_labels(u.roles)),
        Column(gettext_lazy("Email"), "email"),
        Column(gettext_lazy("Active"), lambda u: _("yes") if u.is_active else _("no")),
        Column(gettext_lazy("Last sign-in"), "last_login"),
        Column(
            gettext_lazy("Second factor"),
            lambda u: _("set up") if u.has_second_factor else "",
            link=lambda u: (
                reverse("accounts:manage_second_factor", args=[u.public_id]) if u.has_second_factor else None
            ),
        ),
    ]
    empty_text = gettext_lazy("No accounts yet. Create one for each member of staff.")

    def get_actions(self, request):
        return [
            Action(_("New account"), reverse("accounts:manage_new")),
            Action(_("Account changes"), reverse("accounts:events"), primary=False),
        ]


class AccountForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"),
        choices=SchoolRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "roles", "is_active"]


class AccountCreatePage(FormPage):
    """Saved through the declared resource; then shows the new account's one-time password link."""

    title = gettext_lazy("New account")
    form_class = AccountForm
    resource = accounts

    def post(self, request, **kwargs):
        response = super().post(request, **kwargs)
        saved = getattr(self, "_saved", None)
        if saved is not None:
            link = set_password_link(user=saved, host=request.get_host().split(":")[0], actor=request.user)
            messages.success(
                request,
                _("Account %(name)s created. Give them this one-time link to set a password: %(link)s")
                % {"name": saved.display_name, "link": link},
            )
        return response

    def success_url(self, request, saved):
        self._saved = saved
        return reverse("accounts:manage")


class AccountEditPage(FormPage):
    """Saved through account_update: nobody grants themselves a role that reads students' records
    (a field error), and each such grant is recorded as an account event."""

    title = gettext_lazy("Edit account")
    form_class = AccountForm
    resource = accounts
    success_message = gettext_lazy("Account saved.")

    def success_url(self, request, saved):
        return reverse("accounts:manage")


def account_link(request, id):
    """A fresh one-time link for someone who forgot their password."""
    if not account_policy.can_create(request.user) or request.method != "POST":
        raise Http404
    user = accounts.get_for(request.user, id)
    link = set_password_link(user=user, host=request.get_host().split(":")[0], actor=request.user)
    return render(request, "accounts/link.html", {"account": user, "link": link})


def account_second_factor(request, id):
    """Reset someone's second factor (a lost phone): they set up a new authenticator at their next
    sign-in. GET asks to confirm; POST resets."""
    if not account_policy.can_create(request.user):
        raise Http404
    user = accounts.get_for(request.user, id)
    if request.method == "POST":
        second_factor_reset(user=user, actor=request.user)
        messages.success(
            request,
            _("%(name)s sets up a new authenticator at their next sign-in.") % {"name": user.display_name},
        )
        return redirect("accounts:manage")
    return render(request, "accounts/second_factor_reset.html", {"account": user})


class AccountEventListPage(TablePage):
    """Privilege changes, for the principal and the care team (who are notified of each) and the
    school admin: roles that read students' records granted, second factors reset, password links
    issued. Append-only, like the audit trail."""

    title = gettext_lazy("Account changes")
    intro = gettext_lazy(
        "Each grant of a role that reads students' records, each second-factor reset and each "
        "one-time password link is recorded here, and the principal and the care team are notified."
    )
    resource = account_events
    export_name = "账号变更记录"
    columns = [
        Column(gettext_lazy("When"), "at"),
        Column(gettext_lazy("Who"), lambda e: e.actor_name or _("system")),
        Column(gettext_lazy("What"), "get_kind_display"),
        Column(gettext_lazy("Account"), "account_name"),
        Column(gettext_lazy("Roles granted"), lambda e: role_labels(e.roles)),
    ]
    empty_text = gettext_lazy("No account changes recorded yet.")
