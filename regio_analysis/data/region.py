"""A region's tables as one object (:class:`RegionData`) and the key-figure selector."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.data.schemas import TABLES

# columns that identify people, pseudonymised at load time in every table that has them
PERSON_ID_COLUMNS = ("persoon_id", "respondent_id")
MICRODATA_TABLES = ("dienstverbanden", "enquete", "open_antwoorden")


@dataclass
class RegionData:
    """All tables of one region, validated. Tables are attributes: ``rd.leerlingen``.

    A table the region lacks is an empty frame with the canonical columns; use
    :meth:`has` to tell. ``synthetisch`` names tables made by ``regio_analysis.data.synthetic``
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
