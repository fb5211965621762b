"""Canonical tables: their columns, types, vocabularies and checks.

Every table a region folder may hold is declared once here as a :class:`TableSpec`.
Loaders (``regio_analysis.io``) and ``regio_analysis.data`` turn raw frames into
canonical ones with :func:`conform`, which

1. adds optional columns with their defaults,
2. converts each column to its type, recording every value that does not convert
   (instead of stopping at the first), and
3. validates the typed frame with its pandera schema (vocabularies, ranges,
   uniqueness of the key, row-wise rules such as ``einde >= start``),

and refuses, wherever a table comes from, what would otherwise pass silently: an unknown
column that looks like a known one (``prognoze``), non-finite or absurdly large numbers
(``inf``, ``1e300``, integers beyond what a float holds exactly), years outside
:data:`YEAR_RANGE`, dates with a time zone, control characters (NUL) in text and negative
counts,

and raises one :class:`~regio_analysis.errors.DataError` listing all problems with
file, column and line numbers. Column names are the Dutch domain terms of DUO/CBS.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from regio_analysis.errors import DataError, Problem, rows_from_index

# --- vocabularies -------------------------------------------------------------------------

FUNCTIEGROEPEN = ("DIR", "OP", "OOP", "totaal")
SOORTEN_LEERLINGEN = ("bao", "sbo", "so", "vso", "so_vso", "po", "vo", "mbo", "totaal")
EENHEDEN = (
    "aantal", "personen", "fte", "procent", "eur", "uren", "jaren", "ratio",
    "leerlingen_per_fte", "fte_per_persoon", "score",
)
RICHTINGEN = ("in", "uit")
THEMAS = (
    "werven", "matchen", "opleiden", "begeleiden", "professionaliseren",
    "samen_opleiden", "peer_review", "loketfunctie", "bovenbestuurlijke_inzet",
    "spp", "organisatie",
)
ABC = ("Aantrekken", "Behouden", "Continuïteit")
REDENEN_EINDE = (
    "andere school zelfde bestuur", "ander bestuur in regio", "buiten regio",
    "buiten onderwijs", "pensioen",
)
ROUTES = ("regulier", "zij-instroom", "onbevoegd")
#: kinds of peer review of a Samen Opleiden partnership: the present (development-oriented) one and
#: the earlier accreditation-oriented one
PEER_REVIEW_SOORTEN = ("ontwikkelingsgericht", "beoordelingsgericht")
INDUCTIE_INTENSITEIT = ("geen", "licht", "intensief")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
BRIN6_PATTERN = r"^[0-9]{2}[A-Z]{2}[0-9]{2}$|^[0-9A-Z]{4}[0-9]{2}$"
#: Plausible years (and years of dates) in any table.
YEAR_RANGE = (1950, 2100)
#: Largest magnitude accepted in a numeric column: beyond 2**53 a float no longer holds every
#: integer, and no count, amount or rate in these tables comes near it.
MAX_ABS_NUMBER = 1e15
#: Units of counts: never negative in ``kengetallen``/``raming`` unless the indicator is a difference.
COUNT_UNITS = ("aantal", "personen", "fte", "uren", "jaren", "leerlingen_per_fte", "fte_per_persoon")
SIGNED_INDICATOR_WORDS = ("tekort", "saldo", "verschil", "mutatie", "groei", "krimp", "verandering",
                          "overschot", "toename", "afname", "netto")


# --- declarations ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    """One column: its kind, whether it must be present, and its checks.

    kind: ``str``, ``int`` (nullable Int64), ``year`` (an int within :data:`YEAR_RANGE`),
    ``float``, ``bool``, ``date``.
    A column with a ``default`` is optional in files and filled when absent.
    """

    kind: str
    checks: tuple[pa.Check, ...] = ()
    nullable: bool = False
    default: Any = None
    description: str = ""

    @property
    def optional(self) -> bool:
        return self.default is not None or self.nullable


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, Col]
    key: tuple[str, ...]
    description: str
    row_checks: tuple[tuple[str, Callable[[pd.DataFrame], pd.Series]], ...] = ()
    # columns that may be present in the key when a loader adds them (e.g. bestuur_id)
    extra_key: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        return [c for c, col in self.columns.items() if not col.optional]

    def empty(self) -> pd.DataFrame:
        """An empty frame with this table's columns and types (a new one each time: the caller may change it)."""
        if id(self) not in _EMPTY:  # conformed once per process: validating even no rows takes a tenth of a second
            _EMPTY[id(self)] = (self, conform(pd.DataFrame({c: pd.Series([], dtype=object) for c in self.columns}),
                                              self.name))
        return _EMPTY[id(self)][1].copy()


_EMPTY: dict[int, tuple[TableSpec, pd.DataFrame]] = {}  # the spec kept with its frame: its id stays its own


def _in(values) -> pa.Check:
    return pa.Check.isin(list(values), ignore_na=True)


def _ge0() -> pa.Check:
    return pa.Check.ge(0, ignore_na=True)


def _counts_nonnegative(df: pd.DataFrame) -> pd.Series:
    """A count (unit in COUNT_UNITS) is not negative, unless its indicator names a difference."""
    count = df["eenheid"].isin(COUNT_UNITS)
    signed = df["indicator"].astype(str).str.lower().str.contains("|".join(SIGNED_INDICATOR_WORDS), regex=True)
    return ~count | signed | df["waarde"].isna() | (df["waarde"] >= 0)


def _pct_in_range(df: pd.DataFrame) -> pd.Series:
    """Percentages lie between 0 and 100."""
    pct = df["eenheid"] == "procent"
    return ~pct | df["waarde"].isna() | df["waarde"].between(0, 100)


_BRON = Col("str", description="bron: seed file and section, or a loaded file name")
_ONDERDRUKT = Col("bool", default=False, description="value suppressed in the source (*, <5, -1)")
_NIVEAU = Col("str", default="regio", description=(
    "regio, landelijk, provincie:<naam>, landsdeel:<naam>, gemeente:<naam>, corop:<naam>; "
    "for source files vestiging, instelling or bestuur"))
_SCENARIO = Col("str", default="gepubliceerd")
_PROGNOSE = Col("bool", default=False, description="True for forecasts, False for realisations")

TABLES: dict[str, TableSpec] = {}


def _table(spec: TableSpec) -> TableSpec:
    TABLES[spec.name] = spec
    return spec


_table(TableSpec(
    "leerlingen",
    {
        "peiljaar": Col("year", (pa.Check.between(1990, 2100),)),
        "soort": Col("str", (_in(SOORTEN_LEERLINGEN),)),
        "aantal": Col("float", (_ge0(),), nullable=True),
        "prognose": _PROGNOSE,
        "vestigingscode": Col("str", default="", description="BRIN6; empty for region totals"),
        "niveau": _NIVEAU,
        "bron": _BRON,
        "onderdrukt": _ONDERDRUKT,
    },
    key=("peiljaar", "soort", "vestigingscode", "niveau"),
    description="Pupils per year and school type, history and forecast.",
))

_table(TableSpec(
    "personeel",
    {
        "peiljaar": Col("year", (pa.Check.between(1990, 2100),)),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN),)),
        "eenheid": Col("str", (_in(EENHEDEN),)),
        "kenmerk": Col("str", default="totaal", description="totaal, leeftijd, deeltijd, contractduur, opleidingsniveau, ..."),
        "categorie": Col("str", default="totaal"),
        "niveau": _NIVEAU,
        "waarde": Col("float", (_ge0(),), nullable=True),
        "bron": _BRON,
        "onderdrukt": _ONDERDRUKT,
    },
    key=("peiljaar", "functiegroep", "eenheid", "kenmerk", "categorie", "niveau"),
    extra_key=("bestuur_id", "instellingscode", "onderwijstype"),
    description="Staff in persons, fte or shares, by characteristic (age class, part-time class, ...).",
    row_checks=(("percentage tussen 0 en 100", _pct_in_range),),
))

_table(TableSpec(
    "stromen",
    {
        "jaar": Col("year", (pa.Check.between(1990, 2100),)),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN),)),
        "richting": Col("str", (_in(RICHTINGEN),)),
        "eenheid": Col("str", (_in(EENHEDEN),)),
        "kenmerk": Col("str", default="totaal", description="totaal, or e.g. herkomst / bestemming"),
        "categorie": Col("str", default="totaal"),
        "niveau": _NIVEAU,
        "prognose": _PROGNOSE,
        "waarde": Col("float", (_ge0(),), nullable=True),
        "bron": _BRON,
    },
    key=("jaar", "functiegroep", "richting", "eenheid", "kenmerk", "categorie", "niveau"),
    description="Inflow and outflow as rates (procent of the staff stock) or counts.",
    row_checks=(("percentage tussen 0 en 100", _pct_in_range),),
))

_table(TableSpec(
    "verzuim",
    {
        "jaar": Col("year", (pa.Check.between(1990, 2100),)),
        "niveau": Col("str"),
        "indicator": Col("str", default="ziekteverzuimpercentage"),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN),), default="totaal"),
        "eenheid": Col("str", (_in(EENHEDEN),), default="procent"),
        "waarde": Col("float", (_ge0(),), nullable=True),
        "bron": _BRON,
    },
    key=("jaar", "niveau", "indicator", "functiegroep"),
    description="Sick leave, region against national.",
    row_checks=(("percentage tussen 0 en 100", _pct_in_range),),
))

_table(TableSpec(
    "tekort",
    {
        "jaar": Col("year", (pa.Check.between(1990, 2100),)),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN),)),
        "component": Col("str", description="zichtbaar, verborgen, onvervuld, totaal, ..."),
        "niveau": _NIVEAU,
        "eenheid": Col("str", (_in(EENHEDEN),)),
        "prognose": _PROGNOSE,
        "scenario": _SCENARIO,
        "waarde": Col("float", nullable=True, description="negative is a surplus"),
        "bron": _BRON,
        "opmerking": Col("str", default=""),
    },
    key=("jaar", "functiegroep", "component", "niveau", "eenheid", "scenario"),
    description="Shortages (visible, hidden, unfilled employment) in fte or percent; a published "
                "range is two rows with scenario 'ondergrens' / 'bovengrens'.",
))

_table(TableSpec(
    "raming",
    {
        "jaar": Col("year", (pa.Check.between(1990, 2100),)),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN),)),
        "indicator": Col("str", description="benodigd_fte, instroom_fte, uitstroom_fte, tekort_fte, onvervuld_fte, te_vervullen_fte, te_vervullen_personen, ..."),
        "scenario": Col("str"),
        "eenheid": Col("str", (_in(EENHEDEN),)),
        "waarde": Col("float", nullable=True),
        "bron": _BRON,
    },
    key=("jaar", "functiegroep", "indicator", "scenario"),
    description="Projections of the SPP; published ones carry scenario 'gepubliceerd'.",
    row_checks=(("negatief aantal (eenheid aantal/personen/fte/...)", _counts_nonnegative),),
))

_table(TableSpec(
    "kengetallen",
    {
        "onderwerp": Col("str", description="basisgegevens, tevredenheid, functiemix, ambitie, bekostiging, ..."),
        "indicator": Col("str"),
        "jaar": Col("year", nullable=True),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN),), default="totaal"),
        "categorie": Col("str", default="totaal"),
        "niveau": _NIVEAU,
        "eenheid": Col("str", (_in(EENHEDEN),)),
        "waarde": Col("float", nullable=True),
        "bron": _BRON,
        "opmerking": Col("str", default=""),
        "onderdrukt": _ONDERDRUKT,
    },
    key=("onderwerp", "indicator", "jaar", "functiegroep", "categorie", "niveau"),
    description="Published key figures that have no table of their own.",
    row_checks=(("percentage tussen 0 en 100", _pct_in_range),
                ("negatief aantal (eenheid aantal/personen/fte/...)", _counts_nonnegative)),
))

_table(TableSpec(
    "samen_opleiden",
    {
        "instituut": Col("str"),
        "jaar": Col("year", (pa.Check.between(1990, 2100),)),
        "studenten_totaal": Col("int", (_ge0(),)),
        "studenten_partnerschap": Col("int", (_ge0(),)),
        "bron": _BRON,
    },
    key=("instituut", "jaar"),
    description="Students per teacher-training institute, and those trained inside a partnership.",
    row_checks=((
        "studenten_partnerschap groter dan studenten_totaal",
        lambda d: d["studenten_partnerschap"] <= d["studenten_totaal"],
    ),),
))

_table(TableSpec(
    "begroting",
    {
        "jaar": Col("year", nullable=True),
        "post": Col("str"),
        "categorie": Col("str", default="totaal"),
        "bedrag_eur": Col("float"),
        "bron": _BRON,
    },
    key=("jaar", "post", "categorie"),
    description="Budget lines in euros.",
))

_table(TableSpec(
    "partnerschappen",
    {
        "naam": Col("str"),
        "soort": Col("str", description="samen_opleiden, opleidingsschool, ..."),
        "instellingen": Col("str", default="", description="participants, separated by ';'"),
        "peer_review_jaar": Col("year", nullable=True, description="year of the planned peer review"),
        "laatste_peer_review": Col("year", nullable=True),
        "laatste_peer_review_soort": Col("str", (_in(("", *PEER_REVIEW_SOORTEN)),), default="",
                                         description="kind of the last peer review: ontwikkelingsgericht or "
                                                     "beoordelingsgericht (empty: not stated)"),
        "opgericht": Col("year", nullable=True, description="year the partnership was founded"),
        "bron": _BRON,
    },
    key=("naam",),
    description="Partnerships (Samen Opleiden, opleidingsscholen) and their peer-review cycle.",
))

_table(TableSpec(
    "activiteiten",
    {
        "id": Col("str"),
        "titel": Col("str"),
        "thema": Col("str", (_in(THEMAS),)),
        "ambitie": Col("str", default=""),
        "abc": Col("str", (_in(ABC + ("",)),), default=""),
        "start": Col("date"),
        "einde": Col("date"),
        "beoogd_resultaat": Col("str", default=""),
        "bron": _BRON,
    },
    key=("id",),
    description="The region's activity register from its activity plan.",
    row_checks=(("einde voor start", lambda d: d["einde"].isna() | d["start"].isna() | (d["einde"] >= d["start"])),),
))

_table(TableSpec(
    "vestiging_regio",
    {
        "vestigingscode": Col("str", (pa.Check.str_matches(BRIN6_PATTERN),)),
        "regio_id": Col("str", (pa.Check.str_matches(SLUG_PATTERN),)),
        "sector": Col("str", default=""),
        "bron": Col("str", default=""),
    },
    key=("vestigingscode",),
    description="User-supplied mapping: each vestiging belongs to exactly one region.",
))

_table(TableSpec(
    "dienstverbanden",
    {
        "persoon_id": Col("str"),
        "bestuur_id": Col("str"),
        "vestigingscode": Col("str"),
        "functiegroep": Col("str", (_in(FUNCTIEGROEPEN[:3]),)),
        "start": Col("date"),
        "einde": Col("date", nullable=True, description="NA: still employed at observatie_einde"),
        "reden_einde": Col("str", (_in(REDENEN_EINDE + ("",)),), default=""),
        "observatie_einde": Col("date", description="end of observation (censoring date)"),
        "leeftijd_start": Col("int", (pa.Check.between(15, 80),)),
        "geslacht": Col("str", (_in(("m", "v", "x")),), default="x"),
        "fte": Col("float", (pa.Check.gt(0), pa.Check.le(1.5))),
        "contract": Col("str", (_in(("vast", "tijdelijk")),), default="tijdelijk"),
        "route": Col("str", (_in(ROUTES),), default="regulier"),
        "bevoegd": Col("bool", default=True),
        "starter": Col("bool", default=False, description="first job in education"),
        "school_omvang": Col("float", (_ge0(),), nullable=True, description="pupils at the school"),
        "inductie": Col("bool", default=False),
        "inductie_intensiteit": Col("str", (_in(INDUCTIE_INTENSITEIT),), default="geen"),
        "bron": _BRON,
    },
    key=("persoon_id", "bestuur_id", "start"),
    description="Employment spells: the retention microdata (person ids pseudonymised).",
    row_checks=(
        ("einde voor start", lambda d: d["einde"].isna() | (d["einde"] >= d["start"])),
        ("einde na observatie_einde", lambda d: d["einde"].isna() | (d["einde"] <= d["observatie_einde"])),
        ("reden_einde zonder einde", lambda d: d["einde"].notna() | (d["reden_einde"] == "")),
        ("inductie en inductie_intensiteit spreken elkaar tegen",
         lambda d: d["inductie"] == (d["inductie_intensiteit"] != "geen")),
    ),
))

_table(TableSpec(
    "enquete",
    {
        "respondent_id": Col("str"),
        "jaar": Col("year"),
        "groep": Col("str", description="personeel, student, begeleider, ..."),
        "item": Col("str"),
        "waarde": Col("int", (pa.Check.between(1, 5),), nullable=True),
        "bron": _BRON,
    },
    key=("respondent_id", "jaar", "item"),
    description="Likert answers (1-5) of surveys.",
))

_table(TableSpec(
    "open_antwoorden",
    {
        "respondent_id": Col("str"),
        "jaar": Col("year"),
        "vraag": Col("str"),
        "tekst": Col("str"),
        "codes": Col("str", default="", description="true codes, ';'-separated (synthetic data only)"),
        "bron": _BRON,
    },
    key=("respondent_id", "jaar", "vraag"),
    description="Open answers of surveys and exit conversations.",
))


# --- conforming -------------------------------------------------------------------------------

_BOOL_TRUE = {"true", "1", "ja", "j", "yes", "y", "waar"}
_BOOL_FALSE = {"false", "0", "nee", "n", "no", "onwaar", ""}


_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_DATE_TEXT = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_TIME_ZONE = r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)$"
_NOT_FINITE = "geen eindig getal"
_TOO_LARGE = f"onwaarschijnlijk groot getal (meer dan {MAX_ABS_NUMBER:.0e})"


def _convert(series: pd.Series, kind: str) -> tuple[pd.Series, pd.Series, dict[str, pd.Series]]:
    """Convert one column; return the converted series, a mask of values that do not convert,
    and further masks of refused values keyed by the reason."""
    was_na = series.isna()
    none = pd.Series(False, index=series.index)
    if kind == "str":
        # text columns repeat few distinct values in many rows: strip and check each distinct value once
        codes, uniques = pd.factorize(series.astype(object).where(~was_na, ""), use_na_sentinel=False)
        u = pd.Series(uniques, dtype=object).astype("string").fillna("").str.strip()
        control = u.str.contains(_CONTROL, regex=True).to_numpy(dtype=bool)[codes]
        out = pd.Series(u.astype(object).to_numpy()[codes], index=series.index, dtype=object)
        return out, none, {"bevat stuurtekens (zoals een NUL-byte)": pd.Series(control, index=series.index)}
    if kind in ("int", "float", "year"):
        raw = series
        if raw.dtype == object or pd.api.types.is_string_dtype(raw):
            raw = raw.astype("string").str.strip().str.replace(",", ".", regex=False).replace("", pd.NA)
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        failed = num.isna() & ~raw.isna()
        infinite = pd.Series(np.isinf(num), index=num.index)
        reasons = {_NOT_FINITE: infinite, _TOO_LARGE: num.abs().gt(MAX_ABS_NUMBER) & ~infinite}
        num = num.where(~(reasons[_NOT_FINITE] | reasons[_TOO_LARGE]))
        if kind in ("int", "year"):
            frac = num.notna() & (num % 1 != 0)
            failed |= frac
            num = num.where(~frac)
            if kind == "year":
                lo, hi = YEAR_RANGE
                reasons[f"geen plausibel jaar (tussen {lo} en {hi})"] = num.notna() & ~num.between(lo, hi)
            return num.astype("Int64"), failed, reasons
        return num, failed, reasons
    if kind == "bool":
        if pd.api.types.is_bool_dtype(series):
            return series.astype(bool), none, {}
        text = series.astype("string").fillna("").str.strip().str.lower()
        failed = ~text.isin(_BOOL_TRUE | _BOOL_FALSE)
        return text.isin(_BOOL_TRUE), failed, {}
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(series):
            if getattr(series.dt, "tz", None) is not None:
                return series.dt.tz_localize(None).astype("datetime64[ns]"), none, {"datum met tijdzone": series.notna()}
            out = series.astype("datetime64[ns]")
            return out, none, _date_range(out)
        text = series.astype("string").str.strip().replace("", pd.NA)
        tz = text.str.contains(_TIME_ZONE, regex=True).fillna(False).astype(bool)
        shape = text.str.match(_DATE_TEXT).fillna(False).astype(bool)
        out = pd.to_datetime(text.where(shape), errors="coerce", format="ISO8601")
        failed = out.isna() & text.notna() & ~tz
        out = out.astype("datetime64[ns]")
        reasons = {"datum met tijdzone; schrijf alleen de datum (JJJJ-MM-DD)": tz, **_date_range(out)}
        return out, failed & ~was_na, reasons
    raise ValueError(f"unknown column kind {kind!r}")


def _date_range(dates: pd.Series) -> dict[str, pd.Series]:
    lo, hi = YEAR_RANGE
    return {f"datum buiten {lo}-{hi}": dates.notna() & ~dates.dt.year.between(lo, hi)}


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def close_column(name: str, known) -> str | None:
    """The known column ``name`` is probably a misspelling of (edit distance at most 2, and
    at most a third of the word, so short names are not matched to anything), or None."""
    best = None
    for k in known:
        d = _edit_distance(name.lower(), k.lower())
        if d <= min(2, len(k) // 3) and (best is None or d < best[0]):
            best = (d, k)
    return best[1] if best else None


_KIND_TEXT = {"int": "geen geheel getal", "year": "geen jaartal (geheel getal)", "float": "niet numeriek",
              "bool": "geen ja/nee-waarde", "date": "geen datum (JJJJ-MM-DD)"}


def _pandera_schema(spec: TableSpec, key: list[str]) -> pa.DataFrameSchema:
    dtypes = {"str": object, "int": "Int64", "year": "Int64", "float": float, "bool": bool, "date": "datetime64[ns]"}
    cols = {}
    for name, col in spec.columns.items():
        cols[name] = pa.Column(
            dtypes[col.kind], checks=list(col.checks), nullable=col.nullable or col.kind == "str",
            required=True, coerce=False,
        )
    checks = [pa.Check(fn, name=label, element_wise=False) for label, fn in spec.row_checks]
    return pa.DataFrameSchema(cols, checks=checks, unique=key, report_duplicates="all", strict=False)


def conform(df: pd.DataFrame, table: str, *, file: str = "<frame>", header_lines: int = 1) -> pd.DataFrame:
    """Return ``df`` as the canonical ``table``, or raise DataError with every problem.

    ``file`` names the source in messages; ``header_lines`` is the number of lines
    above the first data row (so problems name file line numbers).
    """
    spec = TABLES[table]
    problems: list[Problem] = []
    df = df.reset_index(drop=True).copy()
    df.columns = [str(c).strip() for c in df.columns]

    known = set(spec.columns) | set(spec.extra_key)
    for c in df.columns:
        guess = close_column(c, spec.columns) if c not in known else None
        if guess and guess not in df.columns:
            problems.append(Problem(file, f"onbekende kolom {c!r}; bedoelde u {guess!r}?", column=c,
                                    rows=(header_lines,)))
    missing = [c for c in spec.required if c not in df.columns]
    if missing:
        problems.append(Problem(file, f"verplichte kolom(men) ontbreken: {', '.join(missing)}; "
                                      f"verwacht: {', '.join(spec.columns)}", column=missing[0]))
    if problems:
        raise DataError(problems)
    if df.empty and len(df.columns) == 0:
        raise DataError(Problem(file, "het bestand is leeg"))

    for name, col in spec.columns.items():
        if name not in df.columns:
            df[name] = pd.NA if col.nullable and col.default is None else col.default
        converted, failed, refused = _convert(df[name], col.kind)
        if not col.nullable and col.default is None and col.kind != "bool":
            empty = (converted == "") if col.kind == "str" else (converted.isna() & ~failed)
            if empty.any():
                problems.append(Problem(file, "lege waarde waar een waarde verplicht is", column=name,
                                        rows=rows_from_index(np.flatnonzero(empty), header_lines)))
        if failed.any():
            bad = df.loc[failed, name].astype(str).head(3).tolist()
            problems.append(Problem(file, f"{_KIND_TEXT[col.kind]}: {', '.join(repr(b) for b in bad)}", column=name,
                                    rows=rows_from_index(np.flatnonzero(failed), header_lines)))
        for reason, mask in refused.items():
            mask = mask.fillna(False).astype(bool).to_numpy()
            if mask.any():
                bad = df.loc[mask, name].astype(str).head(3).tolist()
                problems.append(Problem(file, f"{reason}: {', '.join(repr(b) for b in bad)}", column=name,
                                        rows=rows_from_index(np.flatnonzero(mask), header_lines)))
        if col.default is not None and col.kind != "bool":
            converted = converted.fillna(col.default) if col.kind != "str" else converted.replace("", col.default)
        df[name] = converted

    key = list(spec.key) + [c for c in spec.extra_key if c in df.columns]
    try:
        _pandera_schema(spec, key).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        # columns that already failed to convert are reported once, above
        skip = {p.column for p in problems if p.column}
        problems.extend(_problems_from_pandera(err.failure_cases, file, header_lines, key, skip))
    if problems:
        raise DataError(problems)

    ordered = list(spec.columns) + [c for c in df.columns if c not in spec.columns]
    sort_cols = [c for c in key if c in df.columns]
    return df[ordered].sort_values(sort_cols, kind="stable", na_position="last").reset_index(drop=True)


def _problems_from_pandera(fc: pd.DataFrame, file: str, header_lines: int, key: list[str],
                           skip_columns: set[str]) -> list[Problem]:
    problems: list[Problem] = []

    def rows(frame: pd.DataFrame) -> tuple[int, ...]:
        idx = pd.to_numeric(frame["index"], errors="coerce").dropna().astype(int).unique()
        return rows_from_index(idx, header_lines)

    check = fc["check"].astype(str)
    uniq = check.str.contains("uniqueness|duplicates", regex=True)
    if uniq.any():
        problems.append(Problem(file, f"dubbele sleutel ({', '.join(key)})", column=key[0], rows=rows(fc[uniq])))
    table_level = ~uniq & (fc["schema_context"] == "DataFrameSchema")
    for name, grp in fc[table_level].groupby(check[table_level], sort=True):
        problems.append(Problem(file, f"regel voldoet niet: {name}", rows=rows(grp)))
    column_level = ~uniq & ~table_level & ~fc["column"].isin(skip_columns)
    for (column, name), grp in fc[column_level].groupby(["column", check[column_level]], sort=True):
        values = ", ".join(repr(v) for v in grp["failure_case"].drop_duplicates().head(3).tolist())
        problems.append(Problem(file, f"ongeldige waarde(n) {values} ({name})", column=str(column), rows=rows(grp)))
    return problems
