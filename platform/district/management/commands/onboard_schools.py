import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.onboarding import read_rows, validation_messages
from district.provisioning.connections import refresh_after
from district.services import school_build, school_create


class Command(BaseCommand):
    help = (
        "Create schools from a CSV with columns code,name,type,number,student_count,admin_name,admin_email. "
        "Bad rows are reported by line; each good row becomes a school, each in its own transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_path")
        parser.add_argument("--check", action="store_true", help="only validate, create nothing")

    def handle(self, *args, csv_path, check=False, **options):
        try:
            text = Path(csv_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {csv_path}: {exc}")
        rows, file_errors = read_rows(text)
        if file_errors:
            raise CommandError("\n".join(file_errors))
        # Check the registry fields of every row before creating anything.
        for row in rows:
            if row.errors:
                continue
            try:
                school_build(
                    **{k: row.values[k] for k in ("code", "name", "school_type", "number", "student_count")}
                )
            except ValidationError as exc:
                row.errors.extend(validation_messages(exc))
        bad = [row for row in rows if row.errors]
        for row in bad:
            self.stderr.write(f"line {row.line}: {'; '.join(row.errors)}")
        if check:
            self.stdout.write(
                f"{len(rows) - len(bad)} good row(s), {len(bad)} bad row(s); nothing created (--check)"
            )
            return
        created, started = 0, time.perf_counter()
        for row in rows:
            if row.errors:
                continue
            try:
                result = school_create(**row.values)
            except ValidationError as exc:
                self.stderr.write(f"line {row.line}: {'; '.join(validation_messages(exc))}")
                bad.append(row)
                continue
            created += 1
            refresh_after(created)
            self.stdout.write(
                f"line {row.line}: {result.school.code} ready in {result.seconds * 1000:.0f} ms ({result.method}); "
                f"admin {result.admin_username} sets a password at {result.set_password_url}"
            )
        total = time.perf_counter() - started
        self.stdout.write(f"{created} school(s) created in {total:.1f} s; {len(bad)} row(s) rejected")
        if bad:
            raise CommandError(f"{len(bad)} row(s) were not imported; see the lines above")
