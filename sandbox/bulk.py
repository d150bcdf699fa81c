"""GET Calls: bulk call details with Exotel's filters and keyset paging.

A cursor is the sort key (DateCreated, Sid) of the row it was taken from, not an offset, so paging through a
list that changes meanwhile still shows every call at most once, and every call that stayed put exactly once.
"""

import base64
import binascii
import bisect
import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import quote, urlencode

from sandbox import clock
from sandbox.calls import DIRECTIONS, FINAL_STATUSES, LIVE_STATUSES, Call
from sandbox.errors import ApiError
from sandbox.forms import whole_number
from sandbox.history import History
from sandbox.phones import InvalidNumber, to_e164

MAX_SIDS = 100
MAX_NUMBERS = 5
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
DEFAULT_WINDOW = timedelta(days=31)
# "A maximum date range of 1 month", counted in calendar days so that a client's "31 days ago" still fits
# when it reaches us a moment later.
MAX_RANGE_DAYS = 31
LOOKBACK_MONTHS = 6
STATUSES = frozenset(LIVE_STATUSES) | FINAL_STATUSES
COMPARISONS = {"gte": operator.ge, "lte": operator.le, "eq": operator.eq}
CURSOR_PARAMS = ("After", "Before")

type Key = tuple[datetime, str]


@dataclass(frozen=True)
class BulkQuery:
    since: datetime
    until: datetime
    sids: frozenset[str] | None = None
    to: frozenset[str] | None = None
    from_: frozenset[str] | None = None
    exophones: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    directions: frozenset[str] | None = None
    duration: tuple[tuple[str, int], ...] = ()
    price: tuple[tuple[str, Decimal], ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE
    ascending: bool = False
    after: Key | None = None
    before: Key | None = None


@dataclass(frozen=True)
class Page:
    rows: list[Call]
    total: int
    has_previous: bool
    has_next: bool


def parse_query(query: dict[str, str], now: float) -> BulkQuery:
    since, until = _date_range(query.get("DateCreated"), clock.ist(now))
    if query.get("After") and query.get("Before"):
        raise ApiError(400, "Use either After or Before, not both")
    return BulkQuery(
        since=since,
        until=until,
        sids=_list(query, "Sid", MAX_SIDS),
        to=_numbers(query, "To"),
        from_=_numbers(query, "From"),
        exophones=_numbers(query, "PhoneNumber"),
        statuses=_list(query, "Status", allowed=STATUSES),
        directions=_list(query, "Direction", allowed=frozenset(DIRECTIONS)),
        duration=_conditions(query, "Duration", ("gte", "lte", "eq"), _seconds),
        price=_conditions(query, "Price", ("gte", "lte", "eq"), _amount),
        page_size=_page_size(query.get("PageSize")),
        ascending=_ascending(query.get("SortBy")),
        after=_cursor(query, "After"),
        before=_cursor(query, "Before"),
    )


def select(calls: list[Call], query: BulkQuery, now: float, history: History | None = None) -> Page:
    """A page of `calls` and the history, found by bisection in the history when only dates are asked for."""
    placed = sorted(
        (call for call in calls if _matches(call, query, now)),
        key=lambda call: call.sort_key,
        reverse=not query.ascending,
    )
    past = _past(history, query, now) if history else []

    def ahead_of(key: Key, cursor: Key) -> bool:
        return key > cursor if query.ascending else key < cursor

    def first(one: Call, other: Call) -> bool:
        return ahead_of(other.sort_key, one.sort_key)

    total = len(past) + len(placed)
    if query.after:
        at = [
            _leading(rows, lambda call: not ahead_of(call.sort_key, query.after)) for rows in (past, placed)
        ]
        start = sum(at)
        rows = _merge(past, placed, at, query.page_size, first)
        return Page(rows, total, start > 0, start + query.page_size < total)
    if query.before:
        at = [_leading(rows, lambda call: ahead_of(query.before, call.sort_key)) for rows in (past, placed)]
        stop = sum(at)
        start = max(0, stop - query.page_size)
        rows = _merge(past, placed, at, stop - start, lambda one, other: first(other, one), backwards=True)
        return Page(rows[::-1], total, start > 0, stop < total)
    rows = _merge(past, placed, [0, 0], query.page_size, first)
    return Page(rows, total, False, query.page_size < total)


class _HistoryRange:
    """The history's calls from `since` to `until` in the query's order, made only when read."""

    def __init__(self, history: History, since: datetime, until: datetime, ascending: bool):
        newest_age = math.ceil((history.newest - until).total_seconds())
        oldest_age = math.floor((history.newest - since).total_seconds())
        everything = range(len(history))
        self.history = history
        self.start = bisect.bisect_left(everything, newest_age, key=history.age)
        self.stop = bisect.bisect_right(everything, oldest_age, key=history.age)
        self.ascending = ascending

    def __len__(self) -> int:
        return max(0, self.stop - self.start)

    def __getitem__(self, position: int) -> Call:
        if not 0 <= position < len(self):
            raise IndexError(position)
        return self.history[self.stop - 1 - position if self.ascending else self.start + position]


def _past(history: History, query: BulkQuery, now: float) -> Sequence[Call]:
    rows = _HistoryRange(history, query.since, query.until, query.ascending)
    filters = (query.sids, query.to, query.from_, query.exophones, query.statuses, query.directions)
    if all(allowed is None for allowed in filters) and not query.duration and not query.price:
        return rows  # every past call is over and settled: its dates alone decide
    return [call for call in rows if _matches(call, query, now)]


def _leading(rows: Sequence[Call], holds) -> int:
    """How many of `rows`, from the first, `holds` is true of (it is true of a prefix)."""
    low, high = 0, len(rows)
    while low < high:
        middle = (low + high) // 2
        if holds(rows[middle]):
            low = middle + 1
        else:
            high = middle
    return low


def _merge(one: Sequence[Call], other: Sequence[Call], at: list[int], count: int, first, backwards=False):
    """`count` calls of two ordered lists from positions `at`, in order (backwards: from just before them)."""
    i, j = at
    taken = []
    step = -1 if backwards else 0
    while len(taken) < count:
        left = one[i + step] if 0 <= i + step < len(one) else None
        right = other[j + step] if 0 <= j + step < len(other) else None
        if left is None and right is None:
            break
        if right is None or (left is not None and first(left, right)):
            taken.append(left)
            i += -1 if backwards else 1
        else:
            taken.append(right)
            j += -1 if backwards else 1
    return taken


def metadata(page: Page, query: BulkQuery, path: str, params: dict[str, str]) -> dict:
    """Paths (no host) that repeat the request's filters, as Exotel's NextPageUri does."""
    filters = [(name, value) for name, value in params.items() if name not in CURSOR_PARAMS]

    def uri(*cursor: tuple[str, str]) -> str:
        pairs = filters + list(cursor)
        return f"{path}?{urlencode(pairs, quote_via=quote, safe=':,')}" if pairs else path

    rows = page.rows
    return {
        "Total": page.total,
        "PageSize": query.page_size,
        "FirstPageUri": uri(),
        "PrevPageUri": uri(("Before", cursor_for(rows[0]))) if rows and page.has_previous else None,
        "NextPageUri": uri(("After", cursor_for(rows[-1]))) if rows and page.has_next else None,
    }


def cursor_for(call: Call) -> str:
    raw = f"{call.created.isoformat()}|{call.sid}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor(query: dict[str, str], name: str) -> Key | None:
    text = query.get(name)
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        moment, sid = raw.split("|")
        key = datetime.fromisoformat(moment), sid
        if key[0].tzinfo is None:
            raise ValueError(raw)
        return key
    except (ValueError, binascii.Error):
        raise ApiError(400, f"Invalid {name} cursor: take it from the PrevPageUri or NextPageUri") from None


def _matches(call: Call, query: BulkQuery, now: float) -> bool:
    if not call.is_over(now):  # bulk details never list calls in progress
        return False
    wanted = (
        (query.sids, call.sid),
        (query.to, call.to_number),
        (query.from_, call.from_number),
        (query.exophones, call.exophone),
        (query.statuses, call.timeline.final_status),
        (query.directions, call.direction),
    )
    if any(allowed is not None and value not in allowed for allowed, value in wanted):
        return False
    if not query.since <= call.created <= query.until:
        return False
    settled = call.is_settled(now)
    if query.duration and not (settled and _satisfies(call.timeline.end, query.duration)):
        return False
    return not query.price or (settled and _satisfies(call.price, query.price))


def _satisfies(value, conditions) -> bool:
    return all(COMPARISONS[name](value, bound) for name, bound in conditions)


def _date_range(text: str | None, now: datetime) -> tuple[datetime, datetime]:
    bounds = dict(_conditions({"DateCreated": text}, "DateCreated", ("gte", "lte"), clock.parse_stamp))
    until = bounds.get("lte", now)
    since = bounds.get("gte", until - DEFAULT_WINDOW)
    if since > until:
        raise ApiError(400, "DateCreated: gte must not be later than lte")
    if (until.date() - since.date()).days > MAX_RANGE_DAYS:
        raise ApiError(400, "DateCreated: the date range can be at most one month")
    oldest = oldest_allowed(now)
    if since < oldest:
        raise ApiError(400, f"DateCreated: call records are kept for 6 months, since {clock.stamp(oldest)}")
    return since, until


def oldest_allowed(now: datetime) -> datetime:
    return clock.months_before(now, LOOKBACK_MONTHS).replace(hour=0, minute=0, second=0, microsecond=0)


def _conditions(query: dict, name: str, allowed: tuple[str, ...], parse) -> tuple:
    text = query.get(name)
    if not text:
        return ()
    conditions = {}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        comparison, _, value = part.partition(":")
        if comparison not in allowed or comparison in conditions:
            raise ApiError(400, f"Invalid {name} filter {text!r}: use {', '.join(allowed)} like gte:<value>")
        try:
            conditions[comparison] = parse(value)
        except (ValueError, InvalidOperation):
            raise ApiError(400, f"Invalid {name} value {value!r}") from None
    return tuple(conditions.items())


def _seconds(text: str) -> int:
    match = re.fullmatch(r"(\d+)s?", text.strip())
    if not match:
        raise ValueError(text)
    return int(match[1])


def _amount(text: str) -> Decimal:
    amount = Decimal(text.strip())
    if not amount.is_finite() or amount < 0:
        raise ValueError(text)
    return amount


def _list(query, name, limit=None, allowed=None) -> frozenset[str] | None:
    values = [value.strip() for value in query.get(name, "").split(",") if value.strip()]
    if not values:
        return None
    if limit and len(values) > limit:
        raise ApiError(400, f"{name}: at most {limit} values can be given")
    if allowed and not set(values) <= allowed:
        raise ApiError(400, f"{name}: unknown value among {', '.join(values)}")
    return frozenset(values)


def _numbers(query: dict[str, str], name: str) -> frozenset[str] | None:
    values = _list(query, name, MAX_NUMBERS)
    try:
        return values and frozenset(to_e164(value) for value in values)
    except InvalidNumber as exc:
        raise ApiError(400, f"{name}: {exc}") from None


def _page_size(text: str | None) -> int:
    if text is None:
        return DEFAULT_PAGE_SIZE
    if whole_number(text) not in range(1, MAX_PAGE_SIZE + 1):
        raise ApiError(400, f"PageSize must be a whole number between 1 and {MAX_PAGE_SIZE}")
    return int(text)


def _ascending(text: str | None) -> bool:
    if text in (None, "DateCreated", "DateCreated:desc"):
        return False
    if text == "DateCreated:asc":
        return True
    raise ApiError(400, "SortBy must be DateCreated:asc or DateCreated:desc")
