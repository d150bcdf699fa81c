"""The log's ?cursor=: a row's place in a sort and which way to read from it, signed so a link is opaque.

A cursor names a row, not a page number, so a link to a deep page shows the same rows later (newer calls only
come before it) and reading it costs the same at any depth. What comes back is checked whatever the signature.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core import signing

from .sorts import LogSort, Place

SIGNER = signing.Signer(salt="calls.log.cursor")
LONGEST = 300  # a cursor the log makes is about 100 characters
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BIGGEST_ID = 2**63 - 1
BIGGEST_VALUE = 10**6  # duration in seconds (a PositiveIntegerField is below 2**31) or rupees
AFTER, BEFORE = "a", "b"
IN_WORDS = {
    "-date_created": "newest first",
    "date_created": "oldest first",
    "-duration": "longest first",
    "duration": "shortest first",
    "-price": "dearest first",
    "price": "cheapest first",
}
BROKEN = "This page's link is not one the log made: here is the first page."


@dataclass(frozen=True)
class Cursor:
    sort: LogSort
    place: Place
    backwards: bool  # the rows before the place, for a Previous link


def cursor_text(cursor):
    place = cursor.place
    value = str(place.value) if isinstance(place.value, Decimal) else place.value
    micros = (place.created - EPOCH) // timedelta(microseconds=1)
    return SIGNER.sign_object(
        [cursor.sort.key, BEFORE if cursor.backwards else AFTER, value, micros, place.pk]
    )


def read_cursor(texts, sort):
    """(Cursor or None, words for what is wrong or None) from the query's cursor values, for this sort."""
    texts = [text for text in texts if text]  # "cursor=" from a hand-made link: no cursor
    if not texts:
        return None, None
    text = texts[0]
    if len(texts) > 1 or len(text) > LONGEST or not text.isascii() or not text.isprintable():
        return None, BROKEN
    try:
        key, way, value, micros, pk = SIGNER.unsign_object(text)
    except (signing.BadSignature, ValueError, TypeError):
        return None, BROKEN
    if key != sort.key:
        return None, f"That link was for another sort: here is the first page, {IN_WORDS[sort.key]}."
    place = _place(sort, value, micros, pk)
    if way not in (AFTER, BEFORE) or place is None:
        return None, BROKEN
    return Cursor(sort, place, backwards=way == BEFORE), None


def _place(sort, value, micros, pk):
    if not (_whole(pk) and 1 <= pk <= BIGGEST_ID and _whole(micros)):
        return None
    try:
        created = EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return None
    if value is None:
        return Place(None, created, pk)
    if sort.field == "duration" and _whole(value) and 0 <= value < BIGGEST_VALUE:
        return Place(value, created, pk)
    if sort.field == "price" and isinstance(value, str) and len(value) <= 20:
        try:
            price = Decimal(value)
        except InvalidOperation:
            return None
        if price.is_finite() and abs(price) < BIGGEST_VALUE:
            return Place(price, created, pk)
    return None


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)
