"""Manual codings in and out as CSV or XLSX, in the shape MAXQDA and QualCoder users exchange.

Export columns (Dutch headers are accepted on import too)::

    document | segment | code | coder | memo | start | einde   (+ regel, treffer, akkoord for review)

``code`` is a code path (``thema/werven``; MAXQDA's ``Thema\\Werven`` and ``thema > werven`` are
read as well). ``start``/``einde`` are code points in the document's normalised text; when a
file has no offsets, the segment text is looked up in the document. Import checks every
row against the documents and the codebook and reports all problems at once (file,
column, line numbers) in one DataError.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from regio_analysis.errors import DataError, Problem, rows_from_index
from regio_analysis.io.files import atomic_write, check_file, read_delimited, write_csv
from regio_analysis.io.safe_text import guard_workbook, spreadsheet_safe, unguard
from regio_analysis.qualitative.autocode import CODING_COLUMNS
from regio_analysis.qualitative.codebook import Codebook, normalise_path
from regio_analysis.qualitative.documents import normalise_text

EXPORT_COLUMNS = ["document", "segment", "code", "coder", "memo", "start", "einde"]
REVIEW_COLUMNS = ["regel", "treffer", "akkoord"]

# header synonyms (lowercased) of MAXQDA / QualCoder / ATLAS.ti exports
_SYNONYMS = {
    "document": ("document", "document name", "documentnaam", "document naam", "file", "bestand", "doc_id", "source",
                 "bron", "filename", "document_naam"),
    "segment": ("segment", "text", "tekst", "coded text", "codedtext", "quotation", "citaat", "fragment"),
    "code": ("code", "code path", "codepad", "code pad", "codename", "code name", "codes"),
    "coder": ("coder", "codeur", "owner", "user", "gebruiker", "codeerder"),
    "memo": ("memo", "comment", "commentaar", "opmerking", "notitie", "note"),
    "start": ("start", "begin", "pos0", "startposition", "start position", "van"),
    "einde": ("einde", "end", "eind", "pos1", "endposition", "end position", "tot"),
    "akkoord": ("akkoord", "review", "beoordeling", "accepted"),
}


def export_codings(codings: pd.DataFrame, documenten: pd.DataFrame, path: str | Path | None = None,
                   *, review: bool = False) -> pd.DataFrame:
    """Codings as the exchange table (one row per coded segment), optionally written to
    ``path`` (``.csv`` UTF-8 or ``.xlsx``, atomically).

    With ``review=True`` the auto-coder's ``regel`` and ``treffer`` are added plus an empty
    ``akkoord`` column for a reviewer to fill in with ja/nee.
    """
    texts = documenten.set_index("doc_id")["tekst"].map(normalise_text)
    df = codings.copy()
    out = pd.DataFrame({
        "document": df["doc_id"],
        "segment": [texts[d][s:e] for d, s, e in zip(df["doc_id"], df["start"], df["einde"])],
        "code": df["code"],
        "coder": df["codeur"] if "codeur" in df.columns else "",
        "memo": df["memo"] if "memo" in df.columns else "",
        "start": df["start"].astype(int),
        "einde": df["einde"].astype(int),
    })
    if review:
        out["regel"] = df.get("regel", "")
        out["treffer"] = df.get("treffer", "")
        out["akkoord"] = ""
    out = out.fillna("")
    if path is not None:
        _write(out, Path(path))
    return out


def _write(df: pd.DataFrame, path: Path) -> None:
    """Text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) is written as
    text: a quote-prefixed string cell in XLSX, a leading apostrophe in CSV (taken off on import)."""
    if path.suffix.lower() == ".xlsx":
        with atomic_write(path, mode="wb") as fh, pd.ExcelWriter(fh, engine="openpyxl") as xw:
            df.to_excel(xw, index=False)
            guard_workbook(xw.book)
    elif path.suffix.lower() == ".csv":
        write_csv(spreadsheet_safe(df), path)
    else:
        raise DataError(Problem(str(path), "gebruik .csv of .xlsx"))


def _read(path: Path) -> pd.DataFrame:
    check_file(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import zipfile

        from openpyxl.utils.exceptions import InvalidFileException

        try:
            df = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as err:
            raise DataError(Problem(str(path), f"geen leesbaar Excel-bestand: {type(err).__name__}: {err}")) from None
        if df.empty:
            raise DataError(Problem(str(path), "het werkblad heeft geen gegevensregels"))
        df.columns = [str(c).strip() for c in df.columns]
        return df
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return read_delimited(path)[0].map(unguard)  # our CSV export's apostrophe before a formula-like text
    raise DataError(Problem(str(path), "onbekend bestandstype; gebruik .csv of .xlsx"))


def _rename(df: pd.DataFrame) -> pd.DataFrame:
    lookup = {syn: canon for canon, syns in _SYNONYMS.items() for syn in syns}
    mapping = {}
    for col in df.columns:
        canon = lookup.get(str(col).strip().lower())
        if canon and canon not in mapping.values():
            mapping[col] = canon
    return df.rename(columns=mapping)


def import_codings(path: str | Path, documenten: pd.DataFrame, codebook: Codebook, *,
                   coder: str = "") -> pd.DataFrame:
    """Read manual codings from a CSV/XLSX exchange file into the codings table.

    Documents are matched on ``doc_id``, file name or title; codes on their path or on a leaf
    name that is unique in the codebook. Rows without offsets are located by their segment
    text. ``coder`` fills an empty or missing coder column. Raises DataError naming the
    file, column and lines of every unknown document, unknown code, bad offset or segment
    not found; reviewed rows with ``akkoord`` = nee are dropped.
    """
    path = Path(path)
    name = str(path)
    df = _rename(_read(path))
    missing = [c for c in ("document", "code") if c not in df.columns]
    if "segment" not in df.columns and not {"start", "einde"} <= set(df.columns):
        missing.append("segment (of start en einde)")
    if missing:
        raise DataError(Problem(name, f"kolom(men) ontbreken: {', '.join(missing)}; gevonden: {', '.join(map(str, df.columns))}",
                                column=missing[0]))
    docs = documenten.copy()
    lookup: dict[str, str] = {}
    for r in docs.itertuples(index=False):
        for k in (r.doc_id, r.bestand, Path(str(r.bestand)).stem, r.titel):
            if k:
                lookup.setdefault(str(k).strip().lower(), r.doc_id)
    texts = docs.set_index("doc_id")["tekst"].map(normalise_text)
    problems: list[Problem] = []

    doc_ids = df["document"].astype(str).str.strip().str.lower().map(lookup)
    bad = doc_ids.isna()
    if bad.any():
        shown = ", ".join(repr(v) for v in df.loc[bad, "document"].drop_duplicates().head(3))
        problems.append(Problem(name, f"onbekend document {shown}", column="document", rows=rows_from_index(bad[bad].index)))

    paths = df["code"].astype(str).map(lambda c: codebook.resolve(normalise_path(c)) if c.strip() else None)
    bad = paths.isna()
    if bad.any():
        shown = ", ".join(repr(v) for v in df.loc[bad, "code"].drop_duplicates().head(3))
        problems.append(Problem(name, f"code niet in het codeboek '{codebook.naam}' (of niet eenduidig): {shown}",
                                column="code", rows=rows_from_index(bad[bad].index)))
    not_codable = paths.notna() & paths.map(lambda p: p is not None and not codebook[p].codeerbaar)
    if not_codable.any():
        problems.append(Problem(name, "deze code is een groep en niet codeerbaar", column="code",
                                rows=rows_from_index(not_codable[not_codable].index)))

    starts, ends, bad_off, not_found = [], [], [], []
    for i, row in df.iterrows():
        doc = doc_ids.iloc[i]
        text = texts.get(doc, "") if isinstance(doc, str) else ""
        s_raw, e_raw = str(row.get("start", "")).strip(), str(row.get("einde", "")).strip()
        if s_raw and e_raw:
            try:
                s, e = int(float(s_raw)), int(float(e_raw))
            except ValueError:
                bad_off.append(i)
                s = e = -1
            if isinstance(doc, str) and not (0 <= s < e <= len(text)):
                bad_off.append(i)
        else:
            seg = normalise_text(str(row.get("segment", "")))
            s = text.find(seg) if seg.strip() and isinstance(doc, str) else -1
            if s < 0 and isinstance(doc, str):
                not_found.append(i)
            e = s + len(seg)
        starts.append(s)
        ends.append(e)
    if bad_off:
        problems.append(Problem(name, "ongeldige start/einde (geen gehele getallen, of buiten de tekst van het document)",
                                column="start", rows=rows_from_index(sorted(set(bad_off)))))
    if not_found:
        problems.append(Problem(name, "segmenttekst niet gevonden in het document", column="segment",
                                rows=rows_from_index(not_found)))
    if problems:
        raise DataError(problems)

    coders = df["coder"].astype(str).str.strip() if "coder" in df.columns else pd.Series("", index=df.index)
    out = pd.DataFrame({
        "doc_id": doc_ids, "start": starts, "einde": ends, "code": paths,
        "codeur": coders.where(coders != "", coder or "onbekend"),
        "memo": df["memo"].astype(str) if "memo" in df.columns else "",
        "auto": False, "regel": "",
    })
    if "akkoord" in df.columns:
        verdict = df["akkoord"].astype(str).str.strip().str.lower()
        out = out[~verdict.isin(["nee", "n", "no", "0", "false", "onjuist"])]
    return out[CODING_COLUMNS].drop_duplicates().sort_values(["doc_id", "start", "code", "codeur"]).reset_index(drop=True)
