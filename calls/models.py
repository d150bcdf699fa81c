from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

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


LIVE_STATUSES = (Status.PENDING, Status.QUEUED, Status.RINGING, Status.IN_PROGRESS, Status.UNKNOWN)

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


# Exotel's fields say nobody talked: a completed call whose two parties were never both on it, or whose
# agent (inbound) or customer (outbound) leg did not answer. A completed call Exotel told us nothing more of
# (the bulk list has no Details) counts as a conversation.
NO_TALK_LEGS = ("busy", "no-answer", "failed", "canceled")
HAD_CONVERSATION = Q(status="completed") & ~Q(conversation_duration=0) & ~Q(leg2_status__in=NO_TALK_LEGS)


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND_DIAL = "outbound-dial", "Outbound (dashboard)"
    OUTBOUND_API = "outbound-api", "Outbound (API)"


# What the log filters on besides numbers, Sids and dates: indexes that carry them answer a filtered deep page
# without reading the rows.
FILTERED_COLUMNS = ("status", "direction", "duration", "price", "agent", "exophone", "flow")
# The calls with a wrap-up: call_wrapped_up_newest's predicate. The log's wrap-up filters add it beside their
# condition on the wrap-up, so that PostgreSQL walks that index, not every call (calls/log/filters.py).
WRAPPED_UP = Q(has_wrap_up=True)


def filtered_except(key):
    return tuple(column for column in FILTERED_COLUMNS if column != key)


def covering_by(key, name):
    """The calls by `key`, then newest first, carrying the other filtered columns."""
    return models.Index(fields=[key, "-date_created", "-id"], include=filtered_except(key), name=name)


def unique_without_pattern_index(field, name, message):
    """Unique as `unique=True` is, without the second index Django adds to a unique text column on
    PostgreSQL (varchar_pattern_ops, for LIKE 'prefix%'): nothing looks Sids or dedupe keys up by prefix, and
    every insert wrote both (the Sids' was 56 MB per million calls). `name` is what PostgreSQL named the
    constraint of `unique=True`, so migration 0014 keeps the constraint as it is."""
    return models.UniqueConstraint(fields=[field], name=name, violation_error_message=message)


class Call(models.Model):
    """One call as Exotel knows it, plus what we asked for and what we could not do."""

    # Unique (Meta.constraints); NULL until Exotel gives one, so that calls not yet placed do not collide.
    sid = models.CharField("Exotel Sid", max_length=64, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.OUTBOUND_API)
    from_number = models.CharField("from (E.164)", max_length=16)
    to_number = models.CharField("to (E.164)", max_length=16)
    # No index of their own (db_index=False): call_exophone_newest, call_flow_newest and call_agent_newest
    # begin with them, and serve the joins and the checks on delete as well.
    exophone = models.ForeignKey(
        "numbers.ExoPhone",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
    )
    phone_number = models.CharField("ExoPhone as Exotel gave it", max_length=32, blank=True)
    flow = models.ForeignKey(
        "numbers.Flow", null=True, blank=True, on_delete=models.PROTECT, related_name="calls", db_index=False
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        db_index=False,
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
    status_changed_at = models.DateTimeField(
        "status since", null=True, blank=True, help_text="Empty: since the call was created."
    )
    # Set with its wrap-up (WrapUp.save). The wrap-up filters walk only these calls (call_wrapped_up_newest):
    # a note search looked up the wrap-up of every call it walked, 19 in 20 of them in vain.
    has_wrap_up = models.BooleanField("has a wrap-up", default=False, editable=False)

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
            # With the id, a deep page of one agent, status, direction, ExoPhone or flow is in its index. The
            # first three cover the other filtered columns too, so that they count and page their combinations
            # from the index alone: a month's failed inbound calls were counted over 165,000 entries of
            # call_newest (61 ms at a million calls), now over 8,000 of call_status_newest (3 ms).
            covering_by("agent", "call_agent_newest"),
            covering_by("status", "call_status_newest"),
            covering_by("direction", "call_direction_newest"),
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
            # The wrap-up filters (disposition, note): the calls wrapped up, newest first, with what the other
            # filters read.
            models.Index(
                fields=["-date_created", "-id"],
                include=FILTERED_COLUMNS,
                condition=WRAPPED_UP,
                name="call_wrapped_up_newest",
            ),
            # A number's calls, newest first: the From/To filters and the customer's history.
            models.Index(fields=["from_number", "-date_created", "-id"], name="call_from_newest"),
            models.Index(fields=["to_number", "-date_created", "-id"], name="call_to_newest"),
            models.Index(fields=["next_check_at"], name="call_next_check"),
            # The wallboard's "Now": a handful of live calls among millions, found without reading the rest.
            models.Index(
                fields=["-date_created", "-id"], condition=Q(status__in=LIVE_STATUSES), name="call_live"
            ),
            # The log sorted by duration or price as calls/tables.py orders it: PostgreSQL keeps nulls last in
            # ascending indexes. Sorted by -duration or -price (nulls last too): call_longest, call_dearest,
            # PostgreSQL only (migrations 0004, 0005 and 0007). Covering, like call_newest: page 2,000 of the
            # completed calls by duration read 480,000 rows for their status, 950 ms.
            covering_by("price", "call_cheapest"),
            covering_by("duration", "call_shortest"),
        ]
        constraints = [
            unique_without_pattern_index("sid", "calls_call_sid_key", "Another call has this Sid.")
        ]

    def __str__(self):
        return f"{pretty(self.from_number)} → {pretty(self.to_number)} ({self.status})"

    def save(self, *args, update_fields=None, **kwargs):
        """Note when the status changed, whoever changed it (the state machine, the dial, the reconciler)."""
        loaded = getattr(self, "_loaded_status", None)
        if self.pk and loaded is not None and loaded != self.status:
            self.status_changed_at = timezone.now()
            if update_fields is not None:
                update_fields = {*update_fields, "status_changed_at"}
        super().save(*args, update_fields=update_fields, **kwargs)
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        call = super().from_db(db, field_names, values, **kwargs)
        call._loaded_status = call.__dict__.get("status")
        return call

    @property
    def status_since(self):
        return self.status_changed_at or self.date_created

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
    dedupe_key = models.CharField(max_length=200)  # unique: Meta.constraints
    raw_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    parsed = models.JSONField(default=dict, blank=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, default=Verdict.APPLIED)
    note = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            unique_without_pattern_index(
                "dedupe_key", "calls_callevent_dedupe_key_key", "This event is recorded already."
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.event_type or ''} {self.status}".strip()


class Disposition(models.Model):
    """How a call ended for the business, chosen at wrap-up: Resolved, Follow-up needed, Wrong number…"""

    name = models.CharField(max_length=60, unique=True)
    active = models.BooleanField(
        default=True, help_text="Inactive ones stay on old calls but are not offered."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower first in the wrap-up form.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


NOTE_MAX_LENGTH = 2000


class WrapUpFields(models.Model):
    """What an agent or manager wrote after a call; the current version and every earlier one."""

    disposition = models.ForeignKey(
        Disposition, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    follow_up_at = models.DateTimeField("follow up at", null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class WrapUp(WrapUpFields):
    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="wrap_up")
    disposition = models.ForeignKey(
        Disposition, null=True, blank=True, on_delete=models.PROTECT, related_name="wrap_ups"
    )

    class Meta:
        indexes = [models.Index(fields=["disposition", "call"], name="wrapup_disposition")]

    def __str__(self):
        return f"Wrap-up of call {self.call_id}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:  # a wrap-up is never removed but with its call
            Call.objects.filter(pk=self.call_id, has_wrap_up=False).update(has_wrap_up=True)


# A call's wrap-up is owed once it was dialled and has ended. NOT EXISTS, not a left join: the wallboard
# counts today's owed calls every 2 s, and the join read every wrap-up ever written (20 of 25 ms at 50,000).
def owes_wrap_up():
    return (
        Q(status__in=FINAL_STATUSES - {Status.NOT_PLACED})
        & Q(agent__isnull=False)
        & ~Q(Exists(WrapUp.objects.filter(call=OuterRef("pk"))))
    )


class WrapUpVersion(WrapUpFields):
    """An earlier version of a wrap-up, kept when it was edited."""

    wrap_up = models.ForeignKey(WrapUp, on_delete=models.CASCADE, related_name="versions")

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["wrap_up", "version"], name="wrapup_version_once"),
        ]

    def __str__(self):
        return f"Version {self.version} of the wrap-up of call {self.wrap_up.call_id}"


class MissedCustomer(models.Model):
    """A customer whose inbound calls ended without a conversation, and nobody has talked to them since."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for a call back"
        RESOLVED = "resolved", "Talked to since"
        DISMISSED = "dismissed", "Dismissed"

    class Reason(models.TextChoices):
        WRONG_NUMBER = "wrong-number", "Wrong number"
        SPAM = "spam", "Spam"
        DUPLICATE = "duplicate", "Reached another way"
        OTHER = "other", "Other"

    number = models.CharField("customer (E.164)", max_length=16)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    tries = models.PositiveIntegerField(default=1)
    first_try_at = models.DateTimeField()
    last_try_at = models.DateTimeField()
    first_call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    last_call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    exophone = models.ForeignKey(
        "numbers.ExoPhone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=16, choices=Reason.choices, blank=True)
    dismiss_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_try_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(state="waiting"), name="missed_one_waiting_row_per_customer"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "first_try_at"], name="missed_by_state"),
            models.Index(fields=["number", "-last_try_at"], name="missed_by_number"),
        ]

    def __str__(self):
        return f"{pretty(self.number)} ({self.get_state_display()})"
