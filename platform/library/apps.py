from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    """The shared resource library (资源共享): published by the district or proposed by schools,
    reviewed by the district, imported by schools as their own records."""

    name = "library"
    verbose_name = _("Resource library")
    default_auto_field = "django.db.models.BigAutoField"
