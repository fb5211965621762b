"""regio_analysis.retention against R's survival package (values stored; CI needs no R).

The reference values in ``tests/reference/retention_r/reference.json`` were produced by
``tests/reference/retention_r/reference.R`` (R and survival versions are in its ``meta``)
from the CSV files that lifelines ships (rossi, waltons, lung, stanford_heart,
multicenter_aids_cohort) and from R's ``mgus2`` (exported to ``mgus2.csv``), so both sides
read identical data. Agreement is required to 1e-4.

A second set (``survival_datasets.R`` -> ``survival_datasets.json``) uses survival's own
veteran, ovarian, colon, pbc and cgd (exported with added weights and delayed entry to CSV
files beside it) and is required to agree to 1e-6.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regio_analysis.retention import (
    cox,
    cumulative_incidence,
    discrete_time_hazard,
    kaplan_meier,
    logrank_test,
    median_survival,
    rmst,
    survival_at,
    to_person_period,
)

REF_DIR = Path(__file__).resolve().parent / "reference" / "retention_r"
R = json.loads((REF_DIR / "reference.json").read_text())
TOL = 1e-4


def _datasets_dir() -> Path:
    lifelines = pytest.importorskip("lifelines")
    return Path(lifelines.__file__).resolve().parent / "datasets"


@pytest.fixture(scope="module")
def data():
    d = _datasets_dir()
    rossi = pd.read_csv(d / "rossi.csv")
    rossi["w"] = 0.5 + (rossi["age"] % 7) / 4
    lung = pd.read_csv(d / "lung.csv")
    lung["w_int"] = 1 + lung["age"] % 3
    lung["w"] = 0.5 + (lung["age"] % 7) / 4
    mgus2 = pd.read_csv(REF_DIR / "mgus2.csv")
    mgus2["pcm"] = (mgus2["event"] == 1).astype(int)
    mgus2["death"] = (mgus2["event"] == 2).astype(int)
    mgus2["oorzaak"] = mgus2["event"].map({0: "", 1: "pcm", 2: "death"})
    mgus2["any"] = (mgus2["event"] > 0).astype(int)
    return {
        "rossi": rossi,
        "waltons": pd.read_csv(d / "waltons_dataset.csv"),
        "lung": lung,
        "lung_cc": lung.dropna(subset=["inst", "ph.ecog"]).reset_index(drop=True),
        "heart": pd.read_csv(d / "stanford_heart.csv"),
        "aids": pd.read_csv(d / "multicenter_aids_cohort.tsv", sep="\t"),
        "mgus2": mgus2,
    }


def arr(values):
    return np.array([np.nan if v is None else v for v in np.atleast_1d(values)], float)


def close(ours, ref, tol=TOL):
    ours, ref = np.asarray(ours, float), arr(ref)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    np.testing.assert_allclose(ours, ref, atol=tol, rtol=0, equal_nan=True)


# ----------------------------------------------------------------------------- Kaplan-Meier

KM_CASES = {
    "km_waltons": ("waltons", "T", "E", {"by": "group"}),
    "km_lung": ("lung", "time", "status", {}),
    "km_lung_wint": ("lung", "time", "status", {"weights": "w_int"}),  # Greenwood on weighted counts
    "km_lung_w": ("lung", "time", "status", {"weights": "w"}),  # robust (IJ) variance, as R
    "km_aids_trunc": ("aids", "T", "D", {"entry": "W"}),  # left truncation
}


@pytest.mark.parametrize("conf_type", ["log", "log-log"])
@pytest.mark.parametrize("case", list(KM_CASES))
def test_kaplan_meier_matches_survfit(data, case, conf_type):
    name, t, e, kw = KM_CASES[case]
    km = kaplan_meier(data[name], t, e, conf_type=conf_type, **kw)
    ref = R[case][conf_type.replace("-", "_")]
    close(km["time"], ref["time"])
    close(km["at_risk"], ref["n_risk"])
    close(km["events"], ref["n_event"])
    close(km["survival"], ref["surv"])
    close(km["se"], ref["std_err"])
    close(km["ci_lower"], ref["lower"])
    close(km["ci_upper"], ref["upper"])
    med = median_survival(km)
    mref = R[case]["median_" + conf_type.replace("-", "_")]
    close(med["mediaan"], mref["median"])
    close(med["ci_lower"], mref["lower"])
    close(med["ci_upper"], mref["upper"])
    key = "horizons_" + conf_type.replace("-", "_")
    if key in R[case]:
        href = R[case][key]
        h = survival_at(data[name], t, e, href["time"] if isinstance(href["time"], list) else [href["time"]],
                        conf_type=conf_type, **kw)
        close(h["survival"], href["surv"])
        close(h["se"], href["std_err"])
        close(h["ci_lower"], href["lower"])
        close(h["ci_upper"], href["upper"])
        close(h["at_risk"], href["n_risk"])


@pytest.mark.parametrize("case", ["km_waltons", "km_lung"])
def test_rmst_matches_print_survfit(data, case):
    name, t, e, kw = KM_CASES[case]
    ref = R[case]["rmst"]
    out = rmst(data[name], t, e, ref["tau"], **kw)
    close(out["rmst"], ref["rmean"])
    close(out["se"], ref["se"])


@pytest.mark.parametrize("case, args", [
    ("logrank_waltons", ("waltons", "T", "E", "group", None)),
    ("logrank_lung_sex", ("lung", "time", "status", "sex", None)),
    ("logrank_rossi_fin_strata", ("rossi", "week", "arrest", "fin", "wexp")),
])
def test_logrank_matches_survdiff(data, case, args):
    name, t, e, group, strata = args
    out = logrank_test(data[name], t, e, group, strata=strata)
    ref = R[case]
    assert out.chisq == pytest.approx(ref["chisq"], abs=TOL)
    assert out.df == ref["df"]
    close(out.summary["observed"], ref["observed"])
    close(out.summary["expected"], ref["expected"])


# ----------------------------------------------------------------------------- Cox

ROSSI_ALL = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]
LUNG = ["age", "sex", "ph.ecog"]
HEART = ["age", "year", "surgery", "transplant"]
COX_CASES = {
    "cox_rossi_efron": ("rossi", "week", "arrest", ROSSI_ALL, {}),
    "cox_rossi_breslow": ("rossi", "week", "arrest", ROSSI_ALL, {"ties": "breslow"}),
    "cox_rossi_strata": ("rossi", "week", "arrest", ["fin", "age", "prio"], {"strata": ["wexp", "mar"]}),
    "cox_rossi_weights": ("rossi", "week", "arrest", ["fin", "age", "prio"], {"weights": "w"}),
    "cox_rossi_weights_robust": ("rossi", "week", "arrest", ["fin", "age", "prio"], {"weights": "w", "robust": True}),
    "cox_rossi_weights_breslow": ("rossi", "week", "arrest", ["fin", "age", "prio"],
                                  {"weights": "w", "robust": True, "ties": "breslow"}),
    "cox_lung_cluster_efron": ("lung_cc", "time", "status", LUNG, {"cluster": "inst"}),
    "cox_lung_cluster_breslow": ("lung_cc", "time", "status", LUNG, {"cluster": "inst", "ties": "breslow"}),
    "cox_lung_cluster_weights": ("lung_cc", "time", "status", LUNG, {"cluster": "inst", "weights": "w"}),
    "cox_heart_efron": ("heart", "stop", "event", HEART, {"entry": "start", "cluster": "id"}),
    "cox_heart_breslow": ("heart", "stop", "event", HEART, {"entry": "start", "cluster": "id", "ties": "breslow"}),
    "cox_aids_trunc": ("aids", "T", "D", ["AIDSY"], {"entry": "W"}),
    "cox_mgus2_pcm": ("mgus2", "etime", "pcm", ["age", "sex"], {}),
    "cox_mgus2_death": ("mgus2", "etime", "death", ["age", "sex"], {}),
}


@pytest.mark.parametrize("case", list(COX_CASES))
def test_cox_matches_coxph(data, case):
    name, t, e, covs, kw = COX_CASES[case]
    fit = cox(data[name], t, e, covs, **kw)
    ref = R[case]
    assert fit.converged
    assert [n.replace("[", "").replace("]", "") for n in fit.summary.index] == list(np.atleast_1d(ref["names"]))
    close(fit.summary["coef"], ref["coef"])
    close(fit.summary["se"], ref["se"])
    if "naive_se" in ref:
        assert fit.robust
        close(np.sqrt(np.diag(fit.naive_var)), ref["naive_se"])
    assert fit.loglik == pytest.approx(ref["loglik"], abs=TOL)
    assert fit.concordance == pytest.approx(ref["concordance"], abs=TOL)
    np.testing.assert_allclose(fit.summary["hr"], np.exp(arr(ref["coef"])), rtol=TOL)


def test_cox_efron_agrees_with_lifelines(data):
    """A library cross-check beside R: lifelines' CoxPHFitter gives the same Efron estimates."""
    fit = cox(data["rossi"], "week", "arrest", ROSSI_ALL)
    ll = fit.lifelines
    np.testing.assert_allclose(ll.params_.to_numpy(), fit.summary["coef"].to_numpy(), atol=1e-5)
    np.testing.assert_allclose(ll.standard_errors_.to_numpy(), fit.summary["se"].to_numpy(), atol=1e-5)


# ----------------------------------------------------------------------------- discrete time


def rossi_person_period(rossi):
    spells = rossi.assign(maanden=rossi["week"] / 4)
    return to_person_period(spells, "maanden", "arrest", entry=None, covariates=["fin", "age", "prio"])


@pytest.mark.parametrize("link, case", [("cloglog", "glm_rossi_cloglog"), ("logit", "glm_rossi_logit")])
def test_discrete_time_glm_matches_r_glm(data, link, case):
    spells = data["rossi"].assign(maanden=data["rossi"]["week"] / 4)
    pp = rossi_person_period(data["rossi"])
    assert len(pp) == R["glm_rossi_cloglog"]["n_rows"]
    for aggregate in (False, True):
        res = discrete_time_hazard(spells, "maanden", "arrest", ["fin", "age", "prio"], link=link, entry=None,
                                   aggregate=aggregate)
        ref = R[case]
        close(res.summary.loc[ref["names"], "coef"], ref["coef"])
        close(res.summary.loc[ref["names"], "se"], ref["se"])


# ----------------------------------------------------------------------------- competing risks


def test_aalen_johansen_matches_multistate_survfit(data):
    ref = R["aj_mgus2"]
    ci = cumulative_incidence(data["mgus2"], "etime", "oorzaak", times=ref["time"], conf_type="log")
    pcm = ci[ci["oorzaak"] == "pcm"]
    death = ci[ci["oorzaak"] == "death"]
    close(pcm["cif"], ref["pcm"])
    close(death["cif"], ref["death"])
    close(pcm["se"], ref["pcm_se"])
    close(death["se"], ref["death_se"])
    close(pcm["ci_lower"], ref["pcm_lower"])
    close(pcm["ci_upper"], ref["pcm_upper"])


# ----------------------------------------------------------------------------- survival's own datasets
# veteran, ovarian, colon, pbc and cgd with added weights and delayed entry
# (tests/reference/retention_r/survival_datasets.R); agreement to 1e-6.

S = json.loads((REF_DIR / "survival_datasets.json").read_text())
TOL6 = 1e-6


@pytest.fixture(scope="module")
def sdata():
    d = {name: pd.read_csv(REF_DIR / f"{name}.csv") for name in ("veteran", "ovarian", "colon", "pbc", "cgd")}
    d["colon_death"] = d["colon"][d["colon"]["etype"] == 2].reset_index(drop=True)
    d["colon_cc"] = d["colon"].dropna(subset=["nodes"]).reset_index(drop=True)
    d["colon_cc_death"] = d["colon_cc"][d["colon_cc"]["etype"] == 2].reset_index(drop=True)
    d["pbc312"] = d["pbc"].dropna(subset=["trt"]).reset_index(drop=True)
    return d


S_KM = {
    "km_veteran_trt": ("veteran", "time", "status", {"by": "trt"}),
    "km_veteran_celltype_w": ("veteran", "time", "status", {"by": "celltype", "weights": "w"}),
    "km_veteran_entry": ("veteran", "time", "status", {"entry": "entry"}),
    "km_ovarian_rx_wint": ("ovarian", "futime", "fustat", {"by": "rx", "weights": "w_int"}),
    "km_pbc_trt_entry": ("pbc", "time", "dood", {"by": "trt", "entry": "entry"}),  # 106 empty trt: dropped
    "km_colon_rx_entry_w": ("colon_death", "time", "status", {"by": "rx", "entry": "entry", "weights": "w"}),
    "km_cgd_treat_cluster": ("cgd", "tstop", "status", {"by": "treat", "entry": "tstart", "cluster": "id"}),
}


def _km_rows(km, by, label):
    """The rows of our table for R's stratum label (``trt=1``), or all rows."""
    if not by:
        return km
    value = label.split("=", 1)[1]
    return km[km[by].astype(str).str.replace(r"\.0$", "", regex=True) == value]


@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
@pytest.mark.parametrize("case", list(S_KM))
def test_kaplan_meier_matches_survfit_on_survival_datasets(sdata, case, conf_type):
    name, t, e, kw = S_KM[case]
    km = kaplan_meier(sdata[name], t, e, conf_type=conf_type, **kw)
    key = conf_type.replace("-", "_")
    ref = S[case][key]
    by = kw.get("by")
    labels = list(dict.fromkeys(ref["strata"])) if "strata" in ref else [None]
    strata = np.array(ref.get("strata", [None] * len(np.atleast_1d(ref["time"]))))
    med = median_survival(km)
    mref = S[case]["median_" + key]
    for i, label in enumerate(labels):
        ours = _km_rows(km, by, label) if label else km
        sel = strata == label
        for col, rcol in [("time", "time"), ("at_risk", "n_risk"), ("events", "n_event"), ("survival", "surv"),
                          ("se", "std_err"), ("ci_lower", "lower"), ("ci_upper", "upper")]:
            close(ours[col], arr(ref[rcol])[sel], tol=TOL6)
        m = _km_rows(med, by, label) if label else med
        for col, rcol in [("mediaan", "median"), ("ci_lower", "lower"), ("ci_upper", "upper")]:
            close(m[col], arr(mref[rcol])[i], tol=TOL6)
    if by:
        assert km.attrs["weggelaten"] == int(sdata[name][by].isna().sum())


S_LOGRANK = {
    "logrank_veteran_celltype": ("veteran", "time", "status", "celltype", {}),
    "logrank_veteran_trt_strata": ("veteran", "time", "status", "trt", {"strata": "celltype"}),
    "logrank_ovarian_rx": ("ovarian", "futime", "fustat", "rx", {}),
    "logrank_pbc_trt": ("pbc", "time", "dood", "trt", {}),  # rows with empty trt dropped
    "logrank_colon_rx_strata": ("colon_death", "time", "status", "rx", {"strata": "sex"}),
    "logrank_veteran_trt_entry": ("veteran", "time", "status", "trt", {"entry": "entry"}),
    "logrank_veteran_celltype_entry": ("veteran", "time", "status", "celltype", {"entry": "entry"}),
    "logrank_pbc_trt_entry": ("pbc312", "time", "dood", "trt", {"entry": "entry"}),
}


@pytest.mark.parametrize("case", list(S_LOGRANK))
def test_logrank_matches_survdiff_on_survival_datasets(sdata, case):
    name, t, e, group, kw = S_LOGRANK[case]
    out = logrank_test(sdata[name], t, e, group, **kw)
    ref = S[case]
    assert out.chisq == pytest.approx(ref["chisq"], abs=TOL6)
    assert out.summary is out.table and out["chisq"] == out.chisq  # the old dict access still works
    if "groups" in ref:
        assert out.df == ref["df"]
        table = out.summary.assign(g=out.summary[group].astype(str).str.replace(r"\.0$", "", regex=True))
        table = table.set_index("g").loc[ref["groups"]]
        close(table["observed"], ref["observed"], tol=TOL6)
        close(table["expected"], ref["expected"], tol=TOL6)
    assert out.weggelaten == int(sdata[name][group].isna().sum())


def test_exact_score_test_is_the_logrank_test():
    """The delayed-entry references use coxph's exact-ties score test: equal to survdiff where both apply."""
    ref = S["check_exact_score_is_survdiff"]
    assert ref["score"] == pytest.approx(ref["survdiff"], rel=1e-10)


VET = ["trt", "celltype", "karno", "diagtime", "age", "prior"]
VET_REF = {"reference": {"celltype": "squamous"}}  # R's factor order
S_COX = {
    "cox_veteran_efron": ("veteran", "time", "status", VET, VET_REF),
    "cox_veteran_breslow": ("veteran", "time", "status", VET, VET_REF | {"ties": "breslow"}),
    "cox_veteran_weights": ("veteran", "time", "status", VET, VET_REF | {"weights": "w"}),
    "cox_veteran_strata": ("veteran", "time", "status", ["trt", "karno", "age"], {"strata": "celltype"}),
    "cox_veteran_entry": ("veteran", "time", "status", ["trt", "celltype", "karno"], VET_REF | {"entry": "entry"}),
    "cox_veteran_entry_weights_breslow": ("veteran", "time", "status", ["trt", "celltype", "karno"],
                                          VET_REF | {"entry": "entry", "weights": "w", "ties": "breslow"}),
    "cox_ovarian_efron": ("ovarian", "futime", "fustat", ["age", "ecog.ps", "rx"], {}),
    "cox_ovarian_wint": ("ovarian", "futime", "fustat", ["age", "ecog.ps", "rx"], {"weights": "w_int"}),
    "cox_colon_cluster": ("colon_cc", "time", "status", ["rx", "sex", "age", "nodes"],
                          {"strata": "etype", "cluster": "id", "reference": {"rx": "Obs"}}),
    "cox_colon_cluster_breslow": ("colon_cc", "time", "status", ["rx", "sex", "age", "nodes"],
                                  {"strata": "etype", "cluster": "id", "ties": "breslow", "reference": {"rx": "Obs"}}),
    "cox_colon_entry_weights": ("colon_cc_death", "time", "status", ["rx", "age", "nodes"],
                                {"entry": "entry", "weights": "w", "reference": {"rx": "Obs"}}),
    "cox_pbc_efron": ("pbc312", "time", "dood", ["age", "edema", "lbili", "albumin", "protime"], {}),
    "cox_pbc_breslow": ("pbc312", "time", "dood", ["age", "edema", "lbili", "albumin", "protime"], {"ties": "breslow"}),
    "cox_pbc_entry_weights": ("pbc312", "time", "dood", ["age", "edema", "lbili", "albumin", "protime"],
                              {"entry": "entry", "weights": "w"}),
    "cox_cgd_efron": ("cgd", "tstop", "status", ["treat", "sex", "age", "inherit", "steroids", "propylac"],
                      {"entry": "tstart", "cluster": "id", "reference": {"sex": "male"}}),
    "cox_cgd_breslow": ("cgd", "tstop", "status", ["treat", "sex", "age", "inherit", "steroids", "propylac"],
                        {"entry": "tstart", "cluster": "id", "ties": "breslow", "reference": {"sex": "male"}}),
    "cox_cgd_strata_weights": ("cgd", "tstop", "status", ["treat", "age", "inherit"],
                               {"entry": "tstart", "cluster": "id", "weights": "w", "strata": "hos.cat"}),
}


def _r_names(index):
    return [n.replace("[", "").replace("]", "") for n in index]


@pytest.mark.parametrize("case", list(S_COX))
def test_cox_matches_coxph_on_survival_datasets(sdata, case):
    name, t, e, covs, kw = S_COX[case]
    fit = cox(sdata[name], t, e, covs, **kw)
    ref = S[case]
    assert fit.converged and not fit.not_estimable
    s = fit.summary.set_axis(_r_names(fit.summary.index)).loc[np.atleast_1d(ref["names"])]
    close(s["coef"], ref["coef"], tol=TOL6)
    close(s["se"], ref["se"], tol=TOL6)
    if "naive_se" in ref:
        assert fit.robust
        naive = pd.Series(np.sqrt(np.diag(fit.naive_var)), index=_r_names(fit.summary.index))
        close(naive.loc[np.atleast_1d(ref["names"])], ref["naive_se"], tol=TOL6)
    assert fit.loglik == pytest.approx(ref["loglik"], abs=TOL6)
    assert fit.concordance == pytest.approx(ref["concordance"], abs=TOL6)
    for cov, level in kw.get("reference", {}).items():  # the summary names the reference level
        assert set(fit.summary.loc[fit.summary.index.str.startswith(f"{cov}["), "referentie"]) == {level}


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cox_not_estimable_coefficient_is_nan_and_the_others_match_r(sdata, ties):
    """A group without events: R warns and estimates the others; we report that one as NaN."""
    ref = S[f"cox_veteran_not_estimable_{ties}"]
    assert ref["infinite_coef"] < -15  # R's "coefficient may be infinite"
    with pytest.warns(UserWarning, match=r"`groep\[c\]` is niet te schatten"):
        fit = cox(sdata["veteran"], "time", "status", ["groep", "karno", "age"], ties=ties)
    assert fit.converged and fit.not_estimable == ["groep[c]"]
    assert fit.summary.loc["groep[c]", ["coef", "se", "hr", "p"]].isna().all()
    s = fit.summary.set_axis(_r_names(fit.summary.index)).loc[ref["names"]]
    close(s["coef"], ref["coef"], tol=TOL6)
    close(s["se"], ref["se"], tol=TOL6)


def test_discrete_time_fit_where_irls_runs_away():
    """53 weighted spells on which statsmodels' IRLS (no step-halving) runs the cloglog fit away to 1e14, and
    R's glm sends period 6's intercept to 1.6e15 while saying it converged: the estimates must be the
    maximum of the likelihood, found here directly (BFGS from five starts; the cloglog binomial
    log-likelihood is concave, so they agree), and for the logit link R's glm (4.2, which converges here):
    coef 0.919394449373 and 0.526290008533, SE 0.302528707810 and 0.153824641359. Period 7, in which
    no one leaves, has hazard 0 and no intercept to estimate."""
    from scipy import optimize

    spells = pd.read_csv(Path(__file__).parent / "fixtures" / "retention" / "irls_divergent.csv")
    pp = to_person_period(spells, "tijd", "status", entry=None, covariates=["g", "x"], aggregate=False, weights="w")
    pp = pp[pp["periode"] < 7]
    x = np.hstack([pd.get_dummies(pp["periode"]).to_numpy(float),
                   np.c_[(pp["g"] == "b").to_numpy(float), pp["x"].to_numpy(float)]])
    n = pp["gewicht"].to_numpy(float)
    e = pp["event"].to_numpy(float) * n

    def nll(beta):
        p = np.clip(-np.expm1(-np.exp(x @ beta)), 1e-300, 1 - 1e-16)
        return -(e * np.log(p) + (n - e) * np.log1p(-p)).sum()

    maxima = [optimize.minimize(nll, np.random.default_rng(s).normal(size=x.shape[1]) * 0.5, method="BFGS",
                                options={"gtol": 1e-10, "maxiter": 10_000}).x[-2:] for s in range(5)]
    np.testing.assert_allclose(maxima, [maxima[0]] * 5, atol=1e-6)
    for aggregate in (False, True):
        fit = discrete_time_hazard(spells, "tijd", "status", ["g", "x"], weights="w", aggregate=aggregate)
        np.testing.assert_allclose(fit.summary["coef"], maxima[0], atol=1e-5)
        assert fit.baseline.set_index("periode").loc[7, "hazard"] == 0.0
        logit = discrete_time_hazard(spells, "tijd", "status", ["g", "x"], weights="w", link="logit",
                                     aggregate=aggregate)
        close(logit.summary["coef"], [0.919394449373, 0.526290008533])
        close(logit.summary["se"], [0.302528707810, 0.153824641359])
