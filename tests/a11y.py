"""axe-core in the browser tests: the accessibility check of every student page and dashboard view.

axe-core is vendored for the tests only (tests/vendor/axe-core/, refreshed by `make vendor`) and
never served. It is run inside the Playwright page through the DevTools protocol, so the page's
Content-Security-Policy (no inline or eval'd script) does not stop it and needs no exception.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core"
FAILING_IMPACTS = ("serious", "critical")

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, one main, headings).
_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_RUN = """async (tags) => {
  const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


@cache
def _axe_source() -> str:
    return (AXE_DIR / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Every axe-core violation of the page as it is now: `{id, impact, help, nodes: [{target, summary}]}`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A function declaration is called through the protocol (not eval'd), so CSP lets it run.
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    return page.evaluate(_RUN, _TAGS)


def serious_violations(page) -> list[dict]:
    return [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict], where: str) -> list[str]:
    """One readable line per failing element: where, the rule, what axe says is wrong."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}: {violation['help']}) at {node['target']}: {summary}"
            )
    return lines


def assert_accessible(page, where: str) -> None:
    """Fail, listing them, on any serious or critical axe-core violation of the page."""
    problems = describe(serious_violations(page), where)
    assert problems == [], "axe-core found serious or critical violations:\n" + "\n".join(problems)


# --- the keyboard alone -------------------------------------------------------------------------

_FOCUS_RING = """(el) => {
  if (document.activeElement !== el) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {visible: el.matches(":focus-visible") && Boolean(outline || shadow),
          outline: style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor, shadow: style.boxShadow};
}"""


def tab_to(page, target, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `target`, a locator, has the focus, then check the focus shows
    (`:focus-visible` draws an outline of 2 px or more, or a box shadow). Fails if it is never reached."""
    target.wait_for(state="attached")  # a skip link is off-screen until it has the focus
    handle = target.element_handle()
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        ring = page.evaluate(_FOCUS_RING, handle)
        if ring is not None:
            assert ring["visible"], f"the keyboard focus on {target} does not show: {ring}"
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {target}")
