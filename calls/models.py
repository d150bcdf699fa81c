from django.conf import settings
from django.db import models
from django.db.models import Q

from lib.phone import pretty


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Queued"
    RINGING = "ringing", "Ringing"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETED = "completed", "Completed"
    BUSY = "busy", "Busy"
    NO_ANSWER = "no-answer", "No answer"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"
    UNKNOWN = "unknown", "Unknown"
    NOT_PLACED = "not-placed", "Not placed"
    LOST = "lost", "Unknown to Exotel"


FINAL_STATUSES = frozenset(
    {
        Status.COMPLETED,
        Status.BUSY,
        Status.NO_ANSWER,
        Status.FAILED,
        Status.CANCELED,
        Status.NOT_PLACED,
        Status.LOST,
    }
)


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND_DIAL = "outbound-dial", "Outbound (dashboard)"
    OUTBOUND_API = "outbound-api", "Outbound (API)"


# What the log filters on besides numbers, Sids and dates: indexes that carry them answer a filtered deep page
# without reading the rows.
FILTERED_COLUMNS = ("status", "direction", "duration", "price", "agent", "exophone", "flow")


def filtered_except(key):
    return tuple(column for column in FILTERED_COLUMNS if column != key)


class Call(models.Model):
    """One call as Exotel knows it, plus what we asked for and what we could not do."""

    sid = models.CharField("Exotel Sid", max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.OUTBOUND_API)
    from_number = models.CharField("from (E.164)", max_length=16)
    to_number = models.CharField("to (E.164)", max_length=16)
    exophone = models.ForeignKey(
        "numbers.ExoPhone", null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    phone_number = models.CharField("ExoPhone as Exotel gave it", max_length=32, blank=True)
    flow = models.ForeignKey(
        "numbers.Flow", null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )

    date_created = models.DateTimeField(db_index=False)
    date_updated = models.DateTimeField(null=True, blank=True)
    start_time = models.DateTimeField(null=True, blank=True)
    end_time = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField(null=True, blank=True, help_text="seconds")
    conversation_duration = models.PositiveIntegerField(null=True, blank=True, help_text="seconds")
    price = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    recording_url = models.URLField(max_length=500, blank=True)
    custom_field = models.CharField(max_length=128, blank=True)
    leg1_status = models.CharField(max_length=16, blank=True)
    leg2_status = models.CharField(max_length=16, blank=True)
    leg1_on_call_duration = models.PositiveIntegerField(null=True, blank=True)
    leg2_on_call_duration = models.PositiveIntegerField(null=True, blank=True)

    request_options = models.JSONField("options we sent", default=dict, blank=True)
    idempotency_key = models.UUIDField(unique=True, null=True, blank=True)
    error_message = models.TextField("why it was not placed", blank=True)
    dial_attempts = models.PositiveSmallIntegerField(default=0)
    last_checked_at = models.DateTimeField("last asked Exotel", null=True, blank=True)
    not_found_since = models.DateTimeField(
        "Exotel has said “not found” since",
        null=True,
        blank=True,
        help_text="Empty once Exotel knows the Sid.",
    )
    refresh_queued_at = models.DateTimeField(
        "refresh queued at", null=True, blank=True, help_text="A person's refresh waiting to ask Exotel."
    )
    next_check_at = models.DateTimeField(
        "ask Exotel again at", null=True, blank=True, help_text="Empty once Exotel has told us everything."
    )

    class Meta:
        ordering = ["-date_created", "-id"]
        permissions = [
            ("place_call", "Can place click-to-call and flow calls"),
            ("view_all_calls", "Can see every agent's calls"),
            ("export_calls", "Can export the call log"),
        ]
        indexes = [
            # A deep page under any of these filters is read from this index alone (PostgreSQL; SQLite has no
            # INCLUDE and makes a plain index): page 2,000 of "duration ≥ 60" took 390 ms over whole rows.
            models.Index(
                fields=["-date_created", "-id"],
                include=FILTERED_COLUMNS,
                name="call_newest",
            ),
            # With the id, a deep page of one agent, status, direction, ExoPhone or flow is in its index.
            models.Index(fields=["agent", "-date_created", "-id"], name="call_agent_newest"),
            models.Index(fields=["status", "-date_created", "-id"], name="call_status_newest"),
            models.Index(fields=["direction", "-date_created", "-id"], name="call_direction_newest"),
            models.Index(fields=["phone_number", "-date_created", "-id"], name="call_phone_number_newest"),
            models.Index(fields=["flow", "-date_created", "-id"], name="call_flow_newest"),
            models.Index(fields=["exophone", "-date_created"], name="call_exophone_newest"),
            # "Recording: with / without" (the covering index cannot see the URL).
            models.Index(
                fields=["-date_created", "-id"], condition=~Q(recording_url=""), name="call_recorded_newest"
            ),
            models.Index(
                fields=["-date_created", "-id"], condition=Q(recording_url=""), name="call_unrecorded_newest"
            ),
            models.Index(fields=["from_number"], name="call_from"),
            models.Index(fields=["to_number"], name="call_to"),
            models.Index(fields=["next_check_at"], name="call_next_check"),
            # The log sorted by duration or price as calls/tables.py orders it: PostgreSQL keeps nulls last in
            # ascending indexes. Sorted by -duration or -price (nulls last too): call_longest, call_dearest,
            # PostgreSQL only (migrations 0004, 0005 and 0007). Covering, like call_newest: page 2,000 of the
            # completed calls by duration read 480,000 rows for their status, 950 ms.
            models.Index(
                fields=["price", "-date_created", "-id"],
                include=filtered_except("price"),
                name="call_cheapest",
            ),
            models.Index(
                fields=["duration", "-date_created", "-id"],
                include=filtered_except("duration"),
                name="call_shortest",
            ),
        ]

    def __str__(self):
        return f"{pretty(self.from_number)} → {pretty(self.to_number)} ({self.status})"

    @property
    def customer_number(self):
        """The customer: an inbound caller, where a flow call starts, a click-to-call's second leg."""
        return self.from_number if self.direction == Direction.INBOUND or self.flow_id else self.to_number

    @property
    def legs(self):
        """(whose, number, status, seconds on call) of each leg, in the order Exotel dials them."""
        first = (self.leg1_status, self.leg1_on_call_duration)
        second = (self.leg2_status, self.leg2_on_call_duration)
        if self.direction == Direction.INBOUND:
            return [("customer", self.from_number, *first), ("agent", "", *second)]
        if self.flow_id:
            return [("customer", self.from_number, *first)]
        return [("agent", self.from_number, *first), ("customer", self.to_number, *second)]

    @property
    def is_final(self):
        return self.status in FINAL_STATUSES


class CallEvent(models.Model):
    """Every callback or API answer that touched a call, kept raw so nothing Exotel said is lost."""

    class Source(models.TextChoices):
        CALLBACK = "callback", "Status callback"
        CONNECT = "connect", "Connect response"
        DETAILS = "details", "Call details (reconcile)"
        BULK = "bulk", "Bulk sync"

    class Verdict(models.TextChoices):
        APPLIED = "applied", "Applied"
        IGNORED_STALE = "stale", "Ignored: older than what we know"
        DUPLICATE = "duplicate", "Duplicate delivery"
        REJECTED = "rejected", "Rejected"

    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=16, choices=Source.choices)
    event_type = models.CharField(
        max_length=16, blank=True, help_text="answered, terminal, or empty (legacy)"
    )
    status = models.CharField("status as Exotel sent it", max_length=32, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    raw_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    parsed = models.JSONField(default=dict, blank=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, default=Verdict.APPLIED)
    note = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self):
        return f"{self.get_source_display()} {self.event_type or ''} {self.status}".strip()
