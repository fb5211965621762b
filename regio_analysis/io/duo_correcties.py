"""Corrections (errata) applied to a loaded DUO staff table, and reported.

DUO sometimes publishes an erratum after a file (for 2022: the split of staff into permanent
and temporary contracts). A corrections table lists the published corrected values, one per
line, with the columns

``peiljaar, eenheid, bestuur_id, instellingscode, functiegroep, kenmerk, categorie, waarde, toelichting``

The key columns (all but ``waarde`` and ``toelichting``) select rows by **exact match on the
non-empty ones**: an empty cell (or an absent column) matches any value. Text is compared
after stripping; ``eenheid``/``kenmerk`` case-insensitively, ``functiegroep`` and
``instellingscode`` in upper case (``BOVENSCHOOLS`` selects the rows of staff employed above
the schools), ``categorie`` after the same normalisation the loader applies for its
``kenmerk`` (``Vaste aanstelling`` -> ``vast``, ``< 25 jaar`` -> ``<25``). ``waarde`` is
required (decimal comma or point) and so is ``toelichting``.

Each correction replaces ``waarde`` of every row it matches, sets ``onderdrukt`` to False and
appends `` (gecorrigeerd: <toelichting>)`` to ``bron``; ``df.attrs["correcties"]`` lists every
correction with the number of rows changed and their old values. A correction that matches no
row, or a row matched by two corrections, is a :class:`~regio_analysis.DataError`.
``attrs["correcties"]`` lists the corrections of that one call (an earlier list is replaced, not extended).
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from regio_analysis.data.schemas import FUNCTIEGROEPEN, MAX_ABS_NUMBER
from regio_analysis.errors import DataError, Problem
from regio_analysis.io.duo_labels import contractsoort, geslacht, leeftijdsklasse
from regio_analysis.io.files import read_delimited

__all__ = ["CORRECTIE_KOLOMMEN", "read_corrections", "apply_corrections"]

#: Columns of a corrections table; the first seven select rows (empty = any).
CORRECTIE_KOLOMMEN = ("peiljaar", "eenheid", "bestuur_id", "instellingscode", "functiegroep", "kenmerk",
                      "categorie", "waarde", "toelichting")
_KEYS = CORRECTIE_KOLOMMEN[:7]
_ALIASES = {  # normalised header (lower case, '_' for spaces and hyphens) -> column
    "jaar": "peiljaar", "bestuur": "bestuur_id", "bevoegd_gezag": "bestuur_id", "bevoegd_gezag_nummer": "bestuur_id",
    "brin": "instellingscode", "brin_nummer": "instellingscode", "functie": "functiegroep",
}
_CATEGORIE: dict[str, Callable[[str], str | None]] = {
    "leeftijd": leeftijdsklasse, "geslacht": geslacht, "contract": contractsoort,
}


def _norm(header: object) -> str:
    key = re.sub(r"[\s\-]+", "_", str(header).replace("\ufeff", "").strip().lower())
    return _ALIASES.get(key, key)


def read_corrections(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The corrections as a frame of typed values (``peiljaar`` int or None, text, ``waarde``
    float) with ``_regel`` (1-based line of the file; for a frame: position + 2), and the
    name messages use for the source."""
    if isinstance(source, pd.DataFrame):
        label, frame = "<correcties>", source.copy()
        frame = frame.astype(object).where(frame.notna(), "").astype(str)
        lines = np.arange(2, len(frame) + 2)
    else:
        label = str(source)
        frame, tf = read_delimited(source)
        frame = frame.fillna("").astype(str)
        text_lines = [i + 1 for i, ln in enumerate(tf.text.split("\n")) if ln.strip()][1:]
        lines = np.asarray(text_lines if len(text_lines) == len(frame) else range(2, len(frame) + 2))
    frame.columns = [_norm(c) for c in frame.columns]
    problems: list[Problem] = []
    unknown = [c for c in frame.columns if c not in CORRECTIE_KOLOMMEN]
    if unknown:
        problems.append(Problem(label, f"onbekende kolom(men) {', '.join(unknown)}; verwacht: "
                                       f"{', '.join(CORRECTIE_KOLOMMEN)}", column=unknown[0], rows=(1,)))
    for col in ("waarde", "toelichting"):
        if col not in frame.columns:
            problems.append(Problem(label, f"verplichte kolom '{col}' ontbreekt; verwacht: "
                                           f"{', '.join(CORRECTIE_KOLOMMEN)}", column=col))
    if len(frame) == 0:
        problems.append(Problem(label, "geen correcties (alleen een kopregel)"))
    if problems:
        raise DataError(problems)
    for col in CORRECTIE_KOLOMMEN:
        if col not in frame.columns:
            frame[col] = ""
        frame[col] = frame[col].astype(str).str.strip()

    out = pd.DataFrame({"_regel": lines.astype(int)})
    bad_year = ~frame["peiljaar"].str.fullmatch(r"((?:19|20)\d{2})?").to_numpy()
    if bad_year.any():
        problems.append(Problem(label, "geen jaartal", column="peiljaar", rows=tuple(lines[bad_year].tolist())))
    out["peiljaar"] = pd.Series([int(y) if y.isdigit() else None for y in frame["peiljaar"]], dtype=object)
    out["eenheid"] = frame["eenheid"].str.lower().to_numpy()
    out["bestuur_id"] = frame["bestuur_id"].to_numpy()
    out["instellingscode"] = frame["instellingscode"].str.upper().to_numpy()
    groups = frame["functiegroep"].str.upper()
    groups = groups.where(groups != "TOTAAL", "totaal")
    bad_group = ((groups != "") & ~groups.isin(FUNCTIEGROEPEN)).to_numpy()
    if bad_group.any():
        problems.append(Problem(label, f"onbekende functiegroep; bekend: {', '.join(FUNCTIEGROEPEN)}",
                                column="functiegroep", rows=tuple(lines[bad_group].tolist())))
    out["functiegroep"] = groups.to_numpy()
    out["kenmerk"] = frame["kenmerk"].str.lower().to_numpy()
    out["categorie"] = [(_CATEGORIE[k](c) or c) if c and k in _CATEGORIE else c
                        for k, c in zip(out["kenmerk"], frame["categorie"])]
    out["waarde"] = [_number(v) for v in frame["waarde"]]
    bad_value = out["waarde"].isna().to_numpy()
    if bad_value.any():
        problems.append(Problem(label, "geen geldige waarde (een getal van 0 of meer, decimaal met komma of punt)",
                                column="waarde", rows=tuple(lines[bad_value].tolist())))
    no_text = (frame["toelichting"] == "").to_numpy()
    if no_text.any():
        problems.append(Problem(label, "lege toelichting: zeg waar de correctie vandaan komt (bijv. het erratum)",
                                column="toelichting", rows=tuple(lines[no_text].tolist())))
    out["toelichting"] = frame["toelichting"].to_numpy()
    if problems:
        raise DataError(problems)
    return out, label


def _number(text: str) -> float:
    t = text.strip()
    if "," in t and "." in t:
        t = t.replace(".", "")
    t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) and 0 <= value <= MAX_ABS_NUMBER else math.nan


def _match(df: pd.DataFrame, corr: pd.Series) -> np.ndarray:
    mask = np.ones(len(df), dtype=bool)
    if corr["peiljaar"] is not None:
        mask &= (df["peiljaar"] == corr["peiljaar"]).fillna(False).to_numpy(dtype=bool)
    for col, column in (("eenheid", "eenheid"), ("kenmerk", "kenmerk")):
        if corr[col]:
            mask &= (df[column].astype(str).str.lower() == corr[col]).to_numpy()
    for col in ("bestuur_id", "functiegroep", "categorie"):
        if corr[col] and col in df.columns:
            mask &= (df[col].astype(str) == corr[col]).to_numpy()
        elif corr[col]:
            mask &= False
    code = corr["instellingscode"]
    if code == "BOVENSCHOOLS":
        mask &= df["bovenschools"].to_numpy(dtype=bool) if "bovenschools" in df.columns else False
    elif code:
        mask &= (df["instellingscode"].astype(str).str.upper() == code).to_numpy() \
            if "instellingscode" in df.columns else False
    return mask


def apply_corrections(df: pd.DataFrame, source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A copy of the staff table ``df`` with the corrections of ``source`` applied and listed in
    ``attrs["correcties"]`` (see the module docstring)."""
    corrections, label = read_corrections(source)
    out = df.copy()
    owner = np.zeros(len(out), dtype=int)  # line of the correction that changed a row, 0 = none
    problems: list[Problem] = []
    report = []
    for _, corr in corrections.iterrows():
        line = int(corr["_regel"])
        mask = _match(out, corr)
        key = ", ".join(f"{k}={corr[k]}" for k in _KEYS if corr[k] not in (None, ""))
        if not mask.any():
            problems.append(Problem(label, f"correctie past op geen enkele rij ({key or 'geen sleutel'}); "
                                           "lege sleutelcellen passen op alles, de andere moeten exact gelijk zijn",
                                    rows=(line,)))
            continue
        twice = mask & (owner > 0)
        if twice.any():
            problems.append(Problem(label, f"correctie ({key}) raakt rijen die al door een andere correctie "
                                           "zijn gewijzigd", rows=tuple(sorted({int(x) for x in owner[twice]} | {line}))))
            continue
        whole = out["eenheid"].to_numpy() == "personen"
        if (mask & whole).any() and float(corr["waarde"]) % 1:
            problems.append(Problem(label, f"geen geheel aantal personen: {corr['waarde']!r}", column="waarde",
                                    rows=(line,)))
            continue
        old = out.loc[mask, "waarde"].tolist()
        out.loc[mask, "waarde"] = float(corr["waarde"])
        out.loc[mask, "onderdrukt"] = False
        out.loc[mask, "bron"] = out.loc[mask, "bron"].astype(str) + f" (gecorrigeerd: {corr['toelichting']})"
        owner[mask] = line
        entry = {k: corr[k] for k in CORRECTIE_KOLOMMEN}
        entry.update(bestand=label, regel=line, rijen_gewijzigd=int(mask.sum()),
                     oude_waarden=[None if pd.isna(v) else float(v) for v in old])
        report.append(entry)
    if problems:
        raise DataError(problems)
    out.attrs = dict(df.attrs)
    out.attrs["correcties"] = report
    return out
