from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "tenants.ledger"
    label = "ledger"
    verbose_name = _("Task ledger and meetings")
    default_auto_field = "django.db.models.BigAutoField"
