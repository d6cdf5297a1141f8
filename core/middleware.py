"""Request id and access log middleware."""

import logging
import re
import time
import uuid

from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .logging import request_id_var

access_log = logging.getLogger("tnt.access")

# Any visible ASCII (the caller's own tracing ids); spaces, control and non-ASCII characters are not
# echoed into headers and logs: such a value is replaced by a new id.
_VALID_REQUEST_ID = re.compile(r"^[\x21-\x7e]{1,128}$")


class RequestIdMiddleware:
    """Gives every request an id: the caller's `X-Request-ID` if sane, else a new one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class AccessLogMiddleware:
    """Writes one structured line per request: method, path, status, duration, user, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        user = getattr(request, "user", None)
        access_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "request_id": getattr(request, "request_id", "-"),
            },
        )
        return response


class LanguageMiddleware:
    """Answers each request in its language (core.i18n.request_language); after AuthenticationMiddleware.

    Django's LocaleMiddleware knows only the cookie and Accept-Language; this one puts the signed-in
    user's stored choice first. Responses vary on both, and say their language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .i18n import request_language

        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            response.headers.setdefault("Content-Language", translation.get_language())
        finally:
            # The next request on this thread starts from LANGUAGE_CODE, not from this one's choice.
            translation.deactivate()
        return response


class ApiErrorEnvelopeMiddleware:
    """Under /api/, an error page Django rendered itself becomes the error envelope.

    With DEBUG off the project's handler404/handler500 already answer in the envelope;
    with DEBUG on (the embedded mode) Django renders its technical HTML pages instead,
    which API clients cannot read and which must not show internals anyway.
    """

    _CODES = {404: ("not_found", "Not found."), 500: ("server_error", "Something went wrong on our side.")}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in self._CODES
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from .errors import envelope

            code, message = self._CODES[response.status_code]
            return JsonResponse(envelope(code, message, None, request), status=response.status_code)
        return response


class RequestSizeLimitMiddleware:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused unread with 413 `request_too_large`.

    Django enforces that limit only when `request.body` or `request.POST` is read, and
    DRF's parsers read the stream directly, so a JSON body of any size used to be parsed.
    The WSGI handler never reads past CONTENT_LENGTH, so checking it bounds every body.
    Multipart bodies are left to their own limits: file parts do not count towards
    DATA_UPLOAD_MAX_MEMORY_SIZE (Django applies it to their other fields) and the print
    upload refuses anything over PRINT_MAX_UPLOAD_MB before reading it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and not request.content_type.startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except (TypeError, ValueError):
                length = 0
            if length > limit:
                from .errors import RequestTooLarge, envelope

                refusal = RequestTooLarge(details={"max_bytes": limit})
                if request.path.startswith(("/api/", "/health/")):
                    body = envelope(refusal.code, refusal.message, refusal.details, request)
                    return JsonResponse(body, status=refusal.status_code)
                return HttpResponse(refusal.message, status=refusal.status_code, content_type="text/plain")
        return self.get_response(request)


class ForwardedForWatchMiddleware:
    """Notes a request with X-Forwarded-For while TRUSTED_PROXY_COUNT is 0 (see core.ip.note_forwarded_for)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.ip import note_forwarded_for

        note_forwarded_for(request)
        return self.get_response(request)


class MetricsMiddleware:
    """Per-request series (core.metrics): count and latency by view and status, database queries per request.

    Outermost, so it times everything. The numbers are this process's own (see core.metrics).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        from .metrics import observe_request

        queries = 0

        def counting(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        status = 500
        try:
            with connection.execute_wrapper(counting):
                response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            observe_request(request=request, status=status, seconds=time.perf_counter() - started, queries=queries)


# What a JSON answer may do if a browser ever renders it: nothing (OWASP's policy for APIs).
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's policy on documents; JSON answers get a fixed, stricter one.

    django-csp builds the policy from CONTENT_SECURITY_POLICY on every response (about 0.1 ms,
    a quarter of what `/health/live` costs); an API answer runs no script and loads nothing, so it
    gets the fixed `JSON_CSP` instead. A response that set its own policy keeps it.
    """

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/json"):
            if "Content-Security-Policy" not in response:
                response["Content-Security-Policy"] = JSON_CSP
            return response
        return super().process_response(request, response)
