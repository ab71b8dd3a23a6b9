"""Account events (privilege changes), append-only in the database like the care audit trail: a
trigger refuses UPDATE and DELETE on accounts_accountevent whoever asks, the application included."""

import django.contrib.postgres.fields
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

FUNCTION = """
CREATE FUNCTION accounts_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'account events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""
TRIGGER = """
CREATE TRIGGER accounts_event_append_only BEFORE UPDATE OR DELETE ON accounts_accountevent
FOR EACH ROW EXECUTE FUNCTION accounts_event_append_only();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                ('actor_name', models.CharField(blank=True, max_length=80, verbose_name='who')),
                ('kind', models.CharField(choices=[('role_granted', 'Role granted'), ('second_factor_reset', 'Second factor reset'), ('password_link', 'Password link issued')], max_length=24, verbose_name='what')),
                ('account_name', models.CharField(max_length=200, verbose_name='account')),
                ('roles', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('principal', 'Principal (group leader)'), ('deputy', 'Deputy leader'), ('member', 'Group member'), ('secretary', 'Secretary'), ('psychology_teacher', 'Psychology teacher'), ('counselor', 'Counselor'), ('homeroom_teacher', 'Homeroom teacher'), ('invited_attendee', 'Invited attendee'), ('school_admin', 'School administrator'), ('district_admin', 'District administrator'), ('district_analyst', 'District analyst')], max_length=30), blank=True, default=list, size=None, verbose_name='roles granted')),
                ('account', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
            ],
            options={
                'ordering': ['-at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind', 'role_granted'), ('kind', 'second_factor_reset'), ('kind', 'password_link'), _connector='OR'), name='account_event_kind_known')],
            },
        ),
        migrations.RunSQL(
            FUNCTION + TRIGGER,
            reverse_sql=(
                "DROP TRIGGER accounts_event_append_only ON accounts_accountevent; "
                "DROP FUNCTION accounts_event_append_only();"
            ),
        ),
    ]
