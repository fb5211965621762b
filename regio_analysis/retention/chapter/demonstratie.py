"""What the synthetic spells are: the demonstration note of chapters 03 and 04.

No default region publishes person-level data, so chapters 03 and 04 run on spells made by
:mod:`regio_analysis.data.synthetic`. A reader must see what the generator was told (each
calibration target with its source, or that it is a default of the package), what it built in
(the true hazard ratio of induction, conditional on the other covariates) and what the method
recovered against that. This module turns the generator's record (the ``attrs`` of the spells:
``kalibratie``, ``params``, ``seed``) into that table and those sentences; both chapters use it.
It also holds the one definition of a *starter* and of *vertrek* the chapters state.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from regio_analysis.data.privacy import describe
from regio_analysis.data.provenance import Herkomst, berekend, gepubliceerd_uit, standaardwaarde, synthetisch
from regio_analysis.data.synthetic import (
    DOELEN, GEPUBLICEERD, PARAMETER, STANDAARD, STANDAARD_BRON, SyntheticParams, calibration_targets,
    ingebouwde_waarheden, ongebruikte_cijfers,
)
from regio_analysis.report.format import Kolom, fmt_getal, fmt_pct, kolommen, opsomming
from regio_analysis.retention.spells import MAX_GAP_DAYS

#: the one definition of the two concepts, stated in the opening of chapters 03 and 04
STARTER = ("**Starter**: een leraar (OP) in de eerste baan in het onderwijs, gevolgd vanaf de start van dat "
           "dienstverband bij een bestuur in de regio.")
VERTREK = ("**Vertrek**: het bestuur verlaten, naar een ander bestuur, buiten het onderwijs, met pensioen of zonder "
           "opgegeven reden; een overstap naar een andere school van hetzelfde bestuur is geen vertrek, en "
           f"dienstverbanden bij hetzelfde bestuur met hooguit {MAX_GAP_DAYS} dagen ertussen tellen als één.")


def definities() -> str:
    """The definitions of *starter* and *vertrek* (Markdown), the same in chapters 03 and 04."""
    return f"{STARTER} {VERTREK}"


def is_synthetisch(region) -> bool:
    return "dienstverbanden" in getattr(region, "synthetisch", set())


def herkomst_dienstverbanden(region) -> tuple[Herkomst, ...]:
    """The provenance of what chapters 03 and 04 compute from the spells: a demonstration on synthetic
    spells (seed and targets named in the opening), or the region's own spells."""
    if not is_synthetisch(region):
        return (berekend("de eigen dienstverbanden van de regio"),)
    seed = region.dienstverbanden.attrs.get("seed")
    wat = "dienstverbanden die het pakket maakte" + (f" (seed {seed})" if seed is not None else "")
    return (synthetisch(f"{wat}; wat de generator kreeg en inbouwde staat in de opening van hoofdstuk 3"),)


def herkomst_generator(region) -> tuple[Herkomst, ...]:
    """The provenance of :func:`tabel_generator`: the published targets with their sources, the package's
    defaults and the generator's parameters."""
    d = doelen(region)
    kinds = [synthetisch("wat de generator van de synthetische dienstverbanden kreeg en inbouwde")]
    published = d[d["soort"] == GEPUBLICEERD] if "soort" in d.columns else d.iloc[0:0]
    if not published.empty:
        kinds.append(gepubliceerd_uit(region, published))
    if "soort" in d.columns and (d["soort"] == STANDAARD).any():
        kinds.append(standaardwaarde("afstemmingsdoelen waar de regio geen cijfer publiceert"))
    return tuple(kinds)


def _params(region) -> SyntheticParams:
    stored = region.dienstverbanden.attrs.get("params") if region.has("dienstverbanden") else None
    return SyntheticParams(**stored) if stored else SyntheticParams()


def doelen(region) -> pd.DataFrame:
    """The calibration targets the spells were made with, as the generator recorded them in the
    spells (``attrs["kalibratie"]``), in the columns of :func:`data.synthetic.calibration_targets`."""
    told = region.dienstverbanden.attrs.get("kalibratie") if region.has("dienstverbanden") else None
    if not told:
        return calibration_targets(region, _params(region))
    columns = list(calibration_targets(region, _params(region)).columns)
    rows = [{**v, "omschrijving": DOELEN[v["naam"]][0], "eenheid": DOELEN[v["naam"]][1]} for v in told.values()]
    out = pd.DataFrame(rows).reindex(columns=columns)
    out["jaar"] = pd.array(out["jaar"].tolist(), dtype="Int64")
    return out


def ware_hr(region, naam: str = "hr_inductie") -> float:
    """A built-in hazard ratio of the generator (default: induction), from the spells' parameters."""
    return float(ingebouwde_waarheden(_params(region)).set_index("naam").loc[naam, "waarde"])


def _herkomst(soort: str) -> str:
    return {GEPUBLICEERD: "gepubliceerd door de regio", STANDAARD: STANDAARD_BRON,
            PARAMETER: "opgegeven bij het maken van de gegevens"}.get(soort, soort)


def _jaar_tekst(jaar, gepubliceerd: bool) -> str:
    if pd.notna(jaar):
        return str(int(jaar))
    return "jaar niet vermeld" if gepubliceerd else "–"


def tabel_generator(region) -> pd.DataFrame:
    """What the generator was told and what it built in, one row each (Dutch, numeric ``waarde``).

    Columns: ``onderdeel`` (afstemmingsdoel, niet gebruikt, ingebouwd), ``grootheid``, ``waarde``
    (shown in its row's unit: percent, persons or a ratio), ``herkomst``, ``bron`` (the document's
    title and section, "standaardwaarde van het pakket", or the generator's parameter), ``jaar``
    ("jaar niet vermeld" for a published figure without one) and ``opmerking``. Empty for spells
    that are not synthetic.
    """
    if not is_synthetisch(region):
        return pd.DataFrame()
    params = _params(region)
    rows = []
    for t in doelen(region).itertuples(index=False):
        share = t.eenheid == "aandeel"
        rows.append(("afstemmingsdoel", t.omschrijving, t.waarde * 100 if share else t.waarde,
                     "procent" if share else "personen", _herkomst(t.soort), t.bron,
                     _jaar_tekst(t.jaar, t.soort == GEPUBLICEERD), t.opmerking))
    for u in ongebruikte_cijfers(region, params).itertuples(index=False):
        share = DOELEN[u.naam][1] == "aandeel"
        rows.append(("niet gebruikt", f"{u.omschrijving} ('{str(u.indicator).replace('_', ' ')}')",
                     u.waarde * 100 if share else u.waarde,
                     "procent" if share else "personen", "gepubliceerd, niet gebruikt", u.bron,
                     _jaar_tekst(u.jaar, True), u.reden))
    for w in ingebouwde_waarheden(params).itertuples(index=False):
        if w.eenheid == "aandeel":
            value, unit, note = w.waarde * 100, "procent", ""
        else:
            value, unit = w.waarde, "ratio"
            note = "bij gelijke andere kenmerken (conditioneel)" if w.eenheid == "hazardratio" else ""
        rows.append(("ingebouwd", w.omschrijving, value, unit, "ingebouwd in de generator",
                     "vaste instelling van de generator", "–", note))
    out = pd.DataFrame(rows, columns=["onderdeel", "grootheid", "waarde", "eenheid", "herkomst", "bron", "jaar",
                                      "opmerking"])
    kolommen(out, waarde=Kolom("getal", eenheid="eenheid"), jaar="tekst")
    return describe(out, geen_aantallen=["waarde"], aandelen={})


def _waarde(t) -> str:
    return fmt_getal(t.waarde, 0) + " personen" if t.eenheid == "personen" else fmt_pct(100 * t.waarde, 1)


def opdracht(region) -> str:
    """What the generator was told, in sentences: the published targets with their source, the
    package's defaults, the published figures left unused, and the built-in truths."""
    t = doelen(region)
    mix = t[t["naam"].str.startswith("functiemix_")]
    rest = t[~t["naam"].str.startswith("functiemix_")]
    pub = rest[rest["soort"] == GEPUBLICEERD]
    default = rest[rest["soort"] != GEPUBLICEERD]
    zinnen = []
    titels = opsomming(sorted({str(b).split(", §")[0] for b in t.loc[t["soort"] == GEPUBLICEERD, "bron"]}))
    delen = [f"{r.omschrijving} ({_waarde(r)}{'; ' + r.opmerking if r.opmerking else ''})" for r in pub.itertuples()]
    mix_tekst = f"functiemix ({'/'.join(fmt_getal(100 * v, 0) for v in mix['waarde'])}%)"
    mix_gepubliceerd = len(mix) and (mix["soort"] == GEPUBLICEERD).all()
    if mix_gepubliceerd:
        delen.append(mix_tekst)
    if delen:
        zinnen.append(f"Afgestemd op wat de regio publiceert ({titels}): {opsomming(delen)}.")
    standaard = [f"{r.omschrijving} ({_waarde(r)})" for r in default.itertuples()]
    if len(mix) and not mix_gepubliceerd:
        standaard.append(mix_tekst)
    if standaard:
        zinnen.append(f"{'Voor de rest' if delen else 'Voor alles'} gebruikt de generator een standaardwaarde van het "
                      f"pakket, geen cijfer van de regio: {opsomming(standaard)}.")
    unused = ongebruikte_cijfers(region, _params(region))
    if len(unused):
        items = [f"{r.omschrijving} ('{str(r.indicator).replace('_', ' ')}', "
                 f"{fmt_getal(r.waarde, 0) if DOELEN[r.naam][1] == 'personen' else fmt_pct(100 * r.waarde, 1)}: {r.reden})"
                 for r in unused.itertuples()]
        zinnen.append(f"Gepubliceerd maar niet gebruikt: {opsomming(items)}.")
    w = ingebouwde_waarheden(_params(region)).set_index("naam")
    zinnen.append(f"Ingebouwd is een hazardratio van vertrek van {fmt_getal(w.loc['hr_inductie', 'waarde'], 2)} voor "
                  "inductie, bij gelijke andere kenmerken (conditioneel). In de generator krijgen bevoegde starters "
                  f"vaker inductie (oddsratio {fmt_getal(w.loc['or_inductie_bevoegd', 'waarde'], 2)}) en vertrekken "
                  f"ze minder vaak (hazardratio {fmt_getal(w.loc['hr_bevoegd', 'waarde'], 2)}); dat is een keuze van de "
                  "generator, geen bevinding over de regio.")
    return " ".join(zinnen)


def kop(region) -> str:
    """The first sentence of the demonstration note (bold) with the seed."""
    seed = region.dienstverbanden.attrs.get("seed", 0) if region.has("dienstverbanden") else 0
    return ("**Dit hoofdstuk is een demonstratie op synthetische gegevens, geen beschrijving van de regio.** De regio "
            "levert geen gegevens per persoon; de dienstverbanden zijn gemaakt door de generator van dit pakket "
            f"(`regio_analysis.data.synthetic`, seed {seed}). De tabel hieronder zegt wat de generator is opgedragen "
            "en wat hij heeft ingebouwd.")


def log_afstand(a: float, b: float) -> float:
    """|log a - log b|: how far apart two ratios are."""
    return abs(math.log(a) - math.log(b)) if a > 0 and b > 0 and np.isfinite(a) and np.isfinite(b) else math.inf
