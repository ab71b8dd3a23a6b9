"""Write use cases of the roster: students, classes, class moves, archiving and the roster import.

Only roster managers (principal, secretary, psychology teachers, counselors) write. Every change to
a student writes exactly one audit event (subject "students.student"), in the same transaction.
Students are never deleted: a student who leaves is archived, and can be restored.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.accounts.roles import SchoolRole
from tenants.care.access import manages_roster
from tenants.care.audit import audit, audit_many
from tenants.common.writes import model_create, model_update
from tenants.students import roster
from tenants.students.models import ClassMove, SchoolClass, Student, StudentStatus

SUBJECT = "students.student"
STUDENT_FIELDS = (
    "student_number",
    "name",
    "gender",
    "date_of_birth",
    "school_class",
    "guardian_name",
    "guardian_phone",
)


def _require_manager(actor) -> None:
    if not manages_roster(actor):
        raise PermissionDenied


def _clean(data: dict) -> dict:
    """Checks the model cannot express: a real phone number, a birthday in the past."""
    data = dict(data)
    errors = {}
    for key in ("student_number", "name", "guardian_name"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    if "guardian_phone" in data:
        try:
            data["guardian_phone"] = roster.normalize_phone(data["guardian_phone"])
        except ValueError as exc:
            errors["guardian_phone"] = [str(exc)]
    if isinstance(data.get("date_of_birth"), date):
        try:
            roster.parse_date(data["date_of_birth"])
        except ValueError as exc:
            errors["date_of_birth"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    return data


# Students


@transaction.atomic
def student_create(*, actor, data: dict) -> Student:
    _require_manager(actor)
    data = _clean({k: v for k, v in data.items() if k in STUDENT_FIELDS})
    student = model_create(Student, actor=actor, data=data)
    audit(actor=actor, action="create", subject=SUBJECT, student=student, obj=student)
    return student


@transaction.atomic
def student_update(student: Student, *, actor, data: dict) -> Student:
    """Change a student's roster data. A change of class is a move: it is kept as a ClassMove."""
    _require_manager(actor)
    student = Student.objects.select_for_update().get(pk=student.pk)
    data = _clean({k: v for k, v in data.items() if k in STUDENT_FIELDS})
    to_class = data.get("school_class")
    from_class = student.school_class
    student = model_update(student, data=data)
    if to_class is not None and to_class.pk != from_class.pk:
        ClassMove.objects.create(student=student, from_class=from_class, to_class=to_class, moved_by=actor)
    audit(actor=actor, action="change", subject=SUBJECT, student=student, obj=student)
    return student


@transaction.atomic
def student_move(student: Student, *, actor, to_class: SchoolClass) -> Student:
    """Move a student to another class; the move is kept (who, when, from, to)."""
    _require_manager(actor)
    student = Student.objects.select_for_update().select_related("school_class").get(pk=student.pk)
    if to_class is None:
        raise ValidationError({"school_class": _("Choose the class to move to.")})
    if student.status != StudentStatus.ACTIVE:
        raise ValidationError({"school_class": _("This student has left. Restore them before moving them.")})
    if to_class.pk == student.school_class_id:
        raise ValidationError({"school_class": _("The student is already in this class.")})
    ClassMove.objects.create(
        student=student, from_class=student.school_class, to_class=to_class, moved_by=actor
    )
    student.school_class = to_class
    student.save(update_fields=["school_class", "updated_at"])
    audit(
        actor=actor, action="change", subject=SUBJECT, student=student, obj=student, reason=_("moved class")
    )
    return student


@transaction.atomic
def student_archive(student: Student, *, actor, reason: str) -> Student:
    """The student leaves the school: archived with the reason, never deleted."""
    _require_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Write down why the student leaves, for example a transfer to another school.")}
        )
    if len(reason) > 200:
        raise ValidationError({"reason": _("At most %(n)d characters.") % {"n": 200}})
    student = Student.objects.select_for_update().get(pk=student.pk)
    if student.status == StudentStatus.ARCHIVED:
        raise ValidationError({"reason": _("This student is already archived.")})
    student.status, student.archived_at, student.archived_reason = (
        StudentStatus.ARCHIVED,
        timezone.now(),
        reason,
    )
    student.save(update_fields=["status", "archived_at", "archived_reason", "updated_at"])
    audit(
        actor=actor,
        action="change",
        subject=SUBJECT,
        student=student,
        obj=student,
        reason=_("archived"),  # the reason itself is encrypted on the student, not copied here
    )
    return student


@transaction.atomic
def student_restore(student: Student, *, actor) -> Student:
    """An archived student comes back (e.g. archived by mistake, or returned to the school)."""
    _require_manager(actor)
    student = Student.objects.select_for_update().get(pk=student.pk)
    if student.status != StudentStatus.ARCHIVED:
        raise ValidationError({"status": _("This student is not archived.")})
    student.status, student.archived_at, student.archived_reason = StudentStatus.ACTIVE, None, ""
    student.save(update_fields=["status", "archived_at", "archived_reason", "updated_at"])
    audit(actor=actor, action="change", subject=SUBJECT, student=student, obj=student, reason=_("restored"))
    return student


# Classes


def _check_homeroom(teacher) -> None:
    if teacher is not None and (not teacher.is_active or not teacher.has_role(SchoolRole.HOMEROOM_TEACHER)):
        raise ValidationError(
            {"homeroom_teacher": _("Choose an active account with the homeroom teacher role.")}
        )


def _class_unique(grade, name, exclude=None):
    qs = SchoolClass.objects.filter(grade=grade, name=name)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if qs.exists():
        raise ValidationError(
            {
                "name": _("Grade %(grade)s already has a class named %(name)s.")
                % {"grade": grade, "name": name}
            }
        )


@transaction.atomic
def _check_grade(grade) -> None:
    from tenants.students.selectors import grade_problem

    if (problem := grade_problem(grade)) is not None:
        raise ValidationError({"grade": problem})


def class_create(*, actor, grade: int, name: str, homeroom_teacher=None) -> SchoolClass:
    _require_manager(actor)
    _check_grade(grade)
    name = (name or "").strip()
    _check_homeroom(homeroom_teacher)
    _class_unique(grade, name)
    try:
        return model_create(SchoolClass, data=dict(grade=grade, name=name, homeroom_teacher=homeroom_teacher))
    except IntegrityError:
        raise ValidationError({"name": _("This class already exists.")})


@transaction.atomic
def class_update(school_class: SchoolClass, *, actor, data: dict) -> SchoolClass:
    _require_manager(actor)
    data = {k: v for k, v in data.items() if k in ("grade", "name", "homeroom_teacher")}
    if isinstance(data.get("name"), str):
        data["name"] = data["name"].strip()
    if "homeroom_teacher" in data:
        _check_homeroom(data["homeroom_teacher"])
    if "grade" in data and data["grade"] != school_class.grade:
        _check_grade(data["grade"])
    _class_unique(
        data.get("grade", school_class.grade), data.get("name", school_class.name), exclude=school_class
    )
    return model_update(school_class, data=data)


@transaction.atomic
def class_delete(school_class: SchoolClass, *, actor) -> None:
    """Only a class that never had students (nor moves) can be deleted."""
    _require_manager(actor)
    if school_class.students.exists() or ClassMove.objects.filter(from_class=school_class).exists():
        raise ValidationError(
            {"non_field_errors": [_("This class has students or history and cannot be deleted.")]}
        )
    school_class.delete()


# The roster import


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)
    created_lines: list[int] = field(default_factory=list)
    updated_lines: list[int] = field(default_factory=list)
    classes_created: list[str] = field(default_factory=list)
    imported: bool = False  # False: nothing was saved

    @property
    def error_lines(self) -> list[int]:
        return sorted({line for line, _c, _m in self.errors})


def _row_problem(row) -> tuple[str, str] | None:
    """The model's own field checks on a parsed row, as (column, message), without a query."""
    student = Student(
        student_number=row.student_number,
        name=row.name,
        gender=row.gender,
        date_of_birth=row.date_of_birth,
        guardian_name=row.guardian_name,
        guardian_phone=row.guardian_phone,
    )
    try:
        student.full_clean(
            exclude=["school_class", "created_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        return roster.header_label(field), " ".join(messages)
    return None


def roster_import(*, actor, upload, only_good_rows: bool = False) -> ImportResult:
    """Import a roster file (CSV in UTF-8 or GBK, or XLSX), all in one transaction.

    - Each error names its line (the header is line 1) and column.
    - A student number that appears twice in the file is an error on its second line.
    - A student number that already exists UPDATES that student (name, gender, birthday, guardian;
      a different class is a move, kept in the class history); those lines are listed as updated.
      An archived student's number is an error: restore the student first.
    - Classes named in the file are created when missing.
    - A file with any error imports nothing, unless `only_good_rows`: then the good rows are
      imported and the bad ones listed.
    """
    _require_manager(actor)
    result = ImportResult()
    try:
        rows, errors = roster.read_rows(upload)
    except roster.FileError as exc:
        result.errors.append((0, "", str(exc)))
        return result
    result.errors.extend(errors)
    existing = {
        s.student_number: s
        for s in Student.objects.filter(student_number__in=[r.student_number for r in rows])
    }
    number_column = roster.header_label("student_number")
    good = []
    for row in rows:
        found = existing.get(row.student_number)
        if found is not None and found.status == StudentStatus.ARCHIVED:
            result.errors.append(
                (
                    row.line,
                    number_column,
                    _(
                        "Student number %(number)s belongs to a student who has left (archived). Restore them first."
                    )
                    % {"number": row.student_number},
                )
            )
        elif (problem := _row_problem(row)) is not None:
            result.errors.append((row.line, *problem))
        else:
            good.append(row)
    result.errors.sort(key=lambda e: (e[0], e[1]))
    if (result.errors and not only_good_rows) or not good:
        return result

    with transaction.atomic():
        classes = {(c.grade, c.name): c for c in SchoolClass.objects.all()}
        new_students = []
        for row in good:
            key = (row.grade, row.class_name)
            if key not in classes:
                classes[key] = SchoolClass.objects.create(grade=row.grade, name=row.class_name)
                result.classes_created.append(str(classes[key]))
            data = dict(
                name=row.name,
                gender=row.gender,
                date_of_birth=row.date_of_birth,
                school_class=classes[key],
                guardian_name=row.guardian_name,
                guardian_phone=row.guardian_phone,
            )
            found = existing.get(row.student_number)
            if found is None:
                # New students go in with one INSERT per batch: the file's rows were checked field
                # by field already, and the database enforces the constraints.
                new_students.append(Student(student_number=row.student_number, created_by=actor, **data))
                result.created += 1
                result.created_lines.append(row.line)
            else:
                from_class_id = found.school_class_id
                student = model_update(found, data=data)
                if from_class_id != student.school_class_id:
                    ClassMove.objects.create(
                        student=student,
                        from_class_id=from_class_id,
                        to_class=student.school_class,
                        moved_by=actor,
                    )
                audit(
                    actor=actor,
                    action="change",
                    subject=SUBJECT,
                    student=student,
                    obj=student,
                    reason=_("roster import"),
                )
                result.updated += 1
                result.updated_lines.append(row.line)
        Student.objects.bulk_create(new_students, batch_size=1000)
        audit_many(
            actor=actor, action="create", subject=SUBJECT, objects=new_students, reason=_("roster import")
        )
        result.imported = True
    return result


def student_delete(student: Student, *, actor) -> None:
    """Students are never deleted: they are archived (with a reason) and can be restored."""
    raise ValidationError(
        _("Students are never deleted. Archive the student instead (POST …/archive/ with a reason).")
    )
