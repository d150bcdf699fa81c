from django.db import models


class Heartbeat(models.Model):
    """The last time a background process proved it was alive; /healthz reads it."""

    process = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.process} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class WorkerBeat(models.Model):
    """A task worker process, by the id django-tasks-db records on the rows it runs, proved it was alive."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"worker {self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class TaskRerun(models.Model):
    """A task whose worker died, run again: at most once per original, and a re-run is never run again."""

    original_id = models.CharField(max_length=64, unique=True)
    rerun_id = models.CharField(max_length=64, unique=True)
    task_path = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.task_path} {self.original_id} run again as {self.rerun_id}"


class RateLimitSlot(models.Model):
    """One request to Exotel in the last minute; the rows are the shared sliding window of every process."""

    bucket = models.CharField(max_length=40)
    taken_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bucket", "taken_at"], name="slot_bucket_time")]

    def __str__(self):
        return f"{self.bucket} at {self.taken_at:%H:%M:%S.%f}"


class RateLimitLock(models.Model):
    """A row to lock, so processes take slots one at a time."""

    bucket = models.CharField(max_length=40, unique=True)

    def __str__(self):
        return self.bucket


class SyncRun(models.Model):
    """One run of the bulk sync or the reconciler: what it did, where it stopped, what went wrong."""

    class Kind(models.TextChoices):
        SYNC = "sync", "Sync from Exotel"
        RECONCILE = "reconcile", "Reconcile"

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField("resume from window", null=True, blank=True)
    next_page_uri = models.CharField(max_length=2000, blank=True)
    calls_seen = models.PositiveIntegerField(default=0)
    calls_imported = models.PositiveIntegerField(default=0)
    calls_changed = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    task_id = models.CharField("the task running it", max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="syncrun_kind_newest")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def duration(self):
        """How long the run took; None while it runs."""
        return self.finished_at - self.started_at if self.finished_at else None
