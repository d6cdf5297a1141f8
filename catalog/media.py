"""Serving menu photos from their storage (public; names are random and never reused)."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from .images import photo_storage

_NAME = re.compile(r"^[A-Za-z0-9_-]{10,80}\.webp$")


@require_safe
def menu_photo(request: HttpRequest, name: str) -> FileResponse:
    """One stored photo, cacheable for a year (a new photo gets a new name)."""
    storage = photo_storage()
    if not _NAME.fullmatch(name) or not storage.exists(name):
        raise Http404("No such photo.")
    response = FileResponse(storage.open(name, "rb"), content_type="image/webp")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
