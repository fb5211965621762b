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


# --- against scikit-learn, statsmodels and the krippendorff package ---------------------------
# Random coders × units matrices with missing codes (seeded), several shapes. scikit-learn has no
# notion of a missing code, so pairs with a missing value are dropped first, as cohen_kappa does.

from sklearn.metrics import cohen_kappa_score  # noqa: E402
from statsmodels.stats import inter_rater  # noqa: E402

from regio_analysis.errors import DataError  # noqa: E402

SHAPES = [(2, 12, 3, 0), (2, 40, 4, 1), (2, 250, 6, 2), (2, 25, 2, 3)]  # coders, units, categories, seed


def _coded_pair(units, k, seed, missing=0.15):
    """Coder a: float codes 1..k with NaN; coder b: int codes that mostly agree with a."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, k + 1, units)
    a = np.where(rng.random(units) < 0.7, truth, rng.integers(1, k + 1, units)).astype(float)
    b = np.where(rng.random(units) < 0.7, truth, rng.integers(1, k + 1, units))
    a[rng.random(units) < missing] = np.nan
    return pd.Series(a), pd.Series(b)


def test_weighted_cohen_kappa_orders_float_and_int_codes_by_value():
    # Issue 13, item 2: coder a has a missing code (float column), coder b none (int column).
    # The old order (type name, value) put 3.0 before 1 and gave linear 0.2857, quadratic 0.10.
    a = pd.Series([2, 2, 2, 2, 3, 3, 3, 3, np.nan])
    b = pd.Series([1, 1, 2, 2, 1, 3, 3, 3, 2])
    ref = {w: cohen_kappa_score(a[:8].astype(int), b[:8], weights=w) for w in ("linear", "quadratic")}
    assert ref["linear"] == pytest.approx(3 / 7) and ref["quadratic"] == pytest.approx(0.40)
    for x, y in ((a, b), (b, a), (list(a), list(b))):
        assert cohen_kappa(x, y, weights="linear") == pytest.approx(3 / 7, abs=1e-12)
        assert cohen_kappa(x, y, weights="quadratic") == pytest.approx(0.40, abs=1e-12)


@pytest.mark.parametrize("coders, units, k, seed", SHAPES)
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_sklearn_on_random_codes_with_missing(coders, units, k, seed, weights):
    a, b = _coded_pair(units, k, seed)
    keep = a.notna() & b.notna()
    ref = cohen_kappa_score(a[keep].astype(int), b[keep], weights=weights)
    assert cohen_kappa(a, b, weights=weights) == pytest.approx(ref, abs=1e-10)
    # Int64 column with pd.NA and object lists with None give the same
    assert cohen_kappa(a.astype("Int64"), b, weights=weights) == pytest.approx(ref, abs=1e-10)
    as_list = [None if np.isnan(v) else v for v in a]
    assert cohen_kappa(as_list, b.tolist(), weights=weights) == pytest.approx(ref, abs=1e-10)
    # labels= fixes the category set and order, as in sklearn (here with an unused category 0 and reversed)
    labels = list(range(k, -1, -1))
    ref_l = cohen_kappa_score(a[keep].astype(int), b[keep], weights=weights, labels=labels)
    assert cohen_kappa(a, b, weights=weights, labels=labels) == pytest.approx(ref_l, abs=1e-10)


@pytest.mark.parametrize("coders, units, k, seed", SHAPES)
def test_cohen_kappa_matches_statsmodels_on_the_crosstab(coders, units, k, seed):
    a, b = _coded_pair(units, k, seed)
    keep = a.notna() & b.notna()
    cats = sorted(set(a[keep]) | set(b[keep]))
    table = pd.crosstab(a[keep].astype(int), b[keep]).reindex(index=cats, columns=cats, fill_value=0).to_numpy()
    for weights in (None, "linear", "quadratic"):
        ref = inter_rater.cohens_kappa(table, wt=weights).kappa if weights else inter_rater.cohens_kappa(table).kappa
        assert cohen_kappa(a, b, weights=weights) == pytest.approx(ref, abs=1e-10)
    assert cohen_kappa_table(table) == pytest.approx(inter_rater.cohens_kappa(table).kappa, abs=1e-10)


def test_cohen_kappa_string_codes_match_sklearn_and_need_labels_when_mixed():
    a, b = _coded_pair(60, 4, 7)
    names = {1: "laag", 2: "midden", 3: "hoog", 4: "zeer hoog"}
    sa, sb = a.map(names), b.map(names)  # NaN stays NaN
    keep = sa.notna()
    assert cohen_kappa(sa, sb) == pytest.approx(cohen_kappa_score(sa[keep], sb[keep]), abs=1e-10)
    order = ["laag", "midden", "hoog", "zeer hoog"]
    assert cohen_kappa(sa, sb, weights="linear", labels=order) == pytest.approx(
        cohen_kappa_score(sa[keep], sb[keep], weights="linear", labels=order), abs=1e-10)
    # ... and the ordered string codes give the weighted kappa of the numeric codes
    assert cohen_kappa(sa, sb, weights="quadratic", labels=order) == pytest.approx(
        cohen_kappa(a, b, weights="quadratic"), abs=1e-12)
    with pytest.raises(DataError, match="labels="):
        cohen_kappa(["a", 1, 2], [1, "a", 2], weights="linear")
    assert cohen_kappa(["a", 1, 2], [1, "a", 2], weights="linear", labels=["a", 1, 2]) == pytest.approx(
        cohen_kappa_score([0, 1, 2], [1, 0, 2], weights="linear"))


def test_cohen_kappa_argument_errors_are_clear():
    a, b = [1, 2, 3, 1], [1, 2, 2, 1]
    assert cohen_kappa(a, b, weights="Linear") == cohen_kappa(a, b, weights="linear")
    assert cohen_kappa(a, b, weights=" QUADRATIC ") == cohen_kappa(a, b, weights="quadratic")
    with pytest.raises(DataError, match=r"'lineair'.*None, 'linear', 'quadratic'"):
        cohen_kappa(a, b, weights="lineair")
    with pytest.raises(DataError, match=r"ongelijk aantal eenheden \(4 en 3\)"):
        cohen_kappa(a, b[:3])
    with pytest.raises(DataError, match=r"code\(s\) 3 staan niet in labels"):
        cohen_kappa(a, b, labels=[1, 2])
    with pytest.raises(DataError, match="verschillende"):
        cohen_kappa(a, b, labels=[1, 2, 2, 3])


def _coders_by_units(coders, units, k, seed, missing):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, k + 1, units)
    data = np.where(rng.random((coders, units)) < 0.6, truth, rng.integers(1, k + 1, (coders, units))).astype(float)
    data[rng.random((coders, units)) < missing] = np.nan
    return data


@pytest.mark.parametrize("coders, units, k, seed", [(3, 20, 3, 0), (5, 60, 4, 1), (8, 200, 5, 2), (2, 30, 2, 3)])
def test_fleiss_kappa_matches_statsmodels_on_random_codes(coders, units, k, seed):
    data = _coders_by_units(coders, units, k, seed, missing=0.1)
    complete = data[:, ~np.isnan(data).any(axis=0)]
    counts, _ = inter_rater.aggregate_raters(complete.T.astype(int))
    ref = inter_rater.fleiss_kappa(counts, method="fleiss")
    table = table_from_codes(complete)
    assert fleiss_kappa(table) == pytest.approx(ref, abs=1e-10)
    # Fleiss (1971): the overall kappa is the p_j (1 - p_j)-weighted mean of the per-category kappas
    per = fleiss_kappa(table, per_category=True)
    p = table.sum(axis=0) / table.sum()
    assert np.average(per.drop("totaal"), weights=p * (1 - p)) == pytest.approx(ref, abs=1e-10)
    # with the incomplete units kept, the rater counts differ: a clear error naming those units
    if np.isnan(data).any():
        with pytest.raises(DataError, match="hetzelfde aantal codeurs") as err:
            fleiss_kappa(table_from_codes(data))
        first_bad = int(np.flatnonzero(np.isnan(data).any(axis=0))[0]) + 1
        assert f"rij) {first_bad} (" in str(err.value)


def test_fleiss_kappa_unequal_raters_names_the_units():
    table = pd.DataFrame([[3, 0], [1, 2], [1, 1], [0, 3], [2, 0]], columns=["ja", "nee"],
                         index=["u1", "u2", "u3", "u4", "u5"])
    with pytest.raises(DataError, match=r"de meeste hebben er 3, maar eenheid \(rij\) u3 \(2 codeurs\), u5 \(2"):
        fleiss_kappa(table)
    with pytest.raises(DataError, match="minstens twee codeurs"):
        fleiss_kappa([[1, 0], [0, 1]])
    with pytest.raises(DataError, match="negatieve"):
        fleiss_kappa([[3, -1], [1, 1]])


@pytest.mark.parametrize("coders, units, k, seed", [(2, 15, 3, 0), (3, 40, 5, 1), (6, 120, 4, 2), (4, 9, 7, 3)])
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_alpha_matches_the_package_on_random_codes_with_missing(coders, units, k, seed, level):
    import krippendorff

    data = _coders_by_units(coders, units, k, seed, missing=0.25)
    ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(ref, abs=1e-10)
    # the same codes as an object matrix with None, one coder as ints, and as a DataFrame
    mixed = [[None if np.isnan(v) else (int(v) if r == 0 else v) for v in row] for r, row in enumerate(data)]
    assert krippendorff_alpha(mixed, level) == pytest.approx(ref, abs=1e-10)
    assert krippendorff_alpha(pd.DataFrame(data), level) == pytest.approx(ref, abs=1e-10)
    if level == "nominal":  # nominal alpha does not depend on the names of the codes
        names = np.vectorize(lambda v: None if np.isnan(v) else f"code {int(v)}", otypes=[object])(data)
        assert krippendorff_alpha(names) == pytest.approx(ref, abs=1e-10)
