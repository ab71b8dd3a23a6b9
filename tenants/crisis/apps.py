from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "tenants.crisis"
    label = "crisis"
    verbose_name = _("Crisis intervention")
    default_auto_field = "django.db.models.BigAutoField"
