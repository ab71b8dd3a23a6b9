"""Resources (资源配置): counseling rooms and their bookings; materials and textbooks with their
procurement and issue records."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.models import AuthoredModel, SingletonRange, one_of


class TsTzRange(models.Func):
    """tstzrange(start, end, bounds): the period a booking occupies, for the exclusion constraint."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class RoomKind(models.TextChoices):
    COUNSELING_ROOM = "counseling_room", _("Counseling room (心理咨询室)")
    GUIDANCE_STATION = "guidance_station", _("Guidance station (心理辅导站)")
    GROUP_ROOM = "group_room", _("Group counseling room (团体辅导室)")
    RELAXATION_ROOM = "relaxation_room", _("Relaxation room (放松室)")
    OTHER = "other", _("Other")


class CounselingRoom(AuthoredModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=RoomKind.choices, default=RoomKind.COUNSELING_ROOM
    )
    location = models.CharField(_("location"), max_length=200)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    facilities = models.TextField(_("facilities"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("counseling room")
        verbose_name_plural = _("counseling rooms")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_m2__gt=0), name="resources_room_area_positive"),
            models.CheckConstraint(
                condition=one_of("kind", RoomKind.values), name="resources_room_kind_known"
            ),
        ]

    def __str__(self):
        return self.name


class RoomBooking(AuthoredModel):
    room = models.ForeignKey(
        CounselingRoom, verbose_name=_("room"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="room_bookings",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="resources_booking_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(cancelled=False, cancelled_at__isnull=True)
                | models.Q(cancelled=True, cancelled_at__isnull=False),
                name="resources_booking_cancelled_has_time",
            ),
            # No two live bookings of one room overlap. The database decides, so two people
            # booking the same slot at the same moment cannot both succeed.
            ExclusionConstraint(
                name="resources_booking_no_overlap",
                expressions=[
                    (SingletonRange("room"), RangeOperators.OVERLAPS),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=models.Q(cancelled=False),
            ),
        ]

    def __str__(self):
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The booking must end after it starts.")})


class MaterialCategory(models.TextChoices):
    TEXTBOOK = "textbook", _("Textbook (心理健康教材)")
    PUBLICITY = "publicity", _("Publicity material (宣传资料)")
    BOOK = "book", _("Reference book (参考图书)")
    ASSESSMENT = "assessment", _("Assessment material (测评材料)")
    ACTIVITY = "activity", _("Activity supplies (活动用品)")
    OTHER = "other", _("Other")


class Material(AuthoredModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=MaterialCategory.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("For example 本, 册, 份, 套."))
    # Kept by the procurement and issue services; never below zero.
    stock = models.IntegerField(_("in stock"), default=0, editable=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="resources_material_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=one_of("category", MaterialCategory.values),
                name="resources_material_category_known",
            ),
        ]

    def __str__(self):
        return self.name


class MaterialProcurement(AuthoredModel):
    """A purchase (采购) that adds to stock."""

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.PROTECT, related_name="procurements"
    )
    procured_on = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    supplier = models.CharField(_("supplier"), max_length=200)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        ordering = ["-procured_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="resources_procurement_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="resources_procurement_price_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.material} × {self.quantity}"

    @property
    def total(self) -> Decimal:
        return (Decimal(self.quantity or 0) * (self.unit_price or Decimal("0"))).quantize(Decimal("0.01"))


class MaterialIssue(AuthoredModel):
    """Material taken out of stock (领用/发放)."""

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.PROTECT, related_name="issues"
    )
    issued_on = models.DateField(_("date"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    recipient = models.CharField(
        _("issued to"), max_length=200, help_text=_("A class, a department or a person.")
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("issue of material")
        verbose_name_plural = _("issues of material")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="resources_issue_quantity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.material} × {self.quantity}"
