import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tntproject.settings")

app = Celery("tntproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _require_production_settings(**kwargs) -> None:
    from .startup import require_production_settings

    require_production_settings()
