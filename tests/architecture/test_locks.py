"""Row locks are named once, in each app's `locks.py`, and each names its rank in the one lock order.

`core/locks.py` LOCK_ORDER is the order every transaction takes its row locks in. An app's
`locks.py` holds every `select_for_update` of that app, and each of its helpers says in its
docstring which rank it takes (`Rank: <name>`), so a reader checking a path for deadlocks
reads the ranks there instead of hunting for `select_for_update` across the services.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.locks import LOCK_ORDER

from .support import PROJECT_APPS, ROOT

# accounts/ has one lock (staff approving or blocking a user) that no accounts/locks.py names
# yet. Remove an app from here once its locks.py holds them all.
EXEMPT_APPS = ("accounts",)

RANK = re.compile(r"Rank:\s*`?([a-z_]+)`?")


def _python_files() -> list[Path]:
    """The project's own modules, without tests and migrations."""
    files = []
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = set(path.relative_to(ROOT).parts)
            if not parts & {"tests", "migrations", "__pycache__"}:
                files.append(path)
    return sorted(files)


def _calls_select_for_update(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "select_for_update"
    )


def _locks_modules() -> list[Path]:
    return [path for path in _python_files() if path.name == "locks.py" and path.parent != ROOT / "core"]


def test_only_locks_modules_call_select_for_update():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _python_files()
        if path.name != "locks.py" and path.relative_to(ROOT).parts[0] not in EXEMPT_APPS
        for line in _calls_select_for_update(path)
    ]
    assert offenders == [], "select_for_update outside an app's locks.py: " + ", ".join(offenders)


def test_the_apps_that_lock_rows_each_have_a_locks_module():
    have = {path.relative_to(ROOT).parts[0] for path in _locks_modules()}
    assert {"catalog", "ledger", "ordering", "payments", "stationery"} <= have


def _is_context_manager(node: ast.FunctionDef) -> bool:
    """A `@contextmanager` in a locks module records locks; it takes none itself."""
    return any(getattr(decorator, "id", getattr(decorator, "attr", "")) == "contextmanager" for decorator in node.decorator_list)


def _rank_problems(source: str) -> list[str]:
    """What is wrong with the rank declarations of a locks module's helpers ([] when nothing is)."""
    helpers = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and not _is_context_manager(node)
    ]
    if not helpers:
        return ["it defines no lock helpers"]
    problems = []
    for helper in helpers:
        ranks = RANK.findall(ast.get_docstring(helper) or "")
        if len(ranks) != 1:
            problems.append(f"{helper.name}: its docstring names {len(ranks)} ranks, not one (`Rank: <name>`)")
        elif ranks[0] not in LOCK_ORDER:
            problems.append(f"{helper.name}: rank {ranks[0]!r} is not in core.locks.LOCK_ORDER {LOCK_ORDER}")
    return problems


@pytest.mark.parametrize("path", [pytest.param(path, id=str(path.relative_to(ROOT))) for path in _locks_modules()])
def test_every_lock_helper_names_a_rank_of_the_lock_order(path: Path):
    if path.relative_to(ROOT).parts[0] in EXEMPT_APPS:
        pytest.skip("exempt until its locks.py lands (see EXEMPT_APPS)")
    assert _rank_problems(path.read_text()) == []


def test_a_helper_without_a_rank_or_with_an_unknown_one_is_reported():
    source = (
        'def slot_lock():\n    """The slot, locked. Rank: `slot`."""\n'
        'def basket_lock():\n    """A basket. Rank: `basket`."""\n'
        'def bare_lock():\n    """Locks something."""\n'
    )
    problems = _rank_problems(source)
    assert len(problems) == 2
    assert problems[0].startswith("basket_lock: rank 'basket'")
    assert problems[1].startswith("bare_lock: its docstring names 0 ranks")
    assert _rank_problems("X = 1\n") == ["it defines no lock helpers"]


def test_a_select_for_update_call_is_found_wherever_it_is_written(tmp_path: Path):
    sample = tmp_path / "services.py"
    sample.write_text(
        "def f():\n"
        "    return Order.objects.filter(pk=1).select_for_update(of=('self',)).first()\n"
        "def g():\n"
        "    return Order.objects.select_for_update()\n"
    )
    assert _calls_select_for_update(sample) == [2, 4]
