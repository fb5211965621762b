"""Properties of the retention estimators that must hold on any data (hypothesis).

* scaling every case weight by one constant changes no estimate and no interval that is
  scale-free by construction: KM with the robust (infinitesimal-jackknife) SE, Cox
  coefficients with the robust SE, the discrete-time model with cluster-robust SEs;
* duplicating every row equals weight 2 for point estimates and for the variances that treat
  weights as frequencies (KM Greenwood, Cox Breslow model-based, the binomial GLM). By design
  not: the robust (IJ/sandwich) SEs, which treat a weight-2 row as one person and two rows as
  two, and Efron's tie correction, for which two duplicated events form a larger tie group;
* permuting the rows changes nothing;
* empty values in a group column equal dropping those rows (as R's na.omit).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regio_analysis.retention import NotEstimableWarning, cox, discrete_time_hazard, kaplan_meier, logrank_test

SETTINGS = settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def make_data(seed: int, n: int) -> pd.DataFrame:
    """Spells with ties, a two-level group, a numeric covariate, clusters and case weights."""
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b"], n)
    x = rng.normal(size=n)
    t = np.ceil(rng.exponential(1, n) / np.exp(0.5 * (g == "b") + 0.3 * x) * 3)
    c = np.ceil(rng.uniform(1, 8, n))
    status = (t <= c).astype(int)
    status[:2] = 1  # at least two events
    return pd.DataFrame({"tijd": np.minimum(t, c), "status": status, "g": g, "x": x,
                         "school": rng.integers(0, 6, n), "w": rng.uniform(0.5, 3, n).round(2)})


data = st.builds(make_data, st.integers(0, 10_000), st.integers(40, 80))
scale = st.sampled_from([0.01, 0.3, 7.0, 1000.0])


def cox_fit(df, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotEstimableWarning)
        return cox(df, "tijd", "status", ["g", "x"], **kw)


@SETTINGS
@given(df=data, c=scale)
def test_scaling_weights_changes_no_estimate_or_interval(df, c):
    scaled = df.assign(w=df["w"] * c)
    cols = ["survival", "se", "ci_lower", "ci_upper"]
    a = kaplan_meier(df, "tijd", "status", by="g", weights="w", se_type="robust")
    b = kaplan_meier(scaled, "tijd", "status", by="g", weights="w", se_type="robust")
    np.testing.assert_allclose(a[cols], b[cols], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a["at_risk"] * c, b["at_risk"], rtol=1e-12)
    for ties in ("efron", "breslow"):
        fa = cox_fit(df, weights="w", robust=True, ties=ties)
        fb = cox_fit(scaled, weights="w", robust=True, ties=ties)
        np.testing.assert_allclose(fa.summary[["coef", "se", "ci_lower", "ci_upper"]],
                                   fb.summary[["coef", "se", "ci_lower", "ci_upper"]], rtol=1e-6, atol=1e-9)
    da = discrete_time_hazard(df, "tijd", "status", ["g", "x"], weights="w", cluster="school", aggregate=False)
    db = discrete_time_hazard(scaled, "tijd", "status", ["g", "x"], weights="w", cluster="school", aggregate=False)
    np.testing.assert_allclose(da.summary[["coef", "se", "ci_lower", "ci_upper"]],
                               db.summary[["coef", "se", "ci_lower", "ci_upper"]], rtol=1e-5, atol=1e-7)


@SETTINGS
@given(df=data)
def test_duplicating_every_row_equals_weight_two(df):
    doubled = pd.concat([df, df], ignore_index=True)
    two = df.assign(w=2.0)
    a = kaplan_meier(two, "tijd", "status", by="g", weights="w", se_type="greenwood")
    b = kaplan_meier(doubled, "tijd", "status", by="g")
    np.testing.assert_allclose(a[["at_risk", "survival", "se", "ci_lower", "ci_upper"]],
                               b[["at_risk", "survival", "se", "ci_lower", "ci_upper"]], rtol=1e-10)
    # Breslow: coefficients and model-based SEs (weights as frequencies)
    fa = cox_fit(two, weights="w", ties="breslow", robust=False)
    fb = cox_fit(doubled, ties="breslow")
    np.testing.assert_allclose(fa.summary[["coef", "se"]], fb.summary[["coef", "se"]], rtol=1e-6, atol=1e-9)
    # Efron, point estimate: weight 2 equals the unweighted fit (duplicates would enlarge the tie groups)
    np.testing.assert_allclose(cox_fit(two, weights="w").summary["coef"], cox_fit(df).summary["coef"],
                               rtol=1e-6, atol=1e-9)
    da = discrete_time_hazard(two, "tijd", "status", ["g", "x"], weights="w", aggregate=False)
    db = discrete_time_hazard(doubled, "tijd", "status", ["g", "x"])
    np.testing.assert_allclose(da.summary[["coef", "se"]], db.summary[["coef", "se"]], rtol=1e-5, atol=1e-7)


@SETTINGS
@given(df=data, seed=st.integers(0, 2**31))
def test_permuting_rows_changes_nothing(df, seed):
    perm = df.sample(frac=1, random_state=seed % (2**32 - 1)).reset_index(drop=True)
    ka = kaplan_meier(df, "tijd", "status", by="g", weights="w", cluster="school")
    kb = kaplan_meier(perm, "tijd", "status", by="g", weights="w", cluster="school")
    pd.testing.assert_frame_equal(ka, kb, rtol=1e-10)
    for ties in ("efron", "breslow"):
        fa = cox_fit(df, weights="w", cluster="school", ties=ties)
        fb = cox_fit(perm, weights="w", cluster="school", ties=ties)
        np.testing.assert_allclose(fa.summary[["coef", "se"]], fb.summary[["coef", "se"]], rtol=1e-7, atol=1e-10)
        assert fa.concordance == pytest.approx(fb.concordance, abs=1e-12)
    assert logrank_test(df, "tijd", "status", "g").chisq == pytest.approx(
        logrank_test(perm, "tijd", "status", "g").chisq, rel=1e-10)
    da = discrete_time_hazard(df, "tijd", "status", ["g", "x"], weights="w", cluster="school")
    db = discrete_time_hazard(perm, "tijd", "status", ["g", "x"], weights="w", cluster="school")
    np.testing.assert_allclose(da.summary[["coef", "se"]], db.summary[["coef", "se"]], rtol=1e-6, atol=1e-9)


@SETTINGS
@given(df=data, every=st.integers(2, 9))
def test_empty_group_values_equal_dropping_the_rows(df, every):
    holes = df.assign(g=df["g"].where(np.arange(len(df)) % every != 0))
    kept = holes.dropna(subset=["g"]).reset_index(drop=True)
    a = kaplan_meier(holes, "tijd", "status", by="g", weights="w")
    b = kaplan_meier(kept, "tijd", "status", by="g", weights="w")
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    la, lb = logrank_test(holes, "tijd", "status", "g"), logrank_test(kept, "tijd", "status", "g")
    assert (la.chisq, la.df) == pytest.approx((lb.chisq, lb.df), rel=1e-12)
    pd.testing.assert_frame_equal(la.summary, lb.summary)
