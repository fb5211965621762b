"""Batch benchmark: what ``make reports`` costs for many regions, in parallel and serially.

Makes N synthetic regions (default 50) in a temporary data folder by copying the default
regions' folders under new ids (``<orig>-kopie-NN``, ``regio_id`` in regio.yaml rewritten),
then builds them exactly as ``make reports`` does (``run_batch``: every chapter, HTML, PDF, the
index and the key-figures workbook) and measures

* the floor: one bare kernel started with the scientific stack imported (median of three), in
  the same run, the cost every region is compared with;
* seconds per region with ``--jobs 1``, on a subset (``--subset``, default 6) to keep it short,
  half of it just before and half just after the jobs-2 run: the speed of a virtual
  machine's CPUs drifts over minutes, and this way both runs see the same drift;
* seconds per region with ``--jobs 2`` (``--jobs``) on all N regions, and per region the
  seconds of each phase: getting a kernel (start, imports, or the reset of a warm one), each
  chapter, papermill's own work, the HTML export, the PDF, the privacy audit, the total;
* the speed-up: regions per second with jobs 2 over regions per second with jobs 1;
* peak memory: the largest sum, over time, of the memory of this process and all its
  descendants (workers, kernels, browsers), sampled with psutil every 0.2 s, as PSS (a page
  shared by k processes counted 1/k in each: what the tree takes from the machine; the target)
  and as RSS (shared pages counted in every process: an upper bound); as a cross-check also
  ``getrusage``: this process's max RSS plus the largest max RSS of a finished child;
* an unchanged re-run: ``run_batch`` again with the same inputs, every region skipped.

The package, the chapters and the shipped data (regions, frameworks) are copied to the temporary
folder first and imported from there (by this process, its workers and the kernels), so edits
made in the work tree while the benchmark runs cannot change what is measured. Also reported:
the CPU time other processes used during each run (figures from a busy machine are not
comparable), and the machine's own speed-up for CPU-bound processes, a reference for the
batch's speed-up.

Targets: 50 regions in at most 4 minutes with jobs 2; seconds per region with jobs 2 at most
1.2 times the floor; speed-up at least 1.8; unchanged re-run at most 3 s; peak memory at most
3 GiB. Exit code 0 when every target passes, 1 when one fails, 2 as soon as a report fails to
build (the region, chapter, cell and error printed: a batch with a failing region measures
nothing). Not run by the test suite (a test checks that a failing region stops it). Usage::

    .venv/bin/python benchmarks/batch.py                 # 50 regions, subset 6, jobs 2
    .venv/bin/python benchmarks/batch.py --regions 10 --subset 4 --keep
"""
from __future__ import annotations

import argparse
import compileall
import functools
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET_50_S = 4 * 60
TARGET_FLOOR_RATIO = 1.2  # seconds per region with jobs 2 / one bare kernel importing the stack
TARGET_SPEEDUP = 1.8
TARGET_RERUN_S = 3.0
TARGET_PEAK_BYTES = 3 * 1024 ** 3
BUSY_WARNING = 0.05  # share of the machine's CPU used by others above which figures are suspect
MIB = 1024 * 1024


# ------------------------------------------------------------------ code snapshot


def snapshot_code(dest: Path) -> Path:
    """Copy the package (and, in a source checkout, notebooks/, data/regions/ and data/frameworks/) to ``dest``.

    Must run before ``regio_analysis`` is imported. Sets ``sys.path`` and ``PYTHONPATH`` so
    this process, the worker processes and the kernels all import the copy. Returns the
    source checkout (or installed package folder) that was copied.
    """
    spec = importlib.util.find_spec("regio_analysis")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("regio_analysis is not installed in this Python")
    package = Path(next(iter(spec.submodule_search_locations))).resolve()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(package, dest / "regio_analysis", ignore=ignore)
    for extra in ("notebooks", "data/regions", "data/frameworks"):  # as the wheel ships them (pyproject.toml)
        if (package.parent / extra).is_dir():
            shutil.copytree(package.parent / extra, dest / extra, ignore=ignore)
    compileall.compile_dir(dest / "regio_analysis", quiet=1)  # as an install does (PYTHONDONTWRITEBYTECODE may be set)
    sys.path.insert(0, str(dest))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(dest), os.environ.get("PYTHONPATH")]))
    return package.parent


def describe_checkout(repo: Path) -> str:
    """``<commit>`` (+ "with uncommitted changes"), read-only; "" outside a git checkout."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{head}{' with uncommitted changes' if dirty else ''}" if head else ""


# ------------------------------------------------------------------ synthetic regions


def make_regions(data_dir: Path, n: int, source: Path | None = None) -> list[str]:
    """Copy the default regions round-robin into ``data_dir`` as ``<orig>-kopie-NN``; return the ids."""
    from regio_analysis.data.regions import DEFAULT_REGIONS, REGIO_FILE, default_data_dir

    source = source or default_data_dir()
    ids = []
    for i in range(n):
        orig = DEFAULT_REGIONS[i % len(DEFAULT_REGIONS)]
        new = f"{orig}-kopie-{i + 1:02d}"
        shutil.copytree(source / orig, data_dir / new)
        yaml_path = data_dir / new / REGIO_FILE
        text, count = re.subn(r"(?m)^regio_id:.*$", f"regio_id: {new}", yaml_path.read_text(encoding="utf-8"))
        if count != 1:
            raise SystemExit(f"{yaml_path}: expected one 'regio_id:' line, found {count}")
        yaml_path.write_text(text, encoding="utf-8")
        ids.append(new)
    return ids


# ------------------------------------------------------------------ memory and CPU


class TreeMemory:
    """Samples the summed memory of this process and all its descendants in a background thread:
    ``peak`` the largest sum of RSS, ``peak_pss`` the largest sum of PSS (0 where the system gives
    no PSS). A Chromium is half a dozen processes and the workers are forks of this one: their
    shared pages are counted in every process's RSS, once in the sum of PSS."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self.peak_pss, self._stop = interval, 0, 0, threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> tuple[int, int]:
        import psutil

        me = psutil.Process()
        rss = pss = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                info = proc.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            rss += info.rss
            pss += getattr(info, "pss", 0)
        return rss, pss

    def _run(self) -> None:
        while not self._stop.is_set():
            rss, pss = self._sample()
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeMemory":
        try:
            import psutil  # noqa: F401
        except ImportError:
            print("psutil not installed: no sampled peak memory", file=sys.stderr)
            return self
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def rusage_peak() -> int:
    """Max RSS of this process plus the largest max RSS among finished children, in bytes."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) * 1024  # Linux reports KiB


def own_cpu() -> float:
    """CPU seconds of this process and its finished (waited-for) descendants."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def machine_busy_cpu() -> float | None:
    """CPU seconds the whole machine spent busy since boot (None without psutil)."""
    try:
        import psutil
    except ImportError:
        return None
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)


def machine_speedup(jobs: int, reps: int = 3) -> tuple[float, float]:
    """The machine's own speed-up for ``jobs`` CPU-bound processes (a pure-Python loop),
    and the seconds one loop takes alone (the machine's current speed).

    The ceiling for the batch's speed-up: on small virtual machines two busy vCPUs often
    deliver well under twice the work of one. Alternates serial and parallel rounds and
    compares their summed wall-clock times.
    """
    loop = "s = 0\nfor i in range(20_000_000):\n    s += i"
    serial = parallel = 0.0
    for _ in range(reps):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", loop], check=True)
        serial += time.perf_counter() - start
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(jobs)]
        for proc in procs:
            proc.wait()
        parallel += time.perf_counter() - start
    return jobs * serial / parallel, serial / reps


# ------------------------------------------------------------------ runs


def timed_batch(label: str, ids: list[str], out: Path, jobs: int, data_dir: Path, progress: bool, pdf: bool) -> dict:
    from regio_analysis.reporting import run_batch

    print(f"# {label}: {len(ids)} regio's, jobs={jobs} ...", file=sys.stderr, flush=True)
    busy0, own0 = machine_busy_cpu(), own_cpu()
    with TreeMemory() as mem:
        start = time.perf_counter()
        manifest = run_batch(ids, out, jobs=jobs, data_dir=data_dir, progress=progress, pdf=pdf)
        seconds = time.perf_counter() - start
    busy1, own1 = machine_busy_cpu(), own_cpu()
    # CPU used by processes outside this tree, as a share of the machine's capacity
    others = None if busy0 is None else max(0.0, (busy1 - busy0) - (own1 - own0)) / (seconds * (os.cpu_count() or 1))
    statuses = [r["status"] for r in manifest["regio's"]]
    failed = [r for r in manifest["regio's"] if r["status"] == "fout"]
    busy = "" if others is None else f"; other processes used {others:.0%} of the CPU"
    print(f"#   {seconds:.1f} s; statuses: { {s: statuses.count(s) for s in sorted(set(statuses))} }{busy}",
          file=sys.stderr, flush=True)
    run = {"label": label, "regions": len(ids), "jobs": jobs, "seconds": seconds, "per_region": seconds / len(ids),
           "peak_tree": mem.peak, "peak_pss": mem.peak_pss, "statuses": statuses, "failed": failed, "others_cpu": others,
           "own_cpu_s": own1 - own0, "manifest": manifest}
    fail_loudly(run)
    return run


def fail_loudly(run: dict) -> None:
    """Stop the benchmark (exit 2) as soon as a region of ``run`` failed, printing for each failed
    region the chapter, the cell and its first line, and the error: a batch with a failing region
    measures nothing worth comparing."""
    if not run["failed"]:
        return
    print(f"\nFAIL: {len(run['failed'])} of {run['regions']} report(s) failed in '{run['label']}'; "
          "nothing measured:", file=sys.stderr)
    for region in run["failed"]:
        rows = [r for r in run["manifest"]["rijen"] if r["regio_id"] == region["regio_id"] and r["status"] == "fout"]
        cell = next((r for r in rows if r.get("cel")), rows[0] if rows else None)
        where = "" if cell is None else f"chapter {cell['hoofdstuk']}" + (
            f", cell {cell['cel']}: {cell['code']}" if cell.get("cel") else "")
        print(f"  {region['regio_id']}: {where}\n    {region['fout']}", file=sys.stderr)
    raise SystemExit(2)


def bare_kernel_seconds(reps: int = 3) -> list[float]:
    """Seconds to a fresh kernel with the scientific stack imported (the package's warm-kernel start,
    :data:`regio_analysis.reporting.execution.STACK`), ``reps`` times: the floor a region's cost is
    compared with."""
    import logging

    from regio_analysis.reporting.execution import WarmKernel

    out = []
    for _ in range(reps):
        kernel = WarmKernel()
        try:
            _, cost = kernel.acquire(logging.getLogger("benchmark.floor"))
        finally:
            kernel.discard()
        out.append(cost["kernel_start_s"] + cost["imports_s"])
    return out


def phase_table(manifest: dict, chapters: list[str]) -> tuple[list[str], list[list[str]]]:
    """Per region of a batch: the seconds of getting its kernel, each chapter, papermill's own work, the
    HTML export, the PDF, the privacy audit and the total (``build_region``'s ``fasen`` and chapter
    rows); last a row of means."""
    from regio_analysis.reporting.runner import FASEN

    before = ["kernel_start_s", "imports_s", "reset_s"]
    after = [f for f in FASEN if f not in before]
    header = ["region", *(f.removesuffix("_s") for f in before), *chapters, *(f.removesuffix("_s") for f in after),
              "total"]
    per_chapter = {(r["regio_id"], r["hoofdstuk"]): r["duur_s"] for r in manifest["rijen"]}
    values = []
    for region in manifest["regio's"]:
        phases = region.get("fasen") or {}
        values.append([phases.get(f, 0.0) for f in before] + [per_chapter.get((region["regio_id"], c), 0.0)
                                                              for c in chapters]
                      + [phases.get(f, 0.0) for f in after] + [region["duur_s"]])
    rows = [[r["regio_id"], *(f"{v:.2f}" for v in vals)] for r, vals in zip(manifest["regio's"], values)]
    if values:
        rows.append(["mean", *(f"{sum(col) / len(col):.2f}" for col in zip(*values))])
    return header, rows


def print_table(header, rows) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())


def combine(label: str, parts: list[dict]) -> dict:
    """One result of several runs with the same jobs: times, regions and CPU added up."""
    seconds = sum(p["seconds"] for p in parts)
    regions = sum(p["regions"] for p in parts)
    others = None if any(p["others_cpu"] is None for p in parts) else \
        sum(p["others_cpu"] * p["seconds"] for p in parts) / seconds
    return {"label": label, "regions": regions, "jobs": parts[0]["jobs"], "seconds": seconds,
            "per_region": seconds / regions, "peak_tree": max(p["peak_tree"] for p in parts),
            "peak_pss": max(p["peak_pss"] for p in parts),
            "statuses": [s for p in parts for s in p["statuses"]], "failed": [f for p in parts for f in p["failed"]],
            "others_cpu": others, "own_cpu_s": sum(p["own_cpu_s"] for p in parts), "manifest": parts[0]["manifest"],
            "parts": [{k: p[k] for k in ("regions", "seconds", "own_cpu_s")} for p in parts]}


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", type=int, default=50, help="number of synthetic regions (default 50)")
    ap.add_argument("--subset", type=int, default=6, help="regions for the jobs-1 run (default 6)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel jobs for the full run (default 2)")
    ap.add_argument("--no-warmup", action="store_true", help="skip the uncounted warm-up run of one region")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (code, data and reports)")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--progress", action="store_true", help="show run_batch's progress bars")
    ap.add_argument("--no-calibrate", action="store_true",
                    help="skip measuring the machine's own speed-up for CPU-bound processes")
    ap.add_argument("--geen-pdf", action="store_true", help="without the PDF (make reports makes it; so does this by default)")
    ap.add_argument("--break-one", action="store_true",
                    help="make the first region's data invalid on purpose: the benchmark must stop with exit 2 (tested)")
    args = ap.parse_args(argv)
    if args.regions < 1 or not 1 <= args.subset <= args.regions or args.jobs < 1:
        ap.error("need --regions >= 1, 1 <= --subset <= --regions, --jobs >= 1")
    json_path = args.json.resolve() if args.json else None

    root = Path(tempfile.mkdtemp(prefix="ra-bench-"))
    try:
        repo = snapshot_code(root / "code")
        os.chdir(root)  # kernels put their working directory first on sys.path: not the work tree
        from regio_analysis import __version__
        from regio_analysis.data.regions import DEFAULT_REGIONS
        from regio_analysis.reporting import CHAPTERS

        # Workers are forked afresh by every run_batch and import papermill, nbconvert and the
        # analysis stack on their first region: a fixed cost per batch that would weigh on the
        # small jobs-1 runs only. Imported here, every worker inherits them, so seconds per
        # region compare like with like.
        for module in ("nbclient", "papermill", "nbconvert", "regio_analysis.data", "regio_analysis.overview.chapter",
                       "regio_analysis.reporting.html"):
            importlib.import_module(module)

        data_dir = root / "data"
        data_dir.mkdir()
        ids = make_regions(data_dir, args.regions)
        if args.break_one:  # a table without its required columns: the first chapter's first load fails
            (data_dir / ids[0] / "personeel.csv").write_text("dit,is,geen,personeel\n1,2,3,4\n", encoding="utf-8")
        print(f"# code copied from {repo} to {root / 'code'}; {len(ids)} synthetic regions in {data_dir} "
              f"(copies of {', '.join(DEFAULT_REGIONS)})", file=sys.stderr)
        batch = functools.partial(timed_batch, pdf=not args.geen_pdf)
        if not args.no_warmup:  # imports, font cache, first kernel start: not part of the figures
            batch("warm-up (not counted)", ids[:1], root / "warmup", 1, data_dir, args.progress)
        half = (args.subset + 1) // 2
        serial_parts = [batch("jobs 1, subset (1st half)", ids[:half], root / "serieel-1", 1, data_dir,
                              args.progress)]
        floor_s = sorted(bare_kernel_seconds())[1]  # the median of three, just before the jobs-2 run
        print(f"# one bare kernel with the scientific stack: {floor_s:.2f} s", file=sys.stderr, flush=True)
        parallel = batch(f"jobs {args.jobs}, all", ids, root / "parallel", args.jobs, data_dir, args.progress)
        if args.subset > half:
            serial_parts.append(batch("jobs 1, subset (2nd half)", ids[half: args.subset], root / "serieel-2",
                                      1, data_dir, args.progress))
        serial = combine("jobs 1, subset", serial_parts)
        rerun = batch("unchanged re-run", ids, root / "parallel", args.jobs, data_dir, args.progress)
        peak_rusage = rusage_peak()
        ceiling = loop_s = None
        if not args.no_calibrate:
            print(f"# machine's own speed-up with {args.jobs} CPU-bound processes ...", file=sys.stderr, flush=True)
            ceiling, loop_s = machine_speedup(args.jobs)
    finally:
        os.chdir(Path.home() if Path.home().is_dir() else "/")
        if args.keep:
            print(f"# kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)

    speedup = (parallel["regions"] / parallel["seconds"]) / (serial["regions"] / serial["seconds"])
    projected_50 = parallel["per_region"] * 50
    all_skipped = all(s == "overgeslagen" for s in rerun["statuses"])
    n = args.regions

    def others(run: dict) -> str:
        """CPU seconds per region (drift shows here) and the share of the CPU others used."""
        cpu = f"{run['own_cpu_s'] / run['regions']:.1f} CPU-s/regio"
        return cpu if run["others_cpu"] is None else f"{cpu}, others {run['others_cpu']:.0%} CPU"

    ratio = parallel["per_region"] / floor_s
    rows = [
        ("one bare kernel with the scientific stack (floor)", f"{floor_s:.2f} s", "", "", "", ""),
        (f"jobs 1 ({serial['regions']} of {n} regions, subset)", f"{serial['seconds']:.1f} s",
         f"{serial['per_region']:.2f} s/regio", "", "", others(serial)),
        (f"jobs {args.jobs} ({n} regions)", f"{parallel['seconds']:.1f} s", f"{parallel['per_region']:.2f} s/regio",
         f"50 regions <= {TARGET_50_S} s" + ("" if n == 50 else f" (projected: {projected_50:.0f} s)"),
         verdict((parallel["seconds"] if n == 50 else projected_50) <= TARGET_50_S), others(parallel)),
        (f"jobs {args.jobs}: seconds per region / floor", f"{ratio:.2f}x", "", f"<= {TARGET_FLOOR_RATIO}",
         verdict(ratio <= TARGET_FLOOR_RATIO), ""),
        (f"speed-up (throughput jobs {args.jobs} / jobs 1)", f"{speedup:.2f}x", "", f">= {TARGET_SPEEDUP}",
         verdict(speedup >= TARGET_SPEEDUP),
         "" if ceiling is None else f"machine's own: {ceiling:.2f}x (loop alone {loop_s:.1f} s)"),
        (f"unchanged re-run ({n} regions)", f"{rerun['seconds']:.2f} s",
         "all skipped" if all_skipped else "NOT all skipped", f"<= {TARGET_RERUN_S:.0f} s",
         verdict(rerun["seconds"] <= TARGET_RERUN_S and all_skipped), others(rerun)),
        (f"peak memory jobs {args.jobs} (sampled tree, PSS)", f"{parallel['peak_pss'] / MIB:.0f} MiB", "",
         f"<= {TARGET_PEAK_BYTES / MIB:.0f} MiB", verdict(0 < parallel["peak_pss"] <= TARGET_PEAK_BYTES), ""),
        (f"peak memory jobs {args.jobs} (sampled tree, RSS)", f"{parallel['peak_tree'] / MIB:.0f} MiB", "",
         "", "", "shared pages counted in every process"),
        ("peak memory jobs 1 (sampled tree, PSS / RSS)",
         f"{serial['peak_pss'] / MIB:.0f} / {serial['peak_tree'] / MIB:.0f} MiB", "", "", "", ""),
        ("max RSS self + largest child (getrusage)", f"{peak_rusage / MIB:.0f} MiB", "", "", "", ""),
    ]
    checkout = describe_checkout(repo)
    print(f"regio_analysis {__version__}{f' ({checkout})' if checkout else ''}, chapters: "
          f"{', '.join(c.name for c in CHAPTERS)}; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    print_table(("measure", "value", "per region", "target", "", "machine"), rows)
    print(f"\nSeconds per region, jobs {args.jobs} (getting a kernel, each chapter, then papermill's own work, "
          "HTML, PDF, privacy audit):")
    print_table(*phase_table(parallel["manifest"], [c.name for c in CHAPTERS]))
    busy_runs = [r["label"] for r in (serial, parallel, rerun) if (r["others_cpu"] or 0) > BUSY_WARNING]
    if busy_runs:
        print(f"\nWarning: other processes used more than {BUSY_WARNING:.0%} of the CPU during: "
              f"{', '.join(busy_runs)}; these figures understate what a quiet machine does.")

    if json_path:
        json_path.write_text(json.dumps({
            "regions": n, "subset": serial["regions"], "jobs": args.jobs, "cpus": os.cpu_count(),
            "checkout": checkout, "serial_s": serial["seconds"], "serial_per_region_s": serial["per_region"],
            "parallel_s": parallel["seconds"], "parallel_per_region_s": parallel["per_region"],
            "speedup": speedup, "machine_speedup": ceiling, "machine_loop_s": loop_s, "rerun_s": rerun["seconds"], "rerun_all_skipped": all_skipped,
            "peak_tree_parallel_bytes": parallel["peak_tree"], "peak_tree_serial_bytes": serial["peak_tree"],
            "peak_pss_parallel_bytes": parallel["peak_pss"], "peak_pss_serial_bytes": serial["peak_pss"],
            "peak_rusage_bytes": peak_rusage, "others_cpu": {r["label"]: r["others_cpu"] for r in (serial, parallel, rerun)},
            "own_cpu_s": {r["label"]: r["own_cpu_s"] for r in (serial, parallel, rerun)}, "serial_parts": serial["parts"],
            "floor_s": floor_s, "per_region_over_floor": ratio,
            "phases": dict(zip(("header", "rows"), phase_table(parallel["manifest"], [c.name for c in CHAPTERS]))),
        }, indent=1), encoding="utf-8")
    return 0 if all(r[4] == "PASS" for r in rows if r[4]) else 1


if __name__ == "__main__":
    sys.exit(main())
