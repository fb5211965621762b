"""A region's tables as one object (:class:`RegionData`), the key-figure selector, and its sources in
words (:func:`documenttitel`, :func:`leesbare_bron`: a document's title and section, never a file name)."""
from __future__ import annotations

import re
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
    #: the DUO layer (``data.duo_laag``): tables derived from DUO's national files, with regional,
    #: national and provincial rows (``niveau``), kept apart from the published tables above
    duo: dict[str, pd.DataFrame] = field(default_factory=dict)
    duo_herkomst: dict[str, Any] = field(default_factory=dict)

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


# ------------------------------------------------------------------ sources in words

_BESTAND = re.compile(r"[\w.-]+\.(?:txt|pdf|docx?|xlsx?|csv|md|html?)\b", re.IGNORECASE)


def documenttitel(region: RegionData) -> str:
    """The title of the region's source document: the ``bron`` of its ``regio.yaml`` when that is a
    title (not a file name), else ``bron_titel``, else the kind of plan, the region's name and the
    plan's period ("Activiteitenplan Rond Bommel en Dommel 2026–2029"; a one-year period is a
    subsidy's *plan van aanpak*)."""
    meta = region.meta
    own = str(meta.get("bron") or "").strip()
    if (own and not _BESTAND.fullmatch(own)) or meta.get("bron_titel"):
        return str(meta.get("bron_titel") or own)
    periode = str(meta.get("periode") or "").strip().replace("-", "–")
    soort = "Plan van aanpak" if re.fullmatch(r"\d{4}", periode) else "Activiteitenplan"
    return " ".join(p for p in (soort, str(meta.get("naam") or region.regio_id), periode) if p)


def leesbare_bron(region: RegionData, bron) -> str:
    """A ``bron`` of the region's tables as a reader can look it up: the document's title and
    section ("Activiteitenplan Noorderwijzer 2026–2029, § 3.1.3 Behouden"), never a file name (a
    file is named by its title from ``bronnen`` in ``regio.yaml``, the region's own document by
    :func:`documenttitel`, any other as "een ander document van de regio"). Idempotent."""
    text = "" if bron is None or (not isinstance(bron, str) and pd.isna(bron)) else str(bron).strip()
    titles = {str(k): str(v) for k, v in (region.meta.get("bronnen") or {}).items()}
    own = str(region.meta.get("bron") or "").strip()
    if _BESTAND.fullmatch(own):
        titles.setdefault(own, documenttitel(region))
    text = _BESTAND.sub(lambda m: titles.get(m.group(0), "een ander document van de regio"), text)
    return re.sub(r"(?<!,)\s+§", ", §", text) or "bron niet vermeld"


def jaar_vermeld(value) -> bool:
    """False when a row's ``jaar_vermeld`` says its source gives no year (its year is a placeholder)."""
    return str(value).strip().lower() not in ("false", "0", "nee", "no")
