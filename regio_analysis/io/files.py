"""Reading delimited text files safely: encodings, delimiters, clear errors.

Every reader in ``regio_analysis.io`` goes through :func:`read_delimited`, so a missing,
empty, binary or undecodable file gives the same :class:`~regio_analysis.DataError`
wherever it is read. Files are opened read-only; nothing here ever writes.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem

DEFAULT_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class TextFile:
    """A decoded text file with what was learned while reading it."""

    path: Path
    text: str
    encoding: str
    sha256: str


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_file(path: str | Path) -> Path:
    """``path`` as a Path when it is an existing, non-empty file; DataError otherwise."""
    path = Path(path)
    if not path.exists():
        raise DataError(Problem(str(path), "bestand niet gevonden"))
    if not path.is_file():
        raise DataError(Problem(str(path), "dit is geen bestand (een map?)"))
    if path.stat().st_size == 0:
        raise DataError(Problem(str(path), "het bestand is leeg"))
    return path


def read_text(path: str | Path, encodings: tuple[str, ...] = DEFAULT_ENCODINGS) -> TextFile:
    """Read and decode a text file, trying ``encodings`` in order.

    UTF-8 (with or without BOM) is tried first; cp1252 is the fallback for older DUO files.
    Raises DataError for a missing file, a folder, an empty file, binary content (NUL bytes)
    or bytes that no listed encoding decodes.
    """
    path = check_file(path)
    name = str(path)
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataError(Problem(name, "het bestand is leeg"))
    if b"\x00" in data[:65536]:
        raise DataError(Problem(name, "het bestand bevat binaire gegevens (NUL-bytes); is het wel een CSV-/tekstbestand?"))
    first_error: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as err:
            first_error = first_error or err
            continue
        return TextFile(path, text.replace("\r\n", "\n").replace("\r", "\n"), enc, hashlib.sha256(data).hexdigest())
    assert first_error is not None
    line = data[: first_error.start].count(b"\n") + 1
    raise DataError(Problem(
        name,
        f"onleesbare bytes ({data[first_error.start:first_error.start + 4]!r} op byte {first_error.start}); "
        f"geprobeerde coderingen: {', '.join(encodings)}",
        rows=(line,),
    ))


def sniff_delimiter(text: str, candidates: str = ";,\t") -> str:
    """The delimiter that splits the header line into the most fields."""
    header = next((ln for ln in text.split("\n") if ln.strip()), "")
    counts = {d: len(next(csv.reader([header], delimiter=d))) for d in candidates}
    return max(counts, key=lambda d: (counts[d], -candidates.index(d)))


def read_yaml(path: str | Path) -> Any:
    """Parse a UTF-8 YAML file; DataError naming the file (and the line of a syntax error)
    for a missing, empty, undecodable or malformed file."""
    import yaml

    tf = read_text(path, encodings=("utf-8-sig",))
    try:
        return yaml.safe_load(tf.text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        rows = (mark.line + 1,) if mark is not None else ()
        raise DataError(Problem(str(path), f"geen geldige YAML: {getattr(err, 'problem', None) or err}",
                                rows=rows)) from None


def read_delimited(
    path: str | Path,
    *,
    sep: str | None = None,
    encodings: tuple[str, ...] = DEFAULT_ENCODINGS,
) -> tuple[pd.DataFrame, TextFile]:
    """Read a CSV-like file into a frame of strings (nothing converted, nothing dropped).

    Returns the frame and the :class:`TextFile` (encoding, hash). Ragged rows and a file
    with a header but no rows are reported as DataError.
    """
    tf = read_text(path, encodings)
    delimiter = sep or sniff_delimiter(tf.text)
    try:
        df = pd.read_csv(
            io.StringIO(tf.text), sep=delimiter, dtype=str, keep_default_na=False,
            skip_blank_lines=True, engine="python",
        )
    except pd.errors.ParserError as err:
        raise DataError(Problem(str(path), f"kan het bestand niet als tabel lezen (scheidingsteken {delimiter!r}): {err}")) from None
    except pd.errors.EmptyDataError:
        raise DataError(Problem(str(path), "het bestand is leeg")) from None
    df.columns = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    unnamed = [c for c in df.columns if c.startswith("Unnamed:")]
    if unnamed and len(unnamed) == len(df.columns):
        raise DataError(Problem(str(path), "geen kopregel met kolomnamen gevonden"))
    if df.empty:
        raise DataError(Problem(str(path), "het bestand heeft een kopregel maar geen gegevensregels"))
    return df, tf


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None):
    """Write ``path`` via a temporary file in the same folder, renamed into place on success.

    An interrupted or failing write leaves the previous file (if any) untouched and no
    half-written file under the final name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        binary = "b" in mode
        with open(tmp, mode, encoding=None if binary else encoding, newline=None if binary else newline) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a canonical table as UTF-8 CSV (ISO dates, dot decimals), atomically."""
    with atomic_write(path, newline="") as fh:
        df.to_csv(fh, index=False, date_format="%Y-%m-%d")
    return Path(path)
