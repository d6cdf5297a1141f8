"""Request id and access log middleware."""

import logging
import re
import time
import uuid

from django.http import JsonResponse

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
