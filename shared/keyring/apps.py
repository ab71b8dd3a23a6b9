from django.apps import AppConfig


class KeyringConfig(AppConfig):
    """Each school's data keys for clinical text at rest, kept in the school's own schema."""

    name = "shared.keyring"
    label = "keyring"
    verbose_name = "Keyring"
    default_auto_field = "django.db.models.BigAutoField"
