"""The kernboodschap: the findings a region's report opens with (chapter 00, issue 16).

Each finding (:class:`Bevinding`) is one Dutch sentence computed from the region's own figures,
published (``gepubliceerd``) or computed by the package from them (``berekend``), with the years it
is about, its source document and the report section that shows it in detail (a link to the id
nbconvert gives that heading, :func:`anker`). Only topics the region has data for give a finding;
the most informative five to eight are kept (fewer only when the data lack them, and then the text
says which topics are missing). Synthetic data never give a finding: the last line names the
chapters that demonstrate a method on synthetic data instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import numpy as np
import pandas as pd

from regio_analysis.data.provenance import (Herkomst, berekend, bronnen_van, gepubliceerd, microdata_in_woorden, soorten,
                                            synthetische_tabellen)
from regio_analysis.overview.chapter import RETENTIE_INDICATOREN, leerlingen_regio, regio_rijen, verzuim_reeks
from regio_analysis.report.format import fmt_getal, fmt_pct, opsomming, studiejaar, thema_label

MIN_BEVINDINGEN, MAX_BEVINDINGEN = 5, 8

#: the section that shows each kind of finding in detail: (notebook, heading text as written there)
SECTIES: dict[str, tuple[str, str]] = {
    "leerlingen": ("01_kwantitatief.ipynb", "Leerlingen per schoolsoort"),
    "personeel": ("01_kwantitatief.ipynb", "Personeel per functiegroep"),
    "leeftijd": ("01_kwantitatief.ipynb", "Leeftijd"),
    "tekort": ("01_kwantitatief.ipynb", "Tekorten"),
    "stromen": ("01_kwantitatief.ipynb", "In- en uitstroom"),
    "verzuim": ("01_kwantitatief.ipynb", "Ziekteverzuim ten opzichte van landelijk"),
    "spp": ("01_kwantitatief.ipynb", "Strategische personeelsplanning"),
    "aansluiting": ("01_kwantitatief.ipynb", "De raming van het plan naast die van het pakket"),
    "raming": ("01_kwantitatief.ipynb", "De gepubliceerde raming nagerekend"),
    "retentie": ("00_overzicht.ipynb", "Kerncijfers"),
    "samen_opleiden": ("05_peer_review.ipynb", "Samen Opleiden: dekking en bekostiging"),
    "peer_review": ("05_peer_review.ipynb", "Peer-reviewcyclus"),
    "begroting": ("07_bijlage.ipynb", "Begroting"),
    "activiteiten": ("00_overzicht.ipynb", "Activiteiten"),
}
#: which findings are kept first when there are more than :data:`MAX_BEVINDINGEN`
PRIORITEIT = ("leerlingen", "tekort", "personeel", "leeftijd", "stromen", "spp", "raming", "verzuim", "peer_review",
              "retentie", "samen_opleiden")
#: findings used only to reach :data:`MIN_BEVINDINGEN`
AANVULLING = ("begroting", "activiteiten")
#: the order in which the findings are shown: from pupils via staff and shortages to the plan
VOLGORDE = ("leerlingen", "personeel", "leeftijd", "tekort", "stromen", "verzuim", "spp", "raming", "retentie",
            "samen_opleiden", "peer_review", "begroting", "activiteiten")
#: the core topics: when the region has no figures for one, the kernboodschap says so
KERN = {"leerlingen": "leerlingaantallen", "personeel": "de omvang van het personeel",
        "leeftijd": "de leeftijd van het personeel", "tekort": "tekorten", "stromen": "in- en uitstroom",
        "verzuim": "ziekteverzuim", "spp": "een raming of projectie van vraag en aanbod", "peer_review": "peer reviews"}

GROEPEN = {"OP": "onderwijzend personeel", "OOP": "onderwijsondersteunend personeel", "DIR": "schoolleiders",
           "totaal": "al het personeel"}
TEKORT_WOORDEN = {"totaal": "een tekort", "zichtbaar": "een zichtbaar tekort (openstaande vacatures)",
                  "verborgen": "een verborgen tekort (geen openstaande vacature, maar op een andere manier opgelost)",
                  "onvervuld": "een onvervulde werkgelegenheid"}
# backslash escapes (CommonMark): shown as the character itself, in Jupyter and in the report's renderer alike
_MD = str.maketrans({c: "\\" + c for c in "\\`*_[]<>&"})


def anker(kop: str) -> str:
    """The id nbconvert gives a Markdown heading (``nbconvert.filters.strings._convert_header_id``):
    spaces become ``-``, characters a URL fragment cannot hold are percent-encoded."""
    return quote(kop.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


def md(text) -> str:
    """Text from data as Markdown text: no raw HTML, link, code or emphasis syntax."""
    return str(text).translate(_MD)


@dataclass(frozen=True)
class Bevinding:
    """One finding: ``tekst`` (Markdown, text from data escaped), the years it is about (empty when the
    source gives none), its provenance, its source in words and the key of its section (:data:`SECTIES`)."""

    onderwerp: str
    tekst: str
    jaren: tuple[int, ...]
    herkomst: tuple[Herkomst, ...]
    bron: str
    sectie: str

    @property
    def notebook(self) -> str:
        return SECTIES[self.sectie][0]

    @property
    def kop(self) -> str:
        return SECTIES[self.sectie][1]

    @property
    def link(self) -> str:
        return f"[→ {self.kop}](#{anker(self.kop)})"

    def markdown(self) -> str:
        soort = " en ".join(s.value for s in soorten(self.herkomst))
        return f"{self.tekst} _({soort}; {md(self.bron)})_ {self.link}"


# ------------------------------------------------------------------ helpers

def _jaar(j) -> str:
    return "jaar niet vermeld" if j is None or pd.isna(j) else str(int(j))


def _jaren(*values) -> tuple[int, ...]:
    return tuple(sorted({int(v) for v in values if v is not None and not pd.isna(v)}))


def _periode(a, b) -> str:
    return _jaar(a) if pd.isna(a) or pd.isna(b) or a == b else f"{int(a)}–{int(b)}"


def _pct_gepubliceerd(x) -> str:
    """A published percentage with the precision it was published with (``22%``, ``27,7%``)."""
    return fmt_pct(x, 0 if float(x) == int(float(x)) else 1)


def _bron(region, *frames: pd.DataFrame) -> str:
    return bronnen_van(region, *frames)


def _bronnen(region, values) -> str:
    return bronnen_van(region, pd.DataFrame({"bron": [v for v in values if isinstance(v, str)]}))


def _groepen(groepen) -> str:
    """Function groups in words, in the order of :data:`GROEPEN`."""
    order = list(GROEPEN)
    ordered = sorted(groepen, key=lambda g: order.index(g) if g in order else len(order))
    return opsomming([GROEPEN.get(g, md(g)) for g in ordered])


def _verandering(a: float, b: float) -> str:
    pct = (b / a - 1) * 100
    if fmt_getal(abs(pct), 1) == "0,0":
        return "gelijk"
    return f"{fmt_pct(abs(pct))} {'meer' if pct > 0 else 'minder'}"


# ------------------------------------------------------------------ the findings, one function per topic

def _leerlingen(region) -> Bevinding | None:
    from regio_analysis.workforce.chapter import SOORT_LABELS
    from regio_analysis.workforce.model import pupil_forecast

    ll = leerlingen_regio(region)
    if ll.empty:
        return None
    prog = ll["prognose"].astype(bool)
    real, fc = ll[~prog], ll[prog]
    if real.empty or (fc.empty and len(real) < 2):
        return None
    a, b = (real.iloc[-1], fc.iloc[-1]) if not fc.empty else (real.iloc[0], real.iloc[-1])
    wie = f"in {ll['soorten'].iloc[0]} samen" if ll["soorten"].iloc[0] else "in de regio"
    ya, yb = int(a["peiljaar"]), int(b["peiljaar"])
    if fc.empty:
        tekst = (f"Het aantal leerlingen {wie} ging van {fmt_getal(a['aantal'], 0)} in {ya} naar "
                 f"{fmt_getal(b['aantal'], 0)} in {yb}: {_verandering(a['aantal'], b['aantal'])}")
    else:
        tekst = (f"Het aantal leerlingen {wie} gaat volgens de prognose van de regio van {fmt_getal(a['aantal'], 0)} "
                 f"in {ya} (laatste telling) naar {fmt_getal(b['aantal'], 0)} in {yb}: "
                 f"{_verandering(a['aantal'], b['aantal'])}")
    per = pupil_forecast(region).pivot_table(index="soort", columns="jaar", values="aantal", aggfunc="first")
    skip = ({"po"} if set(per.index) & {"bao", "sbo", "so", "vso"} else set()) | \
        ({"so_vso"} if set(per.index) & {"so", "vso"} else set())
    delen = [s for s in per.index if s not in skip and ya in per.columns and yb in per.columns
             and pd.notna(per.loc[s, ya]) and pd.notna(per.loc[s, yb]) and per.loc[s, ya] > 0]
    if len(delen) > 1:
        tekst += "; " + opsomming([f"{SOORT_LABELS.get(s, s)} {_verandering(per.loc[s, ya], per.loc[s, yb])}"
                                   for s in delen])
    regel = "de verandering in procenten" + ("; de som van de schoolsoorten" if ll["soorten"].iloc[0] else "")
    return Bevinding("leerlingen", tekst + ".", (ya, yb),
                     (gepubliceerd(_bron(region, region.leerlingen)), berekend(regel)),
                     _bron(region, region.leerlingen), "leerlingen")


def _personeel(region) -> Bevinding | None:
    from regio_analysis.workforce.chapter import POPULATIE_LABELS, personeel_naar_populatie
    from regio_analysis.workforce.chapter.publiek import EIGEN_TELLING

    df = personeel_naar_populatie(region)
    own = df[df["populatie"].isin(EIGEN_TELLING)].dropna(subset=["personen"])
    if own.empty:
        return None
    own = own[own["populatie"] == own["populatie"].iloc[0]]
    wie = POPULATIE_LABELS.get(own["populatie"].iloc[0], "de telling van de regio")
    jaar = own["jaar"].dropna().max() if own["jaar"].notna().any() else np.nan

    def omvang(p, f) -> str:
        return f"{fmt_getal(p, 0)} personen" + (f" ({fmt_getal(f, 0)} fte)" if pd.notna(f) else "")

    if len(own) == 1:
        r = own.iloc[0]
        tekst = f"Volgens {wie} ({_jaar(jaar)}) telt het {GROEPEN.get(r['functiegroep'], r['functiegroep'])} {omvang(r['personen'], r['fte'])}"
    else:
        fte = own["fte"].sum() if own["fte"].notna().all() else np.nan
        delen = [f"{omvang(r['personen'], r['fte'])} {GROEPEN.get(r['functiegroep'], r['functiegroep'])}"
                 for _, r in own.iterrows()]
        tekst = (f"Volgens {wie} ({_jaar(jaar)}) telt het personeel {omvang(own['personen'].sum(), fte)}: "
                 f"{opsomming(delen)}")
    ontbreekt = [g for g in ("OP", "OOP", "DIR") if g not in set(own["functiegroep"])]
    if ontbreekt:
        tekst += f"; {_groepen(ontbreekt)} {'zit' if len(ontbreekt) == 1 and ontbreekt != ['DIR'] else 'zitten'} niet in deze telling"
    herkomst = (gepubliceerd(_bronnen(region, own["bron"])),) + (
        (berekend("de som van de functiegroepen"),) if len(own) > 1 else ())
    return Bevinding("personeel", tekst + ".", _jaren(jaar), herkomst, _bronnen(region, own["bron"]), "personeel")


def _leeftijd(region) -> Bevinding | None:
    from regio_analysis.workforce.chapter import leeftijd_55plus

    df = leeftijd_55plus(region)
    regio = df[df["niveau"] == "regio"]
    if regio.empty:
        return None
    r = regio.iloc[0]
    eigen = str(r["bron"]).startswith("eigen dienstverbanden")
    tekst = f"{_pct_gepubliceerd(r['waarde'])} van het personeel{r['populatie']} is 55 jaar of ouder ({_jaar(r['peiljaar'])})"
    land = df[df["niveau"] == "landelijk"]
    if not land.empty:
        tekst += f"; landelijk is dat {_pct_gepubliceerd(land['waarde'].iloc[0])}"
    bron = "eigen dienstverbanden van de regio" if eigen else _bronnen(region, df["bron"])
    herkomst = berekend("uit de eigen dienstverbanden van de regio, in fte") if eigen else gepubliceerd(bron)
    return Bevinding("leeftijd", tekst + ".", _jaren(r["peiljaar"]), (herkomst,), bron, "leeftijd")


def _tekort(region) -> Bevinding | None:
    from regio_analysis.workforce.chapter import tekortcomponenten

    df = tekortcomponenten(region)
    df = df[df["niveau"] == "regio"] if not df.empty else df
    if df.empty:
        from regio_analysis.workforce.chapter.tekorten import verwacht_tekort, verwacht_tekort_tekst

        rows = verwacht_tekort(region)
        if rows.empty:
            return None
        bron = _bron(region, rows)
        return Bevinding("tekort", verwacht_tekort_tekst(region), _jaren(*rows["jaar"]), (gepubliceerd(bron),), bron,
                         "tekort")
    raw = regio_rijen(region.tekort)
    delen, jaren = [], []
    for comp in [c for c in TEKORT_WOORDEN if c in set(df["component"])] + sorted(set(df["component"]) - set(TEKORT_WOORDEN)):
        part = df[df["component"] == comp]
        stukken = []
        key = ["jaar", "jaar_tot", "waarde", "ondergrens", "bovengrens", "bandbreedte", "fte"]
        filled = part.assign(**{c: part[c].astype(object).where(part[c].notna(), "–") for c in key})
        order = {g: i for i, g in enumerate(GROEPEN)}
        filled = filled.sort_values("functiegroep", key=lambda c: c.map(lambda g: order.get(g, len(order))), kind="stable")
        for _, groep in filled.groupby(key, sort=False):
            r = part.loc[groep.index[0]]
            notes = " ".join(str(o) for o in raw.loc[(raw["component"] == comp) & raw["functiegroep"].isin(groep["functiegroep"]),
                                                     "opmerking"].dropna()) if "opmerking" in raw.columns else ""
            circa = "circa " if "circa" in notes.lower() else ""
            if r["bandbreedte"]:
                lo, hi = float(r["ondergrens"]), float(r["bovengrens"])
                d = 0 if lo == int(lo) and hi == int(hi) else 1
                waarde = f"{circa}{fmt_getal(lo, d)} tot {fmt_pct(hi, d)}" + (" per jaar" if r["bandbreedte"] == "over de jaren" else "")
            else:
                waarde = circa + _pct_gepubliceerd(r["waarde"]) + (f" ({fmt_getal(r['fte'], 0)} fte)" if pd.notna(r["fte"]) else "")
            when = _periode(r["jaar"], r["jaar_tot"])
            when = f"prognose {'voor ' if r['jaar'] == r['jaar_tot'] else ''}{when}" if r["prognose"] and pd.notna(r["jaar"]) else when
            beleid = ", bij ongewijzigd beleid" if "ongewijzigd beleid" in notes.lower() else ""
            stukken.append((f"{waarde} bij {_groepen(groep['functiegroep'])}", f"{when}{beleid}"))
            jaren += [r["jaar"], r["jaar_tot"]]
        if len({w for _, w in stukken}) == 1:  # one period: said once
            tekst = f"{opsomming([s for s, _ in stukken])} ({stukken[0][1]})"
        else:
            tekst = opsomming([f"{s} ({w})" for s, w in stukken])
        delen.append(f"{TEKORT_WOORDEN.get(comp, md(comp.replace('_', ' ')))} van {tekst}")
    tekst = "Het plan noemt " + "; ".join(delen) + "."
    bron = _bron(region, region.tekort[region.tekort["niveau"] == "regio"])
    return Bevinding("tekort", tekst, _jaren(*jaren), (gepubliceerd(bron),), bron, "tekort")


def _stroom_waarde(rows: pd.DataFrame) -> str:
    lo, hi = rows["waarde"].min(), rows["waarde"].max()
    if len(rows) == 1:
        return fmt_pct(lo)
    return (fmt_pct(lo) if lo == hi else f"{fmt_getal(lo, 1)} tot {fmt_pct(hi)}") + " per jaar"


def _stromen(region) -> Bevinding | None:
    from regio_analysis.workforce.chapter import stromen

    df = stromen(region)
    tot = df[df["kenmerk"] == "totaal"] if not df.empty else df
    if tot.empty:
        return None
    series: dict[tuple, list[str]] = {}
    order = {g: i for i, g in enumerate(GROEPEN)}
    tot = tot.sort_values("functiegroep", key=lambda c: c.map(lambda g: order.get(g, len(order))), kind="stable")
    for g, part in tot.groupby("functiegroep", sort=False):
        sig = tuple(map(tuple, part.sort_values(["richting", "jaar"])[["richting", "jaar", "waarde"]].astype(str).to_numpy()))
        series.setdefault(sig, []).append(g)
    delen, jaren = [], []
    for groepen in series.values():
        part = tot[tot["functiegroep"] == groepen[0]]
        ins, outs = part[part["richting"] == "in"].sort_values("jaar"), part[part["richting"] == "uit"].sort_values("jaar")
        prog = "prognose " if part["prognose"].astype(bool).all() else ""
        bits = []
        for rows, wat in ((ins, "instroom"), (outs, "uitstroom")):
            if not rows.empty:
                bits.append((wat, _stroom_waarde(rows), _periode(rows["jaar"].iloc[0], rows["jaar"].iloc[-1])))
                jaren += [rows["jaar"].iloc[0], rows["jaar"].iloc[-1]]
        perioden = {b[2] for b in bits}
        if len(perioden) == 1 and "niet vermeld" not in bits[0][2]:
            tekst = f"{opsomming([f'{w} {v}' for w, v, _ in bits])} ({prog}{bits[0][2]})"
        else:
            tekst = opsomming([f"{w} {v} ({prog}{p})" for w, v, p in bits])
            if len(perioden) > 1 and not any("niet vermeld" in p for p in perioden):
                tekst += ", over verschillende jaren"
        delen.append(f"{_groepen(groepen)}: {tekst}")
    for _, r in df[df["kenmerk"].isin(["herkomst", "bestemming"])].iterrows():
        wat = "instroom komt van" if r["richting"] == "in" else "uitstroom gaat naar"
        delen.append(f"{fmt_pct(r['waarde'])} van de {wat} {md(r['categorie'])} ({_jaar(r['jaar'])})")
        jaren.append(r["jaar"])
    tekst = "In- en uitstroom volgens het plan, in procenten van het personeel: " + "; ".join(delen) + "."
    bron = _bron(region, regio_rijen(region.stromen))
    return Bevinding("stromen", tekst, _jaren(*jaren), (gepubliceerd(bron),), bron, "stromen")


def _verzuim(region) -> Bevinding | None:
    reeks = verzuim_reeks(region)
    regio = reeks[reeks["niveau"] == "regio"].set_index("jaar")["waarde"]
    if regio.empty:
        return None
    land = reeks[reeks["niveau"] == "landelijk"].set_index("jaar")["waarde"]
    y0, y1 = int(regio.index[0]), int(regio.index[-1])
    tekst = f"Het ziekteverzuim in de regio was {fmt_pct(regio.iloc[-1])} in {y1}"
    if y1 in land.index:
        r, l = round(regio[y1], 1), round(land[y1], 1)  # compared as shown
        kant = "boven" if r > l else "onder" if r < l else "gelijk aan"
        tekst += f", {kant} het landelijk gemiddelde van {fmt_pct(land[y1])}"
    if y0 != y1:
        tekst += f"; in {y0} was het {fmt_pct(regio.iloc[0])}" + (f" (landelijk {fmt_pct(land[y0])})" if y0 in land.index else "")
    bron = _bronnen(region, reeks["bron"])
    return Bevinding("verzuim", tekst + ".", _jaren(y0, y1), (gepubliceerd(bron),), bron, "verzuim")


def _spp(region, projectiejaren: int, scenario_bestand: str) -> Bevinding | None:
    """The package's projection (basis scenario: the published inputs as given) and, where the plan
    has one, its own projection for the same year."""
    from regio_analysis.workforce import model, reconcile
    from regio_analysis.workforce.chapter import STAP_LABELS, Hoofdstuk, spp_band

    if model.missing_inputs(region):
        return None
    ch = Hoofdstuk(region, scenario_bestand=scenario_bestand, jaren=projectiejaren)
    if ch.spp.projectie.empty or ch.spp.scenarios.get("basis") != model.SCENARIOS["basis"]:
        return None  # a basis scenario of one's own is no longer the published inputs as given
    band = spp_band(ch.spp.projectie, "te_vervullen_fte")
    last = int(band["jaar"].max())
    totaal = float(band.loc[band["jaar"] == last, "basis"].sum())
    tekst = (f"Volgens de projectie van het pakket (basisscenario, op de gepubliceerde cijfers) moet in {last} "
             f"{fmt_getal(totaal, 0)} fte worden ingevuld")
    herkomst = [berekend("projectie van het pakket, basisscenario, uit de gepubliceerde cijfers over personeel, in- en "
                         "uitstroom en leerlingen")]
    brug, sectie, jaren = ch.aansluiting, "spp", [last]
    year = reconcile.last_common_year(brug) if not brug.empty else None
    if year is not None:
        stappen = reconcile.step_totals(brug, year)["totaal"]
        verschil = stappen.diff()
        stap = verschil.abs().idxmax()
        if year != last:
            tekst += f" ({year}: {fmt_getal(stappen.iloc[-1], 0)} fte)"
        tekst += (f"; de eigen raming van het plan komt voor {year} op {fmt_getal(stappen.loc['gepubliceerd'], 0)} fte. "
                  f"De grootste stap van de raming van het plan naar die van het pakket is: {STAP_LABELS.get(stap, stap)} "
                  f"({'−' if verschil.loc[stap] < 0 else '+'}{fmt_getal(abs(verschil.loc[stap]), 0)} fte)")
        herkomst.append(gepubliceerd(_bron(region, region.raming)))
        sectie, jaren = "aansluiting", [last, year]
    bron = _bron(region, region.raming, regio_rijen(region.stromen), regio_rijen(region.tekort), region.leerlingen,
                 region.kengetallen[region.kengetallen["onderwerp"] == "basisgegevens"] if not region.kengetallen.empty
                 else region.kengetallen)
    return Bevinding("spp", tekst + ".", _jaren(*jaren), tuple(herkomst), bron, sectie)


def _raming(region) -> Bevinding | None:
    """A published projection the package cannot recompute (no table of demand and flows per year)."""
    rows = region.raming
    rows = rows[rows["indicator"].isin(["onvervuld_fte_groei_tov_2024", "uitstroom_pensioen_aandeel_10jaar"])] \
        if not rows.empty else rows
    if rows.empty:
        return None
    from regio_analysis.workforce.chapter.publiek import met_vermeld_jaar, populatie_tekst
    rows = met_vermeld_jaar(rows, "jaar")
    delen = []
    for (indicator, waarde), part in rows.groupby(["indicator", "waarde"], sort=False):
        groepen = list(part["functiegroep"])
        wie = ("het personeel" if groepen == ["totaal"] else _groepen(groepen)) + populatie_tekst(part)
        jaar = part["jaar"].iloc[0]
        if indicator == "onvervuld_fte_groei_tov_2024":
            delen.append(f"de onvervulde werkgelegenheid (in fte) van {wie} is in {_jaar(jaar)} "
                         f"{_pct_gepubliceerd(waarde)} groter dan in 2024")
        else:
            wanneer = (f"in de tien jaar tot {int(jaar)}" if pd.notna(jaar)
                       else "in de komende tien jaar (het plan noemt geen jaartal)")
            delen.append(f"{wanneer} gaat {_pct_gepubliceerd(waarde)} van {wie} met pensioen")
    bron = _bron(region, rows)
    return Bevinding("raming", "Het plan raamt: " + "; ".join(delen) + ".", _jaren(*rows["jaar"], 2024),
                     (gepubliceerd(bron),), bron, "raming")


def _retentie(region) -> Bevinding | None:
    kg = regio_rijen(region.kengetallen)
    if kg.empty:
        return None
    kg = kg[(kg["onderwerp"] == "retentie") & (kg["eenheid"] == "procent")].dropna(subset=["waarde"])
    delen, gebruikt = [], []
    for indicator in RETENTIE_INDICATOREN:
        rows = kg[kg["indicator"] == indicator].sort_values("jaar", na_position="first")
        if rows.empty:
            continue
        r = rows.iloc[-1]
        gebruikt.append(r)
        wanneer = _jaar(r["jaar"]) if pd.notna(r["jaar"]) else "periode niet vermeld"
        if indicator == "vertrek_binnen_1_jaar":
            alle = r["functiegroep"] == "totaal"
            wie = "het personeel" if alle else f"het {_groepen([r['functiegroep']])}"
            delen.append(f"volgens het plan verlaat {_pct_gepubliceerd(r['waarde'])} van {wie} binnen een jaar het bestuur "
                         f"({wanneer}{'; over al het personeel, niet alleen starters' if alle else ''}"
                         f"{'; het plan leest dit uit de duur van de dienstverbanden' if 'duur van de dienstverbanden' in str(r.get('opmerking') or '') else ''})")
        else:
            delen.append(f"het plan noemt een uitstroom van {_pct_gepubliceerd(r['waarde'])} onder startende leraren "
                         f"({wanneer})")
    if not delen:
        return None
    rows = pd.DataFrame(gebruikt)
    tekst = "; ".join(delen)
    bron = _bron(region, rows)
    return Bevinding("retentie", tekst[0].upper() + tekst[1:] + ".", _jaren(*rows["jaar"]), (gepubliceerd(bron),), bron,
                     "retentie")


def _samen_opleiden(region) -> Bevinding | None:
    from regio_analysis.peerreview.coverage import samen_opleiden_coverage

    if not region.has("samen_opleiden"):
        return None
    kg = regio_rijen(region.kengetallen)
    bedrag = kg[(kg["onderwerp"] == "bekostiging") & (kg["indicator"] == "bedrag_per_student")].dropna(subset=["waarde"]) \
        if not kg.empty else kg
    cov = samen_opleiden_coverage(region.samen_opleiden, float(bedrag["waarde"].iloc[-1]) if not bedrag.empty else 0.0)
    t = cov.totaal()
    inst = cov.summary[(cov.summary["jaar"] == t["jaar"]) & (cov.summary["instituut"] != "totaal")]
    tekst = (f"In {studiejaar(t['jaar'])} leerde {fmt_pct(t['aandeel_partnerschap'])} van de {fmt_getal(t['studenten_totaal'], 0)} "
             f"studenten van {opsomming([md(i) for i in inst['instituut']])} in een partnerschap; voor 100% moeten nog "
             f"{fmt_getal(t['nog_te_plaatsen'], 0)} studenten een plek krijgen")
    if not bedrag.empty:  # the plan's own amount per student, never a default of the package
        tekst += (f", wat bij € {fmt_getal(cov.per_student_eur, 0)} per student € "
                  f"{fmt_getal(t['extra_bekostiging_eur'], 0)} extra bekostiging vraagt")
    bron = _bron(region, region.samen_opleiden, bedrag)
    return Bevinding("samen_opleiden", tekst + ".", _jaren(t["jaar"], t["jaar"] + 1),
                     (gepubliceerd(bron), berekend("aandeel en nog te plaatsen studenten; extra bekostiging per student")),
                     bron, "samen_opleiden")


def _peer_review(region) -> Bevinding | None:
    from regio_analysis.peerreview.cycle import GEEN_JAAR, PARTNERSCHAP_SOORTEN, peer_review_cycle

    ps = region.partnerschappen
    # only the planned and last years are used here, not the status at a reference year
    cyc = peer_review_cycle(ps, 0) if not ps.empty else ps
    if cyc.empty:
        return None
    rows = ps[ps["soort"].isin(PARTNERSCHAP_SOORTEN)]
    bron = _bron(region, rows)
    if (cyc["status"] == GEEN_JAAR).all():
        tekst = (f"Van geen van de {len(cyc)} partnerschappen en opleidingsscholen ({_namen(cyc)}) noemt het plan het jaar "
                 "van een vorige of geplande peer review.")
        return Bevinding("peer_review", tekst, (), (gepubliceerd(bron),), bron, "peer_review")
    delen = []
    eigen = cyc[cyc["gepland"].notna() & ~cyc["via"].astype(bool)]
    for jaar, g in eigen.groupby("gepland", sort=True):
        delen.append(f"de peer review van {_namen(g)} is gepland in {int(jaar)}")
    for via, g in cyc[cyc["via"].astype(bool)].groupby("via", sort=False):
        delen.append(f"{_namen(g)} {'maakt' if len(g) == 1 else 'maken'} deel uit van {md(via)} en "
                     f"{'heeft' if len(g) == 1 else 'hebben'} geen eigen geplande peer review")
    vorige = cyc[cyc["laatste_peer_review"].notna()]
    for (jaar, soort), g in vorige.groupby(["laatste_peer_review", "laatste_soort"], sort=True):
        delen.append(f"de vorige peer review van {_namen(g)} was in {int(jaar)}"
                     + (f" en was {soort}, niet ontwikkelingsgericht" if soort == "beoordelingsgericht"
                        else f" en was {soort}" if soort else ""))
    geen = cyc[cyc["status"] == GEEN_JAAR]
    if not geen.empty:
        delen.append(f"van {_namen(geen)} noemt het plan geen jaar")
    if vorige.empty:
        delen.append("het jaar van een vorige peer review noemt het plan niet")
    tekst = "; ".join(delen)
    return Bevinding("peer_review", tekst[0].upper() + tekst[1:] + ".",
                     _jaren(*cyc["gepland"], *cyc["laatste_peer_review"]), (gepubliceerd(bron),), bron, "peer_review")


def _namen(df: pd.DataFrame) -> str:
    return opsomming([md(n) for n in df["naam"]])


def _begroting(region) -> Bevinding | None:
    b = region.begroting
    if b.empty:
        return None
    b = b[b["jaar"] == b["jaar"].max()].dropna(subset=["bedrag_eur"])
    posten = b[b["categorie"].astype(str).str.lower() != "totaal"]
    if posten.empty:
        return None
    tot = b[b["categorie"].astype(str).str.lower() == "totaal"]
    totaal = float(tot["bedrag_eur"].iloc[0]) if not tot.empty else float(posten["bedrag_eur"].sum())
    top = posten.loc[posten["bedrag_eur"].idxmax()]
    tekst = (f"De begroting van het plan voor {int(top['jaar'])} telt € {fmt_getal(totaal, 0)}; de grootste post is "
             f"{md(top['post'])} met € {fmt_getal(top['bedrag_eur'], 0)}.")
    herkomst = (gepubliceerd(_bron(region, b)),) + (() if not tot.empty else (berekend("de som van de posten"),))
    return Bevinding("begroting", tekst, _jaren(top["jaar"]), herkomst, _bron(region, b), "begroting")


def _activiteiten(region) -> Bevinding | None:
    act = region.activiteiten
    if act.empty:
        return None
    tellingen = act["thema"].value_counts()
    top = sorted(t for t, n in tellingen.items() if n == tellingen.max())
    meeste = (f"de meeste vallen onder het thema {md(thema_label(top[0]))} ({int(tellingen.max())})" if len(top) == 1 else
              f"de meeste vallen onder de thema's {opsomming([md(thema_label(t)) for t in top])} (elk {int(tellingen.max())})")
    periode = str(region.meta.get("periode") or "").replace("-", "–")
    tekst = (f"Het activiteitenregister, overgenomen uit het plan, telt {len(act)} activiteiten{f' voor {periode}' if periode else ''}, "
             f"in {tellingen.size} thema's van de indeling van het pakket (niet die van het plan); {meeste}.")
    jaren = tuple(int(j) for j in periode.split("–")) if periode.replace("–", "").isdigit() else ()
    bron = _bron(region, act)
    return Bevinding("activiteiten", tekst, jaren,
                     (gepubliceerd(bron), berekend("de thema's in de indeling van het pakket")), bron, "activiteiten")


# ------------------------------------------------------------------ the kernboodschap

def kandidaten(region, *, projectiejaren: int = 5, scenario_bestand: str = "") -> dict[str, Bevinding]:
    """Every finding the region's figures allow, by topic (before choosing)."""
    found = {
        "leerlingen": _leerlingen(region), "personeel": _personeel(region), "leeftijd": _leeftijd(region),
        "tekort": _tekort(region), "stromen": _stromen(region), "verzuim": _verzuim(region),
        "spp": _spp(region, projectiejaren, scenario_bestand), "raming": _raming(region), "retentie": _retentie(region),
        "samen_opleiden": _samen_opleiden(region), "peer_review": _peer_review(region), "begroting": _begroting(region),
        "activiteiten": _activiteiten(region),
    }
    return {k: v for k, v in found.items() if v is not None}


def kernboodschap(region, *, projectiejaren: int = 5, scenario_bestand: str = "") -> list[Bevinding]:
    """The region's key findings, at most :data:`MAX_BEVINDINGEN`, in the order of :data:`VOLGORDE`.

    ``projectiejaren`` and ``scenario_bestand`` are those of chapter 01, whose projection one finding
    quotes. Fewer than :data:`MIN_BEVINDINGEN` only when the region's figures allow no more
    (:func:`ontbrekend` names the core topics without figures)."""
    alle = kandidaten(region, projectiejaren=projectiejaren, scenario_bestand=scenario_bestand)
    gekozen = [k for k in PRIORITEIT if k in alle][:MAX_BEVINDINGEN]
    gekozen += [k for k in AANVULLING if k in alle][:max(0, MIN_BEVINDINGEN - len(gekozen))]
    return [alle[k] for k in VOLGORDE if k in gekozen]


def ontbrekend(bevindingen: list[Bevinding]) -> list[str]:
    """The core topics (:data:`KERN`) without a finding, in words."""
    have = {b.onderwerp for b in bevindingen} | ({"spp"} if any(b.onderwerp == "raming" for b in bevindingen) else set())
    return [woorden for k, woorden in KERN.items() if k not in have]


def demonstraties(region) -> str:
    """The line saying which chapters are demonstrations on synthetic data (and so hold no findings)."""
    from regio_analysis.reporting.chapters import for_region

    geheel, deels = [], []
    for ch in for_region(region.path):
        synth = synthetische_tabellen(region, ch.microdata) if ch.synthetisch else []
        if not synth:
            continue
        eigen = [t for t in ch.microdata if region.has(t) and t not in region.synthetisch]
        naam = f"{ch.nummer} ({ch.title})"
        (deels if ch.soorten or eigen else geheel).append((naam, synth))
    if not geheel and not deels:
        return ""
    zinnen = []
    if geheel:
        tabellen = list(dict.fromkeys(t for _, synth in geheel for t in synth))
        wie = f"Hoofdstuk {geheel[0][0]} is een demonstratie" if len(geheel) == 1 else \
            f"Hoofdstukken {opsomming([n for n, _ in geheel])} zijn demonstraties"
        zinnen.append(f"{wie} op synthetische gegevens (de regio levert geen {microdata_in_woorden(tabellen)}): "
                      f"{'het laat' if len(geheel) == 1 else 'ze laten'} zien wat de methode doet en "
                      f"{'bevat' if len(geheel) == 1 else 'bevatten'} geen bevindingen over de regio.")
    if deels:
        delen = opsomming([f"van hoofdstuk {n} op synthetische {microdata_in_woorden(synth)}" for n, synth in deels])
        zinnen.append(f"{'Dat geldt ook voor de delen' if geheel else 'Geen bevindingen over de regio bevatten de delen'} "
                      f"{delen}.")
    return " ".join(zinnen)


def kernboodschap_tekst(region, *, projectiejaren: int = 5, scenario_bestand: str = "") -> str:
    """The kernboodschap as Markdown: a numbered list of the findings, each with its kind, source and a
    link to its section; then what is missing and which chapters are demonstrations."""
    bevindingen = kernboodschap(region, projectiejaren=projectiejaren, scenario_bestand=scenario_bestand)
    lines = [f"{i}. {b.markdown()}" for i, b in enumerate(bevindingen, 1)]
    if not bevindingen:
        lines.append("_De gegevens van de regio geven geen cijfers waaruit een bevinding volgt._")
    mist = ontbrekend(bevindingen)
    if mist:
        lines += ["", f"_Geen bevinding over {opsomming(mist)}: de gegevens van de regio bevatten die cijfers niet._"]
    demo = demonstraties(region)
    if demo:
        lines += ["", f"_{demo}_"]
    return "\n".join(lines)
