"""The quality framework of the peer review as data: waarborgen → criteria → indicators.

:class:`Framework` (with :class:`Waarborg`, :class:`Criterium` and :class:`Indicator`) is what a
framework YAML (``data/frameworks/kwaliteitskader.yaml``, replaceable) holds once checked;
:func:`parse_framework` checks and converts the mapping read from such a file, reporting every
problem at once as a DataError naming the file and the key (reading the file itself is
``regio_analysis.io.frameworks.load_framework``). Each indicator names one of
:data:`BEREKENING_NAMEN` (the computations of ``peerreview.indicators``), a target (optionally
with the year it is to be reached, ``doeljaar``), a direction and the thresholds that
:func:`indicator_status` turns into *gehaald*, *bijna* or *niet gehaald*.

:func:`beoordeel` decides what an indicator's value may be called: *ontbreekt* without a value,
:data:`VOORBEELD` for a value computed from synthetic data (a demonstration, never graded),
:func:`koers` (*op koers*, *niet op koers*, *koers onbekend*) while the target year is still
ahead, else the graded status.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.report.format import fmt_getal

FRAMEWORK_FILE = "kwaliteitskader.yaml"
#: the status of an indicator computed from synthetic data: a demonstration, never graded
VOORBEELD = "voorbeeld (synthetisch), niet beoordeeld"
#: statuses that judge the region: against the target, or against the straight line to it
BEOORDEELD = ("gehaald", "bijna", "niet gehaald", "op koers", "niet op koers")
#: every status, in the order of the status figure and the tables of counts
STATUSSEN = ("gehaald", "op koers", "bijna", "niet op koers", "niet gehaald", "koers onbekend", VOORBEELD,
             "ontbreekt")
STATUS_KLEUREN = {"gehaald": "#1a9850", "op koers": "#a6d96a", "bijna": "#fdae61", "niet op koers": "#f46d43",
                  "niet gehaald": "#d73027", "koers onbekend": "#c2a5cf", VOORBEELD: "#92c5de",
                  "ontbreekt": "#bdbdbd"}
RICHTINGEN = ("hoger", "lager")
OMZETTINGEN = ("gelijk", "complement")
CYCLUS_JAREN = 6
#: The computations a framework's ``berekening`` may name (``peerreview.indicators.BEREKENINGEN``
#: maps each to its function, in this order).
BEREKENING_NAMEN = (
    "behoud_starters_1_jaar", "behoud_starters_3_jaar", "behoud_starters_5_jaar", "inductie_dekking",
    "samen_opleiden_dekking", "tevredenheid_studenten", "tevredenheid_begeleiders",
    "gecertificeerde_schoolopleiders", "bekostiging_navolgbaar", "peer_review_cyclus", "kengetal",
)


def default_framework_path() -> Path:
    """The framework shipped with the package (``data/frameworks/kwaliteitskader.yaml``)."""
    package = Path(__file__).resolve().parent.parent  # regio_analysis/
    shipped = package / "_default_data" / "frameworks" / FRAMEWORK_FILE  # inside an installed wheel
    if shipped.is_file():
        return shipped
    return package.parent / "data" / "frameworks" / FRAMEWORK_FILE  # a source checkout / editable install


@dataclass(frozen=True)
class Indicator:
    """One indicator of the framework: what it measures, how it is computed, and its norm."""

    id: str
    label: str
    berekening: str
    doel: float
    richting: str
    gehaald: float = 0.0  # shortfall from the target still counted as met
    bijna: float = 0.0  # shortfall from the target counted as close
    definitie: str = ""
    eenheid: str = ""
    doel_uit_ambitie: dict | None = None
    kengetal: dict | None = None
    doeljaar: int | None = None  # the year the target is to be reached (None: no horizon)


@dataclass(frozen=True)
class Criterium:
    id: str
    naam: str
    beschrijving: str = ""
    indicatoren: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Waarborg:
    id: str
    naam: str
    beschrijving: str = ""
    te_controleren: bool = False
    codes: tuple[str, ...] = ()
    reflectievragen: tuple[str, ...] = ()
    criteria: tuple[Criterium, ...] = ()

    @property
    def indicatoren(self) -> list[tuple[Criterium, Indicator]]:
        return [(c, i) for c in self.criteria for i in c.indicatoren]

    @property
    def titel(self) -> str:
        nr = re.sub(r"\D", "", self.id)
        return f"Waarborg {nr}: {self.naam}" if nr else f"{self.id} {self.naam}"


@dataclass(frozen=True)
class Framework:
    """The quality framework read from YAML (see :func:`parse_framework`; the file is read by
    ``regio_analysis.io.peer_review.load_framework``)."""

    naam: str
    waarborgen: tuple[Waarborg, ...]
    versie: str = ""
    bron: str = ""
    cyclus_jaren: int = CYCLUS_JAREN
    path: str = ""

    def waarborg(self, wid: str) -> Waarborg:
        for w in self.waarborgen:
            if w.id == wid:
                return w
        raise KeyError(wid)

    def table(self) -> pd.DataFrame:
        """One row per indicator: waarborg, criterium, id, label, berekening, doel, richting, drempels."""
        rows = [{"waarborg_id": w.id, "waarborg": w.naam, "criterium_id": c.id, "criterium": c.naam,
                 "indicator_id": i.id, "indicator": i.label, "berekening": i.berekening, "eenheid": i.eenheid,
                 "doel": i.doel, "doeljaar": i.doeljaar, "richting": i.richting, "drempel_gehaald": i.gehaald,
                 "drempel_bijna": i.bijna}
                for w in self.waarborgen for c, i in w.indicatoren]
        return pd.DataFrame(rows)


_TOP_KEYS = {"naam", "versie", "bron", "cyclus_jaren", "waarborgen"}
_WAARBORG_KEYS = {"id", "naam", "beschrijving", "te_controleren", "codes", "reflectievragen", "criteria"}
_CRITERIUM_KEYS = {"id", "naam", "beschrijving", "indicatoren"}
_INDICATOR_KEYS = {"id", "label", "definitie", "berekening", "eenheid", "doel", "doeljaar", "richting", "drempels",
                   "doel_uit_ambitie", "kengetal"}


class _Checker:
    """Collects problems of a framework file, each naming the key it is about."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, f"sleutel '{key}': {message}"))

    def mapping(self, value, key: str, allowed: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.add(key, "verwacht een YAML-mapping")
            return None
        for extra in sorted(set(value) - allowed, key=str):
            self.add(f"{key}.{extra}" if key else str(extra), f"onbekende sleutel; toegestaan: {', '.join(sorted(allowed))}")
        return value

    def text(self, d: dict, name: str, key: str, required: bool = True) -> str:
        value = d.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"{key}.{name}" if key else name, "ontbreekt")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.add(f"{key}.{name}" if key else name, "moet een tekst zijn")
            return ""
        return str(value).strip()

    def number(self, value, key: str, minimum: float | None = None) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.add(key, f"moet een getal zijn, niet {value!r}")
            return None
        if minimum is not None and value < minimum:
            self.add(key, f"moet {fmt_getal(minimum)} of groter zijn, niet {value!r}")
            return None
        return float(value)

    def text_list(self, d: dict, name: str, key: str) -> tuple[str, ...]:
        value = d.get(name, [])
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(f"{key}.{name}", "moet een lijst van teksten zijn")
            return ()
        return tuple(v.strip() for v in value)


def _label(items: Any, i: int, key: str) -> str:
    ident = items.get("id") if isinstance(items, dict) else None
    return f"{key}[{ident}]" if isinstance(ident, str) and ident.strip() else f"{key}[{i}]"


def _parse_indicator(chk: _Checker, raw, key: str) -> Indicator | None:
    d = chk.mapping(raw, key, _INDICATOR_KEYS)
    if d is None:
        return None
    ident = chk.text(d, "id", key)
    label = chk.text(d, "label", key)
    berekening = chk.text(d, "berekening", key)
    if berekening and berekening not in BEREKENING_NAMEN:
        chk.add(f"{key}.berekening", f"onbekende berekening {berekening!r}; bekend: {', '.join(BEREKENING_NAMEN)}")
    doel = None
    if "doel" in d:
        doel = chk.number(d.get("doel"), f"{key}.doel")
    else:
        chk.add(f"{key}.doel", "ontbreekt")
    doeljaar = None
    if d.get("doeljaar") is not None:
        dj = d["doeljaar"]
        if isinstance(dj, bool) or not isinstance(dj, int) or not 1900 <= dj <= 2200:
            chk.add(f"{key}.doeljaar", f"moet een jaartal zijn (bijvoorbeeld 2030), niet {dj!r}")
        else:
            doeljaar = int(dj)
    richting = chk.text(d, "richting", key)
    if richting and richting not in RICHTINGEN:
        chk.add(f"{key}.richting", f"{richting!r} is niet toegestaan; kies uit {', '.join(RICHTINGEN)}")
    gehaald = bijna = 0.0
    if "drempels" in d:
        dr = chk.mapping(d["drempels"], f"{key}.drempels", {"gehaald", "bijna"})
        if dr is not None:
            g = chk.number(dr.get("gehaald", 0), f"{key}.drempels.gehaald", 0)
            b = chk.number(dr.get("bijna", 0), f"{key}.drempels.bijna", 0)
            if g is not None and b is not None:
                if b < g:
                    chk.add(f"{key}.drempels.bijna", f"moet minstens gelijk zijn aan drempels.gehaald ({fmt_getal(g)})")
                gehaald, bijna = g, max(b, g)
    ambitie = None
    if d.get("doel_uit_ambitie") is not None:
        a = chk.mapping(d["doel_uit_ambitie"], f"{key}.doel_uit_ambitie", {"indicator", "omzetting"})
        if a is not None:
            ind = chk.text(a, "indicator", f"{key}.doel_uit_ambitie")
            om = str(a.get("omzetting", "gelijk"))
            if om not in OMZETTINGEN:
                chk.add(f"{key}.doel_uit_ambitie.omzetting", f"{om!r} is niet toegestaan; kies uit {', '.join(OMZETTINGEN)}")
            ambitie = {"indicator": ind, "omzetting": om}
    kengetal = None
    if berekening == "kengetal":
        k = chk.mapping(d.get("kengetal"), f"{key}.kengetal", {"onderwerp", "indicator", "categorie"})
        if k is not None:
            kengetal = {"onderwerp": chk.text(k, "onderwerp", f"{key}.kengetal"),
                        "indicator": chk.text(k, "indicator", f"{key}.kengetal"),
                        "categorie": str(k.get("categorie", "") or "")}
    elif d.get("kengetal") is not None:
        chk.add(f"{key}.kengetal", "alleen toegestaan bij berekening 'kengetal'")
    if not (ident and label and berekening and richting) or doel is None:
        return None
    return Indicator(ident, label, berekening, doel, richting, gehaald, bijna,
                     chk.text(d, "definitie", key, required=False), chk.text(d, "eenheid", key, required=False),
                     ambitie, kengetal, doeljaar)


def parse_framework(data: Any, file: str = "<kader>") -> Framework:
    """Check and convert a framework mapping (as read from YAML); DataError naming file and key."""
    chk = _Checker(file)
    top = chk.mapping(data, "", _TOP_KEYS)
    if top is None:
        raise DataError(chk.problems)
    naam = chk.text(top, "naam", "")
    cyclus = top.get("cyclus_jaren", CYCLUS_JAREN)
    if isinstance(cyclus, bool) or not isinstance(cyclus, int) or cyclus < 1:
        chk.add("cyclus_jaren", f"moet een geheel aantal jaren (1 of meer) zijn, niet {cyclus!r}")
        cyclus = CYCLUS_JAREN
    raw_w = top.get("waarborgen")
    waarborgen = []
    seen_w: set[str] = set()
    seen_i: set[str] = set()
    if not isinstance(raw_w, list) or not raw_w:
        chk.add("waarborgen", "verwacht een niet-lege lijst van waarborgen")
        raw_w = []
    for wi, rw in enumerate(raw_w):
        wkey = _label(rw, wi, "waarborgen")
        w = chk.mapping(rw, wkey, _WAARBORG_KEYS)
        if w is None:
            continue
        wid = chk.text(w, "id", wkey)
        if wid in seen_w:
            chk.add(f"{wkey}.id", f"dubbele waarborg-id {wid!r}")
        seen_w.add(wid)
        tc = w.get("te_controleren", False)
        if not isinstance(tc, bool):
            chk.add(f"{wkey}.te_controleren", f"moet true of false zijn, niet {tc!r}")
            tc = False
        criteria = []
        raw_c = w.get("criteria", [])
        if not isinstance(raw_c, list):
            chk.add(f"{wkey}.criteria", "verwacht een lijst van criteria")
            raw_c = []
        for ci, rc in enumerate(raw_c):
            ckey = f"{wkey}.{_label(rc, ci, 'criteria')}"
            c = chk.mapping(rc, ckey, _CRITERIUM_KEYS)
            if c is None:
                continue
            raw_i = c.get("indicatoren", [])
            if raw_i is None:
                raw_i = []
            if not isinstance(raw_i, list):
                chk.add(f"{ckey}.indicatoren", "verwacht een lijst van indicatoren")
                raw_i = []
            inds = []
            for ii, ri in enumerate(raw_i):
                ind = _parse_indicator(chk, ri, f"{ckey}.{_label(ri, ii, 'indicatoren')}")
                if ind is None:
                    continue
                if ind.id in seen_i:
                    chk.add(f"{ckey}.{_label(ri, ii, 'indicatoren')}.id", f"dubbele indicator-id {ind.id!r}")
                seen_i.add(ind.id)
                inds.append(ind)
            criteria.append(Criterium(chk.text(c, "id", ckey), chk.text(c, "naam", ckey),
                                      chk.text(c, "beschrijving", ckey, required=False), tuple(inds)))
        waarborgen.append(Waarborg(wid, chk.text(w, "naam", wkey), chk.text(w, "beschrijving", wkey, required=False),
                                   tc, chk.text_list(w, "codes", wkey), chk.text_list(w, "reflectievragen", wkey),
                                   tuple(criteria)))
    if chk.problems:
        raise DataError(chk.problems)
    return Framework(naam, tuple(waarborgen), str(top.get("versie", "") or ""), str(top.get("bron", "") or "").strip(),
                     cyclus, file)



def indicator_status(waarde: float | None, doel: float | None, richting: str, gehaald: float = 0.0,
                     bijna: float = 0.0) -> str:
    """``gehaald`` when the value misses the target by at most ``gehaald``, ``bijna`` by at most
    ``bijna``, else ``niet gehaald``; ``ontbreekt`` without a value or target. The shortfall is
    ``doel - waarde`` when higher is better (``richting="hoger"``), else ``waarde - doel``."""
    if waarde is None or doel is None or pd.isna(waarde) or pd.isna(doel):
        return "ontbreekt"
    tekort = (doel - waarde) if richting == "hoger" else (waarde - doel)
    eps = 1e-9
    if tekort <= gehaald + eps:
        return "gehaald"
    if tekort <= bijna + eps:
        return "bijna"
    return "niet gehaald"


@dataclass(frozen=True)
class Koers:
    """A value measured before the target year, against the straight line to the target.

    The line runs from the first measurement (``basisjaar``, ``basiswaarde``) to the target
    (``doeljaar``, ``doel``). ``nodig_per_jaar`` is its slope (the change per year the target
    needs from the first measurement), ``gemeten_per_jaar`` the change per year measured from
    the first to the last measurement (None with one measurement), ``lijn`` the line's value in
    the year of the last measurement and ``nog_per_jaar`` the change per year still needed from
    the last measurement. ``status``: *op koers* when the last measurement is on or beyond the
    line (within the ``gehaald`` threshold; equivalently: the measured change per year is at
    least the change needed), *niet op koers* otherwise, *koers onbekend* with one measurement.
    """

    status: str
    basisjaar: int
    basiswaarde: float
    meetjaar: int
    waarde: float
    doeljaar: int
    doel: float
    nodig_per_jaar: float
    gemeten_per_jaar: float | None
    lijn: float
    nog_per_jaar: float


def koers(trend: pd.DataFrame, doel: float, doeljaar: int, richting: str, gehaald: float = 0.0) -> Koers | None:
    """The course of ``trend`` (``jaar``, ``waarde``) towards ``doel`` in ``doeljaar`` (see
    :class:`Koers`); None without a measurement before ``doeljaar``."""
    if trend is None or trend.empty:
        return None
    t = trend.dropna(subset=["jaar", "waarde"]).sort_values("jaar")
    t = t[t["jaar"].astype(int) < int(doeljaar)].drop_duplicates("jaar", keep="last")
    if t.empty:
        return None
    j0, v0 = int(t["jaar"].iloc[0]), float(t["waarde"].iloc[0])
    j1, v1 = int(t["jaar"].iloc[-1]), float(t["waarde"].iloc[-1])
    nodig = (doel - v0) / (doeljaar - j0)
    lijn = v0 + nodig * (j1 - j0)
    nog = (doel - v1) / (doeljaar - j1)
    if j1 == j0:
        return Koers("koers onbekend", j0, v0, j1, v1, int(doeljaar), float(doel), nodig, None, lijn, nog)
    gemeten = (v1 - v0) / (j1 - j0)
    achter = (lijn - v1) if richting == "hoger" else (v1 - lijn)
    status = "op koers" if achter <= gehaald + 1e-9 else "niet op koers"
    return Koers(status, j0, v0, j1, v1, int(doeljaar), float(doel), nodig, gemeten, lijn, nog)


def beoordeel(waarde: float | None, doel: float | None, richting: str, gehaald: float = 0.0, bijna: float = 0.0, *,
              synthetisch: bool = False, doeljaar: int | None = None, meetjaar: int | None = None,
              trend: pd.DataFrame | None = None) -> tuple[str, Koers | None]:
    """The status of an indicator and, while its target year is ahead, its :class:`Koers`.

    *ontbreekt* without a value or target; :data:`VOORBEELD` when the value comes from
    synthetic data (never graded, whatever the value); *gehaald* when the target is reached,
    also before its year; while ``meetjaar`` (the year of the value) is before ``doeljaar``,
    the status of :func:`koers` (from ``trend``, else the value alone: *koers onbekend*);
    else :func:`indicator_status`.
    """
    if waarde is None or doel is None or pd.isna(waarde) or pd.isna(doel):
        return "ontbreekt", None
    if synthetisch:
        return VOORBEELD, None
    graded = indicator_status(waarde, doel, richting, gehaald, bijna)
    if doeljaar is None or meetjaar is None or meetjaar >= doeljaar or graded == "gehaald":
        return graded, None
    t = trend if trend is not None and not trend.empty else pd.DataFrame({"jaar": [meetjaar], "waarde": [waarde]})
    k = koers(t, doel, doeljaar, richting, gehaald)
    return (k.status, k) if k is not None else (graded, None)
