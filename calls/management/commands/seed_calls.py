import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from calls.seeding import seed_calls

MOST_CALLS = 100_000_000
MOST_PER_BATCH = 100_000


def whole_number(most):
    def parse(text):
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not 1 <= number <= most:
            raise argparse.ArgumentTypeError(f"{number} is not between 1 and {most:,}")
        return number

    return parse


class Command(BaseCommand):
    help = "Fill the log with N realistic past calls (six months, every status and direction), fast."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=whole_number(MOST_CALLS), required=True)
        parser.add_argument("--seed", type=int, default=0, help="the same seed makes the same calls")
        parser.add_argument("--batch-size", type=whole_number(MOST_PER_BATCH), default=5000)

    def handle(self, *args, count, seed, batch_size, **options):
        limits = [("--count", count, MOST_CALLS), ("--batch-size", batch_size, MOST_PER_BATCH)]
        for name, value, most in limits:  # call_command(batch_size=…) skips the parser
            if not (isinstance(value, int) and 1 <= value <= most):
                raise CommandError(f"{name} must be a whole number between 1 and {most:,}.")
        started = time.monotonic()

        def progress(made):
            if options["verbosity"] > 1 or made == count:
                self.stdout.write(f"  {made} calls")

        added = seed_calls(count=count, batch_size=batch_size, seed=seed, progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Seeded {added} calls in {seconds:.1f} s ({count / max(seconds, 1e-6):,.0f} calls/s)"
            + (f"; the other {count - added} of seed {seed} were there already." if added < count else ".")
        )
