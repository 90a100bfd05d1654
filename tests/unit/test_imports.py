"""The import structure: no circles between the modules of `workers`, and no private name used across modules.

Every import counts, at module level or inside a function (a lazy import is still a dependency),
as do `import_module("...")` calls and "module:Class" strings naming what is imported by name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from workers.settings import PROJECT_ROOT

PACKAGES = ("workers", "tests", "bench")
_DYNAMIC = re.compile(r"^([A-Za-z_]\w*(?:\.\w+)+):\w+$")  # "workers.stage1_extract.stage:ExtractStage"


def modules_of(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of `package` under `root`."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[str, list[str], ast.AST]]:
    """(module imported from, names imported, node) for every import of a module's tree, relative ones resolved."""
    out: list[tuple[str, list[str], ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[:len(here) - node.level + 1]
                base = ".".join(here + ([base] if base else []))
            out.append((base, [alias.name for alias in node.names], node))
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"):
            out.append((node.args[0].value, [], node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _DYNAMIC.match(node.value):
            out.append((_DYNAMIC.match(node.value).group(1), [], node))  # type: ignore[union-attr]
    return out


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (any import, anywhere in the file)."""
    modules = modules_of(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for base, names, _ in _imported(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py"):
            for target in [f"{base}.{n}" for n in names] + [base]:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target != package:
                    deps.add(target)
                    break
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (each an import circle), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def private_uses(root: Path, packages: tuple[str, ...]) -> list[str]:
    """Each place a module uses another module's private (`_name`) name: imported, as an attribute or patched."""
    modules = {m: p for package in packages for m, p in modules_of(root, package).items()}
    out = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound: dict[str, str] = {}  # local name -> module it is bound to
        for base, names, node in _imported(tree, name, path.name == "__init__.py"):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and base.split(".")[0] in packages:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__") and base != name:
                        out.append(f"{path.relative_to(root)}:{node.lineno} imports {base}.{alias.name}")
                    if f"{base}.{alias.name}" in modules:
                        bound[alias.asname or alias.name] = f"{base}.{alias.name}"
        for node in ast.walk(tree):
            owner, attr = None, None
            if isinstance(node, ast.Attribute):
                owner, attr = _module_path(node.value, bound), node.attr
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "setattr" and len(node.args) >= 2
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                owner, attr = _module_path(node.args[0], bound), node.args[1].value
            if (owner in modules and owner != name and attr is not None and attr.startswith("_")
                    and not attr.startswith("__")):
                out.append(f"{path.relative_to(root)}:{node.lineno} uses {owner}.{attr}")
    return sorted(out)


def _module_path(node: ast.AST, bound: dict[str, str]) -> str | None:
    """The dotted module an expression such as `gz` or `workers.stage3_normalize.cache` names, if any."""
    if isinstance(node, ast.Name):
        return bound.get(node.id)
    if isinstance(node, ast.Attribute):
        inner = _module_path(node.value, bound)
        return f"{inner}.{node.attr}" if inner else None
    return None


def test_no_import_circles_in_workers() -> None:
    assert cycles(import_graph(PROJECT_ROOT, "workers")) == []


def test_no_module_uses_a_private_name_of_another() -> None:
    assert private_uses(PROJECT_ROOT, PACKAGES) == []


def _package(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_checks_find_lazy_and_dynamic_circles(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "def f():\n    from pkg.b import g\n",
        "pkg/b.py": "from . import a\n",
        "pkg/c.py": "from importlib import import_module\nM = import_module('pkg.d')\n",
        "pkg/d.py": "NAMES = {'c': 'pkg.c:Thing'}\n",
        "pkg/e.py": "import pkg.a\n",
    })
    assert cycles(import_graph(root, "pkg")) == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.d"]]


def test_the_checks_find_private_names_used_across_modules(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "workers/__init__.py": "",
        "workers/a.py": "def _hidden():\n    pass\n\ndef shown():\n    _hidden()\n",
        "workers/b.py": "from workers.a import _hidden\n",
        "workers/c.py": "from workers import a as alias\nalias._hidden()\n",
        "workers/d.py": "import workers.a\n\ndef t(mp):\n    mp.setattr(workers.a, '_hidden', None)\n",
        "workers/e.py": "from workers.a import shown\nshown()._private\n",
    })
    assert private_uses(root, ("workers",)) == [
        "workers/b.py:1 imports workers.a._hidden",
        "workers/c.py:2 uses workers.a._hidden",
        "workers/d.py:4 uses workers.a._hidden",
    ]
