"""Export of a student's whole record for a guardian's request: care team only, with a reason,
one audit event; the workbook holds every part of the record including texts."""

import json
from io import BytesIO

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.care.export import record_package
from tenants.care.models import AuditEvent
from tests.care.test_record import MARKERS, _full_record
from tests.conftest import ALPHA, signed_in

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"
SHEETS = ["基本信息", "关注等级", "测评", "辅导", "观察", "危机", "一生一策", "转介"]


def _exports(student):
    with schema_context(SCHEMA):
        return list(
            AuditEvent.objects.filter(action="export", subject="care.record", student_ref=student.public_id)
        )


def test_counselor_exports_the_whole_record_with_a_reason():
    student = _full_record()
    client = signed_in(ALPHA, "r_counselor")
    url = f"/care/students/{student.public_id}/export/"
    assert client.get(url).status_code == 200
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400 and _exports(student) == []
    response = client.post(url, {"reason": "监护人申请（书面）", "file_format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == SHEETS
    text = "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    for kind, marker in MARKERS.items():
        assert marker in text, kind
    assert student.student_number in text and "林晓雨" in text
    events = _exports(student)
    assert len(events) == 1 and events[0].reason == "监护人申请（书面）" and events[0].actor_name


def _pdf_text(data: bytes) -> str:
    """The text drawn on a reportlab PDF: its page streams (ASCII85 + Flate) hold strings of
    UCS-2 code units for the Chinese CID font."""
    import base64
    import re
    import zlib

    text = []
    for raw in re.findall(
        rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)~>", data, re.S
    ):
        content = zlib.decompress(base64.a85decode(raw, adobe=False))
        for literal in re.findall(rb"\((.*?)(?<!\\)\)", content, re.S):
            unescaped = re.sub(
                rb"\\([0-7]{1,3}|.)",
                lambda m: (
                    bytes([int(m.group(1), 8)])
                    if m.group(1).isdigit()
                    else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m.group(1), m.group(1))
                ),
                literal,
            )
            text.append(
                unescaped.decode("utf-16-be", "replace")
                if len(unescaped) % 2 == 0
                else unescaped.decode("latin-1")
            )
    return "".join(text)


def test_the_pdf_holds_the_whole_record_and_is_audited():
    student = _full_record()
    client = signed_in(ALPHA, "r_psychology_teacher")
    response = client.post(
        f"/care/students/{student.public_id}/export/", {"reason": "监护人申请", "file_format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and ".pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    for kind, marker in MARKERS.items():
        assert marker in text, kind
    assert "林晓雨" in text and "心理健康档案" in text
    assert len(_exports(student)) == 1


@pytest.mark.parametrize("role", ["principal", "homeroom_teacher", "secretary"])
def test_only_the_care_team_exports(role):
    student = _full_record()
    client = signed_in(ALPHA, f"r_{role}")
    assert client.post(f"/care/students/{student.public_id}/export/", {"reason": "x"}).status_code == 404
    assert _exports(student) == []


def test_package_is_json_and_complete():
    student = _full_record()
    with schema_context(SCHEMA):
        package = record_package(student)
    text = json.dumps(package, ensure_ascii=False)
    for marker in MARKERS.values():
        assert marker in text
    assert package["student"]["student_number"] == student.student_number
    assert package["attention"]["level"] == "high" and len(package["attention"]["history"]) == 2
    assert len(package["crisis_cases"]) == 1 and [s["step"] for s in package["crisis_cases"][0]["steps"]] == [
        "identified",
        "assessed",
    ]
    assert len(package["plans"][0]["reviews"]) == 2
    assert package["observations"][0]["kind"] == "referral"
    assert package["exported_at"][:10] == str(timezone.localdate())
