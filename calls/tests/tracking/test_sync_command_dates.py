"""`manage.py sync_calls --since/--until` take dates as the app's forms do: typed plainly, within Exotel's
calendar (2000-01-01 to 2100-12-31), with a clear error otherwise and before anything is asked of Exotel."""

import pytest
from django.core.management import CommandError, call_command

from ops.models import SyncRun

pytestmark = pytest.mark.django_db

OUTSIDE = ["0001-01-01", "1999-12-31 23:59", "2101-01-01", "9999-12-31", "9999-12-31 23:59"]
UNREADABLE = [
    "+999999-01-01",
    "2026-02-30",
    "٢٠٢٦-01-05",
    "2026-01-05\x00",
    "2026-01-05 10:00\x00",
    "9" * 5000,
]


@pytest.mark.parametrize("option", ["since", "until"])
@pytest.mark.parametrize("text", OUTSIDE)
def test_a_date_outside_exotels_calendar_is_refused_by_name(option, text):
    with pytest.raises(CommandError, match=r"between 2000-01-01 and 2100-12-31"):
        call_command("sync_calls", **{option: text})
    assert not SyncRun.objects.exists()


@pytest.mark.parametrize("option", ["since", "until"])
@pytest.mark.parametrize(
    "text", UNREADABLE, ids=["six-digit year", "30 February", "Arabic-Indic", "NUL", "NUL late", "digits"]
)
def test_a_date_not_plainly_typed_is_not_a_date(option, text):
    with pytest.raises(CommandError, match="is not a date"):
        call_command("sync_calls", **{option: text})
    assert not SyncRun.objects.exists()
