"""Posts and replies: the personal-data check in the author's school, anonymity, who sees what,
search, and the reply notification in the author's school schema (title and link, no text)."""

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from exchange import selectors, services
from exchange.models import Post, PostKind
from tests.conftest import signed_in
from tests.exchange.conftest import STUDENT_NAME, STUDENT_NUMBER, district_reader, school_reader

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


def anonymous_label() -> str:
    """ "匿名" once the lead merges the zh-hans messages; the msgid until then."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext("Anonymous")


def _post(
    reader,
    *,
    title="课间心理小游戏分享",
    body="我们在七年级试了三个课间小游戏，效果不错。",
    kind=PostKind.SHARING,
    anonymous=False,
):
    return services.post_create(reader=reader, kind=kind, title=title, body=body, anonymous=anonymous)


@pytest.mark.parametrize(
    "body, kind",
    [
        (f"第一行\n{STUDENT_NAME}同学最近情绪低落", "student_name"),
        (f"学号{STUDENT_NUMBER}的学生", "student_number"),
        ("有问题请联系 138-1234-5678", "phone"),
        (f"身份证 {VALID_ID}", "id_number"),
    ],
)
def test_the_check_blocks_personal_data_and_says_where(alpha_student, body, kind):
    from tenants.students.text_check import KIND_LABELS

    alice = school_reader("alpha", "alice")
    with pytest.raises(ValidationError) as exc:
        _post(alice, body=body)
    messages = exc.value.message_dict["body"]
    line = body.splitlines().index(next(line for line in body.splitlines() if line != "第一行")) + 1
    assert any(str(KIND_LABELS[kind]) in m and str(line) in m for m in messages), messages
    # It never repeats what it found.
    assert not any(STUDENT_NAME in m or STUDENT_NUMBER in m or VALID_ID in m or "5678" in m for m in messages)
    assert not Post.objects.filter(school__code="alpha", author_username="alice").exists()


def test_the_check_reads_the_authors_own_school(alpha_student):
    # Beta has no student of that name: beta's post goes through, alpha's is refused.
    bob = school_reader("beta", "bob")
    post = _post(bob, body=f"{STUDENT_NAME}老师的讲座很好")
    assert post.is_published
    with pytest.raises(ValidationError):
        _post(school_reader("alpha", "alice"), body=f"{STUDENT_NAME}老师的讲座很好")


def test_a_clean_post_goes_through_and_the_title_is_checked_too(alpha_student):
    alice = school_reader("alpha", "alice")
    post = _post(alice)
    assert post.is_published and post.author_username == "alice" and post.school.code == "alpha"
    with pytest.raises(ValidationError) as exc:
        _post(alice, title=f"关于{STUDENT_NAME}")
    assert "title" in exc.value.message_dict


def test_district_authors_get_the_phone_and_id_checks(district_people):
    dora = district_reader("dora")
    with pytest.raises(ValidationError):
        _post(dora, body="热线 13812345678")
    with pytest.raises(ValidationError):
        _post(dora, body=f"证件 {VALID_ID}")
    assert _post(dora, body="欢迎各校分享经验").school is None


def test_the_page_shows_field_errors_and_saves_nothing(alpha_student):
    client = signed_in("alpha", "alice")
    response = client.post(
        "/exchange/new/", {"kind": "sharing", "title": "分享", "body": f"你好\n{STUDENT_NAME}的情况"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "field-error" in page and STUDENT_NAME not in page.split("<textarea")[0]
    assert not Post.objects.filter(title="分享", author_username="alice").exists()
    response = client.post("/exchange/new/", {"kind": "sharing", "title": "分享", "body": "干净的内容"})
    assert response.status_code == 302
    assert Post.objects.filter(title="分享", author_username="alice", school__code="alpha").count() == 1


def test_authors_are_shown_by_school_and_role_or_anonymously(district_people):
    alice = school_reader("alpha", "alice")
    shown = _post(alice, title="署名帖子")
    hidden = _post(alice, title="匿名帖子", anonymous=True)
    bob = school_reader("beta", "bob")
    assert selectors.author_label(shown, reader=bob) == "测试学校alpha · 校长（组长）" or "测试学校alpha" in (
        selectors.author_label(shown, reader=bob)
    )
    assert "alice" not in selectors.author_label(shown, reader=bob)
    assert selectors.author_label(hidden, reader=bob) == anonymous_label()
    # The district admin and reviewer see who wrote it; the analyst does not.
    for name in ("dora", "ex_reviewer"):
        label = selectors.author_label(hidden, reader=district_reader(name))
        assert "alice" in label and "测试学校alpha" in label
    assert selectors.author_label(hidden, reader=district_reader("ex_analyst")) == anonymous_label()


def test_anonymous_post_page_never_reveals_the_author_to_another_school(district_people):
    alice = school_reader("alpha", "alice")
    post = _post(alice, title="匿名求助：如何组织团辅", anonymous=True)
    services.reply_create(post, reader=alice, body="补充一点背景。", anonymous=True)
    for client in (signed_in("beta", "bob"), signed_in(None, "ex_analyst")):
        page = client.get(f"/exchange/p/{post.public_id}/").content.decode()
        assert "匿名求助" in page and anonymous_label() in page
        assert "alice" not in page and "测试学校alpha" not in page and "艾丽丝" not in page
        listing = client.get("/exchange/").content.decode()
        assert "匿名求助" in listing and "测试学校alpha" not in listing and "alice" not in listing
    page = signed_in(None, "ex_reviewer").get(f"/exchange/p/{post.public_id}/").content.decode()
    assert "alice" in page and "测试学校alpha" in page


def test_search_kind_filter_and_pagination(district_people):
    alice = school_reader("alpha", "alice")
    for i in range(27):
        _post(alice, title=f"分页帖子{i:02d}", body="正文内容")
    _post(alice, title="关于沙盘游戏的提问", body="想请教沙盘室的布置", kind=PostKind.QUESTION)
    client = signed_in("beta", "bob")
    page = client.get("/exchange/", {"q": "沙盘"}).content.decode()
    assert "关于沙盘游戏的提问" in page and "分页帖子" not in page
    page = client.get("/exchange/", {"q": "布置"}).content.decode()  # the text, not only the title
    assert "关于沙盘游戏的提问" in page
    page = client.get("/exchange/", {"kind": "question"}).content.decode()
    assert "关于沙盘游戏的提问" in page and "分页帖子" not in page
    first = client.get("/exchange/").content.decode()
    assert "28" in first and "page=2" in first
    assert client.get("/exchange/", {"kind": "nonsense"}).status_code == 200
    export = client.get("/exchange/", {"q": "沙盘", "export": "xlsx"})
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_reply_notifies_the_author_in_their_school_without_the_text(django_capture_on_commit_callbacks):
    from shared.accounts.models import User
    from tenants.workspace.models import Notification

    alice = school_reader("alpha", "alice")
    post = _post(alice, title="家长会心理讲座怎么讲")
    reply_text = "我们的做法：先讲睡眠，再讲手机使用。"
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(post, reader=school_reader("beta", "bob"), body=reply_text)
    with schema_context("school_alpha"):
        notes = list(Notification.objects.filter(recipient=User.objects.get(username="alice")))
        assert len(notes) == 1
        note = notes[0]
        assert "家长会心理讲座怎么讲" in note.title
        assert reply_text not in note.title + note.body and "睡眠" not in note.title + note.body
        assert note.link == f"/exchange/p/{post.public_id}/"
    with schema_context("school_beta"):
        assert not Notification.objects.filter(title__contains="家长会心理讲座怎么讲").exists()
    # Replying to yourself tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(post, reader=alice, body="谢谢！")
    with schema_context("school_alpha"):
        assert Notification.objects.filter(title__contains="家长会心理讲座怎么讲").count() == 1


def test_a_reply_to_a_district_post_lands_in_the_district_list(
    district_people, django_capture_on_commit_callbacks
):
    from exchange.models import DistrictNote

    post = _post(district_reader("dora"), title="征集：心理健康月活动方案")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(post, reader=school_reader("alpha", "alice"), body="我们可以分享。")
    note = DistrictNote.objects.get(recipient_username="dora")
    assert "征集" in note.title and "我们可以分享" not in note.title
    page = signed_in(None, "dora").get("/exchange/").content.decode()
    assert "征集：心理健康月活动方案" in page and 'id="notes"' in page


def test_reply_through_the_page_with_errors_inline(alpha_student):
    post = _post(school_reader("beta", "bob"), title="提问：考前焦虑")
    client = signed_in("alpha", "alice")
    response = client.post(f"/exchange/p/{post.public_id}/reply/", {"body": f"{STUDENT_NAME}也这样"})
    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert post.replies.count() == 0
    response = client.post(f"/exchange/p/{post.public_id}/reply/", {"body": "可以试试呼吸练习"})
    assert response.status_code == 302 and post.replies.count() == 1


def test_not_a_staff_account_sees_nothing():
    post = _post(school_reader("alpha", "alice"))
    for role in ("invited_attendee", "school_admin"):
        client = signed_in("beta", f"r_{role}")
        assert client.get("/exchange/").status_code == 404
        assert client.get(f"/exchange/p/{post.public_id}/").status_code == 404
    anonymous = __import__("tests.conftest", fromlist=["client_for"]).client_for("beta")
    assert anonymous.get(f"/exchange/p/{post.public_id}/").status_code == 302
