from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    """District figures: counts computed inside each school, kept in the public schema, and shown to
    the district only through disclosure control."""

    name = "figures"
    verbose_name = _("District figures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from figures import signals  # noqa: F401
