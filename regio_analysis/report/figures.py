"""One seaborn theme and the figure helpers of the reports (numbers through ``report.format``).

Helpers follow seaborn's axes-level style: they take a tidy ``data=`` frame and column
names, draw on ``ax`` (a new figure when ``None``) and return the Axes. Labels, titles
and legends are Dutch; numbers use a decimal comma and a thousands dot (``1.234,5``).
"""
from __future__ import annotations

from typing import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from regio_analysis.data.schemas import THEMAS
from regio_analysis.report.format import fmt_getal, fmt_pct, thema_label

# seaborn's colour-blind-safe palette (10 colours), plus Tol's indigo for an 11th category
PALETTE: list[str] = [*sns.color_palette("colorblind").as_hex(), "#332288"]
REGIO_KLEUR = PALETTE[0]
LANDELIJK_KLEUR = "#4d4d4d"

# a fixed colour per theme, so a theme looks the same in every region's report
THEMA_KLEUREN: dict[str, str] = {thema: PALETTE[i % len(PALETTE)] for i, thema in enumerate(THEMAS)}

NIVEAU_LABELS = {"regio": "Regio", "landelijk": "Landelijk"}


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


# --- Dutch numbers ----------------------------------------------------------------------------

def nl_formatter(decimals: int | None = None, pct: bool = False) -> FuncFormatter:
    """A tick formatter writing Dutch numbers (and ``%`` when ``pct``)."""
    if pct:
        return FuncFormatter(lambda v, _pos: fmt_pct(v, decimals))
    return FuncFormatter(lambda v, _pos: fmt_getal(v, decimals))


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

    The region is drawn solid in the theme colour, the national series dashed in grey;
    each line's last value is written next to it.
    """
    ax = _new_ax(ax)
    df = data.dropna(subset=[y]).sort_values(x)
    if hue is None:
        df = df.assign(_niveau="regio")
        hue = "_niveau"
    levels = list(dict.fromkeys(df[hue]))
    order = [v for v in ("regio", "landelijk") if v in levels] + [v for v in levels if v not in ("regio", "landelijk")]
    extra = iter(PALETTE[1:])
    palette = {v: REGIO_KLEUR if v == "regio" else LANDELIJK_KLEUR if v == "landelijk" else next(extra) for v in order}
    dashes = {v: "" if v == "regio" else (4, 2) for v in order}
    sns.lineplot(data=df, x=x, y=y, hue=hue, hue_order=order, style=hue, style_order=order,
                 palette=palette, dashes=dashes, markers=True, errorbar=None, ax=ax)
    for level in order:
        last = df[df[hue] == level].iloc[-1]
        ax.annotate(fmt_pct(last[y]) if pct else fmt_getal(last[y]), (last[x], last[y]),
                    xytext=(6, 0), textcoords="offset points", va="center", color=palette[level], fontsize="small")
    handles, labels = ax.get_legend_handles_labels()
    if hue == "_niveau":
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    else:
        ax.legend(handles, [niveau_label(lab) for lab in labels], title=None)
    _year_axis(ax)
    ax.margins(x=0.08)
    ax.yaxis.set_major_formatter(nl_formatter(1 if pct else None, pct=pct))
    ax.set(xlabel="Jaar", ylabel=ylabel, title=titel)
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
    realised point; one colour per ``hue`` level. The forecast years are shaded."""
    ax = _new_ax(ax)
    df = data.dropna(subset=[y]).sort_values(x)
    groups = [(None, df)] if hue is None else list(df.groupby(hue, sort=False))
    for i, (level, part) in enumerate(groups):
        kleur = PALETTE[i % len(PALETTE)]
        naam = "" if level is None else f"{level}, "
        real = part[~part[prognose].astype(bool)]
        prog = part[part[prognose].astype(bool)]
        if not real.empty:
            ax.plot(real[x], real[y], color=kleur, marker="o", label=f"{naam}realisatie".capitalize())
        if not prog.empty:
            joined = pd.concat([real.tail(1), prog])
            ax.plot(joined[x], joined[y], color=kleur, marker="o", linestyle="--", markerfacecolor="white",
                    label=f"{naam}prognose".capitalize())
    if df[prognose].astype(bool).any():
        start = df.loc[df[prognose].astype(bool), x].min()
        real_years = df.loc[~df[prognose].astype(bool), x]
        left = real_years.max() if not real_years.empty else start
        ax.axvspan(left, df[x].max(), color="0.5", alpha=0.08, lw=0, zorder=0)
    ax.legend(title=None)
    _year_axis(ax)
    ax.yaxis.set_major_formatter(nl_formatter())
    ax.set(xlabel="Jaar", ylabel=ylabel, title=titel)
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
) -> Axes:
    """Bars of shares (or counts), each labelled with its Dutch-formatted value.

    Like ``seaborn.barplot``: the numeric one of ``x`` / ``y`` is the value, so a numeric
    ``x`` gives horizontal bars. Categories keep the order of ``data`` unless ``order``
    is given.
    """
    ax = _new_ax(ax)
    horizontal = pd.api.types.is_numeric_dtype(data[x]) and not pd.api.types.is_numeric_dtype(data[y])
    value, cat = (x, y) if horizontal else (y, x)
    order = list(order) if order is not None else list(dict.fromkeys(data[cat]))
    hue_order = list(dict.fromkeys(data[hue])) if hue else None
    kwargs = {} if hue else {"color": PALETTE[0]}
    sns.barplot(data=data, x=x, y=y, hue=hue, order=order, hue_order=hue_order, errorbar=None,
                orient="h" if horizontal else "v", saturation=0.9, ax=ax, **kwargs)
    fmt = (lambda v: fmt_pct(v, decimals)) if pct else (lambda v: fmt_getal(v, decimals))
    for container in ax.containers:
        ax.bar_label(container, labels=[fmt(v) for v in container.datavalues], padding=3, fontsize="small")
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(nl_formatter(None, pct=pct))
    if horizontal:
        ax.margins(x=0.12)
        ax.grid(axis="y", visible=False)
    else:
        ax.margins(y=0.12)
        ax.grid(axis="x", visible=False)
    if hue and ax.get_legend() is not None:
        ax.legend(title=None)
    default_value_label = "Aandeel (%)" if pct else "Aantal"
    ax.set(title=titel,
           xlabel=xlabel if xlabel is not None else (default_value_label if horizontal else ""),
           ylabel=ylabel if ylabel is not None else ("" if horizontal else default_value_label))
    return ax


def _kort(text: str, n: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


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
    df = df.sort_values(["_rang", "start", "id"], kind="stable").reset_index(drop=True)
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
    "PALETTE", "THEMA_KLEUREN", "set_theme", "nl_formatter",
    "niveau_label", "lijn_regio_landelijk", "lijn_realisatie_prognose", "staaf", "tijdlijn_activiteiten",
)
