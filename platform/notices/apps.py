from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices from the district to its schools, with read receipts; group-robot webhooks."""

    name = "notices"
    verbose_name = _("Notices")
    default_auto_field = "django.db.models.BigAutoField"
