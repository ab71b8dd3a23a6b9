"""The directory pages, the same on both hosts: entries are read and kept through entry_policy
(directory.access), so a school sees the district's entries and its own local ones, never another
school's (404 like a missing one)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.access import current_school, entry_policy
from directory.forms import EntryForm
from directory.partnership_views import DIRECTORY_AREA
from directory.resources import entries
from shared.pages import Action, Column, FormPage, TablePage


def _kept_by(entry) -> str:
    return _("The district") if entry.school_id is None else _("Our school (local)")


class EntryList(TablePage):
    resource = entries
    area = DIRECTORY_AREA  # tabs: the directory, partnerships between schools
    tab = "entries"
    title = gettext_lazy("Community service directory")
    intro = gettext_lazy(
        "Hospitals with psychiatric or psychological departments, community mental-health centres, "
        "hotlines and social organisations, with their contacts, services and the ages they serve."
    )
    empty_text = gettext_lazy("No entries yet. Add the services your students and families can turn to.")
    export_name = "社会心理服务资源"

    @property
    def columns(self):
        exporting = self.exporting
        return [
            Column(_("Name"), "name", link=None if exporting else (lambda e: f"/directory/{e.public_id}/")),
            Column(_("Kind"), "get_kind_display"),
            Column(_("Ages served"), "ages"),
            Column(_("Phone"), "phone"),
            Column(_("Address"), "address"),
            Column(_("Contact person"), "contact_person"),
            Column(_("Services offered"), "services"),
            Column(_("Kept by"), _kept_by),
        ]

    def get_actions(self, request):
        if not entry_policy.can_create(request.user):
            return []
        label = _("Add an entry") if current_school() is None else _("Add a local entry")
        return [Action(label, "/directory/new/")]


class EntryFormPage(FormPage):
    resource = entries
    form_class = EntryForm
    title = gettext_lazy("Add a directory entry")
    edit_title = gettext_lazy("Edit the directory entry")
    success_message = gettext_lazy("The directory entry is saved.")

    def success_url(self, request, saved):
        return f"/directory/{saved.public_id}/"


def entry_detail(request, id):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not entry_policy.can_read(request.user):
        raise Http404
    entry = entries.get_for(request.user, id)
    return render(
        request,
        "directory/entry_detail.html",
        {
            "entry": entry,
            "kept_by": _kept_by(entry),
            "can_change": entry_policy.can_change(request.user, entry),
        },
    )
