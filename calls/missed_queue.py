"""Which customers are waiting for a call back, kept up to date as their calls end.

A customer is missed when an inbound call from them ended without a conversation and nobody has talked to them
since: no later call with their number, either direction, had one. Each time a call with the number ends (or
learns more about how it ended) the customer's row is worked out again from their calls, so callbacks arriving
twice, late or out of order, and calls the sync imports long after, all give the same queue.
"""

from datetime import UTC, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.expressions import Col
from django.utils import timezone

from .models import HAD_CONVERSATION, Call, Direction, MissedCustomer, Status

NOT_ANSWERED = (Status.COMPLETED, Status.BUSY, Status.NO_ANSWER, Status.FAILED, Status.CANCELED)
MISSED = Q(direction=Direction.INBOUND, status__in=NOT_ANSWERED) & ~HAD_CONVERSATION
# What can change whether a call is a missed try or a conversation, whose it is, or where it falls in time.
TELLING_FIELDS = frozenset(
    {
        "status",
        "conversation_duration",
        "leg2_status",
        "direction",
        "date_created",
        "from_number",
        "to_number",
    }
)


def take_note_of(call, changed=None):
    """A call's news may change its customer's place in the queue. `changed`: the fields it changed."""
    if not _telling(call, changed):
        return None
    number = call.customer_number
    if call.direction != Direction.INBOUND and not waiting_for(number).exists():
        return None  # an outbound call is never a try: it can only resolve a waiting row, and there is none
    return _refresh_retrying(number)


def take_note_of_page(calls_changed):
    """take_note_of for a page of new calls, newest first as the sync lists them: each customer once.

    One by one, the last of a customer's calls to be noted works their row out from all their calls, as this
    does once. Newest first, no row is resolved and made again within a page: a call that resolves the row is
    newer than its tries, and the page's later calls are older still; and of two conversations in the same
    second, the first listed (its id the lower) resolved it.
    """
    telling = [
        (call.customer_number, call.direction == Direction.INBOUND)
        for call, changed in calls_changed
        if _telling(call, changed)
    ]
    waiting = set(waiting_for_any({number for number, _ in telling}).values_list("number", flat=True))
    numbers = list(dict.fromkeys(number for number, inbound in telling if inbound or number in waiting))
    try:
        with transaction.atomic():
            _refresh_many(numbers)
    except IntegrityError:  # a call of one of them ended at this moment and made their row: one at a time
        for number in numbers:
            _refresh_retrying(number, resolved_by_first_listed=True)


CALLS = Call._meta.db_table
BEFORE_ANY_CALL = datetime(1970, 1, 1, tzinfo=UTC)
REFRESHED_FIELDS = (
    *("state", "tries", "first_try_at", "last_try_at", "first_call", "last_call", "exophone"),
    *("resolved_by", "resolved_at", "claimed_by", "claimed_at"),
)


def _refresh_many(numbers):
    """refresh_customer(number, resolved_by_first_listed=True) for each number, in a few statements: their
    waiting rows locked, their last conversations and dismissals read at once, then their tries since; new
    rows made in the order of `numbers`."""
    if not numbers:
        return
    now = timezone.now()
    rows = {row.number: row for row in waiting_for_any(numbers).order_by("number").select_for_update()}
    talked = last_conversations(numbers)
    since = {number: [talked[number][0]] if number in talked else [] for number in numbers}
    dismissals = (
        MissedCustomer.objects.filter(number__in=numbers, state=MissedCustomer.State.DISMISSED)
        .values("number")
        .annotate(tried=Max("last_try_at"), dismissed=Max("dismissed_at"))
        .values_list("number", "tried", "dismissed")
    )
    for number, *moments in dismissals:
        since[number] += filter(None, moments)
    tries = {}
    for number, *try_ in _tries_since(
        numbers, {number: max(since[number], default=None) for number in numbers}
    ):
        tries.setdefault(number, []).append(tuple(try_))
    made, changed = [], []
    before = {number: _refreshed_values(row) for number, row in rows.items()}
    for number in numbers:
        row = rows.get(number)
        if number not in tries:
            if row is not None:
                row.state, row.resolved_at = MissedCustomer.State.RESOLVED, now
                row.resolved_by_id = _first_listed(number, *talked[number]) if number in talked else None
                row.claimed_by = row.claimed_at = None
                changed.append(row)
            continue
        ordered = sorted(tries[number])
        (first_at, first_id, _), (last_at, last_id, exophone_id) = ordered[0], ordered[-1]
        if row is None:
            row = MissedCustomer(number=number)
            made.append(row)
        row.tries, row.first_try_at, row.last_try_at = len(ordered), first_at, last_at
        row.first_call_id, row.last_call_id, row.exophone_id = first_id, last_id, exophone_id
        if row.pk and _refreshed_values(row) != before[number]:
            changed.append(row)
    MissedCustomer.objects.bulk_create(made)
    MissedCustomer.objects.bulk_update(changed, REFRESHED_FIELDS)


def _refreshed_values(row):
    return [getattr(row, MissedCustomer._meta.get_field(name).attname) for name in REFRESHED_FIELDS]


def _first_listed(number, date_created, _):
    """Of the customer's conversations in that second, the first made: it resolved them, one by one."""
    calls = _with_their_number(number).filter(HAD_CONVERSATION, date_created=date_created)
    return calls.order_by("id").values_list("id", flat=True).first()


def last_conversations(numbers):
    """{number: (date_created, id)} of each customer's newest call with a conversation, either side, in one
    statement: each side's newest read from its index (call_from_newest, call_to_newest) for each of them.

    The side's calls are read apart (OFFSET 0) and the conversation picked from them newest first: joined,
    PostgreSQL may read every completed call by call_status_newest, whose statistics lag a growing log."""
    condition, condition_params = _where(HAD_CONVERSATION)
    apart = " OFFSET 0" if connection.vendor == "postgresql" else ""
    theirs = (
        f"(SELECT * FROM {CALLS} WHERE {{side}} = wanted.number "  # noqa: S608
        f"ORDER BY date_created DESC, id DESC{apart})"
    )
    newest = (
        f"(SELECT id FROM {theirs} AS {CALLS} WHERE {condition} "  # noqa: S608
        "ORDER BY date_created DESC, id DESC LIMIT 1)"
    )
    sql = (
        f"WITH wanted(number) AS (VALUES {', '.join(['(%s)'] * len(numbers))}) "  # noqa: S608
        "SELECT newest.number, calls.date_created, calls.id FROM ("
        f"SELECT number, {newest.format(side='from_number')} AS id FROM wanted UNION ALL "
        f"SELECT number, {newest.format(side='to_number')} AS id FROM wanted"
        f") AS newest JOIN {CALLS} AS calls ON calls.id = newest.id"
    )
    found = {}
    for number, created, call_id in _rows(sql, [*numbers, *condition_params, *condition_params]):
        found[number] = max(found.get(number, (created, call_id)), (created, call_id))
    return found


def _tries_since(numbers, since):
    """(number, date_created, id, exophone_id) of each customer's missed tries after since[number] (all of
    them for None), in one statement: a range of call_from_newest for each of them. PostgreSQL is told so
    (LATERAL, OFFSET 0 so it stays apart): joined, it reads every inbound call, more as the log grows."""
    missed, missed_params = _where(MISSED)
    wanted = f"WITH wanted(number, after) AS (VALUES {', '.join(['(%s, %s)'] * len(numbers))}) "
    columns = "from_number, date_created, id, exophone_id"
    their_tries = f"from_number = wanted.number AND date_created > wanted.after AND {missed}"
    if connection.vendor == "postgresql":
        sql = (
            f"{wanted}SELECT tries.* FROM wanted CROSS JOIN LATERAL "  # noqa: S608
            f"(SELECT {columns} FROM {CALLS} WHERE {their_tries} OFFSET 0) AS tries"
        )
    else:
        sql = f"{wanted}SELECT {columns} FROM wanted JOIN {CALLS} ON {their_tries}"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    params = [value for number in numbers for value in (number, adapt(since[number] or BEFORE_ANY_CALL))]
    return _rows(sql, [*params, *missed_params])


def _where(condition):
    """The SQL of a condition on calls, to repeat in one statement for many customers: only our own columns
    and the ORM's SQL go into the text; numbers and times are parameters."""
    query = Call.objects.filter(condition).query
    return query.where.as_sql(query.get_compiler(connection=connection), connection)


def _rows(sql, params):
    """Rows of raw SQL over calls, (number, date_created, …): the time read as the ORM reads it."""
    converters = connection.ops.get_db_converters(Col(CALLS, Call._meta.get_field("date_created")))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for convert in converters:
        rows = [(number, convert(created, None, connection), *rest) for number, created, *rest in rows]
    return rows


def _telling(call, changed):
    told = changed is None or TELLING_FIELDS & set(changed)
    return call.is_final and told and call.customer_number


def _refresh_retrying(number, **options):
    try:
        return refresh_customer(number, **options)
    except IntegrityError:  # another call of theirs ended at the same moment and made the row: again
        return refresh_customer(number, **options)


def waiting_for(number):
    return waiting_for_any([number])


def waiting_for_any(numbers):
    return MissedCustomer.objects.filter(number__in=numbers, state=MissedCustomer.State.WAITING)


@transaction.atomic
def refresh_customer(number, *, now=None, resolved_by_first_listed=False):
    """Bring the customer's waiting row in line with their calls: the row, or None if there is none.

    The waiting row is locked before their calls are read, so two calls ending together are counted one
    after the other; with no row yet, the second to insert one fails on the unique constraint and retries.
    """
    now = now or timezone.now()
    row = waiting_for(number).select_for_update().first()
    talked = last_conversation(number)
    tries = Call.objects.filter(MISSED, from_number=number)
    if talked:
        tries = tries.filter(date_created__gt=talked.date_created)
    if dismissed_until := _dismissed_until(number):
        tries = tries.filter(date_created__gt=dismissed_until)
    summary = tries.aggregate(count=Count("id"), first=Min("date_created"), last=Max("date_created"))
    if not summary["count"]:
        if row is not None:
            if resolved_by_first_listed and talked:
                talked = _with_their_number(number).filter(HAD_CONVERSATION, date_created=talked.date_created)
                talked = talked.order_by("id").first()
            row.state = MissedCustomer.State.RESOLVED
            row.resolved_by, row.resolved_at = talked, now
            row.claimed_by = row.claimed_at = None
            row.save()
        return row
    newest = tries.order_by("-date_created", "-id").first()
    if row is None:
        row = MissedCustomer(number=number)
    row.tries = summary["count"]
    row.first_try_at, row.last_try_at = summary["first"], summary["last"]
    row.first_call = tries.order_by("date_created", "id").first()
    row.last_call = newest
    row.exophone_id = newest.exophone_id
    row.save()
    return row


def last_conversation(number):
    """The customer's newest call with a conversation, either side: each side read newest first from its own
    index (call_from_newest, call_to_newest) until one had a conversation, not all their calls."""
    newest = (
        Call.objects.filter(HAD_CONVERSATION, **{side: number}).order_by("-date_created", "-id").first()
        for side in ("from_number", "to_number")
    )
    return max(filter(None, newest), key=lambda call: (call.date_created, call.pk), default=None)


def _with_their_number(number):
    return Call.objects.filter(Q(from_number=number) | Q(to_number=number))


def _dismissed_until(number):
    """A dismissal covers every try up to it, those the sync brings in later too; a try after it is new."""
    dismissed = MissedCustomer.objects.filter(number=number, state=MissedCustomer.State.DISMISSED)
    latest = dismissed.aggregate(tried=Max("last_try_at"), dismissed=Max("dismissed_at"))
    return max(filter(None, latest.values()), default=None)


def refresh_waiting(*, now=None):
    """Work out every waiting row again: a backstop for news that reached two of a customer's calls at once.

    Waiting rows are few (a queue people work through), so this is a handful of small queries each.
    """
    numbers = MissedCustomer.objects.filter(state=MissedCustomer.State.WAITING).values_list(
        "number", flat=True
    )
    for number in list(numbers):
        _refresh_retrying(number, now=now)
