"""Peer-review evidence: the quality framework as data, indicators computed from a region's
tables, and an evidence dossier per region for the *ontwikkelingsgerichte peer review* of
Samen Opleiden.

Typical use::

    from regio_analysis import peerreview as peer
    from regio_analysis.data import load_region

    region = load_region("po-noord-nederland", synthetic=True)
    d = peer.dossier(region)                      # default framework, activity register as text
    d.indicatoren                                  # one row per indicator: value, target, status, trend, source
    peer.bewaar(d, "uitvoer")                      # workbook + self-evaluation template (md, docx)

    peer.samen_opleiden_coverage(region.samen_opleiden, kengetallen=region.kengetallen).summary

The framework (``data/frameworks/kwaliteitskader.yaml``, replaceable) lists waarborgen →
criteria → indicators; each indicator names a computation of :data:`BEREKENINGEN`, a target,
a direction and the thresholds that turn a value into a status (*gehaald*, *bijna*, *niet
gehaald*, or *ontbreekt* when the region lacks the data). Statuses are always computed from
the framework file. Qualitative evidence comes from the region's activity register (and an
optional folder of documents), coded with the qualitative package's codebook; each waarborg
names the codes that count as its evidence. Counts about people below 10 are suppressed;
indicators computed from synthetic tables are labelled *synthetisch*.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis import __version__
from regio_analysis.data import kengetal_rijen
from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import atomic_write, read_yaml
from regio_analysis.io.safe_text import guard_workbook, markdown_text
from regio_analysis.overview import geen_gegevens
from regio_analysis.plotting import LEEG, fmt_getal, fmt_pct, opsomming
from regio_analysis.privacy import DEFAULT_K

FRAMEWORK_FILE = "kwaliteitskader.yaml"
STATUSSEN = ("gehaald", "bijna", "niet gehaald", "ontbreekt")
RICHTINGEN = ("hoger", "lager")
OMZETTINGEN = ("gelijk", "complement")
#: kinds of rows in ``partnerschappen`` that hold a peer review
PARTNERSCHAP_SOORTEN = ("samen_opleiden", "opleidingsschool")
CYCLUS_JAREN = 6
PER_STUDENT_EUR = 955
SYNTH = "synthetisch"
STATUS_KLEUREN = {"gehaald": "#1a9850", "bijna": "#fdae61", "niet gehaald": "#d73027", "ontbreekt": "#bdbdbd"}
# survey groups that count as students / as school-based supervisors
STUDENT_GROEPEN = ("student", "studenten")
BEGELEIDER_GROEPEN = ("begeleider", "begeleiders", "werkplekbegeleider", "schoolopleider", "opleider")


def default_framework_path() -> Path:
    """The framework shipped with the package (``data/frameworks/kwaliteitskader.yaml``)."""
    here = Path(__file__).resolve().parent
    shipped = here / "_default_data" / "frameworks" / FRAMEWORK_FILE  # inside an installed wheel
    if shipped.is_file():
        return shipped
    return here.parent / "data" / "frameworks" / FRAMEWORK_FILE  # a source checkout / editable install


# ------------------------------------------------------------------ the framework


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
    """The quality framework read from YAML (see :func:`load_framework`)."""

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
                 "doel": i.doel, "richting": i.richting, "drempel_gehaald": i.gehaald, "drempel_bijna": i.bijna}
                for w in self.waarborgen for c, i in w.indicatoren]
        return pd.DataFrame(rows)


_TOP_KEYS = {"naam", "versie", "bron", "cyclus_jaren", "waarborgen"}
_WAARBORG_KEYS = {"id", "naam", "beschrijving", "te_controleren", "codes", "reflectievragen", "criteria"}
_CRITERIUM_KEYS = {"id", "naam", "beschrijving", "indicatoren"}
_INDICATOR_KEYS = {"id", "label", "definitie", "berekening", "eenheid", "doel", "richting", "drempels",
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
    if berekening and berekening not in BEREKENINGEN:
        chk.add(f"{key}.berekening", f"onbekende berekening {berekening!r}; bekend: {', '.join(BEREKENINGEN)}")
    doel = None
    if "doel" in d:
        doel = chk.number(d.get("doel"), f"{key}.doel")
    else:
        chk.add(f"{key}.doel", "ontbreekt")
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
                     ambitie, kengetal)


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


def load_framework(path: str | Path | None = None) -> Framework:
    """Read and check a framework YAML (default: the shipped ``kwaliteitskader.yaml``).

    Every problem is reported at once as a DataError naming the file and the key
    (``waarborgen[W2].criteria[W2.1].indicatoren[samen_opleiden_dekking].richting``).
    """
    p = Path(path) if path else default_framework_path()
    name = str(p)
    return parse_framework(read_yaml(p), name)


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


# ------------------------------------------------------------------ Samen Opleiden coverage


def _eur(x: float) -> str:
    return f"€ {fmt_getal(x, 0)}"


def _decimals(x: float) -> int:
    exp = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -int(exp))


@dataclass
class CoverageResult:
    """Samen Opleiden coverage per institute and in total, and checks of the plan's figures.

    ``summary``: per year, one row per institute and a ``totaal`` row: ``studenten_totaal``,
    ``studenten_partnerschap``, ``aandeel_partnerschap`` (%), ``nog_te_plaatsen`` (students
    still to place for 100 %), ``bekostiging_huidig_eur`` (partnership students × amount),
    ``extra_bekostiging_eur`` (still to place × amount) and ``bekostiging_bij_100_procent_eur``.
    ``controles``: the figures stated in the region's key figures next to the recomputed ones
    (``consistent`` False marks an inconsistency; shares are compared at their printed precision).
    """

    summary: pd.DataFrame
    controles: pd.DataFrame
    per_student_eur: float

    @property
    def inconsistenties(self) -> pd.DataFrame:
        return self.controles[~self.controles["consistent"]] if not self.controles.empty else self.controles

    def totaal(self, jaar: int | None = None) -> pd.Series:
        t = self.summary[self.summary["instituut"] == "totaal"]
        jaar = int(t["jaar"].max()) if jaar is None else jaar
        return t[t["jaar"] == jaar].iloc[0]

    def meldingen(self) -> list[str]:
        """One Dutch sentence per inconsistency."""
        out = []
        for r in self.inconsistenties.itertuples(index=False):
            wie = "" if r.categorie == "totaal" else f" ({r.categorie})"
            if r.eenheid == "eur":
                precies = (f", precies {fmt_getal(abs(r.verschil) / self.per_student_eur, 0)} studenten × "
                           f"{_eur(self.per_student_eur)}"
                           if self.per_student_eur and abs(r.verschil) % self.per_student_eur == 0 else "")
                out.append(f"Het plan noemt voor {r.omschrijving}{wie} {_eur(r.vermeld)}, maar {r.berekening} = "
                           f"{_eur(r.berekend)}: {_eur(abs(r.verschil))} {'minder' if r.verschil < 0 else 'meer'}"
                           f"{precies} (bron: {r.bron}).")
            else:
                out.append(f"Het plan noemt voor {r.omschrijving}{wie} {fmt_getal(r.vermeld)}, maar {r.berekening} = "
                           f"{fmt_getal(r.berekend, 1)} (bron: {r.bron}).")
        return out


# (onderwerp, indicator) -> (description, unit, column of the summary, kind of recomputation)
_CONTROLES = {
    ("bekostiging", "bekostiging_huidig"): ("de huidige bekostiging", "eur", "studenten_partnerschap"),
    ("bekostiging", "extra_bij_100_procent"): ("de extra bekostiging bij 100 %", "eur", "nog_te_plaatsen"),
    ("bekostiging", "bekostiging_bij_100_procent"): ("de bekostiging bij 100 %", "eur", "studenten_totaal"),
    ("samen_opleiden", "studenten_in_partnerschap"): ("de studenten in een partnerschap", "aantal", "studenten_partnerschap"),
    ("samen_opleiden", "studenten_totaal"): ("het totaal aantal studenten", "aantal", "studenten_totaal"),
    ("samen_opleiden", "studenten_nog_te_plaatsen"): ("de nog te plaatsen studenten", "aantal", "nog_te_plaatsen"),
    ("samen_opleiden", "aandeel_studenten_in_partnerschap"): ("het aandeel in een partnerschap", "procent", "aandeel_partnerschap"),
    ("samen_opleiden", "aandeel_studenten_nog_te_plaatsen"): ("het aandeel nog te plaatsen", "procent", "aandeel_nog_te_plaatsen"),
}
_CONTROLE_KOLOMMEN = ["onderwerp", "indicator", "omschrijving", "categorie", "jaar", "eenheid", "vermeld", "berekend",
                      "verschil", "consistent", "berekening", "bron"]


def samen_opleiden_coverage(students: pd.DataFrame, per_student_eur: float = PER_STUDENT_EUR,
                            kengetallen: pd.DataFrame | None = None) -> CoverageResult:
    """Share of students trained in a partnership per institute and in total, the students
    still to place for the 100 % goal and the funding that implies at ``per_student_eur``.

    ``students`` is a region's ``samen_opleiden`` table (``instituut``, ``jaar``,
    ``studenten_totaal``, ``studenten_partnerschap``). With ``kengetallen`` (the region's key
    figures), the plan's stated amounts and counts (onderwerp ``bekostiging`` /
    ``samen_opleiden``) are recomputed and compared in ``controles``. For seed 001 this
    reproduces 55.7 % (NHL Stenden), 17.9 % (Hanze), 38.1 % together and € 1,930,055 extra,
    and flags the stated current funding (€ 1,091,565 ≠ 1,243 × € 955 = € 1,187,065).
    """
    need = ["instituut", "jaar", "studenten_totaal", "studenten_partnerschap"]
    missing = [c for c in need if c not in students.columns]
    if missing:
        raise DataError(Problem("<samen_opleiden>", f"kolom(men) ontbreken: {', '.join(missing)}", column=missing[0]))
    if not (isinstance(per_student_eur, (int, float)) and per_student_eur >= 0):
        raise DataError(Problem("<samen_opleiden>", f"bedrag per student moet 0 of meer zijn, niet {per_student_eur!r}"))
    df = students[need].copy()
    for col in ("jaar", "studenten_totaal", "studenten_partnerschap"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    bad = df[need[1:]].isna().any(axis=1) | (df["studenten_partnerschap"] > df["studenten_totaal"]) \
        | (df["studenten_partnerschap"] < 0)
    if bad.any():
        from regio_analysis.errors import rows_from_index

        raise DataError(Problem("<samen_opleiden>", "ontbrekende of onmogelijke aantallen (partnerschap groter dan totaal?)",
                                rows=rows_from_index(np.flatnonzero(bad.to_numpy()))))
    df["jaar"] = df["jaar"].astype(int)
    rows = []
    for jaar, g in df.groupby("jaar", sort=True):
        g = g.sort_values("instituut", kind="stable")
        parts = [g] + ([pd.DataFrame([{"instituut": "totaal", "jaar": jaar,
                                       "studenten_totaal": g["studenten_totaal"].sum(),
                                       "studenten_partnerschap": g["studenten_partnerschap"].sum()}])])
        rows.append(pd.concat(parts, ignore_index=True))
    cols = ["instituut", "jaar", "studenten_totaal", "studenten_partnerschap", "aandeel_partnerschap", "nog_te_plaatsen",
            "aandeel_nog_te_plaatsen", "bekostiging_huidig_eur", "extra_bekostiging_eur", "bekostiging_bij_100_procent_eur"]
    if not rows:
        return CoverageResult(pd.DataFrame(columns=cols), pd.DataFrame(columns=_CONTROLE_KOLOMMEN), float(per_student_eur))
    out = pd.concat(rows, ignore_index=True)
    for col in ("studenten_totaal", "studenten_partnerschap"):
        out[col] = out[col].astype(int)
    tot = out["studenten_totaal"].where(out["studenten_totaal"] > 0)
    out["aandeel_partnerschap"] = 100 * out["studenten_partnerschap"] / tot
    out["nog_te_plaatsen"] = out["studenten_totaal"] - out["studenten_partnerschap"]
    out["aandeel_nog_te_plaatsen"] = 100 * out["nog_te_plaatsen"] / tot
    out["bekostiging_huidig_eur"] = out["studenten_partnerschap"] * float(per_student_eur)
    out["extra_bekostiging_eur"] = out["nog_te_plaatsen"] * float(per_student_eur)
    out["bekostiging_bij_100_procent_eur"] = out["studenten_totaal"] * float(per_student_eur)
    out = out[cols]
    return CoverageResult(out, _coverage_checks(out, kengetallen, float(per_student_eur)), float(per_student_eur))


def _coverage_checks(summary: pd.DataFrame, kengetallen: pd.DataFrame | None, eur: float) -> pd.DataFrame:
    if kengetallen is None or kengetallen.empty or summary.empty:
        return pd.DataFrame(columns=_CONTROLE_KOLOMMEN)
    latest = int(summary["jaar"].max())
    by_name = {str(n).strip().lower(): n for n in summary["instituut"]}
    rows = []
    for r in kengetallen.itertuples(index=False):
        spec = _CONTROLES.get((r.onderwerp, r.indicator))
        if spec is None or pd.isna(r.waarde) or str(getattr(r, "niveau", "regio")) != "regio":
            continue
        omschrijving, eenheid, col = spec
        inst = by_name.get(str(r.categorie).strip().lower())
        jaar = latest if pd.isna(r.jaar) else int(r.jaar)
        hit = summary[(summary["instituut"] == inst) & (summary["jaar"] == jaar)]
        if inst is None or hit.empty:
            continue
        row = hit.iloc[0]
        berekend = float(row[col]) * (eur if eenheid == "eur" else 1.0)
        vermeld = float(r.waarde)
        if eenheid == "procent":
            tol = 0.5 * 10 ** -_decimals(vermeld) + 1e-9
            grondslag = "studenten_partnerschap" if col == "aandeel_partnerschap" else "nog_te_plaatsen"
            berekening = f"{fmt_getal(row[grondslag])} / {fmt_getal(row['studenten_totaal'])}"
        else:
            tol = 0.5
            berekening = (f"{fmt_getal(row[col])} studenten × {_eur(eur)}" if eenheid == "eur"
                          else f"de tabel samen_opleiden ({fmt_getal(row[col])})")
        rows.append({"onderwerp": r.onderwerp, "indicator": r.indicator, "omschrijving": omschrijving,
                     "categorie": "totaal" if inst == "totaal" else inst, "jaar": jaar, "eenheid": eenheid,
                     "vermeld": vermeld, "berekend": berekend, "verschil": vermeld - berekend,
                     "consistent": abs(vermeld - berekend) <= tol, "berekening": berekening, "bron": r.bron})
    return pd.DataFrame(rows, columns=_CONTROLE_KOLOMMEN)


# ------------------------------------------------------------------ the peer-review cycle


def peer_review_cycle(partnerschappen: pd.DataFrame, peiljaar: int, cyclus_jaren: int = CYCLUS_JAREN,
                      soorten: tuple[str, ...] = PARTNERSCHAP_SOORTEN) -> pd.DataFrame:
    """The peer-review cycle of each partnership (rows of ``soorten``) at ``peiljaar``.

    Columns: ``naam``, ``soort``, ``laatste_peer_review``, ``gepland`` (``peer_review_jaar``),
    ``uiterlijk`` (last review + ``cyclus_jaren``), ``volgende`` (the planned year, else the
    latest allowed one), ``status`` and ``op_schema``. Status: *op schema*; *te laat* (the
    cycle ran out, or a planned year passed without a recorded review); *later dan de cyclus*
    (planned after the latest allowed year); *niet gepland* (no review known or planned).
    """
    cols = ["naam", "soort", "laatste_peer_review", "gepland", "uiterlijk", "volgende", "status", "op_schema"]
    if partnerschappen is None or partnerschappen.empty:
        return pd.DataFrame(columns=cols)
    df = partnerschappen[partnerschappen["soort"].isin(soorten)]
    rows = []
    for r in df.sort_values("naam", kind="stable").itertuples(index=False):
        laatste = None if pd.isna(r.laatste_peer_review) else int(r.laatste_peer_review)
        gepland = None if pd.isna(r.peer_review_jaar) else int(r.peer_review_jaar)
        uiterlijk = laatste + cyclus_jaren if laatste is not None else None
        if laatste is None and gepland is None:
            status = "niet gepland"
        elif gepland is not None and gepland < peiljaar and (laatste is None or laatste < gepland):
            status = "te laat"
        elif gepland is not None and uiterlijk is not None and gepland > uiterlijk:
            status = "later dan de cyclus"
        elif gepland is None and uiterlijk is not None and uiterlijk < peiljaar:
            status = "te laat"
        else:
            status = "op schema"
        rows.append({"naam": r.naam, "soort": r.soort, "laatste_peer_review": laatste, "gepland": gepland,
                     "uiterlijk": uiterlijk, "volgende": gepland if gepland is not None else uiterlijk,
                     "status": status, "op_schema": status == "op schema"})
    out = pd.DataFrame(rows, columns=cols)
    for c in ("laatste_peer_review", "gepland", "uiterlijk", "volgende"):
        out[c] = out[c].astype("Int64")
    return out


# ------------------------------------------------------------------ computed indicators


@dataclass
class Meting:
    """The outcome of one computation: a value (None when missing) with its source and trend."""

    waarde: float | None
    bron: str = ""
    trend: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["jaar", "waarde", "n"]))
    bewijs: str = ""  # what the value rests on, in words
    synthetisch: bool = False
    ontbreekt: str = ""  # why the value is missing


class _Context:
    """Shared, lazily computed inputs of the indicator computations for one region."""

    def __init__(self, region, peiljaar: int, framework: Framework, per_student_eur: float, k: int = DEFAULT_K):
        self.region = region
        self.peiljaar = peiljaar
        self.framework = framework
        self.per_student_eur = per_student_eur
        self.k = k
        self._starters: pd.DataFrame | None = None
        self._coverage: CoverageResult | None = None
        self._coverage_done = False

    def starters(self) -> pd.DataFrame:
        if self._starters is None:
            from regio_analysis.retention import prepare_spells

            d = self.region.dienstverbanden
            if d.empty or not d["starter"].any():
                self._starters = pd.DataFrame()
            else:
                self._starters = prepare_spells(d, starters_only=True, exit_from="bestuur")
        return self._starters

    @property
    def spells_synthetic(self) -> bool:
        return "dienstverbanden" in self.region.synthetisch

    def coverage(self) -> CoverageResult | None:
        if not self._coverage_done:
            self._coverage_done = True
            if self.region.has("samen_opleiden"):
                self._coverage = samen_opleiden_coverage(self.region.samen_opleiden, self.per_student_eur,
                                                         kengetallen=self.region.kengetallen)
        return self._coverage


def _synth_bron(text: str, synthetic: bool) -> str:
    return f"{text} ({SYNTH})" if synthetic else text


def _retention(ctx: _Context, horizon: float) -> Meting:
    from regio_analysis.retention import survival_at

    sp = ctx.starters()
    synth = ctx.spells_synthetic
    bron = _synth_bron("dienstverbanden (starters), Kaplan-Meier", synth)
    if sp.empty:
        return Meting(None, bron, ontbreekt="geen dienstverbanden van starters (microdata) voor deze regio")
    if len(sp) < ctx.k:
        return Meting(None, bron, ontbreekt=f"minder dan {ctx.k} starters: onderdrukt", synthetisch=synth)
    try:
        est = survival_at(sp, "duration", "event", [horizon], entry="entry").iloc[0]
        cohorts = survival_at(sp, "duration", "event", [horizon], entry="entry", by="start_jaar")
    except DataError as err:
        return Meting(None, bron, ontbreekt=f"Kaplan-Meier niet te schatten: {err}", synthetisch=synth)
    if est["at_risk"] < 1:
        return Meting(None, bron, ontbreekt=f"geen starters {fmt_getal(horizon)} jaar of langer gevolgd", synthetisch=synth)
    sizes = sp.groupby("start_jaar").size()
    cohorts = cohorts[(cohorts["at_risk"] >= 1) & cohorts["start_jaar"].map(sizes).ge(ctx.k)]
    trend = pd.DataFrame({"jaar": cohorts["start_jaar"].astype(int), "waarde": 100 * cohorts["survival"],
                          "n": cohorts["start_jaar"].map(sizes).astype(int)}).reset_index(drop=True)
    jaren = sp["start_jaar"]
    bewijs = (f"Kaplan-Meier over {fmt_getal(len(sp))} starters (startjaren {int(jaren.min())}–{int(jaren.max())}), "
              f"95%-BI {fmt_pct(100 * est['ci_lower'])}–{fmt_pct(100 * est['ci_upper'])}; vertrek = het bestuur verlaten; "
              "trend per startcohort")
    return Meting(100 * float(est["survival"]), bron, trend, bewijs, synth)


def _induction(ctx: _Context, ind: Indicator) -> Meting:
    sp = ctx.starters()
    synth = ctx.spells_synthetic
    bron = _synth_bron("dienstverbanden (startende leraren, OP)", synth)
    if sp.empty:
        return Meting(None, bron, ontbreekt="geen dienstverbanden van starters (microdata) voor deze regio")
    op = sp[sp["functiegroep"] == "OP"]
    if len(op) < ctx.k:
        return Meting(None, bron, ontbreekt=f"minder dan {ctx.k} startende leraren: onderdrukt", synthetisch=synth)
    per = op.groupby("start_jaar")["inductie"].agg(["mean", "size"]).reset_index()
    per = per[per["size"] >= ctx.k]
    trend = pd.DataFrame({"jaar": per["start_jaar"].astype(int), "waarde": 100 * per["mean"].astype(float),
                          "n": per["size"].astype(int)})
    n_ind = int(op["inductie"].sum())
    bewijs = (f"{fmt_getal(n_ind) if n_ind >= ctx.k else f'minder dan {ctx.k}'} van {fmt_getal(len(op))} startende leraren "
              f"met inductie (startjaren {int(op['start_jaar'].min())}–{int(op['start_jaar'].max())})")
    if "inductie_intensiteit" in op.columns:
        intens = op["inductie_intensiteit"].value_counts()
        delen = [f"{k} {fmt_getal(v)}" for k, v in intens.items() if k != "geen" and v >= ctx.k]
        if delen:
            bewijs += f"; intensiteit: {', '.join(delen)}"
    return Meting(100 * float(op["inductie"].mean()), bron, trend, bewijs, synth)


def _satisfaction(ctx: _Context, groepen: tuple[str, ...], wie: str) -> Meting:
    e = ctx.region.enquete
    synth = "enquete" in ctx.region.synthetisch
    bron = _synth_bron(f"enquête ({wie})", synth)
    if e.empty:
        return Meting(None, bron, ontbreekt="geen enquête voor deze regio")
    sub = e[e["groep"].astype(str).str.strip().str.lower().isin(groepen)].dropna(subset=["waarde"])
    if sub.empty:
        return Meting(None, bron, ontbreekt=f"de enquête heeft geen antwoorden van {wie}", synthetisch=synth)
    rows = []
    for jaar, g in sub.groupby("jaar", sort=True):
        n = g["respondent_id"].nunique()
        if n >= ctx.k:
            rows.append({"jaar": int(jaar), "waarde": 100 * float((g["waarde"] >= 4).mean()), "n": int(n)})
    trend = pd.DataFrame(rows, columns=["jaar", "waarde", "n"])
    if trend.empty:
        return Meting(None, bron, ontbreekt=f"minder dan {ctx.k} respondenten ({wie}) per jaar: onderdrukt", synthetisch=synth)
    last = int(trend["jaar"].max())
    g = sub[sub["jaar"] == last]
    items = g.groupby("item")["waarde"].apply(lambda s: 100 * float((s >= 4).mean()))
    bewijs = (f"{fmt_getal(trend['n'].iloc[-1])} respondenten in {last}, aandeel 4 of 5 per item: "
              + "; ".join(f"{i} {fmt_pct(v, 0)}" for i, v in items.items()))
    return Meting(float(trend["waarde"].iloc[-1]), bron, trend, bewijs, synth)


def _kengetal_rows(kg: pd.DataFrame, indicator: str, onderwerp: str | None = None, categorie: str = "") -> pd.DataFrame:
    rows = kengetal_rijen(kg, indicator, onderwerp or None, **({"categorie": categorie} if categorie else {}))
    if not categorie and not rows.empty and rows["categorie"].isin(["totaal", "onderwijsregio"]).any():
        rows = rows[rows["categorie"].isin(["totaal", "onderwijsregio"])]
    return rows


def _from_rows(rows: pd.DataFrame, what: str) -> Meting:
    if rows.empty:
        return Meting(None, "kengetallen", ontbreekt=f"geen kengetal {what} voor deze regio")
    rows = rows.assign(_j=rows["jaar"].fillna(-1)).sort_values("_j", kind="stable")
    last = rows.iloc[-1]
    with_year = rows[rows["jaar"].notna()]
    trend = pd.DataFrame({"jaar": with_year["jaar"].astype(int), "waarde": with_year["waarde"].astype(float),
                          "n": pd.NA}).drop_duplicates("jaar", keep="last").reset_index(drop=True)
    jaar = "" if pd.isna(last["jaar"]) else f" ({int(last['jaar'])})"
    return Meting(float(last["waarde"]), f"kengetallen: {last['bron']}", trend,
                  f"{what}{jaar}" + (f"; {last['opmerking']}" if str(last.get("opmerking", "")).strip() else ""))


def _calc_kengetal(ctx: _Context, ind: Indicator) -> Meting:
    spec = ind.kengetal or {}
    rows = _kengetal_rows(ctx.region.kengetallen, spec.get("indicator", ""), spec.get("onderwerp") or None,
                          spec.get("categorie", ""))
    return _from_rows(rows, f"{spec.get('onderwerp', '')}/{spec.get('indicator', '')}")


def _calc_certified(ctx: _Context, ind: Indicator) -> Meting:
    kg = ctx.region.kengetallen
    rows = _kengetal_rows(kg, "aandeel_gecertificeerde_schoolopleiders")
    if not rows.empty:
        return _from_rows(rows, "aandeel gecertificeerde schoolopleiders")
    cert = _kengetal_rows(kg, "gecertificeerde_schoolopleiders")
    alle = _kengetal_rows(kg, "schoolopleiders")
    if not cert.empty and not alle.empty:
        both = cert.merge(alle, on="jaar", suffixes=("_c", "_a"))
        both = both[both["waarde_a"] > 0]
        if not both.empty:
            both = both.assign(_j=both["jaar"].fillna(-1)).sort_values("_j")
            last = both.iloc[-1]
            with_year = both[both["jaar"].notna()]
            trend = pd.DataFrame({"jaar": with_year["jaar"].astype(int),
                                  "waarde": 100 * with_year["waarde_c"] / with_year["waarde_a"], "n": pd.NA})
            return Meting(100 * float(last["waarde_c"]) / float(last["waarde_a"]), f"kengetallen: {last['bron_c']}", trend,
                          f"{fmt_getal(last['waarde_c'])} van {fmt_getal(last['waarde_a'])} schoolopleiders gecertificeerd")
    return Meting(None, "kengetallen", ontbreekt="geen gegevens over gecertificeerde (geregistreerde) schoolopleiders; "
                                                 "voeg de kengetallen 'aandeel_gecertificeerde_schoolopleiders' of "
                                                 "'gecertificeerde_schoolopleiders' en 'schoolopleiders' toe")


def _calc_coverage(ctx: _Context, ind: Indicator) -> Meting:
    cov = ctx.coverage()
    if cov is None or cov.summary.empty:
        rows = _kengetal_rows(ctx.region.kengetallen, "aandeel_studenten_in_partnerschap", "samen_opleiden", "totaal")
        if rows.empty:
            return Meting(None, "samen_opleiden", ontbreekt="geen aantallen studenten per lerarenopleiding "
                                                            "(tabel samen_opleiden) voor deze regio")
        return _from_rows(rows, "aandeel studenten in een partnerschap")
    t = cov.summary[cov.summary["instituut"] == "totaal"].sort_values("jaar")
    last = t.iloc[-1]
    trend = pd.DataFrame({"jaar": t["jaar"].astype(int), "waarde": t["aandeel_partnerschap"].astype(float), "n": pd.NA})
    inst = cov.summary[(cov.summary["jaar"] == last["jaar"]) & (cov.summary["instituut"] != "totaal")]
    bewijs = (f"{opsomming([f'{r.instituut} {fmt_pct(r.aandeel_partnerschap)}' for r in inst.itertuples()])}; "
              f"nog te plaatsen voor 100 %: {fmt_getal(last['nog_te_plaatsen'])} studenten, "
              f"{_eur(last['extra_bekostiging_eur'])} extra bij {_eur(cov.per_student_eur)} per student")
    if not cov.inconsistenties.empty:
        bewijs += f"; {len(cov.inconsistenties)} bedrag(en) of aantal(len) in het plan wijken af (zie W3)"
    bron = "samen_opleiden: " + "; ".join(dict.fromkeys(ctx.region.samen_opleiden["bron"].astype(str)))
    return Meting(float(last["aandeel_partnerschap"]), bron, trend, bewijs)


def _calc_funding(ctx: _Context, ind: Indicator) -> Meting:
    cov = ctx.coverage()
    if cov is None or cov.controles.empty:
        return Meting(None, "kengetallen en samen_opleiden",
                      ontbreekt="geen bedragen of studentaantallen in het plan om na te rekenen")
    n_bad = int((~cov.controles["consistent"]).sum())
    bewijs = f"{len(cov.controles)} genoemde bedragen en aantallen nagerekend"
    if n_bad:
        bewijs += ": " + " ".join(cov.meldingen())
    else:
        bewijs += "; alle volgen uit de studentaantallen"
    return Meting(float(n_bad), "kengetallen (bekostiging, samen_opleiden) tegen de tabel samen_opleiden",
                  pd.DataFrame(columns=["jaar", "waarde", "n"]), bewijs)


def _calc_cycle(ctx: _Context, ind: Indicator) -> Meting:
    cyc = peer_review_cycle(ctx.region.partnerschappen, ctx.peiljaar, ctx.framework.cyclus_jaren)
    if cyc.empty:
        return Meting(None, "partnerschappen", ontbreekt="geen partnerschappen of opleidingsscholen (tabel partnerschappen) "
                                                         "voor deze regio")
    if (cyc["status"] == "niet gepland").all():
        return Meting(None, "partnerschappen", ontbreekt="van geen enkel partnerschap is een (geplande) peer review bekend; "
                                                         "vul laatste_peer_review en peer_review_jaar in")
    bewijs = "; ".join(f"{r.naam}: {r.status}"
                       + (f" (laatste {r.laatste_peer_review}" if pd.notna(r.laatste_peer_review) else " (")
                       + ("" if pd.isna(r.volgende) else
                          f"{', ' if pd.notna(r.laatste_peer_review) else ''}volgende {r.volgende}") + ")"
                       for r in cyc.itertuples(index=False)).replace(" ()", "")
    return Meting(100 * float(cyc["op_schema"].mean()), "partnerschappen", pd.DataFrame(columns=["jaar", "waarde", "n"]),
                  f"peiljaar {ctx.peiljaar}, cyclus {ctx.framework.cyclus_jaren} jaar: {bewijs}")


#: The computations a framework's ``berekening`` may name.
BEREKENINGEN: dict[str, Callable[[_Context, Indicator], Meting]] = {
    "behoud_starters_1_jaar": lambda ctx, ind: _retention(ctx, 1.0),
    "behoud_starters_3_jaar": lambda ctx, ind: _retention(ctx, 3.0),
    "behoud_starters_5_jaar": lambda ctx, ind: _retention(ctx, 5.0),
    "inductie_dekking": _induction,
    "samen_opleiden_dekking": _calc_coverage,
    "tevredenheid_studenten": lambda ctx, ind: _satisfaction(ctx, STUDENT_GROEPEN, "studenten"),
    "tevredenheid_begeleiders": lambda ctx, ind: _satisfaction(ctx, BEGELEIDER_GROEPEN, "begeleiders"),
    "gecertificeerde_schoolopleiders": _calc_certified,
    "bekostiging_navolgbaar": _calc_funding,
    "peer_review_cyclus": _calc_cycle,
    "kengetal": _calc_kengetal,
}


def _target(region, ind: Indicator) -> tuple[float, str]:
    """The indicator's target: the region's ambition when the framework points at one, else the framework's."""
    spec = ind.doel_uit_ambitie
    if spec and spec.get("indicator"):
        rows = _kengetal_rows(region.kengetallen, spec["indicator"], "ambitie")
        if not rows.empty:
            rows = rows.assign(_j=rows["jaar"].fillna(-1)).sort_values("_j", kind="stable")
            v = float(rows.iloc[-1]["waarde"])
            doel = 100 - v if spec.get("omzetting") == "complement" else v
            return doel, f"ambitie regio ({spec['indicator']} = {fmt_getal(v)})"
    return ind.doel, "kader"


# ------------------------------------------------------------------ the dossier


def _fmt_value(v, eenheid: str, decimals: int | None = 1) -> str:
    if v is None or pd.isna(v):
        return LEEG
    if eenheid == "procent":
        return fmt_pct(v, decimals)
    if eenheid == "eur":
        return _eur(v)
    return fmt_getal(v, None if float(v) != int(v) else 0)


def trend_text(trend: pd.DataFrame, eenheid: str = "procent") -> str:
    """The trend as text, e.g. ``"2019: 72,7% · 2020: 82,0%"``; one year gives ``"alleen 2025"``."""
    if trend is None or trend.empty:
        return LEEG
    t = trend.dropna(subset=["waarde"]).sort_values("jaar")
    if len(t) == 1:
        return f"alleen {int(t['jaar'].iloc[0])}"
    return " · ".join(f"{int(j)}: {_fmt_value(v, eenheid)}" for j, v in zip(t["jaar"], t["waarde"]))


_INDICATOR_COLUMNS = ["waarborg_id", "waarborg", "criterium_id", "criterium", "indicator_id", "indicator", "eenheid",
                      "waarde", "doel", "doel_bron", "richting", "status", "trend", "bron", "bewijs", "synthetisch",
                      "ontbreekt"]
_BEWIJS_COLUMNS = ["waarborg_id", "code", "doc_id", "document", "citaat"]
_ONTBREKEND_COLUMNS = ["waarborg_id", "waarborg", "onderdeel", "ontbreekt"]


@dataclass
class Dossier:
    """The evidence dossier of one region for the peer review (see :func:`dossier`).

    ``indicatoren``: one row per indicator (value, target and its source, status, trend,
    source, evidence); ``trends``: per indicator id a frame ``jaar, waarde, n``;
    ``bewijs``: anonymised quotes of coded text per waarborg; ``segmenten``: coded units per
    waarborg and code; ``ontbrekend``: the evidence that is missing; ``dekking``: the Samen
    Opleiden coverage (or None); ``cyclus``: the peer-review cycle per partnership.
    """

    regio_id: str
    naam: str
    peiljaar: int
    kader: Framework
    indicatoren: pd.DataFrame
    trends: dict[str, pd.DataFrame]
    bewijs: pd.DataFrame
    segmenten: pd.DataFrame
    ontbrekend: pd.DataFrame
    dekking: CoverageResult | None
    cyclus: pd.DataFrame
    documenten: pd.DataFrame
    synthetisch: tuple[str, ...] = ()

    @property
    def summary(self) -> pd.DataFrame:
        return self.indicatoren

    def status_counts(self) -> pd.DataFrame:
        """Indicators per waarborg and status (columns in :data:`STATUSSEN` order)."""
        t = pd.crosstab(self.indicatoren["waarborg_id"], self.indicatoren["status"]) if not self.indicatoren.empty \
            else pd.DataFrame()
        t = t.reindex(index=[w.id for w in self.kader.waarborgen], columns=list(STATUSSEN), fill_value=0).fillna(0)
        return t.astype(int)

    def tabel(self, waarborg_id: str | None = None) -> pd.DataFrame:
        """The indicator table as shown in reports: formatted values, one waarborg or all."""
        df = self.indicatoren
        if waarborg_id is not None:
            df = df[df["waarborg_id"] == waarborg_id]
        out = pd.DataFrame({
            "waarborg": df["waarborg_id"], "criterium": df["criterium_id"], "indicator": df["indicator"],
            "waarde": [_fmt_value(v, e) for v, e in zip(df["waarde"], df["eenheid"])],
            "doel": [("≥ " if r == "hoger" else "≤ ") + _fmt_value(v, e, None)
                     for v, e, r in zip(df["doel"], df["eenheid"], df["richting"])],
            "status": df["status"], "trend": df["trend"], "bron": df["bron"],
            "bewijs": [b if b else o for b, o in zip(df["bewijs"], df["ontbreekt"])],
        })
        if waarborg_id is not None:
            out = out.drop(columns="waarborg")
        return out.reset_index(drop=True)

    def citaten(self, waarborg_id: str) -> pd.DataFrame:
        """The quotes that count as evidence for one waarborg (code, document, quote)."""
        b = self.bewijs[self.bewijs["waarborg_id"] == waarborg_id]
        return b[["code", "document", "citaat"]].reset_index(drop=True)

    def ontbrekend_voor(self, waarborg_id: str) -> pd.DataFrame:
        o = self.ontbrekend[self.ontbrekend["waarborg_id"] == waarborg_id]
        return o[["onderdeel", "ontbreekt"]].reset_index(drop=True)


def _peiljaar(region) -> int:
    """The reference year: the first year of the plan period in ``regio.yaml``, else this year."""
    m = re.match(r"\s*(\d{4})", str(region.meta.get("periode", "") or ""))
    if m:
        return int(m.group(1))
    import datetime as dt

    return dt.date.today().year


def register_documents(activiteiten: pd.DataFrame, regio_id: str = "") -> pd.DataFrame:
    """The activity register as documents (one per activity: title and intended result)."""
    from regio_analysis.qualitative.documents import document_table

    rows = []
    for r in activiteiten.itertuples(index=False):
        titel = str(r.titel).strip()
        resultaat = str(r.beoogd_resultaat or "").strip()
        tekst = titel if titel.endswith((".", "!", "?")) else titel + "."
        if resultaat:
            tekst += " " + (resultaat if resultaat.endswith((".", "!", "?")) else resultaat + ".")
        rows.append({"doc_id": f"activiteit-{r.id}", "regio_id": regio_id, "soort": "plan",
                     "titel": f"Activiteit {r.id}: {titel}", "bestand": "", "tekst": tekst, "datum": r.start})
    return document_table(rows)


def _waarborg_codes(framework: Framework, codebook) -> dict[str, list[str]]:
    problems = []
    out = {}
    for w in framework.waarborgen:
        paths = []
        for i, code in enumerate(w.codes):
            path = codebook.resolve(code)
            if path is None:
                problems.append(Problem(framework.path or "<kader>",
                                        f"sleutel 'waarborgen[{w.id}].codes[{i}]': code {code!r} staat niet in het "
                                        f"codeboek {codebook.naam!r}"))
            else:
                paths.append(path)
        out[w.id] = paths
    if problems:
        raise DataError(problems)
    return out


def dossier(region, framework: Framework | str | Path | None = None, documents_dir: str | Path = "", *,
            codebook=None, peiljaar: int | None = None, per_student_eur: float | None = None,
            citaten_per_code: int = 3, k: int = DEFAULT_K) -> Dossier:
    """Build the peer-review evidence dossier of ``region`` (a RegionData or a region id).

    ``framework``: a :class:`Framework`, a path to a framework YAML, or None for the default.
    ``documents_dir``: optional folder of the region's own documents (.txt, .md, .docx, .pdf),
    coded together with the activity register. ``peiljaar``: the year at which the peer-review
    cycle is judged (default: the first year of the plan period). ``per_student_eur``: the
    Samen Opleiden amount per student (default: the region's key figure
    ``bekostiging/bedrag_per_student``, else € 955).

    A region that lacks data gets indicators with status *ontbreekt* and rows in
    ``ontbrekend`` saying what to add, never an error. Unreadable documents or a bad framework
    file raise DataError naming the file.
    """
    from regio_analysis.qualitative import analysis
    from regio_analysis.qualitative.autocode import auto_code
    from regio_analysis.qualitative.codebook import default_codebook
    from regio_analysis.qualitative.documents import load_documents

    if isinstance(region, str):
        from regio_analysis.data import load_region

        region = load_region(region, synthetic=True)
    kader = framework if isinstance(framework, Framework) else load_framework(framework)
    codebook = codebook or default_codebook()
    codes = _waarborg_codes(kader, codebook)
    if per_student_eur is None:
        rows = _kengetal_rows(region.kengetallen, "bedrag_per_student", "bekostiging")
        per_student_eur = float(rows.iloc[-1]["waarde"]) if not rows.empty else float(PER_STUDENT_EUR)
    jaar = int(peiljaar) if peiljaar is not None else _peiljaar(region)
    ctx = _Context(region, jaar, kader, per_student_eur, k)

    # indicators
    rows, trends, missing = [], {}, []
    for w in kader.waarborgen:
        for c, ind in w.indicatoren:
            m = BEREKENINGEN[ind.berekening](ctx, ind)
            doel, doel_bron = _target(region, ind)
            status = indicator_status(m.waarde, doel, ind.richting, ind.gehaald, ind.bijna)
            trends[ind.id] = m.trend
            rows.append({"waarborg_id": w.id, "waarborg": w.naam, "criterium_id": c.id, "criterium": c.naam,
                         "indicator_id": ind.id, "indicator": ind.label, "eenheid": ind.eenheid,
                         "waarde": np.nan if m.waarde is None else m.waarde, "doel": doel, "doel_bron": doel_bron,
                         "richting": ind.richting, "status": status, "trend": trend_text(m.trend, ind.eenheid),
                         "bron": m.bron, "bewijs": m.bewijs, "synthetisch": m.synthetisch, "ontbreekt": m.ontbreekt})
            if status == "ontbreekt":
                missing.append({"waarborg_id": w.id, "waarborg": w.naam, "onderdeel": f"indicator: {ind.label}",
                                "ontbreekt": m.ontbreekt or "geen waarde"})
    indicatoren = pd.DataFrame(rows, columns=_INDICATOR_COLUMNS)

    # qualitative evidence: the activity register and the user's documents
    docs = register_documents(region.activiteiten, region.regio_id) if region.has("activiteiten") else None
    if documents_dir:
        own = load_documents(documents_dir, regio_id=region.regio_id, soort="plan")
        own = own.assign(doc_id="document-" + own["doc_id"])
        docs = own if docs is None else pd.concat([docs, own], ignore_index=True)
    bewijs = pd.DataFrame(columns=_BEWIJS_COLUMNS)
    segmenten = pd.DataFrame(columns=["waarborg_id", "code", "n_segmenten", "n_documenten"])
    if docs is not None and not docs.empty:
        codings = auto_code(docs, codebook)
        titles = docs.set_index("doc_id")["titel"]
        parts, counts = [], []
        for w in kader.waarborgen:
            sel = codings[codings["code"].isin(codes[w.id])]
            if sel.empty:
                continue
            units = sel[["doc_id", "start", "einde", "code"]].drop_duplicates()
            cnt = units.groupby("code").agg(n_segmenten=("start", "size"), n_documenten=("doc_id", "nunique"))
            counts.append(cnt.reset_index().assign(waarborg_id=w.id))
            q = analysis.quote_table(sel, docs, codes[w.id], per_code=citaten_per_code)
            # a sentence found under several codes of the same waarborg is quoted once
            q = q.groupby(["doc_id", "citaat"], sort=False, as_index=False).agg(code=("code", ", ".join))
            parts.append(q.assign(waarborg_id=w.id, document=q["doc_id"].map(titles)))
        if parts:
            bewijs = pd.concat(parts, ignore_index=True)[_BEWIJS_COLUMNS]
            segmenten = pd.concat(counts, ignore_index=True)[["waarborg_id", "code", "n_segmenten", "n_documenten"]]
    bronnen = ("het activiteitenregister" if region.has("activiteiten") else "") + \
        (" en de eigen documenten" if documents_dir and region.has("activiteiten") else
         "de eigen documenten" if documents_dir else "")
    for w in kader.waarborgen:
        if segmenten.empty or not (segmenten["waarborg_id"] == w.id).any():
            if bronnen:
                wat = f"geen tekstfragmenten met de codes {', '.join(codes[w.id]) or '(geen codes in het kader)'} in {bronnen}"
            else:
                wat = ("geen activiteitenregister en geen eigen documenten: geef een map met documenten op "
                       "(parameter peer_review_documenten) of voeg activiteiten.csv toe")
            missing.append({"waarborg_id": w.id, "waarborg": w.naam, "onderdeel": "kwalitatief bewijs", "ontbreekt": wat})
    if not region.has("partnerschappen"):
        w4 = next((w for w in kader.waarborgen for _c, i in w.indicatoren if i.berekening == "peer_review_cyclus"),
                  kader.waarborgen[-1])
        missing.append({"waarborg_id": w4.id, "waarborg": w4.naam, "onderdeel": "partnerschappen",
                        "ontbreekt": "de regio heeft geen tabel partnerschappen (naam, soort, laatste_peer_review, "
                                     "peer_review_jaar): de peer-reviewcyclus is niet na te gaan"})
    order = {w.id: i for i, w in enumerate(kader.waarborgen)}
    ontbrekend = pd.DataFrame(missing, columns=_ONTBREKEND_COLUMNS)
    ontbrekend = ontbrekend.sort_values("waarborg_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return Dossier(region.regio_id, region.naam, jaar, kader, indicatoren, trends, bewijs, segmenten, ontbrekend,
                   ctx.coverage(), peer_review_cycle(region.partnerschappen, jaar, kader.cyclus_jaren),
                   docs if docs is not None else pd.DataFrame(), tuple(sorted(region.synthetisch)))


# ------------------------------------------------------------------ readings (chapter text)


def _regio(d: Dossier) -> str:
    return d.naam if d.naam.lower().startswith("onderwijsregio") else f"onderwijsregio {d.naam}"


def inleiding(d: Dossier) -> str:
    """One Markdown paragraph introducing the dossier of this region."""
    n = len(d.indicatoren)
    controle = [w.titel for w in d.kader.waarborgen if w.te_controleren]
    tekst = (f"Dit bewijsdossier van {_regio(d)} ordent de gegevens en teksten van de regio naar de "
             f"{len(d.kader.waarborgen)} waarborgen van het kader *{d.kader.naam}* ({n} indicatoren, peiljaar "
             f"{d.peiljaar}, peer review eens per {d.kader.cyclus_jaren} jaar). De statussen volgen uit de streefwaarden "
             "en drempels in het kaderbestand; de kritische reflectie schrijft het partnerschap zelf.")
    if controle:
        tekst += f" {opsomming(controle)} {'is' if len(controle) == 1 else 'zijn'} nog te controleren tegen de officiële tekst van het kwaliteitskader."
    synth = sorted(set(d.synthetisch) & {"dienstverbanden", "enquete"})
    if synth:
        tekst += (f" Indicatoren uit {opsomming(synth)} zijn berekend op **{SYNTH}e** gegevens "
                  "(de regio levert geen microdata) en illustreren alleen de werkwijze.")
    return tekst


def _statussen(status: pd.Series) -> str:
    """``"1 gehaald, 2 bijna en 5 niet gehaald; voor 3 ontbreken de gegevens"``."""
    c = status.value_counts()
    delen = [f"{c[s]} {s}" for s in STATUSSEN[:3] if c.get(s, 0)]
    tekst = opsomming(delen)
    n_weg = int(c.get("ontbreekt", 0))
    if n_weg:
        wie = ("beide" if n_weg == 2 else f"alle {n_weg}") if n_weg == len(status) and n_weg > 1 else str(n_weg)
        weg = f"voor {wie} ontbreken de gegevens"
        tekst = f"{tekst}; {weg}" if tekst else weg
    return tekst


def lezing_overzicht(d: Dossier) -> str:
    """One sentence on the statuses of all indicators."""
    if d.indicatoren.empty:
        return "_Het kader bevat geen indicatoren._"
    tekst = f"Van de {len(d.indicatoren)} indicatoren: {_statussen(d.indicatoren['status'])}"
    bekend = d.indicatoren[d.indicatoren["status"] != "ontbreekt"]
    if not bekend.empty:
        aandeel = bekend.groupby("waarborg_id")["status"].apply(lambda s: (s == "gehaald").mean())
        beste = aandeel.idxmax()
        if aandeel[beste] > 0:
            tekst += (f". Naar verhouding de meeste streefwaarden gehaald: {d.kader.waarborg(beste).titel.lower()} "
                      f"({fmt_pct(100 * aandeel[beste], 0)} van de indicatoren met gegevens)")
        else:
            tekst += ". Geen enkele streefwaarde is gehaald"
    return tekst + "."


def figuur_status(d: Dossier, ax: Axes | None = None) -> Axes | None:
    """Stacked horizontal bars: indicators per waarborg by status."""
    import matplotlib.pyplot as plt

    t = d.status_counts()
    if t.to_numpy().sum() == 0:
        return None
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8, 0.6 * len(t) + 1.5))
    labels = [d.kader.waarborg(w).titel for w in t.index]
    left = np.zeros(len(t))
    for s in STATUSSEN:
        vals = t[s].to_numpy()
        ax.barh(labels, vals, left=left, color=STATUS_KLEUREN[s], label=s, edgecolor="white")
        for y, (lft, v) in enumerate(zip(left, vals)):
            if v:
                ax.text(lft + v / 2, y, str(int(v)), ha="center", va="center", fontsize="small", color="black")
        left += vals
    ax.invert_yaxis()
    ax.set(xlabel="Aantal indicatoren", ylabel="", title="Status van de indicatoren per waarborg")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(title=None, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    ax.grid(axis="y", visible=False)
    return ax


def lezing_dekking(d: Dossier) -> str:
    """The Samen Opleiden coverage and funding in one or two sentences (with any inconsistency)."""
    cov = d.dekking
    if cov is None or cov.summary.empty:
        return geen_gegevens("studenten per lerarenopleiding (Samen Opleiden)")
    t = cov.totaal()
    inst = cov.summary[(cov.summary["jaar"] == t["jaar"]) & (cov.summary["instituut"] != "totaal")]
    tekst = (f"In {int(t['jaar'])} leert {fmt_pct(t['aandeel_partnerschap'])} van de {fmt_getal(t['studenten_totaal'])} "
             f"studenten in een partnerschap ({opsomming([f'{r.instituut} {fmt_pct(r.aandeel_partnerschap)}' for r in inst.itertuples()])}); "
             f"voor 100 % moeten nog {fmt_getal(t['nog_te_plaatsen'])} studenten een plek krijgen, wat bij "
             f"{_eur(cov.per_student_eur)} per student {_eur(t['extra_bekostiging_eur'])} extra bekostiging vraagt.")
    meld = cov.meldingen()
    if meld:
        tekst += " **Niet consistent:** " + " ".join(meld)
    elif not cov.controles.empty:
        tekst += f" De {len(cov.controles)} bedragen en aantallen in het plan volgen uit de studentaantallen."
    return tekst


def dekking_tabel(d: Dossier) -> pd.DataFrame:
    """The coverage table as shown in reports (formatted)."""
    cov = d.dekking
    if cov is None or cov.summary.empty:
        return pd.DataFrame()
    s = cov.summary
    return pd.DataFrame({
        "instituut": s["instituut"], "jaar": s["jaar"], "studenten": s["studenten_totaal"].map(fmt_getal),
        "in partnerschap": s["studenten_partnerschap"].map(fmt_getal),
        "aandeel": s["aandeel_partnerschap"].map(fmt_pct), "nog te plaatsen": s["nog_te_plaatsen"].map(fmt_getal),
        "extra bekostiging": s["extra_bekostiging_eur"].map(_eur),
    })


def controle_tabel(d: Dossier) -> pd.DataFrame:
    """The plan's figures next to the recomputed ones (formatted)."""
    cov = d.dekking
    if cov is None or cov.controles.empty:
        return pd.DataFrame()
    c = cov.controles

    def f(v, e):
        return _eur(v) if e == "eur" else fmt_pct(v) if e == "procent" else fmt_getal(v)
    return pd.DataFrame({
        "wat": c["omschrijving"], "instituut": c["categorie"],
        "in het plan": [f(v, e) for v, e in zip(c["vermeld"], c["eenheid"])],
        "nagerekend": [f(v, e) for v, e in zip(c["berekend"], c["eenheid"])],
        "consistent": c["consistent"].map({True: "ja", False: "nee"}), "berekening": c["berekening"],
    })


def lezing_waarborg(d: Dossier, waarborg_id: str) -> str:
    """One or two sentences on one waarborg: its statuses and its qualitative evidence."""
    w = d.kader.waarborg(waarborg_id)
    ind = d.indicatoren[d.indicatoren["waarborg_id"] == waarborg_id]
    seg = d.segmenten[d.segmenten["waarborg_id"] == waarborg_id] if not d.segmenten.empty else d.segmenten
    if ind.empty:
        tekst = f"{w.titel} heeft in het kader geen berekende indicatoren"
    else:
        tekst = f"{w.titel}, {len(ind)} {'indicator' if len(ind) == 1 else 'indicatoren'}: {_statussen(ind['status'])}"
    if seg.empty:
        tekst += "; er zijn geen tekstfragmenten met de codes van deze waarborg gevonden."
    else:
        top = seg.sort_values(["n_segmenten", "code"], ascending=[False, True]).iloc[0]
        tekst += (f"; {fmt_getal(int(seg['n_segmenten'].sum()))} tekstfragmenten dragen kwalitatief bewijs aan, het meest "
                  f"met de code {top['code'].rsplit('/', 1)[-1]} ({fmt_getal(int(top['n_segmenten']))}).")
    if w.te_controleren:
        tekst += " _Deze waarborg is nog te controleren tegen de officiële tekst van het kader._"
    return tekst


def lezing_cyclus(d: Dossier) -> str:
    """One sentence on the peer-review cycle at the reference year."""
    cyc = d.cyclus
    if cyc.empty:
        return geen_gegevens("partnerschappen en hun peer reviews")
    c = cyc["status"].value_counts()
    n_ok = int(c.get("op schema", 0))
    wie = "geen enkele is" if n_ok == 0 else f"{'is' if n_ok == 1 else 'zijn'} er {n_ok}"
    tekst = (f"Van de {len(cyc)} partnerschappen en opleidingsscholen {wie} op schema met de peer review "
             f"(peiljaar {d.peiljaar}, cyclus {d.kader.cyclus_jaren} jaar)")
    rest = [f"{v} {k}" for k, v in c.items() if k != "op schema"]
    if rest:
        tekst += f"; {opsomming(rest)}"
    volgend = cyc["volgende"].dropna()
    if not volgend.empty:
        tekst += f"; de eerstvolgende peer review is in {int(volgend.min())}"
    return tekst + "."


def lezing_ontbrekend(d: Dossier) -> str:
    """One sentence on the missing evidence."""
    o = d.ontbrekend
    if o.empty:
        return "Voor elke waarborg zijn indicatoren met gegevens en tekstfragmenten gevonden; er ontbreekt geen bewijs."
    per = o.groupby("waarborg_id", sort=False).size()
    n_ind = int(o["onderdeel"].str.startswith("indicator").sum())
    return (f"Het dossier mist {len(o)} onderdelen ({n_ind} indicatoren zonder gegevens), het meest bij "
            f"{d.kader.waarborg(per.idxmax()).titel.lower()} ({per.max()}); de tabel zegt per onderdeel wat er "
            "nodig is.")


def figuur_behoud(d: Dossier, ax: Axes | None = None) -> Axes | None:
    """Starter retention at 1, 3 and 5 years against the targets (bars and target markers)."""
    import matplotlib.pyplot as plt

    from regio_analysis import plotting

    ids = [i for i in ("behoud_starters_1_jaar", "behoud_starters_3_jaar", "behoud_starters_5_jaar")
           if i in set(d.indicatoren["indicator_id"])]
    df = d.indicatoren[d.indicatoren["indicator_id"].isin(ids)].dropna(subset=["waarde"])
    if df.empty:
        return None
    if ax is None:
        _fig, ax = plt.subplots(figsize=(6.5, 3.5))
    synth = f" ({SYNTH})" if df["synthetisch"].any() else ""
    df = df.assign(horizon=df["indicator"].str.replace(r"^Behoud van starters\s*", "", regex=True))
    plotting.staaf(df, x="horizon", y="waarde", ax=ax, decimals=0, titel=f"Behoud van starters{synth}",
                   ylabel="Nog bij hetzelfde bestuur (%)")
    for x, doel in enumerate(df["doel"]):
        ax.plot([x - 0.4, x + 0.4], [doel, doel], color="black", linestyle="--", linewidth=1.2)
    ax.plot([], [], color="black", linestyle="--", label="doel")
    ax.legend(loc="upper right", fontsize="small")
    ax.set_ylim(0, 105)
    return ax


def lezing_behoud(d: Dossier) -> str:
    df = d.indicatoren[d.indicatoren["indicator_id"].str.startswith("behoud_starters_")].dropna(subset=["waarde"])
    if df.empty:
        return geen_gegevens("dienstverbanden van starters")
    parts = [f"{r.indicator.lower().replace('behoud van starters ', '')} {fmt_pct(r.waarde, 0)} (doel {fmt_pct(r.doel, 0)}, {r.status})"
             for r in df.itertuples()]
    synth = f" ({SYNTH}e gegevens)" if df["synthetisch"].any() else ""
    return f"Van de starters{synth} werkt nog bij hetzelfde bestuur: {opsomming(parts)}."


# ------------------------------------------------------------------ outputs: workbook and template


def _sheet_title(text: str, used: set[str]) -> str:
    t = re.sub(r"[\[\]:*?/\\]", "", text)[:31].strip()
    base, i = t, 2
    while t in used:
        suffix = f" ({i})"
        t, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(t)
    return t


def write_workbook(d: Dossier, path: str | Path) -> Path:
    """Excel workbook of the dossier: an overview, a sheet per waarborg (indicator, value,
    target, status, trend, source, evidence; then the quotes and reflection questions), the
    missing evidence, the peer-review cycle and the Samen Opleiden coverage."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    title = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    fills = {s: PatternFill("solid", fgColor=c.lstrip("#")) for s, c in STATUS_KLEUREN.items()}
    wb = Workbook()
    used: set[str] = set()

    def header(ws, row, names):
        for j, n in enumerate(names, 1):
            ws.cell(row, j, n).font = bold

    def widths(ws, cols):
        for letter, w in cols.items():
            ws.column_dimensions[letter].width = w

    ws = wb.active
    ws.title = _sheet_title("Overzicht", used)
    ws["A1"] = f"Bewijsdossier peer review — {d.naam}"
    ws["A1"].font = title
    info = [("Regio", f"{d.naam} ({d.regio_id})"), ("Kader", f"{d.kader.naam} (versie {d.kader.versie})"),
            ("Kaderbestand", Path(d.kader.path).name if d.kader.path else ""), ("Peiljaar", d.peiljaar),
            ("Cyclus peer review (jaar)", d.kader.cyclus_jaren), ("Gemaakt met", f"regio_analysis {__version__}"),
            ("Synthetische tabellen", ", ".join(d.synthetisch) or "geen")]
    for i, (k, v) in enumerate(info, 3):
        ws.cell(i, 1, k).font = bold
        ws.cell(i, 2, v)
    r0 = len(info) + 4
    header(ws, r0, ["Waarborg", "Te controleren"] + list(STATUSSEN))
    counts = d.status_counts()
    for i, w in enumerate(d.kader.waarborgen, r0 + 1):
        ws.cell(i, 1, w.titel)
        ws.cell(i, 2, "ja" if w.te_controleren else "nee")
        for j, s in enumerate(STATUSSEN, 3):
            ws.cell(i, j, int(counts.loc[w.id, s]) if w.id in counts.index else 0)
    widths(ws, {"A": 40, "B": 50, "C": 12, "D": 12, "E": 14, "F": 12})

    cols = ["Criterium", "Indicator", "Waarde", "Eenheid", "Doel", "Doelbron", "Status", "Trend", "Bron", "Bewijs"]
    for w in d.kader.waarborgen:
        ws = wb.create_sheet(_sheet_title(f"{w.id} {w.naam}", used))
        ws["A1"] = w.titel
        ws["A1"].font = title
        ws["A2"] = w.beschrijving
        ws["A2"].alignment = Alignment(wrap_text=False)
        row = 3
        if w.te_controleren:
            ws.cell(row, 1, "Let op: deze waarborg is nog te controleren tegen de officiële tekst van het kwaliteitskader.").font = Font(italic=True)
            row += 1
        row += 1
        header(ws, row, cols)
        ind = d.indicatoren[d.indicatoren["waarborg_id"] == w.id]
        for r in ind.itertuples(index=False):
            row += 1
            values = [f"{r.criterium_id} {r.criterium}", r.indicator, None if pd.isna(r.waarde) else float(r.waarde),
                      r.eenheid, float(r.doel), r.doel_bron, r.status, r.trend, r.bron, r.bewijs or r.ontbreekt]
            for j, v in enumerate(values, 1):
                cell = ws.cell(row, j, v)
                cell.alignment = wrap
            ws.cell(row, 7).fill = fills[r.status]
            if r.eenheid in ("procent", "eur"):
                for j in (3, 5):
                    ws.cell(row, j).number_format = "0.0" if r.eenheid == "procent" else "#,##0"
        if ind.empty:
            row += 1
            ws.cell(row, 1, "Geen berekende indicatoren in het kader voor deze waarborg.")
        row += 2
        ws.cell(row, 1, "Kwalitatief bewijs (geanonimiseerde citaten)").font = bold
        row += 1
        header(ws, row, ["Code", "Document", "Citaat"])
        q = d.citaten(w.id)
        for r in q.itertuples(index=False):
            row += 1
            for j, v in enumerate([r.code, r.document, r.citaat], 1):
                ws.cell(row, j, v).alignment = wrap
        if q.empty:
            row += 1
            ws.cell(row, 1, "Geen tekstfragmenten gevonden.")
        row += 2
        ws.cell(row, 1, "Ontbrekend bewijs").font = bold
        for r in d.ontbrekend_voor(w.id).itertuples(index=False):
            row += 1
            ws.cell(row, 1, r.onderdeel)
            ws.cell(row, 2, r.ontbreekt).alignment = wrap
        row += 2
        ws.cell(row, 1, "Reflectievragen (in te vullen door het partnerschap)").font = bold
        for vraag in w.reflectievragen:
            row += 1
            ws.cell(row, 1, vraag)
        widths(ws, {"A": 34, "B": 34, "C": 40, "D": 10, "E": 10, "F": 28, "G": 13, "H": 36, "I": 40, "J": 70})

    ws = wb.create_sheet(_sheet_title("Ontbrekend bewijs", used))
    header(ws, 1, ["Waarborg", "Onderdeel", "Wat ontbreekt"])
    for i, r in enumerate(d.ontbrekend.itertuples(index=False), 2):
        for j, v in enumerate([f"{r.waarborg_id} {r.waarborg}", r.onderdeel, r.ontbreekt], 1):
            ws.cell(i, j, v).alignment = wrap
    widths(ws, {"A": 32, "B": 40, "C": 90})

    ws = wb.create_sheet(_sheet_title("Peer-reviewcyclus", used))
    header(ws, 1, ["Partnerschap", "Soort", "Laatste peer review", "Gepland", "Uiterlijk (cyclus)", "Volgende", "Status"])
    for i, r in enumerate(d.cyclus.itertuples(index=False), 2):
        vals = [r.naam, r.soort] + [None if pd.isna(v) else int(v) for v in
                                     (r.laatste_peer_review, r.gepland, r.uiterlijk, r.volgende)] + [r.status]
        for j, v in enumerate(vals, 1):
            ws.cell(i, j, v)
    if d.cyclus.empty:
        ws.cell(2, 1, "Geen partnerschappen bekend.")
    widths(ws, {"A": 40, "B": 18, "C": 18, "D": 10, "E": 16, "F": 10, "G": 20})

    if d.dekking is not None and not d.dekking.summary.empty:
        ws = wb.create_sheet(_sheet_title("Samen Opleiden", used))
        s = d.dekking.summary
        names = ["instituut", "jaar", "studenten_totaal", "studenten_partnerschap", "aandeel_partnerschap",
                 "nog_te_plaatsen", "bekostiging_huidig_eur", "extra_bekostiging_eur", "bekostiging_bij_100_procent_eur"]
        header(ws, 1, names)
        for i, r in enumerate(s[names].itertuples(index=False), 2):
            for j, v in enumerate(r, 1):
                ws.cell(i, j, v.item() if hasattr(v, "item") else v)
            ws.cell(i, 5).number_format = "0.0"
        row = len(s) + 3
        ws.cell(row, 1, f"Bedrag per student: {_eur(d.dekking.per_student_eur)}")
        meld = d.dekking.meldingen()
        for m in meld:
            row += 1
            ws.cell(row, 1, m).font = Font(bold=True, color="B00000")
        widths(ws, {c: 18 for c in "ABCDEFGHI"})

    guard_workbook(wb)  # text from data that starts with = + - @ stays text, never a formula
    with atomic_write(path, "wb") as fh:
        wb.save(fh)
    return Path(path)


def _md_cell(text: Any) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def _md(text: Any) -> str:
    """Text from data as Markdown text: raw HTML escaped, no link syntax (no javascript: link)."""
    return markdown_text(text)


def self_evaluation_markdown(d: Dossier) -> str:
    """The self-evaluation template in Markdown: per waarborg the evidence (indicators,
    quotes, missing evidence) and the reflection questions, with the reflection left open.
    Every text from data or the framework file is escaped (:func:`_md`)."""
    lines = [f"# Zelfevaluatie Samen Opleiden — {_md(d.naam)}", "",
             f"Ontwikkelingsgerichte peer review · kader: *{_md(d.kader.naam)}* (versie {_md(d.kader.versie)}) · "
             f"peiljaar {d.peiljaar} · opgesteld met regio_analysis {__version__}", "",
             "> Dit sjabloon is vooraf ingevuld met het bewijs uit de gegevens en documenten van de regio. "
             "De kritische reflectie per waarborg schrijft het partnerschap zelf; het panel van peers bespreekt die "
             "tijdens het bezoek.", ""]
    synth = sorted(set(d.synthetisch) & {"dienstverbanden", "enquete"})
    if synth:
        lines += [f"> **Let op:** indicatoren uit {opsomming(synth)} zijn berekend op {SYNTH}e gegevens; vervang ze "
                  "door eigen gegevens voordat u het dossier gebruikt.", ""]
    for w in d.kader.waarborgen:
        lines += [f"## {_md(w.titel)}", "", _md(w.beschrijving), ""]
        if w.te_controleren:
            lines += ["_Deze waarborg is nog te controleren tegen de officiële tekst van het kwaliteitskader._", ""]
        if w.criteria:
            lines += ["**Criteria**", ""] + [f"- {_md(c.id)} {_md(c.naam)}" + (f": {_md(c.beschrijving)}" if c.beschrijving else "")
                                              for c in w.criteria] + [""]
        lines += ["### Wat de gegevens laten zien", ""]
        t = d.tabel(w.id)
        if t.empty:
            lines += ["_Geen berekende indicatoren voor deze waarborg._", ""]
        else:
            lines += ["| Indicator | Waarde | Doel | Status | Trend | Bron | Toelichting |", "|---|---|---|---|---|---|---|"]
            lines += [f"| {_md_cell(r.indicator)} | {_md_cell(r.waarde)} | {_md_cell(r.doel)} | {_md_cell(r.status)} | "
                      f"{_md_cell(r.trend)} | {_md_cell(r.bron)} | {_md_cell(r.bewijs)} |" for r in t.itertuples(index=False)]
            lines += [""]
        lines += ["### Wat de documenten laten zien", ""]
        q = d.citaten(w.id)
        if q.empty:
            lines += ["_Geen tekstfragmenten gevonden._", ""]
        else:
            lines += [f"- “{_md(r.citaat)}” — {_md(r.document)} (code {_md(r.code)})" for r in q.itertuples(index=False)] + [""]
        o = d.ontbrekend_voor(w.id)
        if not o.empty:
            lines += ["### Ontbrekend bewijs", ""] + [f"- {_md(r.onderdeel)}: {_md(r.ontbreekt)}" for r in o.itertuples(index=False)] + [""]
        lines += ["### Reflectie van het partnerschap", ""]
        if w.reflectievragen:
            lines += [f"{i}. {_md(v)}" for i, v in enumerate(w.reflectievragen, 1)] + [""]
        lines += ["_In te vullen door het partnerschap._", "", "**Sterke punten:** …", "", "**Ontwikkelpunten:** …", ""]
    return "\n".join(lines)


def write_self_evaluation_docx(d: Dossier, path: str | Path) -> Path:
    """The self-evaluation template as a Word document (same content as the Markdown)."""
    import docx

    doc = docx.Document()
    doc.core_properties.title = f"Zelfevaluatie Samen Opleiden — {d.naam}"
    doc.core_properties.author = "regio_analysis"
    doc.add_heading(f"Zelfevaluatie Samen Opleiden — {d.naam}", level=0)
    doc.add_paragraph(f"Ontwikkelingsgerichte peer review · kader: {d.kader.naam} (versie {d.kader.versie}) · "
                      f"peiljaar {d.peiljaar} · opgesteld met regio_analysis {__version__}")
    doc.add_paragraph().add_run("Dit sjabloon is vooraf ingevuld met het bewijs uit de gegevens en documenten van de "
                                "regio. De kritische reflectie per waarborg schrijft het partnerschap zelf.").italic = True
    synth = sorted(set(d.synthetisch) & {"dienstverbanden", "enquete"})
    if synth:
        p = doc.add_paragraph()
        p.add_run(f"Let op: indicatoren uit {opsomming(synth)} zijn berekend op {SYNTH}e gegevens.").bold = True
    for w in d.kader.waarborgen:
        doc.add_heading(w.titel, level=1)
        doc.add_paragraph(w.beschrijving)
        if w.te_controleren:
            doc.add_paragraph().add_run("Deze waarborg is nog te controleren tegen de officiële tekst van het "
                                        "kwaliteitskader.").italic = True
        for c in w.criteria:
            doc.add_paragraph(f"{c.id} {c.naam}" + (f": {c.beschrijving}" if c.beschrijving else ""), style="List Bullet")
        doc.add_heading("Wat de gegevens laten zien", level=2)
        t = d.tabel(w.id)
        if t.empty:
            doc.add_paragraph("Geen berekende indicatoren voor deze waarborg.")
        else:
            names = ["indicator", "waarde", "doel", "status", "trend", "bron", "bewijs"]
            table = doc.add_table(rows=1, cols=len(names))
            table.style = "Table Grid"
            for cell, n in zip(table.rows[0].cells, ["Indicator", "Waarde", "Doel", "Status", "Trend", "Bron", "Toelichting"]):
                cell.text = n
                cell.paragraphs[0].runs[0].bold = True
            for r in t[names].itertuples(index=False):
                for cell, v in zip(table.add_row().cells, r):
                    cell.text = str(v)
        doc.add_heading("Wat de documenten laten zien", level=2)
        q = d.citaten(w.id)
        if q.empty:
            doc.add_paragraph("Geen tekstfragmenten gevonden.")
        for r in q.itertuples(index=False):
            doc.add_paragraph(f"“{r.citaat}” — {r.document} (code {r.code})", style="List Bullet")
        o = d.ontbrekend_voor(w.id)
        if not o.empty:
            doc.add_heading("Ontbrekend bewijs", level=2)
            for r in o.itertuples(index=False):
                doc.add_paragraph(f"{r.onderdeel}: {r.ontbreekt}", style="List Bullet")
        doc.add_heading("Reflectie van het partnerschap", level=2)
        for v in w.reflectievragen:
            doc.add_paragraph(v, style="List Number")
        doc.add_paragraph().add_run("In te vullen door het partnerschap.").italic = True
        doc.add_paragraph("Sterke punten: …")
        doc.add_paragraph("Ontwikkelpunten: …")
    with atomic_write(path, "wb") as fh:
        doc.save(fh)
    return Path(path)


def bewaar(d: Dossier, output_dir: str | Path) -> list[Path]:
    """Write the workbook and the self-evaluation template (Markdown, DOCX) to
    ``<output_dir>/peer_review/``; nothing when ``output_dir`` is empty."""
    if not output_dir:
        return []
    folder = Path(output_dir) / "peer_review"
    xlsx = write_workbook(d, folder / f"bewijsdossier_{d.regio_id}.xlsx")
    md = folder / f"zelfevaluatie_{d.regio_id}.md"
    with atomic_write(md) as fh:
        fh.write(self_evaluation_markdown(d))
    docx_path = write_self_evaluation_docx(d, folder / f"zelfevaluatie_{d.regio_id}.docx")
    return [xlsx, md, docx_path]
