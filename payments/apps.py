from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from . import checks

        # A fake payment gateway must never serve with DEBUG off: refuse to start at all.
        checks.guard_sandbox()
