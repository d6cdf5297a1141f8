"""Mutants: the installable app and the live pages (issue 24's front end). The service worker
caches nothing private; the dashboard's queue and the order page follow the event stream, and
only for what concerns them. JavaScript anchors are module-level (`<module: ...>`)."""

from __future__ import annotations

MUTANTS: list[dict] = [
    {
        "id": "pwa-precache-private-page",
        "file": "pages/views/installable.py",
        "function": "precache_urls",
        "find": 'return [reverse("pages:offline"), *(static(path) for path in PRECACHE_STATIC)]',
        "replace": (
            'return [reverse("pages:offline"), reverse("pages:orders"), *(static(path) for path in PRECACHE_STATIC)]'
        ),
        "tests": ["pages/tests/test_installable.py"],
        "k": "precaches_only",
        "why": "the service worker keeps a student's order list in the phone's cache, for whoever opens it offline",
    },
    {
        "id": "pwa-worker-caches-pages-as-they-pass",
        "file": "templates/pages/sw.js",
        "function": "<module: fetch handler>",
        "find": "event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));",
        "replace": (
            "event.respondWith(fetch(request).then((r) => { const copy = r.clone(); "
            "caches.open(CACHE).then((c) => c.put(request, copy)); return r; })"
            ".catch(() => caches.match(OFFLINE_URL)));"
        ),
        "tests": ["pages/tests/test_installable.py"],
        "k": "precaches_only",
        "why": "every page a student opens (orders, pickup codes) is kept in the cache",
    },
    {
        "id": "pwa-dashboard-ignores-events",
        "file": "static/dashboard/stream.js",
        "function": "<module: followQueue>",
        "find": "if (QUEUE_EVENTS.has(event.type)) poller.now();",
        "replace": "if (false) poller.now();",
        "tests": ["dashboard/tests/test_browser_stream.py"],
        "k": "arrives_by_the_stream",
        "why": "a paid order waits for the slow fallback poll (a minute) before the kitchen sees it",
    },
    {
        "id": "pwa-order-page-any-order",
        "file": "static/pages/live.js",
        "function": "<module: start>",
        "find": "if (id !== null && event.id !== id) return;",
        "replace": "",
        "tests": ["pages/tests/test_browser_live.py"],
        "k": "another_order",
        "why": "the order page announces another order's news as this one's",
    },
    {
        "id": "pwa-order-page-no-announcement",
        "file": "static/pages/live.js",
        "function": "<module: start>",
        "find": "      announce(note);\n    } catch {",
        "replace": "    } catch {",
        "tests": ["pages/tests/test_browser_live.py"],
        "k": "ready_by_itself",
        "why": "the page changes but a screen reader is never told the order is ready",
    },
    {
        "id": "pwa-live-swap-drops-focus",
        "file": "static/pages/live.js",
        "function": "<module: start>",
        "find": "      focusBack(root, place);\n",
        "replace": "",
        "tests": ["pages/tests/test_browser_live.py"],
        "k": "focus_stays",
        "why": "a keyboard user's focus falls to the top of the page each time the order changes",
    },
    {
        "id": "pwa-live-stream-opens-at-now",
        "file": "static/pages/live.js",
        "function": "<module: start>",
        "find": 'url: since ? "/api/v1/events?last_event_id=" + encodeURIComponent(since) : undefined,',
        "replace": "url: undefined,",
        "tests": ["pages/tests/test_browser_live.py"],
        "k": "stream_opening_is_replayed",
        "why": "a change between the page's reading and its stream's opening is lost: the page stays behind",
    },
]
