"""National benchmark: the DUO layer of all 50 regions built from a synthetic national data set, then a batch.

Generates a synthetic national data set in DUO's current file layouts
(``regio_analysis.data.synthetic_national.write_national_dataset``: about 6,100 PO and 650 VO
locations, 1,000 boards, 12 years, 50 regions by municipality) in a child process, then, in this
process, times ``build_layers(bronmap, data_dir, regio_ids=None)``: every region's derived tables
from the national files, written to ``<data_dir>/<regio_id>/duo/``. Peak memory is measured as
``benchmarks/batch.py`` measures it (``TreeMemory``: the summed PSS of this process and its
descendants, sampled every 0.2 s; RSS and ``getrusage`` as cross-checks). Unless
``--zonder-batch``, it then builds the reports of the 50 regions as ``batch.py`` does
(``timed_batch``: ``run_batch`` with ``--jobs`` workers, every chapter, HTML, PDF, index) and
prints the batch's total time.

As in ``batch.py`` the package is first copied to a temporary folder and imported from there, so edits
in the work tree during the run cannot change what is measured.

Targets: generating the data set at most 60 s; ``build_layers`` for all 50 regions at most 30 s
and 2 GiB (PSS) on the 2-core development machine. Exit code 0 when every target passes, 1 when one
fails, 2 when ``build_layers`` is missing or fails, or a report of the batch fails. Usage::

    .venv/bin/python benchmarks/national.py                      # generate, build, batch of 50 regions
    .venv/bin/python benchmarks/national.py --zonder-batch       # generate and build only
    .venv/bin/python benchmarks/national.py --map /tmp/nationaal # keep (or reuse) the data set there
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_GENERATE_S = 60.0
TARGET_BUILD_S = 30.0
TARGET_BUILD_BYTES = 2 * 1024 ** 3
MIB = 1024 * 1024
HERE = Path(__file__).resolve().parent


def load_batch():
    """``benchmarks/batch.py`` as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("benchmark_batch", HERE / "batch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


batch = load_batch()

GENERATE = """
import json, sys, time
from regio_analysis.data.synthetic_national import write_national_dataset
start = time.perf_counter()
out = write_national_dataset(sys.argv[1], n_regios=int(sys.argv[2]), seed=int(sys.argv[3]))
seconds = time.perf_counter() - start
import resource
print(json.dumps({"seconds": seconds, "aantallen": out["aantallen"], "regio_ids": out["regio_ids"],
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def generate(folder: Path, n_regios: int, seed: int) -> dict:
    """Write the data set into ``folder`` in a child process (this process stays lean); its figures."""
    print(f"# generating the national data set in {folder} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", GENERATE, str(folder), str(n_regios), str(seed)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit(f"generating the data set failed (exit {proc.returncode})")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["wall_s"] = time.perf_counter() - start
    (folder / "genereren.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def find_build_layers():
    """``build_layers`` from ``regio_analysis.data.national`` (as planned) or ``data.duo_laag``; None if absent."""
    for name in ("regio_analysis.data.national", "regio_analysis.data.duo_laag"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        if hasattr(module, "build_layers"):
            return module.build_layers, name
    return None, None


def build_rows(gen: dict | None, reuse: bool, n: int, build_s: float, mem, rusage: int, others: float | None,
               result) -> tuple[list[tuple], dict]:
    """The table rows of generating and building, and the figures for the JSON file."""
    counts = (gen or {}).get("aantallen", {})
    unassigned, double = getattr(result, "niet_toegewezen", None), getattr(result, "dubbel", None)
    written = list(getattr(result, "regios", []) or [])
    rows = []
    if gen and not reuse:
        rows.append(("generate the data set (child process)", f"{gen['seconds']:.1f} s",
                     f"{gen['wall_s']:.1f} s with imports", f"<= {TARGET_GENERATE_S:.0f} s",
                     batch.verdict(gen["seconds"] <= TARGET_GENERATE_S), f"peak RSS {gen['maxrss'] / MIB:.0f} MiB"))
    rows += [
        # most of the work (reading the national files) is the same for any number of regions: no projection
        (f"build_layers, {n} regions", f"{build_s:.1f} s", f"{build_s / n:.2f} s/regio",
         f"50 regions <= {TARGET_BUILD_S:.0f} s", batch.verdict(build_s <= TARGET_BUILD_S) if n == 50 else "n/a",
         "" if others is None else f"others {others:.0%} CPU"),
        ("build_layers peak memory (sampled tree, PSS)", f"{mem.peak_pss / MIB:.0f} MiB", "",
         f"<= {TARGET_BUILD_BYTES / MIB:.0f} MiB", batch.verdict(0 < mem.peak_pss <= TARGET_BUILD_BYTES),
         "this process (imports included) and any workers"),
        ("build_layers peak memory (sampled tree, RSS)", f"{mem.peak / MIB:.0f} MiB", "", "", "", ""),
        ("max RSS self + largest child (getrusage)", f"{rusage / MIB:.0f} MiB", "", "", "", ""),
        ("regions written / locations in no region / in two", f"{len(written)}",
         f"{'?' if unassigned is None else len(unassigned)} / {'?' if double is None else len(double)}", "", "",
         f"generator: {counts.get('vestigingen_zonder_regio', '?')} in no region, 0 in two"),
    ]
    figures = {"generate": gen, "build_s": build_s, "build_peak_pss_bytes": mem.peak_pss,
               "build_peak_rss_bytes": mem.peak, "build_rusage_bytes": rusage, "build_others_cpu": others,
               "regions_written": len(written), "unassigned": None if unassigned is None else len(unassigned),
               "double": None if double is None else len(double)}
    return rows, figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--map", type=Path, help="generate the data set into DIR and keep it; reused when DIR/bronnen "
                                             "and DIR/regions exist (build writes DIR/regions/<regio>/duo/)")
    ap.add_argument("--regios", type=int, default=50, help="number of regions (default 50)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    ap.add_argument("--zonder-batch", action="store_true", help="only generate and build, no batch of reports")
    ap.add_argument("--jobs", type=int, default=2, help="parallel jobs of the batch (default 2)")
    ap.add_argument("--geen-pdf", action="store_true", help="batch without the PDF")
    ap.add_argument("--progress", action="store_true", help="show run_batch's progress bars")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (code, data, reports)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    if args.regios < 1 or args.jobs < 1:
        ap.error("need --regios >= 1 and --jobs >= 1")
    json_path = args.json.resolve() if args.json else None
    data_root = args.map.resolve() if args.map else None

    root = Path(tempfile.mkdtemp(prefix="ra-national-"))
    try:
        repo = batch.snapshot_code(root / "code")
        os.chdir(root)  # kernels put their working directory first on sys.path: not the work tree
        from regio_analysis import __version__

        folder = data_root or root / "nationaal"
        reuse = (folder / "bronnen").is_dir() and (folder / "regions").is_dir()
        if reuse:
            print(f"# reusing the data set in {folder}", file=sys.stderr)
            gen = json.loads((folder / "genereren.json").read_text(encoding="utf-8")) \
                if (folder / "genereren.json").is_file() else None
        else:
            folder.mkdir(parents=True, exist_ok=True)
            gen = generate(folder, args.regios, args.seed)
        bronmap, data_dir = folder / "bronnen", folder / "regions"
        ids = sorted(p.name for p in data_dir.iterdir() if (p / "regio.yaml").is_file())
        counts = (gen or {}).get("aantallen", {})
        checkout = batch.describe_checkout(repo)
        print(f"regio_analysis {__version__}{f' ({checkout})' if checkout else ''}; Python "
              f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}; data set: "
              + (", ".join(f"{k} {counts[k]}" for k in ("vestigingen_po", "vestigingen_vo", "besturen", "regios")
                           if k in counts) + f", years {counts['jaren'][0]}-{counts['jaren'][-1]}"
                 if counts else str(folder)), flush=True)

        build_layers, where = find_build_layers()
        if build_layers is None:
            print("FAIL: build_layers not found: neither regio_analysis.data.national nor regio_analysis.data.duo_laag "
                  "defines it (the DUO layer is not built yet); the data set was generated"
                  + (f" and kept in {folder}" if data_root or args.keep else ""), file=sys.stderr)
            return 2
        print(f"# {where}.build_layers on {len(ids)} regions ...", file=sys.stderr, flush=True)
        busy0, own0 = batch.machine_busy_cpu(), batch.own_cpu()
        with batch.TreeMemory() as mem:
            start = time.perf_counter()
            try:
                result = build_layers(bronmap, data_dir, regio_ids=None)
            except Exception as err:  # noqa: BLE001 - any failure ends the benchmark with its message
                print(f"FAIL: build_layers raised {type(err).__name__}: {err}", file=sys.stderr)
                return 2
            build_s = time.perf_counter() - start
        busy1, own1 = batch.machine_busy_cpu(), batch.own_cpu()
        others = None if busy0 is None else \
            max(0.0, (busy1 - busy0) - (own1 - own0)) / (build_s * (os.cpu_count() or 1))
        rows, figures = build_rows(gen, reuse, len(ids), build_s, mem, batch.rusage_peak(), others, result)
        batch.print_table(("measure", "value", "per region", "target", "", "note"), rows)
        if figures["unassigned"] is not None and counts \
                and figures["unassigned"] != counts.get("vestigingen_zonder_regio"):
            print(f"Warning: build_layers lists {figures['unassigned']} locations in no region, the generator put "
                  f"{counts['vestigingen_zonder_regio']} there.")
        if others is not None and others > batch.BUSY_WARNING:
            print(f"Warning: other processes used {others:.0%} of the CPU during the build.")
        sys.stdout.flush()

        run = None
        if not args.zonder_batch:
            for module in ("nbclient", "papermill", "nbconvert", "regio_analysis.data", "regio_analysis.overview.chapter",
                           "regio_analysis.reporting.html"):  # inherited by every worker, as in batch.py
                importlib.import_module(module)
            run = batch.timed_batch(f"batch, jobs {args.jobs}", ids, root / "rapporten", args.jobs, data_dir,
                                    args.progress, not args.geen_pdf)  # exits 2 when a report fails
            print()
            batch.print_table(("measure", "value", "per region", "reference", "note"), [
                (f"batch of {run['regions']} regions, jobs {run['jobs']}", f"{run['seconds']:.1f} s",
                 f"{run['per_region']:.2f} s/regio", f"batch.py: 50 regions <= {batch.TARGET_50_S} s",
                 f"{run['own_cpu_s'] / run['regions']:.1f} CPU-s/regio"
                 + ("" if run["others_cpu"] is None else f", others {run['others_cpu']:.0%} CPU")),
                ("batch peak memory (sampled tree, PSS / RSS)",
                 f"{run['peak_pss'] / MIB:.0f} / {run['peak_tree'] / MIB:.0f} MiB", "", "", ""),
            ])
    finally:
        os.chdir(Path.home() if Path.home().is_dir() else "/")
        if args.keep:
            print(f"# kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)

    if json_path:
        json_path.write_text(json.dumps({
            "regions": len(ids), "checkout": checkout, "cpus": os.cpu_count(), **figures,
            "batch": None if run is None else {k: run[k] for k in ("regions", "jobs", "seconds", "per_region", "peak_pss",
                                                                    "peak_tree", "others_cpu", "own_cpu_s")},
        }, indent=1), encoding="utf-8")
    return 0 if all(r[4] in ("PASS", "n/a") for r in rows if r[4]) else 1


if __name__ == "__main__":
    sys.exit(main())
