from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context

from shared.accounts.models import User
from shared.accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Print a new personal API token for an account at one school, or at the district."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", help="the school's code")
        where.add_argument("--district", action="store_true", help="an account of the district site")
        parser.add_argument("--username", required=True)

    def handle(self, *args, school=None, district=False, username, **options):
        if school:
            found = get_tenant_model().objects.filter(code=school).first()
            if found is None:
                raise CommandError(f"No school with code {school!r}")
            schema = found.schema_name
        else:
            schema = "public"
        with schema_context(schema):
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"No active account {username!r} at {school or 'the district'}")
            key = api_token_issue(user=user)
        connection.set_schema_to_public()
        self.stdout.write(key)
