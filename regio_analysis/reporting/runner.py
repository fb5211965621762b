"""Build every region's report: regions in parallel, failures isolated.

For each region the chapters are assembled into one notebook (one parameters cell) and
executed once with papermill, in the worker's warm kernel (:mod:`~regio_analysis.reporting.execution`:
started once, namespace reset per region, replaced after any failure). The result is exported to one self-contained HTML
file. Everything is built in a temporary folder and moved into place when complete: an
interrupted or failing run never leaves a half report and never removes the previous
good one. Failed notebooks and logs go to ``out_dir/_mislukt/<regio_id>/``.

Layout of ``out_dir``::

    index.html                     all regions side by side, links to the reports
    manifest.json                  a row per region and chapter: status, duration, error, cell
    <regio_id>/rapport.html        the report (offline, no code)
    <regio_id>/rapport.ipynb       the executed notebook
    <regio_id>/figuren/*.png       every figure
    <regio_id>/tabellen/*.csv      tables the chapters wrote
    <regio_id>/log.txt, vingerafdruk.json
    _mislukt/<regio_id>/           the failed notebook and log of the last failed run
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Iterable

import nbformat

from regio_analysis import __version__
from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import (
    atomic_write, make_dir, move, read_bytes, read_text, remove_file, remove_tree,
    temporary_dir, write_text,
)
from regio_analysis.data.regions import available_region_ids, default_data_dir, region_dir
from regio_analysis.io.kerncijfers import write_kerncijfers
from regio_analysis.reporting import outdir
from regio_analysis.reporting.build_info import git_commit, lock_status
from regio_analysis.reporting.chapters import CHAPTERS, Chapter, all_params, check_parameters, for_region
from regio_analysis.reporting.html import CHAPTER_KEY

MANIFEST = "manifest.json"
#: a region's status in words, the same on the terminal and in the index (the manifest keeps the codes)
STATUS_WOORDEN = {"ok": "gemaakt", "overgeslagen": "ongewijzigd", "bezig": "bezig", "eerder": "eerder gemaakt",
                  "fout": "mislukt"}


def status_woord(status: str) -> str:
    return STATUS_WOORDEN.get(status, "mislukt")


FAILED_DIR = "_mislukt"
FINGERPRINT = "vingerafdruk.json"
KERNCIJFERS = "kerncijfers.xlsx"
DEFAULT_TIMEOUT = 900
#: a region's seconds outside its chapters, as ``build_region`` reports them (``fasen``): getting a kernel
#: (started, stack imported; or reset when warm), papermill's own work, the HTML export with the
#: figures, the PDF, the privacy audit
FASEN = ("kernel_start_s", "imports_s", "reset_s", "uitvoeren_s", "html_s", "pdf_s", "controle_s")
SCHEDULER_TIMEOUT = 10  # seconds to reach a Dask scheduler
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ assembling


def assemble(params: dict[str, Any], chapters: tuple[Chapter, ...] = CHAPTERS) -> nbformat.NotebookNode:
    """One notebook of all chapters with a single parameters cell holding ``params``.

    Each chapter's own parameters cell is dropped; every other cell is tagged in its
    metadata with the chapter it came from, so failures and durations map to chapters.
    """
    nb = nbformat.v4.new_notebook()
    lines = [f"{name} = {value!r}" for name, value in params.items()]
    pcell = nbformat.v4.new_code_cell("\n".join(lines))
    pcell.metadata["tags"] = ["parameters"]
    pcell.metadata[CHAPTER_KEY] = {"hoofdstuk": "parameters"}
    cells = [pcell]
    for ch in chapters:
        chapter_nb = nbformat.read(ch.path, as_version=4)
        for cell in chapter_nb.cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                continue
            cell = nbformat.from_dict(cell)
            cell.metadata[CHAPTER_KEY] = {"hoofdstuk": ch.name, "nummer": ch.nummer}
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


# ------------------------------------------------------------------ fingerprints (skip unchanged)


def _hash_files(h: "hashlib._Hash", files: Iterable[Path], root: Path) -> None:
    for path in sorted(files):
        h.update(str(path.relative_to(root)).encode())
        h.update(hashlib.sha256(read_bytes(path)).digest())


@functools.lru_cache(maxsize=1)
def _package_code_hash() -> bytes:
    """The package's version and source code, hashed once per process."""
    h = hashlib.sha256(__version__.encode())
    _hash_files(h, (p for p in _PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".j2", ".css", ".json")
                    and "__pycache__" not in p.parts), _PACKAGE_DIR)
    return h.digest()


def fingerprint(params: dict[str, Any], chapters: tuple[Chapter, ...] = CHAPTERS) -> str:
    """A hash of everything a report depends on: data files, package code, notebooks, parameters.

    The chapters are those of the region's own report (:func:`for_region`: without the plan audit
    when the region has no plan), whether ``chapters`` was already narrowed to them or not, so the
    batch's check for an unchanged report and the report's build compute the same hash."""
    h = hashlib.sha256(_package_code_hash())
    h.update(json.dumps(params, sort_keys=True).encode())
    data_root = Path(params["data_dir"]) if params["data_dir"] else default_data_dir()
    region = data_root / params["regio_id"]
    chapters = for_region(region, chapters)
    _hash_files(h, (p for p in region.rglob("*") if p.is_file()), region)
    for ch in chapters:
        h.update(ch.name.encode())
        h.update(hashlib.sha256(read_bytes(ch.path)).digest())
    return h.hexdigest()


# ------------------------------------------------------------------ executing one region


def _execute(src: Path, dst: Path, params: dict[str, Any], timeout: int, log: logging.Logger) -> dict[str, float]:
    """Run one region's assembled notebook (:func:`~regio_analysis.reporting.execution.run_notebook`)."""
    from regio_analysis.reporting.execution import run_notebook

    return run_notebook(src, dst, params, timeout, log)


def _chapter_rows(nb: nbformat.NotebookNode, regio_id: str, chapters: tuple[Chapter, ...]) -> list[dict]:
    """Status, duration and error per chapter, read from the executed notebook's metadata.

    ``cel`` is the failing cell's number among the chapter's code cells (1-based, as in the
    chapter notebook) and ``code`` its first line, so a reader finds it in the chapter.
    """
    rows = {ch.name: {"regio_id": regio_id, "hoofdstuk": ch.name, "status": "ok", "duur_s": 0.0,
                      "fout": None, "foutmelding": None, "cel": None, "code": None} for ch in chapters}
    counters = {name: 0 for name in rows}
    failed_seen = False
    for cell in nb.cells:
        name = cell.metadata.get(CHAPTER_KEY, {}).get("hoofdstuk")
        row = rows.get(name)
        if row is None or cell.cell_type != "code":
            continue
        counters[name] += 1
        meta = cell.metadata.get("papermill", {})
        row["duur_s"] += float(meta.get("duration") or 0.0)
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if meta.get("exception") or error is not None:
            row.update(status="fout", cel=counters[name], code=(cell.source.strip().splitlines() or [""])[0][:200],
                       fout=(error or {}).get("ename", "Fout"), foutmelding=str((error or {}).get("evalue", ""))[:500])
            failed_seen = True
        elif failed_seen and row["status"] == "ok":
            row["status"] = "niet uitgevoerd"
    for row in rows.values():
        row["duur_s"] = round(row["duur_s"], 2)
    return list(rows.values())


def _region_logger(path: Path) -> logging.Logger:
    log = logging.getLogger(f"regio_analysis.report.{path.parent.name}.{os.getpid()}.{time.monotonic_ns()}")
    log.setLevel(logging.INFO)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.propagate = False
    return log


def build_region(regio_id: str, out_dir: str | Path, *, data_dir: str | Path | None = None,
                 params: dict[str, Any] | None = None, timeout: int = DEFAULT_TIMEOUT,
                 chapters: tuple[Chapter, ...] = CHAPTERS, pdf: bool = True) -> dict[str, Any]:
    """Build one region's report (the unit of work of a batch; runs in a worker process).

    Returns ``{"regio_id", "status", "duur_s", "rijen", "vingerafdruk"}``; never raises for
    a failing notebook: the failure is in the result, its notebook and log are kept. The
    report is built in a temporary folder that is removed on any error (a full or read-only
    disk included); a complete report must pass :func:`regio_analysis.data.privacy.audit` before
    it replaces the previous one.
    """
    values = {**(params or {}), "regio_id": regio_id, "data_dir": _abs(data_dir)}
    values = check_parameters(values, chapters)
    chapters = for_region(region_dir(regio_id, values["data_dir"] or None), chapters)
    out_dir = outdir.claim(outdir.check_out_dir(out_dir, data_dir))
    fp = fingerprint(values, chapters)
    fasen: dict[str, float] = {}
    start = time.perf_counter()
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with temporary_dir(out_dir, regio_id) as work:
        outdir.mark(work)
        log = _region_logger(work / "log.txt")
        try:
            status, error, rows, indicators = _build_in(work, values, fp, started, start, timeout, chapters, log, pdf,
                                                        fasen)
            log.info("fasen buiten de hoofdstukken: %s", ", ".join(f"{k} {v:.2f}" for k, v in fasen.items()))
            target = out_dir / regio_id if status == "ok" else out_dir / FAILED_DIR / regio_id
            if status == "ok" and (target.exists() and not outdir.is_owned(target)):
                status, error = "fout", f"{target} is niet door regio-analysis gemaakt en wordt niet vervangen"
                log.error(error)
                target = out_dir / FAILED_DIR / regio_id
        finally:
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)
        _replace_dir(work, target)
    return {"regio_id": regio_id, "status": status, "duur_s": round(time.perf_counter() - start, 2),
            "fasen": {k: round(v, 2) for k, v in fasen.items()}, "fout": error, "rijen": rows, "vingerafdruk": fp,
            "kerncijfers": indicators if status == "ok" else _key_indicators(regio_id, values["data_dir"] or None)}


def _build_in(work: Path, values: dict[str, Any], fp: str, started: str, start: float, timeout: int,
              chapters: tuple[Chapter, ...], log: logging.Logger, pdf: bool, fasen: dict[str, float],
              ) -> tuple[str, str | None, list, dict]:
    """Run, export (HTML, and PDF when ``pdf``) and audit one region's report inside ``work``:
    (status, error, rows, indicators). ``fasen`` gets the seconds of each phase outside the chapters
    (:data:`FASEN`)."""
    regio_id = values["regio_id"]
    log.info("start %s, parameters %s", regio_id, values)
    run_params = {**values, "output_dir": str(work)}
    src = work / "samengesteld.ipynb"
    write_text(src, nbformat.writes(assemble({**values, "output_dir": ""}, chapters)))
    executed = work / "rapport.ipynb"
    status, error, indicators = "ok", None, []
    started_run = time.perf_counter()
    try:
        fasen.update(_execute(src, executed, run_params, timeout, log) or {})
    except Exception as err:  # noqa: BLE001 - any failure is recorded, the batch goes on
        if isinstance(err, OSError) and not executed.exists():
            raise  # the disk, not the notebook: the region fails as a whole (and the folder goes)
        status, error = "fout", f"{type(err).__name__}: {str(err).strip().splitlines()[-1] if str(err).strip() else ''}"
        log.error("uitvoering mislukt: %s", error)
    rows = []
    if executed.exists():
        nb = nbformat.read(executed, as_version=4)
        rows = _chapter_rows(nb, regio_id, chapters)
        cells = sum(float(c.metadata.get("papermill", {}).get("duration") or 0.0) for c in nb.cells)
        fasen["uitvoeren_s"] = time.perf_counter() - started_run - sum(fasen.values()) - cells
    if status != "ok":
        return status, error, rows or _failed(regio_id, error, chapters)["rijen"], indicators
    started_html = time.perf_counter()
    from regio_analysis.reporting import document
    from regio_analysis.reporting.html import extract_images, notebook_to_html

    data_root = Path(values["data_dir"]) if values["data_dir"] else default_data_dir()
    indicators = _key_indicators(regio_id, values["data_dir"] or None)
    commit = git_commit()
    appendix = document.verantwoording(values, chapters, started=started, seconds=time.perf_counter() - start,
                                       commit=commit, region_dir=data_root / regio_id)
    meta = _region_meta(values)
    page = notebook_to_html(nb, title=f"Arbeidsmarktanalyse {meta.get('naam') or regio_id}",
                            voorblad=document.voorblad(started, commit, meta.get("periode") or ""),
                            verantwoording=appendix, terug="../index.html")
    write_text(work / "rapport.html", page)
    extract_images(nb, work / "figuren")
    fasen["html_s"] = time.perf_counter() - started_html
    if pdf:
        from regio_analysis.reporting.pdf import html_to_pdf

        started_pdf = time.perf_counter()
        try:
            html_to_pdf(work / "rapport.html", work / "rapport.pdf")
            fasen["pdf_s"] = time.perf_counter() - started_pdf
        except DataError as err:
            error = f"pdf: {err}"[:1000]
            log.error(error)
            return "fout", error, [{**r, "status": "fout", "fout": "pdf", "foutmelding": error[:500]} for r in rows], indicators
    stored = {"vingerafdruk": fp, "rijen": rows, "kerncijfers": indicators, "labels": _indicator_labels()}
    write_text(work / FINGERPRINT, json.dumps(stored, indent=1, ensure_ascii=False))
    remove_file(src)
    started_audit = time.perf_counter()
    findings = _audit(work)
    fasen["controle_s"] = time.perf_counter() - started_audit
    if findings:
        error = f"privacycontrole: {len(findings)} bevinding(en): " + "; ".join(str(f) for f in findings[:5])
        log.error(error)
        rows = [{**r, "status": "fout", "fout": "privacycontrole", "foutmelding": error[:500]} for r in rows]
        return "fout", error[:1000], rows, indicators
    log.info("klaar in %.1f s", time.perf_counter() - start)
    return "ok", None, rows, indicators


def _audit(report_dir: Path) -> list:
    """Findings of the privacy audit of a finished report folder ([] = clean).

    An audit that itself fails is a finding (fail closed: a report that cannot be checked is
    not published).
    """
    from regio_analysis.data.privacy import audit

    try:
        return list(audit(report_dir))
    except Exception as err:  # noqa: BLE001
        return [f"de privacycontrole zelf mislukte: {type(err).__name__}: {err}"]


def _indicator_labels() -> dict[str, str]:
    from regio_analysis.overview.index import DUO_INDICATOR_LABELS, KEY_INDICATOR_LABELS

    return {**KEY_INDICATOR_LABELS, **DUO_INDICATOR_LABELS}


def _key_indicators(regio_id: str, data_dir) -> list[dict[str, Any]]:
    """The index page's figures of a region, each with year, definition and source
    (:func:`regio_analysis.overview.index.kerncijfer_rijen`); [] when its data cannot be loaded."""
    from regio_analysis.data import load_region
    from regio_analysis.overview.index import kerncijfer_rijen

    try:
        return kerncijfer_rijen(load_region(regio_id, data_dir))
    except DataError:
        return []


def _abs(data_dir: str | Path | None) -> str:
    """``data_dir`` as an absolute path (kernels and workers run elsewhere); "" for the default."""
    return str(Path(data_dir).resolve()) if data_dir else ""


def _region_meta(params: dict[str, Any]) -> dict[str, Any]:
    """The region's ``regio.yaml`` ({} when it cannot be read: the report then names the region by its id)."""
    from regio_analysis.data.regions import read_regio_yaml

    root = Path(params["data_dir"]) if params["data_dir"] else default_data_dir()
    try:
        return read_regio_yaml(root / params["regio_id"])
    except DataError:
        return {}


def _replace_dir(new: Path, final: Path) -> None:
    """Move ``new`` to ``final``; the old ``final`` is removed only after the new one is in place.

    Only a folder the package made (with the marker) is ever replaced: anything else at
    ``final`` raises DataError and stays as it is.
    """
    make_dir(final.parent)
    old = None
    if final.exists() or final.is_symlink():
        if final.is_symlink() or not final.is_dir() or not outdir.is_owned(final):
            raise DataError(Problem(str(final), "bestaat al en is niet door regio-analysis gemaakt "
                                                f"(geen {outdir.MARKER}); wordt niet vervangen"))
        old = final.with_name(f".{final.name}.oud-{os.getpid()}-{time.monotonic_ns()}")
        move(final, old)
    move(new, final)
    if old is not None:
        remove_tree(old)


# ------------------------------------------------------------------ the batch


def _unchanged(regio_id: str, out_dir: Path, params: dict[str, Any], chapters, pdf: bool = True) -> dict[str, Any] | None:
    """The previous result when the region's report is complete (with its PDF when ``pdf``) and its
    inputs are unchanged."""
    folder = out_dir / regio_id
    try:
        stored = json.loads(read_text(folder / FINGERPRINT).text)
    except (OSError, ValueError, DataError):
        return None
    if not (folder / "rapport.html").is_file() or stored.get("vingerafdruk") != fingerprint(params, chapters):
        return None
    if pdf and not (folder / "rapport.pdf").is_file():
        return None
    rows = [{**r, "status": "overgeslagen" if r["status"] == "ok" else r["status"]} for r in stored.get("rijen", [])]
    return {"regio_id": regio_id, "status": "overgeslagen", "duur_s": 0.0, "fout": None, "rijen": rows,
            "vingerafdruk": stored["vingerafdruk"], "kerncijfers": stored.get("kerncijfers"),
            "labels": stored.get("labels")}


def _earlier_reports(out_dir: Path, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The reports an earlier batch left in ``out_dir`` for regions this batch does not build (a
    complete report made by the package, with its stored result): kept in the manifest and the
    index, so a partial batch updates its regions and keeps the others."""
    kept = {}
    try:
        folders = sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink() and p.name not in ids)
    except OSError:
        return kept
    for folder in folders:
        try:
            stored = json.loads(read_text(folder / FINGERPRINT).text)
        except (OSError, ValueError, DataError):
            continue
        if not (folder / "rapport.html").is_file() or not outdir.is_owned(folder) or not isinstance(stored, dict):
            continue
        rows = [r for r in stored.get("rijen", []) if isinstance(r, dict)]
        kept[folder.name] = {"regio_id": folder.name, "status": "eerder", "duur_s": 0.0, "fout": None, "rijen": rows,
                             "kerncijfers": stored.get("kerncijfers"), "labels": stored.get("labels")}
    return kept


def run_batch(
    regio_ids: Iterable[str] | None,
    out_dir: str | Path,
    jobs: int = 2,
    force: bool = False,
    scheduler: str | None = None,
    *,
    data_dir: str | Path | None = None,
    params: dict[str, Any] | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    progress: bool = True,
    chapters: tuple[Chapter, ...] = CHAPTERS,
    pdf: bool = True,
) -> dict[str, Any]:
    """Build the reports of ``regio_ids`` (None: every region in ``data_dir``) into ``out_dir``.

    Regions run in parallel: ``jobs`` worker processes here, or on the Dask cluster at
    ``scheduler`` (``out_dir`` and ``data_dir`` must then be on a file system the workers
    share). Before any kernel starts: ``out_dir`` is checked (never in, above or over input
    data, see :mod:`~regio_analysis.reporting.outdir`), locked against a second batch, and the
    parameters are checked (those common to all regions once: an error there stops the batch;
    a region whose own check fails fails alone). Unchanged regions are skipped unless ``force``.
    ``manifest.json`` and ``index.html`` are written at the start (regions ``bezig``) and
    after every region, so a killed run leaves a truthful account. With ``pdf`` (the default) each
    report also gets ``rapport.pdf`` (:mod:`~regio_analysis.reporting.pdf`; checked before the batch
    starts that it can be made). Returns the manifest.
    """
    for name, value in (("jobs", jobs), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DataError(Problem("<opdracht>", f"{name} moet een positief geheel getal zijn, niet {value!r}"))
    values = {**(params or {}), "data_dir": _abs(data_dir)}
    checked = check_parameters(values, chapters, check_region=False)  # ParameterError: the whole batch
    paths = [checked[n] for n, spec in all_params(chapters).items() if spec.path and checked.get(n)]
    out_dir = outdir.check_out_dir(out_dir, data_dir, inputs=paths)
    if pdf:
        from regio_analysis.reporting.pdf import check_pdf_possible

        check_pdf_possible()
    ids = list(regio_ids) if regio_ids is not None else available_region_ids(data_dir)
    if not ids:
        raise DataError(f"geen regio's gevonden in {data_dir or default_data_dir()}", file=str(data_dir or ""))
    outdir.claim(out_dir)
    with outdir.BatchLock(out_dir):
        outdir.remove_stale(out_dir)
        outdir.remove_stale(out_dir / FAILED_DIR)
        return _run_locked(ids, out_dir, jobs, force, scheduler, data_dir, params, timeout, progress, chapters, pdf)


def _run_locked(ids, out_dir: Path, jobs, force, scheduler, data_dir, params, timeout, progress, chapters,
                pdf: bool = True) -> dict:
    from tqdm.auto import tqdm

    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    ids = list(dict.fromkeys(ids))
    results: dict[str, dict[str, Any]] = {}
    todo: list[str] = []
    for rid in ids:
        values = {**(params or {}), "regio_id": rid, "data_dir": _abs(data_dir)}
        try:
            checked = check_parameters(values, chapters)
            _check_region_output(out_dir / rid)
            _check_key(rid, data_dir)
        except DataError as err:
            results[rid] = _failed(rid, err, chapters)
            continue
        previous = None if force else _unchanged(rid, out_dir, checked, chapters, pdf)
        if previous is not None:
            results[rid] = previous
        else:
            todo.append(rid)
            results[rid] = _running(rid, chapters)

    earlier = _earlier_reports(out_dir, ids)
    results.update(earlier)
    ids = ids + list(earlier)
    kwargs = dict(out_dir=str(out_dir), data_dir=_abs(data_dir) or None, params=params,
                  timeout=timeout, chapters=chapters, pdf=pdf)
    lock = lock_status()
    meta = {"gemaakt": started, "versie": __version__, "commit": git_commit(), "uv_lock": lock.sha256 if lock else "",
            "data_dir": str(data_dir or default_data_dir())}
    client = _dask_client(scheduler) if todo and scheduler else None
    _write_state(out_dir, meta, ids, results, data_dir, started, "bezig" if todo else "klaar")
    built = len(ids) - len(earlier)
    bar = tqdm(total=built, desc="rapporten", unit="regio", disable=not progress, initial=built - len(todo))

    def done(rid: str, get) -> None:
        results[rid] = _result_or_error(get, rid, chapters)
        bar.update(1)
        _write_state(out_dir, meta, ids, results, data_dir, started, "bezig")

    if client is not None:
        from distributed import as_completed as dask_completed

        with client:
            futures = {client.submit(build_region, rid, pure=False, **kwargs): rid for rid in todo}
            for fut in dask_completed(futures):
                done(futures[fut], fut.result)
    elif todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), initializer=outdir.die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(build_region, rid, **kwargs): rid for rid in todo}
            for fut in as_completed(futures):
                done(futures[fut], fut.result)
    bar.close()
    return _write_state(out_dir, meta, ids, results, data_dir, started, "klaar")


def _write_state(out_dir: Path, meta: dict, ids: list[str], results: dict, data_dir, started: str, state: str) -> dict:
    """Write ``manifest.json`` and ``index.html`` as things stand; return the manifest."""
    ordered = [results[rid] for rid in ids]
    manifest = {
        **meta,
        "status": state,
        "regio's": [{k: r.get(k, {}) if k == "fasen" else r[k] for k in ("regio_id", "status", "duur_s", "fasen", "fout")}
                    for r in ordered],
        "rijen": [row for r in ordered for row in r["rijen"]],
    }
    with atomic_write(out_dir / MANIFEST) as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
    _write_index(out_dir, ordered, data_dir, started)
    return manifest


def _running(regio_id: str, chapters) -> dict[str, Any]:
    """A region whose report is being built (what a killed run leaves in the manifest)."""
    rows = [{"regio_id": regio_id, "hoofdstuk": ch.name, "status": "bezig", "duur_s": 0.0, "fout": None,
             "foutmelding": None, "cel": None, "code": None} for ch in chapters]
    return {"regio_id": regio_id, "status": "bezig", "duur_s": 0.0, "fout": None, "rijen": rows, "kerncijfers": []}


def _check_region_output(folder: Path) -> None:
    """A region's report folder may be replaced only when the package made it."""
    if (folder.exists() or folder.is_symlink()) and (folder.is_symlink() or not outdir.is_owned(folder)):
        raise DataError(Problem(str(folder), f"bestaat al en is niet door regio-analysis gemaakt (geen {outdir.MARKER}); "
                                             "wordt niet vervangen. Verplaats of verwijder deze map, of kies een andere --naar"))


def _check_key(regio_id: str, data_dir) -> None:
    """A region with microdata needs the pseudonymisation key: check it before a kernel starts."""
    from regio_analysis.data import MICRODATA_TABLES
    from regio_analysis.data.privacy import get_key

    folder = region_dir(regio_id, data_dir or None)
    if any((folder / f"{t}.csv").is_file() for t in MICRODATA_TABLES):
        get_key()


def _dask_client(scheduler: str):
    """A client of the Dask scheduler at ``scheduler``; DataError (one paragraph) when unreachable or when
    Dask's ``distributed`` is not installed (extra ``dask``)."""
    try:
        from distributed import Client
    except ImportError:
        raise DataError(Problem(scheduler, "--scheduler vraagt Dask, dat niet is geïnstalleerd: "
                                           "pip install 'regio-analysis[dask]', of laat --scheduler weg")) from None

    try:
        return Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    except Exception as err:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(Problem(scheduler, f"de Dask-scheduler is niet bereikbaar binnen {SCHEDULER_TIMEOUT} s "
                                           f"({reason}); controleer het adres (tcp://host:8786) en of de scheduler "
                                           "draait, of laat --scheduler weg")) from None


def _result_or_error(get, regio_id: str, chapters) -> dict[str, Any]:
    """The worker's result; a crash of the worker itself becomes a failed region, not a failed batch."""
    try:
        return get()
    except Exception as err:  # noqa: BLE001
        return _failed(regio_id, err, chapters)


def _failed(regio_id: str, err: BaseException | str, chapters, duration: float = 0.0) -> dict[str, Any]:
    """A region that failed before its chapters ran: every chapter row says why."""
    name = type(err).__name__ if isinstance(err, BaseException) else "Fout"
    if isinstance(err, OSError):  # a full or read-only disk: say so in Dutch, with the path
        from regio_analysis.io.files import describe_os_error

        text = describe_os_error(err)
    else:
        text = str(err).strip()
    rows = [{"regio_id": regio_id, "hoofdstuk": ch.name, "status": "fout", "duur_s": 0.0, "fout": name,
             "foutmelding": text[:500], "cel": None, "code": None} for ch in chapters]
    return {"regio_id": regio_id, "status": "fout", "duur_s": round(duration, 2), "fout": f"{name}: {text}"[:500],
            "rijen": rows}


def _write_index(out_dir: Path, results: list[dict[str, Any]], data_dir, started: str) -> None:
    from regio_analysis.data.regions import list_regions
    from regio_analysis.reporting.html import index_html

    # labels stored with unchanged reports spare the import of the plotting stack (seconds)
    labels = next((r["labels"] for r in results if r.get("labels")), None) or _indicator_labels()
    names = dict(zip(*list_regions(data_dir)[["regio_id", "naam"]].T.values)) if results else {}
    rows = []
    for r in results:
        # computed once, kept for the next update of the index (a list of rows; older reports kept a dict)
        if not isinstance(r.get("kerncijfers"), list):
            r["kerncijfers"] = _key_indicators(r["regio_id"], data_dir)
        rows.append({"regio_id": r["regio_id"], "naam": names.get(r["regio_id"], r["regio_id"]),
                     "status": status_woord(r["status"]),
                     "fout": r.get("fout"), "kerncijfers": r["kerncijfers"],
                     "rapport": (out_dir / r["regio_id"] / "rapport.html").is_file(),
                     "pdf": (out_dir / r["regio_id"] / "rapport.pdf").is_file()})
    rows.sort(key=lambda row: str(row["naam"]).lower())
    with atomic_write(out_dir / "index.html") as fh:
        fh.write(index_html(rows, labels, generated=started, version=__version__))
    write_kerncijfers(out_dir / KERNCIJFERS, rows)
