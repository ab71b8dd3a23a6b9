"""Bulk onboarding from CSV: validate every row first, report bad rows by line, then provision."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from district.models import SchoolType

COLUMNS = ["code", "name", "type", "number", "student_count", "admin_name", "admin_email"]
_TYPE_BY_LABEL = {str(label): value for value, label in SchoolType.choices}
_TYPE_BY_CHINESE = {
    "小学": SchoolType.PRIMARY,
    "初中": SchoolType.JUNIOR,
    "高中": SchoolType.SENIOR,
    "九年一贯制": SchoolType.NINE_YEAR,
    "十二年一贯制": SchoolType.TWELVE_YEAR,
    "特殊教育": SchoolType.SPECIAL,
}


@dataclass
class CsvRow:
    line: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8 (with or without the BOM Excel writes), else GBK
    (GB 18030, which Excel on Chinese Windows saves as "CSV")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": _("The file is neither UTF-8 nor GBK text. Save it from Excel as “CSV UTF-8”.")}
        ) from None


def parse_school_type(raw: str) -> str | None:
    raw = (raw or "").strip()
    if raw in SchoolType.values:
        return raw
    return _TYPE_BY_CHINESE.get(raw) or _TYPE_BY_LABEL.get(raw)


def read_rows(text: str) -> tuple[list[CsvRow], list[str]]:
    """Rows with their line numbers and what is wrong with each, plus file-level errors."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [_("Line 1: missing columns: %(cols)s") % {"cols": ", ".join(missing)}]
    rows, seen_codes, seen_numbers = [], {}, {}
    for record in reader:
        row = CsvRow(line=reader.line_num)
        values = {k.strip(): (v or "").strip() for k, v in record.items() if k}
        school_type = parse_school_type(values.get("type", ""))
        if school_type is None:
            row.errors.append(
                _("type “%(type)s” is not one of 小学, 初中, 高中, 九年一贯制, 十二年一贯制, 特殊教育")
                % {"type": values.get("type", "")}
            )
        try:
            student_count = int(values.get("student_count", ""))
            if student_count < 0:
                raise ValueError
        except ValueError:
            student_count = None
            row.errors.append(_("student_count must be a whole number, zero or more"))
        code = values.get("code", "").lower()
        if code in seen_codes:
            row.errors.append(
                _("code “%(code)s” is already used on line %(line)s")
                % {"code": code, "line": seen_codes[code]}
            )
        seen_codes.setdefault(code, row.line)
        number = values.get("number", "")
        if number in seen_numbers:
            row.errors.append(
                _("number “%(number)s” is already used on line %(line)s")
                % {"number": number, "line": seen_numbers[number]}
            )
        seen_numbers.setdefault(number, row.line)
        row.values = {
            "code": code,
            "name": values.get("name", ""),
            "school_type": school_type,
            "number": number,
            "student_count": student_count,
            "admin_name": values.get("admin_name", ""),
            "admin_email": values.get("admin_email", ""),
        }
        rows.append(row)
    return rows, []


def validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    return list(exc.messages)
