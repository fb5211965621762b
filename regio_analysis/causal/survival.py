"""Survival contrasts of a treatment: weighted Kaplan-Meier curves per arm, the marginal hazard
ratio from a weighted Cox model with a robust (clustered) SE, and per horizon the risk of the
event and the restricted mean survival time (RMST) per arm and their differences, by IPCW
combined with IPW or AIPW (:func:`survival_effect`), with sandwich or bootstrap intervals.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from regio_analysis.causal.bootstrap import bootstrap_interval, survival_bootstrap
from regio_analysis.causal.censoring import _censoring_model, _ipcw
from regio_analysis.causal.checks import _check, _check_survival, _choice
from regio_analysis.causal.constants import CENSORING_MODELS, DEFAULT_LABELS, DIFFERENCES, SOURCE, Z95
from regio_analysis.causal.estimators import _wald, effect_plot, estimate_effect
from regio_analysis.causal.propensity import PropensityWeights, _weights_array, main_effects_design, propensity_weights
from regio_analysis.causal.sensitivity import EValue, e_value
from regio_analysis.errors import DataError, Problem


@dataclass
class KaplanMeierCurves:
    """Kaplan-Meier curves per group (optionally weighted): :func:`regio_analysis.retention.kaplan_meier`.

    ``table`` is retention's tidy table with a ``group`` column; ``se_type`` says which
    standard error the intervals use (``robust``: infinitesimal jackknife, as R's
    ``survfit(..., weights=, robust=TRUE)``; ``greenwood`` without weights).
    """

    table: pd.DataFrame
    weighted: bool
    conf_type: str
    se_type: str

    @property
    def groups(self) -> list[str]:
        return list(self.table["group"].cat.categories)

    @property
    def summary(self) -> pd.DataFrame:
        """Every step of every curve: ``group``, ``time``, ``at_risk``, ``survival``, ``se``, ``ci_lower``,
        ``ci_upper``."""
        t = self.table
        return pd.DataFrame({"group": t["group"].astype(str), "time": t["time"].to_numpy(float),
                             "at_risk": t["at_risk"].to_numpy(float), "survival": t["survival"].to_numpy(float),
                             "se": t["se"].to_numpy(float), "ci_lower": t["ci_lower"].to_numpy(float),
                             "ci_upper": t["ci_upper"].to_numpy(float)})

    def _curve(self, label: str) -> pd.DataFrame:
        return self.table[self.table["group"] == label]

    def at(self, times: Sequence[float]) -> pd.DataFrame:
        """Survival per group at ``times`` (tidy: group, time, survival, ci_lower, ci_upper)."""
        rows = []
        for label in self.groups:
            g = self._curve(label)
            tg = g["time"].to_numpy(float)
            for t in times:
                pos = np.searchsorted(tg, float(t), side="right") - 1
                vals: tuple[float, ...]
                if pos < 0:
                    vals = (1.0, 1.0, 1.0)
                else:
                    vals = tuple(float(g[c].iloc[pos]) for c in ("survival", "ci_lower", "ci_upper"))
                rows.append({"group": label, "time": float(t), "survival": vals[0], "ci_lower": vals[1],
                             "ci_upper": vals[2]})
        return pd.DataFrame(rows, columns=["group", "time", "survival", "ci_lower", "ci_upper"])

    def plot(self, ax: Axes | None = None, risk: bool = True, unit: str = "jaar") -> Axes:
        """Curves of the cumulative risk (``risk=True``: 1 - S) or of survival per group."""
        if ax is None:
            _, ax = plt.subplots()
        for label in self.groups:
            g = self._curve(label)
            x = np.concatenate([[0.0], g["time"].to_numpy(float)])
            sf = np.concatenate([[1.0], g["survival"].to_numpy(float)])
            ax.step(x, 1 - sf if risk else sf, where="post", label=label)
        ax.set_xlabel(f"tijd sinds start ({unit})")
        ax.set_ylabel("cumulatief aandeel vertrokken" if risk else "aandeel nog in dienst")
        ax.set_ylim(0, 1 if not risk else max(0.05, min(1.0, ax.get_ylim()[1])))
        ax.legend()
        return ax


def weighted_km(df: pd.DataFrame, duration: str, event: str, group: str, weights=None, *,
                entry: str | None = None, labels: dict | None = None, conf_type: str = "log-log",
                file: str = SOURCE) -> KaplanMeierCurves:
    """Kaplan-Meier per value of ``group`` with optional case weights (:func:`retention.kaplan_meier`).

    With inverse probability of treatment weights these are the curves of the weighted
    (pseudo-)population. With weights the standard errors are the robust (infinitesimal
    jackknife) ones, as R's ``survfit(..., weights=, robust=TRUE)``: they do not change when
    all weights are multiplied by a constant (Greenwood on weighted counts would). Without
    weights: Greenwood. ``conf_type``: ``"log-log"`` (default) or R's ``"log"``. Rows with
    weight 0 or an empty ``group`` are left out. ``labels`` maps group values to names.
    """
    from regio_analysis.retention import kaplan_meier

    _check_survival(df, duration, event, file)
    if group not in df.columns:
        raise DataError(Problem(file, "kolom ontbreekt", column=group))
    if entry and entry not in df.columns:
        raise DataError(Problem(file, "kolom ontbreekt", column=entry))
    w = _weights_array(df, weights, file)
    present = df[group].notna().to_numpy()
    values = sorted(pd.unique(df.loc[present, group]),
                    key=lambda v: (-float(v) if isinstance(v, (bool, int, float, np.number)) else 0, str(v)))
    names = {v: str((labels or {}).get(v, str(v))) for v in values}
    keep = present & ((w > 0) if w is not None else True)
    if not keep.any():
        raise DataError(Problem(file, "geen rijen met een positief gewicht en een groep", column=group))
    frame = pd.DataFrame({"_T": df[duration].to_numpy(float)[keep], "_E": df[event].astype(int).to_numpy()[keep],
                          "_W": (w if w is not None else np.ones(len(df)))[keep],
                          "group": pd.Categorical([names[v] for v in df[group].to_numpy()[keep]],
                                                  categories=list(dict.fromkeys(names[v] for v in values
                                                                                if (keep & (df[group] == v).to_numpy()).any())))})
    if entry:
        frame["_S"] = df[entry].to_numpy(float)[keep]
    se_type = "robust" if w is not None else "greenwood"
    table = kaplan_meier(frame, "_T", "_E", by="group", weights="_W" if w is not None else None,
                         entry="_S" if entry else None, conf_type=conf_type, se_type=se_type)
    return KaplanMeierCurves(table=table, weighted=w is not None, conf_type=conf_type, se_type=se_type)


@dataclass
class CoxEffect:
    """Hazard ratio of the treatment from a (weighted) Cox model with robust standard errors."""

    hr: float
    ci: tuple[float, float]
    log_hr: float
    se: float
    p: float
    n: int
    events: int
    fitter: Any
    cluster: str | None

    @property
    def summary(self) -> pd.DataFrame:
        """One row: ``measure`` ("hazardratio"), ``estimate``, ``ci_lower``, ``ci_upper``, ``log_hr``,
        ``se_log_hr``, ``p``, ``n``, ``events``."""
        return pd.DataFrame([{"measure": "hazardratio", "estimate": self.hr, "ci_lower": self.ci[0],
                              "ci_upper": self.ci[1], "log_hr": self.log_hr, "se_log_hr": self.se, "p": self.p,
                              "n": self.n, "events": self.events}])

    def plot(self, ax: Axes | None = None) -> Axes:
        return effect_plot(self.summary.assign(method="hazardratio"), ax=ax, null=1.0)


def weighted_cox(df: pd.DataFrame, duration: str, event: str, treatment: str, weights=None, *,
                 cluster: str | None = None, covariates: Sequence[str] = (), entry: str | None = None,
                 file: str = SOURCE) -> CoxEffect:
    """Cox model of the hazard on the treatment (plus ``covariates``), weighted, robust SE.

    :func:`regio_analysis.retention.cox` (Efron ties, case weights, robust sandwich SE clustered
    on ``cluster`` when given: equal to R's ``coxph(..., weights=, cluster=)``).
    With propensity weights and no covariates this is the marginal (population) hazard ratio.
    """
    from regio_analysis.retention import cox

    _check(df, treatment, list(covariates), extra=[c for c in (cluster, entry) if c], file=file)
    _check_survival(df, duration, event, file)
    w = _weights_array(df, weights, file)
    w = np.ones(len(df)) if w is None else w
    keep = w > 0
    cols = list(covariates)
    X = main_effects_design(df, cols).drop(columns="Intercept") if cols else None
    frame = pd.DataFrame({"_T": df[duration].to_numpy(float), "_E": df[event].astype(int).to_numpy(),
                          "_A": df[treatment].astype(float).to_numpy(), "_W": w}, index=df.index)
    if X is not None:
        frame = pd.concat([frame, X], axis=1)
    if cluster:
        frame["_K"] = pd.factorize(df[cluster])[0]
    if entry:
        frame["_S"] = df[entry].to_numpy(float)
    frame = frame[keep]
    fit = cox(frame, "_T", "_E", ["_A", *(X.columns if X is not None else [])], weights="_W",
              cluster="_K" if cluster else None, entry="_S" if entry else None, robust=True)
    row = fit.summary.loc["_A"]
    b, se = float(row["coef"]), float(row["se"])
    return CoxEffect(hr=math.exp(b), ci=(math.exp(b - Z95 * se), math.exp(b + Z95 * se)), log_hr=b, se=se,
                     p=float(row["p"]), n=int(keep.sum()), events=int(frame["_E"].sum()), fitter=fit, cluster=cluster)


#: the columns of :attr:`SurvivalEffect.horizons` and :attr:`SurvivalEffect.summary`
EFFECT_COLUMNS = ["measure", "horizon", "estimate", "se", "ci_lower", "ci_upper", "n"]


@dataclass
class SurvivalEffect:
    """Survival contrasts of a treatment: weighted KM, weighted Cox HR, risk and RMST differences.

    ``interval`` says how the standard errors and 95 % intervals were made: ``"sandwich"``
    (M-estimation / influence function with the censoring weights taken as known; the Cox
    HR robust) or ``"bootstrap"`` (``bootstrap`` then holds every replicate's estimates and
    ``details`` the number of ``replicates``, ``failed`` ones, the resampling ``unit`` and the
    interval ``method``).

    ``horizons``: per horizon the risk and RMST per arm (``measure`` ``"risico <label>"``,
    ``"rmst <label>"``) and their differences (``"risicosverschil"``, ``"rmst-verschil"``), with
    columns ``measure, horizon, estimate, se, ci_lower, ci_upper, n`` (``n``: rows whose status at
    the horizon is known).
    """

    weights: PropensityWeights
    km: KaplanMeierCurves
    cox: CoxEffect
    horizons: pd.DataFrame
    method: str
    estimand: str
    labels: tuple[str, str]
    interval: str = "sandwich"
    bootstrap: pd.DataFrame | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> pd.DataFrame:
        """One tidy table: the hazard ratio (``horizon`` NaN: the whole follow-up), and per horizon the
        risk and RMST per arm and their differences; the columns of :attr:`horizons`."""
        hr = self.cox.summary[["measure", "estimate", "ci_lower", "ci_upper"]].assign(horizon=np.nan, se=self.cox.se,
                                                                                      n=self.cox.n)
        return pd.concat([hr, self.horizons], ignore_index=True)[EFFECT_COLUMNS]

    def e_value(self, *, rare: bool) -> EValue:
        """E-value of the hazard ratio; ``rare``: is the outcome rare (< 15 % by the end of follow-up)?"""
        return e_value(self.cox.hr, self.cox.ci[0], self.cox.ci[1], measure="HR", rare=rare)

    def plot(self, ax: Axes | None = None, risk: bool = True) -> Axes:
        ax = self.km.plot(ax=ax, risk=risk)
        for h in sorted(set(self.horizons["horizon"])):
            ax.axvline(h, color="0.6", linestyle=":", linewidth=1)
        return ax


def _apply_bootstrap(effect: SurvivalEffect, draws: pd.DataFrame, variant: str) -> SurvivalEffect:
    """Replace the SEs and intervals of ``effect`` by the bootstrap's (:func:`bootstrap_interval`).

    Risks and RMSTs get the studentized interval, their differences the interval combined from
    the two arms' (MOVER), ``se`` the SD of the replicates; the hazard ratio estimate ± 1.96 SD
    on the log scale.
    """
    boot = bootstrap_interval(draws, variant, "mover").set_index(["measure", "horizon"])
    h = effect.horizons.copy()
    for i, row in h.iterrows():
        key = (row["measure"], row["horizon"])
        h.loc[i, ["se", "ci_lower", "ci_upper"]] = (boot.loc[key, ["se", "ci_lower", "ci_upper"]].to_numpy(float)
                                                  if key in boot.index else np.nan)
    d = draws[draws["variant"] == variant]
    c = effect.cox
    se = float(d.loc[d["measure"] == "log_hr", "estimate"].std(ddof=1))
    lo, hi = _wald(c.log_hr, se)
    cox = CoxEffect(hr=c.hr, ci=(math.exp(lo), math.exp(hi)), log_hr=c.log_hr, se=se,
                    p=float(2 * stats.norm.sf(abs(c.log_hr / se))) if se > 0 else float("nan"), n=c.n,
                    events=c.events, fitter=c.fitter, cluster=c.cluster)
    details = {"replicates": draws.attrs["replicates"], "failed": draws.attrs["failed"],
               "ml_fallback": draws.attrs["ml_fallback"].get(variant, 0), "unit": draws.attrs["unit"],
               "method": "mover"}
    return SurvivalEffect(weights=effect.weights, km=effect.km, cox=cox, horizons=h, method=effect.method,
                          estimand=effect.estimand, labels=effect.labels, interval="bootstrap", bootstrap=d,
                          details=details)


def survival_effect(df: pd.DataFrame, treatment: str, duration: str, event: str, covariates: Sequence[str], *,
                    estimand: str = "ATT", method: str = "aipw", horizons: Sequence[float] = (1, 3, 5),
                    weights: PropensityWeights | None = None, formula: str | None = None, splines: int = 0,
                    interactions: bool = False, trim: float | None = None, fit: str = "ml",
                    cluster: str | None = None, censoring: str = "km", labels: tuple[str, str] = DEFAULT_LABELS,
                    n_boot: int = 0, seed: int = 0, file: str = SOURCE) -> SurvivalEffect:
    """The effect of ``treatment`` on a time to event, weighted by the propensity score.

    * weighted Kaplan-Meier curves per arm (:func:`weighted_km`);
    * the marginal hazard ratio from a weighted Cox model with a robust SE, clustered on
      ``cluster`` (:func:`weighted_cox`); with ``method="naive"`` both are unweighted;
    * per horizon: the risk of the event by then and the restricted mean survival time
      (RMST, the expected time without the event up to the horizon) per arm and their
      differences, by IPCW (censoring per ``censoring`` model: ``"km"`` per arm or ``"cox"``
      on the covariates) combined with ``method`` ``"ipw"``, ``"aipw"`` or ``"naive"``.

    Intervals: with ``n_boot=0`` the sandwich SEs of :func:`estimate_effect`, which take the
    censoring weights as known and cover somewhat less than 95 %
    (``benchmarks/causal_validation.py``); with ``n_boot > 0`` bootstrap intervals
    (:func:`bootstrap_interval`: studentized for the arms, MOVER for their differences) over
    ``n_boot`` replicates of the whole pipeline (:func:`survival_bootstrap`; clusters resampled
    when ``cluster`` is given; seeded by ``seed``), ``se`` then the SD of the replicates; the
    hazard ratio ± 1.96 SD on the log scale.

    ``horizons`` beyond the longest follow-up are left out (no status known there).
    """
    _choice("method", method, ("naive", "ipw", "aipw"))
    _choice("censoring", censoring, CENSORING_MODELS)
    covariates = list(covariates)
    _check(df, treatment, covariates, extra=[c for c in (cluster,) if c], file=file)
    _check_survival(df, duration, event, file)
    pw = weights if weights is not None else propensity_weights(
        df, treatment, covariates, estimand, trim=trim, formula=formula, splines=splines,
        interactions=interactions, fit=fit, labels=labels, file=file)
    t = df[treatment].astype(float).to_numpy()
    w = None if method == "naive" else pw.weights
    km = weighted_km(df.assign(_arm=np.where(t == 1, labels[0], labels[1])), duration, event, "_arm",
                     w, labels={labels[0]: labels[0], labels[1]: labels[1]}, file=file)
    cox = weighted_cox(df, duration, event, treatment, w, cluster=cluster, file=file)
    T = df[duration].to_numpy(float)
    E = df[event].astype(int).to_numpy()
    G = _censoring_model(df, duration, event, treatment, covariates if censoring == "cox" else None, censoring, file)
    rows, used = [], []
    for h in horizons:
        if not (T > h).any():
            continue
        s = _ipcw(T, E, G, h)
        work = df.assign(_risk=np.where(s > 0, ((E == 1) & (T <= h)).astype(float), np.nan),
                         _rmst=np.where(s > 0, np.minimum(T, h), np.nan), _s=s)
        for name, col in (("risico", "_risk"), ("rmst", "_rmst")):
            try:
                r = estimate_effect(work, treatment, col, covariates, estimand, method, weights=pw,
                                    censoring_weights="_s", cluster=cluster, file=file)
            except DataError:
                continue  # e.g. no treated row with a known status at this horizon
            used.append(float(h))
            n_known = int((s > 0).sum())
            for arm, label in (("behandeld", labels[0]), ("controle", labels[1])):
                m, se = r.arms[arm]
                rows.append({"measure": f"{name} {label}", "horizon": float(h), "estimate": m, "se": se,
                             "ci_lower": _wald(m, se)[0], "ci_upper": _wald(m, se)[1], "n": n_known})
            rows.append({"measure": DIFFERENCES[name],
                         "horizon": float(h), "estimate": r.estimate, "se": r.se, "ci_lower": r.ci[0],
                         "ci_upper": r.ci[1], "n": n_known})
    horizons_df = pd.DataFrame(rows, columns=EFFECT_COLUMNS)
    effect = SurvivalEffect(weights=pw, km=km, cox=cox, horizons=horizons_df, method=method, estimand=estimand,
                            labels=labels)
    if n_boot:
        options: dict[str, object] = {"method": method, "censoring": censoring}
        if method != "naive":
            options["weights"] = pw
        draws = survival_bootstrap(df, treatment, duration, event, covariates, {"hoofd": options}, estimand=estimand,
                                   horizons=sorted(set(used)), cluster=cluster, n_boot=n_boot, seed=seed,
                                   hazard_ratio=("hoofd",), labels=labels, file=file)
        effect = _apply_bootstrap(effect, draws, "hoofd")
    return effect
