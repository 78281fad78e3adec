"""The apps depend on each other one way, and no modules import each other in a circle.

    lessons  <-  quiz  <-  live        (an arrow: "is imported by")
                         <-  lab         (the lesson's hands-on panels; nothing imports it)
              quiz, live <-  reports     (the instructors' reports; nothing imports it)
                         <-  learning    (mastery, spaced review, accounts; nothing imports it)

`quizsite` wires the apps together (settings, URLs, ASGI routing) and no app imports
it. Every import counts, at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("lessons", "quiz", "live", "lab", "reports", "learning")
PACKAGES = (*APPS, "quizsite")
# Which apps each app may import; the order of the layers above.
MAY_IMPORT = {
    "lessons": set(),
    "quiz": {"lessons"},
    "live": {"lessons", "quiz"},
    "lab": {"lessons", "quiz"},
    "reports": {"lessons", "quiz", "live"},
    "learning": {"lessons", "quiz"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported_names(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from quiz import services` imports the module quiz.services.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for imported in imported_names(path):
            if imported in modules and imported != name:
                graph[name].add(imported)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def app_of(module: str) -> str:
    return module.split(".", 1)[0]


def test_no_modules_import_each_other_in_a_circle() -> None:
    assert cycles(import_graph()) == []


def test_apps_depend_on_each_other_one_way() -> None:
    wrong = sorted(
        f"{module} imports {imported}"
        for module, targets in import_graph().items()
        for imported in targets
        if app_of(module) in APPS
        and app_of(imported) != app_of(module)
        and app_of(imported) not in MAY_IMPORT[app_of(module)]
    )
    assert wrong == []


def test_the_checks_see_a_cycle_and_a_wrong_way_import() -> None:
    """The graph is real: it holds the imports it must forbid if they came back."""
    graph = import_graph()
    assert "quiz.models" in graph["live.models"]
    assert "lessons.models" in graph["quiz.models"]
    assert "lessons.models" in graph["lab.templatetags.lab_panels"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
