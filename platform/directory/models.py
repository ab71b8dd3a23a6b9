"""directory models (public schema): the community service directory (社会心理服务资源) and
partnerships between schools (校际合作).

A directory entry with no school is the district's, seen by every school; one with a school is that
school's own local entry, seen by that school (and the district) only. Entries describe
institutions (their public contacts), never a student.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
