"""sync_calls against the sandbox's bulk API over a real socket: six months of history, once each."""

import pytest
from django.core.management import call_command

from calls.models import Call, CallEvent
from exotel_dashboard.testing import point_app_at
from ops.models import SyncRun

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HISTORY = 5000


def test_sync_imports_every_call_once_and_a_second_run_changes_nothing(
    sandbox_factory, live_server, settings, capsys
):
    sandbox = point_app_at(sandbox_factory(history=HISTORY, speed=1000), live_server, settings)
    listed = {call["sid"] for call in sandbox.calls() if call["origin"] == "history"}
    assert len(listed) == HISTORY

    call_command("sync_calls", since="2000-01-01")
    assert "finished" in capsys.readouterr().out
    assert set(Call.objects.values_list("sid", flat=True)) == listed
    directions = set(Call.objects.values_list("direction", flat=True))
    assert directions == {"inbound", "outbound-dial", "outbound-api"}
    events = CallEvent.objects.count()

    call_command("sync_calls", since="2000-01-01")
    second = SyncRun.objects.filter(kind="sync").first()
    assert (second.calls_seen, second.calls_imported, second.calls_changed) == (HISTORY, 0, 0)
    assert Call.objects.count() == HISTORY
    assert CallEvent.objects.count() == events
    pages = [r for r in sandbox.requests() if r["path"].endswith("/Calls.json")]
    assert all(r["status"] == 200 for r in pages)
