"""The command as a newcomer meets it: ``python -m regio_analysis``, the chapters and their parameters
(``hoofdstukken``), and the notebooks copied out for JupyterLab (``notebooks``)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from regio_analysis import __version__
from regio_analysis.cli import main
from regio_analysis.reporting.chapters import CHAPTERS, COMMON_PARAMS


def test_python_dash_m_runs_the_command():
    res = subprocess.run([sys.executable, "-m", "regio_analysis", "--version"], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0 and __version__ in res.stdout, res.stderr


def test_hoofdstukken_lists_every_chapter_and_parameter(capsys):
    assert main(["hoofdstukken"]) == 0
    out = capsys.readouterr().out
    for ch in CHAPTERS:
        assert f"`{ch.name}`" in out and ch.notebook in out and ch.title in out
        for name, spec in ch.params.items():
            assert f"`{name}`" in out and spec.help in out
    for name in COMMON_PARAMS:
        assert f"`{name}`" in out
    assert "plan:" in out  # the chapter that only a region with its plan has says so


def test_notebooks_are_copied_out_and_never_overwrite_changes(tmp_path, capsys):
    out = tmp_path / "hoofdstukken"
    assert main(["notebooks", "--out", str(out)]) == 0
    for ch in CHAPTERS:
        assert (out / ch.notebook).read_bytes() == ch.path.read_bytes()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "jupyter lab" in readme and "`projectiejaren`" in readme
    assert main(["notebooks", "--out", str(out)]) == 0  # unchanged copies: nothing to protect
    mine = out / CHAPTERS[1].notebook
    mine.write_text(mine.read_text(encoding="utf-8").replace("projectiejaren = 5", "projectiejaren = 8"),
                    encoding="utf-8")
    changed = mine.read_bytes()
    capsys.readouterr()
    assert main(["notebooks", "--out", str(out)]) != 0
    assert CHAPTERS[1].notebook in capsys.readouterr().err and mine.read_bytes() == changed
    assert main(["notebooks", "--out", str(out), "--overschrijven"]) == 0
    assert mine.read_bytes() == CHAPTERS[1].path.read_bytes()
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    assert main(["notebooks", "--out", str(tmp_path / "bestand")]) != 0


def test_a_copied_notebook_runs_outside_the_repository(tmp_path):
    """The annex of a default region, run where a JupyterLab user would have it: in a folder of their own."""
    import papermill as pm

    assert main(["notebooks", "--out", str(tmp_path)]) == 0
    annex = next(ch for ch in CHAPTERS if ch.name == "bijlage")
    pm.execute_notebook(str(tmp_path / annex.notebook), str(tmp_path / "uit.ipynb"), cwd=str(tmp_path),
                        parameters={"regio_id": "noorderwijzer"}, progress_bar=False, kernel_name="python3")
    assert "Noorderwijzer" in (tmp_path / "uit.ipynb").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv", [["--al"], ["batch", "--al"]])
def test_options_are_not_guessed_from_a_prefix(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2


def test_the_commit_of_a_package_installed_from_git_is_known_outside_a_checkout(monkeypatch):
    """Installed from a git URL, pip records the commit (direct_url.json); the report header names it."""
    import json
    from importlib import metadata

    from regio_analysis.reporting import build_info

    class Installed:
        def read_text(self, name):
            assert name == "direct_url.json"
            return json.dumps({"url": "https://example.org/regio_analysis.git",
                               "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef"}})

    def no_git(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(build_info.subprocess, "run", no_git)
    monkeypatch.setattr(metadata, "distribution", lambda name: Installed())
    assert build_info.git_commit() == "0123456"
    monkeypatch.setattr(metadata, "distribution", lambda name: (_ for _ in ()).throw(metadata.PackageNotFoundError()))
    assert build_info.git_commit() == "onbekend"  # an editable install outside git: no _commit.txt either


def test_help_imports_no_scientific_stack():
    """--help answers at once (the time is measured in benchmarks, not here): it imports neither pandas nor
    the chapter registry."""
    code = ("import sys\nfrom regio_analysis.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'regio_analysis.reporting.chapters') if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip().endswith("[]"), res.stdout[-500:] + res.stderr
