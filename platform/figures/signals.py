from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def _sync_catalog(sender, **kwargs):
    # The catalog and the periods live in the public schema only.
    from django.db import connection

    if getattr(sender, "name", "") != "figures" or connection.schema_name != "public":
        return
    from figures.catalog import catalog_sync
    from figures.validation import rules_sync

    catalog_sync()
    rules_sync()
