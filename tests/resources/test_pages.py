"""Resources pages: what they show, exports, forms that refuse bad input, and who gets in."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from io import BytesIO

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from tenants.resources.models import CounselingRoom, Material, MaterialIssue, RoomBooking
from tenants.resources.selectors import school_zone
from tests.conftest import ALPHA, in_alpha, signed_in
from tests.resources.factories import make_booking, make_issue, make_material, make_procurement, make_room

pytestmark = pytest.mark.django_db
SCHEMA = f"school_{ALPHA}"


def page_client(username="r_principal"):
    client = signed_in(ALPHA, username)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assert on the English msgids
    return client


@pytest.fixture
def data():
    def build():
        room = make_room(name="心理咨询室一", location="行政楼三楼301")
        booking = make_booking(
            room=room,
            days=0 if datetime.now(school_zone()).hour < 20 else 1,
            start=21,
            end=22,
            purpose="晚自习后个别辅导",
        )
        material = make_material(name="《中小学心理健康教育》七年级", unit="本")
        procurement = make_procurement(material=material, quantity=60, unit_price="21.80")
        issue = make_issue(material=material, quantity=12)
        return dict(room=room, booking=booking, material=material, procurement=procurement, issue=issue)

    return in_alpha(build)


def test_every_page_answers_200_and_shows_data(data):
    client = page_client()
    day = timezone.localtime(data["booking"].starts_at).date()
    expectations = {
        "/resources/": ["心理咨询室一", "rooms in use"],
        "/resources/rooms/": ["心理咨询室一", "行政楼三楼301", "18.50"],
        f"/resources/availability/?day={day.isoformat()}": [
            "心理咨询室一",
            "21:00–22:00",
            "晚自习后个别辅导",
        ],
        "/resources/bookings/": ["心理咨询室一", "晚自习后个别辅导", "Cancel"],
        "/resources/materials/": ["《中小学心理健康教育》七年级", ">48<"],
        f"/resources/materials/{data['material'].public_id}/": ["1308.00", "初一(3)班", "48"],
        "/resources/procurements/": ["新华书店", "1308.00"],
        "/resources/issues/": ["初一(3)班", "心理健康课"],
        "/resources/rooms/new/": ["Area (m²)"],
        "/resources/bookings/new/": ["心理咨询室一"],
        "/resources/materials/new/": ["category"],
        "/resources/procurements/new/": ["《中小学心理健康教育》七年级（48本）"],
        "/resources/issues/new/": ["recipient"],
        f"/resources/rooms/{data['room'].public_id}/edit/": ["行政楼三楼301"],
        f"/resources/bookings/{data['booking'].public_id}/cancel/": ["晚自习后个别辅导"],
    }
    for url, texts in expectations.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for text in texts:
            assert text in body, (url, text)


def test_empty_states():
    client = page_client()
    assert "No counseling rooms yet." in client.get("/resources/rooms/").content.decode()
    assert "No materials yet." in client.get("/resources/materials/").content.decode()
    assert "No bookings yet." in client.get("/resources/bookings/").content.decode()
    assert "No rooms in use." in client.get("/resources/availability/").content.decode()


def test_xlsx_exports_are_real_workbooks(data):
    client = page_client()
    response = client.get("/resources/procurements/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("date", "material", "quantity")
    assert rows[1][1] == "《中小学心理健康教育》七年级" and rows[1][2] == 60 and rows[1][6] == "新华书店"

    bookings = load_workbook(BytesIO(client.get("/resources/bookings/?export=xlsx").content)).active
    header, first = list(bookings.iter_rows(values_only=True))[:2]
    assert "actions" not in header
    assert first[0] == "心理咨询室一" and first[3] == "晚自习后个别辅导"


def test_overlapping_booking_form_answers_400_with_the_field_error(data):
    client = page_client("r_counselor")
    start = timezone.localtime(data["booking"].starts_at)
    response = client.post(
        "/resources/bookings/new/",
        {
            "room": str(data["room"].public_id),
            "day": start.date().isoformat(),
            "starts_at": "21:30",
            "ends_at": "22:30",
            "purpose": "团体辅导",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_starts_at-error"' in body and "This room is already booked for this time." in body
    assert in_alpha(lambda: RoomBooking.objects.filter(room=data["room"]).count()) == 1


def test_booking_form_saves_in_school_time():
    room = in_alpha(lambda: make_room(name="沙盘游戏室"))
    day = timezone.localdate() + timedelta(days=2)
    response = page_client("r_homeroom_teacher").post(
        "/resources/bookings/new/",
        {
            "room": str(room.public_id),
            "day": day.isoformat(),
            "starts_at": "15:00",
            "ends_at": "16:00",
            "purpose": "班级学生个别谈心",
        },
    )
    assert response.status_code == 302
    booking = in_alpha(lambda: RoomBooking.objects.select_related("booked_by").get(room=room))
    assert booking.booked_by.username == "r_homeroom_teacher"
    # 15:00 in Asia/Shanghai is 07:00 UTC.
    assert booking.starts_at.astimezone(dt_timezone.utc).hour == 7


def test_issue_form_refuses_more_than_in_stock(data):
    response = page_client().post(
        "/resources/issues/new/",
        {
            "material": str(data["material"].public_id),
            "issued_on": timezone.localdate().isoformat(),
            "quantity": 49,
            "recipient": "初二年级",
        },
    )
    assert response.status_code == 400
    assert 'id="id_quantity-error"' in response.content.decode()
    assert in_alpha(lambda: Material.objects.get(pk=data["material"].pk).stock) == 48
    assert in_alpha(lambda: MaterialIssue.objects.filter(material=data["material"]).count()) == 1


def test_room_form_refuses_a_zero_area_and_saves_nothing():
    response = page_client().post(
        "/resources/rooms/new/",
        {
            "name": "新建辅导站",
            "kind": "guidance_station",
            "location": "教学楼一楼",
            "area_m2": "0",
        },
    )
    assert response.status_code == 400
    assert 'id="id_area_m2-error"' in response.content.decode()
    assert not in_alpha(lambda: CounselingRoom.objects.filter(name="新建辅导站").exists())


def test_staff_cancel_their_own_bookings_only(data):
    mine = in_alpha(lambda: make_booking(room=data["room"], days=2, start=9, end=10, role="counselor"))
    counselor = page_client("r_counselor")
    assert counselor.get(f"/resources/bookings/{data['booking'].public_id}/cancel/").status_code == 403
    assert counselor.post(f"/resources/bookings/{data['booking'].public_id}/cancel/").status_code == 403
    assert counselor.post(f"/resources/bookings/{mine.public_id}/cancel/").status_code == 302
    assert in_alpha(lambda: RoomBooking.objects.get(pk=mine.pk).cancelled) is True
    assert in_alpha(lambda: RoomBooking.objects.get(pk=data["booking"].pk).cancelled) is False


def test_readers_without_manage_rights_get_403_on_create_pages():
    reader = page_client("r_member")
    for url in (
        "/resources/rooms/new/",
        "/resources/materials/new/",
        "/resources/procurements/new/",
        "/resources/issues/new/",
    ):
        assert reader.get(url).status_code == 403, url
        assert reader.post(url, {}).status_code == 403, url
    # Booking a room is open to all staff.
    assert reader.get("/resources/bookings/new/").status_code == 200


@pytest.mark.parametrize("role", ["invited_attendee", "school_admin"])
def test_outsiders_get_404(data, role):
    client = page_client(f"r_{role}")
    for url in (
        "/resources/",
        "/resources/rooms/",
        "/resources/availability/",
        "/resources/bookings/",
        "/resources/bookings/new/",
        "/resources/materials/",
        "/resources/procurements/",
        "/resources/issues/",
        "/resources/rooms/new/",
        f"/resources/materials/{data['material'].public_id}/",
        f"/resources/bookings/{data['booking'].public_id}/cancel/",
    ):
        assert client.get(url).status_code == 404, url


def test_create_pages_are_named_new():
    from django.urls import NoReverseMatch, reverse

    for thing, path in [
        ("room", "/resources/rooms/new/"),
        ("booking", "/resources/bookings/new/"),
        ("material", "/resources/materials/new/"),
        ("procurement", "/resources/procurements/new/"),
        ("issue", "/resources/issues/new/"),
    ]:
        assert reverse(f"resources:{thing}_new", urlconf="config.urls_school") == path
        with pytest.raises(NoReverseMatch):
            reverse(f"resources:{thing}_create", urlconf="config.urls_school")
