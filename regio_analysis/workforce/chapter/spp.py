"""Chapter 01, the strategic personnel planning: the package's projection with scenarios, its
sensitivity, the region's own published projection recomputed, and the two set side by side.

Where a region publishes a projection of its own, every difference between that projection and
the package's larger than rounding is explained: :mod:`regio_analysis.workforce.reconcile`
walks from the one to the other one convention at a time, and :func:`lezing_aansluiting` words
each step from its numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.io.scenarios import load_scenarios
from regio_analysis.report import figures as plotting
from regio_analysis.report.format import Kolom, fmt_getal, geen_gegevens, kolommen, opsomming
from regio_analysis.report.tables import bijschrift
from regio_analysis.workforce import model as workforce
from regio_analysis.workforce import reconcile
from regio_analysis.data.region import RegionData, leesbare_bron
from regio_analysis.workforce.chapter.publiek import (GROEP_LABELS, SOORT_LABELS, bron_tekst, jaar_tekst, met_vermeld_jaar,
                                                      populatie_tekst)

INDICATOR_LABELS = {
    "benodigd_fte": "vraag (fte)", "voorraad_fte": "aanbod (fte)", "instroom_fte": "instroom (fte)",
    "uitstroom_fte": "uitstroom (fte)", "pensioen_fte": "pensioen (fte)",
    "tekort_fte": "tekort (fte; negatief: overschot)", "onvervuld_fte": "onvervulde werkgelegenheid (fte)",
    "te_vervullen_fte": "te vervullen (fte)", "te_vervullen_personen": "te vervullen (personen)",
}
#: what the publication's rounding to whole fte can explain, per group and value
TOLERANTIE = 1.0
STAP_LABELS = {
    "gepubliceerd": "raming van het plan, zoals gepubliceerd",
    "nagerekend": "nagerekend met de rekenregels van het plan",
    "afronden": "zonder tussentijds af te ronden",
    "saldo": "tekort opgeteld over de jaren",
    "basis_stromen": "andere basis voor in- en uitstroom",
    "invoer": "bezetting en vraag van het pakket (de projectie van het pakket)",
}
RAMING_LABELS = {"onvervuld_fte_groei_tov_2024": "groei van de onvervulde fte ten opzichte van 2024",
                 "uitstroom_pensioen_aandeel_10jaar": "uitstroom door pensioen in tien jaar (aandeel van het personeel)"}


def _groep(g: str) -> str:
    return GROEP_LABELS.get(g, g)


def _signed(x: float) -> str:
    return ("+" if x > 0 else "−" if x < 0 else "±") + fmt_getal(abs(x), 0)


def _saldo_kort(v: float) -> str:
    return f"{'tekort' if v > 0 else 'overschot'} {fmt_getal(abs(v), 0)}" if round(abs(v)) else "saldo 0"


def _saldo_tekst(v: float) -> str:
    return f"{'een tekort' if v > 0 else 'een overschot'} van {fmt_getal(abs(v), 0)} fte" if round(abs(v)) else "geen saldo"


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
        _fig, grid = plt.subplots(1, len(groups), figsize=(4.2 * len(groups), 4.0), squeeze=False)
        axes = grid[0]
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
        a.set(title=_groep(g).capitalize(), xlabel="Jaar", ylabel="fte" if a is axes[0] else "")
        a.yaxis.set_major_formatter(plotting.nl_formatter())
        plotting._year_axis(a)
    fig = axes[0].figure
    fig.tight_layout()
    # one legend under the panels: inside, it would cover the band of the first panel
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles[:3], labels[:3], loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=3, fontsize="small")
    return bijschrift(axes[0], f"Vraag en aanbod van personeel in fte per functiegroep, projectie van het pakket "
                               f"{plotting.periode(projectie['jaar'])} (basisscenario; band: het aanbod in de "
                               "scenario's laag en hoog)")


def lezing_spp(projectie: pd.DataFrame, brug: pd.DataFrame | None = None) -> str:
    """The package's projection in its last year; with ``brug`` (:func:`reconcile.bridge`), also
    the region's own figure for the same year and where to find why they differ."""
    if projectie.empty:
        return geen_gegevens("een SPP-projectie")
    last = int(projectie["jaar"].max())
    band = spp_band(projectie, "te_vervullen_fte")
    total = band.groupby("jaar")[["basis", "laag", "hoog"]].sum()
    short = spp_band(projectie, "tekort_fte")
    end = short[short["jaar"] == last].set_index("functiegroep")["basis"]
    parts = [f"{_groep(g)} {_saldo_tekst(v)}" for g, v in end.items()]
    text = (f"In het basisscenario van het pakket is er in {last} voor {opsomming(parts)} (opgeteld over de "
            f"projectiejaren); samen met de onvervulde werkgelegenheid van dat jaar moet dan "
            f"{fmt_getal(total.loc[last, 'basis'], 0)} fte worden ingevuld (laag {fmt_getal(total.loc[last, 'laag'], 0)}, "
            f"hoog {fmt_getal(total.loc[last, 'hoog'], 0)} fte).")
    if brug is not None and not brug.empty:
        year = reconcile.last_common_year(brug)
        if year is not None:
            own = reconcile.step_totals(brug, year).loc["gepubliceerd", "totaal"]
            text += (f" De raming van het plan zelf komt voor {year} op {fmt_getal(own, 0)} fte; waar dat verschil "
                     "vandaan komt, staat hieronder bij de aansluiting.")
    return text


# ------------------------------------------------------------------ sensitivity


def eenheid_gevoeligheid(inputs: workforce.WorkforceInputs | None) -> str:
    """The unit of :func:`workforce.sensitivity` as the chapter runs it (per year, averaged)."""
    if inputs is None:
        return ""
    y0, y1 = min(inputs.jaren), max(inputs.jaren)
    return f"fte per jaar, gemiddeld over {y0}–{y1}" if y1 > y0 else f"fte in {y0}"


def figuur_tornado(gevoeligheid: pd.DataFrame, ax: Axes | None = None) -> Axes | None:
    """Tornado plot of :func:`workforce.sensitivity` (outcome at −/+ change per driver)."""
    if gevoeligheid.empty:
        return None
    unit = str(gevoeligheid["eenheid"].iloc[0]) if "eenheid" in gevoeligheid.columns else "fte"
    df = gevoeligheid.iloc[::-1]
    ax = plotting._new_ax(ax, figsize=(8, 0.6 * len(df) + 1.5))
    base = float(df["basis"].iloc[0])
    y = np.arange(len(df))
    ax.barh(y, df["laag"] - base, left=base, color=plotting.PALETTE[0], label="invoer 10% lager")
    ax.barh(y, df["hoog"] - base, left=base, color=plotting.PALETTE[1], label="invoer 10% hoger")
    ax.axvline(base, color="0.2", lw=1)
    ax.set_yticks(y, [plotting.omgebroken(t, 34) for t in df["label"]])
    ax.xaxis.set_major_formatter(plotting.nl_formatter())
    ax.grid(axis="y", visible=False)
    ax.set(xlabel=f"Te vervullen {unit}")
    # under the axes: inside, it would lie on the longest bars
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    return bijschrift(ax, f"Gevoeligheid van de projectie: de uitkomst, te vervullen {unit}, als één invoer 10% "
                          f"lager of hoger is (lijn: de uitkomst met de invoer zelf, {fmt_getal(base, 0)})")


def lezing_tornado(gevoeligheid: pd.DataFrame) -> str:
    if gevoeligheid.empty:
        return geen_gegevens("een gevoeligheidsanalyse")
    unit = str(gevoeligheid["eenheid"].iloc[0]) if "eenheid" in gevoeligheid.columns else "fte"
    top = gevoeligheid.iloc[0]
    text = (f"De uitkomst, te vervullen {unit}, hangt het sterkst af van de {top['label']}: 10% lager of hoger "
            f"geeft {fmt_getal(top['laag'], 0)} tot {fmt_getal(top['hoog'], 0)} (basis {fmt_getal(top['basis'], 0)})")
    if len(gevoeligheid) > 1:
        low = gevoeligheid.iloc[-1]
        text += f"; de {low['label']} doet het minst (bereik {fmt_getal(low['bereik'], 0)})"
    return text + "."


def tabel_gevoeligheid(gevoeligheid: pd.DataFrame) -> pd.DataFrame:
    """The tornado's numbers, the unit in every numeric header."""
    if gevoeligheid.empty:
        return pd.DataFrame()
    unit = str(gevoeligheid["eenheid"].iloc[0]) if "eenheid" in gevoeligheid.columns else "fte"
    out = gevoeligheid[["label", "laag", "basis", "hoog", "bereik"]].rename(columns={"label": "invoer"}).reset_index(drop=True)
    return kolommen(out, invoer=Kolom("tekst", naam=f"invoer (uitkomst: te vervullen {unit})"),
                    laag=Kolom("getal", 0, naam="invoer 10% lager"), basis=Kolom("getal", 0, naam="basis"),
                    hoog=Kolom("getal", 0, naam="invoer 10% hoger"), bereik=Kolom("getal", 0, naam="bereik"))


# ------------------------------------------------------------------ the published projection recomputed


def reproductie_samenvatting(tabel: pd.DataFrame, region=None) -> str:
    """One sentence on :func:`workforce.reproduce_published`; for a region that publishes a
    projection without a method the package can follow, says so (and not that it has none)."""
    if tabel.empty:
        if region is not None and region.has("raming"):
            return ("De regio publiceert wel een raming, maar zonder rekenwijze die het pakket kan narekenen "
                    "(geen tabel met vraag, in- en uitstroom per jaar); de gepubliceerde cijfers staan hieronder.")
        return geen_gegevens("een gepubliceerde raming")
    ok = tabel[tabel["consistent"]]
    within = int((ok["verschil"].abs() <= 1).sum())
    bad = tabel[~tabel["consistent"]]
    text = (f"Van de {len(tabel)} gepubliceerde cijfers zijn er {len(ok)} in overeenstemming met de rest van de tabel; "
            f"daarvan reproduceert het model er {within} binnen 1 fte of persoon")
    if not bad.empty:
        off = (bad["gepubliceerd"] - bad["volgens_eigen_regels"]).abs()
        how = (f"telkens {fmt_getal(off.max(), 0)} fte of persoon, wat past bij afronding" if off.max() <= TOLERANTIE
               else f"tot {fmt_getal(off.max(), 0)} fte of persoon, meer dan afronding verklaart")
        text += (f". {len(bad)} cijfers sporen niet met de eigen rekenregels van de publicatie ({how}): "
                 "zie de kolommen 'volgens de eigen rekenregels' en 'reden'")
    return text + "."


def gepubliceerde_raming(region) -> pd.DataFrame:
    """The region's published projection rows when the package cannot recompute them: ``jaar,
    functiegroep, indicator, waarde, eenheid, bron`` (readable labels)."""
    if not region.has("raming"):
        return pd.DataFrame()
    df = met_vermeld_jaar(region.raming, "jaar")
    groep = [_groep(g) + populatie_tekst(df.loc[[i]]) for i, g in df["functiegroep"].items()]
    out = pd.DataFrame({"jaar": df["jaar"].map(jaar_tekst), "functiegroep": groep,
                        "indicator": df["indicator"].map(lambda i: RAMING_LABELS.get(i, INDICATOR_LABELS.get(i, str(i).replace("_", " ")))),
                        "waarde": df["waarde"], "eenheid": df["eenheid"],
                        "bron": df["bron"].map(lambda b: bron_tekst(region, b))}).reset_index(drop=True)
    return kolommen(out, waarde=Kolom("getal", eenheid="eenheid"))


# ------------------------------------------------------------------ the plan's projection beside the package's


def aansluiting(region, inputs: workforce.WorkforceInputs | None) -> pd.DataFrame:
    """:func:`reconcile.bridge`, or an empty frame (no projection, or no published method)."""
    if inputs is None:
        return pd.DataFrame()
    try:
        return reconcile.bridge(region, inputs)
    except workforce.NoPublishedMethod:
        return pd.DataFrame()


#: the short column header of each step in :func:`tabel_aansluiting`
STAP_KOLOMMEN = {"gepubliceerd": "plan (gepubliceerd)", "nagerekend": "nagerekend", "afronden": "zonder afronden",
                 "saldo": "tekort opgeteld", "basis_stromen": "andere basis stromen", "invoer": "pakket"}


def tabel_aansluiting(brug: pd.DataFrame, indicator: str = "te_vervullen_fte") -> pd.DataFrame:
    """The plan's projection beside the package's, per common year and group (and in total), with
    every step between them as a column (:data:`STAP_KOLOMMEN`) and the difference."""
    if brug.empty:
        return pd.DataFrame()
    part = brug[brug["indicator"] == indicator]
    wide = part.pivot_table(index=["jaar", "functiegroep"], columns="stap", values="waarde", aggfunc="first")
    if not {"gepubliceerd", "invoer"} <= set(wide.columns):
        return pd.DataFrame()
    wide = wide.dropna(subset=["gepubliceerd", "invoer"])
    if wide.empty:
        return pd.DataFrame()
    wide = wide[[s for s in reconcile.STAPPEN if s in wide.columns]]
    totals = wide.groupby(level="jaar").sum(min_count=1).assign(functiegroep="totaal").set_index("functiegroep", append=True)
    wide = pd.concat([wide, totals])
    order = {g: i for i, g in enumerate((*workforce.GROEPEN, "totaal"))}
    wide = wide.reset_index().sort_values(["jaar", "functiegroep"], key=lambda s: s.map(order) if s.name == "functiegroep" else s)
    out = wide.rename(columns=STAP_KOLOMMEN)
    out = out.assign(jaar=out["jaar"].astype(int), functiegroep=out["functiegroep"].map(_groep))
    out["pakket min plan"] = out["pakket"] - out["plan (gepubliceerd)"]
    out = out.reset_index(drop=True)
    out.columns.name = None
    what = INDICATOR_LABELS.get(indicator, indicator)
    return kolommen(out, jaar="jaar", functiegroep=Kolom("tekst", naam=f"functiegroep: {what}"),
                    **{c: Kolom("getal", 0) for c in out.columns if c not in ("jaar", "functiegroep")})


def _stap_uitleg(stap: str, prev: pd.DataFrame, cur: pd.DataFrame, year: int, region, inputs) -> str:
    """Why a step changes the figures: the convention it changes, and per group what moved."""
    groups = [g for g in workforce.GROEPEN if g in set(cur["functiegroep"])]

    def val(df, g, ind):
        row = df[(df["functiegroep"] == g) & (df["indicator"] == ind)]
        return float(row["waarde"].iloc[0]) if not row.empty else np.nan

    if stap == "nagerekend":
        return "wat overblijft tegen de gepubliceerde cijfers is afronding of een cijfer dat niet met de rest van de tabel spoort"
    if stap == "afronden":
        return "het plan rondt elke tussenstap af op hele fte, het pakket niet"
    if stap == "saldo":
        pub = workforce.published_inputs(region)
        yearly = [g for g in groups if pub.saldo.get(g, "cumulatief") == "per_jaar"]
        moved = [f"{_groep(g)}: {_saldo_tekst(val(prev, g, 'tekort_fte'))} wordt {_saldo_tekst(val(cur, g, 'tekort_fte'))}"
                 for g in yearly if abs(val(cur, g, "tekort_fte") - val(prev, g, "tekort_fte")) > TOLERANTIE]
        clipped = [_groep(g) for g in yearly if val(cur, g, "te_vervullen_fte") == 0
                   and val(cur, g, "tekort_fte") + val(cur, g, "onvervuld_fte") < 0]
        text = (f"het plan neemt voor {opsomming([_groep(g) for g in yearly])} alleen het saldo van in- en uitstroom "
                f"van het jaar zelf; het pakket zet de vraag van elk jaar af tegen een bezetting die met de in- en "
                f"uitstroom van alle jaren tot en met {year} meegroeit")
        cum = [g for g in groups if g not in yearly]
        if cum:
            text += f" (zoals het plan al doet voor {opsomming([_groep(g) for g in cum])})"
        ram = region.raming
        change = []
        for g in yearly:
            d = ram[(ram["functiegroep"] == g) & (ram["indicator"] == "benodigd_fte")].sort_values("jaar")
            d = d[d["jaar"] <= year]
            if len(d) > 1 and abs(d["waarde"].iloc[-1] - d["waarde"].iloc[0]) > TOLERANTIE:
                change.append(f"{_groep(g)} van {fmt_getal(d['waarde'].iloc[0], 0)} ({int(d['jaar'].iloc[0])}) naar "
                              f"{fmt_getal(d['waarde'].iloc[-1], 0)} fte ({year})")
        if change:
            text += f", zodat ook de verandering van de vraag meetelt ({opsomming(change)})"
        if moved:
            text += "; in " + str(year) + ": " + "; ".join(moved)
        if clipped:
            text += f"; voor {opsomming(clipped)} is het opgetelde overschot groter dan de onvervulde werkgelegenheid, " \
                    "dus blijft er niets te vervullen"
        return text
    if stap == "basis_stromen":
        new = "de bezetting aan het begin van het jaar" if inputs.basis_stromen == "voorraad" else "de vraag van dat jaar"
        old = "de vraag van dat jaar" if inputs.basis_stromen == "voorraad" else "de bezetting aan het begin van het jaar"
        return f"in- en uitstroom zijn bij het pakket een percentage van {new}, in het plan van {old}"
    diff = reconcile.inputs_differences(region, inputs)
    bits = []
    for g, d in diff["groepen"].items():
        (s0, s1), (d0, d1) = d["voorraad"], d["drijvers"]
        if abs(s1 - s0) > TOLERANTIE or d0 != d1:
            drivers = lambda ds: (("alleen " if len(ds) == 1 else "") + "de leerlingen in "
                                  + opsomming([SOORT_LABELS.get(s, s) for s in ds])) if ds else "geen leerlingen (vaste vraag)"
            bits.append(f"{_groep(g)}: het pakket begint bij een bezetting van {fmt_getal(s1, 0)} fte "
                        f"({_telling_als_stand(inputs, g)}) en laat de vraag {drivers(d1)} volgen; "
                        "het plan begint bij zijn eigen "
                        f"vraag van {fmt_getal(s0, 0)} fte in {diff['eerste_jaar'][0]} en laat die {drivers(d0)} volgen")
    text = ("het pakket gebruikt zijn eigen invoer (zie de herkomst hierboven); " + "; ".join(bits)) if bits else \
        "het pakket gebruikt zijn eigen invoer (zie de herkomst hierboven)"
    if diff["basisjaar"][0] != diff["basisjaar"][1]:
        text += f"; basisjaar {diff['basisjaar'][1]} in plaats van {diff['basisjaar'][0]}"
    if not diff["tarieven_gelijk"]:
        text += "; andere in- en uitstroompercentages"
    if diff["fte_per_persoon"][0] != diff["fte_per_persoon"][1]:
        text += "; een andere gemiddelde fte per persoon"
    moved = []
    for g in groups:
        parts = []
        a, b = val(prev, g, "onvervuld_fte"), val(cur, g, "onvervuld_fte")
        if abs(b - a) > TOLERANTIE:
            parts.append(f"onvervulde werkgelegenheid {fmt_getal(a, 0)} → {fmt_getal(b, 0)} fte")
        a, b = val(prev, g, "tekort_fte"), val(cur, g, "tekort_fte")
        if abs(b - a) > TOLERANTIE:
            parts.append(f"{_saldo_kort(a)} → {_saldo_kort(b)} fte")
        if parts:
            moved.append(f"{_groep(g)} {opsomming(parts)}")
    if moved:
        text += f". Gevolg in {year}: " + "; ".join(moved)
    return text


def lezing_aansluiting(region, inputs, brug: pd.DataFrame) -> str:
    """The plan's figure and the package's for the last common year, and every difference larger
    than rounding explained, one step at a time (Markdown list)."""
    year = reconcile.last_common_year(brug) if not brug.empty else None
    if year is None:
        return ""
    steps = reconcile.step_totals(brug, year)
    groups = [g for g in workforce.GROEPEN if g in steps.columns]
    each = lambda s: opsomming([f"{_groep(g)} {fmt_getal(steps.loc[s, g], 0)}" for g in groups])
    plan, pkg = steps.loc["gepubliceerd", "totaal"], steps.loc["invoer", "totaal"]
    lines = [f"Het plan raamt voor {year} {fmt_getal(plan, 0)} fte te vervullen ({each('gepubliceerd')}); het pakket "
             f"komt op {fmt_getal(pkg, 0)} fte ({each('invoer')})."]
    if (steps.loc["invoer", groups] - steps.loc["gepubliceerd", groups]).abs().max() <= TOLERANTIE:
        lines.append("Het verschil is niet groter dan afronding.")
        return " ".join(lines)
    lines[0] += (f" Het verschil van {_signed(pkg - plan)} fte, stap voor stap van het plan naar het pakket "
                 "(telkens één ding anders, in deze volgorde):")
    order = list(steps.index)
    by_step = {s: brug[(brug["stap"] == s) & (brug["jaar"] == year)] for s in order}
    for prev, stap in zip(order, order[1:]):
        delta = steps.loc[stap, groups] - steps.loc[prev, groups]
        note = _stap_uitleg(stap, by_step[prev], by_step[stap], year, region, inputs)
        if delta.abs().max() <= TOLERANTIE:
            note += " (per groep niet meer dan afronding)"
        lines.append(f"\n- **{STAP_LABELS.get(stap, stap)}**: {fmt_getal(steps.loc[stap, 'totaal'], 0)} fte "
                     f"({_signed(steps.loc[stap, 'totaal'] - steps.loc[prev, 'totaal'])}); {note}.")
    persons = brug[(brug["jaar"] == year) & (brug["indicator"] == "te_vervullen_personen")]
    p = persons.groupby("stap")["waarde"].sum()
    if {"gepubliceerd", "invoer"} <= set(p.index):
        fpp = inputs.fte_per_persoon.get("totaal")
        lines.append(f"\n\nIn personen: plan {fmt_getal(p['gepubliceerd'], 0)}, pakket {fmt_getal(p['invoer'], 0)}"
                     + (f"; beide delen de te vervullen fte door gemiddeld {fmt_getal(fpp)} fte per persoon, dus dat "
                        "verschil volgt uit het verschil in fte." if fpp else "."))
    return "".join(lines)


# ------------------------------------------------------------------ the run


@dataclass
class SPP:
    """A region's SPP run: inputs, all scenarios, sensitivity, or what is missing."""

    inputs: workforce.WorkforceInputs | None
    projectie: pd.DataFrame
    gevoeligheid: pd.DataFrame
    ontbrekend: list[str]
    scenarios: dict
    regio: RegionData | None = field(default=None, repr=False)

    def tabel(self, scenario: str = "basis") -> pd.DataFrame:
        """The projection of one scenario as a readable table: a row per group and indicator."""
        if self.projectie.empty:
            return pd.DataFrame()
        df = self.projectie[self.projectie["scenario"] == scenario]
        wide = df.pivot_table(index=["functiegroep", "indicator"], columns="jaar", values="waarde").round(0)
        order = {ind: i for i, ind in enumerate(workforce.INDICATOREN)}
        wide = wide.reset_index().sort_values(["functiegroep", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s)
        wide.columns = [str(c) for c in wide.columns]
        wide["functiegroep"] = wide["functiegroep"].map(_groep)
        wide["indicator"] = wide["indicator"].map(lambda i: INDICATOR_LABELS.get(i, i))
        return wide.reset_index(drop=True)

    def uitleg(self) -> str:
        """Markdown: where every input came from, or which inputs are missing."""
        if self.inputs is None:
            return geen_gegevens("een SPP-projectie") + " Daarvoor ontbreekt: " + opsomming(self.ontbrekend) + "."
        flows = "de bezetting aan het begin van het jaar" if self.inputs.basis_stromen == "voorraad" else "de vraag van dat jaar"
        lines = [f"Basisjaar {self.inputs.basisjaar}, projectie {min(self.inputs.jaren)}–{max(self.inputs.jaren)}; "
                 f"in- en uitstroompercentages gelden ten opzichte van {flows}."]
        lines += [f"- {leesbare_bron(self.regio, b) if self.regio is not None else b}" for b in self.inputs.bronnen]
        anders = sorted({str(j) for j in self.inputs.voorraad_jaar.values() if j != self.inputs.basisjaar})
        if anders:
            lines.append(f"- de bezetting is een telling van {opsomming(anders)}; het pakket neemt haar als de stand aan "
                         f"het eind van het basisjaar {self.inputs.basisjaar} (het laatste jaar met gerealiseerde leerlingen)")
        lines += ["", "Scenario's:"] + [f"- {s.label or s.naam}" for s in self.scenarios.values()]
        return "\n".join(lines)


def _telling_als_stand(inputs, groep: str) -> str:
    """How the package dates a published staff count: "als stand eind 2024", and the count's own year
    when the source gives another ("een telling van 2025, genomen als stand eind 2024")."""
    jaar = inputs.voorraad_jaar.get(groep)
    if jaar is not None and jaar != inputs.basisjaar:
        return f"een telling van {jaar}, genomen als stand eind {inputs.basisjaar}"
    return f"als stand eind {inputs.basisjaar}"


def spp(region, *, scenario_bestand: str = "", jaren: int = 5) -> SPP:
    """Run the SPP for a region: all scenarios and a sensitivity table (or say what is missing).

    The sensitivity is per year (te vervullen fte averaged over the projection years), its unit
    in the column ``eenheid``."""
    scenarios = load_scenarios(scenario_bestand) if scenario_bestand else dict(workforce.SCENARIOS)
    missing = workforce.missing_inputs(region)
    if missing:
        return SPP(None, pd.DataFrame(), pd.DataFrame(), missing, scenarios, region)
    inputs = workforce.inputs_from_region(region, jaren=jaren)
    sens = workforce.sensitivity(inputs, per="jaar").assign(eenheid=eenheid_gevoeligheid(inputs))
    return SPP(inputs, workforce.project_scenarios(inputs, scenarios), sens, [], scenarios, region)


def reproductie(region) -> pd.DataFrame:
    """:func:`workforce.reproduce_published`, or an empty frame for a region without a described raming."""
    try:
        table = workforce.reproduce_published(region)
    except workforce.NoPublishedMethod:
        return pd.DataFrame()
    table = table.assign(functiegroep=table["functiegroep"].map(_groep),
                         indicator=table["indicator"].map(lambda i: INDICATOR_LABELS.get(i, i)))
    return kolommen(table, volgens_eigen_regels=Kolom("getal", 0, leeg="", naam="volgens de eigen rekenregels"),
                    jaar="jaar")


def stromen_uit_microdata(region) -> pd.DataFrame:
    """Yearly rates from the region's own employment spells (not from synthetic ones), rounded."""
    if not region.has("dienstverbanden") or "dienstverbanden" in region.synthetisch:
        return pd.DataFrame()
    return workforce.rates_from_spells(region.dienstverbanden).round(2)

