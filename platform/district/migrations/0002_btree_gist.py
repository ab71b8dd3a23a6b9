from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    """btree_gist, for exclusion constraints that mix equality with ranges (room bookings).

    Created here, in the public schema, so the operator classes live in public (on every school's
    search_path) rather than inside whichever school schema migrated first."""

    dependencies = [("district", "0001_initial")]
    operations = [BtreeGistExtension()]
