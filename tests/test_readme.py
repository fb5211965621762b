"""Every code block of README.md runs as pasted.

The README's blocks are read with their line number and the directive comment on the line right
before the opening fence, if any (``<!-- readme-test: ... -->``):

- ``niet uitgevoerd, <reden>``: the block cannot run inside a test; the reason must be one of
  :data:`REDENEN`. No test item is made for it; :func:`test_niet_uitgevoerde_blokken` lists them and
  checks their reasons, and a block that starts a server gets the check of
  :func:`test_server_blok_noemt_wat_er_is` instead (the program answers ``--version`` and the paths it
  is given exist).
- ``bestand <naam>``: a later block uses this block as the file ``<naam>``: the test writes it there in
  the scratch folder (and checks that it parses when it is YAML).
- ``langzaam``: the block builds reports (minutes); marked ``langzaam``, so the default run deselects it
  (tests/conftest.py) and ``.ci/run`` runs it after ``make test``: ``pytest -m langzaam tests/test_readme.py``.

Per block, by its language: ``yaml`` is parsed with ``yaml.safe_load``; ``bash`` (and a block without a
language) runs line by line with ``bash -c`` (a trailing ``# comment`` stripped; a line with ``&&``
is one shell line), each line must exit 0 without a traceback; ``python`` runs as a script; ``text`` is
not code (the layout tree) and is not run.

The commands run from the root of a scratch copy of the repository's tracked files (without the package
itself), as after ``make test``: ``.venv/bin/`` holds small wrappers (``regio-analysis``, ``python``,
``papermill``, ``jupyter``) that run this interpreter with ``PYTHONPATH`` set to the repository, so the
code under test is imported and nothing is written into the checkout. Like a fresh machine: no
pseudonymisation key, no DUO cache, the default data folder is the copy's ``data/regions``. Blocks in the
section "Without a checkout: pip" run with those wrappers first on ``PATH`` (as after ``pip install``).
Paths under ``/tmp/`` in a block are redirected into the scratch folder, so runs do not collide and leave
nothing behind. All blocks of a run share one scratch folder, in README order (as a reader pastes them).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"

#: the reasons a block may give for not being run
REDENEN = {
    "dit is de testopdracht zelf": "make test: the test suite itself (CI runs it)",
    "start een server": "jupyter lab: starts a server and blocks (checked: the program and its paths)",
    "vraagt netwerk": "downloads (pip from a git URL, DUO's national files)",
    "vraagt conda": "conda is not part of the test environment",
}
#: the languages a block may have; "" (none) is run as commands
TALEN = {"bash", "python", "yaml", "text", ""}
#: the section whose commands assume the package installed with pip (its commands on PATH)
PIP_SECTIE = "Without a checkout: pip"
#: the wrappers in the scratch copy's .venv/bin and the module each runs (None: the interpreter itself)
WRAPPERS = {"regio-analysis": "regio_analysis", "python": None, "python3": None, "papermill": "papermill",
            "jupyter": "jupyter"}
SNEL_TIMEOUT, LANGZAAM_TIMEOUT = 600, 3600

_DIRECTIVE = re.compile(r"^<!--\s*readme-test:\s*(.*?)\s*-->\s*$")
_FENCE = re.compile(r"^```\s*([\w+-]*)\s*$")


@dataclass(frozen=True)
class Blok:
    regel: int  # line number of the opening fence (1-based)
    taal: str
    code: str
    directive: str | None  # the text after "readme-test:", or None
    sectie: str  # the "## " heading the block is under

    @property
    def id(self) -> str:
        return f"README.md:{self.regel}"

    @property
    def niet_uitgevoerd(self) -> str | None:
        """The reason when the block is not run, else None."""
        if self.directive and self.directive.startswith("niet uitgevoerd"):
            return self.directive.partition(",")[2].strip()
        return None

    @property
    def bestand(self) -> str | None:
        if self.directive and self.directive.startswith("bestand "):
            return self.directive[len("bestand "):].strip()
        return None

    @property
    def langzaam(self) -> bool:
        return self.directive == "langzaam"


def lees_blokken(text: str) -> list[Blok]:
    """Every fenced block of a Markdown text, with its line, language, directive and section."""
    lines = text.splitlines()
    blocks, sectie, i = [], "", 0
    while i < len(lines):
        if lines[i].startswith("## "):
            sectie = lines[i][3:].strip()
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and lines[i].rstrip() != "```":
            i += 1
        if i >= len(lines):
            raise AssertionError(f"README.md:{start + 1}: code block without a closing fence")
        prev = _DIRECTIVE.match(lines[start - 1]) if start > 0 else None
        blocks.append(Blok(start + 1, m.group(1).lower(), "\n".join(lines[start + 1:i]) + "\n",
                           prev.group(1) if prev else None, sectie))
        i += 1
    return blocks


BLOKKEN = lees_blokken(README.read_text(encoding="utf-8"))


def strip_comment(line: str) -> str:
    """``line`` without a trailing ``# comment`` (a ``#`` inside quotes or a word is kept)."""
    quote = None
    for pos, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (pos == 0 or line[pos - 1].isspace()):
            return line[:pos].rstrip()
    return line.rstrip()


def opdrachten(code: str) -> list[str]:
    """The command lines of a shell block: comments stripped, ``\\`` continuations joined, empty lines
    dropped (a line with ``&&`` stays one line)."""
    out, pending = [], ""
    for raw in code.splitlines():
        line = strip_comment(raw)
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            out.append(line)
    if pending.strip():
        out.append(pending.strip())
    return out


# ------------------------------------------------------------------ the scratch copy


def _tracked_files() -> list[str]:
    """The repository's tracked files (git), or every file when this is no git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
        return [name for name in out.decode("utf-8").split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "reports", "__pycache__", ".pytest_cache"}
        return [str(p.relative_to(REPO)) for p in REPO.rglob("*")
                if p.is_file() and not skip & set(p.relative_to(REPO).parts)]


def _wrapper(path: Path, module: str | None) -> None:
    run = [sys.executable] + (["-m", module] if module else [])
    path.write_text("#!/bin/sh\n# runs the code of the repository under test (tests/test_readme.py)\n"
                    f"PYTHONPATH={shlex.quote(str(REPO))}${{PYTHONPATH:+:$PYTHONPATH}} "
                    f"exec {' '.join(shlex.quote(a) for a in run)} \"$@\"\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture(scope="session")
def kopie(tmp_path_factory) -> Path:
    """A scratch copy of the repository's tracked files (without the package ``regio_analysis/``, which
    is imported from the repository) with a ``.venv/bin/`` of wrappers, and the files the README's
    ``bestand`` blocks define."""
    root = tmp_path_factory.mktemp("readme")
    for name in _tracked_files():
        if name.split("/", 1)[0] in ("regio_analysis", ".venv"):
            continue
        source = REPO / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, module in WRAPPERS.items():
        _wrapper(bin_dir / name, module)
    (root / ".venv" / ".installed").touch()  # as after `make test` (newer than pyproject.toml)
    (root / "tmp").mkdir()
    for blok in BLOKKEN:
        if blok.bestand:
            (root / blok.bestand).write_text(blok.code, encoding="utf-8")
    return root


def _omgeving(root: Path, blok: Blok) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["REGIO_ANALYSIS_DATA_DIR"] = str(root / "data" / "regions")  # the copy's, as in a checkout
    env["XDG_CACHE_HOME"] = str(root / ".cache")  # no DUO files fetched
    for name in ("REGIO_ANALYSIS_KEY", "REGIO_ANALYSIS_KEY_FILE", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(name, None)  # a fresh machine has no key (HOME is the suite's temporary one)
    if blok.sectie == PIP_SECTIE:
        env["PATH"] = f"{root / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _naar_kopie(text: str, root: Path) -> str:
    """``/tmp/...`` paths redirected into the scratch copy's ``tmp/``."""
    return re.sub(r"(?<![\w/.~-])/tmp/", f"{root}/tmp/", text)


def _draai(args: list[str], root: Path, blok: Blok, wat: str) -> None:
    timeout = LANGZAAM_TIMEOUT if blok.langzaam else SNEL_TIMEOUT
    try:
        proc = subprocess.run(args, cwd=root, env=_omgeving(root, blok), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{blok.id}: {wat} ran longer than {timeout} s")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "Traceback" not in output, (
        f"{blok.id}: {wat}\nexit code {proc.returncode}\n{output[-6000:]}")


# ------------------------------------------------------------------ the tests


def _params():
    for blok in BLOKKEN:
        if blok.niet_uitgevoerd is not None or blok.taal == "text":
            continue
        yield pytest.param(blok, id=blok.id, marks=[pytest.mark.langzaam] if blok.langzaam else [])


@pytest.mark.parametrize("blok", list(_params()))
def test_readme_blok(blok: Blok, kopie: Path):
    """The block runs as pasted (yaml: parses)."""
    if blok.taal == "yaml":
        try:
            yaml.safe_load(blok.code)
        except yaml.YAMLError as err:
            pytest.fail(f"{blok.id}: not valid YAML: {err}")
    elif blok.taal == "python":
        script = kopie / ".readme-blokken" / f"regel_{blok.regel}.py"
        script.parent.mkdir(exist_ok=True)
        script.write_text(_naar_kopie(blok.code, kopie), encoding="utf-8")
        _draai([sys.executable, str(script)], kopie, blok, "the python block")
    else:
        commands = opdrachten(blok.code)
        assert commands, f"{blok.id}: a shell block without commands"
        for line in commands:
            if line.startswith("make ") and not Path("/usr/bin/chromium").exists():
                # the Makefile would install it with apt-get: not from a test
                pytest.fail(f"{blok.id}: {line} needs Debian's chromium (make chromium; .ci/run installs it)")
            _draai(["bash", "-c", _naar_kopie(line, kopie)], kopie, blok, line)


def test_blokken_zijn_ingedeeld():
    """Every block has a known language, every directive a known form, and every directive comment
    stands right before a block (a typo or a stray comment fails here instead of changing what runs)."""
    problems = []
    for blok in BLOKKEN:
        if blok.taal not in TALEN:
            problems.append(f"{blok.id}: language {blok.taal!r}; known: {sorted(TALEN)}")
        d = blok.directive
        if d is not None and not (blok.langzaam or blok.niet_uitgevoerd is not None or blok.bestand):
            problems.append(f"{blok.id}: unknown directive {d!r}")
        if blok.bestand and (Path(blok.bestand).is_absolute() or ".." in Path(blok.bestand).parts):
            problems.append(f"{blok.id}: bestand {blok.bestand!r} must be a relative name in the repository root")
        if blok.taal == "text" and d is not None:
            problems.append(f"{blok.id}: a text block is not run; the directive {d!r} means nothing there")
        if blok.bestand:  # the test writes the file before any block runs; a reader only after this one
            early = [b.id for b in BLOKKEN if b.regel < blok.regel and blok.bestand in b.code]
            if early:
                problems.append(f"{blok.id}: {blok.bestand} is used before the block that defines it: {early}")
    lines = README.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if "readme-test" in line and not (_DIRECTIVE.match(line) and n < len(lines) and _FENCE.match(lines[n])):
            problems.append(f"README.md:{n}: a readme-test comment must stand alone on the line right before "
                            f"an opening fence: {line.strip()!r}")
    assert not problems, "\n".join(problems)


def test_niet_uitgevoerde_blokken():
    """The blocks that are not run, each with an allowed reason (listed on failure and with -rA)."""
    overzicht = [(blok.id, blok.niet_uitgevoerd, blok.code.strip().splitlines()[0])
                 for blok in BLOKKEN if blok.niet_uitgevoerd is not None]
    print("\n".join(f"{where}: {why}: {first}" for where, why, first in overzicht))
    wrong = [f"{where}: reason {why!r}; allowed: {', '.join(REDENEN)}" for where, why, _ in overzicht
             if why not in REDENEN]
    assert not wrong, "\n".join(wrong)


SERVERS = [b for b in BLOKKEN if b.niet_uitgevoerd == "start een server"]


@pytest.mark.parametrize("blok", SERVERS, ids=[b.id for b in SERVERS])
def test_server_blok_noemt_wat_er_is(blok: Blok, kopie: Path):
    """A block that starts a server (``jupyter lab notebooks/``) is not run, but its program answers
    ``--version`` and every path it names exists: in the repository, or under ``/tmp/`` made by an
    earlier block (``notebooks --naar /tmp/hoofdstukken``; the blocks run first, in README order)."""
    for line in opdrachten(blok.code):
        words = shlex.split(line)
        program, paths = words[:2], words[2:]
        assert program[0].startswith(".venv/bin/") or blok.sectie == PIP_SECTIE, (
            f"{blok.id}: {line}: after `make test` the program is in .venv/bin/")
        missing = [p for p in paths if not (kopie / _naar_kopie(p, kopie)).exists()]
        assert not missing, f"{blok.id}: {line}: no such file or folder in the repository: {missing}"
        _draai(["bash", "-c", shlex.join(program + ["--version"])], kopie, blok, f"{shlex.join(program)} --version")
