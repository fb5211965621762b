"""Findings of kind ``gegevens``: a plan's figure that differs from the region's own data.

The data are the region's published tables (``leerlingen``, ``personeel``, the counts among the
``kengetallen``) and, when it has one, its DUO layer (``data.duo_laag``). :func:`reference_figures`
makes one row per figure a plan could state: the pupils of a year (all school types, or one), the
staff of a year in persons or fte (all, or OP, OOP, DIR), and counts of boards, institutions,
locations and students. :func:`find_data_differences` compares each plan quantity that is about one
of them with it, and reports those further apart than the plan's rounding.

A plan states many numbers of pupils and staff that are about a part of the region (a school, a
group of starters, an activity): a quantity is compared only when

* it has the unit and the year of a data figure (a quantity without a year is not compared);
* its words name no more than one staff group or school type, and nothing that makes it a part
  or a flow (``instroom``, ``tekort``, ``starter``, an age, a target, a forecast, an average);
* its value lies between half and twice the data figure (further off, it is taken to be about a
  part, not the whole);
* it is not a pupil figure for a year the region's published pupil table gives a forecast for (a
  plan's table of pupils mixes counts and forecasts, often told apart only by the cells' colour).

A published table often takes its figures from the plan itself (its ``bron`` names the plan); a
difference with such a figure means the plan gives two values, and the finding says where the
data's value comes from.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

from regio_analysis.planaudit.findings import finding, fmt, interval
from regio_analysis.report.format import SCHOOLSOORT_LABELS

#: words (lemmas, acronyms) naming a staff group; a quantity naming none is about all staff only
#: when it names staff at all (:data:`STAFF_WORDS`)
FUNCTION_WORDS = {
    "OP": frozenset({"OP", "leraar", "docent", "leerkracht", "onderwijsgevend", "onderwijzend"}),
    "OOP": frozenset({"OOP", "onderwijsondersteunend", "ondersteunend", "ondersteuner", "onderwijsassistent",
                      "onderwijsondersteuner"}),
    "DIR": frozenset({"DIR", "directeur", "schoolleider", "directie", "leidinggevend"}),
}
STAFF_WORDS = frozenset({"personeel", "medewerker", "personeelslid", "werknemer", "formatie", "werkgelegenheid"})
#: words naming a school type, per ``soort`` of the ``leerlingen`` table
SOORT_WORDS = {
    "bao": frozenset({"BAO", "basisonderwijs", "basisschool"}),
    "sbo": frozenset({"SBO", "sbo"}),
    "so": frozenset({"SO"}),
    "vso": frozenset({"VSO"}),
    "so_vso": frozenset({"(V)SO", "SO&VSO"}),
    "po": frozenset({"PO", "primair"}),
    "vo": frozenset({"VO", "voortgezet"}),
    "mbo": frozenset({"MBO", "mbo"}),
}
#: the school types that make up a sector (a plan's "PO" is the region's total when it has only these)
SECTOR_SOORTEN = {"po": {"bao", "sbo", "so", "po"}, "vo": {"vo", "vso"}}
#: words that make a quantity a part, a flow or a change of the stock rather than the stock itself
PART_WORDS = frozenset({
    "instroom", "uitstroom", "doorstroom", "vacature", "tekort", "overschot", "man", "vrouw", "vast", "tijdelijk",
    "flexibel", "oud", "jong", "starter", "zij-instromer", "student", "stagiair", "pensioen", "verzuim", "ziek",
    "nodig", "benodigd", "vertrek", "vertrekken", "groei", "daling", "krimp", "stijging", "toename", "afname",
    "verschil", "aandeel", "nieuw", "opleiden", "werven", "bevoegd", "onbevoegd", "herintreder", "deeltijd",
})
#: the cues a compared quantity may carry (``~totaal``: "in totaal"); any other (a target, a
#: forecast, an average, a national figure, "meer dan") keeps it out
ALLOWED_CUES = frozenset({"~totaal"})
#: how far a plan's figure may lie from the data's before it is taken to be about a part
RATIO = (0.5, 2.0)
#: counts among the ``kengetallen`` (indicator -> unit of the plan's quantity)
KENGETAL_COUNTS = {
    "aantal_besturen": "besturen", "aantal_instellingen": "instellingen", "aantal_vestigingen": "vestigingen",
    "aantal_leerlingen": "leerlingen", "aantal_studenten": "studenten", "studenten_totaal": "studenten",
    "aantal_opleidingsscholen": "opleidingsscholen", "formatieplaatsen": "fte", "personen": "personen",
}
LAGEN = {"gepubliceerd": "gepubliceerde tabel", "DUO": "DUO-laag"}
#: school types (the report's own labels) and staff groups in words; "" for the whole
GROEP_WOORDEN = {**SCHOOLSOORT_LABELS, "totaal": "", "OP": "OP", "OOP": "OOP", "DIR": "directie"}
#: the ``laag`` of a row of :func:`reference_figures` that only marks a forecast year
PROGNOSE = "prognose"
REFERENCE_COLUMNS = ["laag", "tabel", "eenheid", "jaar", "groep", "waarde", "omschrijving", "bron"]
_AGE_RE = re.compile(r"\d+jaar$")


# --- the region's figures -----------------------------------------------------------------------------

def reference_figures(region: Any) -> pd.DataFrame:
    """The figures of ``region`` (a :class:`~regio_analysis.data.RegionData`) a plan's quantities
    are compared with, one row each (:data:`REFERENCE_COLUMNS`): ``laag`` (``gepubliceerd`` or
    ``DUO``), ``tabel``, ``eenheid`` (the plan's unit), ``jaar``, ``groep`` (the staff group or
    school type, ``totaal`` for all), ``waarde``, ``omschrijving`` (Dutch) and ``bron``. Only
    regional, realised, unsuppressed figures."""
    rows: list[dict] = []
    layers = [("gepubliceerd", {"leerlingen": region.leerlingen, "personeel": region.personeel})]
    if getattr(region, "duo", None):
        layers.append(("DUO", region.duo))
    for laag, tables in layers:
        rows += _pupil_rows(laag, tables.get("leerlingen"))
        rows += _staff_rows(laag, tables.get("personeel"))
        if laag == "DUO":
            rows += _location_rows(tables.get("leerlingen"))
    rows += _kengetal_rows(region.kengetallen)
    rows += _forecast_years(region.leerlingen)
    return pd.DataFrame(rows, columns=REFERENCE_COLUMNS)


def _forecast_years(df: pd.DataFrame) -> list[dict]:
    """The years for which the region's published pupil table holds a forecast (``prognose``): a
    plan's pupil figure for such a year is a forecast too (the plan's table mixes counts and
    forecasts, often told apart only by colour), and is not compared with a count."""
    if df.empty or "prognose" not in df.columns:
        return []
    years = sorted(set(df.loc[df["prognose"].astype(bool) & (df["niveau"] == "regio"), "peiljaar"].dropna()))
    return [dict(laag=PROGNOSE, tabel="leerlingen", eenheid="leerlingen", jaar=int(y), groep="", waarde=float("nan"),
                 omschrijving="prognose", bron="") for y in years]


def _regional(df: pd.DataFrame | None) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame()
    keep = df["niveau"] == "regio"
    if "onderdrukt" in df.columns:
        keep &= ~df["onderdrukt"].astype(bool)
    if "prognose" in df.columns:
        keep &= ~df["prognose"].astype(bool)
    return df[keep & df["peiljaar"].notna()]


def _leaf_soorten(present: set[str]) -> set[str]:
    """The school types to add up for a total: aggregates (``po``, ``so_vso``) only without their parts."""
    leaves = set(present) - {"totaal"}
    if leaves & {"bao", "sbo", "so"}:
        leaves.discard("po")
    if leaves & {"so", "vso"}:
        leaves.discard("so_vso")
    return leaves


def _pupil_rows(laag: str, df: pd.DataFrame | None) -> list[dict]:
    df = _regional(df)
    if df.empty:
        return []
    rows = []
    for jaar, year in df.groupby("peiljaar"):
        bron = str(year["bron"].iloc[0])
        by_soort = year.groupby("soort")["aantal"].sum()
        if "totaal" in by_soort.index:
            total = float(by_soort["totaal"])
        else:
            total = float(by_soort[sorted(_leaf_soorten(set(by_soort.index)))].sum())
        rows.append(dict(laag=laag, tabel="leerlingen", eenheid="leerlingen", jaar=int(jaar), groep="totaal",
                         waarde=total, omschrijving="leerlingen, alle soorten onderwijs samen", bron=bron))
        for soort, value in by_soort.items():
            if soort != "totaal":
                rows.append(dict(laag=laag, tabel="leerlingen", eenheid="leerlingen", jaar=int(jaar), groep=soort,
                                 waarde=float(value), omschrijving=f"leerlingen, {GROEP_WOORDEN.get(soort, soort)}",
                                 bron=bron))
    return rows


def _staff_rows(laag: str, df: pd.DataFrame | None) -> list[dict]:
    df = _regional(df)
    if df.empty:
        return []
    stock = df[df["eenheid"].isin(["fte", "personen"]) & df["kenmerk"].isin(["totaal", ""])
               & df["categorie"].isin(["totaal", ""])]
    if "bovenschools" in stock.columns:
        stock = stock[~stock["bovenschools"].fillna(False).astype(bool)]
    rows = []
    for (jaar, groep, eenheid), g in stock.groupby(["peiljaar", "functiegroep", "eenheid"]):
        rows.append(dict(laag=laag, tabel="personeel", eenheid=eenheid, jaar=int(jaar), groep=groep,
                         waarde=float(g["waarde"].sum()),
                         omschrijving=f"personeel{' ' + GROEP_WOORDEN.get(groep, groep) if groep != 'totaal' else ''} "
                                      f"in {eenheid}",
                         bron=str(g["bron"].iloc[0])))
    return rows


def _location_rows(df: pd.DataFrame | None) -> list[dict]:
    df = _regional(df)
    if df.empty or "vestigingen" not in df.columns:
        return []
    rows = []
    for jaar, year in df.groupby("peiljaar"):
        year = year[year["soort"].isin(_leaf_soorten(set(year["soort"])))]
        rows.append(dict(laag="DUO", tabel="leerlingen", eenheid="vestigingen", jaar=int(jaar), groep="totaal",
                         waarde=float(year["vestigingen"].sum()), omschrijving="vestigingen met leerlingen",
                         bron=str(year["bron"].iloc[0])))
    return rows


def _kengetal_rows(df: pd.DataFrame) -> list[dict]:
    if df.empty:
        return []
    keep = df["indicator"].isin(list(KENGETAL_COUNTS)) & (df["niveau"] == "regio") & df["jaar"].notna()
    keep &= ~df["onderdrukt"].astype(bool) & df["waarde"].notna()
    rows = []
    for r in df[keep].itertuples():
        unit = KENGETAL_COUNTS[r.indicator]
        groep = r.functiegroep if unit in ("fte", "personen") else "totaal"
        label = f"kengetal ‘{r.indicator.replace('_', ' ')}’" + (f" {r.functiegroep}" if groep != "totaal" else "")
        if r.categorie and r.categorie != "totaal":
            label += f" ({r.categorie})"
        rows.append(dict(laag="gepubliceerd", tabel="kengetallen", eenheid=unit, jaar=int(r.jaar), groep=groep,
                         waarde=float(r.waarde), omschrijving=label, bron=str(r.bron)))
    return rows


# --- which figure a quantity is about -------------------------------------------------------------------

def data_group(q: dict, references: pd.DataFrame | None = None) -> str | None:
    """The ``groep`` of the data figure the plan quantity ``q`` is about (``totaal``, a staff
    group, a school type), or None when it is about none of them (see the module's rules)."""
    tokens = str(q["onderwerp"]).split()
    cues = {t for t in tokens if t.startswith("~")}
    words = {t for t in tokens if not t.startswith(("~", "#", "@"))}
    if cues - ALLOWED_CUES or words & PART_WORDS or any(_AGE_RE.match(w) for w in words):
        return None
    unit = q["eenheid"]
    if unit in ("fte", "personen"):
        groups = [g for g, ws in FUNCTION_WORDS.items() if words & ws]
        if len(groups) > 1:
            return None
        if groups:
            return groups[0]
        return "totaal" if words & STAFF_WORDS or unit == "fte" else None
    if unit == "leerlingen":
        named = [s for s, ws in SOORT_WORDS.items() if words & ws]
        if "speciaal" in words and not named:
            return None
        if len(named) > 1:
            return None
        if not named:
            return "totaal"
        soort = named[0]
        if references is not None and soort in SECTOR_SOORTEN:
            have = set(references.loc[references["eenheid"] == "leerlingen", "groep"]) - {"totaal"}
            if soort not in have and have and have <= SECTOR_SOORTEN[soort]:
                return "totaal"  # the region's pupils are all of this sector
        return soort
    return "totaal"


COMPARISON_COLUMNS = ["nr", "tekst", "eenheid", "jaar", "groep", "laag", "waarde", "gegevens_waarde",
                      "omschrijving", "bron", "klopt"]


def compare_with_data(q: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """Every comparison of a plan quantity (rows of :func:`.quantities.extract_quantities`) with the
    region's data (:func:`reference_figures`), one row per quantity and layer
    (:data:`COMPARISON_COLUMNS`): the data's nearest figure of that layer (a layer may give two,
    for two definitions of the region) and whether the plan's value lies within its rounding of
    it (``klopt``). Quantities about a part (see the module's rules) are left out."""
    rows: list[dict] = []
    if q.empty or references.empty:
        return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    forecast = references[references["laag"] == PROGNOSE]
    references = references[references["laag"] != PROGNOSE]
    forecast_years = set(zip(forecast["eenheid"], forecast["jaar"]))
    cand = q[q["soort"].isin(["getal", "bereik"]) & q["eenheid"].isin(set(references["eenheid"]))]
    for rec in cand.to_dict("records"):
        jaar = str(rec["jaar"])
        if not jaar.isdigit() or (rec["eenheid"], int(jaar)) in forecast_years:
            continue
        group = data_group(rec, references)
        if group is None:
            continue
        refs = references[(references["eenheid"] == rec["eenheid"]) & (references["jaar"] == int(jaar))
                          & (references["groep"] == group)]
        lo, hi = interval(rec)
        for laag, layer in refs.groupby("laag", sort=False):
            values = layer["waarde"].to_numpy(dtype=float)
            inside = (values >= lo) & (values <= hi)
            nearest = layer.iloc[int(inside.argmax()) if inside.any() else int(abs(values - rec["waarde"]).argmin())]
            expected = float(nearest["waarde"])
            if not inside.any() and (expected <= 0 or not RATIO[0] <= rec["waarde"] / expected <= RATIO[1]):
                continue
            rows.append(dict(nr=int(rec["nr"]), tekst=rec["tekst"], eenheid=rec["eenheid"], jaar=int(jaar),
                             groep=group, laag=laag, waarde=float(rec["waarde"]), gegevens_waarde=expected,
                             omschrijving=nearest["omschrijving"], bron=nearest["bron"], klopt=bool(inside.any())))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def find_data_differences(q: pd.DataFrame, references: pd.DataFrame, text: str,
                          comparisons: pd.DataFrame | None = None) -> list[dict]:
    """``gegevens``: a plan quantity further from the region's data figure for the same unit, year
    and group than its rounding allows (the rows of :func:`compare_with_data` that do not
    ``klopt``); one finding per quantity and layer."""
    if comparisons is None:
        comparisons = compare_with_data(q, references)
    by_nr = q.set_index("nr", drop=False)
    out = []
    for c in comparisons[~comparisons["klopt"]].itertuples():
        rec = by_nr.loc[c.nr].to_dict()
        f = finding("gegevens", [rec], text, stated=c.waarde, expected=c.gegevens_waarde, unit=c.eenheid,
                    rule=f"{fmt(c.waarde)} ≠ {fmt(c.gegevens_waarde)}")
        f["gegevens"] = f"{LAGEN[c.laag]}: {c.omschrijving}, {c.jaar} (bron: {c.bron})"
        out.append(f)
    return out
