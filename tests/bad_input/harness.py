"""The bad-input corpus: one small case per class of hostile or mistaken input.

Every case goes through :func:`run_cli` (the real command in a subprocess, with a hard
time limit) or :func:`call_api` (a library call), and ends in one of five outcomes:

- ``clean``: a non-zero exit (or a DataError) whose message names the place;
- ``traceback``: a Python traceback reached the user;
- ``hang``: the time limit ran out;
- ``silent``: exit 0 (or no error) where an error was expected;
- ``ok``: a case that must succeed did.

Set ``BAD_INPUT_REPORT=path.jsonl`` to record one line per case (used for the corpus
totals in the closing notes: the same tests run on an older checkout give "before").
Each case also checks that no input file changed (sha256 of every file before/after).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REGIONS = REPO / "data" / "regions"
DEFAULT_TIMEOUT = 120


@dataclass
class Result:
    returncode: int | None
    stdout: str
    stderr: str
    outcome: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _record(case: str, outcome: str) -> None:
    path = os.environ.get("BAD_INPUT_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"case": case, "outcome": outcome}) + "\n")


def snapshot(*folders: Path) -> dict[str, str]:
    """sha256 of every file below ``folders`` (symlinks not followed)."""
    out = {}
    for folder in folders:
        folder = Path(folder)
        files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        for p in files:
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment for a subprocess: its own HOME and a fixed pseudonymisation key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIO_ANALYSIS_")}
    home = tmp_path / "_home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), REGIO_ANALYSIS_KEY="test-sleutel-voor-de-corpus-tests", PYTHONWARNINGS="ignore")
    env.update(extra)
    return env


def run_cli(request, *args: str, tmp_path: Path, expect: str = "error", timeout: float = DEFAULT_TIMEOUT,
            watch: tuple[Path, ...] = (), env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
    """Run ``regio-analysis *args`` and classify the outcome; assert no watched file changed.

    ``expect="error"`` asserts a clean error (non-zero exit, no traceback); ``expect="ok"``
    asserts exit 0. The outcome is recorded either way before asserting.
    """
    before = snapshot(*watch)
    cmd = [sys.executable, "-m", "regio_analysis.cli", *map(str, args)]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                             env=env or isolated_env(tmp_path), cwd=cwd or tmp_path, stdin=subprocess.DEVNULL)
        rc, out, err = res.returncode, res.stdout, res.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = None, str(exc.stdout or ""), str(exc.stderr or "")
    if rc is None:
        outcome = "hang"
    elif "Traceback (most recent call last)" in out + err:
        outcome = "traceback"
    elif expect == "error":
        outcome = "silent" if rc == 0 else "clean"
    else:
        outcome = "ok" if rc == 0 else "clean"
    _record(request.node.nodeid, outcome)
    result = Result(rc, out, err, outcome)
    assert snapshot(*watch) == before, "an input file changed"
    want = "clean" if expect == "error" else "ok"
    assert outcome == want, f"{outcome}: exit {rc}\n--- stdout\n{out[-3000:]}\n--- stderr\n{err[-3000:]}"
    return result


def call_api(request, fn, *, watch: tuple[Path, ...] = (), expect_error: type[BaseException] | None = None):
    """Call ``fn()``; with ``expect_error`` assert it raises that (a clean error), else that it returns.

    Returns the exception (or the return value). Records the outcome like :func:`run_cli`.
    """
    from regio_analysis import DataError

    expect_error = expect_error or DataError
    before = snapshot(*watch)
    try:
        value = fn()
    except expect_error as exc:
        _record(request.node.nodeid, "clean")
        assert snapshot(*watch) == before, "an input file changed"
        return exc
    except Exception:
        _record(request.node.nodeid, "traceback")
        raise
    _record(request.node.nodeid, "silent")
    assert snapshot(*watch) == before, "an input file changed"
    pytest.fail(f"expected {expect_error.__name__}, got {value!r}")


@pytest.fixture
def region_copy(tmp_path):
    """``copy(regio_id)`` copies a default region into ``tmp_path/data`` and returns its folder."""

    def copy(regio_id: str = "po-noord-nederland") -> Path:
        dst = tmp_path / "data" / regio_id
        shutil.copytree(REGIONS / regio_id, dst)
        return dst

    return copy
