"""Log formatting for every process (web, worker, scheduler, gunicorn): text for people, JSON for machines.

Django-free, so gunicorn.conf.py can use it before Django is loaded. Both formatters redact the callback
token from whatever they print: it is a password for one call's status updates.
"""

import json
import logging
import re
from datetime import UTC, datetime

FORMATS = ("text", "json")

# The token in each call's StatusCallback URL (calls/urls.py, "exotel-callback"). Redacted wherever it shows,
# including Django's own "Not Found: <path>" warnings and tracebacks.
CALLBACK_TOKEN = re.compile(r"(/callbacks/exotel/\d+/)[^/?#\s\"']+")
REDACTED = "…"

# Everything a LogRecord holds by itself; any other attribute came from `extra=` and is printed as a field.
# Except Django's `request`: its text carries the query string, and the request's own line says the rest.
_NOT_FIELDS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "request"}


def redact(text: str) -> str:
    return CALLBACK_TOKEN.sub(rf"\g<1>{REDACTED}", text)


def log_format(raw: str) -> str:
    """Validate LOG_FORMAT (used by settings)."""
    if raw not in FORMATS:
        raise ValueError(f"must be one of {', '.join(FORMATS)}")
    return raw


class TextFormatter(logging.Formatter):
    """Time, level, logger and message on one line (tracebacks below it); the message says it all."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record):
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the `extra=` fields, exc."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in _extra(record).items():
            if not isinstance(value, bool | int | float | type(None)):
                value = redact(str(value))
            entry[key] = value
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def _extra(record):
    return {key: value for key, value in record.__dict__.items() if key not in _NOT_FIELDS}


class QuietTaskLifecycle(logging.Filter):
    """Drop Django's own "task started" and "task finished" lines: ops.task_logging writes one line per run.

    A filter rather than a logger level, because db_worker sets that level from its --verbosity. Failures
    (ERROR, with the traceback) still come through.
    """

    def filter(self, record):
        return record.name != "django.tasks" or record.levelno >= logging.WARNING


class GunicornAccessFields(logging.Filter):
    """Gunicorn's access-log atoms as fields: method, path (without the query string), status, duration."""

    def filter(self, record):
        atoms = record.args
        if isinstance(atoms, dict):
            record.method = atoms.get("m")
            record.path = atoms.get("U")
            record.status = _int_or_none(atoms.get("s"))
            record.duration_ms = atoms.get("M")
        return True


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def logging_config(fmt: str, level: str) -> dict:
    """Django's LOGGING: every record to stdout through one formatter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"()": TextFormatter},
            "json": {"()": JsonFormatter},
        },
        "filters": {"quiet_task_lifecycle": {"()": QuietTaskLifecycle}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "stream": "ext://sys.stdout",
                "filters": ["quiet_task_lifecycle"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own handlers (a stderr one in DEBUG, admin e-mails) would bypass the redaction.
            "django": {"handlers": [], "propagate": True},
            # runserver's request lines: ops.middleware writes one per request already.
            "django.server": {"handlers": [], "propagate": True, "level": "WARNING"},
            "django.db.backends": {"level": "WARNING"},
            # axes says INFO on every login ("Deleted 0 failed login attempts"); lockouts are WARNING.
            "axes": {"level": "WARNING"},
            # apscheduler says INFO twice for every job it starts, the scheduler's lock renewal every 5 s
            # included (325 of 1,510 lines in 13 minutes); the worker logs each task that ran. Its warnings
            # (a run missed) and errors still come through.
            "apscheduler.executors.default": {"level": "WARNING" if level == "INFO" else level},
            # django-crontask's heartbeat task logs a row of hearts each minute; the task line says it ran.
            "crontask.tasks": {"level": "WARNING" if level == "INFO" else level},
        },
    }


def gunicorn_logging_config(fmt: str, level: str, *, access_log: bool) -> dict:
    """Gunicorn's own log (start-up, workers) in the same format; its access log only when asked for."""
    config = logging_config(fmt, level)
    config["filters"]["access_fields"] = {"()": GunicornAccessFields}
    config["handlers"]["access"] = {**config["handlers"]["console"], "filters": ["access_fields"]}
    config["loggers"] = {
        "gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO",
            "handlers": ["access"] if access_log else [],
            "propagate": False,
        },
    }
    return config
