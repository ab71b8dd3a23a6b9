from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from district.backup import BackupError, district_restore


class Command(BaseCommand):
    help = (
        "Restore a district backup into an EMPTY database (DATABASE_URL), with the MASTER_KEY it was "
        "made under, then migrate it forward and rebuild the template and the pool (migrate_platform)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--pool-size", type=int, default=None)
        parser.add_argument(
            "--no-migrate", action="store_true", help="load only; run migrate_platform yourself afterwards"
        )

    def handle(self, *args, file, pool_size=None, no_migrate=False, **options):
        try:
            result = district_restore(path=file)
        except BackupError as exc:
            raise CommandError(str(exc))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file")
        manifest = result.manifest
        self.stdout.write(
            f"{len(manifest['schools'])} schools, {result.files} files restored from the backup of "
            f"{manifest['created_at']}"
        )
        if not no_migrate:
            call_command(
                "migrate_platform",
                pool_size=settings.SCHOOL_POOL_SIZE if pool_size is None else pool_size,
                verbosity=options.get("verbosity", 1),
            )
