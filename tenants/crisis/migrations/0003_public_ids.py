"""Time limits and duty assignments are addressed by UUID in the API, like every other object."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    for name in ("TimeLimit", "DutyAssignment"):
        model = apps.get_model("crisis", name)
        for row in model.objects.filter(public_id__isnull=True):
            row.public_id = uuid.uuid4()
            row.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [("crisis", "0002_default_time_limits")]

    operations = [
        migrations.AddField("timelimit", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.AddField("dutyassignment", "public_id", models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField("timelimit", "public_id", models.UUIDField(default=uuid.uuid4, unique=True, editable=False)),
        migrations.AlterField("dutyassignment", "public_id",
                              models.UUIDField(default=uuid.uuid4, unique=True, editable=False)),
    ]
