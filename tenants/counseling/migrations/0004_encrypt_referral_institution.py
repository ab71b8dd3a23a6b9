"""Where a student was referred for treatment is encrypted at rest, the existing plain values
included."""

from django.db import migrations

import shared.crypto
from shared.keyring.encrypt_existing import encrypt_column


class Migration(migrations.Migration):
    dependencies = [("counseling", "0003_plan_status_label"), ("keyring", "0001_initial")]

    operations = [
        migrations.AlterField(
            "referral", "institution", shared.crypto.EncryptedTextField(verbose_name="institution")
        ),
        encrypt_column("counseling.referral", "institution"),
    ]
