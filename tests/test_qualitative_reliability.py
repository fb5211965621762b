"""Reliability coefficients against published worked examples."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regio_analysis.qualitative.reliability import (
    bootstrap_ci,
    cohen_kappa,
    cohen_kappa_table,
    disagreements,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    reliability_by_code,
    table_from_codes,
)

n = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1-5, missing data. Published: nominal .743, ordinal .815, interval .849, ratio .797.
KRIPP_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
    [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
]
# Same paper, section A: two observers, binary data, 10 units. Published alpha = 0.095.
KRIPP_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]

# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (depression,
# personality disorder, schizophrenia, neurosis, other); the counts as in R's irr::diagnoses.
# Published: kappa = .430; per category .245, .245, .520, .471, .566.
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0], [2, 0, 4, 0, 0],
    [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
    [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1], [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0],
    [0, 2, 0, 4, 0], [1, 0, 2, 0, 3], [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0],
    [1, 0, 0, 4, 1], [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]


@pytest.mark.parametrize("level, published", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_alpha_reproduces_the_worked_example_with_missing_data(level, published):
    assert krippendorff_alpha(KRIPP_C, level) == pytest.approx(published, abs=5e-4)


def test_krippendorff_alpha_binary_example_and_string_codes():
    assert krippendorff_alpha(KRIPP_A) == pytest.approx(0.095, abs=5e-4)
    labels = [["ja" if v else "nee" for v in row] for row in KRIPP_A]
    assert krippendorff_alpha(labels) == pytest.approx(0.095, abs=5e-4)
    labels[0][3] = None
    assert np.isfinite(krippendorff_alpha(labels))
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha(labels, "interval")
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))  # one value only: undefined


def test_cohen_kappa_textbook_example():
    # 50 grant proposals read by two readers: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    # p_o = 0.70, p_e = 0.50, kappa = 0.40 (the worked example in most textbooks and on Wikipedia).
    assert cohen_kappa_table([[20, 5], [10, 15]]) == pytest.approx(0.40)
    a = ["ja"] * 25 + ["nee"] * 25
    b = ["ja"] * 20 + ["nee"] * 5 + ["ja"] * 10 + ["nee"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.40)
    assert percent_agreement([a, b]) == pytest.approx(0.70)
    # a missing value drops the pair
    assert cohen_kappa(a + [None], b + ["ja"]) == pytest.approx(0.40)


def test_fleiss_kappa_reproduces_fleiss_1971():
    assert fleiss_kappa(FLEISS_1971) == pytest.approx(0.430, abs=5e-4)
    per = fleiss_kappa(pd.DataFrame(FLEISS_1971, columns=["dep", "pd", "sch", "neu", "ov"]), per_category=True)
    assert per[["dep", "pd", "sch", "neu", "ov"]].round(3).tolist() == [0.245, 0.245, 0.520, 0.471, 0.566]
    assert per["totaal"] == pytest.approx(0.430, abs=5e-4)


def test_table_from_codes_feeds_fleiss():
    data = [[1, 2, 2], [1, 2, 1], [1, 1, 2]]  # coders x units
    assert table_from_codes(data).tolist() == [[3, 0], [1, 2], [1, 2]]


def test_bootstrap_ci_is_deterministic_and_brackets_the_estimate():
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 3, 200)
    noisy = np.where(rng.random(200) < 0.8, truth, rng.integers(0, 3, 200))
    data = np.vstack([truth, noisy]).astype(float)
    est = krippendorff_alpha(data)
    lo, hi = bootstrap_ci(data, krippendorff_alpha, n_boot=300, seed=3)
    assert lo < est < hi
    assert (lo, hi) == bootstrap_ci(data, krippendorff_alpha, n_boot=300, seed=3)


def _codings(rows):
    return pd.DataFrame(rows, columns=["doc_id", "start", "einde", "code", "codeur"])


def test_reliability_by_code_and_disagreements():
    units = pd.DataFrame({"doc_id": "d", "start": range(0, 100, 10), "einde": range(5, 105, 10)})
    rows = []
    for i, u in enumerate(units.itertuples(index=False)):
        if i < 6:
            rows.append(("d", u.start, u.einde, "werven", "ann"))
        if i < 5 or i == 7:
            rows.append(("d", u.start, u.einde, "werven", "bob"))
        if i in (8, 9):
            rows += [("d", u.start, u.einde, "matchen", "ann"), ("d", u.start, u.einde, "matchen", "bob")]
    c = _codings(rows)
    tab = reliability_by_code(c, units, n_boot=50).set_index("code")
    # werven: ann 6 of 10, bob 6 of 10, agreement on 8 of 10 units -> kappa from the 2x2 table
    assert tab.loc["werven", "overeenstemming"] == pytest.approx(0.8)
    assert tab.loc["werven", "cohen_kappa"] == pytest.approx(cohen_kappa_table([[5, 1], [1, 3]]))
    assert tab.loc["matchen", "alpha"] == pytest.approx(1.0)
    assert tab.loc["totaal", "eenheden"] == 20
    dis = disagreements(c, units)
    assert list(zip(dis["start"], dis["wel"], dis["niet"])) == [(50, "ann", "bob"), (70, "bob", "ann")]
