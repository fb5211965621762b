"""The figures, tables and one-sentence readings of the quantitative chapter.

Each topic has a table function (tidy, empty when the region lacks the data), a figure
function (``ax=``; returns the Axes, or None without data) and a ``lezing_*`` function that
words what the numbers show (or says that they are missing). The SPP projection itself lives
in :mod:`regio_analysis.workforce.model`; this module shows it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.io.scenarios import load_scenarios
from regio_analysis.overview.chapter import regio_rijen, verzuim_reeks
from regio_analysis.report import figures as plotting
from regio_analysis.report.format import fmt_getal, fmt_pct, geen_gegevens, opsomming
from regio_analysis.workforce import model as workforce

GROEP_LABELS = {"OP": "onderwijzend personeel", "OOP": "onderwijsondersteunend personeel",
                "DIR": "schoolleiders", "totaal": "al het personeel"}
SOORT_LABELS = {"bao": "basisonderwijs", "sbo": "speciaal basisonderwijs", "so": "speciaal onderwijs",
                "vso": "voortgezet speciaal onderwijs", "so_vso": "(voortgezet) speciaal onderwijs",
                "po": "primair onderwijs", "vo": "voortgezet onderwijs", "mbo": "mbo", "totaal": "totaal"}


def _personeel(region, kenmerk: str) -> pd.DataFrame:
    df = region.personeel
    if df.empty:
        return df
    df = df[(df["kenmerk"] == kenmerk) & (df["eenheid"] == "procent")].dropna(subset=["waarde"])
    return df[df["peiljaar"] == df["peiljaar"].max()] if not df.empty else df


# ------------------------------------------------------------------ pupils per school type


def leerlingen_per_soort(region) -> pd.DataFrame:
    """``jaar, soort, aantal, prognose`` per school type (region level, the total left out)."""
    df = workforce.pupil_forecast(region)
    return df.assign(soort=df["soort"].map(lambda s: SOORT_LABELS.get(s, s)))


def figuur_leerlingen_per_soort(region, ax: Axes | None = None) -> Axes | None:
    df = leerlingen_per_soort(region)
    if df.empty:
        return None
    ax = plotting.lijn_realisatie_prognose(df, x="jaar", y="aantal", hue="soort", ax=ax,
                                           titel="Leerlingen per schoolsoort: realisatie en prognose")
    if df["soort"].nunique() > 1 and df["aantal"].max() > 5 * df.groupby("soort")["aantal"].max().min():
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plotting.nl_formatter())
        ax.set_ylabel("Aantal leerlingen (log-schaal)")
    return ax


def lezing_leerlingen_per_soort(region) -> str:
    df = leerlingen_per_soort(region)
    if df.empty:
        return geen_gegevens("leerlingaantallen per schoolsoort")
    parts = []
    for soort, part in df.groupby("soort", sort=False):
        real = part[~part["prognose"].astype(bool)]
        a = real.iloc[-1] if not real.empty else part.iloc[0]
        b = part.iloc[-1]
        if b["jaar"] == a["jaar"]:
            continue
        change = (b["aantal"] / a["aantal"] - 1) * 100
        how = "gelijk" if round(change, 1) == 0 else f"{fmt_pct(abs(change))} {'meer' if change > 0 else 'minder'}"
        parts.append(f"{soort} {how} ({fmt_getal(a['aantal'], 0)} → {fmt_getal(b['aantal'], 0)})")
    if not parts:
        return geen_gegevens("een ontwikkeling van de leerlingaantallen")
    y0 = int(df[~df["prognose"].astype(bool)]["jaar"].max()) if (~df["prognose"].astype(bool)).any() else int(df["jaar"].min())
    return f"Van {y0} tot {int(df['jaar'].max())} verwacht de regio: {opsomming(parts)}."


# ------------------------------------------------------------------ staff by function group


def personeel_per_functiegroep(region) -> pd.DataFrame:
    """``functiegroep, personen, fte, aandeel`` for the region's own area (latest published)."""
    rows = {}
    kg = regio_rijen(region.kengetallen)
    if not kg.empty:
        kg = kg[(kg["onderwerp"] == "basisgegevens") & kg["categorie"].isin(["onderwijsregio", "totaal"])
                & kg["functiegroep"].isin(workforce.GROEPEN)]
        for _, r in kg.iterrows():
            col = {"personen": "personen", "formatieplaatsen": "fte"}.get(r["indicator"])
            if col:
                rows.setdefault(r["functiegroep"], {})[col] = r["waarde"]
    mix = _personeel(region, "functiemix")
    for _, r in regio_rijen(mix).iterrows():
        rows.setdefault(r["functiegroep"], {})["aandeel"] = r["waarde"]
    if not rows:
        return pd.DataFrame(columns=["functiegroep", "personen", "fte", "aandeel"])
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=["personen", "fte", "aandeel"])
    out = out.rename_axis("functiegroep").reset_index()
    if out["aandeel"].isna().all() and out["personen"].notna().sum() > 1:
        out["aandeel"] = 100 * out["personen"] / out["personen"].sum()
    order = {g: i for i, g in enumerate(workforce.GROEPEN)}
    return out.sort_values("functiegroep", key=lambda s: s.map(order)).reset_index(drop=True)


def figuur_personeel(region, ax: Axes | None = None) -> Axes | None:
    df = personeel_per_functiegroep(region)
    if df.empty:
        return None
    value = "personen" if df["personen"].notna().any() else "aandeel"
    df = df.dropna(subset=[value]).assign(groep=lambda d: d["functiegroep"].map(GROEP_LABELS))
    return plotting.staaf(df, x=value, y="groep", ax=ax, pct=value == "aandeel",
                          titel="Personeel per functiegroep", xlabel="Personen" if value == "personen" else "Aandeel (%)")


def lezing_personeel(region) -> str:
    df = personeel_per_functiegroep(region)
    if df.empty:
        return geen_gegevens("personeel per functiegroep")
    parts = []
    for _, r in df.iterrows():
        bits = [f"{fmt_getal(r['personen'], 0)} personen" if pd.notna(r["personen"]) else "",
                f"{fmt_getal(r['fte'], 0)} fte" if pd.notna(r["fte"]) else "",
                f"{fmt_pct(r['aandeel'], 0)} van het personeel" if pd.notna(r["aandeel"]) else ""]
        parts.append(f"{GROEP_LABELS.get(r['functiegroep'], r['functiegroep'])}: {', '.join(b for b in bits if b)}")
    text = "De regio telt " + "; ".join(parts)
    both = df.dropna(subset=["personen", "fte"])
    if not both.empty:
        ratio = both["fte"].sum() / both["personen"].sum()
        text += f"; gemiddeld werkt een medewerker {fmt_getal(ratio, 2)} fte"
    return text + "."


# ------------------------------------------------------------------ age, part-time, contracts


def leeftijd_55plus(region) -> pd.DataFrame:
    """``niveau, waarde, peiljaar``: share of staff aged 55+ (region, provinces, nation where
    published; else, from the region's own employment spells, in fte on the last observed day)."""
    df = _personeel(region, "leeftijd")
    if df.empty and region.has("dienstverbanden") and "dienstverbanden" not in region.synthetisch:
        spells = region.dienstverbanden
        end = pd.to_datetime(spells["observatie_einde"]).min()
        ages = workforce.ages_from_spells(spells, end)
        share = 100 * ages.loc[ages["leeftijd"] >= 55, "fte"].sum() / ages["fte"].sum()
        return pd.DataFrame({"niveau": ["regio"], "waarde": [round(share, 1)], "peiljaar": [end.year]})
    if df.empty:
        return pd.DataFrame(columns=["niveau", "waarde", "peiljaar"])
    df = df[(df["categorie"] == "55+") & (df["functiegroep"] == "totaal")]
    return df[["niveau", "waarde", "peiljaar"]].drop_duplicates("niveau").reset_index(drop=True)


def figuur_leeftijd(region, ax: Axes | None = None) -> Axes | None:
    df = leeftijd_55plus(region)
    if df.empty:
        return None
    df = df.assign(label=df["niveau"].map(plotting.niveau_label))
    return plotting.staaf(df, x="waarde", y="label", ax=ax, titel=f"Aandeel personeel van 55 jaar en ouder ({int(df['peiljaar'].iloc[0])})")


def lezing_leeftijd(region) -> str:
    df = leeftijd_55plus(region)
    regio = df[df["niveau"] == "regio"]
    if regio.empty:
        return geen_gegevens("de leeftijdsopbouw van het personeel")
    v = regio["waarde"].iloc[0]
    text = (f"In {int(regio['peiljaar'].iloc[0])} was {fmt_pct(v)} van het personeel 55 jaar of ouder: "
            f"ongeveer {fmt_getal(round(v / 10), 0)} op de tien medewerkers kan binnen ruim tien jaar met pensioen")
    land = df[df["niveau"] == "landelijk"]
    if not land.empty:
        w = land["waarde"].iloc[0]
        text += f"; landelijk is dat {fmt_pct(w)}" + (", dus de regio is ouder" if v > w else ", dus de regio is jonger" if v < w else "")
    return text + "."


def deeltijd(region) -> pd.DataFrame:
    """Part-time classes and the average working week: ``kenmerk, categorie, waarde, eenheid``."""
    df = region.personeel
    if df.empty:
        return pd.DataFrame(columns=["kenmerk", "categorie", "waarde", "eenheid"])
    df = regio_rijen(df[df["kenmerk"].isin(["deeltijd", "werkweek", "deeltijdfactor"])]).dropna(subset=["waarde"])
    return df[["kenmerk", "categorie", "waarde", "eenheid"]].drop_duplicates(["kenmerk", "categorie"]).reset_index(drop=True)


def figuur_deeltijd(region, ax: Axes | None = None) -> Axes | None:
    df = deeltijd(region)
    df = df[(df["kenmerk"] == "deeltijd") & (df["eenheid"] == "procent")]
    if df.empty:
        return None
    return plotting.staaf(df, x="waarde", y="categorie", ax=ax, titel="Personeel naar werkweek (uren per week)")


def lezing_deeltijd(region) -> str:
    df = deeltijd(region)
    if df.empty:
        return geen_gegevens("deeltijd en werkweek")
    parts = []
    week = df[(df["kenmerk"] == "werkweek") & (df["eenheid"] == "uren")]
    if not week.empty:
        h = week["waarde"].iloc[0]
        parts.append(f"een medewerker werkt gemiddeld {fmt_getal(h, 0)} uur per week ({fmt_getal(h / 40, 2)} fte bij 40 uur)")
    pt = df[(df["kenmerk"] == "deeltijd") & (df["eenheid"] == "procent")]
    if not pt.empty:
        top = pt.loc[pt["waarde"].idxmax()]
        parts.append(f"de grootste groep werkt {top['categorie']} ({fmt_pct(top['waarde'])})")
    if not parts:
        return geen_gegevens("deeltijd en werkweek")
    text = "; ".join(parts)
    return "In de regio: " + text + "."


def contractduur(region) -> pd.DataFrame:
    df = _personeel(region, "contractduur")
    return regio_rijen(df)[["categorie", "waarde", "peiljaar"]].reset_index(drop=True) if not df.empty else \
        pd.DataFrame(columns=["categorie", "waarde", "peiljaar"])


def figuur_contractduur(region, ax: Axes | None = None) -> Axes | None:
    df = contractduur(region)
    if df.empty:
        return None
    return plotting.staaf(df, x="categorie", y="waarde", ax=ax,
                          titel=f"Duur van het dienstverband ({int(df['peiljaar'].iloc[0])})", xlabel="Duur")


def lezing_contractduur(region) -> str:
    df = contractduur(region)
    if df.empty:
        return geen_gegevens("de duur van dienstverbanden")
    short = df[df["categorie"].str.contains(r"korter dan 1|^1 jaar|^< ?1", regex=True)]
    top = df.loc[df["waarde"].idxmax()]
    text = f"De grootste groep heeft een dienstverband van {top['categorie']} ({fmt_pct(top['waarde'])})"
    if not short.empty:
        text += (f"; {fmt_pct(short['waarde'].sum())} is korter dan twee jaar in dienst, "
                 "een groep die bij vertrek vroeg verloren gaat")
    return text + "."


# ------------------------------------------------------------------ sick leave against the nation


def verzuim_verschil(region) -> pd.DataFrame:
    """``jaar, regio, landelijk, verschil`` (percentage points, region minus nation)."""
    reeks = verzuim_reeks(region)
    if reeks.empty:
        return pd.DataFrame(columns=["jaar", "regio", "landelijk", "verschil"])
    wide = reeks.pivot_table(index="jaar", columns="niveau", values="waarde", aggfunc="first")
    if not {"regio", "landelijk"} <= set(wide.columns):
        return pd.DataFrame(columns=["jaar", "regio", "landelijk", "verschil"])
    wide = wide.dropna(subset=["regio", "landelijk"])
    wide["verschil"] = (wide["regio"] - wide["landelijk"]).round(2)
    return wide[["regio", "landelijk", "verschil"]].reset_index()


def figuur_verzuim_verschil(region, ax: Axes | None = None) -> Axes | None:
    df = verzuim_verschil(region)
    if df.empty:
        return None
    ax = plotting._new_ax(ax)
    colours = [plotting.PALETTE[3] if v > 0 else plotting.PALETTE[2] for v in df["verschil"]]
    bars = ax.bar(df["jaar"].astype(int), df["verschil"], color=colours)
    ax.bar_label(bars, labels=[fmt_getal(v, 1) for v in df["verschil"]], padding=2, fontsize="small")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set(title="Ziekteverzuim: regio min landelijk (procentpunt)", xlabel="Jaar", ylabel="Verschil (procentpunt)")
    plotting._year_axis(ax)
    return ax


def lezing_verzuim_verschil(region) -> str:
    df = verzuim_verschil(region)
    if df.empty:
        return geen_gegevens("ziekteverzuim van regio en land samen")
    above = df[df["verschil"] > 0]["jaar"].astype(int).tolist()
    first, last = df.iloc[0], df.iloc[-1]
    text = (f"Het verschil met het landelijk verzuim ging van {fmt_getal(first['verschil'], 1)} procentpunt "
            f"({int(first['jaar'])}) naar {fmt_getal(last['verschil'], 1)} ({int(last['jaar'])})")
    if above:
        text += f"; boven landelijk in {opsomming([str(j) for j in above])}"
    else:
        text += "; de regio zat elk jaar op of onder het landelijk verzuim"
    return text + "."


# ------------------------------------------------------------------ shortage components

TEKORT_COMPONENTEN = {"totaal": "totaal tekort", "zichtbaar": "zichtbaar tekort (vacatures)",
                      "verborgen": "verborgen tekort", "onvervuld": "onvervulde werkgelegenheid"}


def tekortcomponenten(region) -> pd.DataFrame:
    """Latest published shortage per component and group, in percent: ``functiegroep, component,
    jaar, waarde, ondergrens, bovengrens`` (ranges where the source gives one)."""
    df = regio_rijen(region.tekort)
    cols = ["functiegroep", "component", "jaar", "waarde", "ondergrens", "bovengrens"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df[df["eenheid"] == "procent"].dropna(subset=["waarde"])
    if df.empty:
        return pd.DataFrame(columns=cols)
    wide = df.pivot_table(index=["functiegroep", "component", "jaar"], columns="scenario", values="waarde", aggfunc="first")
    wide = wide.reset_index()
    if "gepubliceerd" not in wide.columns:
        wide["gepubliceerd"] = np.nan
    for c in ("ondergrens", "bovengrens"):
        if c not in wide.columns:
            wide[c] = np.nan
    wide["waarde"] = wide["gepubliceerd"].fillna((wide["ondergrens"] + wide["bovengrens"]) / 2)
    first = wide.sort_values("jaar").groupby(["functiegroep", "component"]).head(1)  # the first (current) year
    return first[cols].sort_values(["component", "functiegroep"]).reset_index(drop=True)


def figuur_tekort(region, ax: Axes | None = None) -> Axes | None:
    df = tekortcomponenten(region)
    if df.empty:
        return None
    df = df.assign(label=df["component"].map(lambda c: TEKORT_COMPONENTEN.get(c, c)),
                   groep=df["functiegroep"].map(lambda g: GROEP_LABELS.get(g, g)))
    return plotting.staaf(df, x="label", y="waarde", hue="groep", ax=ax, decimals=1,
                          titel=f"Tekort naar component ({opsomming(sorted({str(int(j)) for j in df['jaar']}))})",
                          xlabel="", ylabel="% van de werkgelegenheid")


def lezing_tekort(region) -> str:
    df = tekortcomponenten(region)
    if df.empty:
        return geen_gegevens("tekortcijfers in procenten")
    parts = []
    for g, part in df.groupby("functiegroep", sort=False):
        comp = part.set_index("component")["waarde"]
        bit = f"{GROEP_LABELS.get(g, g)} {fmt_pct(comp.max())} ({TEKORT_COMPONENTEN.get(comp.idxmax(), comp.idxmax())})"
        if "totaal" in comp and "verborgen" in comp and comp["totaal"] > 0:
            bit += f", waarvan {fmt_pct(100 * comp['verborgen'] / comp['totaal'], 0)} verborgen"
        parts.append(bit)
    return f"Het grootste gepubliceerde tekort is voor {opsomming(parts)}."


# ------------------------------------------------------------------ satisfaction


def tevredenheid(region) -> pd.DataFrame:
    """``aspect, waarde, doel`` share of satisfied staff per aspect and the region's target."""
    kg = regio_rijen(region.kengetallen)
    if kg.empty:
        return pd.DataFrame(columns=["aspect", "waarde", "doel", "jaar"])
    sat = kg[kg["onderwerp"] == "tevredenheid"].dropna(subset=["waarde"])
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
    df = tevredenheid(region)
    if df.empty:
        return None
    ax = plotting.staaf(df, x="waarde", y="aspect", ax=ax, decimals=0, titel="Tevreden personeel per aspect")
    goals = df.dropna(subset=["doel"])
    if not goals.empty:
        pos = {a: i for i, a in enumerate(df["aspect"])}
        ax.scatter(goals["doel"], [pos[a] for a in goals["aspect"]], marker="|", s=400, color="black", zorder=5,
                   label="streefwaarde")
        ax.legend(loc="lower right")
    return ax


def lezing_tevredenheid(region) -> str:
    df = tevredenheid(region)
    if df.empty:
        return geen_gegevens("tevredenheid van het personeel")
    low = df.iloc[0]
    if len(df) == 1:
        text = f"Van het personeel is {fmt_pct(low['waarde'], 0)} tevreden over {low['aspect']}"
    else:
        text = f"Het personeel is het minst tevreden over {low['aspect']} ({fmt_pct(low['waarde'], 0)} tevreden)"
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
    return df[df["eenheid"] == "procent"].dropna(subset=["waarde"])[cols].reset_index(drop=True)


def figuur_stromen(region, ax: Axes | None = None) -> Axes | None:
    df = stromen(region)
    tot = df[df["kenmerk"] == "totaal"]
    if tot.empty:
        return None
    tot = tot.assign(reeks=tot["richting"].map({"in": "instroom", "uit": "uitstroom"}) + " " + tot["functiegroep"])
    if tot["jaar"].nunique() > 1:
        ax = plotting._new_ax(ax)
        for i, (name, part) in enumerate(tot.groupby("reeks", sort=True)):
            ax.plot(part["jaar"], part["waarde"], marker="o", color=plotting.PALETTE[i % 10],
                    linestyle="-" if name.startswith("in") else "--", label=name)
        ax.legend(title=None, ncols=2, fontsize="small")
        ax.yaxis.set_major_formatter(plotting.nl_formatter(1, pct=True))
        plotting._year_axis(ax)
        ax.set(title="In- en uitstroom (% van het personeel)", xlabel="Jaar", ylabel="Percentage")
        return ax
    return plotting.staaf(tot, x="reeks", y="waarde", ax=ax, titel="In- en uitstroom (% van het personeel)")


def lezing_stromen(region) -> str:
    df = stromen(region)
    if df.empty:
        return geen_gegevens("in- en uitstroom")
    tot = df[df["kenmerk"] == "totaal"]
    parts = []
    for g, part in tot.groupby("functiegroep", sort=False):
        ins = part[part["richting"] == "in"].sort_values("jaar")
        outs = part[part["richting"] == "uit"].sort_values("jaar")
        if ins.empty or outs.empty:
            continue
        i, o = ins["waarde"].mean(), outs["waarde"].mean()
        years = sorted(set(ins["jaar"]) | set(outs["jaar"]))
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        word = "groeit" if i > o else "krimpt" if i < o else "blijft gelijk"
        parts.append(f"{GROEP_LABELS.get(g, g)}: instroom {fmt_pct(i)}, uitstroom {fmt_pct(o)} ({span}), "
                     f"het personeelsbestand {word}")
    sector = df[df["kenmerk"].isin(["herkomst", "bestemming"])]
    for _, r in sector.iterrows():
        parts.append(f"{fmt_pct(r['waarde'])} van de {'instroom komt van' if r['richting'] == 'in' else 'uitstroom gaat naar'} "
                     f"{r['categorie']}")
    return ("Gemiddeld per jaar: " + "; ".join(parts) + ".") if parts else geen_gegevens("in- en uitstroom")


# ------------------------------------------------------------------ the SPP projection


def spp_band(projectie: pd.DataFrame, indicator: str = "te_vervullen_fte") -> pd.DataFrame:
    """``jaar, functiegroep, basis, laag, hoog`` of one indicator over the scenarios."""
    df = projectie[projectie["indicator"] == indicator]
    wide = df.pivot_table(index=["jaar", "functiegroep"], columns="scenario", values="waarde").reset_index()
    wide.columns.name = None
    return wide


def figuur_spp(projectie: pd.DataFrame, ax: Axes | None = None) -> Axes | None:
    """Demand and supply per group (basis), with the laag–hoog band of the supply."""
    if projectie.empty:
        return None
    groups = [g for g in workforce.GROEPEN if g in set(projectie["functiegroep"])]
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, axes = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 4.0), squeeze=False)
        axes = axes[0]
    else:
        axes = [ax] * len(groups)
    for a, g in zip(axes, groups):
        part = projectie[projectie["functiegroep"] == g]
        band = spp_band(part, "voorraad_fte")
        demand = spp_band(part, "benodigd_fte")
        a.fill_between(band["jaar"], band[["laag", "hoog"]].min(axis=1), band[["laag", "hoog"]].max(axis=1),
                       color=plotting.PALETTE[0], alpha=0.15, lw=0, label="aanbod laag–hoog")
        a.plot(band["jaar"], band["basis"], color=plotting.PALETTE[0], marker="o", label="aanbod (basis)")
        a.plot(demand["jaar"], demand["basis"], color=plotting.PALETTE[3], marker="s", linestyle="--", label="vraag (basis)")
        a.set(title={"DIR": "Schoolleiders"}.get(g, g), xlabel="Jaar", ylabel="fte" if a is axes[0] else "")
        a.yaxis.set_major_formatter(plotting.nl_formatter())
        plotting._year_axis(a)
    axes[0].legend(fontsize="small")
    axes[0].figure.suptitle("Vraag en aanbod in fte (basisscenario, band: laag–hoog)")
    axes[0].figure.tight_layout()
    return axes[0]


def lezing_spp(projectie: pd.DataFrame) -> str:
    if projectie.empty:
        return geen_gegevens("een SPP-projectie")
    last = int(projectie["jaar"].max())
    band = spp_band(projectie, "te_vervullen_fte")
    total = band.groupby("jaar")[["basis", "laag", "hoog"]].sum()
    short = spp_band(projectie, "tekort_fte")
    end = short[short["jaar"] == last].set_index("functiegroep")["basis"]
    parts = []
    for g, v in end.items():
        parts.append(f"{GROEP_LABELS.get(g, g)} een {'tekort' if v > 0 else 'overschot'} van {fmt_getal(abs(v), 0)} fte")
    return (f"In het basisscenario is er in {last} voor {opsomming(parts)}; samen met de onvervulde werkgelegenheid "
            f"moet dan {fmt_getal(total.loc[last, 'basis'], 0)} fte worden ingevuld (laag {fmt_getal(total.loc[last, 'laag'], 0)}, "
            f"hoog {fmt_getal(total.loc[last, 'hoog'], 0)} fte).")


def figuur_tornado(gevoeligheid: pd.DataFrame, ax: Axes | None = None) -> Axes | None:
    """Tornado plot of :func:`workforce.sensitivity` (outcome at −/+ change per driver)."""
    if gevoeligheid.empty:
        return None
    df = gevoeligheid.iloc[::-1]
    ax = plotting._new_ax(ax, figsize=(8, 0.6 * len(df) + 1.5))
    base = float(df["basis"].iloc[0])
    y = np.arange(len(df))
    ax.barh(y, df["laag"] - base, left=base, color=plotting.PALETTE[0], label="invoer 10% lager")
    ax.barh(y, df["hoog"] - base, left=base, color=plotting.PALETTE[1], label="invoer 10% hoger")
    ax.axvline(base, color="0.2", lw=1)
    ax.set_yticks(y, df["label"])
    ax.xaxis.set_major_formatter(plotting.nl_formatter())
    ax.set(title="Gevoeligheid: te vervullen fte, opgeteld over de projectiejaren", xlabel="fte")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def lezing_tornado(gevoeligheid: pd.DataFrame) -> str:
    if gevoeligheid.empty:
        return geen_gegevens("een gevoeligheidsanalyse")
    top = gevoeligheid.iloc[0]
    text = (f"De uitkomst hangt het sterkst af van de {top['label']}: 10% lager of hoger geeft "
            f"{fmt_getal(top['laag'], 0)} tot {fmt_getal(top['hoog'], 0)} fte (basis {fmt_getal(top['basis'], 0)})")
    if len(gevoeligheid) > 1:
        low = gevoeligheid.iloc[-1]
        text += f"; de {low['label']} doet het minst (bereik {fmt_getal(low['bereik'], 0)} fte)"
    return text + "."


def reproductie_samenvatting(tabel: pd.DataFrame) -> str:
    """One sentence on :func:`workforce.reproduce_published`."""
    if tabel.empty:
        return geen_gegevens("een gepubliceerde raming")
    ok = tabel[tabel["consistent"]]
    within = int((ok["verschil"].abs() <= 1).sum())
    bad = tabel[~tabel["consistent"]]
    text = (f"Van de {len(tabel)} gepubliceerde cijfers zijn er {len(ok)} in overeenstemming met de rest van de tabel; "
            f"daarvan reproduceert het model er {within} binnen 1 fte of persoon")
    if not bad.empty:
        text += (f". {len(bad)} cijfers sporen niet met de eigen rekenregels van de publicatie "
                 f"(meestal afronding): zie de kolom reden")
    return text + "."


@dataclass
class SPP:
    """A region's SPP run: inputs, all scenarios, sensitivity, or what is missing."""

    inputs: workforce.WorkforceInputs | None
    projectie: pd.DataFrame
    gevoeligheid: pd.DataFrame
    ontbrekend: list[str]
    scenarios: dict

    def tabel(self, scenario: str = "basis") -> pd.DataFrame:
        """The projection of one scenario as a readable table: a row per group and indicator."""
        if self.projectie.empty:
            return pd.DataFrame()
        df = self.projectie[self.projectie["scenario"] == scenario]
        wide = df.pivot_table(index=["functiegroep", "indicator"], columns="jaar", values="waarde").round(0)
        order = {ind: i for i, ind in enumerate(workforce.INDICATOREN)}
        wide = wide.reset_index().sort_values(["functiegroep", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s)
        wide.columns = [str(c) for c in wide.columns]
        return wide.reset_index(drop=True)

    def uitleg(self) -> str:
        """Markdown: where every input came from, or which inputs are missing."""
        if self.inputs is None:
            return geen_gegevens("een SPP-projectie") + " Daarvoor ontbreekt: " + opsomming(self.ontbrekend) + "."
        flows = "de bezetting aan het begin van het jaar" if self.inputs.basis_stromen == "voorraad" else "de vraag van dat jaar"
        lines = [f"Basisjaar {self.inputs.basisjaar}, projectie {min(self.inputs.jaren)}–{max(self.inputs.jaren)}; "
                 f"in- en uitstroompercentages gelden ten opzichte van {flows}."]
        lines += [f"- {b}" for b in self.inputs.bronnen]
        lines += ["", "Scenario's:"] + [f"- {s.label or s.naam}" for s in self.scenarios.values()]
        return "\n".join(lines)


def spp(region, *, scenario_bestand: str = "", jaren: int = 5) -> SPP:
    """Run the SPP for a region: all scenarios and a sensitivity table (or say what is missing)."""
    scenarios = load_scenarios(scenario_bestand) if scenario_bestand else dict(workforce.SCENARIOS)
    missing = workforce.missing_inputs(region)
    if missing:
        return SPP(None, pd.DataFrame(), pd.DataFrame(), missing, scenarios)
    inputs = workforce.inputs_from_region(region, jaren=jaren)
    return SPP(inputs, workforce.project_scenarios(inputs, scenarios), workforce.sensitivity(inputs), [], scenarios)


def reproductie(region) -> pd.DataFrame:
    """:func:`workforce.reproduce_published`, or an empty frame for a region without a described raming."""
    try:
        return workforce.reproduce_published(region)
    except workforce.NoPublishedMethod:
        return pd.DataFrame()


def stromen_uit_microdata(region) -> pd.DataFrame:
    """Yearly rates from the region's own employment spells (not from synthetic ones), rounded."""
    if not region.has("dienstverbanden") or "dienstverbanden" in region.synthetisch:
        return pd.DataFrame()
    return workforce.rates_from_spells(region.dienstverbanden).round(2)


class Hoofdstuk:
    """Chapter 01 for one region: everything ``01_kwantitatief.ipynb`` shows, each result computed once.

    ``scenario_bestand``: a YAML file with extra SPP scenarios ("" for basis, laag and hoog);
    ``jaren``: the length of the projection.
    """

    def __init__(self, region, *, scenario_bestand: str = "", jaren: int = 5):
        self.region = region
        self.scenario_bestand = scenario_bestand
        self.jaren = jaren

    @cached_property
    def spp(self) -> SPP:
        return spp(self.region, scenario_bestand=self.scenario_bestand, jaren=self.jaren)

    @cached_property
    def reproductie(self) -> pd.DataFrame:
        return reproductie(self.region)

    def figuur_leerlingen(self) -> Axes | None:
        return figuur_leerlingen_per_soort(self.region)

    def lezing_leerlingen(self) -> str:
        return lezing_leerlingen_per_soort(self.region)

    def figuur_personeel(self) -> Axes | None:
        return figuur_personeel(self.region)

    def lezing_personeel(self) -> str:
        return lezing_personeel(self.region)

    def figuur_leeftijd(self) -> Axes | None:
        return figuur_leeftijd(self.region)

    def lezing_leeftijd(self) -> str:
        return lezing_leeftijd(self.region)

    def figuur_deeltijd(self) -> Axes | None:
        return figuur_deeltijd(self.region)

    def lezing_deeltijd(self) -> str:
        return lezing_deeltijd(self.region)

    def figuur_contractduur(self) -> Axes | None:
        return figuur_contractduur(self.region)

    def lezing_contractduur(self) -> str:
        return lezing_contractduur(self.region)

    def figuur_verzuim(self) -> Axes | None:
        return figuur_verzuim_verschil(self.region)

    def lezing_verzuim(self) -> str:
        return lezing_verzuim_verschil(self.region)

    def figuur_tekort(self) -> Axes | None:
        return figuur_tekort(self.region)

    def lezing_tekort(self) -> str:
        return lezing_tekort(self.region)

    def figuur_tevredenheid(self) -> Axes | None:
        return figuur_tevredenheid(self.region)

    def lezing_tevredenheid(self) -> str:
        return lezing_tevredenheid(self.region)

    def figuur_stromen(self) -> Axes | None:
        return figuur_stromen(self.region)

    def lezing_stromen(self) -> str:
        return lezing_stromen(self.region)

    def uitleg_spp(self) -> str:
        return self.spp.uitleg()

    def tabel_spp(self, scenario: str = "basis") -> pd.DataFrame:
        return self.spp.tabel(scenario)

    def tabel_spp_alle_scenarios(self) -> pd.DataFrame:
        """Every scenario's projection (long); kept as a file, see the notebook."""
        return self.spp.projectie

    def figuur_spp(self) -> Axes | None:
        return figuur_spp(self.spp.projectie)

    def lezing_spp(self) -> str:
        return lezing_spp(self.spp.projectie)

    def figuur_gevoeligheid(self) -> Axes | None:
        return figuur_tornado(self.spp.gevoeligheid)

    def lezing_gevoeligheid(self) -> str:
        return lezing_tornado(self.spp.gevoeligheid)

    def tabel_gevoeligheid(self) -> pd.DataFrame:
        return self.spp.gevoeligheid

    def lezing_reproductie(self) -> str:
        return reproductie_samenvatting(self.reproductie)

    def tabel_reproductie(self) -> pd.DataFrame:
        return self.reproductie

    def tabel_stromen_microdata(self) -> pd.DataFrame:
        return stromen_uit_microdata(self.region)
