from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo users, ExoPhones and flows (idempotent; refuses when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo users with known passwords would be unsafe here.")
        for username, password, role in load_demo():
            self.stdout.write(f"  {role:<8} {username} / {password}")
