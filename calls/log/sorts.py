"""How the log orders its rows under each sort, in one place: the table sorts by it, the keyset pages walk it.

Every sort ends in the call's creation and id, so the order is total and a row's place: (value, created, id).
Duration and price may be empty (a call Exotel has not priced yet): those calls come last in both directions.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q

# The columns the log sorts by; the saved views' form checks a view's sort against them too.
SORT_KEYS = frozenset({"date_created", "duration", "price"})
SORT_HELP = "choose date, duration or price."


@dataclass(frozen=True)
class Place:
    """A row's place in a sort: its sorted value (None in the date sort, or when empty), then the tiebreak."""

    value: object
    created: datetime
    pk: int


@dataclass(frozen=True)
class LogSort:
    key: str  # as in ?sort=: "-price", "date_created"

    @property
    def field(self):
        """The sorted column before the tiebreak; None when sorting by date, which is the tiebreak itself."""
        name = self.key.removeprefix("-")
        return None if name == "date_created" else name

    @property
    def descending(self):
        return self.key.startswith("-")

    def place_of(self, call):
        return Place(getattr(call, self.field) if self.field else None, call.date_created, call.pk)

    def order_by(self, backwards=False):
        """The ORDER BY of the rows, or of the rows read from the end (the indexes serve both: §7)."""
        newest_first = self._newest_first(backwards)
        tail = [F(name).desc() if newest_first else F(name).asc() for name in ("date_created", "id")]
        if self.field is None:
            return tail
        nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
        column = F(self.field)
        return [column.asc(**nulls) if self._rising(backwards) else column.desc(**nulls), *tail]

    def rows_past(self, place, backwards=False):
        """The conditions, in walking order, that pick the rows after `place` (before it when backwards).

        Each is one range of one index (PostgreSQL reads it from where it starts; nothing before is scanned):
        the rest of the place's own value, then the values beyond it, then the empty ones. One condition with
        ORs would read a large tie (380,000 unpriced calls at a million) from its start on every page.
        """
        newest_first = self._newest_first(backwards)
        at, beyond = ("lte", "lt") if newest_first else ("gte", "gt")
        rest_of_moment = Q(**{f"date_created__{at}": place.created}) & (
            Q(**{f"date_created__{beyond}": place.created}) | Q(**{f"id__{beyond}": place.pk})
        )
        if self.field is None:
            return [rest_of_moment]
        empty = Q(**{f"{self.field}__isnull": True})
        if place.value is None:
            return [empty & rest_of_moment] + ([] if not backwards else [~empty])
        further = Q(**{f"{self.field}__{'gt' if self._rising(backwards) else 'lt'}": place.value})
        return [Q(**{self.field: place.value}) & rest_of_moment, further] + ([] if backwards else [empty])

    def _newest_first(self, backwards):
        by_date_newest = self.descending if self.field is None else True
        return by_date_newest != backwards

    def _rising(self, backwards):
        return self.descending == backwards
