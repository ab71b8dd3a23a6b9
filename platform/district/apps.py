from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "district"
    verbose_name = _("District")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from district import signals  # noqa: F401
