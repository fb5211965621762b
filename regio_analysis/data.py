"""``load_region``: one validated :class:`RegionData` for a region.

A region folder holds ``regio.yaml`` and any of the canonical tables as ``<table>.csv``
(see ``schemas.TABLES``). Every file is read read-only, converted and validated; all
problems of all files are collected and raised together as one DataError, so a user
fixes a folder in one pass. Person identifiers are pseudonymised as they are loaded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import read_delimited
from regio_analysis.privacy import pseudonymise
from regio_analysis.regions import REGIO_FILE, check_inside, read_regio_yaml, region_dir
from regio_analysis.schemas import TABLES, conform

# columns that identify people, pseudonymised at load time in every table that has them
PERSON_ID_COLUMNS = ("persoon_id", "respondent_id")
MICRODATA_TABLES = ("dienstverbanden", "enquete", "open_antwoorden")


@dataclass
class RegionData:
    """All tables of one region, validated. Tables are attributes: ``rd.leerlingen``.

    A table the region lacks is an empty frame with the canonical columns; use
    :meth:`has` to tell. ``synthetisch`` names tables made by ``regio_analysis.synthetic``
    rather than read from files; reports must label those.
    """

    regio_id: str
    meta: dict[str, Any]
    path: Path | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    bestanden: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    synthetisch: set[str] = field(default_factory=set)

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            tables = self.__dict__.get("tables", {})
            return tables[name] if name in tables else TABLES[name].empty()
        raise AttributeError(name)

    def has(self, table: str) -> bool:
        """True when the region has rows for ``table``."""
        if table not in TABLES:
            raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
        return table in self.tables and not self.tables[table].empty

    @property
    def naam(self) -> str:
        return self.meta["naam"]

    def __repr__(self) -> str:
        present = ", ".join(f"{t}[{len(df)}]" for t, df in sorted(self.tables.items()))
        synth = f"; synthetisch: {', '.join(sorted(self.synthetisch))}" if self.synthetisch else ""
        return f"RegionData({self.regio_id!r}, {self.naam!r}: {present}{synth})"


def kengetal_rijen(kengetallen: pd.DataFrame, indicator: str, onderwerp: str | None = None, *,
                   niveau: str = "regio", **match: Any) -> pd.DataFrame:
    """Rows of a ``kengetallen`` table with a value for ``indicator`` (and ``onderwerp``, ``niveau``
    and any ``column=value`` in ``match``), in the table's order."""
    if kengetallen.empty:
        return kengetallen
    sel = (kengetallen["indicator"] == indicator) & (kengetallen["niveau"] == niveau)
    if onderwerp is not None:
        sel &= kengetallen["onderwerp"] == onderwerp
    for col, value in match.items():
        sel &= kengetallen[col] == value
    return kengetallen[sel].dropna(subset=["waarde"])


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
        if path.name == REGIO_FILE or path.name.startswith("."):
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
    return _read_folder(folder)[3]


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
        answers) are generated by ``regio_analysis.synthetic``, calibrated to the region's
        published figures, and listed in ``RegionData.synthetisch``.
    seed:
        Seed for the synthetic data.

    Raises DataError listing every problem in every file (warnings are not raised).
    """
    folder = _resolve(regio_id, data_dir)
    meta, tables, hashes, problems = _read_folder(folder)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    assert meta is not None
    region = RegionData(regio_id=meta["regio_id"], meta=meta, path=folder, tables=tables, bestanden=hashes)
    if synthetic:
        from regio_analysis import synthetic as synth  # local import: synthetic builds on this module

        for name, df in synth.generate_microdata(region, seed=seed).items():
            if not region.has(name):
                region.tables[name] = df
                region.synthetisch.add(name)
    return region
