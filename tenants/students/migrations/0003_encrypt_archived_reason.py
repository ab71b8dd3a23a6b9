"""Why a student left is encrypted at rest (it can be clinical: a hospital stay), the existing plain
values included."""

from django.db import migrations

import shared.crypto
from shared.keyring.encrypt_existing import encrypt_column


class Migration(migrations.Migration):
    dependencies = [("students", "0002_student_name_label"), ("keyring", "0001_initial")]

    operations = [
        migrations.AlterField(
            "student",
            "archived_reason",
            shared.crypto.EncryptedTextField(blank=True, verbose_name="reason for leaving"),
        ),
        encrypt_column("students.student", "archived_reason"),
    ]
