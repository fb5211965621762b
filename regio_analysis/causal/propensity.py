"""Propensity scores and weights: the model's right-hand side (main effects, B-splines,
interactions or a patsy formula of one's own), its fit by maximum likelihood or on covariate
balance (CBPS; entropy balancing for the ATT), the inverse probability of treatment weights
for the ATT or the ATE (stabilised, optionally trimmed to the region of overlap), Kish's
effective sample size and the overlap plot. See :mod:`regio_analysis.causal` for the
formulas and references.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import patsy
import statsmodels.api as sm
from matplotlib.axes import Axes

from regio_analysis.causal.checks import _check, _choice, _is_binary, _rows, _work_frame
from regio_analysis.causal.constants import DEFAULT_LABELS, ESTIMANDS, SOURCE
from regio_analysis.errors import DataError, Problem


def propensity_formula(df: pd.DataFrame, covariates: Sequence[str], *, splines: int = 0,
                       interactions: bool = False) -> str:
    """The right-hand side (patsy) of the default propensity model for ``covariates``.

    Text and category columns enter as categories (``C(...)``), 0/1 and boolean columns as
    they are, other numeric columns linearly or, with ``splines=k`` (k >= 3) and more than
    k + 1 distinct values, as a cubic B-spline with k degrees of freedom.
    ``interactions=True`` adds all pairwise interactions.
    """
    work = _work_frame(df, covariates)
    terms = []
    for col in covariates:
        q = f'Q("{col}")'
        s = work[col]
        if not pd.api.types.is_numeric_dtype(s):
            terms.append(f"C({q})")
        elif _is_binary(s) or not splines or s.nunique() <= splines + 1:
            terms.append(q)
        else:
            terms.append(f"bs({q}, df={int(splines)})")
    if not terms:
        return "1"
    if interactions and len(terms) > 1:
        return "(" + " + ".join(terms) + ")**2"
    return " + ".join(terms)


def main_effects_design(df: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """The design matrix of the main-effects formula of :func:`propensity_formula`, built directly.

    The same columns as patsy makes for that formula (intercept, numbers as they are, one 0/1
    column per category level except the first in sorted order), many times faster: the
    estimators are refitted in every bootstrap and validation replicate.
    """
    work = _work_frame(df, covariates)
    cols = {"Intercept": np.ones(len(df))}
    for col in covariates:
        s = work[col]
        if pd.api.types.is_numeric_dtype(s):
            cols[col] = s.to_numpy(float)
        else:
            text = s.astype(str)
            for level in sorted(pd.unique(text))[1:]:
                cols[f"{col}[T.{level}]"] = (text == level).to_numpy(float)
    return pd.DataFrame(cols, index=df.index)


def _design(df: pd.DataFrame, rhs: str, columns: Sequence[str], file: str, what: str) -> pd.DataFrame:
    work = _work_frame(df, columns) if columns else df
    try:
        return patsy.dmatrix(rhs, work, return_type="dataframe", NA_action="raise")
    except (patsy.PatsyError, NameError, ValueError, TypeError) as err:  # unknown names, bad syntax
        raise DataError(Problem(file, f"{what}: formule '{rhs}' is niet bruikbaar ({err})")) from None


# ----------------------------------------------------------------------------- propensity score


def _fit_logit(t: np.ndarray, X: pd.DataFrame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation and rank warnings: the checks below speak instead
        return sm.GLM(t, X, family=sm.families.Binomial()).fit()


def _balance_objective(t: np.ndarray, Xs: np.ndarray, estimand: str):
    """Convex objective whose gradient is the balance condition of the just-identified CBPS.

    ATT: sum over controls of exp(eta) x equals the sum over treated of x (the weights
    e/(1-e) = exp(eta) of the controls reproduce the treated means: entropy balancing).
    ATE: sum of (A/e - (1-A)/(1-e)) x = 0 (both groups reweighted to the full sample).
    """
    def fun(beta):
        eta = np.clip(Xs @ beta, -50, 50)
        if estimand == "ATT":
            f = np.sum((1 - t) * np.exp(eta)) - np.sum(t * eta)
            g = Xs.T @ ((1 - t) * np.exp(eta) - t)
            h = (Xs * ((1 - t) * np.exp(eta))[:, None]).T @ Xs
        else:
            f = np.sum((1 - t) * (eta + np.exp(eta)) - t * (eta - np.exp(-eta)))
            g = Xs.T @ ((1 - t) * (1 + np.exp(eta)) - t * (1 + np.exp(-eta)))
            h = (Xs * ((1 - t) * np.exp(eta) + t * np.exp(-eta))[:, None]).T @ Xs
        return f, g, h
    return fun


def _fit_balance(t: np.ndarray, X: pd.DataFrame, estimand: str, file: str, column: str):
    """Logistic propensity coefficients that balance the design's columns exactly (CBPS)."""
    from scipy.optimize import minimize

    Xa = np.asarray(X, float)
    # standardise non-constant columns for a well-conditioned problem; keep full-rank columns
    sd = Xa.std(axis=0)
    const = sd == 0
    mean = np.where(const, 0.0, Xa.mean(axis=0))
    scale = np.where(const, 1.0, sd)
    Xs = (Xa - mean) / scale
    if const.sum() > 1:
        Xs = Xs[:, ~const | (np.arange(len(const)) == np.flatnonzero(const)[0])]
    rank_cols = _independent_columns(Xs)
    Xs = Xs[:, rank_cols]
    fun = _balance_objective(t, Xs, estimand)
    res = minimize(lambda b: fun(b)[0], np.zeros(Xs.shape[1]), jac=lambda b: fun(b)[1],
                   hess=lambda b: fun(b)[2], method="trust-exact", options={"gtol": 1e-10, "maxiter": 500})
    eta = Xs @ res.x
    ps = 1 / (1 + np.exp(-np.clip(eta, -50, 50)))
    w = _raw_weights(np.clip(ps, 1e-12, 1 - 1e-12), t, estimand, stabilize=False)
    def wmean(mask):
        return Xs[mask].T @ w[mask] / w[mask].sum()
    gap = np.abs(wmean(t == 1) - wmean(t == 0)).max()
    if not np.isfinite(eta).all() or not gap <= 1e-4:
        raise DataError(Problem(file, "geen overlap: het propensitymodel kan de groepen niet in balans brengen "
                                      "(schatting op balans convergeert niet); kies minder of grovere kenmerken",
                                column=column))
    return ps, Xs


def _independent_columns(X: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Indices of a maximal set of linearly independent columns (greedy, in order)."""
    keep: list[int] = []
    for j in range(X.shape[1]):
        cand = keep + [j]
        if np.linalg.matrix_rank(X[:, cand], tol=tol * max(1.0, np.abs(X[:, cand]).max())) == len(cand):
            keep.append(j)
    return np.array(keep, int)


@dataclass
class PropensityModel:
    """A fitted propensity model: the scores (``ps``) and the statsmodels GLM result."""

    ps: pd.Series
    treated: pd.Series
    formula: str
    result: Any
    design: pd.DataFrame
    covariates: tuple[str, ...]
    fit: str = "ml"
    estimand: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        """The maximum-likelihood coefficients (also shown when the scores were fitted on balance)."""
        r = self.result
        return pd.DataFrame({"term": r.params.index, "coef": r.params.to_numpy(), "se": r.bse.to_numpy(),
                             "z": r.tvalues.to_numpy(), "p": r.pvalues.to_numpy()})

    def plot(self, ax: Axes | None = None, labels: tuple[str, str] = DEFAULT_LABELS) -> Axes:
        """Overlap of the propensity score distributions of both groups."""
        return overlap_plot(self.ps, self.treated, ax=ax, labels=labels)


def propensity_score(df: pd.DataFrame, treatment: str, covariates: Sequence[str], *, formula: str | None = None,
                     splines: int = 0, interactions: bool = False, fit: str = "ml", estimand: str = "ATT",
                     file: str = SOURCE) -> PropensityModel:
    """Fit P(treatment = 1 | covariates) by logistic regression.

    ``formula`` (a patsy right-hand side) replaces the default main-effects model built by
    :func:`propensity_formula`. ``fit="ml"`` estimates the coefficients by maximum
    likelihood; ``fit="balance"`` by the covariate balancing propensity score (CBPS, Imai &
    Ratkovic 2014, just identified): the coefficients that make the weighted means of every
    column of the model exactly equal, for the ``estimand`` (for the ATT this is entropy
    balancing, Hainmueller 2012). Raises DataError when the score separates the groups
    completely or exact balance is impossible (no overlap: no comparison is possible).
    """
    _choice("fit", fit, ("ml", "balance"))
    _choice("estimand", estimand, ESTIMANDS)
    covariates = list(covariates)
    t = _check(df, treatment, covariates, file=file)
    rhs = formula or propensity_formula(df, covariates, splines=splines, interactions=interactions)
    if formula or splines or interactions:
        X = _design(df, rhs, [] if formula else covariates, file, "propensitymodel")
    else:
        X = main_effects_design(df, covariates)
    res = _fit_logit(t, X)
    ps = np.clip(np.asarray(res.fittedvalues, float), 1e-12, 1 - 1e-12)
    treated = t == 1
    notes = []
    if ps[treated].min() > ps[~treated].max() or ps[~treated].min() > ps[treated].max():
        raise DataError(Problem(file, "geen overlap: het propensitymodel scheidt behandelde en niet-behandelde rijen "
                                      "volledig (perfecte scheiding); een vergelijking is dan niet mogelijk. Laat het "
                                      "kenmerk weg dat de behandeling bepaalt of kies een eenvoudiger model.",
                                column=treatment))
    design = X
    if fit == "balance":
        ps, Xs = _fit_balance(t, X, estimand, file, treatment)
        ps = np.clip(ps, 1e-12, 1 - 1e-12)
        design = pd.DataFrame(Xs, index=df.index)
    extreme = int(((ps < 0.01) | (ps > 0.99)).sum())
    if extreme:
        notes.append(f"{extreme} rijen hebben een propensityscore buiten [0,01; 0,99]")
    return PropensityModel(ps=pd.Series(ps, index=df.index, name="ps"), treated=pd.Series(treated, index=df.index),
                           formula=rhs, result=res, design=design, covariates=tuple(covariates), fit=fit,
                           estimand=estimand if fit == "balance" else None, notes=notes)


def _raw_weights(ps: np.ndarray, t: np.ndarray, estimand: str, stabilize: bool) -> np.ndarray:
    p = t.mean()
    if estimand == "ATE":
        w = t / ps + (1 - t) / (1 - ps)
        if stabilize:
            w = np.where(t == 1, p * w, (1 - p) * w)
    else:
        w = t + (1 - t) * ps / (1 - ps)
        if stabilize:
            w = np.where(t == 1, w, w * (1 - p) / p)
    return w


def effective_sample_size(weights) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` (0 for no positive weight)."""
    w = np.asarray(weights, float)
    s2 = float(np.sum(w ** 2))
    return float(np.sum(w) ** 2 / s2) if s2 > 0 else 0.0


@dataclass
class PropensityWeights:
    """Inverse probability of treatment weights, one per row (0 for trimmed rows)."""

    weights: pd.Series
    model: PropensityModel
    estimand: str
    trim: float | None
    stabilize: bool
    labels: tuple[str, str] = DEFAULT_LABELS

    @property
    def ps(self) -> pd.Series:
        return self.model.ps

    @property
    def treated(self) -> pd.Series:
        return self.model.treated

    @property
    def kept(self) -> pd.Series:
        """Rows not removed by trimming."""
        return self.weights > 0

    @property
    def ess(self) -> dict[str, float]:
        """Effective sample size per group (Kish)."""
        t = self.treated.to_numpy()
        w = self.weights.to_numpy()
        return {self.labels[0]: effective_sample_size(w[t]), self.labels[1]: effective_sample_size(w[~t])}

    @property
    def summary(self) -> pd.DataFrame:
        """Per group: ``group``, ``n``, ``n_trimmed``, ``sum_weights``, ``ess`` (Kish), ``weight_min``,
        ``weight_max`` (of the rows kept)."""
        t = self.treated.to_numpy()
        w = self.weights.to_numpy()
        rows = []
        for label, mask in ((self.labels[0], t), (self.labels[1], ~t)):
            kept = w[mask] > 0
            rows.append({"group": label, "n": int(mask.sum()), "n_trimmed": int((~kept).sum()),
                         "sum_weights": float(w[mask].sum()), "ess": effective_sample_size(w[mask]),
                         "weight_min": float(w[mask][kept].min()) if kept.any() else np.nan,
                         "weight_max": float(w[mask][kept].max()) if kept.any() else np.nan})
        return pd.DataFrame(rows)

    def plot(self, ax: Axes | None = None) -> Axes:
        """Overlap plot of the propensity scores, with the trimming bounds when trimmed."""
        ax = overlap_plot(self.ps, self.treated, ax=ax, labels=self.labels)
        if self.trim:
            for x in (self.trim, 1 - self.trim):
                ax.axvline(x, color="0.3", linestyle=":", linewidth=1.2)
        return ax


def propensity_weights(df: pd.DataFrame, treatment: str, covariates: Sequence[str], estimand: str = "ATT", *,
                       trim: float | None = None, stabilize: bool = True, formula: str | None = None,
                       splines: int = 0, interactions: bool = False, fit: str = "ml",
                       labels: tuple[str, str] = DEFAULT_LABELS, file: str = SOURCE) -> PropensityWeights:
    """Propensity score weights for the ATT or the ATE (see :mod:`regio_analysis.causal`).

    ``trim=a`` (0 < a < 0.5) gives rows with a score outside ``[a, 1 - a]`` weight 0.
    ``fit="balance"`` estimates the propensity model on covariate balance (CBPS; see
    :func:`propensity_score`): the weighted means then match exactly. The result has the weights (``.weights``, aligned with ``df``), the effective sample sizes
    (``.ess``), a ``.summary`` per group and the overlap plot (``.plot()``).
    """
    _choice("estimand", estimand, ESTIMANDS)
    if trim is not None and not 0 < trim < 0.5:
        raise ValueError("trim must be between 0 and 0.5 (e.g. 0.05)")
    model = propensity_score(df, treatment, covariates, formula=formula, splines=splines,
                             interactions=interactions, fit=fit, estimand=estimand, file=file)
    ps = model.ps.to_numpy()
    t = model.treated.to_numpy().astype(float)
    w = _raw_weights(ps, t, estimand, stabilize)
    if trim:
        keep = (ps >= trim) & (ps <= 1 - trim)
        for label, mask in (("behandelde", t == 1), ("niet-behandelde", t == 0)):
            if (keep & mask).sum() < 2:
                raise DataError(Problem(file, f"geen overlap: na trimmen op [{trim}; {1 - trim}] blijven minder dan "
                                              f"2 {label} rijen over", column=treatment))
        w = np.where(keep, w, 0.0)
    return PropensityWeights(weights=pd.Series(w, index=df.index, name="weight"), model=model, estimand=estimand,
                             trim=trim, stabilize=stabilize, labels=labels)


def overlap_plot(ps, treated, ax: Axes | None = None, labels: tuple[str, str] = DEFAULT_LABELS, bins: int = 25) -> Axes:
    """Histograms (as densities) of the propensity score per group: where do the groups overlap?"""
    if ax is None:
        _, ax = plt.subplots()
    ps = np.asarray(ps, float)
    treated = np.asarray(treated, bool)
    edges = np.linspace(0, 1, bins + 1)
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0", "C1"])
    for mask, label, color in ((treated, labels[0], colors[0]), (~treated, labels[1], colors[1 % len(colors)])):
        ax.hist(ps[mask], bins=edges.tolist(), density=True, alpha=0.5, color=color,
                label=f"{label} (n = {int(mask.sum())})")
    ax.set_xlim(0, 1)
    ax.set_xlabel("Propensityscore (kans op de behandeling)")
    ax.set_ylabel("Dichtheid")
    ax.legend()
    return ax


def _weights_array(df: pd.DataFrame, weights, file: str) -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, PropensityWeights):
        w = weights.weights.reindex(df.index).to_numpy(float)
    elif isinstance(weights, str):
        if weights not in df.columns:
            raise DataError(Problem(file, "kolom met gewichten ontbreekt", column=weights))
        w = df[weights].to_numpy(float)
    elif isinstance(weights, pd.Series):
        w = weights.reindex(df.index).to_numpy(float)
    else:
        w = np.asarray(weights, float)
    if w.shape != (len(df),):
        raise DataError(Problem(file, f"er zijn {w.size} gewichten voor {len(df)} rijen"))
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise DataError(Problem(file, "gewichten moeten eindige getallen >= 0 zijn", column="gewicht", rows=_rows(bad)))
    return w
