"""Structured logs: one line per request and per task run, as JSON or text, and never a secret in them."""

import io
import json
import logging
import sys
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.tasks import task
from django.test import Client
from django.urls import reverse

from calls.tasks import refresh_call
from calls.tests.factories import make_call
from calls.tests.placing.test_place_call_on_sandbox import final_call, place
from calls.tracking.tokens import callback_token, callback_url
from exotel_dashboard.testing import point_app_at
from lib.logs import (
    GunicornAccessFields,
    JsonFormatter,
    QuietTaskLifecycle,
    TextFormatter,
    gunicorn_logging_config,
    logging_config,
    redact,
)
from ops.models import Heartbeat
from ops.tasks import worker_heartbeat


class Captured:
    """Everything the app logs while a test runs, through the real formatters."""

    def __init__(self, formatter):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(formatter)
        # The sandbox is Exotel, not us: its own request log is not the app's.
        self.handler.addFilter(lambda record: not record.name.startswith("sandbox"))

    @property
    def text(self):
        return self.stream.getvalue()

    def lines(self, logger=None):
        entries = [json.loads(line) for line in self.text.splitlines()]
        return [entry for entry in entries if logger is None or entry["logger"] == logger]


@pytest.fixture
def captured():
    """JSON lines, as in production."""
    yield from _capture(JsonFormatter())


@pytest.fixture
def captured_text():
    yield from _capture(TextFormatter())


def _capture(formatter):
    captured = Captured(formatter)
    root = logging.getLogger()
    level = root.level
    root.addHandler(captured.handler)
    root.setLevel(logging.INFO)
    yield captured
    root.removeHandler(captured.handler)
    root.setLevel(level)


def record(message, *args, **extra):
    exc_info = extra.pop("exc_info", None)
    entry = logging.LogRecord("calls.test", logging.WARNING, __file__, 1, message, args, exc_info)
    entry.__dict__.update(extra)
    return entry


# The formatters


def test_a_json_line_has_time_level_logger_message_and_the_extra_fields():
    line = json.loads(JsonFormatter().format(record("call %s: %s", 7, "busy", call_id=7, outcome="busy")))
    assert line["level"] == "WARNING" and line["logger"] == "calls.test"
    assert line["message"] == "call 7: busy"
    assert line["call_id"] == 7 and line["outcome"] == "busy"
    assert line["time"].endswith("+00:00")


def test_a_traceback_stays_on_the_one_json_line():
    try:
        raise ValueError("boom")
    except ValueError:
        entry = record("failed", exc_info=sys.exc_info())
    text = JsonFormatter().format(entry)
    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["exc"]


@pytest.mark.django_db
def test_the_callback_token_is_redacted_from_messages_fields_and_tracebacks():
    url = callback_url(42)
    token = callback_token(42)
    try:
        raise RuntimeError(f"could not POST {url}")
    except RuntimeError:
        entry = record("Not Found: %s", url, exc_info=sys.exc_info(), path=url, request=f"<GET {url}>")
    for formatter in (JsonFormatter(), TextFormatter()):
        text = formatter.format(entry)
        assert token not in text
        assert "/callbacks/exotel/42/…/" in text


def test_the_redaction_pattern_matches_the_callback_route():
    path = reverse("exotel-callback", kwargs={"call_id": 5, "token": "a1b2c3" * 6 + "a1b2"})
    assert redact(path) == "/callbacks/exotel/5/…/"
    assert redact("/calls/5/") == "/calls/5/"


def test_log_format_json_or_text_is_checked_at_start_up(monkeypatch):
    from exotel_dashboard.settings import _typed
    from lib.logs import log_format

    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        _typed("LOG_FORMAT", log_format, "text")


def test_the_logging_config_sends_every_record_to_stdout_through_the_chosen_formatter(settings):
    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT == "text"
    config = logging_config("json", "INFO")
    console = config["handlers"]["console"]
    assert (console["class"], console["formatter"], console["stream"]) == (
        "logging.StreamHandler",
        "json",
        "ext://sys.stdout",
    )
    assert config["formatters"]["json"]["()"] is JsonFormatter


def test_djangos_own_loggers_go_through_the_redacting_handler_only():
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate is True
    assert logging.getLogger("django.server").propagate is True


def test_gunicorns_access_log_is_off_unless_asked_for():
    assert (
        gunicorn_logging_config("json", "INFO", access_log=False)["loggers"]["gunicorn.access"]["handlers"]
        == []
    )
    on = gunicorn_logging_config("json", "INFO", access_log=True)
    assert on["loggers"]["gunicorn.access"]["handlers"] == ["access"]


def test_gunicorns_access_atoms_become_fields():
    atoms = {"m": "POST", "U": "/callbacks/exotel/3/secret-token/", "s": "200", "M": 12, "q": "a=b"}
    entry = record("%(m)s %(U)s %(s)s %(M)sms", atoms)
    entry.args = atoms  # LogRecord unwraps a lone mapping argument the same way
    GunicornAccessFields().filter(entry)
    line = json.loads(JsonFormatter().format(entry))
    assert line["message"] == "POST /callbacks/exotel/3/…/ 200 12ms"
    assert (line["method"], line["path"], line["status"], line["duration_ms"]) == (
        "POST",
        "/callbacks/exotel/3/…/",
        200,
        12,
    )
    assert "secret-token" not in json.dumps(line)


# One line per request


def test_a_request_line_has_method_path_status_duration_and_user(captured, client, manager):
    client.force_login(manager)
    client.get("/calls/?status=busy&to=%2B919876543210")
    (line,) = captured.lines("exotel_dashboard.request")
    assert line["method"] == "GET"
    assert line["path"] == "/calls/"  # no query string: filters hold phone numbers
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"] == manager.pk
    assert line["call_id"] is None
    assert line["message"].startswith("GET /calls/ 200 ") and line["message"].endswith(f"user={manager.pk}")


def test_a_request_about_a_call_names_the_call(captured, client, manager):
    call = make_call(agent=manager)
    client.force_login(manager)
    client.get(f"/calls/{call.pk}/")
    (line,) = captured.lines("exotel_dashboard.request")
    assert line["call_id"] == call.pk
    assert line["path"] == f"/calls/{call.pk}/"


def test_an_anonymous_request_has_no_user(captured, client, db):
    client.get("/calls/")
    (line,) = captured.lines("exotel_dashboard.request")
    assert line["status"] == 302 and line["user_id"] is None


def test_the_text_format_is_one_readable_line(captured_text, client, manager):
    client.force_login(manager)
    client.get("/calls/")
    (line,) = [text for text in captured_text.text.splitlines() if "exotel_dashboard.request" in text]
    assert line.endswith(f"GET /calls/ 200 {line.split()[-2]} user={manager.pk}")


def test_a_callback_is_logged_with_its_token_replaced(captured, client, db):
    call = make_call(status="ringing")
    token = callback_token(call.pk)
    url = reverse("exotel-callback", kwargs={"call_id": call.pk, "token": token})
    client.post(url, {"CallSid": call.sid, "Status": "completed"})
    client.post(url, "not json", content_type="application/json")  # 400: Django logs the path too
    assert token not in captured.text
    lines = captured.lines("exotel_dashboard.request")
    assert [line["path"] for line in lines] == [f"/callbacks/exotel/{call.pk}/…/"] * 2
    assert lines[0]["call_id"] == call.pk


# One line per task run


@pytest.mark.django_db
def test_a_task_run_is_one_line_with_its_outcome_and_duration(captured):
    worker_heartbeat.enqueue()
    (line,) = captured.lines("exotel_dashboard.task")
    assert line["task"] == "ops.tasks.worker_heartbeat"
    assert line["outcome"] == "successful"
    assert line["duration_ms"] >= 0
    assert line["call_id"] is None
    assert Heartbeat.objects.exists()


@pytest.mark.django_db
def test_a_task_about_a_call_names_the_call_and_a_failure_names_the_error(captured):
    refresh_call.enqueue(call_id=987654)  # no such call: the task fails
    (line,) = captured.lines("exotel_dashboard.task")
    assert line["task"] == "calls.tasks.refresh_call"
    assert line["call_id"] == 987654
    assert line["outcome"] == "failed"
    assert line["error"] == "calls.models.Call.DoesNotExist"
    assert line["level"] == "WARNING"


def test_djangos_own_task_start_and_finish_lines_are_dropped_but_not_its_failures():
    quiet = QuietTaskLifecycle()
    started = logging.makeLogRecord({"name": "django.tasks", "levelno": logging.INFO})
    failed = logging.makeLogRecord({"name": "django.tasks", "levelno": logging.ERROR})
    ours = logging.makeLogRecord({"name": "exotel_dashboard.task", "levelno": logging.INFO})
    assert [quiet.filter(r) for r in (started, failed, ours)] == [False, True, True]


@task
def positional_call(call_id: int):
    return call_id


@pytest.mark.django_db
def test_a_positional_call_id_is_found_too(captured):
    positional_call.enqueue(31)
    (line,) = captured.lines("exotel_dashboard.task")
    assert line["call_id"] == 31 and line["outcome"] == "successful"


# Exotel's credentials and the callback token never reach a log


SECRET_KEY_FOR_API = "key-must-never-be-logged-7f3a"
SECRET_TOKEN_FOR_API = "token-must-never-be-logged-91c2"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_placing_a_call_and_its_callbacks_log_no_credentials_and_no_callback_token(
    captured, sandbox_factory, live_server, settings, agent, exophone
):
    sandbox = sandbox_factory(api_key=SECRET_KEY_FOR_API, api_token=SECRET_TOKEN_FOR_API)
    point_app_at(sandbox, live_server, settings)
    call = final_call(place(agent, exophone, "+919876543205"))
    assert call.status == "completed"
    sandbox.wait_for(lambda: len(sandbox.callbacks()) >= 2)
    # A callback for a call we do not have, with a valid token: Django logs "Not Found: <path>".
    Client().post(callback_url(call.pk + 1000).removeprefix(settings.PUBLIC_BASE_URL), {"Status": "busy"})

    text = captured.text
    for secret in (
        SECRET_KEY_FOR_API,
        SECRET_TOKEN_FOR_API,
        callback_token(call.pk),
        callback_token(call.pk + 1000),
    ):
        assert secret not in text
    lines = captured.lines()
    paths = [line.get("path") for line in lines if line["logger"] == "exotel_dashboard.request"]
    assert f"/callbacks/exotel/{call.pk}/…/" in paths  # the sandbox's callbacks were logged, redacted
    tasks = [line for line in lines if line["logger"] == "exotel_dashboard.task"]
    assert any(t["task"] == "calls.placing.tasks.dial_call" and t["call_id"] == call.pk for t in tasks)


def test_the_scheduler_runs_jobs_without_a_line_at_info_but_reports_a_job_that_fails(caplog):
    """The lock renewal every 5 s filled a fifth of `make run`'s output; the worker logs each task run."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
    from apscheduler.schedulers.background import BackgroundScheduler

    finished = []
    both_finished = threading.Event()

    def count(event):
        finished.append(event.job_id)
        if len(finished) == 2:
            both_finished.set()

    def breaks():
        raise RuntimeError("the job broke")

    scheduler = BackgroundScheduler()
    scheduler.add_listener(count, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.add_job(lambda: None, id="renew", name="crontask.utils.lock.extend")
    scheduler.add_job(breaks, id="broken", name="broken")
    scheduler.start()
    try:
        assert both_finished.wait(10)
    finally:
        scheduler.shutdown()
    lines = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "apscheduler.executors.default"
    ]
    assert len(lines) == 1
    assert lines[0][0] == "ERROR" and "broken" in lines[0][1] and "raised an exception" in lines[0][1]


@pytest.mark.parametrize(
    ("level", "scheduler_level"), [("INFO", "WARNING"), ("DEBUG", "DEBUG"), ("ERROR", "ERROR")]
)
def test_the_schedulers_routine_lines_show_at_log_level_debug(level, scheduler_level):
    loggers = logging_config("text", level)["loggers"]
    assert loggers["apscheduler.executors.default"]["level"] == scheduler_level
    assert loggers["crontask.tasks"]["level"] == scheduler_level
