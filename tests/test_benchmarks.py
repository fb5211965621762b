"""The benchmarks measure the product: the batch benchmark stops, loudly, when a report fails."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_batch_benchmark_stops_with_exit_2_naming_the_failing_region_chapter_and_cell():
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "batch.py"), "--regions", "1", "--subset", "1",
                          "--no-warmup", "--no-calibrate", "--geen-pdf", "--break-one"],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "FAIL: 1 of 1 report(s) failed" in out.stderr and "nothing measured" in out.stderr
    assert "noorderwijzer-kopie-01: chapter overzicht, cell 1" in out.stderr
    assert "personeel.csv" in out.stderr and "verplichte kolom" in out.stderr
    assert "speed-up" not in out.stdout  # no table of figures from a failed batch
