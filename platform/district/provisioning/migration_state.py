"""What the migration graph expects of a school schema, and which schemas already have it."""

import functools
import hashlib

from django.db import connection
from django.db.migrations.loader import MigrationLoader


def expected_migrations() -> set[tuple[str, str]]:
    """Every (app, name) a fully migrated school schema records in django_migrations.

    django-tenants migrates school schemas through the whole plan (shared-only apps' operations are
    routed away but still recorded), so this is every node in the graph; a squashed migration
    stands for the ones it replaces.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.graph.nodes)


def _replacements() -> dict[tuple[str, str], list[tuple[str, str]]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: list(migration.replaces) for key, migration in loader.replacements.items()}


@functools.cache
def fingerprint() -> str:
    """Names and source of every migration: editing a migration in place also renews the template.
    The source of the template builder counts too, so a change to how the template script is made
    (such as fresh UUIDs for seeded rows) renews it, and the pool schemas built from the old one."""
    import inspect
    import sys

    from district.provisioning import ddl

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    digest.update(inspect.getsource(ddl).encode())
    for key in sorted(loader.graph.nodes):
        digest.update(repr(key).encode())
        module = sys.modules.get(type(loader.graph.nodes[key]).__module__)
        try:
            digest.update(inspect.getsource(module).encode() if module else b"")
        except (OSError, TypeError):
            pass
    return digest.hexdigest()


def applied_migrations(schema_name: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'django_migrations')",
            [schema_name],
        )
        if not cursor.fetchone()[0]:
            return set()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        return {(app, name) for app, name in cursor.fetchall()}


def is_up_to_date(applied: set[tuple[str, str]], expected: set[tuple[str, str]], replacements=None) -> bool:
    replacements = replacements or {}
    for node in expected:
        if node in applied:
            continue
        replaced = replacements.get(node)
        if replaced and all(tuple(r) in applied for r in replaced):
            continue
        return False
    return True


def schemas_needing_migration(schema_names) -> list[str]:
    expected = expected_migrations()
    replacements = _replacements()
    return [s for s in schema_names if not is_up_to_date(applied_migrations(s), expected, replacements)]
