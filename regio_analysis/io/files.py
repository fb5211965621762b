"""Reading delimited text files safely: encodings, delimiters, clear errors.

Every reader in ``regio_analysis.io`` goes through :func:`read_delimited`, so a missing,
empty, binary or undecodable file gives the same :class:`~regio_analysis.DataError`
wherever it is read. Files are opened read-only. Writing goes through :func:`atomic_write`
(and :func:`temporary_dir` for folders): temporary name, renamed when complete, cleaned on error.
"""
from __future__ import annotations

import collections
import contextlib
import csv
import errno
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
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DataError(Problem(name, "het bestand bevat binaire gegevens (NUL-bytes); is het wel een CSV-/tekstbestand?",
                                rows=(data[:nul].count(b"\n") + 1,)))
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


#: Largest YAML file read (regio.yaml, codebooks, scenarios, frameworks are a few kB to a few hundred kB).
MAX_YAML_BYTES = 2_000_000


def _strict_loader(name: str):
    """A SafeLoader that refuses anchors/aliases (alias bombs) and duplicate keys."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                mark = event.start_mark
                raise DataError(Problem(name, "ankers en verwijzingen (&naam / *naam) zijn niet toegestaan; "
                                              "schrijf de waarden uit", rows=(mark.line + 1,)))
            return super().compose_node(parent, index)

        def construct_mapping(self, node, deep=False):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise DataError(Problem(name, "samenvoegsleutel '<<' is niet toegestaan",
                                            rows=(key_node.start_mark.line + 1,)))
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    hash(key)
                except TypeError:
                    raise DataError(Problem(name, f"ongeldige sleutel {key!r}: een sleutel is een tekst",
                                            rows=(line,))) from None
                if key in seen:
                    raise DataError(Problem(name, f"sleutel {key!r} staat er twee keer (regel {seen[key]} en {line}); "
                                                  "laat er één staan", rows=(seen[key], line)))
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


#: texts parsed in this process -> their data (a report's chapters read the same codebook, framework,
#: scenarios and region files again and again; parsing costs 100 times more than a copy)
_PARSED: collections.OrderedDict[str, Any] = collections.OrderedDict()
_PARSED_SIZE = 64


def parse_yaml(text: str, name: str = "<yaml>") -> Any:
    """Parse YAML text strictly: no anchors/aliases, no duplicate keys, at most
    :data:`MAX_YAML_BYTES`; DataError naming ``name`` and the line otherwise.

    A text parsed before in this process is not parsed again: the caller gets a deep copy of
    its data (a text that failed is parsed again, so the error names this ``name``)."""
    import copy

    import yaml

    if text in _PARSED:
        _PARSED.move_to_end(text)
        return copy.deepcopy(_PARSED[text])
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise DataError(Problem(name, f"YAML-bestand groter dan {MAX_YAML_BYTES // 1_000_000} MB; "
                                      "dat is geen configuratiebestand"))
    loader = _strict_loader(name)(text)
    try:
        data = loader.get_single_data()
        _PARSED[text] = copy.deepcopy(data)
        while len(_PARSED) > _PARSED_SIZE:
            _PARSED.popitem(last=False)
        return data
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        rows = (mark.line + 1,) if mark is not None else ()
        raise DataError(Problem(name, f"geen geldige YAML: {getattr(err, 'problem', None) or err}",
                                rows=rows)) from None
    except RecursionError:
        raise DataError(Problem(name, "YAML te diep genest")) from None
    finally:
        loader.dispose()


def read_yaml_text(path: str | Path) -> tuple[Any, str]:
    """Parse a UTF-8 YAML file strictly (see :func:`parse_yaml`) and return it with its text
    (for line numbers in later messages); DataError naming the file (and the line) for a
    missing, empty, too large, undecodable or malformed file, an anchor/alias or a duplicate key."""
    path = check_file(path)
    if path.stat().st_size > MAX_YAML_BYTES:
        raise DataError(Problem(str(path), f"YAML-bestand groter dan {MAX_YAML_BYTES // 1_000_000} MB; "
                                           "dat is geen configuratiebestand"))
    tf = read_text(path, encodings=("utf-8-sig",))
    return parse_yaml(tf.text, str(path)), tf.text


def read_yaml(path: str | Path) -> Any:
    """Parse a UTF-8 YAML file strictly: :func:`read_yaml_text` without the text."""
    return read_yaml_text(path)[0]


def check_header(text: str, delimiter: str, name: str) -> None:
    """DataError when two header fields are equal after stripping spaces (and a BOM):
    pandas would silently rename the second one (``aantal.1``) or keep both under one name."""
    lineno, header = 0, []
    for lineno, line in enumerate(text.split("\n"), 1):
        if line.strip():
            header = next(csv.reader([line], delimiter=delimiter), [])
            break
    seen: dict[str, str] = {}
    for field in header:
        key = field.strip().lstrip("\ufeff").strip()
        if not key:
            continue
        if key in seen:
            same = "staat twee keer in de kopregel" if seen[key] == field else \
                f"botst met {seen[key]!r} (gelijk na weghalen van spaties)"
            raise DataError(Problem(name, f"kolom {field!r} {same}; laat er één staan", column=key, rows=(lineno,)))
        seen[key] = field


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
    check_header(tf.text, delimiter, str(path))
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


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None,
                 *, file_mode: int | None = None):
    """Write ``path`` via a temporary file in the same folder, renamed into place on success.

    Every file the package writes goes through here. An interrupted or failing write
    (including a full or read-only disk: ENOSPC, EROFS) leaves the previous file (if any)
    untouched, no half-written file under the final name and no temporary file behind.
    ``file_mode`` sets the permissions of the new file (e.g. 0o600 for a key).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.close(fd)
        os.chmod(tmp, file_mode if file_mode is not None else 0o666 & ~_umask())  # mkstemp makes 0600
        binary = "b" in mode
        with open(tmp, mode, encoding=None if binary else encoding, newline=None if binary else newline) as fh:
            yield fh
            fh.flush()
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if isinstance(exc, OSError) and not exc.filename:
            exc.filename = str(path)  # a failing write() names no file; the user needs to know which
        raise


_OS_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "het schijfquotum is op",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.EACCES: "geen toestemming (rechten)",
    errno.EPERM: "niet toegestaan (rechten)",
    errno.ENOENT: "bestaat niet",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EISDIR: "is een map, geen bestand",
    errno.EEXIST: "bestaat al",
}


def describe_os_error(err: OSError) -> str:
    """One Dutch sentence for a failed file operation, naming the path (for the CLI)."""
    reason = _OS_REASONS.get(err.errno, err.strerror or str(err))
    code = errno.errorcode.get(err.errno, "") if err.errno else ""
    where = " -> ".join(str(f) for f in (err.filename, err.filename2) if f) or "(onbekend pad)"
    return (f"{where}: {reason}{f' ({code})' if code else ''}. Er is niets half geschreven achtergelaten; "
            "maak ruimte of rechten vrij, of kies een andere map (--naar).")


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_write(path) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes, *, file_mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb", file_mode=file_mode) as fh:
        fh.write(data)
    return Path(path)


def figure_png(fig) -> bytes:
    """A matplotlib figure as PNG bytes (written to memory, with the theme's dpi and tight box)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


@contextlib.contextmanager
def temporary_dir(parent: str | Path, prefix: str):
    """A new folder ``<parent>/.<prefix>.XXXX.tmp``, removed with everything in it when the
    ``with`` block raises (any error, including ENOSPC/EROFS); kept on success, for the
    caller to move into place."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{prefix}.", suffix=".tmp", dir=parent))
    try:
        yield folder
    except BaseException:
        remove_tree(folder)
        raise


def remove_tree(folder: str | Path) -> None:
    """Remove ``folder`` and everything in it; read-only entries too; never raises."""
    import shutil
    import stat

    def retry(func, p, _exc):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p) or ".", stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)

    import sys

    with contextlib.suppress(OSError):
        if sys.version_info >= (3, 12):
            shutil.rmtree(folder, onexc=retry)
        else:
            shutil.rmtree(folder, onerror=retry)


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a canonical table as UTF-8 CSV (ISO dates, dot decimals), atomically."""
    with atomic_write(path, newline="") as fh:
        df.to_csv(fh, index=False, date_format="%Y-%m-%d")
    return Path(path)


# ------------------------------------------------------------------ small primitives for the other layers
# (only ``io`` touches the file system; ``tests/test_layout.py`` holds every other module to that)


def installed_commit(distribution: str) -> str:
    """The commit pip recorded when it installed ``distribution`` from a git URL (its
    ``direct_url.json``), shortened to 7 characters; "" when it was installed otherwise."""
    import json
    from importlib import metadata

    try:
        recorded = json.loads(metadata.distribution(distribution).read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return ""
    return str((recorded.get("vcs_info") or {}).get("commit_id") or "")[:7]


def read_bytes(path: str | Path) -> bytes:
    """The bytes of ``path``."""
    return Path(path).read_bytes()


def read_csv_strings(path: str | Path) -> pd.DataFrame:
    """A CSV the package wrote, every cell as text exactly as written (``""`` for empty)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def make_dir(path: str | Path) -> Path:
    """Create ``path`` and its parents if missing."""
    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


def remove_file(path: str | Path) -> None:
    """Remove the file ``path`` (it must exist)."""
    Path(path).unlink()


def move(src: str | Path, dst: str | Path) -> None:
    """Rename ``src`` to ``dst`` atomically (same file system), replacing a file at ``dst``."""
    os.replace(src, dst)


def open_lock_file(path: str | Path) -> int:
    """A read-write descriptor of ``path`` (created if missing, mode 0644), for ``flock``."""
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def new_private_dir(parent: str | Path, prefix: str) -> Path:
    """A new folder under ``parent`` that only this user can enter; the caller removes it (:func:`remove_tree`)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


@contextlib.contextmanager
def scratch_dir(parent: str | Path, prefix: str):
    """A new folder under ``parent``, removed with everything in it when the ``with`` block ends."""
    folder = new_private_dir(parent, prefix)
    try:
        yield folder
    finally:
        remove_tree(folder)
