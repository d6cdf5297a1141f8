"""Signing in by OTP, registering a shop (the same two steps), and signing out."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import limits as otp_limits
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.errors import AccountBlockedError
from accounts.models import User
from core.errors import ApplicationError, RateLimited

from ..access import page
from ..errors import plain_error
from ..forms import CodeForm, PhoneForm, ShopSignUpForm
from .common import landing_for, safe_next, with_next

_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
_OTP_PENDING = "pages.otp_pending"


@dataclass(frozen=True)
class _OtpFlow:
    """The two ways in by OTP. Both share every step, limit and counter; registering a
    shop only adds the new vendor's shop name and type to the code step."""

    phone_url: str
    code_url: str
    register_shop: bool = False


_SIGN_IN = _OtpFlow(phone_url="pages:login", code_url="pages:login-code")
_REGISTER_SHOP = _OtpFlow(phone_url="pages:register-shop", code_url="pages:register-shop-code", register_shop=True)


def _remember_code_sent(request: HttpRequest, *, phone: str, resend_after: int, expires_in: int) -> None:
    request.session[_OTP_PENDING] = {
        "phone": phone,
        "resend_at": time.time() + resend_after,
        "expires_in": expires_in,
    }


def _flow_context(flow: _OtpFlow) -> dict:
    return {
        "nav": "register-shop" if flow.register_shop else "login",
        "register_shop": flow.register_shop,
        "phone_action": reverse(flow.phone_url),
        "code_action": reverse(flow.code_url),
    }


def _already_signed_in(request: HttpRequest, *, flow: _OtpFlow, next_url: str) -> HttpResponse:
    user = request.user
    if flow.register_shop and user.role != User.Role.VENDOR:
        messages.info(
            request,
            _("You are already signed in. To register a shop, sign out first and use the shop's own phone number."),
        )
    return redirect(next_url or landing_for(user))


def _otp_phone_step(request: HttpRequest, *, flow: _OtpFlow) -> HttpResponse:
    """Step 1: the phone number. Sends the code, rate-limited like the API, and goes to step 2."""
    # A new shop always lands on the dashboard, so registering ignores `next`.
    next_url = "" if flow.register_shop else safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return _already_signed_in(request, flow=flow, next_url=next_url)
    if request.GET.get("change"):
        request.session.pop(_OTP_PENDING, None)

    form = PhoneForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            try:
                # The same limits, groups and counters as POST /api/v1/auth/otp/request.
                otp_limits.enforce_otp_request_limits_by_ip(request)
                otp_limits.enforce_otp_request_limits_by_phone(request, phone=phone)
                sent = account_services.otp_request(phone=phone)
            except RateLimited as exc:
                wait = exc.details.get("resend_after")
                if wait:
                    # Inside the resend cool-down: the code sent moments ago still works.
                    pending = request.session.get(_OTP_PENDING) or {}
                    _remember_code_sent(
                        request,
                        phone=phone,
                        resend_after=int(wait),
                        expires_in=pending.get("expires_in") or settings.OTP_TTL_SECONDS,
                    )
                    messages.info(
                        request,
                        ngettext(
                            "We sent a code moments ago. You can ask for a new one in %(count)s second.",
                            "We sent a code moments ago. You can ask for a new one in %(count)s seconds.",
                            int(wait),
                        )
                        % {"count": wait},
                    )
                    return redirect(with_next(reverse(flow.code_url), next_url))
                error, status = plain_error(exc), 429
            except ApplicationError as exc:
                error, status = plain_error(exc), exc.status_code
            else:
                _remember_code_sent(request, phone=phone, resend_after=sent.resend_after, expires_in=sent.expires_in)
                messages.success(request, _("We sent you a code by SMS."))
                return redirect(with_next(reverse(flow.code_url), next_url))
    context = {**_flow_context(flow), "form": form, "error": error, "next": next_url}
    return render(request, "pages/login.html", context, status=status)


def _signed_in_redirect(
    request: HttpRequest, *, signed_in: account_services.SignIn, flow: _OtpFlow, next_url: str
) -> HttpResponse:
    """Where a fresh sign-in goes, with a word on what happened. An existing phone keeps its role."""
    user = signed_in.user
    if flow.register_shop:
        if user.role == User.Role.VENDOR:
            # Its dashboard says the rest: pending approval, or the shop itself.
            return redirect(landing_for(user))
        if user.role == User.Role.STUDENT:
            warning = _(
                "This number already has a student account, so no shop was registered: you are signed in with it. "
                "To register a shop, sign out and use the shop's own phone number."
            )
        else:
            warning = _(
                "This number already has a staff account, so no shop was registered: you are signed in with it. "
                "To register a shop, sign out and use the shop's own phone number."
            )
        messages.warning(request, warning)
        return redirect(landing_for(user))
    if user.name:
        messages.success(request, _("You are signed in, %(name)s.") % {"name": user.name})
    else:
        messages.success(request, _("You are signed in."))
    if user.role != User.Role.STUDENT:
        return redirect(landing_for(user))
    return redirect(next_url or landing_for(user))


def _otp_code_step(request: HttpRequest, *, flow: _OtpFlow) -> HttpResponse:
    """Step 2: the code. Signs the browser in; a new phone becomes a student, or a new shop
    (an unapproved vendor) when registering."""
    next_url = "" if flow.register_shop else safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return _already_signed_in(request, flow=flow, next_url=next_url)
    pending = request.session.get(_OTP_PENDING)
    if not pending:
        return redirect(with_next(reverse(flow.phone_url), next_url))

    form = (ShopSignUpForm if flow.register_shop else CodeForm)(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                otp_limits.enforce_otp_verify_limits(request)
                signed_in = account_services.otp_verify(
                    phone=pending["phone"],
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    **form.sign_up_fields(),
                )
            except AccountBlockedError as exc:
                request.session.pop(_OTP_PENDING, None)  # the code proved the phone: say why it is blocked
                notice = account_selectors.user_block_notice_find(phone=pending["phone"])
                context = {"refusal": plain_error(exc), "block_notice": notice}
                return render(request, "pages/blocked.html", context, status=403)
            except ApplicationError as exc:
                error, status = plain_error(exc), exc.status_code
            else:
                login(request, signed_in.user, backend=_SESSION_BACKEND)
                request.session.pop(_OTP_PENDING, None)
                return _signed_in_redirect(request, signed_in=signed_in, flow=flow, next_url=next_url)
        elif flow.register_shop:
            error = _("Please check: %(problems)s") % {
                "problems": " ".join(e for errors in form.errors.values() for e in errors)
            }
    context = {
        **_flow_context(flow),
        "form": form,
        "error": error,
        "phone": pending["phone"],
        "next": next_url,
        "resend_after": max(0, int(pending["resend_at"] - time.time() + 0.999)),
        "expires_minutes": max(1, int(pending.get("expires_in") or settings.OTP_TTL_SECONDS) // 60),
        "vendor_types": User.VendorType.choices,
    }
    return render(request, "pages/login_code.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def login_phone(request: HttpRequest) -> HttpResponse:
    return _otp_phone_step(request, flow=_SIGN_IN)


@page
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    return _otp_code_step(request, flow=_SIGN_IN)


@page
@require_http_methods(["GET", "POST"])
def register_shop(request: HttpRequest) -> HttpResponse:
    """Register a shop, step 1: the shop's phone number (the sign-in step with the same limits)."""
    return _otp_phone_step(request, flow=_REGISTER_SHOP)


@page
@require_http_methods(["GET", "POST"])
def register_shop_code(request: HttpRequest) -> HttpResponse:
    """Register a shop, step 2: the code, the shop's name and what it sells.

    Signs up through `otp_verify` exactly as POST /api/v1/auth/otp/verify with
    role=vendor does; the shop is made by the vendor sign-up hook in that transaction.
    """
    return _otp_code_step(request, flow=_REGISTER_SHOP)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End this browser's session. An API token the user holds elsewhere keeps working."""
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("pages:home")
