"""Clinical free text out of plain columns:

- a guardian consent's note is encrypted at rest, the existing plain notes included;
- an audit event no longer carries a break-glass reason: it refers to the break-glass (reason_ref),
  whose reason is encrypted (crisis 0005). Existing events that copied the reason (the break-glass
  itself, and each case view during it) get the reference and a neutral text instead, and archive
  events lose the copied reason for leaving.

The audit table is append-only (0002): its trigger is switched off for this one rewrite, in this
migration's transaction, and back on before it commits. Who, what, when and which record stay.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

import shared.crypto
from shared.crypto import DecryptionError, decrypt
from shared.keyring.encrypt_existing import encrypt_column

# The texts the services write now (tenants.care.audit, tenants.students.services).
BREAK_GLASS_TEXT = "break-glass: the reason is kept encrypted with it, for the care team"
ARCHIVED_TEXT = "archived"


def _break_glass_refs(cursor) -> dict:
    """(case public id, actor id, reason) -> the break-glass's public id."""
    cursor.execute(
        "SELECT g.public_id::text, c.public_id::text, g.actor_id, g.reason FROM crisis_breakglass g "
        "JOIN crisis_crisiscase c ON c.id = g.case_id ORDER BY g.at"
    )
    refs = {}
    for glass, case, actor, token in cursor.fetchall():
        try:
            reason = decrypt(token, model="crisis.breakglass", field="reason", row=glass)
        except DecryptionError:
            continue
        refs[(case, actor, reason[:300])] = glass
    return refs


def scrub(apps, schema_editor):
    with translation.override(settings.LANGUAGE_CODE):
        glass_text = translation.gettext(BREAK_GLASS_TEXT)
        archived_text = translation.gettext(ARCHIVED_TEXT)
    with schema_editor.connection.cursor() as cursor:
        # Events written the new way (a reference, the neutral text) are left as they are.
        cursor.execute(
            "SELECT id, object_ref::text, actor_id, reason FROM care_auditevent "
            "WHERE subject = 'crisis.case' AND action IN ('break_glass', 'view') AND reason <> '' "
            "AND reason_ref IS NULL AND reason <> %s",
            [glass_text],
        )
        glass_events = cursor.fetchall()
        cursor.execute(
            "SELECT id FROM care_auditevent WHERE subject = 'students.student' AND action = 'change' "
            "AND (reason LIKE %s OR reason LIKE %s)",
            ["archived: %", "已归档：%"],
        )
        archive_events = [row[0] for row in cursor.fetchall()]
        if not glass_events and not archive_events:
            return
        refs = _break_glass_refs(cursor) if glass_events else {}
        cursor.execute("ALTER TABLE care_auditevent DISABLE TRIGGER care_audit_append_only")
        for pk, case, actor, reason in glass_events:
            cursor.execute(
                "UPDATE care_auditevent SET reason = %s, reason_ref = %s WHERE id = %s",
                [glass_text, refs.get((case, actor, reason)), pk],
            )
        if archive_events:
            cursor.execute(
                "UPDATE care_auditevent SET reason = %s WHERE id = ANY(%s)", [archived_text, archive_events]
            )
        cursor.execute("ALTER TABLE care_auditevent ENABLE TRIGGER care_audit_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_audit_event_public_id"),
        ("crisis", "0005_encrypt_reasons"),
        ("keyring", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            "consent", "note", shared.crypto.EncryptedTextField(blank=True, verbose_name="note")
        ),
        encrypt_column("care.consent", "note"),
        migrations.AddField(
            "auditevent",
            "reason_ref",
            models.UUIDField(blank=True, null=True, help_text="e.g. the break-glass that holds the reason"),
        ),
        migrations.RunPython(scrub, migrations.RunPython.noop),
    ]
