"""Liveness and readiness probes for load balancers and the engineer on call."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = 2000")
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


CHECKS = {"database": _check_database, "cache": _check_cache}


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = "error"
            if name == "database":
                connection.close_if_unusable_or_obsolete()
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return JsonResponse(
            {
                "status": "unavailable",
                "checks": results,
                "error": {
                    "code": "service_unavailable",
                    "message": f"Not ready: {', '.join(failing)} unavailable.",
                    "details": {"failing": failing},
                },
                "request_id": getattr(request, "request_id", "-"),
            },
            status=503,
        )
    answer: dict = {"status": "ok", "checks": results}
    from core.ip import untrusted_forwarded_for_seen

    if untrusted_forwarded_for_seen():
        # Ready all the same; the engineer on call learns why every client shares one rate-limit bucket.
        answer["warnings"] = ["untrusted_forwarded_for: requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0"]
    return JsonResponse(answer)
