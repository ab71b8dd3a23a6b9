"""Group-robot webhooks (WeCom 企业微信, DingTalk 钉钉): where people already are.

    from notices.webhooks import announce
    announce("区教育局发布了新通知《……》，请登录平台查看。", school=school)   # that school's robot
    announce("……")                                                          # the district's robot

`announce` sends nothing itself: once the current transaction commits, a Celery task carrying the
robot's id and the text delivers it, retrying on failure. It returns whether a message was queued
(False: no enabled robot, or the text was refused).

The text must carry no personal data about students: write it from titles and names meant for
sharing (a notice's title, a library item's title, an event's name and time). As a guard, a text
with a phone or ID number is refused here, and the task refuses a text naming one of the addressed
school's students (checked inside that school's schema). Logs name the robot's public id, kind and
host, never the URL (its query holds the robot's key), the secret or the text.
"""

import base64
import hashlib
import hmac
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notices.models import RobotKind, RobotWebhook
from tenants.students.text_check import Identifiers, find_personal_data

log = logging.getLogger(__name__)

MAX_TEXT = 1800  # DingTalk and WeCom both take about 2,000 characters of text
TIMEOUT_SECONDS = 10
# The only hosts a robot's URL may point at (https). Tests add a local server through
# settings.WEBHOOK_EXTRA_HOSTS (["127.0.0.1"]), which may be plain http.
HOSTS = {RobotKind.WECOM: "qyapi.weixin.qq.com", RobotKind.DINGTALK: "oapi.dingtalk.com"}


class DeliveryFailed(Exception):
    """A delivery that did not arrive. The message is safe to log: no URL, no secret, no text."""


def url_check(kind: str, url: str) -> str:
    """The URL if a robot of `kind` may be sent to at it; ValidationError (on "url") otherwise."""
    url = (url or "").strip()
    parts = urlsplit(url)
    extra = set(getattr(settings, "WEBHOOK_EXTRA_HOSTS", ()) or ())
    host = (parts.hostname or "").lower()
    if host in extra and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https" or host != HOSTS.get(kind):
        raise ValidationError(
            {
                "url": _("Paste the robot's webhook address: it starts with https://%(host)s/.")
                % {"host": HOSTS.get(kind, "")}
            }
        )
    if not parts.query:
        raise ValidationError({"url": _("The address has no key: copy the whole webhook address.")})
    return url


def url_hint(url: str) -> str:
    """What a page may show of a webhook URL: its host and the last four characters."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''} …{url[-4:]}"


def text_clean(text: str) -> str:
    return (text or "").strip()[:MAX_TEXT]


def announce(text: str, *, school=None) -> bool:
    """Queue `text` for the group robot of `school` (the district's when None), after commit."""
    config = RobotWebhook.objects.filter(school=school, enabled=True).only("pk", "public_id").first()
    if config is None:
        return False
    text = text_clean(text)
    if not text:
        return False
    if find_personal_data(text, identifiers=Identifiers()):
        log.warning("Robot %s: message refused (it holds personal data)", config.public_id)
        return False
    from notices.tasks import webhook_deliver

    config_id = config.pk
    transaction.on_commit(
        lambda: webhook_deliver.apply_async(args=[config_id, text], headers={"_schema_name": "public"})
    )
    return True


def announce_many(text: str, *, schools) -> int:
    """Queue `text` for the group robot of each of `schools` that has one (one query for all);
    how many were queued."""
    text = text_clean(text)
    if not text or find_personal_data(text, identifiers=Identifiers()):
        return 0
    ids = list(
        RobotWebhook.objects.filter(school__in=list(schools), enabled=True).values_list("pk", flat=True)
    )
    from notices.tasks import webhook_deliver

    for config_id in ids:
        transaction.on_commit(
            lambda config_id=config_id: webhook_deliver.apply_async(
                args=[config_id, text], headers={"_schema_name": "public"}
            )
        )
    return len(ids)


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's signature: base64 of HMAC-SHA256, keyed by the secret, of "timestamp\\nsecret"."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def payload(text: str) -> dict:
    """The message body: the same text message for WeCom and DingTalk."""
    return {"msgtype": "text", "text": {"content": text}}


def deliver(config: RobotWebhook, text: str) -> None:
    """Post one message now; DeliveryFailed when it did not arrive."""
    import requests

    url = url_check(config.kind, config.url)
    params = {}
    if config.kind == RobotKind.DINGTALK and config.secret_token:
        timestamp = str(int(time.time() * 1000))
        params = {"timestamp": timestamp, "sign": dingtalk_sign(config.secret, timestamp)}
    try:
        response = requests.post(
            url, params=params, json=payload(text), timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        # The class name only: a requests message repeats the URL, key included.
        raise DeliveryFailed(type(exc).__name__) from None
    if response.status_code != 200:
        raise DeliveryFailed(f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    errcode = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if errcode not in (0, "0"):
        raise DeliveryFailed(f"errcode {str(errcode)[:20]}")


def host_of(config: RobotWebhook) -> str:
    try:
        return urlsplit(config.url).hostname or "?"
    except Exception:  # noqa: BLE001 - a log line must not fail
        return "?"
