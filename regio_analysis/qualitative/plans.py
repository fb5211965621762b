"""The activity plans: theme profile of a region's activity register, its 2026–2029 timeline,
and the same profile from coded plan text.

The register (table ``activiteiten``) names one ``thema`` per activity, from
``schemas.THEMAS``: the five themes of the regulation plus register-specific ones (samen
opleiden, peer review, SPP, ...). The profile shows both; :data:`VIJF_THEMAS` are the five.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from regio_analysis.report.format import thema_label
from regio_analysis.data.schemas import ABC, THEMAS

VIJF_THEMAS = ("werven", "matchen", "opleiden", "begeleiden", "professionaliseren")
PERIODE = (2026, 2029)
#: word stems by which an activity's title, ambition or intended result names one of the five
#: themes (an activity has one ``thema`` in the register, but may name another one as well)
THEMA_STAMMEN = {"werven": r"\bwerv", "matchen": r"\bmatch", "opleiden": r"\bopleiden\b",
                 "begeleiden": r"\bbegeleid", "professionaliseren": r"\bprofessionali"}


def parse_periode(text) -> tuple[int, int] | None:
    """The years of a plan period written as ``"2026-2029"``, ``"2026–2029"`` or ``"2024"``;
    None when ``text`` is not such a period."""
    parts = [p.strip() for p in str(text or "").replace("–", "-").split("-")]
    if not parts or not all(p.isdigit() and len(p) == 4 for p in parts) or len(parts) > 2:
        return None
    begin, eind = int(parts[0]), int(parts[-1])
    return (begin, eind) if begin <= eind else None


def window(activiteiten: pd.DataFrame, periode: tuple[int, int] | None = None) -> tuple[int, int]:
    """The years a timeline shows: the plan ``periode`` (default :data:`PERIODE`), widened to
    the register's own dates."""
    lo, hi = periode or PERIODE
    act = activiteiten.dropna(subset=["start", "einde"])
    if not act.empty:
        lo, hi = min(lo, int(act["start"].dt.year.min())), max(hi, int(act["einde"].dt.year.max()))
    return lo, hi


def looptijd_vermeld(activiteiten: pd.DataFrame) -> pd.Series:
    """Whether the register dates each activity itself (column ``looptijd_vermeld``, default
    true). False marks an activity the plan gives no period of its own, so the register puts
    it on the whole plan period; its start and end say nothing about when it happens."""
    if "looptijd_vermeld" not in activiteiten.columns:
        return pd.Series(True, index=activiteiten.index)
    col = activiteiten["looptijd_vermeld"]
    return ~col.astype(str).str.strip().str.lower().isin(["false", "0", "nee", "no"])


def themes_named(activiteiten: pd.DataFrame, thema: str) -> pd.DataFrame:
    """Activities with another ``thema`` whose title, ambition or intended result names ``thema``
    (one of the five, by :data:`THEMA_STAMMEN`)."""
    cols = [c for c in ("titel", "ambitie", "beoogd_resultaat") if c in activiteiten.columns]
    if activiteiten.empty or not cols or thema not in THEMA_STAMMEN:
        return activiteiten.iloc[0:0]
    text = activiteiten[cols].astype(str).agg(" ".join, axis=1).str.lower()
    hit = text.str.contains(THEMA_STAMMEN[thema], regex=True) & (activiteiten["thema"] != thema)
    return activiteiten[hit]


def theme_profile(activiteiten: pd.DataFrame) -> pd.DataFrame:
    """Activities per theme: ``thema``, ``label``, ``n_activiteiten``, ``aandeel`` (% of all),
    in the order of ``schemas.THEMAS``; themes without activities are left out."""
    if activiteiten.empty:
        return pd.DataFrame(columns=["thema", "label", "n_activiteiten", "aandeel"])
    counts = activiteiten["thema"].value_counts()
    order = [t for t in THEMAS if t in counts.index] + sorted(set(counts.index) - set(THEMAS))
    out = pd.DataFrame({"thema": order, "n_activiteiten": [int(counts[t]) for t in order]})
    out["label"] = out["thema"].map(thema_label)
    out["aandeel"] = 100 * out["n_activiteiten"] / out["n_activiteiten"].sum()
    return out[["thema", "label", "n_activiteiten", "aandeel"]]


def abc_profile(activiteiten: pd.DataFrame) -> pd.DataFrame:
    """Activities per ambition Aantrekken / Behouden / Continuïteit (``niet ingedeeld`` for none)."""
    if activiteiten.empty:
        return pd.DataFrame(columns=["abc", "n_activiteiten", "aandeel"])
    abc = activiteiten["abc"].fillna("").replace("", "niet ingedeeld")
    counts = abc.value_counts()
    order = [a for a in ABC + ("niet ingedeeld",) if a in counts.index]
    out = pd.DataFrame({"abc": order, "n_activiteiten": [int(counts[a]) for a in order]})
    out["aandeel"] = 100 * out["n_activiteiten"] / out["n_activiteiten"].sum()
    return out


def activities_in_period(activiteiten: pd.DataFrame, periode: tuple[int, int] = PERIODE) -> pd.DataFrame:
    """Activities whose dates overlap the years ``periode`` (inclusive), clipped to it."""
    df = activiteiten.dropna(subset=["start", "einde"]).copy()
    lo, hi = pd.Timestamp(periode[0], 1, 1), pd.Timestamp(periode[1], 12, 31)
    df = df[(df["einde"] >= lo) & (df["start"] <= hi)]
    df["start"] = df["start"].clip(lower=lo)
    df["einde"] = df["einde"].clip(upper=hi)
    return df.reset_index(drop=True)


def active_per_year(activiteiten: pd.DataFrame, periode: tuple[int, int] = PERIODE) -> pd.DataFrame:
    """Number of activities running in each year of ``periode`` per theme (theme × year)."""
    df = activities_in_period(activiteiten, periode)
    years = list(range(periode[0], periode[1] + 1))
    rows = []
    for t, g in df.groupby("thema", sort=False):
        for y in years:
            n = int(((g["start"].dt.year <= y) & (g["einde"].dt.year >= y)).sum())
            rows.append({"thema": t, "jaar": y, "n_activiteiten": n})
    out = pd.DataFrame(rows, columns=["thema", "jaar", "n_activiteiten"])
    return out


def timeline(activiteiten: pd.DataFrame, ax: Axes | None = None, periode: tuple[int, int] = PERIODE,
             titel: str | None = None) -> Axes | None:
    """Gantt chart of the activities in ``periode``, grouped and coloured by theme
    (``plotting.tijdlijn_activiteiten``), the axis fixed to the period. None when empty."""
    import matplotlib.dates as mdates

    from regio_analysis.report.figures import tijdlijn_activiteiten

    df = activities_in_period(activiteiten, periode)
    if df.empty:
        return None
    ax = tijdlijn_activiteiten(df, ax=ax, titel=titel)
    ax.set_xlim(mdates.date2num(pd.Timestamp(periode[0], 1, 1)), mdates.date2num(pd.Timestamp(periode[1] + 1, 1, 1)))
    # activities the register does not date: hatched in white over their theme's colour, which stays
    # recognisable (bar i belongs to tick label i, "<id>  <titel>")
    zonder = set(df.loc[~looptijd_vermeld(df), "id"].astype(str))
    if zonder:
        ids = [t.get_text().split("  ")[0] for t in ax.get_yticklabels()]
        for bar in ax.patches:  # the bars of barh: Rectangles
            if not isinstance(bar, Rectangle):
                continue
            i = int(round(bar.get_y() + bar.get_height() / 2))
            if 0 <= i < len(ids) and ids[i] in zonder:
                bar.set_hatch("////")
                bar.set_edgecolor("white")
                bar.set_linewidth(0)
        from matplotlib.patches import Patch

        legend = ax.get_legend()
        if legend is not None:
            handles = [*legend.legend_handles, Patch(facecolor="0.55", edgecolor="white", linewidth=0, hatch="////",
                                                     label="gearceerd: zonder eigen looptijd")]
            ax.legend(handles=handles, title="Thema", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return ax


def profile_from_codings(codings: pd.DataFrame, documenten: pd.DataFrame, groep: str = "thema",
                         by: str = "regio_id") -> pd.DataFrame:
    """The theme profile from coded text: per ``by`` and theme the coded units and their share
    (%) of all theme-coded units, for codes under ``groep`` (``thema``: the five themes)."""
    prefix = groep + "/"
    sub = codings[codings["code"].str.startswith(prefix)][["doc_id", "start", "einde", "code"]].drop_duplicates()
    sub = sub.merge(documenten[["doc_id", by]], on="doc_id")
    if sub.empty:
        return pd.DataFrame(columns=[by, "thema", "label", "n_segmenten", "aandeel"])
    counts = sub.assign(thema=sub["code"].str[len(prefix):]).groupby([by, "thema"]).size().rename("n_segmenten").reset_index()
    counts["aandeel"] = 100 * counts["n_segmenten"] / counts.groupby(by)["n_segmenten"].transform("sum")
    counts["label"] = counts["thema"].map(thema_label)
    rank = {t: i for i, t in enumerate(THEMAS)}
    counts = counts.sort_values([by, "thema"], key=lambda s: s.map(rank).fillna(len(rank)) if s.name == "thema" else s)
    return counts[[by, "thema", "label", "n_segmenten", "aandeel"]].reset_index(drop=True)


def compare_profiles(register: pd.DataFrame, tekst: pd.DataFrame) -> pd.DataFrame:
    """Register profile next to the text profile, for the five themes (shares re-based on them)."""
    reg = register[register["thema"].isin(VIJF_THEMAS)].set_index("thema")["n_activiteiten"]
    txt = tekst[tekst["thema"].isin(VIJF_THEMAS)].groupby("thema")["n_segmenten"].sum()
    out = pd.DataFrame({"thema": list(VIJF_THEMAS)})
    out["label"] = out["thema"].map(thema_label)
    out["register_n"] = out["thema"].map(reg).fillna(0).astype(int)
    out["tekst_n"] = out["thema"].map(txt).fillna(0).astype(int)
    for col, src in (("register_aandeel", "register_n"), ("tekst_aandeel", "tekst_n")):
        total = out[src].sum()
        out[col] = 100 * out[src] / total if total else float("nan")
    return out
