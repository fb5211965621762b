"""The survival bootstrap: every replicate resamples rows or whole clusters and refits the
propensity, censoring and outcome models and the weighted Cox model of several analysis
variants at once; the studentized (bootstrap-t), SD and percentile intervals from the
replicates, with quantiles as R's ``boot.ci`` (Davison & Hinkley 1997), and the interval of a
difference combined from its two arms' intervals (MOVER; Zou & Donner 2008).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from regio_analysis.causal.censoring import _censoring_fit, _ipcw
from regio_analysis.causal.checks import _check, _check_survival, _choice
from regio_analysis.causal.constants import CENSORING_MODELS, DEFAULT_LABELS, DIFFERENCES, ESTIMANDS, SOURCE
from regio_analysis.causal.estimators import _aipw_fit, _ipw_fit, _wald
from regio_analysis.causal.propensity import (
    _design,
    _fit_balance,
    _fit_logit,
    _raw_weights,
    main_effects_design,
    propensity_formula,
)
from regio_analysis.errors import DataError, Problem


def _ps_design(df: pd.DataFrame, covariates: Sequence[str], *, formula: str | None = None, splines: int = 0,
               interactions: bool = False, file: str = SOURCE) -> np.ndarray:
    """The propensity design of :func:`propensity_score` for these options, as an array."""
    if formula or splines or interactions:
        rhs = formula or propensity_formula(df, covariates, splines=splines, interactions=interactions)
        return _design(df, rhs, [] if formula else list(covariates), file, "propensitymodel").to_numpy(float)
    return main_effects_design(df, covariates).to_numpy(float)


def _fit_ml_ps(t: np.ndarray, X: np.ndarray, file: str, column: str) -> np.ndarray:
    ps = np.clip(np.asarray(_fit_logit(t, pd.DataFrame(X)).fittedvalues, float), 1e-12, 1 - 1e-12)
    tr = t == 1
    if ps[tr].min() > ps[~tr].max() or ps[~tr].min() > ps[tr].max():
        raise DataError(Problem(file, "geen overlap (perfecte scheiding)", column=column))
    return ps


def _refit_weights(t: np.ndarray, X: np.ndarray, fit: str, estimand: str, trim: float | None, file: str,
                   column: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """Propensity scores and (stabilised) weights refitted on a resample, as :func:`propensity_weights`,
    and whether the balance fit fell back to maximum likelihood.

    A resample in which the covariate-balance (CBPS) equations have no solution is the kind of
    sample in which overlap is poor; leaving it out would make the interval too narrow (such
    draws are the extreme ones). The propensity model is then fitted by maximum likelihood
    instead, the procedure an analyst would fall back on, and the draw is counted.
    """
    if (t == 1).sum() < 2 or (t == 0).sum() < 2:
        raise DataError(Problem(file, "te weinig behandelde of niet-behandelde rijen in de steekproef", column=column))
    fallback = False
    if fit == "ml":
        ps = _fit_ml_ps(t, X, file, column)
    else:
        try:
            ps = np.clip(_fit_balance(t, pd.DataFrame(X), estimand, file, column)[0], 1e-12, 1 - 1e-12)
        except DataError:
            ps, fallback = _fit_ml_ps(t, X, file, column), True
    w = _raw_weights(ps, t, estimand, stabilize=True)
    if trim:
        keep = (ps >= trim) & (ps <= 1 - trim)
        if (keep & (t == 1)).sum() < 2 or (keep & (t == 0)).sum() < 2:
            raise DataError(Problem(file, "geen overlap na trimmen", column=column))
        w = np.where(keep, w, 0.0)
    return ps, w, fallback


def _arm_means(method: str, t, y, s, w, ps, Xo, estimand: str, binary: bool,
               cluster: np.ndarray | None, outcomes: dict | None = None) -> tuple[float, float, np.ndarray]:
    """The two arm means of :func:`estimate_effect` (the same code) and their pivot covariance.

    The covariance (clustered on ``cluster``) takes the propensity and censoring weights as
    known: it is not the reported SE but the denominator of the studentized bootstrap, computed
    the same way on the original rows and on every resample. ``outcomes``: the AIPW outcome
    models already fitted for this resample, outcome and censoring weights, by the rows kept.
    """
    if method == "naive":
        return _ipw_fit(t, y, s, np.ones_like(t), cluster=cluster)
    if method == "ipw":
        return _ipw_fit(t, y, s, w, cluster=cluster)
    keep = w > 0
    return _aipw_fit(t[keep], y[keep], s[keep], ps[keep], w[keep], Xo[keep], estimand, binary,
                     None if cluster is None else cluster[keep],
                     None if outcomes is None else outcomes.setdefault(keep.tobytes(), {}))[:3]


def _weighted_log_hr(T, E, t, w) -> float:
    """Log hazard ratio of the treatment from the weighted Cox model (Efron), as ``retention.cox``
    estimates it (:func:`~regio_analysis.retention.cox.one_coefficient`)."""
    from regio_analysis.retention.cox import one_coefficient

    keep = w > 0
    return one_coefficient(T[keep], E[keep], t[keep], w[keep])


def _replicate(idx: np.ndarray, data: dict, variants: dict[str, dict], horizons: Sequence[float], estimand: str,
               hazard_ratio: Sequence[str], labels: tuple[str, str], file: str,
               cluster: np.ndarray | None = None, strict: bool = False) -> list[tuple]:
    """Every variant's estimates on the rows ``idx``: the whole pipeline refitted (PS, censoring, outcome, Cox).

    Rows ``(variant, measure, horizon, estimate, se)``; ``se`` is the pivot SE of
    :func:`_arm_means` (clustered on ``cluster``, one code per row of ``idx``; NaN for the log HR).
    """
    t, T, E, Xo = data["t"][idx], data["T"][idx], data["E"][idx], data["Xo"][idx]
    for label, mask in (("behandelde", t == 1), ("niet-behandelde", t == 0)):
        if not mask.any():
            raise DataError(Problem(file, f"geen {label} rijen in de steekproef", column=data["treatment"]))
    out: list[tuple] = []
    fits: dict = {}
    censoring: dict = {}
    outcomes: dict = {}
    for name, v in variants.items():
        try:
            out += _replicate_variant(name, v, idx, data, t, T, E, Xo, fits, censoring, outcomes, horizons,
                                      estimand, hazard_ratio, labels, file, cluster)
        except (DataError, np.linalg.LinAlgError, ValueError):
            if strict or len(variants) == 1:
                raise
            out.append((name, FAILED, np.nan, np.nan, np.nan))  # this variant only; the others keep the draw
    return out


#: the measure recorded for a variant whose models could not be fitted on a resample
FAILED = "_mislukt"
#: the measure recorded for a variant whose balance fit fell back to maximum likelihood on a resample
ML_FALLBACK = "_ml_terugval"


def _replicate_variant(name, v, idx, data, t, T, E, Xo, fits, censoring, outcomes, horizons, estimand, hazard_ratio,
                       labels, file, cluster) -> list[tuple]:
    """One variant's rows of :func:`_replicate`; propensity, censoring and AIPW outcome fits (or their
    failure) are shared between the variants of a draw through ``fits``, ``censoring`` and ``outcomes``."""
    if v["method"] == "naive":
        ps, w = None, np.ones(len(idx))
    else:
        key = (v["fit"], v["design"], v["trim"])
        if key not in fits:
            try:
                fits[key] = _refit_weights(t, data["designs"][v["design"]][idx], v["fit"], estimand, v["trim"],
                                           file, data["treatment"])
            except (DataError, np.linalg.LinAlgError, ValueError) as err:
                fits[key] = err
        if isinstance(fits[key], Exception):
            raise fits[key]
        ps, w, fallback = fits[key]
    cens = v["censoring"]
    if cens not in censoring:
        censoring[cens] = _censoring_fit(T, 1 - E, t, data["Xc"][idx] if cens == "cox" else None, cens, file)
    G = censoring[cens]
    out: list[tuple] = []
    for h in horizons:
        s = _ipcw(T, E, G, h)
        for label, mask in (("behandelde", t == 1), ("niet-behandelde", t == 0)):
            if not (s[mask] > 0).any():
                raise DataError(Problem(file, f"geen {label} rij met een bekende uitkomst na {h}"))
        for kind, y, binary in (("risico", ((E == 1) & (T <= h)).astype(float), True),
                                ("rmst", np.minimum(T, h), False)):
            mu1, mu0, V = _arm_means(v["method"], t, np.where(s > 0, y, 0.0), s, w, ps, Xo, estimand, binary,
                                     cluster, outcomes.setdefault((cens, h, kind), {}))
            se = np.sqrt(np.clip([V[0, 0], V[1, 1], V[0, 0] + V[1, 1] - 2 * V[0, 1]], 0, None))
            out += [(name, f"{kind} {labels[0]}", float(h), mu1, se[0]),
                    (name, f"{kind} {labels[1]}", float(h), mu0, se[1]),
                    (name, DIFFERENCES[kind], float(h), mu1 - mu0, se[2])]
    if name in hazard_ratio:
        out.append((name, "log_hr", np.nan, _weighted_log_hr(T, E, t, w), np.nan))
    if v["method"] != "naive" and fallback:
        out.append((name, ML_FALLBACK, np.nan, np.nan, np.nan))
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
    extra: dict[str, Any]  # _ps_design's keyword options: formula, splines, interactions
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

    Returns a tidy table ``replicate, variant, measure, horizon, estimate, se`` (``measure`` as in
    :attr:`SurvivalEffect.horizons`, plus ``log_hr``; ``se`` the pivot SE of the studentized
    interval, see :func:`bootstrap_interval`) of the successful replicates; ``attrs`` has
    ``replicates``, ``failed`` (replicates in which a model could not be fitted or an arm
    had no known outcome: left out), ``failed_variant`` (per variant, the further replicates
    in which only that variant's models could not be fitted: left out of that variant only; with
    one variant this is 0 and such replicates count as ``failed``), ``unit`` (``"rij"`` for rows,
    or the cluster column), ``ml_fallback`` (per variant, the replicates in which the balance
    fit had no solution and the propensity model was fitted by maximum likelihood; see
    :func:`_refit_weights`) and
    ``original`` (``(variant, measure, horizon) -> (estimate, se)`` on the original rows) and
    ``labels`` (the arms' labels in ``measure``).
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
    original = _replicate(np.arange(len(df)), *args, cluster=codes, strict=True)
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
    out = pd.DataFrame(rows, columns=["replicate", "variant", "measure", "horizon", "estimate", "se"])
    lost = out["measure"] == FAILED
    back = out["measure"] == ML_FALLBACK
    failed_variant = {name: int((lost & (out["variant"] == name)).sum()) for name in specs}
    fallback_variant = {name: int((back & (out["variant"] == name)).sum()) for name in specs}
    out = out[~lost & ~back].reset_index(drop=True)
    out.attrs = {"replicates": n_boot - failed, "failed": failed, "failed_variant": failed_variant,
                 "ml_fallback": fallback_variant,
                 "unit": cluster or "rij", "labels": tuple(labels),
                 "original": {(v, m, h): (est, se) for v, m, h, est, se in original}}
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


def mover_difference(est1: float, ci1: tuple[float, float], est0: float, ci0: tuple[float, float],
                     r: float = 0.0) -> tuple[float, float]:
    """The interval of ``est1 - est0`` recovered from the two estimates' own intervals (MOVER).

    ``L = d - sqrt((est1 - l1)^2 + (u0 - est0)^2 - 2 r (est1 - l1)(u0 - est0))`` and
    ``U = d + sqrt((u1 - est1)^2 + (est0 - l0)^2 - 2 r (u1 - est1)(est0 - l0))``, ``r`` the
    correlation of the two estimates (Zou & Donner 2008, eqs. 2-3; Newcombe 1998's method 10
    when the arms' intervals are Wilson intervals and ``r = 0``). Each bound takes the side of
    each arm's interval that moves the difference that way, so skewed arm intervals give a
    skewed difference interval; with symmetric (Wald) arm intervals it is the Wald interval of
    the difference with variance ``v1 + v0 - 2 r sqrt(v1 v0)``.
    """
    d = est1 - est0
    a, b = est1 - ci1[0], ci0[1] - est0
    c, e = ci1[1] - est1, est0 - ci0[0]
    lo = d - math.sqrt(max(a * a + b * b - 2 * r * a * b, 0.0))
    hi = d + math.sqrt(max(c * c + e * e - 2 * r * c * e, 0.0))
    return lo, hi


def _pivot(est: float, g: pd.DataFrame) -> np.ndarray:
    """The bootstrap-t pivots ``(estimate* - estimate) / se*`` of the replicates ``g``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (g["estimate"].to_numpy(float) - est) / g["se"].to_numpy(float)


def _studentized(est: float, se0: float, g: pd.DataFrame) -> tuple[float, float]:
    """The bootstrap-t interval: ``estimate - q97.5 se`` to ``estimate - q2.5 se`` (see :func:`bootstrap_interval`)."""
    q_hi, q_lo = _boot_quantiles(_pivot(est, g), (0.975, 0.025))
    return float(est - q_hi * se0), float(est - q_lo * se0)


#: a difference's measure -> the kind of its arms' measures
_ARMS_OF = {diff: kind for kind, diff in DIFFERENCES.items()}


def bootstrap_interval(draws: pd.DataFrame, variant: str, method: str = "mover") -> pd.DataFrame:
    """95 % intervals per ``measure`` and ``horizon`` of one variant from :func:`survival_bootstrap`.

    ``method``:

    * ``"mover"`` (the chapter's): the risks and RMSTs of the two arms get their studentized
      interval, and a difference of the arms gets the interval recovered from those two
      (:func:`mover_difference`), with the correlation of the arms' replicates. Each arm keeps its
      own skewness and its own link between estimate and SE: the weighted control arm's risk
      has a far stronger one than the treated arm's, which a single pivot for their difference
      cannot follow (the studentized interval of the difference covered 93 % in
      ``benchmarks/causal_validation.py``);
    * ``"studentized"`` (bootstrap-t): the 2.5 % and 97.5 % quantiles ``q`` of
      ``(estimate* - estimate) / se*`` over the replicates give ``estimate - q97.5 se`` to
      ``estimate - q2.5 se``, ``se`` the pivot SE (:func:`_arm_means`) on the original rows.
      It carries the skewness and the link between an estimate and its SE (a risk near 0 has a
      small SE) into the interval, which the normal interval misses in small samples
      (Davison & Hinkley 1997, section 5.2); ``boot::boot.ci(type = "stud")`` in R;
    * ``"sd"``: estimate ± 1.96 × the SD of the replicates;
    * ``"percentile"``: the 2.5 % and 97.5 % quantiles of the replicates (``type = "perc"``);
    * ``"symmetric"``: the symmetric bootstrap-t, ``estimate ± q95(|pivot|) se`` (Hall 1988).

    Quantiles by :func:`_boot_quantiles`, as ``boot.ci``.

    Returns ``measure, horizon, estimate, se`` (the SD of the replicates), ``ci_lower, ci_upper``.
    The log hazard ratio (no pivot SE) always gets the ``"sd"`` interval.
    """
    _choice("method", method, ("mover", "studentized", "sd", "percentile", "symmetric"))
    original = draws.attrs["original"]
    d = draws[draws["variant"] == variant]
    labels = draws.attrs.get("labels")
    rows = []
    for (measure, horizon), g in d.groupby(["measure", "horizon"], dropna=False, sort=False):
        key = (variant, measure, horizon) if measure != "log_hr" else (variant, measure, next(
            k[2] for k in original if k[:2] == (variant, measure)))
        est, se0 = original[key]
        sd = float(g["estimate"].std(ddof=1))
        kind = "sd" if measure == "log_hr" else method
        if kind == "mover" and measure in _ARMS_OF:
            lo, hi = _mover(d, variant, _ARMS_OF[measure], horizon, labels, original)
        elif kind == "sd":
            lo, hi = _wald(est, sd)
        elif kind == "percentile":
            lo, hi = _boot_quantiles(g["estimate"].to_numpy(float), (0.025, 0.975))
        elif kind == "symmetric":
            q = _boot_quantiles(np.abs(_pivot(est, g)), (0.95,))[0]
            lo, hi = est - q * se0, est + q * se0
        else:  # studentized; an arm's own interval under "mover"
            lo, hi = _studentized(est, se0, g)
        rows.append({"measure": measure, "horizon": horizon, "estimate": est, "se": sd, "ci_lower": float(lo),
                     "ci_upper": float(hi)})
    return pd.DataFrame(rows, columns=["measure", "horizon", "estimate", "se", "ci_lower", "ci_upper"])


def _mover(d: pd.DataFrame, variant: str, kind: str, horizon: float, labels: Sequence[str] | None,
           original: dict) -> tuple[float, float]:
    """The MOVER interval of the difference of the arms ``f"{kind} {label}"`` at ``horizon``."""
    if not labels:
        raise ValueError("method 'mover' needs the arms' replicates and their labels (draws.attrs['labels'] of "
                         "survival_bootstrap)")
    at = d[d["horizon"] == horizon]
    arms = []
    for label in labels:
        g = at[at["measure"] == f"{kind} {label}"].set_index("replicate")
        est, se0 = original[(variant, f"{kind} {label}", horizon)]
        arms.append((est, _studentized(est, se0, g), g["estimate"]))
    pair = pd.concat([arms[0][2], arms[1][2]], axis=1, join="inner").to_numpy(float)
    pair = pair[np.isfinite(pair).all(axis=1)]
    r = float(np.corrcoef(pair.T)[0, 1]) if len(pair) > 2 and (pair.std(axis=0) > 0).all() else 0.0
    return mover_difference(arms[0][0], arms[0][1], arms[1][0], arms[1][1], r)
