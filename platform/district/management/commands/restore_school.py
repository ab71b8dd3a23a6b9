from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.backup import BackupError, school_restore
from district.onboarding import validation_messages


class Command(BaseCommand):
    help = (
        "Restore a school backup into a NEW school: a new code, schema, host and registry row. The "
        "data keys are re-wrapped and encrypted values re-sealed for the new schema, which is migrated "
        "forward if the file is older than the platform. A damaged file, or any failure, leaves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="code", required=True, help="the new school's code")
        parser.add_argument("--name", default="", help="the new school's name (default: the backup's)")
        parser.add_argument(
            "--number", default="", help="district school number (default: the backup's, if still free)"
        )

    def handle(self, *args, file, code, name, number, **options):
        try:
            result = school_restore(path=file, code=code, name=name, number=number)
        except BackupError as exc:
            raise CommandError(str(exc))
        except ValidationError as exc:
            messages = validation_messages(exc)
            if "number" in getattr(exc, "message_dict", {}):
                messages.append("pass --number with a district school number not in use")
            raise CommandError("; ".join(messages))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file")
        school = result.school
        self.stdout.write(
            f"{school.code}\t{school.schema_name}\t{result.tables} tables, {result.resealed} values re-sealed, "
            f"{result.files} files\t{'migrated forward' if result.migrated else 'already current'}\t"
            f"status {school.status}\t"
            f"from {result.manifest['school']['code']} at {result.manifest['created_at']}"
        )
