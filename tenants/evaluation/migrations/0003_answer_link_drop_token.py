"""Answer links: the plain token column goes; the hash is unique and every link expires."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_answer_link_token_hash")]

    operations = [
        migrations.RemoveField(model_name="answerlink", name="token"),
        migrations.AlterField(
            model_name="answerlink",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AlterField(
            model_name="answerlink",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
