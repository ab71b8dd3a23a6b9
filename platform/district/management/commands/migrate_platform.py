from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from district.provisioning import citus, ddl, pool


class Command(BaseCommand):
    help = (
        "Deploy-time migration: the public schema, every school schema that is behind, the template "
        "schema (which migrate_schemas cannot see) and its cached DDL, and the pool of ready schemas. "
        "With CITUS on, public tables that school tables reference become reference tables before the "
        "schools are migrated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pool-size", type=int, default=None)

    def handle(self, *args, pool_size=None, **options):
        verbosity = options.get("verbosity", 1)
        if citus.enabled():
            # Public first, then the template (a plain schema on the coordinator), so that a foreign
            # key a new migration adds from school tables to a public table is seen, and that table
            # made a reference table, before the distributed school schemas get the same migration.
            call_command("migrate_schemas", schema_name="public", interactive=False, verbosity=verbosity)
            ddl.migrate_template()
            converted = citus.ensure_reference_tables()
            connection.set_schema_to_public()
            self.stdout.write(f"citus: {len(converted)} public table(s) made reference tables")
        call_command("migrate_schemas", interactive=False, verbosity=verbosity)
        template = ddl.current_template()
        purged = pool.pool_purge_stale()
        built = pool.pool_refill(settings.SCHOOL_POOL_SIZE if pool_size is None else pool_size)
        self.stdout.write(
            f"template {template.fingerprint[:12]} ready; pool: {purged} stale dropped, {built} built"
        )
