from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from django.tasks.signals import task_finished, task_started

        from .task_logging import log_task_finished
        from .worker_beat import start_beating

        task_finished.connect(log_task_finished, dispatch_uid="ops.log_task_finished")
        task_started.connect(start_beating, dispatch_uid="ops.start_beating")
