from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "tenants.care"
    label = "care"
    verbose_name = _("Mental-health records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Declared resources (shared.resources) write their audited reads to this school's trail.
        from shared.resources import set_auditor
        from tenants.care.audit import audit

        set_auditor(audit)
