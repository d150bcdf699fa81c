from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from calls.shared_client import shared_client
from calls.tracking.sync import SyncRangeError, sync_calls
from lib.dates import EARLIEST, LATEST, OUT_OF_RANGE, plainly_typed


def moment(text, *, end_of_day=False):
    """The date or time typed, within Exotel's calendar (lib/dates.py); in the site's zone unless it says."""
    typed = plainly_typed(text)  # Django's parsers read "٢٠٢٦" as 2026 and ignore a NUL after the time
    try:
        parsed = parse_datetime(text) if typed else None
        day = parse_date(text) if typed and not parsed else None
    except ValueError:
        parsed = day = None
    if parsed is None:
        if day is None:
            raise CommandError(
                f"{text[:40]!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM)."
            )
        parsed = datetime.combine(day, time.max if end_of_day else time.min)
    if not EARLIEST <= parsed.date() <= LATEST:
        raise CommandError(f"{text[:40]!r}: {OUT_OF_RANGE}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Import calls from Exotel's bulk Calls API (default: the last day; resumes an interrupted run)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="YYYY-MM-DD or YYYY-MM-DD HH:MM in the site's time zone")
        parser.add_argument("--until", help="YYYY-MM-DD or YYYY-MM-DD HH:MM (default: now)")

    def handle(self, *args, since=None, until=None, **options):
        self.verbosity = options["verbosity"]
        start = moment(since) if since else None
        end = moment(until, end_of_day=True) if until else None
        try:
            run = sync_calls(client=shared_client(), since=start, until=end, progress=self.progress)
        except SyncRangeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{run.state}: {run.calls_seen} calls seen, {run.calls_imported} imported, "
            f"{run.calls_changed} changed, {run.errors} errors"
        )
        if run.last_error:
            raise CommandError(f"Stopped: {run.last_error}. Run the same command again to resume.")

    def progress(self, run):
        if self.verbosity > 1:
            self.stdout.write(f"  up to {run.window_start:%Y-%m-%d}: {run.calls_seen} calls seen")
