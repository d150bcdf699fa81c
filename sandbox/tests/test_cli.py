"""`python -m sandbox`: flags and SANDBOX_* variables, the start line, and a clean stop on SIGTERM/SIGINT."""

import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from sandbox.__main__ import parse_config

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*args: str, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", *args],
        cwd=ROOT,
        env=os.environ | (env or {}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 15)
    if not ready:
        process.kill()
        pytest.fail("the sandbox printed nothing within 15 s")
    return process, process.stdout.readline().strip()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_it_starts_prints_its_url_answers_and_stops_on_a_signal(stop_signal):
    port = free_port()
    process, line = start("--port", str(port), "--speed", "100")
    try:
        url = f"http://127.0.0.1:{port}"
        assert line == f"Exotel sandbox at {url} for account SID demo_sandbox"
        answer = requests.get(
            f"{url}/v1/Accounts/demo_sandbox/Numbers/09812345642.json",
            auth=("sandbox_api_key", "sandbox_api_token"),
            timeout=10,
        )
        assert answer.status_code == 200

        process.send_signal(stop_signal)

        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.communicate()


def test_it_reads_its_settings_from_the_environment():
    port = free_port()
    env = {"SANDBOX_PORT": str(port), "SANDBOX_SID": "acme", "SANDBOX_API_KEY": "k", "SANDBOX_API_TOKEN": "t"}
    process, line = start("--history", "30", "--quiet", env=env)
    try:
        assert line.endswith("for account SID acme")
        answer = requests.get(
            f"http://127.0.0.1:{port}/v1/Accounts/acme/Calls.json", auth=("k", "t"), timeout=10
        )
        assert answer.status_code == 200
        assert answer.json()["Calls"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.communicate()


def test_it_refuses_a_bad_value_and_says_which():
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "--port", "0"],
        cwd=ROOT,
        env=os.environ | {"SANDBOX_SPEED": "fast"},
        capture_output=True,
        text=True,
        timeout=15,
    )

    assert result.returncode == 2
    assert "--speed" in result.stderr


def test_flags_win_over_environment_variables():
    config = parse_config(["--rate-limit", "7"], {"SANDBOX_RATE_LIMIT": "3", "SANDBOX_SPEED": "50"})

    assert config.rate_limit == 7
    assert config.speed == 50


def test_it_defaults_to_the_documented_settings():
    config = parse_config([], {})

    assert (config.host, config.port, config.sid) == ("127.0.0.1", 8001, "demo_sandbox")
    assert (config.api_key, config.api_token) == ("sandbox_api_key", "sandbox_api_token")
    assert config.exophones == ("+918030752400", "+912267891234")
    assert (config.speed, config.rate_limit, config.price_delay) == (1, 200, 120)
    assert (config.slow_connect_delay, config.callback_timeout) == (30, 15)
    assert (config.duplicate_callbacks, config.reorder_callbacks) == (0, False)


def test_it_reads_callback_quirks_and_exophones():
    config = parse_config(
        ["--duplicate-callbacks", "all", "--reorder-callbacks", "--exophones", "08030752400, 2267891234"], {}
    )

    assert config.duplicate_callbacks == 1.0
    assert config.reorder_callbacks is True
    assert config.exophones == ("+918030752400", "+912267891234")
    assert parse_config([], {"SANDBOX_REORDER_CALLBACKS": "yes", "SANDBOX_DUPLICATE_CALLBACKS": "0.25"}) == (
        parse_config(["--reorder-callbacks", "true", "--duplicate-callbacks", "0.25"], {})
    )


def test_it_reads_the_agents_the_history_came_from():
    config = parse_config(["--history-agents", "09845012301, +91 98450 12302"], {})

    assert config.history_agents == ("+919845012301", "+919845012302")
    assert parse_config([], {"SANDBOX_HISTORY_AGENTS": "9845012301"}).history_agents == ("+919845012301",)
    assert parse_config([], {}).history_agents == ()


@pytest.mark.parametrize(
    "argv",
    [
        ["--history-agents", "+91 98450"],
        ["--speed", "0"],
        ["--rate-limit", "0"],
        ["--duplicate-callbacks", "2"],
        ["--exophones", "123"],
        ["--port", "-1"],
    ],
)
def test_it_refuses_impossible_settings(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_config(argv, {})

    assert exit_info.value.code == 2
