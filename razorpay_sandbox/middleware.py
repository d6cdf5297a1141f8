"""Remember where this server is being reached, so its sandbox calls go to itself.

A server on any host and port (`runserver` on any port, pytest's live server) sends
the SDK's calls to the origin of the request it is serving; outside a request (a task
run later in this process) to the last origin it was reached at. The Host header is
the one Django validated against ALLOWED_HOSTS.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_origin: ContextVar[str] = ContextVar("razorpay_sandbox_request_origin", default="")
_last_origin = ""


def current_origin() -> str:
    """scheme://host[:port] of the request being served, else of the last one; "" before any."""
    return _request_origin.get() or _last_origin


class SandboxOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        global _last_origin
        origin = f"{request.scheme}://{request.get_host()}"
        _last_origin = origin
        token = _request_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
