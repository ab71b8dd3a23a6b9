from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from district.services import district_account_create
from shared.accounts.roles import DistrictRole


class Command(BaseCommand):
    help = (
        "Create a district administrator (the first one of a new platform, say) and print a one-time "
        "link that sets the password. The account adds a second factor at its first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", required=True)

    def handle(self, *args, **o):
        try:
            user, link = district_account_create(
                actor=None,
                username=o["username"],
                full_name=o["full_name"],
                email=o["email"],
                roles=[DistrictRole.DISTRICT_ADMIN],
                host=settings.BASE_DOMAIN,
            )
        except ValidationError as exc:
            messages = [f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()]
            raise CommandError("; ".join(messages))
        self.stdout.write(f"{user.username}\t{link}")
