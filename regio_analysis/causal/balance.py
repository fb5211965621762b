"""Covariate balance before and after weighting: standardised mean differences (divided by the
unweighted pooled standard deviation, or that of the treated as R's cobalt does for the ATT),
variance ratios, the largest absolute SMD and the Love plot.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.causal.checks import _check, _choice, _is_binary, _work_frame
from regio_analysis.causal.constants import BALANCE_THRESHOLD, SOURCE
from regio_analysis.causal.propensity import _weights_array


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
    control; ``difference``) is divided by the unweighted standard deviation, pooled
    ``sqrt((s1² + s0²) / 2)`` or, with ``sd="treated"``, that of the treated (cobalt's
    choice for the ATT); a 0/1 variable uses ``p(1 - p)`` as its variance.

    Returns a tidy table: ``covariate``, ``type`` (binair/continu), ``weighting`` (ongewogen/
    gewogen), ``mean_treated``, ``mean_control``, ``difference``, ``smd``, ``variance_ratio``.
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
            rows.append({"covariate": name, "type": kinds[name], "weighting": label, "mean_treated": m1,
                         "mean_control": m0, "difference": diff,
                         "smd": diff / scale if scale > 0 else (0.0 if diff == 0 else np.nan),
                         "variance_ratio": vr})
    return pd.DataFrame(rows, columns=BALANCE_COLUMNS)


#: the columns of :func:`balance_table`
BALANCE_COLUMNS = ["covariate", "type", "weighting", "mean_treated", "mean_control", "difference", "smd",
                   "variance_ratio"]


def max_abs_smd(balance: pd.DataFrame, weighting: str = "gewogen") -> float:
    """The largest |SMD| in a :func:`balance_table` for ``weighting`` (``"gewogen"`` or
    ``"ongewogen"``; NaN when absent)."""
    rows = balance[balance["weighting"] == weighting]
    return float(rows["smd"].abs().max()) if not rows.empty else float("nan")


def love_plot(data: pd.DataFrame, ax: Axes | None = None, threshold: float = BALANCE_THRESHOLD) -> Axes:
    """Love plot of a :func:`balance_table`: |SMD| per covariate, before and after weighting."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.45 * max(4, data["covariate"].nunique()) + 1))
    order = (data[data["weighting"] == "ongewogen"].assign(a=lambda d: d["smd"].abs())
             .sort_values("a")["covariate"].tolist())
    ypos = {c: i for i, c in enumerate(order)}
    markers = {"ongewogen": ("o", "ongewogen"), "gewogen": ("D", "gewogen")}
    colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0", "C1"])
    for i, (label, (marker, text)) in enumerate(markers.items()):
        rows = data[data["weighting"] == label]
        if rows.empty:
            continue
        ax.scatter(rows["smd"].abs(), [ypos[c] for c in rows["covariate"]], marker=marker, s=45,
                   color=colors[(i + 1) % len(colors)] if label == "ongewogen" else colors[0], label=text, zorder=3)
    ax.axvline(threshold, color="0.3", linestyle="--", linewidth=1.2, label=f"grens {str(threshold).replace('.', ',')}")
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order)
    ax.set_xlabel("|gestandaardiseerd verschil in gemiddelden| (SMD)")
    ax.set_xlim(left=0)
    ax.legend(loc="lower right")
    return ax
