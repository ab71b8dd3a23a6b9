"""The student roster: classes with their homeroom teachers, students, and every class move.

A student who leaves is archived, never deleted: their mental-health record is kept for its
retention period and may be transferred to the next school.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.crypto import EncryptedTextField
from shared.models import AuthoredModel, PublicModel, one_of


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class StudentStatus(models.TextChoices):
    ACTIVE = "active", _("In school")
    ARCHIVED = "archived", _("Left (archived)")


class SchoolClass(PublicModel):
    """A class (班级), e.g. grade 7, class 3. Its homeroom teacher (班主任) sees whether its
    students are being followed, never clinical detail."""

    grade = models.PositiveSmallIntegerField(_("grade"), help_text=_("1-6 primary, 7-9 junior, 10-12 senior"))
    name = models.CharField(_("class"), max_length=30, help_text=_("For example 3班"))
    homeroom_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("homeroom teacher"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="homeroom_classes",
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["grade", "name"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "name"], name="students_class_once_per_grade"),
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=12), name="students_class_grade_range"
            ),
        ]

    def __str__(self):
        return f"{self.grade}年级{self.name}"


class Student(AuthoredModel):
    student_number = models.CharField(_("student number"), max_length=30, unique=True)
    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"))
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="students"
    )
    guardian_name = models.CharField(_("guardian name"), max_length=50)
    guardian_phone = models.CharField(_("guardian phone"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=StudentStatus.choices, default=StudentStatus.ACTIVE
    )
    archived_at = models.DateTimeField(_("left on"), null=True, blank=True)
    # Why the student left: clinical in places (a hospital stay), so encrypted and for the care team only.
    archived_reason = EncryptedTextField(_("reason for leaving"), blank=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["school_class__grade", "school_class__name", "student_number"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("gender", Gender.values), name="students_student_gender_known"
            ),
            models.CheckConstraint(
                condition=one_of("status", StudentStatus.values), name="students_student_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", archived_at__isnull=True)
                | models.Q(status="archived", archived_at__isnull=False),
                name="students_student_archived_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.student_number}）"

    @property
    def grade(self) -> int:
        return self.school_class.grade


class ClassMove(models.Model):
    """One change of class, kept for the record."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="class_moves")
    from_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    to_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["moved_at", "id"]
