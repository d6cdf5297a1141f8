"""The installable app: the web app manifest, the service worker at `/sw.js`, the offline page.

The service worker is served by a view, not from /static/, so that its scope can be the whole
site (`Service-Worker-Allowed: /`) and its precache list can name the static files by their
deployed (hashed) URLs. What it may cache is `PRECACHE`: the offline page and public static
files, nothing else; it never stores an API answer or a page with a user's data (the offline
page is rendered without the user: `pages/offline.html` extends nothing that shows who is signed in).
"""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# The site's colours (static/pages/site.css: --brand and --bg).
THEME_COLOUR = "#0b6e4f"
BACKGROUND_COLOUR = "#f6f7f9"

# Public static files the offline page needs; with the offline page, all the worker ever caches.
PRECACHE_STATIC = ("pages/site.css", "pages/app.css", "pwa/icon-192.png")


def precache_urls() -> list[str]:
    return [reverse("pages:offline"), *(static(path) for path in PRECACHE_STATIC)]


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static("pwa/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("pwa/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": static("pwa/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    body = {
        "name": "Tap N Take",
        "short_name": "Tap N Take",
        "description": _("Campus food and prints: order ahead, pick up when it is ready."),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        # The language the page asked in (LanguageMiddleware; the answer varies on it).
        "lang": f"{translation.get_language()}-IN",
        "dir": "ltr",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"indent": 2})


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    urls = precache_urls()
    offline_html = render_to_string("pages/offline.html", {"theme_colour": THEME_COLOUR})
    # A new version (so the browser installs the new worker and drops the old cache) whenever the
    # precached files or the offline page change; hashed static names change on each deploy.
    version = hashlib.sha256(json.dumps(urls).encode() + offline_html.encode()).hexdigest()[:12]
    context = {
        "version": version,
        "precache": json.dumps(urls),
        "offline_url": json.dumps(urls[0]),
        "icon_url": json.dumps(static("pwa/icon-192.png")),
    }
    response = render(request, "pages/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@cache_control(max_age=0, no_cache=True)
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot be reached; the same for everyone."""
    return render(request, "pages/offline.html", {"theme_colour": THEME_COLOUR})
