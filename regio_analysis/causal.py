"""Programme-effect estimation: propensity scores, weights, balance, IPW / AIPW / matching,
survival contrasts and E-values.

Everything here is generic: it works on any DataFrame with a binary treatment column, a set
of covariate columns and an outcome (a number, a 0/1 indicator, or a time to event with an
event indicator). Nothing reads files; nothing is specific to induction or to teachers (the
induction study in :mod:`regio_analysis.inductie` builds on these functions).

Methods and their references
----------------------------
* **Propensity score**: logistic GLM (statsmodels) on the covariates; numeric covariates may
  enter as B-splines (``splines=k``), all pairwise interactions with ``interactions=True``, or
  give your own right-hand side (``formula="age + I(age**2) + C(race)"``, patsy syntax).
* **Weights** (Hernán & Robins, *Causal Inference: What If*, ch. 12; Austin & Stuart 2015):
  ATE ``A/e + (1-A)/(1-e)``, stabilised with the marginal treatment probability; ATT ``A +
  (1-A) e/(1-e)``, stabilised so the control weights sum to about the number of controls.
  Trimming (``trim=a``) gives rows with ``e`` outside ``[a, 1-a]`` weight 0 (Crump et al.
  2009): the estimand is then the effect in the population with overlap.
* **Balance**: standardised mean differences (Austin 2009), always divided by the standard
  deviation of the *unweighted* sample (pooled, or of the treated with ``sd="treated"``, the
  convention of R's cobalt for the ATT); the Love plot shows them before and after weighting.
* **IPW** (Hájek: normalised weights) with a sandwich standard error from stacked estimating
  equations that accounts for the estimation of the propensity score (M-estimation, Lunceford
  & Davidian 2004; the same as R WeightIt's default).
* **AIPW** (doubly robust, Robins et al. 1994; ATT form of Moodie et al. 2018) with an outcome
  regression per arm (logistic for a 0/1 outcome, linear otherwise) and an
  influence-function standard error.
* **Matching**: greedy 1:1 nearest-neighbour matching on the logit of the propensity score
  without replacement, treated in order of decreasing score, with a caliper in standard
  deviations of the logit (Austin 2011: 0.2); ATT only; paired standard error.
* **Survival**: IPW-weighted Kaplan-Meier curves and a weighted Cox model with a robust
  (cluster) standard error (the retention module's Cox, equal to R); risk differences and differences in restricted mean
  survival time (RMST) at fixed horizons by inverse probability of censoring weighting
  (IPCW, Robins & Finkelstein 2000; the censoring distribution by Kaplan-Meier per arm or a
  Cox model on covariates) combined with IPW or AIPW.
* **E-value** (VanderWeele & Ding 2017): the minimum strength of association an unmeasured
  confounder would need with treatment and outcome to explain the estimate away; hazard and
  odds ratios of a common outcome are first converted to the risk-ratio scale.

All standard errors are 95 % Wald intervals (estimate ± 1.96 SE) unless stated. Bad input
raises :class:`regio_analysis.DataError` naming the column and the first rows.
"""
from __future__ import annotations

import math
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
from scipy import stats

from regio_analysis.errors import DataError, Problem

ESTIMANDS = ("ATT", "ATE")
METHODS = ("naive", "ipw", "aipw", "match")
CENSORING_MODELS = ("km", "cox")
Z95 = float(stats.norm.ppf(0.975))
SOURCE = "<DataFrame>"
BALANCE_THRESHOLD = 0.1
DEFAULT_LABELS = ("behandeld", "controle")


# ----------------------------------------------------------------------------- input checks


def _rows(mask) -> tuple[int, ...]:
    """1-based row positions of the true entries of ``mask``."""
    return tuple(int(i) + 1 for i in np.flatnonzero(np.asarray(mask)))


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r}: choose one of {tuple(allowed)}")


def _treatment_problems(df: pd.DataFrame, treatment: str, file: str) -> list[Problem]:
    s = df[treatment]
    problems = []
    if s.isna().any():
        problems.append(Problem(file, "behandeling ontbreekt", column=treatment, rows=_rows(s.isna())))
    values = s.dropna()
    if pd.api.types.is_bool_dtype(values):
        ok = pd.Series(True, index=values.index)
    elif pd.api.types.is_numeric_dtype(values):
        ok = values.isin([0, 1])
    else:
        ok = values.map(lambda v: isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, float, np.number))
                                                                     and v in (0, 1)))
    if not ok.all():
        found = ", ".join(repr(v) for v in pd.unique(values[~ok])[:5])
        problems.append(Problem(file, f"behandeling moet binair zijn (0/1 of True/False); gevonden: {found}",
                                column=treatment, rows=_rows(s.notna() & ~s.index.isin(values[ok].index))))
        return problems
    t = values.astype(float)
    for label, n in (("behandelde", int((t == 1).sum())), ("niet-behandelde (controle)", int((t == 0).sum()))):
        if n < 2:
            problems.append(Problem(file, f"te weinig {label} rijen om te vergelijken ({n}; minstens 2 nodig)",
                                    column=treatment))
    return problems


def _check(df, treatment: str, covariates: Sequence[str], *, outcome: str | None = None,
           extra: Sequence[str] = (), outcome_na_ok: bool = False, file: str = SOURCE) -> np.ndarray:
    """Validate the input and return the treatment as a 0/1 float array (raises DataError)."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(Problem(file, f"verwacht een tabel (DataFrame), kreeg {type(df).__name__}"))
    if isinstance(covariates, str):
        raise TypeError("covariates must be a list of column names, not one string")
    wanted = [treatment, *covariates, *([outcome] if outcome else []), *extra]
    missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
    if missing:
        raise DataError([Problem(file, "kolom ontbreekt", column=c) for c in missing])
    if len(df) == 0:
        raise DataError(Problem(file, "de tabel is leeg"))
    problems = _treatment_problems(df, treatment, file)
    for col in dict.fromkeys(covariates):
        s = df[col]
        if s.isna().any():
            problems.append(Problem(file, "ontbrekende waarde in covariaat", column=col, rows=_rows(s.isna())))
        if pd.api.types.is_datetime64_any_dtype(s):
            problems.append(Problem(file, "een datum kan geen covariaat zijn; maak er eerst een getal van (bijv. het jaar)",
                                    column=col))
    if outcome:
        s = df[outcome]
        if pd.api.types.is_bool_dtype(s):
            pass
        elif not pd.api.types.is_numeric_dtype(s):
            problems.append(Problem(file, "uitkomst moet een getal zijn", column=outcome))
        elif s.isna().any() and not outcome_na_ok:
            problems.append(Problem(file, "uitkomst ontbreekt", column=outcome, rows=_rows(s.isna())))
    if problems:
        raise DataError(problems)
    return df[treatment].astype(float).to_numpy()


def _work_frame(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``columns`` with booleans as 0/1 floats (patsy would treat them as categories)."""
    out = df[list(dict.fromkeys(columns))].copy()
    for col in out.columns:
        is_bool = pd.api.types.is_bool_dtype(out[col])
        if is_bool or (out[col].dtype == object and out[col].map(lambda v: isinstance(v, (bool, np.bool_))).all()):
            out[col] = out[col].astype(float)
    return out


def _is_binary(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and set(pd.unique(values.dropna())) <= {0, 1}


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
        t = self.treated.to_numpy()
        w = self.weights.to_numpy()
        rows = []
        for label, mask in ((self.labels[0], t), (self.labels[1], ~t)):
            kept = w[mask] > 0
            rows.append({"groep": label, "n": int(mask.sum()), "n_getrimd": int((~kept).sum()),
                         "som_gewichten": float(w[mask].sum()), "ess": effective_sample_size(w[mask]),
                         "gewicht_min": float(w[mask][kept].min()) if kept.any() else np.nan,
                         "gewicht_max": float(w[mask][kept].max()) if kept.any() else np.nan})
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
    """Propensity score weights for the ATT or the ATE (see the module docstring).

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
    return PropensityWeights(weights=pd.Series(w, index=df.index, name="gewicht"), model=model, estimand=estimand,
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
        ax.hist(ps[mask], bins=edges, density=True, alpha=0.5, color=color, label=f"{label} (n = {int(mask.sum())})")
    ax.set_xlim(0, 1)
    ax.set_xlabel("Propensityscore (kans op de behandeling)")
    ax.set_ylabel("Dichtheid")
    ax.legend()
    return ax


# ----------------------------------------------------------------------------- balance


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


def _indicator_columns(df: pd.DataFrame, covariates: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Numeric columns for balance: numbers as they are, categories as one 0/1 column per level."""
    work = _work_frame(df, covariates)
    cols, kinds = {}, {}
    for col in covariates:
        s = work[col]
        if pd.api.types.is_numeric_dtype(s):
            cols[col] = s.astype(float)
            kinds[col] = "binair" if _is_binary(s) else "continu"
        else:
            for level in sorted(pd.unique(s.astype(str))):
                name = f"{col}: {level}"
                cols[name] = (s.astype(str) == level).astype(float)
                kinds[name] = "binair"
    return pd.DataFrame(cols, index=df.index), kinds


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(w * x) / np.sum(w)) if np.sum(w) > 0 else np.nan


def _wvar(x: np.ndarray, w: np.ndarray) -> float:
    """Weighted variance with the reliability-weights correction (equals the sample variance for w = 1)."""
    sw, sw2 = np.sum(w), np.sum(w ** 2)
    if sw <= 0 or sw ** 2 - sw2 <= 0:
        return np.nan
    m = np.sum(w * x) / sw
    return float(np.sum(w * (x - m) ** 2) * sw / (sw ** 2 - sw2))


def balance_table(df: pd.DataFrame, treatment: str, covariates: Sequence[str], weights=None, *,
                  sd: str = "pooled", file: str = SOURCE) -> pd.DataFrame:
    """Standardised mean differences before (and with ``weights``, after) weighting.

    ``weights``: a :class:`PropensityWeights`, a column name, or one number per row.
    Categorical covariates get a row per level. The difference of means (treated minus
    control; ``verschil``) is divided by the unweighted standard deviation, pooled
    ``sqrt((s1² + s0²) / 2)`` or, with ``sd="treated"``, that of the treated (cobalt's
    choice for the ATT); a 0/1 variable uses ``p(1 - p)`` as its variance.

    Returns a tidy table: ``covariaat``, ``type`` (binair/continu), ``weging`` (ongewogen/
    gewogen), ``gem_behandeld``, ``gem_controle``, ``verschil``, ``smd``, ``variantieratio``.
    """
    _choice("sd", sd, ("pooled", "treated"))
    covariates = list(covariates)
    t = _check(df, treatment, covariates, file=file) == 1
    w = _weights_array(df, weights, file)
    X, kinds = _indicator_columns(df, covariates)
    rows = []
    for name in X.columns:
        x = X[name].to_numpy()
        if kinds[name] == "binair":
            p1, p0 = x[t].mean(), x[~t].mean()
            v1, v0 = p1 * (1 - p1), p0 * (1 - p0)
        else:
            v1, v0 = np.var(x[t], ddof=1), np.var(x[~t], ddof=1)
        scale = math.sqrt(v1) if sd == "treated" else math.sqrt((v1 + v0) / 2)
        settings = [("ongewogen", np.ones(len(x)))] + ([("gewogen", w)] if w is not None else [])
        for label, ww in settings:
            m1, m0 = _wmean(x[t], ww[t]), _wmean(x[~t], ww[~t])
            diff = m1 - m0
            if kinds[name] == "continu":
                wv1, wv0 = _wvar(x[t], ww[t]), _wvar(x[~t], ww[~t])
                vr = wv1 / wv0 if wv0 and wv0 > 0 else np.nan
            else:
                vr = np.nan
            rows.append({"covariaat": name, "type": kinds[name], "weging": label, "gem_behandeld": m1,
                         "gem_controle": m0, "verschil": diff,
                         "smd": diff / scale if scale > 0 else (0.0 if diff == 0 else np.nan),
                         "variantieratio": vr})
    return pd.DataFrame(rows, columns=["covariaat", "type", "weging", "gem_behandeld", "gem_controle", "verschil",
                                       "smd", "variantieratio"])


def max_abs_smd(balance: pd.DataFrame, weging: str = "gewogen") -> float:
    """The largest |SMD| in a :func:`balance_table` for ``weging`` (NaN when absent)."""
    rows = balance[balance["weging"] == weging]
    return float(rows["smd"].abs().max()) if not rows.empty else float("nan")


def love_plot(data: pd.DataFrame, ax: Axes | None = None, threshold: float = BALANCE_THRESHOLD) -> Axes:
    """Love plot of a :func:`balance_table`: |SMD| per covariate, before and after weighting."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.45 * max(4, data["covariaat"].nunique()) + 1))
    order = (data[data["weging"] == "ongewogen"].assign(a=lambda d: d["smd"].abs())
             .sort_values("a")["covariaat"].tolist())
    ypos = {c: i for i, c in enumerate(order)}
    markers = {"ongewogen": ("o", "ongewogen"), "gewogen": ("D", "gewogen")}
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0", "C1"])
    for i, (label, (marker, text)) in enumerate(markers.items()):
        rows = data[data["weging"] == label]
        if rows.empty:
            continue
        ax.scatter(rows["smd"].abs(), [ypos[c] for c in rows["covariaat"]], marker=marker, s=45,
                   color=colors[(i + 1) % len(colors)] if label == "ongewogen" else colors[0], label=text, zorder=3)
    ax.axvline(threshold, color="0.3", linestyle="--", linewidth=1.2, label=f"grens {str(threshold).replace('.', ',')}")
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order)
    ax.set_xlabel("|gestandaardiseerd verschil in gemiddelden| (SMD)")
    ax.set_xlim(left=0)
    ax.legend(loc="lower right")
    return ax


# ----------------------------------------------------------------------------- effect estimation


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
        return pd.DataFrame([{
            "methode": self.method, "estimand": self.estimand, "schatting": self.estimate, "se": self.se,
            "ci_laag": self.ci[0], "ci_hoog": self.ci[1], "n": self.n, "n_behandeld": self.n_treated,
            "n_controle": self.n_control,
            "gem_behandeld": self.arms["behandeld"][0], "gem_controle": self.arms["controle"][0]}])

    def plot(self, ax: Axes | None = None) -> Axes:
        """The estimate with its 95 % interval against the line of no effect."""
        return effect_plot(self.summary, ax=ax)


def effect_plot(data: pd.DataFrame, ax: Axes | None = None, label: str = "methode", null: float = 0.0) -> Axes:
    """Estimates with 95 % intervals (columns ``schatting``, ``ci_laag``, ``ci_hoog``, ``label``)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 * len(data) + 1.2))
    y = np.arange(len(data))[::-1]
    est = data["schatting"].to_numpy(float)
    err = np.vstack([est - data["ci_laag"].to_numpy(float), data["ci_hoog"].to_numpy(float) - est])
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


def _aipw_fit(t, y, s, ps, w, Xo, estimand, binary, cluster):
    """AIPW point estimate and influence-function covariance of the two arm means."""
    n = len(t)
    known = s > 0
    y0 = np.where(known, y, 0.0)
    m0, res0 = _outcome_model(y0, Xo, known & (t == 0), s, binary)
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
        m1, res1 = _outcome_model(y0, Xo, known & (t == 1), s, binary)
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
        w = pw.weights.to_numpy()
        mu1, mu0, V = _ipw_fit(t, y, s, w, pw.ps.to_numpy(), pw.model.design, estimand, cluster, pw.model.fit)
    elif method == "aipw":
        w = pw.weights.to_numpy()
        keep = w > 0
        idx = np.flatnonzero(keep)
        mu1, mu0, V, models = _aipw_fit(t[idx], y[idx], s[idx], pw.ps.to_numpy()[idx], w[idx],
                                        np.asarray(Xo, float)[idx], estimand, binary,
                                        None if cluster is None else cluster[idx])
        details["uitkomstmodellen"] = models
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
    s = _weights_array(df, censoring_weights, file) if censoring_weights is not None else np.ones(len(df))
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
        matches = pd.DataFrame({"behandeld": df.index[ti], "controle": df.index[ci_],
                                "afstand_logit_ps": [p[2] for p in pairs]})
        n_t = int((t == 1).sum())
        return EffectEstimate(
            method=method, estimand=estimand, estimate=est, se=se, ci=_wald(est, se), n=2 * len(pairs),
            n_treated=len(pairs), n_control=len(pairs),
            arms={"behandeld": (float(y[ti].mean()), se1), "controle": (float(y[ci_].mean()), se0)},
            outcome=outcome, treatment=treatment, weights=pw, matches=matches,
            details={"caliper_logit": cal, "behandeld_zonder_paar": n_t - len(pairs)})

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
    group is empty or the models fail are skipped and counted in ``details["mislukt"]``.
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
    base.details.update({"bootstrap": len(draws), "mislukt": failed})
    return base


# ----------------------------------------------------------------------------- survival


def _check_survival(df: pd.DataFrame, duration: str, event: str, file: str) -> None:
    problems = []
    for col in (duration, event):
        if col not in df.columns:
            problems.append(Problem(file, "kolom ontbreekt", column=col))
    if problems:
        raise DataError(problems)
    d = pd.to_numeric(df[duration], errors="coerce")
    bad = d.isna() | (d < 0)
    if bad.any():
        problems.append(Problem(file, "duur moet een getal >= 0 zijn", column=duration, rows=_rows(bad)))
    e = df[event]
    bad_e = ~e.isin([0, 1, True, False]) | e.isna()
    if bad_e.any():
        problems.append(Problem(file, "gebeurtenis moet 0/1 zijn", column=event, rows=_rows(bad_e)))
    if problems:
        raise DataError(problems)


def _step_left(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Left limit f(at-) of a right-continuous step function given at ``times`` (1 before the first)."""
    pos = np.searchsorted(times, at, side="left") - 1
    return np.where(pos >= 0, values[np.clip(pos, 0, None)], 1.0)


def _step_right(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(times, at, side="right") - 1
    return np.where(pos >= 0, values[np.clip(pos, 0, None)], 1.0)


def _product_limit(T: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan-Meier steps (unweighted, no delayed entry): distinct times and S at them.

    The censoring distribution is refitted in every bootstrap replicate, so this is kept to
    plain numpy; it equals :func:`regio_analysis.retention.kaplan_meier` (tested).
    """
    times, inv = np.unique(T, return_inverse=True)
    events = np.bincount(inv, weights=d, minlength=len(times))
    at_risk = np.cumsum(np.bincount(inv, minlength=len(times))[::-1])[::-1]
    return times, np.cumprod(1 - events / at_risk)


def _breslow(T: np.ndarray, d: np.ndarray, risk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Breslow's cumulative baseline hazard at the distinct event times (``risk`` = exp(x'b))."""
    times, inv = np.unique(T, return_inverse=True)
    events = np.bincount(inv, weights=d, minlength=len(times))
    risk_sum = np.cumsum(np.bincount(inv, weights=risk, minlength=len(times))[::-1])[::-1]
    keep = events > 0
    return times[keep], np.cumsum(events[keep] / risk_sum[keep])


def _censoring_fit(T: np.ndarray, C: np.ndarray, groups: np.ndarray | None, X: np.ndarray | None, model: str,
                   file: str):
    """Fit the censoring distribution once; return ``G(at, left)`` evaluated per row (arrays)."""
    n = len(T)
    if model == "km":
        groups = np.zeros(n) if groups is None else groups
        curves = []
        for g in pd.unique(groups):
            m = groups == g
            curves.append((m, *_product_limit(T[m], C[m])))

        def G(at, left=True):
            at = np.asarray(at, float)
            out = np.empty(n)
            step = _step_left if left else _step_right
            for m, times, values in curves:
                out[m] = step(times, values, at[m])
            return out
        return G

    from regio_analysis.retention import cox

    X = np.zeros((n, 0)) if X is None else X
    X = X[:, X.std(axis=0) > 0] if n > 1 else X
    if X.shape[1]:
        names = [f"x{i}" for i in range(X.shape[1])]
        frame = pd.DataFrame(X, columns=names).assign(_T=T, _C=C)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            beta = cox(frame, "_T", "_C", names, robust=False).params.to_numpy(float)
        if not np.isfinite(beta).all():
            raise DataError(Problem(file, "het censureringsmodel (Cox) is niet te schatten met deze kenmerken"))
        eta = X @ beta
        risk = np.exp(eta - eta.mean())
    else:
        risk = np.ones(n)
    times, H = _breslow(T, C, risk)

    def G(at, left=True):
        at = np.asarray(at, float)
        pos = np.searchsorted(times, at, side="left" if left else "right") - 1
        H0 = np.where(pos >= 0, H[np.clip(pos, 0, None)], 0.0)
        return np.exp(-H0 * risk)
    return G


def _censoring_model(df: pd.DataFrame, duration: str, event: str, group: str | None,
                     covariates: Sequence[str] | None, model: str, file: str):
    """Fit the censoring distribution once; return ``G(at, left)`` evaluated per row."""
    _choice("model", model, CENSORING_MODELS)
    T = df[duration].to_numpy(float)
    C = 1 - df[event].astype(int).to_numpy()
    groups = df[group].to_numpy() if group else None
    X = None
    if model == "cox":
        cols = list(dict.fromkeys(list(covariates or []) + ([group] if group else [])))
        X = main_effects_design(df, cols).drop(columns="Intercept").to_numpy(float)
    return _censoring_fit(T, C, groups, X, model, file)


def censoring_survival(df: pd.DataFrame, duration: str, event: str, at, *, left: bool = True,
                       group: str | None = None, covariates: Sequence[str] | None = None,
                       model: str = "km", file: str = SOURCE) -> np.ndarray:
    """The probability of remaining uncensored, G(t), at each row's own time ``at`` (array).

    ``model="km"``: Kaplan-Meier of the censoring times, per value of ``group`` when given.
    ``model="cox"``: a Cox model of the censoring hazard on ``covariates`` (and ``group``;
    :func:`regio_analysis.retention.cox`, Efron ties) with Breslow's baseline hazard.
    ``left=True`` gives the left limit G(t-), else G(t).
    """
    _check_survival(df, duration, event, file)
    return _censoring_model(df, duration, event, group, covariates, model, file)(at, left)


def _ipcw(T: np.ndarray, E: np.ndarray, G, horizon: float) -> np.ndarray:
    ev = (E == 1) & (T <= horizon)
    beyond = T > horizon
    g = np.where(ev, G(T, left=True), G(np.full(len(T), float(horizon)), left=False))
    return np.where(ev | beyond, 1.0 / np.clip(g, 1e-6, None), 0.0)


def ipcw_weights(df: pd.DataFrame, duration: str, event: str, horizon: float, *, group: str | None = None,
                 covariates: Sequence[str] | None = None, model: str = "km", file: str = SOURCE) -> pd.Series:
    """Inverse probability of censoring weights for the status at ``horizon``.

    A row's status at the horizon is known when its event happened by then (weight
    ``1 / G(T-)``) or when it was followed beyond it (weight ``1 / G(horizon)``); rows
    censored before the horizon get weight 0. With Kaplan-Meier censoring (per ``group``)
    the weighted share with an event by the horizon equals ``1 - KM`` of that group (Satten
    & Datta 2001).
    """
    _check_survival(df, duration, event, file)
    G = _censoring_model(df, duration, event, group, covariates, model, file)
    w = _ipcw(df[duration].to_numpy(float), df[event].astype(int).to_numpy(), G, horizon)
    return pd.Series(w, index=df.index, name="ipcw")


@dataclass
class KaplanMeierCurves:
    """Kaplan-Meier curves per group (optionally weighted): :func:`regio_analysis.retention.kaplan_meier`.

    ``table`` is retention's tidy table with a ``groep`` column; ``se_type`` says which
    standard error the intervals use (``robust``: infinitesimal jackknife, as R's
    ``survfit(..., weights=, robust=TRUE)``; ``greenwood`` without weights).
    """

    table: pd.DataFrame
    weighted: bool
    conf_type: str
    se_type: str

    @property
    def groups(self) -> list[str]:
        return list(self.table["groep"].cat.categories)

    @property
    def summary(self) -> pd.DataFrame:
        t = self.table
        return pd.DataFrame({"groep": t["groep"].astype(str), "tijd": t["time"].to_numpy(float),
                             "at_risk": t["at_risk"].to_numpy(float), "overleving": t["survival"].to_numpy(float),
                             "se": t["se"].to_numpy(float), "ci_laag": t["ci_lower"].to_numpy(float),
                             "ci_hoog": t["ci_upper"].to_numpy(float)})

    def _curve(self, label: str) -> pd.DataFrame:
        return self.table[self.table["groep"] == label]

    def at(self, times: Sequence[float]) -> pd.DataFrame:
        """Survival per group at ``times`` (tidy: groep, tijd, overleving, ci_laag, ci_hoog)."""
        rows = []
        for label in self.groups:
            g = self._curve(label)
            tg = g["time"].to_numpy(float)
            for t in times:
                pos = np.searchsorted(tg, float(t), side="right") - 1
                if pos < 0:
                    vals = (1.0, 1.0, 1.0)
                else:
                    vals = tuple(float(g[c].iloc[pos]) for c in ("survival", "ci_lower", "ci_upper"))
                rows.append({"groep": label, "tijd": float(t), "overleving": vals[0], "ci_laag": vals[1],
                             "ci_hoog": vals[2]})
        return pd.DataFrame(rows, columns=["groep", "tijd", "overleving", "ci_laag", "ci_hoog"])

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
                          "groep": pd.Categorical([names[v] for v in df[group].to_numpy()[keep]],
                                                  categories=list(dict.fromkeys(names[v] for v in values
                                                                                if (keep & (df[group] == v).to_numpy()).any())))})
    if entry:
        frame["_S"] = df[entry].to_numpy(float)[keep]
    se_type = "robust" if w is not None else "greenwood"
    table = kaplan_meier(frame, "_T", "_E", by="groep", weights="_W" if w is not None else None,
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
        return pd.DataFrame([{"maat": "hazardratio", "schatting": self.hr, "ci_laag": self.ci[0],
                              "ci_hoog": self.ci[1], "log_hr": self.log_hr, "se_log_hr": self.se, "p": self.p,
                              "n": self.n, "gebeurtenissen": self.events}])

    def plot(self, ax: Axes | None = None) -> Axes:
        return effect_plot(self.summary.assign(methode="hazardratio"), ax=ax, null=1.0)


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


@dataclass
class SurvivalEffect:
    """Survival contrasts of a treatment: weighted KM, weighted Cox HR, risk and RMST differences.

    ``interval`` says how the standard errors and 95 % intervals were made: ``"sandwich"``
    (M-estimation / influence function with the censoring weights taken as known; the Cox
    HR robust) or ``"bootstrap"`` (``bootstrap`` then holds every replicate's estimates and
    ``details`` the number of replicates, failures and the resampling unit).
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
        """One tidy table: the hazard ratio, and per horizon the risk and RMST per arm and their differences."""
        hr = self.cox.summary[["maat", "schatting", "ci_laag", "ci_hoog"]].assign(horizon=np.nan, se=self.cox.se,
                                                                                  n=self.cox.n)
        return pd.concat([hr, self.horizons], ignore_index=True)[
            ["maat", "horizon", "schatting", "se", "ci_laag", "ci_hoog", "n"]]

    def e_value(self, *, rare: bool) -> EValue:
        """E-value of the hazard ratio; ``rare``: is the outcome rare (< 15 % by the end of follow-up)?"""
        return e_value(self.cox.hr, self.cox.ci[0], self.cox.ci[1], measure="HR", rare=rare)

    def plot(self, ax: Axes | None = None, risk: bool = True) -> Axes:
        ax = self.km.plot(ax=ax, risk=risk)
        for h in sorted(set(self.horizons["horizon"])):
            ax.axvline(h, color="0.6", linestyle=":", linewidth=1)
        return ax


# ----------------------------------------------------------------------------- survival bootstrap


def _ps_design(df: pd.DataFrame, covariates: Sequence[str], *, formula: str | None = None, splines: int = 0,
               interactions: bool = False, file: str = SOURCE) -> np.ndarray:
    """The propensity design of :func:`propensity_score` for these options, as an array."""
    if formula or splines or interactions:
        rhs = formula or propensity_formula(df, covariates, splines=splines, interactions=interactions)
        return _design(df, rhs, [] if formula else list(covariates), file, "propensitymodel").to_numpy(float)
    return main_effects_design(df, covariates).to_numpy(float)


def _refit_weights(t: np.ndarray, X: np.ndarray, fit: str, estimand: str, trim: float | None, file: str,
                   column: str) -> tuple[np.ndarray, np.ndarray]:
    """Propensity scores and (stabilised) weights refitted on a resample, as :func:`propensity_weights`."""
    if (t == 1).sum() < 2 or (t == 0).sum() < 2:
        raise DataError(Problem(file, "te weinig behandelde of niet-behandelde rijen in de steekproef", column=column))
    if fit == "ml":
        ps = np.clip(np.asarray(_fit_logit(t, pd.DataFrame(X)).fittedvalues, float), 1e-12, 1 - 1e-12)
        tr = t == 1
        if ps[tr].min() > ps[~tr].max() or ps[~tr].min() > ps[tr].max():
            raise DataError(Problem(file, "geen overlap (perfecte scheiding)", column=column))
    else:
        ps = np.clip(_fit_balance(t, pd.DataFrame(X), estimand, file, column)[0], 1e-12, 1 - 1e-12)
    w = _raw_weights(ps, t, estimand, stabilize=True)
    if trim:
        keep = (ps >= trim) & (ps <= 1 - trim)
        if (keep & (t == 1)).sum() < 2 or (keep & (t == 0)).sum() < 2:
            raise DataError(Problem(file, "geen overlap na trimmen", column=column))
        w = np.where(keep, w, 0.0)
    return ps, w


def _arm_means(method: str, t, y, s, w, ps, Xo, estimand: str, binary: bool,
               cluster: np.ndarray | None) -> tuple[float, float, np.ndarray]:
    """The two arm means of :func:`estimate_effect` (the same code) and their pivot covariance.

    The covariance (clustered on ``cluster``) takes the propensity and censoring weights as
    known: it is not the reported SE but the denominator of the studentized bootstrap, computed
    the same way on the original rows and on every resample.
    """
    if method == "naive":
        return _ipw_fit(t, y, s, np.ones_like(t), cluster=cluster)
    if method == "ipw":
        return _ipw_fit(t, y, s, w, cluster=cluster)
    keep = w > 0
    return _aipw_fit(t[keep], y[keep], s[keep], ps[keep], w[keep], Xo[keep], estimand, binary,
                     None if cluster is None else cluster[keep])[:3]


def _weighted_log_hr(T, E, t, w) -> float:
    """Log hazard ratio of the treatment from the weighted Cox model (retention.cox, Efron)."""
    from regio_analysis.retention import cox

    keep = w > 0
    frame = pd.DataFrame({"_T": T[keep], "_E": E[keep], "_A": t[keep], "_W": w[keep]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cox(frame, "_T", "_E", ["_A"], weights="_W", robust=False).params.iloc[0])


def _replicate(idx: np.ndarray, data: dict, variants: dict[str, dict], horizons: Sequence[float], estimand: str,
               hazard_ratio: Sequence[str], labels: tuple[str, str], file: str,
               cluster: np.ndarray | None = None) -> list[tuple]:
    """Every variant's estimates on the rows ``idx``: the whole pipeline refitted (PS, censoring, outcome, Cox).

    Rows ``(variant, maat, horizon, schatting, se)``; ``se`` is the pivot SE of
    :func:`_arm_means` (clustered on ``cluster``, one code per row of ``idx``; NaN for the log HR).
    """
    t, T, E, Xo = data["t"][idx], data["T"][idx], data["E"][idx], data["Xo"][idx]
    for label, mask in (("behandelde", t == 1), ("niet-behandelde", t == 0)):
        if not mask.any():
            raise DataError(Problem(file, f"geen {label} rijen in de steekproef", column=data["treatment"]))
    out: list[tuple] = []
    fits: dict = {}
    censoring: dict = {}
    for name, v in variants.items():
        if v["method"] == "naive":
            ps, w = None, np.ones(len(idx))
        else:
            key = (v["fit"], v["design"], v["trim"])
            if key not in fits:
                fits[key] = _refit_weights(t, data["designs"][v["design"]][idx], v["fit"], estimand, v["trim"],
                                           file, data["treatment"])
            ps, w = fits[key]
        cens = v["censoring"]
        if cens not in censoring:
            censoring[cens] = _censoring_fit(T, 1 - E, t, data["Xc"][idx] if cens == "cox" else None, cens, file)
        G = censoring[cens]
        for h in horizons:
            s = _ipcw(T, E, G, h)
            for label, mask in (("behandelde", t == 1), ("niet-behandelde", t == 0)):
                if not (s[mask] > 0).any():
                    raise DataError(Problem(file, f"geen {label} rij met een bekende uitkomst na {h}"))
            for maat, y, binary in (("risico", ((E == 1) & (T <= h)).astype(float), True),
                                    ("rmst", np.minimum(T, h), False)):
                mu1, mu0, V = _arm_means(v["method"], t, np.where(s > 0, y, 0.0), s, w, ps, Xo, estimand, binary,
                                         cluster)
                diff = "risicosverschil" if maat == "risico" else "rmst-verschil"
                se = np.sqrt(np.clip([V[0, 0], V[1, 1], V[0, 0] + V[1, 1] - 2 * V[0, 1]], 0, None))
                out += [(name, f"{maat} {labels[0]}", float(h), mu1, se[0]),
                        (name, f"{maat} {labels[1]}", float(h), mu0, se[1]),
                        (name, diff, float(h), mu1 - mu0, se[2])]
        if name in hazard_ratio:
            out.append((name, "log_hr", np.nan, _weighted_log_hr(T, E, t, w), np.nan))
    return out


def _variant(df: pd.DataFrame, covariates: Sequence[str], options: dict, file: str,
             designs: dict[str, np.ndarray]) -> dict:
    """Normalise one variant's options; its propensity design is added to ``designs`` once."""
    options = dict(options)
    pw = options.pop("weights", None)
    method = options.pop("method", "aipw")
    _choice("method", method, ("naive", "ipw", "aipw"))
    censoring = options.pop("censoring", "km")
    _choice("censoring", censoring, CENSORING_MODELS)
    if pw is not None:  # refit the propensity model the weights came from
        model = pw.model
        default = propensity_formula(df, model.covariates)
        formula = None if model.formula == default else model.formula
        fit, trim, extra = model.fit, pw.trim, {"formula": formula}
    else:
        fit, trim = options.pop("fit", "ml"), options.pop("trim", None)
        extra = {k: options.pop(k) for k in ("formula", "splines", "interactions") if k in options}
    if options:
        raise TypeError(f"unknown variant options: {sorted(options)}")
    _choice("fit", fit, ("ml", "balance"))
    key = repr(sorted(extra.items()))
    if method != "naive" and key not in designs:
        designs[key] = _ps_design(df, covariates, file=file, **extra)
    return {"method": method, "fit": fit, "trim": trim, "design": key, "censoring": censoring}


def survival_bootstrap(df: pd.DataFrame, treatment: str, duration: str, event: str, covariates: Sequence[str],
                       variants: dict[str, dict], *, estimand: str = "ATT", horizons: Sequence[float] = (1, 3, 5),
                       cluster: str | None = None, n_boot: int = 200, seed: int = 0,
                       hazard_ratio: Sequence[str] = (), labels: tuple[str, str] = DEFAULT_LABELS,
                       file: str = SOURCE) -> pd.DataFrame:
    """Nonparametric bootstrap of the survival contrasts over the whole pipeline.

    Each replicate draws rows (or, with ``cluster``, whole clusters) with replacement and
    refits everything an estimate depends on: the propensity model, the censoring model
    (so the censoring weights are not taken as known), the AIPW outcome models and, for the
    variants named in ``hazard_ratio``, the weighted Cox model. ``variants`` maps a name to
    the options of :func:`survival_effect` (``method``, ``fit``, ``trim``, ``formula``,
    ``splines``, ``interactions``, ``censoring``, or ``weights``: a
    :class:`PropensityWeights` whose model is refitted); the variants share the resamples.
    Spline bases keep the knots of the full data.

    Returns a tidy table ``replicatie, variant, maat, horizon, schatting, se`` (``maat`` as in
    :attr:`SurvivalEffect.horizons`, plus ``log_hr``; ``se`` the pivot SE of the studentized
    interval, see :func:`bootstrap_interval`) of the successful replicates; ``attrs`` has
    ``replicaties``, ``mislukt`` (replicates in which a model could not be fitted or an arm
    had no known outcome: left out), ``eenheid`` (rows or the cluster) and ``origineel``
    (``(variant, maat, horizon) -> (schatting, se)`` on the original rows).
    """
    _choice("estimand", estimand, ESTIMANDS)
    covariates = list(covariates)
    _check(df, treatment, covariates, extra=[c for c in (cluster,) if c], file=file)
    _check_survival(df, duration, event, file)
    designs: dict[str, np.ndarray] = {}
    specs = {name: _variant(df, covariates, opts, file, designs) for name, opts in variants.items()}
    data = {"t": df[treatment].astype(float).to_numpy(), "T": df[duration].to_numpy(float),
            "E": df[event].astype(int).to_numpy(), "Xo": main_effects_design(df, covariates).to_numpy(float),
            "designs": designs, "treatment": treatment}
    if any(v["censoring"] == "cox" for v in specs.values()):
        data["Xc"] = main_effects_design(df, list(dict.fromkeys(covariates + [treatment]))).drop(
            columns="Intercept").to_numpy(float)
    rng = np.random.default_rng(seed)
    codes = pd.factorize(df[cluster])[0] if cluster else np.arange(len(df))
    members = np.split(np.argsort(codes, kind="stable"), np.cumsum(np.bincount(codes))[:-1])
    args = (data, specs, horizons, estimand, hazard_ratio, labels, file)
    original = _replicate(np.arange(len(df)), *args, cluster=codes)
    rows, failed = [], 0
    for b in range(n_boot):
        drawn = rng.integers(0, len(members), len(members))
        idx = np.concatenate([members[i] for i in drawn])
        # a cluster drawn twice counts as two clusters in the pivot SE
        ids = np.repeat(np.arange(len(drawn)), [len(members[i]) for i in drawn])
        try:
            rows += [(b, *r) for r in _replicate(idx, *args, cluster=ids)]
        except (DataError, np.linalg.LinAlgError, ValueError):
            failed += 1
    out = pd.DataFrame(rows, columns=["replicatie", "variant", "maat", "horizon", "schatting", "se"])
    out.attrs = {"replicaties": n_boot - failed, "mislukt": failed, "eenheid": cluster or "rij",
                 "origineel": {(v, m, h): (est, se) for v, m, h, est, se in original}}
    return out


def _boot_quantiles(values: np.ndarray, alpha: Sequence[float]) -> np.ndarray:
    """Quantiles of bootstrap replicates by the ``(R + 1) alpha`` rule with interpolation on the
    normal scale (Davison & Hinkley 1997, eq. 5.8; R's ``boot:::norm.inter``), so the intervals
    equal ``boot::boot.ci``. Non-finite values are left out; beyond the extreme order
    statistics the extreme value is taken."""
    t = np.sort(np.asarray(values, float)[np.isfinite(values)])
    R = len(t)
    if R == 0:
        return np.full(len(alpha), np.nan)
    out = []
    for a in alpha:
        rk = (R + 1) * a
        k = int(math.floor(rk))
        if k <= 0:
            out.append(t[0])
        elif k >= R:
            out.append(t[-1])
        elif k == rk:
            out.append(t[k - 1])
        else:
            z, z0, z1 = stats.norm.ppf([a, k / (R + 1), (k + 1) / (R + 1)])
            out.append(t[k - 1] + (z - z0) / (z1 - z0) * (t[k] - t[k - 1]))
    return np.array(out, float)


def bootstrap_interval(draws: pd.DataFrame, variant: str, method: str = "studentized") -> pd.DataFrame:
    """95 % intervals per ``maat`` and ``horizon`` of one variant from :func:`survival_bootstrap`.

    ``method``:

    * ``"studentized"`` (bootstrap-t; the chapter's): the 2.5 % and 97.5 % quantiles ``q`` of
      ``(estimate* - estimate) / se*`` over the replicates give ``estimate - q97.5 se`` to
      ``estimate - q2.5 se``, ``se`` the pivot SE (:func:`_arm_means`) on the original rows.
      It carries the skewness and the link between an estimate and its SE (a risk near 0 has a
      small SE) into the interval, which the normal interval misses in small samples
      (Davison & Hinkley 1997, section 5.2; ``benchmarks/causal_validation.py``);
      ``boot::boot.ci(type = "stud")`` in R;
    * ``"sd"``: estimate ± 1.96 × the SD of the replicates;
    * ``"percentile"``: the 2.5 % and 97.5 % quantiles of the replicates (``type = "perc"``).

    Quantiles by :func:`_boot_quantiles`, as ``boot.ci``.

    Returns ``maat, horizon, schatting, se`` (the SD of the replicates), ``ci_laag, ci_hoog``.
    The log hazard ratio (no pivot SE) always gets the ``"sd"`` interval.
    """
    _choice("method", method, ("studentized", "sd", "percentile"))
    original = draws.attrs["origineel"]
    d = draws[draws["variant"] == variant]
    rows = []
    for (maat, horizon), g in d.groupby(["maat", "horizon"], dropna=False, sort=False):
        key = (variant, maat, horizon) if maat != "log_hr" else (variant, maat, next(
            k[2] for k in original if k[:2] == (variant, maat)))
        est, se0 = original[key]
        sd = float(g["schatting"].std(ddof=1))
        kind = "sd" if maat == "log_hr" else method
        if kind == "sd":
            lo, hi = _wald(est, sd)
        elif kind == "percentile":
            lo, hi = _boot_quantiles(g["schatting"].to_numpy(float), (0.025, 0.975))
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                pivot = (g["schatting"].to_numpy(float) - est) / g["se"].to_numpy(float)
            q_hi, q_lo = _boot_quantiles(pivot, (0.975, 0.025))
            lo, hi = est - q_hi * se0, est - q_lo * se0
        rows.append({"maat": maat, "horizon": horizon, "schatting": est, "se": sd, "ci_laag": float(lo),
                     "ci_hoog": float(hi)})
    return pd.DataFrame(rows, columns=["maat", "horizon", "schatting", "se", "ci_laag", "ci_hoog"])


def _apply_bootstrap(effect: SurvivalEffect, draws: pd.DataFrame, variant: str) -> SurvivalEffect:
    """Replace the SEs and intervals of ``effect`` by the bootstrap's (:func:`bootstrap_interval`).

    Risks, RMSTs and their differences get the studentized interval (``se`` the SD of the
    replicates); the hazard ratio estimate ± 1.96 SD on the log scale.
    """
    boot = bootstrap_interval(draws, variant).set_index(["maat", "horizon"])
    h = effect.horizons.copy()
    for i, row in h.iterrows():
        key = (row["maat"], row["horizon"])
        h.loc[i, ["se", "ci_laag", "ci_hoog"]] = (boot.loc[key, ["se", "ci_laag", "ci_hoog"]].to_numpy(float)
                                                  if key in boot.index else np.nan)
    d = draws[draws["variant"] == variant]
    c = effect.cox
    se = float(d.loc[d["maat"] == "log_hr", "schatting"].std(ddof=1))
    lo, hi = _wald(c.log_hr, se)
    cox = CoxEffect(hr=c.hr, ci=(math.exp(lo), math.exp(hi)), log_hr=c.log_hr, se=se,
                    p=float(2 * stats.norm.sf(abs(c.log_hr / se))) if se > 0 else float("nan"), n=c.n,
                    events=c.events, fitter=c.fitter, cluster=c.cluster)
    details = {"replicaties": draws.attrs["replicaties"], "mislukt": draws.attrs["mislukt"],
               "eenheid": draws.attrs["eenheid"], "methode": "studentized"}
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
    (``benchmarks/causal_validation.py``); with ``n_boot > 0`` studentized bootstrap intervals
    (:func:`bootstrap_interval`) over ``n_boot`` replicates of the whole pipeline
    (:func:`survival_bootstrap`; clusters resampled when ``cluster`` is given; seeded by
    ``seed``), ``se`` then the SD of the replicates; the hazard ratio ± 1.96 SD on the log scale.

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
                rows.append({"maat": f"{name} {label}", "horizon": float(h), "schatting": m, "se": se,
                             "ci_laag": _wald(m, se)[0], "ci_hoog": _wald(m, se)[1], "n": n_known})
            rows.append({"maat": f"{name}sverschil" if name == "risico" else "rmst-verschil", "horizon": float(h),
                         "schatting": r.estimate, "se": r.se, "ci_laag": r.ci[0], "ci_hoog": r.ci[1], "n": n_known})
    horizons_df = pd.DataFrame(rows, columns=["maat", "horizon", "schatting", "se", "ci_laag", "ci_hoog", "n"])
    effect = SurvivalEffect(weights=pw, km=km, cox=cox, horizons=horizons_df, method=method, estimand=estimand,
                            labels=labels)
    if n_boot:
        options = {"method": method, "censoring": censoring}
        if method != "naive":
            options["weights"] = pw
        draws = survival_bootstrap(df, treatment, duration, event, covariates, {"hoofd": options}, estimand=estimand,
                                   horizons=sorted(set(used)), cluster=cluster, n_boot=n_boot, seed=seed,
                                   hazard_ratio=("hoofd",), labels=labels, file=file)
        effect = _apply_bootstrap(effect, draws, "hoofd")
    return effect


# ----------------------------------------------------------------------------- E-value


def rr_from(estimate: float, measure: str = "RR", rare: bool | None = None) -> float:
    """An approximate risk ratio from a risk, odds or hazard ratio (VanderWeele & Ding 2017, table).

    For a common outcome (> 15 % by the end of follow-up): ``sqrt(OR)`` and
    ``(1 - 0.5**sqrt(HR)) / (1 - 0.5**sqrt(1/HR))``; for a rare outcome the ratio itself.
    For an OR or HR ``rare`` must be given (True or False), as R's ``EValue`` requires.
    """
    _choice("measure", measure, ("RR", "OR", "HR"))
    if measure != "RR" and (rare is None or rare not in (True, False)):
        raise TypeError(f"E-waarde van een {measure}: geef rare=True (uitkomst bij < 15 % aan het eind van de "
                        f"follow-up) of rare=False (vaker); nu rare={rare!r}")
    if estimate <= 0:
        raise ValueError("a ratio must be positive")
    if measure == "RR" or rare:
        return float(estimate)
    if measure == "OR":
        return float(math.sqrt(estimate))
    return float((1 - 0.5 ** math.sqrt(estimate)) / (1 - 0.5 ** math.sqrt(1 / estimate)))


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return float(rr + math.sqrt(rr * (rr - 1)))


@dataclass
class EValue:
    """E-values of an estimate and of its confidence limit closest to the null."""

    measure: str
    estimate: float
    rr: float
    rr_ci: tuple[float, float] | None
    point: float
    ci: float | None

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"maat": self.measure, "schatting": self.estimate, "rr": self.rr,
                              "e_waarde_schatting": self.point, "e_waarde_ci": self.ci}])


def e_value(estimate: float, lo: float | None = None, hi: float | None = None, *, measure: str = "RR",
            rare: bool | None = None) -> EValue:
    """E-value (VanderWeele & Ding 2017) of a ratio estimate and its CI.

    For ``measure="OR"`` or ``"HR"`` the keyword ``rare`` is required (no default, as in R's
    ``EValue::evalues.OR/HR``): a common outcome converts the ratio to an approximate RR first.

    The E-value of a risk ratio RR > 1 is ``RR + sqrt(RR (RR - 1))`` (for RR < 1: of 1/RR).
    For the CI the limit closest to 1 is used; an interval containing 1 has E-value 1.
    """
    rr = rr_from(estimate, measure, rare)
    rr_ci = None
    e_ci = None
    if lo is not None and hi is not None:
        rlo, rhi = rr_from(lo, measure, rare), rr_from(hi, measure, rare)
        rr_ci = (rlo, rhi)
        if rlo <= 1 <= rhi:
            e_ci = 1.0
        else:
            e_ci = _e(rlo if rr > 1 else rhi)
    return EValue(measure=measure, estimate=float(estimate), rr=rr, rr_ci=rr_ci, point=_e(rr), ci=e_ci)
