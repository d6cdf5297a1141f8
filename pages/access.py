"""Who may see a student page, and what everyone else is shown instead.

Students use these pages. A vendor is pointed to the dashboard, staff to the
admin, a signed-out visitor to the sign-in page. A blocked account is signed
out and told why: Django already refuses its session (an inactive user is
anonymous), and `accounts.selectors` says whether that is because of blocking.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import selectors as account_selectors
from accounts.models import User


def is_blocked_visitor(request: HttpRequest) -> bool:
    """Does this browser still carry the session of an account that has since been blocked?"""
    if request.user.is_authenticated:
        return False
    user_id = request.session.get(SESSION_KEY)
    if user_id is not None and account_selectors.user_is_blocked(user_id=user_id):
        return True
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    return bool(
        session_key and account_selectors.credential_is_revoked_for_blocked_user(kind="session", secret=session_key)
    )


def _blocked_user_id(request: HttpRequest) -> int | None:
    user_id = request.session.get(SESSION_KEY)
    if user_id is not None:
        return int(user_id)
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None
    return account_selectors.blocked_user_find_by_credential(kind="session", secret=session_key)


def blocked_response(request: HttpRequest) -> HttpResponse:
    """Sign the browser out and say the account is blocked, with staff's reason and end date."""
    notice = account_selectors.user_block_notice_find(user_id=_blocked_user_id(request))
    logout(request)
    return render(request, "pages/blocked.html", {"block_notice": notice}, status=403)


def not_for_role_response(request: HttpRequest) -> HttpResponse | None:
    """The page a vendor or staff member gets instead of a student-only page; None for students."""
    user = request.user
    if user.role == User.Role.VENDOR:
        context = {
            "heading": _("This page is for students"),
            "explanation": _(
                "You are signed in as a vendor. Your orders, menu and payouts are on the vendor dashboard."
            ),
            "target_url": reverse("dashboard:home"),
            "target_label": _("Go to the dashboard"),
        }
    elif user.is_campus_staff:
        context = {
            "heading": _("This page is for students"),
            "explanation": _(
                "You are signed in as campus staff. Vendors, users and payments are managed in the admin."
            ),
            "target_url": reverse("admin:index"),
            "target_label": _("Go to the admin"),
        }
    else:
        return None
    return render(request, "pages/not_for_you.html", context, status=403)


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any page: a blocked account's leftover session is signed out first."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_blocked_visitor(request):
            return blocked_response(request)
        return view(request, *args, **kwargs)

    return wrapper


def student_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page only a signed-in student may use."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_blocked_visitor(request):
            return blocked_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        refusal = not_for_role_response(request)
        if refusal is not None:
            return refusal
        return view(request, *args, **kwargs)

    return wrapper
