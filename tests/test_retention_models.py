"""Properties of the retention models that must hold whatever the data (beside the R references)."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.retention import (
    LogrankResult,
    NotEstimableWarning,
    cause_specific_cox,
    cause_specific_summary,
    cox,
    cumulative_incidence,
    discrete_time_hazard,
    kaplan_meier,
    life_table,
    logrank_test,
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


# ----------------------------------------------------------------------------- issue 13: regressions


def test_discrete_time_weights_count_events_as_weighted_without_aggregation(rossi):
    """A row of weight w is w spells: its event is w events, not 1 event and w - 1 non-events."""
    spells = rossi.assign(maanden=rossi["week"] / 4)
    covs = ["fin", "age", "prio"]
    plain = discrete_time_hazard(spells, "maanden", "arrest", covs)
    for aggregate in (False, True):
        double = discrete_time_hazard(spells.assign(w2=2.0), "maanden", "arrest", covs, weights="w2",
                                      aggregate=aggregate)
        np.testing.assert_allclose(double.summary["coef"], plain.summary["coef"], atol=1e-8)
        np.testing.assert_allclose(double.baseline["coef"], plain.baseline["coef"], atol=1e-8)
        # integer weights = replicated spells (coefficients and model-based SEs)
        weighted = discrete_time_hazard(spells, "maanden", "arrest", covs, weights="w", aggregate=aggregate)
        replicated = discrete_time_hazard(spells.loc[spells.index.repeat(spells["w"])], "maanden", "arrest", covs)
        np.testing.assert_allclose(weighted.summary[["coef", "se"]], replicated.summary[["coef", "se"]], atol=1e-8)


def test_discrete_time_ignores_an_entry_column_unless_named(rossi):
    spells = rossi.assign(maanden=rossi["week"] / 4)
    spells["entry"] = np.where((spells.index % 2 == 0) & (spells["maanden"] > 4), 3.5, 0.0)
    default = discrete_time_hazard(spells, "maanden", "arrest", ["fin", "age"])
    none = discrete_time_hazard(spells.drop(columns="entry"), "maanden", "arrest", ["fin", "age"])
    named = discrete_time_hazard(spells, "maanden", "arrest", ["fin", "age"], entry="entry")
    np.testing.assert_allclose(default.summary["coef"], none.summary["coef"], atol=1e-12)
    assert default.n_person_periods == none.n_person_periods > named.n_person_periods


def tied_groups():
    """Ties (Efron matters), a three-level group and a numeric covariate."""
    rng = np.random.default_rng(13)
    n = 240
    g = rng.choice(["a", "b", "c"], n)
    x = rng.normal(size=n)
    t = np.ceil(rng.exponential(1, n) / np.exp(0.4 * (g == "b") + 0.3 * x) * 4)
    c = np.ceil(rng.uniform(0, 10, n))
    return pd.DataFrame({"tijd": np.minimum(t, c), "status": (t <= c).astype(int), "g": g, "x": x,
                         "school": rng.integers(0, 12, n)})


def test_cox_refuses_zero_weights_like_r():
    """R's coxph refuses weights <= 0; a zero weight would still count in Efron's tie correction."""
    df = tied_groups()
    zero = df.assign(w=np.where(np.arange(len(df)) % 10 == 0, 0.0, 1.0))
    with pytest.raises(DataError, match=r"kolom 'w': gewichten moeten groter dan 0 zijn.*\[regel 2, 12, 22"):
        cox(zero, "tijd", "status", ["g", "x"], weights="w")
    # what the user should do: drop the rows (then the fit is that of the remaining data)
    dropped = cox(zero[zero["w"] > 0], "tijd", "status", ["g", "x"], weights="w")
    assert dropped.converged


def test_cox_not_estimable_dummy_is_nan_with_a_warning_and_the_others_are_estimated():
    df = tied_groups()
    df.loc[df["g"] == "c", "status"] = 0  # level c: no events -> its coefficient is -infinity
    for ties in ("efron", "breslow"):
        with pytest.warns(NotEstimableWarning, match=r"`g\[c\]` is niet te schatten"):
            fit = cox(df, "tijd", "status", ["g", "x"], ties=ties)
        assert fit.converged and fit.not_estimable == ["g[c]"]
        assert np.isnan(fit.summary.loc["g[c]", "coef"])
        # the others equal the fit without the rows of level c (R's limit)
        ref = cox(df[df["g"] != "c"], "tijd", "status", ["g", "x"], ties=ties)
        np.testing.assert_allclose(fit.summary.loc[["g[b]", "x"], ["coef", "se"]],
                                   ref.summary.loc[["g[b]", "x"], ["coef", "se"]], atol=1e-7)


def test_cox_collinear_column_is_nan_with_a_warning():
    df = tied_groups().assign(x2=lambda d: 2 * d["x"] + 1)
    with pytest.warns(NotEstimableWarning, match=r"`x2` is niet te schatten.*lineaire combinatie"):
        fit = cox(df, "tijd", "status", ["g", "x", "x2"])
    ref = cox(df, "tijd", "status", ["g", "x"])
    assert np.isnan(fit.summary.loc["x2", "coef"])
    np.testing.assert_allclose(fit.summary.loc[ref.summary.index, ["coef", "se"]], ref.summary[["coef", "se"]],
                               atol=1e-9)


def test_cox_clear_errors_instead_of_linalg_errors():
    df = tied_groups()
    with pytest.raises(DataError, match=r"kolom 'k': covariaat `k` is constant"):
        cox(df.assign(k=1.0), "tijd", "status", ["x", "k"])
    with pytest.raises(DataError, match=r"covariaat `g` is constant"):
        cox(df.assign(g="a"), "tijd", "status", ["g", "x"])
    with pytest.raises(DataError, match="geen gebeurtenissen"):
        cox(df.assign(status=0).head(2), "tijd", "status", ["x"])
    two = pd.DataFrame({"tijd": [1.0, 2.0], "status": [1, 0], "x": [0.0, 1.0]})
    with pytest.raises(DataError, match="te weinig gegevens"):  # the likelihood has no maximum
        cox(two, "tijd", "status", ["x"])
    with pytest.raises(DataError, match="te weinig gegevens"):  # no one else at risk in each stratum
        cox(two.assign(status=1, s=[1, 2]), "tijd", "status", ["x"], strata="s")
    holes = df.assign(school=np.where(np.arange(len(df)) % 20 == 0, np.nan, df["school"]))
    with pytest.raises(DataError, match=r"kolom 'school': clusterkolom `school` heeft 12 lege waarden"):
        cox(holes, "tijd", "status", ["x"], cluster="school")
    with pytest.raises(DataError, match=r"stratumkolom `school` heeft 12 lege waarden"):
        cox(holes, "tijd", "status", ["x"], strata="school")
    with pytest.raises(DataError, match=r"clusterkolom `school` heeft 12 lege waarden"):
        kaplan_meier(holes, "tijd", "status", cluster="school")
    with pytest.raises(DataError, match=r"clusterkolom `school` heeft 12 lege waarden"):
        discrete_time_hazard(holes, "tijd", "status", ["x"], cluster="school")
    with pytest.raises(DataError, match=r"covariaat `k` is constant"):
        discrete_time_hazard(df.assign(k=1.0), "tijd", "status", ["x", "k"])


def test_reference_levels_are_chosen_and_reported():
    df = tied_groups()
    default = cox(df, "tijd", "status", ["g", "x"])
    assert list(default.summary.index) == ["g[b]", "g[c]", "x"]
    assert default.summary["referentie"].tolist() == ["a", "a", None]
    fit = cox(df, "tijd", "status", ["g", "x"], reference={"g": "b"})
    assert list(fit.summary.index) == ["g[a]", "g[c]", "x"] and fit.summary.attrs["referentie"] == {"g": "b"}
    assert fit.summary.loc["g[a]", "coef"] == pytest.approx(-default.summary.loc["g[b]", "coef"], abs=1e-8)
    assert fit.loglik == pytest.approx(default.loglik, abs=1e-9)
    dt = discrete_time_hazard(df, "tijd", "status", ["g", "x"], reference={"g": "c"})
    assert list(dt.summary.index) == ["g[a]", "g[b]", "x"] and set(dt.summary["referentie"].dropna()) == {"c"}
    pred = dt.predict_survival(pd.DataFrame({"g": ["c"], "x": [0.0]}))
    np.testing.assert_allclose(pred["hazard"], dt.baseline["hazard"])  # the reference profile is the baseline
    with pytest.raises(DataError, match="referentieniveau 'z' komt niet voor"):
        cox(df, "tijd", "status", ["g"], reference={"g": "z"})
    with pytest.raises(DataError, match="numerieke kolom"):
        cox(df, "tijd", "status", ["g", "x"], reference={"x": 0})


def test_empty_group_values_are_left_out_like_r():
    df = tied_groups()
    holes = df.assign(g=df["g"].where(np.arange(len(df)) % 7 != 0))  # 35 empty values
    kept = holes.dropna(subset=["g"])
    a = logrank_test(holes, "tijd", "status", "g")
    b = logrank_test(kept, "tijd", "status", "g")
    assert a.df == 2 and a.chisq == pytest.approx(b.chisq, abs=1e-12) and a.weggelaten == 35
    assert a.summary["g"].tolist() == ["a", "b", "c"]
    ka = kaplan_meier(holes, "tijd", "status", by="g")
    kb = kaplan_meier(kept, "tijd", "status", by="g")
    pd.testing.assert_frame_equal(ka, kb, check_like=False)
    assert ka.attrs["weggelaten"] == 35 and set(ka["g"]) == {"a", "b", "c"}


def test_logrank_result_object():
    out = logrank_test(tied_groups(), "tijd", "status", "g")
    assert isinstance(out, LogrankResult)
    assert list(out.summary.columns) == ["g", "observed", "expected"]
    assert out["p"] == out.p == out.get("p") and out.get("nope", 1) == 1
    assert out.summary["observed"].sum() == pytest.approx(out.summary["expected"].sum())


def test_one_coefficient_is_the_cox_estimate_without_the_rest():
    """The bootstrap's lean refit (``cox.one_coefficient``) gives retention.cox's coefficient, with
    tied times, case weights and a binary or continuous covariate, and refuses what cox refuses."""
    from regio_analysis.retention.cox import one_coefficient

    rng = np.random.default_rng(11)
    for n, binary in ((60, True), (300, True), (200, False)):
        x = rng.integers(0, 2, n).astype(float) if binary else rng.normal(size=n)
        t = np.ceil(rng.exponential(3 * np.exp(-0.4 * x)))  # whole years: many ties
        e = (rng.random(n) < 0.7).astype(float)
        w = rng.uniform(0.2, 3.0, n)
        df = pd.DataFrame({"t": t, "e": e, "x": x, "w": w})
        for ties in ("efron", "breslow"):
            want = cox(df, "t", "e", ["x"], weights="w", ties=ties, robust=False).params.iloc[0]
            assert one_coefficient(t, e, x, w, ties) == pytest.approx(want, abs=1e-10)
    with pytest.raises(DataError, match="geen gebeurtenissen"):
        one_coefficient(t, np.zeros(n), x, w)
    with pytest.raises(DataError, match="constant"):
        one_coefficient(t, e, np.ones(n), w)
    with pytest.raises(DataError, match="oneindig"):  # every event in one group
        one_coefficient(np.arange(1.0, 11), np.r_[np.ones(5), np.zeros(5)], np.r_[np.ones(5), np.zeros(5)], np.ones(10))
