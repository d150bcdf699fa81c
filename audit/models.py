from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    CALL_PLACED = "call-placed", "Placed a call"
    RECORDING_PLAYED = "recording-played", "Played a recording"
    CALLS_EXPORTED = "calls-exported", "Exported calls"
    WRAP_UP_WRITTEN = "wrap-up-written", "Wrote a wrap-up"
    WRAP_UP_EDITED = "wrap-up-edited", "Edited a wrap-up"
    MISSED_CLAIMED = "missed-claimed", "Claimed a missed caller"
    MISSED_DISMISSED = "missed-dismissed", "Dismissed a missed caller"
    EXOPHONE_REFUSED = "exophone-refused", "Refused an ExoPhone"  # by Exotel, on a dial
    EXOPHONE_REENABLED = "exophone-reenabled", "Re-enabled an ExoPhone"
    CAMPAIGN_CREATED = "campaign-created", "Created a campaign"
    CAMPAIGN_STARTED = "campaign-started", "Started a campaign"
    CAMPAIGN_PAUSED = "campaign-paused", "Paused a campaign"
    CAMPAIGN_RESUMED = "campaign-resumed", "Resumed a campaign"
    CAMPAIGN_CANCELLED = "campaign-cancelled", "Cancelled a campaign"
    CAMPAIGN_EXPORTED = "campaign-exported", "Exported a campaign's report"
    CAMPAIGN_DND_CHECKED = "campaign-dnd-check", "Checked a campaign's numbers for DND"
    ADDED = "added", "Added"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


class AuditEntry(models.Model):
    """Who did what to which thing. Kept as text too, so an entry outlives the thing and the person."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=24, choices=Action.choices)
    target_type = models.CharField(max_length=40, help_text="call, ExoPhone, flow, user, …")
    target_id = models.CharField(max_length=40, blank=True)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_newest"),
            models.Index(fields=["actor", "-at"], name="audit_actor_newest"),
            models.Index(fields=["action", "-at"], name="audit_action_newest"),
        ]

    def __str__(self):
        return (
            f"{self.actor_name} {self.get_action_display().lower()} {self.target_type} {self.target}".strip()
        )
