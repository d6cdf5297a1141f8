from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "ordering"
    verbose_name = "Ordering"

    def ready(self) -> None:
        from . import payable

        payable.payable_register()
