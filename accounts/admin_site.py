"""The Django admin site of Tap N Take: staff sign in with phone, password and then a code by SMS.

The admin opens only to a session that this two-step sign-in made: every sign-in marks
its session with how it was authenticated (`AUTH_METHOD_SESSION_KEY`), and
`has_permission` asks for the admin's own mark. A session made by a code alone (the
pages' sign-in, or `POST /auth/otp/verify`) is never enough, whoever it belongs to.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

AUTH_METHOD_SESSION_KEY = "tnt_auth_method"
ADMIN_AUTH_METHOD = "password+sms_code"


def mark_session_auth_method(request, *, method: str) -> None:
    """Record on the (just signed-in) session how it was authenticated."""
    request.session[AUTH_METHOD_SESSION_KEY] = method


def session_opens_admin(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(AUTH_METHOD_SESSION_KEY) == ADMIN_AUTH_METHOD


class TntAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and session_opens_admin(request)

    def login(self, request, extra_context=None):
        from .admin_login import admin_login_view

        return admin_login_view(request, self, extra_context)


class TntAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.TntAdminSite"
