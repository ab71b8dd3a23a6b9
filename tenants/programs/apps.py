from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "tenants.programs"
    label = "programs"
    verbose_name = _("Courses, activities, publicity and home-school work")
    default_auto_field = "django.db.models.BigAutoField"
