from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import get_public_schema_name, get_tenant_model

from shared.crypto import DecryptionError
from shared.keyring.rotation import data_keys_rotate
from shared.tenancy.context_helpers import for_each_school


class Command(BaseCommand):
    help = (
        "Rotate a school's data key: make a new key version, re-encrypt every encrypted value to it in "
        "batches, then retire the old key. Rerunning after an interruption continues where it stopped."
    )

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", help="the school's code")
        where.add_argument("--all", action="store_true", help="every school, whatever its status")
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="stop after re-encrypting this many values in each school (rerun to continue)",
        )

    def handle(self, *args, school=None, all=False, batch_size, limit, **options):
        if batch_size < 1 or (limit is not None and limit < 1):
            raise CommandError("--batch-size and --limit must be at least 1")
        School = get_tenant_model()
        if school:
            schools = list(School.objects.filter(code=school))
            if not schools:
                raise CommandError(f"No school with code {school!r}")
        else:
            # Suspended and archived schools' text is encrypted too.
            schools = list(School.objects.exclude(schema_name=get_public_schema_name()).order_by("id"))
        unfinished = 0
        for found in for_each_school(schools):
            try:
                result = data_keys_rotate(
                    batch_size=batch_size, limit=limit, progress=self._progress(found.code)
                )
            except DecryptionError as exc:
                raise CommandError(f"{found.code}: stopped, a value cannot be decrypted: {exc}")
            verb = "started" if result.started else "continued"
            self.stdout.write(
                f"{found.code}: rotation to key v{result.version} {verb}; {result.reencrypted} values re-encrypted "
                f"this run, {result.remaining} still on older keys"
            )
            if result.finished:
                retired = ", ".join(f"v{v}" for v in result.retired) or "none"
                self.stdout.write(f"{found.code}: done; retired {retired}")
            else:
                unfinished += 1
                self.stdout.write(f"{found.code}: not finished; run the command again to continue")
        if unfinished:
            self.stdout.write(f"{unfinished} of {len(schools)} schools not finished")

    def _progress(self, code):
        def report(counts):
            self.stdout.write(
                f"{code}: {counts.label}: {counts.rows} rows, {counts.reencrypted} re-encrypted, "
                f"{counts.current} already on the new key, {counts.empty} empty"
            )

        return report
