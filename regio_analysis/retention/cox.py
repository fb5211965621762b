"""Cox proportional-hazards regression that matches R's ``coxph``.

Neither library does everything the retention and induction studies need: statsmodels'
``PHReg`` has no case weights (so no inverse-probability weighting) and keeps a row in the
risk set at its own entry time (split episodes then differ from R); lifelines'
``CoxPHFitter`` has weights but only Efron ties and a robust variance that ignores ties
(about 2 % low against R). So the estimator here is a direct Newton-Raphson on the partial
likelihood, vectorised with numpy, and checked against R's ``survival`` to 1e-4
(``tests/reference/retention_r``):

* ties ``"efron"`` (R's default) or ``"breslow"``, with case weights as R uses them (the
  Efron correction with the mean weight of the tied events);
* strata, left truncation / counting-process input (at risk on ``(entry, duration]``);
* the robust (sandwich) variance from weighted dfbeta residuals, summed within
  ``cluster``. As in R it is used when ``cluster`` is given or weights are not whole
  numbers; ``robust=`` overrides.

The result keeps, beside the estimates, a lifelines ``CoxPHFitter`` fitted on the same
data (``CoxResult.lifelines``, made on first use) for its proportional-hazards test and
plots.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import NullFormatter
from scipy import stats

from regio_analysis.errors import DataError, Problem, rows_from_index
from regio_analysis.report.format import fmt_getal
from regio_analysis.retention.km import _as_list, check_no_missing, survival_arrays

TIES = ("efron", "breslow")


class NotEstimableWarning(UserWarning):
    """A model coefficient could not be estimated (reported as NaN) or the fit did not converge."""


# ----------------------------------------------------------------------------- design matrix


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s)


def category_levels(s: pd.Series, column: str, reference=None, file: str = "<spells>") -> list:
    """Levels of a categorical covariate that occur in ``s``, the reference level first.

    Without ``reference`` the first level is the first category (``pd.Categorical``) or the
    first in sorted order (text). ``reference`` is matched on its text.
    """
    cats = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else sorted(s.dropna().astype(str).unique())
    text = s.astype(str)
    levels = [lv for lv in cats if (text == str(lv)).any()]
    if reference is not None:
        match = [lv for lv in levels if str(lv) == str(reference)]
        if not match:
            raise DataError(Problem(file, f"referentieniveau '{reference}' komt niet voor in de kolom (niveaus: "
                                          f"{', '.join(str(v) for v in levels)})", column=column))
        levels = match + [lv for lv in levels if str(lv) != str(reference)]
    return levels


def _check_reference(df: pd.DataFrame, covariates: Sequence[str], reference, file: str) -> dict:
    reference = dict(reference or {})
    problems = []
    for col in reference:
        if col not in covariates:
            problems.append(Problem(file, "referentie opgegeven voor een kolom die geen covariaat is", column=col))
        elif col in df.columns and _is_numeric(df[col]):
            problems.append(Problem(file, "referentie opgegeven voor een numerieke kolom; maak er tekst of een "
                                          "pd.Categorical van", column=col))
    if problems:
        raise DataError(problems)
    return reference


def design_matrix(df: pd.DataFrame, covariates: Sequence[str], file: str = "<spells>",
                  reference: dict | None = None) -> pd.DataFrame:
    """Numeric columns for ``covariates``: booleans as 0/1, text/categories as dummies against a reference.

    A categorical covariate becomes ``<name>[<level>]`` columns against its reference level:
    ``reference[name]`` when given, else the first level (sorted, or the category order).
    Missing values raise a DataError naming the rows. ``attrs["referentie"]`` maps each
    categorical covariate to its reference level.
    """
    missing = [c for c in covariates if c not in df.columns]
    if missing:
        raise DataError([Problem(file, "kolom ontbreekt", column=c) for c in missing])
    reference = _check_reference(df, covariates, reference, file)
    parts = []
    problems = []
    refs = {}
    for col in covariates:
        s = df[col]
        if s.isna().any():
            problems.append(Problem(file, "ontbrekende waarden", column=col,
                                    rows=tuple(int(i) + 2 for i in np.flatnonzero(s.isna().to_numpy())[:50])))
            continue
        if _is_numeric(s):
            parts.append(s.astype(float).rename(col))
        else:
            levels = category_levels(s, col, reference.get(col), file)
            text = s.astype(str)
            if levels:
                refs[col] = levels[0]
            for lv in levels[1:]:
                parts.append((text == str(lv)).astype(float).rename(f"{col}[{lv}]"))
    if problems:
        raise DataError(problems)
    out = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=df.index)
    out.attrs["referentie"] = refs
    return out


def reference_column(columns: Sequence[str], covariates: Sequence[str], refs: dict) -> list:
    """Per design column the reference level of its covariate (None for numeric covariates)."""
    out = []
    for name in columns:
        cov = next((c for c in covariates if name.startswith(f"{c}[") and name.endswith("]")), None)
        out.append(str(refs[cov]) if cov in refs else None)
    return out


def check_not_constant(df: pd.DataFrame, covariates: Sequence[str], file: str = "<spells>") -> None:
    """DataError for covariates with a single value: their effect cannot be estimated."""
    problems = []
    for col in covariates:
        if col in df.columns and df[col].nunique(dropna=True) <= 1:
            value = df[col].dropna().iloc[0] if df[col].notna().any() else "leeg"
            problems.append(Problem(file, f"covariaat `{col}` is constant (alleen de waarde {value}); zijn effect is "
                                          "niet te schatten: laat hem weg uit het model", column=col))
    if problems:
        raise DataError(problems)


# ----------------------------------------------------------------------------- engine


@dataclass
class _Stratum:
    """Arrays of one stratum, prepared once for every Newton step."""

    rows: np.ndarray          # positions in the full data
    k_stop: np.ndarray        # last event-time index <= stop (-1: none)
    k_entry: np.ndarray       # last event-time index <= entry (-1: none)
    dead: np.ndarray          # rows (local) that have an event
    k_dead: np.ndarray        # their event-time index
    n_times: int
    pair_k: np.ndarray        # Efron pairs: event-time index
    pair_frac: np.ndarray     # Efron pairs: l / d
    mean_w: np.ndarray        # per event time: mean case weight of its events
    d_count: np.ndarray       # per event time: number of events
    # covariate patterns (when rows share few distinct covariate vectors): risk sets as counts
    pat_x: np.ndarray | None = None     # (G, p) distinct covariate rows
    risk_w: np.ndarray | None = None    # (K, G) case weight at risk per event time and pattern
    dead_w: np.ndarray | None = None    # (K, G) case weight of the events per event time and pattern
    dead_w_pat: np.ndarray | None = None  # (G,) total event weight per pattern


MAX_PATTERN_CELLS = 30_000_000  # K x G above this: sum over rows instead of patterns


def _reverse_cumsum(a: np.ndarray) -> np.ndarray:
    return np.cumsum(a[::-1], axis=0)[::-1]


def _patterns(x: np.ndarray, max_groups: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Distinct rows of ``x`` and each row's pattern number; None when there are more than ``max_groups``."""
    codes = np.zeros(len(x), np.int64)
    for j in range(x.shape[1]):
        cj, uj = pd.factorize(x[:, j])
        codes, _ = pd.factorize(codes * len(uj) + cj)
        if codes.max(initial=-1) + 1 > max_groups:
            return None
    _, first = np.unique(codes, return_index=True)  # first row of each pattern (codes are 0..G-1)
    return x[first], codes


def _strata(stop, ev, start, w, x, strata_codes, ties) -> list[_Stratum]:
    out = []
    for code in np.unique(strata_codes):
        rows = np.flatnonzero(strata_codes == code)
        s_stop, s_ev, s_start, s_w = stop[rows], ev[rows], start[rows], w[rows]
        times = np.unique(s_stop[s_ev == 1])
        n_t = len(times)
        k_stop = np.searchsorted(times, s_stop, side="right") - 1
        k_entry = np.searchsorted(times, s_start, side="right") - 1
        dead = np.flatnonzero(s_ev == 1)
        k_dead = k_stop[dead]
        d_count = np.bincount(k_dead, minlength=n_t).astype(float)
        pair_k = np.repeat(np.arange(n_t), d_count.astype(int))
        if ties == "efron":
            starts = np.repeat(np.cumsum(d_count) - d_count, d_count.astype(int))
            pair_frac = (np.arange(len(pair_k)) - starts) / d_count[pair_k]
        else:
            pair_frac = np.zeros(len(pair_k))
        dw = np.bincount(k_dead, weights=s_w[dead], minlength=n_t)
        mean_w = np.divide(dw, d_count, out=np.zeros_like(dw), where=d_count > 0)
        st = _Stratum(rows, k_stop, k_entry, dead, k_dead, n_t, pair_k, pair_frac, mean_w, d_count)
        pattern = _patterns(x[rows], max_groups=len(rows) // 4) if x.shape[1] and len(rows) > 1000 else None
        if pattern is not None and len(pattern[0]) * max(n_t, 1) <= MAX_PATTERN_CELLS:
            pat_x, pat_of = pattern
            g = len(pat_x)
            cells = n_t * g
            ok = k_stop >= 0
            at = np.bincount(k_stop[ok] * g + pat_of[ok], weights=s_w[ok], minlength=cells)
            ok = k_entry >= 0
            at -= np.bincount(k_entry[ok] * g + pat_of[ok], weights=s_w[ok], minlength=cells)
            st.pat_x = pat_x
            st.risk_w = _reverse_cumsum(at.reshape(n_t, g))
            st.dead_w = np.bincount(k_dead * g + pat_of[dead], weights=s_w[dead], minlength=cells).reshape(n_t, g)
            st.dead_w_pat = st.dead_w.sum(axis=0)
        out.append(st)
    return out


def _risk_sums(values: np.ndarray, st: _Stratum) -> np.ndarray:
    """Sum of ``values`` (rows x m) over the risk set of each event time (entry < t <= stop)."""
    m = values.shape[1]
    out = np.zeros((st.n_times, m))
    has_stop = st.k_stop >= 0
    has_entry = st.k_entry >= 0
    for j in range(m):
        a = np.bincount(st.k_stop[has_stop], weights=values[has_stop, j], minlength=st.n_times)
        b = np.bincount(st.k_entry[has_entry], weights=values[has_entry, j], minlength=st.n_times)
        out[:, j] = np.cumsum((a - b)[::-1])[::-1]
    return out


def group_sum(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Row sums of ``values`` (n x m) per ``index`` (0..size-1): a fast ``np.add.at``."""
    out = np.empty((size, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(index, weights=values[:, j], minlength=size)
    return out


def _outer_columns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p = x.shape[1]
    iu, ju = np.triu_indices(p)
    return x[:, iu] * x[:, ju], iu, ju


def _sym(vec: np.ndarray, iu, ju, p) -> np.ndarray:
    """(p(p+1)/2,) upper-triangle entries -> (p, p) symmetric matrix."""
    out = np.zeros((p, p))
    out[iu, ju] = vec
    out[ju, iu] = vec
    return out


def _shifted_exp(eta: np.ndarray) -> tuple[np.ndarray, float]:
    """exp(eta - m) and m = max(eta): risk scores without overflow (the partial likelihood
    depends on them only through ratios within a stratum)."""
    m = float(eta.max()) if len(eta) else 0.0
    return np.exp(eta - m), m


def _sums(beta, x, w, st: _Stratum, need_info: bool):
    """Risk-set sums (S0, S1, S2) and event sums per event time (risk scores scaled by exp(-m)),
    the events' sum of w*eta and w*x, and the shift m."""
    xx: np.ndarray | None  # the S2 columns and their upper-triangle indices: None without need_info
    iu: np.ndarray | None
    ju: np.ndarray | None
    if st.pat_x is not None:
        xg = st.pat_x
        eta = xg @ beta
        r, m = _shifted_exp(eta)
        xx, iu, ju = _outer_columns(xg)
        cols = np.hstack([r[:, None], r[:, None] * xg] + ([r[:, None] * xx] if need_info else []))
        return st.risk_w @ cols, st.dead_w @ cols, st.dead_w_pat @ eta, st.dead_w_pat @ xg, iu, ju, m
    xs, ws = x[st.rows], w[st.rows]
    eta = xs @ beta
    rr, m = _shifted_exp(eta)
    r = ws * rr
    xx, iu, ju = _outer_columns(xs) if need_info else (None, None, None)
    cols = np.hstack([r[:, None], r[:, None] * xs] + ([r[:, None] * xx] if need_info else []))
    dead = st.dead
    return (_risk_sums(cols, st), group_sum(st.k_dead, cols[dead], st.n_times),
            float(ws[dead] @ eta[dead]), ws[dead] @ xs[dead], iu, ju, m)


def _loglik_grad_info(beta, x, w, strata: list[_Stratum], need_info=True):
    p = x.shape[1]
    loglik, grad, info = 0.0, np.zeros(p), np.zeros((p, p))
    for st in strata:
        risk, dsum, dead_eta, dead_x, iu, ju, m = _sums(beta, x, w, st, need_info)
        s0, s1 = risk[:, 0], risk[:, 1:1 + p]
        k, f = st.pair_k, st.pair_frac
        den = s0[k] - f * dsum[k, 0]
        a = (s1[k] - f[:, None] * dsum[k, 1:1 + p]) / den[:, None]
        mw = st.mean_w[k]
        with np.errstate(divide="ignore"):
            loglik += float(dead_eta - np.sum(mw * (np.log(den) + m)))
        grad += dead_x - (mw[:, None] * a).sum(0)
        if need_info:
            b = (risk[k, 1 + p:] - f[:, None] * dsum[k, 1 + p:]) / den[:, None]
            info += _sym(mw @ b, iu, ju, p) - (a * mw[:, None]).T @ a
    return loglik, grad, info


def _newton_step(info: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """Solve ``info @ step = grad`` after scaling to unit diagonal (least squares if singular)."""
    d = np.sqrt(np.clip(np.diag(info), 0, None))
    d[~(d > 0)] = 1.0
    a = info / np.outer(d, d)
    try:
        step = np.linalg.solve(a, grad / d)
    except np.linalg.LinAlgError:
        step = np.full(len(d), np.nan)
    if not np.all(np.isfinite(step)):
        step = np.linalg.lstsq(a, grad / d, rcond=None)[0]
    return step / d


INFINITE_INFO = 1e-10  # information below this fraction of its value at beta = 0: an infinite estimate


def _fit(x, w, strata, free, info0_diag, beta0=None, max_iter=50, tol=1e-10):
    """Newton-Raphson with step halving over the ``free`` coefficients (the others stay at ``beta0``).

    A coefficient whose information vanishes (monotone likelihood: its estimate is infinite,
    e.g. a group without events) is frozen where it is, which is where R's ``coxph`` stops
    too; the others converge to their values in the limit.
    Returns beta, loglik, information, converged, iterations, the last step and the frozen mask.
    """
    p = x.shape[1]
    free = free.copy()
    frozen = np.zeros(p, bool)
    beta = np.zeros(p) if beta0 is None else np.array(beta0, float)
    loglik, grad, info = _loglik_grad_info(beta, x, w, strata)
    converged = not free.any()
    last = np.zeros(p)
    it = 0
    for it in range(1, max_iter + 1):
        vanished = free & ~(np.diag(info) >= INFINITE_INFO * info0_diag)
        frozen |= vanished
        free &= ~vanished
        if converged or not free.any():
            converged = True
            break
        step = np.zeros(p)
        step[free] = _newton_step(info[np.ix_(free, free)], grad[free])
        full = np.max(np.abs(step))
        new = beta + step
        new_ll, new_grad, new_info = _loglik_grad_info(new, x, w, strata)
        slack = 1e-12 * max(1.0, abs(loglik))  # rounding of the log-likelihood
        halvings = 0
        while (not np.isfinite(new_ll) or new_ll < loglik - slack) and halvings < 30:
            step /= 2
            new = beta + step
            new_ll, new_grad, new_info = _loglik_grad_info(new, x, w, strata)
            halvings += 1
        if not np.isfinite(new_ll) or new_ll < loglik - slack:
            # no step improves the likelihood: at its maximum (to rounding) or stuck
            converged = full < 1e-6
            break
        done = abs(new_ll - loglik) <= tol * max(1.0, abs(loglik)) and np.max(np.abs(step)) < 1e-9
        beta, loglik, grad, info, last = new, new_ll, new_grad, new_info, step
        if done:
            converged = True
            break
    return beta, loglik, info, converged, it, last, frozen


def one_coefficient(stop: np.ndarray, ev: np.ndarray, x: np.ndarray, w: np.ndarray, ties: str = "efron") -> float:
    """The coefficient of a single covariate ``x`` in the Cox model of :func:`cox` (no entry, no
    strata, case weights ``w`` > 0), computed as :func:`cox` computes it but without its checks,
    variances and summary: for the bootstrap, which refits it hundreds of times per report.

    Raises DataError where :func:`cox` would: no events, a constant ``x``, an infinite estimate.
    """
    stop, ev, w = (np.asarray(a, float) for a in (stop, ev, w))
    x = np.asarray(x, float).reshape(-1, 1)
    if not (ev == 1).any():
        raise DataError(Problem("<cox>", "geen gebeurtenissen: een Cox-model is niet te schatten"))
    xc = x - np.average(x, axis=0, weights=w)
    sts = _strata(stop, ev, np.zeros(len(stop)), w, xc, np.zeros(len(stop), int), ties)
    _, _, info0 = _loglik_grad_info(np.zeros(1), xc, w, sts)
    if _aliased(info0).all():
        raise DataError(Problem("<cox>", "de covariaat is constant: een Cox-model is niet te schatten"))
    beta, _, _, _, _, _, infinite = _fit(xc, w, sts, np.ones(1, bool), np.diag(info0).copy())
    if infinite.any():
        raise DataError(Problem("<cox>", "de coëfficiënt is oneindig: een Cox-model is niet te schatten"))
    return float(beta[0])


def _aliased(info0: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Columns whose information at beta = 0 is (nearly) a linear combination of earlier
    columns', as R's Cholesky check (``toler.chol``): their coefficients are not estimable."""
    p = len(info0)
    out = np.zeros(p, bool)
    kept: list[int] = []
    scale = np.max(np.abs(np.diag(info0))) if p else 0.0
    for j in range(p):
        d = info0[j, j]
        if kept:
            a = info0[np.ix_(kept, kept)]
            b = info0[kept, j]
            d = d - b @ np.linalg.lstsq(a, b, rcond=None)[0]
        if not (d > tol * max(info0[j, j], 0) and d > 1e-14 * scale):
            out[j] = True
        else:
            kept.append(j)
    return out


def _score_residuals(beta, x, w, ev, strata: list[_Stratum]) -> np.ndarray:
    """Per-row score residuals (R's ``residuals(fit, type="score")``), Efron or Breslow."""
    n, p = x.shape
    u = np.zeros((n, p))
    for st in strata:
        xs, ws = x[st.rows], w[st.rows]
        eta = xs @ beta
        rr, _ = _shifted_exp(eta)
        r = ws * rr
        risk = _risk_sums(np.hstack([r[:, None], r[:, None] * xs]), st)
        s0, s1 = risk[:, 0], risk[:, 1:]
        dead, kd = st.dead, st.k_dead
        dsum = group_sum(kd, np.hstack([r[dead, None], r[dead, None] * xs[dead]]), st.n_times)
        k, f = st.pair_k, st.pair_frac
        den = s0[k] - f * dsum[k, 0]
        a = (s1[k] - f[:, None] * dsum[k, 1:]) / den[:, None]
        h = st.mean_w[k] / den  # hazard increment per Efron step
        nt = st.n_times
        H = np.bincount(k, weights=h, minlength=nt)
        G = group_sum(k, h[:, None] * a, nt)
        H1 = np.bincount(k, weights=(1 - f) * h, minlength=nt)  # the events' own share
        G1 = group_sum(k, ((1 - f) * h)[:, None] * a, nt)
        abar = group_sum(k, a, nt) / np.maximum(st.d_count, 1)[:, None]
        cumH = np.concatenate([[0.0], np.cumsum(H)])
        cumG = np.vstack([np.zeros((1, p)), np.cumsum(G, axis=0)])
        hs, he = st.k_stop + 1, st.k_entry + 1
        res = -rr[:, None] * (xs * (cumH[hs] - cumH[he])[:, None] - (cumG[hs] - cumG[he]))
        # events: own term, and only (1 - l/d) of the risk at their own time (Efron)
        res[dead] += xs[dead] - abar[kd]
        res[dead] += rr[dead, None] * (xs[dead] * (H[kd] - H1[kd])[:, None] - (G[kd] - G1[kd]))
        u[st.rows] = res
    return u


# ----------------------------------------------------------------------------- concordance


class _Fenwick:
    """A binary indexed tree of weights over ranks 0..m-1."""

    def __init__(self, m: int):
        self.m = m
        self.tree = np.zeros(m + 1)

    def add(self, i: int, v: float) -> None:
        i += 1
        while i <= self.m:
            self.tree[i] += v
            i += i & -i

    def prefix(self, i: int) -> float:
        """Sum of the weights of ranks below ``i``."""
        s = 0.0
        while i > 0:
            s += self.tree[i]
            i -= i & -i
        return s


def _concordance(stop, ev, start, w, eta, strata_codes) -> float:
    """Harrell's C as R's ``coxph`` reports it: pairs within a stratum whose later member is
    at risk when the earlier one has its event; ties in the risk score count one half,
    pairs tied on an event time are not compared. Higher risk score = earlier event."""
    conc = disc = tied = 0.0
    for code in np.unique(strata_codes):
        rows = np.flatnonzero(strata_codes == code)
        s_stop, s_ev, s_start, s_w, s_eta = stop[rows], ev[rows], start[rows], w[rows], eta[rows]
        ranks, rank_of = np.unique(np.round(s_eta, 10), return_inverse=True)
        tree = _Fenwick(len(ranks))
        # sweep event times downwards: add rows once t <= stop (censored) / t < stop (events),
        # remove them once t <= entry
        add_order = np.lexsort((s_ev, -s_stop))  # by stop descending, censored before events
        rem_order = np.argsort(-s_start, kind="stable")
        death_times = np.unique(s_stop[s_ev == 1])[::-1]
        ia = ir = 0
        total = 0.0
        for t in death_times:
            while ia < len(add_order):
                j = add_order[ia]
                if s_stop[j] > t or (s_stop[j] == t and s_ev[j] == 0):
                    tree.add(rank_of[j], s_w[j])
                    total += s_w[j]
                    ia += 1
                else:
                    break
            while ir < len(rem_order) and s_start[rem_order[ir]] >= t:
                j = rem_order[ir]
                if s_stop[j] > t or (s_stop[j] == t and s_ev[j] == 0):
                    tree.add(rank_of[j], -s_w[j])
                    total -= s_w[j]
                ir += 1
            for i in np.flatnonzero((s_stop == t) & (s_ev == 1)):
                below = tree.prefix(rank_of[i])
                same = tree.prefix(rank_of[i] + 1) - below
                conc += s_w[i] * below
                tied += s_w[i] * same
                disc += s_w[i] * (total - below - same)
    denom = conc + disc + tied
    return float((conc + tied / 2) / denom) if denom > 0 else np.nan


# ----------------------------------------------------------------------------- result


@dataclass
class CoxResult:
    """A fitted Cox model: ``summary`` (per covariate coef, se, hr, ci_lower, ci_upper, p) and more."""

    summary: pd.DataFrame
    loglik: float
    loglik_null: float
    n: int
    n_events: float
    ties: str
    robust: bool
    converged: bool
    iterations: int
    var: np.ndarray
    naive_var: np.ndarray
    spec: dict = field(repr=False, default_factory=dict)
    _data: pd.DataFrame | None = field(repr=False, default=None)
    _linear_predictor: np.ndarray | None = field(repr=False, default=None)
    _concordance: float | None = field(repr=False, default=None)
    _lifelines: object = field(repr=False, default=None)
    _lifelines_frame: pd.DataFrame | None = field(repr=False, default=None)
    not_estimable: list[str] = field(default_factory=list)  # NaN coefficients (aliased or infinite)

    @property
    def params(self) -> pd.Series:
        return self.summary["coef"]

    @property
    def concordance(self) -> float:
        """Harrell's C (as in R's ``coxph``), computed on first use."""
        if self._concordance is None:
            s = self.spec
            d = self._data
            stop, ev, w, start = survival_arrays(d, s["duration"], s["event"], s["weights"], s["entry"])
            self._concordance = _concordance(stop, ev, start, w, self._linear_predictor, s["_strata_codes"])
        return self._concordance

    @property
    def lifelines(self):
        """The same model fitted by lifelines' ``CoxPHFitter`` (Efron ties), made on first use.

        Used for lifelines' diagnostics (``proportional_hazard_test``, ``check_assumptions``,
        baseline curves). Its robust standard errors differ slightly from R's: use ``summary``.
        """
        if self._lifelines is None:
            from lifelines import CoxPHFitter

            s = self.spec
            x = design_matrix(self._data, s["covariates"], reference=s.get("reference"))
            frame = x.copy()
            frame["_T"] = self._data[s["duration"]].to_numpy(float)
            frame["_E"] = self._data[s["event"]].to_numpy(int)
            kwargs = {}
            if s["entry"] and (self._data[s["entry"]].to_numpy(float) > 0).any():
                frame["_entry"] = self._data[s["entry"]].to_numpy(float)
                kwargs["entry_col"] = "_entry"
            if s["weights"]:
                frame["_w"] = self._data[s["weights"]].to_numpy(float)
                kwargs["weights_col"] = "_w"
            if s["strata"]:
                frame["_strata"] = s["_strata_codes"]
                kwargs["strata"] = ["_strata"]
            if s["cluster"]:
                frame["_cluster"] = self._data[s["cluster"]].to_numpy()
                kwargs["cluster_col"] = "_cluster"
            fitter = CoxPHFitter()
            fitter.fit(frame, duration_col="_T", event_col="_E", robust=self.robust, **kwargs)
            self._lifelines = fitter
            self._lifelines_frame = frame
        return self._lifelines

    def ph_test(self, time_transform: str = "rank") -> pd.DataFrame:
        """Proportional-hazards check: lifelines' Schoenfeld-residual test per covariate.

        Columns ``covariaat, statistic, p``. A small p suggests the effect changes with
        tenure. (This is not R's ``cox.zph``, which uses a different test.) Not available for
        left-truncated data (``entry`` > 0), which lifelines' residuals do not support.
        """
        from lifelines.statistics import proportional_hazard_test

        fitter = self.lifelines
        frame = self._lifelines_frame
        assert frame is not None  # made together with the fitter by the lifelines property
        if "_entry" in frame.columns:
            raise ValueError("lifelines' proportional-hazards test does not support delayed entry (left truncation)")
        test = proportional_hazard_test(fitter, frame, time_transform=time_transform)
        out = test.summary.reset_index()
        out = out.rename(columns={out.columns[0]: "covariaat", "test_statistic": "statistic"})
        return out[["covariaat", "statistic", "p"]]

    def plot(self, ax: Axes | None = None, labels: dict[str, str] | None = None) -> Axes:
        """Forest plot of hazard ratios with confidence intervals (log scale)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * max(len(self.summary), 1)))
        s = self.summary.iloc[::-1]
        names = [(labels or {}).get(i, i) for i in s.index]
        y = np.arange(len(s))
        ax.errorbar(s["hr"], y, xerr=[s["hr"] - s["ci_lower"], s["ci_upper"] - s["hr"]], fmt="o", capsize=3)
        ax.axvline(1.0, color="0.4", lw=1, ls="--")
        ax.set_xscale("log")
        lo, hi = ax.get_xlim()
        ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 5, 10) if lo <= t <= hi]
        ax.set_xticks(ticks, [fmt_getal(t) for t in ticks])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y, names)
        ax.set_xlabel("hazard ratio (log-schaal)")
        return ax


def cox(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    ties: str = "efron",
    strata: str | Sequence[str] | None = None,
    cluster: str | None = None,
    weights: str | None = None,
    entry: str | None = None,
    *,
    robust: bool | None = None,
    conf_level: float = 0.95,
    reference: dict | None = None,
    file: str = "<spells>",
) -> CoxResult:
    """Fit a Cox model; see the module docstring for what matches R.

    ``covariates`` are column names; text or categorical columns become dummies against
    a reference level: ``reference={"route": "pabo"}``, else the first level
    (:func:`design_matrix`); the ``referentie`` column of ``summary`` names it. ``entry``
    gives left truncation or the start of ``(start, stop]`` counting-process rows (then
    ``cluster`` should name the person, so the robust variance treats a person's rows
    together). ``summary`` is indexed by (dummy) covariate with columns ``coef, se, hr,
    ci_lower, ci_upper, z, p, referentie``.

    As R's ``coxph``: case weights must be positive; a coefficient that is not estimable
    (a column that is a linear combination of others, or an infinite estimate such as a
    group without events) is NaN, with a :class:`NotEstimableWarning` naming it, while the
    others are estimated. Constant covariates, empty cluster/strata values and data without
    events raise a DataError.
    """
    if ties not in TIES:
        raise ValueError(f"ties={ties!r}: choose one of {TIES}")
    stop, ev, w, start = survival_arrays(df, duration, event, weights, entry, file=file)
    if weights and np.any(w <= 0):
        raise DataError(Problem(file, "gewichten moeten groter dan 0 zijn (zoals in R's coxph); laat rijen met "
                                      "gewicht 0 weg", column=weights, rows=rows_from_index(np.flatnonzero(w <= 0))))
    strata_cols = _as_list(strata)
    for col in strata_cols:
        check_no_missing(df, col, "stratumkolom", file)
    check_no_missing(df, cluster, "clusterkolom", file)
    if not (ev == 1).any():
        raise DataError(Problem(file, f"geen gebeurtenissen ({len(df)} rijen): een Cox-model is niet te schatten",
                                column=event))
    x_df = design_matrix(df, covariates, file=file, reference=reference)
    check_not_constant(df, covariates, file)
    x = x_df.to_numpy(float)
    names = list(x_df.columns)
    refs = x_df.attrs.get("referentie", {})
    codes = (df[strata_cols].astype(str).agg("|".join, axis=1).pipe(pd.factorize)[0] if strata_cols
             else np.zeros(len(df), int))
    codes = np.asarray(codes)
    center = np.average(x, axis=0, weights=w) if len(x) and w.sum() > 0 else np.zeros(x.shape[1])
    xc = x - center
    sts = _strata(stop, ev, start, w, xc, codes, ties)
    p = xc.shape[1]
    loglik0, _, info0 = _loglik_grad_info(np.zeros(p), xc, w, sts)
    aliased = _aliased(info0)
    if p and aliased.all():
        raise DataError(Problem(file, f"te weinig gegevens om een Cox-model te schatten ({len(df)} rijen, "
                                      f"{int((ev == 1).sum())} gebeurtenissen)", column=event))
    free = ~aliased
    scale0 = np.diag(info0).copy()
    beta, loglik, info, converged, iters, last, infinite = _fit(xc, w, sts, free, scale0)
    if not converged:
        # a coefficient still moving when Newton-Raphson stops: infinite too; refit the others
        moving = free & ~infinite & (np.abs(last) > 1e-6 * np.maximum(1.0, np.abs(beta)))
        if moving.any() and (free & ~infinite & ~moving).any():
            infinite |= moving
            beta, loglik, info, converged, more, _, also = _fit(xc, w, sts, free & ~infinite, scale0, beta0=beta)
            infinite |= also
            iters += more
    free = free & ~infinite
    if p and not free.any():
        raise DataError(Problem(file, f"te weinig gegevens om een Cox-model te schatten ({len(df)} rijen, "
                                      f"{int((ev == 1).sum())} gebeurtenissen): geen enkele coëfficiënt is eindig",
                                column=event))
    for j in np.flatnonzero(aliased):
        warnings.warn(f"Cox-model: de coëfficiënt van `{names[j]}` is niet te schatten: de kolom is (binnen de "
                      "strata) een lineaire combinatie van andere covariaten; gerapporteerd als NaN (R: NA).",
                      NotEstimableWarning, stacklevel=2)
    for j in np.flatnonzero(infinite):
        warnings.warn(f"Cox-model: de coëfficiënt van `{names[j]}` is niet te schatten (oneindig: de likelihood "
                      "blijft stijgen, bijvoorbeeld doordat een groep geen gebeurtenissen heeft); gerapporteerd als "
                      "NaN. De andere coëfficiënten zijn geschat zoals R's coxph dat doet.",
                      NotEstimableWarning, stacklevel=2)
    if not converged:
        warnings.warn("Cox-model: Newton-Raphson is niet geconvergeerd; behandel de schattingen met argwaan.",
                      NotEstimableWarning, stacklevel=2)
    fi = np.flatnonzero(free)
    naive = np.full((p, p), np.nan)
    if len(fi):
        sub = info[np.ix_(fi, fi)]
        try:
            naive[np.ix_(fi, fi)] = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            naive[np.ix_(fi, fi)] = np.linalg.pinv(sub)
    if robust is None:
        robust = cluster is not None or bool(np.any(w != np.floor(w)))
    var = naive
    if robust and len(fi):
        u = _score_residuals(beta, xc, w, ev, sts)[:, fi] * w[:, None]
        if cluster is not None:
            g = pd.factorize(df[cluster])[0]
            u = group_sum(g, u, g.max() + 1)
        dfb = u @ naive[np.ix_(fi, fi)]
        var = np.full((p, p), np.nan)
        var[np.ix_(fi, fi)] = dfb.T @ dfb
    coef = np.where(free, beta, np.nan)
    se = np.sqrt(np.diag(var)) if p else np.zeros(0)
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    summary = pd.DataFrame({"coef": coef, "se": se}, index=pd.Index(names, name="covariaat"))
    summary["hr"] = np.exp(summary["coef"])
    summary["ci_lower"] = np.exp(summary["coef"] - z * se)
    summary["ci_upper"] = np.exp(summary["coef"] + z * se)
    summary["z"] = summary["coef"] / se
    summary["p"] = 2 * stats.norm.sf(np.abs(summary["z"]))
    summary["referentie"] = reference_column(names, covariates, refs)
    summary.attrs["referentie"] = dict(refs)
    return CoxResult(
        summary=summary, loglik=loglik, loglik_null=loglik0, n=len(df), n_events=float((w * ev).sum()),
        ties=ties, robust=bool(robust), converged=converged, iterations=iters, var=var, naive_var=naive,
        spec={"duration": duration, "event": event, "covariates": list(covariates), "strata": strata_cols,
              "cluster": cluster, "weights": weights, "entry": entry, "_strata_codes": codes,
              "reference": dict(reference or {})},
        _data=df, _linear_predictor=xc @ beta,
        not_estimable=[names[j] for j in np.flatnonzero(aliased | infinite)],
    )
