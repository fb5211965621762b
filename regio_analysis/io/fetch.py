"""Downloading DUO's national open-data files into a local cache (``regio-analysis ophalen``).

A *catalogue* (YAML, :func:`read_catalogus`; the package ships ``duo_bestanden.yaml``) lists the
files: ``naam`` (file name in the cache), ``url``, ``soort`` (one of :data:`SOORTEN`), optional
``sha256`` and ``omschrijving``. :func:`fetch_files` downloads each into the cache folder
(:func:`default_cache_dir` unless given) and keeps ``manifest.json`` there (:func:`read_manifest`):
per file ``naam, url, soort, datum`` (UTC, ISO 8601), ``bytes``, ``sha256`` and, when the server sent
them, ``etag`` and ``last_modified``.

* Atomic: a download goes to ``<naam>.part`` and is renamed when complete and verified; the
  manifest is rewritten atomically after every file. A file that fails its catalogue ``sha256`` is
  deleted; an earlier file under the same name stays.
* Resume and retry: a ``.part`` left by a dropped connection (this run or an earlier one) is
  continued with ``Range: bytes=N-`` (``If-Range`` with the validator it was started with); a
  server answering 200 instead of 206 restarts it. Connection errors, time-outs and 5xx are
  retried up to ``pogingen`` times with a doubling back-off.
* A cached file that still matches its manifest is not downloaded again (unless ``opnieuw``); one
  whose bytes no longer match the manifest is an error, never used silently.
* ``offline``: no network at all; the cache is checked against catalogue and manifest.
* One ``fetch`` per cache folder at a time (``flock`` on ``.fetch.lock`` there).

Standard library only (urllib). Every problem is a :class:`~regio_analysis.DataError` in Dutch.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import os
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import (
    describe_os_error, make_dir, move, open_lock_file, parse_yaml, read_yaml, sha256_of, write_text,
)

#: the kinds of file a catalogue entry may have
SOORTEN = ("leerlingen_po", "leerlingen_po_historie", "leerlingen_vo", "vestigingen", "personeel")
CATALOGUS_FILE = "duo_bestanden.yaml"
MANIFEST = "manifest.json"
PART = ".part"
LOCK = ".fetch.lock"
CHUNK = 1 << 16
USER_AGENT = "regio-analysis (open onderwijsdata)"
RETRY_STATUS = frozenset({408, 425, 429})
CATALOGUS_HINT = ("DUO verandert de bestandsnamen elk jaar: zoek de huidige naam op "
                  "https://duo.nl/open_onderwijsdata/ en geef een catalogus met die naam mee: "
                  "regio-analysis ophalen --catalogus BESTAND (voorbeeld: regio_analysis/io/duo_bestanden.yaml)")
_KEYS = ("naam", "url", "soort", "sha256", "omschrijving")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Bestand:
    """One catalogue entry."""

    naam: str
    url: str
    soort: str
    sha256: str | None = None
    omschrijving: str = ""


# ------------------------------------------------------------------ catalogue, cache folder, manifest


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/regio_analysis/duo``, or ``~/.cache/regio_analysis/duo``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "regio_analysis" / "duo"


def read_catalogus(path: str | Path | None = None) -> list[Bestand]:
    """The entries of a catalogue file (YAML: ``bestanden:`` list, or a bare list); the packaged
    ``duo_bestanden.yaml`` when ``path`` is None. DataError naming the file and entry otherwise."""
    if path is None:
        text = resources.files("regio_analysis.io").joinpath(CATALOGUS_FILE).read_text(encoding="utf-8")
        name = f"{CATALOGUS_FILE} (meegeleverd)"
        return parse_catalogus(parse_yaml(text, name), name)
    return parse_catalogus(read_yaml(path), str(path))


def parse_catalogus(data: Any, name: str = "<catalogus>") -> list[Bestand]:
    """Validate catalogue data (as parsed from YAML) into :class:`Bestand` entries."""
    rows = data.get("bestanden") if isinstance(data, dict) and set(data) == {"bestanden"} else data
    if not isinstance(rows, list) or not rows:
        raise DataError(Problem(name, "een catalogus is een niet-lege lijst 'bestanden:' met per bestand "
                                      "naam, url en soort"))
    problems: list[Problem] = []
    out: list[Bestand] = []
    seen: set[str] = set()
    for i, row in enumerate(rows, 1):
        where = f"bestand {i}" + (f" ({row.get('naam')})" if isinstance(row, dict) and row.get("naam") else "")
        if not isinstance(row, dict):
            problems.append(Problem(name, f"{where}: verwacht naam/url/soort, niet {row!r}"))
            continue
        errors = []
        unknown = sorted(str(k) for k in row if k not in _KEYS)
        if unknown:
            errors.append(f"onbekende sleutel(s) {', '.join(unknown)} (toegestaan: {', '.join(_KEYS)})")
        missing = [k for k in ("naam", "url", "soort") if not isinstance(row.get(k), str) or not row[k].strip()]
        if missing:
            errors.append(f"{', '.join(missing)} ontbreekt of is geen tekst")
        naam = str(row.get("naam") or "").strip()
        if naam and (Path(naam).name != naam or "\\" in naam or naam.startswith(".") or naam == MANIFEST
                     or naam.endswith((PART, PART + ".json"))):
            errors.append(f"naam {naam!r} moet een gewone bestandsnaam zijn (geen map, niet met een punt "
                          f"beginnen, niet {MANIFEST} of *{PART})")
        elif naam in seen:
            errors.append(f"naam {naam!r} staat er twee keer in")
        url = str(row.get("url") or "").strip()
        parts = urllib.parse.urlsplit(url)
        if url and (parts.scheme not in ("http", "https") or not parts.netloc):
            errors.append(f"url {url!r} is geen http(s)-adres")
        soort = row.get("soort")
        if isinstance(soort, str) and soort.strip() and soort.strip() not in SOORTEN:
            errors.append(f"soort {soort!r} onbekend (kies uit {', '.join(SOORTEN)})")
        digest = row.get("sha256")
        if digest is not None and (not isinstance(digest, str) or not _SHA256.fullmatch(digest.strip().lower())):
            errors.append("sha256 moet 64 hexadecimale tekens zijn")
        if errors:
            problems.append(Problem(name, f"{where}: " + "; ".join(errors)))
            continue
        seen.add(naam)
        out.append(Bestand(naam, _quote_url(url), soort.strip(), digest.strip().lower() if digest else None,
                           str(row.get("omschrijving") or "").strip()))
    if problems:
        raise DataError(problems)
    return out


def _quote_url(url: str) -> str:
    """``url`` with spaces and non-ASCII percent-encoded (an encoded URL is left as it is)."""
    return urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def read_manifest(naar: str | Path | None = None) -> dict[str, dict]:
    """The cache's manifest as ``{naam: entry}`` (empty when there is none yet)."""
    path = Path(naar or default_cache_dir()).expanduser() / MANIFEST
    if not path.exists():
        return {}
    problem = ("verwijder het en haal de bestanden opnieuw op met `regio-analysis ophalen --opnieuw`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataError(Problem(str(path), f"geen geldige JSON ({err}); {problem}")) from None
    rows = data.get("bestanden") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(
            isinstance(r, dict) and isinstance(r.get("naam"), str) and isinstance(r.get("sha256"), str) for r in rows):
        raise DataError(Problem(str(path), f"onverwachte opbouw (een lijst 'bestanden' met naam en sha256); {problem}"))
    return {r["naam"]: r for r in rows}


def _write_manifest(folder: Path, manifest: Mapping[str, dict]) -> None:
    rows = [manifest[k] for k in sorted(manifest)]
    write_text(folder / MANIFEST, json.dumps({"bestanden": rows}, indent=2, ensure_ascii=False) + "\n")


# ------------------------------------------------------------------ fetching


def fetch_files(
    catalogus: str | Path | Iterable[Bestand | Mapping[str, Any]] | None = None,
    naar: str | Path | None = None,
    *,
    offline: bool = False,
    opnieuw: bool = False,
    pogingen: int = 3,
    timeout: float = 60,
    voortgang: Callable[[str], None] | None = None,
    backoff: float = 1.0,
) -> list[dict]:
    """Download every file of ``catalogus`` (a YAML path, entries, or None for the packaged one)
    into ``naar`` (default :func:`default_cache_dir`) and update its ``manifest.json``.

    Returns one dict per catalogue entry, in catalogue order: the manifest entry (``naam, url,
    soort, datum, bytes, sha256`` [, ``etag``, ``last_modified``]) plus ``pad`` (the cached file) and
    ``status``: ``gedownload``, ``hervat`` (a partial download was continued), ``overgeslagen``
    (unchanged in the cache) or ``in cache`` (offline). ``voortgang`` gets one Dutch line per file.
    ``backoff`` is the first wait in seconds between attempts (doubled each time).

    A file that cannot be fetched does not stop the others; afterwards one DataError lists every
    file that failed (the others are in the cache and the manifest). A disk error stops at once.
    """
    entries = _entries(catalogus)
    folder = Path(naar).expanduser() if naar else default_cache_dir()
    say = voortgang or (lambda _line: None)
    if pogingen < 1:
        raise ValueError("pogingen must be at least 1")
    if offline:
        if opnieuw:
            raise DataError(Problem("<opdracht>", "--opnieuw en --offline gaan niet samen"))
        return _check_offline(entries, folder, say)
    results: list[dict] = []
    problems: list[Problem] = []
    try:
        make_dir(folder)
        with _lock(folder):
            manifest = read_manifest(folder)
            for b in entries:
                try:
                    row = _fetch_one(b, folder, manifest.get(b.naam), opnieuw=opnieuw, pogingen=pogingen,
                                     timeout=timeout, backoff=backoff, say=say)
                except DataError as err:
                    say(f"{b.naam}: mislukt")
                    problems.extend(err.problems)
                    continue
                entry = {k: v for k, v in row.items() if k not in ("pad", "status")}
                if manifest.get(b.naam) != entry:
                    manifest[b.naam] = entry
                    _write_manifest(folder, manifest)
                results.append(row)
    except OSError as err:
        text = describe_os_error(err)
        where = str(err.filename) if err.filename else str(folder)
        raise DataError(Problem(where, text.removeprefix(f"{where}: "))) from None
    if problems:
        raise DataError(problems)
    return results


def _entries(catalogus) -> list[Bestand]:
    if catalogus is None or isinstance(catalogus, (str, os.PathLike)):
        return read_catalogus(catalogus)
    rows = [asdict(c) if isinstance(c, Bestand) else dict(c) for c in catalogus]
    for row in rows:
        if row.get("sha256") is None:
            row.pop("sha256", None)
    return parse_catalogus(rows)


@contextlib.contextmanager
def _lock(folder: Path):
    """One ``fetch`` per cache folder at a time (POSIX ``flock``; no lock elsewhere)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = open_lock_file(folder / LOCK)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataError(Problem(str(folder), "een andere `regio-analysis ophalen` schrijft al in deze map; "
                                                 "wacht tot die klaar is")) from None
        yield
    finally:
        os.close(fd)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 50_000 or n == 0 else "<0.1 MB"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _changed(naam: str, folder: Path, expected: str, got: str) -> Problem:
    return Problem(str(folder / naam), f"het bestand in de cache is veranderd sinds het werd opgehaald "
                                       f"(manifest: sha256 {expected}, nu {got}); het wordt niet gebruikt. "
                                       "Haal het opnieuw op met `regio-analysis ophalen --opnieuw`, of verwijder het")


def _fetch_one(b: Bestand, folder: Path, known: dict | None, *, opnieuw: bool, pogingen: int, timeout: float,
               backoff: float, say: Callable[[str], None]) -> dict:
    target = folder / b.naam
    if target.is_file() and not opnieuw:
        digest = sha256_of(target)
        if known is not None and digest != known.get("sha256"):
            raise DataError(_changed(b.naam, folder, known.get("sha256"), digest))
        up_to_date = (known is not None and known.get("url") == b.url and known.get("soort") == b.soort
                      and b.sha256 in (None, digest))
        if up_to_date:
            say(f"{b.naam}: {_mb(known.get('bytes', 0))} overgeslagen (ongewijzigd in de cache)")
            return {**known, "pad": str(target), "status": "overgeslagen"}
        if known is None and b.sha256 == digest:  # a file put there by hand, as the catalogue expects
            size = target.stat().st_size
            mtime = dt.datetime.fromtimestamp(target.stat().st_mtime, dt.timezone.utc)
            say(f"{b.naam}: {_mb(size)} overgeslagen (in de cache, sha256 volgens de catalogus)")
            return {"naam": b.naam, "url": b.url, "soort": b.soort, "datum": mtime.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "bytes": size, "sha256": digest, "pad": str(target), "status": "overgeslagen"}
    return _download(b, folder, pogingen=pogingen, timeout=timeout, backoff=backoff, say=say)


@dataclass
class _State:
    """What one download learned so far (across attempts)."""

    part: Path
    info: Path
    etag: str | None = None
    last_modified: str | None = None
    resumed_at: int | None = None  # the offset of the first successful resume
    restarted: bool = False  # the server answered 200 to a Range request


def _download(b: Bestand, folder: Path, *, pogingen: int, timeout: float, backoff: float,
              say: Callable[[str], None]) -> dict:
    state = _State(folder / (b.naam + PART), folder / (b.naam + PART + ".json"))
    _load_part_info(state, b.url)
    try:
        last = ""
        for poging in range(1, pogingen + 1):
            if poging > 1 and backoff > 0:
                time.sleep(backoff * 2 ** (poging - 2))
            outcome = _attempt(b, state, timeout)
            if outcome is None:
                break
            last = outcome
        else:
            have = state.part.stat().st_size if state.part.exists() else 0
            kept = (f" Wat binnen is ({_mb(have)}) blijft staan als {state.part.name} en wordt de volgende keer "
                    "hervat." if have else "")
            raise DataError(Problem(b.naam, f"{b.url} niet opgehaald na {pogingen} poging(en): {last}.{kept} "
                                            "Controleer de internetverbinding, of gebruik --offline om alleen "
                                            "de cache te gebruiken"))
        digest = sha256_of(state.part)
        size = state.part.stat().st_size
        if b.sha256 and digest != b.sha256:
            _remove(state.part, state.info)
            raise DataError(Problem(b.naam, f"controlegetal klopt niet: verwacht sha256 {b.sha256}, ontvangen "
                                            f"{digest} ({size} bytes van {b.url}). De download is verwijderd; "
                                            "een eerder bestand in de cache is niet vervangen. Controleer de "
                                            "sha256 in de catalogus (DUO ververst bestanden onder dezelfde naam)"))
        move(state.part, folder / b.naam)
        _remove(state.info)
    except OSError:  # the disk (full, read-only, no rights): leave nothing half-written behind
        _remove(state.part, state.info)
        raise
    entry = {"naam": b.naam, "url": b.url, "soort": b.soort, "datum": _now(), "bytes": size, "sha256": digest}
    entry.update({k: v for k, v in (("etag", state.etag), ("last_modified", state.last_modified)) if v})
    how = "gedownload"
    if state.resumed_at is not None:
        how = f"hervat na {_mb(state.resumed_at)}, compleet"
    elif state.restarted:
        how = "gedownload (de server kon niet hervatten; opnieuw begonnen)"
    say(f"{b.naam}: {_mb(size)} {how}")
    return {**entry, "pad": str(folder / b.naam), "status": "hervat" if state.resumed_at is not None else "gedownload"}


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _load_part_info(state: _State, url: str) -> None:
    """Validators of a ``.part`` from an earlier run; a part of unknown origin is discarded."""
    if not state.part.exists():
        _remove(state.info)
        return
    try:
        info = json.loads(state.info.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = None
    if not isinstance(info, dict) or info.get("url") != url:
        _remove(state.part, state.info)
        return
    state.etag, state.last_modified = info.get("etag"), info.get("last_modified")


def _attempt(b: Bestand, state: _State, timeout: float) -> str | None:
    """One request: None when ``state.part`` is complete, a Dutch reason when worth retrying;
    DataError when not (404 and the like)."""
    offset = state.part.stat().st_size if state.part.exists() else 0
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if state.etag or state.last_modified:
            headers["If-Range"] = state.etag or state.last_modified
    try:
        response = urllib.request.urlopen(urllib.request.Request(b.url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as err:
        with contextlib.closing(err):
            if err.code == 416 and offset:
                if _content_range(err.headers.get("Content-Range"))[2] == offset:
                    return None  # the part was complete already
                _remove(state.part)
                return "de server kon het gevraagde deel niet leveren (HTTP 416); opnieuw begonnen"
            if err.code in RETRY_STATUS or err.code >= 500:
                return f"HTTP {err.code} ({err.reason})"
            raise DataError(Problem(b.naam, _http_message(err.code, err.reason, b.url))) from None
    except (OSError, http.client.HTTPException) as err:  # URLError, refused, reset, time-out
        return _network_message(err, b.url, timeout)
    with response:
        ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype in ("text/html", "application/xhtml+xml") and not b.naam.lower().endswith((".html", ".htm")):
            raise DataError(Problem(b.naam, f"{b.url} gaf een webpagina in plaats van het bestand "
                                            f"(Content-Type {ctype}); waarschijnlijk bestaat deze naam niet meer. "
                                            + CATALOGUS_HINT))
        status = response.status
        if status == 206 and offset:
            start, _end, _total = _content_range(response.headers.get("Content-Range"))
            if start != offset:
                _remove(state.part)
                return "de server stuurde een ander deel dan gevraagd; opnieuw begonnen"
            mode = "ab"
            if state.resumed_at is None:
                state.resumed_at = offset
        elif status == 200:
            state.restarted = state.restarted or bool(offset)
            offset, mode = 0, "wb"
            state.etag, state.last_modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            write_text(state.info, json.dumps({"url": b.url, "etag": state.etag, "last_modified": state.last_modified}))
        else:
            return f"onverwacht antwoord HTTP {status}"
        length = _int(response.headers.get("Content-Length"))
        received = 0
        with open(state.part, mode) as fh:
            while True:
                try:
                    chunk = response.read(CHUNK)
                except (OSError, http.client.HTTPException) as err:
                    return f"{_network_message(err, b.url, timeout)} (na {offset + received} bytes)"
                if not chunk:
                    break
                fh.write(chunk)
                received += len(chunk)
    if length is not None and received < length:
        return f"de verbinding werd verbroken na {offset + received} van {offset + length} bytes"
    return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _content_range(text: str | None) -> tuple[int | None, int | None, int | None]:
    """``bytes 10-99/100`` -> (10, 99, 100); ``bytes */100`` -> (None, None, 100)."""
    m = re.fullmatch(r"\s*bytes\s+(?:(\d+)-(\d+)|\*)/(\d+|\*)\s*", text or "")
    if not m:
        return None, None, None
    return _int(m.group(1)), _int(m.group(2)), _int(m.group(3))


def _http_message(code: int, reason: str, url: str) -> str:
    if code in (404, 410):
        return f"{url} bestaat niet (HTTP {code}). {CATALOGUS_HINT}"
    if code in (401, 403):
        return f"geen toegang tot {url} (HTTP {code} {reason})"
    return f"{url} gaf HTTP {code} ({reason})"


def _network_message(err: BaseException, url: str, timeout: float) -> str:
    host = urllib.parse.urlsplit(url).hostname or url
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, socket.gaierror):
        return f"kan de server {host} niet vinden (DNS: {reason.strerror or reason}); is er een internetverbinding?"
    if isinstance(reason, ConnectionRefusedError):
        return f"de server {host} is onbereikbaar (verbinding geweigerd)"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"geen antwoord van {host} binnen {timeout:g} s"
    if isinstance(reason, (ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return f"de verbinding met {host} werd verbroken"
    if isinstance(reason, ssl.SSLError):
        return f"de beveiligde verbinding met {host} mislukte ({reason})"
    return f"{host} is onbereikbaar ({reason})"


# ------------------------------------------------------------------ offline


def _check_offline(entries: list[Bestand], folder: Path, say: Callable[[str], None]) -> list[dict]:
    manifest = read_manifest(folder)
    missing: list[str] = []
    problems: list[Problem] = []
    rows: list[dict] = []
    for b in entries:
        target = folder / b.naam
        if not target.is_file():
            missing.append(b.naam)
            continue
        known = manifest.get(b.naam)
        digest = sha256_of(target)
        if known is None:
            problems.append(Problem(str(target), "staat in de cache maar niet in manifest.json (herkomst onbekend); "
                                                 "haal het op met `regio-analysis ophalen --opnieuw` (zonder --offline)"))
        elif digest != known.get("sha256"):
            problems.append(_changed(b.naam, folder, known.get("sha256"), digest))
        elif known.get("url") != b.url:
            problems.append(Problem(str(target), f"komt van {known.get('url')}, de catalogus noemt {b.url}; haal het "
                                                 "opnieuw op met `regio-analysis ophalen` (zonder --offline)"))
        elif b.sha256 and digest != b.sha256:
            problems.append(Problem(str(target), f"sha256 {digest} in de cache, de catalogus verwacht {b.sha256}; "
                                                 "haal het opnieuw op met `regio-analysis ophalen` (zonder --offline)"))
        else:
            say(f"{b.naam}: {_mb(known.get('bytes', 0))} in de cache (offline)")
            rows.append({**known, "pad": str(target), "status": "in cache"})
    if missing:
        problems.insert(0, Problem(str(folder), f"{len(missing)} bestand(en) ontbreken in de cache: "
                                                f"{', '.join(missing)}. Haal ze op met `regio-analysis ophalen` "
                                                "(zonder --offline)"))
    if problems:
        raise DataError(problems)
    return rows
