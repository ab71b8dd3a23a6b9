from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from district.backup import BackupError, district_backup


class Command(BaseCommand):
    help = (
        "Write one encrypted file holding the whole district: the public schema, every school's schema, "
        "every stored file, and a manifest. The template and the pool are left out (rebuilt on restore)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", help="the file to write (default: district-<UTC time>.xybak); never overwritten"
        )

    def handle(self, *args, out=None, **options):
        out = out or f"district-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.xybak"
        try:
            manifest = district_backup(out_path=out)
        except BackupError as exc:
            raise CommandError(str(exc))
        rows = sum(sum(t.values()) for t in manifest["tables"].values())
        self.stdout.write(
            f"{out}\t{len(manifest['schools'])} schools, {rows} rows, {manifest['files']} files\t"
            f"sha256 {manifest['payload']['sha256']}"
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"warning: stored file missing, not in the backup: {name}")
