"""Effect estimators for an outcome that is a number or a 0/1 indicator: the naive difference,
IPW (Hájek) with a sandwich SE that includes the propensity model (M-estimation), AIPW
(doubly robust) with an influence-function SE, 1:1 nearest-neighbour matching on the logit of
the propensity score (ATT), a nonparametric bootstrap of any of them, and the forest plot of
estimates with their 95 % intervals. Censoring weights (:mod:`regio_analysis.causal.censoring`)
let the same estimators handle the status at a horizon of a time to event.
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

from regio_analysis.causal.checks import _check, _choice, _is_binary, _rows
from regio_analysis.causal.constants import ESTIMANDS, METHODS, SOURCE, Z95
from regio_analysis.causal.propensity import (
    PropensityWeights,
    _design,
    _weights_array,
    main_effects_design,
    propensity_weights,
)
from regio_analysis.errors import DataError, Problem


@dataclass
class EffectEstimate:
    """A treatment effect with its standard error, 95 % CI and the numbers behind it."""

    method: str
    estimand: str
    estimate: float
    se: float
    ci: tuple[float, float]
    n: int
    n_treated: int
    n_control: int
    arms: dict[str, tuple[float, float]]  # {"behandeld": (mean, se), "controle": (mean, se)}
    outcome: str
    treatment: str
    weights: PropensityWeights | None = None
    matches: pd.DataFrame | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> pd.DataFrame:
        """One row: ``method``, ``estimand``, ``estimate``, ``se``, ``ci_lower``, ``ci_upper``, ``n``,
        ``n_treated``, ``n_control``, ``mean_treated``, ``mean_control``."""
        return pd.DataFrame([{
            "method": self.method, "estimand": self.estimand, "estimate": self.estimate, "se": self.se,
            "ci_lower": self.ci[0], "ci_upper": self.ci[1], "n": self.n, "n_treated": self.n_treated,
            "n_control": self.n_control,
            "mean_treated": self.arms["behandeld"][0], "mean_control": self.arms["controle"][0]}])

    def plot(self, ax: Axes | None = None) -> Axes:
        """The estimate with its 95 % interval against the line of no effect."""
        return effect_plot(self.summary, ax=ax)


def effect_plot(data: pd.DataFrame, ax: Axes | None = None, label: str = "method", null: float = 0.0) -> Axes:
    """Estimates with 95 % intervals (columns ``estimate``, ``ci_lower``, ``ci_upper``, ``label``)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 * len(data) + 1.2))
    y = np.arange(len(data))[::-1]
    est = data["estimate"].to_numpy(float)
    err = np.vstack([est - data["ci_lower"].to_numpy(float), data["ci_upper"].to_numpy(float) - est])
    ax.errorbar(est, y, xerr=err, fmt="o", capsize=4)
    ax.axvline(null, color="0.3", linestyle="--", linewidth=1.2)
    ax.set_yticks(y)
    ax.set_yticklabels(data[label].astype(str).tolist())
    ax.set_xlabel("effect (95%-betrouwbaarheidsinterval)")
    return ax


def _wald(est: float, se: float) -> tuple[float, float]:
    return (est - Z95 * se, est + Z95 * se)


def _cluster_sum(psi: np.ndarray, cluster: np.ndarray | None) -> np.ndarray:
    """Rows of estimating-function contributions, summed within clusters when given."""
    if cluster is None:
        return psi
    codes, _ = pd.factorize(cluster)
    out = np.zeros((codes.max() + 1, psi.shape[1]))
    np.add.at(out, codes, psi)
    return out


def _sandwich(psi: np.ndarray, jac: np.ndarray, cluster: np.ndarray | None) -> np.ndarray:
    """Covariance of M-estimates: A^-1 B A^-T / n with A = -mean dpsi/dtheta, B = mean psi psi'."""
    n = psi.shape[0]
    g = _cluster_sum(psi, cluster)
    B = g.T @ g / n
    Ainv = np.linalg.pinv(jac)
    return Ainv @ B @ Ainv.T / n


def _dw_deta(w: np.ndarray, ps: np.ndarray, t: np.ndarray, estimand: str) -> np.ndarray:
    """Derivative of each weight with respect to the linear predictor of the propensity model."""
    if estimand == "ATT":
        return np.where(t == 1, 0.0, w)  # w ∝ e / (1 - e) = exp(eta)
    return np.where(t == 1, -w * (1 - ps), w * ps)  # w ∝ 1/e resp. 1/(1 - e)


def _ps_block(t, ps, Xa, fit, estimand):
    """Estimating function of the propensity model and its (negated, averaged) Jacobian."""
    n = len(t)
    if fit == "ml":
        psi = Xa * (t - ps)[:, None]
        d = ps * (1 - ps)
    elif estimand == "ATT":
        odds = ps / (1 - ps)
        psi = Xa * (t - (1 - t) * odds)[:, None]
        d = (1 - t) * odds
    else:
        psi = Xa * (t / ps - (1 - t) / (1 - ps))[:, None]
        d = t * (1 - ps) / ps + (1 - t) * ps / (1 - ps)
    return psi, (Xa * d[:, None]).T @ Xa / n


def _ipw_fit(t, y, s, w, ps=None, X=None, estimand="ATT", cluster=None, fit="ml"):
    """Hájek IPW means per arm and their M-estimation covariance (PS estimation included when X given)."""
    n = len(t)
    ws = w * s
    y0 = np.where(s > 0, y, 0.0)
    mu1 = float(np.sum(t * ws * y0) / np.sum(t * ws))
    mu0 = float(np.sum((1 - t) * ws * y0) / np.sum((1 - t) * ws))
    psi_1 = t * ws * (y0 - mu1)
    psi_0 = (1 - t) * ws * (y0 - mu0)
    if X is not None:
        Xa = np.asarray(X, float)
        k = Xa.shape[1]
        psi_b, A_bb = _ps_block(t, ps, Xa, fit, estimand)
        psi = np.column_stack([psi_b, psi_1, psi_0])
        A = np.zeros((k + 2, k + 2))
        A[:k, :k] = A_bb
        dw = _dw_deta(w, ps, t, estimand) * s
        A[k, :k] = -np.sum((t * dw * (y0 - mu1))[:, None] * Xa, axis=0) / n
        A[k + 1, :k] = -np.sum(((1 - t) * dw * (y0 - mu0))[:, None] * Xa, axis=0) / n
        A[k, k] = np.sum(t * ws) / n
        A[k + 1, k + 1] = np.sum((1 - t) * ws) / n
        V = _sandwich(psi, A, cluster)[k:, k:]
    else:
        psi = np.column_stack([psi_1, psi_0])
        A = np.diag([np.sum(t * ws) / n, np.sum((1 - t) * ws) / n])
        V = _sandwich(psi, A, cluster)
    return mu1, mu0, V


def _outcome_model(y, X, fit_mask, s, binary):
    """Weighted outcome regression on the rows of ``fit_mask`` (weights ``s``), predicted for all rows.

    Logistic (IRLS) for a 0/1 outcome, least squares otherwise: the same fit as statsmodels'
    ``GLM(..., var_weights=s)`` (tested), in plain numpy because the bootstrap refits it
    hundreds of times. Rank-deficient designs get the minimum-norm solution (as GLM's pinv).
    """
    Xa = np.asarray(X, float)
    Xf, yf, wf = Xa[fit_mask], y[fit_mask], s[fit_mask]
    if not binary:
        r = np.sqrt(wf)
        beta = np.linalg.lstsq(Xf * r[:, None], yf * r, rcond=None)[0]
        return Xa @ beta, beta
    beta = np.zeros(Xa.shape[1])
    eta = np.full(len(yf), 0.0)
    dev_old = np.inf
    for _ in range(100):
        mu = 1 / (1 + np.exp(-eta))
        v = np.clip(mu * (1 - mu), 1e-10, None)
        z = eta + (yf - mu) / v
        r = np.sqrt(wf * v)
        beta = np.linalg.lstsq(Xf * r[:, None], z * r, rcond=None)[0]
        eta = np.clip(Xf @ beta, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = -2 * np.sum(wf * (yf * np.log(np.clip(mu, 1e-300, None)) + (1 - yf) * np.log(np.clip(1 - mu, 1e-300, None))))
        if abs(dev - dev_old) <= 1e-10 * (abs(dev) + 0.1):
            break
        dev_old = dev
    return 1 / (1 + np.exp(-np.clip(Xa @ beta, -30, 30))), beta


def _aipw_fit(t, y, s, ps, w, Xo, estimand, binary, cluster, outcomes: dict | None = None):
    """AIPW point estimate and influence-function covariance of the two arm means.

    ``outcomes`` keeps the fitted outcome models by arm for the next call on the same rows,
    outcome and censoring weights: they do not depend on the propensity weights, so the
    bootstrap's AIPW variants of one resample share them."""
    n = len(t)
    known = s > 0
    y0 = np.where(known, y, 0.0)

    def fitted(arm: int):
        if outcomes is None:
            return _outcome_model(y0, Xo, known & (t == arm), s, binary)
        if arm not in outcomes:
            outcomes[arm] = _outcome_model(y0, Xo, known & (t == arm), s, binary)
        return outcomes[arm]

    m0, res0 = fitted(0)
    if estimand == "ATT":
        p = t.mean()
        a1 = t * s
        T1 = np.sum(a1 * y0) / np.sum(a1)
        T2 = np.sum(t * m0) / np.sum(t)
        c = (1 - t) * s * w  # w ∝ e/(1-e) for the controls
        T3 = np.sum(c * (y0 - m0)) / np.sum(c)
        mu1, mu0 = T1, T2 + T3
        if1 = a1 * (y0 - T1) / np.mean(a1)
        if0 = t * (m0 - T2) / p + c * (y0 - m0 - T3) / np.mean(c)
        models = {"controle": res0}
    else:
        m1, res1 = fitted(1)
        a1 = t * s / ps
        a0 = (1 - t) * s / (1 - ps)
        r1 = np.sum(a1 * (y0 - m1)) / np.sum(a1)
        r0 = np.sum(a0 * (y0 - m0)) / np.sum(a0)
        mu1, mu0 = m1.mean() + r1, m0.mean() + r0
        if1 = (m1 - m1.mean()) + a1 * (y0 - m1 - r1) / np.mean(a1)
        if0 = (m0 - m0.mean()) + a0 * (y0 - m0 - r0) / np.mean(a0)
        models = {"behandeld": res1, "controle": res0}
    g = _cluster_sum(np.column_stack([if1, if0]), cluster)
    V = g.T @ g / n ** 2
    return float(mu1), float(mu0), V, models


def _match(t, lps, caliper_sd: float):
    """Greedy 1:1 nearest-neighbour matching on the logit PS without replacement (ATT)."""
    treated = np.flatnonzero(t == 1)
    controls = np.flatnonzero(t == 0)
    sd = math.sqrt((np.var(lps[t == 1], ddof=1) + np.var(lps[t == 0], ddof=1)) / 2)
    caliper = caliper_sd * sd if caliper_sd else np.inf
    available = np.ones(len(controls), bool)
    pairs = []
    for i in treated[np.argsort(-lps[treated], kind="stable")]:
        if not available.any():
            break
        dist = np.where(available, np.abs(lps[controls] - lps[i]), np.inf)
        j = int(np.argmin(dist))
        if dist[j] <= caliper:
            pairs.append((i, controls[j], float(dist[j])))
            available[j] = False
    return pairs, caliper


def _point_and_cov(method, t, y, s, pw: PropensityWeights | None, Xo, estimand, binary, cluster, caliper):
    details: dict[str, Any] = {}
    if method == "naive":
        mu1, mu0, V = _ipw_fit(t, y, s, np.ones_like(t), cluster=cluster)
    elif method == "ipw":
        assert pw is not None  # estimate_effect makes weights for every method but "naive"
        w = pw.weights.to_numpy()
        mu1, mu0, V = _ipw_fit(t, y, s, w, pw.ps.to_numpy(), pw.model.design, estimand, cluster, pw.model.fit)
    elif method == "aipw":
        assert pw is not None
        w = pw.weights.to_numpy()
        keep = w > 0
        idx = np.flatnonzero(keep)
        mu1, mu0, V, models = _aipw_fit(t[idx], y[idx], s[idx], pw.ps.to_numpy()[idx], w[idx],
                                        np.asarray(Xo, float)[idx], estimand, binary,
                                        None if cluster is None else cluster[idx])
        details["outcome_models"] = models
    else:
        raise AssertionError(method)
    return mu1, mu0, V, details


def estimate_effect(df: pd.DataFrame, treatment: str, outcome: str, covariates: Sequence[str],
                    estimand: str = "ATT", method: str = "ipw", *, weights: PropensityWeights | None = None,
                    formula: str | None = None, splines: int = 0, interactions: bool = False,
                    trim: float | None = None, fit: str = "ml", outcome_formula: str | None = None,
                    caliper: float = 0.2, censoring_weights=None, cluster: str | None = None,
                    file: str = SOURCE) -> EffectEstimate:
    """The effect of ``treatment`` on ``outcome`` (difference in means: treated minus control).

    Parameters
    ----------
    estimand:
        ``"ATT"`` (effect among the treated) or ``"ATE"`` (effect in the whole population).
    method:
        ``"naive"`` (plain difference, no adjustment), ``"ipw"``, ``"aipw"`` (doubly robust)
        or ``"match"`` (1:1 nearest neighbour on the logit propensity score with a caliper of
        ``caliper`` standard deviations; ATT only).
    weights:
        Precomputed :func:`propensity_weights` (else they are computed here from
        ``covariates``, ``formula``, ``splines``, ``interactions``, ``trim`` and ``fit``).
    outcome_formula:
        Right-hand side of the AIPW outcome model (default: the covariates' main effects).
    censoring_weights:
        Inverse probability of censoring weights (a column name or one number per row): rows
        with weight 0 have an unknown outcome (it may be NA there) and are left out of the
        outcome means, the others count with their weight. See :func:`ipcw_weights`.
    cluster:
        Column whose values mark clusters (e.g. schools) for cluster-robust standard errors.

    Standard errors: IPW by M-estimation including the propensity model (with trimming the
    trimmed set is taken as fixed), AIPW by its influence function, matching by the paired
    differences; censoring weights are taken as known. CIs are 95 % Wald intervals.
    """
    _choice("estimand", estimand, ESTIMANDS)
    _choice("method", method, METHODS)
    if method == "match" and estimand != "ATT":
        raise ValueError("matching estimates the ATT only; use method='ipw' or 'aipw' for the ATE")
    covariates = list(covariates)
    extra = [c for c in ([cluster] if cluster else []) + ([censoring_weights] if isinstance(censoring_weights, str) else [])]
    t = _check(df, treatment, covariates, outcome=outcome, extra=extra, file=file,
               outcome_na_ok=censoring_weights is not None)
    s = _weights_array(df, censoring_weights, file)
    if s is None:  # no censoring weights: every row counts once
        s = np.ones(len(df))
    y = df[outcome].astype(float).to_numpy()
    unknown = np.isnan(y) & (s > 0)
    if unknown.any():
        raise DataError(Problem(file, "uitkomst ontbreekt bij een rij met een positief censureringsgewicht",
                                column=outcome, rows=_rows(unknown)))
    cl = df[cluster].to_numpy() if cluster else None
    binary = _is_binary(df.loc[s > 0, outcome])
    for label, mask in (("behandelde", t == 1), ("niet-behandelde", t == 0)):
        if (s[mask] > 0).sum() < 1:
            raise DataError(Problem(file, f"geen {label} rij met een bekende uitkomst", column=outcome))

    pw = None
    if method != "naive":
        pw = weights if weights is not None else propensity_weights(
            df, treatment, covariates, estimand, trim=trim, formula=formula, splines=splines,
            interactions=interactions, fit=fit, file=file)
        if pw.estimand != estimand and method in ("ipw", "aipw"):
            raise ValueError(f"the weights were made for the {pw.estimand}, not the {estimand}")

    if method == "match":
        if censoring_weights is not None:
            raise ValueError("matching does not take censoring weights; use method='ipw' or 'aipw'")
        assert pw is not None  # made above for every method but "naive"
        lps = np.log(pw.ps.to_numpy() / (1 - pw.ps.to_numpy()))
        pairs, cal = _match(t, lps, caliper)
        if not pairs:
            raise DataError(Problem(file, "geen overlap: geen enkel behandeld-controlepaar binnen de caliper",
                                    column=treatment))
        ti = np.array([p[0] for p in pairs])
        ci_ = np.array([p[1] for p in pairs])
        diff = y[ti] - y[ci_]
        est = float(diff.mean())
        se = float(diff.std(ddof=1) / math.sqrt(len(diff))) if len(diff) > 1 else float("nan")
        se1 = float(y[ti].std(ddof=1) / math.sqrt(len(ti))) if len(ti) > 1 else float("nan")
        se0 = float(y[ci_].std(ddof=1) / math.sqrt(len(ci_))) if len(ci_) > 1 else float("nan")
        matches = pd.DataFrame({"treated": df.index[ti], "control": df.index[ci_],
                                "distance_logit_ps": [p[2] for p in pairs]})
        n_t = int((t == 1).sum())
        return EffectEstimate(
            method=method, estimand=estimand, estimate=est, se=se, ci=_wald(est, se), n=2 * len(pairs),
            n_treated=len(pairs), n_control=len(pairs),
            arms={"behandeld": (float(y[ti].mean()), se1), "controle": (float(y[ci_].mean()), se0)},
            outcome=outcome, treatment=treatment, weights=pw, matches=matches,
            details={"caliper_logit": cal, "treated_unmatched": n_t - len(pairs)})

    Xo = None
    if method == "aipw":
        if outcome_formula:
            Xo = _design(df, outcome_formula, [], file, "uitkomstmodel")
        else:
            Xo = main_effects_design(df, covariates)
    mu1, mu0, V, details = _point_and_cov(method, t, y, s, pw, Xo, estimand, binary, cl, caliper)
    est = mu1 - mu0
    se = float(math.sqrt(max(V[0, 0] + V[1, 1] - 2 * V[0, 1], 0.0)))
    used = (s > 0) & ((pw.weights.to_numpy() > 0) if pw is not None else True)
    if pw is not None:
        details["ess"] = pw.ess
    return EffectEstimate(
        method=method, estimand=estimand, estimate=float(est), se=se, ci=_wald(est, se), n=int(used.sum()),
        n_treated=int((used & (t == 1)).sum()), n_control=int((used & (t == 0)).sum()),
        arms={"behandeld": (mu1, float(math.sqrt(max(V[0, 0], 0)))), "controle": (mu0, float(math.sqrt(max(V[1, 1], 0))))},
        outcome=outcome, treatment=treatment, weights=pw, details=details)


def bootstrap_effect(df: pd.DataFrame, treatment: str, outcome: str, covariates: Sequence[str],
                     estimand: str = "ATT", method: str = "ipw", *, n_boot: int = 200, seed: int = 0,
                     cluster: str | None = None, **kwargs) -> EffectEstimate:
    """:func:`estimate_effect` with a nonparametric bootstrap SE (rows, or whole clusters).

    Every replicate refits the propensity (and outcome) model. The point estimate is that of
    the original data; the CI is estimate ± 1.96 × the bootstrap SD. Replicates in which one
    group is empty or the models fail are skipped and counted in ``details["failed"]``
    (``details["bootstrap"]``: the replicates used).
    """
    base = estimate_effect(df, treatment, outcome, covariates, estimand, method, cluster=cluster, **kwargs)
    rng = np.random.default_rng(seed)
    if cluster:
        groups = {k: np.flatnonzero(v) for k, v in
                  ((k, (df[cluster] == k).to_numpy()) for k in pd.unique(df[cluster]))}
        keys = list(groups)
    draws, failed = [], 0
    for _ in range(n_boot):
        if cluster:
            pick = rng.integers(0, len(keys), len(keys))
            idx = np.concatenate([groups[keys[i]] for i in pick])
        else:
            idx = rng.integers(0, len(df), len(df))
        sample = df.iloc[idx].reset_index(drop=True)
        try:
            draws.append(estimate_effect(sample, treatment, outcome, covariates, estimand, method, **kwargs).estimate)
        except (DataError, np.linalg.LinAlgError, ValueError):
            failed += 1
    se = float(np.std(draws, ddof=1)) if len(draws) > 1 else float("nan")
    base.se, base.ci = se, _wald(base.estimate, se)
    base.details.update({"bootstrap": len(draws), "failed": failed})
    return base
