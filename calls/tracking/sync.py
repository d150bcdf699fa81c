"""Import Exotel's bulk call list into the log: inbound and dashboard calls too, not only ours.

Exotel allows at most a one-month range per request and nothing older than six months, so a sync walks
windows of WINDOW, oldest first, following NextPageUri, and stores where it is after every page: a run that
stopped resumes there.
"""

import calendar
import logging
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exotel.client import ExotelError
from ops.models import SyncRun

from .records import calls_upsert_page

log = logging.getLogger(__name__)
WINDOW = timedelta(days=28)
LOOKBACK_MONTHS = 6
PAGE_SIZE = 100


class SyncRangeError(ValueError):
    pass


def oldest_allowed(now):
    """Midnight, in Exotel's zone, of the same day six calendar months ago: the oldest record Exotel keeps."""
    zone = zoneinfo.ZoneInfo(settings.EXOTEL_TIMEZONE)
    today = now.astimezone(zone).date()
    month_index = today.year * 12 + today.month - 1 - LOOKBACK_MONTHS
    year, month = divmod(month_index, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return datetime.combine(today.replace(year=year, month=month + 1, day=day), time.min, tzinfo=zone)


def clamp_range(since, until, now):
    oldest = oldest_allowed(now)
    until = min(until or now, now)
    since = max(since or now - timedelta(days=1), oldest)
    if since >= until:
        raise SyncRangeError("Nothing to sync: the start is not before the end (Exotel keeps six months).")
    return since, until


def start_or_resume(since, until, *, explicit, open_ended=False):
    """An unfinished run resumes: over the same range, or the newest one when no range was asked for.

    Open-ended (a start and no end, as `sync_calls --since` is): the same start is the same run, as its end,
    "now", has moved on since it stopped.
    """
    unfinished = SyncRun.objects.filter(kind=SyncRun.Kind.SYNC).exclude(state=SyncRun.State.FINISHED)
    if explicit:
        unfinished = (
            unfinished.filter(since=since) if open_ended else unfinished.filter(since=since, until=until)
        )
    unfinished = unfinished.order_by("-started_at").first()
    if unfinished:
        unfinished.state = SyncRun.State.RUNNING
        unfinished.save(update_fields=["state"])
        return unfinished
    return SyncRun.objects.create(kind=SyncRun.Kind.SYNC, since=since, until=until, window_start=since)


def sync_calls(*, client, since=None, until=None, now=None, progress=None):
    now = now or timezone.now()
    explicit = since is not None or until is not None
    open_ended = until is None
    since, until = clamp_range(since, until, now)
    run = start_or_resume(since, until, explicit=explicit, open_ended=open_ended)
    try:
        while run.window_start < run.until:
            window_end = min(run.window_start + WINDOW, run.until)
            pages = client.bulk_calls(
                date_from=run.window_start,
                date_to=window_end,
                page_size=PAGE_SIZE,
                start_uri=run.next_page_uri or None,
            )
            for page in pages:
                # A page's calls and where the run stands commit together: a run killed mid-page resumes at
                # that page, with none of it kept; and one commit a page, not one per call.
                with transaction.atomic():
                    for result in calls_upsert_page(page.calls):
                        _count(run, result)
                    run.next_page_uri = page.next_page_uri or ""
                    run.save()
                if progress:
                    progress(run)
            run.window_start = window_end
            run.next_page_uri = ""
            run.save()
    except ExotelError as exc:
        run.state = SyncRun.State.FAILED
        run.errors += 1
        run.last_error = str(exc)
        run.finished_at = timezone.now()
        run.save()
        log.warning("sync stopped at %s: %s", run.window_start, exc)
        return run
    run.state = SyncRun.State.FINISHED
    run.finished_at = timezone.now()
    run.save()
    return run


def _count(run, result):
    run.calls_seen += 1
    if result == "imported":
        run.calls_imported += 1
    elif result == "changed":
        run.calls_changed += 1
