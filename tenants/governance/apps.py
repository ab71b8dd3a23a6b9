from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "tenants.governance"
    label = "governance"
    verbose_name = _("Leadership group, plans, rules and reports")
    default_auto_field = "django.db.models.BigAutoField"
