"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import CHROMIUM, CHROMIUM_ARGS
from pages.tests.csp import watch_csp

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1280, "height": 800}
EVENTS_URL = re.compile(r"/api/v1/events(\?|$)")


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def open_dashboard(chromium, live_server) -> Iterator[Callable]:
    """`open_dashboard(user, viewport=LAPTOP, path=..., browser=None, block_events=False)` → a Playwright
    page of /dashboard/ (or `path`) signed in as `user`, in `browser` (one from camera_browser) or the
    shared one; `block_events` refuses its event stream (GET /api/v1/events), for tests of the poll.

    The session is made directly (force_login), not through the OTP page. Any
    uncaught script error on the page, and any Content-Security-Policy violation, fails the test.
    """
    contexts = []
    script_errors: list[str] = []
    csp_watches: list[list[str]] = []

    def open_(user, viewport: dict | None = None, path: str = "/dashboard/", browser=None, block_events: bool = False):
        client = Client()
        client.force_login(user)
        context = (browser or chromium).new_context(viewport=viewport or LAPTOP, accept_downloads=True)
        if browser is not None:  # one from camera_browser: the page may use its fake camera
            context.grant_permissions(["camera"], origin=live_server.url)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        if block_events:  # no event stream: the queue lives on its poll alone, as when the stream is down
            context.route(EVENTS_URL, lambda route: route.abort())
        contexts.append(context)
        csp_watches.append(watch_csp(context))
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        page.goto(live_server.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert script_errors == [], f"script errors on the dashboard: {script_errors}"
    violations = [line for watch in csp_watches for line in watch]
    assert violations == [], f"Content-Security-Policy violations on the dashboard: {violations}"


@pytest.fixture
def camera_browser(chromium, tmp_path) -> Iterator[Callable]:
    """`camera_browser(video)` → a second Chromium whose camera plays `video` (camera.write_y4m).

    Chromium's fake capture device takes its video at launch, hence a browser per video; they
    are closed after the test.
    """
    browsers = []

    def launch(video: Path):
        browser = chromium.browser_type.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()
