from django.db import migrations

# Minutes from opening a case to each step, per risk level. A high-risk case is assessed within
# an hour; schools change these on the time-limits page.
DEFAULTS = {
    ("high", "assessed"): 60, ("high", "intervention"): 4 * 60, ("high", "guardians_notified"): 24 * 60,
    ("medium", "assessed"): 24 * 60, ("medium", "intervention"): 3 * 24 * 60,
    ("low", "assessed"): 3 * 24 * 60,
}


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("crisis", "TimeLimit")
    for (level, step), minutes in DEFAULTS.items():
        TimeLimit.objects.get_or_create(level=level, step=step, defaults={"minutes": minutes})


class Migration(migrations.Migration):
    dependencies = [("crisis", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
