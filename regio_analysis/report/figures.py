"""One seaborn theme and the figure helpers of the reports (numbers through ``report.format``).

Helpers follow seaborn's axes-level style: they take a tidy ``data=`` frame and column
names, draw on ``ax`` (a new figure when ``None``) and return the Axes. Labels, titles
and legends are Dutch; numbers use a decimal comma and a thousands dot (``1.234,5``).
"""
from __future__ import annotations

from typing import Sequence, overload

import re
import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, Formatter, MaxNLocator, NullFormatter, ScalarFormatter

from regio_analysis.data.schemas import THEMAS
from regio_analysis.report.format import fmt_getal, fmt_pct, thema_label

# seaborn's colour-blind-safe palette (10 colours), plus Tol's indigo for an 11th category
PALETTE: list[str] = [*sns.color_palette("colorblind").as_hex(), "#332288"]
REGIO_KLEUR = PALETTE[0]
LANDELIJK_KLEUR = "#4d4d4d"

# a fixed colour per theme, so a theme looks the same in every region's report
THEMA_KLEUREN: dict[str, str] = {thema: PALETTE[i % len(PALETTE)] for i, thema in enumerate(THEMAS)}

NIVEAU_LABELS = {"regio": "Regio", "landelijk": "Landelijk"}
#: gid of a shaded background (e.g. the forecast years): no data, a legend may lie on it
ACHTERGROND = "achtergrond"
TOTAAL_KLEUR = PALETTE[10]
PROVINCIE_KLEUR = PALETTE[7]

# one colour per group across the report: the same function group, school type, level or group of
# starters looks the same in every figure (keys are codes and the Dutch labels the chapters show)
FUNCTIEGROEP_KLEUREN: dict[str, str] = {
    "OP": PALETTE[0], "onderwijzend personeel": PALETTE[0],
    "OOP": PALETTE[1], "onderwijsondersteunend personeel": PALETTE[1],
    "DIR": PALETTE[2], "schoolleiders": PALETTE[2],
    "totaal": TOTAAL_KLEUR, "al het personeel": TOTAAL_KLEUR,
}
SOORT_KLEUREN: dict[str, str] = {
    "bao": PALETTE[0], "basisonderwijs": PALETTE[0], "po": PALETTE[0], "primair onderwijs": PALETTE[0],
    "sbo": PALETTE[9], "speciaal basisonderwijs": PALETTE[9],
    "so": PALETTE[4], "speciaal onderwijs": PALETTE[4], "so_vso": PALETTE[4], "(voortgezet) speciaal onderwijs": PALETTE[4],
    "vso": PALETTE[6], "voortgezet speciaal onderwijs": PALETTE[6],
    "vo": PALETTE[1], "voortgezet onderwijs": PALETTE[1],
    "mbo": PALETTE[2],
}
NIVEAU_KLEUREN: dict[str, str] = {"regio": REGIO_KLEUR, "landelijk": LANDELIJK_KLEUR}
#: groups of starters (chapters 03, 04 and 05)
STARTER_KLEUREN: dict[str, str] = {
    "met inductie": PALETTE[0], "zonder inductie": PALETTE[1],
    "met bevoegdheid": PALETTE[0], "zonder bevoegdheid": PALETTE[1],
    "via de reguliere route": PALETTE[0], "via zij-instroom": PALETTE[1], "die onbevoegd begonnen": PALETTE[3],
    "alle starters": PALETTE[0],
}
_GROEPSKLEUREN = {k.lower(): v for d in (FUNCTIEGROEP_KLEUREN, SOORT_KLEUREN, STARTER_KLEUREN) for k, v in d.items()}


@overload
def groepskleur(groep, standaard: str) -> str: ...
@overload
def groepskleur(groep, standaard: None = None) -> str | None: ...
def groepskleur(groep, standaard: str | None = None) -> str | None:
    """The report's colour of a function group, school type, level (``regio``, ``landelijk``,
    ``provincie:<naam>``) or group of starters, by code or Dutch label; ``standaard`` otherwise."""
    key = str(groep).strip()
    if key in NIVEAU_KLEUREN or key in NIVEAU_LABELS.values():
        return NIVEAU_KLEUREN.get(key) or NIVEAU_KLEUREN[key.lower()]
    if key.lower().startswith("provincie"):
        return PROVINCIE_KLEUR
    return _GROEPSKLEUREN.get(key.lower(), standaard)


def kleuren(groepen: Sequence) -> dict:
    """A colour for each of ``groepen``: its own (:func:`groepskleur`) where it has one, otherwise the
    next palette colour not yet used in this figure."""
    out = {g: groepskleur(g) for g in dict.fromkeys(groepen)}
    provinces = [g for g, c in out.items() if c == PROVINCIE_KLEUR]
    for g in provinces[1:]:  # two provinces in one figure must not look alike: the first keeps the grey
        out[g] = None
    free = iter([c for c in PALETTE if c not in out.values()] + PALETTE)
    return {g: c or next(free) for g, c in out.items()}


def set_theme(context: str = "notebook", font_scale: float = 1.0) -> None:
    """The report theme: white grid, colour-blind-safe palette, readable sizes; no mathtext
    (a "$" in a region's or activity's name is shown, not parsed)."""
    sns.set_theme(
        context=context,
        style="whitegrid",
        palette=PALETTE,
        font_scale=font_scale,
        rc={
            "figure.figsize": (8.0, 4.5),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titlesize": "large",
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "lines.linewidth": 2.2,
            "lines.markersize": 6,
            # text from data (titles, names) is drawn as written: "$" is no mathtext
            "text.parse_math": False,
        },
    )


# --- alt text --------------------------------------------------------------------------------

_GETAL = re.compile(r"^[−-]?[\d.]+(,\d+)?%?$")


def _tekst(t: str) -> str:
    return " ".join(str(t).split())


def alt_tekst(fig, caption: str) -> str:
    """Alt text for a figure: its caption and, per panel, what is drawn (kind of chart, axis labels,
    the categories on a categorical axis, the series in the legend), in Dutch; a legend under the
    panels (a figure legend) last."""
    parts = [caption.rstrip(".") + "."]
    panels = [a for a in fig.axes if a.get_visible() and a.get_label() != "<colorbar>"]
    for ax in panels:
        kinds = []
        if ax.images or any(type(c).__name__ == "QuadMesh" for c in ax.collections):
            kinds.append("heatmap met kleurschaal" if len(fig.axes) > len(panels) else "heatmap")
        if any(type(p).__name__ == "Rectangle" and p.get_gid() != ACHTERGROND for p in ax.patches):
            kinds.append("staafdiagram")
        if any(len(line.get_xdata()) > 1 and line.get_linestyle() not in ("None", "") for line in ax.lines):
            kinds.append("lijndiagram")
        elif ax.lines or any(type(c).__name__ == "PathCollection" for c in ax.collections):
            kinds.append("puntdiagram")
        text = " en ".join(dict.fromkeys(kinds)) or "diagram"
        title = _tekst(ax.get_title())
        bits = [f"{text[0].upper()}{text[1:]}" + (f" ({title})" if title and len(panels) > 1 else "")]
        for axis, name in ((ax.xaxis, "horizontaal"), (ax.yaxis, "verticaal")):
            label = _tekst(axis.get_label_text())
            ticks = [_tekst(t.get_text()) for t in axis.get_ticklabels() if t.get_text().strip()]
            categorical = bool(ticks) and not all(_GETAL.match(t) for t in ticks)
            if label and categorical:
                bits.append(f"{name} {label}: {', '.join(ticks[:12])}")
            elif label:
                bits.append(f"{name} {label}")
            elif categorical:
                bits.append(f"{name}: {', '.join(ticks[:12])}")
        legend = ax.get_legend()
        if legend is not None:
            names = [_tekst(t.get_text()) for t in legend.get_texts() if t.get_text()]
            if names:
                bits.append(f"legenda: {', '.join(names[:12])}")
        parts.append("; ".join(bits) + ".")
    names = [_tekst(t.get_text()) for legend in fig.legends for t in legend.get_texts() if t.get_text()]
    if names:
        parts.append(f"Legenda: {', '.join(names[:12])}.")
    return " ".join(parts)


# --- Dutch numbers ----------------------------------------------------------------------------

class _NlFormatter(Formatter):
    """Dutch numbers on an axis; with ``decimals=None`` every tick gets the decimals the finest one
    needs (``0,0 0,5 1,0``), at most three."""

    def __init__(self, decimals: int | None = None, pct: bool = False):
        self.decimals, self.pct, self._auto = decimals, pct, None

    def __call__(self, x, pos=None):
        places = self.decimals if self.decimals is not None else self._auto
        return fmt_pct(x, places) if self.pct else fmt_getal(x, places)

    def format_ticks(self, values):
        if self.decimals is None:
            self._auto = next((d for d in range(4) if all(abs(v * 10 ** d - round(v * 10 ** d)) < 1e-6
                                                          for v in values)), 3)
        try:
            return [self(v, i) for i, v in enumerate(values)]
        finally:
            self._auto = None


def nl_formatter(decimals: int | None = None, pct: bool = False) -> Formatter:
    """A tick formatter writing Dutch numbers (and ``%`` when ``pct``)."""
    return _NlFormatter(decimals, pct)


def nl_assen(obj) -> None:
    """Dutch numbers on every linear axis of a figure (or an Axes' figure) that still shows
    matplotlib's default ``0.5``: decimal comma, thousands point."""
    fig = getattr(obj, "figure", obj)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter) and axis.get_scale() == "linear":
                axis.set_major_formatter(nl_formatter())


def periode(jaren) -> str:
    """The years of a figure as its caption names them: ``"2020–2024"``, ``"2023"``, ``""`` for none."""
    years = sorted({int(j) for j in pd.Series(list(jaren), dtype=float).dropna()})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def realisatie_prognose_tekst(data: pd.DataFrame, x: str, prognose: str = "prognose") -> str:
    """``"realisatie 2020–2024 en prognose 2025–2029"`` for a caption (either half left out when absent)."""
    is_prog = data[prognose].astype(bool)
    parts = [f"{wat} {periode(data.loc[mask, x])}" for wat, mask in (("realisatie", ~is_prog), ("prognose", is_prog))
             if mask.any()]
    return " en ".join(parts)


def omgebroken(tekst, breedte: int) -> str:
    """``tekst`` wrapped on spaces to lines of at most ``breedte`` characters (a longer word stays whole)."""
    return "\n".join(textwrap.wrap(str(tekst), breedte, break_long_words=False)) or str(tekst)


def niveau_label(niveau: str) -> str:
    """``regio -> Regio``, ``provincie:Drenthe -> Provincie Drenthe``."""
    if niveau in NIVEAU_LABELS:
        return NIVEAU_LABELS[niveau]
    soort, _, naam = str(niveau).partition(":")
    return f"{soort.capitalize()} {naam}".strip()


def _new_ax(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    if ax is not None:
        return ax
    _fig, ax = plt.subplots(figsize=figsize)
    return ax


def _year_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0f}"))


# --- figure helpers ---------------------------------------------------------------------------

def _weinig_punten(ax: Axes, y_values) -> None:
    """Two or fewer points per series are not a trend: the value axis starts at zero."""
    top = float(np.nanmax(np.asarray(y_values, float))) if len(y_values) else 1.0
    ax.set_ylim(0, top * 1.15 if top > 0 else 1.0)


def _legenda_rechts(ax: Axes, **kwargs) -> None:
    """The legend beside the panel, where it covers no data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)


def lijn_regio_landelijk(
    data: pd.DataFrame,
    x: str = "jaar",
    y: str = "waarde",
    hue: str | None = "niveau",
    ax: Axes | None = None,
    *,
    titel: str | None = None,
    ylabel: str = "Percentage",
    pct: bool = True,
) -> Axes:
    """A region's series against the national one (e.g. sick leave), one line per ``hue``.

    The region is drawn solid in its colour, the national series dashed in grey (:func:`groepskleur`);
    each line's last value is written next to it. With two years or fewer per series the values are
    drawn as points on an axis from zero (two points are no trend).
    """
    ax = _new_ax(ax)
    df = data.dropna(subset=[y]).sort_values(x)
    if hue is None:
        df = df.assign(_niveau="regio")
        hue = "_niveau"
    levels = list(dict.fromkeys(df[hue]))
    order = [v for v in ("regio", "landelijk") if v in levels] + [v for v in levels if v not in ("regio", "landelijk")]
    palette = kleuren(order)
    weinig = df.groupby(hue)[x].nunique().max() <= 2 if not df.empty else False
    for level in order:
        part = df[df[hue] == level]
        ax.plot(part[x], part[y], color=palette[level], marker="o" if level == "regio" else "X",
                linestyle="none" if weinig else "-" if level == "regio" else "--", label=niveau_label(level))
        last = part.iloc[-1]
        ax.annotate(fmt_pct(last[y]) if pct else fmt_getal(last[y]), (last[x], last[y]),
                    xytext=(6, 0), textcoords="offset points", va="center", color=palette[level], fontsize="small")
    if hue != "_niveau":
        ax.legend(title=None, loc="best")
    _year_axis(ax)
    ax.margins(x=0.08)
    if weinig:
        _weinig_punten(ax, df[y])
    ax.yaxis.set_major_formatter(nl_formatter(None, pct=pct))
    ax.set(xlabel="Jaar", ylabel=ylabel, title=titel)
    nl_assen(ax)
    return ax


def lijn_realisatie_prognose(
    data: pd.DataFrame,
    x: str = "peiljaar",
    y: str = "aantal",
    prognose: str = "prognose",
    hue: str | None = None,
    ax: Axes | None = None,
    *,
    titel: str | None = None,
    ylabel: str = "Aantal leerlingen",
) -> Axes:
    """History (solid) and forecast (dashed) of a series, the forecast joined to the last
    realised point; one colour per ``hue`` level (:func:`kleuren`), each series' last value written
    next to it. The forecast years are shaded. With two years or fewer the values are points on an
    axis from zero."""
    ax = _new_ax(ax)
    df = data.dropna(subset=[y]).sort_values(x)
    groups = [(None, df)] if hue is None else list(df.groupby(hue, sort=False))
    palette = kleuren([level for level, _ in groups]) if hue is not None else {None: PALETTE[0]}
    weinig = df[x].nunique() <= 2
    line = "none" if weinig else "-"
    for level, part in groups:
        if part.empty:
            continue
        kleur = palette[level]
        naam = "" if level is None else f"{level}, "
        real = part[~part[prognose].astype(bool)]
        prog = part[part[prognose].astype(bool)]
        if not real.empty:
            ax.plot(real[x], real[y], color=kleur, marker="o", linestyle=line, label=f"{naam}realisatie".capitalize())
        if not prog.empty:
            joined = pd.concat([real.tail(1), prog])
            ax.plot(joined[x], joined[y], color=kleur, marker="o", linestyle="none" if weinig else "--",
                    markerfacecolor="white", label=f"{naam}prognose".capitalize())
        last = part.iloc[-1]
        ax.annotate(fmt_getal(last[y], 0), (last[x], last[y]), xytext=(6, 0), textcoords="offset points",
                    va="center", color=kleur, fontsize="small")
    if df[prognose].astype(bool).any():
        start = df.loc[df[prognose].astype(bool), x].min()
        real_years = df.loc[~df[prognose].astype(bool), x]
        left = real_years.max() if not real_years.empty else start
        ax.axvspan(left, df[x].max(), color="0.5", alpha=0.08, lw=0, zorder=0, gid=ACHTERGROND)
    if hue is not None and len(groups) > 1:
        _legenda_rechts(ax, title=None)
    else:
        ax.legend(title=None, loc="best")
    _year_axis(ax)
    ax.margins(x=0.1)
    if weinig:
        _weinig_punten(ax, df[y])
    ax.yaxis.set_major_formatter(nl_formatter())
    ax.set(xlabel="Jaar", ylabel=ylabel, title=titel)
    nl_assen(ax)
    return ax


def staaf(
    data: pd.DataFrame,
    x: str,
    y: str,
    hue: str | None = None,
    ax: Axes | None = None,
    *,
    titel: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    pct: bool = True,
    decimals: int | None = None,
    order: Sequence | None = None,
    kleur: dict | None = None,
) -> Axes:
    """Bars of shares (or counts), each labelled with its Dutch-formatted value.

    Like ``seaborn.barplot``: the numeric one of ``x`` / ``y`` is the value, so a numeric
    ``x`` gives horizontal bars. Categories keep the order of ``data`` unless ``order``
    is given (an ordinal scale in its own order, never alphabetical). ``kleur`` maps a category
    (or a ``hue`` level) to its colour; by default one colour, and for ``hue`` :func:`kleuren`.
    Long category names are wrapped so that no two labels overlap.
    """
    ax = _new_ax(ax)
    horizontal = pd.api.types.is_numeric_dtype(data[x]) and not pd.api.types.is_numeric_dtype(data[y])
    value, cat = (x, y) if horizontal else (y, x)
    order = list(order) if order is not None else list(dict.fromkeys(data[cat]))
    width = 34 if horizontal else max(8, 64 // max(len(order), 1))
    shown = {c: omgebroken(c, width) for c in order}
    if not horizontal and any(t.count("\n") > 2 or max(map(len, t.split("\n"))) > width for t in shown.values()):
        # names too long to stand side by side: the bars lie down, the names one under the other
        x, y, xlabel, ylabel, horizontal = value, cat, ylabel, xlabel, True
        width = 34
        shown = {c: omgebroken(c, width) for c in order}
    data = data.assign(**{cat: data[cat].map(lambda c: shown.get(c, c))})
    order = [shown[c] for c in order]
    kwargs: dict[str, object]  # for sns.barplot
    if hue:
        hue_order = list(dict.fromkeys(data[hue]))
        kwargs = {"hue": hue, "hue_order": hue_order, "palette": {**kleuren(hue_order), **(kleur or {})}}
    elif kleur:
        palette = {shown.get(c, c): k for c, k in kleur.items()}
        kwargs = {"hue": cat, "hue_order": order, "palette": {c: palette.get(c, PALETTE[0]) for c in order},
                  "legend": False}
    else:
        kwargs = {"color": PALETTE[0]}
    sns.barplot(data=data, x=x, y=y, order=order, errorbar=None,
                orient="h" if horizontal else "v", saturation=0.9, ax=ax, **kwargs)
    fmt = (lambda v: fmt_pct(v, decimals)) if pct else (lambda v: fmt_getal(v, decimals))
    for container in ax.containers:  # the bars seaborn drew, each with its heights (or widths) as datavalues
        if isinstance(container, BarContainer):
            values = np.asarray(container.datavalues)
            ax.bar_label(container, labels=[fmt(v) for v in values], padding=3, fontsize="small")
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(nl_formatter(None, pct=pct))
    if horizontal:
        ax.margins(x=0.12)
        ax.grid(axis="y", visible=False)
    else:
        ax.margins(y=0.12)
        ax.grid(axis="x", visible=False)
    if hue and ax.get_legend() is not None:
        _legenda_rechts(ax, title=None)
    default_value_label = "Aandeel (%)" if pct else "Aantal"
    ax.set(title=titel,
           xlabel=xlabel if xlabel is not None else (default_value_label if horizontal else ""),
           ylabel=ylabel if ylabel is not None else ("" if horizontal else default_value_label))
    nl_assen(ax)
    return ax


def afkaptijd(g: pd.DataFrame, minimum: float) -> float | None:
    """The time a curve stops: the first time fewer than ``minimum`` are at risk (after the number at
    risk first reached it; with late entry it may start lower); None when it never drops below."""
    at = g["at_risk"].to_numpy(float)
    reached = np.maximum.accumulate(at >= minimum)
    below = np.flatnonzero(reached & (at < minimum))
    return float(g["time"].iloc[below[0]]) if below.size else None


def overlevingscurves(
    data: pd.DataFrame,
    groep: str | None = "groep",
    ax: Axes | None = None,
    *,
    risico: bool = False,
    minimum: float = 10,
    afkap: dict | None = None,
    band: bool = True,
    horizon: float | None = None,
    ylabel: str | None = None,
    xlabel: str = "Jaren sinds de start",
) -> Axes:
    """Kaplan-Meier curves (a tidy table: ``groep``, ``time``, ``survival``, ``ci_lower``, ``ci_upper``,
    ``at_risk``) as percentages: the share still employed, or with ``risico`` the cumulative share
    that left, each with its 95% band. A curve stops where fewer than ``minimum`` people are still
    at risk (``afkap``: stop times per group worked out elsewhere, e.g. from the unweighted counts
    of weighted curves). Colours per group: :func:`kleuren`."""
    ax = _new_ax(ax)
    parts = list(data.groupby(groep, observed=True, sort=False)) if groep else [("alle starters", data)]
    palette = kleuren([str(name[0] if isinstance(name, tuple) else name) for name, _ in parts])
    top = 0.0
    for name, g in parts:
        name = str(name[0] if isinstance(name, tuple) else name)
        g = g.sort_values("time")
        stop = (afkap or {}).get(name, afkaptijd(g, minimum) if "at_risk" in g.columns else None)
        if horizon is not None:
            stop = min(stop, horizon) if stop is not None else horizon
        shown = g[g["time"] < stop] if stop is not None else g
        end = stop if stop is not None else float(g["time"].max())
        t = np.concatenate([[0.0], shown["time"].to_numpy(float), [end]])

        def curve(col):
            v = np.concatenate([[1.0], shown[col].fillna(shown["survival"]).to_numpy(float)])
            v = np.append(v, v[-1])
            return 100 * (1 - v) if risico else 100 * v

        s = curve("survival")
        ax.step(t, s, where="post", color=palette[name], label=name)
        if band:
            lo, hi = curve("ci_lower"), curve("ci_upper")
            ax.fill_between(t, lo, hi, step="post", color=palette[name], alpha=0.15, linewidth=0)
            top = max(top, float(np.nanmax([lo, hi])))
        top = max(top, float(np.nanmax(s)))
    ax.set_xlim(0, horizon if horizon is not None else None)
    ax.set_ylim(0, 102 if not risico else min(102.0, max(10.0, top * 1.1)))
    ax.yaxis.set_major_formatter(nl_formatter(0, pct=True))
    ax.xaxis.set_major_formatter(nl_formatter())
    ax.set(xlabel=xlabel, ylabel=ylabel or ("Vertrokken (cumulatief)" if risico else "Nog in dienst"))
    _legenda_rechts(ax)
    nl_assen(ax)
    return ax


def heatmap(
    matrix: pd.DataFrame,
    ax: Axes | None = None,
    *,
    decimalen: int = 2,
    cmap: str = "Blues",
    midden: float | None = None,
    vanaf: float | None = None,
    kleurlabel: str = "",
    titel: str | None = None,
) -> Axes:
    """A labelled heatmap (rows × columns of ``matrix``) with its colour scale; every cell's value in
    Dutch notation, an empty cell for a missing one. With ``midden`` the scale is symmetric around
    it (e.g. 0 for residuals); ``vanaf`` fixes its lower end (e.g. 0 for an index from 0 to 1). Column
    names stand horizontally, wrapped, when they fit, else upright."""
    data = matrix.astype(float)
    n_rows, n_cols = data.shape
    if data.empty:
        ax = _new_ax(ax)
        nl_assen(ax)
        return ax
    cols = [omgebroken(c, 12) for c in data.columns]
    longest = max((len(line) for c in cols for line in c.split("\n")), default=0)
    upright = n_cols > 5 and longest > 7
    if ax is None:
        per_col = 0.55 if upright else max(0.6, 0.085 * longest + 0.15)
        size = (max(4.5, per_col * n_cols + 3.5), max(3.0, 0.45 * n_rows + 1.6))
        _fig, ax = plt.subplots(figsize=size)
    kwargs = {}
    finite = data.to_numpy()[np.isfinite(data.to_numpy())]
    if midden is not None and finite.size:
        m = float(np.nanmax(np.abs(finite - midden))) or 1.0
        kwargs = {"vmin": midden - m, "vmax": midden + m, "center": midden}
    elif vanaf is not None:
        kwargs = {"vmin": vanaf}
    annot = data.map(lambda v: "" if pd.isna(v) else fmt_getal(0.0 if round(v, decimalen) == 0 else v, decimalen))
    sns.heatmap(data, annot=annot, fmt="", cmap=cmap, linewidths=0.5, linecolor="white", ax=ax,
                cbar_kws={"label": kleurlabel, "shrink": 0.85}, annot_kws={"fontsize": "x-small"}, **kwargs)
    ax.set_xticklabels(cols, rotation=90 if upright else 0, ha="center")
    ax.set_yticklabels([str(i) for i in data.index], rotation=0)
    ax.tick_params(axis="both", labelsize="small", length=0)
    ax.grid(False)
    ax.set(xlabel="", ylabel="", title=titel)
    nl_assen(ax)
    return ax


def _kort(text: str, n: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def natuurlijke_volgorde(label) -> tuple:
    """A sort key that orders the numbers inside a label as numbers: ``"5.2" < "5.10"``, ``"W2" < "W10"``."""
    return tuple((0, int(d), "") if d else (1, 0, t) for d, t in re.findall(r"(\d+)|(\D+)", str(label)))


def tijdlijn_activiteiten(
    activiteiten: pd.DataFrame,
    ax: Axes | None = None,
    *,
    titel: str | None = None,
    label_lengte: int = 48,
) -> Axes:
    """Gantt chart of an activity register: one bar per activity from ``start`` to
    ``einde`` (inclusive), coloured by ``thema``, grouped by theme in the order of
    ``schemas.THEMAS``. Activities without dates are left out.
    """
    df = activiteiten.dropna(subset=["start", "einde"]).copy()
    rank = {t: i for i, t in enumerate(THEMAS)}
    df["_rang"] = df["thema"].map(rank).fillna(len(rank))
    df["_id"] = df["id"].map(natuurlijke_volgorde)  # 5.2 before 5.10
    df = df.sort_values(["_rang", "start", "_id"], kind="stable").reset_index(drop=True)
    n = len(df)
    ax = _new_ax(ax, figsize=(10.0, max(3.0, 0.26 * n + 1.4)))
    start = mdates.date2num(pd.to_datetime(df["start"]))
    einde = mdates.date2num(pd.to_datetime(df["einde"]) + pd.Timedelta(days=1))
    kleuren = [THEMA_KLEUREN.get(t, LANDELIJK_KLEUR) for t in df["thema"]]
    ax.barh(np.arange(n), einde - start, left=start, height=0.7, color=kleuren, edgecolor="white", linewidth=0.5)
    ax.set_yticks(np.arange(n))
    ax.set_yticklabels([f"{i}  {_kort(t, label_lengte)}" for i, t in zip(df["id"], df["titel"])], fontsize="x-small")
    ax.set_ylim(n - 0.5, -0.5)
    ax.xaxis_date()
    if n:
        first = pd.Timestamp(year=int(pd.to_datetime(df["start"]).min().year), month=1, day=1)
        last = pd.Timestamp(year=int(pd.to_datetime(df["einde"]).max().year) + 1, month=1, day=1)
        ax.set_xlim(mdates.date2num(first), mdates.date2num(last))
    # grid lines at year boundaries, the year's label in the middle of its span
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(NullFormatter())
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=7))
    ax.xaxis.set_minor_formatter(mdates.DateFormatter("%Y"))
    ax.tick_params(axis="x", which="minor", length=0, labeltop=True)
    ax.tick_params(axis="x", which="major", labeltop=False)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", which="major", color="0.75")
    themas = list(dict.fromkeys(df["thema"]))
    handles = [Patch(color=THEMA_KLEUREN.get(t, LANDELIJK_KLEUR), label=thema_label(t)) for t in themas]
    if handles:
        ax.legend(handles=handles, title="Thema", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    ax.set(xlabel="", ylabel="", title=titel)
    return ax


__all__: Sequence[str] = (
    "PALETTE", "THEMA_KLEUREN", "FUNCTIEGROEP_KLEUREN", "SOORT_KLEUREN", "NIVEAU_KLEUREN", "STARTER_KLEUREN",
    "set_theme", "alt_tekst", "nl_formatter", "nl_assen", "periode", "realisatie_prognose_tekst", "omgebroken", "groepskleur", "kleuren", "niveau_label",
    "lijn_regio_landelijk", "lijn_realisatie_prognose", "staaf", "overlevingscurves", "heatmap",
    "tijdlijn_activiteiten",
)
