from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Live events"

    def ready(self) -> None:
        from accounts.hooks import register_user_blocked

        from .publisher import on_user_blocked

        register_user_blocked(on_user_blocked)
