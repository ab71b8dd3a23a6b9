from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def _sync_forms(sender, **kwargs):
    # After figures' catalog sync (figures comes before reporting in INSTALLED_APPS); public only.
    from django.db import connection

    if getattr(sender, "name", "") != "reporting" or connection.schema_name != "public":
        return
    from reporting.defaults import forms_sync

    forms_sync()
