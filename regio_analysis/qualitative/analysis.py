"""Analysis of coded text: frequencies by region, code × region matrices, co-occurrence,
χ² with standardised residuals and Cramér's V, and anonymised quotes.

Inputs are the tidy tables of this package: ``documenten`` (``doc_id``, ``regio_id``, ``tekst``,
``n_woorden``) and codings (``doc_id``, ``start``, ``einde``, ``code``). A *unit* is one coded
segment ``(doc_id, start, einde)``; a code counts once per unit.
"""
from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.axes import Axes


class _Unit(NamedTuple):
    """One coded segment."""

    doc_id: str
    start: int
    einde: int


UNIT = list(_Unit._fields)


def _units(codings: pd.DataFrame, codes: Sequence[str] | None) -> pd.DataFrame:
    df = codings[UNIT + ["code"]].drop_duplicates()
    if codes is not None:
        df = df[df["code"].isin(list(codes))]
    return df


def code_frequencies(codings: pd.DataFrame, documenten: pd.DataFrame, by: str = "regio_id",
                     codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Per group (``by``, a column of ``documenten``) and code: coded units (``n_segmenten``),
    documents with the code (``n_documenten``), their share of the group's documents
    (``aandeel_documenten``, %) and coded units per 1,000 words (``per_1000_woorden``).
    Codes listed in ``codes`` but never found appear with zeros.
    """
    docs = documenten[["doc_id", by, "n_woorden"]]
    units = _units(codings, codes).merge(docs, on="doc_id")
    groups = docs.groupby(by).agg(documenten=("doc_id", "nunique"), woorden=("n_woorden", "sum"))
    counted = units.groupby([by, "code"]).agg(n_segmenten=("start", "size"), n_documenten=("doc_id", "nunique"))
    all_codes = list(codes) if codes is not None else sorted(units["code"].unique())
    index = pd.MultiIndex.from_product([groups.index, all_codes], names=[by, "code"])
    out = counted.reindex(index, fill_value=0).reset_index().merge(groups.reset_index(), on=by)
    out["aandeel_documenten"] = 100 * out["n_documenten"] / out["documenten"]
    out["per_1000_woorden"] = 1000 * out["n_segmenten"] / out["woorden"].where(out["woorden"] > 0)
    return out[[by, "code", "n_segmenten", "n_documenten", "documenten", "aandeel_documenten", "woorden",
                "per_1000_woorden"]]


def code_by_group(codings: pd.DataFrame, documenten: pd.DataFrame, by: str = "regio_id",
                  codes: Sequence[str] | None = None, value: str = "n_segmenten") -> pd.DataFrame:
    """Code × group matrix (codes in rows) of one measure of :func:`code_frequencies`."""
    freq = code_frequencies(codings, documenten, by, codes)
    order = list(codes) if codes is not None else sorted(freq["code"].unique())
    return freq.pivot(index="code", columns=by, values=value).reindex(order)


def cooccurrence(codings: pd.DataFrame, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Pairs of codes on the same unit: ``n_a``, ``n_b``, ``n_samen`` (units with both) and the
    Jaccard index ``n_samen / (n_a + n_b - n_samen)``. One row per unordered pair."""
    units = _units(codings, codes)
    sets = units.groupby(UNIT)["code"].agg(frozenset)
    all_codes = list(codes) if codes is not None else sorted(units["code"].unique())
    n = units.groupby("code").size().reindex(all_codes, fill_value=0)
    pair_counts: dict[tuple[str, str], int] = {}
    pos = {c: i for i, c in enumerate(all_codes)}
    for s in sets:
        for a, b in combinations(sorted(s, key=pos.__getitem__), 2):
            pair_counts[(a, b)] = pair_counts.get((a, b), 0) + 1
    rows = []
    for a, b in combinations(all_codes, 2):
        both = pair_counts.get((a, b), 0)
        union = n[a] + n[b] - both
        rows.append({"code_a": a, "code_b": b, "n_a": int(n[a]), "n_b": int(n[b]), "n_samen": both,
                     "jaccard": both / union if union else np.nan})
    return pd.DataFrame(rows, columns=["code_a", "code_b", "n_a", "n_b", "n_samen", "jaccard"])


def cooccurrence_matrix(codings: pd.DataFrame, codes: Sequence[str] | None = None,
                        measure: str = "jaccard") -> pd.DataFrame:
    """Symmetric code × code matrix of ``jaccard`` or ``n_samen`` (diagonal: 1 / the code's count)."""
    pairs = cooccurrence(codings, codes)
    all_codes = list(codes) if codes is not None else sorted(set(pairs["code_a"]) | set(pairs["code_b"]))
    m = pd.DataFrame(np.nan, index=all_codes, columns=all_codes)
    for r in pairs.itertuples(index=False):
        m.loc[r.code_a, r.code_b] = m.loc[r.code_b, r.code_a] = getattr(r, measure)
    counts = _units(codings, all_codes).groupby("code").size().reindex(all_codes, fill_value=0)
    for c in all_codes:
        m.loc[c, c] = (1.0 if counts[c] else np.nan) if measure == "jaccard" else counts[c]
    return m


def heatmap(matrix: pd.DataFrame, ax: Axes | None = None, *, titel: str | None = None, fmt: str = ".2f",
            cmap: str = "Blues", labels: dict[str, str] | None = None) -> Axes:
    """A labelled heatmap of a code × code or code × region matrix; returns the Axes."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        size = max(4.0, 0.55 * len(matrix.columns) + 2.5), max(3.0, 0.45 * len(matrix.index) + 1.5)
        _fig, ax = plt.subplots(figsize=size)
    data = matrix.astype(float)
    rename = (lambda s: labels.get(s, s)) if labels else (lambda s: s)
    data = data.rename(index=rename, columns=rename)
    digits = int(fmt[1]) if re.fullmatch(r"\.\d[fg]", fmt) else 2

    def label(v):
        if pd.isna(v):
            return ""
        v = 0.0 if round(v, digits) == 0 else v  # no "-0,0"
        return format(v, fmt).replace(".", ",")

    annot = data.map(label)
    sns.heatmap(data, annot=annot, fmt="", cmap=cmap, linewidths=0.5, linecolor="white", cbar=False, ax=ax,
                annot_kws={"fontsize": "x-small"})
    ax.set(xlabel="", ylabel="", title=titel)
    ax.tick_params(axis="x", rotation=45, labelsize="small")
    ax.tick_params(axis="y", rotation=0, labelsize="small")
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    return ax


@dataclass
class Chi2Result:
    """χ² test of independence on a contingency table (codes × groups)."""

    chi2: float
    dof: int
    p: float
    cramers_v: float
    n: int
    waargenomen: pd.DataFrame
    verwacht: pd.DataFrame
    residuen: pd.DataFrame  # adjusted standardised residuals (Haberman)
    waarschuwing: str = ""

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"chi2": self.chi2, "df": self.dof, "p": self.p, "cramers_v": self.cramers_v,
                              "n": self.n, "waarschuwing": self.waarschuwing}])

    def plot(self, ax: Axes | None = None, titel: str | None = None) -> Axes:
        """Heatmap of the standardised residuals (|r| > 2 stands out)."""
        return heatmap(self.residuen, ax=ax, titel=titel, fmt=".1f", cmap="RdBu_r")


def small_cell_warning(expected: np.ndarray) -> str:
    """The usual rule (Cochran): no expected count below 1 and at most 20 % below 5."""
    e = np.asarray(expected, dtype=float)
    below5 = float((e < 5).mean()) if e.size else 0.0
    parts = []
    if e.size and (e < 1).any():
        parts.append(f"{int((e < 1).sum())} verwachte aantallen onder 1")
    if below5 > 0.2:
        parts.append(f"{round(100 * below5)}% van de verwachte aantallen onder 5")
    if not parts:
        return ""
    return "Let op: " + " en ".join(parts) + "; de χ²-toets is dan onbetrouwbaar (voeg categorieën samen of gebruik een exacte toets)."


def chi2_test(table: pd.DataFrame) -> Chi2Result:
    """χ² test of independence with adjusted standardised residuals and Cramér's V.

    Rows or columns that are all zero are dropped first. ``scipy.stats.chi2_contingency``
    gives χ² (without Yates' correction), ``scipy.stats.contingency.association`` Cramér's V;
    residuals are Haberman's adjusted residuals ``(O - E) / sqrt(E (1 - r/n) (1 - c/n))``,
    roughly standard normal under independence. A small-cell warning is set (and a
    ``UserWarning`` issued) when expected counts are too small.
    """
    from scipy.stats import chi2_contingency
    from scipy.stats.contingency import association

    t = table.astype(float)
    t = t.loc[t.sum(axis=1) > 0, t.sum(axis=0) > 0]
    if t.shape[0] < 2 or t.shape[1] < 2:
        raise ValueError("a χ² test needs at least two non-empty rows and columns")
    chi2, p, dof, expected = chi2_contingency(t.to_numpy(), correction=False)
    n = t.to_numpy().sum()
    r = t.sum(axis=1).to_numpy()[:, None] / n
    c = t.sum(axis=0).to_numpy()[None, :] / n
    resid = (t.to_numpy() - expected) / np.sqrt(expected * (1 - r) * (1 - c))
    v = float(association(t.to_numpy().round().astype(int), method="cramer", correction=False)) \
        if np.allclose(t.to_numpy(), t.to_numpy().round()) else float(np.sqrt(chi2 / (n * (min(t.shape) - 1))))
    warning = small_cell_warning(expected)
    if warning:
        warnings.warn(warning, UserWarning, stacklevel=2)
    return Chi2Result(float(chi2), int(dof), float(p), v, int(n), t,
                      pd.DataFrame(expected, index=t.index, columns=t.columns),
                      pd.DataFrame(resid, index=t.index, columns=t.columns), warning)


# --- quotes -------------------------------------------------------------------------------------

PLACEHOLDER = "[naam]"


def anonymise(text: str, names: Iterable[str] = ()) -> str:
    """Replace personal data by placeholders (see :func:`regio_analysis.data.privacy.scrub`).

    Found are: the names passed in ``names`` (e.g. the respondents', staff's and schools'
    names you know), a title followed by a name (*mevrouw De Vries*, *juf Anna*), initials
    with a surname (*J.S. Kuperus*), *KUPERUS, J.S.*, a name after *ik ben* / *heet*,
    e-mail addresses, phone numbers, URLs, postcodes, street addresses and school names.
    Rule-based: check quotes before publishing them.
    """
    from regio_analysis.data.privacy import scrub

    return scrub(text, names)


def quote_table(codings: pd.DataFrame, documenten: pd.DataFrame, codes: Sequence[str] | None = None,
                per_code: int = 3, max_tekens: int = 300, names: Iterable[str] = ()) -> pd.DataFrame:
    """Anonymised quotes per code: up to ``per_code`` units per code, spread over documents
    (round robin over documents in ``doc_id`` order), each shortened to ``max_tekens``."""
    docs = documenten.set_index("doc_id")
    units = _units(codings, codes).sort_values(UNIT)
    names = list(names)
    rows = []
    all_codes = list(codes) if codes is not None else list(dict.fromkeys(units["code"]))
    per_code_units: dict[str, list[_Unit]] = {}
    for doc_id, start, einde, code in zip(*(units[c].tolist() for c in UNIT + ["code"])):
        per_code_units.setdefault(code, []).append(_Unit(doc_id, start, einde))
    for code in all_codes:
        picked: list = []
        by_doc = [list(g) for _, g in itertools.groupby(per_code_units.get(code, []), key=lambda u: u.doc_id)]
        i, texts = 0, set()
        while len(picked) < per_code and any(i < len(b) for b in by_doc):
            for b in by_doc:
                if i < len(b) and len(picked) < per_code:
                    t = " ".join(str(docs.at[b[i].doc_id, "tekst"])[b[i].start:b[i].einde].split())
                    if t not in texts:
                        texts.add(t)
                        picked.append(b[i])
            i += 1
        seen: set[str] = set()
        for u in picked:
            text = " ".join(str(docs.at[u.doc_id, "tekst"])[u.start:u.einde].split())
            if text in seen:
                continue
            seen.add(text)
            if len(text) > max_tekens:
                text = text[: max_tekens - 1].rstrip() + "…"
            rows.append({"code": code, "regio_id": docs.at[u.doc_id, "regio_id"] if "regio_id" in docs.columns else "",
                         "doc_id": u.doc_id, "citaat": anonymise(text, names)})
    return pd.DataFrame(rows, columns=["code", "regio_id", "doc_id", "citaat"])
