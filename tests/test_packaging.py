"""The repository's set-up: dependencies agree, CI runs the README's test command, git ignores outputs."""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
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
    "mypy": "`python -m mypy`, the type check of the model packages ([tool.mypy] in pyproject.toml)",
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


def test_the_lock_file_is_made_from_these_dependencies():
    """uv.lock (the reproducible study's exact versions, `make locked`) was resolved from the dependencies
    pyproject.toml lists now, core and extras: after a change there, `uv lock` must run again."""
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    (project,) = [p for p in lock["package"] if p["name"] == "regio-analysis"]
    locked = sorted((canonicalize_name(r["name"]), r.get("specifier", ""), r.get("marker", ""))
                    for r in project["metadata"]["requires-dist"])
    wanted = sorted((canonicalize_name(req.name), str(req.specifier), f"extra == '{group}'" if group else "")
                    for group, reqs in _requirement_groups().items() for req in reqs)
    assert locked == wanted, "uv.lock is older than pyproject.toml's dependencies: run `uv lock`"
    assert sorted(project["metadata"]["provides-extras"]) == sorted(g for g in _requirement_groups() if g)
    versions: dict[str, list[str]] = {}
    for p in lock["package"]:
        versions.setdefault(p["name"], []).append(p.get("version", ""))
    for name, spec in _pyproject_requirements().items():  # every locked version within its floor
        assert name in versions and all(Requirement(f"{name}{spec}").specifier.contains(v) for v in versions[name]), name

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


def test_the_version_lives_in_one_place():
    """pyproject.toml takes the version from regio_analysis/__init__.py (hatch), so the installed metadata,
    `regio-analysis --version` and the report header cannot disagree."""
    import regio_analysis

    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in data["project"] and "version" in data["project"]["dynamic"]
    assert data["tool"]["hatch"]["version"]["path"] == "regio_analysis/__init__.py"
    assert importlib.metadata.version("regio-analysis") == regio_analysis.__version__


def test_a_wheel_installed_with_pip_copies_its_chapters_out_and_runs_one(tmp_path):
    """As a pip user has it, outside any checkout: the wheel (built as pip builds it) holds the data, the
    chapters, the lock file and the commit it was built from; `python -m regio_analysis notebooks` copies
    the chapters out and one runs there in a kernel, as in JupyterLab."""
    wheels, site, work = tmp_path / "wheels", tmp_path / "site", tmp_path / "werk"
    work.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(REPO)], check=True, timeout=300)
    (wheel,) = wheels.glob("regio_analysis-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}  # the wheel's package first, its dependencies from here
    env.pop("REGIO_ANALYSIS_DATA_DIR", None)
    code = textwrap.dedent('''
        import json, subprocess, sys
        import regio_analysis
        from regio_analysis.data.regions import available_region_ids, default_data_dir
        from regio_analysis.reporting.build_info import git_commit, lock_status
        subprocess.run([sys.executable, "-m", "regio_analysis", "notebooks", "--naar", "hoofdstukken"], check=True)
        lock = lock_status()
        print(json.dumps({"package": regio_analysis.__file__, "data": str(default_data_dir()),
                          "regions": available_region_ids(), "commit": git_commit(),
                          "lock": lock.sha256 if lock else None, "checked": lock.checked if lock else 0}))
    ''')
    res = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    found = json.loads(res.stdout.strip().splitlines()[-1])
    assert found["package"].startswith(str(site)) and found["data"].startswith(str(site))
    assert {"noorderwijzer", "rond-bommel-en-dommel"} <= set(found["regions"])
    head = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty", "--abbrev=7"],
                          capture_output=True, text=True).stdout.strip()
    assert found["commit"] == head != "onbekend"  # recorded at build time by hatch_build.py
    assert found["lock"] == hashlib.sha256((REPO / "uv.lock").read_bytes()).hexdigest() and found["checked"] > 50
    chapters = work / "hoofdstukken"
    annex = sorted(chapters.glob("*_bijlage.ipynb"))[0]
    run = textwrap.dedent(f'''
        import papermill as pm
        pm.execute_notebook({str(annex)!r}, "uit.ipynb", cwd={str(chapters)!r}, parameters={{"regio_id": "noorderwijzer"}},
                            progress_bar=False, kernel_name="python3")
    ''')
    res = subprocess.run([sys.executable, "-c", run], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Noorderwijzer" in (work / "uit.ipynb").read_text(encoding="utf-8")
    assert (chapters / "README.md").is_file()
