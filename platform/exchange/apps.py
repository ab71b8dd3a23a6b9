from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Cross-school exchange (交流平台): posts and replies, events, case studies, moderation."""

    name = "exchange"
    verbose_name = _("Exchange")
    default_auto_field = "django.db.models.BigAutoField"
