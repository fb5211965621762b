"""Properties of the retention models that must hold whatever the data (beside the R references)."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.retention import (
    cause_specific_cox,
    cause_specific_summary,
    cox,
    cumulative_incidence,
    discrete_time_hazard,
    kaplan_meier,
    life_table,
    survival_at,
    to_counting_process,
    to_person_period,
)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def rossi():
    lifelines = pytest.importorskip("lifelines")
    df = pd.read_csv(Path(lifelines.__file__).resolve().parent / "datasets" / "rossi.csv")
    df["w"] = 1 + df["age"] % 3
    return df


COVS = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_splitting_episodes_does_not_change_the_cox_fit(rossi, ties):
    """(start, stop] pieces of the same spells give the same coefficients, SEs and robust SEs."""
    whole = cox(rossi.assign(id=np.arange(len(rossi))), "week", "arrest", COVS, ties=ties, cluster="id")
    split = to_counting_process(rossi, "week", "arrest", entry=None, cuts=[5, 10, 20, 30, 40, 50])
    assert len(split) > 3 * len(rossi)
    pieces = cox(split, "stop", "arrest", COVS, ties=ties, entry="start", cluster="id")
    np.testing.assert_allclose(pieces.summary["coef"], whole.summary["coef"], atol=1e-8)
    np.testing.assert_allclose(pieces.summary["se"], whole.summary["se"], atol=1e-8)  # robust, by person
    np.testing.assert_allclose(np.diag(pieces.naive_var), np.diag(whole.naive_var), atol=1e-10)
    assert pieces.loglik == pytest.approx(whole.loglik, abs=1e-8)


def test_splitting_left_truncated_weighted_spells(rossi):
    df = rossi.assign(entry=np.where(rossi.index % 4 == 0, np.minimum(rossi["week"] - 1, 8), 0.0))
    whole = cox(df, "week", "arrest", ["fin", "age", "prio"], weights="w", entry="entry", robust=False)
    split = to_counting_process(df, "week", "arrest", entry="entry", cuts=np.arange(2, 52, 3))
    pieces = cox(split, "stop", "arrest", ["fin", "age", "prio"], weights="w", entry="start", robust=False)
    np.testing.assert_allclose(pieces.summary[["coef", "se"]], whole.summary[["coef", "se"]], atol=1e-8)


def test_integer_weights_equal_replicated_rows(rossi):
    # Breslow: with Efron ties, replicated rows make larger tie groups than weights do (as in R)
    rep = rossi.loc[rossi.index.repeat(rossi["w"])]
    a = cox(rossi, "week", "arrest", ["fin", "age", "prio"], weights="w", ties="breslow")
    b = cox(rep, "week", "arrest", ["fin", "age", "prio"], ties="breslow")
    assert not a.robust
    np.testing.assert_allclose(a.summary[["coef", "se"]], b.summary[["coef", "se"]], atol=1e-8)
    ka = kaplan_meier(rossi, "week", "arrest", weights="w")
    kb = kaplan_meier(rep, "week", "arrest")
    np.testing.assert_allclose(ka[["survival", "se", "ci_lower"]], kb[["survival", "se", "ci_lower"]], atol=1e-12)


def simulate_grouped(n=20000, seed=1):
    rng = np.random.default_rng(seed)
    x1 = rng.binomial(1, 0.4, n)
    x2 = rng.integers(-2, 3, n).astype(float)  # few levels: person-period rows aggregate well
    beta = np.array([-0.3, 0.25])
    t = (rng.exponential(1, n) / (0.15 * np.exp(beta[0] * x1 + beta[1] * x2))) ** (1 / 0.8)
    c = rng.uniform(0, 12, n)
    time = np.minimum(t, c)
    return pd.DataFrame({"x1": x1, "x2": x2, "time": time, "event": (t <= c).astype(int),
                         "jaren": np.ceil(time), "school": rng.integers(0, 60, n)})


def test_cloglog_discrete_time_agrees_with_cox_on_grouped_data():
    """The grouped-time PH model (cloglog GLM with period effects) estimates Cox's log hazard ratios."""
    df = simulate_grouped()
    dt = discrete_time_hazard(df, "time", "event", ["x1", "x2"], link="cloglog", entry=None)
    # Cox on the same data grouped to whole years (many ties: Efron) and on the exact times
    grouped = cox(df, "jaren", "event", ["x1", "x2"])
    exact = cox(df, "time", "event", ["x1", "x2"])
    diff_grouped = (dt.summary["coef"] - grouped.summary["coef"]).abs()
    diff_exact = (dt.summary["coef"] - exact.summary["coef"]).abs()
    assert (diff_grouped < 0.01).all(), diff_grouped
    assert (diff_exact < 0.25 * exact.summary["se"]).all(), diff_exact
    np.testing.assert_allclose(dt.summary["se"], grouped.summary["se"], rtol=0.05)
    # the logit model's odds ratios are further from the hazard ratios than the cloglog model's
    lg = discrete_time_hazard(df, "time", "event", ["x1", "x2"], link="logit", entry=None)
    assert ((lg.summary["coef"] - exact.summary["coef"]).abs() > diff_exact).all()


def test_aggregated_person_period_fit_equals_expanded_rows_with_clusters():
    df = simulate_grouped(4000, seed=2)
    agg = discrete_time_hazard(df, "time", "event", ["x1"], cluster="school", entry=None, aggregate=True)
    raw = discrete_time_hazard(df, "time", "event", ["x1"], cluster="school", entry=None, aggregate=False)
    assert agg.n_rows < raw.n_rows / 10
    assert agg.n_person_periods == raw.n_person_periods == raw.n_rows
    np.testing.assert_allclose(agg.summary[["coef", "se"]], raw.summary[["coef", "se"]], rtol=1e-7)
    np.testing.assert_allclose(agg.baseline["coef"], raw.baseline["coef"], rtol=1e-7)
    naive = discrete_time_hazard(df, "time", "event", ["x1"], entry=None)
    assert naive.summary.loc["x1", "se"] != pytest.approx(agg.summary.loc["x1", "se"], rel=1e-3)


def test_predicted_survival_from_discrete_model():
    df = simulate_grouped(3000, seed=3)
    dt = discrete_time_hazard(df, "time", "event", ["x1", "x2"], max_periods=8, entry=None)
    pred = dt.predict_survival(pd.DataFrame({"x1": [0, 1], "x2": [0.0, 0.0]}))
    assert pred["periode"].max() == 8
    for _, g in pred.groupby("profiel"):
        assert np.all(np.diff(g["survival"]) < 0)
    s0 = pred[pred["profiel"] == 0]["survival"].to_numpy()
    s1 = pred[pred["profiel"] == 1]["survival"].to_numpy()
    assert np.all(s1 > s0)  # x1 lowers the hazard
    # close to the Kaplan-Meier curve of the reference group at whole years
    km = survival_at(df[df["x1"] == 0].assign(x2=0), "time", "event", [1, 2, 3])
    assert np.abs(km["survival"].to_numpy() - s0[:3]).max() < 0.05
    assert dt.plot() is not None


def test_cumulative_incidences_and_overall_survival_add_to_one(rossi):
    df = rossi.assign(oorzaak=np.where(rossi["arrest"] == 1, np.where(rossi["prio"] > 2, "a", "b"), ""))
    times = [5, 10, 20, 30, 40, 52]
    ci = cumulative_incidence(df, "week", "oorzaak", times=times)
    total = ci.groupby("time")["cif"].sum().to_numpy()
    s = survival_at(df, "week", "arrest", times)["survival"].to_numpy()
    np.testing.assert_allclose(total + s, 1.0, atol=1e-12)
    # 1 - KM of one cause (others censored) overstates that cause's incidence
    km_a = survival_at(df.assign(ev=(df["oorzaak"] == "a").astype(int)), "week", "ev", [52])
    assert 1 - km_a["survival"].iloc[0] > ci[(ci["oorzaak"] == "a") & (ci["time"] == 52)]["cif"].iloc[0]
    fits = cause_specific_cox(df, "week", "oorzaak", ["fin", "age"])
    table = cause_specific_summary(fits, "oorzaak")
    assert set(table["oorzaak"]) == {"a", "b"} and len(table) == 4


def test_life_table_follows_the_km_curve(rossi):
    lt = life_table(rossi.assign(maanden=rossi["week"] / 4.0), "maanden", "arrest", width=3)
    km = survival_at(rossi.assign(maanden=rossi["week"] / 4.0), "maanden", "arrest", lt["tot"].tolist())
    np.testing.assert_allclose(lt["survival"], km["survival"])
    assert lt["events"].sum() == rossi["arrest"].sum()
    assert lt["at_risk"].iloc[0] == len(rossi)
    np.testing.assert_allclose(np.cumprod(1 - lt["vertrek_kans"]), lt["survival"])


def test_result_objects_diagnostics_and_plots(rossi):
    fit = cox(rossi, "week", "arrest", COVS)
    assert 0.5 < fit.concordance < 1
    ph = fit.ph_test()
    assert list(ph.columns) == ["covariaat", "statistic", "p"] and len(ph) == len(COVS)
    assert fit.plot() is not None
    assert fit.lifelines.params_.index.tolist() == COVS


def test_bad_input_gives_data_errors(rossi):
    with pytest.raises(DataError, match="kolom ontbreekt"):
        cox(rossi, "week", "arrest", ["nope"])
    bad = rossi.assign(start=rossi["week"])
    with pytest.raises(DataError, match="groter zijn dan"):
        cox(bad, "week", "arrest", ["fin"], entry="start")
    with pytest.raises(DataError, match="0 of 1"):
        kaplan_meier(rossi.assign(arrest=2), "week", "arrest")
    with pytest.raises(DataError, match="ontbrekende waarden"):
        cox(rossi.assign(fin=np.where(rossi.index == 3, np.nan, rossi["fin"])), "week", "arrest", ["fin"])
    with pytest.raises(ValueError):
        kaplan_meier(rossi, "week", "arrest", conf_type="arcsin")


def test_person_period_weights_and_truncation():
    df = pd.DataFrame({"entry": [2.5, 0.0], "duration": [4.2, 0.5], "event": [1, 0], "w": [2.0, 3.0], "g": [1, 1]})
    pp = to_person_period(df, covariates=["g"], weights="w", aggregate=True)
    assert pp["periode"].tolist() == [1, 3, 4, 5]
    assert pp["gewicht"].tolist() == [3.0, 2.0, 2.0, 2.0]
    assert pp["event"].tolist() == [0.0, 0.0, 0.0, 2.0]


@pytest.mark.parametrize("kw", [{}, {"ties": "breslow"}, {"weights": "w", "cluster": "school"},
                                {"entry": "entry", "strata": "s"}])
def test_covariate_pattern_path_equals_row_path(monkeypatch, kw):
    """Large data with few covariate patterns use risk-set counts per pattern: same fit as row sums."""
    import importlib

    cox_module = importlib.import_module("regio_analysis.retention.cox")  # the module, not the function

    df = simulate_grouped(3000, seed=4)
    df["w"] = 0.5 + (np.arange(len(df)) % 3)
    df["entry"] = np.where(np.arange(len(df)) % 5 == 0, df["time"] / 3, 0.0)
    df["s"] = np.arange(len(df)) % 2
    fast = cox(df, "time", "event", ["x1", "x2"], **kw)
    monkeypatch.setattr(cox_module, "MAX_PATTERN_CELLS", 0)
    slow = cox(df, "time", "event", ["x1", "x2"], **kw)
    np.testing.assert_allclose(fast.summary[["coef", "se"]], slow.summary[["coef", "se"]], rtol=1e-9, atol=1e-12)
    assert fast.loglik == pytest.approx(slow.loglik, rel=1e-12)


def test_km_cluster_robust_with_singleton_clusters_equals_robust(rossi):
    a = kaplan_meier(rossi.assign(c=np.arange(len(rossi))), "week", "arrest", se_type="robust", cluster="c")
    b = kaplan_meier(rossi, "week", "arrest", se_type="robust")
    np.testing.assert_allclose(a["se"], b["se"], rtol=1e-10)
    # people in pairs: clustering changes the standard error
    c = kaplan_meier(rossi.assign(c=np.arange(len(rossi)) // 2), "week", "arrest", cluster="c")
    assert not np.allclose(c["se"].dropna(), b["se"].dropna())
