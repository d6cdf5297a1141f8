from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: what every app imports and is not configuration (errors, money, middleware …)."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from tntproject.celery import app as celery_app

        from . import (
            checks,  # noqa: F401 - imported for its side effect: the proxy system check
            metrics_celery,
        )

        # Issue 26: Celery's task failures, reconciliation runs and worker heartbeats (core.metrics_celery).
        metrics_celery.install(celery_app)
