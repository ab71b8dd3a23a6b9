from django.conf import settings
from django.core.management.base import BaseCommand

from district.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo district accounts and five demo schools (idempotent), and print how to sign in."

    def handle(self, *args, **options):
        port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
        base = settings.BASE_DOMAIN
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for site, code, accounts in seed_demo():
            host = f"{code}.{base}" if code else base
            self.stdout.write(f"  {site}  http://{host}{port}/")
            for username, full_name in accounts:
                self.stdout.write(f"      {username:<28} {full_name}")
