"""migrate_schemas that skips school schemas already matching the migration graph.

Migrating a schema with nothing to apply still costs Django a rebuild of the migration state
(0.08 s here today, about 0.5 s for a 60-model app), which at 1,000 schools makes every deploy
and `make start` slow.
One small query per schema tells which schemas are already current.
"""

from django_tenants.migration_executors import get_executor as stock_get_executor

from district.provisioning.migration_state import schemas_needing_migration


def get_executor(codename=None):
    stock = stock_get_executor(codename)

    class SkippingExecutor(stock):
        def run_migrations(self, tenants=None):
            tenants = list(tenants or [])
            public = [t for t in tenants if t == self.PUBLIC_SCHEMA_NAME]
            schools = [t for t in tenants if t != self.PUBLIC_SCHEMA_NAME]
            # A named app or target migration asks for something specific: do not second-guess it.
            specific = any(
                self.options.get(o) for o in ("app_label", "fake", "prune", "check_unapplied", "plan")
            )
            if not specific:
                pending = schemas_needing_migration(schools)
                skipped = len(schools) - len(pending)
                if skipped and int(self.options.get("verbosity", 1)) >= 1:
                    print(f"[migrate_schemas] {skipped} school schema(s) already up to date, skipped")
                schools = pending
            if public or schools:
                super().run_migrations(tenants=public + schools)

    SkippingExecutor.codename = stock.codename
    return SkippingExecutor
