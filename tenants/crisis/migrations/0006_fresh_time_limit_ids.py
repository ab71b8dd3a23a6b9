"""Schools made before provisioning drew fresh ids for seeded rows share their crisis time limits'
public ids (copied from the template). Each school draws its own; nothing refers to these ids."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("crisis", "0005_encrypt_reasons")]

    operations = [
        migrations.RunSQL(
            "UPDATE crisis_timelimit SET public_id = gen_random_uuid()", migrations.RunSQL.noop
        ),
    ]
