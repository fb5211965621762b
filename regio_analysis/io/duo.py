"""Loaders for DUO open-data files: pupils per vestiging and staff per bestuur/brin/function.

DUO (Dienst Uitvoering Onderwijs) publishes these as CSV (``;`` or ``,``, UTF-8 with or
without BOM, older files cp1252) and as Excel workbooks. Their headers drifted over the
years (``BRIN NUMMER`` / ``BRIN_NUMMER`` / ``INSTELLINGSCODE``, ...); every accepted
spelling is listed once, in :data:`COLUMN_ALIASES`. Headers are compared after
:func:`normalize_header` (upper case; spaces, underscores and hyphens collapsed), so case
and separators never matter.

The current layouts (PO ``brin6_totaal.csv`` with ``TYPE_PO``/``PEILJAAR``, the wide historical PO
overview, the VO pupils file with its year only in the file name, the staff workbooks with
``BOVENSCHOOLS`` rows and age/sex/contract breakdowns) are read here; DUO's address files and
recognising a file's layout are in :mod:`regio_analysis.io.duo_adressen`, label and file-name
rules in :mod:`regio_analysis.io.duo_labels`, errata in :mod:`regio_analysis.io.duo_correcties`.

Both loaders return a canonical table (see ``regio_analysis.data.schemas``) validated by
``conform``, with ``bron`` = the file name and the extra columns ``bron_bestand`` (the
path as given) and ``sha256`` (of the file's bytes). Every rejection is a
:class:`~regio_analysis.DataError` naming the file, the column and the first offending
lines (1-based, header = line 1; for Excel the worksheet row). Files are only read.

Numbers in text files are read the Dutch way, decided per column type:

- **counts** (pupils, persons): a point between groups of three digits is a thousands
  separator, so ``12.000`` is twelve thousand and ``1.234.567`` is 1234567; a comma is a
  decimal comma (``12,5`` is refused as a fractional count);
- **fte**: a comma or a single point is the decimal separator (``12.5`` and ``12,5`` are
  twelve and a half, ``17.012`` is 17.012 fte); with both, the point groups thousands
  (``1.234,5``).

Numeric cells of Excel workbooks are taken as they are stored. Non-finite values
(``inf``, ``nan``) and magnitudes beyond ``schemas.MAX_ABS_NUMBER`` are refused.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.duo_labels import (
    GESLACHT_MAP, contractsoort, geslacht, gemeentecode, leeftijdsklasse, soort_from_name, year_from_name,
    years_in_name,
)
from regio_analysis.io.duo_correcties import apply_corrections
from regio_analysis.io.files import check_file, read_delimited, sha256_of
from regio_analysis.data.schemas import BRIN6_PATTERN, MAX_ABS_NUMBER, conform

__all__ = [
    "COLUMN_ALIASES", "FUNCTIE_MAP", "SOORT_MAP", "SUPPRESSION_MARKERS", "PERSONEEL_SHEETS",
    "normalize_header", "read_duo_leerlingen", "read_duo_personeel", "apply_corrections", "gemeentenummers",
]

# --- vocabularies of the sources ----------------------------------------------------------

#: Accepted header spellings per field, in normalised form (see :func:`normalize_header`).
#: Seen in DUO files over the years: ``BRIN NUMMER`` (pre-2019 csv/xlsx), ``BRIN_NUMMER``
#: (functiemix, leerlingen per leeftijd), ``INSTELLINGSCODE`` (files since the RIO switch);
#: ``VESTIGINGSNUMMER`` (2 characters), ``VESTIGINGSCODE`` (2 or 6 characters) and the typo
#: ``VESTIGINS NUMMER``; ``BEVOEGD GEZAG NUMMER`` / ``BEVOEGDGEZAGCODE`` / ``BESTUURSNUMMER``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "instellingscode": ("BRIN NUMMER", "BRINNUMMER", "BRIN", "BRIN4", "INSTELLINGSCODE", "INSTELLING"),
    "vestigingscode": (
        "VESTIGINGSNUMMER", "VESTIGINGSCODE", "VESTIGINS NUMMER", "VESTIGINGS NUMMER", "VESTIGING",
        "BRINVEST", "BRIN6", "BRIN 6",
    ),
    "bestuur_id": (
        "BEVOEGD GEZAG NUMMER", "BEVOEGDGEZAGNUMMER", "BEVOEGDGEZAGCODE", "BEVOEGD GEZAG CODE",
        "BEVOEGD GEZAG", "BESTUURSNUMMER", "BESTUUR",
    ),
    "soort": ("SOORT PO", "SOORTPO", "TYPE PO", "ONDERWIJSSOORT", "SOORT ONDERWIJS", "ONDERWIJSTYPE", "OWTYPE",
              "SOORT VESTIGING", "SOORT"),
    "naam": ("INSTELLINGSNAAM VESTIGING", "VESTIGINGSNAAM", "NAAM VESTIGING", "INSTELLINGSNAAM", "NAAM"),
    "peildatum": ("PEILDATUM", "PEILDATUM LEERLINGEN", "PEILDATUM PERSONEEL", "DATUM"),
    "jaar": ("JAAR", "PEILJAAR", "SCHOOLJAAR"),
    "leerlingen": ("TOTAAL", "TOTAAL LEERLINGEN", "AANTAL LEERLINGEN", "LEERLINGEN", "AANTAL"),
    # VO pupils taught at a vavo (adult education) college: never the count of the vestiging
    "vavo": ("AANTAL VO LEERLINGEN UITBESTEED AAN VAVO", "VO LEERLINGEN UITBESTEED AAN VAVO", "UITBESTEED AAN VAVO"),
    "gemeentenaam": ("GEMEENTENAAM", "GEMEENTENAAM VESTIGING", "GEMEENTE NAAM", "GEMEENTE"),
    "gemeentenummer": ("GEMEENTENUMMER", "GEMEENTENUMMER VESTIGING", "GEMEENTECODE", "CBS GEMEENTECODE"),
    "functie": ("FUNCTIEGROEP", "FUNCTIECATEGORIE", "FUNCTIE"),
    "personen": ("PERSONEN", "AANTAL PERSONEN"),
    "fte": ("FTE", "FTE'S", "FTES", "AANTAL FTE", "AANTAL FTE'S"),
    # staff characteristics (one row per class): age class, sex, contract type
    "leeftijd": ("LEEFTIJDSKLASSE", "LEEFTIJDSCATEGORIE", "LEEFTIJDSGROEP", "LEEFTIJDKLASSE", "LEEFTIJDSKLASSEN",
                 "LEEFTIJD"),
    "geslacht": ("GESLACHT",),
    "contract": ("SOORT DIENSTVERBAND", "AARD DIENSTVERBAND", "TYPE DIENSTVERBAND", "DIENSTVERBAND",
                 "SOORT CONTRACT", "CONTRACTSOORT", "CONTRACTVORM", "CONTRACT", "VAST/TIJDELIJK"),
}

#: Cell values DUO uses for suppressed small counts; they become NA with ``onderdrukt=True``.
SUPPRESSION_MARKERS: tuple[str, ...] = ("*", "<5", "-1")

#: DUO function labels (lower case) -> canonical function group. ``None`` means the label
#: is left out on purpose (reported in ``df.attrs["weggelaten_functies"]``). LIO (teachers in
#: training) are teaching staff: their rows are added to OP of the same institution and year.
FUNCTIE_MAP: dict[str, str | None] = {
    "directie": "DIR",
    "directie en management": "DIR",
    "schoolleiding": "DIR",
    "management": "DIR",
    "dir": "DIR",
    "onderwijsgevend personeel": "OP",
    "onderwijzend personeel": "OP",
    "leraren": "OP",
    "leraar": "OP",
    "op": "OP",
    "leraren in opleiding (lio)": "OP",
    "leraren in opleiding": "OP",
    "lio": "OP",
    "onderwijsondersteunend personeel (oop/obp)": "OOP",
    "onderwijsondersteunend personeel": "OOP",
    "onderwijsondersteunend en beheerspersoneel": "OOP",
    "ondersteunend personeel": "OOP",
    "oop/obp": "OOP",
    "oop": "OOP",
    "obp": "OOP",
    "onbekend": None,
}

#: DUO school-type labels (lower case) -> ``soort`` vocabulary of the canonical tables.
SOORT_MAP: dict[str, str] = {
    "bo": "bao", "bao": "bao", "basisonderwijs": "bao", "regulier basisonderwijs": "bao",
    "sbo": "sbo", "sbao": "sbo", "speciaal basisonderwijs": "sbo",
    "so": "so", "speciaal onderwijs": "so",
    "vso": "vso", "voortgezet speciaal onderwijs": "vso",
    "(v)so": "so_vso", "so/vso": "so_vso", "so vso": "so_vso", "wec": "so_vso",
    "speciaal en voortgezet speciaal onderwijs": "so_vso", "expertisecentra": "so_vso",
    "po": "po", "primair onderwijs": "po",
    "vo": "vo", "voortgezet onderwijs": "vo",
    "mbo": "mbo", "bve": "mbo", "middelbaar beroepsonderwijs": "mbo",
}

#: Worksheets tried, in order, when ``read_duo_personeel`` gets an Excel file and no sheet.
PERSONEEL_SHEETS: tuple[str, ...] = ("per owtype-bestuur-brin-functie", "owtype-best-instelling-functie")

# Wide year columns, matched on normalised headers ("LEERLINGEN_2021" -> "LEERLINGEN 2021").
_YEAR = r"((?:19|20)\d{2})(?:\s?[-/ ]\s?\d{2,4})?"
_WIDE_LEERLINGEN = re.compile(rf"^(?:AANTAL |TOTAAL )?LEERLINGEN(?: TOTAAL)? ?{_YEAR}$|^TOTAAL ?{_YEAR}$")
_WIDE_PERSONEN = re.compile(rf"^(?:AANTAL )?PERSONEN ?{_YEAR}$")
_WIDE_FTE = re.compile(rf"^(?:AANTAL )?FTE(?:'?S)? ?{_YEAR}$")

_BRIN6 = re.compile(BRIN6_PATTERN)
_BRIN4 = re.compile(r"^[0-9A-Z]{4}$")


# --- reading ------------------------------------------------------------------------------------

@dataclass
class RawTable:
    """A source table as strings, with the file line (or worksheet row) of every data row."""

    df: pd.DataFrame
    lines: np.ndarray
    file: str          # the path as given (``bron_bestand``)
    sha256: str
    columns: dict[str, str]  # normalised header -> header as written
    label: str = ""    # how messages name the source (path, plus the worksheet for Excel)
    excel: bool = False  # numbers come from workbook cells (no thousands separators to undo)

    def __post_init__(self) -> None:
        self.label = self.label or self.file

    @property
    def name(self) -> str:
        return Path(self.file).name


def normalize_header(header: object) -> str:
    """Upper case, BOM and quotes removed, runs of spaces/underscores/hyphens -> one space."""
    text = str(header).replace("\ufeff", "").strip().strip('"').upper()
    return re.sub(r"[\s_\-]+", " ", text).strip()


def _blank_line_numbers(text: str, n_rows: int) -> np.ndarray:
    """File line numbers of the data rows of a delimited text (blank lines are skipped)."""
    lines = [i + 1 for i, ln in enumerate(text.split("\n")) if ln.strip()]
    data = lines[1:]
    if len(data) == n_rows:
        return np.asarray(data, dtype=int)
    return np.arange(2, n_rows + 2)  # quoted line breaks: fall back to one line per row


def read_raw(path: str | Path, *, sheet: str | None = None, sheets: Sequence[str] = (),
             header_fields: Mapping[str, Sequence[str]] = COLUMN_ALIASES) -> RawTable:
    """Read a CSV or Excel file into strings, keeping line numbers; nothing is converted."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet=sheet, sheets=sheets, header_fields=header_fields)
    df, tf = read_delimited(path)
    df = df.fillna("").astype(object)
    lines = _blank_line_numbers(tf.text, len(df))
    df.columns = [str(c) for c in df.columns]
    return RawTable(df.reset_index(drop=True), lines, str(path), tf.sha256,
                    _header_map(df.columns, str(path)))


def _header_map(headers, label: str, line: int = 1) -> dict[str, str]:
    """Normalised header -> header as written; DataError when two headers normalise alike
    (``BRIN NUMMER`` and ``BRIN_NUMMER``): which one to use would be a guess."""
    out: dict[str, str] = {}
    for h in headers:
        key = normalize_header(h)
        if not key:
            continue
        if key in out:
            raise DataError(Problem(label, f"kolommen {out[key]!r} en {h!r} zijn dezelfde kolom (hoofdletters, spaties "
                                           "en '_' tellen niet); laat er één staan", column=str(h), rows=(line,)))
        out[key] = str(h)
    return out


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_xlsx(path: str | Path, *, sheet: str | None, sheets: Sequence[str],
               header_fields: Mapping[str, Sequence[str]]) -> RawTable:
    # python-calamine (Rust) reads a workbook some 20 times faster than openpyxl's read-only mode: a
    # national staff workbook (18,000 rows, 14 years wide) in 0.5 s instead of 11 s
    from python_calamine import CalamineWorkbook

    name = str(path)
    p = check_file(path)
    try:
        wb = CalamineWorkbook.from_path(str(p))
        available = list(wb.sheet_names)
        wanted = [sheet] if sheet else list(sheets) or available[:1]
        chosen = next((s for s in wanted if s in available), None)
        if chosen is None:
            raise DataError(Problem(name, f"werkblad {' / '.join(repr(s) for s in wanted)} niet gevonden; "
                                          f"aanwezige werkbladen: {', '.join(repr(s) for s in available)}"))
        # from cell A1 (not from the first filled cell), so row numbers are the worksheet's
        rows = [[_cell_text(v) for v in row] for row in wb.get_sheet_by_name(chosen).to_python(skip_empty_area=False)]
    except DataError:
        raise
    except Exception as err:  # zip/xml errors of a damaged or mislabelled file
        raise DataError(Problem(name, f"kan het Excel-bestand niet lezen ({type(err).__name__}: {err})")) from None
    label = f"{name} [werkblad {chosen!r}]"
    known = {a for aliases in header_fields.values() for a in aliases}
    header_idx = None
    for i, row in enumerate(rows[:20]):
        if sum(normalize_header(c) in known for c in row if c) >= 2:
            header_idx = i
            break
    if header_idx is None:
        if not any(any(c for c in row) for row in rows):
            raise DataError(Problem(label, "het werkblad is leeg"))
        raise DataError(Problem(label, "geen kopregel met bekende kolomnamen gevonden in de eerste 20 rijen"))
    header = rows[header_idx]
    width = max(i for i, c in enumerate(header) if c) + 1
    header = header[:width]
    body, lines = [], []
    for i, row in enumerate(rows[header_idx + 1:], start=header_idx + 2):
        row = (row + [""] * width)[:width]
        if any(row):
            body.append(row)
            lines.append(i)
    if not body:
        raise DataError(Problem(label, "het werkblad heeft een kopregel maar geen gegevensregels"))
    columns = _header_map(header, label, header_idx + 1)
    df = pd.DataFrame(body, columns=header, dtype=object)
    return RawTable(df, np.asarray(lines, dtype=int), name, sha256_of(p), columns, label, excel=True)


# --- column resolution ---------------------------------------------------------------------------

def resolve_columns(raw: RawTable, fields: Iterable[str], aliases: Mapping[str, Sequence[str]] = COLUMN_ALIASES,
                    problems: list[Problem] | None = None) -> dict[str, str]:
    """Map each field to the header that spells it; two headers for one field is an error."""
    found: dict[str, str] = {}
    for field in fields:
        hits = [raw.columns[a] for a in aliases[field] if a in raw.columns]
        if len(hits) > 1:
            raise DataError(Problem(raw.label, f"kolommen {', '.join(repr(h) for h in hits)} betekenen allebei "
                                              f"'{field}'; laat er één staan", column=hits[1]))
        if hits:
            found[field] = hits[0]
    return found


def missing_column(raw: RawTable, field: str, aliases: Mapping[str, Sequence[str]] = COLUMN_ALIASES,
                   extra: str = "") -> Problem:
    accepted = ", ".join(repr(a) for a in aliases[field])
    present = ", ".join(repr(c) for c in raw.df.columns)
    return Problem(raw.label, f"verplichte kolom '{field}' ontbreekt; geaccepteerde kolomnamen "
                             f"(hoofdletters, spaties en '_' maken niet uit): {accepted}{extra}; "
                             f"gevonden kolommen: {present}", column=field)


def _rows(lines: np.ndarray, mask) -> tuple[int, ...]:
    return tuple(int(x) for x in np.sort(lines[np.asarray(mask, dtype=bool)]))


def _examples(values: pd.Series, n: int = 3) -> str:
    return ", ".join(repr(v) for v in pd.unique(values.astype(str))[:n])


# --- values ----------------------------------------------------------------------------------------

_THOUSANDS = r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$"


def parse_numbers(raw: pd.Series, lines: np.ndarray, file: str, column: str, problems: list[Problem], *,
                  integer: bool, allow_empty: bool, thousands: bool | None = None,
                  markers: Sequence[str] = SUPPRESSION_MARKERS) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse numbers written the DUO way (decimal comma or point; suppression markers).

    ``thousands`` (default: ``integer``): a point between groups of three digits is a
    thousands separator (``12.000`` = 12000), as in counts; otherwise a lone point is a
    decimal point (``12.5`` fte). With both a point and a comma the point always groups
    thousands. Returns (values as float with NA, suppressed mask, empty mask); appends one
    Problem per kind of fault (non-numeric, non-finite or too large, negative, fractional
    count, empty where not allowed).
    """
    thousands = integer if thousands is None else thousands
    # a national file repeats few distinct cells in many rows: parse each distinct cell once
    codes, uniques = pd.factorize(raw.astype(object).where(raw.notna(), ""), use_na_sentinel=False)
    u_text = pd.Series(uniques, dtype=object).astype("string").fillna("").str.strip()
    u_empty = u_text == ""
    u_supp = u_text.isin(list(markers))
    t = u_text.where(~(u_empty | u_supp))
    both = t.str.contains(".", regex=False, na=False) & t.str.contains(",", regex=False, na=False)
    grouped = both | (t.str.match(_THOUSANDS, na=False) if thousands else False)
    several = t.str.count(r"\.").fillna(0) > 1  # 1.234.567 is grouped in any column
    grouped = grouped | (several & t.str.match(_THOUSANDS, na=False))
    t = t.mask(grouped, t.str.replace(".", "", regex=False))
    t = t.str.replace(",", ".", regex=False)
    u_num = pd.to_numeric(t, errors="coerce").astype(float)
    u_bad = u_num.isna() & t.notna()

    def rows(values: pd.Series) -> pd.Series:
        return pd.Series(values.to_numpy()[codes], index=raw.index)

    text, empty, suppressed, num, bad = rows(u_text), rows(u_empty), rows(u_supp), rows(u_num), rows(u_bad)
    huge = num.notna() & ~(num.abs() <= MAX_ABS_NUMBER)
    if huge.any():
        problems.append(Problem(file, f"geen eindig getal of onwaarschijnlijk groot: {_examples(text[huge])}",
                                column=column, rows=_rows(lines, huge)))
        num = num.where(~huge)
    if bad.any():
        problems.append(Problem(file, f"geen getal: {_examples(text[bad])} (onderdrukte cellen mogen "
                                      f"{', '.join(repr(m) for m in markers)} zijn)", column=column,
                                rows=_rows(lines, bad)))
    neg = num < 0
    if neg.any():
        problems.append(Problem(file, f"negatieve waarde: {_examples(text[neg])}", column=column, rows=_rows(lines, neg)))
    if integer:
        frac = num.notna() & (num % 1 != 0)
        if frac.any():
            problems.append(Problem(file, f"geen geheel aantal: {_examples(text[frac])}", column=column,
                                    rows=_rows(lines, frac)))
    if empty.any() and not allow_empty:
        problems.append(Problem(file, "lege waarde waar een aantal verplicht is", column=column, rows=_rows(lines, empty)))
    return num.where(~(suppressed | empty)), suppressed.astype(bool), empty.astype(bool)


def build_brin6(raw: RawTable, code_col: str, brin_col: str | None, problems: list[Problem]) -> pd.Series:
    """BRIN6 per row: a 6-character vestigingscode as is, or BRIN4 + 2-digit vestigingsnummer."""
    codes = raw.df[code_col].astype("string").fillna("").str.strip().str.upper()
    brin = (raw.df[brin_col].astype("string").fillna("").str.strip().str.upper()
            if brin_col else pd.Series("", index=codes.index, dtype="string"))
    short = codes.str.fullmatch(r"\d{1,2}")
    if short.any() and brin_col is None:
        problems.append(Problem(raw.label, "vestigingsnummer van 2 tekens zonder kolom met de BRIN (instellingscode); "
                                          f"geaccepteerd: {', '.join(COLUMN_ALIASES['instellingscode'])}",
                                column=code_col, rows=_rows(raw.lines, short)))
    bad_brin = short & (brin != "") & ~brin.str.fullmatch(_BRIN4.pattern)
    if bad_brin.any():
        problems.append(Problem(raw.label, f"ongeldige BRIN (4 tekens verwacht): {_examples(brin[bad_brin])}",
                                column=brin_col, rows=_rows(raw.lines, bad_brin)))
    out = codes.where(~short, brin + codes.str.zfill(2))
    long_ = codes.str.len() == 6
    mismatch = long_ & (brin != "") & (codes.str[:4] != brin)
    if mismatch.any():
        problems.append(Problem(raw.label, f"vestigingscode past niet bij de BRIN in dezelfde regel: "
                                          f"{_examples(codes[mismatch] + ' / ' + brin[mismatch])}",
                                column=code_col, rows=_rows(raw.lines, mismatch)))
    empty = codes == ""
    if empty.any():
        problems.append(Problem(raw.label, "lege vestigingscode", column=code_col, rows=_rows(raw.lines, empty)))
    malformed = ~empty & ~bad_brin & ~out.str.fullmatch(_BRIN6.pattern)
    if malformed.any():
        problems.append(Problem(raw.label, f"ongeldige vestigingscode (BRIN6 zoals '09KX00', of 2 cijfers naast de BRIN): "
                                          f"{_examples(codes[malformed])}", column=code_col,
                                rows=_rows(raw.lines, malformed)))
    return out.astype(object)


def map_labels(values: pd.Series, table: Mapping[str, str | None], raw: RawTable, column: str,
               what: str, problems: list[Problem]) -> pd.Series:
    """Map source labels (case-insensitive) through ``table``; unknown labels are a Problem."""
    key = values.astype("string").fillna("").str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    known = key.isin(list(table))
    if (~known).any():
        problems.append(Problem(raw.label, f"onbekende {what}: {_examples(values[~known])}; bekend: "
                                          f"{', '.join(sorted(table))}", column=column, rows=_rows(raw.lines, ~known)))
    return key.map(lambda k: table.get(k)).astype(object)


def year_from_text(value: str) -> int | None:
    """Year of a peildatum or school year: '2023-10-01', '01-10-2023', '20231001', '2023', '2023-2024'."""
    s = str(value).strip()
    for pattern in (r"((?:19|20)\d{2})(?:[-/.]\d{1,2}[-/.]\d{1,2}|\d{4})?(?:[ T].*)?",
                    r"\d{1,2}[-/.]\d{1,2}[-/.]((?:19|20)\d{2})(?: .*)?",
                    r"((?:19|20)\d{2})\s*[-/]\s*(?:\d{2}|\d{4})"):
        m = re.fullmatch(pattern, s)
        if m:
            return int(m.group(1))
    return None


def parse_years(raw: RawTable, column: str, problems: list[Problem]) -> pd.Series:
    years = raw.df[column].map(year_from_text)
    bad = years.isna()
    if bad.any():
        problems.append(Problem(raw.label, f"geen jaar of peildatum: {_examples(raw.df.loc[bad, column])}",
                                column=column, rows=_rows(raw.lines, bad)))
    return years


def wide_year_columns(raw: RawTable, pattern: re.Pattern) -> list[tuple[str, int]]:
    out = []
    for norm, col in raw.columns.items():
        m = pattern.match(norm)
        if m:
            out.append((col, int(next(g for g in m.groups() if g))))
    return out


def duplicate_problem(df: pd.DataFrame, key: Sequence[str], lines: np.ndarray, file: str,
                      column: str, label: str) -> Problem | None:
    dup = df.duplicated(list(key), keep=False).to_numpy()
    if not dup.any():
        return None
    first = df.loc[dup, list(key)].iloc[0]
    example = ", ".join(f"{k}={first[k]}" for k in key)
    return Problem(file, f"dubbele sleutel ({label}): {example} komt meer dan eens voor", column=column,
                   rows=_rows(lines, dup))


def conform_lines(df: pd.DataFrame, table: str, file: str, lines: Sequence[int]) -> pd.DataFrame:
    """``conform``, with its row numbers translated back to the source file's lines."""
    lines = list(lines)
    try:
        return conform(df.reset_index(drop=True), table, file=file, header_lines=1)
    except DataError as err:
        fixed = []
        for p in err.problems:
            rows = tuple(sorted({int(lines[r - 2]) for r in p.rows if 0 <= r - 2 < len(lines)}))
            fixed.append(dataclasses.replace(p, rows=rows))
        raise DataError(fixed) from None


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise DataError(problems)


def _text(raw: RawTable, col: str | None) -> pd.Series:
    if col is None:
        return pd.Series("", index=raw.df.index, dtype=object)
    return raw.df[col].astype("string").fillna("").str.strip().astype(object)


# --- leerlingen ---------------------------------------------------------------------------------

def read_duo_leerlingen(path: str | Path, *, soort: str | None = None, peiljaar: int | None = None) -> pd.DataFrame:
    """Read a DUO pupils file (one row per vestiging) into the canonical ``leerlingen`` table.

    Layouts: long (a ``PEILDATUM``/``PEILJAAR``/``JAAR`` column plus a count such as ``TOTAAL`` or
    ``AANTAL_LEERLINGEN``: ``brin6_totaal.csv``), wide (``LEERLINGEN_2021``, ``LEERLINGEN 2022``, ...:
    the year from the column name, an empty cell = no figure that year: the historical overview),
    and without any year (the VO file ``03.-leerlingen-vo-...-(vavo-apart)-2023.csv``): then the year
    is ``peiljaar`` or else the one year in the file name (DataError when neither gives one).
    ``soort`` comes from the type column (``TYPE_PO``, ``SOORT PO``, ``SOORT_VESTIGING``, ...), else
    from ``soort=``, else from the file name (``leerlingen-vo`` -> ``vo``).
    Rows get ``niveau="vestiging"``; extra columns: ``instellingscode``, ``bestuur_id``, ``naam``,
    ``gemeentenaam`` and ``gemeentenummer`` (4 digits) when the file has them, ``vavo`` and
    ``vavo_onderdrukt`` for the VO pupils taught at a vavo college, ``bron_bestand``, ``sha256``.
    """
    raw = read_raw(path)
    problems: list[Problem] = []
    cols = resolve_columns(raw, ["instellingscode", "vestigingscode", "bestuur_id", "soort", "naam", "peildatum",
                                 "jaar", "leerlingen", "vavo", "gemeentenaam", "gemeentenummer"])
    wide = wide_year_columns(raw, _WIDE_LEERLINGEN)
    if wide and "leerlingen" in cols:
        problems.append(Problem(raw.label, f"zowel een kolom '{cols['leerlingen']}' als jaarkolommen "
                                          f"({', '.join(c for c, _ in wide)}); kies één vorm", column=cols["leerlingen"]))
    if "vestigingscode" not in cols:
        problems.append(missing_column(raw, "vestigingscode"))
    named = soort_from_name(raw.file)
    if "soort" not in cols and soort is None and not named:
        problems.append(missing_column(raw, "soort", extra=" (of geef soort=... mee, of een bestandsnaam met "
                                                           "'leerlingen-vo')"))
    year_col = cols.get("peildatum") or cols.get("jaar")
    fixed_year = None
    if not wide and "leerlingen" not in cols:
        problems.append(missing_column(raw, "leerlingen", extra=", of jaarkolommen zoals 'LEERLINGEN_2023'"))
    if peiljaar is not None and (wide or year_col):
        problems.append(Problem(raw.label, f"peiljaar={peiljaar!r} gegeven, maar het bestand heeft zelf jaren "
                                          f"({year_col or wide[0][0]}); laat peiljaar weg", column=year_col or wide[0][0]))
    elif not wide and not year_col:
        fixed_year = _year_of_file(raw, peiljaar, problems)
    _raise(problems)

    codes = build_brin6(raw, cols["vestigingscode"], cols.get("instellingscode"), problems)
    if "soort" in cols:
        soorten = map_labels(raw.df[cols["soort"]], SOORT_MAP, raw, cols["soort"], "onderwijssoort", problems)
    else:
        given = str(soort).strip().lower() if soort is not None else named
        soorten = pd.Series(SOORT_MAP.get(given, given), index=raw.df.index, dtype=object)
    brin4 = _text(raw, cols.get("instellingscode")).str.upper()
    base = pd.DataFrame({
        "soort": soorten, "vestigingscode": codes,
        "instellingscode": brin4.where(brin4 != "", codes.str[:4]),
        "bestuur_id": _text(raw, cols.get("bestuur_id")), "naam": _text(raw, cols.get("naam")),
    })
    if "gemeentenaam" in cols:
        base["gemeentenaam"] = _text(raw, cols["gemeentenaam"])
    if "gemeentenummer" in cols:
        base["gemeentenummer"] = gemeentenummers(raw, cols["gemeentenummer"], problems)
    if "vavo" in cols:
        values, supp, _ = parse_numbers(raw.df[cols["vavo"]], raw.lines, raw.label, cols["vavo"], problems,
                                        integer=True, allow_empty=True, thousands=not raw.excel)
        base["vavo"], base["vavo_onderdrukt"] = values.to_numpy(), supp.to_numpy()

    parts = []
    if wide:
        for col, year in wide:
            values, supp, empty = parse_numbers(raw.df[col], raw.lines, raw.label, col, problems,
                                                integer=True, allow_empty=True, thousands=not raw.excel)
            part = base.assign(peiljaar=year, aantal=values, onderdrukt=supp, _regel=raw.lines)
            parts.append(part[~empty.to_numpy()])
    else:
        years = parse_years(raw, year_col, problems) if year_col else fixed_year
        values, supp, _ = parse_numbers(raw.df[cols["leerlingen"]], raw.lines, raw.label, cols["leerlingen"],
                                        problems, integer=True, allow_empty=False, thousands=not raw.excel)
        parts.append(base.assign(peiljaar=years, aantal=values, onderdrukt=supp, _regel=raw.lines))
    _raise(problems)

    long = pd.concat(parts, ignore_index=True)
    dup = duplicate_problem(long, ["peiljaar", "soort", "vestigingscode"], long["_regel"].to_numpy(), raw.label,
                            cols["vestigingscode"], "peiljaar, soort, vestigingscode")
    _raise([dup] if dup else [])
    long = long.assign(prognose=False, niveau="vestiging", bron=raw.name, bron_bestand=raw.file, sha256=raw.sha256)
    lines = long.pop("_regel").tolist()
    return conform_lines(long, "leerlingen", raw.label, lines)


def _year_of_file(raw: RawTable, peiljaar: object, problems: list[Problem]) -> int | None:
    """The year of a file without year columns: ``peiljaar`` or else the one year in its name."""
    if peiljaar is not None:
        text = str(peiljaar).strip()
        if re.fullmatch(r"(?:19|20)\d{2}", text):
            return int(text)
        problems.append(Problem(raw.label, f"peiljaar={peiljaar!r} is geen jaartal"))
        return None
    year = year_from_name(raw.file)
    if year is None:
        years = years_in_name(raw.file)
        said = (f"de bestandsnaam noemt meer jaren ({', '.join(map(str, years))})" if years
                else "de bestandsnaam noemt geen jaar")
        accepted = ", ".join(COLUMN_ALIASES["peildatum"] + COLUMN_ALIASES["jaar"])
        problems.append(Problem(raw.label, f"geen jaarkolom ({accepted}) en {said}; geef peiljaar=... mee",
                                column="peiljaar"))
    return year


def gemeentenummers(raw: RawTable, column: str, problems: list[Problem]) -> pd.Series:
    """CBS municipality codes of a column as 4-digit strings (``363`` -> ``"0363"``); a Problem
    for values that are no code."""
    codes = raw.df[column].map(gemeentecode)
    bad = codes.isna()
    if bad.any():
        problems.append(Problem(raw.label, f"ongeldig gemeentenummer (CBS-code van hoogstens 4 cijfers): "
                                          f"{_examples(raw.df.loc[bad, column])}", column=column,
                                rows=_rows(raw.lines, bad)))
    return codes.fillna("").astype(object)


# --- personeel -----------------------------------------------------------------------------------

def read_duo_personeel(path: str | Path, sheet: str | None = None, *,
                       correcties: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Read a DUO staff file (per onderwijstype, bestuur, BRIN and function) into ``personeel``.

    CSV or Excel; for Excel, ``sheet`` names the worksheet (default: the first of
    :data:`PERSONEEL_SHEETS` present). Wide files have ``PERSONEN 2023`` / ``FTE'S 2023`` / ``FTE 2023``
    columns (other yearly columns such as ``GEMIDDELDE LEEFTIJD 2023`` are ignored); long files have
    ``PEILDATUM`` or ``JAAR`` with ``PERSONEN`` and/or ``FTE``. Function labels map through
    :data:`FUNCTIE_MAP`; labels mapped to the same group (OP and LIO) are added up, and a sum with a
    suppressed part is suppressed. ``BOVENSCHOOLS`` in the BRIN column (staff employed by the board
    above its schools) gives ``instellingscode=""`` and ``bovenschools=True``.

    A column of age classes, sex or contract type (see ``COLUMN_ALIASES``: ``LEEFTIJDSKLASSE``,
    ``GESLACHT``, ``SOORT DIENSTVERBAND``, ...) gives ``kenmerk`` ``leeftijd``/``geslacht``/``contract``
    and ``categorie`` the normalised label (``<25``, ``25-34``, ..., ``65+``; ``man``/``vrouw``/``onbekend``;
    ``vast``/``tijdelijk``); with several such columns ``kenmerk`` and ``categorie`` join them with ``/``
    (``leeftijd/geslacht``, ``25-34/vrouw``); without, both are ``totaal``.
    ``correcties`` (a CSV path or a frame): published corrections applied after loading and listed
    in ``df.attrs["correcties"]`` (see :mod:`regio_analysis.io.duo_correcties`).
    Rows get ``niveau="instelling"`` (``"bestuur"`` when the file has no BRIN column) and the extra
    columns ``onderwijstype``, ``bestuur_id``, ``instellingscode``, ``bovenschools``, ``naam``,
    ``bron_bestand``, ``sha256``; ``attrs["weggelaten_functies"]`` counts the rows left out.
    """
    raw = read_raw(path, sheet=sheet, sheets=PERSONEEL_SHEETS)
    problems: list[Problem] = []
    cols = resolve_columns(raw, ["instellingscode", "bestuur_id", "soort", "naam", "functie",
                                 "peildatum", "jaar", "personen", "fte", *_KENMERKEN])
    wide = [(c, y, "personen") for c, y in wide_year_columns(raw, _WIDE_PERSONEN)] + \
           [(c, y, "fte") for c, y in wide_year_columns(raw, _WIDE_FTE)]
    if "functie" not in cols:
        problems.append(missing_column(raw, "functie"))
    if "instellingscode" not in cols and "bestuur_id" not in cols:
        problems.append(missing_column(raw, "instellingscode", extra=f", of een bestuurskolom: "
                                                                     f"{', '.join(COLUMN_ALIASES['bestuur_id'])}"))
    long_cols = [(cols[u], u) for u in ("personen", "fte") if u in cols]
    if wide and long_cols:
        problems.append(Problem(raw.label, f"zowel kolom(men) {', '.join(c for c, _ in long_cols)} als jaarkolommen "
                                          f"({', '.join(c for c, _, _ in wide)}); kies één vorm", column=long_cols[0][0]))
    if not wide:
        if not long_cols:
            problems.append(Problem(raw.label, "geen kolom met aantallen gevonden; geaccepteerd: jaarkolommen zoals "
                                              "'PERSONEN 2023', 'FTE'S 2023', 'FTE 2023', of "
                                              f"{', '.join(COLUMN_ALIASES['personen'] + COLUMN_ALIASES['fte'])} "
                                              f"naast PEILDATUM/JAAR; gevonden kolommen: "
                                              f"{', '.join(repr(c) for c in raw.df.columns)}", column="personen"))
        if "peildatum" not in cols and "jaar" not in cols:
            problems.append(missing_column(raw, "peildatum", extra=f", of {', '.join(COLUMN_ALIASES['jaar'])}"))
    _raise(problems)

    groups = map_labels(raw.df[cols["functie"]], FUNCTIE_MAP, raw, cols["functie"], "functiegroep", problems)
    if "soort" in cols:
        owtype = map_labels(raw.df[cols["soort"]], SOORT_MAP, raw, cols["soort"], "onderwijstype", problems)
    else:
        owtype = pd.Series("", index=raw.df.index, dtype=object)
    brin = _text(raw, cols.get("instellingscode")).str.upper()
    above = brin == "BOVENSCHOOLS"
    brin = brin.where(~above, "")
    bad_brin = (brin != "") & ~brin.str.fullmatch(_BRIN4.pattern)
    if bad_brin.any():
        problems.append(Problem(raw.label, f"ongeldige BRIN (4 tekens verwacht, of BOVENSCHOOLS): "
                                          f"{_examples(brin[bad_brin])}",
                                column=cols["instellingscode"], rows=_rows(raw.lines, bad_brin)))
    kenmerk, categorie = _kenmerk(raw, cols, problems)
    base = pd.DataFrame({
        "functiegroep": groups, "functie_bron": _text(raw, cols["functie"]), "onderwijstype": owtype,
        "bestuur_id": _text(raw, cols.get("bestuur_id")), "instellingscode": brin,
        "bovenschools": above.astype(bool), "kenmerk": kenmerk, "categorie": categorie,
        "naam": _text(raw, cols.get("naam")),
    })

    parts = []
    if wide:
        for col, year, unit in wide:
            values, supp, empty = parse_numbers(raw.df[col], raw.lines, raw.label, col, problems,
                                                integer=unit == "personen", allow_empty=True,
                                                thousands=unit == "personen" and not raw.excel)
            part = base.assign(peiljaar=year, eenheid=unit, waarde=values, onderdrukt=supp, _regel=raw.lines,
                               _kolom=col)
            parts.append(part[~empty.to_numpy()])
    else:
        year_col = cols.get("peildatum") or cols["jaar"]
        years = parse_years(raw, year_col, problems)
        for col, unit in long_cols:
            values, supp, _ = parse_numbers(raw.df[col], raw.lines, raw.label, col, problems,
                                            integer=unit == "personen", allow_empty=False,
                                            thousands=unit == "personen" and not raw.excel)
            parts.append(base.assign(peiljaar=years, eenheid=unit, waarde=values, onderdrukt=supp,
                                     _regel=raw.lines, _kolom=col))
    _raise(problems)

    long = pd.concat(parts, ignore_index=True)
    dropped = long.loc[long["functiegroep"].isna(), "functie_bron"]
    long = long[long["functiegroep"].notna()].reset_index(drop=True)
    key = ["peiljaar", "eenheid", "bestuur_id", "instellingscode", "bovenschools", "onderwijstype", "kenmerk",
           "categorie"]
    dup = duplicate_problem(long, key + ["functie_bron"], long["_regel"].to_numpy(), raw.label, cols["functie"],
                            "jaar, eenheid, bestuur, BRIN, onderwijstype, kenmerk, functiegroep")
    _raise([dup] if dup else [])
    long = _sum_groups(long, key + ["functiegroep"])
    niveau = "instelling" if "instellingscode" in cols else "bestuur"
    long = long.assign(niveau=niveau, bron=raw.name, bron_bestand=raw.file, sha256=raw.sha256)
    lines = long.pop("_regel").tolist()
    extra = ["onderwijstype", "bestuur_id", "instellingscode", "bovenschools", "naam", "bron_bestand", "sha256"]
    long = long[[c for c in long.columns if c not in extra] + extra]
    out = conform_lines(long, "personeel", raw.label, lines)
    out = apply_corrections(out, correcties) if correcties is not None else out
    out.attrs.setdefault("correcties", [])
    out.attrs["weggelaten_functies"] = {str(k): int(v) for k, v in dropped.value_counts().sort_index().items()}
    return out


#: Characteristic columns of staff files -> (``kenmerk``, label normaliser; None = unknown label).
_KENMERKEN = {"leeftijd": leeftijdsklasse, "geslacht": geslacht, "contract": contractsoort}


def _kenmerk(raw: RawTable, cols: Mapping[str, str], problems: list[Problem]) -> tuple[pd.Series, pd.Series]:
    """``kenmerk`` and normalised ``categorie`` per row from the characteristic columns present."""
    present = [k for k in _KENMERKEN if k in cols]
    if not present:
        same = pd.Series("totaal", index=raw.df.index, dtype=object)
        return same, same.copy()
    labels = []
    for k in present:
        col = cols[k]
        text = _text(raw, col)
        norm = text.map(_KENMERKEN[k])
        bad = (text == "") | norm.isna()
        if bad.any():
            what = "lege waarde" if (text[bad] == "").all() else f"onbekende waarde: {_examples(text[bad])}"
            known = f"; bekend: {', '.join(sorted(set(GESLACHT_MAP.values())))}" if k == "geslacht" else ""
            problems.append(Problem(raw.label, f"{what}{known}", column=col, rows=_rows(raw.lines, bad)))
        labels.append(norm.fillna("").astype(str))
    categorie = labels[0]
    for more in labels[1:]:
        categorie = categorie + "/" + more
    return pd.Series("/".join(present), index=raw.df.index, dtype=object), categorie.astype(object)


def _sum_groups(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Add up rows that share a key (several DUO labels for one group); suppressed parts win."""
    if not df.duplicated(key).any():
        return df.drop(columns=["functie_bron", "_kolom"])
    agg = df.groupby(key, sort=False, dropna=False).agg(
        waarde=("waarde", lambda s: s.sum(min_count=1)),
        onderdrukt=("onderdrukt", "any"),
        naam=("naam", "first"),
        _regel=("_regel", "min"),
    ).reset_index()
    agg.loc[agg["onderdrukt"], "waarde"] = np.nan
    return agg
