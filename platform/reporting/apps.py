from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Government reporting (上报): report forms filled from the figures, the approval workflow,
    schools' information reports as the district reads them, and exports."""

    name = "reporting"
    verbose_name = _("Reporting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reporting import signals  # noqa: F401
