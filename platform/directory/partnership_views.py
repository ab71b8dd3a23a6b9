"""Partnership pages, the same on both hosts: a school's leadership group sees the partnerships its
school is part of (whichever side recorded them) and its keepers record and edit them; the district
reads them all. Another school's partnership answers 404, like a missing one."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import partnership_selectors as selectors
from directory.access import current_school, entry_policy
from directory.models import Partnership, PartnershipStatus
from directory.partnership_access import partnership_get_for, partnership_policy
from directory.partnership_forms import PartnershipForm
from directory.partnership_services import EDITABLE, partnership_create, partnership_update
from shared.pages import Action, Column, FormPage, TablePage
from shared.resources import Area, Filter, Tab

# The directory area's tabs, on both hosts: the service directory and partnerships between schools.
DIRECTORY_AREA = Area(
    namespace="directory",
    label=gettext_lazy("Service directory"),
    tabs=[
        Tab("entries", "/directory/", gettext_lazy("Service directory"), shown=entry_policy.can_read),
        Tab(
            "partnerships",
            "/directory/partnerships/",
            gettext_lazy("Partnerships between schools"),
            shown=partnership_policy.can_read,
        ),
    ],
)


def _school_options(request):
    """The schools of the partnerships this person sees (on a school's host, not the school itself)."""
    here = current_school()
    visible = partnership_policy.visible(request.user, selectors.partnerships())
    return [
        (str(s.public_id), s.name) for s in selectors.schools_in(visible) if here is None or s.pk != here.pk
    ]


def _search(queryset, value):
    from django.db.models import Q

    return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


STATUS_FILTER = Filter("status", gettext_lazy("Status"), choices=list(PartnershipStatus.choices))
SEARCH_FILTER = Filter("q", gettext_lazy("Search"), apply=_search)
SCHOOL_FILTERS = [
    Filter("partner", gettext_lazy("Partner school"), choices=_school_options, apply=selectors.involving),
    STATUS_FILTER,
    SEARCH_FILTER,
]
DISTRICT_FILTERS = [
    Filter("school", gettext_lazy("School"), choices=_school_options, apply=selectors.involving),
    STATUS_FILTER,
    SEARCH_FILTER,
]


def _link(p: Partnership) -> str:
    return f"/directory/partnerships/{p.public_id}/"


def _changed_on(p: Partnership):
    return timezone.localtime(p.updated_at).date()


def _changed_by(p: Partnership) -> str:
    school = p.updated_by_school.name if p.updated_by_school_id else ""
    return " ".join(part for part in (school, p.updated_by) if part)


class PartnershipList(TablePage):
    policy = partnership_policy
    area = DIRECTORY_AREA
    tab = "partnerships"
    title = gettext_lazy("Partnerships between schools")
    intro = gettext_lazy(
        "What schools of the district do together: joint lessons and activities, shared training, "
        "visits. Both schools of a partnership see and edit it; the district reads them all."
    )
    export_name = "校际合作"

    @property
    def empty_text(self):
        if current_school() is None:
            return _("No school has recorded a partnership yet.")
        return _("No partnerships yet. Record a partner school and what you do together.")

    def get_filters(self):
        return list(DISTRICT_FILTERS if current_school() is None else SCHOOL_FILTERS)

    def get_queryset(self, request):
        return partnership_policy.visible(request.user, selectors.partnerships())

    @property
    def columns(self):
        exporting = self.exporting
        here = current_school()
        title = Column(_("Title"), "title", link=None if exporting else _link)
        tail = [
            Column(_("Status"), "get_status_display"),
            Column(_("Start date"), "started_on"),
            Column(_("End date"), "ended_on"),
            Column(_("Joint work"), "description") if exporting else None,
            Column(_("Last changed"), _changed_on),
            Column(_("Last changed by"), _changed_by),
        ]
        if here is None:
            head = [title, Column(_("School"), "school.name"), Column(_("Partner school"), "partner.name")]
        else:
            head = [
                title,
                Column(_("Partner school"), lambda p: p.other_school(here).name),
                Column(
                    _("Recorded by school"),
                    lambda p: _("Our school") if p.school_id == here.pk else p.school.name,
                ),
            ]
        return head + [c for c in tail if c is not None]

    def get_actions(self, request):
        if not partnership_policy.can_create(request.user):
            return []
        return [Action(_("Record a partnership"), "/directory/partnerships/new/")]


class PartnershipFormPage(FormPage):
    policy = partnership_policy
    form_class = PartnershipForm
    area = DIRECTORY_AREA
    tab = "partnerships"
    title = gettext_lazy("Record a partnership")
    edit_title = gettext_lazy("Edit the partnership")
    success_message = gettext_lazy("The partnership is saved.")

    def get_object(self, request, **kwargs):
        if "id" not in kwargs:
            return None
        return partnership_get_for(request.user, kwargs["id"])

    def form_kwargs(self, request, obj):
        if obj is not None:
            return {"instance": obj}
        return {"candidates": selectors.partner_candidates(school=current_school())}

    def save(self, request, form, obj):
        data = form.cleaned_data
        if obj is None:
            partner = (
                selectors.partner_candidates(school=current_school())
                .filter(public_id=data["partner"])
                .first()
            )
            return partnership_create(
                actor=request.user,
                partner=partner,
                **{name: data.get(name) for name in EDITABLE},
            )
        return partnership_update(obj, actor=request.user, data={name: data.get(name) for name in EDITABLE})

    def success_url(self, request, saved):
        return _link(saved)


def _field_label(name: str) -> str:
    return str(Partnership._meta.get_field(name).verbose_name)


def partnership_detail(request, id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not partnership_policy.can_read(request.user):
        raise Http404
    partnership = partnership_get_for(request.user, id)
    here = current_school()
    events = [
        {
            "at": event.at,
            "who": f"{event.school.name} {event.actor_name or event.actor}",
            "action": event.get_action_display(),
            "fields": "、".join(_field_label(name) for name in event.fields),
        }
        for event in selectors.partnership_events(partnership)
    ]
    return render(
        request,
        "directory/partnership_detail.html",
        {
            "partnership": partnership,
            "here": here,
            "partner_school": partnership.other_school(here) if here else partnership.partner,
            "recorded_by": (
                _("Our school")
                if here is not None and partnership.school_id == here.pk
                else partnership.school.name
            ),
            "events": events,
            "can_change": partnership_policy.can_change(request.user, partnership),
            **_area_context(request, "partnerships"),
        },
    )


def _area_context(request, tab: str) -> dict:
    return {"area_tabs": DIRECTORY_AREA.tabs_for(request.user, tab), "area_label": DIRECTORY_AREA.label}
