"""Mutants: accessible and light (issue 25). The student pages and the dashboard pass axe-core, show
where the keyboard focus is, give a finger 44 px, and stay light; static files get hashed names and
a year's cache. CSS and template anchors are module-level (`<module: ...>`)."""

from __future__ import annotations

MUTANTS: list[dict] = [
    {
        "id": "a11y-nav-contrast",
        "file": "static/pages/site.css",
        "function": "<module: .site-nav current link>",
        "find": ".site-nav button:hover { background: rgba(0,0,0,.25); }",
        "replace": ".site-nav button:hover { background: rgba(255,255,255,.18); }",
        "tests": ["pages/tests/test_a11y.py"],
        "why": "the header's current page is white on light green (4.3:1), below WCAG's 4.5:1",
    },
    {
        "id": "a11y-previews-label-without-role",
        "file": "templates/pages/print_form.html",
        "function": "<module: previews>",
        "find": 'data-previews role="group" aria-label=',
        "replace": 'data-previews aria-label=',
        "tests": ["pages/tests/test_a11y.py"],
        "why": "the print previews' label sits on a plain div, which screen readers ignore",
    },
    {
        "id": "a11y-busy-name-mismatch",
        "file": "templates/dashboard/_busy.html",
        "function": "<module: busy switch>",
        "find": '@click="pause15()">{% blocktranslate',
        "replace": '@click="pause15()" aria-label="Pause new orders for 15 minutes">{% blocktranslate',
        "tests": ["dashboard/tests/test_a11y.py"],
        "why": "a button's spoken name no longer contains its visible text, so voice control cannot press it",
    },
    {
        "id": "a11y-statement-scrolls-without-keyboard",
        "file": "templates/dashboard/_money.html",
        "function": "<module: statement>",
        "find": '<div class="table-wrap" tabindex="0" role="region" aria-label="{% translate \'Statement\' %}">',
        "replace": '<div class="table-wrap">',
        "tests": ["dashboard/tests/test_a11y.py"],
        "why": "the statement scrolls sideways on a phone but the keyboard cannot reach it to scroll",
    },
    {
        "id": "a11y-no-focus-ring",
        "file": "static/pages/site.css",
        "function": "<module: :focus-visible>",
        "find": ":focus-visible { outline: var(--focus); outline-offset: 2px; }",
        "replace": ":focus-visible { outline: none; }",
        "tests": ["pages/tests/test_a11y.py"],
        "why": "keyboard users no longer see where the focus is",
    },
    {
        "id": "a11y-back-link-small",
        "file": "static/pages/site.css",
        "function": "<module: .back>",
        "find": ".back { display: inline-flex; align-items: center; min-height: 44px; }",
        "replace": ".back { }",
        "tests": ["pages/tests/test_a11y.py"],
        "why": "the back links are 16 px tall, too small for a thumb",
    },
    {
        "id": "light-heavy-script-on-every-page",
        "file": "templates/base.html",
        "function": "<module: scripts>",
        "find": """<script type="module" src="{% static 'pages/site.js' %}"></script>""",
        "replace": (
            """<script type="module" src="{% static 'pages/site.js' %}"></script>"""
            """<script src="{% static 'vendor/jsqr/jsQR.js' %}" defer></script>"""
        ),
        "tests": ["pages/tests/test_light.py"],
        "k": "60_kb",
        "why": "every student page downloads the QR decoder (57 KB compressed) it never uses",
    },
    {
        "id": "light-static-without-manifest",
        "file": "tntproject/settings.py",
        "function": "<module: STORAGES>",
        "find": '"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"',
        "replace": '"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"',
        "tests": ["pages/tests/test_light.py"],
        "k": "hashed_names",
        "why": "production serves static files without hashed names, so they cannot be cached for a year",
    },
]
