from django.db import migrations

# Years each type of record is kept before it is archived; deleted 90 days after that.
DEFAULTS = {"screening": 3, "counseling": 5, "observation": 3, "referral": 5, "crisis": 10, "plan": 5}


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("care", "RetentionRule")
    for record_type, years in DEFAULTS.items():
        RetentionRule.objects.get_or_create(record_type=record_type, defaults={"keep_years": years, "grace_days": 90})


class Migration(migrations.Migration):
    dependencies = [("care", "0002_audit_append_only")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
