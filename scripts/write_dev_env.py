"""Write a development .env from .env.example, pointed at the local sandbox, unless one exists."""

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_VALUES = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "true",
    "EXOTEL_SID": "demo_sandbox",
    "EXOTEL_API_KEY": "sandbox_api_key",
    "EXOTEL_API_TOKEN": "sandbox_api_token",
    "EXOTEL_API_URL": "http://127.0.0.1:8001",
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
}


def main():
    target = ROOT / ".env"
    if target.exists():
        print(".env exists; leaving it as it is.")
        return
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        name, sep, _ = line.partition("=")
        if sep and not line.startswith("#") and name in DEVELOPMENT_VALUES:
            line = f"{name}={DEVELOPMENT_VALUES[name]}"
        lines.append(line)
    target.write_text("\n".join(lines) + "\n")
    target.chmod(0o600)
    print("Wrote .env for development (sandbox credentials, random SECRET_KEY).")


if __name__ == "__main__":
    sys.exit(main())
