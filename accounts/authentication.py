"""Token and session authentication that refuse blocked accounts with `account_blocked`.

A blocked user's tokens and sessions are deleted when they are blocked
(`services.user_block`), and their digests are kept as `RevokedCredential`
rows, so a client still presenting one is told `account_blocked` (403) rather
than a bare "invalid token". An account deactivated some other way (its token
still exists, or its session still names it) is refused the same way.

A token and its user are read from the cache when they are there (`token_cache`): every
change of the user or deletion of the token through the ORM forgets them at once; a change
that bypasses the ORM (`QuerySet.update()`) shows within TOKEN_CACHE_SECONDS.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import selectors, token_cache

logger = logging.getLogger(__name__)


class AccountBlocked(exceptions.PermissionDenied):
    default_detail = "This account is blocked. Contact campus staff."
    default_code = "account_blocked"
    tnt_code = "account_blocked"


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, answered from the cache when it can (accounts/token_cache.py)."""

    def authenticate_credentials(self, key):
        try:
            cached = token_cache.token_user_cached(token_key=key)
        except token_cache.CACHE_ERRORS:
            logger.warning("token cache unavailable; reading the token from the database", exc_info=True)
            cached, cache_works = None, False
        else:
            cache_works = True
        if cached is not None:
            return cached
        model = self.get_model()
        try:
            token = model.objects.select_related("user").get(key=key)
        except model.DoesNotExist:
            if selectors.credential_is_revoked_for_blocked_user(kind="token", secret=key):
                raise AccountBlocked() from None
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise AccountBlocked()
        if cache_works:
            token_cache.token_user_store(token=token)
        return (token.user, token)


class SessionAuthentication(authentication.SessionAuthentication):
    """Django's session auth (with its CSRF check); a blocked user's session answers `account_blocked`."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            return result
        django_request = request._request
        session = getattr(django_request, "session", None)
        # Django already refuses inactive users (the session resolves to AnonymousUser);
        # find out whether that is because the account is blocked, to say so.
        user_id = session.get(SESSION_KEY) if session is not None else None
        if user_id is not None and selectors.user_is_blocked(user_id=user_id):
            raise AccountBlocked()
        session_key = django_request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key and selectors.credential_is_revoked_for_blocked_user(kind="session", secret=session_key):
            raise AccountBlocked()
        return None
