"""The team area as declared resources: its API filters (one definition with the pages), create
pages named *_new, and record attachments served by the one download view to those who may read
training records."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from tenants.workspace.models import Attachment
from tests.conftest import ALPHA, api_client, in_alpha, signed_in
from tests.team.factories import make_plan, make_record, make_staff

pytestmark = pytest.mark.django_db


def test_staff_filters_take_yes_no_and_true_false():
    on = in_alpha(lambda: make_staff(name="在岗老师"))
    off = in_alpha(lambda: make_staff(name="离岗老师", is_active=False))
    client = api_client(ALPHA, "r_member")
    for value in ("yes", "true", "1"):
        ids = {s["id"] for s in client.get(f"/api/v1/staff-members/?active={value}").json()["results"]}
        assert str(on.public_id) in ids and str(off.public_id) not in ids, value
    for value in ("no", "false", "0"):
        ids = {s["id"] for s in client.get(f"/api/v1/staff-members/?active={value}").json()["results"]}
        assert str(off.public_id) in ids and str(on.public_id) not in ids, value
    assert client.get("/api/v1/staff-members/?active=perhaps").status_code == 400
    names = [s["name"] for s in client.get("/api/v1/staff-members/?q=离岗").json()["results"]]
    assert names == ["离岗老师"]


def test_training_records_filter_by_school_year_staff_and_plan():
    def build():
        wang, li = make_staff(name="王老师"), make_staff(name="李老师")
        plan = make_plan()
        first = make_record(staff=wang, plan=plan, trained_on=date(2026, 10, 12))
        make_record(staff=wang, trained_on=date(2027, 9, 2), title="次年培训")
        make_record(staff=li, plan=plan, trained_on=date(2026, 11, 3))
        return wang, plan, first

    wang, plan, first = in_alpha(build)
    client = api_client(ALPHA, "r_counselor")
    url = f"/api/v1/training-records/?school_year=2026-2027&staff={wang.public_id}&plan={plan.public_id}"
    assert [r["id"] for r in client.get(url).json()["results"]] == [str(first.public_id)]
    assert client.get("/api/v1/training-records/?school_year=2027-2028").json()["count"] == 1
    bad = client.get("/api/v1/training-records/?school_year=2026")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["school_year"]
    assert client.get("/api/v1/training-records/?staff=nobody").status_code == 400


def test_create_pages_are_named_new():
    for thing, path in [
        ("staff", "/team/staff/new/"),
        ("plan", "/team/plans/new/"),
        ("record", "/team/records/new/"),
    ]:
        assert reverse(f"team:{thing}_new") == path
        with pytest.raises(NoReverseMatch):
            reverse(f"team:{thing}_create")


def test_a_training_records_attachment_downloads_for_staff_only(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def build():
        record = make_record(files=[SimpleUploadedFile("结业证书.pdf", b"%PDF-1.4 cert")])
        return Attachment.objects.get(object_id=record.pk, content_type__model="trainingrecord")

    attachment = in_alpha(build)
    url = reverse("workspace:file", args=[attachment.public_id])
    # Before the team area was declared, nobody could download it: the owner had no declared policy.
    response = signed_in(ALPHA, "r_member").get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 cert"
    for role in ("invited_attendee", "school_admin"):
        assert signed_in(ALPHA, f"r_{role}").get(url).status_code == 404, role
    assert signed_in("beta", "r_principal").get(url).status_code == 404
