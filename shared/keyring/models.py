"""A school's data keys, in the school's own schema, and the demo model of EncryptedTextField.

A data key is an AES-256-GCM key. Only its wrapped form is stored: encrypted under MASTER_KEY with
the schema name and version as associated data, so a row copied into another school's table does not
unwrap there. Keys are never deleted: a retired key is one no value uses any more and no new value
is encrypted with, kept so that an old backup can still be read.
"""

from django.db import models

from shared.crypto import EncryptedTextField
from shared.models import PublicModel


class DataKey(models.Model):
    version = models.IntegerField(unique=True)
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="keyring_datakey_version_positive"
            ),
        ]

    def __str__(self):
        return f"data key v{self.version}" + (" (retired)" if self.retired_at else "")


class EncryptedNote(PublicModel):
    """The smallest model with an EncryptedTextField: its self-test, and the example to copy."""

    body = EncryptedTextField(blank=True)

    def __str__(self):
        return f"encrypted note {self.public_id}"
