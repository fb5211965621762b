"""The repository's set-up: dependencies agree, CI runs the README's test command, git ignores outputs."""
from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import REPO


def _pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    reqs = data["dependencies"] + data["optional-dependencies"]["test"]
    return {Requirement(r).name.lower(): str(Requirement(r).specifier) for r in reqs}


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section installs the package itself
            continue
        req = Requirement(dep)
        if req.name.lower() not in ("python", "pip"):
            out[req.name.lower()] = str(req.specifier)
    return out


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    py, env = _pyproject_requirements(), _environment_requirements()
    assert sorted(set(py) ^ set(env)) == [], "a dependency is listed in only one of pyproject.toml and environment.yml"
    assert {n: s for n, s in py.items() if env[n] != s} == {}, "version constraints differ"


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
