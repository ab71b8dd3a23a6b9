"""Team pages: what they show, the hours table and its export, forms that refuse bad input, access."""

from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord
from tenants.workspace.models import Attachment
from tests.conftest import ALPHA, in_alpha, signed_in
from tests.team.factories import make_plan, make_record, make_staff

pytestmark = pytest.mark.django_db
SCHEMA = f"school_{ALPHA}"


def page_client(username="r_principal"):
    client = signed_in(ALPHA, username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assert on the English msgids
    return client


@pytest.fixture
def data():
    def build():
        wang = make_staff(name="王心怡")
        li = make_staff(
            name="李明",
            position="homeroom_teacher",
            psychology_post="part_time",
            qualification="",
            certificate_number="",
        )
        plan = make_plan()
        make_record(staff=wang, plan=plan, hours="3.5", trained_on=date(2026, 10, 12))
        make_record(staff=wang, hours="6.0", trained_on=date(2027, 4, 8), title="沙盘游戏疗法初级")
        make_record(
            staff=li, plan=plan, hours="2.5", trained_on=date(2026, 11, 3), title="班级心理委员培训指导"
        )
        make_record(staff=li, hours="8.0", trained_on=date(2026, 6, 1), title="上一学年的培训")
        return dict(wang=wang, li=li, plan=plan)

    return in_alpha(build)


def test_every_page_answers_200_and_shows_data(data):
    client = page_client()
    record = in_alpha(lambda: TrainingRecord.objects.filter(title="沙盘游戏疗法初级").get())
    expectations = {
        "/team/": ["王心怡", "2026-2027学年班主任心理健康教育能力培训"],
        "/team/staff/": ["王心怡", "李明", "XL-2026-0101"],
        "/team/plans/": ["2026-2027学年班主任心理健康教育能力培训", ">24.0<", ">6.0<"],
        "/team/records/": ["沙盘游戏疗法初级", "区教师发展中心"],
        "/team/hours/?year=2026-2027": ["王心怡", ">9.5<", ">2.5<", "training hours in 2026-2027"],
        "/team/staff/new/": ["Psychology teacher post"],
        "/team/plans/new/": ["2026-2027"],
        "/team/records/new/": ["王心怡"],
        f"/team/staff/{data['wang'].public_id}/edit/": ["XL-2026-0101"],
        f"/team/plans/{data['plan'].public_id}/edit/": ["2026-2027学年班主任心理健康教育能力培训"],
        f"/team/records/{record.public_id}/edit/": ["沙盘游戏疗法初级"],
    }
    for url, texts in expectations.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in texts:
            assert text in body, (url, text)


def test_hours_table_filters_by_school_year(data):
    client = page_client()
    earlier = client.get("/team/hours/?year=2025-2026").content.decode()
    assert ">8.0<" in earlier and ">9.5<" not in earlier
    records = client.get("/team/records/?school_year=2026-2027").content.decode()
    assert "班级心理委员培训指导" in records and "上一学年的培训" not in records


def test_hours_export_is_a_real_workbook(data):
    response = page_client().get("/team/hours/?year=2026-2027&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("name", "position", "psychology teacher post", "school year", "trainings", "hours")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["王心怡"][3:] == ("2026-2027", 2, 9.5)
    assert by_name["李明"][3:] == ("2026-2027", 1, 2.5)


def test_empty_states():
    client = page_client()
    assert "No staff records yet." in client.get("/team/staff/").content.decode()
    assert "No training plans yet." in client.get("/team/plans/").content.decode()
    assert "No training records yet." in client.get("/team/records/").content.decode()
    assert "No training recorded this school year yet." in client.get("/team/").content.decode()


def test_record_form_refuses_zero_hours_and_saves_nothing(data):
    response = page_client().post(
        "/team/records/new/",
        {
            "staff": str(data["wang"].public_id),
            "title": "心理危机干预",
            "trained_on": "2026-12-01",
            "hours": "0",
        },
    )
    assert response.status_code == 400
    assert 'id="id_hours-error"' in response.content.decode()
    assert not in_alpha(lambda: TrainingRecord.objects.filter(title="心理危机干预").exists())


def test_record_form_refuses_a_bad_file_and_keeps_a_good_one(data):
    client = page_client()
    bad = client.post(
        "/team/records/new/",
        {
            "staff": str(data["li"].public_id),
            "title": "家校沟通技巧",
            "trained_on": "2026-12-01",
            "hours": "2",
            "attachment": SimpleUploadedFile("cert.exe", b"MZ", content_type="application/octet-stream"),
        },
    )
    assert bad.status_code == 400
    assert 'id="id_attachment-error"' in bad.content.decode()
    assert not in_alpha(lambda: TrainingRecord.objects.filter(title="家校沟通技巧").exists())
    good = client.post(
        "/team/records/new/",
        {
            "staff": str(data["li"].public_id),
            "trained_on": "2026-12-01",
            "hours": "2",
            "plan": str(data["plan"].public_id),
            "attachment": SimpleUploadedFile("结业证书.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert good.status_code == 302
    record = in_alpha(lambda: TrainingRecord.objects.get(staff=data["li"], trained_on=date(2026, 12, 1)))
    assert record.title == data["plan"].title
    assert in_alpha(lambda: Attachment.objects.filter(object_id=record.pk, name="结业证书.pdf").exists())


def test_record_edit_form_adds_the_file_to_the_record_and_refuses_a_bad_one(data):
    client = page_client()
    record = in_alpha(lambda: TrainingRecord.objects.get(title="沙盘游戏疗法初级"))
    url = f"/team/records/{record.public_id}/edit/"
    fields = {"staff": str(data["wang"].public_id), "trained_on": "2027-04-08", "hours": "6.5"}
    bad = client.post(
        url,
        {
            **fields,
            "title": "沙盘游戏疗法初级（改）",
            "attachment": SimpleUploadedFile("cert.exe", b"MZ", content_type="application/octet-stream"),
        },
    )
    assert bad.status_code == 400
    assert 'id="id_attachment-error"' in bad.content.decode()
    assert in_alpha(lambda: TrainingRecord.objects.get(pk=record.pk).title) == "沙盘游戏疗法初级"
    good = client.post(
        url,
        {
            **fields,
            "title": "沙盘游戏疗法中级",
            "attachment": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert good.status_code == 302
    saved = in_alpha(lambda: TrainingRecord.objects.get(pk=record.pk))
    assert saved.title == "沙盘游戏疗法中级" and str(saved.hours) == "6.5"
    files = in_alpha(
        lambda: list(Attachment.objects.filter(object_id=record.pk).values_list("name", flat=True))
    )
    assert files == ["签到表.pdf"]


def test_plan_form_refuses_dates_out_of_order():
    response = page_client().post(
        "/team/plans/new/",
        {
            "title": "教师心理健康素养提升",
            "school_year": "2026-2027",
            "audience": "all_staff",
            "planned_hours": "8",
            "starts_on": "2027-01-10",
            "ends_on": "2026-12-01",
        },
    )
    assert response.status_code == 400
    assert 'id="id_ends_on-error"' in response.content.decode()
    assert not in_alpha(lambda: TrainingPlan.objects.filter(title="教师心理健康素养提升").exists())


def test_staff_form_refuses_a_psychology_teacher_without_a_post():
    response = page_client().post(
        "/team/staff/new/",
        {
            "name": "钱老师",
            "position": "psychology_teacher",
            "psychology_post": "none",
            "is_active": "on",
        },
    )
    assert response.status_code == 400
    assert 'id="id_psychology_post-error"' in response.content.decode()
    assert not in_alpha(lambda: StaffMember.objects.filter(name="钱老师").exists())


def test_readers_without_manage_rights_get_403_on_create_pages(data):
    reader = page_client("r_psychology_teacher")
    for url in (
        "/team/staff/new/",
        "/team/plans/new/",
        "/team/records/new/",
        f"/team/staff/{data['wang'].public_id}/edit/",
    ):
        assert reader.get(url).status_code == 403, url
        assert reader.post(url, {}).status_code == 403, url
    assert reader.get("/team/hours/").status_code == 200


@pytest.mark.parametrize("role", ["invited_attendee", "school_admin"])
def test_outsiders_get_404(data, role):
    client = page_client(f"r_{role}")
    for url in (
        "/team/",
        "/team/staff/",
        "/team/plans/",
        "/team/records/",
        "/team/hours/",
        "/team/staff/new/",
        "/team/records/new/",
        f"/team/staff/{data['wang'].public_id}/edit/",
    ):
        assert client.get(url).status_code == 404, url
