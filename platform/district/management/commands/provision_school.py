from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.onboarding import parse_school_type, validation_messages
from district.services import school_create


class Command(BaseCommand):
    help = "Create one school: its schema, its host and a first school-admin account."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="subdomain, lowercase letters and digits")
        parser.add_argument("--name", required=True, help="the school's Chinese name")
        parser.add_argument(
            "--type",
            required=True,
            dest="school_type",
            help="小学/初中/高中/九年一贯制/十二年一贯制/特殊教育",
        )
        parser.add_argument("--number", required=True, help="district school number")
        parser.add_argument("--student-count", type=int, default=0)
        parser.add_argument("--admin-name", required=True)
        parser.add_argument("--admin-email", required=True)

    def handle(self, *args, **o):
        school_type = parse_school_type(o["school_type"])
        if school_type is None:
            raise CommandError(f"Unknown school type {o['school_type']!r}")
        try:
            result = school_create(
                code=o["code"],
                name=o["name"],
                school_type=school_type,
                number=o["number"],
                student_count=o["student_count"],
                admin_name=o["admin_name"],
                admin_email=o["admin_email"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(validation_messages(exc)))
        self.stdout.write(
            f"{result.school.code}\t{result.seconds * 1000:.0f} ms ({result.method})\t"
            f"{result.admin_username}\t{result.set_password_url}"
        )
