"""Pages of the resources area (资源配置): rooms, bookings, availability, materials and stock. The
resources, their filters and the area's tabs are declared in tenants/resources/resources.py."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shared.pages import Action, Column, FormPage, TablePage, is_uuid
from tenants.resources import selectors, services
from tenants.resources.forms import BookingForm, IssueForm, MaterialForm, ProcurementForm, RoomForm
from tenants.resources.resources import area, bookings, issues, materials, procurements, rooms


def _today() -> date:
    return timezone.localdate()


def _time(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def _when(booking) -> str:
    start = timezone.localtime(booking.starts_at)
    return f"{start:%Y-%m-%d} {start:%H:%M}–{_time(booking.ends_at)}"


def _day_param(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        return _today()


# Landing ----------------------------------------------------------------------------------------


@login_required
def index(request):
    """The landing page: a summary and today's rooms, not a table of one resource."""
    if not rooms.policy.can_read(request.user):
        raise Http404
    today = _today()
    return render(
        request,
        "resources/index.html",
        {
            "area_tabs": area.tabs_for(request.user, "index"),
            "summary": selectors.resources_summary(today=today),
            "today": today,
            "availability": selectors.rooms_availability(day=today),
            "can_manage": rooms.policy.can_create(request.user),
            "can_book": bookings.policy.can_create(request.user),
        },
    )


# Rooms ------------------------------------------------------------------------------------------


class RoomTable(TablePage):
    title = gettext_lazy("Counseling rooms (心理咨询室)")
    resource = rooms
    area = area
    tab = "rooms"
    export_name = "rooms"
    empty_text = gettext_lazy("No counseling rooms yet.")
    columns = [
        Column(
            gettext_lazy("name"), "name", link=lambda r: reverse("resources:room_edit", args=[r.public_id])
        ),
        Column(gettext_lazy("kind"), "get_kind_display"),
        Column(gettext_lazy("location"), "location"),
        Column(gettext_lazy("area (m²)"), "area_m2", numeric=True),
        Column(gettext_lazy("opening hours"), "opening_hours"),
        Column(gettext_lazy("facilities"), "facilities"),
        Column(gettext_lazy("in use"), lambda r: _("Yes") if r.is_active else _("No")),
    ]

    def get_actions(self, request):
        actions = [Action(_("Availability"), reverse("resources:availability"), primary=False)]
        if rooms.policy.can_create(request.user):
            actions.insert(0, Action(_("New room"), reverse("resources:room_new")))
        return actions


class RoomFormPage(FormPage):
    title = gettext_lazy("New room")
    edit_title = gettext_lazy("Edit room")
    form_class = RoomForm
    resource = rooms
    area = area
    tab = "rooms"
    success_message = gettext_lazy("The room is saved.")

    def success_url(self, request, saved):
        return reverse("resources:rooms")


# Bookings ---------------------------------------------------------------------------------------


class BookingTable(TablePage):
    title = gettext_lazy("Room bookings")
    resource = bookings
    area = area
    tab = "bookings"
    export_name = "room-bookings"
    empty_text = gettext_lazy("No bookings yet.")

    def get_queryset(self, request):
        # Newest first on this page: the coming weeks on top, history below.
        return super().get_queryset(request).order_by("-starts_at", "-id")

    def cancel_link(self, booking):
        if (
            not booking.cancelled
            and booking.ends_at > timezone.now()
            and bookings.policy.can_change(self.request.user, booking)
        ):
            return reverse("resources:booking_cancel", args=[booking.public_id])
        return None

    @property
    def columns(self):
        columns = [
            Column(_("room"), "room.name"),
            Column(_("time"), _when),
            Column(_("booked by"), "booked_by.display_name"),
            Column(_("purpose"), "purpose"),
            Column(_("status"), lambda b: _("Cancelled") if b.cancelled else _("Booked")),
        ]
        if self.request.GET.get("export") != "xlsx":
            columns.append(
                Column(
                    _("actions"), lambda b: _("Cancel") if self.cancel_link(b) else "", link=self.cancel_link
                )
            )
        return columns

    def get_actions(self, request):
        actions = [Action(_("Availability"), reverse("resources:availability"), primary=False)]
        if bookings.policy.can_create(request.user):
            actions.insert(0, Action(_("Book a room"), reverse("resources:booking_new")))
        return actions


class BookingFormPage(FormPage):
    """Not plain: the form asks for a day and two times, which become the booking's start and end."""

    title = gettext_lazy("Book a room")
    form_class = BookingForm
    resource = bookings
    area = area
    tab = "bookings"
    success_message = gettext_lazy("The room is booked.")

    def get_object(self, request, **kwargs):
        return None  # bookings are only made here; they are changed through the API or cancelled

    def initial(self, request):
        initial = {"day": _day_param(request)}
        room = request.GET.get("room")
        if room and is_uuid(room):
            found = rooms.queryset(request.user).filter(public_id=room).first()
            if found is not None:
                initial["room"] = found.public_id
        return initial

    def save(self, request, form, obj):
        zone = timezone.get_current_timezone()
        day = form.cleaned_data["day"]
        data = {
            "room": form.cleaned_data["room"],
            "purpose": form.cleaned_data["purpose"],
            "starts_at": datetime.combine(day, form.cleaned_data["starts_at"], tzinfo=zone),
            "ends_at": datetime.combine(day, form.cleaned_data["ends_at"], tzinfo=zone),
        }
        return bookings.save(actor=request.user, obj=None, data=data)

    def success_url(self, request, saved):
        return reverse("resources:availability") + f"?day={selectors.local_day(saved.starts_at).isoformat()}"


class BookingCancelPage(LoginRequiredMixin, View):
    """Not CRUD: GET asks for confirmation; POST cancels. Staff cancel their own bookings, managers
    any. The booking is found through the declared resource (404 when missing or not visible)."""

    def _booking(self, request, id):
        if not bookings.policy.can_read(request.user):
            raise Http404
        booking = bookings.get_for(request.user, id)
        if not bookings.policy.can_change(request.user, booking):
            raise PermissionDenied
        return booking

    def get(self, request, id):
        booking = self._booking(request, id)
        return render(request, "resources/booking_cancel.html", {"booking": booking, "when": _when(booking)})

    def post(self, request, id):
        booking = self._booking(request, id)
        services.booking_cancel(booking, actor=request.user)
        messages.success(request, _("The booking is cancelled."))
        return redirect("resources:bookings")


@login_required
def availability(request):
    """The bookings of one day, room by room, on a timeline (not a table of one resource)."""
    if not bookings.policy.can_read(request.user):
        raise Http404
    day = _day_param(request)
    day_rooms = selectors.rooms_availability(day=day)
    opening, closing = 7, 21  # the hours the timeline spans
    span = (closing - opening) * 60
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=selectors.school_zone())
    for entry in day_rooms:
        for booking in entry.bookings:
            start = max(0, (booking.starts_at - day_start).total_seconds() / 60 - opening * 60)
            end = min(span, (booking.ends_at - day_start).total_seconds() / 60 - opening * 60)
            booking.left = round(100 * start / span, 2)
            booking.width = round(max(0.5, 100 * (end - start) / span), 2)
            booking.when = f"{_time(booking.starts_at)}–{_time(booking.ends_at)}"
    return render(
        request,
        "resources/availability.html",
        {
            "area_tabs": area.tabs_for(request.user, "availability"),
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rooms": day_rooms,
            "hours": list(range(opening, closing)),
            "can_book": bookings.policy.can_create(request.user),
        },
    )


# Materials --------------------------------------------------------------------------------------


class MaterialTable(TablePage):
    title = gettext_lazy("Materials and textbooks (教材与宣传资料)")
    resource = materials
    area = area
    tab = "materials"
    export_name = "materials"
    empty_text = gettext_lazy("No materials yet.")
    columns = [
        Column(
            gettext_lazy("name"), "name", link=lambda m: reverse("resources:material", args=[m.public_id])
        ),
        Column(gettext_lazy("category"), "get_category_display"),
        Column(gettext_lazy("in stock"), "stock", numeric=True),
        Column(gettext_lazy("unit"), "unit"),
        Column(gettext_lazy("description"), "description"),
    ]

    def get_actions(self, request):
        if not materials.policy.can_create(request.user):
            return []
        return [
            Action(_("New material"), reverse("resources:material_new")),
            Action(_("Record a procurement"), reverse("resources:procurement_new"), primary=False),
            Action(_("Record an issue"), reverse("resources:issue_new"), primary=False),
        ]


class MaterialFormPage(FormPage):
    title = gettext_lazy("New material")
    edit_title = gettext_lazy("Edit material")
    form_class = MaterialForm
    resource = materials
    area = area
    tab = "materials"
    success_message = gettext_lazy("The material is saved.")

    def success_url(self, request, saved):
        return reverse("resources:material", args=[saved.public_id])


@login_required
def material_detail(request, id):
    """One material with its stock movements."""
    material = materials.get_for(request.user, id)
    return render(
        request,
        "resources/material_detail.html",
        {
            "area_tabs": area.tabs_for(request.user, "materials"),
            "material": material,
            "procurements": procurements.queryset(request.user).filter(material=material)[:50],
            "issues": issues.queryset(request.user).filter(material=material)[:50],
            "can_manage": materials.policy.can_create(request.user),
        },
    )


class ProcurementTable(TablePage):
    title = gettext_lazy("Procurement records (采购记录)")
    resource = procurements
    area = area
    tab = "procurements"
    export_name = "material-procurements"
    empty_text = gettext_lazy("No procurements recorded yet.")
    columns = [
        Column(gettext_lazy("date"), "procured_on"),
        Column(
            gettext_lazy("material"),
            "material.name",
            link=lambda p: reverse("resources:material", args=[p.material.public_id]),
        ),
        Column(gettext_lazy("quantity"), "quantity", numeric=True),
        Column(gettext_lazy("unit"), "material.unit"),
        Column(gettext_lazy("unit price (yuan)"), "unit_price", numeric=True),
        Column(gettext_lazy("total (yuan)"), "total", numeric=True),
        Column(gettext_lazy("supplier"), "supplier"),
        Column(gettext_lazy("notes"), "notes"),
    ]

    def get_actions(self, request):
        if procurements.policy.can_create(request.user):
            return [Action(_("Record a procurement"), reverse("resources:procurement_new"))]
        return []


class _MovementFormPage(FormPage):
    """A stock movement, recorded from the material's page (?material= preselects it)."""

    area = area

    def initial(self, request):
        initial = {self.date_field: _today()}
        material = request.GET.get("material")
        if material and is_uuid(material):
            found = materials.queryset(request.user).filter(public_id=material).first()
            if found is not None:
                initial["material"] = found.public_id
        return initial

    def success_url(self, request, saved):
        return reverse("resources:material", args=[saved.material.public_id])


class ProcurementFormPage(_MovementFormPage):
    title = gettext_lazy("Record a procurement")
    form_class = ProcurementForm
    resource = procurements
    tab = "procurements"
    date_field = "procured_on"
    success_message = gettext_lazy("The procurement is recorded and the stock updated.")


class IssueTable(TablePage):
    title = gettext_lazy("Issue records (领用记录)")
    resource = issues
    area = area
    tab = "issues"
    export_name = "material-issues"
    empty_text = gettext_lazy("No issues recorded yet.")
    columns = [
        Column(gettext_lazy("date"), "issued_on"),
        Column(
            gettext_lazy("material"),
            "material.name",
            link=lambda p: reverse("resources:material", args=[p.material.public_id]),
        ),
        Column(gettext_lazy("quantity"), "quantity", numeric=True),
        Column(gettext_lazy("unit"), "material.unit"),
        Column(gettext_lazy("issued to"), "recipient"),
        Column(gettext_lazy("purpose"), "purpose"),
    ]

    def get_actions(self, request):
        if issues.policy.can_create(request.user):
            return [Action(_("Record an issue"), reverse("resources:issue_new"))]
        return []


class IssueFormPage(_MovementFormPage):
    title = gettext_lazy("Record an issue")
    form_class = IssueForm
    resource = issues
    tab = "issues"
    date_field = "issued_on"
    success_message = gettext_lazy("The issue is recorded and the stock updated.")
