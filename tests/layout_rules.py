"""The layout rules of the package (see ``regio_analysis/__init__.py``), as functions over source files.

``tests/test_layout.py`` applies them to the package and, to show that each can fail, to small
packages written on the fly. Each rule returns a list of violations (strings); empty is good.
"""
from __future__ import annotations

import ast
from pathlib import Path

MAX_LINES = 800
MAX_TOP_LEVEL_MODULES = 8

# calls that open, create, move or delete a file, by attribute name (``x.read_text()``) ...
FILE_METHODS = {"read_text", "write_text", "read_bytes", "write_bytes", "to_csv", "to_excel", "to_parquet",
                "savefig", "mkdir", "unlink", "rmdir", "touch", "load_workbook", "ExcelWriter", "ZipFile"}
# ... by module function (``os.remove(...)``, ``pd.read_csv(...)``) ...
FILE_FUNCTIONS = {
    "os": {"open", "remove", "unlink", "rename", "replace", "makedirs", "mkdir", "rmdir", "fdopen", "link",
           "symlink", "truncate"},
    "shutil": None,  # every function
    "tempfile": None,
    "zipfile": {"ZipFile"},
    "openpyxl": {"load_workbook"},
}
PANDAS = {"pd", "pandas"}
# ... and the builtin
BUILTIN_OPEN = "open"


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under the package folder ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(tree: ast.AST, name: str, known: set[str], is_package: bool) -> set[str]:
    """The package modules that module ``name`` imports (an edge per imported module file)."""
    out: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in known:
                    out.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for a in node.names:
                target = f"{base}.{a.name}"
                if target in known:
                    out.add(target)
                elif base in known:
                    out.add(base)
    out.discard(name)
    return out


def import_graph(root: Path) -> dict[str, set[str]]:
    mods = modules(root)
    known = set(mods)
    return {name: _imports(ast.parse(path.read_text()), name, known, path.name == "__init__.py")
            for name, path in mods.items()}


def import_cycles(root: Path) -> list[str]:
    """Every strongly connected set of modules larger than one (Tarjan), as ``a -> b -> a``."""
    graph = import_graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[str] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(" <-> ".join(sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def long_modules(root: Path, limit: int = MAX_LINES) -> list[str]:
    return [f"{path.relative_to(root.parent)}: {n} lines" for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text().splitlines())) > limit]


def top_level_modules(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob("*.py"))


def _file_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == BUILTIN_OPEN:
            found.append((node.lineno, "open()"))
        elif isinstance(f, ast.Attribute):
            owner = f.value.id if isinstance(f.value, ast.Name) else None
            if owner in FILE_FUNCTIONS and (FILE_FUNCTIONS[owner] is None or f.attr in FILE_FUNCTIONS[owner]):
                found.append((node.lineno, f"{owner}.{f.attr}()"))
            elif owner in PANDAS and f.attr.startswith("read_"):
                found.append((node.lineno, f"{owner}.{f.attr}()"))
            elif f.attr in FILE_METHODS:
                found.append((node.lineno, f".{f.attr}()"))
            elif f.attr == "open" and owner not in ("webbrowser",):
                found.append((node.lineno, ".open()"))
    return found


def file_access_outside_io(root: Path, io_package: str = "io") -> list[str]:
    """Calls that open, write or delete files in a module outside ``<root>/<io_package>/``."""
    out = []
    for name, path in modules(root).items():
        if name.split(".")[1:2] == [io_package]:
            continue
        for line, what in _file_calls(ast.parse(path.read_text())):
            out.append(f"{path.relative_to(root.parent)}:{line}: {what}")
    return out


def models_importing_io(root: Path, io_package: str = "io", allowed: tuple[str, ...] = ()) -> list[str]:
    """Model modules (not a ``chapter`` module or package, not in ``allowed`` packages/modules) that import io."""
    graph = import_graph(root)
    pkg = root.name
    io_prefix = f"{pkg}.{io_package}"
    out = []
    for name, deps in graph.items():
        if name.startswith(io_prefix) or "chapter" in name.split(".") or name == pkg:
            continue
        if any(name == a or name.startswith(a + ".") for a in allowed):
            continue
        bad = sorted(d for d in deps if d == io_prefix or d.startswith(io_prefix + "."))
        if bad:
            out.append(f"{name} imports {', '.join(bad)}")
    return out
