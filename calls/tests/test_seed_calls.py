from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from calls import seeding
from calls.models import Call
from calls.seeding import seed_calls

NOW = datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=UTC)


def every_column():
    """Each call's every column but its id, in the order the seed made them."""
    names = [field.attname for field in Call._meta.concrete_fields if not field.primary_key]
    return list(Call.objects.order_by("pk").values_list(*names))


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
    assert Call.objects.filter(flow=flow).exists() and Call.objects.filter(exophone=exophone).count() == 2000
    completed = Call.objects.filter(status="completed").first()
    assert completed.conversation_duration > 0 and completed.price > 0
    assert completed.duration > completed.conversation_duration and completed.end_time > completed.start_time
    assert Call.objects.exclude(recording_url="").exists()
    assert Call.objects.values("sid").distinct().count() == 2000
    assert not Call.objects.exclude(request_options={}).exists()  # the columns left to their defaults


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_postgresql_copy_makes_the_calls_bulk_create_makes(agent, other_agent, exophone, flow):
    assert seed_calls(count=1200, batch_size=500, seed=5, now=NOW, copy=True) == 1200
    copied = every_column()
    Call.objects.all().delete()
    assert seed_calls(count=1200, batch_size=500, seed=5, now=NOW, copy=False) == 1200
    assert every_column() == copied


def test_the_same_seed_makes_the_same_calls(agent, exophone, flow):
    seed_calls(count=300, seed=3, now=NOW)
    first = every_column()
    Call.objects.all().delete()
    seed_calls(count=300, seed=3, now=NOW)
    assert every_column() == first


@pytest.mark.parametrize(("count", "batch_size"), [(1, 5000), (12_345, 1000), (50, 1)])
def test_it_makes_exactly_the_count_asked_for(db, count, batch_size):
    assert seed_calls(count=count, batch_size=batch_size) == count
    assert Call.objects.count() == count


def test_seeding_again_adds_nothing(agent, exophone, capsys):
    call_command("seed_calls", count=500, seed=4)
    sids = set(Call.objects.values_list("sid", flat=True))
    capsys.readouterr()
    call_command("seed_calls", count=500, seed=4)
    assert set(Call.objects.values_list("sid", flat=True)) == sids and Call.objects.count() == 500
    assert "Seeded 0 calls" in capsys.readouterr().out


def test_a_seed_cut_short_ends_with_the_calls_of_a_whole_one(agent, exophone, flow):
    seed_calls(count=700, seed=9, now=NOW)
    whole = every_column()
    Call.objects.filter(pk__in=list(Call.objects.order_by("pk").values_list("pk", flat=True)[400:])).delete()
    assert seed_calls(count=700, seed=9, now=NOW, batch_size=300) == 300
    assert every_column() == whole


def test_the_command_says_how_many_were_there_already(agent, capsys):
    seed_calls(count=30, seed=6)
    call_command("seed_calls", count=50, seed=6)
    assert "Seeded 20 calls" in capsys.readouterr().out
    assert Call.objects.count() == 50


def test_another_seed_adds_other_calls(agent, exophone):
    seed_calls(count=200, seed=1)
    seed_calls(count=200, seed=2)
    assert Call.objects.values("sid").distinct().count() == 400


@pytest.mark.parametrize("count", ["0", "-5", "abc", "1.5", "", "100000001"])
def test_a_bad_count_is_refused(db, count):
    with pytest.raises(CommandError, match="--count"):
        call_command("seed_calls", f"--count={count}")
    assert not Call.objects.exists()


@pytest.mark.parametrize("batch_size", [0, -1, 100_001])
def test_a_bad_batch_size_is_refused(db, batch_size):
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("seed_calls", count=10, batch_size=batch_size)
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("seed_calls", "--count=10", f"--batch-size={batch_size}")
    assert not Call.objects.exists()


def test_a_count_is_required(db):
    with pytest.raises(CommandError, match="--count"):
        call_command("seed_calls")


def call_indexes():
    """Every index and constraint of the calls' table, as PostgreSQL says it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'calls_call' UNION ALL"
            " SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'calls_call'::regclass"
        )
        return dict(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_large_seed_builds_every_index_again(agent, exophone, flow, monkeypatch):
    monkeypatch.setattr(seeding, "BUILD_INDEXES_AFTER", 100)
    indexes = call_indexes()
    assert seed_calls(count=1200, batch_size=500, seed=5, now=NOW) == 1200
    assert call_indexes() == indexes
    assert {"calls_call_agent_id_bc37e002_fk_auth_user_id", "call_newest", "call_recorded_newest"} <= set(
        indexes
    )
    copied = every_column()
    Call.objects.all().delete()
    seed_calls(count=1200, batch_size=500, seed=5, now=NOW, copy=False)
    assert every_column() == copied


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_large_seed_cut_short_leaves_the_log_as_it_was(agent, exophone, monkeypatch):
    monkeypatch.setattr(seeding, "BUILD_INDEXES_AFTER", 100)
    indexes = call_indexes()

    def interrupt(made):  # Ctrl-C with two batches sent
        if made == 800:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        seed_calls(count=1000, batch_size=400, progress=interrupt)
    assert not Call.objects.exists() and call_indexes() == indexes
