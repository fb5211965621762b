"""Documents: reading .txt/.md/.docx/.pdf into the ``documenten`` table, and segmenting
them into sentence, paragraph or section units with stable offsets.

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
from pathlib import Path

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import check_file, read_text

DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
DOCUMENT_COLUMNS = ["doc_id", "regio_id", "soort", "titel", "datum", "bestand", "sha256", "tekst", "n_woorden"]
UNIT_COLUMNS = ["doc_id", "eenheid", "nr", "start", "einde", "sectie", "tekst"]
EENHEDEN = ("zin", "alinea", "sectie")

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

#: Limits on what one document may cost to read (hostile or broken files stop with a DataError).
MAX_FILE_BYTES = 100_000_000        # any document file on disk
MAX_UNPACKED_BYTES = 200_000_000    # all parts of a .docx (a zip) together, unpacked
MAX_XML_BYTES = 50_000_000          # the XML parts of a .docx, unpacked (parsed into memory)
MAX_ZIP_MEMBERS = 10_000
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 20_000_000         # text extracted from one document


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line endings, no BOM: the text every offset refers to."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_hash(text: str) -> str:
    """SHA-256 of the normalised text (UTF-8)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


# --- reading ------------------------------------------------------------------------------------

def _check_zip(path: Path) -> None:
    """Refuse a .docx whose unpacked content is too large, by the sizes the zip declares and
    by the bytes it really unpacks to (a lying header does not get past the second check)."""
    import zipfile

    name = str(path)
    too_big = (f"uitgepakt groter dan {MAX_UNPACKED_BYTES // 1_000_000} MB (of {MAX_XML_BYTES // 1_000_000} MB "
               "XML); een zip-bom of geen gewoon Word-bestand")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise DataError(Problem(name, f"het Word-bestand bevat {len(infos)} onderdelen (meer dan {MAX_ZIP_MEMBERS})"))
            declared = sum(i.file_size for i in infos)
            declared_xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
            if declared > MAX_UNPACKED_BYTES or declared_xml > MAX_XML_BYTES:
                raise DataError(Problem(name, f"{too_big} (opgegeven: {declared:,} bytes)".replace(",", ".")))
            total = total_xml = 0
            for info in infos:
                xml = info.filename.lower().endswith((".xml", ".rels"))
                with zf.open(info) as fh:
                    while block := fh.read(1 << 20):
                        total += len(block)
                        total_xml += len(block) if xml else 0
                        if total > MAX_UNPACKED_BYTES or total_xml > MAX_XML_BYTES:
                            raise DataError(Problem(name, too_big))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as err:
        raise DataError(Problem(name, f"geen leesbaar Word-bestand (.docx): {type(err).__name__}: {err}")) from None


def _read_docx(path: Path) -> tuple[str, pd.Timestamp | None, str]:
    import zipfile

    _check_zip(path)

    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
        from lxml.etree import XMLSyntaxError
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise DataError(Problem(str(path), f"python-docx is niet geïnstalleerd ({err})")) from None
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, XMLSyntaxError, KeyError, ValueError, OSError) as err:
        raise DataError(Problem(str(path), f"geen leesbaar Word-bestand (.docx): {type(err).__name__}: {err}")) from None
    blocks: list[str] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style.startswith(("heading", "kop")):
            level = "".join(ch for ch in style if ch.isdigit()) or "1"
            text = "#" * min(int(level), 6) + " " + text
        blocks.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip().replace("\n", " ") for c in row.cells]
            if any(cells):
                blocks.append("| " + " | ".join(cells) + " |")
    props = document.core_properties
    created = pd.Timestamp(props.created) if props.created else None
    if created is not None and created.tzinfo is not None:
        created = created.tz_localize(None)
    return "\n\n".join(blocks), created, (props.title or "").strip()


def _read_pdf(path: Path) -> tuple[str, pd.Timestamp | None, str]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise DataError(Problem(str(path), f"pypdf is niet geïnstalleerd ({err})")) from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DataError(Problem(str(path), "de PDF is versleuteld; sla haar onbeveiligd op"))
        n_pages = len(reader.pages)
        if n_pages > MAX_PDF_PAGES:
            raise DataError(Problem(str(path), f"de PDF heeft {n_pages} pagina's (meer dan {MAX_PDF_PAGES}); "
                                               "splits haar of verhoog documents.MAX_PDF_PAGES"))
        pages, chars = [], 0
        for number, page in enumerate(reader.pages, 1):
            pages.append((page.extract_text() or "").strip())
            chars += len(pages[-1])
            if chars > MAX_TEXT_CHARS:
                raise DataError(Problem(str(path), f"de PDF levert meer dan {MAX_TEXT_CHARS:,} tekens tekst "
                                                   f"(bij pagina {number})".replace(",", ".")))
        meta = reader.metadata
    except DataError:
        raise
    except (PyPdfError, ValueError, KeyError, OSError, TypeError, AttributeError, IndexError, RecursionError,
            MemoryError, ZeroDivisionError) as err:
        raise DataError(Problem(str(path), f"geen leesbare PDF: {type(err).__name__}: {err}")) from None
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise DataError(Problem(str(path), "de PDF bevat geen tekstlaag (gescand?); maak er eerst tekst van (OCR)"))
    created = None
    title = ""
    if meta is not None:
        try:
            created = pd.Timestamp(meta.creation_date) if meta.creation_date else None
        except (ValueError, TypeError):
            created = None
        if created is not None and created.tzinfo is not None:
            created = created.tz_localize(None)
        title = str(meta.title or "").strip()
    return text, created, title


def read_document(path: str | Path) -> tuple[str, pd.Timestamp | None, str]:
    """The normalised text of one document, its creation date (if stored) and title.

    Reads ``.txt`` / ``.md`` (UTF-8, cp1252 fallback), ``.docx`` (paragraphs, headings as
    ``#`` lines, tables as ``|`` rows) and ``.pdf`` (the text layer, pages separated by a
    blank line). Raises DataError naming the file for anything unreadable, and for a file
    beyond the limits above (size on disk, unpacked size of a .docx, pages of a .pdf,
    characters of text).
    """
    path = check_file(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(Problem(str(path), f"het bestand is {size // 1_000_000} MB, groter dan "
                                           f"{MAX_FILE_BYTES // 1_000_000} MB"))
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        text, created, title = read_text(path).text, None, ""
    elif suffix == ".docx":
        text, created, title = _read_docx(path)
    elif suffix == ".pdf":
        text, created, title = _read_pdf(path)
    else:
        raise DataError(Problem(str(path), f"onbekend documenttype {suffix!r}; gebruik {', '.join(DOCUMENT_SUFFIXES)}"))
    text = normalise_text(text)
    if not text.strip():
        raise DataError(Problem(str(path), "het document bevat geen tekst"))
    if len(text) > MAX_TEXT_CHARS:
        raise DataError(Problem(str(path), f"het document bevat meer dan {MAX_TEXT_CHARS:,} tekens".replace(",", ".")))
    return text, created, _clean_title(title)


def _clean_title(title: str) -> str:
    """A stored document title without control characters (a NUL in the metadata is not text)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", title or "").strip()


_DATE_IN_NAME = re.compile(r"(20\d{2}|19\d{2})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])")


def _date_from_name(name: str) -> pd.Timestamp | None:
    m = _DATE_IN_NAME.search(name)
    if not m:
        return None
    try:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _doc_id(name: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-") or "document"
    doc_id, i = base, 2
    while doc_id in used:
        doc_id, i = f"{base}-{i}", i + 1
    used.add(doc_id)
    return doc_id


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


def load_documents(
    source: str | Path | Iterable[str | Path],
    *,
    regio_id: str = "",
    soort: str = "document",
    datum: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Read documents into a ``documenten`` table.

    ``source`` is a folder (every .txt/.md/.docx/.pdf in it and its sub-folders, sorted),
    one file, or a list of files. ``datum`` overrides the date; otherwise a date in the
    file name (``2025-03-14``) or the creation date stored in a .docx/.pdf is used.
    Every unreadable file is reported at once in one DataError.
    """
    root = None
    if isinstance(source, (str, Path)):
        source = Path(source)
        if source.is_dir():
            root = source.resolve()
            paths = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
                           and not p.name.startswith((".", "~$")))
            if not paths:
                raise DataError(Problem(str(source), f"geen documenten ({', '.join(DOCUMENT_SUFFIXES)}) in deze map"))
        else:
            paths = [source]
    else:
        paths = [Path(p) for p in source]
    rows, problems, used = [], [], set()
    for path in paths:
        if root is not None and not path.resolve().is_relative_to(root):
            problems.append(Problem(str(path), f"is een snelkoppeling (symbolische link) naar {path.resolve()}, buiten "
                                               f"de documentenmap {source}; kopieer het bestand in de map"))
            continue
        try:
            text, created, title = read_document(path)
        except DataError as err:
            problems.extend(err.problems)
            continue
        rows.append({
            "doc_id": _doc_id(path.name, used), "regio_id": regio_id, "soort": soort,
            "titel": title or path.stem, "bestand": path.name, "tekst": text,
            "datum": pd.Timestamp(datum) if datum is not None else (_date_from_name(path.name) or created),
        })
    if problems:
        raise DataError(problems)
    return document_table(rows)


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
