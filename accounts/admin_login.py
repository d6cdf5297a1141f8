"""`/admin/login/` in two steps: phone and password, then the code texted to that phone.

Wrong passwords are counted per phone and per IP (`RATE_LIMIT_ADMIN_LOGIN`, 429 once
over), wrong codes per phone like every sign-in (`OTP_MAX_FAILURES_PER_HOUR`). The
password step leaves only `{user id, phone, deadline}` in the session, never the
password; the user is signed in (and the session marked for the admin) only after the
code.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from core.errors import ApplicationError, RateLimited

from . import limits, services
from .phones import InvalidPhone, normalize_phone
from .session_marks import ADMIN_AUTH_METHOD, mark_session_auth_method

PENDING_SESSION_KEY = "tnt_admin_login_pending"
_SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"
WRONG_PASSWORD = "Enter the phone and password of an active staff account."


class AdminPasswordForm(forms.Form):
    phone = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise ValidationError(str(exc)) from None


class AdminCodeForm(forms.Form):
    code = forms.RegexField(
        r"^[0-9]{6}$",
        max_length=6,
        label="Code sent by SMS",
        error_messages={"invalid": "Enter the 6-digit code."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request, site) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index", current_app=site.name)


def _pending(request) -> dict | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict) or time.time() > pending.get("until", 0):
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return pending


@sensitive_post_parameters("password", "code")
@csrf_protect
@never_cache
def admin_login_view(request, site, extra_context=None):
    next_url = _next_url(request, site)
    if request.method == "GET" and site.has_permission(request):
        return HttpResponseRedirect(next_url)
    if "restart" in request.GET or "restart" in request.POST:
        request.session.pop(PENDING_SESSION_KEY, None)
    pending = _pending(request)
    posted = request.method == "POST" and "restart" not in request.POST
    status, error, headers = 200, "", {}
    try:
        if pending is None:
            form = AdminPasswordForm(request.POST if posted else None)
            if posted and form.is_valid():
                phone, password = form.cleaned_data["phone"], form.cleaned_data["password"]
                limits.admin_login_check(request, phone=phone)
                user = authenticate(request, username=phone, password=password)
                if user is None or not user.is_staff:
                    limits.admin_login_failure_count(request, phone=phone)
                    error = WRONG_PASSWORD
                else:
                    limits.enforce_otp_request_limits_by_phone(request, phone=phone)
                    services.otp_request(phone=phone)
                    request.session[PENDING_SESSION_KEY] = {
                        "user_id": user.pk,
                        "phone": phone,
                        "until": time.time() + int(settings.OTP_TTL_SECONDS),
                    }
                    return HttpResponseRedirect(f"{request.path}?{urlencode({'next': next_url})}")
        else:
            form = AdminCodeForm(request.POST if posted else None)
            if posted and form.is_valid():
                user = services.admin_sign_in_code_verify(
                    user_id=pending["user_id"], phone=pending["phone"], code=form.cleaned_data["code"]
                )
                request.session.pop(PENDING_SESSION_KEY, None)
                login(request, user, backend=_SESSION_BACKEND)
                mark_session_auth_method(request, method=ADMIN_AUTH_METHOD)
                return HttpResponseRedirect(next_url)
    except RateLimited as exc:
        status, error = 429, "Too many tries. Wait before trying again."
        headers = dict(exc.headers)
    except ApplicationError as exc:
        error = exc.message
        if pending is not None and exc.code == "invalid_credentials":
            request.session.pop(PENDING_SESSION_KEY, None)
    context = {
        **site.each_context(request),
        "title": "Log in",
        "site_header": site.site_header,
        "form": form,
        "error": error,
        "step": "password" if pending is None else "code",
        "phone_suffix": pending["phone"][-4:] if pending else "",
        "app_path": request.path,
        "next": next_url,
        **(extra_context or {}),
    }
    response = TemplateResponse(request, "admin/login.html", context, status=status)
    for name, value in headers.items():
        response[name] = value
    return response
