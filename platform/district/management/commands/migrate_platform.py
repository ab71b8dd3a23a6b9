from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from district.provisioning import ddl, pool


class Command(BaseCommand):
    help = (
        "Deploy-time migration: the public schema, every school schema that is behind, the template "
        "schema (which migrate_schemas cannot see) and its cached DDL, and the pool of ready schemas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pool-size", type=int, default=None)

    def handle(self, *args, pool_size=None, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate_schemas", interactive=False, verbosity=verbosity)
        template = ddl.current_template()
        purged = pool.pool_purge_stale()
        built = pool.pool_refill(settings.SCHOOL_POOL_SIZE if pool_size is None else pool_size)
        self.stdout.write(
            f"template {template.fingerprint[:12]} ready; pool: {purged} stale dropped, {built} built"
        )
