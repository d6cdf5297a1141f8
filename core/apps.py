from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: what every app imports and is not configuration (errors, money, middleware …)."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from celery import current_app
        from django.conf import settings

        from . import (
            checks,  # noqa: F401 - imported for its side effect: the proxy system check
            metrics_celery,
        )

        # Issue 26: Celery's task failures, reconciliation runs and worker heartbeats (core.metrics_celery).
        metrics_celery.install(current_app)
        # Sentry: off unless SENTRY_DSN is set; events scrubbed of personal data (core.sentry).
        if settings.SENTRY_DSN:
            from .sentry import sentry_init

            sentry_init(
                dsn=settings.SENTRY_DSN,
                environment=settings.SENTRY_ENVIRONMENT,
                release=settings.SENTRY_RELEASE,
                traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
            )
