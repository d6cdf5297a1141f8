"""One error shape for the whole API.

Services raise `ApplicationError` subclasses with a stable `code`; the DRF
exception handler and the Django error handlers (for `/api/` and `/health/`)
render everything as::

    {"error": {"code", "message", "details"}, "request_id"}
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError as DbInterfaceError
from django.db import OperationalError as DbOperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_ratelimit.exceptions import Ratelimited
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refusal the client can act on. Subclasses fix `code`, `status_code` and `message`."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "bad_request"
    message: str = _("The request could not be processed.")  # lazy: said in the language of the request

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        # No `code=`/`status_code=` here: a refusal with another code or status is its own subclass.
        self.message = message or self.message
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    status_code = 400
    code = "validation_error"
    message = _("The request is not valid.")


class NotFound(ApplicationError):
    status_code = 404
    code = "not_found"
    message = _("Not found.")


class Forbidden(ApplicationError):
    status_code = 403
    code = "permission_denied"
    message = _("You do not have permission to do this.")


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
    message = _("The request conflicts with the current state.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = _("This action is not allowed in the current state.")


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"
    message = _("This Idempotency-Key was already used for a different request, or that request is still running.")


class RequestTooLarge(ApplicationError):
    status_code = 413
    code = "request_too_large"
    message = _("The request body is too large.")


class RateLimited(ApplicationError):
    status_code = 429
    code = "rate_limited"
    message = _("Too many requests. Try again later.")


class GatewayError(ApplicationError):
    status_code = 502
    code = "gateway_error"
    message = _("The payment gateway is unreachable or failing. Nothing was charged; try again shortly.")


class ServiceUnavailable(ApplicationError):
    status_code = 503
    code = "service_unavailable"
    message = _("The service is temporarily unavailable. Try again shortly.")


_DRF_CODES: dict[type, str] = {
    drf_exceptions.ValidationError: "validation_error",
    drf_exceptions.ParseError: "validation_error",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.PermissionDenied: "permission_denied",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.NotAcceptable: "not_acceptable",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "rate_limited",
}

_DRF_MESSAGES: dict[str, str] = {
    "validation_error": _("The request is not valid."),
    "not_found": _("Not found."),
}


def request_id_of(request: HttpRequest | None) -> str:
    return getattr(request, "request_id", "-") if request is not None else "-"


def envelope(code: str, message: str, details: dict[str, Any] | None, request: HttpRequest | None) -> dict:
    """The error body; a lazy `message` (and lazy texts in `details`) are said in the active language."""
    return {
        "error": {"code": code, "message": str(message), "details": _said(details or {})},
        "request_id": request_id_of(request),
    }


def _said(value: Any) -> Any:
    """`value` with every lazy text in it turned into words of the active language."""
    if isinstance(value, dict):
        return {key: _said(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_said(item) for item in value]
    if isinstance(value, Promise):
        return str(value)
    return value


def _drf_details(exc: drf_exceptions.APIException) -> dict[str, Any]:
    if not isinstance(exc, drf_exceptions.ValidationError):
        return {}
    detail = exc.detail
    if isinstance(detail, dict):
        return detail
    return {"non_field_errors": detail if isinstance(detail, list) else [detail]}


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's EXCEPTION_HANDLER: every API error in the envelope, never a traceback.

    The message is in the caller's language: a token caller's stored choice is known only now
    (DRF authenticates in the view), so it is looked up again; `_user` is read, not `user`, so a
    failed authentication is not tried a second time.
    """
    from .i18n import user_language

    request = context.get("request")
    language = user_language(getattr(request, "_user", None)) or translation.get_language()
    with translation.override(language):
        return _api_error_response(exc, request)


def _api_error_response(exc: Exception, request: Any) -> Response:
    django_request = getattr(request, "_request", request)
    headers: dict[str, str] = {}

    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, Ratelimited):
        exc = RateLimited(headers={"Retry-After": "60"})
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, RecursionError):
        # A parser outside core.parsers (a view's own parser_classes) choked on a body
        # nested too deep: the client's fault, and nothing was done with it.
        logger.warning("request body nested too deeply", exc_info=False)
        exc = ValidationFailed(_("The request body is nested too deeply."))
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = ValidationFailed(_("The request has too many fields or files."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    elif isinstance(exc, DbOperationalError | DbInterfaceError | RedisConnectionError | RedisTimeoutError):
        logger.error("backing service unavailable: %s", type(exc).__name__, exc_info=exc)
        exc = ServiceUnavailable()

    if isinstance(exc, ApplicationError):
        body = envelope(exc.code, exc.message, exc.details, django_request)
        return Response(body, status=exc.status_code, headers={**exc.headers})

    if isinstance(exc, drf_exceptions.APIException):
        code = getattr(exc, "tnt_code", None)
        if code is None:
            code = next((c for klass, c in _DRF_CODES.items() if isinstance(exc, klass)), None)
        if code is None:
            code = exc.default_code if isinstance(exc.default_code, str) else "error"
        if isinstance(exc, drf_exceptions.ValidationError):
            message = _DRF_MESSAGES["validation_error"]
        elif isinstance(exc.detail, str):
            message = str(exc.detail)
        else:
            message = str(exc.default_detail)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        status_code = exc.status_code
        # DRF answers 403 for unauthenticated callers when no auth class offers a header;
        # the contract says 401 for those.
        if isinstance(exc, drf_exceptions.NotAuthenticated):
            status_code = status.HTTP_401_UNAUTHORIZED
        return Response(envelope(code, message, _drf_details(exc), django_request), status=status_code, headers=headers)

    logger.error("unhandled exception in API view", exc_info=exc)
    body = envelope("server_error", _("Something went wrong on our side. It has been logged."), None, django_request)
    return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


# --- Django-level handlers (URLs DRF never sees) ------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/health/"))


def _error_response(request: HttpRequest, status_code: int, code: str, message: str, template: str):
    if _wants_json(request):
        return JsonResponse(envelope(code, message, None, request), status=status_code)
    return render(request, template, {"message": message}, status=status_code)


def handler400(request: HttpRequest, exception: Exception | None = None):
    return _error_response(request, 400, "validation_error", _("The request is not valid."), "errors/400.html")


def handler403(request: HttpRequest, exception: Exception | None = None):
    message = _("You do not have permission to do this.")
    return _error_response(request, 403, "permission_denied", message, "errors/403.html")


def handler404(request: HttpRequest, exception: Exception | None = None):
    return _error_response(request, 404, "not_found", _("Not found."), "errors/404.html")


def handler500(request: HttpRequest):
    return _error_response(
        request, 500, "server_error", _("Something went wrong on our side. It has been logged."), "errors/500.html"
    )


def csrf_failure(request: HttpRequest, reason: str = ""):
    return _error_response(
        request,
        403,
        "permission_denied",
        _("The form expired or the CSRF token is missing. Reload and try again."),
        "errors/403.html",
    )
