"""Token and session authentication that refuse blocked accounts with `account_blocked`."""

from rest_framework import authentication, exceptions


class AccountBlocked(exceptions.AuthenticationFailed):
    default_detail = "This account is blocked. Contact campus staff."
    default_code = "account_blocked"
    tnt_code = "account_blocked"


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise AccountBlocked()
        return (token.user, token)


class SessionAuthentication(authentication.SessionAuthentication):
    """Django's session auth; a blocked user's session no longer resolves to a user at all."""
