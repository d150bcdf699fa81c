"""The calendar Exotel's calls live in: every date we read or let people type lies within it. Django-free."""

from datetime import date

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
