from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Imported for their side effects: the SMS system checks and the schema extensions.
        from . import checks, schema  # noqa: F401
