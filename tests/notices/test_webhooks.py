"""Group-robot webhooks: delivery to a local server in WeCom's and DingTalk's formats, DingTalk
signing, retries, the secret stored encrypted, and no personal data or URL key in messages or logs."""

import base64
import hashlib
import hmac
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from notices import services, webhooks
from notices.models import RobotWebhook
from notices.tasks import webhook_deliver
from tests.notices import robot_server

SECRET = "SECdingtalk-signing-secret-0001"


@pytest.fixture
def robot(settings):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_RETRY_DELAYS = (0, 0)
    state, server = robot_server.start()
    yield state
    server.shutdown()
    server.server_close()


def _run(config, text):
    return webhook_deliver.apply(args=[config.pk, text]).get()


def test_wecom_message_format(db, robot, schools, django_capture_on_commit_callbacks):
    config = services.robot_webhook_set(actor="alice", school=schools["alpha"], kind="wecom", url=robot.url())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert (
            webhooks.announce("区教育局发布了新通知《心理健康月活动安排》", school=schools["alpha"]) is True
        )
    assert len(callbacks) == 1
    assert _run(config, "区教育局发布了新通知《心理健康月活动安排》") == "sent"
    [got] = robot.received
    assert got.body == {"msgtype": "text", "text": {"content": "区教育局发布了新通知《心理健康月活动安排》"}}
    assert got.query == {"key": ["robot-key-1234"]}
    config.refresh_from_db()
    assert config.last_status == "sent" and config.last_error == ""


def test_dingtalk_is_signed(db, robot):
    config = services.robot_webhook_set(
        actor="dora", kind="dingtalk", url=robot.url("/robot/send", "access_token=tok-9876"), secret=SECRET
    )
    assert _run(config, "通知：请于月底前提交材料") == "sent"
    [got] = robot.received
    assert got.path == "/robot/send"
    assert got.body == {"msgtype": "text", "text": {"content": "通知：请于月底前提交材料"}}
    timestamp = got.query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert got.query["sign"] == [expected]
    assert got.query["access_token"] == ["tok-9876"]


def test_the_district_robot_config_is_audited(db, robot):
    from district.models import DistrictAuditEvent

    services.robot_webhook_set(actor="dora", kind="wecom", url=robot.url())
    assert DistrictAuditEvent.objects.filter(action="webhook.set", actor="dora").count() == 1


def test_url_and_secret_are_stored_encrypted(db, robot, schools):
    config = services.robot_webhook_set(
        actor="dora", kind="dingtalk", url=robot.url("/robot/send", "access_token=tok-plain-1"), secret=SECRET
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notices_robotwebhook WHERE id = %s", [config.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "tok-plain-1" not in row and SECRET not in row and SECRET[3:] not in row
    assert config.url_token.startswith("xy1:") and config.secret_token.startswith("xy1:")
    fresh = RobotWebhook.objects.get(pk=config.pk)
    assert fresh.url.endswith("access_token=tok-plain-1") and fresh.secret == SECRET
    # A token copied to another row does not decrypt.
    other = services.robot_webhook_set(actor="alice", school=schools["alpha"], kind="wecom", url=robot.url())
    RobotWebhook.objects.filter(pk=other.pk).update(url_token=config.url_token)
    from shared.crypto import DecryptionError

    with pytest.raises(DecryptionError):
        _ = RobotWebhook.objects.get(pk=other.pk).url


def test_empty_url_and_secret_keep_the_stored_ones(db, robot):
    config = services.robot_webhook_set(
        actor="dora", kind="dingtalk", url=robot.url("/robot/send", "access_token=t1"), secret=SECRET
    )
    services.robot_webhook_set(actor="dora", kind="dingtalk", url="", secret="", enabled=False)
    config.refresh_from_db()
    assert config.secret == SECRET and config.url.endswith("access_token=t1") and not config.enabled


def test_failures_are_retried_then_logged_without_the_key(db, robot, caplog):
    config = services.robot_webhook_set(
        actor="dora", kind="wecom", url=robot.url(query="key=very-secret-key")
    )
    robot.answers = [500, 500]
    with caplog.at_level(logging.WARNING):
        assert _run(config, "测试消息") == "sent"
    assert len(robot.received) == 3
    assert (
        "HTTP 500" in caplog.text and "very-secret-key" not in caplog.text and "测试消息" not in caplog.text
    )
    robot.received.clear()
    robot.answers = [500, 503, 502]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert _run(config, "测试消息") == "failed"
    assert len(robot.received) == 3 and "giving up" in caplog.text and "very-secret-key" not in caplog.text
    config.refresh_from_db()
    assert config.last_status == "failed" and config.last_error == "HTTP 502"


def test_unreachable_robot_is_logged_without_the_url(db, settings, caplog):
    settings.WEBHOOK_EXTRA_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_RETRY_DELAYS = ()
    config = services.robot_webhook_set(
        actor="dora", kind="wecom", url="http://127.0.0.1:9/cgi-bin/webhook/send?key=closed-port-key"
    )
    with caplog.at_level(logging.WARNING):
        assert _run(config, "测试") == "failed"
    assert "ConnectionError" in caplog.text and "closed-port-key" not in caplog.text


def test_personal_data_never_leaves(db, robot, schools, django_capture_on_commit_callbacks):
    from tests.support.students import make_student

    config = services.robot_webhook_set(actor="alice", school=schools["alpha"], kind="wecom", url=robot.url())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert webhooks.announce("请联系 13812345678", school=schools["alpha"]) is False
        assert webhooks.announce("身份证 11010519491231002X", school=schools["alpha"]) is False
    assert callbacks == []
    with schema_context(schools["alpha"].schema_name):
        make_student(name="钱多多")
    connection.set_schema_to_public()
    assert _run(config, "钱多多同学的情况") == "refused"
    assert robot.received == []


def test_no_robot_means_nothing_queued(db, schools, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert webhooks.announce("消息", school=schools["beta"]) is False
    assert callbacks == []


@pytest.mark.parametrize(
    "kind,url",
    [
        ("wecom", "https://evil.example.com/cgi-bin/webhook/send?key=1"),
        ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"),
        ("dingtalk", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send"),
    ],
)
def test_only_the_robot_hosts_are_accepted(db, kind, url):
    with pytest.raises(ValidationError) as caught:
        services.robot_webhook_set(actor="dora", kind=kind, url=url)
    assert "url" in caught.value.message_dict
    assert not RobotWebhook.objects.filter(school=None).exists()


def test_real_hosts_are_accepted(db):
    config = services.robot_webhook_set(
        actor="dora", kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234"
    )
    assert config.url_hint == "qyapi.weixin.qq.com …1234"


def test_a_redelivered_message_posts_nothing_again(db, robot):
    """The same Celery message delivered twice (a worker lost after posting, before its late ack):
    the robot gets it once, by the task id's receipt."""
    config = services.robot_webhook_set(actor="dora", kind="wecom", url=robot.url())
    assert webhook_deliver.apply(args=[config.pk, "通知一"], task_id="robot-message-1").get() == "sent"
    assert webhook_deliver.apply(args=[config.pk, "通知一"], task_id="robot-message-1").get() == "sent"
    assert len(robot.received) == 1
    # Another message with the same text is another delivery.
    assert webhook_deliver.apply(args=[config.pk, "通知一"], task_id="robot-message-2").get() == "sent"
    assert len(robot.received) == 2
