"""Readings that cannot lie, chapters 00, 01, 02 and 05 (issue 15, item 6).

Every figure in every reading (``lezing_*``, ``uitleg_*``, ``inleiding``) of the four default
regions equals, at the decimals the reading shows, a number of the tables the reading describes:
a table the chapter shows (``tabel_*``, with the steps of :func:`tracing.toegestane_getallen`), the
data a figure of the chapter draws, or the region's own tables (``regio.<tabel>``), or it follows
from them by one of the rules below, each named where a reading uses it. Which numbers in a text
are figures (not a section number, a source reference or a title) is said in :mod:`tracing`.

Each reading's sources are listed in :data:`BRONNEN`; a reading without an entry fails. The rules
by which a number may follow from its sources are few, and each reading lists the ones it words
(none applies to another reading); every rule function says in its description what it computes:

- counting rows (``tellingen``, ``rijen`` and the counts among the rules): of a table, per value of
  one column, with a value in a column, distinct values ("40 activiteiten in 11 thema's", "5 van de 40");
- a percentage change 100·(b/a − 1) of two values of one series ("1,4% minder");
- a difference of two values the reading sets against each other ("53 tot 315 leerlingen meer");
- a sum or mean of the values of a group the reading names ("samen 38%", "gemiddeld 5,3%");
- a quotient the reading names ("0,75 fte bij 40 uur", "× 1,039", "7%" for a Jaccard of 0,07);
- the χ² test of chapter 02, recomputed with scipy from the counts it is run on;
- and, in :mod:`tracing`, a computation written out in the reading ("2.840 : 918 = 3,09"): its
  result, when it is right.
Two readings name intermediate results of the chapter's own computation that no table shows (the
shortages of the steps of the reconciliation in chapter 01, the coded text fragments per waarborg
in chapter 05); their sources (``stappen_aansluiting``, ``fragmenten``) say so.
"""
from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import matplotlib
import numpy as np
import pandas as pd
import pytest

from regio_analysis.data import load_region
from regio_analysis.data.region import documenttitel
from regio_analysis.data.regions import DEFAULT_REGIONS
from tracing import getallen, ontraceerbaar, rekensommen, tellingen, toegestane_getallen, waarden

matplotlib.use("Agg")

HOOFDSTUKKEN = ("00", "01", "02", "05")


# ----------------------------------------------------------------------------- the chapters as the notebooks make them

def _hoofdstuk(ch: str, region):
    """The chapter object as ``notebooks/<ch>_*.ipynb`` makes it with its default parameters."""
    if ch == "00":
        from regio_analysis.overview.chapter import Hoofdstuk

        return Hoofdstuk(region)
    if ch == "01":
        from regio_analysis.workforce.chapter import Hoofdstuk

        return Hoofdstuk(region, scenario_bestand="", jaren=5)
    if ch == "02":
        from regio_analysis.qualitative.chapter import Hoofdstuk

        return Hoofdstuk(region, data_dir="", documenten_dir="", output_dir="")
    from regio_analysis.peerreview.chapter import Hoofdstuk

    return Hoofdstuk(region, kader_bestand="", documenten="")


def _regio(ch: str, rid: str):
    """Chapters 00 and 01 show published figures only; 02 and 05 load synthetic microdata (seed 0)."""
    return load_region(rid, None) if ch in ("00", "01") else load_region(rid, None, synthetic=True, seed=0)


@cache
def hoofdstuk(ch: str, rid: str):
    return _hoofdstuk(ch, _regio(ch, rid))


def lezingen(h) -> dict[str, str]:
    """Every text method of a chapter object, called: ``lezing_*`` (per waarborg for
    ``lezing_waarborg``), ``uitleg_*``, ``inleiding`` and ``conclusie``."""
    out = {}
    for name in sorted(dir(type(h))):
        if not (name.startswith(("lezing_", "uitleg_")) or name in ("inleiding", "conclusie")):
            continue
        if name == "lezing_waarborg":
            out |= {f"{name}[{w.id}]": h.lezing_waarborg(w.id) for w in h.kader.waarborgen}
        else:
            out[name] = getattr(h, name)()
    return out


# ----------------------------------------------------------------------------- what each chapter shows

def _zonder(df: pd.DataFrame | None) -> pd.DataFrame:
    return pd.DataFrame() if df is None else df


def tabellen_00(h) -> dict[str, pd.DataFrame]:
    from regio_analysis.overview import chapter as c

    r = h.region
    out = {n: getattr(h, n)() for n in dir(type(h)) if n.startswith("tabel_") and n != "tabel_bronbestanden"}
    return out | {"figuur_leerlingen": c.leerlingen_regio(r), "figuur_verzuim": c.verzuim_reeks(r),
                  "activiteitenregister": r.activiteiten}


def tabellen_01(h) -> dict[str, pd.DataFrame]:
    from regio_analysis.workforce import chapter as c
    from regio_analysis.workforce.chapter.tekorten import verwacht_tekort

    r = h.region
    out = {n: getattr(h, n)() for n in dir(type(h)) if n.startswith("tabel_")}
    personeel = c.personeel_per_functiegroep(r)
    return out | {
        "figuur_leerlingen": c.leerlingen_per_soort(r),
        "figuur_personeel": personeel if personeel["personen"].notna().any() else c.functiemix(r),
        "figuur_leeftijd": c.leeftijd_55plus(r), "vermeldingen_55plus": c.andere_vermeldingen_55plus(r),
        "figuur_deeltijd": c.deeltijd(r),
        "figuur_contractduur": c.contractduur(r), "figuur_verzuim": c.verzuim_verschil(r),
        "figuur_tekort": c.tekortcomponenten(r), "figuur_tevredenheid": c.tevredenheid(r),
        "verwacht_tekort": verwacht_tekort(r),
        "figuur_stromen": c.stromen(r),
        # not a table of the chapter: the shortage and unfilled fte of each step of the reconciliation
        # (tabel_aansluiting shows only the fte to fill), which lezing_aansluiting names
        "stappen_aansluiting": h.aansluiting[h.aansluiting["indicator"].isin(["tekort_fte", "onvervuld_fte"])]
        if not h.aansluiting.empty else h.aansluiting,
    }


def tabellen_02(h) -> dict[str, pd.DataFrame]:
    from regio_analysis.qualitative import chapter as c

    r = h.region
    out = {n: getattr(h, n)() for n in dir(type(h)) if n.startswith("tabel_")}
    toets = c.toets_regiovergelijking(h.vergelijking)
    return out | {
        "tabel_abc": h.abc_tabel(), "tabel_kwaliteit": h.kwaliteit_autocodering(),
        "figuur_themaprofiel": c.themaprofiel(r), "figuur_tijdlijn": r.activiteiten,
        "figuur_regiovergelijking": pd.DataFrame() if toets is None else toets.residuen.reset_index(),
        "figuur_samenhang": c.samenhang(h.antwoorden),
    }


def tabellen_05(h) -> dict[str, pd.DataFrame]:
    from regio_analysis.peerreview import chapter as c

    d = h.dossier
    out = {n: getattr(h, n)() for n in ("tabel_indicatoren", "tabel_dekking", "tabel_controle", "tabel_cyclus",
                                        "tabel_ontbrekend")}
    return out | {"figuur_status": d.status_counts().reset_index(), "figuur_behoud": c._behoud(d),
                  # not a table of the chapter: the coded text fragments per waarborg and code, which
                  # the quotes (tabel_citaten) sample and lezing_waarborg counts
                  "fragmenten": d.segmenten}


TABELLEN: dict[str, Callable] = {"00": tabellen_00, "01": tabellen_01, "02": tabellen_02, "05": tabellen_05}


def namen(ch: str, h) -> list[str]:
    """Texts that are names, not figures: the region's document titles and name; in chapter 05 the
    framework's name and its waarborgen ("Waarborg 3: Organisatie en partnerschap")."""
    r = h.region
    out = [documenttitel(r), *map(str, (r.meta.get("bronnen") or {}).values()), r.naam]
    if ch == "05":
        out += [h.kader.naam, *(t for w in h.kader.waarborgen for t in (w.titel, w.titel.lower()))]
    return out


# ----------------------------------------------------------------------------- the rules

def verandering(values) -> set[float]:
    """100·|b/a − 1| of two values of one series."""
    vals = [float(v) for v in values if pd.notna(v)]
    return {100 * abs(b / a - 1) for a in vals for b in vals if a}


def _kolom(df: pd.DataFrame, kolom: str, **waar) -> pd.Series:
    if df.empty or kolom not in df:
        return pd.Series(dtype=float)
    for k, v in waar.items():
        df = df[df[k].isin(v if isinstance(v, (list, tuple, set)) else [v])]
    return pd.to_numeric(df[kolom], errors="coerce").dropna()


def _regel(omschrijving: str):
    """A rule: ``f(h, t)`` (chapter, its tables) gives the numbers; ``omschrijving`` says which."""
    def wrap(f):
        f.omschrijving = omschrijving
        return f
    return wrap


@_regel("het aantal tabellen met cijfers van de regio (de inleiding noemt ze)")
def aantal_tabellen(h, t):
    return {len([n for n in h.region.tables if h.region.has(n)])}


@_regel("het aantal gedateerde activiteiten dat (deels) buiten de planperiode loopt")
def buiten_planperiode(h, t):
    from regio_analysis.qualitative.plans import parse_periode

    act = h.region.activiteiten.dropna(subset=["start", "einde"])
    plan = parse_periode(h.region.meta.get("periode"))
    if act.empty or plan is None:
        return set()
    return {int(((act["start"].dt.year < plan[0]) | (act["einde"].dt.year > plan[1])).sum())}


@_regel("de procentuele verandering van het aantal leerlingen (een reeks of een schoolsoort)")
def leerlingen_verandering(h, t):
    df = t["figuur_leerlingen"]
    if df.empty:
        return set()
    soort = "soort" if "soort" in df else None
    groups = df.groupby(soort) if soort else [(None, df)]
    return set().union(*(verandering(g["aantal"]) for _, g in groups))


@_regel("het gepubliceerde totaal aantal leerlingen min de som van de schoolsoorten, per jaar")
def leerlingen_totaal_min_som(h, t):
    ll = h.region.leerlingen
    if ll.empty:
        return set()
    regio = ll[(ll["niveau"] == "regio") & (ll["vestigingscode"] == "")].dropna(subset=["aantal"])
    totaal = regio[regio["soort"] == "totaal"].groupby("peiljaar")["aantal"].first()
    delen = regio[~regio["soort"].isin(["totaal", "po"])].groupby("peiljaar")["aantal"].sum()
    return {abs(totaal[j] - delen[j]) for j in totaal.index if j in delen.index}


@_regel("het totaal van de eigen telling (personen, fte) en de fte per persoon daarin")
def eigen_telling(h, t):
    df = t["figuur_personeel"]
    if "personen" not in df or df["personen"].isna().all():
        return set()
    both = df.dropna(subset=["personen", "fte"])
    per_persoon = {both["fte"].sum() / both["personen"].sum()} if len(both) else set()
    return {df["personen"].sum(), df["fte"].sum()} | per_persoon


@_regel("'ongeveer n op de tien': het aandeel 55-plussers gedeeld door tien, afgerond")
def op_de_tien(h, t):
    return {round(v / 10) for v in _kolom(t["figuur_leeftijd"], "waarde")}


@_regel("de gemiddelde werkweek in fte bij 40 uur")
def werkweek_fte(h, t):
    return {v / 40 for v in _kolom(t["figuur_deeltijd"], "waarde", kenmerk="werkweek")}


@_regel("de som van de dienstverbanden korter dan twee jaar ('korter dan 1 jaar' en '1 jaar')")
def korter_dan_twee_jaar(h, t):
    df = t["figuur_contractduur"]
    if df.empty:
        return set()
    kort = df["categorie"].str.match(r"korter dan 1|1 jaar$|< ?1")
    return {df.loc[kort, "waarde"].sum()}


@_regel("het verborgen tekort als aandeel van het totale tekort, zelfde groep en jaar")
def verborgen_aandeel(h, t):
    df = t["figuur_tekort"]
    out = set()
    for _, g in df[df["bandbreedte"] == ""].groupby(["niveau", "functiegroep"]):
        w = g.set_index("component")["waarde"]
        if {"totaal", "verborgen"} <= set(w.index) and w["totaal"]:
            out.add(100 * w["verborgen"] / w["totaal"])
    return out


@_regel("de gemiddelde in- of uitstroom van een functiegroep over de jaren van een reeks")
def stroom_gemiddeld(h, t):
    df = t["figuur_stromen"]
    tot = df[df["kenmerk"] == "totaal"] if not df.empty else df
    return set(tot.groupby(["functiegroep", "richting"])["waarde"].mean()) if not tot.empty else set()


@_regel("de factor op de gepubliceerde leerlingen per fte die de vraag in het basisjaar gelijk maakt aan de "
        "bezetting: som van leerlingen / ratio, gedeeld door de bezetting")
def kalibratie(h, t):
    inputs = h.spp.inputs
    r = h.region
    if inputs is None:
        return set()
    ll = r.leerlingen
    ll = ll[(ll["niveau"] == "regio") & (ll["peiljaar"] == inputs.basisjaar)].set_index("soort")["aantal"]
    kg = r.kengetallen
    ratio = kg[kg["indicator"] == "leerlingen_per_fte"]
    out = set()
    for g, part in ratio.groupby("functiegroep"):
        vraag = sum(ll[s] / v for s, v in zip(part["categorie"], part["waarde"]) if s in ll.index)
        if g in inputs.voorraad and vraag:
            out.add(vraag / inputs.voorraad[g])
    return out


@_regel("het totaal van de te vervullen fte en personen over de functiegroepen, per jaar en scenario "
        "(het pakket) en per jaar (de raming van het plan)")
def te_vervullen_totaal(h, t):
    proj = h.spp.projectie
    out = set()
    if not proj.empty:
        part = proj[proj["indicator"].isin(["te_vervullen_fte", "te_vervullen_personen"])]
        out |= set(part.groupby(["indicator", "scenario", "jaar"])["waarde"].sum())
    ram = h.region.raming
    if not ram.empty:
        part = ram[ram["indicator"].isin(["te_vervullen_fte", "te_vervullen_personen"])]
        out |= set(part.groupby(["indicator", "jaar"])["waarde"].sum())
    return out


@_regel("wat een stap van de aansluiting verandert: het verschil met de stap ervoor, per groep en in totaal")
def stappen_verschil(h, t):
    df = t["tabel_aansluiting"]
    if df.empty:
        return set()
    cols = [c for c in df.columns if c not in ("jaar", "functiegroep", "pakket min plan")]
    return {abs(b - a) for row in df[cols].to_numpy(float) for a, b in zip(row, row[1:])}


@_regel("de scenario's van het pakket: hun verandering van leerlingen, in- en uitstroom (|factor − 1|·100, "
        "procentpunten)")
def scenarios(h, t):
    return {v for s in h.spp.scenarios.values() for v in (*(100 * abs(f - 1) for f in s.factoren.values()),
                                                          *map(abs, s.pp.values()))}


@_regel("van de nagerekende cijfers: hoeveel binnen 1 fte of persoon, en het grootste verschil met de eigen "
        "rekenregels")
def reproductie_tellingen(h, t):
    df = t["tabel_reproductie"]
    if df.empty or "consistent" not in df:
        return set()
    ok = df[df["consistent"].astype(bool)]
    bad = df[~df["consistent"].astype(bool)]
    out = {int((ok["verschil"].abs() <= 1).sum())}
    if not bad.empty:
        out.add((bad["gepubliceerd"] - bad["volgens_eigen_regels"]).abs().max())
    return out


def procent_van_fractie(naam: str):
    @_regel(f"een fractie van {naam} (0–1) als percentage: 100·x")
    def regel(h, t):
        return {100 * v for v in waarden(t[naam])}
    regel.__name__ = f"procent_van_fractie({naam})"
    return regel


@_regel("het aandeel van de vijf thema's van de regeling in het register (de som van hun aandelen)")
def vijf_themas(h, t):
    from regio_analysis.qualitative.plans import VIJF_THEMAS

    return {_kolom(t["figuur_themaprofiel"], "aandeel", thema=list(VIJF_THEMAS)).sum()}


@_regel("het aantal activiteiten met een ander thema waarvan titel, ambitie of beoogd resultaat een ontbrekend "
        "thema noemt (de woordstammen van qualitative.plans.THEMA_STAMMEN)")
def thema_genoemd(h, t):
    import re

    from regio_analysis.qualitative.plans import THEMA_STAMMEN

    act = h.region.activiteiten
    if act.empty:
        return set()
    text = act[["titel", "ambitie", "beoogd_resultaat"]].astype(str).agg(" ".join, axis=1).str.lower()
    return {int((text.map(lambda s, p=p: bool(re.search(p, s))) & (act["thema"] != t_)).sum())
            for t_, p in THEMA_STAMMEN.items()}


@_regel("de gedateerde activiteiten (eigen looptijd): hoeveel per jaar lopen, hun gemiddelde looptijd in maanden "
        "(dagen / 30,44), hoeveel over een jaargrens lopen")
def tijdlijn(h, t):
    from regio_analysis.qualitative.plans import looptijd_vermeld

    act = h.region.activiteiten.dropna(subset=["start", "einde"])
    act = act[looptijd_vermeld(act)]
    if act.empty:
        return set()
    years = range(int(act["start"].dt.year.min()), int(act["einde"].dt.year.max()) + 1)
    out = {int(((act["start"].dt.year <= y) & (act["einde"].dt.year >= y)).sum()) for y in years}
    out.add(float((((act["einde"] - act["start"]).dt.days + 1) / 30.44).mean()))
    out.add(int((act["einde"].dt.year > act["start"].dt.year).sum()))
    return out


@_regel("de χ²-toets van thema (vijf thema's, de rest samen) × regio, nagerekend met scipy: χ², df, p, "
        "Cramér's V, het aantal regio's, het aandeel verwachte aantallen onder 5")
def chi2(h, t):
    from scipy.stats import chi2_contingency

    from regio_analysis.qualitative.plans import VIJF_THEMAS

    tab = h.vergelijking
    if tab.empty or tab.shape[1] < 2:
        return set()
    five = tab.reindex([x for x in VIJF_THEMAS if x in tab.index])
    pooled = pd.concat([five, tab.drop(index=five.index).sum().to_frame("overig").T])
    pooled = pooled[pooled.sum(axis=1) > 0]
    stat, p, dof, expected = chi2_contingency(pooled.to_numpy(), correction=False)
    v = math.sqrt(stat / (pooled.to_numpy().sum() * (min(pooled.shape) - 1)))
    return {stat, p, dof, v, tab.shape[1], 100 * float((expected < 5).mean())}


@_regel("het aandeel (%) van de indicatoren van een waarborg dat gehaald of op koers is, onder de beoordeelde")
def beoordeeld_aandeel(h, t):
    from regio_analysis.peerreview.framework import BEOORDEELD

    ind = h.dossier.indicatoren
    ind = ind[ind["status"].isin(BEOORDEELD)]
    return set(100 * ind.groupby("waarborg_id")["status"].apply(lambda s: s.isin(["gehaald", "op koers"]).mean()))


@_regel("het verschil tussen het bedrag in het plan en het nagerekende, en dat verschil in studenten (÷ het "
        "bedrag per student)")
def bekostiging_verschil(h, t):
    df = t["tabel_controle"]
    d = h.dossier
    if df.empty or d.dekking is None:
        return set()
    eur = df[df["eenheid"] == "eur"]
    diffs = set((eur["in het plan"] - eur["nagerekend"]).abs())
    return diffs | {x / d.dekking.per_student_eur for x in diffs}


@_regel("het aantal tekstfragmenten van een waarborg (de som over zijn codes)")
def fragmenten_som(h, t):
    seg = t["fragmenten"]
    return set(seg.groupby("waarborg_id")["n_segmenten"].sum()) if not seg.empty else set()


# ----------------------------------------------------------------------------- the sources of each reading

@dataclass(frozen=True)
class Bron:
    """What a reading describes: ``tabellen`` (shown tables: their text and the steps of
    :func:`tracing.toegestane_getallen`), ``data`` (a figure's data, the region's tables as
    ``regio.<tabel>``: their values as they are), ``tellingen`` (frames whose rows the reading
    counts, also per value of a column), ``rijen`` (frames whose number of rows the reading gives),
    ``regels`` (rules above) and ``constanten`` (numbers of the method the reading names)."""

    tabellen: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    tellingen: tuple[str, ...] = ()
    rijen: tuple[str, ...] = ()
    regels: tuple[Callable, ...] = ()
    constanten: tuple[float, ...] = ()


BRONNEN: dict[str, dict[str, Bron]] = {
    "00": {
        "inleiding": Bron(regels=(aantal_tabellen,)),
        "lezing_herkomst": Bron(tabellen=("tabel_herkomst",)),
        "lezing_activiteiten": Bron(tabellen=("tabel_kerncijfers", "tabel_identiteit"), data=("activiteitenregister",),
                                    tellingen=("activiteitenregister",), regels=(buiten_planperiode,)),
        "lezing_leerlingen": Bron(tabellen=("tabel_kerncijfers",), data=("figuur_leerlingen", "regio.leerlingen"),
                                  regels=(leerlingen_verandering, leerlingen_totaal_min_som)),
        "lezing_verzuim": Bron(tabellen=("tabel_kerncijfers",), data=("figuur_verzuim",)),
    },
    "01": {
        "lezing_leerlingen": Bron(data=("figuur_leerlingen", "regio.leerlingen"),
                                  regels=(leerlingen_verandering, leerlingen_totaal_min_som)),
        "lezing_personeel": Bron(tabellen=("tabel_personeel",), data=("figuur_personeel",), regels=(eigen_telling,)),
        # "elders noemt het plan": the other places where the plan states the share of staff over 55
        "lezing_leeftijd": Bron(data=("figuur_leeftijd", "vermeldingen_55plus:waarde,jaar"), regels=(op_de_tien,),
                                constanten=(55,)),  # "55 jaar of ouder": the age class of the figure
        "lezing_deeltijd": Bron(data=("figuur_deeltijd",), regels=(werkweek_fte,), constanten=(40,)),  # "bij 40 uur"
        "lezing_contractduur": Bron(data=("figuur_contractduur",), regels=(korter_dan_twee_jaar,)),
        "lezing_verzuim": Bron(data=("figuur_verzuim",)),
        # the DUO layer: its table (pupils, change since the first year) and figure; the default regions have none
        "lezing_duo": Bron(tabellen=("tabel_duo",), data=("figuur_duo",)),
        "lezing_tekort": Bron(tabellen=("tabel_tekort",), data=("figuur_tekort", "verwacht_tekort"),
                              regels=(verborgen_aandeel,)),
        "lezing_tevredenheid": Bron(data=("figuur_tevredenheid",)),
        "lezing_stromen": Bron(data=("figuur_stromen",), regels=(stroom_gemiddeld,)),
        # the inputs of the projection, each with its source, and the scenarios' changes (2%, 10%)
        "uitleg_spp": Bron(data=("regio.kengetallen", "regio.raming", "tabel_spp"), regels=(kalibratie, scenarios)),
        "lezing_spp": Bron(data=("tabel_spp", "tabel_aansluiting"), regels=(te_vervullen_totaal,)),
        "lezing_gevoeligheid": Bron(tabellen=("tabel_gevoeligheid",)),
        "lezing_reproductie": Bron(tellingen=("tabel_reproductie",),
                                   regels=(reproductie_tellingen,), constanten=(1,)),  # "binnen 1 fte"
        "lezing_aansluiting": Bron(data=("tabel_aansluiting", "regio.raming", "regio.kengetallen",
                                         "stappen_aansluiting"),
                                   regels=(stappen_verschil, te_vervullen_totaal)),
    },
    "02": {
        "inleiding": Bron(rijen=("regio.activiteiten", "regio.open_antwoorden")),
        "lezing_themaprofiel": Bron(data=("figuur_themaprofiel",), rijen=("figuur_tijdlijn",),
                                    regels=(vijf_themas, thema_genoemd)),
        "lezing_abc": Bron(data=("tabel_abc",), tellingen=("figuur_tijdlijn",)),
        "lezing_tijdlijn": Bron(data=("figuur_tijdlijn",), tellingen=("figuur_tijdlijn",), regels=(tijdlijn,)),
        "lezing_regiovergelijking": Bron(data=("figuur_regiovergelijking",), regels=(chi2,),
                                         constanten=(5,)),  # "verwachte aantallen onder 5"
        "lezing_redenen": Bron(data=("tabel_redenen",), rijen=("regio.open_antwoorden",)),
        "lezing_kwaliteit": Bron(data=("tabel_kwaliteit",), regels=(procent_van_fractie("tabel_kwaliteit"),)),
        "lezing_samenhang": Bron(data=("figuur_samenhang",), regels=(procent_van_fractie("figuur_samenhang"),)),
        "lezing_eigen_documenten": Bron(tabellen=("tabel_eigen_documenten",)),
    },
    "05": {
        "inleiding": Bron(rijen=("tabel_indicatoren",)),
        "lezing_overzicht": Bron(tellingen=("tabel_indicatoren",), regels=(beoordeeld_aandeel,)),
        "lezing_doelen": Bron(data=("tabel_indicatoren:indicator,koers",), tellingen=("tabel_indicatoren",)),
        "lezing_dekking": Bron(tabellen=("tabel_dekking", "tabel_controle"), regels=(bekostiging_verschil,)),
        "lezing_behoud": Bron(data=("figuur_behoud:horizon,waarde,n",)),
        "lezing_cyclus": Bron(tabellen=("tabel_cyclus",), tellingen=("tabel_cyclus",)),
        "lezing_ontbrekend": Bron(tellingen=("tabel_ontbrekend",)),
        "lezing_waarborg": Bron(tellingen=("tabel_indicatoren",), data=("figuur_status", "fragmenten"),
                                regels=(fragmenten_som,)),
    },
}


def _parameters(ch: str, h) -> set[float]:
    """The chapter's parameters a reading may name: the framework's reference year, cycle and number
    of waarborgen (05)."""
    if ch == "05":
        return {float(h.dossier.peiljaar), float(h.kader.cyclus_jaren), float(len(h.kader.waarborgen))}
    return set()


@cache
def _tabellen(ch: str, h) -> dict[str, pd.DataFrame]:
    return TABELLEN[ch](h)


def _frame(h, t: dict, naam: str) -> pd.DataFrame:
    """A source by name: a key of :data:`TABELLEN`, or ``regio.<tabel>``; ``<naam>:<kolom>,…`` only
    those columns (the ones a reading repeats)."""
    naam, _, kolommen = naam.partition(":")
    df = h.region.tables.get(naam[6:], pd.DataFrame()) if naam.startswith("regio.") else _zonder(t.get(naam))
    return df[[c for c in kolommen.split(",") if c in df]] if kolommen and not df.empty else df


def toegestaan(ch: str, h, methode: str) -> set[float]:
    """Every number the reading ``methode`` of chapter ``ch`` may state."""
    bron = BRONNEN[ch][methode.split("[")[0]]
    t = _tabellen(ch, h)
    allowed = toegestane_getallen([_frame(h, t, n) for n in bron.tabellen], extra=bron.constanten, constanten=())
    allowed |= _parameters(ch, h)
    for n in bron.data:
        df = _frame(h, t, n)
        allowed |= waarden(df, tekst=not n.startswith("regio."))
    for n in bron.tellingen:
        allowed |= tellingen(_frame(h, t, n))
    allowed |= {float(len(_frame(h, t, n))) for n in bron.rijen}
    for regel in bron.regels:
        allowed |= {float(x) for x in regel(h, t)}
    return allowed


def ongetraceerd(ch: str, h, methode: str, tekst: str) -> list[str]:
    allowed = toegestaan(ch, h, methode) | rekensommen(tekst, namen(ch, h))
    return ontraceerbaar(tekst, allowed, namen(ch, h))


# ----------------------------------------------------------------------------- the tests

def _gevallen():
    """(chapter, region, method) for every text method of the chapter classes."""
    from regio_analysis.io.frameworks import load_framework
    from regio_analysis.overview.chapter import Hoofdstuk as H00
    from regio_analysis.peerreview.chapter import Hoofdstuk as H05
    from regio_analysis.qualitative.chapter import Hoofdstuk as H02
    from regio_analysis.workforce.chapter import Hoofdstuk as H01

    out = []
    waarborgen = [w.id for w in load_framework().waarborgen]
    for ch, cls in zip(HOOFDSTUKKEN, (H00, H01, H02, H05)):
        names = [n for n in sorted(dir(cls)) if n.startswith(("lezing_", "uitleg_")) or n in ("inleiding", "conclusie")]
        names = [m for n in names for m in ([f"{n}[{w}]" for w in waarborgen] if n == "lezing_waarborg" else [n])]
        out += [pytest.param(ch, rid, n, id=f"{ch}-{rid}-{n}") for rid in DEFAULT_REGIONS for n in names]
    return out


@pytest.mark.parametrize(("ch", "rid", "methode"), _gevallen())
def test_every_number_in_a_reading_traces_to_a_table_or_the_regions_data(ch, rid, methode):
    h = hoofdstuk(ch, rid)
    assert methode.split("[")[0] in BRONNEN[ch], f"hoofdstuk {ch}: {methode} heeft geen bronnen in BRONNEN"
    tekst = lezingen(h)[methode]
    bad = ongetraceerd(ch, h, methode, tekst)
    assert not bad, f"{rid}, hoofdstuk {ch}, {methode}: niet te herleiden: {bad}\n{tekst}"


def test_the_parser_reads_dutch_numbers_and_skips_names():
    tekst = ("ca. 5–8% en −67 fte (−1), 2.840 personen, € 1.930.055, 6,0–6,5% in 2019-2025; 0,75 fte bij 40 "
             "uur (Activiteitenplan X 2026–2029, § 3.1.3 Behouden (2026) > Overig); zie 3.1 en activiteit 4 "
             "'Werkgroep 2'")
    assert getallen(tekst, namen=["Activiteitenplan X 2026–2029"]) == [
        (5, 0), (8, 0), (-67, 0), (-1, 0), (2840, 0), (1930055, 0), (6.0, 1), (6.5, 1), (2019, 0), (2025, 0),
        (0.75, 2), (40, 0)]
    # a source reference ends with its parenthesis or clause: a figure after it is read
    assert getallen("(jaar niet vermeld; Plan Y 2024, § Bijlage 2: 100% SO&P); 38,1%") == [(38.1, 1)]
    assert getallen("Waarborg 3: Organisatie, 1 indicator", namen=["Waarborg 3: Organisatie"]) == [(1, 0)]
    # an apostrophe is no quote: "thema's" and "regio's" hide nothing
    assert getallen("11 thema's in 4 regio's") == [(11, 0), (4, 0)]


def test_a_computation_written_out_counts_only_when_it_is_right():
    assert rekensommen("67 : 29 = 2,31 en 1.243 studenten × € 955 = € 1.187.065") == {2.31, 1187065}
    assert rekensommen("67 : 29 = 2,41 en 1.243 studenten × € 955 = € 1.187.000") == set()
    assert ontraceerbaar("67 : 29 = 2,41", {67, 29} | rekensommen("67 : 29 = 2,41")) == ["2.41"]


#: a reading of each chapter said with one wrong number: (chapter, region, method, right, wrong)
FOUTEN = [
    ("00", "rond-bommel-en-dommel", "lezing_verzuim", "naar 6,7% (2023)", "naar 7,1% (2023)"),
    ("01", "rond-bommel-en-dommel", "lezing_personeel", "de 3.758 personen", "de 3.785 personen"),
    ("02", "noorderwijzer", "lezing_themaprofiel", "(12, 30%)", "(12, 35%)"),
    ("05", "po-noord-nederland", "lezing_dekking", "nog 2.021 studenten", "nog 2.012 studenten"),
]


@pytest.mark.parametrize(("ch", "rid", "methode", "goed", "fout"), FOUTEN, ids=[f[0] for f in FOUTEN])
def test_a_wrong_number_in_a_reading_is_caught(monkeypatch, ch, rid, methode, goed, fout):
    h = hoofdstuk(ch, rid)
    tekst = getattr(h, methode)()
    assert goed in tekst and ongetraceerd(ch, h, methode, tekst) == []
    monkeypatch.setattr(h, methode, lambda: tekst.replace(goed, fout))
    wrong = [f"{v:g}" for v, _ in getallen(fout) if f"{v:g}" not in {f"{w:g}" for w, _ in getallen(goed)}]
    assert ongetraceerd(ch, h, methode, lezingen(h)[methode]) == wrong


def _zet(df: pd.DataFrame, waarde: float, kolom: str = "waarde", **waar) -> pd.DataFrame:
    """A copy of ``df`` with ``kolom`` set to ``waarde`` in the one row where the columns equal ``waar``."""
    df = df.copy()
    rij = np.logical_and.reduce([df[k] == v for k, v in waar.items()])
    assert rij.sum() == 1, waar
    df.loc[rij, kolom] = waarde
    return df


#: one published value changed in a copy of the region, and what the reading must then say
#: (chapter, region, table, change, method, said before, said after)
WIJZIGINGEN = [
    ("00", "rond-bommel-en-dommel", "verzuim", lambda df: _zet(df, 7.4, jaar=2023, niveau="regio"), "lezing_verzuim",
     ["naar 6,7% (2023)"], ["naar 7,4% (2023)"]),
    # the count of OP persons, and with it the total and the shares computed from it
    ("01", "rond-bommel-en-dommel", "kengetallen",
     lambda df: _zet(df, 3000, indicator="personen", functiegroep="OP", categorie="onderwijsregio"), "lezing_personeel",
     ["2.840 personen en 2.048 fte (76%)", "de 3.758 personen"],
     ["3.000 personen en 2.048 fte (77%)", "de 3.918 personen"]),
    # four activities fewer in the register
    ("02", "noorderwijzer", "activiteiten", lambda df: df.iloc[4:].reset_index(drop=True), "lezing_themaprofiel",
     ["Van de 40 activiteiten"], ["Van de 36 activiteiten"]),
    # 100 more students of one institute in a partnership
    ("05", "po-noord-nederland", "samen_opleiden",
     lambda df: _zet(df, 372, "studenten_partnerschap", instituut="Hanzehogeschool"), "lezing_dekking",
     ["leert 38,1% van de 3.264", "Hanzehogeschool 17,9%", "nog 2.021 studenten"],
     ["leert 41,1% van de 3.264", "Hanzehogeschool 24,5%", "nog 1.921 studenten"]),
]


@pytest.mark.parametrize(("ch", "rid", "tabel", "wijzig", "methode", "voor", "na"), WIJZIGINGEN,
                         ids=[w[0] for w in WIJZIGINGEN])
def test_a_reading_follows_its_data(ch, rid, tabel, wijzig, methode, voor, na):
    """Change one published value in a copy of the region: the reading says the new number (and what
    it computes from it), still traces, and the old reading no longer traces to the changed data."""
    before = hoofdstuk(ch, rid)
    region = _regio(ch, rid)
    changed = dataclasses.replace(region, tables={**region.tables, tabel: wijzig(region.tables[tabel])})
    after = _hoofdstuk(ch, changed)
    old, new = getattr(before, methode)(), getattr(after, methode)()
    assert all(v in old for v in voor), old
    assert all(v in new for v in na) and not any(v in new for v in voor), new
    assert ongetraceerd(ch, after, methode, new) == []
    assert ongetraceerd(ch, after, methode, old) != []
