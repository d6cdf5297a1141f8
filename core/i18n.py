"""Which language a request is answered in (issue 25): English or Hindi.

The signed-in user's stored choice (`accounts.User.language`, set by the switcher) comes first,
then the language cookie the switcher sets for signed-out visitors, then `Accept-Language`, then
LANGUAGE_CODE. Token-authenticated API callers are known only once DRF has authenticated them, so
the API's exception handler asks `user_language` again for its messages.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def user_language(user: object) -> str:
    """The language `user` chose, or "" (none chosen, signed out, or not one we speak)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    stored = getattr(user, "language", "") or ""
    return stored if stored in dict(settings.LANGUAGES) else ""


def request_language(request: HttpRequest) -> str:
    """The language to answer `request` in: stored choice, cookie, Accept-Language, LANGUAGE_CODE."""
    return user_language(getattr(request, "user", None)) or translation.get_language_from_request(request)
