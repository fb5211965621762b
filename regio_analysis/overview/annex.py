"""Chapter 06, the annex: every figure the region publishes, once, with its year and source.

For each table of the region's data that holds published figures (:data:`annex_rijen.TABELLEN`),
:meth:`Hoofdstuk.tabel` shows every row (:mod:`.annex_rijen`), with the place in the report where
the same figure also stands (column ``ook in``, e.g. "hoofdstuk 1, Tekorten"). Series of at least three
years that no other chapter draws are drawn here (:func:`figuur_reeksen`). Where the plan states
the same thing twice with different values, both rows are listed (:func:`tegenstrijdigheden`),
never one chosen; counts the plan sets side by side from different sources or region divisions
are listed as such (:func:`vergelijkingen`). Microdata (employment spells, survey answers) are
never listed row by row. Nothing here reads files.
"""
from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.data.provenance import berekend, gepubliceerd_uit, markeer
from regio_analysis.data.region import MICRODATA_TABLES, documenttitel, leesbare_bron
from regio_analysis.overview import annex_rijen as rijen
from regio_analysis.overview.chapter import (FUNCTIEGROEP_VOORKEUR, RETENTIE_INDICATOREN, kerncijfers,
                                             leerlingen_regio, verzuim_reeks)
from regio_analysis.peerreview.coverage import samen_opleiden_coverage
from regio_analysis.peerreview.cycle import PARTNERSCHAP_SOORTEN
from regio_analysis.report import figures as plotting
from regio_analysis.report.format import (EENHEID_SOORT, MAX_RIJEN, Kolom, fmt_getal, fmt_pct, in_bestand, kolommen,
                                          opsomming)
from regio_analysis.report.tables import bijschrift
from regio_analysis.workforce import model as workforce
from regio_analysis.workforce.chapter.publiek import (contractduur, deeltijd, functiemix, leeftijd_55plus,
                                                      personeel_naar_populatie)
from regio_analysis.workforce.chapter.tekorten import stromen as stromen_01, tevredenheid

#: sections of other chapters, as "hoofdstuk <number>, <heading in its notebook>"
OOK_IN = {
    "00_leerlingen": "hoofdstuk 0, Leerlingen", "00_verzuim": "hoofdstuk 0, Ziekteverzuim", "00_kerncijfers": "hoofdstuk 0, Kerncijfers",
    "00_activiteiten": "hoofdstuk 0, Activiteiten", "01_leerlingen": "hoofdstuk 1, Leerlingen per schoolsoort",
    "01_personeel": "hoofdstuk 1, Personeel per functiegroep", "01_leeftijd": "hoofdstuk 1, Leeftijd",
    "01_deeltijd": "hoofdstuk 1, Deeltijd en werkweek", "01_contractduur": "hoofdstuk 1, Duur van het dienstverband",
    "01_tekort": "hoofdstuk 1, Tekorten", "01_tevredenheid": "hoofdstuk 1, Tevredenheid", "01_stromen": "hoofdstuk 1, In- en uitstroom",
    "01_raming": "hoofdstuk 1, De gepubliceerde raming nagerekend", "02_tijdlijn": "hoofdstuk 2, Tijdlijn",
    "05_samen_opleiden": "hoofdstuk 5, Samen Opleiden: dekking en bekostiging", "05_cyclus": "hoofdstuk 5, Peer-reviewcyclus",
}
#: per table: the year column, the columns that make one series, and those that tell the lines of
#: one panel apart (the rest names the panel)
REEKSEN = {
    "leerlingen": ("peiljaar", ["niveau", "vestigingscode", "soort"], ["soort"]),
    "personeel": ("peiljaar", ["kenmerk", "eenheid", "categorie", "functiegroep", "niveau"],
                  ["categorie", "functiegroep", "niveau"]),
    "stromen": ("jaar", ["richting", "kenmerk", "eenheid", "categorie", "functiegroep", "niveau"],
                ["functiegroep", "niveau"]),
    "verzuim": ("jaar", ["indicator", "eenheid", "functiegroep", "niveau"], ["functiegroep", "niveau"]),
    "tekort": ("jaar", ["component", "eenheid", "functiegroep", "niveau", "scenario"],
               ["functiegroep", "niveau", "scenario"]),
    "raming": ("jaar", ["indicator", "scenario", "eenheid", "functiegroep"], ["functiegroep"]),
    "kengetallen": ("jaar", ["onderwerp", "indicator", "eenheid", "functiegroep", "categorie", "niveau"],
                    ["functiegroep", "categorie", "niveau"]),
    "begroting": ("jaar", ["eenheid", "post", "categorie"], ["post", "categorie"]),
}
MIN_JAREN = 3
_PANEEL = {"leerlingen": "leerlingen", "begroting": "begroting"}
#: the concept of rows that state the share of staff aged 55 or over, in whichever table
BEGRIP_55PLUS = "Aandeel personeel van 55 jaar en ouder"
EIGEN_TELLING = "eigen telling van de regio"
FEIT_KOLOMMEN = ["tabel", "begrip", "populatie", "jaar", "eenheid", "waarde", "wat", "bron", "opmerking"]


# ------------------------------------------------------------------ where else a row is shown


def _norm(v):
    if rijen.leeg(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return round(float(v), 6)
    return str(v)


def _in(df: pd.DataFrame, cols: list[str], ref: pd.DataFrame, ref_cols: list[str] | None = None) -> pd.Series:
    """Whether each row's ``cols`` occur together in a row of ``ref`` (its ``ref_cols``)."""
    if df.empty or ref is None or ref.empty:
        return pd.Series(False, index=df.index)
    keys = {tuple(_norm(v) for v in row) for row in ref[ref_cols or cols].itertuples(index=False)}
    return pd.Series([tuple(_norm(v) for v in row) in keys for row in df[cols].itertuples(index=False)], index=df.index)


def _regio(df: pd.DataFrame) -> pd.Series:
    return df["niveau"] == "regio" if "niveau" in df.columns else pd.Series(True, index=df.index)


def _elders(region, naam: str, df: pd.DataFrame) -> dict[str, tuple[pd.Series, bool | pd.Series]]:
    """Per section of another chapter (key of :data:`OOK_IN`): which rows of ``df`` it shows, and
    whether it draws them in a figure."""
    no = pd.Series(False, index=df.index)
    if naam == "leerlingen":
        eigen = _regio(df) & (df["vestigingscode"] == "")
        ll = leerlingen_regio(region)
        totalen = ll if not ll.empty and ll["soorten"].iloc[0] == "" else ll.iloc[0:0]
        return {"00_leerlingen": (eigen & (df["soort"] == "totaal") & _in(df, ["peiljaar", "aantal"], totalen), True),
                "01_leerlingen": (eigen & _in(df, ["peiljaar", "soort", "aantal"], workforce.pupil_forecast(region),
                                              ["jaar", "soort", "aantal"]), True)}
    if naam == "verzuim":
        kandidaat = (df["indicator"] == "ziekteverzuimpercentage") & (df["eenheid"] == "procent") \
            & df["niveau"].isin(["regio", "landelijk"]) & df["waarde"].notna()
        groep = next((g for g in FUNCTIEGROEP_VOORKEUR if (kandidaat & (df["functiegroep"] == g)).any()), None)
        return {"00_verzuim": (kandidaat & (df["functiegroep"] == groep)
                               & _in(df, ["jaar", "niveau", "waarde"], verzuim_reeks(region)), True)}
    if naam == "tekort":
        shown = df["waarde"].notna()
        return {"01_tekort": (shown, shown & (df["eenheid"] == "procent"))}
    if naam == "stromen":
        shown = _regio(df) & (df["eenheid"] == "procent") & df["waarde"].notna()
        shown &= _in(df, ["functiegroep", "richting", "kenmerk", "categorie", "waarde"], stromen_01(region))
        return {"01_stromen": (shown, shown & (df["kenmerk"] == "totaal"))}
    if naam == "raming":
        try:
            shown = _in(df, ["jaar", "functiegroep", "indicator"], workforce.reproduce_published(region))
        except workforce.NoPublishedMethod:
            shown = pd.Series(True, index=df.index)
        return {"01_raming": (shown, False)}
    if naam == "personeel":
        pct = _regio(df) & (df["eenheid"] == "procent")
        mix = functiemix(region)
        return {
            "01_leeftijd": ((df["kenmerk"] == "leeftijd") & (df["categorie"] == "55+") & (df["functiegroep"] == "totaal")
                            & (df["eenheid"] == "procent") & _in(df, ["niveau", "waarde"], leeftijd_55plus(region)), True),
            "01_deeltijd": (_regio(df) & _in(df, ["kenmerk", "categorie", "waarde", "eenheid"], deeltijd(region)),
                            (df["kenmerk"] == "deeltijd") & (df["eenheid"] == "procent")),
            "01_contractduur": (pct & (df["kenmerk"] == "contractduur")
                                & _in(df, ["categorie", "waarde"], contractduur(region)), True),
            "01_personeel": (pct & (df["kenmerk"] == "functiemix")
                             & _in(df, ["functiegroep", "waarde"], mix, ["functiegroep", "aandeel"]), False),
        }
    if naam == "kengetallen":
        return _elders_kengetallen(region, df)
    if naam == "samen_opleiden":
        return {"05_samen_opleiden": (pd.Series(True, index=df.index), False)}
    if naam == "partnerschappen":
        return {"00_kerncijfers": (df["peer_review_jaar"].notna(), False),
                "05_cyclus": (df["soort"].isin(PARTNERSCHAP_SOORTEN), False)}
    if naam == "activiteiten":
        dated = df["start"].notna() & df["einde"].notna()
        return {"00_activiteiten": (dated, True), "02_tijdlijn": (dated, True)}
    return {"": (no, False)}


def _elders_kengetallen(region, df: pd.DataFrame):
    pop = personeel_naar_populatie(region)
    telling = _regio(df) & (df["onderwerp"] == "basisgegevens") & df["indicator"].isin(["personen", "formatieplaatsen"])
    pers = telling & (df["indicator"] == "personen") & _in(df, ["categorie", "functiegroep", "waarde"], pop,
                                                              ["populatie", "functiegroep", "personen"])
    fte = telling & (df["indicator"] == "formatieplaatsen") & _in(df, ["categorie", "functiegroep", "waarde"], pop,
                                                                  ["populatie", "functiegroep", "fte"])
    tev = tevredenheid(region)
    eigen = df["indicator"].astype(str).str.replace(r"^tevreden_(met_|over_)?", "", regex=True).str.replace("_", " ")
    aspect = np.where(df["categorie"] == "totaal", eigen, df["categorie"])
    own = df.assign(aspect=aspect)
    sat = _regio(df) & (df["onderwerp"] == "tevredenheid") & (df["eenheid"] == "procent") \
        & _in(own, ["aspect", "waarde"], tev)
    doel = (df["indicator"] == "tevredenheid_doel") & _in(own, ["categorie", "waarde"], tev.dropna(subset=["doel"]),
                                                         ["aspect", "doel"])
    so = region.samen_opleiden
    controles = samen_opleiden_coverage(so, kengetallen=df).controles if region.has("samen_opleiden") else None
    plan = _in(df, ["onderwerp", "indicator", "categorie", "waarde"], controles,
               ["onderwerp", "indicator", "categorie", "vermeld"])
    kern = kerncijfers(region)
    ret = pd.Series(False, index=df.index)
    for i, r in df[df["indicator"].isin(RETENTIE_INDICATOREN) & (df["eenheid"] == "procent")].iterrows():
        sleutel = RETENTIE_INDICATOREN[r["indicator"]][0]
        ret[i] = sleutel in kern.index and kern.loc[sleutel, "waarde"] == fmt_pct(r["waarde"], None)
    return {"01_personeel": (pers | fte, False), "01_tevredenheid": (sat | doel, True), "00_kerncijfers": (ret, False),
            "05_samen_opleiden": (plan, False)}


def ook_in(region, naam: str, df: pd.DataFrame) -> pd.DataFrame:
    """Per row of the region's table ``naam``: ``ook in`` (the sections of other chapters that show
    the same figure, "; "-joined, "" for none) and ``getekend`` (whether one of them draws it)."""
    out = pd.DataFrame({"ook in": "", "getekend": False}, index=df.index)
    for key, (shown, drawn) in _elders(region, naam, df).items():
        shown = shown.reindex(df.index, fill_value=False).astype(bool)
        if not key or not shown.any():
            continue
        out.loc[shown, "ook in"] = (out.loc[shown, "ook in"] + "; " + OOK_IN[key]).str.lstrip("; ")
        drawn = drawn if isinstance(drawn, pd.Series) else pd.Series(bool(drawn), index=df.index)
        out["getekend"] |= shown & drawn.reindex(df.index, fill_value=False).astype(bool)
    return out


# ------------------------------------------------------------------ series not drawn elsewhere


def _reeks_tekst(naam: str, col: str, value) -> str:
    value = rijen.tekst(value)
    if col == "soort":
        return "totaal zoals gepubliceerd" if value == "totaal" else rijen.SOORTEN.get(value, value)
    if value in ("", "totaal", "regio", "gepubliceerd"):
        return ""
    if col == "functiegroep":
        return rijen.groep(value)
    if col == "niveau":
        return rijen.niveau_tekst(value)
    if col == "indicator" and naam == "raming":
        return rijen.RAMING.get(value, rijen.woorden(value))
    if col == "eenheid":
        return ""
    return rijen.GRENZEN.get(value) or rijen.woorden(value)


def reeksen(region, tabellen: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The series of at least :data:`MIN_JAREN` stated years that no other chapter draws: per row
    ``tabel, paneel, lijn, jaar, waarde, eenheid, prognose, bron``."""
    cols = ["tabel", "paneel", "lijn", "jaar", "waarde", "eenheid", "prognose", "bron"]
    parts = []
    for naam, (jaar_kol, serie, lijn) in REEKSEN.items():
        df = (tabellen or {}).get(naam, region.tables.get(naam))
        if df is None or df.empty or naam in region.synthetisch:
            continue
        df = df.assign(eenheid="aantal", waarde=df["aantal"]) if naam == "leerlingen" else df
        df = df.assign(eenheid="eur", waarde=df["bedrag_eur"]) if naam == "begroting" else df
        vermeld = df["jaar_vermeld"] if "jaar_vermeld" in df.columns else pd.Series(True, index=df.index)
        jaren = [None if rijen.jaar_tekst(j, v) == rijen.JAAR_NIET_VERMELD else int(j)
                 for j, v in zip(df[jaar_kol], vermeld)]
        df = df.assign(_jaar=jaren, _getekend=ook_in(region, naam, df)["getekend"])
        df = df[df["_jaar"].notna() & df["waarde"].notna()]
        for _, part in df.groupby([df[c].astype(str) for c in serie], sort=False):
            if part["_getekend"].any() or part["_jaar"].nunique() < MIN_JAREN:
                continue
            first = part.iloc[0]
            paneel = " · ".join(t for t in (_reeks_tekst(naam, c, first[c]) for c in serie if c not in lijn) if t)
            unit = EENHEID_SOORT.get(str(first["eenheid"]), ("", None, ""))[2].strip() or \
                ("%" if first["eenheid"] == "procent" else "")
            paneel = rijen.hoofdletter(paneel or _PANEEL.get(naam, rijen.TABEL_NAMEN[naam])) + (f" ({unit})" if unit else "")
            parts.append(pd.DataFrame({
                "tabel": naam, "paneel": paneel,
                "lijn": " · ".join(t for t in (_reeks_tekst(naam, c, first[c]) for c in lijn) if t) or "totaal",
                "jaar": part["_jaar"].astype(int).to_numpy(), "waarde": part["waarde"].astype(float).to_numpy(),
                "eenheid": part["eenheid"].to_numpy(),
                "prognose": (part["prognose"].astype(bool).to_numpy() if "prognose" in part.columns
                             else np.full(len(part), naam == "raming")),
                "bron": part["bron"].to_numpy()}))
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def figuur_reeksen(region, ax: Axes | None = None) -> Axes | None:
    """Small multiples of :func:`reeksen`: one panel per quantity, one line per group (dashed: a
    forecast), a group in its colour of the whole report and one legend under the panels; None when
    there is no such series."""
    df = reeksen(region)
    if df.empty:
        return None
    import matplotlib.pyplot as plt

    panels = list(dict.fromkeys(zip(df["tabel"], df["paneel"])))
    ncols = 1 if len(panels) == 1 else 2
    nrows = math.ceil(len(panels) / ncols)
    if ax is None:
        _fig, axes = plt.subplots(nrows, ncols, figsize=(5.6 * ncols, 3.3 * nrows + 0.6), squeeze=False)
        axes = list(axes.ravel())
    else:
        axes = [ax] * len(panels)
    palette = plotting.kleuren(list(dict.fromkeys(df["lijn"])))
    entries = {}
    for a, (tabel, paneel) in zip(axes, panels):
        part = df[(df["tabel"] == tabel) & (df["paneel"] == paneel)]
        for lijn, line in part.groupby("lijn", sort=False):
            line = line.sort_values("jaar")
            kleur = palette[lijn]
            real, prog = line[~line["prognose"].astype(bool)], line[line["prognose"].astype(bool)]
            if not real.empty:
                a.plot(real["jaar"], real["waarde"], marker="o", color=kleur, label=lijn)
            if not prog.empty:  # a forecast dashed, joined to the last realised year
                joined = pd.concat([real.tail(1), prog])
                a.plot(joined["jaar"], joined["waarde"], marker="o", color=kleur, linestyle="--",
                       label=None if not real.empty else lijn)
            if part["lijn"].nunique() > 1:
                entries.setdefault(lijn, a.lines[-1])
        if part["lijn"].nunique() == 1 and part["lijn"].iloc[0] != "totaal":
            paneel = f"{paneel}: {part['lijn'].iloc[0]}"
        pct = (part["eenheid"] == "procent").all()
        a.yaxis.set_major_formatter(plotting.nl_formatter(None, pct=pct))
        plotting._year_axis(a)
        a.set(title=plotting.omgebroken(paneel, 48), xlabel="Jaar", ylabel="")
        a.title.set_fontsize("medium")
    for a in axes[len(panels):]:
        a.set_visible(False)
    fig = axes[0].figure
    fig.tight_layout()
    if entries:  # one legend under the panels: inside a panel it covers lines
        where = {"loc": "upper center", "ncols": min(3, len(entries)), "fontsize": "small"}
        if len({id(a) for a in axes}) == 1:
            axes[0].legend(list(entries.values()), list(entries), bbox_to_anchor=(0.5, -0.15), **where)
        else:
            fig.legend(list(entries.values()), list(entries), bbox_to_anchor=(0.5, 0.0), **where)
    ax = bijschrift(axes[0], f"Reeksen van ten minste drie jaren uit de publicatie die elders in het rapport niet "
                             f"getekend zijn, {plotting.periode(df['jaar'])} (gestippeld: raming of prognose)")
    return markeer(ax, gepubliceerd_uit(region, df))


def lezing_reeksen(region) -> str:
    df = reeksen(region)
    if df.empty:
        return ("Geen reeks van ten minste drie jaren die elders in het rapport niet al getekend is; alle cijfers "
                "staan in de tabellen hieronder.")
    n = df.groupby(["tabel", "paneel", "lijn"]).ngroups
    tabellen = opsomming([rijen.TABEL_NAMEN[t] for t in dict.fromkeys(df["tabel"])])
    jaren = f"{int(df['jaar'].min())}–{int(df['jaar'].max())}"
    return (f"De figuur tekent {n} reeksen met ten minste drie jaren ({jaren}) uit {tabellen}, die geen ander hoofdstuk "
            "tekent; de getallen staan in de tabellen hieronder.")


# ------------------------------------------------------------------ the same thing stated twice


def feiten(region) -> pd.DataFrame:
    """The published figures that can be set against each other, in one long frame
    (:data:`FEIT_KOLOMMEN`): ``begrip`` says what a figure is about without its source or region
    division (``populatie``: who counted, "" for the region itself), ``jaar`` is missing where the
    source gives none. Holds the key figures, the staff characteristics (the share aged 55 or over
    under one concept, whichever table states it) and the number of boards the plan names."""
    rows = []
    kg = region.kengetallen if "kengetallen" not in region.synthetisch else region.kengetallen.iloc[0:0]
    for _, r in kg.iterrows():
        cat = rijen.tekst(r["categorie"])
        populatie = "" if cat == "onderwijsregio" else rijen.POPULATIES.get(cat, "")
        if str(r["indicator"]).startswith("aandeel_ouder_dan_55"):
            begrip = rijen._met(BEGRIP_55PLUS, rijen.groep(r["functiegroep"]) if r["functiegroep"] != "totaal" else "",
                                rijen.waar(r["niveau"]))
        else:
            begrip = rijen.kengetal_label(r, populatie=False)
        rows.append(("kengetallen", begrip, populatie, r["jaar"], r["eenheid"], r["waarde"],
                     rijen.kengetal_label(r), r["bron"], rijen.tekst(r.get("opmerking"))))
    pers = region.personeel if "personeel" not in region.synthetisch else region.personeel.iloc[0:0]
    labels = rijen.personeel(region, pers)["wat"] if not pers.empty else pd.Series(dtype=object)
    for i, r in pers.iterrows():
        if r["kenmerk"] == "leeftijd" and r["categorie"] == "55+":
            begrip = rijen._met(BEGRIP_55PLUS, rijen.groep(r["functiegroep"]) if r["functiegroep"] != "totaal" else "",
                                rijen.waar(r["niveau"]))
        else:
            begrip = labels[i]
        jaar = None if rijen.jaar_tekst(r["peiljaar"], r.get("jaar_vermeld", True)) == rijen.JAAR_NIET_VERMELD \
            else r["peiljaar"]
        rows.append(("personeel", begrip, "", jaar, r["eenheid"], r["waarde"], labels[i], r["bron"],
                     rijen.tekst(r.get("opmerking"))))
    besturen = region.meta.get("besturen") or []
    if besturen:
        rows.append(("regio", "Aantal besturen", "", None, "aantal", float(len(besturen)),
                     "Besturen die het plan bij naam noemt, geteld", documenttitel(region),
                     "het aantal namen in de lijst van deelnemende besturen van het plan"))
    out = pd.DataFrame(rows, columns=FEIT_KOLOMMEN)
    out["jaar"] = pd.to_numeric(out["jaar"], errors="coerce").astype("Int64")
    out["waarde"] = pd.to_numeric(out["waarde"], errors="coerce").astype(float)
    return out


def _verschillend(waarden: pd.Series) -> bool:
    """Whether published values differ by more than the coarser one's rounding (27,7 and 28 do not)."""
    v = waarden.dropna().astype(float)
    if v.nunique() < 2:
        return False
    places = min(rijen.decimalen(x) for x in v)
    return len({fmt_getal(x, places) for x in v}) > 1


def tegenstrijdigheden(feiten_: pd.DataFrame) -> pd.DataFrame:
    """Figures that describe the same thing (``begrip``), counted by the same (``populatie``), for
    the same year in the same unit, with different values: every such row, numbered per group
    (``nr``), none chosen. A figure whose source gives no year counts as of the same year as the
    others when they are all of one year (the plan's list of boards beside its count of 2025);
    among figures of several years it is set only against other undated ones. Columns
    :data:`FEIT_KOLOMMEN` plus ``nr``."""
    cols = ["nr", *FEIT_KOLOMMEN]
    if feiten_.empty:
        return pd.DataFrame(columns=cols)
    df = feiten_.dropna(subset=["waarde"])
    same = [df["begrip"], df["populatie"], df["eenheid"]]
    years = df.groupby(same, sort=False, dropna=False)["jaar"].transform(lambda j: j.dropna().nunique())
    jaar = df["jaar"].astype(str).where(years > 1, "één jaar")
    key = [*same, jaar]
    groups = [part for _, part in df.groupby(key, sort=False, dropna=False) if _verschillend(part["waarde"])]
    if not groups:
        return pd.DataFrame(columns=cols)
    return pd.concat([g.assign(nr=i) for i, g in enumerate(groups, 1)], ignore_index=True)[cols]


def vergelijkingen(feiten_: pd.DataFrame) -> pd.DataFrame:
    """Counts of one thing the plan sets side by side from different sources or region divisions
    (``populatie``): every row of a ``begrip`` and unit with at least two populations and
    different values, numbered per group (``nr``). Columns :data:`FEIT_KOLOMMEN` plus ``nr``."""
    cols = ["nr", *FEIT_KOLOMMEN]
    df = feiten_[feiten_["tabel"] != "regio"].dropna(subset=["waarde"]) if not feiten_.empty else feiten_
    groups = [part for _, part in df.groupby([df["begrip"], df["eenheid"]], sort=False)
              if part["populatie"].nunique() > 1 and _verschillend(part["waarde"])] if not df.empty else []
    if not groups:
        return pd.DataFrame(columns=cols)
    return pd.concat([g.assign(nr=i) for i, g in enumerate(groups, 1)], ignore_index=True)[cols]


def _feiten_tabel(region, df: pd.DataFrame, populatie: bool) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame()
    out = pd.DataFrame({"nr": df["nr"].astype(str), "onderwerp": df["begrip"], "wat": df["wat"]})
    if populatie:
        out["geteld door"] = df["populatie"].replace("", EIGEN_TELLING)
    out = out.assign(waarde=df["waarde"].astype(float), eenheid=df["eenheid"],
                     jaar=[rijen.jaar_tekst(j) for j in df["jaar"]],
                     bron=[leesbare_bron(region, b) for b in df["bron"]], opmerking=df["opmerking"])
    return kolommen(out, nr=Kolom("tekst"), waarde=rijen.WAARDE, jaar=Kolom("tekst"))


def _waarden_tekst(part: pd.DataFrame) -> str:
    return opsomming([f"{rijen.met_eenheid(r['waarde'], r['eenheid'])} ({r['wat'][:1].lower() + r['wat'][1:]}; "
                      f"{rijen.jaar_tekst(r['jaar'])})" for _, r in part.iterrows()], en="tegenover")


def lezing_tegenstrijdigheden(df: pd.DataFrame) -> str:
    if df.empty:
        return ("In de overgenomen cijfers noemt het plan niets twee keer met een andere waarde (vergeleken zijn "
                "cijfers over hetzelfde onderwerp, van dezelfde telling, uit hetzelfde jaar en in dezelfde eenheid).")
    delen = [f"{part['begrip'].iloc[0].lower()}: {_waarden_tekst(part)}" for _, part in df.groupby("nr", sort=True)]
    n = df["nr"].nunique()
    wat = "één onderwerp" if n == 1 else f"{n} onderwerpen"
    return (f"Het plan noemt over {wat} twee of meer verschillende waarden, voor hetzelfde jaar (of zonder jaar): "
            f"{'; '.join(delen)}. Het rapport kiest er geen uit; de bronnen en opmerkingen staan in de tabel.")


def lezing_vergelijkingen(df: pd.DataFrame) -> str:
    if df.empty:
        return "Het plan zet geen tellingen van verschillende bronnen of regio-indelingen naast elkaar."
    n = df["nr"].nunique()
    bronnen = opsomming(list(dict.fromkeys(df["populatie"].replace("", EIGEN_TELLING))))
    return (f"Het plan zet voor {n} {'onderwerp' if n == 1 else 'onderwerpen'} tellingen naast elkaar van {bronnen}; "
            "die tellen een andere samenstelling of een ander jaar en zijn dus geen tegenstrijdigheid. Welke telling "
            "het plan zelf gebruikt, staat in de opmerking.")


# ------------------------------------------------------------------ the chapter


def gepubliceerde_tabellen(region) -> list[str]:
    """The tables of :data:`annex_rijen.TABELLEN` the region has rows for (never synthetic ones)."""
    return [t for t in rijen.TABELLEN if region.has(t) and t not in region.synthetisch]


class Hoofdstuk:
    """Chapter 06 for one region: the annex of every published figure. ``region`` is loaded
    without synthetic data (``load_region(regio_id)``)."""

    def __init__(self, region):
        self.region = region
        self._cache: dict[str, pd.DataFrame] = {}

    @cached_property
    def _feiten(self) -> pd.DataFrame:
        return feiten(self.region)

    def _rijen(self, naam: str) -> pd.DataFrame:
        """The annex's rows of table ``naam`` with ``ook in`` (computed once per table)."""
        if naam not in self._cache:
            df = self.region.tables[naam]
            out = rijen.RIJEN[naam](self.region, df)
            self._cache[naam] = out.assign(**{"ook in": ook_in(self.region, naam, df)["ook in"]})
        return self._cache[naam].copy()

    def inleiding(self) -> str:
        tabellen = gepubliceerde_tabellen(self.region)
        micro = [t for t in MICRODATA_TABLES if self.region.has(t) and t not in self.region.synthetisch]
        if not tabellen:
            tekst = "De regio levert geen tabellen met gepubliceerde cijfers; deze bijlage is daarom leeg."
        else:
            n = sum(len(self.region.tables[t]) for t in tabellen)
            tekst = (f"Deze bijlage toont elk gepubliceerd cijfer van de regio dat in de gegevens van het pakket is "
                     f"overgenomen uit het {documenttitel(self.region)}: {n} rijen uit {len(tabellen)} tabellen, elke "
                     "rij één keer, met het jaar (of 'jaar niet vermeld' waar de bron geen jaar geeft), de bron "
                     "(document en paragraaf) en de opmerking die bij het overnemen is gemaakt. Een bandbreedte blijft "
                     "een bandbreedte: elke grens staat op een eigen rij en de kolom 'bandbreedte' geeft het hele "
                     "bereik. De kolom 'ook in' noemt het hoofdstuk en de paragraaf waar hetzelfde cijfer ook staat. "
                     "Noemt het plan hetzelfde twee keer met een andere waarde, dan staan beide hieronder bij de "
                     "tegenstrijdigheden; het rapport kiest er geen uit.")
        if micro:
            tekst += (f" De eigen microdata van de regio ({opsomming(micro)}) staan niet rij voor rij in deze bijlage; "
                      "de hoofdstukken die ze gebruiken, tonen alleen samenvattingen.")
        return tekst

    def tabel_overzicht(self) -> pd.DataFrame:
        """Per published table: its rows, those without a year, those in a range, those shown elsewhere too."""
        rows = []
        for naam in gepubliceerde_tabellen(self.region):
            t = self._rijen(naam)
            rows.append({"tabel": rijen.hoofdletter(rijen.TABEL_NAMEN[naam]), "rijen": len(t),
                         "zonder jaar": int((t["jaar"] == rijen.JAAR_NIET_VERMELD).sum()) if "jaar" in t else 0,
                         "in een bandbreedte": int((t["bandbreedte"] != "").sum()) if "bandbreedte" in t else 0,
                         "ook elders in het rapport": int((t["ook in"] != "").sum())})
        out = pd.DataFrame(rows, columns=["tabel", "rijen", "zonder jaar", "in een bandbreedte",
                                          "ook elders in het rapport"])
        if out.empty:
            return out
        return bijschrift(markeer(kolommen(out, **{c: Kolom("aantal") for c in out.columns[1:]}),
                                  berekend("telling van de rijen van de gepubliceerde tabellen van de regio")),
                          "De gepubliceerde tabellen van de regio: rijen, rijen zonder jaar, in een bandbreedte en ook "
                          "elders in het rapport")

    def tabel(self, naam: str) -> pd.DataFrame:
        """Every row of the region's table ``naam`` (one of :data:`annex_rijen.TABELLEN`); empty when
        the region has none."""
        if naam not in rijen.TABELLEN:
            raise KeyError(f"{naam!r} is geen gepubliceerde tabel; kies uit {', '.join(rijen.TABELLEN)}")
        if naam not in gepubliceerde_tabellen(self.region):
            return pd.DataFrame()
        return bijschrift(markeer(self._rijen(naam).reset_index(drop=True),
                                  gepubliceerd_uit(self.region, self.region.tables[naam])),
                          f"{rijen.hoofdletter(rijen.TABEL_NAMEN[naam])} zoals gepubliceerd")

    def delen(self, naam: str) -> list[pd.DataFrame]:
        """:meth:`tabel` as the report shows it: one table, or, when it is longer than
        :data:`~regio_analysis.report.format.MAX_RIJEN` rows, tables of at most that many rows grouped by
        :data:`annex_rijen.DELEN` (each captioned with its group)."""
        heel = self.tabel(naam)
        if len(heel) <= MAX_RIJEN:
            return [heel]
        labels = rijen.groep_labels(naam, self.region.tables[naam], heel)
        out = []
        for label, posities in rijen.delen(labels, MAX_RIJEN):
            deel = heel.iloc[posities].reset_index(drop=True)
            deel.attrs = dict(heel.attrs)
            out.append(bijschrift(deel, f"{rijen.hoofdletter(rijen.TABEL_NAMEN[naam])} zoals gepubliceerd: {label}"))
        return out

    def toon_tabel(self, naam: str, output_dir: str = "", wat: str | None = None) -> None:
        """Show :meth:`delen` (the note "geen gegevens" when the region has no such table, ``wat`` naming
        it) and keep the whole table as ``tabellen/bijlage-<naam>.csv`` in ``output_dir``; when it is
        shown in parts, a note names that file."""
        from regio_analysis.report.tables import bewaar_tabel, toon_tabel, toon_tekst

        bestand = f"bijlage-{naam.replace('_', '-')}"
        delen = self.delen(naam)
        if len(delen) == 1:
            toon_tabel(delen[0], bestand, output_dir, wat=wat)
            return
        for deel in delen:  # the parts are not kept apart: the whole table is
            toon_tabel(deel, bestand, "", wat=wat)
        heel = self.tabel(naam)
        bewaar_tabel(heel, bestand, output_dir)
        toon_tekst(in_bestand(bestand, output_dir, f"De hele tabel ({len(heel)} rijen)"))

    def figuur_reeksen(self) -> Axes | None:
        return figuur_reeksen(self.region)

    def lezing_reeksen(self) -> str:
        return lezing_reeksen(self.region)

    def tabel_tegenstrijdigheden(self) -> pd.DataFrame:
        df = tegenstrijdigheden(self._feiten)
        out = _feiten_tabel(self.region, df, populatie=False)
        if out.empty:
            return out
        return bijschrift(markeer(out, gepubliceerd_uit(self.region, df),
                                  berekend("naast elkaar gezet: cijfers over hetzelfde onderwerp, van dezelfde telling, "
                                           "uit hetzelfde jaar en in dezelfde eenheid, met een andere waarde")),
                          "Onderwerpen die het plan twee keer noemt met een andere waarde, elke waarde met haar bron")

    def lezing_tegenstrijdigheden(self) -> str:
        return lezing_tegenstrijdigheden(tegenstrijdigheden(self._feiten))

    def tabel_vergelijkingen(self) -> pd.DataFrame:
        df = vergelijkingen(self._feiten)
        out = _feiten_tabel(self.region, df, populatie=True)
        return out if out.empty else bijschrift(markeer(out, gepubliceerd_uit(self.region, df)),
                                                "Tellingen van verschillende bronnen of regio-indelingen naast elkaar")

    def lezing_vergelijkingen(self) -> str:
        return lezing_vergelijkingen(vergelijkingen(self._feiten))

