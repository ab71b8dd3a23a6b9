from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The community service directory (社会心理服务资源) and partnerships between schools."""

    name = "directory"
    verbose_name = _("Service directory")
    default_auto_field = "django.db.models.BigAutoField"
