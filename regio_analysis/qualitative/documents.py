"""Documents as text: the ``documenten`` table, normalised text, and segmenting documents
into sentence, paragraph or section units with stable offsets. Reading files into this
table is :mod:`regio_analysis.io.documents` (``load_documents``).

Offsets are Unicode code points over the *normalised* text: NFC, ``\\n`` line endings, no
byte-order mark (the REFI-QDA convention; tools disagree otherwise). The normalised text
and its SHA-256 are kept in the table, so every offset can be checked against the hash.

``documenten`` columns: ``doc_id``, ``regio_id``, ``soort`` (plan, interview,
exitgesprek, open_antwoord, ...), ``titel``, ``datum``, ``bestand``, ``sha256`` (of the
normalised text), ``tekst``, ``n_woorden``.

``eenheden`` (units) columns: ``doc_id``, ``eenheid`` (zin / alinea / sectie), ``nr``,
``start``, ``einde`` (half-open ``[start, einde)``), ``sectie`` (the heading above the
unit), ``tekst``.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from itertools import pairwise

import pandas as pd

from regio_analysis.errors import DataError, Problem

DOCUMENT_COLUMNS = ["doc_id", "regio_id", "soort", "titel", "datum", "bestand", "sha256", "tekst", "n_woorden"]
UNIT_COLUMNS = ["doc_id", "eenheid", "nr", "start", "einde", "sectie", "tekst"]
EENHEDEN = ("zin", "alinea", "sectie")

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line endings, no BOM: the text every offset refers to."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_hash(text: str) -> str:
    """SHA-256 of the normalised text (UTF-8)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


# --- tables -----------------------------------------------------------------------------------

def document_table(rows: Iterable[dict]) -> pd.DataFrame:
    """A ``documenten`` frame from dicts with at least ``doc_id`` and ``tekst``.

    Texts are normalised, hashes and word counts computed; missing columns get defaults.
    """
    df = pd.DataFrame(list(rows))
    for col in DOCUMENT_COLUMNS:
        if col not in df.columns:
            df[col] = pd.NaT if col == "datum" else ""
    if df.empty:
        return df[DOCUMENT_COLUMNS].astype({"datum": "datetime64[ns]"})
    df["tekst"] = df["tekst"].astype(str).map(normalise_text)
    df["sha256"] = df["tekst"].map(text_hash)
    df["n_woorden"] = df["tekst"].map(count_words).astype(int)
    df["datum"] = pd.to_datetime(df["datum"], errors="coerce").astype("datetime64[ns]")
    for col in ("doc_id", "regio_id", "soort", "titel", "bestand"):
        df[col] = df[col].fillna("").astype(str)
    dup = df["doc_id"].duplicated(keep=False)
    if dup.any():
        raise DataError(Problem("<documenten>", f"dubbele doc_id: {', '.join(sorted(set(df.loc[dup, 'doc_id'])))}",
                                column="doc_id"))
    return df[DOCUMENT_COLUMNS].sort_values("doc_id", kind="stable").reset_index(drop=True)


def documents_from_answers(open_antwoorden: pd.DataFrame, regio_id: str = "") -> pd.DataFrame:
    """Open survey / exit answers (table ``open_antwoorden``) as one document per answer."""
    rows = [{
        "doc_id": f"{r.respondent_id}-{r.jaar}-{r.vraag}", "regio_id": regio_id, "soort": "open_antwoord",
        "titel": str(r.vraag), "bestand": "", "tekst": str(r.tekst), "datum": pd.Timestamp(int(r.jaar), 12, 31),
    } for r in open_antwoorden.itertuples(index=False)]
    return document_table(rows)


# --- segmentation -------------------------------------------------------------------------------

_HEADING_NUM = re.compile(r"^(?:[Hh]oofdstuk\s+)?\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÀ-Ý]")
_BULLET = re.compile(r"^\s*(?:[-•*–▪◦·]|\d+[.)]|[a-z][.)])\s+")
# abbreviations after which a period does not end a sentence
_ABBREV = {
    "bijv", "bv", "o.a", "oa", "e.d", "ed", "d.w.z", "dwz", "m.b.t", "mbt", "t.b.v", "tbv", "i.v.m", "ivm", "nr",
    "ca", "resp", "incl", "excl", "etc", "enz", "evt", "m.u.v", "mr", "dr", "drs", "ir", "ing", "prof", "dhr",
    "mevr", "vs", "jl", "e.a", "t.a.v", "tav", "z.s.m", "zgn", "o.b.v", "obv", "p", "blz", "fig", "tab", "ong", "max",
    "min", "gem", "art", "lid", "jr", "mln", "mld", "st", "vgl", "i.s.m", "ism", "a.s", "t/m",
}


def is_heading(line: str) -> bool:
    """A heading line: Markdown ``#``, bold-only, or a short numbered title without a final period."""
    s = line.strip()
    if not s or s.startswith("|"):
        return False
    if s.startswith("#"):
        return True
    if s.startswith("**") and s.endswith("**") and len(s) < 120:
        return True
    words = s.split()
    if _HEADING_NUM.match(s) and len(words) <= 14 and not s.endswith((".", ",", ";", ":")) and not re.search(r"\d\s*%", s):
        # "2026 12 3" style table residue is not a heading
        return bool(re.search(r"[^\W\d_]{3,}", s))
    return False


def heading_title(line: str) -> str:
    return line.strip().lstrip("#").strip().strip("*").strip()


def _trim(text: str, spans) -> list[tuple[int, int]]:
    """The spans with surrounding white space removed; empty spans dropped."""
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of blank-line-separated blocks (trimmed of surrounding white space)."""
    return _trim(text, ((m.start(), m.end()) for m in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text)))


def _continues(prev: str, nxt: str) -> bool:
    """Whether a block break is a hard wrap inside a sentence (PDF conversions)."""
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n or is_heading(nxt) or n.startswith("|") or _BULLET.match(n) or p.startswith("|"):
        return False
    if p.endswith("-") and n[0].islower():
        return True
    return p[-1] not in ".!?:;\"”)" and n[0].islower()


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs: blocks, with hard-wrapped continuations joined; headings and table rows apart."""
    out: list[list[int]] = []
    for s, e in _blocks(text):
        if out and _continues(text[out[-1][0]:out[-1][1]], text[s:e]):
            out[-1][1] = e
        else:
            out.append([s, e])
    # a block of table rows / bullets is split into its lines
    spans: list[tuple[int, int]] = []
    for s, e in out:
        lines = [(m.start() + s, m.end() + s) for m in re.finditer(r"[^\n]+", text[s:e])]
        if len(lines) > 1 and all(text[a:b].lstrip().startswith("|") or _BULLET.match(text[a:b]) or is_heading(text[a:b])
                                  for a, b in lines):
            spans.extend((a, b) for a, b in lines if text[a:b].strip())
        else:
            # a heading line glued to its paragraph becomes its own unit
            first = lines[0] if lines else (s, e)
            if len(lines) > 1 and is_heading(text[first[0]:first[1]]):
                spans.append(first)
                spans.append((lines[1][0], e))
            else:
                spans.append((s, e))
    return _trim(text, spans)


_SENT_END = re.compile(r"[.!?…]+[\"”’)]*(?=\s)")
_NEXT_CHAR = re.compile(r"\S")


def _sentence_spans(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Sentences inside the paragraph ``text[s:e]``."""
    para = text[s:e]
    if para.lstrip().startswith("|") or is_heading(para):
        return [(s, e)]
    cuts = [0]
    # bullet lines start a new sentence
    for m in re.finditer(r"\n(?=[ \t]*(?:[-•*–▪◦·]|\d+[.)])\s)", para):
        cuts.append(m.end())
    for m in _SENT_END.finditer(para):
        end = m.end()
        nxt = _NEXT_CHAR.search(para, end)
        if nxt is None:
            continue
        rest = para[nxt.start():nxt.start() + 1]  # the next visible character (no copy of the rest)
        # look back a bounded stretch only: searching the whole prefix made long paragraphs quadratic
        word = re.search(r"([^\s(]+)$", para[max(0, m.start() - 64):m.start()])
        token = (word.group(1) if word else "").lower().rstrip(".")
        if m.group(0).startswith(".") and (token in _ABBREV or re.fullmatch(r"[a-z]", token)
                                           or re.fullmatch(r"\d+(?:\.\d+)*", token) and rest[:1].isdigit()):
            continue
        if rest[0].islower() and m.group(0).startswith("."):
            continue
        cuts.append(end)
    cuts = sorted(set(cuts)) + [len(para)]
    return _trim(text, ((s + a, s + b) for a, b in pairwise(cuts)))


def segment(documenten: pd.DataFrame, eenheid: str = "zin") -> pd.DataFrame:
    """Split every document into units: ``"zin"`` (sentence), ``"alinea"`` (paragraph) or
    ``"sectie"`` (from one heading to the next).

    Offsets are code points into the document's normalised ``tekst``; the same text always
    gives the same units. Hard-wrapped lines of PDF conversions are joined, headings and
    table rows are units of their own.
    """
    if eenheid not in EENHEDEN:
        raise ValueError(f"eenheid {eenheid!r}: kies uit {EENHEDEN}")
    rows = []
    for doc in documenten.itertuples(index=False):
        text = normalise_text(doc.tekst)
        paragraphs = _paragraph_spans(text)
        section = ""
        if eenheid == "sectie":
            bounds: list[tuple[int, int, str]] = []
            start, title, prev_end = None, "", 0
            for s, e in paragraphs:
                if is_heading(text[s:e]):
                    if start is not None:
                        bounds.append((start, prev_end, title))
                    start, title = s, heading_title(text[s:e])
                elif start is None:
                    start, title = s, ""
                prev_end = e
            if start is not None:
                bounds.append((start, prev_end, title))
            for nr, (s, e, title) in enumerate(bounds, 1):
                rows.append((doc.doc_id, eenheid, nr, s, e, title, text[s:e]))
            continue
        nr = 0
        for s, e in paragraphs:
            if is_heading(text[s:e]):
                section = heading_title(text[s:e])
            spans = [(s, e)] if eenheid == "alinea" else _sentence_spans(text, s, e)
            for a, b in spans:
                nr += 1
                rows.append((doc.doc_id, eenheid, nr, a, b, section, text[a:b]))
    out = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    return out.astype({"nr": int, "start": int, "einde": int})
