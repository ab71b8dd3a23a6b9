"""Reading a roster file (CSV or XLSX) into checked rows, without touching the database.

Columns, with a header row (Chinese or English names; the order in the file may differ):
学号 student number, 姓名 name, 性别 gender, 出生日期 date of birth, 年级 grade, 班级 class,
监护人姓名 guardian name, 监护人电话 guardian phone.

Lines are counted as a spreadsheet shows them: the header is line 1, the first student line 2.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from shared import calendar

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# field key -> (Chinese header, English header, other accepted names)
COLUMNS = [
    ("student_number", "学号", "Student number", ("student no", "student_number", "number", "学籍号")),
    ("name", "姓名", "Name", ("student name", "学生姓名")),
    ("gender", "性别", "Gender", ("sex",)),
    ("date_of_birth", "出生日期", "Date of birth", ("birthday", "date_of_birth", "dob", "生日")),
    ("grade", "年级", "Grade", ()),
    ("class_name", "班级", "Class", ("class name", "class_name")),
    ("guardian_name", "监护人姓名", "Guardian name", ("guardian", "guardian_name", "家长姓名", "监护人")),
    (
        "guardian_phone",
        "监护人电话",
        "Guardian phone",
        ("guardian_phone", "phone", "家长电话", "联系电话", "监护人手机"),
    ),
]
HEADERS_ZH = [c[1] for c in COLUMNS]
EXAMPLE_ROW = ["20250701", "林小雨", "女", "2012-09-15", "7", "3班", "林国华", "13900001234"]


def example_row() -> list[str]:
    """The example line, in a grade this school teaches, with a birth date to match."""
    from tenants.students.selectors import school_grades

    grade = 7 if 7 in school_grades() else school_grades()[0]
    row = list(EXAMPLE_ROW)
    row[3] = f"{2012 + 7 - grade}-09-15"
    row[4] = str(grade)
    return row


def _header_key(title: str) -> str:
    return re.sub(r"[\s_]+", " ", title.strip().lower())


_ALIASES = {_header_key(alias): key for key, zh, en, others in COLUMNS for alias in (zh, en, key, *others)}

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
}
_STAGES = {"初": 6, "高": 9}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


class FileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, empty, too large)."""


@dataclass
class Row:
    line: int
    student_number: str
    name: str
    gender: str
    date_of_birth: date
    grade: int
    class_name: str
    guardian_name: str
    guardian_phone: str


def header_label(key: str) -> str:
    for k, zh, _en, _o in COLUMNS:
        if k == key:
            return zh
    return key


# Parsing single values. Each returns the value or raises ValueError with a message for the person.


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_gender(value) -> str:
    text = _text(value).lower()
    if text in ("男", "male", "m", "男生"):
        return "male"
    if text in ("女", "female", "f", "女生"):
        return "female"
    raise ValueError(_("Write 男 or 女."))


def parse_date(value) -> date:
    """A date of birth: read by shared.calendar.parse_date, then checked as a student's birthday."""
    if not isinstance(value, (date, int, float)) and not _text(value):
        raise ValueError(_("The date of birth is missing."))
    day = calendar.parse_date(value)
    today = timezone.localdate()
    if day >= today:
        raise ValueError(_("The date of birth must be in the past."))
    if day.year < today.year - 30:
        raise ValueError(_("This date of birth is too long ago for a student."))
    return day


def parse_grade(value) -> int:
    text = _text(value).replace(" ", "")
    grade = None
    if re.fullmatch(r"\d{1,2}", text):
        grade = int(text)
    elif match := re.fullmatch(r"(\d{1,2})年级", text):
        grade = int(match[1])
    elif match := re.fullmatch(r"(十[一二]|[一二三四五六七八九十])年级", text):
        grade = _CN_DIGITS[match[1]]
    elif match := re.fullmatch(r"([初高])([一二三])(?:年级)?", text):
        grade = _STAGES[match[1]] + _CN_DIGITS[match[2]]
    if grade is None or not 1 <= grade <= 12:
        raise ValueError(_("Write the grade as a number from 1 to 12, for example 7 or 7年级."))
    return grade


def parse_class_name(value) -> str:
    text = _text(value).replace(" ", "")
    if not text:
        raise ValueError(_("The class is missing."))
    if re.fullmatch(r"\d{1,2}", text):
        text = f"{int(text)}班"
    if len(text) > 30:
        raise ValueError(_("At most 30 characters."))
    return text


def normalize_phone(value) -> str:
    """An 11-digit mobile number or a landline with its area code; spaces and dashes are dropped
    from mobiles. Raises ValueError when neither."""
    text = _text(value)
    compact = re.sub(r"[\s\-()（）]", "", text)
    if compact.startswith("+86"):
        compact = compact[3:]
    if MOBILE.fullmatch(compact):
        return compact
    landline = re.sub(r"[\s()（）]", "", text)
    if LANDLINE.fullmatch(landline):
        return landline
    if LANDLINE.fullmatch(compact):
        return compact
    raise ValueError(
        _("Write an 11-digit mobile number or a landline with its area code, for example 010-12345678.")
    )


def _required(value, limit: int, missing: str) -> str:
    text = _text(value)
    if not text:
        raise ValueError(missing)
    if len(text) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return text


PARSERS = {
    "student_number": lambda v: _required(v, 30, _("The student number is missing.")),
    "name": lambda v: _required(v, 50, _("The name is missing.")),
    "gender": parse_gender,
    "date_of_birth": parse_date,
    "grade": parse_grade,
    "class_name": parse_class_name,
    "guardian_name": lambda v: _required(v, 50, _("The guardian's name is missing.")),
    "guardian_phone": normalize_phone,
}


# Reading the file.


def _cells(upload) -> list[list]:
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise FileError(_("The file is larger than 5 MB. Split it into several files."))
    if not data.strip():
        raise FileError(_("The file is empty."))
    name = (getattr(upload, "name", "") or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return _xlsx_cells(data)
    if name.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(_("Old .xls files cannot be read. Save the sheet as .xlsx or CSV."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileError(_("The file is neither UTF-8 nor GBK text. Save it as CSV (UTF-8) or XLSX."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_cells(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FileError(_("This XLSX file cannot be opened. Save it again from the spreadsheet program."))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_rows(upload) -> tuple[list[Row], list[tuple[int, str, str]]]:
    """The checked rows of a file, and the errors as (line, column, message)."""
    cells = _cells(upload)
    errors: list[tuple[int, str, str]] = []
    while cells and all(_text(c) == "" for c in cells[-1]):
        cells.pop()
    if not cells:
        raise FileError(_("The file is empty."))
    header = [_text(c) for c in cells[0]]
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if not title:
            continue
        key = _ALIASES.get(_header_key(title))
        if key is None:
            errors.append(
                (
                    1,
                    title,
                    _("Unknown column. The columns are: %(columns)s.") % {"columns": "、".join(HEADERS_ZH)},
                )
            )
        elif key in positions:
            errors.append((1, title, _("This column appears twice.")))
        else:
            positions[key] = index
    for key, zh, _en, _o in COLUMNS:
        if key not in positions:
            errors.append((1, zh, _("This column is missing from the header row.")))
    if errors:
        return [], errors
    if len(cells) - 1 > MAX_ROWS:
        raise FileError(
            _("More than %(n)d students in one file. Split it into several files.") % {"n": MAX_ROWS}
        )

    from tenants.students.selectors import grade_problem, school_grades

    grades = school_grades()
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    for line, raw in enumerate(cells[1:], start=2):
        if all(_text(c) == "" for c in raw):
            continue
        values, row_errors = {}, []
        for key, _zh, _en, _o in COLUMNS:
            index = positions[key]
            cell = raw[index] if index < len(raw) else None
            try:
                values[key] = PARSERS[key](cell)
            except ValueError as exc:
                row_errors.append((line, header[index], str(exc)))
        if (problem := grade_problem(values.get("grade"), grades)) is not None:
            row_errors.append((line, header[positions["grade"]], problem))
        number = values.get("student_number")
        if number:
            if number in first_line:
                row_errors.append(
                    (
                        line,
                        header[positions["student_number"]],
                        _("Student number %(number)s is also on line %(line)d.")
                        % {"number": number, "line": first_line[number]},
                    )
                )
            else:
                first_line[number] = line
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(Row(line=line, **values))
    return rows, errors


def template_xlsx() -> bytes:
    """The import template: the header row and one example line."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from shared.xlsx import append_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学生名单"
    append_row(sheet, HEADERS_ZH)
    append_row(sheet, example_row())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (14, 10, 6, 14, 8, 8, 12, 16), strict=True):
        sheet.column_dimensions[column].width = width
    # Keep numbers and dates as text, so Excel does not turn 0-led numbers into numbers.
    for column in "ADH":
        for cell in sheet[column]:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
