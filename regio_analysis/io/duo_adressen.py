"""DUO school locations (addresses) and recognising which DUO file layout a file has.

:func:`read_duo_vestigingen` reads DUO's address files of school locations (PO
``vestigingenbo.csv``, VO ``02.-alle-vestigingen-vo.csv``: ``;`` cp1252 or ``,`` UTF-8), one row
per location, with its board, municipality (CBS code as 4 digits) and, when the release has
them, its COROP, RPA and onderwijsgebied codes. :func:`duo_layout` tells from a file's header
(and name) which loader reads it; :func:`read_duo` calls that loader.
"""
from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.duo import (
    _WIDE_FTE, _WIDE_LEERLINGEN, _WIDE_PERSONEN, COLUMN_ALIASES, PERSONEEL_SHEETS, build_brin6, duplicate_problem,
    gemeentenummers, missing_column, normalize_header, read_duo_leerlingen, read_duo_personeel, read_raw,
    resolve_columns,
)
from regio_analysis.io.duo_labels import sector_from_name, soort_from_name
from regio_analysis.io.files import check_file, sniff_delimiter

__all__ = ["ADRES_ALIASES", "DUO_LAYOUTS", "duo_layout", "read_duo", "read_duo_vestigingen"]

#: Accepted header spellings of the address files (normalised, see ``normalize_header``).
#: ``corop``/``rpa``/``onderwijsgebied`` hold codes (or the one column a release has),
#: the ``*_naam`` fields the names when a release has both.
ADRES_ALIASES: dict[str, tuple[str, ...]] = {
    "vestigingscode": COLUMN_ALIASES["vestigingscode"],
    "instellingscode": COLUMN_ALIASES["instellingscode"],
    "bestuur_id": COLUMN_ALIASES["bestuur_id"],
    "postcode": ("POSTCODE", "POSTCODE VESTIGING"),
    "plaatsnaam": ("PLAATSNAAM", "PLAATSNAAM VESTIGING", "PLAATS"),
    "gemeentenummer": COLUMN_ALIASES["gemeentenummer"],
    "gemeentenaam": COLUMN_ALIASES["gemeentenaam"],
    "provincie": ("PROVINCIE", "PROVINCIENAAM", "PROVINCIE NAAM"),
    "denominatie": ("DENOMINATIE", "DENOMINATIE VESTIGING"),
    "corop": ("COROPGEBIED CODE", "COROP GEBIED CODE", "COROPCODE", "COROP CODE", "COROPGEBIED", "COROP GEBIED",
              "COROP"),
    "corop_naam": ("COROPGEBIED NAAM", "COROP GEBIED NAAM", "COROPNAAM", "COROP NAAM"),
    "rpa": ("RPA GEBIED CODE", "RPAGEBIED CODE", "RPA CODE", "RPA GEBIED", "RPAGEBIED", "RPA"),
    "rpa_naam": ("RPA GEBIED NAAM", "RPAGEBIED NAAM", "RPA NAAM"),
    "onderwijsgebied": ("ONDERWIJSGEBIED CODE", "ONDERWIJSGEBIEDCODE", "ONDERWIJSGEBIED"),
    "onderwijsgebied_naam": ("ONDERWIJSGEBIED NAAM", "ONDERWIJSGEBIEDNAAM"),
}
#: Name of the location, in order of preference (a release may carry several of these).
NAAM_ALIASES: tuple[str, ...] = ("VESTIGINGSNAAM", "NAAM VESTIGING", "INSTELLINGSNAAM VESTIGING", "INSTELLINGSNAAM",
                                 "NAAM")
_OPTIONAL = ("corop", "corop_naam", "rpa", "rpa_naam", "onderwijsgebied", "onderwijsgebied_naam")
_POSTCODE = re.compile(r"^(\d{4})\s*([A-Z]{2})$")

#: Layouts :func:`duo_layout` recognises.
DUO_LAYOUTS: tuple[str, ...] = ("leerlingen_po", "leerlingen_po_historie", "leerlingen_vo", "vestigingen",
                                "personeel")


def read_duo_vestigingen(path: str | Path, *, sector: str | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read a DUO address file of school locations: one row per location (BRIN6).

    Columns: ``vestigingscode`` (BRIN6; from ``INSTELLINGSCODE`` + a 2-digit ``VESTIGINGSCODE`` when
    the release has the short form), ``instellingscode``, ``bestuur_id``, ``naam``, ``postcode``
    (``1234 AB``), ``plaatsnaam``, ``gemeentenummer`` (CBS code, 4 digits: ``"0363"``),
    ``gemeentenaam`` (as published), ``provincie``, ``denominatie``; when present ``corop``,
    ``rpa``, ``onderwijsgebied`` (codes) and ``corop_naam``, ``rpa_naam``, ``onderwijsgebied_naam``;
    ``sector`` (``sector=``, else from the file name: ``vestigingenbo`` -> ``po``, ``-vo-`` -> ``vo``,
    ``""`` when unknown), ``bron`` (file name), ``bron_bestand``, ``sha256``. Sorted by
    ``vestigingscode``. A location listed twice, a missing ``VESTIGINGSCODE`` column, or neither a
    municipality name nor number column is a DataError.
    """
    aliases = dict(ADRES_ALIASES, naam=NAAM_ALIASES)
    raw = read_raw(path, sheet=sheet, header_fields=aliases)
    problems: list[Problem] = []
    cols = resolve_columns(raw, list(ADRES_ALIASES), ADRES_ALIASES)
    naam_col = next((raw.columns[a] for a in NAAM_ALIASES if a in raw.columns), None)
    if "vestigingscode" not in cols:
        problems.append(missing_column(raw, "vestigingscode", ADRES_ALIASES))
    if "gemeentenaam" not in cols and "gemeentenummer" not in cols:
        accepted = ", ".join(repr(a) for a in ADRES_ALIASES["gemeentenaam"] + ADRES_ALIASES["gemeentenummer"])
        problems.append(Problem(raw.label, f"verplichte kolom met de gemeente (naam of nummer) ontbreekt; geaccepteerde "
                                          f"kolomnamen (hoofdletters, spaties en '_' maken niet uit): {accepted}; "
                                          f"gevonden kolommen: {', '.join(repr(c) for c in raw.df.columns)}",
                                column="gemeentenaam"))
    if problems:
        raise DataError(problems)

    def text(field: str, upper: bool = False) -> pd.Series:
        col = naam_col if field == "naam" else cols.get(field)
        if col is None:
            return pd.Series("", index=raw.df.index, dtype=object)
        out = raw.df[col].astype("string").fillna("").str.strip()
        return (out.str.upper() if upper else out).astype(object)

    codes = build_brin6(raw, cols["vestigingscode"], cols.get("instellingscode"), problems)
    brin4 = text("instellingscode", upper=True)
    postcode = text("postcode", upper=True)
    df = pd.DataFrame({
        "vestigingscode": codes,
        "instellingscode": brin4.where(brin4 != "", codes.str[:4]),
        "bestuur_id": text("bestuur_id"),
        "naam": text("naam"),
        "postcode": postcode.str.replace(_POSTCODE, r"\1 \2", regex=True),
        "plaatsnaam": text("plaatsnaam"),
        "gemeentenummer": (gemeentenummers(raw, cols["gemeentenummer"], problems) if "gemeentenummer" in cols
                           else pd.Series("", index=raw.df.index, dtype=object)),
        "gemeentenaam": text("gemeentenaam"),
        "provincie": text("provincie"),
        "denominatie": text("denominatie"),
    })
    for field in _OPTIONAL:
        if field in cols:
            df[field] = text(field)
    df["sector"] = str(sector).strip().lower() if sector is not None else sector_from_name(raw.file)
    if problems:
        raise DataError(problems)
    dup = duplicate_problem(df, ["vestigingscode"], raw.lines, raw.label, cols["vestigingscode"], "vestigingscode")
    if dup:
        raise DataError(dup)
    df = df.assign(bron=raw.name, bron_bestand=raw.file, sha256=raw.sha256)
    return df.sort_values("vestigingscode", kind="stable").reset_index(drop=True)


# --- layouts ---------------------------------------------------------------------------------------

def _csv_header(path: Path) -> list[str]:
    """The first non-blank line of a delimited file, split into fields (the rest is not read)."""
    with open(path, "rb") as fh:
        data = b""
        while True:
            block = fh.read(1 << 16)
            data += block
            lines = [ln for ln in data.split(b"\n")[: -1 if block else None] if ln.strip(b" \t\r\xef\xbb\xbf")]
            if lines or not block or len(data) > 1 << 22:
                break
    first = lines[0] if lines else b""
    for enc in ("utf-8-sig", "cp1252"):
        try:
            line = codecs.decode(first, enc).replace("\ufeff", "").rstrip("\r")
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataError(Problem(str(path), "onleesbare bytes in de kopregel; geprobeerde coderingen: utf-8-sig, cp1252",
                                rows=(1,)))
    return next(csv.reader([line], delimiter=sniff_delimiter(line)), [])


def _xlsx_header(path: Path, sheet: str | None) -> tuple[list[str], str | None]:
    """The header row of the worksheet DUO's loaders would read, and that worksheet's name."""
    import openpyxl

    known = {a for aliases in list(COLUMN_ALIASES.values()) + list(ADRES_ALIASES.values()) for a in aliases}
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:
        raise DataError(Problem(str(path), f"kan het Excel-bestand niet lezen ({type(err).__name__}: {err})")) from None
    try:
        names = list(wb.sheetnames)
        order = [sheet] if sheet else [s for s in PERSONEEL_SHEETS if s in names] + names
        for name in dict.fromkeys(order):
            if name not in names:
                raise DataError(Problem(str(path), f"werkblad {name!r} niet gevonden; aanwezige werkbladen: "
                                                   f"{', '.join(repr(s) for s in names)}"))
            for row in wb[name].iter_rows(max_row=20, values_only=True):
                cells = ["" if v is None else str(v) for v in row]
                if sum(normalize_header(c) in known for c in cells if c) >= 2:
                    return cells, name
    finally:
        wb.close()
    return [], None


def _layout(path: str | Path, sheet: str | None = None) -> tuple[str, str | None]:
    p = check_file(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        header, sheet = _xlsx_header(p, sheet)
    else:
        header = _csv_header(p)
    norm = {normalize_header(h) for h in header if str(h).strip()}

    def has(field: str, aliases: Mapping[str, tuple[str, ...]] = COLUMN_ALIASES) -> bool:
        return any(a in norm for a in aliases[field])

    staff_years = any(_WIDE_PERSONEN.match(h) or _WIDE_FTE.match(h) for h in norm)
    if has("functie") and (staff_years or has("personen") or has("fte")):
        return "personeel", sheet
    if has("vestigingscode") or has("instellingscode"):
        if any(_WIDE_LEERLINGEN.match(h) for h in norm):
            return "leerlingen_po_historie", sheet
        if has("leerlingen"):
            named_vo = "vo" in (soort_from_name(p), sector_from_name(p))
            if has("vavo") or (named_vo and not has("soort")):
                return "leerlingen_vo", sheet
            if has("soort"):
                return "leerlingen_po", sheet
        elif has("vestigingscode") and any(has(f, ADRES_ALIASES) for f in ("gemeentenaam", "gemeentenummer")):
            return "vestigingen", sheet
    shown = ", ".join(repr(h) for h in header if str(h).strip()) or "geen"
    raise DataError(Problem(str(path), f"onbekende DUO-indeling; bekende indelingen: {', '.join(DUO_LAYOUTS)} "
                                       f"(leerlingen po lang, po historie, vo, vestigingen/adressen, personeel); "
                                       f"gevonden kolommen: {shown}", rows=(1,)))


def duo_layout(path: str | Path, *, sheet: str | None = None) -> str:
    """Which DUO layout a file has, from its header only (and its name): one of :data:`DUO_LAYOUTS`.

    ``personeel``: a function column with ``PERSONEN <jaar>``/``FTE'S <jaar>`` (or long counts);
    ``leerlingen_po_historie``: ``LEERLINGEN_<jaar>`` columns; ``leerlingen_vo``: a pupil count and a
    vavo column, or a name saying ``leerlingen-vo`` and no type column; ``leerlingen_po``: a pupil
    count with a type column (``TYPE_PO``); ``vestigingen``: a location code and a municipality,
    without counts. Anything else is a DataError listing the known layouts.
    """
    return _layout(path, sheet)[0]


def read_duo(path: str | Path, layout: str | None = None, **options) -> pd.DataFrame:
    """Read any DUO file with the loader of its layout (``layout``, one of :data:`DUO_LAYOUTS`, or
    else :func:`duo_layout`); ``options`` go to that loader (``soort``/``peiljaar``, ``sector``,
    ``sheet``/``correcties``). ``attrs["duo_layout"]`` says which layout it was. A ``soort=`` whose
    value is a layout name is taken as ``layout`` (no school type is called like a layout)."""
    if layout is None and options.get("soort") in DUO_LAYOUTS:
        layout = options.pop("soort")
    if layout is not None and layout not in DUO_LAYOUTS:
        raise DataError(Problem(str(path), f"onbekende DUO-indeling {layout!r}; bekende indelingen: "
                                           f"{', '.join(DUO_LAYOUTS)}"))
    sheet = options.get("sheet")
    if layout is None or (layout == "personeel" and sheet is None and Path(path).suffix.lower() in (".xlsx", ".xlsm")):
        found, sheet = _layout(path, sheet)
        layout = layout or found
    if layout == "personeel":
        df = read_duo_personeel(path, **{"sheet": sheet, **options})
    elif layout == "vestigingen":
        df = read_duo_vestigingen(path, **options)
    else:
        df = read_duo_leerlingen(path, **options)
    df.attrs["duo_layout"] = layout
    return df
