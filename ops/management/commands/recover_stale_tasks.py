from django.conf import settings
from django.core.management.base import BaseCommand

from ops.stale_tasks import recover


class Command(BaseCommand):
    help = (
        "Fail the tasks a killed worker left RUNNING (no beat for TASK_STALE_AFTER_SECONDS) and run again "
        "those safe to repeat. The scheduler does this every minute."
    )

    def handle(self, *args, **options):
        recovered = recover()
        for done in recovered:
            self.stdout.write(
                f"{done.task_path} {done.task_id}: its worker {done.worker_id} stopped; {done.note}"
            )
        self.stdout.write(
            f"{len(recovered)} stuck task(s) failed (grace {settings.TASK_STALE_AFTER_SECONDS} s)."
        )
