"""Hatch build hook: a wheel or sdist built from a git checkout records its commit in
``regio_analysis/_commit.txt``, so a report made by an installed package names the commit it came from
(``regio_analysis.reporting.build_info.git_commit``). Outside a checkout (a wheel built from the sdist)
the sdist's own copy of the file is packed as it is."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TARGET = "regio_analysis/_commit.txt"


class CommitHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":  # an editable install runs from the checkout: git answers there
            return
        commit = self._commit()
        if not commit:
            return
        folder = Path(tempfile.mkdtemp(prefix="regio-analysis-build-"))
        (folder / "_commit.txt").write_text(commit + "\n", encoding="utf-8")
        build_data["force_include"][str(folder / "_commit.txt")] = TARGET

    def _commit(self) -> str:
        """``git describe`` of the project when its root is a checkout's top (not a folder inside another)."""
        def git(*args: str) -> str:
            out = subprocess.run(["git", "-C", self.root, *args], capture_output=True, text=True, timeout=10)
            return out.stdout.strip() if out.returncode == 0 else ""

        try:
            top = git("rev-parse", "--show-toplevel")
            if not top or Path(top).resolve() != Path(self.root).resolve():
                return ""
            return git("describe", "--always", "--dirty", "--abbrev=7")
        except (OSError, subprocess.SubprocessError):
            return ""
