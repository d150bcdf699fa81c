"""A task for tests only: it sleeps, so a test can kill the worker running it."""

import time

from django.tasks import task


@task
def sleep_for(seconds: float):
    time.sleep(seconds)
