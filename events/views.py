"""`GET /api/v1/events`: the signed-in user's Server-Sent Events.

Authentication is the project's (token or session, blocked accounts refused) and refusals are
the JSON error envelope whatever the client accepts. The body is an async generator under ASGI
(the `events` process: the event loop holds every open stream; `events/asgi.py` keeps them from
holding a thread each) and a plain generator under WSGI (runserver in `make run`, the test live
server), whose handler cannot stream an async one.
"""

from __future__ import annotations

from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core.errors import ValidationFailed
from core.negotiation import FirstRendererOnly

from . import bus, stream


class EventStreamView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRendererOnly  # the stream is not DRF's; a refusal is JSON

    @extend_schema(
        summary="Live updates of the user's orders and print jobs (Server-Sent Events)",
        description=(
            'Each event: `id: <id>` and `data: {"type", "id", "status"}`; `: ping` comments keep it open. '
            "`Last-Event-ID` (or `last_event_id`) replays the events after it of the last 5 minutes."
        ),
        parameters=[
            OpenApiParameter("Last-Event-ID", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
            OpenApiParameter("last_event_id", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False),
        ],
        responses={(200, "text/event-stream"): OpenApiTypes.STR},
    )
    def get(self, request):
        last_event_id = request.headers.get("Last-Event-ID") or request.query_params.get("last_event_id") or ""
        if last_event_id and not bus.is_event_id(last_event_id):
            raise ValidationFailed(details={"last_event_id": [_("Not an event id.")]})
        user_id = request.user.pk
        if isinstance(request._request, ASGIRequest):
            frames = stream.async_frames(user_id=user_id, last_event_id=last_event_id)
        else:
            _database_connection_release()
            frames = stream.sync_frames(user_id=user_id, last_event_id=last_event_id)
        response = StreamingHttpResponse(frames, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response


def _database_connection_release() -> None:
    """A WSGI stream holds its worker thread as long as it is open, and reads no rows: close the
    thread's connection now, or a thousand streams hold a thousand. (Under ASGI the one sync thread
    of `events/asgi.py` authenticates every stream and keeps its one connection.) Not inside a
    transaction (a test's), which owns the connection."""
    if not connection.in_atomic_block:
        connection.close()
