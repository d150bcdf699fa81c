"""One log line per task run: task, call id (when the task has one), outcome, duration.

Connected to django.tasks' task_finished signal in OpsConfig.ready, so every backend (the database worker,
the immediate backend of tests) logs the same way and the tasks themselves stay free of logging code.
"""

import inspect
import logging

from django.tasks.base import TaskResultStatus

log = logging.getLogger("exotel_dashboard.task")


def log_task_finished(sender, task_result, **kwargs):
    task = task_result.task
    outcome = "successful" if task_result.status == TaskResultStatus.SUCCESSFUL else "failed"
    duration_ms = None
    if task_result.started_at and task_result.finished_at:
        duration_ms = round((task_result.finished_at - task_result.started_at).total_seconds() * 1000, 1)
    call_id = _call_id(task.func, task_result.args, task_result.kwargs)
    error = task_result.errors[-1].exception_class_path if task_result.errors else None

    text = f"task {task.module_path}"
    if call_id is not None:
        text += f" call={call_id}"
    text += f" {outcome}"
    if error:
        text += f" ({error})"
    if duration_ms is not None:
        text += f" {duration_ms}ms"
    log.log(
        logging.INFO if outcome == "successful" else logging.WARNING,
        text,
        extra={
            "task": task.module_path,
            "task_id": str(task_result.id),
            "call_id": call_id,
            "outcome": outcome,
            "error": error,
            "duration_ms": duration_ms,
        },
    )


def _call_id(func, args, kwargs):
    """The task's `call_id` argument, if it takes one (dial_call, refresh_call)."""
    try:
        return inspect.signature(func).bind_partial(*args, **kwargs).arguments.get("call_id")
    except TypeError:
        return None
