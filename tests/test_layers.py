"""The package by layer: imports go one way, and nothing imports itself back.

Every import counts, module-level or inside a function, except those under
``if TYPE_CHECKING`` (annotations only).  docs/design.md draws the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "python"

# Lowest first: a module may import from its own layer and those before it.
LAYERS = (
    (
        "carepath.errors",
        "carepath.io",
        "carepath.figure",
        "carepath.deferred",
        "carepath.scenarios",
        "carepath._core",
    ),
    ("carepath.model",),
    ("carepath.results",),
    ("carepath.engine",),
    ("carepath.analysis",),
    ("carepath.sweeps",),
    ("carepath.outputs",),
    ("carepath.cli", "carepath.__main__"),
)


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    """Module -> the carepath modules it imports (a package stands for its __init__)."""
    files = {_module_name(p): p for p in (ROOT / "carepath").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []
        deps: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    module = f"{base}.{node.module}" if node.module else base
                else:
                    module = node.module or ""
                for alias in node.names:
                    sub = f"{module}.{alias.name}"
                    deps.add(sub if sub in files else module)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[name] = {d for d in deps if d in files and d != name}
    return graph


def layer_of(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if any(module == top or module.startswith(top + ".") for top in layer):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/design.md")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


GRAPH = import_graph()


def test_the_graph_sees_the_package():
    assert len(GRAPH) > 40
    assert "carepath.model.scenario" in GRAPH["carepath.model.loading"]
    assert "carepath.results.results" in GRAPH["carepath.engine.run"]


def test_no_import_circles():
    assert cycles(GRAPH) == []


def test_the_circle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m != "carepath"))
def test_imports_go_down_the_layers(module):
    """The top-level package (the public API) may import from every layer."""
    upward = sorted(d for d in GRAPH[module] if d != "carepath" and layer_of(d) > layer_of(module))
    assert upward == [], f"{module} (layer {layer_of(module)}) imports from a layer above it"


def test_results_is_plain_data():
    """Plots, economics and target tables sit above Results (accessors, wired as pandas' plot)."""
    assert not GRAPH["carepath.results.results"] & {
        "carepath.outputs.plots",
        "carepath.analysis.economics",
        "carepath.results.target_table",
        "carepath.engine.run",
    }
