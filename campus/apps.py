from django.apps import AppConfig


class CampusConfig(AppConfig):
    """The whole campus picture across apps: the demo campus (`manage.py seed_demo`), the campus
    office's admin pages, the business numbers of /metrics and the on-call status page."""

    name = "campus"
    verbose_name = "Campus"

    def ready(self) -> None:
        from core.metrics import business_collector_register

        from .metrics import BusinessCollector

        business_collector_register(BusinessCollector())
