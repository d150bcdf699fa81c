"""HTTP Basic auth, the account in the path, unknown paths and methods, the rate limit, the inspection API."""

import pytest
import requests

from sandbox.tests.helpers import connect, get, rest_exception, xml


def test_it_refuses_a_request_without_credentials_with_401(sandbox):
    response = requests.get(f"{sandbox.api_url}/Calls.json", timeout=10)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert rest_exception(response)[0] == 401


@pytest.mark.parametrize(
    "auth", [("sandbox_api_key", "wrong"), ("wrong", "sandbox_api_token"), ("demo_sandbox", "x")]
)
def test_it_refuses_wrong_credentials_with_401(sandbox, auth):
    response = requests.get(f"{sandbox.api_url}/Calls", auth=auth, timeout=10)

    assert response.status_code == 401
    assert xml(response).findtext("RestException/Status") == "401"


def test_it_refuses_a_malformed_authorization_header_with_401(sandbox):
    response = requests.get(f"{sandbox.api_url}/Calls", headers={"Authorization": "Basic %%%"}, timeout=10)

    assert response.status_code == 401


def test_it_hides_another_accounts_resources_behind_a_404(sandbox):
    response = requests.get(
        f"{sandbox.url}/v1/Accounts/someone_else/Calls.json", auth=sandbox.auth, timeout=10
    )

    assert response.status_code == 404
    assert rest_exception(response)[0] == 404


def test_it_checks_credentials_before_the_account(sandbox):
    response = requests.get(f"{sandbox.url}/v1/Accounts/someone_else/Calls.json", timeout=10)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "path", ["/v1/Accounts/demo_sandbox/Recordings.json", "/v2/accounts/demo_sandbox/calls", "/"]
)
def test_it_answers_404_for_unknown_paths(sandbox, path):
    response = requests.get(sandbox.url + path, auth=sandbox.auth, timeout=10)

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/", "/foo", "/v2/accounts/demo_sandbox/calls", "/v1"])
def test_paths_outside_v1_answer_json_and_only_to_a_known_client(sandbox, path):
    stranger = requests.get(sandbox.url + path, timeout=10)
    client = requests.post(sandbox.url + path, auth=sandbox.auth, timeout=10)

    assert stranger.status_code == 401 and stranger.headers["Content-Type"] == "application/json"
    assert rest_exception(stranger)[0] == 401
    assert client.status_code == 404 and client.headers["Content-Type"] == "application/json"
    assert rest_exception(client) == (404, f"The requested resource {path} was not found")


def test_an_unknown_v1_path_needs_credentials_too(sandbox):
    response = requests.get(f"{sandbox.url}/v1/Nothing", timeout=10)

    assert response.status_code == 401
    assert xml(response).findtext("RestException/Status") == "401"


def test_it_answers_405_for_the_wrong_method(sandbox):
    get_connect = get(sandbox, "Calls/connect.json")
    post_calls = requests.post(f"{sandbox.api_url}/Calls.json", auth=sandbox.auth, timeout=10)
    delete_call = requests.delete(f"{sandbox.api_url}/Calls/abc", auth=sandbox.auth, timeout=10)

    assert get_connect.status_code == post_calls.status_code == delete_call.status_code == 405
    assert get_connect.headers["Allow"] == "POST"
    assert post_calls.headers["Allow"] == "GET"
    assert rest_exception(get_connect) == (405, "Method GET is not allowed here")


def test_it_refuses_requests_over_the_rate_limit_with_429_and_retry_after(sandbox_factory):
    sandbox = sandbox_factory(rate_limit=5)
    answers = [get(sandbox, "Calls.json").status_code for _ in range(5)]

    refused = connect(sandbox)

    assert answers == [200] * 5
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert rest_exception(refused) == (429, "Too Many Requests: the API allows 5 requests per minute")
    assert sandbox.calls() == []


def test_the_rate_limit_is_per_minute_and_a_reset_clears_it(sandbox_factory):
    sandbox = sandbox_factory(rate_limit=2)
    for _ in range(2):
        get(sandbox, "Calls.json")
    assert get(sandbox, "Calls.json").status_code == 429

    requests.post(f"{sandbox.url}/_sandbox/reset", timeout=10)

    assert get(sandbox, "Calls.json").status_code == 200


def test_the_inspection_endpoints_need_no_auth_and_are_not_rate_limited(sandbox_factory):
    sandbox = sandbox_factory(rate_limit=1)
    get(sandbox, "Calls.json")

    answers = [requests.get(f"{sandbox.url}/_sandbox/requests", timeout=10) for _ in range(5)]

    assert {answer.status_code for answer in answers} == {200}
    assert get(sandbox, "Calls.json").status_code == 429


def test_the_request_log_shows_what_was_asked_and_answered(sandbox):
    connect(sandbox, CustomField="abc")
    get(sandbox, "Calls.json", Status="completed")
    requests.get(f"{sandbox.api_url}/Calls.json", timeout=10)

    log = requests.get(f"{sandbox.url}/_sandbox/requests", timeout=10).json()

    assert [(entry["method"], entry["status"]) for entry in log] == [
        ("POST", 200),
        ("GET", 200),
        ("GET", 401),
    ]
    assert log[0]["path"] == f"/v1/Accounts/{sandbox.sid}/Calls/connect.json"
    assert log[0]["form"]["CustomField"] == "abc"
    assert log[1]["query"] == {"Status": "completed"}
    assert log[2]["time"]


def test_the_call_log_shows_internal_state(sandbox):
    sid = connect(sandbox, Record="true").json()["Call"]["Sid"]

    [call] = requests.get(f"{sandbox.url}/_sandbox/calls", timeout=10).json()

    assert call["sid"] == sid
    assert call["origin"] == "connect"
    assert call["final_status"] == "completed"
    assert call["timeline"][0] == {"offset": 0, "status": "queued", "legs": [None, None], "event": None}
    assert call["resource"]["Sid"] == sid
    assert call["params"]["Record"] == "true"


def test_a_reset_forgets_calls_requests_and_callbacks_but_keeps_the_history(sandbox_factory):
    sandbox = sandbox_factory(history=10)
    connect(sandbox)

    answer = requests.post(f"{sandbox.url}/_sandbox/reset", timeout=10)

    assert answer.json() == {"reset": True}
    assert sandbox.requests() == [] and sandbox.callbacks() == []
    assert len(sandbox.calls()) == 10
    assert {call["origin"] for call in sandbox.calls()} == {"history"}


def test_a_call_can_be_injected_over_http(sandbox):
    answer = requests.post(
        f"{sandbox.url}/_sandbox/calls",
        json={
            "Direction": "inbound",
            "From": "09812345601",
            "Status": "busy",
            "DateCreated": "2026-01-02 10:00:00",
        },
        timeout=10,
    )

    call = answer.json()
    assert answer.status_code == 200
    assert (call["direction"], call["status"], call["origin"]) == ("inbound", "busy", "injected")
    assert call["resource"]["To"] == "08030752400"
    assert call["resource"]["DateCreated"] == "2026-01-02 10:00:00"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"Direction": "sideways", "From": "09812345601"}, "Direction must be one of"),
        ({"Direction": "inbound"}, "From is required"),
        ({"From": "09812345601", "Status": "lost"}, "Unknown Status"),
        ({"From": "09812345601", "Duration": "long"}, "Duration must be a whole number"),
        ({"From": "09812345601", "DateCreated": "today"}, "DateCreated must look like"),
        ({"Direction": "outbound-api", "From": "09812345601"}, "To is required"),
    ],
)
def test_an_injected_call_is_checked(sandbox, fields, message):
    answer = requests.post(f"{sandbox.url}/_sandbox/calls", data=fields, timeout=10)

    assert answer.status_code == 400
    assert message in rest_exception(answer)[1]


def test_unknown_inspection_paths_and_methods_are_refused(sandbox):
    assert requests.get(f"{sandbox.url}/_sandbox/nothing", timeout=10).status_code == 404
    assert requests.get(f"{sandbox.url}/_sandbox/reset", timeout=10).status_code == 405


def test_the_config_can_be_read(sandbox):
    config = requests.get(f"{sandbox.url}/_sandbox/config", timeout=10).json()

    assert config["sid"] == sandbox.sid
    assert config["exophones"] == list(sandbox.exophones)
