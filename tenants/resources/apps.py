from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "tenants.resources"
    label = "resources"
    verbose_name = _("Resources: rooms, bookings and materials")
    default_auto_field = "django.db.models.BigAutoField"
