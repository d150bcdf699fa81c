import csv
import io
from decimal import Decimal

from .factories import T0, make_call


def rows(response):
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="calls-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_a_manager_exports_exactly_the_filtered_calls(client, manager, calls):
    client.force_login(manager)
    table = rows(client.get("/calls/export.csv?status=completed"))
    assert table[0][0] == "Created (Asia/Kolkata)"
    assert sorted(row[1] for row in table[1:]) == ["done", "long"]
    done = next(row for row in table if row[1] == "done")
    assert done[0] == "2026-11-20 10:00:00"  # 04:30 UTC shown in the user's zone
    assert done[3] == "Completed" and done[11] == "0.5000"


def test_cells_that_look_like_formulas_are_kept_as_text(client, manager, agent):
    make_call(sid="f1", agent=agent, custom_field='=HYPERLINK("http://evil")', date_created=T0)
    make_call(sid="f2", agent=agent, custom_field="@SUM(A1)", price=Decimal("1"), date_created=T0)
    client.force_login(manager)
    table = rows(client.get("/calls/export.csv"))
    fields = {row[1]: row for row in table[1:]}
    assert fields["f1"][13] == '\'=HYPERLINK("http://evil")'
    assert fields["f2"][13] == "'@SUM(A1)"
    assert fields["f1"][4] == "'+919845012301"


def test_agents_cannot_export(client, agent, calls):
    client.force_login(agent)
    assert client.get("/calls/export.csv").status_code == 403


def test_bad_filters_are_refused_with_a_reason(client, manager, calls):
    client.force_login(manager)
    response = client.get("/calls/export.csv?duration__gte=abc")
    assert response.status_code == 400
    assert b"Enter a whole number" in response.content


def test_anonymous_users_are_sent_to_login(client, db):
    assert client.get("/calls/export.csv").status_code == 302
