"""Bad-input corpus, outputs and faults: outputs never touch inputs, strict command-line values,
file parameters checked before any kernel starts, disk faults, a killed batch, concurrent
batches and the pseudonymisation key.

Each case asserts the exit code (or the DataError), that the message names the place, that
no traceback reached the user and that no input file changed.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import REGIONS, REPO, _record, call_api, isolated_env, run_cli, snapshot, region_copy  # noqa: F401 (a fixture)

REGIO = "noorderwijzer"  # the smallest default region


@pytest.fixture
def data(region_copy, tmp_path) -> Path:
    """A data folder holding a copy of one default region."""
    region_copy(REGIO)
    return tmp_path / "data"


def _no_tmp_left(folder: Path) -> list[str]:
    return sorted(str(p) for p in Path(folder).rglob("*.tmp"))


# ------------------------------------------------------------------ 1. outputs never touch inputs


def test_out_equals_data_dir(request, tmp_path, data):
    res = run_cli(request, "batch", "--geen-pdf", "--alle", "--gegevens", data, "--naar", data, "--hoofdstukken", "overzicht",
                  tmp_path=tmp_path, watch=(data,))
    assert res.returncode == 3 and str(data) in res.stderr and "gegevensmap" in res.stderr
    assert sorted(p.name for p in data.iterdir()) == [REGIO]
    assert (data / REGIO / "regio.yaml").is_file()


def test_out_inside_region_folder(request, tmp_path, data):
    out = data / REGIO / "rapporten"
    res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", out, "--hoofdstukken", "overzicht",
                  tmp_path=tmp_path, watch=(data,))
    assert res.returncode == 3 and str(out) in res.stderr and "regiomap" in res.stderr
    assert not out.exists()


def test_out_containing_data_dir(request, tmp_path, data):
    res = run_cli(request, "rapport", REGIO, "--gegevens", data, "--naar", tmp_path, "--hoofdstukken", "overzicht",
                  tmp_path=tmp_path, watch=(data,))
    assert res.returncode == 3 and "bevat de gegevensmap" in res.stderr and str(data) in res.stderr


def test_out_containing_default_data_dir(request, tmp_path):
    out = REGIONS.parent  # the repository's data/ holds the shipped regions
    res = run_cli(request, "batch", "--geen-pdf", REGIO, "--naar", out, tmp_path=tmp_path, watch=(REGIONS,))
    assert res.returncode == 3 and str(REGIONS) in res.stderr


def test_out_is_an_existing_file(request, tmp_path, data):
    target = tmp_path / "rapport.txt"
    target.write_text("mijn eigen bestand\n")
    res = run_cli(request, "rapport", REGIO, "--gegevens", data, "--naar", target,
                  tmp_path=tmp_path, watch=(data, target))
    assert res.returncode == 3 and str(target) in res.stderr and "bestaand bestand" in res.stderr


def test_out_a_foreign_folder_is_not_written(request, tmp_path, data):
    mine = tmp_path / "mijn-map"
    mine.mkdir()
    (mine / "index.html").write_text("<p>mijn eigen pagina</p>")
    res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", mine, "--hoofdstukken", "overzicht",
                  tmp_path=tmp_path, watch=(data, mine))
    assert res.returncode == 3 and str(mine) in res.stderr and ".regio-analysis-uitvoer" in res.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["index.html"]


def test_synthetic_out_a_region_folder(request, tmp_path, data):
    res = run_cli(request, "synthetisch", REGIO, "--gegevens", data, "--naar", data / REGIO,
                  tmp_path=tmp_path, watch=(data,))
    assert res.returncode == 3 and "regiomap" in res.stderr and str(data / REGIO) in res.stderr


def test_synthetic_default_out_still_works(request, tmp_path):
    from regio_analysis.reporting.outdir import check_out_dir

    # the default --out data/generated, run from the repository: beside data/regions, not in it
    assert check_out_dir(REPO / "data" / "generated") == (REPO / "data" / "generated").resolve()
    res = run_cli(request, "synthetisch", REGIO, tmp_path=tmp_path, watch=(REGIONS,), expect="ok")
    made = tmp_path / "data" / "generated" / REGIO
    assert (made / "dienstverbanden.csv").is_file() and (made / ".regio-analysis-uitvoer").is_file(), res.stdout
    again = run_cli(request, "synthetisch", REGIO, tmp_path=tmp_path, watch=(REGIONS,), expect="ok")
    assert again.returncode == 0, "a folder the package made may be written again"


def test_import_out_an_existing_folder(request, tmp_path):
    src = tmp_path / "leerlingen.csv"
    src.write_text("INSTELLINGSCODE,VESTIGINGSCODE,TYPE_PO,PEILJAAR,AANTAL_LEERLINGEN\n00AA,00AA00,BO,2023,100\n")
    folder = tmp_path / "uit"
    folder.mkdir()
    res = run_cli(request, "importeren", "duo-leerlingen", src, "--naar", folder, tmp_path=tmp_path, watch=(src,))
    assert res.returncode == 3 and str(folder) in res.stderr and "bestaande map" in res.stderr
    assert not any(folder.iterdir())


def test_a_region_folder_without_marker_is_never_replaced(request, tmp_path):
    from regio_analysis.reporting import runner

    final = tmp_path / "out" / REGIO
    shutil.copytree(REGIONS / REGIO, final)  # e.g. an earlier --out that was a data folder
    new = tmp_path / "out" / ".nieuw.tmp"
    new.mkdir()
    err = call_api(request, lambda: runner._replace_dir(new, final), watch=(final,))
    assert str(final) in str(err) and ".regio-analysis-uitvoer" in str(err)
    assert (final / "regio.yaml").is_file() and new.is_dir()


# ------------------------------------------------------------------ 2. command-line values


@pytest.mark.parametrize("option, value", [("--tegelijk", "0"), ("--tijdslimiet", "-5"), ("--tegelijk", "twee")])
def test_jobs_and_timeout_must_be_positive(request, tmp_path, data, option, value):
    out = tmp_path / "out"
    res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", out, option, value,
                  tmp_path=tmp_path, watch=(data,))
    assert res.returncode == 2 and option in res.stderr and "fout" in res.stderr
    assert not out.exists(), "nothing is started"


def _bad_framework(tmp_path: Path) -> Path:
    p = tmp_path / "kader.yaml"
    p.write_text("naam: Mijn kader\nwaarborgen: 5\n", encoding="utf-8")
    return p


def _bad_scenarios(tmp_path: Path) -> Path:
    p = tmp_path / "scenario's.yaml"
    p.write_text("scenarios:\n  krimp:\n    leerlingen: veel\n", encoding="utf-8")
    return p


def _corrupt_documents(tmp_path: Path) -> Path:
    folder = tmp_path / "documenten"
    folder.mkdir()
    (folder / "plan.docx").write_bytes(b"PK\x03\x04 dit is geen zip")
    return folder


@pytest.mark.parametrize("name, make, names", [
    ("kader_bestand", _bad_framework, "kader.yaml"),
    ("scenario_bestand", _bad_scenarios, "scenario's.yaml"),
    ("documenten_dir", _corrupt_documents, "plan.docx"),
    ("peer_review_documenten", lambda t: t / "bestaat-niet", "bestaat-niet"),
])
def test_bad_file_parameter_stops_before_any_kernel(request, tmp_path, data, name, make, names):
    value = make(tmp_path)
    out = tmp_path / "out"
    res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", out, "-p", f"{name}={value}",
                  tmp_path=tmp_path, watch=(data, *([value] if value.exists() else [])), timeout=60)
    assert res.returncode == 3 and name in res.stderr and names in res.stderr, res.stderr
    assert not (out / "manifest.json").exists() and not (out / REGIO).exists(), "refused before the batch started"


def test_path_parameter_keeps_a_hash_sign(request, tmp_path, monkeypatch):
    from regio_analysis import cli

    folder = tmp_path / "my docs #1"
    folder.mkdir()
    (folder / "plan.txt").write_text("Wij begeleiden startende leraren.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    value = cli._params(["documenten_dir=my docs #1", "projectiejaren=7"])
    ok = value == {"documenten_dir": str(folder), "projectiejaren": 7}
    _record(request.node.nodeid, "ok" if ok else "silent")
    assert ok, value
    from regio_analysis.reporting import check_parameters

    assert check_parameters({"regio_id": REGIO, **value})["documenten_dir"] == str(folder)


def test_unreachable_scheduler(request, tmp_path, data):
    out = tmp_path / "out"
    res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", out, "--scheduler", "tcp://127.0.0.1:9",
                  tmp_path=tmp_path, watch=(data,), timeout=90)
    assert res.returncode == 3 and "tcp://127.0.0.1:9" in res.stderr and "niet bereikbaar" in res.stderr
    assert len([ln for ln in res.stderr.splitlines() if ln.strip()]) == 1, "one paragraph"


# ------------------------------------------------------------------ 3. faults: disk, kill, concurrency


@contextlib.contextmanager
def _tmpfs(where: Path, options: str):
    where.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({res.stderr.decode(errors='replace').strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_read_only_output_disk(request, tmp_path, data):
    with _tmpfs(tmp_path / "ro", "ro,size=1m") as ro:
        out = ro / "rapporten"
        res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", out, "--hoofdstukken", "overzicht",
                      tmp_path=tmp_path, watch=(data,))
        assert res.returncode == 3 and str(out) in res.stderr and "alleen-lezen" in res.stderr


def test_full_output_disk(request, tmp_path, data):
    """A real ENOSPC: a tmpfs of two pages holds the marker and the lock, not the manifest."""
    with _tmpfs(tmp_path / "vol", "size=8k") as full:
        out = full / "rapporten"
        res = run_cli(request, "batch", "--geen-pdf", REGIO, "--gegevens", data, "--naar", out, "--hoofdstukken", "overzicht",
                      tmp_path=tmp_path, watch=(data,))
        assert res.returncode == 3 and "de schijf is vol" in res.stderr and str(out) in res.stderr
        assert _no_tmp_left(full) == [], "temporary files must not keep the disk full"


def test_full_disk_during_a_write_cleans_up_and_says_so(request, tmp_path, data, monkeypatch, capsys):
    """ENOSPC from inside a write (fake OSError in-process): one paragraph, no temp file left."""
    from regio_analysis import cli
    from regio_analysis.io import files
    from regio_analysis.reporting import runner

    real = files.atomic_write

    class Full:
        def write(self, _text):
            raise OSError(errno.ENOSPC, "No space left on device")

    @contextlib.contextmanager
    def full_disk(path, *args, **kwargs):
        with real(path, *args, **kwargs):
            yield Full()

    monkeypatch.setattr(runner, "atomic_write", full_disk)
    out = tmp_path / "out"
    before = snapshot(data)
    code = cli.main(["batch", "--geen-pdf", REGIO, "--gegevens", str(data), "--naar", str(out), "--hoofdstukken", "overzicht"])
    err = capsys.readouterr().err
    _record(request.node.nodeid, "clean" if code == 3 and "Traceback" not in err else "traceback" if code else "silent")
    assert code == 3 and "de schijf is vol" in err and str(out / "manifest.json") in err, err
    assert _no_tmp_left(out) == [] and snapshot(data) == before


def test_full_disk_in_a_worker_removes_the_region_temp_folder(request, tmp_path, data, monkeypatch):
    from regio_analysis.reporting import runner

    def full_disk(src, dst, params, timeout, log):
        Path(params["output_dir"], "figuren").mkdir()
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(params["output_dir"]) / "figuren" / "f.png"))

    monkeypatch.setattr(runner, "_execute", full_disk)
    out = tmp_path / "out"
    outcome = call_api(request, lambda: runner.build_region(REGIO, out, data_dir=data, pdf=False), watch=(data,),
                       expect_error=OSError)
    assert outcome.errno == errno.ENOSPC
    assert _no_tmp_left(out) == [] and not (out / REGIO).exists()


SLOW_BATCH = """
import sys
from pathlib import Path
import nbformat
from regio_analysis.reporting import run_batch
from regio_analysis.reporting.chapters import Chapter

d = Path(sys.argv[1])
def chapter(name, code):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell('regio_id = ""\\ndata_dir = ""\\noutput_dir = ""\\nseed = 0')
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# " + name), p, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, d / (name + ".ipynb"))
    return Chapter(name, str(d / (name + ".ipynb")), name)

slow = chapter("traag", "import time\\nif regio_id == 'noorderwijzer':\\n    time.sleep(600)")
run_batch(sys.argv[4].split(","), sys.argv[2], jobs=1, data_dir=sys.argv[3], chapters=(slow,), progress=False, pdf=False)
"""


def _descendants(pid: int) -> dict[int, str]:
    """``{pid: command line}`` of every live descendant of ``pid`` (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = {}, {pid}
    while frontier:
        kids = {p for p, pp in parents.items() if pp in frontier and p not in found}
        for p in kids:
            with contextlib.suppress(OSError):
                found[p] = (Path("/proc") / str(p) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        frontier = kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def killed_batch(tmp_path_factory):
    """A batch (first region quick, second sleeping in its kernel), a second batch started
    against the same folder while it runs, then ``kill -9`` of the first one."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc")
    root = tmp_path_factory.mktemp("gedood")
    data = root / "data"
    for rid in ("rond-bommel-en-dommel", REGIO):
        shutil.copytree(REGIONS / rid, data / rid)
    out = root / "out"
    (root / "ch").mkdir()
    env = isolated_env(root)
    batch = subprocess.Popen([sys.executable, "-c", SLOW_BATCH, str(root / "ch"), str(out), str(data),
                              f"rond-bommel-en-dommel,{REGIO}"], env=env, cwd=root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    info = {"data": data, "out": out, "root": root, "env": env, "before": snapshot(data)}
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            manifest = out / "manifest.json"
            done = json.loads(manifest.read_text()) if manifest.is_file() else {}
            first_ok = any(r["regio_id"] == "rond-bommel-en-dommel" and r["status"] == "ok" for r in done.get("regio's", []))
            kernels = {p: c for p, c in _descendants(batch.pid).items() if "ipykernel" in c}
            if first_ok and kernels:
                break
            assert batch.poll() is None, batch.communicate()
            time.sleep(1)
        else:
            pytest.fail("the slow region's kernel did not start in time")
        time.sleep(2)
        info["descendants"] = _descendants(batch.pid)
        info["second"] = subprocess.run(
            [sys.executable, "-m", "regio_analysis.cli", "batch", "--geen-pdf", REGIO, "--gegevens", str(data), "--naar", str(out),
             "--hoofdstukken", "overzicht"], capture_output=True, text=True, env=env, cwd=root, timeout=120)
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in info["descendants"]):
            time.sleep(0.5)
        info["survivors"] = {p: c for p, c in info["descendants"].items() if _alive(p)}
        info["manifest"] = json.loads((out / "manifest.json").read_text())
        yield info
    finally:
        if batch.poll() is None:
            batch.kill()
        for p in {**_descendants(batch.pid), **info.get("descendants", {})}:  # survivors of a failing case
            if _alive(p):
                with contextlib.suppress(OSError):
                    os.kill(p, signal.SIGKILL)


def test_second_concurrent_batch_is_refused(request, killed_batch):
    res = killed_batch["second"]
    ok = res.returncode == 3 and "Traceback" not in res.stderr
    _record(request.node.nodeid, "clean" if ok else ("silent" if res.returncode == 0 else "traceback"))
    assert ok, res.stdout + res.stderr
    assert str(killed_batch["out"]) in res.stderr and "andere batch" in res.stderr


def test_kill_9_leaves_no_workers_or_kernels(request, killed_batch):
    survivors = killed_batch["survivors"]
    _record(request.node.nodeid, "clean" if not survivors else "hang")
    assert any("ipykernel" in c for c in killed_batch["descendants"].values()), "a kernel was running"
    assert not survivors, survivors


def test_kill_9_leaves_a_truthful_manifest(request, killed_batch):
    manifest = killed_batch["manifest"]
    status = {r["regio_id"]: r["status"] for r in manifest["regio's"]}
    ok = status == {"rond-bommel-en-dommel": "ok", REGIO: "bezig"} and manifest.get("status") == "bezig"
    _record(request.node.nodeid, "clean" if ok else "silent")
    assert ok, manifest
    index = (killed_batch["out"] / "index.html").read_text()
    assert "bezig" in index
    assert snapshot(killed_batch["data"]) == killed_batch["before"]


def test_after_a_kill_the_next_batch_runs_and_cleans_up(request, killed_batch):
    """The lock died with the killed batch; its temporary folder is removed by the next one."""
    out = killed_batch["out"]
    assert _no_tmp_left(out), "the killed batch left its temporary folder (to be cleaned)"
    res = run_cli(request, "batch", "--geen-pdf", "rond-bommel-en-dommel", "--gegevens", killed_batch["data"], "--naar", out,
                  "--hoofdstukken", "overzicht", tmp_path=killed_batch["root"], expect="ok", timeout=300,
                  watch=(killed_batch["data"],))
    assert res.returncode == 0 and _no_tmp_left(out) == []


# ------------------------------------------------------------------ 4. the pseudonymisation key


def _microdata_data(tmp_path: Path) -> Path:
    """A data folder with one region that has real (not generated) microdata: it needs a key."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("suite_conftest", REPO / "tests" / "conftest.py")
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    return suite.microdata_only_region(tmp_path / "micro")


@pytest.mark.parametrize("key", ["", "   "])
def test_empty_key_is_an_error(request, tmp_path, key):
    data = _microdata_data(tmp_path)
    res = run_cli(request, "batch", "--geen-pdf", "--alle", "--gegevens", data, "--naar", tmp_path / "out", "--hoofdstukken",
                  "overzicht", tmp_path=tmp_path, env=isolated_env(tmp_path, REGIO_ANALYSIS_KEY=key), watch=(data,))
    assert res.returncode != 0 and "REGIO_ANALYSIS_KEY" in res.output and "leeg" in res.output
    assert not (tmp_path / "_home" / ".config" / "regio_analysis").exists(), "no key file made up in $HOME"


def test_missing_key_does_not_fall_back_silently(request, tmp_path):
    data = _microdata_data(tmp_path)
    env = isolated_env(tmp_path)
    del env["REGIO_ANALYSIS_KEY"]
    res = run_cli(request, "batch", "--geen-pdf", "--alle", "--gegevens", data, "--naar", tmp_path / "out", "--hoofdstukken",
                  "overzicht", tmp_path=tmp_path, env=env, watch=(data,))
    assert res.returncode != 0 and "--sleutel-aanmaken" in res.output and "REGIO_ANALYSIS_KEY" in res.output
    assert not (tmp_path / "_home" / ".config" / "regio_analysis").exists(), "no key file made up in $HOME"


@pytest.mark.parametrize("key", ["", " \t"])
def test_empty_key_in_the_library(request, tmp_path, monkeypatch, key):
    from regio_analysis.data.privacy import get_key

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("REGIO_ANALYSIS_KEY", key)
    err = call_api(request, get_key)
    assert "REGIO_ANALYSIS_KEY" in str(err) and "leeg" in str(err)
    assert not (tmp_path / ".config" / "regio_analysis").exists()


def test_key_file_is_opt_in_and_named_only_on_the_terminal(request, tmp_path, monkeypatch):
    from regio_analysis import cli
    from regio_analysis.data import privacy

    monkeypatch.delenv("REGIO_ANALYSIS_KEY", raising=False)
    # set, then deleted: monkeypatch then removes the variable the CLI sets below when the test ends
    # (a delenv of an absent variable records nothing, and the key file would leak into later tests)
    monkeypatch.setenv("REGIO_ANALYSIS_KEY_FILE", "")
    monkeypatch.delenv("REGIO_ANALYSIS_KEY_FILE")
    monkeypatch.setenv("HOME", str(tmp_path))
    err = call_api(request, privacy.get_key)
    assert "--sleutel-aanmaken" in str(err) and not (tmp_path / ".config").exists()
    args = cli.build_parser().parse_args(["synthetisch", REGIO, "--sleutel-aanmaken"])
    cli._key_option(args)
    keyfile = tmp_path / ".config" / "regio_analysis" / "pseudonymisation.key"
    assert keyfile.is_file() and keyfile.stat().st_mode & 0o777 == 0o600
    assert os.environ["REGIO_ANALYSIS_KEY_FILE"] == str(keyfile), "workers and kernels get an explicit key file"
    assert privacy.get_key() == keyfile.read_bytes().strip()


# ------------------------------------------------------------------ 5. the privacy audit decides


def test_a_failing_privacy_audit_keeps_the_previous_report(request, tmp_path, data, monkeypatch):
    from regio_analysis.data import privacy
    from regio_analysis.reporting import runner

    def fake_execute(src, dst, params, timeout, log):  # no kernel: the assembled notebook as "executed"
        shutil.copy(src, dst)

    monkeypatch.setattr(runner, "_execute", fake_execute)
    out = tmp_path / "out"
    first = runner.build_region(REGIO, out, data_dir=data, pdf=False)
    assert first["status"] == "ok"
    page = (out / REGIO / "rapport.html").read_bytes()
    monkeypatch.setattr(privacy, "audit", lambda folder: [f"{Path(folder).name}/tabellen/x.csv: cel herleidbaar"],
                        raising=False)
    second = runner.build_region(REGIO, out, data_dir=data, pdf=False)
    ok = second["status"] == "fout" and "privacycontrole" in second["fout"] and "cel herleidbaar" in second["fout"]
    _record(request.node.nodeid, "clean" if ok else "silent")
    assert ok, second
    assert (out / REGIO / "rapport.html").read_bytes() == page, "the previous good report stays"
    assert _no_tmp_left(out) == []
