"""``load_region``: one validated :class:`RegionData` for a region.

A region folder holds ``regio.yaml`` and any of the canonical tables as ``<table>.csv``
(see ``schemas.TABLES``). Every file is read read-only, converted and validated; all
problems of all files are collected and raised together as one DataError, so a user
fixes a folder in one pass. Person identifiers are pseudonymised as they are loaded.
"""
from __future__ import annotations

import copy
import hashlib
import json
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import read_bytes, read_delimited, read_text
from regio_analysis.data.privacy import get_key, pseudonymise
from regio_analysis.data.regions import HERKOMST_BESTAND, LAAG_MAP, REGIO_FILE, check_inside, read_regio_yaml, region_dir
from regio_analysis.data.region import PERSON_ID_COLUMNS, RegionData
from regio_analysis.data.schemas import TABLES, conform

def _read_folder(folder: Path) -> tuple[dict[str, Any] | None, dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """Read everything in a region folder, collecting problems instead of stopping."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    hashes: dict[str, str] = {}
    meta = None
    try:
        meta = read_regio_yaml(folder)
    except DataError as err:
        problems.extend(err.problems)
    for path in sorted(folder.iterdir()):
        if path.name == REGIO_FILE or path.name.startswith(".") or (path.name == LAAG_MAP and path.is_dir()):
            continue
        try:
            check_inside(path, folder)
        except DataError as err:
            problems.extend(err.problems)
            continue
        if path.suffix.lower() != ".csv":
            problems.append(Problem(str(path), "onbekend bestand in de regiomap; wordt overgeslagen", severity="warning"))
            continue
        table = path.stem
        if table not in TABLES:
            problems.append(Problem(
                str(path), f"onbekende tabel {table!r}; bekende tabellen: {', '.join(TABLES)}", severity="warning"))
            continue
        try:
            raw, tf = read_delimited(path, sep=",", encodings=("utf-8-sig",))
            df = conform(raw, table, file=str(path))
        except DataError as err:
            problems.extend(err.problems)
            continue
        for col in PERSON_ID_COLUMNS:
            if col in df.columns:
                df[col] = pseudonymise(df[col])
        tables[table] = df
        hashes[path.name] = tf.sha256
    return meta, tables, hashes, problems


def _read_duo_layer(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any], dict[str, str], list[Problem]]:
    """The region's DUO layer (``<regiomap>/duo/``, written by ``regio-analysis duo-laag``), if any."""
    layer = folder / LAAG_MAP
    if not layer.is_dir():
        return {}, {}, {}, []
    tables, hashes, problems = {}, {}, []
    herkomst: dict[str, Any] = {}
    for name in ("leerlingen", "personeel"):
        path = layer / f"{name}.csv"
        if not path.is_file():
            continue
        try:
            check_inside(path, folder)
            raw, tf = read_delimited(path, sep=",", encodings=("utf-8-sig",))
            df = conform(raw, name, file=str(path))
            for col in ("cellen_onderdrukt", "vestigingen"):  # the layer's own counts beside the canonical columns
                if col in df.columns:
                    df[col] = pd.to_numeric(df[col], errors="coerce").fillna(0).astype(int)
            tables[name] = df
            hashes[f"{LAAG_MAP}/{path.name}"] = tf.sha256
        except DataError as err:
            problems.extend(err.problems)
    path = layer / HERKOMST_BESTAND
    if tables:
        try:
            check_inside(path, folder)
            herkomst = json.loads(read_text(path).text)
            hashes[f"{LAAG_MAP}/{path.name}"] = hashlib.sha256(read_bytes(path)).hexdigest()
        except (DataError, OSError, ValueError) as err:
            problems.append(Problem(str(path), f"herkomst van de DUO-laag niet leesbaar ({err}); bouw de laag "
                                               "opnieuw met 'regio-analysis duo-laag'"))
    return tables, herkomst, hashes, problems


def validate_region(regio_id_or_dir: str | Path, data_dir: str | Path | None = None) -> list[Problem]:
    """Every problem (errors and warnings) in a region folder, without raising.

    ``regio_id_or_dir`` is a region id (a ``str``, looked up in ``data_dir``) or a
    ``pathlib.Path`` to a region folder.
    An unknown or unsafe region id is returned as a single problem.
    """
    try:
        folder = _resolve(regio_id_or_dir, data_dir)
    except DataError as err:
        return err.problems
    return _read_folder(folder)[3] + _read_duo_layer(folder)[3]


def _resolve(regio_id_or_dir: str | Path, data_dir: str | Path | None) -> Path:
    """A ``Path`` is a region folder; a ``str`` is always a region id (never a path).

    A ``str`` that looks like a path (holds a ``/``) is still not opened, but an error
    says so plainly when no such folder exists, rather than calling it a bad id.
    """
    if isinstance(regio_id_or_dir, Path):
        if not regio_id_or_dir.exists():
            raise DataError(Problem(str(regio_id_or_dir), "map niet gevonden: deze map bestaat niet"))
        if not regio_id_or_dir.is_dir():
            raise DataError(Problem(str(regio_id_or_dir), "dit is geen map (een bestand?)"))
        return regio_id_or_dir
    if isinstance(regio_id_or_dir, str) and ("/" in regio_id_or_dir or "\\" in regio_id_or_dir):
        as_path = Path(regio_id_or_dir)
        if not as_path.exists():
            raise DataError(Problem(regio_id_or_dir, "map niet gevonden: deze map bestaat niet"))
        if not as_path.is_dir():
            raise DataError(Problem(regio_id_or_dir, "dit is geen map (een bestand?); geef een regiomap of regio-id"))
    return region_dir(regio_id_or_dir, data_dir)


def load_region(
    regio_id: str | Path,
    data_dir: str | Path | None = None,
    *,
    synthetic: bool = False,
    seed: int = 0,
) -> RegionData:
    """Load and validate every table of a region.

    Parameters
    ----------
    regio_id:
        A region id such as ``"rond-bommel-en-dommel"``, or a ``pathlib.Path`` to a
        region folder.
    data_dir:
        The tree of region folders (default: the data shipped with the package).
    synthetic:
        When True, microdata tables the region does not have (employment spells, survey
        answers) are generated by ``regio_analysis.data.synthetic``, calibrated to the region's
        published figures, and listed in ``RegionData.synthetisch``.
    seed:
        Seed for the synthetic data.

    Raises DataError listing every problem in every file (warnings are not raised).
    """
    folder = _resolve(regio_id, data_dir)
    key = _cache_key(folder, synthetic, seed)
    if key is not None and key in _LOADED:
        _LOADED.move_to_end(key)
        return _copy(_LOADED[key])
    meta, tables, hashes, problems = _read_folder(folder)
    duo_tables, duo_herkomst, duo_hashes, duo_problems = _read_duo_layer(folder)
    errors = [p for p in problems + duo_problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    assert meta is not None
    region = RegionData(regio_id=meta["regio_id"], meta=meta, path=folder, tables=tables,
                        bestanden={**hashes, **duo_hashes}, duo=duo_tables, duo_herkomst=duo_herkomst)
    if synthetic:
        from regio_analysis.data import synthetic as synth  # local import: synthetic builds on data.region

        for name, df in synth.generate_microdata(region, seed=seed).items():
            if not region.has(name):
                region.tables[name] = df
                region.synthetisch.add(name)
    if key is not None:
        _LOADED[key] = _copy(region)
        while len(_LOADED) > _CACHE_SIZE:
            _LOADED.popitem(last=False)
    return region


# ------------------------------------------------------------------ loaded regions, kept per process

#: the regions loaded in this process, by :func:`_cache_key`; a report's chapters and the cross-region
#: comparison load the same folders again and again, and reading and validating them is most of the cost
_LOADED: OrderedDict[tuple, RegionData] = OrderedDict()
_CACHE_SIZE = 64


def _cache_key(folder: Path, synthetic: bool, seed: int) -> tuple | None:
    """What a load depends on: the folder, the bytes of every file in it (not their times: a file
    rewritten within a clock tick keeps its mtime), the pseudonymisation key and the synthetic
    options. None (do not cache) when the folder holds a link or cannot be read; the load then says why."""
    try:
        paths = sorted(folder.iterdir())
        if (folder / LAAG_MAP).is_dir():
            paths += sorted((folder / LAAG_MAP).iterdir())
        if any(p.is_symlink() for p in paths):
            return None
        files = tuple((str(p.relative_to(folder)), hashlib.sha256(read_bytes(p)).hexdigest()) for p in paths if p.is_file())
        entries = tuple(str(p.relative_to(folder)) for p in paths)
    except OSError:
        return None
    try:
        secret = hashlib.sha256(get_key()).hexdigest()
    except DataError as err:  # no key: a region without person ids still loads; with them it fails again
        secret = f"geen sleutel: {err}"
    return str(folder.resolve()), entries, files, secret, bool(synthetic), int(seed)


def _copy(region: RegionData) -> RegionData:
    """A copy that shares nothing mutable with ``region``: a caller may change its tables freely."""
    return RegionData(regio_id=region.regio_id, meta=copy.deepcopy(region.meta), path=region.path,
                      tables={name: df.copy(deep=True) for name, df in region.tables.items()},
                      bestanden=dict(region.bestanden), synthetisch=set(region.synthetisch),
                      duo={name: df.copy(deep=True) for name, df in region.duo.items()},
                      duo_herkomst=copy.deepcopy(region.duo_herkomst))
