"""notices models (public schema): group-robot webhooks (and the district's notices, below)."""

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from notices.secrets import secret_seal, secret_unseal
from shared.models import PublicModel


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("Nothing sent yet")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class RobotWebhook(PublicModel):
    """A school's (or, with no school, the district's) group robot. The webhook URL (it carries the
    robot's key) and the DingTalk signing secret are stored encrypted (notices.secrets); `url_hint`
    is what pages show: the host and the last four characters."""

    school = models.ForeignKey(
        "district.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("robot"), max_length=20, choices=RobotKind.choices)
    url_token = models.TextField(editable=False)
    secret_token = models.TextField(blank=True, editable=False)
    url_hint = models.CharField(_("webhook"), max_length=120, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_by = models.CharField(max_length=150, blank=True)
    last_status = models.CharField(
        _("last delivery"), max_length=10, choices=DeliveryStatus.choices, default="", blank=True
    )
    last_error = models.CharField(_("last error"), max_length=120, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        constraints = [
            # One robot per school, and one for the district (school NULL counts as 0).
            models.UniqueConstraint(Coalesce("school", models.Value(0)), name="notices_one_robot_per_owner"),
            models.CheckConstraint(
                condition=models.Q(kind="wecom") | models.Q(kind="dingtalk"), name="notices_robot_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.url_hint}"

    def _binding(self, field: str) -> dict:
        return {"model": "notices.robotwebhook", "field": field, "row": str(self.public_id)}

    @property
    def url(self) -> str:
        return secret_unseal(self.url_token, **self._binding("url")) if self.url_token else ""

    @url.setter
    def url(self, value: str) -> None:
        self.url_token = secret_seal(value, **self._binding("url"))

    @property
    def secret(self) -> str:
        return secret_unseal(self.secret_token, **self._binding("secret")) if self.secret_token else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_token = secret_seal(value, **self._binding("secret")) if value else ""
