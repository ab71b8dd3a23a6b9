from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from district.backup import BackupError, school_backup


class Command(BaseCommand):
    help = (
        "Write one encrypted file holding a school: its schema (structure and data, with its wrapped "
        "data keys), its stored files, and a manifest (migration state, row counts, checksum)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="the school's code")
        parser.add_argument(
            "--out", help="the file to write (default: <code>-<UTC time>.xybak); never overwritten"
        )

    def handle(self, *args, code, out=None, **options):
        out = out or f"{code}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.xybak"
        try:
            manifest = school_backup(code=code, out_path=out)
        except BackupError as exc:
            raise CommandError(str(exc))
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{out}\t{manifest['school']['code']}\t{len(manifest['tables'])} tables, {rows} rows, "
            f"{manifest['files']} files, {len(manifest['data_keys'])} data keys\tsha256 {manifest['payload']['sha256']}"
        )
        for name in manifest["missing_files"]:
            self.stderr.write(f"warning: stored file missing, not in the backup: {name}")
