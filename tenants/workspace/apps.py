from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "tenants.workspace"
    label = "workspace"
    verbose_name = _("School workspace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shared.accounts.signals import account_event_recorded
        from tenants.workspace.account_events import notify_account_event

        account_event_recorded.connect(notify_account_event, dispatch_uid="workspace.notify_account_event")
