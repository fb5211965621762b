"""The report machinery: parameter checks, assembly, the batch runner, HTML, manifest, skipping.

Most tests run small chapter notebooks made here (fast, and able to fail on purpose); the
acceptance test at the end runs the real chapters for two default regions and a broken one.
"""
from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from regio_analysis.data.regions import default_data_dir
from regio_analysis.reporting import CHAPTERS, Chapter, Param, ParameterError, check_parameters, run_batch
from regio_analysis.reporting import build_info, runner
from regio_analysis.reporting.chapters import COMMON_PARAMS, all_params, check_from


PARAMS_SOURCE = 'regio_id = "rond-bommel-en-dommel"\ndata_dir = ""\noutput_dir = ""\nseed = 0'


def _chapter_nb(path: Path, cells: list) -> Path:
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell(PARAMS_SOURCE)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem.title()}"), p, *cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def toy_chapters(tmp_path_factory) -> tuple[Chapter, ...]:
    d = tmp_path_factory.mktemp("chapters")
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    ok = _chapter_nb(d / "ok.ipynb", [
        md("## Gegevens"),
        code("from regio_analysis.data import load_region\nrd = load_region(regio_id, data_dir or None)"),
        code("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\nplt.show()"),
        code("from regio_analysis.data.provenance import gepubliceerd, markeer\n"
             "from regio_analysis.report.tables import bijschrift, toon_tabel\n"
             "toon_tabel(bijschrift(markeer(rd.activiteiten[['id', 'thema']].head(3), gepubliceerd('het plan')), "
             "'Activiteiten'), 'activiteiten', output_dir)"),
    ])
    boom = _chapter_nb(d / "boom.ipynb", [
        md("## Breekt"),
        code("x = 1"),
        code("if regio_id == 'noorderwijzer':\n    raise ValueError('expres kapot')"),
        code("y = 2"),
    ])
    return (Chapter("ok", str(ok), "Ok"), Chapter("boom", str(boom), "Boom"))


# --- parameters, checked before any kernel starts -----------------------------------------------

def test_parameters_get_defaults_and_types():
    out = check_parameters({"regio_id": "noorderwijzer"})
    assert out == {**{k: p.default for k, p in all_params().items()}, "regio_id": "noorderwijzer"}


@pytest.mark.parametrize("values, message", [
    ({"regio": "noorderwijzer"}, "onbekende parameter 'regio'"),
    ({"seed": "1"}, "'seed' moet van type int zijn"),
    ({"seed": True}, "'seed' moet van type int zijn"),
    ({"seed": -1}, "moet 0 of groter zijn"),
    ({"regio_id": "atlantis"}, "onbekende regio 'atlantis'"),
    ({"regio_id": "../x"}, "ongeldige regio-id"),
])
def test_bad_parameters_are_refused(values, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        check_parameters(values)


def test_chapter_parameters_with_choices():
    ch = (Chapter("x", "00_overzicht.ipynb", "X", {"schatter": Param(str, "ATT", choices=("ATT", "ATE"))}),)
    assert check_parameters({"schatter": "ATE"}, ch)["schatter"] == "ATE"
    with pytest.raises(ParameterError, match="niet toegestaan"):
        check_parameters({"schatter": "ATC"}, ch)


# --- the chapter notebooks as committed -----------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.name for c in CHAPTERS])
def test_chapter_notebook_is_clean_with_one_literal_parameters_cell(chapter):
    nb = nbformat.read(chapter.path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    assigned = {}
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant), ast.unparse(stmt)
        assigned[stmt.targets[0].id] = stmt.value.value
    declared = {**COMMON_PARAMS, **chapter.params}
    assert set(assigned) == set(declared)
    for name, value in assigned.items():
        assert value == declared[name].default, name
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    assert first.source.startswith(f"# {chapter.title}")


def test_assembled_notebook_has_one_parameters_cell_and_chapter_tags(toy_chapters):
    nb = runner.assemble(check_parameters({"regio_id": "noorderwijzer"}), toy_chapters)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "regio_id = 'noorderwijzer'" in tagged[0].source
    chapters = [c.metadata[runner.CHAPTER_KEY]["hoofdstuk"] for c in nb.cells]
    assert chapters[0] == "parameters" and chapters[1:] == sorted(chapters[1:], key=["ok", "boom"].index)


# --- the runner ---------------------------------------------------------------------------------------

def _data_dir_with_broken_region(root: Path) -> Path:
    data = root / "data"
    for rid in ("noorderwijzer", "rond-bommel-en-dommel"):
        shutil.copytree(default_data_dir() / rid, data / rid)
    broken = data / "kapot"
    broken.mkdir()
    (broken / "regio.yaml").write_text("regio_id: kapot\nnaam: Kapot\nsectoren: [PO]\nprovincies: [Utrecht]\n")
    (broken / "personeel.csv").write_text("peiljaar,functiegroep,eenheid,waarde,bron\n2023,OP,fte,-4,x\n")
    return data


def test_batch_isolates_failures_and_writes_manifest_html_and_index(tmp_path, toy_chapters):
    out = tmp_path / "out"
    manifest = run_batch(["rond-bommel-en-dommel", "noorderwijzer", "atlantis"], out, jobs=2,
                         chapters=toy_chapters, progress=False, pdf=False)
    regions = {r["regio_id"]: r for r in manifest["regio's"]}
    assert regions["rond-bommel-en-dommel"]["status"] == "ok"
    assert regions["noorderwijzer"]["status"] == "fout" and regions["atlantis"]["status"] == "fout"
    assert "ParameterError" in regions["atlantis"]["fout"]
    rows = {(r["regio_id"], r["hoofdstuk"]): r for r in manifest["rijen"]}
    failed = rows[("noorderwijzer", "boom")]
    assert failed["status"] == "fout" and failed["fout"] == "ValueError" and failed["cel"] == 2
    assert failed["code"].startswith("if regio_id == 'noorderwijzer'")
    assert rows[("noorderwijzer", "ok")]["status"] == "ok"
    assert json.loads((out / "manifest.json").read_text()) == manifest

    good = out / "rond-bommel-en-dommel"
    assert {p.name for p in good.iterdir()} >= {"rapport.html", "rapport.ipynb", "figuren", "tabellen", "log.txt"}
    assert (good / "figuren" / "figuur-01.png").read_bytes()[:4] == b"\x89PNG"
    assert (good / "tabellen" / "activiteiten.csv").read_text().startswith("id,thema")
    assert (out / "_mislukt" / "noorderwijzer" / "rapport.ipynb").is_file(), "the failed notebook is kept"
    assert not (out / "noorderwijzer").exists(), "a failed region gets no report that looks whole"
    assert not list(out.glob(".*.tmp")), "no temporary folders left behind"

    page = (good / "rapport.html").read_text()
    assert "load_region(" not in page, "code input must not be in the report"
    assert "injected-parameters" not in page and "input_path" not in page and "output_path" not in page  # papermill
    assert "<script" not in page and not re.search(r"<link[^>]+href=[\"']?(https?:)?//", page)
    assert page.count("data:image/png;base64,") >= 1
    assert 'class="ra-toc"' in page and 'href="#Gegevens"' in page
    assert build_info.git_commit() in page and "regio.yaml" in page  # cover and appendix: commit and input hashes
    assert str(tmp_path) not in page, "no local paths leak into the report"

    index = (out / "index.html").read_text()
    assert 'href="rond-bommel-en-dommel/rapport.html"' in index and "mislukt" in index
    assert 'href="noorderwijzer/rapport.html"' not in index


def test_unchanged_regions_are_skipped_and_changes_rebuild(tmp_path, toy_chapters):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir() / "rond-bommel-en-dommel", data / "rond-bommel-en-dommel")
    out = tmp_path / "out"
    # with a chapter this region does not get (as the plan audit for a region without a plan):
    # the build and the check for an unchanged report must agree on the region's chapters
    absent = dataclasses.replace(toy_chapters[1], name="zonder", alleen_bij=check_from("regio_analysis.data.regions",
                                                                                         "has_plan"))
    chapters = (toy_chapters[0], absent)
    first = run_batch(None, out, jobs=1, data_dir=data, chapters=chapters, progress=False, pdf=False)
    assert [r["hoofdstuk"] for r in first["rijen"]] == ["ok"]
    assert first["regio's"][0]["status"] == "ok"
    html = out / "rond-bommel-en-dommel" / "rapport.html"
    stamp = html.stat().st_mtime_ns
    again = run_batch(None, out, jobs=1, data_dir=data, chapters=chapters, progress=False, pdf=False)
    assert again["regio's"][0]["status"] == "overgeslagen" and html.stat().st_mtime_ns == stamp
    assert {r["status"] for r in again["rijen"]} == {"overgeslagen"}
    forced = run_batch(None, out, jobs=1, force=True, data_dir=data, chapters=chapters, progress=False, pdf=False)
    assert forced["regio's"][0]["status"] == "ok" and html.stat().st_mtime_ns != stamp
    with open(data / "rond-bommel-en-dommel" / "verzuim.csv", "a") as fh:
        fh.write("2024,regio,ziekteverzuimpercentage,totaal,procent,7.0,nieuw\n")
    changed = run_batch(None, out, jobs=1, data_dir=data, chapters=chapters, progress=False, pdf=False)
    assert changed["regio's"][0]["status"] == "ok"


def test_a_partial_batch_updates_its_regions_and_keeps_the_others_in_the_index(tmp_path, toy_chapters, capsys):
    """Issue 16: after `batch noorderwijzer --force` the index listed only that region and the other
    reports were no longer linked; the index is now built from every report in --out."""
    from regio_analysis.cli import _print_batch

    data = tmp_path / "data"
    for rid in ("noorderwijzer", "po-noord-nederland"):
        shutil.copytree(default_data_dir() / rid, data / rid)
    out = tmp_path / "out"
    chapters = toy_chapters[:1]
    run_batch(None, out, jobs=1, data_dir=data, chapters=chapters, progress=False, pdf=False)
    (out / "niet-van-ons").mkdir()  # a folder the package did not make is never listed
    partial = run_batch(["noorderwijzer"], out, jobs=1, force=True, data_dir=data, chapters=chapters, progress=False, pdf=False)
    status = {r["regio_id"]: r["status"] for r in partial["regio's"]}
    assert status == {"noorderwijzer": "ok", "po-noord-nederland": "eerder"}
    index = (out / "index.html").read_text()
    assert 'href="noorderwijzer/rapport.html"' in index and 'href="po-noord-nederland/rapport.html"' in index
    assert "eerder gemaakt" in index and "niet-van-ons" not in index
    # the key figures with year, definition and source, in the index and in kerncijfers.xlsx, for both regions
    assert "Definities en bronnen" in index
    from openpyxl import load_workbook

    wb = load_workbook(out / "kerncijfers.xlsx")
    assert wb.sheetnames == ["Alle regio's", "Noorderwijzer", "po-noord-nederland"]  # a name over 31 characters: its id
    assert all(ws.auto_filter.ref == ws.dimensions for ws in wb.worksheets)  # sortable and filterable
    long = list(wb["Alle regio's"].values)
    assert long[0][:6] == ("regio", "regio_id", "indicator", "waarde", "eenheid", "jaar")
    po = {r[2]: r for r in long[1:] if r[1] == "po-noord-nederland"}
    assert po["Personeel 55+ (%)"][3] == 22 and po["Personeel 55+ (%)"][5] == "niet vermeld"
    assert po["Personeel 55+ (%)"][9].startswith("Plan van aanpak Onderwijsregio PO Noord-Nederland 2024, §")
    assert po["Leerlingen"][3] is None  # not published: empty, never 0
    assert _print_batch(partial, out) == 0
    printed = capsys.readouterr().out
    assert "1 van 1 rapporten in orde" in printed and "eerder gemaakt, blijven in het overzicht: po-noord-nederland" in printed
    shutil.rmtree(out / "po-noord-nederland")  # a report removed by hand leaves the index with the next batch
    again = run_batch(["noorderwijzer"], out, jobs=1, data_dir=data, chapters=chapters, progress=False, pdf=False)
    assert [r["regio_id"] for r in again["regio's"]] == ["noorderwijzer"]


def test_a_failing_rerun_keeps_the_previous_good_report(tmp_path, toy_chapters):
    data = tmp_path / "data"
    shutil.copytree(default_data_dir() / "noorderwijzer", data / "noorderwijzer")
    out = tmp_path / "out"
    assert run_batch(None, out, data_dir=data, chapters=toy_chapters[:1], progress=False, pdf=False)["regio's"][0]["status"] == "ok"
    before = (out / "noorderwijzer" / "rapport.html").read_bytes()
    failed = run_batch(None, out, data_dir=data, chapters=toy_chapters, progress=False, pdf=False)
    assert failed["regio's"][0]["status"] == "fout"
    assert (out / "noorderwijzer" / "rapport.html").read_bytes() == before
    assert (out / "_mislukt" / "noorderwijzer" / "log.txt").read_text().count("uitvoering mislukt") == 1


def test_kernel_start_failure_is_retried_once_but_cell_errors_are_not(monkeypatch):
    import logging

    import papermill

    from regio_analysis.reporting import execution

    log = logging.getLogger("test")
    calls = []
    kernel = execution.warm_kernel()
    monkeypatch.setattr(kernel, "discard", lambda: calls.append("discard"))

    starts = []

    def acquire(_log):
        calls.append("acquire")
        starts.append(1)
        if len(starts) == 1:
            raise execution.KernelError("de kernel start niet")
        return "km", {"kernel_start_s": 1.0}

    def run(*args, **kwargs):
        calls.append(f"run {kwargs['km']} {kwargs['engine_name']}")

    monkeypatch.setattr(kernel, "acquire", acquire)
    monkeypatch.setattr(papermill, "execute_notebook", run)
    assert execution.run_notebook(Path("a"), Path("b"), {}, 10, log) == {"kernel_start_s": 1.0}
    assert calls == ["acquire", "acquire", "run km regio_analysis"]

    def dies(*args, **kwargs):  # the kernel dies mid-run: once more in a new kernel
        calls.append("run")
        if calls.count("run") == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", dies)
    execution.run_notebook(Path("a"), Path("b"), {}, 10, log)
    assert calls == ["acquire", "run", "discard", "acquire", "run"]

    def broken(*args, **kwargs):
        calls.append("cell")
        raise ValueError("cell error")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(ValueError):
        execution.run_notebook(Path("a"), Path("b"), {}, 10, log)
    assert calls == ["acquire", "cell", "discard"]  # not retried; the kernel does not serve another region


def test_a_warm_kernel_serves_successive_regions_each_in_a_clean_namespace(tmp_path, monkeypatch):
    """One kernel for two regions (started and the stack imported once); the second region sees
    nothing of the first; a failing region discards the kernel and the next gets a new one."""
    import logging

    from regio_analysis.reporting import execution

    kernel = execution.WarmKernel()
    monkeypatch.setattr(execution, "warm_kernel", lambda: kernel)
    log = logging.getLogger("test")
    code = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [code("regio = 'a'"),
                code("import json, os, matplotlib.pyplot as plt\n"
                     "print(json.dumps([os.getpid(), [k for k in ('spoor', 'fig') if k in globals()], plt.get_fignums()]))"),
                code("import numpy\nnumpy.mean([])  # a library's warning, shown once per place in a kernel"),
                code("spoor = regio\nfig = plt.figure()\nif regio == 'kapot':\n    raise ValueError('expres')")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp_path / "nb.ipynb"
    nbformat.write(nb, src)

    def run(regio):
        dst = tmp_path / f"{regio}.ipynb"
        try:
            cost = execution.run_notebook(src, dst, {"regio": regio}, 60, log)
        except Exception as err:  # noqa: BLE001
            cost = type(err).__name__
        out = nbformat.read(dst, as_version=4)  # written once, at the end, also when a cell failed
        printed = next(c for c in out.cells if c.cell_type == "code" and "json.dumps" in c.source)
        pid, seen, figures = json.loads(printed.outputs[0]["text"])
        warned = next(c for c in out.cells if "numpy.mean" in c.source)
        assert any("Mean of empty slice" in o.get("text", "") for o in warned.outputs), regio  # as in a new kernel
        return cost, pid, seen, figures

    sockets = set(Path("/tmp").glob("ra-k*"))
    try:
        first, second, broken, after = run("a"), run("b"), run("kapot"), run("c")
    finally:
        kernel.discard()
    assert first[0]["imports_s"] > 0 and first[0]["reset_s"] == 0
    assert second[0]["kernel_start_s"] == 0 and second[0]["imports_s"] == 0 and second[0]["reset_s"] > 0
    assert second[1] == first[1] and second[2:] == ([], [])  # same kernel, nothing left of region a
    assert broken[0] == "PapermillExecutionError" and broken[1] == first[1]
    assert after[1] != first[1] and after[0]["imports_s"] > 0  # a new kernel after the failure
    assert set(Path("/tmp").glob("ra-k*")) <= sockets  # every kernel's socket folder removed with it


def test_batch_on_a_dask_cluster(tmp_path, toy_chapters):
    """On a Dask worker as in a pool worker: a warm kernel serves the worker's regions one after another."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        manifest = run_batch(["rond-bommel-en-dommel", "noorderwijzer"], tmp_path, scheduler=cluster.scheduler_address,
                             chapters=toy_chapters[:1], progress=False, pdf=False)
    assert [r["status"] for r in manifest["regio's"]] == ["ok", "ok"]
    assert (tmp_path / "noorderwijzer" / "rapport.html").is_file()
    phases = sorted((r["fasen"] for r in manifest["regio's"]), key=lambda f: f["reset_s"])
    assert phases[0]["imports_s"] > 0 and phases[0]["reset_s"] == 0  # the first region started the kernel
    assert phases[1]["kernel_start_s"] == phases[1]["imports_s"] == 0 < phases[1]["reset_s"]  # the second reused it



def test_scheduler_without_dask_says_which_extra(monkeypatch):
    """--scheduler without the extra `dask`: one Dutch sentence naming the extra, no ImportError traceback."""
    from regio_analysis.errors import DataError
    from regio_analysis.reporting.runner import _dask_client

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(DataError, match=r"regio-analysis\[dask\]"):
        _dask_client("tcp://127.0.0.1:8786")

# --- acceptance: the overview chapter, two regions and a broken one, through the CLI ---------------

def test_cli_batch_with_a_broken_region(tmp_path):
    import subprocess
    import sys

    data = _data_dir_with_broken_region(tmp_path)
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "regio_analysis.cli", "batch", "--geen-pdf", "--alle", "--tegelijk", "2",
                          "--naar", str(out), "--gegevens", str(data), "--hoofdstukken", "overzicht"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Traceback" not in res.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    status = {r["regio_id"]: r["status"] for r in manifest["regio's"]}
    assert status == {"kapot": "fout", "noorderwijzer": "ok", "rond-bommel-en-dommel": "ok"}
    broken = [r for r in manifest["rijen"] if r["regio_id"] == "kapot" and r["status"] == "fout"]
    assert broken and broken[0]["fout"] == "DataError" and broken[0]["cel"] >= 1 and "personeel.csv" in broken[0]["foutmelding"]
    assert "kapot/overzicht: DataError in cel" in res.stdout
    for rid in ("noorderwijzer", "rond-bommel-en-dommel"):
        page = (out / rid / "rapport.html").read_text()
        assert "Overzicht" in page and "data:image/png;base64," in page
    assert (out / "index.html").is_file()


def test_chapters_are_picklable():
    """Chapters travel to worker processes: a lambda as a Param check breaks every batch."""
    import pickle

    back = pickle.loads(pickle.dumps(CHAPTERS))
    assert [(c.name, list(c.params)) for c in back] == [(c.name, list(c.params)) for c in CHAPTERS]


def _kernel_pid_after_a_run(src: str, dst: str) -> int:
    import logging

    from regio_analysis.reporting import execution

    execution.run_notebook(Path(src), Path(dst), {}, 60, logging.getLogger("test"))
    return execution.warm_kernel().km.provisioner.process.pid


def test_a_worker_stops_its_warm_kernel_when_it_ends(tmp_path):
    """Even when the parent made its own warm-kernel holder before forking (a parent's exit hooks are
    dropped in a forked child): the kernel is stopped by the worker, not left to notice its parent died."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    from regio_analysis.reporting import execution, outdir

    execution.warm_kernel()  # the holder exists here, as in the CLI's process
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "nb.ipynb")
    with ProcessPoolExecutor(1, initializer=outdir.die_with_parent, initargs=(os.getpid(),)) as pool:
        pid = pool.submit(_kernel_pid_after_a_run, str(tmp_path / "nb.ipynb"), str(tmp_path / "uit.ipynb")).result()
    with pytest.raises(ProcessLookupError):  # gone at once (a kernel watching its parent takes a second)
        os.kill(pid, 0)


def test_the_report_machinery_imports_nbformat_without_compiling_iri_grammars():
    """jsonschema's optional rfc3987_syntax compiles ~35 grammars at import (seconds per process);
    importing the reporting package leaves it out, and nbformat still validates notebooks."""
    import subprocess
    import sys

    code = """
import sys
import regio_analysis.reporting
import nbformat
assert "rfc3987_syntax" not in sys.modules, "rfc3987_syntax was imported"
nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
bad = nbformat.v4.new_notebook()
bad.cells.append({"cell_type": "code"})
try:
    nbformat.validate(bad)
except nbformat.ValidationError:
    pass
else:
    raise SystemExit("an invalid notebook passed")
import rfc3987_syntax  # still importable afterwards
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
