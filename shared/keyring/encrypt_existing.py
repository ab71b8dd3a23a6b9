"""Data migrations that turn a plain text column into an EncryptedTextField.

    operations = [
        migrations.AlterField("casestep", "skipped_reason", EncryptedTextField(blank=True)),
        encrypt_column("crisis.casestep", "skipped_reason"),
    ]

The AlterField first (the column becomes `text`, so a token longer than the old varchar fits), then
each plain value of the current school is encrypted in place, bound to its row's public_id exactly as
EncryptedTextField binds it. Values that are already tokens and empty values are left alone, so a
rerun changes nothing. Reversed, the tokens are decrypted back to plain text before the AlterField is
undone. Raw SQL on purpose: a historical model's EncryptedTextField refuses plaintext in update().
"""

from django.db import migrations

from shared.crypto import DecryptionError, decrypt, encrypt, token_version


def _is_token(value: str) -> bool:
    try:
        token_version(value)
    except DecryptionError:
        return False
    return True


def _rows(connection, table: str, column: str):
    quoted_table, quoted_column = connection.ops.quote_name(table), connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, public_id::text, {quoted_column} FROM {quoted_table} WHERE {quoted_column} <> ''"
        )
        return quoted_table, quoted_column, cursor.fetchall()


def _rewrite(apps, schema_editor, *, label: str, field: str, forward: bool) -> int:
    app_label, model_name = label.split(".")
    model = apps.get_model(app_label, model_name)
    column = model._meta.get_field(field).column
    connection = schema_editor.connection
    table, quoted_column, rows = _rows(connection, model._meta.db_table, column)
    changed = 0
    with connection.cursor() as cursor:
        for pk, public_id, value in rows:
            if _is_token(value) == forward:
                continue  # already what this direction makes
            binding = {"model": label, "field": field, "row": public_id}
            new = encrypt(value, **binding) if forward else decrypt(value, **binding)
            cursor.execute(f"UPDATE {table} SET {quoted_column} = %s WHERE id = %s", [new, pk])
            changed += 1
    return changed


def encrypt_column(label: str, field: str) -> migrations.RunPython:
    """A RunPython that encrypts the existing plain values of `label`'s `field` (e.g.
    "crisis.casestep", "skipped_reason"), and decrypts them when reversed."""

    def forward(apps, schema_editor):
        _rewrite(apps, schema_editor, label=label, field=field, forward=True)

    def backward(apps, schema_editor):
        _rewrite(apps, schema_editor, label=label, field=field, forward=False)

    return migrations.RunPython(forward, backward)
