"""The command as a newcomer meets it: ``python -m regio_analysis``, the chapters and their parameters
(``hoofdstukken``), and the notebooks copied out for JupyterLab (``notebooks``)."""
from __future__ import annotations

import json
import re
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
    assert main(["notebooks", "--naar", str(out)]) == 0
    for ch in CHAPTERS:
        assert (out / ch.notebook).read_bytes() == ch.path.read_bytes()
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "jupyter lab" in readme and "`projectiejaren`" in readme
    assert main(["notebooks", "--naar", str(out)]) == 0  # unchanged copies: nothing to protect
    mine = out / CHAPTERS[1].notebook
    mine.write_text(mine.read_text(encoding="utf-8").replace("projectiejaren = 5", "projectiejaren = 8"),
                    encoding="utf-8")
    changed = mine.read_bytes()
    capsys.readouterr()
    assert main(["notebooks", "--naar", str(out)]) != 0
    assert CHAPTERS[1].notebook in capsys.readouterr().err and mine.read_bytes() == changed
    assert main(["notebooks", "--naar", str(out), "--overschrijven"]) == 0
    assert mine.read_bytes() == CHAPTERS[1].path.read_bytes()
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    assert main(["notebooks", "--naar", str(tmp_path / "bestand")]) != 0


def test_a_copied_notebook_runs_outside_the_repository(tmp_path):
    """The annex of a default region, run where a JupyterLab user would have it: in a folder of their own."""
    import papermill as pm

    assert main(["notebooks", "--naar", str(tmp_path)]) == 0
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


def _help_texts() -> dict[str, str]:
    """The help of the command and of each subcommand, as the user reads it."""
    from regio_analysis.cli import build_parser

    parser = build_parser()
    texts = {"": parser.format_help()}
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in dict.fromkeys(a.dest for a in sub._choices_actions):
        texts[name] = sub.choices[name].format_help()
    return texts


def test_everything_the_user_reads_is_dutch():
    """One language: the command names, the options, the metavars and argparse's own words are Dutch; the
    English names of before are understood but never shown. Every option says its default where it has one."""
    from regio_analysis.cli import ENGELSE_OPDRACHTEN

    texts = _help_texts()
    assert set(texts) - {""} >= set(ENGELSE_OPDRACHTEN.values()) and not set(texts) & set(ENGELSE_OPDRACHTEN)
    english = re.compile(r"\b(usage|show this help|options:|positional arguments|default:|OUT|JOBS|DATA_DIR|"
                         r"REGIO_IDS)\b|--(out|data-dir|all|jobs|force|timeout|rows|param|help|version)\b")
    for name, text in texts.items():
        assert not english.search(text), (name, english.search(text).group(0))
        assert text.startswith("gebruik: ") and "-h, --hulp" in text, name
    assert "(standaard: 2)" in texts["batch"] and "(standaard: reports)" in texts["batch"]
    assert "epilog" not in texts[""] and "exit: 0 klaar" in texts[""]


@pytest.mark.parametrize("english, dutch", [
    (["report", "x", "--out", "o", "--data-dir", "d", "--timeout", "5", "--param", "a=1"],
     ["rapport", "x", "--naar", "o", "--gegevens", "d", "--tijdslimiet", "5", "--parameter", "a=1"]),
    (["batch", "--all", "--jobs", "3", "--force"], ["batch", "--alle", "--tegelijk", "3", "--opnieuw"]),
    (["import", "duo", "f.csv", "--rows", "4"], ["importeren", "duo", "f.csv", "--regels", "4"]),
    (["regions"], ["regios"]), (["validate", "x"], ["controleren", "x"]), (["fetch"], ["ophalen"]),
    (["synthetic", "x", "--out", "o"], ["synthetisch", "x", "--naar", "o"]), (["build"], ["duo-laag"]),
])
def test_the_english_names_of_before_still_work(english, dutch):
    """Scripts written for the English names keep working: the same command, the same values."""
    from regio_analysis.cli import build_parser

    a, b = build_parser().parse_args(english), build_parser().parse_args(dutch)
    assert a.func is b.func and {k: v for k, v in vars(a).items() if k != "command"} == \
        {k: v for k, v in vars(b).items() if k != "command"}


def test_json_and_stil_for_scripts(capsys, tmp_path):
    """--json: one JSON document on stdout, nothing else there; --stil: nothing but failures."""
    assert main(["regios", "--json"]) == 0
    regions = json.loads(capsys.readouterr().out)
    assert {"noorderwijzer", "rond-bommel-en-dommel"} <= {r["regio_id"] for r in regions}

    assert main(["controleren", "noorderwijzer", "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["regio"] == "noorderwijzer" and checked["fouten"] == []

    assert main(["controleren", "noorderwijzer", "--stil"]) == 0
    assert capsys.readouterr().out == ""

    import yaml

    from conftest import FIXTURES, plan_region

    plan = plan_region(tmp_path / "regios") / "voorbeeldstreek" / "activiteitenplan.md"
    planted = yaml.safe_load((FIXTURES / "plannen" / "geplant.yaml").read_text(encoding="utf-8"))
    assert main(["audit", str(plan), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["getallen"] > 50 and found["vergelijkingen"] is None
    assert {kind for _, _, kind in planted} <= {f["soort"] for f in found["bevindingen"]}
    assert main(["audit", str(plan), "--stil", "--naar", str(tmp_path / "bevindingen.csv")]) == 0
    assert capsys.readouterr().out == "" and (tmp_path / "bevindingen.csv").is_file()


def test_batch_result_as_json_or_only_its_failures(capsys, tmp_path):
    """A batch's result for scripts: --json prints the manifest and nothing else on stdout; --stil prints
    only the failed chapters, on stderr; the exit code says whether a region failed, either way."""
    from regio_analysis.cli import EXIT_INVALID, EXIT_OK, _print_batch

    ok = {"regio_id": "a", "status": "ok", "duur_s": 3.0, "fout": ""}
    bad = {"regio_id": "b", "status": "fout", "duur_s": 1.0, "fout": "DataError"}
    rows = [{"regio_id": "a", "hoofdstuk": "overzicht", "status": "ok", "cel": None, "fout": "", "foutmelding": ""},
            {"regio_id": "b", "hoofdstuk": "overzicht", "status": "fout", "cel": 2, "fout": "DataError",
             "code": "x = 1", "foutmelding": "personeel.csv: kolom fte ontbreekt"}]
    manifest = {"regio's": [ok, bad], "rijen": rows}
    assert _print_batch(manifest, tmp_path, as_json=True) == EXIT_INVALID
    assert json.loads(capsys.readouterr().out) == manifest
    assert _print_batch(manifest, tmp_path, stil=True) == EXIT_INVALID
    out, err = capsys.readouterr()
    assert out == "" and err == "b/overzicht: DataError: personeel.csv: kolom fte ontbreekt\n"
    assert _print_batch({"regio's": [ok], "rijen": rows[:1]}, tmp_path, stil=True) == EXIT_OK
    assert capsys.readouterr() == ("", "")
    assert _print_batch(manifest, tmp_path) == EXIT_INVALID
    assert "1 van 2 rapporten in orde" in capsys.readouterr().out
