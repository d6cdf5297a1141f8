from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: what every app imports and is not configuration (errors, money, middleware …)."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Imported for its side effect: the proxy system check.
        from . import checks  # noqa: F401
