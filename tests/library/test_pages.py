"""Library pages on both hosts, per role, across schools; files checked by type and size, stored
under MEDIA_ROOT/library/ and served only to signed-in accounts who may see the item."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from library.models import ItemStatus, LibraryFile, LibraryItem
from shared.accounts.roles import SchoolRole
from tests.conftest import client_for, signed_in
from tests.library.helpers import district_user, make_activity, propose

pytestmark = pytest.mark.django_db

PROPOSERS = {"principal", "deputy", "secretary", "psychology_teacher"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def items(media):
    """A published district item with a file, and alpha's pending proposal with a file."""
    from library import services

    dora = district_user("district_admin")
    published = services.item_publish(
        actor=dora,
        kind="courseware",
        title="认识压力课件",
        summary="初一心理课用。",
        tags="压力",
        grades=[7],
        files=[SimpleUploadedFile("课件.pdf", b"%PDF-1.4 slides", content_type="application/pdf")],
    )
    activity = make_activity("alpha", title="alpha的团辅方案")
    pending = propose(
        "alpha",
        activity,
        files=[SimpleUploadedFile("流程.docx", b"PK docx", content_type="application/octet-stream")],
    )
    return {"published": published, "pending": pending}


def _district(role):
    district_user(role)
    return signed_in(None, f"lib_{role}")


@pytest.mark.parametrize("role", ["district_admin", "district_reviewer", "district_analyst"])
def test_district_pages_per_role(items, role):
    client = _district(role)
    published, pending = items["published"], items["pending"]
    publisher = role != "district_analyst"
    page = client.get("/library/")
    assert page.status_code == 200 and "认识压力课件" in page.content.decode()
    assert "alpha的团辅方案" not in page.content.decode()  # pending items are not in the library
    assert client.get(f"/library/items/{published.public_id}/").status_code == 200
    expected = 200 if publisher else 404
    assert client.get("/library/new/").status_code == expected
    queue = client.get("/library/review/")
    assert queue.status_code == expected
    if publisher:
        assert "alpha的团辅方案" in queue.content.decode() and "测试学校alpha" in queue.content.decode()
    assert client.get(f"/library/review/{pending.public_id}/").status_code == expected
    assert client.get(f"/library/items/{pending.public_id}/").status_code == expected
    download = client.get(f"/library/files/{published.files.get().public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 slides"
    assert client.get(f"/library/files/{pending.files.get().public_id}/").status_code == expected
    assert client.get("/library/?export=xlsx").status_code == 200


def test_anonymous_is_sent_to_sign_in_everywhere(items):
    published, pending = items["published"], items["pending"]
    district_paths = [
        "/library/", "/library/new/", "/library/review/", f"/library/review/{pending.public_id}/",
        f"/library/items/{published.public_id}/", f"/library/files/{published.files.get().public_id}/",
    ]  # fmt: skip
    school_paths = [
        "/library/", "/library/proposals/", "/library/propose/", f"/library/items/{published.public_id}/",
        f"/library/files/{published.files.get().public_id}/",
    ]  # fmt: skip
    for code, paths in ((None, district_paths), ("alpha", school_paths)):
        client = client_for(code)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


@pytest.mark.parametrize("role", [r.value for r in SchoolRole])
def test_school_pages_per_role(items, role):
    client = signed_in("alpha", f"r_{role}")
    published, pending = items["published"], items["pending"]
    reader = role in STAFF
    proposer = role in PROPOSERS
    assert client.get("/library/").status_code == (200 if reader else 404)
    assert client.get(f"/library/items/{published.public_id}/").status_code == (200 if reader else 404)
    assert client.get(f"/library/files/{published.files.get().public_id}/").status_code == (
        200 if reader else 404
    )
    assert client.get("/library/proposals/").status_code == (200 if proposer else 404)
    assert client.get("/library/propose/").status_code == (200 if proposer else 404)
    # Alpha's own pending proposal: its staff see it and its outcome.
    assert client.get(f"/library/items/{pending.public_id}/").status_code == (200 if reader else 404)
    if proposer:
        assert "alpha的团辅方案" in client.get("/library/proposals/").content.decode()


def test_another_school_never_sees_a_pending_proposal(items):
    pending = items["pending"]
    bob = signed_in("beta", "bob")
    assert bob.get(f"/library/items/{pending.public_id}/").status_code == 404
    assert bob.get(f"/library/files/{pending.files.get().public_id}/").status_code == 404
    assert "alpha的团辅方案" not in bob.get("/library/").content.decode()
    assert "alpha的团辅方案" not in bob.get("/library/proposals/").content.decode()
    assert bob.post(f"/library/items/{pending.public_id}/import/", {"title": "x"}).status_code == 404
    assert bob.get("/library/items/not-a-uuid/").status_code == 404
    # Beta cannot propose alpha's record by its id either.
    activity_id = pending.source_id
    assert bob.get(f"/library/propose/programs.activity/{activity_id}/").status_code == 404


def test_files_are_refused_by_type_and_size(media, settings):
    dora = _district("district_admin")
    before = LibraryItem.objects.count()
    form = {"kind": "courseware", "title": "课件", "summary": "简介"}
    bad_type = dora.post("/library/new/", {**form, "files": [SimpleUploadedFile("run.exe", b"MZ")]})
    assert bad_type.status_code == 400
    assert "“.exe”" in bad_type.content.decode() or ".exe" in bad_type.content.decode()
    settings.UPLOAD_MAX_BYTES = 10
    too_big = dora.post("/library/new/", {**form, "files": [SimpleUploadedFile("big.pdf", b"x" * 11)]})
    assert too_big.status_code == 400 and 'class="field-error"' in too_big.content.decode()
    assert LibraryItem.objects.count() == before and LibraryFile.objects.count() == 0
    assert not (media / "library").exists()
    settings.UPLOAD_MAX_BYTES = 1024
    good = dora.post("/library/new/", {**form, "files": [SimpleUploadedFile("ok.pdf", b"%PDF ok")]})
    assert good.status_code == 302
    stored = LibraryFile.objects.get()
    assert stored.file.name.startswith(f"library/{stored.item.public_id}/") and stored.name == "ok.pdf"
    assert (media / stored.file.name).read_bytes() == b"%PDF ok"


def test_district_form_shows_field_errors_and_saves_nothing():
    dora = _district("district_reviewer")
    response = dora.post(
        "/library/new/", {"kind": "instrument", "title": "量表", "summary": "s", "instrument_code": "abc"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_licence-error"' in text and 'id="id_items-error"' in text
    assert not LibraryItem.objects.filter(title="量表").exists()


def test_counts_downloads_and_imports_through_the_pages(items):
    from tenants.programs.models import Activity

    published = items["published"]
    alice = signed_in("alpha", "alice")
    stored = published.files.get()
    for _ in range(2):
        assert alice.get(f"/library/files/{stored.public_id}/").status_code == 200
    assert _district("district_analyst").get(f"/library/files/{stored.public_id}/").status_code == 200
    published.refresh_from_db()
    assert published.download_count == 3 and published.import_count == 0
    # Courseware is downloaded, not imported.
    assert alice.post(f"/library/items/{published.public_id}/import/", {"title": "x"}).status_code == 404

    pending = items["pending"]
    from library.services import proposal_approve

    proposal_approve(pending, actor=district_user("district_reviewer"))
    bob = signed_in("beta", "bob")
    page = bob.get(f"/library/items/{pending.public_id}/")
    assert page.status_code == 200 and 'id="import"' in page.content.decode()
    bad = bob.post(f"/library/items/{pending.public_id}/import/", {"title": "", "held_on": "not a date"})
    assert bad.status_code == 400 and 'id="id_held_on-error"' in bad.content.decode()
    response = bob.post(
        f"/library/items/{pending.public_id}/import/", {"title": "团辅方案（引用）", "held_on": "2026-11-20"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/programs/activities/")
    with schema_context("school_beta"):
        copy = Activity.objects.get(title="团辅方案（引用）")
        assert copy.held_on.isoformat() == "2026-11-20"
    connection.set_schema_to_public()
    pending.refresh_from_db()
    assert pending.import_count == 1
    assert "团辅方案（引用）" in bob.get("/programs/activities/").content.decode()
    # A homeroom teacher reads the item but cannot import it (any kind of activity: managers only).
    teacher = signed_in("beta", "r_homeroom_teacher")
    assert 'id="import"' in teacher.get(f"/library/items/{pending.public_id}/").content.decode()
    assert (
        teacher.post(
            f"/library/items/{pending.public_id}/import/", {"title": "x", "held_on": "2026-11-20"}
        ).status_code
        == 403
    )


def test_propose_page_blocks_personal_data_and_review_page_approves(media):
    from tests.support.students import make_student

    with schema_context("school_alpha"):
        make_student(name="司马小雨", student_number="A77770001")
    connection.set_schema_to_public()
    activity = make_activity("alpha", title="情绪温度计")
    client = signed_in("alpha", "r_psychology_teacher")
    listing = client.get("/library/propose/")
    assert "情绪温度计" in listing.content.decode()
    url = f"/library/propose/programs.activity/{activity.public_id}/"
    form = client.get(url)
    assert form.status_code == 200 and "分组讨论情绪温度计" in form.content.decode()
    blocked = client.post(
        url, {"title": "情绪温度计", "summary": "司马小雨所在班级试用", "body": "内容", "tags": ""}
    )
    assert blocked.status_code == 400
    text = blocked.content.decode()
    assert 'id="id_summary-error"' in text and "司马小雨" not in text.split('id="id_summary-error"')[1][:200]
    assert not LibraryItem.objects.filter(title="情绪温度计").exists()
    sent = client.post(url, {"title": "情绪温度计", "summary": "七年级试用", "body": "内容", "tags": "情绪"})
    assert sent.status_code == 302
    item = LibraryItem.objects.get(title="情绪温度计")

    reviewer = _district("district_reviewer")
    returned = reviewer.post(f"/library/review/{item.public_id}/", {"action": "return", "reason": ""})
    assert returned.status_code == 400 and 'id="id_reason-error"' in returned.content.decode()
    approved = reviewer.post(f"/library/review/{item.public_id}/", {"action": "approve"})
    assert approved.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    # The school sees the outcome; so does every other school, under alpha's name.
    assert (
        "已发布" in client.get("/library/proposals/").content.decode()
        or "Published" in client.get("/library/proposals/").content.decode()
    )
    page = signed_in("beta", "bob").get(f"/library/items/{item.public_id}/")
    assert page.status_code == 200 and "测试学校alpha" in page.content.decode()
    # The analyst cannot review.
    assert (
        _district("district_analyst")
        .post(f"/library/review/{item.public_id}/", {"action": "approve"})
        .status_code
        == 404
    )
