"""The shape of the code (docs/architecture.md), checked on the source itself (AST, no imports run):

- no import cycle between any two modules (every import counts, module-level or inside a function);
- the layers import downwards only: the workflow engine nothing of the domain apps above it, the
  lowest layers (core, workdays) nothing of the project above them;
- no service code ("S1" … "S4") as a string outside the services' own folders, migrations and tests:
  the rest of the system asks services.registry.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "var", "node_modules", "migrations", "__pycache__", ".git", "docs", "locale", "static",
             "templates"}

# The layers, top first: a module may import its own layer and those below it (docs/architecture.md).
# A layer is named by module prefixes; the longest matching prefix decides.
LAYERS = [
    ("interfaces", ["portal", "backoffice", "pscdesk", "api", "web", "elicense", "simulators", "ncalayer_signer",
                    "benchmarks", "manage", "conftest"]),
    ("service packages", ["services.s"]),  # services.s1 … (plugins: nothing imports them by name)
    ("requests and results", ["applications", "hearings", "documents", "registry", "spectrum", "numbering",
                              "representation"]),
    ("service registry", ["services"]),
    ("outside systems and people", ["integrations", "accounts"]),
    ("engine", ["workflow"]),
    ("foundation", ["core", "workdays", "audit"]),
]
# Each app's edge towards people and machines: its pages, API routes, URLs, admin and commands.
ENTRY_POINT = re.compile(r"(^|\.)(views|api|urls|admin)(\.|$)|\.management\.commands\.")


def layer_of(module: str) -> int | None:
    best, layer = -1, None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".") or (
                prefix.endswith(".s") and re.match(re.escape(prefix) + r"\d+(\.|$)", module))
            if matches and len(prefix) > best:
                best, layer = len(prefix), index
    if layer is not None and ENTRY_POINT.search(module):
        return 0
    return layer


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if set(rel.parts[:-1]) & SKIP_DIRS:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts:
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _is_test(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or parts[-1].startswith("test_") or parts[-1] == "conftest"


def _imports(module: str, path: Path) -> set[str]:
    """The project modules ``module`` imports, anywhere in its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            # the longest prefix that is a project module: `a.b.c` → `a.b` when c is a name in it
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def test_the_module_map_sees_the_project():
    assert {"workflow.engine", "applications.actions", "services.registry", "services.s1.service"} <= set(MODULES)
    assert "applications.actions" in GRAPH["applications.api"]


def test_no_import_cycles():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("layer", [name for name, _prefixes in LAYERS])
def test_layers_import_downwards_only(layer):
    upward = []
    for module, imports in GRAPH.items():
        if _is_test(module) or layer_of(module) is None or LAYERS[layer_of(module)][0] != layer:
            continue
        for imported in imports:
            target = layer_of(imported)
            if target is not None and target < layer_of(module):
                upward.append(f"{module} → {imported} ({LAYERS[target][0]})")
    assert not upward, "imports up the layers:\n" + "\n".join(sorted(upward))


def test_every_module_has_a_layer():
    assert not [m for m in MODULES if not _is_test(m) and layer_of(m) is None]
    names = [name for name, _prefixes in LAYERS]
    assert {names[layer_of(m)] for m in MODULES if not _is_test(m)} == set(names)
    assert [names[layer_of(m)] for m in ("workflow.engine", "applications.api", "services.s1.service",
                                         "services.registry", "applications.actions", "core.errors",
                                         "integrations.management.commands.make_demo_pki")] == [
        "engine", "interfaces", "service packages", "service registry", "requests and results", "foundation",
        "interfaces"]


def test_the_engine_imports_no_domain_app():
    allowed = {"workflow", "core", "workdays", "audit"}
    offending = sorted(f"{m} → {i}" for m, imports in GRAPH.items() if m.split(".")[0] == "workflow"
                       and not _is_test(m) for i in imports if i.split(".")[0] not in allowed)
    assert not offending, offending


SERVICE_CODE = re.compile(r"^S[1-9]\d*$")
SERVICE_FOLDER = re.compile(r"^services\.s\d+(\.|$)")


def test_no_service_code_outside_the_service_folders():
    found = []
    for module, path in MODULES.items():
        if _is_test(module) or SERVICE_FOLDER.match(module):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SERVICE_CODE.match(node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not found, "service codes compared or listed outside services/<service>/:\n" + "\n".join(found)


def test_every_service_folder_has_the_same_files():
    expected = {"__init__.py", "service.py", "forms.py", "reference_data.py", "layouts.py", "labels.py", "definitions"}
    folders = sorted(p for p in (ROOT / "services").iterdir() if p.is_dir() and re.fullmatch(r"s\d+", p.name))
    assert folders
    missing = defaultdict(list)
    for folder in folders:
        for name in expected - {p.name for p in folder.iterdir()}:
            missing[folder.name].append(name)
    assert not missing, dict(missing)
