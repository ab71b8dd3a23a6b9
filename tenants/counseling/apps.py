from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "tenants.counseling"
    label = "counseling"
    verbose_name = _("Counseling")
    default_auto_field = "django.db.models.BigAutoField"
