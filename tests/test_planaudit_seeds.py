"""Plan audit on the source documents (the regions' plans; REGIO_ANALYSIS_BRONNEN): the labelled set in tests/bronnen names them by
hash and holds no text of them, the audit finds the inconsistency the package already knows of
(seed 001's current funding against 1,243 students × €955), and its precision on the labelled
set is at least 0.8 (benchmarks/planaudit.py prints the table per kind). Skipped without the seeds."""
from __future__ import annotations

import pytest

from conftest import REPO, sources_dir, load_script, seed_text
from regio_analysis.planaudit import KINDS, audit

#: every test here reads the source documents (tests/conftest.py: deselected without them)
pytestmark = pytest.mark.bronnen

BENCHMARK = REPO / "benchmarks" / "planaudit.py"


@pytest.fixture(scope="module")
def bench():
    return load_script(BENCHMARK)


@pytest.fixture(scope="module")
def labels(bench):
    return bench.load_labels()


def _need_seeds():
    if not sorted(sources_dir().glob("*.txt")):
        pytest.fail("no source documents (REGIO_ANALYSIS_BRONNEN)")


def test_labels_name_each_seed_by_its_hash_and_copy_no_text(bench, labels):
    _need_seeds()
    raw = bench.LABELS.read_text(encoding="utf-8")
    for entry in labels["bestanden"]:
        text = bench.read_seed(sources_dir(), entry)  # raises when the hash differs
        for label in entry["bevindingen"]:
            assert label["soort"] in KINDS and isinstance(label["juist"], bool)
            assert 0 <= label["start"] < label["einde"] <= len(text)
        # no stretch of 40 characters of a plan's prose in the labels
        for i in range(0, len(text) - 40, 97):
            chunk = text[i:i + 40]
            if len(set(chunk.split())) >= 5:
                assert chunk not in raw, chunk


def test_finds_seed_001s_funding_against_students_times_rate():
    text = seed_text("001")
    found = audit(text)
    stated = text.index("1.091.565")
    hit = found[(found["soort"] == "product") & (found["start"] == stated)]
    assert len(hit) == 1, found[["soort", "start", "regel"]].to_string()
    row = hit.iloc[0]
    assert row["waarde"] == 1091565 and row["verwacht"] == 1243 * 955 == 1187065
    assert row["ernst"] == "hoog"
    assert "1243" in row["bewijs"] and "955" in row["bewijs"]


def test_precision_on_the_labelled_seeds(bench):
    _need_seeds()
    rows, table = bench.run_labelled(sources_dir())
    total = table[-1]
    assert total["gemeld"] >= 5
    assert total["precisie"] >= bench.PRECISION_TARGET, table
    assert not [r for r in rows if r["uitkomst"] == "ongelabeld"], "label every reported finding"
