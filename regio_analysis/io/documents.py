"""Reading documents from disk into the ``documenten`` table of
:mod:`regio_analysis.qualitative.documents`: ``.txt``/``.md`` (UTF-8, cp1252 fallback),
``.docx`` (paragraphs, headings, tables) and ``.pdf`` (the text layer), one file or a whole
folder, with limits on size, unpacked size, pages and characters so a hostile or broken file
stops with a DataError naming it. Document ids and dates come from the file names (or the
creation date stored in the file); the text is normalised as the model requires.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import check_file, read_text
from regio_analysis.qualitative.documents import document_table, normalise_text

DOCUMENT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")

#: Limits on what one document may cost to read (hostile or broken files stop with a DataError).
MAX_FILE_BYTES = 100_000_000        # any document file on disk
MAX_UNPACKED_BYTES = 200_000_000    # all parts of a .docx (a zip) together, unpacked
MAX_XML_BYTES = 50_000_000          # the XML parts of a .docx, unpacked (parsed into memory)
MAX_ZIP_MEMBERS = 10_000
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 20_000_000         # text extracted from one document


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
