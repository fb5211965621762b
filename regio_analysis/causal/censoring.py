"""Inverse probability of censoring weighting (IPCW, Robins & Finkelstein 2000): the
probability of remaining uncensored by Kaplan-Meier per group or by a Cox model on
covariates (Breslow's baseline), evaluated at each row's own time, and the weights that make
the status at a horizon known for the rows followed up to it. Kept in plain numpy because the
survival bootstrap refits the censoring model in every replicate.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from regio_analysis.causal.checks import _check_survival, _choice
from regio_analysis.causal.constants import CENSORING_MODELS, SOURCE
from regio_analysis.causal.propensity import main_effects_design
from regio_analysis.errors import DataError, Problem


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

        def G_km(at, left=True):
            at = np.asarray(at, float)
            out = np.empty(n)
            step = _step_left if left else _step_right
            for m, times, values in curves:
                out[m] = step(times, values, at[m])
            return out
        return G_km

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

    def G_cox(at, left=True):
        at = np.asarray(at, float)
        pos = np.searchsorted(times, at, side="left" if left else "right") - 1
        H0 = np.where(pos >= 0, H[np.clip(pos, 0, None)], 0.0)
        return np.exp(-H0 * risk)
    return G_cox


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
