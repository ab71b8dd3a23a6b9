"""Pages of the resources area (资源配置): rooms, bookings, availability, materials and stock."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from shared.pages import Action, Column, Filter, FormPage, TablePage
from tenants.resources import selectors, services
from tenants.resources.forms import BookingForm, IssueForm, MaterialForm, ProcurementForm, RoomForm
from tenants.resources.models import CounselingRoom, MaterialCategory, RoomKind
from tenants.resources.policies import booking_policy, material_policy, room_policy, stock_policy


def _today() -> date:
    return timezone.localdate()


def _time(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def _when(booking) -> str:
    start = timezone.localtime(booking.starts_at)
    return f"{start:%Y-%m-%d} {start:%H:%M}–{_time(booking.ends_at)}"


class AreaFormPage(FormPage):
    """A form page that people who may not read the area do not know exists (404)."""

    def visible(self, request, selector, public_id):
        if not self.policy.can_read(request.user):
            raise Http404
        return get_object_or_404(self.policy.visible(request.user, selector), public_id=public_id)


# Landing ----------------------------------------------------------------------------------------


@login_required
def index(request):
    if not room_policy.can_read(request.user):
        raise Http404
    today = _today()
    return render(
        request,
        "resources/index.html",
        {
            "summary": selectors.resources_summary(today=today),
            "today": today,
            "availability": selectors.rooms_availability(day=today),
            "can_manage": room_policy.can_create(request.user),
            "can_book": booking_policy.can_create(request.user),
        },
    )


# Rooms ------------------------------------------------------------------------------------------


class RoomTable(TablePage):
    template_name = "resources/table.html"
    title = gettext_lazy("Counseling rooms (心理咨询室)")
    policy = room_policy
    export_name = "rooms"
    empty_text = gettext_lazy("No counseling rooms yet.")
    filters = [
        Filter("kind", gettext_lazy("kind"), choices=RoomKind.choices),
        Filter(
            "active",
            gettext_lazy("in use"),
            choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
            apply=lambda qs, v: qs.filter(is_active=(v == "yes")),
        ),
    ]
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

    def get_queryset(self, request):
        return room_policy.visible(request.user, selectors.room_list())

    def get_actions(self, request):
        actions = [Action(_("Availability"), reverse("resources:availability"), primary=False)]
        if room_policy.can_create(request.user):
            actions.insert(0, Action(_("New room"), reverse("resources:room_create")))
        return actions


class RoomFormPage(AreaFormPage):
    form_class = RoomForm
    policy = room_policy
    success_message = gettext_lazy("The room is saved.")

    @property
    def title(self):
        return _("Edit room") if self.kwargs.get("id") else _("New room")

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        if "id" in kwargs:
            return self.visible(request, selectors.room_list(), kwargs["id"])
        return None

    def save(self, request, form, obj):
        data = {name: form.cleaned_data[name] for name in services.ROOM_FIELDS}
        if obj is None:
            return services.room_create(actor=request.user, **data)
        return services.room_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("resources:rooms")


# Bookings ---------------------------------------------------------------------------------------


def _room_choices(request):
    return [(str(r.public_id), r.name) for r in selectors.room_list()]


class BookingTable(TablePage):
    template_name = "resources/table.html"
    title = gettext_lazy("Room bookings")
    policy = booking_policy
    export_name = "room-bookings"
    empty_text = gettext_lazy("No bookings yet.")
    filters = [
        Filter("room", gettext_lazy("room"), choices=_room_choices, lookup="room__public_id"),
        Filter(
            "status",
            gettext_lazy("status"),
            choices=[("live", gettext_lazy("Booked")), ("cancelled", gettext_lazy("Cancelled"))],
            apply=lambda qs, v: qs.filter(cancelled=(v == "cancelled")),
        ),
        Filter(
            "when",
            gettext_lazy("when"),
            choices=[("upcoming", gettext_lazy("Upcoming")), ("past", gettext_lazy("Past"))],
            apply=lambda qs, v: (
                qs.filter(ends_at__gte=timezone.now())
                if v == "upcoming"
                else qs.filter(ends_at__lt=timezone.now())
            ),
        ),
    ]

    def get_queryset(self, request):
        self.user = request.user
        self.exporting = request.GET.get("export") == "xlsx"
        # Newest first: the coming weeks on top, history below.
        return booking_policy.visible(request.user, selectors.booking_list()).order_by("-starts_at", "-id")

    @property
    def columns(self):
        user = getattr(self, "user", None)

        def cancel_link(b):
            if (
                user is not None
                and not b.cancelled
                and b.ends_at > timezone.now()
                and booking_policy.can_change(user, b)
            ):
                return reverse("resources:booking_cancel", args=[b.public_id])
            return None

        columns = [
            Column(_("room"), "room.name"),
            Column(_("time"), _when),
            Column(_("booked by"), "booked_by.display_name"),
            Column(_("purpose"), "purpose"),
            Column(_("status"), lambda b: _("Cancelled") if b.cancelled else _("Booked")),
        ]
        if not getattr(self, "exporting", False):
            columns.append(
                Column(_("actions"), lambda b: _("Cancel") if cancel_link(b) else "", link=cancel_link)
            )
        return columns

    def get_actions(self, request):
        actions = [Action(_("Availability"), reverse("resources:availability"), primary=False)]
        if booking_policy.can_create(request.user):
            actions.insert(0, Action(_("Book a room"), reverse("resources:booking_create")))
        return actions


class BookingFormPage(AreaFormPage):
    title = gettext_lazy("Book a room")
    form_class = BookingForm
    policy = booking_policy
    success_message = gettext_lazy("The room is booked.")

    def initial(self, request):
        initial = {"day": _today()}
        if request.GET.get("day"):
            try:
                initial["day"] = date.fromisoformat(request.GET["day"])
            except ValueError:
                pass
        if request.GET.get("room"):
            room = CounselingRoom.objects.filter(public_id__in=_uuids(request.GET["room"])).first()
            if room is not None:
                initial["room"] = room.public_id
        return initial

    def save(self, request, form, obj):
        zone = timezone.get_current_timezone()
        day = form.cleaned_data["day"]
        return services.booking_create(
            actor=request.user,
            room=form.cleaned_data["room"],
            purpose=form.cleaned_data["purpose"],
            starts_at=datetime.combine(day, form.cleaned_data["starts_at"], tzinfo=zone),
            ends_at=datetime.combine(day, form.cleaned_data["ends_at"], tzinfo=zone),
        )

    def success_url(self, request, saved):
        return reverse("resources:availability") + f"?day={selectors.local_day(saved.starts_at).isoformat()}"


def _uuids(value):
    import uuid

    try:
        return [uuid.UUID(value)]
    except ValueError:
        return []


class BookingCancelPage(LoginRequiredMixin, View):
    """GET asks for confirmation; POST cancels. Staff cancel their own bookings, managers any."""

    def _booking(self, request, id):
        if not booking_policy.can_read(request.user):
            raise Http404
        booking = get_object_or_404(
            booking_policy.visible(request.user, selectors.booking_list()), public_id=id
        )
        if not booking_policy.can_change(request.user, booking):
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
    """The bookings of one day, room by room (the rooms availability page)."""
    if not booking_policy.can_read(request.user):
        raise Http404
    day = _today()
    if request.GET.get("day"):
        try:
            day = date.fromisoformat(request.GET["day"])
        except ValueError:
            pass
    rooms = selectors.rooms_availability(day=day)
    opening, closing = 7, 21  # the hours the timeline spans
    span = (closing - opening) * 60
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=selectors.school_zone())
    for entry in rooms:
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
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rooms": rooms,
            "hours": list(range(opening, closing)),
            "can_book": booking_policy.can_create(request.user),
        },
    )


# Materials --------------------------------------------------------------------------------------


class MaterialTable(TablePage):
    template_name = "resources/table.html"
    title = gettext_lazy("Materials and textbooks (教材与宣传资料)")
    policy = material_policy
    export_name = "materials"
    empty_text = gettext_lazy("No materials yet.")
    filters = [
        Filter("category", gettext_lazy("category"), choices=MaterialCategory.choices),
        Filter("q", gettext_lazy("name"), lookup="name__icontains"),
    ]
    columns = [
        Column(
            gettext_lazy("name"), "name", link=lambda m: reverse("resources:material", args=[m.public_id])
        ),
        Column(gettext_lazy("category"), "get_category_display"),
        Column(gettext_lazy("in stock"), "stock", numeric=True),
        Column(gettext_lazy("unit"), "unit"),
        Column(gettext_lazy("description"), "description"),
    ]

    def get_queryset(self, request):
        return material_policy.visible(request.user, selectors.material_list())

    def get_actions(self, request):
        if not material_policy.can_create(request.user):
            return []
        return [
            Action(_("New material"), reverse("resources:material_create")),
            Action(_("Record a procurement"), reverse("resources:procurement_create"), primary=False),
            Action(_("Record an issue"), reverse("resources:issue_create"), primary=False),
        ]


class MaterialFormPage(AreaFormPage):
    form_class = MaterialForm
    policy = material_policy
    success_message = gettext_lazy("The material is saved.")

    @property
    def title(self):
        return _("Edit material") if self.kwargs.get("id") else _("New material")

    def get_object(self, request, **kwargs):
        self.kwargs = kwargs
        if "id" in kwargs:
            return self.visible(request, selectors.material_list(), kwargs["id"])
        return None

    def save(self, request, form, obj):
        data = {name: form.cleaned_data[name] for name in services.MATERIAL_FIELDS}
        if obj is None:
            return services.material_create(actor=request.user, **data)
        return services.material_update(obj, actor=request.user, data=data)

    def success_url(self, request, saved):
        return reverse("resources:material", args=[saved.public_id])


@login_required
def material_detail(request, id):
    if not material_policy.can_read(request.user):
        raise Http404
    material = get_object_or_404(
        material_policy.visible(request.user, selectors.material_list()), public_id=id
    )
    return render(
        request,
        "resources/material_detail.html",
        {
            "material": material,
            "procurements": selectors.procurement_list().filter(material=material)[:50],
            "issues": selectors.issue_list().filter(material=material)[:50],
            "can_manage": material_policy.can_create(request.user),
        },
    )


def _material_choices(request):
    return [(str(m.public_id), m.name) for m in selectors.material_list()]


class ProcurementTable(TablePage):
    template_name = "resources/table.html"
    title = gettext_lazy("Procurement records (采购记录)")
    policy = stock_policy
    export_name = "material-procurements"
    empty_text = gettext_lazy("No procurements recorded yet.")
    filters = [
        Filter("material", gettext_lazy("material"), choices=_material_choices, lookup="material__public_id"),
        Filter("supplier", gettext_lazy("supplier"), lookup="supplier__icontains"),
    ]
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

    def get_queryset(self, request):
        return stock_policy.visible(request.user, selectors.procurement_list())

    def get_actions(self, request):
        if stock_policy.can_create(request.user):
            return [Action(_("Record a procurement"), reverse("resources:procurement_create"))]
        return []


class _MovementFormPage(AreaFormPage):
    policy = stock_policy

    def initial(self, request):
        initial = {self.date_field: _today()}
        material = request.GET.get("material")
        if material and _uuids(material):
            found = selectors.material_list().filter(public_id=_uuids(material)[0]).first()
            if found is not None:
                initial["material"] = found.public_id
        return initial

    def success_url(self, request, saved):
        return reverse("resources:material", args=[saved.material.public_id])


class ProcurementFormPage(_MovementFormPage):
    title = gettext_lazy("Record a procurement")
    form_class = ProcurementForm
    date_field = "procured_on"
    success_message = gettext_lazy("The procurement is recorded and the stock updated.")

    def save(self, request, form, obj):
        return services.procurement_record(actor=request.user, **form.cleaned_data)


class IssueTable(TablePage):
    template_name = "resources/table.html"
    title = gettext_lazy("Issue records (领用记录)")
    policy = stock_policy
    export_name = "material-issues"
    empty_text = gettext_lazy("No issues recorded yet.")
    filters = [
        Filter("material", gettext_lazy("material"), choices=_material_choices, lookup="material__public_id"),
        Filter("recipient", gettext_lazy("issued to"), lookup="recipient__icontains"),
    ]
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

    def get_queryset(self, request):
        return stock_policy.visible(request.user, selectors.issue_list())

    def get_actions(self, request):
        if stock_policy.can_create(request.user):
            return [Action(_("Record an issue"), reverse("resources:issue_create"))]
        return []


class IssueFormPage(_MovementFormPage):
    title = gettext_lazy("Record an issue")
    form_class = IssueForm
    date_field = "issued_on"
    success_message = gettext_lazy("The issue is recorded and the stock updated.")

    def save(self, request, form, obj):
        return services.issue_record(actor=request.user, **form.cleaned_data)
