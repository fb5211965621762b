"""Kaplan-Meier curves, medians, horizons, life tables, RMST and log-rank tests.

Everything follows R's ``survival`` package (``survfit``, ``quantile.survfit``,
``print(fit, rmean=)``, ``survdiff``) and is tested against values it produced
(``tests/reference/retention_r``):

* ``se`` is the standard error of the survival probability. It is Greenwood's formula on
  (weighted) counts, or, as R does by default when case weights are not whole numbers,
  the infinitesimal-jackknife (robust) estimate (``se_type``).
* ``conf_type="log"`` (R's default) gives ``S * exp(+-z * se/S)``, capped at 1;
  ``"log-log"`` (lifelines' default, and ours) gives ``S ** exp(+-z * se / (S log S))``,
  undefined where S is 0 or 1. ``"plain"`` gives ``S +- z * se`` within [0, 1].
* Left truncation (``entry``): a row is at risk at time t when ``entry < t <= duration``.

The core is vectorised numpy (sorting and cumulative sums), so national-size data are fast.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from regio_analysis.errors import DataError, Problem, rows_from_index

CONF_TYPES = ("log", "log-log", "plain")
SE_TYPES = ("auto", "greenwood", "robust")
TOL = np.sqrt(np.finfo(float).eps)
KM_COLUMNS = ["time", "at_risk", "events", "censored", "survival", "se", "ci_lower", "ci_upper"]


# ----------------------------------------------------------------------------- input


def _as_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def survival_arrays(df: pd.DataFrame, duration: str, event: str, weights: str | None = None,
                    entry: str | None = None, file: str = "<spells>") -> tuple[np.ndarray, ...]:
    """Checked numpy arrays ``(stop, event, weight, entry)`` from ``df``; DataError on bad rows."""
    cols = [duration, event] + [c for c in (weights, entry) if c]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError([Problem(file, "kolom ontbreekt", column=c) for c in missing])
    problems = []

    def numeric(col):
        values = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(values)
        if bad.any():
            problems.append(Problem(file, "ontbrekend of niet-numeriek", column=col, rows=rows_from_index(np.flatnonzero(bad))))
        return values

    stop = numeric(duration)
    ev = numeric(event)
    w = numeric(weights) if weights else np.ones(len(df))
    start = numeric(entry) if entry else np.zeros(len(df))
    if not problems:
        for col, bad, text in (
            (event, ~np.isin(ev, (0, 1)), "moet 0 of 1 zijn"),
            (duration, stop < 0, "mag niet negatief zijn"),
            (weights, w < 0, "gewichten mogen niet negatief zijn"),
            (entry or duration, stop <= start if entry else np.zeros(len(df), bool),
             f"{duration} moet groter zijn dan {entry}"),
        ):
            if col and bad.any():
                problems.append(Problem(file, text, column=col, rows=rows_from_index(np.flatnonzero(bad))))
    if problems:
        raise DataError(problems)
    return stop, ev.astype(float), w, start


def check_no_missing(df: pd.DataFrame, column: str | None, role: str, file: str = "<spells>") -> None:
    """DataError when ``column`` (a cluster or strata column) is absent or has empty values."""
    if not column:
        return
    if column not in df.columns:
        raise DataError(Problem(file, "kolom ontbreekt", column=column))
    bad = np.flatnonzero(df[column].isna().to_numpy())
    if len(bad):
        raise DataError(Problem(file, f"{role} `{column}` heeft {len(bad)} lege waarden", column=column,
                                rows=tuple(int(i) + 2 for i in bad[:50])))


def _groups(df: pd.DataFrame, by: list[str]):
    """(key tuple, positional index) per group, in sorted order; one group when ``by`` is empty.

    Rows with an empty value in a ``by`` column belong to no group (R drops them too).
    """
    if not by:
        return [((), np.arange(len(df)))]
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise DataError([Problem("<spells>", "kolom ontbreekt", column=c) for c in missing])
    codes = df[by].reset_index(drop=True)
    return [((k if isinstance(k, tuple) else (k,)), idx.to_numpy())
            for k, idx in codes.groupby(by, sort=True, dropna=True, observed=True).indices.items()
            for idx in [pd.Index(idx)]]


def _n_empty(df: pd.DataFrame, cols: list[str]) -> int:
    """Rows with an empty value in any of ``cols`` (left out of every group)."""
    return int(df[cols].isna().any(axis=1).sum()) if cols else 0


# ----------------------------------------------------------------------------- core


def _risk_table(stop, ev, w, start):
    """Unique times with weighted at-risk, event and censoring counts (entry < t <= stop)."""
    times, inv = np.unique(stop, return_inverse=True)
    d = np.bincount(inv, weights=w * ev, minlength=len(times))
    c = np.bincount(inv, weights=w * (1 - ev), minlength=len(times))
    # at risk at t_k: stop >= t_k minus those with entry >= t_k
    out_by_stop = np.cumsum((d + c)[::-1])[::-1]
    order = np.argsort(start, kind="stable")
    s_sorted, w_sorted = start[order], w[order]
    cum_w = np.concatenate([[0.0], np.cumsum(w_sorted)])
    # weight of rows with entry >= t: total - weight with entry < t
    n_entry_ge = cum_w[-1] - cum_w[np.searchsorted(s_sorted, times, side="left")]
    n = out_by_stop - n_entry_ge
    return times, n, d, c


def _greenwood(n, d):
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(d > 0, d / (n * (n - d)), 0.0)
    return np.cumsum(term)  # variance of -log S (inf once n == d)


def _ij_var_log_s(stop, ev, w, start, times, n, d, cluster=None, chunk=2000):
    """Infinitesimal-jackknife variance of log S(t) at ``times`` (R's robust survfit variance)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(n > 0, d / n, 0.0)
        a = np.where(n - d > 0, 1.0 / (n - d), 0.0)
    # influence of row i on log S(t_k): -sum_{l<=k} (dN_il - Y_il h_l) a_l
    c_risk = np.concatenate([[0.0], np.cumsum(h * a)])  # C[k+1] = sum_{l<=k} h_l a_l
    k_stop = np.searchsorted(times, stop, side="left")  # index of the row's own time
    k_entry = np.searchsorted(times, start, side="right")  # first time index > entry
    grid = np.arange(len(times))
    if cluster is not None:
        codes, inverse = np.unique(cluster, return_inverse=True)
        n_groups = len(codes)
    else:
        inverse = np.arange(len(stop))
        n_groups = len(stop)
    var = np.zeros(len(times))
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(0, n_groups + chunk, chunk))
    for lo, hi in itertools.pairwise(bounds):
        rows = order[lo:hi]
        if len(rows) == 0:
            continue
        # at-risk part: sum over l with entry < t_l <= min(t_k, stop) of h_l a_l
        upper = np.minimum(grid[None, :], k_stop[rows, None]) + 1
        lower = k_entry[rows, None]
        infl = c_risk[np.maximum(upper, lower)] - c_risk[lower]
        # event part: -a at the row's own time, from then on
        ev_part = (ev[rows] * a[k_stop[rows]])[:, None] * (grid[None, :] >= k_stop[rows, None])
        infl = (infl - ev_part) * w[rows, None]
        if cluster is not None:
            g = inverse[rows]
            _, gi = np.unique(g, return_inverse=True)
            infl = np.vstack([np.bincount(gi, weights=infl[:, j], minlength=gi.max() + 1)
                              for j in range(infl.shape[1])]).T
        var += np.einsum("ij,ij->j", infl, infl)
    return var


def _conf_int(surv, se_log, conf_type, level):
    z = stats.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            lower = surv * np.exp(-z * se_log)
            upper = np.minimum(surv * np.exp(z * se_log), 1.0)
            bad = ~(surv > 0)
        elif conf_type == "log-log":
            ll = np.log(-np.log(surv))
            lower = np.exp(-np.exp(ll - z * se_log / np.log(surv)))
            upper = np.exp(-np.exp(ll + z * se_log / np.log(surv)))
            bad = ~((surv > 0) & (surv < 1))
        else:
            se = se_log * surv
            lower = np.clip(surv - z * se, 0, 1)
            upper = np.clip(surv + z * se, 0, 1)
            bad = np.zeros(len(surv), bool)
        bad = bad | ~np.isfinite(se_log)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def _one_curve(stop, ev, w, start, conf_type, level, se_type, cluster=None):
    times, n, d, c = _risk_table(stop, ev, w, start)
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(np.where(n > 0, 1 - d / n, 1.0))
    robust = se_type == "robust" or (se_type == "auto" and (np.any(w != np.floor(w)) or cluster is not None))
    var_log = _ij_var_log_s(stop, ev, w, start, times, n, d, cluster) if robust else _greenwood(n, d)
    se_log = np.sqrt(var_log)
    se_log = np.where(surv > 0, se_log, np.nan)
    lower, upper = _conf_int(surv, se_log, conf_type, level)
    table = pd.DataFrame({"time": times, "at_risk": n, "events": d, "censored": c, "survival": surv,
                          "se": surv * se_log, "ci_lower": lower, "ci_upper": upper})
    # where S is 0 R leaves Greenwood's se undefined; the robust (IJ) se of S is 0 there, and
    # then so is R's plain interval
    zero = ~(surv > 0)
    table.loc[zero, "se"] = 0.0 if robust else np.nan
    if robust and conf_type == "plain":
        table.loc[zero, ["ci_lower", "ci_upper"]] = 0.0
    return table, ("robust" if robust else "greenwood")


def kaplan_meier(
    df: pd.DataFrame,
    duration: str,
    event: str,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    entry: str | None = None,
    conf_type: str = "log-log",
    *,
    conf_level: float = 0.95,
    se_type: str = "auto",
    cluster: str | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier estimate as a tidy table, one row per distinct time (per group).

    Columns: the ``by`` columns, ``time, at_risk, events, censored, survival, se,
    ci_lower, ci_upper`` (counts are weighted when ``weights`` is given). ``se`` is the
    standard error of ``survival``: Greenwood's, or the robust (infinitesimal jackknife)
    one with ``se_type="robust"``; ``"auto"`` picks robust when weights are not whole
    numbers or ``cluster`` is given, as R's ``survfit`` does. ``conf_type`` is ``"log-log"``
    (default), ``"log"`` (R's default) or ``"plain"``. ``attrs`` records the choices.
    """
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type={conf_type!r}: choose one of {CONF_TYPES}")
    if se_type not in SE_TYPES:
        raise ValueError(f"se_type={se_type!r}: choose one of {SE_TYPES}")
    by_cols = _as_list(by)
    stop, ev, w, start = survival_arrays(df, duration, event, weights, entry)
    check_no_missing(df, cluster, "clusterkolom")
    cl = df[cluster].to_numpy() if cluster else None
    parts = []
    used = set()
    for key, idx in _groups(df, by_cols):
        table, kind = _one_curve(stop[idx], ev[idx], w[idx], start[idx], conf_type, conf_level, se_type,
                                 None if cl is None else cl[idx])
        used.add(kind)
        for i, (col, value) in enumerate(zip(by_cols, key)):
            table.insert(i, col, value)
        parts.append(table)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=by_cols + KM_COLUMNS)
    for col in by_cols:  # keep the order of categorical groups
        if isinstance(df[col].dtype, pd.CategoricalDtype):
            out[col] = pd.Categorical(out[col], categories=df[col].cat.categories)
    out.attrs = {"conf_type": conf_type, "conf_level": conf_level, "se_type": "/".join(sorted(used)),
                 "by": by_cols, "duration": duration, "weggelaten": _n_empty(df, by_cols)}
    return out


# ----------------------------------------------------------------------------- summaries of a curve


def _curves(km: pd.DataFrame, by: list[str]):
    """(key tuple, rows) of each curve in a table of :func:`kaplan_meier`."""
    if not by:
        return [((), km)]
    return [((k if isinstance(k, tuple) else (k,)), g) for k, g in km.groupby(by, sort=True, dropna=False, observed=True)]


def _curve_of(km: pd.DataFrame, by: list[str], key: tuple) -> pd.DataFrame:
    g = km
    for col, value in zip(by, key):
        g = g[(g[col] == value) | (g[col].isna() & pd.isna(value))]
    return g


def _findq(x, y, p, tol=TOL):
    """R's ``survival:::findq``: the time where the distribution ``y`` (= 1 - S) reaches p."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return np.nan
    xmax = x[-1]
    # drop duplicated y (the first occurrence stays; NaN counts as one value)
    key = np.where(np.isnan(y), np.inf, y)
    _, first = np.unique(key, return_index=True)
    keep = np.sort(first)
    x, y = x[keep], y[keep]
    last_y = y[-1]
    ok = ~np.isnan(y)
    _xs, ys, pos = x[ok], y[ok], np.flatnonzero(ok)

    def index(v):
        if p < v[0] or p > v[-1]:
            return None
        return pos[np.searchsorted(v, p, side="left")]

    i1, i2 = index(ys + tol), index(ys - tol)
    if p == 0:
        return float(x[0])
    q = np.nan if i1 is None or i2 is None else (x[i1] + x[i2]) / 2
    if not np.isnan(last_y) and abs(p - last_y) < tol and i1 is not None:
        q = (x[i1] + xmax) / 2
    return float(q)


def median_survival(km: pd.DataFrame, q: float = 0.5) -> pd.DataFrame:
    """Median (or the ``1 - q`` survival quantile) with its confidence interval, per group.

    Follows R's ``quantile.survfit``: the first time the curve reaches 0.5, the midpoint of
    a flat stretch exactly at 0.5, and the interval from where the upper and lower
    confidence limits reach 0.5 (NaN when they never do). Takes the table of
    :func:`kaplan_meier`.
    """
    by = list(km.attrs.get("by", []))
    rows = []
    for key, g in _curves(km, by):
        x = np.concatenate([[0.0], g["time"].to_numpy(float)])

        def quant(s, x=x):
            return _findq(x, np.concatenate([[0.0], 1 - np.asarray(s, float)]), q)

        rows.append(dict(zip(by, key)) | {"mediaan": quant(g["survival"]), "ci_lower": quant(g["ci_lower"]),
                                          "ci_upper": quant(g["ci_upper"])})
    return pd.DataFrame(rows, columns=by + ["mediaan", "ci_lower", "ci_upper"])


def survival_at(
    df: pd.DataFrame,
    duration: str,
    event: str,
    times: Sequence[float],
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    entry: str | None = None,
    conf_type: str = "log-log",
    **kwargs,
) -> pd.DataFrame:
    """Survival (retention) at given times with CI, like R's ``summary(fit, times=)``.

    Columns: the ``by`` columns, ``time``, ``at_risk`` (at risk at that time),
    ``survival``, ``se``, ``ci_lower``, ``ci_upper``, and ``vertrek`` = 1 - survival with
    ``vertrek_lower``/``vertrek_upper``. Beyond the last time the curve is carried forward.
    """
    km = kaplan_meier(df, duration, event, by=by, weights=weights, entry=entry, conf_type=conf_type, **kwargs)
    by_cols = km.attrs["by"]
    stop, _ev, w, start = survival_arrays(df, duration, event, weights, entry)
    rows = []
    for key, idx in _groups(df, by_cols):
        g = _curve_of(km, by_cols, key)
        tg = g["time"].to_numpy(float)
        for t in times:
            pos = np.searchsorted(tg, t, side="right") - 1
            at_risk = float(w[idx][(start[idx] < t) & (stop[idx] >= t)].sum())
            if pos < 0:
                vals = {"survival": 1.0, "se": 0.0, "ci_lower": 1.0, "ci_upper": 1.0}
            else:
                vals = g.iloc[pos][["survival", "se", "ci_lower", "ci_upper"]].astype(float).to_dict()
            rows.append(dict(zip(by_cols, key)) | {"time": float(t), "at_risk": at_risk} | vals)
    out = pd.DataFrame(rows, columns=by_cols + ["time", "at_risk", "survival", "se", "ci_lower", "ci_upper"])
    out["vertrek"] = 1 - out["survival"]
    out["vertrek_lower"] = 1 - out["ci_upper"]
    out["vertrek_upper"] = 1 - out["ci_lower"]
    out.attrs = dict(km.attrs)
    return out


def rmst(
    df: pd.DataFrame,
    duration: str,
    event: str,
    tau: float,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    entry: str | None = None,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Restricted mean survival time up to ``tau`` with R's standard error (``print(fit, rmean=tau)``).

    The area under the Kaplan-Meier curve from 0 to ``tau``: the expected time employed
    within the first ``tau`` units. Columns: the ``by`` columns, ``tau``, ``rmst``, ``se``,
    ``ci_lower``, ``ci_upper`` (normal interval).
    """
    km = kaplan_meier(df, duration, event, by=by, weights=weights, entry=entry, se_type="greenwood")
    by_cols = km.attrs["by"]
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    rows = []
    for key, g in _curves(km, by_cols):
        t = g["time"].to_numpy(float)
        s = g["survival"].to_numpy(float)
        n = g["at_risk"].to_numpy(float)
        d = g["events"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            hh = np.where(n - d == 0, 0.0, d / (n * (n - d)))
        keep = t <= tau
        if not keep.any():
            tt, ss, hh = np.array([tau]), np.array([1.0]), np.array([0.0])
        else:
            tt = np.append(t[keep], tau)
            ss = np.append(s[keep], s[keep][-1])
            hh = np.append(hh[keep], 0.0)
        delta = np.diff(np.concatenate([[0.0], tt]))
        rect = delta * np.concatenate([[1.0], ss[:-1]])
        mean = rect.sum()
        var = np.sum(np.cumsum(rect[1:][::-1]) ** 2 * hh[::-1][1:])
        se = float(np.sqrt(var))
        rows.append(dict(zip(by_cols, key)) | {"tau": float(tau), "rmst": float(mean), "se": se,
                                               "ci_lower": float(mean - z * se), "ci_upper": float(mean + z * se)})
    return pd.DataFrame(rows, columns=by_cols + ["tau", "rmst", "se", "ci_lower", "ci_upper"])


def life_table(
    df: pd.DataFrame,
    duration: str,
    event: str,
    by: str | Sequence[str] | None = None,
    weights: str | None = None,
    entry: str | None = None,
    width: float = 1.0,
    max_time: float | None = None,
) -> pd.DataFrame:
    """A life table per interval of ``width`` (a year by default), from the Kaplan-Meier curve.

    Columns: the ``by`` columns, ``interval`` (1, 2, ...), ``van``, ``tot``, ``at_risk`` (at
    risk at the start of the interval, i.e. just after ``van``), ``events`` and
    ``censored`` in ``(van, tot]``, ``survival`` (KM at ``tot``) and ``vertrek_kans`` (the
    conditional probability of leaving within the interval, 1 - S(tot)/S(van)).
    """
    km = kaplan_meier(df, duration, event, by=by, weights=weights, entry=entry, se_type="greenwood")
    by_cols = km.attrs["by"]
    stop, ev, w, start = survival_arrays(df, duration, event, weights, entry)
    rows = []
    for key, idx in _groups(df, by_cols):
        g = _curve_of(km, by_cols, key)
        tg = g["time"].to_numpy(float)
        sg = g["survival"].to_numpy(float)
        end = max_time if max_time is not None else (np.ceil(stop[idx].max() / width) * width if len(idx) else 0)
        n_int = int(np.ceil(end / width - 1e-9))
        s_prev = 1.0
        for k in range(1, n_int + 1):
            lo, hi = (k - 1) * width, k * width
            at = (start[idx] <= lo) & (stop[idx] > lo) if lo > 0 else (start[idx] <= 0)
            # rows entering during the interval (left truncation) are at risk too: count them at entry
            entering = (start[idx] > lo) & (start[idx] < hi)
            in_int = (stop[idx] > lo) & (stop[idx] <= hi)
            pos = np.searchsorted(tg, hi, side="right") - 1
            s_hi = float(sg[pos]) if pos >= 0 else 1.0
            rows.append(dict(zip(by_cols, key)) | {
                "interval": k, "van": lo, "tot": hi,
                "at_risk": float(w[idx][at].sum() + w[idx][entering].sum()),
                "events": float((w[idx] * ev[idx])[in_int].sum()),
                "censored": float((w[idx] * (1 - ev[idx]))[in_int].sum()),
                "survival": s_hi,
                "vertrek_kans": (1 - s_hi / s_prev) if s_prev > 0 else np.nan,
            })
            s_prev = s_hi
    return pd.DataFrame(rows, columns=by_cols + ["interval", "van", "tot", "at_risk", "events", "censored",
                                                  "survival", "vertrek_kans"])


# ----------------------------------------------------------------------------- log-rank


@dataclass
class LogrankResult:
    """A log-rank test: ``chisq``, ``df``, ``p`` and ``summary`` (per group ``observed`` and
    ``expected`` events, summed over strata). ``result["chisq"]`` etc. still work."""

    chisq: float
    df: int
    p: float
    summary: pd.DataFrame
    group: str
    n: int = 0
    weggelaten: int = 0  # rows left out: empty group or strata value

    @property
    def table(self) -> pd.DataFrame:
        return self.summary

    def __getitem__(self, key: str):
        if key not in ("chisq", "df", "p", "table"):
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default=None):
        try:
            return self[key]
        except KeyError:
            return default


def logrank_test(
    df: pd.DataFrame,
    duration: str,
    event: str,
    group: str,
    strata: str | Sequence[str] | None = None,
    entry: str | None = None,
) -> LogrankResult:
    """Log-rank test of equal survival across ``group`` (optionally stratified), as R's ``survdiff``.

    Returns a :class:`LogrankResult` (``chisq``, ``df``, ``p``, ``summary`` with per group
    the ``observed`` and ``expected`` events summed over strata). As in R, rows with an
    empty group or strata value are left out (counted in ``weggelaten``).
    """
    stop, ev, _w, start = survival_arrays(df, duration, event, None, entry)
    if group not in df.columns:
        raise DataError(Problem("<spells>", "kolom ontbreekt", column=group))
    strata_cols = _as_list(strata)
    keep = df[group].notna().to_numpy()
    codes_kept, levels = pd.factorize(df[group][keep], sort=True)
    levels = np.asarray(levels)
    g = np.full(len(df), -1)
    g[keep] = codes_kept
    k = len(levels)
    obs = np.zeros(k)
    exp = np.zeros(k)
    var = np.zeros((k, k))
    for _, idx in _groups(df, strata_cols):
        idx = idx[keep[idx]]
        times = np.unique(stop[idx][ev[idx] == 1])
        if len(times) == 0:
            continue
        # at risk per group at each event time (entry < t <= stop), events per group
        n_kt = np.zeros((len(times), k))
        d_kt = np.zeros((len(times), k))
        for j in range(k):
            sel = idx[g[idx] == j]
            s_stop = np.sort(stop[sel])
            s_start = np.sort(start[sel])
            n_kt[:, j] = (len(sel) - np.searchsorted(s_stop, times, side="left")
                          - (len(sel) - np.searchsorted(s_start, times, side="left")))
            ev_times = stop[sel][ev[sel] == 1]
            d_kt[:, j] = np.bincount(np.searchsorted(times, ev_times), minlength=len(times))
        n_t = n_kt.sum(1)
        d_t = d_kt.sum(1)
        e_kt = n_kt * (d_t / n_t)[:, None]
        obs += d_kt.sum(0)
        exp += e_kt.sum(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(n_t > 1, d_t * (n_t - d_t) / (n_t ** 2 * (n_t - 1)), 0.0)
        var += np.diag((f[:, None] * n_kt * n_t[:, None]).sum(0)) - np.einsum("t,tj,tl->jl", f, n_kt, n_kt)
    diff = obs - exp
    vinv = np.linalg.pinv(var[:-1, :-1]) if k > 1 else np.zeros((0, 0))
    chisq = float(diff[:-1] @ vinv @ diff[:-1]) if k > 1 else 0.0
    dof = int(np.linalg.matrix_rank(var[:-1, :-1])) if k > 1 else 0
    p = float(stats.chi2.sf(chisq, dof)) if dof > 0 else np.nan
    table = pd.DataFrame({group: levels, "observed": obs, "expected": exp})
    n_used = sum(len(idx[keep[idx]]) for _, idx in _groups(df, strata_cols))
    return LogrankResult(chisq=chisq, df=dof, p=p, summary=table, group=group, n=n_used,
                         weggelaten=len(df) - n_used)
