import pytest
from django.core.management import CommandError, call_command

from calls.models import Call


def test_it_seeds_realistic_calls_of_every_kind(agent, other_agent, exophone, flow, capsys):
    call_command("seed_calls", count=2000, seed=7)
    assert Call.objects.count() == 2000
    assert "Seeded 2000 calls" in capsys.readouterr().out
    assert set(Call.objects.values_list("direction", flat=True)) == {
        "inbound",
        "outbound-api",
        "outbound-dial",
    }
    assert {"completed", "busy", "no-answer", "failed"} <= set(Call.objects.values_list("status", flat=True))
    assert Call.objects.filter(agent=agent).exists() and Call.objects.filter(agent__isnull=True).exists()
    completed = Call.objects.filter(status="completed").first()
    assert completed.conversation_duration > 0 and completed.price > 0
    assert Call.objects.exclude(recording_url="").exists()
    assert Call.objects.values("sid").distinct().count() == 2000


def test_the_same_seed_makes_the_same_calls(db):
    call_command("seed_calls", count=50, seed=3)
    first = list(Call.objects.order_by("sid").values_list("sid", "status", "duration"))
    Call.objects.all().delete()
    call_command("seed_calls", count=50, seed=3)
    assert list(Call.objects.order_by("sid").values_list("sid", "status", "duration")) == first


def test_a_bad_count_is_refused(db):
    with pytest.raises(CommandError):
        call_command("seed_calls", count=0)
