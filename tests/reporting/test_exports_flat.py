"""The XLSX and CSV exports flatten a row the same way (one function, HEADERS order) and differ only
in how the value and the suppressed flag are written."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from reporting.exports import HEADERS, Row, to_csv, to_xlsx


class _Named:
    name = "报表"
    code = "rep"


def _row(value, suppressed=False):
    return Row(
        school_code="alpha", school_name="甲校", element_code="rooms", element_name="辅导室", unit="间",
        breakdown="", breakdown_name="合计", value=value, suppressed=suppressed, comment="=两间",
    )  # fmt: skip


def test_xlsx_and_csv_rows_have_every_column_in_header_order():
    rows = [_row(Decimal("2.00")), _row(Decimal("3.50")), _row(None, suppressed=True)]
    sheet = load_workbook(io.BytesIO(to_xlsx(_Named, _Named, rows, []))).active
    xlsx = list(sheet.iter_rows(values_only=True))
    text = to_csv(_Named, _Named, rows, []).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert xlsx[0] == tuple(label for _key, label in HEADERS)
    assert table[0] == [key for key, _label in HEADERS]
    fields = ["alpha", "甲校", "rooms", "辅导室", "间", "", "合计"]
    cells = [None if v == "" else v for v in fields]  # openpyxl reads an empty string back as None
    assert [list(r) for r in xlsx[1:]] == [
        [*cells, 2, "否", "=两间"],
        [*cells, 3.5, "否", "=两间"],
        [*cells, None, "是", "=两间"],
    ]
    assert isinstance(xlsx[1][7], int)
    assert table[1:] == [
        [*fields, "2", "false", "'=两间"],
        [*fields, "3.5", "false", "'=两间"],
        [*fields, "", "true", "'=两间"],
    ]
