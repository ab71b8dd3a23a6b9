"""A skipped step's reason and a break-glass reason are clinical free text: encrypted at rest, the
existing plain values included."""

from django.db import migrations

import shared.crypto
from shared.keyring.encrypt_existing import encrypt_column


class Migration(migrations.Migration):
    dependencies = [("crisis", "0004_break_glass_public_id"), ("keyring", "0001_initial")]

    operations = [
        migrations.AlterField(
            "casestep",
            "skipped_reason",
            shared.crypto.EncryptedTextField(blank=True, help_text="e.g. referral not needed"),
        ),
        migrations.AlterField("breakglass", "reason", shared.crypto.EncryptedTextField()),
        encrypt_column("crisis.casestep", "skipped_reason"),
        encrypt_column("crisis.breakglass", "reason"),
    ]
