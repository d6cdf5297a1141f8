"""The outside anchor of `make bench`: a bare Django JSON view, no middleware, no database.

gunicorn serves `bench.bare:application` with the same settings as the project (workers, timeout,
backlog), and wrk replays the ceiling's request file against it, so the project's ceiling
(`GET /health/live` through the whole middleware stack) is measured against what Django itself
costs on this machine in the same run. It answers `/health/live` with the same body as
`core.health.live`; nothing of the project is imported.
"""

from __future__ import annotations

import os

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-bare-only"),
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )

from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import path


def live(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [path("health/live", live)]
application = get_wsgi_application()
