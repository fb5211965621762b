"""Inter-coder reliability: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha,
bootstrap confidence intervals, per code and overall, and a disagreement table.

The coefficients come from well-kept libraries: Cohen's and Fleiss' kappa from
``statsmodels.stats.inter_rater``, Krippendorff's alpha from the ``krippendorff`` package.
The tests reproduce published worked examples: Krippendorff (2011, *Computing
Krippendorff's alpha-reliability*) for alpha at all four levels and with missing data,
Fleiss (1971, Table 1) for Fleiss' kappa overall and per category, and the 50-proposal
example of Cohen's kappa (κ = 0.40); and they agree to 1e-10 with scikit-learn, statsmodels
and ``krippendorff`` on random data with missing codes.

Data layout follows Krippendorff: ``data`` is *coders × units* (rows are coders, columns
units), with ``NaN`` (or ``None``) where a coder did not code a unit.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from numbers import Real
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import DataError

Level = Literal["nominal", "ordinal", "interval", "ratio"]  # krippendorff's levels of measurement
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
WEIGHTS = (None, "linear", "quadratic")


def _matrix(data) -> np.ndarray:
    """Coders × units as an object array with None for missing."""
    if isinstance(data, pd.DataFrame):
        arr = data.to_numpy(dtype=object)
    else:
        arr = np.array(data, dtype=object)
    if arr.ndim != 2:
        raise ValueError("data must be two-dimensional: coders × units")
    out = arr.copy()
    out[pd.isna(arr)] = None  # None, NaN (any float type), pd.NA and NaT are all "not coded"
    return out


def _is_number(v) -> bool:
    return isinstance(v, Real) and not isinstance(v, (str, bytes))


def _categories(values) -> list:
    """Distinct codes in their natural order: numbers by value (1 and 1.0 are one code, whatever
    the column's dtype), strings alphabetically; a mix of kinds by kind, then text."""
    distinct = list(dict.fromkeys(values))  # equal values (1 == 1.0) collapse
    if all(_is_number(v) for v in distinct):
        return sorted(distinct, key=float)
    if all(isinstance(v, str) for v in distinct):
        return sorted(distinct)
    return sorted(distinct, key=lambda v: (not _is_number(v), float(v) if _is_number(v) else 0.0, str(v)))


def _weights(weights) -> str | None:
    """``None``, ``"linear"`` or ``"quadratic"`` (any case)."""
    key = weights.strip().lower() if isinstance(weights, str) else weights
    if key not in WEIGHTS:
        allowed = ", ".join(repr(w) for w in WEIGHTS)
        raise DataError(f"weights={weights!r} is onbekend; kies uit {allowed}", file="cohen_kappa")
    return key


def percent_agreement(data) -> float:
    """Share of agreeing coder pairs, averaged over units coded by at least two coders.

    With two coders this is the share of units on which they agree.
    """
    arr = _matrix(data)
    shares = []
    for u in range(arr.shape[1]):
        vals = [v for v in arr[:, u] if v is not None]
        if len(vals) < 2:
            continue
        pairs = list(combinations(vals, 2))
        shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return float(np.mean(shares)) if shares else float("nan")


def cohen_kappa(a: Sequence, b: Sequence, weights: str | None = None, labels: Sequence | None = None) -> float:
    """Cohen's kappa of two coders' codes for the same units (pairs with a missing value
    are dropped). ``weights`` ``"linear"`` or ``"quadratic"`` gives weighted kappa for
    ordered codes; the weights follow the position of a code in the category order, as in
    scikit-learn's ``cohen_kappa_score``. That order is ``labels`` when given (which also
    fixes the category set; a code outside it is an error), else numbers by value and
    strings alphabetically. Computed by ``statsmodels.stats.inter_rater.cohens_kappa``.
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    wt = _weights(weights)
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise DataError(f"de twee codeurs hebben een ongelijk aantal eenheden ({len(a)} en {len(b)}); "
                        "geef voor elke eenheid de code van beide codeurs (leeg bij ontbreken)", file="cohen_kappa")
    arr = _matrix([a, b]) if a else np.empty((2, 0), dtype=object)
    keep = [u for u in range(arr.shape[1]) if arr[0, u] is not None and arr[1, u] is not None]
    x, y = arr[0, keep], arr[1, keep]
    if labels is not None:
        cats = [v for v in _matrix([list(labels)])[0]]
        if any(v is None for v in cats) or len(set(cats)) != len(cats):
            raise DataError(f"labels={list(labels)!r} moet verschillende, niet-lege codes bevatten", file="cohen_kappa")
        known = set(cats)
        unknown = _categories([v for v in list(x) + list(y) if v not in known])
        if unknown:
            raise DataError(f"code(s) {', '.join(map(repr, unknown[:5]))} staan niet in labels={list(labels)!r}",
                            file="cohen_kappa")
    else:
        cats = _categories(list(x) + list(y))
        if wt is not None and not all(_is_number(v) for v in cats) and not all(isinstance(v, str) for v in cats):
            raise DataError("gewogen kappa met getallen én tekst als codes: geef de volgorde met labels=",
                            file="cohen_kappa")
    if not keep or len(cats) < 2:
        return float("nan")  # nothing coded twice, or one category only: kappa is undefined
    pos = {c: i for i, c in enumerate(cats)}
    table = np.zeros((len(cats), len(cats)))
    for i, j in zip(x, y):
        table[pos[i], pos[j]] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        res = cohens_kappa(table, wt=wt) if wt is not None else cohens_kappa(table)
    return float(res.kappa)


def cohen_kappa_table(table) -> float:
    """Cohen's kappa from a square agreement table (coder A in rows, coder B in columns)."""
    from statsmodels.stats.inter_rater import cohens_kappa

    return float(cohens_kappa(np.asarray(table, dtype=float)).kappa)


def fleiss_kappa(table, per_category: bool = False):
    """Fleiss' kappa from a *units × categories* table of counts (each row sums to the number
    of coders of that unit, the same for all units; otherwise a :class:`DataError` names the
    units that differ).

    With ``per_category=True`` returns a Series: kappa per category (Fleiss 1971, eq. 10)
    and the overall value under ``"totaal"``.
    """
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] == 0:
        raise DataError("de tabel moet eenheden × categorieën zijn (rijen × kolommen, minstens één rij)",
                        file="fleiss_kappa")
    if not np.isfinite(t).all() or (t < 0).any():
        raise DataError("de tabel bevat lege of negatieve aantallen", file="fleiss_kappa")
    raters = t.sum(axis=1)
    values, counts = np.unique(raters, return_counts=True)
    m = float(values[np.argmax(counts)])  # the usual number of coders per unit
    odd = np.flatnonzero(raters != m)
    if odd.size or m < 2:
        names = list(table.index) if isinstance(table, pd.DataFrame) else list(range(1, t.shape[0] + 1))
        shown = ", ".join(f"{names[i]} ({raters[i]:g} codeurs)" for i in odd[:5])
        shown += f" en {odd.size - 5} meer" if odd.size > 5 else ""
        if not odd.size:
            raise DataError("elke eenheid heeft minstens twee codeurs nodig", file="fleiss_kappa")
        raise DataError(f"elke eenheid moet door hetzelfde aantal codeurs zijn gecodeerd; de meeste hebben er {m:g}, "
                        f"maar eenheid (rij) {shown} niet; laat eenheden met ontbrekende codes weg of gebruik "
                        "krippendorff_alpha, dat ontbrekende codes toestaat", file="fleiss_kappa")
    overall = float(sm_fleiss(t, method="fleiss"))
    if not per_category:
        return overall
    n_units = t.shape[0]
    p = t.sum(axis=0) / (n_units * m)
    with np.errstate(divide="ignore", invalid="ignore"):
        kj = 1 - (t * (m - t)).sum(axis=0) / (n_units * m * (m - 1) * p * (1 - p))
    cols = table.columns if isinstance(table, pd.DataFrame) else range(t.shape[1])
    return pd.concat([pd.Series(kj, index=list(cols)), pd.Series({"totaal": overall})])


def table_from_codes(data) -> np.ndarray:
    """The units × categories count table (for :func:`fleiss_kappa`) from coders × units codes."""
    arr = _matrix(data)
    cats = _categories(v for v in arr.ravel() if v is not None)
    return np.array([[sum(v == c for v in arr[:, u] if v is not None) for c in cats] for u in range(arr.shape[1])])


def krippendorff_alpha(data, level: str = "nominal") -> float:
    """Krippendorff's alpha of *coders × units* data with missing values (NaN/None).

    ``level`` is ``nominal``, ``ordinal``, ``interval`` or ``ratio``. Nominal codes may be
    strings (they are mapped to integers, as the ``krippendorff`` package needs); the other
    levels need numbers. Returns NaN when there is nothing to compare (fewer than two
    values in the data, or no unit coded twice).
    """
    import krippendorff

    if level not in LEVELS:
        raise ValueError(f"level {level!r}: choose from {LEVELS}")
    arr = _matrix(data)
    values = [v for v in arr.ravel() if v is not None]
    if len(set(values)) < 2 or not any(sum(v is not None for v in arr[:, u]) >= 2 for u in range(arr.shape[1])):
        return float("nan")
    if level == "nominal":
        codes = {v: i for i, v in enumerate(_categories(values))}
        num = np.array([[np.nan if v is None else codes[v] for v in row] for row in arr], dtype=float)
    else:
        try:
            num = np.array([[np.nan if v is None else float(v) for v in row] for row in arr], dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"level {level!r} needs numeric codes") from None
    return float(krippendorff.alpha(reliability_data=num, level_of_measurement=level))


def bootstrap_ci(data, statistic: Callable[[np.ndarray], float], n_boot: int = 1000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over units (columns resampled with
    replacement; coders kept). Replicates where the statistic is undefined are skipped."""
    arr = _matrix(data)
    rng = np.random.default_rng(seed)
    n = arr.shape[1]
    reps = []
    for _ in range(n_boot):
        value = statistic(arr[:, rng.integers(0, n, n)])
        if value is not None and np.isfinite(value):
            reps.append(value)
    if len(reps) < max(10, n_boot // 10):
        return (float("nan"), float("nan"))
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(reps, [tail, 100 - tail])
    return float(lo), float(hi)


# --- codings: per code and overall ------------------------------------------------------------

UNIT_KEY = ["doc_id", "start", "einde"]


def code_matrix(codings: pd.DataFrame, code: str, coders: Sequence[str], units: pd.DataFrame) -> np.ndarray:
    """Coders × units presence (1/0) of ``code``; every coder is taken to have coded every unit."""
    keys = list(map(tuple, units[UNIT_KEY].to_numpy().tolist()))
    pos = {k: i for i, k in enumerate(keys)}
    arr = np.zeros((len(coders), len(keys)), dtype=float)
    sub = codings[codings["code"] == code]
    for r, coder in enumerate(coders):
        for k in map(tuple, sub.loc[sub["codeur"] == coder, UNIT_KEY].to_numpy().tolist()):
            if k in pos:
                arr[r, pos[k]] = 1.0
    return arr


def reliability_by_code(
    codings: pd.DataFrame,
    units: pd.DataFrame | None = None,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    *,
    n_boot: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement per code and overall between coders who coded the same units.

    ``codings`` has ``doc_id``, ``start``, ``einde``, ``code`` and ``codeur``; ``units`` (default:
    every unit that any coder coded) are the units all coders saw. For each code the
    presence/absence decisions are compared: percent agreement, Cohen's kappa (two coders;
    the mean over pairs for more), Fleiss' kappa and Krippendorff's alpha (nominal) with a
    bootstrap interval over units. The row ``totaal`` pools every unit × code decision.
    """
    coders = list(coders) if coders is not None else sorted(codings["codeur"].unique())
    if len(coders) < 2:
        raise ValueError("reliability needs at least two coders")
    units = (units if units is not None else codings)[UNIT_KEY].drop_duplicates().sort_values(UNIT_KEY)
    codes = list(codes) if codes is not None else sorted(codings["code"].unique())
    rows = []
    pooled: list[np.ndarray] = []  # the codes' matrices, side by side for the row totaal
    for code in codes + ["totaal"]:
        if code == "totaal":
            arr = np.concatenate(pooled, axis=1) if pooled else np.zeros((len(coders), 0))
        else:
            arr = code_matrix(codings, code, coders, units)
            pooled.append(arr)
        kappas = [cohen_kappa(arr[i], arr[j]) for i, j in combinations(range(len(coders)), 2)]
        alpha = krippendorff_alpha(arr)
        lo, hi = bootstrap_ci(arr, krippendorff_alpha, n_boot=n_boot, seed=seed) if np.isfinite(alpha) else (np.nan, np.nan)
        table = table_from_codes(arr)
        rows.append({
            "code": code, "eenheden": arr.shape[1], "gecodeerd": int(arr.sum()),
            "overeenstemming": percent_agreement(arr),
            "cohen_kappa": float(np.nanmean(kappas)) if np.isfinite(kappas).any() else np.nan,
            "fleiss_kappa": fleiss_kappa(table) if table.shape[1] > 1 and arr.shape[1] else np.nan,
            "alpha": alpha, "alpha_laag": lo, "alpha_hoog": hi,
        })
    return pd.DataFrame(rows)


def disagreements(codings: pd.DataFrame, units: pd.DataFrame | None = None,
                  coders: Sequence[str] | None = None, documenten: pd.DataFrame | None = None) -> pd.DataFrame:
    """Unit × code combinations on which coders disagree, for a consensus meeting.

    One row per disagreement with ``wel`` (coders who applied the code) and ``niet`` (who did
    not); with ``documenten`` the unit's text is added.
    """
    coders = list(coders) if coders is not None else sorted(codings["codeur"].unique())
    units = (units if units is not None else codings)[UNIT_KEY].drop_duplicates()
    keyset = set(map(tuple, units.to_numpy().tolist()))
    applied: dict[tuple, set[str]] = {}
    for r in codings.itertuples(index=False):
        k = (r.doc_id, r.start, r.einde)
        if k in keyset and r.codeur in coders:
            applied.setdefault(k + (r.code,), set()).add(r.codeur)
    rows = []
    for (doc_id, start, einde, code), who in sorted(applied.items(), key=lambda kv: tuple(map(str, kv[0]))):
        if len(who) < len(coders):
            rows.append({"doc_id": doc_id, "start": start, "einde": einde, "code": code,
                         "wel": ", ".join(c for c in coders if c in who),
                         "niet": ", ".join(c for c in coders if c not in who)})
    out = pd.DataFrame(rows, columns=["doc_id", "start", "einde", "code", "wel", "niet"])
    if documenten is not None and not out.empty:
        texts = documenten.set_index("doc_id")["tekst"]
        out["tekst"] = [texts[d][s:e] for d, s, e in zip(out["doc_id"], out["start"], out["einde"])]
    return out
