"""The log's pages: the first few by number, the others by a cursor, so a deep page costs what the first does.

A numbered page is an OFFSET, cheap this near the start. Next from the last numbered page, and Previous and
Next from a page opened by a cursor, carry a cursor naming the row they go on from (calls/log/cursors.py).
At a million calls page 2,000 by OFFSET took 36-91 ms at p95 and grew with the depth (bench/call_log.py).
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django_tables2.rows import BoundRow

from .cursors import Cursor, cursor_text
from .tables import for_rows

PAGES_BY_NUMBER = 5


@dataclass
class LogPage:
    object_list: list  # the table's BoundRows
    number: int | None  # None: opened by a cursor
    previous_url: str | None = None
    next_url: str | None = None
    numbers: list = field(default_factory=list)  # (number, url, is this page)


class Pager:
    """Pages of `calls` (filtered and scoped; the table's order) as the table shows them, with their links."""

    def __init__(self, table, calls, sort, *, per_page, count, query, path):
        self.table, self.calls, self.sort = table, calls, sort
        self.per_page, self.query, self.path = per_page, query, path
        self.pages_near_start = max(1, min(PAGES_BY_NUMBER, math.ceil((count or 0) / per_page)))

    def page(self, number=1, cursor=None):
        if cursor is None:
            return self.numbered(min(number, self.pages_near_start))
        if cursor.backwards:
            return self.before(cursor)
        return self.after(cursor)

    def numbered(self, number):
        start = (number - 1) * self.per_page
        with without_parallel_workers():
            ids = list(self.calls.values_list("pk", flat=True)[start : start + self.per_page + 1])
        rows = self.rows(ids[: self.per_page])
        page = LogPage(rows, number, numbers=self.numbers(number))
        if number > 1:
            page.previous_url = self.url(page=number - 1 if number > 2 else None)
        if len(ids) > self.per_page:
            page.next_url = (
                self.url(page=number + 1)
                if number < self.pages_near_start
                else self.url(cursor=self.from_row(rows[-1]))
            )
        return page

    def after(self, cursor):
        ids = self.walk(cursor)
        if not ids:  # nothing after it any more: the last rows before it
            return self.before(Cursor(cursor.sort, cursor.place, backwards=True))
        rows = self.rows(ids[: self.per_page])
        if not rows:  # deleted since their ids were read
            return self.numbered(1)
        page = LogPage(rows, None, numbers=self.numbers(None))
        page.previous_url = self.url(cursor=self.from_row(rows[0], backwards=True))
        if len(ids) > self.per_page:
            page.next_url = self.url(cursor=self.from_row(rows[-1]))
        return page

    def before(self, cursor):
        ids = self.walk(cursor)
        if len(ids) <= self.per_page:  # the start is within a page: the first page, numbered
            return self.numbered(1)
        rows = self.rows(ids[: self.per_page][::-1])
        if not rows:
            return self.numbered(1)
        return LogPage(
            rows,
            None,
            previous_url=self.url(cursor=self.from_row(rows[0], backwards=True)),
            next_url=self.url(cursor=self.from_row(rows[-1])),
            numbers=self.numbers(None),
        )

    def walk(self, cursor):
        """Up to a page and one more of ids from the cursor's place, one index range after another."""
        ids, order = [], self.sort.order_by(cursor.backwards)
        with without_parallel_workers():
            for where in self.sort.rows_past(cursor.place, cursor.backwards):
                wanted = self.per_page + 1 - len(ids)
                if wanted <= 0:
                    break
                ids += self.calls.filter(where).order_by(*order).values_list("pk", flat=True)[:wanted]
        return ids

    def rows(self, ids):
        """The page's calls in the order of their ids (found in an index alone), the rows then read by id."""
        found = {call.pk: call for call in for_rows(self.calls.filter(pk__in=ids).order_by())}
        return [BoundRow(found[pk], table=self.table) for pk in ids if pk in found]

    def from_row(self, row, backwards=False):
        return cursor_text(Cursor(self.sort, self.sort.place_of(row.record), backwards))

    def numbers(self, current):
        if self.pages_near_start == 1:
            return []
        return [
            (n, self.url(page=n if n > 1 else None), n == current)
            for n in range(1, self.pages_near_start + 1)
        ]

    def url(self, page=None, cursor=None):
        query = self.query.copy()
        for name, value in (("page", page), ("cursor", cursor)):
            query.pop(name, None)
            if value is not None:
                query[name] = value
        return f"{self.path}?{query.urlencode()}" if query else self.path


@contextmanager
def without_parallel_workers():
    """A page's ids on one process. A Gather Merge waits for a first row from every worker before it gives
    one: at ten million calls a note search's ids took 103 ms so (on a busy machine), 19-28 ms without."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
