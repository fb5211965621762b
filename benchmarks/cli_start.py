"""How long the command takes to answer ``--hulp`` (target: under 0.3 s), the median of several runs,
beside the interpreter's own start (the floor) and a command's help that lists the chapters.

    .venv/bin/python benchmarks/cli_start.py            # 7 runs
    .venv/bin/python benchmarks/cli_start.py --runs 15

Exit code 0 when the median meets the target, 1 when not.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.3


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, capture_output=True, check=True)
    return time.perf_counter() - start


def once(args: list[str]) -> float:
    return timed([sys.executable, "-m", "regio_analysis", *args])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    once(["--hulp"])  # warm the file cache
    rows = [("python -c pass (the floor)", statistics.median(timed([sys.executable, "-c", "pass"])
                                                             for _ in range(args.runs)))]
    for command in (["--hulp"], ["--versie"], ["batch", "--hulp"]):
        rows.append((f"regio-analysis {' '.join(command)}", statistics.median(once(command) for _ in range(args.runs))))
    for label, seconds in rows:
        print(f"{label:<40} {seconds:6.3f} s")
    ok = rows[1][1] <= TARGET_S
    print(f"--hulp: {rows[1][1]:.3f} s (target <= {TARGET_S} s): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
