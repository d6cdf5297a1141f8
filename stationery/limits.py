"""The per-student rate limit on print uploads and estimates (RATE_LIMIT_PRINT), through core.limits.enforce."""

from __future__ import annotations

from django.conf import settings

from core.limits import enforce

PRINT_GROUP = "stationery.print.upload"


def enforce_print_limit(request, *, student_id: int) -> None:
    """Count one upload or estimate of `student_id`; RateLimited (429, Retry-After) once over RATE_LIMIT_PRINT.

    Uploads and estimates, in the API and on the print page, share one counter: each reads a whole PDF.
    """
    enforce(request, group=PRINT_GROUP, key=lambda group, req: str(student_id), rate=settings.RATE_LIMIT_PRINT)
