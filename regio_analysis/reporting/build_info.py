"""Where a report's code and environment come from, for its cover and its appendix.

* :func:`git_commit`: the commit of the package's code, from the git checkout, from pip's record of a git
  install, or from the file the build wrote into the wheel (``hatch_build.py``).
* :func:`lock_status`: the lock file of the reproducible study (``uv.lock``, in the checkout or shipped in
  the wheel), its sha256, and which installed packages have another version than the lock names.
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from regio_analysis.io.files import installed_commit, read_bytes, sha256_of

LOCK_NAME = "uv.lock"
#: written into the wheel by hatch_build.py when it is built from a git checkout
COMMIT_FILE = "_commit.txt"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_DISTRIBUTION = "regio-analysis"


def git_commit() -> str:
    """The commit the package's code comes from: ``git describe`` in a checkout ("-dirty" when tracked
    files differ from the commit: the report was not made by that commit alone); for a package
    installed from a git URL, the commit pip recorded (``direct_url.json``); for a wheel built from a
    checkout, the commit its build recorded (``_commit.txt``); else "onbekend"."""
    try:
        out = subprocess.run(["git", "-C", str(_PACKAGE_DIR), "describe", "--always", "--dirty", "--abbrev=7"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    recorded = installed_commit(_DISTRIBUTION)
    if recorded:
        return recorded
    built = _PACKAGE_DIR / COMMIT_FILE
    if built.is_file():
        return read_bytes(built).decode("utf-8", "replace").strip()[:40] or "onbekend"
    return "onbekend"


def lock_path() -> Path | None:
    """``uv.lock``: beside the package in a checkout, in ``_default_data`` in an installed wheel."""
    for path in (_PACKAGE_DIR.parent / LOCK_NAME, _PACKAGE_DIR / "_default_data" / LOCK_NAME):
        if path.is_file():
            return path
    return None


@dataclass(frozen=True)
class LockStatus:
    """How the running environment compares with the lock file."""

    sha256: str
    checked: int  #: installed packages that the lock names
    differences: tuple[tuple[str, str, str], ...]  #: (package, installed version, the lock's version(s))

    @property
    def short(self) -> str:
        """The first 12 hex digits of the lock's sha256, as on the cover."""
        return self.sha256[:12]

    def cover_text(self) -> str:
        """One line for the cover: the lock's hash and whether the environment follows it."""
        if not self.differences:
            return f"{LOCK_NAME} {self.short}, alle {self.checked} geïnstalleerde pakketten in de versie van het lock"
        n = len(self.differences)
        return (f"{LOCK_NAME} {self.short}; {n} van {self.checked} geïnstalleerde pakketten in een andere versie "
                "dan het lock (zie de verantwoording)")

    def appendix_text(self) -> str:
        """The full hash and every package that differs from the lock, for the appendix."""
        if not self.differences:
            return f"sha256 {self.sha256}; alle {self.checked} geïnstalleerde pakketten in de versie van het lock"
        listed = "; ".join(f"{name} {installed} (lock {locked})" for name, installed, locked in self.differences)
        return f"sha256 {self.sha256}; andere versie dan het lock: {listed}"


@functools.cache
def lock_status() -> LockStatus | None:
    """The lock's sha256 and the installed packages whose version is not the lock's; None without a lock.

    Only packages installed here count: the lock also names packages for other platforms and extras."""
    path = lock_path()
    if path is None:
        return None
    try:
        packages = tomllib.loads(read_bytes(path).decode("utf-8")).get("package", [])
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return LockStatus(sha256_of(path), 0, ((LOCK_NAME, "onleesbaar", "–"),))
    locked: dict[str, set[str]] = {}
    for pkg in packages:
        if pkg.get("name") and pkg.get("version") and "editable" not in pkg.get("source", {}):
            locked.setdefault(_canonical(pkg["name"]), set()).add(str(pkg["version"]))
    installed = {_canonical(d.metadata["Name"] or ""): d.version for d in importlib.metadata.distributions()}
    checked = sorted(name for name in locked if name in installed)
    differences = tuple((name, installed[name], " of ".join(sorted(locked[name])))
                        for name in checked if installed[name] not in locked[name])
    return LockStatus(sha256_of(path), len(checked), differences)


def _canonical(name: str) -> str:
    """A distribution name as the lock writes it (PEP 503: lower case, runs of -_. as one hyphen)."""
    return re.sub(r"[-_.]+", "-", name).lower()
