from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campaigns.demo import load_demo_campaign


class Command(BaseCommand):
    help = "Create the demo's draft campaign (after load_demo; idempotent; refuses when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: the demo belongs to development.")
        campaign = load_demo_campaign()
        if campaign is not None and options["verbosity"] > 1:
            self.stdout.write(f"Demo campaign: {campaign.name} ({campaign.contacts.count()} contacts)")
