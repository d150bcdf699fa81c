"""What every filtered, sorted, paged list here shares: bad sort and paging values get words, not a 500, and
checkbox filters."""

import math
import time
from dataclasses import dataclass

import django_filters
from django import forms
from django.db import OperationalError, connection, transaction
from django_tables2.paginators import LazyPaginator


def sort_error(sort: str, keys, help_text: str) -> str | None:
    """Words for a sort key the list does not have ("-" before a key sorts the other way)."""
    if sort and sort.removeprefix("-") not in keys:
        return f"Cannot sort by {sort[:40]!r}: {help_text}"
    return None


def count_at_most(queryset, limit: int) -> int:
    """The rows, counted no further than limit + 1 (meaning "more than limit").

    COUNT over a LIMITed subquery of the ids: PostgreSQL stops reading after limit + 1 index entries, where a
    plain COUNT(*) reads them all (0.3 s at a million calls).
    """
    return queryset.order_by().values("pk")[: limit + 1].count()


@dataclass(frozen=True)
class Count:
    rows: int  # counted: the exact number when finished, otherwise at least this many
    finished: bool = True


COUNTING_CURSOR = "counting_rows"
QUERY_CANCELED = "57014"  # SQLSTATE of a statement stopped by statement_timeout
FIRST_COUNT_STEP = 250  # rows: the numbered pages' worth first, then three times as many each step
# The count's cursor is planned to give about this many rows soon, not all of them at the least cost: planned
# for 10 % of them (PostgreSQL's default), a note search hashed 10,000 wrap-ups (12 ms, more than the whole
# time) before its first row; for 2.5 %, a rare term read every wrap-up instead of its trigram index's few.
FAST_START_ROWS = 500


def count_steps(rows):
    """How many rows to move over at each step, up to `rows` in all: 250, 750, 2,250, then the 6,751 left."""
    step, left = FIRST_COUNT_STEP, rows
    while left > 0:
        if left <= step * 3:  # the rest in one: no step of a single row at the end
            yield left
            return
        yield step
        left -= step
        step *= 3


def count_for_at_most(queryset, limit: int, seconds: float) -> Count:
    """count_at_most that stops after `seconds` on PostgreSQL, saying how many it had counted by then.

    Where no index fits the filters, counting to limit + 1 reads until that many match: a month of failed
    inbound calls read 165,000 index entries for 2,938 matches (21 ms at a million calls, ten times that at
    ten million), a note search joined 620,000 completed calls (112 ms). A cursor over the same LIMITed ids is
    moved over in steps (MOVE sends no rows), each step bounded by statement_timeout to what is left of the
    time; a step cut short is not counted. A count in time costs four round trips more than COUNT's one (a
    step each, the transaction, the CLOSE). A step that the pace so far says would not finish in the time left
    is not begun: it would spend the rest of the time and count nothing. Other databases count to the limit.
    """
    if connection.vendor != "postgresql":
        return Count(count_at_most(queryset, limit))
    sql, params = queryset.order_by().values("pk")[: limit + 1].query.sql_with_params()
    started = time.monotonic()
    deadline = started + seconds
    counted, finished = 0, False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            fast_start = min(1.0, FAST_START_ROWS / (limit + 1))
            declare = (
                f"SET LOCAL cursor_tuple_fraction = {fast_start:.6f}; "
                f"DECLARE {COUNTING_CURSOR} NO SCROLL CURSOR FOR {sql}; "
            )
            for step in count_steps(limit + 1):
                now = time.monotonic()
                left_ms = math.ceil((deadline - now) * 1000)
                if left_ms <= 0 or (counted and (now - started) / counted * step > deadline - now):
                    break  # at the pace so far it would be cut short, and a step cut short counts nothing
                # One round trip: the first SET's and DECLARE's results (once), the SET's, the MOVE's.
                move = f"SET LOCAL statement_timeout = {left_ms}; MOVE FORWARD {step} IN {COUNTING_CURSOR}"
                cursor.execute(declare + move, params if declare else None)
                for _ in range(3 if declare else 1):
                    cursor.nextset()
                declare, params = "", None
                counted += cursor.rowcount
                if cursor.rowcount < step:
                    finished = True
                    break
            else:  # every step full: limit + 1 rows, "more than limit"
                finished = True
            if not declare:  # declared by the first step, which the time left may not have allowed
                cursor.execute(
                    f"CLOSE {COUNTING_CURSOR}; SET LOCAL statement_timeout TO DEFAULT; "
                    "SET LOCAL cursor_tuple_fraction TO DEFAULT"
                )
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != QUERY_CANCELED:
            raise
    return Count(counted, finished)


def how_many(count: int | Count, limit: int, singular: str, plural: str) -> str:
    """ "1 call", "4,210 calls", "more than 10,000 calls": a count from count_at_most in words; from
    count_for_at_most stopped short, "at least 1,250 calls" and that counting stopped there."""
    if isinstance(count, Count):
        if not count.finished:
            if not count.rows:
                return f"{plural.capitalize()} not counted: too many to count quickly"
            return (
                f"at least {count.rows:,} {plural if count.rows > 1 else singular} (counting stopped there)"
            )
        count = count.rows
    if count > limit:
        return f"more than {limit:,} {plural}"
    return f"{count:,} {singular if count == 1 else plural}"


def whole_number(text: str, *, at_least: int, at_most: int) -> bool:
    """Plain digits 0-9 within the bounds, judged without reading thousands of digits into an int."""
    if not (text.isascii() and text.isdigit()):
        return False
    digits = text.lstrip("0") or "0"
    return len(digits) <= len(str(at_most)) and at_least <= int(digits) <= at_most


class ExplainedListMixin:
    """For SingleTableMixin + FilterView lists. `sort_keys` names the columns one may sort by."""

    sort_keys: set[str] = set()
    sort_help = ""
    paginator_class = LazyPaginator  # no COUNT(*) over the whole table per page view
    # The table pages the rows; ListView must not page (and query) them a second time, nor 404 past the end.
    paginate_by = None
    table_pagination = {"per_page": 50}
    max_page = 100_000
    far_page_help = "narrow the calls down with the filters."
    max_per_page = 500

    def query_errors(self):
        """Sorting and paging are the table's, not the filter form's; their bad values get words too."""
        errors = []
        if problem := sort_error(self.request.GET.get("sort", ""), self.sort_keys, self.sort_help):
            errors.append(problem)
        page = self.request.GET.get("page", "")
        if page and not (page.isascii() and page.isdigit() and page.strip("0")):
            errors.append(f"Page {page[:20]!r} does not exist: pages are numbered from 1.")
        elif page and not whole_number(page, at_least=1, at_most=self.max_page):
            errors.append(f"Page {page[:20]} is too far to fetch: {self.far_page_help}")
        per_page = self.request.GET.get("per_page", "")
        if per_page and not whole_number(per_page, at_least=1, at_most=self.max_per_page):
            errors.append(
                f"Rows per page {per_page[:20]!r}: choose a whole number from 1 to {self.max_per_page}."
            )
        return errors

    def get(self, request, *args, **kwargs):
        self.errors = self.query_errors()
        if self.errors:
            request.GET = request.GET.copy()
            for name in ("sort", "page", "per_page", "cursor"):
                request.GET.pop(name, None)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"query_errors": self.errors}


class Checkboxes(forms.CheckboxSelectMultiple):
    """`status=` with nothing after it (a hand-made link) means no status was chosen, not a bad one."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input"} | (attrs or {}), choices)

    def value_from_datadict(self, data, files, name):
        return [value for value in super().value_from_datadict(data, files, name) or () if value]


class CheckboxesFilter(django_filters.MultipleChoiceFilter):
    """Any of several values of one column, without django-filter's DISTINCT: such a filter joins nothing,
    and at a million calls de-duplicating cost a deep page 20 ms of its 32."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=Checkboxes, distinct=False, **kwargs)
