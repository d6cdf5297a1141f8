"""Browser tests' watch for Content-Security-Policy violations (used by pages' and the dashboard's)."""

from __future__ import annotations

# Chromium reports every refusal twice: a `securitypolicyviolation` event on the document
# (turned into a console line here, so pop-ups and later navigations are covered by the
# init script) and its own "Refused to ..." console error.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""


def watch_csp(context) -> list[str]:
    """Collect, for every page of a Playwright browser context, each CSP violation it reports."""
    violations: list[str] = []
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if text.startswith("CSP violation") or "Content Security Policy" in text:
            violations.append(f"{message.page.url if message.page else '?'}: {text}")

    context.on("console", on_console)
    return violations
