from django.apps import AppConfig


class StationeryConfig(AppConfig):
    name = "stationery"
    verbose_name = "Stationery"

    def ready(self) -> None:
        from .payable import register_print_job_payable

        register_print_job_payable()
