"""Choices several areas share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.TextChoices):
    MORAL = "moral", _("Moral education (德育)")
    ACADEMIC = "academic", _("Academic affairs (教务)")
    STUDENT_AFFAIRS = "student_affairs", _("Student affairs (学生事务)")
    SECURITY = "security", _("Security (保卫)")
    LOGISTICS = "logistics", _("Logistics (后勤)")
    OTHER = "other", _("Other")


class Term(models.TextChoices):
    FIRST = "first", _("First term")
    SECOND = "second", _("Second term")
