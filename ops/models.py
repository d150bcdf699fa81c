from django.db import models


class Heartbeat(models.Model):
    """The last time a background process proved it was alive; /healthz reads it."""

    process = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.process} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
