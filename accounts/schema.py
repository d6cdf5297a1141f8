"""OpenAPI descriptions of the accounts authentication classes (drf-spectacular extensions)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class BlockAwareSessionScheme(SessionScheme):
    target_class = "accounts.authentication.SessionAuthentication"


class BlockAwareTokenScheme(TokenScheme):
    target_class = "accounts.authentication.TokenAuthentication"
