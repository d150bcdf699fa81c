"""Run the sandbox: `python -m sandbox --port 8001`. Every flag can also be set as SANDBOX_<NAME>."""

import argparse
import os
import signal
import sys
import threading

from sandbox.config import DEFAULT_EXOPHONES, SandboxConfig
from sandbox.server import SandboxServer


def non_negative(kind):
    def parse(text: str):
        value = kind(text)
        if value < 0:
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__
    return parse


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError(text)
    return value


def probability(text: str) -> float:
    value = 1.0 if text.strip().lower() == "all" else float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


def boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
        raise ValueError(text)
    return lowered in ("1", "true", "yes", "on")


def number_list(text: str) -> tuple[str, ...]:
    return tuple(number.strip() for number in text.split(",") if number.strip())


# flag, type, default, help. The environment variable is SANDBOX_ plus the flag in capitals.
OPTIONS = (
    ("host", str, "127.0.0.1", "address to listen on"),
    ("port", non_negative(int), "8001", "port to listen on (0 picks a free one)"),
    ("sid", str, "demo_sandbox", "the account SID in /v1/Accounts/<sid>/"),
    ("api-key", str, "sandbox_api_key", "HTTP Basic user name"),
    ("api-token", str, "sandbox_api_token", "HTTP Basic password"),
    ("exophones", number_list, ",".join(DEFAULT_EXOPHONES), "the account's ExoPhones, comma-separated"),
    ("speed", positive_float, "1", "simulated seconds per real second"),
    ("history", non_negative(int), "0", "seed this many past calls over the last six months"),
    (
        "history-agents",
        number_list,
        "",
        "agents' own phones the history's outbound calls came from, comma-separated",
    ),
    ("seed", int, "0", "random seed for the history and duplicate callbacks"),
    ("rate-limit", non_negative(int), "200", "API requests per minute per account"),
    ("price-delay", non_negative(float), "120", "simulated seconds until Duration/Price/EndTime appear"),
    ("slow-connect-delay", non_negative(float), "30", "real seconds the 97 scenario makes connect wait"),
    ("callback-timeout", non_negative(float), "15", "real seconds to wait for a callback receiver"),
    ("duplicate-callbacks", probability, "0", "probability (0..1, or 'all') of delivering a callback twice"),
    ("reorder-callbacks", boolean, "false", "deliver 'answered' events after 'terminal'"),
    (
        "recordings-base",
        str,
        "",
        "URL that RecordingUrls start with, as clients reach this server (empty: its own)",
    ),
    ("quiet", boolean, "false", "do not log each request to stderr"),
)


def parse_config(argv: list[str], environ: dict[str, str]) -> SandboxConfig:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="A local imitation of Exotel's API."
    )
    for flag, kind, default, help_text in OPTIONS:
        variable = "SANDBOX_" + flag.upper().replace("-", "_")
        # argparse converts string defaults with `type`: a bad environment value fails like a bad flag.
        parser.add_argument(
            f"--{flag}",
            type=kind,
            default=environ.get(variable, default),
            help=f"{help_text} (${variable}, default {default or 'empty'})",
            **({"nargs": "?", "const": True} if kind is boolean else {}),
        )
    options = vars(parser.parse_args(argv))
    quiet = options.pop("quiet")
    try:
        return SandboxConfig(**options, log_requests=not quiet)
    except ValueError as exc:
        parser.error(str(exc))


def main(argv: list[str] | None = None) -> None:
    config = parse_config(sys.argv[1:] if argv is None else argv, dict(os.environ))
    server = SandboxServer(config).start()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"Exotel sandbox at {server.url} for account SID {config.sid}", flush=True)
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
