"""Export files of an approved period: XLSX, CSV, PDF and JSON (dataValueSets).

Values come only from `figures.selectors.published`, with the exported schools passed as the
selection: disclosure control is still computed over every school, so a selection cannot undo it.
A withheld value is empty and flagged in every format (a "suppressed" column, `"suppressed": true`,
"已抑制" in the PDF). Only schools whose submission of the form for the period is approved are
exported; the others asked for are listed as left out. The district roll-up is not exported: it
would include schools whose data is not approved.

JSON shape (close to DHIS2's dataValueSets import format):

    {"dataValueSets": [
       {"dataSet": "<form code>", "period": "<period code>", "orgUnit": "<school code>",
        "orgUnitName": "<school name>", "completeDate": "YYYY-MM-DD", "approvedAt": "ISO time",
        "dataValues": [
          {"dataElement": "<element code>",
           "categoryOptionCombo": "default" for the total, else the category code,
           "value": "123" (a string, as DHIS2 takes it) or null when withheld,
           "suppressed": false,
           "comment": "the school's comment on a value it entered, else empty"}, ...]}, ...],
     "leftOut": ["<school code>", ...]}
"""

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.utils.translation import gettext as _

from reporting.models import ReportForm, Submission, SubmissionStatus, local_date

SUPPRESSED_TEXT = "已抑制"


@dataclass
class Row:
    school_code: str
    school_name: str
    element_code: str
    element_name: str
    unit: str
    breakdown: str
    breakdown_name: str
    value: Decimal | None
    suppressed: bool
    comment: str


def plain(value: Decimal | None) -> str:
    """A value as text without trailing zeros ("12", "3.5"); "" for none."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def approved_schools(form: ReportForm, period, selection=()) -> tuple[list[Submission], list[str]]:
    """Approved submissions to export (for `selection`, school codes, or all) and the codes asked
    for but left out (not approved; for "all", every active school without an approval)."""
    from shared.tenancy.context_helpers import active_schools

    approved = (
        Submission.objects.filter(form=form, period=period, status=SubmissionStatus.APPROVED)
        .select_related("school")
        .prefetch_related("manual_values", "events")
    )
    wanted = set(selection or ())
    if wanted:
        approved = approved.filter(school__code__in=wanted)
    approved = sorted(approved, key=lambda s: s.school.code)
    got = {s.school.code for s in approved}
    asked = wanted or set(active_schools().values_list("code", flat=True))
    return approved, sorted(asked - got)


def collect(form: ReportForm, period, submissions: list[Submission], *, progress=None) -> list[Row]:
    """The rows of the export, element by element (one published() call per element)."""
    from figures.selectors import published

    codes = [s.school.code for s in submissions]
    names = {s.school.code: s.school.name for s in submissions}
    comments = {
        (s.school.code, m.element_id): m.comment
        for s in submissions
        for m in s.manual_values.all()
        if m.comment
    }
    elements = list(form.elements.order_by("position", "code"))
    rows = []
    if not codes:
        return rows
    for index, element in enumerate(elements, start=1):
        category_names = {c["code"]: c["name"] for c in element.categories}
        cells = [c for c in published(period, element, schools=codes) if c.school in names]
        order = {code: i for i, code in enumerate(["", *element.category_codes])}
        cells.sort(key=lambda c: (c.school, order.get(c.breakdown, len(order))))
        for cell in cells:
            rows.append(
                Row(
                    school_code=cell.school,
                    school_name=names[cell.school],
                    element_code=element.code,
                    element_name=element.name,
                    unit=element.unit,
                    breakdown=cell.breakdown,
                    breakdown_name=category_names.get(
                        cell.breakdown, _("Total") if not cell.breakdown else ""
                    ),
                    value=None if cell.suppressed else cell.value,
                    suppressed=cell.suppressed,
                    comment=comments.get((cell.school, element.pk), "") if not cell.breakdown else "",
                )
            )
        if progress is not None:
            progress(index, len(elements))
    rows.sort(key=lambda r: r.school_code)  # stable: elements keep their order within a school
    return rows


HEADERS = (
    ("school_code", "学校代码"),
    ("school_name", "学校"),
    ("element_code", "指标代码"),
    ("element_name", "指标"),
    ("unit", "单位"),
    ("breakdown", "分类代码"),
    ("breakdown_name", "分类"),
    ("value", "数值"),
    ("suppressed", "已抑制"),
    ("comment", "说明"),
)


def _number(value: Decimal | None):
    """A spreadsheet number: an int when whole, else a float; None (an empty cell) for none."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# How each format writes the two columns that are not plain text; every other column is the field.
XLSX_CELLS = {"value": _number, "suppressed": lambda suppressed: "是" if suppressed else "否"}
CSV_CELLS = {"value": plain, "suppressed": lambda suppressed: "true" if suppressed else "false"}


def _flat(row: Row, formats: dict) -> list:
    """The row's cells in HEADERS order, the fields in `formats` written by their function."""
    return [
        formats[key](getattr(row, key)) if key in formats else getattr(row, key) for key, _label in HEADERS
    ]


def to_xlsx(form, period, rows: list[Row], left_out: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from shared.xlsx import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    for cell in append_row(sheet, [label for _key, label in HEADERS]):
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, _flat(row, XLSX_CELLS))
    info = book.create_sheet("说明")
    append_row(info, ["报表", f"{form.name}（{form.code}）"])
    append_row(info, ["期间", f"{period.name}（{period.code}）"])
    append_row(info, ["包含学校", len({r.school_code for r in rows})])
    append_row(info, ["未包含（未审核通过）", "、".join(left_out) or "无"])
    append_row(info, ["已抑制", "数值为空且“已抑制”为“是”的单元格因小样本保护被隐去"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(form, period, rows: list[Row], left_out: list[str]) -> bytes:
    from shared.xlsx import csv_writer

    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([key for key, _label in HEADERS])
    for row in rows:
        writer.writerow(_flat(row, CSV_CELLS))
    # UTF-8 with a byte order mark, so that spreadsheet programs read the Chinese text.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_json(form, period, rows: list[Row], left_out: list[str], submissions: list[Submission]) -> bytes:
    sets = []
    by_school: dict[str, list[Row]] = {}
    for row in rows:
        by_school.setdefault(row.school_code, []).append(row)
    for sub in submissions:
        code = sub.school.code
        sets.append(
            {
                "dataSet": form.code,
                "period": period.code,
                "orgUnit": code,
                "orgUnitName": sub.school.name,
                "completeDate": local_date(sub.completed_at).isoformat() if sub.completed_at else None,
                "approvedAt": sub.decided_at.isoformat() if sub.decided_at else None,
                "dataValues": [
                    {
                        "dataElement": r.element_code,
                        "categoryOptionCombo": r.breakdown or "default",
                        "value": None if r.suppressed or r.value is None else plain(r.value),
                        "suppressed": r.suppressed,
                        "comment": r.comment,
                    }
                    for r in by_school.get(code, [])
                ],
            }
        )
    return json.dumps({"dataValueSets": sets, "leftOut": left_out}, ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


FONT = "STSong-Light"


def to_pdf(form, period, rows: list[Row], left_out: list[str]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    styles = getSampleStyleSheet()
    title = styles["Title"].clone("cjk-title", fontName=FONT, wordWrap="CJK")
    normal = styles["Normal"].clone("cjk", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
        title=f"{form.name} {period.name}",
    )  # fmt: skip
    story = [
        Paragraph(f"{form.name}", title),
        Paragraph(f"期间：{period.name}（{period.code}）", normal),
        Paragraph(
            f"包含学校：{len({r.school_code for r in rows})} 所；未包含（未审核通过）：{'、'.join(left_out) or '无'}",
            normal,
        ),
        Paragraph("“已抑制”：因小样本保护隐去的数值。", normal),
        Spacer(1, 4 * mm),
    ]
    # One table per school: reportlab splits a table across pages by re-laying what is left, so a
    # single table of every school's rows took time growing with the square of the schools.
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (2, 1), (2, -1), "RIGHT"),
        ]
    )
    heading = styles["Heading3"].clone("cjk-heading", fontName=FONT, wordWrap="CJK")
    for code, school_rows in groupby(rows, key=lambda r: r.school_code):
        school_rows = list(school_rows)
        data = [["指标", "分类", "数值", "单位", "说明"]]
        for row in school_rows:
            data.append(
                [
                    Paragraph(row.element_name, normal),
                    row.breakdown_name,
                    SUPPRESSED_TEXT if row.suppressed else plain(row.value),
                    row.unit,
                    Paragraph(row.comment, normal) if row.comment else "",
                ]
            )
        story.append(Paragraph(f"{school_rows[0].school_name}（{code}）", heading))
        table = Table(data, repeatRows=1, colWidths=[80 * mm, 45 * mm, 30 * mm, 25 * mm, 90 * mm])
        table.setStyle(style)
        story.append(table)
    doc.build(story)
    return out.getvalue()


def render(fmt: str, form, period, rows, left_out, submissions) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(form, period, rows, left_out)
    if fmt == "csv":
        return to_csv(form, period, rows, left_out)
    if fmt == "pdf":
        return to_pdf(form, period, rows, left_out)
    if fmt == "json":
        return to_json(form, period, rows, left_out, submissions)
    raise ValueError(fmt)


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}
