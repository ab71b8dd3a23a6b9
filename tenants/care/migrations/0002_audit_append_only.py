"""The audit trail is append-only in the database, not just in the code: a trigger refuses UPDATE
and DELETE on care_auditevent whoever asks, the application included."""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION care_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
TRIGGER = """
CREATE TRIGGER care_audit_append_only BEFORE UPDATE OR DELETE ON care_auditevent
FOR EACH ROW EXECUTE FUNCTION care_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FUNCTION + TRIGGER,
            reverse_sql="DROP TRIGGER care_audit_append_only ON care_auditevent; DROP FUNCTION care_audit_append_only();",
        ),
    ]
