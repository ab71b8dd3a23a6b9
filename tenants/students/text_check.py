"""The personal-data check for text written for readers outside the school.

Before a school's text leaves its schema (an information report for the district, a comment on a
reported figure, later a case study for the cross-school exchange), this check looks for:
- the school's own student names (2 characters or more) and student numbers (4 characters or
  more: shorter ones are ordinary numbers), read inside the school's schema;
- mainland mobile numbers (1[3-9] and nine digits, also written 3-4-4 with spaces or hyphens) and
  landlines written with an area code and a hyphen (010-12345678);
- resident ID numbers: 18 characters with a valid checksum and birth date, or 15 digits with a
  valid birth date.

`scan()` is the pure function (it is given the names and numbers); `find_personal_data()` reads
them from the current school's schema; `check_fields()` checks several fields of one form and
`personal_data_error()` turns findings into a ValidationError keyed by field. Findings say what was
found and where ("正文第3行：学生姓名"), never the matched text, so that a message or a log line
does not repeat it.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KIND_LABELS = {
    "student_name": gettext_lazy("student name"),
    "student_number": gettext_lazy("student number"),
    "phone": gettext_lazy("phone number"),
    "id_number": gettext_lazy("ID number"),
}
MIN_NAME_LENGTH = 2
MIN_NUMBER_LENGTH = 4

_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-[2-9][0-9]{6,7}(?![0-9])")
_ID18 = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{14}(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Finding:
    kind: str  # student_name, student_number, phone, id_number
    field: str  # the field's label as the writer sees it ("正文")
    line: int  # 1-based line in that field

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def __str__(self):
        return _("%(field)s line %(line)d: %(what)s") % {
            "field": self.field,
            "line": self.line,
            "what": self.label,
        }


def id_checksum_ok(value: str) -> bool:
    """An 18-character resident ID's last character is its ISO 7064 MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_id(value: str) -> bool:
    if len(value) == 18:
        return id_checksum_ok(value) and _date_ok(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    return _date_ok(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))


def _names_pattern(names) -> re.Pattern | None:
    names = sorted(
        {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH}, key=len, reverse=True
    )
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)


def _numbers_pattern(numbers) -> re.Pattern | None:
    numbers = sorted(
        {n.strip() for n in numbers if n and len(n.strip()) >= MIN_NUMBER_LENGTH}, key=len, reverse=True
    )
    if not numbers:
        return None
    body = "|".join(re.escape(n) for n in numbers)
    return re.compile(rf"(?<![0-9A-Za-z])(?:{body})(?![0-9A-Za-z])", re.IGNORECASE)


@dataclass(frozen=True)
class Identifiers:
    """A school's student names and numbers, compiled once for many texts."""

    names: re.Pattern | None = None
    numbers: re.Pattern | None = None

    @classmethod
    def of(cls, *, names=(), numbers=()) -> "Identifiers":
        return cls(names=_names_pattern(names), numbers=_numbers_pattern(numbers))


def scan(text: str, *, identifiers: Identifiers | None = None, field: str = "") -> list[Finding]:
    """Every finding in `text`, one per kind and line, in line order. Pure: no database."""
    identifiers = identifiers or Identifiers()
    findings = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        kinds = []
        ids = [m.group() for m in _ID18.finditer(line)] + [m.group() for m in _ID15.finditer(line)]
        if any(_is_id(value) for value in ids):
            kinds.append("id_number")
        if _MOBILE.search(line) or _LANDLINE.search(line):
            kinds.append("phone")
        if identifiers.numbers is not None and identifiers.numbers.search(line):
            kinds.append("student_number")
        if identifiers.names is not None and identifiers.names.search(line):
            kinds.append("student_name")
        order = list(KIND_LABELS)
        findings.extend(Finding(kind, field, number) for kind in sorted(kinds, key=order.index))
    return findings


def school_identifiers() -> Identifiers:
    """The current school's student names and numbers (every student, archived ones too). Outside a
    school schema there are none."""
    if connection.schema_name == "public":
        return Identifiers()
    from tenants.students.models import Student

    rows = list(Student.objects.values_list("name", "student_number"))
    return Identifiers.of(names=[r[0] for r in rows], numbers=[r[1] for r in rows])


def find_personal_data(
    text: str, *, field: str = "", identifiers: Identifiers | None = None
) -> list[Finding]:
    """Findings in one text, against the current school's students unless `identifiers` is given."""
    return scan(
        text, identifiers=identifiers if identifiers is not None else school_identifiers(), field=field
    )


def check_fields(fields: dict, *, identifiers: Identifiers | None = None) -> dict[str, list[Finding]]:
    """Check several fields of one form: {name: (label, text)} → {name: findings} (only names with
    findings). The school's identifiers are read once."""
    identifiers = identifiers if identifiers is not None else school_identifiers()
    result = {}
    for name, (label, text) in fields.items():
        found = scan(text, identifiers=identifiers, field=str(label))
        if found:
            result[name] = found
    return result


def personal_data_error(found: dict[str, list[Finding]]) -> ValidationError | None:
    """A ValidationError keyed by field, one message per finding, or None when nothing was found."""
    if not found:
        return None
    return ValidationError(
        {
            name: [
                _("Remove personal data before submitting: %(finding)s.") % {"finding": str(f)}
                for f in findings
            ]
            for name, findings in found.items()
        }
    )


def raise_if_personal_data(fields: dict, *, identifiers: Identifiers | None = None) -> None:
    error = personal_data_error(check_fields(fields, identifiers=identifiers))
    if error is not None:
        raise error
