"""directory models (public schema): the community service directory (社会心理服务资源) and
partnerships between schools (校际合作).

A directory entry with no school is the district's, seen by every school; one with a school is that
school's own local entry, seen by that school (and the district) only. Entries describe
institutions (their public contacts), never a student.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shared.models import PublicModel


class EntryKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital (psychiatry or psychology department)")
    CENTRE = "centre", _("Community mental-health centre")
    HOTLINE = "hotline", _("Hotline")
    SOCIAL = "social", _("Social organisation")
    OTHER = "other", _("Other service")


class ServiceEntry(PublicModel):
    school = models.ForeignKey(
        "district.School",
        verbose_name=_("local entry of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    services = models.TextField(_("services offered"), blank=True)
    age_min = models.PositiveSmallIntegerField(_("ages from"), default=0)
    age_max = models.PositiveSmallIntegerField(_("ages to"), default=99)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    updated_by = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")), name="directory_entry_ages_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="hospital")
                | models.Q(kind="centre")
                | models.Q(kind="hotline")
                | models.Q(kind="social")
                | models.Q(kind="other"),
                name="directory_entry_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["school", "kind"])]

    def __str__(self):
        return self.name

    @property
    def ages(self) -> str:
        if self.age_min == 0 and self.age_max >= 99:
            return str(_("All ages"))
        if self.age_max >= 99:
            return f"{self.age_min}+"
        return f"{self.age_min}–{self.age_max}"


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("partnership", "Active")
    ENDED = "ended", _("Ended")


class Partnership(PublicModel):
    """A partnership between two schools (校际合作), recorded by one of them. Both schools read and
    keep it; the district reads every one. It describes joint work between schools (written for the
    partner to read, so checked for personal data first), never a student."""

    school = models.ForeignKey(
        "district.School", verbose_name=_("recorded by school"), on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        "district.School", verbose_name=_("partner school"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("joint work"))
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.ACTIVE
    )
    # The last change, for lists: which school and who (a staff account's name, never a student's).
    updated_by_school = models.ForeignKey(
        "district.School", on_delete=models.CASCADE, related_name="+", null=True, editable=False
    )
    updated_by = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        verbose_name = _("partnership between schools")
        verbose_name_plural = _("partnerships between schools")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(school=models.F("partner")), name="directory_partnership_two_schools"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="directory_partnership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PartnershipStatus.values),
                name="directory_partnership_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | models.Q(ended_on__isnull=False),
                name="directory_partnership_ended_has_end_date",
            ),
        ]

    def __str__(self):
        return self.title

    def other_school(self, school):
        """The school on the other side from `school` (one of the two)."""
        return self.partner if self.school_id == school.pk else self.school


class PartnershipEvent(models.Model):
    """Who changed what in a partnership: append-only, one row per save."""

    class Action(models.TextChoices):
        CREATED = "created", _("Recorded")
        CHANGED = "changed", _("Changed")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    school = models.ForeignKey("district.School", on_delete=models.CASCADE, related_name="+")
    actor = models.CharField(max_length=150)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["created", "changed"]),
                name="directory_partnership_event_action_known",
            )
        ]
