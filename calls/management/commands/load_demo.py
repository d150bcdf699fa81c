from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.demo import load_demo
from calls.tasks import sync_recent
from calls.wrapup.demo import (
    FIRST_TRY_AFTER,
    load_demo_dispositions,
    wrap_up_demo_calls,
    wrap_up_demo_calls_later,
)

FIRST_SYNC_DELAY = timedelta(seconds=5)


class Command(BaseCommand):
    help = (
        "Create the demo users, ExoPhones, flows and dispositions, and wrap-ups on some demo calls "
        "(idempotent; refuses when DEBUG is off)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo users with known passwords would be unsafe here.")
        for username, password, role in load_demo():
            self.stdout.write(f"  {role:<8} {username} / {password}")
        load_demo_dispositions()
        wrap_up_demo_calls()  # the calls a sync brought before; a first run has none yet
        backend = sync_recent.get_backend()
        if backend.supports_defer:
            # Import the sandbox's past calls once it listens, rather than at the next five-minute mark.
            sync_recent.using(run_after=timezone.now() + FIRST_SYNC_DELAY).enqueue()
            wrap_up_demo_calls_later.using(run_after=timezone.now() + FIRST_TRY_AFTER).enqueue()
