"""Answer links keep only the SHA-256 of their token and expire (issue 8, point 3.5). Existing links
keep working with the token already handed out: its hash is stored, and they expire LINK_DAYS
days after this migration."""

import hashlib
from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

LINK_DAYS = 7  # shared.links.LINK_DAYS when this migration was written


def hash_tokens(apps, schema_editor):
    AnswerLink = apps.get_model("evaluation", "AnswerLink")
    expires = timezone.now() + timedelta(days=LINK_DAYS)
    for link in AnswerLink.objects.all().only("pk", "token"):
        AnswerLink.objects.filter(pk=link.pk).update(
            token_hash=hashlib.sha256(link.token.encode()).hexdigest(), expires_at=expires
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="answerlink",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="answerlink",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        # Forward only: a token cannot be recovered from its hash.
        migrations.RunPython(hash_tokens, elidable=False),
    ]
