"""Competing risks: Aalen-Johansen cumulative incidence and cause-specific Cox models.

When a spell can end in several ways (another board, outside education, retirement),
``1 - KM`` for one way treats the others as censoring and overstates its risk. The
Aalen-Johansen estimator does not:

    F_j(t) = sum over event times t_k <= t of S(t_{k-1}) * d_jk / n_k

with ``S`` the Kaplan-Meier curve of leaving for any reason. Its standard error is the
infinitesimal-jackknife one that R's multi-state ``survfit`` reports (checked against it
in ``tests/reference/retention_r``); intervals are ``log`` by default, as in R.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.retention.cox import CoxResult, cox
from regio_analysis.retention.km import (
    _as_list,
    _conf_int,
    _groups,
    _risk_table,
    survival_arrays,
)


def _causes(df: pd.DataFrame, event_type: str) -> tuple[np.ndarray, list[str]]:
    if event_type not in df.columns:
        raise DataError(Problem("<spells>", "kolom ontbreekt", column=event_type))
    values = df[event_type].astype(object).where(df[event_type].notna(), "").astype(str).str.strip()
    causes = sorted(c for c in values.unique() if c != "")
    return values.to_numpy(), causes


def _aj_one(stop, cause_codes, n_causes, w, start, times_out, conf_type, level, chunk=1000):
    """AJ estimate, IJ standard error and CI at ``times_out`` for every cause (one group)."""
    ev = (cause_codes > 0).astype(float)
    times, n, d, _ = _risk_table(stop, ev, w, start)
    is_ev = d > 0
    times, n, d = times[is_ev], n[is_ev], d[is_ev]
    K = len(times)
    if K == 0:
        cif = np.zeros((n_causes, len(times_out)))
        return cif, np.zeros_like(cif), cif.copy(), cif.copy()
    dj = np.zeros((n_causes, K))
    k_of = np.searchsorted(times, stop)
    for j in range(n_causes):
        sel = cause_codes == j + 1
        dj[j] = np.bincount(k_of[sel], weights=w[sel], minlength=K)[:K]
    h = d / n
    hj = dj / n[None, :]
    surv = np.cumprod(1 - h)
    s_prev = np.concatenate([[1.0], surv[:-1]])
    cif = np.cumsum(s_prev[None, :] * hj, axis=1)
    # influence of each row (times its weight) on every F_j(t_k)
    a = np.where(n - d > 0, 1.0 / np.where(n - d > 0, n - d, 1.0), 0.0)
    var = np.zeros((n_causes, K))
    k_stop = np.searchsorted(times, stop, side="left")  # first event time >= stop
    for lo in range(0, len(stop), chunk):
        sl = slice(lo, lo + chunk)
        y = (start[sl, None] < times[None, :]) & (times[None, :] <= stop[sl, None])
        dn = np.zeros_like(y, dtype=float)
        has = (k_stop[sl] < K) & (cause_codes[sl] > 0)
        rows = np.flatnonzero(has)
        hit = times[np.minimum(k_stop[sl][rows], K - 1)] == stop[sl][rows]
        rows = rows[hit]
        dn[rows, k_stop[sl][rows]] = 1.0
        infl_h = (dn - y * h[None, :])  # times 1/n_k below
        # L_i(k) = -sum_{l<=k} infl_h * a ; S(t_{k-1}) influence = S_prev * L_i(k-1)
        L = -np.cumsum(infl_h * a[None, :], axis=1)
        L_prev = np.hstack([np.zeros((L.shape[0], 1)), L[:, :-1]])
        wi = w[sl, None]
        for j in range(n_causes):
            dnj = dn * (cause_codes[sl] == j + 1)[:, None]
            term = s_prev[None, :] * (L_prev * hj[j][None, :] + (dnj - y * hj[j][None, :]) / n[None, :])
            infl = np.cumsum(term, axis=1) * wi
            var[j] += np.einsum("ij,ij->j", infl, infl)
    pos = np.searchsorted(times, np.asarray(times_out, float), side="right") - 1
    take = np.clip(pos, 0, K - 1)
    out_cif = np.where(pos >= 0, cif[:, take], 0.0)
    out_se = np.where(pos >= 0, np.sqrt(var[:, take]), 0.0)
    lower = np.zeros_like(out_cif)
    upper = np.zeros_like(out_cif)
    for j in range(n_causes):
        with np.errstate(divide="ignore", invalid="ignore"):
            se_log = np.where(out_cif[j] > 0, out_se[j] / out_cif[j], np.nan)
        lo_, up_ = _conf_int(out_cif[j], se_log, conf_type, level)
        lower[j] = np.where(out_cif[j] > 0, lo_, 0.0)
        upper[j] = np.where(out_cif[j] > 0, up_, 0.0)
    return out_cif, out_se, lower, upper


def cumulative_incidence(
    df: pd.DataFrame,
    duration: str,
    event_type: str = "event_type",
    times: Sequence[float] | np.ndarray | None = None,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    entry: str | None = None,
    conf_type: str = "log",
    *,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of each cause (destination), with CI.

    ``event_type`` holds the cause of each ended spell and ``""`` (or NA) for censored
    spells, as :func:`prepare_spells` makes it. ``times`` are the evaluation times
    (default: every distinct event time). Returns a tidy table: the ``by`` columns,
    ``event_type`` (named as the input column), ``time``, ``cif``, ``se``, ``ci_lower``,
    ``ci_upper``, and ``at_risk`` at that time.
    """
    values, causes = _causes(df, event_type)
    code_of = {c: i + 1 for i, c in enumerate(causes)}
    codes = np.array([code_of.get(v, 0) for v in values])
    tmp = pd.DataFrame({"_t": pd.to_numeric(df[duration], errors="coerce").to_numpy(float),
                        "_e": (codes > 0).astype(int)}, index=df.index)
    if weights:
        tmp["_w"] = df[weights].to_numpy()
    if entry:
        tmp["_s"] = df[entry].to_numpy()
    stop, _, w, start = survival_arrays(tmp, "_t", "_e", "_w" if weights else None, "_s" if entry else None,
                                        file="<spells>")
    by_cols = _as_list(by)
    rows = []
    for key, idx in _groups(df, by_cols):
        grid = (np.unique(stop[idx][codes[idx] > 0]) if times is None else np.asarray(times, float))
        cif, se, lo, up = _aj_one(stop[idx], codes[idx], len(causes), w[idx], start[idx], grid, conf_type, conf_level)
        at_risk = np.array([w[idx][(start[idx] < t) & (stop[idx] >= t)].sum() for t in grid])
        for j, cause in enumerate(causes):
            part = pd.DataFrame({event_type: cause, "time": grid, "cif": cif[j], "se": se[j],
                                 "ci_lower": lo[j], "ci_upper": up[j], "at_risk": at_risk})
            for i, (col, value) in enumerate(zip(by_cols, key)):
                part.insert(i, col, value)
            rows.append(part)
    cols = by_cols + [event_type, "time", "cif", "se", "ci_lower", "ci_upper", "at_risk"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    out.attrs = {"conf_type": conf_type, "conf_level": conf_level, "by": by_cols}
    return out


def cause_specific_cox(
    df: pd.DataFrame,
    duration: str,
    event_type: str,
    covariates: Sequence[str],
    causes: Sequence[str] | None = None,
    **kwargs,
) -> dict[str, CoxResult]:
    """One Cox model per cause, other causes censored (cause-specific hazards).

    ``kwargs`` go to :func:`cox` (ties, strata, cluster, weights, entry, robust). Returns
    ``{cause: CoxResult}``; :func:`cause_specific_summary` stacks their summaries.
    """
    values, all_causes = _causes(df, event_type)
    out = {}
    for cause in (causes or all_causes):
        frame = df.assign(_cause_event=(values == cause).astype(int))
        out[cause] = cox(frame, duration, "_cause_event", covariates, **kwargs)
    return out


def cause_specific_summary(fits: dict[str, CoxResult], name: str = "event_type") -> pd.DataFrame:
    """The summaries of :func:`cause_specific_cox` in one table with a ``name`` column."""
    parts = [f.summary.reset_index().assign(**{name: cause}) for cause, f in fits.items()]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out[[name] + [c for c in out.columns if c != name]] if parts else out
