"""The event stream under ASGI without a thread per open stream.

Django's ASGI handler gives each request a `ThreadSensitiveContext`: the request's sync parts
(here every middleware, and the view's authentication) run on a thread of its own, which lives
as long as the request does. For a stream that is as long as the page stays open, so a thousand
streams held a thousand idle threads (about 100 MB, measured by `make bench`). `EventStreamHandler`
is Django's handler without that context: the sync parts of every stream opening run one after
the other on the process's one sync thread (each takes a few milliseconds; nothing else is sync
once the stream runs), and the streams themselves live on the event loop.
"""

from __future__ import annotations

from django.core.handlers.asgi import ASGIHandler
from django.urls import reverse


class EventStreamHandler(ASGIHandler):
    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)


def with_event_streams(application):
    """`application` (Django's ASGI handler) with GET /api/v1/events served by EventStreamHandler."""
    streams = EventStreamHandler()
    path = reverse("events")

    async def route(scope, receive, send):
        if scope["type"] == "http" and scope.get("path") == path:
            return await streams(scope, receive, send)
        return await application(scope, receive, send)

    return route
