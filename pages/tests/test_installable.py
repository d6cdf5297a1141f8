"""The installable app without a browser: the manifest, /sw.js and what it may cache, /offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from accounts.tests.factories import StudentFactory
from pages.views.installable import precache_urls

pytestmark = pytest.mark.django_db

STATIC_URL = settings.STATIC_URL


def _static_exists(url: str) -> bool:
    assert url.startswith(STATIC_URL), url
    return finders.find(url[len(STATIC_URL) :]) is not None


def test_the_manifest_is_json_with_the_icons_the_site_has(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Tap N Take" and manifest["short_name"]
    assert (manifest["start_url"], manifest["display"], manifest["scope"]) == ("/", "standalone", "/")
    assert manifest["theme_color"] == "#0b6e4f" and manifest["background_color"] == "#f6f7f9"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and _static_exists(icon["src"]), icon
        from PIL import Image

        with Image.open(finders.find(icon["src"][len(STATIC_URL) :])) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_manifest_speaks_the_language_it_is_asked_in(client):
    english = json.loads(client.get("/manifest.webmanifest").content)
    hindi = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="hi")
    assert (english["lang"], english["description"]) == (
        "en-IN",
        "Campus food and prints: order ahead, pick up when it is ready.",
    )
    assert json.loads(hindi.content)["lang"] == "hi-IN"
    assert json.loads(hindi.content)["description"] == "कैंपस का खाना और प्रिंट: पहले से ऑर्डर करें, तैयार होने पर ले जाएँ।"
    assert "Accept-Language" in hindi["Vary"]


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0b6e4f">' in html
    assert re.search(r'<script src="/static/pages/app\.js" data-sw-url="/sw\.js" defer></script>', html)


def test_the_service_worker_is_served_for_the_whole_site_and_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for handler in ("install", "activate", "fetch", "push", "notificationclick"):
        assert f'addEventListener("{handler}"' in body
    assert "{{" not in body and "{%" not in body and "&quot;" not in body


def _precache_of(body: str) -> list[str]:
    return json.loads(re.search(r"^const PRECACHE = (.*);$", body, re.M).group(1))


def test_the_worker_precaches_only_the_offline_page_and_public_static_files(client):
    body = client.get("/sw.js").content.decode()
    precache = _precache_of(body)
    assert precache == precache_urls()
    assert precache[0] == "/offline"
    for url in precache[1:]:
        assert url.startswith(STATIC_URL) and _static_exists(url), url  # public files only
    assert not any(url.startswith(("/api/", "/orders", "/print-jobs", "/dashboard", "/admin")) for url in precache)
    # The only cache writes are the precache at install; no response is stored as it passes.
    assert body.count("cache.addAll(") == 1 and ".put(" not in body
    # Only navigations (offline page) and the precached files are answered; the rest goes to the network.
    assert 'request.mode === "navigate"' in body and "PRECACHE.includes(path)" in body


def test_the_worker_changes_version_when_the_precache_changes(client, monkeypatch):
    first = re.search(r'const VERSION = "(\w+)"', client.get("/sw.js").content.decode()).group(1)
    monkeypatch.setattr("pages.views.installable.PRECACHE_STATIC", ("pages/site.css",))
    second = re.search(r'const VERSION = "(\w+)"', client.get("/sw.js").content.decode()).group(1)
    assert first != second


def test_the_offline_page_is_the_same_for_everyone_and_names_no_one(client):
    anonymous = client.get("/offline")
    assert anonymous.status_code == 200
    student = StudentFactory(name="Meera Iyer")
    client.force_login(student)
    signed_in = client.get("/offline")
    assert signed_in.status_code == 200
    html = signed_in.content.decode()
    assert "You are offline" in html
    assert "Meera" not in html and student.phone not in html and "csrf" not in html.lower()
    assert anonymous.content == signed_in.content
    assert "no-cache" in signed_in["Cache-Control"]


def test_the_static_files_the_offline_page_uses_are_all_precached(client):
    html = client.get("/offline").content.decode()
    used = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert used and used <= set(precache_urls())


def test_the_icon_script_draws_the_committed_icons(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", Path(settings.BASE_DIR) / "scripts" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    image = module.draw(192, maskable=True)
    assert image.size == (192, 192) and image.getpixel((2, 2))[3] == 255  # maskable: no transparent corners
    assert module.draw(192, maskable=False).getpixel((0, 0))[3] == 0  # the plain icon: rounded corners
