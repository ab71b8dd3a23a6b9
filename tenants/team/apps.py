from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    name = "tenants.team"
    label = "team"
    verbose_name = _("Team: staff, training")
    default_auto_field = "django.db.models.BigAutoField"
