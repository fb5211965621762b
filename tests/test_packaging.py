"""The repository's set-up: dependencies agree, CI runs the README's test command, git ignores outputs."""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

# Folders whose imports must be declared: the package, the tests (they run the benchmarks too) and the
# benchmarks; the chapter notebooks count with the package (they run in the report's kernel).
SCANNED = ("regio_analysis", "tests", "benchmarks")
# Import name -> distribution, for the names that differ (used when the distribution is not installed;
# an installed one is found by importlib.metadata.packages_distributions()).
DISTRIBUTION_OF = {
    "yaml": "pyyaml",
    "docx": "python-docx",
    "sklearn": "scikit-learn",
    "IPython": "ipython",
    "PIL": "pillow",
    "python_calamine": "python-calamine",
    "jupyter_client": "jupyter-client",
    "jupyter_core": "jupyter-core",
    "rfc3987_syntax": "rfc3987-syntax",
}
# Declared, and rightly so, though no module imports them.
NOT_IMPORTED = {
    "ipykernel": "the kernel ('python3') the report notebooks run in",
    "nbval": "the pytest plugin behind --nbval-lax (addopts)",
    "jupyterlab": "`jupyter lab notebooks/` (extra lab)",
}


def _requirement_groups() -> dict[str, list[Requirement]]:
    """``{"": core, extra: [...]}`` from pyproject.toml."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    groups = {"": data["dependencies"], **data["optional-dependencies"]}
    return {group: [Requirement(r) for r in reqs] for group, reqs in groups.items()}


def _pyproject_requirements() -> dict[str, str]:
    """Every dependency, core or in an extra, with its version constraint (the same in every group)."""
    out: dict[str, str] = {}
    for group, reqs in _requirement_groups().items():
        for req in reqs:
            name, spec = canonicalize_name(req.name), str(req.specifier)
            assert out.setdefault(name, spec) == spec, f"{name}: {spec} in [{group}], {out[name]} elsewhere"
    return out


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section installs the package itself
            continue
        req = Requirement(dep)
        if req.name.lower() not in ("python", "pip"):
            out[canonicalize_name(req.name)] = str(req.specifier)  # conda's jupyter_client is jupyter-client
    return out


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert sorted(set(py) ^ set(env)) == [], "a dependency is listed in only one of pyproject.toml and environment.yml"
    assert {n: s for n, s in py.items() if env[n] != s} == {}, "version constraints differ"


def test_jupyterlab_and_dask_are_extras_not_core():
    """A batch run needs neither JupyterLab nor Dask: `pip install .[lab]`, `.[dask]` bring them."""
    names = {group: {canonicalize_name(r.name) for r in reqs} for group, reqs in _requirement_groups().items()}
    assert "jupyterlab" not in names[""] and "jupyterlab" in names["lab"]
    assert "distributed" not in names[""] and "distributed" in names["dask"]


def test_every_module_of_the_package_imports():
    """Each module of the package imports (in a fresh interpreter, as a kernel would): a dependency that
    is missing or older than the code needs shows here first (.ci/lowest runs this at the floors)."""
    code = textwrap.dedent('''
        import importlib, json, pkgutil, sys
        import regio_analysis
        failed = {}
        for info in pkgutil.walk_packages(regio_analysis.__path__, "regio_analysis.", onerror=lambda name: None):
            if info.name.endswith(".__main__"):  # runs the CLI when imported; cli is imported on its own
                continue
            try:
                importlib.import_module(info.name)
            except Exception as err:
                failed[info.name] = f"{type(err).__name__}: {err}"
        print(json.dumps(failed))
    ''')
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert json.loads(res.stdout.strip().splitlines()[-1]) == {}


# ------------------------------------------------------------------ imports against declarations


def _imports_in_code(code: str) -> tuple[set[str], set[str]]:
    """Top-level names of the absolute imports in ``code`` (also those inside functions, and the
    modules of ``pytest.importorskip``), and apart from them those in code held in a string
    (``python -c`` in a subprocess, or a fixture's file)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    names, in_strings = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "importorskip" and node.args
              and isinstance(node.args[0], ast.Constant)):  # pytest.importorskip("distributed")
            names.add(node.args[0].value.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.search(
                r"^\s*(import|from)\s+\w", node.value, re.M):
            in_strings |= set().union(*_imports_in_code(textwrap.dedent(node.value)))
    return names, in_strings


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = [line for cell in cells if cell["cell_type"] == "code"
             for line in "".join(cell["source"]).splitlines() if not line.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def _local_modules() -> set[str]:
    """Modules of this repository itself: the package and the helper modules the tests and benchmarks
    import from their own folders (conftest, harness, compare_tables, ...)."""
    local = {"regio_analysis"}
    for folder in SCANNED[1:]:
        for path in (REPO / folder).rglob("*.py"):
            local.add(path.stem)
            local |= {p.name for p in path.relative_to(REPO).parents}
    return local


@functools.cache
def _third_party_imports(folders: tuple[str, ...] = SCANNED, notebooks: bool = True) -> dict[str, set[str]]:
    """``{import name: {files}}`` of every module imported under ``folders`` that is neither in the
    standard library nor part of this repository."""
    sources = [(p, p.read_text(encoding="utf-8")) for folder in folders for p in sorted((REPO / folder).rglob("*.py"))]
    if notebooks:
        sources += [(p, _notebook_code(p)) for p in sorted((REPO / "notebooks").glob("*.ipynb"))]
    skip = set(sys.stdlib_module_names) | _local_modules()
    found: dict[str, set[str]] = {}
    for path, code in sources:
        names, in_strings = _imports_in_code(code)
        # code in a string counts where it names a module that exists (not a test's made-up package)
        names |= {name for name in in_strings - skip if importlib.util.find_spec(name) is not None}
        for name in names - skip:
            found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distributions(import_name: str) -> set[str]:
    """The distributions that provide ``import_name`` (installed ones first, else the known names)."""
    installed = _packages_distributions().get(import_name)
    if installed:
        return {canonicalize_name(d) for d in installed}
    return {canonicalize_name(DISTRIBUTION_OF.get(import_name, import_name))}


def _import_names(distribution: str) -> set[str]:
    """The top-level import names of ``distribution`` (installed, else the known or usual name)."""
    names = {m for m, dists in _packages_distributions().items()
             if distribution in {canonicalize_name(d) for d in dists}}
    names |= {m for m, d in DISTRIBUTION_OF.items() if d == distribution}
    return names or {distribution.replace("-", "_")}


def _undeclared(imports: dict[str, set[str]], declared: set[str]) -> dict[str, str]:
    return {name: f"{' or '.join(sorted(_distributions(name)))} (imported in {', '.join(sorted(files))})"
            for name, files in sorted(imports.items()) if not _distributions(name) & declared}


def test_the_import_scan_sees_lazy_imports_and_code_in_strings():
    code = textwrap.dedent('''
        IMPORT os
        FROM a.b IMPORT c
        def f():
            IMPORT lazy_one
            pytest.importorskip("skipped_without.it")
        CODE = """
        IMPORT in_a_string
        """
        FROM . IMPORT relative
    ''').replace("IMPORT", "import").replace("FROM", "from")
    assert _imports_in_code(code) == ({"os", "a", "lazy_one", "skipped_without"}, {"in_a_string"})
    imports = _third_party_imports()
    assert "pytest" in imports and "numpy" in imports
    assert "benchmarks/batch.py" in imports["psutil"]  # a lazy import inside a method
    assert "tests/test_reporting.py" in imports["rfc3987_syntax"]  # code run with python -c
    assert "tests/test_reporting.py" in imports["distributed"]  # pytest.importorskip
    assert not {"os", "conftest", "harness", "regio_analysis", "__future__", "pkg"} & set(imports)


def test_every_imported_module_is_declared():
    """A module imported by the package, a notebook, a test or a benchmark is a declared dependency
    (core or an extra): otherwise a clean install cannot run it."""
    declared = set(_pyproject_requirements())
    assert _undeclared(_third_party_imports(), declared) == {}, "imported but not declared in pyproject.toml"


def test_what_the_tests_and_benchmarks_import_comes_with_the_test_extra():
    """`pip install -e '.[test]'` (make test) installs everything the tests and benchmarks import."""
    groups = _requirement_groups()
    installed = {canonicalize_name(r.name) for group in ("", "test") for r in groups[group]}
    imports = _third_party_imports(SCANNED[1:], notebooks=False)
    assert _undeclared(imports, installed) == {}, "imported by tests or benchmarks, not in the core or [test]"


def test_every_declared_dependency_is_imported_somewhere():
    """A dependency nothing imports is dead weight on every install (or belongs in NOT_IMPORTED with why)."""
    imported = set(_third_party_imports())
    unused = {name for name in _pyproject_requirements() if name not in NOT_IMPORTED
              and not _import_names(name) & imported}
    assert sorted(unused) == [], "declared in pyproject.toml but imported nowhere"
    assert set(NOT_IMPORTED) <= set(_pyproject_requirements()), "NOT_IMPORTED names a dependency no longer declared"
    pytest_options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--nbval" in pytest_options["addopts"], "nbval is declared for --nbval-lax, which addopts no longer has"


def test_python_version_agrees():
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda_python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert Requirement(conda_python).specifier == Requirement("python" + data["requires-python"]).specifier


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    test_cmd = next(line.split("#")[0].strip() for line in block.splitlines() if "test" in line.split("#")[-1])
    ci = (REPO / ".ci" / "run").read_text()
    assert test_cmd in ci.splitlines(), f"{test_cmd!r} not called by .ci/run"


def test_outputs_and_venv_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text().splitlines()
    for entry in (".venv/", "data/generated/*", "reports/*", "*.key"):
        assert entry in ignored


def test_console_script_is_declared():
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert data["scripts"]["regio-analysis"] == "regio_analysis.cli:main"
