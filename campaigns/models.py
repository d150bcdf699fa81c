"""A campaign connects a list of customers to an Exotel flow: one flow call per attempt, in calling hours."""

from django.conf import settings
from django.db import models
from django.urls import reverse

MAX_CONTACTS = 100_000


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Not started"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        FINISHED = "finished", "Finished"

    name = models.CharField(max_length=120)
    exophone = models.ForeignKey("numbers.ExoPhone", on_delete=models.PROTECT, related_name="campaigns")
    flow = models.ForeignKey("numbers.Flow", on_delete=models.PROTECT, related_name="campaigns")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    # The calling window: these weekdays (0 = Monday), from `window_start` to before `window_end`, in a zone.
    window_days = models.JSONField(default=list)
    window_start = models.TimeField()
    window_end = models.TimeField()
    window_zone = models.CharField(max_length=64)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    retry_after = models.DurationField()
    file_name = models.CharField(max_length=255, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Where the pump's round among running campaigns left off, so several campaigns share the budget fairly.
    last_dial_at = models.DateTimeField(null=True, blank=True)

    class DndCheck(models.TextChoices):
        NOT_RUN = "", "Not run"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    # The optional look-up of every number in the DND registry (Numbers API), before or while calling.
    dnd_check = models.CharField(max_length=16, choices=DndCheck.choices, blank=True)
    # Why it stopped by itself (Exotel refused the account or the caller ID), in words, until resumed.
    stop_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state"], name="campaign_state")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaign-detail", kwargs={"campaign_id": self.pk})

    @property
    def retry_minutes(self):
        return int(self.retry_after.total_seconds() // 60)


class Contact(models.Model):
    """One customer of a campaign's list, and where their calls stand."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        DIALLING = "dialling", "Being dialled"
        RETRY = "retry", "Retry scheduled"
        DONE = "done", "Done"

    class Outcome(models.TextChoices):
        NONE = "", "Not yet"
        REACHED = "reached", "Reached"
        BUSY = "busy", "Busy"
        NO_ANSWER = "no-answer", "No answer"
        FAILED = "failed", "Failed"
        DND = "dnd", "Do Not Disturb"
        REFUSED = "refused", "Refused by Exotel"
        CANCELLED = "cancelled", "Cancelled"

    class Dnd(models.TextChoices):
        UNCHECKED = "", "Not checked"
        CHECKING = "checking", "Being checked"
        CLEAR = "clear", "Not registered"
        REGISTERED = "registered", "Registered"
        UNKNOWN = "unknown", "Exotel could not tell"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    line = models.PositiveIntegerField(help_text="Its line in the uploaded file.")
    number = models.CharField("number (E.164)", max_length=16)
    name = models.CharField(max_length=120, blank=True)
    custom_field = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    # The last call's outcome while retries remain, the final one once done.
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Calls that count against the limit.")
    calls_made = models.PositiveSmallIntegerField(default=0, help_text="Every call, counted or not.")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    dnd = models.CharField(
        "DND registry",
        max_length=16,
        choices=Dnd.choices,
        blank=True,
        help_text="From the DND check, if run.",
    )
    dnd_asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="contact_once_per_campaign"),
        ]
        indexes = [
            # The pump's next contacts: a campaign's waiting or due ones, in list order.
            models.Index(fields=["campaign", "state", "next_attempt_at", "line"], name="contact_due"),
            models.Index(fields=["campaign", "line"], name="contact_line"),
            # The pump's calls to settle, each second: the few contacts being dialled among many.
            models.Index(fields=["state"], condition=models.Q(state="dialling"), name="contact_dialling"),
            # The DND check's next numbers, and its look-ups in the limiter's window (the budget's ledger).
            models.Index(fields=["campaign", "dnd", "line"], name="contact_dnd"),
            models.Index(
                fields=["dnd_asked_at"],
                condition=models.Q(dnd_asked_at__isnull=False),
                name="contact_dnd_asked",
            ),
        ]

    def __str__(self):
        return self.number


class Attempt(models.Model):
    """One call of a contact: the flow call the pump placed through the dial path."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="calls")
    number = models.PositiveSmallIntegerField()
    call = models.OneToOneField("calls.Call", on_delete=models.PROTECT, related_name="campaign_attempt")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attempts")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["contact", "number"], name="attempt_once")]
        indexes = [models.Index(fields=["campaign", "created_at"], name="attempt_campaign_time")]

    def __str__(self):
        return f"attempt {self.number} of {self.contact}"


class RefusedRow(models.Model):
    """A line of the uploaded list that will not be dialled, and why, for the preview."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="refused_rows")
    line = models.PositiveIntegerField()
    value = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["line"]

    def __str__(self):
        return f"line {self.line}: {self.reason}"
