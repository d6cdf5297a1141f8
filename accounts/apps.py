from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from rest_framework.authtoken.models import Token

        # checks and schema are imported for their side effects: the SMS system checks and the
        # schema extensions.
        from . import checks, schema, token_cache  # noqa: F401
        from .models import User

        # The token cache forgets a token whose user changed or that was deleted (accounts/token_cache.py).
        post_delete.connect(token_cache.on_token_deleted, sender=Token, dispatch_uid="token-cache-token-deleted")
        post_save.connect(token_cache.on_user_saved, sender=User, dispatch_uid="token-cache-user-saved")
