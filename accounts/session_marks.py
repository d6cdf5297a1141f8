"""How a session was signed in: the mark the admin's sign-in leaves, and the admin's test of it.

No imports of the project: `admin_login` (which sets the mark) and `admin_site` (which asks for
it, and is loaded as an app config before any model) both import this, never each other's names.
"""

from __future__ import annotations

AUTH_METHOD_SESSION_KEY = "tnt_auth_method"
ADMIN_AUTH_METHOD = "password+sms_code"


def mark_session_auth_method(request, *, method: str) -> None:
    """Record on the (just signed-in) session how it was authenticated."""
    request.session[AUTH_METHOD_SESSION_KEY] = method


def session_opens_admin(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(AUTH_METHOD_SESSION_KEY) == ADMIN_AUTH_METHOD
