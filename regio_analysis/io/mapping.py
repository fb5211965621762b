"""The user-supplied mapping of vestigingen (BRIN6) to onderwijsregio's.

A region team keeps a small CSV (or Excel sheet) listing which school locations belong to
their region. :func:`read_vestiging_regio` reads it into the canonical ``vestiging_regio``
table and refuses anything ambiguous: a vestiging under two regions, an unknown region id,
a malformed BRIN6. Accepted header spellings are in :data:`MAPPING_ALIASES`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.duo import (
    COLUMN_ALIASES, build_brin6, conform_lines, missing_column, read_raw, resolve_columns,
)
from regio_analysis.data.schemas import SLUG_PATTERN

__all__ = ["MAPPING_ALIASES", "read_vestiging_regio"]

#: Accepted header spellings (normalised: upper case, '_'/'-'/spaces as one space).
#: ``vestigingscode`` holds a BRIN6, or a 2-digit vestigingsnummer next to a BRIN column.
MAPPING_ALIASES: dict[str, tuple[str, ...]] = {
    "vestigingscode": ("VESTIGINGSCODE", "BRIN6", "BRIN 6", "VESTIGING", "BRINVEST", "VESTIGINGSNUMMER",
                       "VESTIGINS NUMMER"),
    "instellingscode": COLUMN_ALIASES["instellingscode"],
    "regio_id": ("REGIO ID", "REGIOID", "REGIO", "ONDERWIJSREGIO", "ONDERWIJSREGIO ID"),
    "sector": ("SECTOR", "SECTOREN"),
    "naam": COLUMN_ALIASES["naam"],
}

_SLUG = re.compile(SLUG_PATTERN)


def _known_set(known_regions) -> set[str] | None:
    if known_regions is None:
        return None
    if isinstance(known_regions, pd.DataFrame):
        return set(known_regions["regio_id"].astype(str))
    if isinstance(known_regions, Mapping):
        return set(map(str, known_regions))
    if isinstance(known_regions, str):
        return {known_regions}
    return set(map(str, known_regions))


def read_vestiging_regio(path: str | Path, known_regions: Iterable[str] | pd.DataFrame | None = None,
                         *, sheet: str | None = None) -> pd.DataFrame:
    """Read the vestiging -> region mapping into the canonical ``vestiging_regio`` table.

    ``known_regions``: region ids that exist (a list, a dict keyed by id, or a frame with a
    ``regio_id`` column); when given, any other id is refused. Region ids are taken as
    written (lower-case slugs such as ``rond-bommel-en-dommel``), never silently rewritten.
    Extra columns: ``naam`` (when present), ``bron_bestand``, ``sha256``.
    """
    raw = read_raw(path, sheet=sheet, header_fields=MAPPING_ALIASES)
    problems: list[Problem] = []
    cols = resolve_columns(raw, list(MAPPING_ALIASES), aliases=MAPPING_ALIASES)
    for field in ("vestigingscode", "regio_id"):
        if field not in cols:
            problems.append(missing_column(raw, field, aliases=MAPPING_ALIASES))
    if problems:
        raise DataError(problems)

    codes = build_brin6(raw, cols["vestigingscode"], cols.get("instellingscode"), problems)
    regio_col = cols["regio_id"]
    regio = raw.df[regio_col].astype("string").fillna("").str.strip().astype(object)
    empty = regio == ""
    if empty.any():
        problems.append(Problem(raw.label, "lege regio-id", column=regio_col, rows=_lines(raw, empty)))
    bad_slug = ~empty & ~regio.str.fullmatch(_SLUG.pattern).astype(bool)
    if bad_slug.any():
        problems.append(Problem(raw.label, f"ongeldige regio-id {_ex(regio[bad_slug])}: alleen kleine letters, "
                                           "cijfers en '-' (bijvoorbeeld 'rond-bommel-en-dommel')",
                                column=regio_col, rows=_lines(raw, bad_slug)))
    known = _known_set(known_regions)
    if known is not None:
        unknown = ~empty & ~bad_slug & ~regio.isin(sorted(known))
        if unknown.any():
            problems.append(Problem(raw.label, f"onbekende regio-id {_ex(regio[unknown])}; bekende regio's: "
                                               f"{', '.join(sorted(known)) or '(geen)'}",
                                    column=regio_col, rows=_lines(raw, unknown)))
    problems.extend(_duplicates(raw, codes, regio, cols["vestigingscode"]))
    if problems:
        raise DataError(problems)

    out = pd.DataFrame({
        "vestigingscode": codes,
        "regio_id": regio,
        "sector": raw.df[cols["sector"]].astype("string").fillna("").str.strip().astype(object)
        if "sector" in cols else "",
        "bron": raw.name,
    })
    if "naam" in cols:
        out["naam"] = raw.df[cols["naam"]].astype("string").fillna("").str.strip().astype(object)
    out["bron_bestand"] = raw.file
    out["sha256"] = raw.sha256
    return conform_lines(out, "vestiging_regio", raw.label, raw.lines.tolist())


def _lines(raw, mask) -> tuple[int, ...]:
    return tuple(int(x) for x in np.sort(raw.lines[np.asarray(mask, dtype=bool)]))


def _ex(values: pd.Series) -> str:
    return ", ".join(repr(v) for v in pd.unique(values.astype(str))[:3])


def _duplicates(raw, codes: pd.Series, regio: pd.Series, column: str) -> list[Problem]:
    """One problem per vestiging listed more than once, naming every line and region."""
    problems = []
    frame = pd.DataFrame({"code": codes, "regio": regio, "regel": raw.lines})
    frame = frame[frame["code"].astype(str).str.len() > 0]
    for code, grp in frame[frame.duplicated("code", keep=False)].groupby("code", sort=True):
        where = "; ".join(f"regel {r}: '{g}'" for r, g in zip(grp["regel"], grp["regio"]))
        if grp["regio"].nunique() > 1:
            text = f"vestiging {code} staat onder meer dan één regio ({where}); een vestiging hoort bij één regio"
        else:
            text = f"vestiging {code} staat meer dan eens in het bestand ({where})"
        problems.append(Problem(raw.label, text, column=column, rows=tuple(int(r) for r in sorted(grp["regel"]))))
    return problems
