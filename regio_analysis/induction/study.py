"""The induction study's model: does induction keep starting teachers at their board?

A *target trial* is emulated on the employment spells (``dienstverbanden``): eligible are
starting teachers (OP, first job in education) who start in the chosen cohort years; the
strategies are "induction in the first year" versus "no induction"; time zero is the start
of the spell; the outcome is leaving the board (a move to another school of the same board
is not leaving); follow-up runs to leaving or to the end of the data (censoring). Induction
is not assigned at random, so the comparison is adjusted for the measured confounders with
the generic tools of :mod:`regio_analysis.causal` (propensity weights, balance, IPW/AIPW with
censoring weights, weighted Cox, E-value). This module selects the cohort
(:func:`study_cohort`), runs the analyses (:func:`run_study`), knows the true effect in data
made by :mod:`regio_analysis.data.synthetic` (:func:`true_effects`) and validates the
estimators against it (:func:`simulate_replicate`, :func:`validation_table`); the Dutch
readings of the chapter are in :mod:`regio_analysis.induction.chapter`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from regio_analysis import causal
from regio_analysis.causal.checks import _choice
from regio_analysis.data.privacy import describe, protect, suppress_small_cells
from regio_analysis.errors import DataError, Problem

TREATMENT = "inductie"
DURATION = "duration"
EVENT = "event"
CLUSTER = "vestigingscode"
LABELS = ("met inductie", "zonder inductie")
HORIZONS = (1, 3, 5)
ESTIMANDS = causal.ESTIMANDS
FIRST_YEAR, LAST_YEAR = 2019, 2025  # the observation window of the spells
MIN_PER_GROUP = 10  # fewer people in an arm: no estimate is shown (privacy and precision)
N_BOOT = 200  # bootstrap replicates of the main analysis (its 95 % intervals)
BOOT_SEED = 0

#: covariates the study may adjust for, with their Dutch description
COVARIATES: dict[str, str] = {
    "bevoegd": "bevoegdheid",
    "log_school_omvang": "schoolgrootte (log van het aantal leerlingen)",
    "route": "route naar het beroep (regulier, zij-instroom, onbevoegd)",
    "contract": "contractsoort bij de start",
    "leeftijd_start": "leeftijd bij de start",
    "geslacht": "geslacht",
    "fte": "omvang van de aanstelling (fte)",
    "start_jaar": "startjaar (cohort)",
}
DEFAULT_COVARIATES = "bevoegd, log_school_omvang, route, contract"
SOURCE = "<dienstverbanden>"


# ----------------------------------------------------------------------------- parameters


def parse_covariates(text: str) -> list[str]:
    """``"bevoegd, route"`` -> ``["bevoegd", "route"]`` (comma- or space-separated, no doubles)."""
    names = [n.strip() for n in str(text).replace(";", ",").replace(" ", ",").split(",")]
    return list(dict.fromkeys(n for n in names if n))


def check_covariates(text: str) -> str | None:
    """A chapter-parameter check: None when every name is a known covariate."""
    names = parse_covariates(text)
    if not names:
        return "noem minstens één covariaat"
    unknown = [n for n in names if n not in COVARIATES]
    if unknown:
        return f"onbekende covariaat {', '.join(unknown)}; kies uit {', '.join(COVARIATES)}"
    return None


def check_cohort_year(value: int) -> str | None:
    """A chapter-parameter check: a start year inside the observation window."""
    return None if FIRST_YEAR <= value <= LAST_YEAR else f"moet tussen {FIRST_YEAR} en {LAST_YEAR} liggen"


# ----------------------------------------------------------------------------- cohort


@dataclass
class StudyCohort:
    """The analysis rows (one per eligible starter) and the flow of how they were selected."""

    data: pd.DataFrame
    flow: pd.DataFrame
    covariates: list[str]
    cohort_van: int
    cohort_tot: int
    synthetic: bool

    @property
    def n_arms(self) -> dict[str, int]:
        t = self.data[TREATMENT].astype(bool)
        return {LABELS[0]: int(t.sum()), LABELS[1]: int((~t).sum())}

    @property
    def usable(self) -> bool:
        """Both arms have at least :data:`MIN_PER_GROUP` people."""
        return min(self.n_arms.values()) >= MIN_PER_GROUP


def study_cohort(spells: pd.DataFrame, cohort_van: int = 2019, cohort_tot: int = 2024,
                 covariates: str | Sequence[str] = DEFAULT_COVARIATES) -> StudyCohort:
    """Select the eligible starters from ``dienstverbanden`` and count every step.

    Spells are prepared by :func:`regio_analysis.retention.prepare_spells` (leaving the board,
    years). Eligible: starters (first job in education) in function group OP whose spell
    started in ``cohort_van``..``cohort_tot`` (so inside the observation window: no left
    truncation) with all covariates known. The flow's counts below 10 are suppressed.
    """
    from regio_analysis.retention import prepare_spells

    names = parse_covariates(covariates) if isinstance(covariates, str) else list(covariates)
    problem = check_covariates(", ".join(names))
    if problem:
        raise DataError(Problem("<parameters>", f"covariates: {problem}"))
    if cohort_van > cohort_tot:
        raise DataError(Problem("<parameters>", f"cohort_van ({cohort_van}) ligt na cohort_tot ({cohort_tot})"))
    needed = {"starter", "functiegroep", TREATMENT} | {("school_omvang" if n == "log_school_omvang" else n)
                                                        for n in names if n != "start_jaar"}
    missing = sorted(c for c in needed if c not in spells.columns)
    if missing:
        raise DataError([Problem(SOURCE, "kolom ontbreekt (nodig voor de inductiestudie)", column=c) for c in missing])
    prep = prepare_spells(spells, exit_from="bestuur", unit="jaar")
    if "school_omvang" in prep.columns:
        size = pd.to_numeric(prep["school_omvang"], errors="coerce")
        prep["log_school_omvang"] = np.log(size.where(size > 0))
    steps = [("dienstverbanden in de observatieperiode (per persoon en bestuur)", len(prep))]
    d = prep[prep["starter"].fillna(False).astype(bool)]
    steps.append(("waarvan starters (eerste baan in het onderwijs)", len(d)))
    d = d[d["functiegroep"] == "OP"]
    steps.append(("waarvan leraren (OP)", len(d)))
    d = d[d["start_jaar"].between(cohort_van, cohort_tot) & (d["entry"] == 0)]
    steps.append((f"gestart in {cohort_van}–{cohort_tot}", len(d)))
    complete = d[names + [TREATMENT]].notna().all(axis=1)
    d = d[complete].copy()
    steps.append(("met alle kenmerken bekend", len(d)))
    d[TREATMENT] = d[TREATMENT].astype(bool)
    steps.append((f"  {LABELS[0]}", int(d[TREATMENT].sum())))
    steps.append((f"  {LABELS[1]}", int((~d[TREATMENT]).sum())))
    flow = _flow_table(steps)
    synthetic = bool(spells.attrs.get("synthetisch")) or spells.get("bron", pd.Series(dtype=str)).astype(str) \
        .str.contains("synthetisch").any()
    return StudyCohort(data=d.reset_index(drop=True), flow=flow, covariates=names, cohort_van=cohort_van,
                       cohort_tot=cohort_tot, synthetic=bool(synthetic))


def _flow_table(steps: list[tuple[str, int]]) -> pd.DataFrame:
    """The selection flow with counts below 10 suppressed; the two arms add up to the step
    before them, so a hidden arm gets the other arm (or that total) hidden as well."""
    flow = suppress_small_cells(pd.DataFrame(steps, columns=["stap", "aantal"]), "aantal")
    total, arms = len(steps) - 3, [len(steps) - 2, len(steps) - 1]
    values = {i: float(v) for i, (_, v) in enumerate(steps)}
    hidden = protect(values, set(flow.index[flow["aantal"].isna()]),
                     [({arms[0]: 1.0, arms[1]: 1.0, total: -1.0}, 0.0)], margins={total})
    for i in hidden:
        flow.loc[i, ["aantal", "onderdrukt"]] = [np.nan, True]
    return describe(flow, aantallen=["aantal"], geen_aantallen=[], sommen=[[total, arms, "aantal"]])


# ----------------------------------------------------------------------------- analysis


@dataclass
class InductionStudy:
    """All numbers of the induction chapter.

    ``sensitivity`` has one row per analysis: ``analysis`` (its Dutch label), ``hr``, ``hr_lower``,
    ``hr_upper``, the risk difference at the main horizon ``rd``, ``rd_lower``, ``rd_upper``
    (proportions, treated minus control), ``max_smd`` (the largest |SMD| after its weighting),
    ``ess_control`` (the effective number of controls), ``interval`` (``sandwich`` or
    ``bootstrap``) and ``note`` (why an analysis could not be done; empty otherwise).
    """

    cohort: StudyCohort
    estimand: str
    horizon: int
    naive: causal.SurvivalEffect
    main: causal.SurvivalEffect
    balance: pd.DataFrame
    sensitivity: pd.DataFrame
    evalue: causal.EValue
    rare: bool
    notes: list[str] = field(default_factory=list)

    def estimate(self, which: str = "main", measure: str = "risicosverschil", horizon: float | None = None) -> pd.Series:
        """One row (estimate, ci_lower, ci_upper, ...) of the naive or main analysis at ``horizon``."""
        effect = self.main if which == "main" else self.naive
        h = float(self.horizon if horizon is None else horizon)
        rows = effect.horizons[(effect.horizons["measure"] == measure) & (effect.horizons["horizon"] == h)]
        return rows.iloc[0] if not rows.empty else pd.Series(dtype=float)

    @property
    def effects(self) -> pd.DataFrame:
        """The main effect estimates: the hazard ratio (``horizon`` NaN: the whole follow-up), and per
        horizon the risk difference (a proportion) and the RMST difference (years), treated minus
        control. Columns ``measure`` (``hazardratio``, ``risicosverschil``, ``rmst-verschil``),
        ``horizon``, ``estimate``, ``ci_lower``, ``ci_upper``, ``n`` (starters in the Cox model, or
        whose status at the horizon is known)."""
        s = self.main.summary
        out = s[s["measure"].isin(EFFECT_MEASURES)]
        return out[["measure", "horizon", "estimate", "ci_lower", "ci_upper", "n"]].reset_index(drop=True)


#: the measures of :attr:`InductionStudy.effects`
EFFECT_MEASURES = ("hazardratio", "risicosverschil", "rmst-verschil")


def _rd_row(effect: causal.SurvivalEffect, horizon: int) -> dict[str, float]:
    h = effect.horizons
    rd = h[(h["measure"] == "risicosverschil") & (h["horizon"] == float(horizon))]
    if rd.empty:
        return {"rd": np.nan, "rd_lower": np.nan, "rd_upper": np.nan}
    r = rd.iloc[0]
    return {"rd": r["estimate"], "rd_lower": r["ci_lower"], "rd_upper": r["ci_upper"]}


class _Shared(TypedDict):
    """The options of ``causal.survival_effect`` that every analysis of the study shares."""

    estimand: str
    horizons: tuple[float, ...]
    cluster: str | None
    labels: tuple[str, str]


class _Variant(TypedDict, total=False):
    """A sensitivity analysis: the options of ``causal.survival_effect`` it sets."""

    method: str
    weights: causal.PropensityWeights
    fit: str
    trim: float
    splines: int
    interactions: bool
    censoring: str


def run_study(cohort: StudyCohort, estimand: str = "ATT", horizon: int = 3, *,
              cluster: str | None = CLUSTER, n_boot: int = N_BOOT, seed: int = BOOT_SEED) -> InductionStudy:
    """Naive and adjusted estimates, balance, sensitivity analyses and the E-value.

    Main analysis: propensity weights from a logistic model fitted on covariate balance
    (CBPS: the weighted means of the covariates match exactly), AIPW with censoring weights
    (Kaplan-Meier per arm) for the risk and RMST differences at 1, 3 and 5 years, and the
    weighted Cox hazard ratio. The main analysis's 95 % intervals come from ``n_boot``
    bootstrap replicates of the whole pipeline (schools resampled; propensity, censoring and
    outcome models and the Cox model refitted), because the sandwich SEs take the censoring
    weights as known and cover only about 91 % (``benchmarks/causal_validation.py``);
    ``n_boot=0`` gives the sandwich intervals (standard errors clustered by school). The
    naive comparison and the sensitivity analyses keep sandwich intervals. Sensitivity: IPW
    instead of AIPW, the propensity model by maximum likelihood, trimming at [0.05, 0.95], a
    flexible propensity model (splines and interactions), censoring modelled on the covariates.
    Raises DataError when an arm has fewer than :data:`MIN_PER_GROUP` people.
    """
    _choice("estimand", estimand, ESTIMANDS)
    if not cohort.usable:
        raise DataError(Problem(SOURCE, f"te weinig starters per groep voor een schatting ({cohort.n_arms}; "
                                        f"minstens {MIN_PER_GROUP} per groep nodig)", column=TREATMENT))
    df = cohort.data
    cov = cohort.covariates
    cl = cluster if cluster and cluster in df.columns and df[cluster].nunique() > 1 else None
    horizons = tuple(sorted(set(HORIZONS) | {horizon}))
    kw: _Shared = {"estimand": estimand, "horizons": horizons, "cluster": cl, "labels": LABELS}
    main = causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, method="aipw", fit="balance", n_boot=n_boot,
                                  seed=seed, **kw)
    naive = causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, method="naive", weights=main.weights, **kw)
    sd = "treated" if estimand == "ATT" else "pooled"
    balance = causal.balance_table(df, TREATMENT, cov, main.weights, sd=sd)
    notes = list(main.weights.model.notes)

    rows = []

    def add(label: str, effect: causal.SurvivalEffect | None, error: str = "", weighted: bool = True) -> None:
        row = {"analysis": label, "hr": np.nan, "hr_lower": np.nan, "hr_upper": np.nan, "rd": np.nan,
               "rd_lower": np.nan, "rd_upper": np.nan, "max_smd": np.nan, "ess_control": np.nan, "interval": "",
               "note": error}
        if effect is not None:
            bal = causal.balance_table(df, TREATMENT, cov, effect.weights if weighted else None, sd=sd)
            t = df[TREATMENT].to_numpy()
            row.update({"hr": effect.cox.hr, "hr_lower": effect.cox.ci[0], "hr_upper": effect.cox.ci[1],
                        **_rd_row(effect, horizon),
                        "max_smd": causal.max_abs_smd(bal, "gewogen" if weighted else "ongewogen"),
                        "interval": effect.interval,
                        "ess_control": effect.weights.ess[LABELS[1]] if weighted else float((~t).sum())})
        rows.append(row)

    add("naïef (geen correctie)", naive, weighted=False)
    add("hoofdanalyse: AIPW, propensitymodel geschat op balans (CBPS)", main)
    one: _Shared = {**kw, "horizons": (horizon,)}
    variants: tuple[tuple[str, _Variant], ...] = (
        ("IPW in plaats van AIPW", {"method": "ipw", "weights": main.weights}),
        ("propensitymodel geschat met maximale aannemelijkheid", {"method": "aipw", "fit": "ml"}),
        ("trimmen: propensityscore binnen [0,05; 0,95]", {"method": "aipw", "fit": "balance", "trim": 0.05}),
        ("flexibel propensitymodel (splines en interacties)", {"method": "aipw", "fit": "ml", "splines": 3,
                                                                    "interactions": True}),
        ("censurering gemodelleerd op de kenmerken (Cox)", {"method": "aipw", "weights": main.weights, "censoring": "cox"}),
    )
    for label, extra in variants:
        try:
            add(label, causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, **one, **extra))
        except DataError as err:
            add(label, None, str(err))
    sensitivity = pd.DataFrame(rows)

    # E-value of the hazard ratio; the outcome is "rare" when < 15 % left by the longest horizon
    risk_all = 1 - main.km.at([max(horizons)])["survival"].min()
    rare = bool(risk_all < 0.15)
    return InductionStudy(cohort=cohort, estimand=estimand, horizon=horizon, naive=naive, main=main,
                          balance=balance, sensitivity=sensitivity, evalue=main.e_value(rare=rare), rare=rare,
                          notes=notes)


# ----------------------------------------------------------------------------- synthetic ground truth


def true_effects(cohort: pd.DataFrame, spells: pd.DataFrame, horizons: Sequence[float] = HORIZONS,
                 estimand: str = "ATT") -> pd.DataFrame:
    """The true effects in data made by :func:`regio_analysis.data.synthetic.generate_dienstverbanden`.

    The generator's hazard of ending a starter's spell is ``c t^k exp(lp)``, a share
    ``aandeel_binnen_bestuur`` of the ends being moves within the board (censored here), so
    the hazard of leaving the board is ``(1 - aandeel) c t^k exp(lp)`` with the induction
    log hazard ratio ``inductie_log_hr`` in ``lp``. For each row of ``cohort`` this gives the
    risk of leaving by each horizon and the RMST with and without induction; their means
    over the treated (ATT) or over everyone (ATE) are the true values. ``spells`` is the
    generated table (its ``attrs`` hold the parameters; its schools give the standardisation
    of school size). Also returns the true conditional log hazard ratio.
    """
    p = spells.attrs.get("params")
    wb = spells.attrs.get("weibull")
    if not p or not wb:
        raise DataError(Problem(SOURCE, "geen synthetische gegevens: de ware effecten zijn alleen bekend voor data "
                                        "van regio_analysis.data.synthetic"))
    schools = spells.drop_duplicates("vestigingscode")
    log_sizes = np.log(schools["school_omvang"].to_numpy(float))
    z = (np.log(cohort["school_omvang"].to_numpy(float)) - log_sizes.mean()) / (log_sizes.std() or 1.0)
    lp = (p["bevoegd_log_hr"] * cohort["bevoegd"].to_numpy(float) + p["school_omvang_log_hr"] * z
          + p["zij_instroom_log_hr"] * (cohort["route"] == "zij-instroom").to_numpy()
          + p["tijdelijk_log_hr"] * (cohort["contract"] == "tijdelijk").to_numpy())
    rate = (1 - p["aandeel_binnen_bestuur"]) * wb["c"]
    target = cohort[TREATMENT].astype(bool).to_numpy() if estimand == "ATT" else np.ones(len(cohort), bool)
    rows = []
    grid_n = 801
    for h in horizons:
        grid = np.linspace(0.0, float(h), grid_n)
        out = {"horizon": float(h)}
        for a, label in ((1, "behandeld"), (0, "controle")):
            eta = np.exp(lp[target] + a * p["inductie_log_hr"])
            surv = np.exp(-rate * np.outer(eta, grid ** wb["k"]))
            out[f"risico_{label}"] = float(np.mean(1 - surv[:, -1]))
            out[f"rmst_{label}"] = float(np.mean(np.trapezoid(surv, grid, axis=1)))
        out["risicoverschil"] = out["risico_behandeld"] - out["risico_controle"]
        out["rmst_verschil"] = out["rmst_behandeld"] - out["rmst_controle"]
        rows.append(out)
    result = pd.DataFrame(rows)
    result.attrs["log_hr"] = float(p["inductie_log_hr"])
    return result


#: the bootstrap intervals compared in :func:`simulate_replicate` (causal.bootstrap_interval
#: method -> label); "bootstrap" is the chapter's
BOOTSTRAP_INTERVALS = {"mover": "bootstrap", "studentized": "bootstrap_studentized", "sd": "bootstrap_sd",
                       "percentile": "bootstrap_percentiel", "symmetric": "bootstrap_symmetrisch"}

#: the estimators compared in :func:`simulate_replicate` (name -> survival_effect options)
VALIDATION_METHODS: dict[str, dict[str, Any]] = {
    "naief": {"method": "naive"},
    "ipw_ml": {"method": "ipw", "fit": "ml"},
    "ipw_cbps": {"method": "ipw", "fit": "balance"},
    "aipw_ml": {"method": "aipw", "fit": "ml"},
    "aipw_cbps": {"method": "aipw", "fit": "balance"},
}


def simulate_replicate(region, seed: int, params=None, *, horizon: int = 3, estimand: str = "ATT",
                       cohort_van: int = 2019, cohort_tot: int = 2024, covariates: str = DEFAULT_COVARIATES,
                       n_boot: int = 0, cluster: str | None = None) -> list[dict[str, Any]]:
    """One replication of the validation: generate spells, estimate, compare with the truth.

    Generates ``dienstverbanden`` for ``region`` (a RegionData) with ``seed`` and
    ``params`` (:class:`regio_analysis.data.synthetic.SyntheticParams`), builds the study cohort
    and returns one row per estimator, target and interval: the risk difference and the RMST
    difference at ``horizon`` (truth from :func:`true_effects`), and the log hazard ratio
    (truth: the generator's conditional ``inductie_log_hr``; the naive, the IPW-weighted
    marginal and the covariate-adjusted Cox model). ``interval`` is ``"sandwich"`` (SEs of
    :func:`causal.survival_effect`, clustered on ``cluster``) and, with ``n_boot > 0``,
    ``"bootstrap"``: the chapter's interval, ``n_boot`` replicates of the whole pipeline
    (:func:`causal.survival_bootstrap`, resampling ``cluster``), shared by the estimators.
    """
    from regio_analysis.data.synthetic import SyntheticParams, generate_dienstverbanden

    spells = generate_dienstverbanden(region, seed=seed, params=params or SyntheticParams())
    cohort = study_cohort(spells, cohort_van, cohort_tot, covariates)
    df, cov = cohort.data, cohort.covariates
    truth = true_effects(df, spells, (horizon,), estimand).iloc[0]
    log_hr = float(spells.attrs["params"]["inductie_log_hr"])
    base = {"regio": region.regio_id, "seed": seed, "n": len(df), "n_behandeld": cohort.n_arms[LABELS[0]]}
    targets = (("risicoverschil", "risicosverschil", truth["risicoverschil"]),
               ("rmst_verschil", "rmst-verschil", truth["rmst_verschil"]))
    rows = []
    weights: dict[str, causal.PropensityWeights] = {}
    estimates: dict[tuple[str, str], float] = {}
    for name, options in VALIDATION_METHODS.items():
        fit = options.get("fit", "ml")
        if fit not in weights:
            weights[fit] = causal.propensity_weights(df, TREATMENT, cov, estimand, fit=fit, labels=LABELS)
        effect = causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, estimand=estimand, horizons=(horizon,),
                                        method=options["method"], weights=weights[fit], cluster=cluster, labels=LABELS)
        h = effect.horizons
        for target, measure, true in targets:
            r = h[h["measure"] == measure].iloc[0]
            estimates[(name, measure)] = r["estimate"]
            rows.append({**base, "methode": name, "doel": f"{target}_{horizon}j", "interval": "sandwich",
                         "schatting": r["estimate"], "se": r["se"], "waarheid": true})
        if name in ("naief", "ipw_cbps"):
            estimates[(name, "log_hr")] = effect.cox.log_hr
            rows.append({**base, "methode": name, "doel": "log_hr", "interval": "sandwich",
                         "schatting": effect.cox.log_hr, "se": effect.cox.se, "waarheid": log_hr})
    adj = causal.weighted_cox(df, DURATION, EVENT, TREATMENT, None, covariates=cov, cluster=cluster)
    rows.append({**base, "methode": "cox_gecorrigeerd", "doel": "log_hr", "interval": "sandwich",
                 "schatting": adj.log_hr, "se": adj.se, "waarheid": log_hr})
    if n_boot:
        variants = {name: {"method": o["method"], **({"weights": weights[o.get("fit", "ml")]}
                                                      if o["method"] != "naive" else {})}
                    for name, o in VALIDATION_METHODS.items()}
        draws = causal.survival_bootstrap(df, TREATMENT, DURATION, EVENT, cov, variants, estimand=estimand,
                                          horizons=(horizon,), cluster=cluster, n_boot=n_boot, seed=seed,
                                          hazard_ratio=("ipw_cbps",), labels=LABELS)
        failed = draws.attrs["failed"]
        lost = draws.attrs["failed_variant"]  # draws in which only that estimator could not be fitted
        base["boot_mislukt"] = failed
        rows = [{**r, "boot_mislukt": failed + lost.get(r["methode"], 0)} for r in rows]
        for kind, label in BOOTSTRAP_INTERVALS.items():
            for name in VALIDATION_METHODS:
                ci = causal.bootstrap_interval(draws, name, kind).set_index("measure")
                for target, measure, true in targets:
                    r = ci.loc[measure]
                    rows.append({**base, "boot_mislukt": failed + lost[name], "methode": name,
                                 "boot_ml_terugval": draws.attrs["ml_fallback"][name],
                                 "doel": f"{target}_{horizon}j", "interval": label,
                                 "schatting": r["estimate"], "se": r["se"], "ci_laag": r["ci_lower"],
                                 "ci_hoog": r["ci_upper"], "waarheid": true})
        r = causal.bootstrap_interval(draws, "ipw_cbps").set_index("measure").loc["log_hr"]
        rows.append({**base, "methode": "ipw_cbps", "doel": "log_hr", "interval": "bootstrap",
                     "schatting": estimates[("ipw_cbps", "log_hr")], "se": r["se"], "ci_laag": r["ci_lower"],
                     "ci_hoog": r["ci_upper"], "waarheid": log_hr})
    return rows


def validation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Bias, SE and 95 % CI coverage per estimator and target over replications."""
    lo = rows["schatting"] - causal.Z95 * rows["se"]
    hi = rows["schatting"] + causal.Z95 * rows["se"]
    if "ci_laag" in rows:  # an interval of its own (bootstrap); Wald otherwise
        lo, hi = rows["ci_laag"].fillna(lo), rows["ci_hoog"].fillna(hi)
    d = rows.assign(fout=rows["schatting"] - rows["waarheid"],
                    gedekt=(lo <= rows["waarheid"]) & (rows["waarheid"] <= hi))
    keys = ["doel", "methode"] + (["interval"] if "interval" in d.columns else [])
    g = d.groupby(keys, sort=False)
    out = pd.DataFrame({
        "replicaties": g.size(),
        "waarheid": g["waarheid"].mean(),
        "gem_schatting": g["schatting"].mean(),
        "bias": g["fout"].mean(),
        "sd_schatting": g["schatting"].std(ddof=1),
        "gem_se": g["se"].mean(),
        "rmse": g["fout"].apply(lambda e: float(np.sqrt(np.mean(e ** 2)))),
        "dekking_95": g["gedekt"].mean(),
    }).reset_index()
    out["bias_per_se"] = out["bias"] / out["gem_se"]
    out["mc_se_bias"] = out["sd_schatting"] / np.sqrt(out["replicaties"])
    out["mc_se_dekking"] = np.sqrt(out["dekking_95"] * (1 - out["dekking_95"]) / out["replicaties"])
    return out
