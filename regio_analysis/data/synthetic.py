"""Deterministic synthetic microdata, calibrated to a region's published figures.

No region publishes person-level data, yet retention models, the induction study and the
peer-review indicators need it. This module makes it: employment spells
(``dienstverbanden``), Likert survey answers (``enquete``) and open answers about reasons
for leaving (``open_antwoorden``). Everything is labelled *synthetisch* (column ``bron``
and ``DataFrame.attrs``) and is reproducible: the same region, parameters and seed give
identical frames.

The data-generating process (all parameters in :class:`SyntheticParams`):

* **Stock.** The staff employed on ``observatie_start`` (size: the region's published
  staff in persons), with tenure before that date (left truncation), an age distribution
  whose 55+ share equals the published one exactly, and the published function mix.
* **Entrants.** Each calendar year of the window, ``instroom`` x stock new spells start,
  most on 1 August; a share ``aandeel_starters`` are *starters* (first job in education).
* **Covariates.** Route (regulier / zij-instroom / onbevoegd), certification, age, sex,
  fte, contract type, school (chosen with probability proportional to school size).
* **Induction (confounded).** OP starters get induction with
  ``logit P = inductie_intercept + inductie_bevoegd*bevoegd + inductie_school_omvang*z
  + inductie_zij_instroom*zij``, where ``z`` is the standardised log school size.
  Certified teachers and larger schools get induction more often, and (below) they also
  leave less: a naive comparison overstates what induction does.
* **Leaving.** Proportional hazards with a Weibull baseline,
  ``H(t | x) = c * t**k * exp(lp)``, ``lp = inductie_log_hr*inductie + bevoegd_log_hr*bevoegd
  + school_omvang_log_hr*z + zij_instroom_log_hr*zij + tijdelijk_log_hr*tijdelijk``.
  **The true effect of induction is ``inductie_log_hr``** (default log 0.80: a 20 % lower
  hazard of leaving), the documented ground truth for the estimators of later chapters.
  A destination is drawn for each exit (``aandeel_binnen_bestuur`` of exits are moves to
  another school of the same board); staff reaching ``pensioenleeftijd`` leave with
  reason *pensioen*. Spells still running on ``observatie_einde`` are censored (``einde`` NA).
* **Calibration (exact, not in expectation).** ``c`` and ``k`` are set from the drawn
  sample so that, among starters observed at least one (four) year(s), the share that
  left their board within one (four) year(s) equals the target; a hazard multiplier for
  experienced staff is set so that the stock's outflow in the first year equals the
  published outflow rate. Targets come from the region's tables where published (matched by
  meaning, not one indicator name: :func:`gepubliceerd_vertrek_starters`), else from the defaults
  below. :func:`calibration_targets` lists them with their source (:func:`leesbare_bron`: title and
  section, never a file name), :func:`ongebruikte_cijfers` the published figures of the same
  meaning left unused (and why), :func:`ingebouwde_waarheden` the built-in truths.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from regio_analysis import __version__
from regio_analysis.data.region import jaar_vermeld, kengetal_rijen, leesbare_bron
from regio_analysis.data.schemas import conform
from regio_analysis.frozen import freeze
from regio_analysis.report.format import fmt_getal, opsomming

if TYPE_CHECKING:
    from regio_analysis.data.region import RegionData

DAYS_PER_YEAR = 365.25
SYNTHETIC_LABEL = "synthetisch"


@dataclass(frozen=True)
class SyntheticParams:
    """Parameters of the generator. Targets left at None come from the region's data."""

    observatie_start: str = "2019-01-01"
    observatie_einde: str = "2025-12-31"
    # --- calibration targets (shares 0-1); None: published value or the default ---
    vertrek_1_jaar: float | None = None      # starters leaving their board within 1 year
    vertrek_4_jaar: float | None = None      # ... within 4 years
    uitstroom: float | None = None           # annual outflow of the stock
    instroom: float | None = None            # annual inflow, share of the stock
    aandeel_55plus: float | None = None      # share of the stock aged 55+
    personen: int | None = None              # stock size (persons)
    # defaults used when the region publishes nothing
    default_vertrek_1_jaar: float = 0.20
    default_uitstroom: float = 0.08
    default_instroom: float = 0.09
    default_aandeel_55plus: float = 0.22
    default_personen: int = 2000
    weibull_vorm: float = 0.7                # shape k when no 4-year target is known
    # validation studies: the same population in every seed (schools and their sizes drawn
    # from a seed-independent stream; Weibull scale c fixed, shape weibull_vorm), so that
    # only people and outcomes are redrawn
    vaste_scholen: bool = False
    weibull_schaal: float | None = None
    aandeel_starters: float = 0.35
    aandeel_binnen_bestuur: float = 0.15
    pensioenleeftijd: float = 67.0
    # --- true hazard model (log hazard ratios) ---
    inductie_log_hr: float = math.log(0.80)
    bevoegd_log_hr: float = math.log(0.60)
    school_omvang_log_hr: float = -0.25
    zij_instroom_log_hr: float = math.log(1.20)
    tijdelijk_log_hr: float = math.log(1.30)
    # --- induction assignment (logit) ---
    inductie_intercept: float = -0.6
    inductie_bevoegd: float = 1.3
    inductie_school_omvang: float = 0.8
    inductie_zij_instroom: float = 0.4
    # --- survey ---
    aandeel_respondenten: float = 0.4
    default_tevredenheid: float = 0.70


#: the Dutch description and unit of each calibration target (``aandeel``: a share 0-1)
DOELEN: dict[str, tuple[str, str]] = {
    "personen": ("personeel in dienst bij de start van de gegevens", "personen"),
    "vertrek_1_jaar": ("startende leraren die binnen een jaar het bestuur verlaten", "aandeel"),
    "vertrek_4_jaar": ("startende leraren die binnen vier jaar het bestuur verlaten", "aandeel"),
    "uitstroom": ("jaarlijkse uitstroom van het personeel", "aandeel"),
    "instroom": ("jaarlijkse instroom (aandeel van het personeel)", "aandeel"),
    "aandeel_55plus": ("personeel van 55 jaar en ouder", "aandeel"),
    "functiemix_OP": ("functiemix: leraren (OP)", "aandeel"),
    "functiemix_OOP": ("functiemix: onderwijsondersteunend personeel (OOP)", "aandeel"),
    "functiemix_DIR": ("functiemix: directie (DIR)", "aandeel"),
}
#: ``Target.soort``: a figure the region published, a default of this package, or set by the caller
GEPUBLICEERD, STANDAARD, PARAMETER = "gepubliceerd", "standaardwaarde", "parameter"
STANDAARD_BRON = "standaardwaarde van het pakket"
_DEFAULT_MIX = {"OP": 0.70, "OOP": 0.25, "DIR": 0.05}


@dataclass(frozen=True)
class Target:
    """One calibration target: its value, where it comes from (``soort``; ``bron`` readable: the
    document's title and section, or :data:`STANDAARD_BRON`), the year of the figure (None: not
    stated), the published indicator it was read from, and a note on how it was read."""

    naam: str
    waarde: float
    bron: str
    soort: str = GEPUBLICEERD
    jaar: int | None = None
    indicator: str = ""
    opmerking: str = ""


def _jaar(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _vermeld_jaar(rows: pd.DataFrame, column: str) -> int | None:
    """The latest year of ``rows``; None when a row says its source gives none (``jaar_vermeld``)."""
    unstated = "jaar_vermeld" in rows and not rows["jaar_vermeld"].map(jaar_vermeld).all()
    return None if unstated or rows[column].isna().all() else _jaar(rows[column].max())


def _gepubliceerd(waarde: float, bron: str, jaar: int | None = None, indicator: str = "", opmerking: str = "") -> Target:
    """A published figure found for a target (named when :func:`_targets` picks it)."""
    return Target("", float(waarde), bron, GEPUBLICEERD, jaar, indicator, opmerking)


# ------------------------------------------------------------------ published inputs

def _kengetal(region: "RegionData", onderwerp: str, indicator: str, categorie: str | None = None) -> tuple[float, str] | None:
    """The latest regional value of a key figure (optionally of one ``categorie``)."""
    rows = kengetal_rijen(region.kengetallen, indicator, onderwerp,
                          **({} if categorie is None else {"categorie": categorie}))
    if rows.empty:
        return None
    row = rows.sort_values("jaar", na_position="first").iloc[-1]
    return float(row["waarde"]), str(row["bron"])


def _bronnen(region: "RegionData", values) -> str:
    return "; ".join(dict.fromkeys(leesbare_bron(region, b) for b in values))


def _personen(region: "RegionData", onderwijsregio: bool = True) -> pd.DataFrame:
    """Key figures counting staff (``basisgegevens``, ``personen...``) for the region's own area
    (``categorie`` onderwijsregio) or, with ``onderwijsregio=False``, for other area definitions."""
    kg = region.kengetallen
    if kg.empty:
        return kg
    sel = (kg["onderwerp"] == "basisgegevens") & kg["indicator"].astype(str).str.startswith("personen")
    return kg[sel & ((kg["categorie"] == "onderwijsregio") == onderwijsregio) & (kg["niveau"] == "regio")].dropna(
        subset=["waarde"])


def _staff_persons(region: "RegionData") -> Target | None:
    p = region.personeel
    p = p[(p["eenheid"] == "personen") & (p["kenmerk"] == "totaal") & (p["niveau"] == "regio")].dropna(subset=["waarde"])
    if not p.empty:
        latest = p[p["peiljaar"] == p["peiljaar"].max()]
        groups = latest[latest["functiegroep"] != "totaal"]
        total = groups["waarde"].sum() if not groups.empty else latest["waarde"].sum()
        note = f"som van {opsomming(sorted(set(groups['functiegroep'])))}" if not groups.empty else ""
        return _gepubliceerd(float(round(total)), _bronnen(region, latest["bron"]), _vermeld_jaar(latest, "peiljaar"),
                          "personeel: personen", note)
    base = _personen(region)
    if not base.empty:
        groups = [f"{g} ({fmt_getal(v, 0)})" for g, v in zip(base["functiegroep"], base["waarde"])]
        return _gepubliceerd(float(round(base["waarde"].sum())), _bronnen(region, base["bron"]),
                          _jaar(base["jaar"].dropna().max()) if base["jaar"].notna().any() else None,
                          str(base["indicator"].iloc[0]), f"som van {opsomming(groups)}")
    return None


def _rate(region: "RegionData", richting: str) -> Target | None:
    s = region.stromen
    s = s[(s["richting"] == richting) & (s["eenheid"] == "procent") & (s["kenmerk"] == "totaal")
          & (s["niveau"] == "regio") & s["functiegroep"].isin(["OP", "totaal"])].dropna(subset=["waarde"])
    if s.empty:
        return None
    first = s[s["jaar"] == s["jaar"].min()]
    notes = [f"het eerste jaar van de reeks {int(s['jaar'].min())}–{int(s['jaar'].max())}"] * (s["jaar"].nunique() > 1)
    notes += ["een prognose van de regio"] * bool(first.get("prognose", pd.Series([False])).fillna(False).all())
    notes += ["cijfer voor leraren (OP)"] * (set(first["functiegroep"]) == {"OP"})
    return _gepubliceerd(float(first["waarde"].mean()) / 100, _bronnen(region, first["bron"]), _jaar(first["jaar"].iloc[0]),
                      f"stromen: {richting}", "; ".join(notes))


def _share_55plus(region: "RegionData") -> Target | None:
    p = region.personeel
    p = p[(p["kenmerk"] == "leeftijd") & (p["categorie"] == "55+") & (p["eenheid"] == "procent")
          & (p["niveau"] == "regio")].dropna(subset=["waarde"])
    if not p.empty:
        latest = p[p["peiljaar"] == p["peiljaar"].max()]
        row = latest[latest["functiegroep"] == "totaal"]
        row = row if not row.empty else latest
        return _gepubliceerd(float(row["waarde"].mean()) / 100, leesbare_bron(region, row["bron"].iloc[0]),
                          _vermeld_jaar(row, "peiljaar"), "personeel: leeftijd 55+")
    other = _kengetallen_55plus(region)
    if other.empty:
        return None
    row = other.sort_values("jaar", na_position="first").iloc[-1]
    return _gepubliceerd(float(row["waarde"]) / 100, leesbare_bron(region, row["bron"]), _jaar(row["jaar"]),
                      str(row["indicator"]))


def _kengetallen_55plus(region: "RegionData") -> pd.DataFrame:
    """Key figures (region, percent) on the share of staff aged 55 or over, matched by name."""
    kg = region.kengetallen
    sel = (kg["niveau"] == "regio") & (kg["eenheid"] == "procent") & (kg["onderwerp"] != "ambitie")
    return kg[sel & kg["indicator"].astype(str).str.contains("55")].dropna(subset=["waarde"])


def _function_mix(region: "RegionData") -> dict[str, Target]:
    """The published function mix (shares 0-1 of OP, OOP, DIR, scaled to add up to one); {} if none."""
    p = region.personeel
    p = p[(p["kenmerk"] == "functiemix") & (p["eenheid"] == "procent")].dropna(subset=["waarde"])
    mix = {g: float(p.loc[p["functiegroep"] == g, "waarde"].sum()) for g in _DEFAULT_MIX}
    total = sum(mix.values())
    if total <= 0:
        return {}
    notes = [] if abs(total - 100) < 0.5 else [f"herschaald: de gepubliceerde delen tellen op tot {fmt_getal(total, 1)}%"]
    persons = _personen(region)
    if len(persons) > 1:  # persons per group give another mix: say so, the generator follows the published one
        n = persons.groupby("functiegroep")["waarde"].sum()
        parts = [f"{fmt_getal(100 * v / n.sum(), 0)}% {g}" for g, v in n.items()]
        notes.append(f"de personen per functiegroep geven een andere verdeling ({opsomming(parts)}); "
                     "de generator volgt de gepubliceerde functiemix")
    return {g: _gepubliceerd(v / total, _bronnen(region, p.loc[p["functiegroep"] == g, "bron"]),
                          _vermeld_jaar(p[p["functiegroep"] == g], "peiljaar"), "personeel: functiemix", "; ".join(notes))
            for g, v in mix.items() if v > 0}


_VERTREK = re.compile(r"vertrek|uitstroom|uitval|verloop|verla(?:at|ten)")
_STARTER = re.compile(r"start|beginn")
_TERMIJN = re.compile(r"(\d+)[\s_]*ja(?:a)?r")
_VERTREK_KOLOMMEN = ["termijn", "waarde", "jaar", "functiegroep", "indicator", "bron"]


def gepubliceerd_vertrek_starters(region: "RegionData") -> pd.DataFrame:
    """The region's published shares of starting teachers who leave, matched by meaning.

    A key figure (region level, percent, not an ambition) about leaving (``vertrek``,
    ``uitstroom``, ``uitval``, ``verloop``) of starters (``start``, ``beginn``), or any leaving
    figure of the topic ``retentie``. One row each: ``termijn`` (years, from the name, e.g.
    ``vertrek_binnen_4_jaar``; NA when the region names none), ``waarde`` (share 0-1), ``jaar``
    (NA: not stated), ``functiegroep``, ``indicator`` and ``bron`` (:func:`leesbare_bron`).
    """
    kg = region.kengetallen
    if kg.empty:
        return pd.DataFrame(columns=_VERTREK_KOLOMMEN)
    rows = kg[(kg["niveau"] == "regio") & (kg["eenheid"] == "procent") & (kg["onderwerp"] != "ambitie")]
    out = []
    for r in rows.dropna(subset=["waarde"]).itertuples(index=False):
        name = str(r.indicator).lower().replace("_", " ")
        if not _VERTREK.search(name) or re.search(r"\b(?:max|min|doel)\b", name):
            continue
        if not (_STARTER.search(name) or r.onderwerp == "retentie"):
            continue
        m = _TERMIJN.search(name)
        out.append({"termijn": int(m.group(1)) if m else pd.NA, "waarde": float(r.waarde) / 100, "jaar": _jaar(r.jaar),
                    "functiegroep": r.functiegroep, "indicator": str(r.indicator), "bron": leesbare_bron(region, r.bron)})
    return pd.DataFrame(out, columns=_VERTREK_KOLOMMEN)


def _vertrek(region: "RegionData", horizon: int) -> Target | None:
    """The published share of starters leaving within ``horizon`` years (latest year); for one
    year, a figure without a stated horizon when there is none with it (and the note says so)."""
    pub = gepubliceerd_vertrek_starters(region)
    exact = pub[pub["termijn"].eq(horizon).fillna(False).astype(bool)]
    note = ""
    if exact.empty and horizon == 1:
        exact = pub[pub["termijn"].isna()]
        note = "de regio noemt geen termijn; de generator neemt het als vertrek binnen een jaar"
    if exact.empty:
        return None
    row = exact.sort_values("jaar", na_position="first").iloc[-1]
    if not _STARTER.search(str(row["indicator"]).lower().replace("_", " ")):
        note = "; ".join(n for n in (note, "de regio noemt dit voor al het personeel, niet alleen voor startende leraren; "
                                           "de generator neemt het voor starters") if n)
    return _gepubliceerd(float(row["waarde"]), str(row["bron"]), _jaar(row["jaar"]), str(row["indicator"]), note)


def calibration_targets(region: "RegionData", params: SyntheticParams = SyntheticParams()) -> pd.DataFrame:
    """The targets the generator calibrates to, with their source (published or default).

    Columns: ``naam``, ``omschrijving`` (Dutch), ``waarde`` (a share 0-1, or persons),
    ``eenheid`` (``aandeel`` or ``personen``), ``soort`` (``gepubliceerd``, ``standaardwaarde``,
    ``parameter``), ``bron`` (the document's title and section, or "standaardwaarde van het
    pakket"), ``jaar`` (of the figure; NA: not stated), ``indicator`` and ``opmerking``.
    """
    rows = [{"naam": t.naam, "omschrijving": DOELEN[t.naam][0], "waarde": t.waarde, "eenheid": DOELEN[t.naam][1],
             "soort": t.soort, "bron": t.bron, "jaar": t.jaar, "indicator": t.indicator, "opmerking": t.opmerking}
            for t in _targets(region, params).values()]
    out = pd.DataFrame(rows, columns=["naam", "omschrijving", "waarde", "eenheid", "soort", "bron", "jaar", "indicator",
                                      "opmerking"])
    out["jaar"] = out["jaar"].astype("Int64")
    return out


def _targets(region: "RegionData", params: SyntheticParams) -> dict[str, Target]:
    def pick(name, explicit, published: Target | None, default):
        if explicit is not None:
            return Target(name, float(explicit), "opgegeven bij het maken van de gegevens", PARAMETER)
        if published is not None:
            return replace(published, naam=name)
        if default is None:
            return None
        return Target(name, float(default), STANDAARD_BRON, STANDAARD, opmerking="de regio publiceert dit niet")

    mix = _function_mix(region)
    t = {
        "personen": pick("personen", params.personen, _staff_persons(region), params.default_personen),
        "vertrek_1_jaar": pick("vertrek_1_jaar", params.vertrek_1_jaar, _vertrek(region, 1), params.default_vertrek_1_jaar),
        "vertrek_4_jaar": pick("vertrek_4_jaar", params.vertrek_4_jaar, _vertrek(region, 4), None),
        "uitstroom": pick("uitstroom", params.uitstroom, _rate(region, "uit"), params.default_uitstroom),
        "instroom": pick("instroom", params.instroom, _rate(region, "in"), params.default_instroom),
        "aandeel_55plus": pick("aandeel_55plus", params.aandeel_55plus, _share_55plus(region), params.default_aandeel_55plus),
        **{f"functiemix_{g}": pick(f"functiemix_{g}", None, mix.get(g), None if mix else share)
           for g, share in _DEFAULT_MIX.items()},
    }
    return {k: v for k, v in t.items() if v is not None}


def ongebruikte_cijfers(region: "RegionData", params: SyntheticParams = SyntheticParams()) -> pd.DataFrame:
    """Published figures that mean what a calibration target means but are not used, and why.

    Columns ``naam`` (the target), ``omschrijving``, ``waarde`` (in the target's unit), ``jaar``,
    ``indicator``, ``bron`` (readable) and ``reden``: another horizon or an older year of the
    starters' leaving, a staff count for another area, a second figure for the 55+ share.
    """
    targets = _targets(region, params)
    rows = []

    def add(naam, waarde, jaar, indicator, bron, reden):
        rows.append({"naam": naam, "omschrijving": DOELEN[naam][0], "waarde": float(waarde), "jaar": _jaar(jaar),
                     "indicator": str(indicator), "bron": bron, "reden": reden})

    used = {(t.indicator, t.jaar, round(t.waarde, 6)) for t in targets.values() if t.soort == GEPUBLICEERD}
    for r in gepubliceerd_vertrek_starters(region).itertuples(index=False):
        if (r.indicator, _jaar(r.jaar), round(r.waarde, 6)) in used:
            continue
        naam = "vertrek_4_jaar" if r.termijn == 4 else "vertrek_1_jaar"
        if pd.isna(r.termijn):
            reden = "de termijn is niet vermeld en de regio publiceert ook een cijfer voor een jaar"
        elif r.termijn in (1, 4):
            reden = "de generator gebruikt het cijfer van het laatste jaar voor deze termijn"
            reden = reden if targets[naam].soort == GEPUBLICEERD else "de afstemming is opgegeven als parameter"
        else:
            reden = f"termijn van {r.termijn} jaar: de generator stemt alleen af op een en vier jaar"
        add(naam, r.waarde, r.jaar, r.indicator, r.bron, reden)
    for r in _personen(region, onderwijsregio=False).itertuples(index=False):
        add("personen", r.waarde, r.jaar, f"{r.indicator} ({r.functiegroep})", leesbare_bron(region, r.bron),
            f"een telling voor een andere gebiedsindeling ({r.categorie}); de generator volgt de onderwijsregio")
    if "aandeel_55plus" in targets:
        chosen = targets["aandeel_55plus"]
        for r in _kengetallen_55plus(region).itertuples(index=False):
            if (str(r.indicator), _jaar(r.jaar), round(float(r.waarde) / 100, 6)) in used:
                continue
            add("aandeel_55plus", float(r.waarde) / 100, r.jaar, r.indicator, leesbare_bron(region, r.bron),
                f"een tweede cijfer voor hetzelfde aandeel; de generator gebruikt {fmt_getal(100 * chosen.waarde, 1)}%"
                if chosen.soort == GEPUBLICEERD else "opgegeven als parameter")
    out = pd.DataFrame(rows, columns=["naam", "omschrijving", "waarde", "jaar", "indicator", "bron", "reden"])
    out["jaar"] = out["jaar"].astype("Int64")
    return out


def ingebouwde_waarheden(params: SyntheticParams = SyntheticParams()) -> pd.DataFrame:
    """The generator's built-in truths: the hazard ratios of leaving (conditional: each with the
    other covariates held equal), the odds ratios of getting induction, and the share of ends
    that are moves within the board. Columns ``naam``, ``omschrijving``, ``waarde``, ``eenheid``
    (``hazardratio``, ``oddsratio``, ``aandeel``) and ``parameter`` (of :class:`SyntheticParams`)."""
    sd = "schoolgrootte (per standaardafwijking van de log)"
    spec = [("hr", "inductie", "inductie_log_hr"), ("hr", "bevoegd", "bevoegd_log_hr"),
            ("hr", "zij-instroom", "zij_instroom_log_hr"), ("hr", "tijdelijk contract", "tijdelijk_log_hr"),
            ("hr", sd, "school_omvang_log_hr"), ("or", "bevoegd", "inductie_bevoegd"),
            ("or", sd, "inductie_school_omvang"), ("or", "zij-instroom", "inductie_zij_instroom")]
    rows = [(f"hr_{param.removesuffix('_log_hr')}" if kind == "hr" else f"or_{param}",
             f"{'hazardratio van vertrek' if kind == 'hr' else 'oddsratio van inductie'}: {name}",
             math.exp(getattr(params, param)), "hazardratio" if kind == "hr" else "oddsratio", param)
            for kind, name, param in spec]
    rows.append(("aandeel_binnen_bestuur", "einden die een overstap binnen het bestuur zijn (geen vertrek)",
                 params.aandeel_binnen_bestuur, "aandeel", "aandeel_binnen_bestuur"))
    return pd.DataFrame(rows, columns=["naam", "omschrijving", "waarde", "eenheid", "parameter"])


# ------------------------------------------------------------------ generator


def _rng(region_id: str, seed: int, stream: str) -> np.random.Generator:
    """An independent, reproducible random stream per region, seed and purpose."""
    digest = hashlib.sha256(f"{region_id}|{seed}|{stream}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _sector(region: "RegionData") -> str:
    sectors = set(region.meta.get("sectoren", []))
    return "PO" if sectors & {"PO", "(V)SO"} or not sectors else "VO"


def _schools(region: "RegionData", n_staff: int, rng: np.random.Generator) -> pd.DataFrame:
    sector = _sector(region)
    per_school = 25 if sector == "PO" else 90
    # the region's own count of school locations (seed 002 also quotes other sources' counts)
    vest = _kengetal(region, "basisgegevens", "aantal_vestigingen", categorie="onderwijsregio")
    n_schools = int(vest[0]) if vest else max(5, n_staff // per_school)
    n_boards = len(region.meta.get("besturen") or []) or max(2, n_schools // 8)
    mean_log, sd_log = (math.log(220), 0.45) if sector == "PO" else (math.log(900), 0.5)
    size = np.round(np.exp(rng.normal(mean_log, sd_log, n_schools)))
    board = rng.integers(0, n_boards, n_schools)
    letters = [chr(65 + (i // 26) % 26) + chr(65 + i % 26) for i in range(n_schools)]
    return pd.DataFrame({
        "vestigingscode": [f"99{letters[i]}{(i % 90) + 10:02d}" for i in range(n_schools)],
        "bestuur_id": [f"B{b + 1:03d}" for b in board],
        "school_omvang": size,
    })


def _draw_people(n: int, starters: bool, mix: dict[str, float], sector: str, rng: np.random.Generator) -> pd.DataFrame:
    groups = rng.choice(list(mix), size=n, p=list(mix.values()))
    if starters:
        route = rng.choice(["regulier", "zij-instroom", "onbevoegd"], size=n, p=[0.70, 0.20, 0.10])
    else:
        route = rng.choice(["regulier", "zij-instroom", "onbevoegd"], size=n, p=[0.88, 0.08, 0.04])
    p_cert = np.select([route == "regulier", route == "zij-instroom"], [0.95, 0.30], 0.0)
    bevoegd = rng.random(n) < p_cert
    age = np.where(route == "zij-instroom", rng.uniform(27, 55, n), 21 + rng.gamma(2.0, 2.0, n))
    if not starters:
        age = age + rng.uniform(0, 15, n)
    age = np.clip(age, 19, 59)
    female = 0.78 if sector == "PO" else 0.55
    sex = np.where(rng.random(n) < female, "v", "m")
    fte = np.clip(np.round(rng.beta(5, 2, n) * 1.05, 2), 0.2, 1.0)
    temp = rng.random(n) < (0.70 if starters else 0.35)
    return pd.DataFrame({
        "functiegroep": groups, "route": route, "bevoegd": bevoegd, "leeftijd": age,
        "geslacht": sex, "fte": fte, "contract": np.where(temp, "tijdelijk", "vast"),
    })


def _destinations(n: int, share_within: float, rng: np.random.Generator) -> np.ndarray:
    others = ["ander bestuur in regio", "buiten regio", "buiten onderwijs"]
    weights = np.array([0.35, 0.25, 0.40]) * (1 - share_within)
    return rng.choice(["andere school zelfde bestuur"] + others, size=n, p=[share_within, *weights])


def generate_dienstverbanden(region: "RegionData", seed: int = 0, params: SyntheticParams = SyntheticParams()) -> pd.DataFrame:
    """Synthetic employment spells for ``region`` (see the module docstring for the model)."""
    targets = _targets(region, params)
    rng = _rng(region.regio_id, seed, "dienstverbanden")
    sector = _sector(region)
    mix = {g: targets[f"functiemix_{g}"].waarde for g in _DEFAULT_MIX}
    t0 = pd.Timestamp(params.observatie_start)
    t_end = pd.Timestamp(params.observatie_einde)
    window = (t_end - t0).days / DAYS_PER_YEAR

    n_stock = max(50, int(targets["personen"].waarde))
    schools = _schools(region, n_stock, _rng(region.regio_id, 0, "scholen") if params.vaste_scholen else rng)
    p_school = (schools["school_omvang"] / schools["school_omvang"].sum()).to_numpy()
    log_size = np.log(schools["school_omvang"].to_numpy())
    z_school = (log_size - log_size.mean()) / (log_size.std() or 1.0)

    # --- the stock on observatie_start (left-truncated spells)
    stock = _draw_people(n_stock, False, mix, sector, rng)
    n_old = int(round(targets["aandeel_55plus"].waarde * n_stock))
    old = np.zeros(n_stock, bool)
    old[rng.choice(n_stock, n_old, replace=False)] = True
    age_t0 = np.where(old, rng.uniform(55, params.pensioenleeftijd - 0.05, n_stock),
                      np.minimum(stock["leeftijd"].to_numpy() + rng.uniform(0, 20, n_stock), 54.99))
    tenure_days = np.maximum(np.round(rng.uniform(0, 1, n_stock) * np.maximum(age_t0 - 22, 0.1) * DAYS_PER_YEAR), 1)
    tenure = tenure_days / DAYS_PER_YEAR  # at least one day: the stock started before observatie_start
    stock["leeftijd"] = age_t0 - tenure
    stock["starter"] = False
    stock["start"] = t0 - pd.to_timedelta(tenure_days, unit="D")
    stock["tenure"] = tenure

    # --- entrants during the window
    n_per_year = int(round(targets["instroom"].waarde * n_stock))
    years = range(t0.year, t_end.year + 1)
    frames = []
    for year in years:
        n_start = int(round(n_per_year * params.aandeel_starters))
        for is_starter, n in ((True, n_start), (False, n_per_year - n_start)):
            people = _draw_people(n, is_starter, mix, sector, rng)
            aug = rng.random(n) < 0.75
            day = np.where(aug, pd.Timestamp(f"{year}-08-01").day_of_year - 1, rng.integers(0, 365, n))
            people["start"] = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(day, unit="D")
            people["starter"] = is_starter
            people["tenure"] = 0.0
            frames.append(people)
    entrants = pd.concat(frames, ignore_index=True)
    entrants = entrants[entrants["start"] <= t_end].reset_index(drop=True)
    df = pd.concat([stock, entrants], ignore_index=True)
    n = len(df)

    school_idx = rng.choice(len(schools), size=n, p=p_school)
    df["vestigingscode"] = schools["vestigingscode"].to_numpy()[school_idx]
    df["bestuur_id"] = schools["bestuur_id"].to_numpy()[school_idx]
    df["school_omvang"] = schools["school_omvang"].to_numpy()[school_idx]
    z = z_school[school_idx]
    zij = (df["route"] == "zij-instroom").to_numpy()
    bevoegd = df["bevoegd"].to_numpy()

    # --- induction, for OP starters only, confounded by certification and school size
    eligible = df["starter"].to_numpy() & (df["functiegroep"] == "OP").to_numpy()
    logit = (params.inductie_intercept + params.inductie_bevoegd * bevoegd
             + params.inductie_school_omvang * z + params.inductie_zij_instroom * zij)
    inductie = eligible & (rng.random(n) < 1 / (1 + np.exp(-logit)))
    intensief = rng.random(n) < 1 / (1 + np.exp(-(0.5 * z)))
    df["inductie"] = inductie
    df["inductie_intensiteit"] = np.where(inductie, np.where(intensief, "intensief", "licht"), "geen")

    lp = (params.inductie_log_hr * inductie + params.bevoegd_log_hr * bevoegd
          + params.school_omvang_log_hr * z + params.zij_instroom_log_hr * zij
          + params.tijdelijk_log_hr * (df["contract"] == "tijdelijk").to_numpy())
    e = rng.exponential(1.0, n)
    reason = _destinations(n, params.aandeel_binnen_bestuur, rng)
    leaves_board = reason != "andere school zelfde bestuur"
    start_years = ((df["start"] - t0).dt.days / DAYS_PER_YEAR).to_numpy()
    follow_up = window - start_years  # years from spell start to observatie_einde
    to_pension = params.pensioenleeftijd - df["leeftijd"].to_numpy()

    # --- calibrate c and k on starters: x = e * exp(-lp); left within t iff x < c * t**k
    x = e * np.exp(-lp)
    st = df["starter"].to_numpy()
    if params.weibull_schaal is not None:
        c, k = float(params.weibull_schaal), float(params.weibull_vorm)
    else:
        c, k = _calibrate_starters(x, st, leaves_board, follow_up, targets, params)
    t_latent = (x / c) ** (1 / k)

    # --- experienced staff: multiplier m on the hazard, conditional on tenure (stock)
    m = _calibrate_stock(e, lp, df["tenure"].to_numpy(), to_pension, ~st, df["start"].to_numpy() < np.datetime64(t0), c, k, targets)
    tenure_all = df["tenure"].to_numpy()
    t_exp = ((e / (c * m * np.exp(lp))) + tenure_all ** k) ** (1 / k)
    t_event = np.where(st, t_latent, t_exp)
    pension = to_pension < t_event
    t_exit = np.where(pension, to_pension, t_event)
    reason = np.where(pension, "pensioen", reason)

    ended = t_exit <= np.maximum(follow_up, 0)  # follow_up is in spell time for stock and entrants alike
    t_exit = np.minimum(t_exit, 150.0)  # only ended spells use it; keeps Timedelta in range
    einde = df["start"] + pd.to_timedelta(np.round(t_exit * DAYS_PER_YEAR), unit="D")
    einde = einde.where(ended)
    einde = einde.where(einde.isna() | (einde >= df["start"]), df["start"])
    einde = einde.where(einde.isna() | (einde <= t_end), t_end)

    out = pd.DataFrame({
        "persoon_id": [f"syn-{region.regio_id[:12]}-{i:06d}" for i in range(n)],
        "bestuur_id": df["bestuur_id"],
        "vestigingscode": df["vestigingscode"],
        "functiegroep": df["functiegroep"],
        "start": df["start"],
        "einde": einde,
        "reden_einde": np.where(ended, reason, ""),
        "observatie_einde": t_end,
        "leeftijd_start": np.floor(df["leeftijd"]).astype(int),
        "geslacht": df["geslacht"],
        "fte": df["fte"],
        "contract": df["contract"],
        "route": df["route"],
        "bevoegd": df["bevoegd"],
        "starter": df["starter"],
        "school_omvang": df["school_omvang"],
        "inductie": df["inductie"],
        "inductie_intensiteit": df["inductie_intensiteit"],
        "bron": f"{SYNTHETIC_LABEL} (regio_analysis {__version__}, seed={seed})",
    })
    result = conform(out, "dienstverbanden", file=f"<synthetisch:{region.regio_id}>")
    result.attrs.update({
        SYNTHETIC_LABEL: True,
        "seed": seed,
        "params": freeze(asdict(params)),
        "kalibratie": freeze({name: asdict(t) for name, t in targets.items()}),
        "weibull": freeze({"c": c, "k": k, "ervaren_multiplier": m}),
        "observatie_start": params.observatie_start,
    })
    return result


def _calibrate_starters(x, starter, leaves_board, follow_up, targets, params) -> tuple[float, float]:
    """Scale c and shape k so the realised shares leaving within 1 (and 4) years hit the targets."""

    def threshold(horizon: float, share: float) -> float:
        pop = starter & (follow_up >= horizon)
        if pop.sum() < 5:
            raise ValueError(f"too few starters observed {horizon} years to calibrate")
        need = int(round(share * pop.sum()))  # persons that must leave the board by `horizon`
        cand = np.sort(x[pop & leaves_board])
        if need <= 0:
            return float(cand[0]) * 0.5
        if need > len(cand):
            raise ValueError(f"target share {share:.3f} exceeds what moves within the board leave possible")
        hi = cand[need - 1]
        lo = cand[need] if need < len(cand) else hi * 1.5
        return float((hi + lo) / 2)  # strictly between the need-th and next value

    q1 = threshold(1.0, targets["vertrek_1_jaar"].waarde)
    k = params.weibull_vorm
    if "vertrek_4_jaar" in targets and (starter & (follow_up >= 4)).sum() >= 5:
        q4 = threshold(4.0, targets["vertrek_4_jaar"].waarde)
        k = math.log(q4 / q1) / math.log(4.0)
    return q1, k


def _calibrate_stock(e, lp, tenure, to_pension, experienced, in_stock, c, k, targets) -> float:
    """Hazard multiplier for experienced staff so the stock's first-year outflow hits the target."""
    target = targets["uitstroom"].waarde
    pop = experienced & in_stock

    def outflow(m: float) -> float:
        t = ((e[pop] / (c * m * np.exp(lp[pop]))) + tenure[pop] ** k) ** (1 / k)
        first_year = tenure[pop] + 1.0
        return float(np.mean((t <= first_year) | (to_pension[pop] <= first_year)))

    lo, hi = 1e-6, 1e3
    if outflow(lo) >= target:
        return lo
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if outflow(mid) < target:
            lo = mid
        else:
            hi = mid
    return hi


# ------------------------------------------------------------------ survey answers

_LIKERT_ITEMS = {
    "personeel": ("interessant werk", "professionaliseringsmogelijkheden", "leiderschapsstijl leidinggevende",
                  "salaris", "werkzekerheid", "zelf werktijden bepalen", "reistijd", "deeltijd werken"),
    "student": ("tevredenheid opleiden in de school", "kwaliteit begeleiding op de werkplek"),
    "begeleider": ("tevredenheid samenwerking met de opleiding", "toerusting als schoolopleider"),
}

# Open answers about reasons for leaving. Written for this project; each phrase carries a known code.
_REASON_PHRASES = {
    "werkdruk": ("De werkdruk was te hoog.", "Naast het lesgeven bleef er geen tijd over voor voorbereiding.",
                 "Het aantal taken naast de klas werd me te veel."),
    "salaris": ("Het salaris paste niet bij de verantwoordelijkheid.", "Buiten het onderwijs verdien ik meer."),
    "begeleiding": ("Als beginner kreeg ik nauwelijks begeleiding.", "Ik had geen vaste mentor om op terug te vallen.",
                    "Niemand keek mee toen ik de eerste maanden worstelde met de klas."),
    "leidinggevende": ("Ik voelde me niet gesteund door de directie.", "De communicatie met mijn leidinggevende liep stroef."),
    "werkzekerheid": ("Mijn tijdelijke aanstelling werd niet verlengd.", "Ik deed alleen invalwerk zonder uitzicht op een vaste plek."),
    "reistijd": ("De reis naar school kostte te veel tijd.", "Na mijn verhuizing lag de school te ver weg."),
    "loopbaan": ("Ik zocht een volgende stap in mijn loopbaan.", "Er waren weinig mogelijkheden om door te groeien."),
    "prive": ("Door omstandigheden thuis ben ik gestopt.", "Werk en zorg voor mijn gezin gingen niet meer samen."),
}
_NEGATED = {
    "werkdruk": "Het lag niet aan de werkdruk.",
    "salaris": "Het salaris was geen reden om te gaan.",
    "begeleiding": "Aan begeleiding ontbrak het me niet.",
}


def _survey_targets(region: "RegionData", params: SyntheticParams) -> dict[str, float]:
    kg = region.kengetallen
    sat = kg[(kg["onderwerp"] == "tevredenheid") & (kg["eenheid"] == "procent")].dropna(subset=["waarde"])
    lookup = {str(c).lower(): float(v) / 100 for c, v in zip(sat["categorie"], sat["waarde"])}
    out = {}
    for items in _LIKERT_ITEMS.values():
        for item in items:
            match = next((v for c, v in lookup.items() if c and (c in item or item in c)), None)
            out[item] = match if match is not None else params.default_tevredenheid
    return out


def generate_enquete(region: "RegionData", spells: pd.DataFrame, seed: int = 0,
                     params: SyntheticParams = SyntheticParams()) -> pd.DataFrame:
    """Likert answers (1-5); the share answering 4 or 5 equals the published satisfaction."""
    rng = _rng(region.regio_id, seed, "enquete")
    year = pd.Timestamp(params.observatie_einde).year
    employed = spells.loc[spells["einde"].isna(), "persoon_id"].to_numpy()
    n_staff = max(10, int(round(params.aandeel_respondenten * len(employed))))
    groups = {
        "personeel": rng.choice(employed, size=min(n_staff, len(employed)), replace=False),
        "student": np.array([f"syn-student-{i:05d}" for i in range(max(10, n_staff // 10))]),
        "begeleider": np.array([f"syn-begeleider-{i:05d}" for i in range(max(10, n_staff // 20))]),
    }
    targets = _survey_targets(region, params)
    rows = []
    for group, respondents in groups.items():
        person_effect = rng.normal(0, 0.7, len(respondents))
        for item in _LIKERT_ITEMS[group]:
            latent = person_effect + rng.normal(0, 1, len(respondents))
            order = np.argsort(-latent, kind="stable")
            n_agree = int(round(targets[item] * len(respondents)))
            score = np.empty(len(respondents), int)
            agree, rest = order[:n_agree], order[n_agree:]
            score[agree] = np.where(rng.random(len(agree)) < 0.4, 5, 4)
            score[rest] = rng.choice([1, 2, 3], size=len(rest), p=[0.15, 0.35, 0.5])
            rows.append(pd.DataFrame({"respondent_id": respondents, "jaar": year, "groep": group,
                                      "item": item, "waarde": score}))
    out = pd.concat(rows, ignore_index=True)
    out["bron"] = f"{SYNTHETIC_LABEL} (regio_analysis {__version__}, seed={seed})"
    result = conform(out, "enquete", file=f"<synthetisch:{region.regio_id}>")
    result.attrs.update({SYNTHETIC_LABEL: True, "seed": seed, "doel_aandeel_eens": freeze(targets)})
    return result


def generate_open_antwoorden(region: "RegionData", spells: pd.DataFrame, seed: int = 0,
                             params: SyntheticParams = SyntheticParams()) -> pd.DataFrame:
    """Exit answers of leavers with their true codes (column ``codes``).

    Code probabilities follow the spells: starters without induction name *begeleiding*
    more often, temporary contracts *werkzekerheid*. Some answers deny a reason
    (e.g. "Het lag niet aan de werkdruk."), which must not be coded: a test for negation.
    """
    rng = _rng(region.regio_id, seed, "open_antwoorden")
    leavers = spells[spells["einde"].notna() & (spells["reden_einde"] != "pensioen")]
    leavers = leavers.iloc[rng.permutation(len(leavers))[: max(10, int(round(params.aandeel_respondenten * len(leavers))))]]
    codes = list(_REASON_PHRASES)
    rows = []
    for rec in leavers.itertuples(index=False):
        w = np.ones(len(codes))
        if rec.starter and not rec.inductie:
            w[codes.index("begeleiding")] += 2.5
        if rec.contract == "tijdelijk":
            w[codes.index("werkzekerheid")] += 2.0
        if rec.reden_einde == "buiten onderwijs":
            w[codes.index("salaris")] += 1.0
            w[codes.index("werkdruk")] += 1.0
        n_codes = 1 + int(rng.random() < 0.4)
        chosen = sorted(rng.choice(codes, size=n_codes, replace=False, p=w / w.sum()), key=codes.index)
        sentences = [rng.choice(_REASON_PHRASES[c]) for c in chosen]
        negatable = [c for c in _NEGATED if c not in chosen]
        if negatable and rng.random() < 0.15:
            sentences.insert(int(rng.integers(0, len(sentences) + 1)), _NEGATED[rng.choice(negatable)])
        rows.append({"respondent_id": rec.persoon_id, "jaar": pd.Timestamp(rec.einde).year,
                     "vraag": "reden_vertrek", "tekst": " ".join(sentences), "codes": ";".join(chosen)})
    out = pd.DataFrame(rows, columns=["respondent_id", "jaar", "vraag", "tekst", "codes"])
    out["bron"] = f"{SYNTHETIC_LABEL} (regio_analysis {__version__}, seed={seed})"
    result = conform(out, "open_antwoorden", file=f"<synthetisch:{region.regio_id}>")
    result.attrs.update({SYNTHETIC_LABEL: True, "seed": seed})
    return result


def generate_microdata(region: "RegionData", seed: int = 0, params: SyntheticParams = SyntheticParams()) -> dict[str, pd.DataFrame]:
    """All synthetic microdata tables for ``region``: spells, survey and open answers."""
    spells = generate_dienstverbanden(region, seed, params)
    return {
        "dienstverbanden": spells,
        "enquete": generate_enquete(region, spells, seed, params),
        "open_antwoorden": generate_open_antwoorden(region, spells, seed, params),
    }
