import time

from django.core.management.base import BaseCommand, CommandError

from calls.seeding import seed_calls


class Command(BaseCommand):
    help = "Fill the log with N realistic past calls (six months, every status and direction), fast."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=0, help="the same seed makes the same calls")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 1 or batch_size < 1:
            raise CommandError("--count and --batch-size must be at least 1.")
        started = time.monotonic()

        def progress(made):
            if options["verbosity"] > 1 or made == count:
                self.stdout.write(f"  {made} calls")

        made = seed_calls(count=count, batch_size=batch_size, seed=seed, progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Seeded {made} calls in {seconds:.1f} s ({made / max(seconds, 1e-6):,.0f} calls/s)."
        )
