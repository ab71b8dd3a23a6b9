"""Write use cases of notices: group-robot configuration (and, below, the district's notices)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from district import audit
from notices.models import DeliveryStatus, RobotKind, RobotWebhook
from notices.webhooks import url_check, url_hint

MAX_SECRET = 200


@transaction.atomic
def robot_webhook_set(
    *, actor, school=None, kind: str, url: str = "", secret: str = "", enabled: bool = True
) -> RobotWebhook:
    """Configure the group robot of `school` (the district's when None). An empty `url` or `secret`
    keeps the stored one (pages never show them back); a new URL or kind needs a URL."""
    if kind not in RobotKind.values:
        raise ValidationError({"kind": _("Choose WeCom or DingTalk.")})
    config = RobotWebhook.objects.select_for_update().filter(school=school).first()
    url = (url or "").strip()
    secret = (secret or "").strip()
    if config is None or config.kind != kind:
        if not url:
            raise ValidationError({"url": _("Paste the robot's webhook address.")})
    if url:
        url = url_check(kind, url)
    if len(secret) > MAX_SECRET:
        raise ValidationError({"secret": _("The signing secret is too long.")})
    if secret and kind != RobotKind.DINGTALK:
        raise ValidationError({"secret": _("Only a DingTalk robot has a signing secret: leave it empty.")})
    if config is None:
        config = RobotWebhook(school=school)
    if config.kind != kind:
        config.secret = ""
    config.kind = kind
    if url:
        config.url = url
        config.url_hint = url_hint(url)
    if secret:
        config.secret = secret
    if kind != RobotKind.DINGTALK:
        config.secret = ""
    config.enabled = enabled
    config.updated_by = str(getattr(actor, "username", actor) or "")[:150]
    config.last_status = DeliveryStatus.NONE if url else config.last_status
    config.last_error = "" if url else config.last_error
    config.save()
    if school is None:
        audit.record(actor, "webhook.set", target=str(config.public_id), summary=str(config))
    return config


@transaction.atomic
def robot_webhook_remove(*, actor, school=None) -> bool:
    deleted, _rows = RobotWebhook.objects.filter(school=school).delete()
    if deleted and school is None:
        audit.record(actor, "webhook.remove", summary=_("The district's group robot was removed"))
    return bool(deleted)
