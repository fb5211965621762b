"""Region registry: which regions exist, where their data lives, and safe region ids.

A region is a folder ``<data_dir>/<regio_id>/`` holding a ``regio.yaml`` and CSV tables
(one per canonical table, see ``schemas.TABLES``). The default tree ships with the
package; ``data_dir=`` (or ``--gegevens``, or the environment variable
``REGIO_ANALYSIS_DATA_DIR``) points at another tree of region folders.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import read_text, read_yaml
from regio_analysis.data.schemas import SLUG_PATTERN

DEFAULT_REGIONS = (
    "noorderwijzer",
    "po-noord-nederland",
    "rond-bommel-en-dommel",
    "kennemerland-groot-amsterdam",
)
SECTOREN = ("PO", "(V)SO", "VO", "MBO")
REGIO_FILE = "regio.yaml"
LAAG_MAP = "duo"  # a region's DUO layer, derived from the national files by ``data.duo_laag``
HERKOMST_BESTAND = "herkomst.json"  # what the layer was derived from: files, sha256, rules
_REQUIRED_KEYS = ("regio_id", "naam", "sectoren", "provincies")
_LIST_KEYS = ("sectoren", "provincies", "gemeenten", "besturen", "opleidingen")


def default_data_dir() -> Path:
    """The tree of region folders used when no ``data_dir`` is given."""
    env = os.environ.get("REGIO_ANALYSIS_DATA_DIR")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parents[1]  # regio_analysis/
    shipped = package / "_default_data" / "regions"  # inside an installed wheel
    if shipped.is_dir():
        return shipped
    return package.parent / "data" / "regions"  # a source checkout / editable install


def check_regio_id(regio_id: Any) -> str:
    """Return ``regio_id`` when it is a safe slug; raise DataError otherwise.

    Only lowercase letters, digits and single hyphens: no path separators, dots or
    spaces, so an id can never point outside the data tree (``../x`` is refused).
    """
    if not isinstance(regio_id, str) or not re.fullmatch(SLUG_PATTERN, regio_id):
        raise DataError(Problem(
            "<regio-id>",
            f"ongeldige regio-id {regio_id!r}: alleen kleine letters, cijfers en koppeltekens "
            "(bijvoorbeeld 'rond-bommel-en-dommel')",
        ))
    return regio_id


def region_dir(regio_id: str, data_dir: str | Path | None = None) -> Path:
    """The folder of region ``regio_id``; DataError when the id is unsafe or unknown."""
    check_regio_id(regio_id)
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    folder = root / regio_id
    if not (folder / REGIO_FILE).is_file():
        known = ", ".join(available_region_ids(root)) or "geen"
        raise DataError(Problem(str(root), f"onbekende regio {regio_id!r}; bekende regio's: {known}"))
    return folder


def available_region_ids(data_dir: str | Path | None = None) -> list[str]:
    """Ids of all folders under ``data_dir`` that hold a ``regio.yaml``, sorted."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / REGIO_FILE).is_file())


def check_inside(path: Path, folder: Path) -> Path:
    """``path`` when it stays inside ``folder`` after following symbolic links; DataError otherwise."""
    target = path.resolve()
    if path.is_symlink() and not target.is_relative_to(folder.resolve()):
        raise DataError(Problem(str(path), f"is een snelkoppeling (symbolische link) naar {target}, buiten de map "
                                           f"{folder}; kopieer het bestand in de map"))
    return path


def _key_line(path: Path, key: str) -> tuple[int, ...]:
    """The line of ``key:`` at the top level of a YAML file, for messages (empty if not found)."""
    try:
        lines = read_text(path, ("utf-8-sig",)).text.split("\n")
    except (OSError, DataError):
        return ()
    pattern = re.compile(rf"^['\"]?{re.escape(key)}['\"]?\s*:")
    return next(((i,) for i, ln in enumerate(lines, 1) if pattern.match(ln)), ())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TEXT_KEYS = ("regio_id", "naam")


def read_regio_yaml(folder: str | Path) -> dict[str, Any]:
    """Read and check a region's ``regio.yaml``; DataError listing every problem.

    ``regio_id`` and ``naam`` must be text (``naam: 2024`` is refused, not turned into a
    number), list keys lists of text; no value may hold control characters (NUL).
    """
    folder = Path(folder)
    path = check_inside(folder / REGIO_FILE, folder)
    name = str(path)
    meta = read_yaml(path)
    if not isinstance(meta, dict):
        raise DataError(Problem(name, "verwacht een YAML-mapping met sleutels als regio_id, naam, sectoren"))
    problems = [Problem(name, f"verplichte sleutel '{k}' ontbreekt") for k in _REQUIRED_KEYS if not meta.get(k)]
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if value is not None and value != "" and not isinstance(value, str):
            problems.append(Problem(name, f"'{key}' moet tekst zijn, niet {type(value).__name__} {value!r}; "
                                          f"zet de waarde tussen aanhalingstekens", rows=_key_line(path, key)))
    for key, value in meta.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and _CONTROL.search(v) for v in values):
            problems.append(Problem(name, f"'{key}' bevat stuurtekens (zoals een NUL-byte)", rows=_key_line(path, str(key))))
    rid = meta.get("regio_id")
    if isinstance(rid, str) and rid != folder.name:
        problems.append(Problem(name, f"regio_id {rid!r} is niet gelijk aan de mapnaam {folder.name!r}",
                                rows=_key_line(path, "regio_id")))
    for key in _LIST_KEYS:
        value = meta.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            problems.append(Problem(name, f"'{key}' moet een lijst van teksten zijn", rows=_key_line(path, key)))
    bad_sectors = [s for s in meta.get("sectoren") or [] if isinstance(s, str) and s not in SECTOREN]
    if bad_sectors:
        problems.append(Problem(name, f"onbekende sector(en) {bad_sectors}; toegestaan: {', '.join(SECTOREN)}",
                                rows=_key_line(path, "sectoren")))
    problems.extend(_samenstelling_problems(meta.get("samenstelling"), path))
    problems.extend(_plan_problems(meta.get(PLAN_KEY), folder, path))
    if problems:
        raise DataError(problems)
    for key in _LIST_KEYS:
        meta.setdefault(key, [])
    if meta.get("samenstelling") is not None:
        meta["samenstelling"] = normalise_samenstelling(meta["samenstelling"], meta["sectoren"])
    return meta


#: the key of ``regio.yaml`` naming the region's own activity plan, a file in its folder; the report then
#: has the chapter that audits it (``planaudit``)
PLAN_KEY = "plan"
PLAN_SUFFIXES = (".txt", ".md", ".docx", ".pdf")  # what io.documents.read_document reads


def _plan_problems(value: Any, folder: Path, path: Path) -> list[Problem]:
    if value is None:
        return []
    rows = _key_line(path, PLAN_KEY)
    if not isinstance(value, str) or not value.strip():
        return [Problem(str(path), f"'{PLAN_KEY}' moet de naam van een bestand in de regiomap zijn", rows=rows)]
    plan = Path(value)
    if plan.is_absolute() or ".." in plan.parts:
        return [Problem(str(path), f"'{PLAN_KEY}: {value}' moet een bestand in de regiomap zijn (een naam, geen pad "
                                   "erbuiten)", rows=rows)]
    if plan.suffix.lower() not in PLAN_SUFFIXES:
        return [Problem(str(path), f"'{PLAN_KEY}: {value}': onbekend documenttype; gebruik "
                                   f"{', '.join(PLAN_SUFFIXES)}", rows=rows)]
    try:
        target = check_inside(folder / plan, folder)
    except DataError as err:
        return list(err.problems)
    if not target.is_file():
        return [Problem(str(path), f"'{PLAN_KEY}: {value}': het bestand {target} bestaat niet", rows=rows)]
    return []


def plan_path(folder: str | Path) -> Path | None:
    """The region's own activity plan (``plan:`` in its ``regio.yaml``), None when it names none."""
    folder = Path(folder)
    name = read_regio_yaml(folder).get(PLAN_KEY)
    return folder / name if name else None


def has_plan(folder: str | Path) -> bool:
    """Whether the region in ``folder`` has its plan in its folder (the report then audits it)."""
    try:
        return plan_path(folder) is not None
    except DataError:
        return False


#: what a region may be composed of, matched against DUO's national files (see ``data.duo_laag``)
SAMENSTELLING_KEYS = ("gemeenten", "besturen", "vestigingen", "provincies", "sectoren")


def _samenstelling_problems(value: Any, path: Path) -> list[Problem]:
    """Problems of a ``samenstelling:`` block: a mapping of lists of codes or names."""
    if value is None:
        return []
    rows = _key_line(path, "samenstelling")
    if not isinstance(value, dict):
        return [Problem(str(path), "'samenstelling' moet sleutels hebben zoals gemeenten, besturen, vestigingen, "
                                   "provincies of sectoren", rows=rows)]
    problems = []
    unknown = [str(k) for k in value if k not in SAMENSTELLING_KEYS]
    if unknown:
        problems.append(Problem(str(path), f"onbekende sleutel(s) in 'samenstelling': {', '.join(unknown)}; "
                                           f"toegestaan: {', '.join(SAMENSTELLING_KEYS)}", rows=rows))
    for key in SAMENSTELLING_KEYS:
        items = value.get(key)
        if items is None:
            continue
        # a bare 0106 is read by YAML as a number (even as octal): codes other than board numbers are quoted
        allowed = (str, int) if key == "besturen" else (str,)
        if not isinstance(items, list) or not all(isinstance(v, allowed) and not isinstance(v, bool)
                                                  for v in items):
            problems.append(Problem(str(path), f"'samenstelling.{key}' moet een lijst van teksten zijn; zet codes "
                                               f"tussen aanhalingstekens (\"0106\"), anders leest YAML ze als getal",
                                    rows=rows))
    bad = [s for s in value.get("sectoren") or [] if isinstance(s, str) and s not in SECTOREN]
    if bad:
        problems.append(Problem(str(path), f"onbekende sector(en) in 'samenstelling': {bad}; "
                                           f"toegestaan: {', '.join(SECTOREN)}", rows=rows))
    if not problems and not any(value.get(k) for k in SAMENSTELLING_KEYS if k != "sectoren"):
        problems.append(Problem(str(path), "'samenstelling' noemt geen gemeenten, besturen, vestigingen of "
                                           "provincies", rows=rows))
    return problems


def normalise_samenstelling(value: dict, sectoren: list[str]) -> dict[str, list[str]]:
    """Every key present as a list of stripped texts; ``sectoren`` defaults to the region's."""
    out = {key: [str(v).strip() for v in value.get(key) or []] for key in SAMENSTELLING_KEYS}
    out["sectoren"] = out["sectoren"] or list(sectoren)
    return out


def list_regions(data_dir: str | Path | None = None) -> pd.DataFrame:
    """All regions under ``data_dir`` as a DataFrame.

    Columns: ``regio_id``, ``naam``, ``sectoren``, ``provincies`` (comma-separated),
    ``gemeenten`` (count), ``bron``, ``geldig`` and ``probleem``. A folder with a broken
    ``regio.yaml`` is listed with ``geldig=False`` and the reason, so one bad region
    never hides the others.
    """
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    rows = []
    for rid in available_region_ids(root):
        try:
            meta = read_regio_yaml(root / rid)
        except DataError as err:
            rows.append({"regio_id": rid, "naam": rid, "sectoren": "", "provincies": "", "gemeenten": 0,
                         "bron": "", "geldig": False, "probleem": str(err)})
            continue
        rows.append({
            "regio_id": rid,
            "naam": meta["naam"],
            "sectoren": ", ".join(meta["sectoren"]),
            "provincies": ", ".join(meta["provincies"]),
            "gemeenten": len(meta["gemeenten"]),
            "bron": str(meta.get("bron", "")),
            "geldig": True,
            "probleem": "",
        })
    columns = ["regio_id", "naam", "sectoren", "provincies", "gemeenten", "bron", "geldig", "probleem"]
    return pd.DataFrame(rows, columns=columns)
