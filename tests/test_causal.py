"""regio_analysis.causal against published reference values and the LaLonde benchmark.

References (see tests/fixtures/lalonde/README.md for the data):
* R WeightIt / cobalt on MatchIt's ``lalonde`` (README and "Getting started" vignette of WeightIt):
  ATT weights from ``treat ~ age + educ + married + nodegree + race + re74 + re75`` give an
  effective sample size of the controls of 99.82, ``lm_weightit(re78 ~ treat)`` 1214.1 (SE 798.2,
  M-estimation) with intercept 5135.1; cobalt's balance before/after; entropy balancing 98.46.
* The NSW experiment (Dehejia & Wahba 1999): experimental ATT $1,794.34.
* VanderWeele & Ding (2017), Ann Intern Med 167:268: RR 3.9 (95 % CI 1.8 to 8.7) has E-value 7.26
  and 3.0 for the lower limit.
* R survival ``coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, rossi)``:
  coefficient of ``fin`` -0.37942.
"""
from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, assert_data_error, one_row

from regio_analysis import causal
from regio_analysis.causal.bootstrap import _boot_quantiles, _replicate
from regio_analysis.causal.estimators import _outcome_model
from regio_analysis.causal.propensity import _design, main_effects_design
from regio_analysis.errors import DataError

matplotlib.use("Agg")

LALONDE = FIXTURES / "lalonde"
COVS = ["age", "educ", "married", "nodegree", "race", "re74", "re75"]
EXPERIMENTAL_ATT = 1794.34


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(LALONDE / "lalonde_matchit.csv")


@pytest.fixture(scope="module")
def att_weights(lalonde):
    return causal.propensity_weights(lalonde, "treat", COVS, "ATT")


# ----------------------------------------------------------------------------- published values


def test_att_weights_and_ipw_estimate_equal_weightit(lalonde, att_weights):
    assert att_weights.ess["controle"] == pytest.approx(99.82, abs=0.005)
    assert att_weights.ess["behandeld"] == pytest.approx(185)
    # WeightIt's unstabilised control weights run from 0.009 to 3.743; ours are stabilised by n0/n1
    ctrl = att_weights.weights[lalonde["treat"] == 0] * 185 / 429
    assert ctrl.max() == pytest.approx(3.743, abs=0.0005) and ctrl.min() == pytest.approx(0.009, abs=0.0005)
    est = causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATT", "ipw", weights=att_weights)
    assert est.estimate == pytest.approx(1214.1, abs=0.05)
    assert est.se == pytest.approx(798.2, abs=0.05)  # M-estimation including the propensity model
    assert est.arms["controle"][0] == pytest.approx(5135.1, abs=0.05)
    assert est.ci == pytest.approx((est.estimate - 1.959964 * est.se, est.estimate + 1.959964 * est.se))


# cobalt::bal.tab(W1): continuous rows are SMDs with the treated SD, binary rows raw differences
COBALT = {  # covariate: (kind, before, after)
    "age": ("continu", -0.3094, 0.1188), "educ": ("continu", 0.0550, -0.0284),
    "re74": ("continu", -0.7211, -0.0021), "re75": ("continu", -0.2903, 0.0110),
    "married": ("binair", -0.3236, 0.0186), "nodegree": ("binair", 0.1114, 0.0184),
    "race: black": ("binair", 0.6404, -0.0022), "race: hispan": ("binair", -0.0827, 0.0002),
    "race: white": ("binair", -0.5577, 0.0021),
}


def test_balance_table_equals_cobalt(lalonde, att_weights):
    table = causal.balance_table(lalonde, "treat", COVS, att_weights, sd="treated")
    for cov, (kind, before, after) in COBALT.items():
        column = "smd" if kind == "continu" else "difference"
        assert one_row(table, covariate=cov, weighting="ongewogen")[column] == pytest.approx(before, abs=6e-5), cov
        assert one_row(table, covariate=cov, weighting="gewogen")[column] == pytest.approx(after, abs=6e-5), cov
        assert one_row(table, covariate=cov, weighting="gewogen")["type"] == kind
    # the binary SMD is the difference over sqrt(p1 (1 - p1)) of the treated
    p1 = lalonde.loc[lalonde["treat"] == 1, "married"].mean()
    row = one_row(table, covariate="married", weighting="ongewogen")
    assert row["smd"] == pytest.approx(row["difference"] / math.sqrt(p1 * (1 - p1)))
    assert causal.max_abs_smd(table) == pytest.approx(0.1188, abs=6e-5)


def test_entropy_balancing_equals_weightit_ebal(lalonde):
    """fit="balance" for the ATT is entropy balancing: WeightIt's ebal gives ESS 98.46, estimate 1273."""
    w = causal.propensity_weights(lalonde, "treat", COVS, "ATT", fit="balance")
    assert w.ess["controle"] == pytest.approx(98.46, abs=0.005)
    table = causal.balance_table(lalonde, "treat", COVS, w, sd="treated")
    assert causal.max_abs_smd(table) < 1e-6
    est = causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATT", "ipw", weights=w)
    assert est.estimate == pytest.approx(1273, abs=0.5)


def test_ate_balance_weights_balance_the_groups(lalonde):
    w = causal.propensity_weights(lalonde, "treat", COVS, "ATE", fit="balance")
    assert causal.max_abs_smd(causal.balance_table(lalonde, "treat", COVS, w)) < 1e-6


def test_e_value_published_example():
    ev = causal.e_value(3.9, 1.8, 8.7)
    assert ev.point == pytest.approx(3.9 + math.sqrt(3.9 * 2.9))
    assert ev.point == pytest.approx(7.26, abs=5e-3) and ev.ci == pytest.approx(3.0)  # printed as 7.26 and 3.0
    protective = causal.e_value(1 / 3.9, 1 / 8.7, 1 / 1.8)
    assert protective.point == pytest.approx(ev.point) and protective.ci == pytest.approx(ev.ci)
    assert causal.e_value(0.9, 0.7, 1.1).ci == 1.0
    # common outcome: HR -> RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)) (VanderWeele 2017 table)
    hr = causal.e_value(0.56, 0.46, 0.69, measure="HR", rare=False)
    rr = (1 - 0.5 ** math.sqrt(0.56)) / (1 - 0.5 ** math.sqrt(1 / 0.56))
    assert hr.rr == pytest.approx(rr) and hr.point == pytest.approx(1 / rr + math.sqrt(1 / rr * (1 / rr - 1)))
    assert causal.e_value(2.0, measure="OR", rare=False).rr == pytest.approx(math.sqrt(2))
    assert causal.e_value(2.0, measure="HR", rare=True).rr == 2.0


# Output printed in R's EValue manual (version 2.0.0; mayamathur/evalue_package,
# docs/reference/evalues.HR.html and evalues.OR.html): rr, rr_lo, rr_hi, E(point), E(CI).
@pytest.mark.parametrize("measure, est, lo, hi, expected", [
    ("HR", 0.56, 0.46, 0.69, (0.670084, 0.585935, 0.7735267, 2.349531, 1.9080039)),
    ("OR", 0.86, 0.75, 0.99, (0.9273618, 0.8660254, 0.9949874, 1.3689529, 1.0761939)),
])
def test_e_value_common_outcome_matches_r_evalue(measure, est, lo, hi, expected):
    ev = causal.e_value(est, lo, hi, measure=measure, rare=False)
    assert (ev.rr, *ev.rr_ci, ev.point, ev.ci) == pytest.approx(expected, abs=1e-6)


def test_e_value_rare_is_required_for_hr_and_or():
    # R's EValue makes the user say whether the outcome is rare; a silent default picked rare=True
    for measure in ("HR", "OR"):
        with pytest.raises(TypeError, match="rare=True"):
            causal.e_value(0.56, 0.46, 0.69, measure=measure)
        with pytest.raises(TypeError, match="rare="):
            causal.e_value(0.56, measure=measure, rare="nee")
    assert causal.e_value(0.56, 0.46, 0.69).rr == 0.56  # a risk ratio needs no choice


def test_weighted_cox_matches_r_survival_on_rossi():
    from lifelines.datasets import load_rossi

    rossi = load_rossi()
    cov = ["age", "race", "wexp", "mar", "paro", "prio"]
    cox = causal.weighted_cox(rossi, "week", "arrest", "fin", None, covariates=cov)
    assert cox.log_hr == pytest.approx(-0.37942, abs=5e-5)
    assert cox.hr == pytest.approx(math.exp(-0.37942), abs=5e-5)
    assert cox.n == 432 and cox.events == 114


# ----------------------------------------------------------------------------- the LaLonde benchmark


def test_lalonde_experimental_benchmark_is_recovered(lalonde):
    experiment = pd.read_csv(LALONDE / "nsw_dw_experiment.csv")
    truth = causal.estimate_effect(experiment, "treat", "re78", [], "ATT", "naive")
    assert truth.estimate == pytest.approx(EXPERIMENTAL_ATT, abs=0.01)

    naive = causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATT", "naive")
    assert naive.estimate < 0 and naive.ci[1] < EXPERIMENTAL_ATT  # the observational comparison misleads
    for method in ("ipw", "aipw", "match"):
        for fit in ("ml", "balance"):
            est = causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATT", method, fit=fit)
            assert est.ci[0] < EXPERIMENTAL_ATT < est.ci[1], (method, fit, est.summary)
            assert abs(est.estimate - EXPERIMENTAL_ATT) < abs(naive.estimate - EXPERIMENTAL_ATT)
    match = causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATT", "match")
    assert match.n_treated == match.n_control == len(match.matches) < 185
    assert match.details["treated_unmatched"] == 185 - match.n_treated
    assert match.matches["distance_logit_ps"].max() <= match.details["caliper_logit"]
    assert match.matches["control"].is_unique  # without replacement


def test_sandwich_se_agrees_with_bootstrap(lalonde):
    for estimand, method in (("ATE", "ipw"), ("ATT", "aipw"), ("ATE", "aipw")):
        analytic = causal.estimate_effect(lalonde, "treat", "re78", COVS, estimand, method)
        boot = causal.bootstrap_effect(lalonde, "treat", "re78", COVS, estimand, method, n_boot=100, seed=1)
        assert boot.estimate == analytic.estimate and boot.details["bootstrap"] + boot.details["failed"] == 100
        assert 0.75 < analytic.se / boot.se < 1.33, (estimand, method, analytic.se, boot.se)


def test_stabilising_does_not_change_hajek_estimates(lalonde):
    for estimand in ("ATT", "ATE"):
        a = causal.propensity_weights(lalonde, "treat", COVS, estimand, stabilize=True)
        b = causal.propensity_weights(lalonde, "treat", COVS, estimand, stabilize=False)
        ea = causal.estimate_effect(lalonde, "treat", "re78", COVS, estimand, "ipw", weights=a)
        eb = causal.estimate_effect(lalonde, "treat", "re78", COVS, estimand, "ipw", weights=b)
        assert ea.estimate == pytest.approx(eb.estimate) and ea.se == pytest.approx(eb.se)
    ate = causal.propensity_weights(lalonde, "treat", COVS, "ATE")
    assert ate.weights.sum() == pytest.approx(len(lalonde), rel=0.2)


def test_trimming_formula_and_splines(lalonde):
    w = causal.propensity_weights(lalonde, "treat", COVS, "ATE", trim=0.1)
    ps = w.ps
    assert ((w.weights == 0) == ((ps < 0.1) | (ps > 0.9))).all()
    assert w.summary["n_trimmed"].sum() == int(((ps < 0.1) | (ps > 0.9)).sum()) > 0
    flexible = causal.propensity_score(lalonde, "treat", COVS, splines=4)
    assert "bs(" in flexible.formula and any(t.startswith("bs(") for t in flexible.summary["term"])
    own = causal.propensity_score(lalonde, "treat", COVS, formula="age + I(age**2) + educ + C(race) + re74 + re75")
    assert "I(age ** 2)" in set(own.summary["term"])
    assert causal.propensity_formula(lalonde, ["age", "race"], interactions=True) == '(Q("age") + C(Q("race")))**2'


def test_fast_design_equals_patsy(lalonde):
    fast = main_effects_design(lalonde, COVS)
    slow = _design(lalonde, causal.propensity_formula(lalonde, COVS), COVS, "x", "x")
    slow.columns = [c.replace('C(Q("race"))', "race").replace('Q("', "").replace('")', "") for c in slow.columns]
    pd.testing.assert_frame_equal(fast, slow[fast.columns], check_dtype=False)


def test_effective_sample_size():
    assert causal.effective_sample_size([1, 1, 1, 1]) == 4
    assert causal.effective_sample_size([2, 0, 0]) == 1
    assert causal.effective_sample_size([0, 0]) == 0


# ----------------------------------------------------------------------------- survival


def _survival_data(n=600, seed=3, ties=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    a = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(int)
    t = rng.exponential(1 / (0.4 * np.exp(0.5 * x - 0.3 * a)))
    c = rng.uniform(0.5, 6, n)
    d = pd.DataFrame({"x": x, "a": a, "tijd": np.minimum(t, c), "gebeurtenis": (t <= c).astype(int),
                      "school": rng.integers(0, 40, n)})
    if ties:
        d["tijd"] = np.ceil(d["tijd"] * 12) / 12
    return d


def test_ipcw_risk_equals_one_minus_kaplan_meier():
    """Satten & Datta (2001): IPCW with Kaplan-Meier censoring reproduces 1 - KM (lifelines)."""
    from lifelines import KaplanMeierFitter

    d = _survival_data()
    for h in (0.5, 1.0, 2.0):
        w = causal.ipcw_weights(d, "tijd", "gebeurtenis", h, group="a").to_numpy()
        y = ((d["gebeurtenis"] == 1) & (d["tijd"] <= h)).to_numpy()
        for arm in (0, 1):
            m = (d["a"] == arm).to_numpy()
            km = KaplanMeierFitter().fit(d.loc[m, "tijd"], d.loc[m, "gebeurtenis"]).survival_function_at_times(h)
            assert (w[m] * y[m]).sum() / w[m].sum() == pytest.approx(1 - km.iloc[0], abs=1e-12)
    # the naive survival contrast is exactly the Kaplan-Meier difference and RMST
    eff = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], method="naive", horizons=(2,))
    km = {arm: KaplanMeierFitter().fit(d.loc[d.a == arm, "tijd"], d.loc[d.a == arm, "gebeurtenis"]) for arm in (0, 1)}
    rd = one_row(eff.horizons, measure="risicosverschil")["estimate"]
    assert rd == pytest.approx(km[0].survival_function_at_times(2).iloc[0] - km[1].survival_function_at_times(2).iloc[0])
    from lifelines.utils import restricted_mean_survival_time

    rmst = one_row(eff.horizons, measure="rmst-verschil")["estimate"]
    expected = restricted_mean_survival_time(km[1], t=2) - restricted_mean_survival_time(km[0], t=2)
    assert rmst == pytest.approx(expected, abs=1e-9)


def test_ipcw_with_ties_and_cox_censoring():
    d = _survival_data(ties=True)
    w = causal.ipcw_weights(d, "tijd", "gebeurtenis", 2.0, group="a")
    known = ((d["gebeurtenis"] == 1) & (d["tijd"] <= 2)) | (d["tijd"] > 2)
    assert ((w > 0) == known).all() and (w[known] >= 1).all()
    wc = causal.ipcw_weights(d, "tijd", "gebeurtenis", 2.0, covariates=["x"], group="a", model="cox")
    assert ((wc > 0) == known).all() and (wc[known] >= 1).all()


def test_survival_effect_recovers_a_known_effect():
    """Confounded by x; the true risk difference at t=2 comes from the exponential model."""
    d = _survival_data(n=4000, seed=11)
    eff = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], estimand="ATE", method="aipw",
                                 horizons=(2,), cluster="school")
    naive = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], estimand="ATE", method="naive", horizons=(2,))
    rng = np.random.default_rng(0)
    x = rng.normal(size=400_000)
    truth = np.mean(np.exp(-0.4 * np.exp(0.5 * x) * 2) - np.exp(-0.4 * np.exp(0.5 * x - 0.3) * 2))
    est = one_row(eff.horizons, measure="risicosverschil")
    assert abs(est["estimate"] - truth) < 2.5 * est["se"]
    assert abs(one_row(naive.horizons, measure="risicosverschil")["estimate"] - truth) > 3 * est["se"]
    assert eff.cox.cluster == "school" and eff.cox.hr < 1
    assert set(eff.summary["measure"]) >= {"hazardratio", "risicosverschil", "rmst-verschil", "risico behandeld"}
    assert causal.weighted_km(d, "tijd", "gebeurtenis", "a", eff.weights).weighted


# ----------------------------------------------------------------------------- bad input


def test_bad_input_raises_data_error(lalonde):
    f = "<DataFrame>"
    assert_data_error(lambda: causal.propensity_weights(lalonde, "treat", ["age", "geen"]), f, ["geen", "ontbreekt"])
    three = lalonde.assign(treat=lalonde["treat"].where(lalonde.index != 3, 2))
    assert_data_error(lambda: causal.estimate_effect(three, "treat", "re78", COVS), f, ["binair", "treat", "regel 4"])
    text = lalonde.assign(treat=np.where(lalonde["treat"] == 1, "ja", "nee"))
    assert_data_error(lambda: causal.propensity_score(text, "treat", COVS), f, ["binair", "'ja'"])
    assert_data_error(lambda: causal.propensity_score(lalonde.assign(treat=1), "treat", COVS), f,
                      ["te weinig", "niet-behandelde"])
    gap = lalonde.assign(age=lalonde["age"].where(lalonde.index != 0))
    assert_data_error(lambda: causal.balance_table(gap, "treat", COVS), f, ["ontbrekende waarde", "age", "regel 1"])
    separated = lalonde.assign(marker=lalonde["treat"] * 10.0)
    assert_data_error(lambda: causal.propensity_score(separated, "treat", ["marker"]), f, ["geen overlap"])
    no_y = lalonde.assign(re78=lalonde["re78"].where(lalonde.index != 5))
    assert_data_error(lambda: causal.estimate_effect(no_y, "treat", "re78", COVS), f, ["uitkomst ontbreekt", "re78"])
    assert_data_error(lambda: causal.estimate_effect(lalonde, "treat", "race", COVS), f, ["getal", "race"])
    assert_data_error(lambda: causal.propensity_score(lalonde, "treat", COVS, formula="age + onbekend"), f,
                      ["formule"])
    jittered = lalonde.assign(age=lalonde["age"] + np.linspace(0, 0.01, len(lalonde)))  # no two equal scores
    assert_data_error(lambda: causal.estimate_effect(jittered, "treat", "re78", COVS, method="match", caliper=1e-9),
                      f, ["geen overlap", "caliper"])
    assert_data_error(lambda: causal.propensity_weights(lalonde, "treat", COVS, "ATE", trim=0.49999), f,
                      ["geen overlap", "trimmen"])
    assert_data_error(lambda: causal.balance_table(lalonde, "treat", COVS, weights=np.ones(3)), f, ["3 gewichten"])
    with pytest.raises(DataError):
        causal.weighted_km(lalonde.assign(t=-1.0, e=1), "t", "e", "treat")
    with pytest.raises(ValueError):
        causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATE", "match")
    with pytest.raises(ValueError):
        causal.estimate_effect(lalonde, "treat", "re78", COVS, "ATT", "regressie")


def test_plots_return_axes(lalonde, att_weights):
    from matplotlib.axes import Axes

    table = causal.balance_table(lalonde, "treat", COVS, att_weights)
    est = causal.estimate_effect(lalonde, "treat", "re78", COVS)
    d = _survival_data()
    eff = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], horizons=(1, 2))
    for ax in (att_weights.plot(), causal.love_plot(table), est.plot(), eff.plot(), eff.cox.plot(),
               att_weights.model.plot()):
        assert isinstance(ax, Axes)
    assert [t.get_text() for t in causal.love_plot(table).get_yticklabels()][-1] == "race: black"


# ----------------------------------------------------------------------------- weighted KM, censoring, bootstrap

R_REF = FIXTURES.parent / "reference" / "causal_r"


def _r_km_data() -> pd.DataFrame:
    """The data of tests/reference/causal_r/weighted_km.R."""
    return pd.DataFrame({
        "time": [1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 1.5, 2, 3, 3, 4.5, 6, 6, 8, 9.5, 11],
        "status": [1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0],
        "grp": [1] * 12 + [0] * 10,
        "w": [1.2, 0.7, 2.5, 1.0, 0.4, 1.9, 0.8, 1.3, 2.2, 0.6, 1.1, 0.9,
              0.5, 1.6, 0.9, 2.1, 1.4, 0.3, 1.8, 1.0, 0.7, 1.5]})


@pytest.mark.parametrize("conf_type", ["log-log", "log"])
def test_weighted_km_equals_r_survfit_robust(conf_type):
    """R: survfit(Surv(time, status) ~ grp, weights = w, robust = TRUE, conf.type = ...) (weighted_km.R)."""
    ref = pd.read_csv(R_REF / "weighted_km.out", sep="\t")
    ref = ref[(ref["conf"] == conf_type) & (ref["scale"] == 1)]
    d = _r_km_data()
    km = causal.weighted_km(d, "time", "status", "grp", d["w"], conf_type=conf_type)
    assert km.se_type == "robust" and km.weighted
    got = km.summary.assign(grp=lambda x: x["group"].astype(int))
    merged = ref.add_prefix("r_").merge(got, left_on=["r_grp", "r_time"], right_on=["grp", "time"], validate="1:1")
    assert len(merged) == len(ref) == 18
    for r_col, col in (("surv", "survival"), ("se", "se"), ("lower", "ci_lower"), ("upper", "ci_upper")):
        np.testing.assert_allclose(merged[col], merged["r_" + r_col], rtol=0, atol=1e-8, err_msg=r_col)


def test_weighted_km_ci_does_not_depend_on_the_scale_of_the_weights():
    """Issue 13 item 3: lifelines' Greenwood on weighted counts narrowed the CI when weights were x10."""
    d = _r_km_data()
    a = causal.weighted_km(d, "time", "status", "grp", d["w"]).summary
    b = causal.weighted_km(d, "time", "status", "grp", d["w"] * 10).summary
    pd.testing.assert_frame_equal(a.drop(columns="at_risk"), b.drop(columns="at_risk"), rtol=1e-10, atol=1e-12)
    ref = pd.read_csv(R_REF / "weighted_km.out", sep="\t")
    ten = ref[(ref["conf"] == "log-log") & (ref["scale"] == 10)].reset_index(drop=True)
    one = ref[(ref["conf"] == "log-log") & (ref["scale"] == 1)].reset_index(drop=True)
    pd.testing.assert_frame_equal(one.drop(columns="scale"), ten.drop(columns="scale"))  # R: scale-free too
    # propensity weights in survival_effect: the curves' intervals do not move when the weights are scaled
    s = _survival_data(n=300)
    pw = causal.propensity_weights(s, "a", ["x"], "ATE")
    c1 = causal.weighted_km(s, "tijd", "gebeurtenis", "a", pw.weights).at([1.0, 2.0])
    c2 = causal.weighted_km(s, "tijd", "gebeurtenis", "a", pw.weights * 10).at([1.0, 2.0])
    pd.testing.assert_frame_equal(c1, c2, rtol=1e-10)


def test_censoring_models_equal_retention_and_lifelines():
    """The IPCW censoring distribution: Kaplan-Meier equals retention.kaplan_meier; the Cox model
    (retention.cox coefficients, Breslow baseline) equals lifelines' CoxPHFitter."""
    from lifelines import CoxPHFitter

    from regio_analysis.retention import kaplan_meier

    d = _survival_data(ties=True)
    times = np.sort(d["tijd"].unique())
    g = causal.censoring_survival(d.assign(at=0), "tijd", "gebeurtenis", np.repeat(times[None, :], 1, 0)[0][
        np.arange(len(d)) % len(times)], left=False, group="a")
    km = kaplan_meier(d.assign(c=1 - d["gebeurtenis"]), "tijd", "c", by="a")
    for arm in (0, 1):
        m = (d["a"] == arm).to_numpy()
        k = km[km["a"] == arm]
        at = times[np.arange(len(d)) % len(times)][m]
        pos = np.searchsorted(k["time"].to_numpy(), at, side="right") - 1
        expected = np.where(pos >= 0, k["survival"].to_numpy()[np.clip(pos, 0, None)], 1.0)
        np.testing.assert_allclose(g[m], expected, rtol=0, atol=1e-13)
    cph = CoxPHFitter().fit(d.assign(c=1 - d["gebeurtenis"])[["x", "a", "tijd", "c"]], "tijd", "c")
    at = np.full(len(d), 2.0)
    expected = cph.predict_survival_function(d[["x", "a"]], times=[2.0]).to_numpy()[0]
    got = causal.censoring_survival(d, "tijd", "gebeurtenis", at, left=False, covariates=["x"], group="a", model="cox")
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_outcome_model_equals_statsmodels_glm():
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    X = np.column_stack([np.ones(400), rng.normal(size=400), rng.integers(0, 2, 400)])
    y = (rng.random(400) < 1 / (1 + np.exp(-(X @ [-0.3, 0.8, 0.5])))).astype(float)
    w = rng.uniform(0.5, 3, 400)
    mask = rng.random(400) < 0.7
    for binary, fam in ((True, sm.families.Binomial()), (False, sm.families.Gaussian())):
        pred, beta = _outcome_model(y if binary else y + X[:, 1], X, mask, w, binary)
        ref = sm.GLM((y if binary else y + X[:, 1])[mask], X[mask], family=fam, var_weights=w[mask]).fit()
        np.testing.assert_allclose(beta, ref.params, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(pred, ref.predict(X), rtol=1e-7, atol=1e-9)


def test_bootstrap_interval_equals_r_boot_ci():
    """Studentized and percentile intervals equal R's boot.ci (tests/reference/causal_r/bootstrap_ci.R)."""
    draws = pd.read_csv(R_REF / "bootstrap_draws.csv")
    ref = pd.read_csv(R_REF / "bootstrap_ci.out", sep="\t", names=["geval", "type", "laag", "hoog"])
    for case, g in draws.groupby("geval"):
        frame = pd.DataFrame({"replicate": range(len(g)), "variant": "v", "measure": "risicosverschil",
                              "horizon": 3.0, "estimate": g["t"].to_numpy(), "se": g["se"].to_numpy()})
        frame.attrs = {"original": {("v", "risicosverschil", 3.0): (0.01, 0.05)}}
        for kind, r_type in (("studentized", "stud"), ("percentile", "perc")):
            got = causal.bootstrap_interval(frame, "v", kind).iloc[0]
            want = one_row(ref, geval=case, type=r_type)
            assert (got["ci_lower"], got["ci_upper"]) == pytest.approx((want["laag"], want["hoog"]), abs=1e-12), (case, kind)
        sd = causal.bootstrap_interval(frame, "v", "sd").iloc[0]
        assert sd["ci_upper"] == pytest.approx(0.01 + causal.Z95 * g["t"].std(ddof=1))
    with pytest.raises(ValueError, match="studentized"):
        causal.bootstrap_interval(frame, "v", "bca")


def test_mover_difference_is_newcombes_hybrid_score_interval():
    """With Wilson intervals for the arms and r = 0, MOVER is Newcombe's (1998) method 10:
    his published example (56/70 against 48/80: 0.0524 to 0.3339) and statsmodels'
    ``confint_proportions_2indep(method="newcomb")`` on other counts."""
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

    def newcombe(x1, n1, x0, n0):
        ci1 = proportion_confint(x1, n1, method="wilson")
        ci0 = proportion_confint(x0, n0, method="wilson")
        return causal.mover_difference(x1 / n1, ci1, x0 / n0, ci0)

    assert newcombe(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    for x1, n1, x0, n0 in ((9, 10, 3, 10), (5, 56, 0, 29), (0, 10, 0, 20), (120, 400, 95, 380), (2, 40, 14, 35)):
        want = confint_proportions_2indep(x1, n1, x0, n0, method="newcomb", compare="diff")
        assert newcombe(x1, n1, x0, n0) == pytest.approx(want, abs=1e-12), (x1, n1, x0, n0)


def test_mover_difference_with_symmetric_intervals_is_the_wald_interval_of_the_difference():
    """Symmetric arm intervals est ± z se give est1 - est0 ± z sqrt(se1² + se0² - 2 r se1 se0)."""
    z = causal.Z95
    for e1, s1, e0, s0, r in ((0.3, 0.04, 0.45, 0.08, 0.0), (2.1, 0.2, 1.7, 0.1, 0.35), (0.1, 0.05, 0.1, 0.05, -0.5)):
        got = causal.mover_difference(e1, (e1 - z * s1, e1 + z * s1), e0, (e0 - z * s0, e0 + z * s0), r)
        half = z * math.sqrt(s1 ** 2 + s0 ** 2 - 2 * r * s1 * s0)
        assert got == pytest.approx((e1 - e0 - half, e1 - e0 + half), abs=1e-12)
    # a skewed arm interval moves the side it belongs to: the lower bound of the difference
    # takes the lower arm-1 side and the upper arm-0 side
    lo, hi = causal.mover_difference(0.3, (0.25, 0.40), 0.5, (0.40, 0.55), 0.0)
    assert (lo, hi) == pytest.approx((-0.2 - math.hypot(0.05, 0.05), -0.2 + math.hypot(0.10, 0.10)))


def test_mover_interval_needs_the_arms():
    frame = pd.DataFrame({"replicate": range(5), "variant": "v", "measure": "risicosverschil", "horizon": 3.0,
                          "estimate": np.linspace(-0.1, 0.1, 5), "se": 0.05})
    frame.attrs = {"original": {("v", "risicosverschil", 3.0): (0.0, 0.05)}}
    with pytest.raises(ValueError, match="mover"):
        causal.bootstrap_interval(frame, "v")


def test_survival_bootstrap_refits_the_whole_pipeline():
    d = _survival_data(n=400, seed=4)
    eff = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], estimand="ATE", method="aipw", horizons=(1, 2),
                                 cluster="school")
    boot = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], estimand="ATE", method="aipw", horizons=(1, 2),
                                  cluster="school", n_boot=60, seed=3)
    assert eff.interval == "sandwich" and boot.interval == "bootstrap"
    assert boot.details == {"replicates": 60, "failed": 0, "ml_fallback": 0, "unit": "school", "method": "mover"}
    # the same point estimates; se = the SD of the replicates; studentized intervals for the arms
    pd.testing.assert_series_equal(eff.summary["estimate"], boot.summary["estimate"])
    draws = boot.bootstrap
    rd = one_row(boot.horizons, measure="risicosverschil", horizon=2.0)
    g = draws[(draws["measure"] == "risicosverschil") & (draws["horizon"] == 2.0)]
    assert rd["se"] == pytest.approx(g["estimate"].std(ddof=1))
    est, se0 = draws.attrs["original"][("hoofd", "risicosverschil", 2.0)]
    assert est == pytest.approx(rd["estimate"], abs=1e-12)
    arms = {}
    for label in causal.DEFAULT_LABELS:
        a = draws[(draws["measure"] == f"risico {label}") & (draws["horizon"] == 2.0)]
        e, s = draws.attrs["original"][("hoofd", f"risico {label}", 2.0)]
        q_hi, q_lo = _boot_quantiles(((a["estimate"] - e) / a["se"]).to_numpy(), (0.975, 0.025))
        arm = one_row(boot.horizons, measure=f"risico {label}", horizon=2.0)
        assert (arm["ci_lower"], arm["ci_upper"]) == pytest.approx((e - q_hi * s, e - q_lo * s))
        arms[label] = (e, (arm["ci_lower"], arm["ci_upper"]), a["estimate"].to_numpy())
    # the difference: the arms' intervals combined (MOVER) with the correlation of their replicates
    (e1, ci1, r1), (e0, ci0, r0) = arms.values()
    r = np.corrcoef(r1, r0)[0, 1]
    assert (rd["ci_lower"], rd["ci_upper"]) == pytest.approx(causal.mover_difference(e1, ci1, e0, ci0, r))
    assert rd["ci_lower"] < est < rd["ci_upper"]
    # the pivot SE on a resample counts a school drawn twice as two schools: on the original
    # rows it is the cluster-robust SE of the arm means (weights as known), here > 0
    assert 0 < se0 < 1 and (g["se"] > 0).all()
    sd_hr = draws[draws["measure"] == "log_hr"]["estimate"].std(ddof=1)
    assert boot.cox.se == pytest.approx(sd_hr) and boot.cox.ci[1] == pytest.approx(math.exp(boot.cox.log_hr + causal.Z95 * sd_hr))
    # the replicate on the original rows reproduces the point estimates (same code path)
    one = causal.survival_bootstrap(d, "a", "tijd", "gebeurtenis", ["x"], {"m": {"method": "aipw"}}, estimand="ATE",
                                    horizons=(2,), n_boot=0)
    assert one.empty and one.attrs["replicates"] == 0
    rows = _replicate(np.arange(len(d)), {
        "t": d["a"].to_numpy(float), "T": d["tijd"].to_numpy(float), "E": d["gebeurtenis"].to_numpy(),
        "Xo": main_effects_design(d, ["x"]).to_numpy(float),
        "designs": {"[]": main_effects_design(d, ["x"]).to_numpy(float)}, "treatment": "a"},
        {"m": {"method": "aipw", "fit": "ml", "trim": None, "design": "[]", "censoring": "km"}}, (2.0,), "ATE", ("m",),
        causal.DEFAULT_LABELS, "x")
    got = {r[1]: r[3] for r in rows}
    assert all(len(r) == 5 for r in rows)
    assert got["risicosverschil"] == pytest.approx(one_row(eff.horizons, measure="risicosverschil", horizon=2.0)["estimate"],
                                                   abs=1e-12)
    assert got["log_hr"] == pytest.approx(eff.cox.log_hr, abs=1e-10)
    # reproducible with the seed; another seed gives other replicates
    again = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], estimand="ATE", horizons=(1, 2),
                                   cluster="school", n_boot=60, seed=3)
    pd.testing.assert_frame_equal(again.summary, boot.summary)
    # the bootstrap SE is larger than the sandwich SE that takes the censoring weights as known
    assert rd["se"] > 0.8 * one_row(eff.horizons, measure="risicosverschil", horizon=2.0)["se"]


def test_result_frames_have_english_columns(lalonde, att_weights):
    """The causal API speaks English (as retention): the chapter maps the columns to Dutch headers."""
    est = causal.estimate_effect(lalonde, "treat", "re78", COVS, weights=att_weights)
    assert list(est.summary.columns) == ["method", "estimand", "estimate", "se", "ci_lower", "ci_upper", "n",
                                         "n_treated", "n_control", "mean_treated", "mean_control"]
    assert list(causal.balance_table(lalonde, "treat", COVS, att_weights).columns) == [
        "covariate", "type", "weighting", "mean_treated", "mean_control", "difference", "smd", "variance_ratio"]
    assert list(att_weights.summary.columns) == ["group", "n", "n_trimmed", "sum_weights", "ess", "weight_min",
                                                 "weight_max"]
    assert list(causal.e_value(3.9, 1.8, 8.7).summary.columns) == ["measure", "estimate", "rr", "evalue_estimate",
                                                                   "evalue_ci"]
    d = _survival_data(n=300)
    eff = causal.survival_effect(d, "a", "tijd", "gebeurtenis", ["x"], horizons=(1,))
    columns = ["measure", "horizon", "estimate", "se", "ci_lower", "ci_upper", "n"]
    assert list(eff.horizons.columns) == columns and list(eff.summary.columns) == columns
    assert list(eff.cox.summary.columns) == ["measure", "estimate", "ci_lower", "ci_upper", "log_hr", "se_log_hr", "p",
                                             "n", "events"]
    assert list(eff.km.summary.columns) == ["group", "time", "at_risk", "survival", "se", "ci_lower", "ci_upper"]
    assert list(eff.km.at([1.0]).columns) == ["group", "time", "survival", "ci_lower", "ci_upper"]
    draws = causal.survival_bootstrap(d, "a", "tijd", "gebeurtenis", ["x"], {"m": {"method": "ipw"}}, horizons=(1,),
                                      n_boot=3, hazard_ratio=("m",))
    assert list(draws.columns) == ["replicate", "variant", "measure", "horizon", "estimate", "se"]
    assert set(draws.attrs) == {"replicates", "failed", "failed_variant", "ml_fallback", "unit", "labels", "original"}
    assert list(causal.bootstrap_interval(draws, "m").columns) == ["measure", "horizon", "estimate", "se", "ci_lower",
                                                                   "ci_upper"]


def test_a_variant_that_fails_on_a_resample_loses_that_draw_only():
    d = _survival_data(n=120, seed=4)
    variants = {"ml": {"method": "ipw"}, "smal": {"method": "ipw", "trim": 0.45}}  # narrow trim: no overlap at times
    with np.errstate(invalid="ignore"):
        draws = causal.survival_bootstrap(d, "a", "tijd", "gebeurtenis", ["x"], variants, estimand="ATE",
                                          horizons=(2,), n_boot=40, seed=1)
    lost = draws.attrs["failed_variant"]
    assert draws.attrs["failed"] == 0 and lost["ml"] == 0 and 0 < lost["smal"] < 40
    per_variant = draws.groupby("variant")["replicate"].nunique().to_dict()
    assert per_variant == {"ml": 40, "smal": 40 - lost["smal"]}
    # alone, the same variant's failed draws count as failed draws of the bootstrap
    with np.errstate(invalid="ignore"):
        alone = causal.survival_bootstrap(d, "a", "tijd", "gebeurtenis", ["x"], {"smal": variants["smal"]},
                                          estimand="ATE", horizons=(2,), n_boot=40, seed=1)
    assert alone.attrs["failed"] == lost["smal"] and alone.attrs["failed_variant"] == {"smal": 0}
    # the symmetric bootstrap-t is centred on the estimate
    ci = causal.bootstrap_interval(draws, "ml", "symmetric").set_index("measure").loc["risicosverschil"]
    assert ci["estimate"] - ci["ci_lower"] == pytest.approx(ci["ci_upper"] - ci["estimate"])


def test_a_resample_without_a_balance_solution_falls_back_to_maximum_likelihood():
    rng = np.random.default_rng(2)
    t = np.r_[np.ones(20), np.zeros(20)]
    X = np.column_stack([np.ones(40), np.r_[rng.normal(1.5, 1, 20), rng.normal(-1.5, 1, 20)]])
    X[0, 1], X[25, 1] = -1.0, 1.0  # overlap exists, but barely
    from regio_analysis.causal.bootstrap import _refit_weights
    from regio_analysis.causal.propensity import _fit_balance

    try:
        _fit_balance(t, pd.DataFrame(X), "ATT", "x", "a")
        pytest.skip("this sample has a balance solution")
    except DataError:
        pass
    ps, w, fallback = _refit_weights(t, X, "balance", "ATT", None, "x", "a")
    assert fallback and np.all((ps > 0) & (ps < 1))
    ml_ps, _, ml_fallback = _refit_weights(t, X, "ml", "ATT", None, "x", "a")
    assert not ml_fallback and np.allclose(ps, ml_ps)
