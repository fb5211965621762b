"""Discrete-time hazard models: a binomial GLM (logit or cloglog) on person-period rows.

Each spell contributes one row per period (a year by default) it was at risk in
(:func:`~regio_analysis.retention.spells.to_person_period`); the model is

    g(P(leave in period p | at risk)) = alpha_p + x'beta

with one ``alpha`` per period (a free baseline) and ``g`` the complementary log-log link
(then ``exp(beta)`` is a hazard ratio of the grouped-time proportional-hazards model, the
same quantity Cox estimates) or the logit link (``exp(beta)`` is an odds ratio).

Rows with equal covariates, cluster and period are aggregated to (events, trials) counts
before fitting: the binomial likelihood, its estimates and its standard errors are exactly
those of the expanded 0/1 rows, with far fewer rows (``aggregate=True``, the default).
Cluster-robust standard errors (by school or board) use the sandwich without small-sample
correction, so they too are identical for aggregated and expanded rows. The fit is
statsmodels' ``GLM``; its results object is kept as ``DiscreteTimeResult.model``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from matplotlib.axes import Axes
from scipy import stats

from regio_analysis.errors import DataError, Problem
from regio_analysis.retention.cox import (
    _check_reference,
    _is_numeric,
    category_levels,
    check_not_constant,
    design_matrix,
    reference_column,
)
from regio_analysis.retention.km import check_no_missing, survival_arrays
from regio_analysis.retention.spells import to_person_period

LINKS = ("cloglog", "logit")


def _inverse_link(link: str, eta: np.ndarray) -> np.ndarray:
    if link == "cloglog":
        return -np.expm1(-np.exp(eta))
    return 1 / (1 + np.exp(-eta))


@dataclass
class DiscreteTimeResult:
    """A fitted discrete-time hazard model."""

    summary: pd.DataFrame      # covariates: coef, se, hr|or, ci_lower, ci_upper, z, p
    baseline: pd.DataFrame     # per period: periode, coef (alpha_p), hazard at x = 0 (reference)
    link: str
    width: float
    model: object = field(repr=False)  # statsmodels GLMResults
    columns: list[str] = field(default_factory=list)
    covariates: list[str] = field(default_factory=list)
    n_rows: int = 0            # rows the GLM saw (aggregated or not)
    n_person_periods: float = 0.0
    cluster: str | None = None
    _levels: dict = field(default_factory=dict, repr=False)

    def predict_survival(self, profiles: pd.DataFrame) -> pd.DataFrame:
        """Hazard and survival per period for each row of ``profiles`` (covariate values).

        Returns ``profiel`` (row number in ``profiles``), the covariate columns,
        ``periode``, ``tijd`` (end of the period), ``hazard`` and ``survival``.
        """
        x = _design_like(profiles, self.covariates, self.columns, self._levels)
        beta = self.summary["coef"].to_numpy()
        alpha = self.baseline["coef"].to_numpy()
        eta = alpha[None, :] + (x @ beta)[:, None]
        hazard = _inverse_link(self.link, eta)
        surv = np.cumprod(1 - hazard, axis=1)
        n_p = len(alpha)
        out = pd.DataFrame({
            "profiel": np.repeat(np.arange(len(profiles)), n_p),
            "periode": np.tile(self.baseline["periode"].to_numpy(), len(profiles)),
            "hazard": hazard.ravel(),
            "survival": surv.ravel(),
        })
        out["tijd"] = out["periode"] * self.width
        for col in self.covariates:
            out[col] = np.repeat(profiles[col].to_numpy(), n_p)
        return out

    def plot(self, ax: Axes | None = None, profiles: pd.DataFrame | None = None, label: str | None = None) -> Axes:
        """Predicted survival per period for ``profiles`` (default: the reference profile, x = 0)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        if profiles is None:
            alpha = self.baseline["coef"].to_numpy()
            surv = np.cumprod(1 - _inverse_link(self.link, alpha))
            t = np.concatenate([[0.0], self.baseline["periode"].to_numpy() * self.width])
            ax.step(t, np.concatenate([[1.0], surv]), where="post", label=label or "referentie")
        else:
            pred = self.predict_survival(profiles)
            for k, g in pred.groupby("profiel"):
                name = label or ", ".join(f"{c}={profiles.iloc[k][c]}" for c in self.covariates)
                ax.step(np.concatenate([[0.0], g["tijd"]]), np.concatenate([[1.0], g["survival"]]), where="post",
                        label=name)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("tijd")
        ax.set_ylabel("voorspeld aandeel nog in dienst")
        return ax


def _levels_of(df: pd.DataFrame, covariates: Sequence[str], reference: dict | None = None) -> dict:
    """Levels of each categorical covariate, the reference level first."""
    reference = _check_reference(df, covariates, reference, "<spells>")
    return {c: category_levels(df[c], c, reference.get(c)) for c in covariates if not _is_numeric(df[c])}


def _design_like(df: pd.DataFrame, covariates, columns, levels) -> np.ndarray:
    """A design matrix for new data with the columns of the fitted model."""
    frame = df.copy()
    for c, lv in levels.items():
        frame[c] = pd.Categorical(frame[c].astype(str), categories=[str(v) for v in lv])
    x = design_matrix(frame, covariates)
    return x.reindex(columns=columns, fill_value=0.0).to_numpy(float)


def _boundary_periods(period: np.ndarray, events: np.ndarray, trials: np.ndarray) -> dict:
    """The periods whose weighted hazard is 0 (no one leaves) or 1 (everyone leaves), with that hazard.

    With a free intercept per period their maximum likelihood is at an infinite intercept whatever the
    covariates; left in, the IRLS fit diverges (a silent 1e14 for a coefficient), left out, the covariates'
    estimates are the limit the full fit tends to."""
    sums = pd.DataFrame({"p": period, "e": events, "n": trials}).groupby("p")[["e", "n"]].sum()
    tol = 1e-12 * sums["n"]
    none = {p: 0.0 for p in sums.index[sums["e"] <= tol]}
    return {**none, **{p: 1.0 for p in sums.index[sums["e"] >= sums["n"] - tol]}}


def discrete_time_hazard(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    link: str = "cloglog",
    *,
    entry: str | None = None,
    width: float = 1.0,
    max_periods: int | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    aggregate: bool = True,
    conf_level: float = 0.95,
    reference: dict | None = None,
) -> DiscreteTimeResult:
    """Fit a discrete-time hazard model on the spells in ``df``.

    ``df`` has one row per spell (e.g. from :func:`prepare_spells`); it is expanded to
    person-period rows of ``width`` (left-truncated spells start in the period of
    ``entry``) and, with ``aggregate``, collapsed to covariate patterns. Periods after
    ``max_periods`` are dropped (spells still at risk then are censored there).
    ``cluster`` (e.g. ``"vestigingscode"`` or ``"bestuur_id"``) gives cluster-robust
    standard errors. ``weights`` (case weights, e.g. inverse-probability weights) are
    carried into the counts (a row of weight w counts as w spells); use them with ``cluster``
    for valid standard errors. ``entry`` (left truncation) is not used unless named, as in
    :func:`kaplan_meier` and :func:`cox`. Categorical covariates are coded against
    ``reference[name]`` or their first level; the ``referentie`` column of ``summary``
    names it.
    """
    if link not in LINKS:
        raise ValueError(f"link={link!r}: choose one of {LINKS}")
    covariates = list(covariates)
    survival_arrays(df, duration, event, weights, entry)
    check_no_missing(df, cluster, "clusterkolom")
    design_matrix(df, covariates, reference=reference)  # missing columns or values, unknown reference
    check_not_constant(df, covariates)
    levels = _levels_of(df, covariates, reference)
    keep = covariates + ([cluster] if cluster and cluster not in covariates else [])
    pp = to_person_period(df, duration, event, entry=entry, width=width, max_periods=max_periods,
                          covariates=keep, aggregate=aggregate, weights=weights)
    pp = pp[pp["gewicht"] > 0]
    frame = pp.copy()
    for c, lv in levels.items():
        frame[c] = pd.Categorical(frame[c].astype(str), categories=[str(v) for v in lv])
    x_df = design_matrix(frame, covariates)
    columns = list(x_df.columns)
    all_periods = np.sort(frame["periode"].unique())
    trials = frame["gewicht"].to_numpy(float)
    # aggregated rows hold weighted event counts; person-period rows hold 0/1: weigh them
    events = frame["event"].to_numpy(float) * (1.0 if aggregate else trials)
    bounds = _boundary_periods(frame["periode"].to_numpy(), events, trials)
    informative = ~frame["periode"].isin(list(bounds)).to_numpy()
    if not informative.any():
        raise DataError(Problem("<spells>", "in elke periode vertrekt iedereen of niemand: het model heeft niets "
                                            "om de covariaten op te schatten", column=event))
    frame, trials, events = frame[informative], trials[informative], events[informative]
    periods = np.sort(frame["periode"].unique())
    p_idx = np.searchsorted(periods, frame["periode"].to_numpy())
    dummies = np.zeros((len(frame), len(periods)))
    dummies[np.arange(len(frame)), p_idx] = 1.0
    x = np.hstack([dummies, x_df.to_numpy(float)[informative]])
    endog = np.column_stack([events, trials - events])
    family = sm.families.Binomial(link=sm.families.links.CLogLog() if link == "cloglog" else sm.families.links.Logit())
    glm = sm.GLM(endog, x, family=family)
    # converge on the parameters, not the deviance (whose size follows the scale of the weights)
    fit_kw = {"tol": 1e-10, "tol_criterion": "params", "maxiter": 200}
    cov_kw = ({"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(frame[cluster])[0], "use_correction": False}}
              if cluster else {})
    with np.errstate(over="ignore", invalid="ignore"):
        res = glm.fit(**fit_kw, **cov_kw)
        converged = bool(res.converged)
        if not converged:  # statsmodels' IRLS has no step-halving (R's glm has): cloglog can run away from a
            # poor start to 1e14; Newton's method with a line search converges to the same maximum
            res = glm.fit(method="newton", maxiter=200, disp=False, **cov_kw)
            converged = bool(res.mle_retvals.get("converged"))
    params = np.asarray(res.params)
    bse = np.asarray(res.bse)
    k = len(periods)
    if not converged or not np.all(np.isfinite(params[k:])):
        raise DataError(Problem("<spells>", "het discrete-tijdmodel convergeert niet (een covariaat scheidt "
                                            "vertrekkers en blijvers volledig?); vereenvoudig de covariaten",
                                column=", ".join(covariates)))
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    ratio = "hr" if link == "cloglog" else "or"
    summary = pd.DataFrame({"coef": params[k:], "se": bse[k:]}, index=pd.Index(columns, name="covariaat"))
    summary[ratio] = np.exp(summary["coef"])
    summary["ci_lower"] = np.exp(summary["coef"] - z * summary["se"])
    summary["ci_upper"] = np.exp(summary["coef"] + z * summary["se"])
    summary["z"] = summary["coef"] / summary["se"]
    summary["p"] = 2 * stats.norm.sf(np.abs(summary["z"]))
    refs = {c: lv[0] for c, lv in levels.items() if lv}
    summary["referentie"] = reference_column(columns, covariates, refs)
    summary.attrs["referentie"] = refs
    # a period in which everyone or no one leaves has hazard 1 or 0 whatever the covariates: its intercept
    # is +inf or -inf and its rows say nothing about the covariates (they are left out of the fit)
    coef = pd.Series(params[:k], index=periods).reindex(all_periods)
    se = pd.Series(bse[:k], index=periods).reindex(all_periods)
    for period, hazard in bounds.items():
        coef[period] = np.inf if hazard == 1.0 else -np.inf
    baseline = pd.DataFrame({"periode": all_periods, "coef": coef.to_numpy(), "se": se.to_numpy()})
    baseline["hazard"] = _inverse_link(link, baseline["coef"].to_numpy())
    return DiscreteTimeResult(summary=summary, baseline=baseline, link=link, width=width, model=res,
                              columns=columns, covariates=covariates, n_rows=len(frame),
                              n_person_periods=float(trials.sum()), cluster=cluster, _levels=levels)
