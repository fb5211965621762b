"""Chapter 01, what the region publishes (continued): shortages, satisfaction, in- and outflow.

A published range (``ondergrens``/``bovengrens``) stays a range in the table, the figure (an
interval bar) and the reading; a yearly series is read as the range it spans over its years;
values of different years are never averaged or set against each other.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from regio_analysis.overview.chapter import regio_rijen
from regio_analysis.report import figures as plotting
from regio_analysis.report.format import fmt_getal, fmt_pct, geen_gegevens, opsomming
from regio_analysis.report.tables import bijschrift
from regio_analysis.workforce.chapter.publiek import (
    GROEP_LABELS, TEKORT_COMPONENTEN, bron_tekst, jaar_tekst, met_vermeld_jaar, pct_zoals_gepubliceerd,
)

_BOUNDS = ("ondergrens", "bovengrens")
_NIVEAU_VOLGORDE = {"regio": 0, "landelijk": 2}


def _periode(a, b) -> str:
    return jaar_tekst(a) if pd.isna(a) or pd.isna(b) or a == b else f"{int(a)}–{int(b)}"


def _wanneer(r, voor: str = "prognose voor ") -> str:
    """``"prognose voor 2034"``, ``"2024"``, ``"prognose; jaar niet vermeld"``."""
    when = _periode(r["jaar"], r["jaar_tot"])
    if not r["prognose"]:
        return when
    return f"prognose; {when}" if pd.isna(r["jaar"]) else f"{voor}{when}"


# ------------------------------------------------------------------ shortage components


def tekortcomponenten(region) -> pd.DataFrame:
    """Published shortages in percent, one row per level, group, component and period:
    ``niveau, functiegroep, component, jaar, jaar_tot, waarde, ondergrens, bovengrens,
    bandbreedte, prognose, fte, bron``.

    ``bandbreedte`` says what a range is: ``gepubliceerd`` (the source gives the range itself),
    ``over de jaren`` (a yearly series: its lowest and highest value over ``jaar``–``jaar_tot``)
    or ``""`` (one value, in ``waarde``). ``fte`` is the published shortage in fte of the same
    group, component and year, where there is one.
    """
    cols = ["niveau", "functiegroep", "component", "jaar", "jaar_tot", "waarde", "ondergrens", "bovengrens",
            "bandbreedte", "prognose", "fte", "bron"]
    df = region.tekort
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = met_vermeld_jaar(df.dropna(subset=["waarde"]), "jaar")
    pct, fte = df[df["eenheid"] == "procent"], df[df["eenheid"] == "fte"]
    rows = []
    for (niveau, g, c), part in pct.groupby(["niveau", "functiegroep", "component"], sort=False):
        prog = bool(part["prognose"].astype(bool).all())
        bron = "; ".join(dict.fromkeys(bron_tekst(region, b) for b in part["bron"]))
        ranges = part[part["scenario"].isin(_BOUNDS)]
        for jaar, rp in ranges.groupby("jaar", dropna=False):
            b = rp.set_index("scenario")["waarde"]
            rows.append((niveau, g, c, jaar, jaar, np.nan, b.get("ondergrens", np.nan), b.get("bovengrens", np.nan),
                         "gepubliceerd", prog, np.nan, bron))
        points = part[~part["scenario"].isin(_BOUNDS)]
        if points.empty:
            continue
        if points["jaar"].nunique(dropna=False) == 1:
            jaar = points["jaar"].iloc[0]
            own = fte[(fte["niveau"] == niveau) & (fte["functiegroep"] == g) & (fte["component"] == c) & (fte["jaar"] == jaar)]
            rows.append((niveau, g, c, jaar, jaar, float(points["waarde"].iloc[0]), np.nan, np.nan, "", prog,
                         float(own["waarde"].iloc[0]) if not own.empty else np.nan, bron))
        else:
            rows.append((niveau, g, c, points["jaar"].min(), points["jaar"].max(), np.nan, points["waarde"].min(),
                         points["waarde"].max(), "over de jaren", prog, np.nan, bron))
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows, columns=cols)
    out["_n"] = out["niveau"].map(lambda n: _NIVEAU_VOLGORDE.get(n, 1))
    return out.sort_values(["_n", "component", "functiegroep", "jaar"]).drop(columns="_n").reset_index(drop=True)


def _waar(niveau: str) -> str:
    """`` in de provincie Drenthe``, `` (landelijk)``, ``""`` for the region itself."""
    if niveau == "regio":
        return ""
    if niveau == "landelijk":
        return " (landelijk)"
    soort, _, naam = str(niveau).partition(":")
    return f" in de provincie {naam}" if soort == "provincie" else f" in {soort} {naam}".rstrip()


def _label(r) -> str:
    where = "" if r["niveau"] == "regio" else f"{plotting.niveau_label(r['niveau'])}: "
    return (f"{where}{TEKORT_COMPONENTEN.get(r['component'], r['component'])}, "
            f"{GROEP_LABELS.get(r['functiegroep'], r['functiegroep'])} ({_periode(r['jaar'], r['jaar_tot'])})")


def _waarde_tekst(r) -> str:
    """A value, or a range ``"5–8%"`` with the decimals its bounds need (``"6,0–6,5%"``)."""
    if r["bandbreedte"]:
        lo, hi = float(r["ondergrens"]), float(r["bovengrens"])
        decimals = 0 if lo == int(lo) and hi == int(hi) else 1
        return f"{fmt_getal(lo, decimals)}–{fmt_pct(hi, decimals)}"
    return fmt_pct(r["waarde"])


def figuur_tekort(region, ax: Axes | None = None) -> Axes | None:
    """One bar per published shortage; a range is drawn as an interval bar from its lower to its
    upper bound, labelled with both. A single shortage figure is said in the reading (None)."""
    df = tekortcomponenten(region)
    if len(df) < 2:  # one figure is said in the reading
        return None
    ax = plotting._new_ax(ax, figsize=(8, 0.6 * len(df) + 1.2))
    y = np.arange(len(df))[::-1]
    for yi, (_, r) in zip(y, df.iterrows()):
        colour = plotting.groepskleur(r["niveau"], plotting.PROVINCIE_KLEUR)
        if r["bandbreedte"]:
            ax.barh(yi, r["bovengrens"] - r["ondergrens"], left=r["ondergrens"], height=0.5, color=colour, alpha=0.35,
                    edgecolor=colour, hatch="//")
            ax.plot([r["ondergrens"], r["bovengrens"]], [yi, yi], color=colour, lw=2, marker="|", markersize=14)
            end = r["bovengrens"]
        else:
            ax.barh(yi, r["waarde"], height=0.5, color=colour)
            end = r["waarde"]
        ax.annotate(_waarde_tekst(r), (end, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize="small")
    ax.set_yticks(y, [plotting.omgebroken(_label(r), 44) for _, r in df.iterrows()], fontsize="small")
    ax.set_ylim(-0.6, len(df) - 0.4)
    ax.set_xlim(0, float(np.nanmax(df[["waarde", "bovengrens"]].to_numpy(float))) * 1.25)
    ax.xaxis.set_major_formatter(plotting.nl_formatter(None, pct=True))
    ax.grid(axis="y", visible=False)
    ax.set(xlabel="Tekort in procenten, zoals gepubliceerd", ylabel="")
    per = opsomming([w for w, kolom in (("functiegroep", "functiegroep"), ("gebied", "niveau")) if df[kolom].nunique() > 1])
    tekst = f"Gepubliceerde tekorten in procenten{', per ' + per if per else ''}, met het jaar of de jaren van elk cijfer"
    if df["bandbreedte"].astype(bool).any():
        tekst += " (gearceerd: van–tot, een gepubliceerde bandbreedte of de spreiding over de jaren)"
    return bijschrift(ax, tekst)


def verwacht_tekort(region) -> pd.DataFrame:
    """Key figures that announce a shortage by its year only (``kengetallen``, onderwerp
    *arbeidsmarkt*, indicator ``verwacht tekort <wie>``, a year and no value): "a shortage of
    teachers is expected after 2035", without its size."""
    kg = regio_rijen(region.kengetallen)
    if kg.empty:
        return kg
    return kg[(kg["onderwerp"] == "arbeidsmarkt") & kg["indicator"].astype(str).str.startswith("verwacht tekort ")
              & kg["waarde"].isna() & kg["jaar"].notna()]


def verwacht_tekort_tekst(region) -> str:
    """:func:`verwacht_tekort` in a sentence; "" when there is none."""
    rows = verwacht_tekort(region)
    delen = [f"pas na {int(r['jaar'])} een tekort aan {str(r['indicator']).removeprefix('verwacht tekort ').strip()}"
             for _, r in rows.iterrows()]
    return f"Het plan verwacht {opsomming(delen)} en noemt daarvan geen omvang." if delen else ""


def lezing_tekort(region) -> str:
    df = tekortcomponenten(region)
    if df.empty:
        verwacht = verwacht_tekort_tekst(region)
        # the table's own note follows and is then left out (reporting.html.een_keer_geen_gegevens)
        return f"{verwacht} {geen_gegevens('tekortcijfers')}".strip()
    parts = []
    key = ["niveau", "component", "jaar", "jaar_tot", "waarde", "ondergrens", "bovengrens", "bandbreedte", "fte"]
    merged = df.assign(**{c: df[c].astype(object).where(df[c].notna(), "–") for c in key})
    for vals, part in merged.groupby(key, sort=False):
        r = df.loc[part.index[0]]
        groups = opsomming([GROEP_LABELS.get(g, g) for g in part["functiegroep"]])
        where = _waar(r["niveau"])
        comp = TEKORT_COMPONENTEN.get(r["component"], r["component"])
        if r["bandbreedte"] == "gepubliceerd":
            bit = f"{comp} {groups}{where}: {_waarde_tekst(r)} (een bandbreedte; {_wanneer(r)})"
        elif r["bandbreedte"]:
            bit = f"{comp} {groups}{where}: {_waarde_tekst(r)} per jaar ({_wanneer(r, 'prognose ')})"
        else:
            fte = f", {fmt_getal(r['fte'], 0)} fte" if pd.notna(r["fte"]) else ""
            bit = f"{comp} {groups}{where}: {_waarde_tekst(r)}{fte} ({_wanneer(r)})"
        parts.append(bit)
    text = "Gepubliceerde tekorten in procenten: " + "; ".join(parts)
    hidden = []
    for (niveau, g), part in df[df["bandbreedte"] == ""].groupby(["niveau", "functiegroep"], sort=False):
        comp = part.set_index("component")
        if {"totaal", "verborgen"} <= set(comp.index) and comp.loc["totaal", "jaar"] == comp.loc["verborgen", "jaar"] \
                and comp.loc["totaal", "waarde"] > 0:
            share = 100 * comp.loc["verborgen", "waarde"] / comp.loc["totaal", "waarde"]
            hidden.append(f"{GROEP_LABELS.get(g, g)} {fmt_pct(share, 0)}")
    if hidden:
        text += f". Berekend: het verborgen deel van het totale tekort is voor {opsomming(hidden)}"
    return text + "."


def tabel_tekort(region) -> pd.DataFrame:
    """Every published shortage figure (percent and fte, every level): one value, or a range in
    ``van`` and ``tot`` (never reduced to one number)."""
    from regio_analysis.report.format import Kolom, ZoalsGepubliceerd, kolommen

    df = region.tekort
    if df.empty:
        return pd.DataFrame()
    df = met_vermeld_jaar(df.dropna(subset=["waarde"]), "jaar")
    rows = []
    for k, part in df.groupby(["niveau", "functiegroep", "component", "eenheid", "jaar"], sort=False, dropna=False):
        b = part.set_index("scenario")["waarde"]
        point = b.drop([x for x in _BOUNDS if x in b.index])
        rows.append((plotting.niveau_label(k[0]), GROEP_LABELS.get(k[1], k[1]), TEKORT_COMPONENTEN.get(k[2], k[2]),
                     jaar_tekst(k[4]), bool(part["prognose"].astype(bool).all()),
                     float(point.iloc[0]) if not point.empty else np.nan,
                     b.get("ondergrens", np.nan), b.get("bovengrens", np.nan), k[3],
                     "; ".join(dict.fromkeys(bron_tekst(region, x) for x in part["bron"]))))
    out = pd.DataFrame(rows, columns=["niveau", "functiegroep", "component", "jaar", "prognose", "waarde", "van", "tot",
                                      "eenheid", "bron"])
    # each value and range in its unit, with the decimals it was published with ("6,3%", "55 fte", "5–8%")
    return kolommen(out, waarde=ZoalsGepubliceerd(eenheid="eenheid", naam="waarde"),
                    van=ZoalsGepubliceerd(hoog="tot", eenheid="eenheid", naam="bandbreedte"), jaar=Kolom("tekst"))


# ------------------------------------------------------------------ satisfaction


def tevredenheid(region) -> pd.DataFrame:
    """``aspect, waarde, doel, jaar`` share of satisfied staff per aspect and the region's target."""
    kg = regio_rijen(region.kengetallen)
    if kg.empty:
        return pd.DataFrame(columns=["aspect", "waarde", "doel", "jaar"])
    sat = met_vermeld_jaar(kg[kg["onderwerp"] == "tevredenheid"].dropna(subset=["waarde"]), "jaar")
    sat = sat[sat["eenheid"] == "procent"]
    if sat.empty:
        return pd.DataFrame(columns=["aspect", "waarde", "doel", "jaar"])
    own = sat["indicator"].str.replace(r"^tevreden_(met_|over_)?", "", regex=True).str.replace("_", " ")
    aspect = np.where(sat["categorie"] == "totaal", own, sat["categorie"])
    out = pd.DataFrame({"aspect": aspect, "waarde": sat["waarde"].to_numpy(), "jaar": sat["jaar"].to_numpy()})
    goals = kg[(kg["onderwerp"] == "ambitie") & (kg["indicator"] == "tevredenheid_doel")].set_index("categorie")["waarde"]
    out["doel"] = out["aspect"].map(goals)
    return out.sort_values("waarde").reset_index(drop=True)


def figuur_tevredenheid(region, ax: Axes | None = None) -> Axes | None:
    """Satisfied staff per aspect, least satisfied on top; each value inside its bar (so that a
    target line never sits between a bar and its value), the region's targets as black lines over
    the bars, their legend under the axes. One aspect alone is a number for the reading (None)."""
    df = tevredenheid(region)
    if len(df) < 2:
        return None
    years = opsomming(sorted({jaar_tekst(j) for j in df["jaar"]}))
    ax = plotting._new_ax(ax, figsize=(8, 0.45 * len(df) + 1.8))
    y = np.arange(len(df))
    ax.barh(y, df["waarde"], height=0.7, color=plotting.PALETTE[0])
    for yi, v in zip(y, df["waarde"]):
        inside = v >= 12
        ax.annotate(fmt_pct(v, 0), (0 if inside else v, yi), xytext=(4, 0), textcoords="offset points", va="center",
                    ha="left", color="white" if inside else "black", fontsize="small", fontweight="bold" if inside else None)
    goals = df.dropna(subset=["doel"])
    for i, (yi, goal) in enumerate(zip(y[df["doel"].notna().to_numpy()], goals["doel"])):
        ax.vlines(goal, yi - 0.45, yi + 0.45, color="black", lw=2.5, zorder=5,
                  label="streefwaarde van de regio" if i == 0 else "")  # "": no legend entry
    ax.set_yticks(y, [plotting.omgebroken(a, 34) for a in df["aspect"]])
    ax.set_ylim(len(df) - 0.4, -0.6)  # least satisfied on top
    ax.set_xlim(0, 105)
    ax.xaxis.set_major_formatter(plotting.nl_formatter(0, pct=True))
    ax.grid(axis="y", visible=False)
    ax.set(xlabel="Tevreden (%)", ylabel="")
    if not goals.empty:
        # below the axes: inside, the legend's marker would sit on a bar and read as that aspect's target
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    return bijschrift(ax, f"Aandeel tevreden personeel per aspect ({years})"
                          + (", met de streefwaarden van de regio" if not goals.empty else ""))


def lezing_tevredenheid(region) -> str:
    df = tevredenheid(region)
    if df.empty:
        return geen_gegevens("tevredenheid van het personeel")
    low = df.iloc[0]
    years = opsomming(sorted({jaar_tekst(j) for j in df["jaar"]}))
    if len(df) == 1:
        text = f"Van het personeel is {pct_zoals_gepubliceerd(low['waarde'])} tevreden (aspect: {low['aspect']}; {years})"
    else:
        text = (f"Het personeel is het minst tevreden over {low['aspect']} ({pct_zoals_gepubliceerd(low['waarde'])} "
                f"tevreden; {years})")
    behind = df[df["doel"].notna() & (df["waarde"] < df["doel"])]
    if not behind.empty:
        text += "; onder de eigen streefwaarde: " + opsomming(
            [f"{r['aspect']} ({fmt_pct(r['waarde'], 0)}, doel {fmt_pct(r['doel'], 0)})" for _, r in behind.iterrows()])
    elif df["doel"].notna().any():
        text += "; alle streefwaarden zijn gehaald"
    return text + "."


# ------------------------------------------------------------------ inflow and outflow


def stromen(region) -> pd.DataFrame:
    """Published inflow/outflow rates: ``jaar, functiegroep, richting, kenmerk, categorie, waarde, prognose``."""
    df = regio_rijen(region.stromen)
    cols = ["jaar", "functiegroep", "richting", "kenmerk", "categorie", "waarde", "prognose"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    return met_vermeld_jaar(df[df["eenheid"] == "procent"].dropna(subset=["waarde"]), "jaar")[cols].reset_index(drop=True)


def _stroom_reeksen(part: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(label, colour, series) per function group of one direction; groups with the very same
    published series are one line, named together (drawn apart, one would hide the other)."""
    out: dict[tuple, list] = {}
    for g, rows in part.groupby("functiegroep", sort=False):
        rows = rows.sort_values("jaar")
        out.setdefault(tuple(map(tuple, rows[["jaar", "waarde"]].to_numpy())), [rows, []])[1].append(g)
    order = {g: i for i, g in enumerate(GROEP_LABELS)}
    reeksen = []
    for rows, groups in out.values():
        groups = sorted(groups, key=lambda g: order.get(g, len(order)))
        label = opsomming([GROEP_LABELS.get(g, g) for g in groups]) + (" (dezelfde cijfers)" if len(groups) > 1 else "")
        reeksen.append((label, plotting.groepskleur(groups[0], plotting.PALETTE[7]), rows))
    return sorted(reeksen, key=lambda r: -r[2]["waarde"].mean())


def figuur_stromen(region, ax: Axes | None = None) -> Axes | None:
    """Published in- and outflow (percent). Series of three years or more: one panel per direction,
    one line per function group (groups with the same figures as one line); otherwise bars from
    zero, each named with its year."""
    df = stromen(region)
    tot = df[df["kenmerk"] == "totaal"]
    if tot.empty:
        return None
    richtingen = [r for r in ("in", "uit") if r in set(tot["richting"])]
    namen = {"in": "instroom", "uit": "uitstroom"}
    prog = bool(tot["prognose"].astype(bool).all())
    if tot["jaar"].notna().all() and tot.groupby(["richting", "functiegroep"])["jaar"].nunique().min() > 2:
        import matplotlib.pyplot as plt

        if ax is None:
            _fig, grid = plt.subplots(1, len(richtingen), figsize=(5.2 * len(richtingen), 4.6), squeeze=False,
                                      sharey=True)
            axes = list(grid[0])
        else:
            axes = [ax] * len(richtingen)
        single = len({id(a) for a in axes}) == 1
        for a, richting in zip(axes, richtingen):
            for label, kleur, rows in _stroom_reeksen(tot[tot["richting"] == richting]):
                a.plot(rows["jaar"], rows["waarde"], marker="o", color=kleur,
                       linestyle="--" if single and richting == "uit" else "-",
                       label=f"{namen[richting]}: {label}" if single else label)
            top = float(tot["waarde"].max()) or 1.0
            a.set_ylim(-0.04 * top, 1.1 * top)  # from zero, a line at 0% stays visible
            a.yaxis.set_major_formatter(plotting.nl_formatter(None, pct=True))
            plotting._year_axis(a)
            a.set(xlabel="Jaar", ylabel="Percentage" if a is axes[0] else "")
            if not single:
                a.set_title(namen[richting].capitalize())
        fig = axes[0].figure
        fig.tight_layout()
        # one legend under the panels (inside, it would cover lines): each label once
        entries: dict[str, Artist] = {}
        for a in dict.fromkeys(axes):
            for handle, label in zip(*a.get_legend_handles_labels()):
                entries.setdefault(label, handle)
        where = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.18 if single else 0.0), "fontsize": "small"}
        (axes[0].legend if single else fig.legend)(list(entries.values()),
                                                    [plotting.omgebroken(t, 60) for t in entries], **where)
        return bijschrift(axes[0], f"Gepubliceerde {'prognose van de ' if prog else ''}in- en uitstroom van het "
                                   f"personeel per functiegroep, {plotting.periode(tot['jaar'])} "
                                   "(percentages zoals gepubliceerd)")
    order = {g: i for i, g in enumerate(GROEP_LABELS)}
    tot = tot.assign(_r=tot["richting"].map({"in": 0, "uit": 1}), _g=tot["functiegroep"].map(order)).sort_values(
        ["_r", "_g", "jaar"])
    tot = tot.assign(reeks=tot["richting"].map(namen) + ", " + tot["functiegroep"].map(lambda g: GROEP_LABELS.get(g, g))
                     + " (" + tot["jaar"].map(jaar_tekst) + ")")
    ax = plotting.staaf(tot, x="waarde", y="reeks", ax=ax, xlabel="Percentage zoals gepubliceerd",
                        kleur={r: plotting.groepskleur(g, plotting.PALETTE[7]) for r, g in zip(tot["reeks"], tot["functiegroep"])})
    return bijschrift(ax, f"Gepubliceerde {'prognose van de ' if prog else ''}in- en uitstroom van het personeel in "
                          "procenten, met het jaar van elk cijfer")


def _stroom_tekst(ins: pd.DataFrame, outs: pd.DataFrame) -> str:
    yi, yo = list(ins["jaar"]), list(outs["jaar"])
    prog = bool(pd.concat([ins, outs])["prognose"].astype(bool).all())
    i, o = ins["waarde"].mean(), outs["waarde"].mean()
    if yi != yo or pd.isna(yi).any():
        return (f"instroom {fmt_pct(i) if len(yi) == 1 else 'gemiddeld ' + fmt_pct(i)} ({_periode(yi[0], yi[-1])}) en "
                f"uitstroom {fmt_pct(o) if len(yo) == 1 else 'gemiddeld ' + fmt_pct(o)} ({_periode(yo[0], yo[-1])}); "
                "die cijfers gaan over verschillende (of niet vermelde) jaren, dus een saldo is er niet uit af te leiden")
    span = ("prognose " if prog else "") + _periode(yi[0], yi[-1])
    comp = "ligt de instroom boven de uitstroom" if i > o else "ligt de instroom onder de uitstroom" if i < o else \
        "zijn in- en uitstroom gelijk"
    if len(yi) > 1:
        return f"instroom gemiddeld {fmt_pct(i)} en uitstroom gemiddeld {fmt_pct(o)} per jaar ({span}): gemiddeld {comp}"
    return f"instroom {fmt_pct(i)} en uitstroom {fmt_pct(o)} ({span}): {comp}"


def lezing_stromen(region) -> str:
    df = stromen(region)
    if df.empty:
        return geen_gegevens("in- en uitstroom")
    tot = df[df["kenmerk"] == "totaal"]
    texts: dict[str, list[str]] = {}
    for g, part in tot.groupby("functiegroep", sort=False):
        ins = part[part["richting"] == "in"].sort_values("jaar")
        outs = part[part["richting"] == "uit"].sort_values("jaar")
        if ins.empty or outs.empty:
            continue
        # groups with the very same published series are named together
        sig = tuple(map(tuple, part.sort_values(["richting", "jaar"])[["richting", "jaar", "waarde"]].to_numpy()))
        texts.setdefault(str(sig), [_stroom_tekst(ins, outs)]).append(g)
    parts = []
    for bits in texts.values():
        groups = bits[1:]
        same = " (dezelfde percentages)" if len(groups) > 1 else ""
        parts.append(f"{opsomming([GROEP_LABELS.get(g, g) for g in groups])}{same}: {bits[0]}")
    sector = df[df["kenmerk"].isin(["herkomst", "bestemming"])]
    for _, r in sector.iterrows():
        parts.append(f"{fmt_pct(r['waarde'])} van de {'instroom komt van' if r['richting'] == 'in' else 'uitstroom gaat naar'} "
                     f"{r['categorie']} ({jaar_tekst(r['jaar'])})")
    return ("Gepubliceerde in- en uitstroom in procenten. " + "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + ".") \
        if parts else geen_gegevens("in- en uitstroom")
