"""The shape of the code base: no import circles between the project's modules, no module over
400 lines, and `tntproject/` holding configuration only (the kernel is `core/`).

Imports are read with `ast` from every project .py file that is not a test or a migration.
Imports that run when the module is loaded count: the top level, class bodies and blocks there.
An import inside a function body runs only when the function is called, after every module
has loaded; it is the sanctioned direction of a two-way dependency (a Celery task imports
its service in the task body, the service imports the task at the top), so it draws no edge.
`if TYPE_CHECKING:` imports never run and are left out too.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MAX_LINES = 400
# Folders that hold no project Python: the virtualenv, vendored browser files, build output.
SKIPPED_DIRS = {".venv", "static", "staticfiles", "node_modules", "var", "test-artifacts", "__pycache__"}
# The layers of docs/architecture.md, lowest first: a module imports only apps of a lower layer
# (never a peer of its own layer). tntproject/ is configuration, read through django.conf.settings;
# its urls.py is the root that includes every app's routes, and asgi.py wraps the event stream's route.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"accounts"}),
    frozenset({"catalog", "ledger", "events", "push"}),
    frozenset({"payments"}),
    frozenset({"ordering", "stationery", "razorpay_sandbox"}),
    frozenset({"pages", "dashboard", "campus"}),
    frozenset({"bench", "scripts"}),
)
# The kernel has no models: the Idempotency-Key rows it reads are accounts' table.
LAYER_CROSSINGS = {("core.idempotency", "accounts.models")}
TNTPROJECT_MODULES = {"__init__.py", "settings.py", "tunables.py", "urls.py", "wsgi.py", "asgi.py", "celery.py", "startup.py"}


def project_sources() -> list[Path]:
    """Every .py file of the project but tests, migrations and what SKIPPED_DIRS holds."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS | {"tests", "migrations"}]
        found += [
            Path(folder, name)
            for name in files
            if name.endswith(".py") and not name.startswith("test_") and name != "conftest.py"
        ]
    return sorted(found)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.Module, *, late: bool = False) -> list[ast.Import | ast.ImportFrom]:
    """The imports that run when the module loads (with `late`, also those in function bodies);
    never those of an `if TYPE_CHECKING:` block."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if not late and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit_one(other)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        else:
            visit(node)

    visit(tree)
    return found


def _resolve(name: str, modules: set[str]) -> str | None:
    """The deepest project module a dotted name points into (`accounts.models.User` → `accounts.models`)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def _imported_names(node: ast.Import | ast.ImportFrom, *, importer: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.split(".") if is_package else importer.split(".")[:-1]
        anchor = package[: len(package) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    # `from accounts import selectors` imports the module accounts.selectors; `from .models import User` only .models.
    return [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"] + [base]


def import_graph(*, late: bool = False) -> dict[str, set[str]]:
    """Module → the project modules it imports at load time (with `late`, at any time)."""
    sources = {module_name(path): path for path in project_sources()}
    modules = set(sources)
    graph: dict[str, set[str]] = {}
    for name, path in sources.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        edges: set[str] = set()
        for node in _runtime_imports(tree, late=late):
            for imported in _imported_names(node, importer=name, is_package=path.name == "__init__.py"):
                target = _resolve(imported, modules)
                if target is not None and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_the_graph_reader_finds_a_circle_and_leaves_out_imports_in_function_bodies():
    """The checker itself: a circle is found; an import in a function body or under TYPE_CHECKING draws no edge."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse(
        "import x\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import y\n"
        "try:\n    import z\nexcept ImportError:\n    pass\ndef f():\n    import w\n"
    )
    names = sorted(alias.name for node in _runtime_imports(tree) for alias in node.names)
    assert names == ["TYPE_CHECKING", "x", "z"]
    late = sorted(alias.name for node in _runtime_imports(tree, late=True) for alias in node.names)
    assert late == ["TYPE_CHECKING", "w", "x", "z"]
    relative = ast.parse("from .models import User\nfrom . import selectors\nfrom ..core import errors\n").body
    assert _imported_names(relative[0], importer="accounts.api", is_package=False) == [
        "accounts.models.User",
        "accounts.models",
    ]
    assert _imported_names(relative[1], importer="accounts", is_package=True) == ["accounts.selectors", "accounts"]
    assert _imported_names(relative[2], importer="accounts.api", is_package=False)[0] == "core.errors"


def test_the_graph_covers_the_project():
    graph = import_graph()
    assert {"accounts.selectors", "core.errors", "tntproject.settings", "campus.demo.builders"} <= set(graph)
    assert "accounts.models" in graph["accounts.selectors"]
    assert not any(".tests" in name or ".migrations" in name for name in graph)


def test_no_import_circles_between_project_modules():
    cycles = "; ".join(" ↔ ".join(cycle) for cycle in import_cycles(import_graph()))
    assert cycles == "", f"import circles (imports made at load time): {cycles}"


def _is_admin(module: str) -> bool:
    """An app's admin module (`payments.admin`, `accounts.admin_site`): the campus office's screens.
    The kernel's admin helpers (`core.admin_display`) stay kernel."""
    parts = module.split(".")
    return parts[0] != "core" and (parts[-1] == "admin" or parts[-1].startswith("admin_"))


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Each `module → target` that imports a peer or a higher layer (or configuration) of another app.

    Admin modules are presentation, like the pages: they sit just above the presentation layer
    (they may use `campus`' office helpers), whichever app they belong to.
    """
    layer_of = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}
    admin_rank = next(rank for rank, apps in enumerate(LAYERS) if "pages" in apps) + 0.5

    def rank_of(module: str, default: float) -> float:
        return admin_rank if _is_admin(module) else layer_of.get(module.split(".")[0], default)

    upward = []
    for module, targets in sorted(graph.items()):
        app = module.split(".")[0]
        for target in sorted(targets):
            other = target.split(".")[0]
            if (other == app and _is_admin(module) >= _is_admin(target)) or (module, target) in LAYER_CROSSINGS:
                continue
            if module in ("tntproject.urls", "tntproject.asgi"):
                continue  # the roots: every app's routes; the ASGI application (events' stream route)
            if _is_admin(module) and _is_admin(target):
                continue  # the office's screens use one another (a case file shown on two pages)
            if "tntproject" in (app, other) or rank_of(target, len(LAYERS)) >= rank_of(module, -1):
                upward.append(f"{module} → {target}")
    return upward


def test_the_layer_check_refuses_upward_and_sideways_imports():
    graph = {
        "payments.services": {"ordering.models", "ledger.services", "payments.models"},
        "ordering.services": {"stationery.models", "payments.services"},
        "catalog.models": {"tntproject.settings"},
        "tntproject.urls": {"pages.urls"},
    }
    assert layer_violations(graph) == [
        "catalog.models → tntproject.settings",
        "ordering.services → stationery.models",
        "payments.services → ordering.models",
    ]


def test_apps_import_only_lower_layers():
    upward = layer_violations(import_graph(late=True))  # a late import still may not reach up
    assert upward == [], "imports against the layers of docs/architecture.md: " + "; ".join(upward)


def test_no_module_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in project_sources()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"modules over {MAX_LINES} lines (split them by topic): {long}"


def test_tntproject_holds_configuration_only():
    """Settings, URLs, WSGI/ASGI, the Celery app and the start-up checks; the shared kernel lives in core/."""
    package = ROOT / "tntproject"
    found = {
        str(path.relative_to(package))
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and "tests" not in path.relative_to(package).parts
    }
    assert found == TNTPROJECT_MODULES
