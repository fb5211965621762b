"""The benchmarks measure the product: the batch benchmark stops, loudly, when a report fails."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO, load_script


def test_batch_benchmark_stops_with_exit_2_naming_the_failing_region_chapter_and_cell():
    out = subprocess.run([sys.executable, str(REPO / "benchmarks" / "batch.py"), "--regions", "1", "--subset", "1",
                          "--no-warmup", "--no-calibrate", "--geen-pdf", "--break-one"],
                         capture_output=True, text=True, timeout=600, cwd=REPO)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "FAIL: 1 of 1 report(s) failed" in out.stderr and "nothing measured" in out.stderr
    assert "noorderwijzer-kopie-01: chapter overzicht, cell 1" in out.stderr
    assert "personeel.csv" in out.stderr and "verplichte kolom" in out.stderr
    assert "speed-up" not in out.stdout  # no table of figures from a failed batch


def test_tree_memory_counts_a_page_shared_with_a_forked_child_once_in_pss():
    """A forked worker shares its parent's pages: RSS counts them in both, PSS once."""
    import multiprocessing
    import time

    batch = load_script(REPO / "benchmarks" / "batch.py")
    block = bytearray(os.urandom(1 << 20) * 96)  # 96 MiB, touched
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_hold, args=(ready,))
    child.start()
    try:
        assert ready.wait(30)
        time.sleep(0.3)
        memory = batch.TreeMemory(interval=0.05)
        with memory:
            time.sleep(0.5)
    finally:
        child.terminate()
        child.join()
    mib = 1 << 20
    assert memory.peak - memory.peak_pss > 60 * mib, (memory.peak / mib, memory.peak_pss / mib)
    assert memory.peak_pss > 96 * mib
    del block


def _hold(ready) -> None:
    import time

    ready.set()
    time.sleep(60)
