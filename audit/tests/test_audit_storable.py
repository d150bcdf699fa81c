"""What the trail keeps from a person's request is kept as PostgreSQL can store it: a NUL in an export's
filters, which PostgreSQL's JSON refuses with a 500, is written as the four characters \\x00."""

from audit.models import AuditEntry


def test_an_export_with_nul_in_its_filters_is_recorded_with_the_nul_written_out(client, manager):
    client.force_login(manager)

    response = client.get("/calls/export.csv", {"sort": "a\x00b", "note\x00": "x"})

    assert response.status_code == 200
    b"".join(response.streaming_content)
    details = AuditEntry.objects.get(action="calls-exported").details
    assert details == {"filters": {"sort": "a\\x00b", "note\\x00": "x"}}
