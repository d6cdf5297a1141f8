from django.apps import AppConfig


class StationeryConfig(AppConfig):
    name = "stationery"
    verbose_name = "Stationery"

    def ready(self) -> None:
        from . import payable

        payable.payable_register()
