"""The one Dutch formatter of the reports: numbers, percentages, intervals, lists, notes.

Every number a reader sees passes through here, in text (``fmt_getal``), on an axis
(``figures.nl_formatter``) and in a table (``report.tables``): decimal comma, thousands
point, half away from zero (as published tables round), ``–`` for a missing value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

import numpy as np
import pandas as pd

from regio_analysis.frozen import FrozenDict, Immutable

LEEG = "–"  # shown for a missing number

THEMA_LABELS: dict[str, str] = {
    "werven": "werven",
    "matchen": "matchen",
    "opleiden": "opleiden",
    "begeleiden": "begeleiden",
    "professionaliseren": "professionaliseren",
    "samen_opleiden": "samen opleiden",
    "peer_review": "peer review",
    "loketfunctie": "loketfunctie",
    "bovenbestuurlijke_inzet": "bovenbestuurlijke inzet",
    "spp": "strategische personeelsplanning",
    "organisatie": "organisatie en samenwerking",
}


def _is_missing(x) -> bool:
    return x is None or (not isinstance(x, str) and bool(pd.isna(x)))


def _half_up(x, places: int) -> Decimal:
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rond(x, places: int) -> float:
    """``x`` rounded as :func:`fmt_getal` shows it (half away from zero on the decimal digits);
    a missing value stays missing."""
    return float("nan") if _is_missing(x) else float(_half_up(x, places))


def fmt_getal(x, decimals: int | None = None) -> str:
    """A number in Dutch notation: ``fmt_getal(1234.5) -> "1.234,5"``, ``fmt_getal(-0.5) -> "−0,5"``
    (with the minus sign U+2212).

    ``decimals=None`` shows what the number needs, up to two decimals
    (``6.0 -> "6"``, ``0.75 -> "0,75"``); otherwise exactly ``decimals``. Rounds half
    away from zero, as published tables do. Missing values give ``"–"``.
    """
    if _is_missing(x):
        return LEEG
    places = 2 if decimals is None else decimals
    d = _half_up(x, places)
    text = f"{d:,.{places}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0.,") == "":  # "-0", "-0.0"
        text = text.lstrip("-")
    # a typographic minus sign (U+2212), as in the report's other signed figures ("−12 fte")
    return text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".").replace("-", "\u2212")


def fmt_p(p, decimals: int = 3) -> str:
    """A p-value: ``"< 0,001"`` below 0.001, otherwise three decimals (``"0,027"``)."""
    if _is_missing(p):
        return LEEG
    return "< 0,001" if p < 0.001 else fmt_getal(p, decimals)


def fmt_pct(x, decimals: int | None = 1) -> str:
    """A percentage (0–100 scale) in Dutch notation: ``fmt_pct(6.7) -> "6,7%"``."""
    if _is_missing(x):
        return LEEG
    return f"{fmt_getal(x, decimals)}%"


def studiejaar(jaar) -> str:
    """A study year from its first calendar year: ``studiejaar(2023) -> "studiejaar 2023-2024"``
    (the ``jaar`` of a ``samen_opleiden`` row)."""
    if _is_missing(jaar):
        return "studiejaar niet vermeld"
    return f"studiejaar {int(jaar)}-{int(jaar) + 1}"


def thema_label(thema: str) -> str:
    """The Dutch label of a theme code (``samen_opleiden -> samen opleiden``)."""
    return THEMA_LABELS.get(thema, str(thema).replace("_", " "))


def opsomming(items: Iterable[str], en: str = "en") -> str:
    """``["a", "b", "c"] -> "a, b en c"``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {en} {items[-1]}"


def geen_gegevens(wat: str) -> str:
    """The visible (Markdown) note shown instead of a table or figure the region lacks."""
    return f"_Geen gegevens over {wat}: de gegevens van de regio bevatten ze niet._"


def bijschrift_tekst(tekst: str, herkomst: Iterable = ()) -> str:
    """A table's or figure's caption that says when it rests on synthetic data (``herkomst``: its
    ``data.provenance.Herkomst`` values): "(synthetisch)", or "(deels synthetisch)" beside published
    or computed figures."""
    kinds = {str(getattr(getattr(h, "soort", None), "value", "")) for h in herkomst}
    if "synthetisch" not in kinds or "synthetisch" in tekst:
        return tekst
    return f"{tekst} ({'deels synthetisch' if kinds & {'gepubliceerd', 'berekend'} else 'synthetisch'})"


def in_bestand(naam: str, output_dir: str = "", wat: str = "De hele tabel") -> str:
    """The visible note that names the file a table too long for the report is kept in
    (``report.tables.bewaar_tabel``); "" without ``output_dir`` (nothing is kept)."""
    return f"_{wat} staat in [tabellen/{naam}.csv](tabellen/{naam}.csv)._" if output_dir else ""


# ------------------------------------------------------------------ tables

#: how a column of a table is shown (``Kolom.soort``)
SOORTEN = ("aantal", "getal", "pct", "p", "jaar", "ja_nee", "tekst")
_DEFAULT_DECIMALS = {"pct": 1, "aantal": 0}
#: a type of education as a plan's population: "personeel in het voortgezet onderwijs"
ONDERWIJSTYPE_LABELS = {"PO": "het primair onderwijs", "VO": "het voortgezet onderwijs", "MBO": "het mbo",
                        "SO": "het speciaal onderwijs", "VSO": "het voortgezet speciaal onderwijs"}
#: the school types of the pupil counts (``data.schemas.SOORTEN_LEERLINGEN``) in words
SCHOOLSOORT_LABELS = {"bao": "basisonderwijs", "sbo": "speciaal basisonderwijs", "so": "speciaal onderwijs",
                      "vso": "voortgezet speciaal onderwijs", "so_vso": "(voortgezet) speciaal onderwijs",
                      "po": "primair onderwijs", "vo": "voortgezet onderwijs", "mbo": "mbo", "totaal": "totaal"}
#: the most rows a table in the body of a report holds; a longer one is grouped, shortened or kept as a file
MAX_RIJEN = 25
TABEL_ATTR = "regio_analysis.weergave"


def _streep(lo, hi) -> str:
    """What separates a range's bounds: an en dash, or " tot " when a bound is below zero."""
    negative = any(isinstance(b, (int, float, np.number)) and not _is_missing(b) and b < 0 for b in (lo, hi))
    return " tot " if negative else "–"


@dataclass(frozen=True)
class Kolom(Immutable):
    """How one column of a numeric table is shown; the table itself keeps the numbers.

    ``soort``: ``aantal`` (whole number, thousands point), ``getal`` (``decimalen`` decimals,
    None: as many as needed up to two), ``pct`` (a percentage on the 0-100 scale, one decimal by
    default), ``p`` (a p-value), ``jaar`` (a year, no thousands point), ``ja_nee`` (a boolean),
    ``tekst``. An interval is shown in one cell: with ``laag`` and ``hoog`` (names of the
    bound columns) as ``"19,2% (15,1–24,3%)"``; with ``hoog`` only, this column being the lower
    bound, as ``"0,42–0,95"``. The bound columns are then not shown themselves. ``naam`` is the
    header shown (default: the column's name); ``leeg`` the text for a missing value.
    ``eenheid`` names a column with each row's unit (the ``eenheid`` of ``schemas.EENHEDEN``,
    e.g. ``procent``, ``eur``, ``personen``) when a column mixes units: each value is then shown
    as its unit asks (:data:`EENHEID_SOORT`) and the unit column itself is not shown.
    ``voor`` names a column with each row's text put before the value, e.g. a comparator of a
    target (``"≥"`` and ``100`` are shown as ``"≥ 100%"``); that column is not shown either.
    """

    soort: str = "getal"
    decimalen: int | None = None
    laag: str | None = None
    hoog: str | None = None
    naam: str | None = None
    leeg: str = LEEG
    eenheid: str | None = None
    voor: str | None = None

    def __post_init__(self):
        if self.soort not in SOORTEN:
            raise ValueError(f"soort={self.soort!r}: choose one of {SOORTEN}")

    @property
    def plaatsen(self) -> int | None:
        return self.decimalen if self.decimalen is not None else _DEFAULT_DECIMALS.get(self.soort)

    def waarde(self, x) -> str:
        """One value as text."""
        if _is_missing(x):
            return self.leeg
        if isinstance(x, str):
            return x
        if self.soort == "tekst":
            return str(x)
        if self.soort == "ja_nee":
            return "ja" if bool(x) else "nee"
        if self.soort == "jaar":
            return str(int(x))
        if self.soort == "p":
            return fmt_p(x)
        if self.soort == "pct":
            return fmt_pct(x, self.plaatsen)
        return fmt_getal(x, self.plaatsen)

    def per_eenheid(self, unit) -> "Kolom":
        """This column's display for a row whose unit is ``unit``."""
        if _is_missing(unit):
            return self
        soort, decimals, suffix = EENHEID_SOORT.get(str(unit), ("getal", None, f" {unit}"))
        return _Eenheid(soort, decimals if self.decimalen is None else self.decimalen, laag=self.laag, hoog=self.hoog,
                        naam=self.naam, leeg=self.leeg, achter=suffix)

    def bereik(self, lo, hi) -> str:
        """A range with its unit once: ``"5–8%"``, ``"0,42–0,95"``; ``"−34,87 tot −8,00"`` when a bound
        is negative (a dash beside a minus sign reads as one)."""
        if self.soort == "pct" and not (isinstance(lo, str) or isinstance(hi, str)):
            return f"{fmt_getal(lo, self.plaatsen)}{_streep(lo, hi)}{self.waarde(hi)}"
        return f"{self.waarde(lo)}{_streep(lo, hi)}{self.waarde(hi)}"

    def cel(self, x, lo=None, hi=None) -> str:
        """The cell: the value, with its interval when the column has bounds."""
        if self.hoog is None:
            return self.waarde(x)
        if self.laag is None:  # this column is the lower bound
            if _is_missing(x) or _is_missing(hi):
                return self.leeg
            return self.bereik(x, hi)
        text = self.waarde(x)
        if _is_missing(x) or _is_missing(lo) or _is_missing(hi):
            return text
        bound = Kolom("getal", self.plaatsen) if self.soort == "pct" else self
        return f"{text} ({bound.waarde(lo)}{_streep(lo, hi)}{self.waarde(hi)})"


@dataclass(frozen=True)
class _Eenheid(Kolom):
    """A value shown in its row's unit: ``"€ 1.930.055"``, ``"21,5%"``, ``"3,2 uren"``."""

    achter: str = ""

    def waarde(self, x) -> str:
        text = super().waarde(x)
        if _is_missing(x) or isinstance(x, str):
            return text
        if self.achter == "€":
            return f"€ {text}"
        return text + self.achter

    def bereik(self, lo, hi) -> str:
        if isinstance(lo, str) or isinstance(hi, str):
            return super().bereik(lo, hi)
        kaal = Kolom("getal", self.plaatsen)
        if self.achter == "€":
            return f"€ {kaal.waarde(lo)}{_streep(lo, hi)}{kaal.waarde(hi)}"
        return f"{kaal.waarde(lo)}{_streep(lo, hi)}{kaal.waarde(hi)}{self.achter}"


@dataclass(frozen=True)
class ZoalsGepubliceerd(Kolom):
    """A value in its row's unit (``eenheid``) with the decimals it was published with, up to two:
    ``22%``, ``27,7%``, ``2,5``, ``€ 1.930.055``, ``0,7 fte`` (a unit's default decimals would turn a
    published 2,5 into 3)."""

    def per_eenheid(self, unit) -> Kolom:
        k = super().per_eenheid(unit)
        if not isinstance(k, _Eenheid):  # the unit is missing: k is this column itself
            return replace(k, soort="getal", decimalen=None)
        return replace(k, soort="getal", decimalen=None, achter="%" if k.soort == "pct" else k.achter)


#: how a value is shown by its unit (``schemas.EENHEDEN``): (soort, decimals, text after it)
EENHEID_SOORT: dict[str, tuple[str, int | None, str]] = {
    "procent": ("pct", 1, ""), "aantal": ("aantal", 0, ""), "personen": ("aantal", 0, ""),
    "fte": ("getal", 1, " fte"), "eur": ("aantal", 0, "€"), "uren": ("getal", 1, " uur"),
    "jaren": ("getal", 1, " jaar"), "ratio": ("getal", 2, ""), "leerlingen_per_fte": ("getal", 1, ""),
    "fte_per_persoon": ("getal", 2, ""), "score": ("getal", 1, ""),
}


def kolommen(df: pd.DataFrame, **spec: Kolom | str) -> pd.DataFrame:
    """Declare how columns of ``df`` are shown (``kolommen(df, aandeel="pct", n=Kolom("aantal"))``);
    returns ``df`` itself. Undeclared columns are shown by their type (:func:`kolom_van`)."""
    current = dict(df.attrs.get(TABEL_ATTR, {}))
    for name, k in spec.items():
        if name not in df.columns:
            raise KeyError(f"column {name!r} is not in the table (columns: {list(df.columns)})")
        current[name] = Kolom(k) if isinstance(k, str) else k
    df.attrs[TABEL_ATTR] = FrozenDict(current)
    return df


def kolom_van(series: pd.Series) -> Kolom:
    """The display of an undeclared column, from its values: booleans ``ja``/``nee``, whole
    numbers as counts (a column named ``jaar`` as years), other numbers with up to two decimals,
    anything else as text."""
    values = series.dropna()
    if pd.api.types.is_bool_dtype(series) or (len(values) and values.map(lambda v: isinstance(v, (bool, np.bool_))).all()):
        return Kolom("ja_nee")
    if pd.api.types.is_numeric_dtype(series):
        whole = bool(len(values)) and bool(np.all(np.mod(values.to_numpy(float), 1) == 0))
        if whole and "jaar" in str(series.name).lower():
            return Kolom("jaar")
        return Kolom("aantal") if whole else Kolom("getal")
    return Kolom("tekst")


def weergave(df: pd.DataFrame) -> dict[str, Kolom]:
    """Every column's :class:`Kolom`: declared, or from its values."""
    declared = df.attrs.get(TABEL_ATTR, {})
    out = {c: declared.get(c) or kolom_van(df[c]) for c in df.columns}
    for k in list(out.values()):  # bounds are numbers of their interval's kind
        for b in (k.laag, k.hoog):
            if b and b not in declared and b in out:
                out[b] = Kolom(k.soort, k.plaatsen)
    return out


def tabel_tekst(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` as the reader sees it: every cell text in Dutch notation, intervals in one cell,
    bound columns left out, headers as declared. Numbers are not changed in ``df``."""
    spec = weergave(df)
    hidden = _hidden(spec)
    out = {}
    for c, k in spec.items():
        if c in hidden:
            continue
        lo = df[k.laag] if k.laag else [None] * len(df)
        hi = df[k.hoog] if k.hoog else [None] * len(df)
        units = df[k.eenheid] if k.eenheid else [None] * len(df)
        cells = [k.per_eenheid(u).cel(x, a, b) for x, a, b, u in zip(df[c], lo, hi, units)]
        if k.voor:  # a text before each value that is there ("≥ 100%")
            cells = [f"{v} {t}" if not (_is_missing(x) or _is_missing(v) or str(v) == "") else t
                     for t, x, v in zip(cells, df[c], df[k.voor])]
        out[k.naam or c] = cells
    return pd.DataFrame(out, index=df.index, columns=list(out))


def _hidden(spec: dict[str, Kolom]) -> set[str]:
    """Columns shown inside another one: interval bounds, unit columns and texts put before a value."""
    return {b for k in spec.values() for b in (k.laag, k.hoog, k.eenheid, k.voor) if b}


def tabel_getallen(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` for a CSV: the numbers, rounded to the decimals shown (so a file never holds more
    than the report shows; a p-value below 0,001, shown as "< 0,001", is kept), booleans and text as
    they are."""
    out = df.copy()
    for c, k in weergave(df).items():
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]) \
                or pd.api.types.is_integer_dtype(df[c]):  # whole numbers are kept as they are
            continue
        if k.eenheid:
            out[c] = [_rond_kolom(k.per_eenheid(u), v) for v, u in zip(df[c], df[k.eenheid])]
        elif k.soort in ("getal", "pct", "aantal", "p"):
            out[c] = df[c].map(lambda v, k=k: _rond_kolom(k, v)).astype(float)
    return out


def _rond_kolom(k: Kolom, v):
    """``v`` rounded as column ``k`` shows it (``getal`` without fixed decimals: up to two)."""
    if isinstance(v, str) or _is_missing(v) or isinstance(v, (bool, np.bool_)):
        return v
    if k.soort == "p":
        return float(v) if abs(v) < 0.001 else rond(v, 3)
    if k.soort in ("getal", "pct", "aantal"):
        return rond(v, 2 if k.plaatsen is None else k.plaatsen)
    return v


def numerieke_kolommen(df: pd.DataFrame) -> list[str]:
    """The headers of :func:`tabel_tekst` that hold numbers (to align them right)."""
    spec = weergave(df)
    hidden = _hidden(spec)
    return [k.naam or c for c, k in spec.items() if c not in hidden and k.soort not in ("tekst", "ja_nee")]


# ------------------------------------------------------------------ wording of a comparison

#: words that claim a finding. A reading may use them only about the region's own data (not
#: synthetic) whose 95 % interval excludes the value compared with (:attr:`Vergelijking.aantoonbaar`)
BEWIJSWOORDEN = ("aantoonbaar", "significant", "effect")
_BEWIJSWOORD = re.compile(r"\b(?:aantoonba\w*|significant\w*|effect|effecten)\b", re.IGNORECASE)
#: how a reading about synthetic data says what it is
DEMONSTRATIE = "in deze synthetische demonstratie"


def bewijswoorden(tekst: str) -> list[str]:
    """The words of ``tekst`` that claim a finding ("aantoonbaar", "significant", "effect", also
    inflected: "aantoonbare", "effecten"); empty when there are none."""
    return [m.group(0) for m in _BEWIJSWOORD.finditer(str(tekst))]


@dataclass(frozen=True)
class Vergelijking:
    """An estimate with its 95 % interval against a value it is compared with (the null of a
    difference, 1 for a ratio, an ambition), and what a reading may say about it.

    ``sluit_uit``: the interval is known and lies entirely on one side of ``referentie``;
    ``aantoonbaar``: that, and the data are not synthetic. Only then may a reading use the words
    of :data:`BEWIJSWOORDEN`; about synthetic data it says it demonstrates the method
    (:data:`DEMONSTRATIE`), whatever the interval.
    """

    schatting: float
    laag: float | None
    hoog: float | None
    referentie: float
    synthetisch: bool

    @property
    def richting(self) -> int:
        """-1 below the reference, 1 above it, 0 equal (or missing)."""
        if _is_missing(self.schatting) or self.schatting == self.referentie:
            return 0
        return -1 if self.schatting < self.referentie else 1

    @property
    def sluit_uit(self) -> bool:
        laag, hoog = self.laag, self.hoog
        if laag is None or hoog is None or _is_missing(laag) or _is_missing(hoog):
            return False
        return bool(hoog < self.referentie or laag > self.referentie)

    @property
    def aantoonbaar(self) -> bool:
        return self.sluit_uit and not self.synthetisch

    def woord(self, onder: str = "onder", boven: str = "boven", gelijk: str = "gelijk aan") -> str:
        return {-1: onder, 1: boven, 0: gelijk}[self.richting]

    def oordeel(self, onderwerp: str, wat: str, *, onder: str = "onder", boven: str = "boven") -> str:
        """``onderwerp`` compared with ``wat`` (the reference in words) as a clause, e.g. "dat ligt
        aantoonbaar boven de ambitie van hooguit 20%"; for an interval that includes the reference
        "dat ligt boven de ambitie …, maar het 95%-interval omvat die waarde: geen duidelijk
        verschil"; for synthetic data "in deze synthetische demonstratie ligt dat boven de ambitie
        …" (with where the interval lies, no verdict)."""
        richting = self.woord(onder, boven)
        if self.synthetisch:
            waar = ("" if _is_missing(self.laag) or _is_missing(self.hoog) else
                    "; het 95%-interval sluit die waarde uit" if self.sluit_uit else "; het 95%-interval omvat die waarde")
            return f"{DEMONSTRATIE} ligt {onderwerp} {richting} {wat}{waar}"
        if self.aantoonbaar:
            return f"{onderwerp} ligt aantoonbaar {richting} {wat}"
        if _is_missing(self.laag) or _is_missing(self.hoog):
            return f"{onderwerp} ligt {richting} {wat} (zonder interval is niet te zeggen of dat meer is dan toeval)"
        return f"{onderwerp} ligt {richting} {wat}, maar het 95%-interval omvat die waarde: geen duidelijk verschil"


def vergelijking(schatting, laag, hoog, referentie: float = 0.0, *, synthetisch: bool) -> Vergelijking:
    """The :class:`Vergelijking` of an estimate and its interval with ``referentie``."""
    def num(x):
        return None if _is_missing(x) else float(x)

    return Vergelijking(num(schatting), num(laag), num(hoog), float(referentie), bool(synthetisch))
