"""Case studies go through district review; the district hides, locks and handles reports; every
district action is in the audit log; schools cannot moderate."""

import pytest
from django.core.exceptions import PermissionDenied

from district.models import DistrictAuditEvent
from exchange import selectors, services
from exchange.models import Post, PostKind, PostReport, ReportStatus, ReviewStatus
from tests.conftest import signed_in
from tests.exchange.conftest import district_reader, school_reader

pytestmark = pytest.mark.django_db


def _case(reader, title="案例：一次班级冲突后的团体辅导"):
    return services.post_create(
        reader=reader, kind=PostKind.CASE_STUDY, title=title, body="背景、过程、反思（已去除可识别信息）。"
    )


def test_case_study_is_invisible_until_approved(district_people, django_capture_on_commit_callbacks):
    from django_tenants.utils import schema_context

    from shared.accounts.models import User
    from tenants.workspace.models import Notification

    alice = school_reader("alpha", "alice")
    case = _case(alice)
    assert case.status == ReviewStatus.PENDING
    url = f"/exchange/p/{case.public_id}/"
    # Nobody but the author and the district moderators sees it.
    for client in (signed_in("beta", "bob"), signed_in("alpha", "carol"), signed_in(None, "ex_analyst")):
        assert client.get(url).status_code == 404
        assert "一次班级冲突" not in client.get("/exchange/").content.decode()
    mine = signed_in("alpha", "alice")
    page = mine.get(url).content.decode()
    assert "一次班级冲突" in page and 'id="status"' in page
    assert "一次班级冲突" in mine.get("/exchange/", {"mine": "yes"}).content.decode()
    reviewer = signed_in(None, "ex_reviewer")
    assert reviewer.get(url).status_code == 200
    queue = selectors.review_queue()
    item = next(i for i in queue if i["kind"] == "case_study" and i["title"] == case.title)
    assert item["school"] == "测试学校alpha" and item["url"] == url and item["submitted_at"] is not None
    # The reviewer returns it with a reason; the author reads it and corrects.
    assert reviewer.post(f"{url}return/", {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert reviewer.post(f"{url}return/", {"reason": "请删去年级和班级"}).status_code == 302
    case.refresh_from_db()
    assert case.status == ReviewStatus.RETURNED and case.returned_reason == "请删去年级和班级"
    assert "请删去年级和班级" in mine.get(url).content.decode()
    assert signed_in("beta", "bob").get(url).status_code == 404
    assert mine.post(f"{url}edit/", {"title": case.title, "body": "已修改的案例正文"}).status_code == 302
    case.refresh_from_db()
    assert case.status == ReviewStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert reviewer.post(f"{url}approve/").status_code == 302
    case.refresh_from_db()
    assert case.status == ReviewStatus.PUBLISHED and case.reviewed_by == "ex_reviewer"
    assert signed_in("beta", "bob").get(url).status_code == 200
    assert not any(i["title"] == case.title for i in selectors.review_queue())
    actions = list(
        DistrictAuditEvent.objects.filter(target=str(case.public_id))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("exchange.case_return", "ex_reviewer"), ("exchange.case_approve", "ex_reviewer")]
    with schema_context("school_alpha"):
        titles = list(
            Notification.objects.filter(recipient=User.objects.get(username="alice")).values_list(
                "title", flat=True
            )
        )
        assert len([t for t in titles if case.title in t]) == 2


def test_schools_and_the_analyst_cannot_review_or_moderate(district_people):
    case = _case(school_reader("alpha", "alice"))
    post = services.post_create(
        reader=school_reader("alpha", "alice"), kind="sharing", title="普通帖", body="内容"
    )
    for client in (signed_in("alpha", "alice"), signed_in("beta", "bob"), signed_in(None, "ex_analyst")):
        assert client.post(f"/exchange/p/{case.public_id}/approve/").status_code == 404
        for action in ("hide", "lock"):
            assert client.post(f"/exchange/p/{post.public_id}/{action}/").status_code == 404
        assert client.get("/exchange/review/").status_code == 404
    case.refresh_from_db()
    post.refresh_from_db()
    assert case.status == ReviewStatus.PENDING and not post.hidden and not post.locked
    with pytest.raises(PermissionDenied):
        services.case_study_approve(case, actor=district_reader("ex_analyst").user)


def test_hide_and_lock(district_people):
    alice = school_reader("alpha", "alice")
    post = services.post_create(
        reader=alice, kind="question", title="提问：如何开展朋辈辅导", body="请教经验"
    )
    reply = services.reply_create(post, reader=school_reader("beta", "bob"), body="不恰当的回复")
    url = f"/exchange/p/{post.public_id}/"
    dora = signed_in(None, "dora")
    bob = signed_in("beta", "bob")
    # Lock: no more replies, through the page or the service.
    assert dora.post(f"{url}lock/").status_code == 302
    response = bob.post(f"{url}reply/", {"body": "再补充一句"})
    assert response.status_code == 400 and post.replies.count() == 1
    assert dora.post(f"{url}unlock/").status_code == 302
    # Hide a reply: gone for readers, still there for the district.
    assert dora.post(f"/exchange/r/{reply.public_id}/hide/").status_code == 302
    assert "不恰当的回复" not in bob.get(url).content.decode()
    assert "不恰当的回复" in dora.get(url).content.decode()
    # Hide the post: 404 for every reader, visible to the district.
    assert dora.post(f"{url}hide/").status_code == 302
    assert bob.get(url).status_code == 404 and signed_in("alpha", "carol").get(url).status_code == 404
    assert "如何开展朋辈辅导" not in bob.get("/exchange/").content.decode()
    assert dora.get(url).status_code == 200
    actions = set(DistrictAuditEvent.objects.filter(actor="dora").values_list("action", flat=True))
    assert {"exchange.lock", "exchange.unlock", "exchange.reply_hide", "exchange.post_hide"} <= actions


def test_reports_queue_dismiss_and_hide(district_people):
    alice = school_reader("alpha", "alice")
    post = services.post_create(reader=alice, kind="sharing", title="被举报的帖子", body="内容")
    other = services.post_create(reader=alice, kind="sharing", title="另一个帖子", body="内容")
    bob = signed_in("beta", "bob")
    response = bob.post(f"/exchange/p/{post.public_id}/report/", {"reason": ""})
    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert bob.post(f"/exchange/p/{post.public_id}/report/", {"reason": "广告内容"}).status_code == 302
    assert (
        signed_in(None, "ex_analyst")
        .post(f"/exchange/p/{other.public_id}/report/", {"reason": "重复"})
        .status_code
        == 302
    )
    report = PostReport.objects.get(post=post)
    assert report.school.code == "beta" and report.reporter_username == "bob"
    queue = [i for i in selectors.review_queue() if i["kind"] == "report"]
    assert {i["title"] for i in queue} >= {"被举报的帖子", "另一个帖子"}
    reviewer = signed_in(None, "ex_reviewer")
    page = reviewer.get("/exchange/review/").content.decode()
    assert "广告内容" in page and "bob" in page
    assert reviewer.post(f"/exchange/reports/{report.public_id}/hide/").status_code == 302
    report.refresh_from_db()
    post.refresh_from_db()
    assert report.status == ReportStatus.HIDDEN and post.hidden and report.handled_by == "ex_reviewer"
    other_report = PostReport.objects.get(post=other)
    assert reviewer.post(f"/exchange/reports/{other_report.public_id}/dismiss/").status_code == 302
    other_report.refresh_from_db()
    other.refresh_from_db()
    assert other_report.status == ReportStatus.DISMISSED and not other.hidden
    assert not any(
        i["kind"] == "report" and i["title"] in ("被举报的帖子", "另一个帖子")
        for i in selectors.review_queue()
    )
    assert {"exchange.report_hide", "exchange.report_dismiss"} <= set(
        DistrictAuditEvent.objects.filter(actor="ex_reviewer").values_list("action", flat=True)
    )
    # A school cannot handle a report.
    assert bob.post(f"/exchange/reports/{other_report.public_id}/hide/").status_code == 404


def test_a_reply_can_be_reported_and_hidden_through_the_report(district_people):
    post = services.post_create(
        reader=school_reader("alpha", "alice"), kind="sharing", title="回复被举报", body="内容"
    )
    reply = services.reply_create(post, reader=school_reader("beta", "bob"), body="灌水回复")
    alice = signed_in("alpha", "alice")
    assert (
        alice.post(
            f"/exchange/p/{post.public_id}/report/", {"reason": "灌水", "reply": str(reply.public_id)}
        ).status_code
        == 302
    )
    report = PostReport.objects.get(reply=reply)
    services.report_handle(report, actor=district_reader("dora").user, hide=True)
    reply.refresh_from_db()
    post.refresh_from_db()
    assert reply.hidden and not post.hidden


def test_review_queue_shape(district_people):
    _case(school_reader("beta", "bob"), title="案例：新生适应")
    items = selectors.review_queue()
    assert items and all(set(i) == {"kind", "title", "school", "submitted_at", "url"} for i in items)
    assert [i["submitted_at"] for i in items] == sorted(i["submitted_at"] for i in items)
    assert Post.objects.filter(title="案例：新生适应").get().school.code == "beta"


def test_review_outcomes_go_to_the_authors_school_robot(district_people, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "announce", lambda text, *, school=None: sent.append((text, school.code)))
    reviewer = district_reader("dora").user
    approved = _case(school_reader("alpha", "alice"), title="案例：考前焦虑团体辅导")
    returned = _case(school_reader("beta", "bob"), title="案例：同伴冲突调解")
    services.case_study_approve(approved, actor=reviewer)
    services.case_study_return(returned, actor=reviewer, reason="请补充辅导过程。")
    assert [code for _text, code in sent] == ["alpha", "beta"]
    assert "考前焦虑团体辅导" in sent[0][0] and "同伴冲突调解" in sent[1][0]
    # The reason stays on the post's page: it is not sent to the robot.
    assert all("请补充辅导过程" not in text for text, _code in sent)
