"""The import graph drawn from the code (issue 15): no cycle, and the pure core never reaches up.

Every module of `bot/`, `actions/` and `capnum_rasa/` is read with `ast`; imports at module level
and inside functions both count (a function-level import is how a cycle usually hides). The layer
of each module is the one `docs/DESIGN.md` gives in its module map."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "actions", "capnum_rasa")
# The core may import only the core; the other layers may import anything below them.
CORE_MAY_NOT_IMPORT = {"service", "gateway", "tools", "actions", "rasa"}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
            if "migrations" not in path.parts}


def _absolute(module: str, path: Path, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `module` (read from `path`) imports, anywhere in its text."""
    found: set[str] = set()

    own_packages = {module.rsplit(".", i)[0] for i in range(1, module.count(".") + 1)}

    def add(target: str) -> None:
        while target and target not in known:  # `bot.core.geo.find_place` is the module `bot.core.geo`
            target = target.rpartition(".")[0]
        if target and target != module:
            found.add(target)
        # Importing `a.b.c` runs `a/b/__init__.py` first: an edge to every package on the way
        # (but the importer's own packages, already running when it is imported).
        package = target.rpartition(".")[0]
        while package:
            if package in known and package not in own_packages and package != module:
                found.add(package)
            package = package.rpartition(".")[0]

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            origin = _absolute(module, path, node.level, node.module)
            for alias in node.names:  # `from bot.services.catalogue import models` imports the submodule
                add(f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in known else origin)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = source_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

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
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def design_layers() -> dict[str, str]:
    """Module → layer, from the module map of docs/DESIGN.md (`a/b.py, c.py`: c.py is in a/)."""
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    layers: dict[str, str] = {}
    for cells, layer in re.findall(r"^\| `([^`]+)` \| (\w+) \|", design, flags=re.M):
        folder = ""
        for path in (item.strip() for item in cells.split(",")):
            folder = path.rpartition("/")[0] if "/" in path else folder
            if path.endswith(".py"):
                layers[module_name(ROOT / folder / path.rpartition("/")[2])] = layer
    return layers


def test_the_graph_is_read_from_the_code(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .a import thing\n")
    (package / "a.py").write_text("import os\nthing = 1\ndef later():\n    from pkg import b\n")
    (package / "b.py").write_text("from pkg.a import thing\nimport pkg.c.d\n")
    known = {"pkg", "pkg.a", "pkg.b", "pkg.c"}
    assert imports_of("pkg", package / "__init__.py", known) == {"pkg.a"}
    assert imports_of("pkg.a", package / "a.py", known) == {"pkg.b"}  # inside a function too
    assert imports_of("pkg.b", package / "b.py", known) == {"pkg.a", "pkg.c"}
    # A submodule's package runs first: `import pkg.c.d` from outside `pkg` reaches `pkg` too.
    assert imports_of("other", package / "b.py", known | {"other"}) == {"pkg", "pkg.a", "pkg.c"}
    tree = {"pkg.a": {"pkg.b"}, "pkg.b": {"pkg.c"}, "pkg.c": {"pkg.a"}, "pkg.d": {"pkg.a"}}
    assert cycles(tree) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert cycles({"pkg.a": {"pkg.b"}, "pkg.b": set()}) == []
    assert design_layers()["bot.core.text"] == "core" and design_layers()["bot.gateway"] == "gateway"


def test_no_import_cycle():
    found = cycles(import_graph())
    assert found == [], "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_every_module_has_a_layer():
    layers = design_layers()
    missing = sorted(set(source_modules()) - set(layers))
    assert missing == [], f"modules without a layer in docs/DESIGN.md: {missing}"


def test_the_core_never_imports_services_gateway_or_tools():
    layers = design_layers()
    graph = import_graph()
    wrong = sorted(f"{module} → {target} ({layers.get(target)})"
                   for module, targets in graph.items() if layers.get(module) == "core"
                   for target in targets if layers.get(target) in CORE_MAY_NOT_IMPORT)
    assert wrong == [], wrong


def test_the_core_imports_only_the_standard_library_and_itself():
    layers = design_layers()
    wrong = []
    for module, path in source_modules().items():
        if layers.get(module) != "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and not node.level else [])
            wrong += [f"{module} → {name}" for name in names
                      if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] != "bot"]
    assert wrong == [], wrong


def test_services_never_import_the_gateway_or_the_tools():
    layers = design_layers()
    graph = import_graph()
    wrong = sorted(f"{module} → {target} ({layers.get(target)})"
                   for module, targets in graph.items() if layers.get(module) == "service"
                   for target in targets if layers.get(target) in {"gateway", "tools", "actions", "rasa"})
    assert wrong == [], wrong


FOLDER_LAYERS = {"bot.core": "core", "bot.services": "service", "bot.gateway": "gateway", "bot.tools": "tools",
                 "actions": "actions", "capnum_rasa": "rasa"}


def test_the_folder_says_the_layer():
    """bot/ holds four packages by role, and nothing else but its marker."""
    layers = design_layers()
    wrong = []
    for module in source_modules():
        if module == "bot":
            continue
        folder = next((f for f in FOLDER_LAYERS if module == f or module.startswith(f + ".")), None)
        if folder is None:
            wrong.append(f"{module}: outside bot/core, bot/services, bot/gateway, bot/tools")
        elif layers.get(module) != FOLDER_LAYERS[folder]:
            wrong.append(f"{module}: in {folder} but {layers.get(module)} in docs/DESIGN.md")
    assert wrong == [], wrong


def test_every_command_of_bot_tools_runs_with_python_m():
    """A tool with a `main` is run as `python -m bot.tools.<name>`: without the guard it exits 0 doing nothing."""
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "bot" / "tools").glob("*.py"))}
    silent = [name for name, source in sources.items()
              if "def main(" in source and 'if __name__ == "__main__":' not in source]
    assert silent == [], f"python -m would do nothing: {silent}"
