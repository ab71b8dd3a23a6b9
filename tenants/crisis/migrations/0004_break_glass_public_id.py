"""A break-glass is addressed by UUID, like every other object: its encrypted reason is bound to
it, and the audit event of the break-glass refers to it."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    BreakGlass = apps.get_model("crisis", "BreakGlass")
    for row in BreakGlass.objects.filter(public_id__isnull=True):
        row.public_id = uuid.uuid4()
        row.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [("crisis", "0003_public_ids")]

    operations = [
        migrations.AddField("breakglass", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            "breakglass", "public_id", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
        ),
    ]
