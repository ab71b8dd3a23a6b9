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


# --- Notices from the district -------------------------------------------------------------------


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    POLICY = "policy", _("Policy document")
    REQUIREMENT = "requirement", _("Requirement")


class Audience(models.TextChoices):
    ALL = "all", _("All schools")
    TYPES = "types", _("Schools of the chosen types")
    SCHOOLS = "schools", _("Chosen schools")


def notice_file_path(instance, filename: str) -> str:
    """Under MEDIA_ROOT/notices/<notice>/, named by a fresh id (the name people gave it is kept in
    `name`), so that nothing guessable is served."""
    import os
    import uuid

    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"notices/{instance.notice.public_id}/{uuid.uuid4().hex}{ext}"


class Notice(PublicModel):
    """A notice, policy document or requirement the district sends to its schools. Sent when made:
    the addressed schools are fixed then, one NoticeRecipient each."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    asks_action = models.BooleanField(_("asks for action"), default=False)
    audience = models.CharField(_("sent to"), max_length=10, choices=Audience.choices, default=Audience.ALL)
    school_types = models.JSONField(_("school types"), default=list, blank=True)
    sent_by = models.CharField(_("sent by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="notice") | models.Q(kind="policy") | models.Q(kind="requirement"),
                name="notices_notice_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(audience="all")
                | models.Q(audience="types")
                | models.Q(audience="schools"),
                name="notices_notice_audience_known",
            ),
        ]

    def __str__(self):
        return self.title


class NoticeAttachment(PublicModel):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=notice_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.name


class NoticeRecipient(models.Model):
    """One addressed school: whether it has read the notice (the first reader and when), and the
    ledger task it made of it (the task's public id in the school's schema)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    school = models.ForeignKey("district.School", on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    first_reader = models.CharField(_("first read by"), max_length=150, blank=True)
    task_public_id = models.UUIDField(null=True, blank=True)
    task_made_at = models.DateTimeField(_("task made at"), null=True, blank=True)

    class Meta:
        ordering = ["school__code"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "school"], name="notices_one_recipient_per_school"),
        ]
        indexes = [models.Index(fields=["school", "notice"])]

    def __str__(self):
        return f"{self.notice} → {self.school}"
