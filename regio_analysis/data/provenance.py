"""Where a number in a report comes from: its kind (:class:`Soort`) and what it rests on (:class:`Herkomst`).

Every table and figure a chapter shows carries its provenance (:func:`markeer`); the report prints it
under the table or figure (``report.tables.toon_tabel``/``toon_figuur`` refuse a table without one), and
the first screen of the report says which chapter rests on which kind (:func:`per_hoofdstuk`). Four kinds:

``gepubliceerd``
    a figure from a document of the region, named by title and section (never a file name);
``berekend``
    computed by the package from published figures or the region's own microdata, by a stated rule;
``synthetisch``
    demonstration data made by the package (``data.synthetic``): never a finding about the region;
``standaardwaarde``
    a default of the package (a scenario assumption, a target): never a norm.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable

import pandas as pd

from regio_analysis.data.region import MICRODATA_TABLES, RegionData, documenttitel, leesbare_bron
from regio_analysis.frozen import Immutable


class Soort(str, Enum):
    GEPUBLICEERD = "gepubliceerd"
    BEREKEND = "berekend"
    DUO = "berekend uit DUO"
    SYNTHETISCH = "synthetisch"
    STANDAARDWAARDE = "standaardwaarde"


#: What each kind means, in the report's words (the legend of the first screen).
BETEKENIS: dict[Soort, str] = {
    Soort.GEPUBLICEERD: "een cijfer uit een document van de regio; titel en paragraaf staan erbij",
    Soort.BEREKEND: "door het pakket berekend uit gepubliceerde cijfers of uit eigen gegevens van de regio, "
                    "met de regel erbij",
    Soort.DUO: "door het pakket berekend uit de openbare landelijke bestanden van DUO (Dienst Uitvoering Onderwijs), "
               "opgeteld over de gemeenten, besturen of vestigingen van de regio; bestanden en rekenregel staan erbij",
    Soort.SYNTHETISCH: "door het pakket gemaakte demonstratiegegevens: laat zien wat de methode doet, "
                       "zegt niets over de regio",
    Soort.STANDAARDWAARDE: "een standaardwaarde van het pakket, geen norm: vervang haar door de keuze of "
                           "ambitie van de regio",
}


@dataclass(frozen=True)
class Herkomst(Immutable):
    """One kind of provenance and what it rests on: the source in words (``gepubliceerd``), the inputs
    and rule (``berekend``), what was generated (``synthetisch``), or which default (``standaardwaarde``)."""

    soort: Soort
    toelichting: str

    def tekst(self) -> str:
        return f"{self.soort.value} ({self.toelichting})" if self.toelichting else self.soort.value


def gepubliceerd(bron: str) -> Herkomst:
    return Herkomst(Soort.GEPUBLICEERD, bron)


def berekend(uit_en_regel: str) -> Herkomst:
    return Herkomst(Soort.BEREKEND, uit_en_regel)


def berekend_uit_duo(region: RegionData) -> Herkomst:
    """The DUO layer's provenance: the national files (name and the start of their sha256) and the rules."""
    files = [f for f in region.duo_herkomst.get("bestanden", []) if f.get("soort") != "correcties"]
    n = len(files)
    fixes = region.duo_herkomst.get("correcties") or []
    fixed = f"; {len(fixes)} {'correctie' if len(fixes) == 1 else 'correcties'} van DUO toegepast" if fixes else ""
    return Herkomst(Soort.DUO, f"{n} {'bestand' if n == 1 else 'bestanden'} van DUO's open onderwijsdata, met naam en "
                               f"sha256 onder Invoerbestanden in de verantwoording{fixed}; personeel per instelling "
                               "naar het aandeel van de regio in de leerlingen van die instelling")


def synthetisch(wat: str) -> Herkomst:
    return Herkomst(Soort.SYNTHETISCH, wat)


def standaardwaarde(welke: str) -> Herkomst:
    return Herkomst(Soort.STANDAARDWAARDE, welke)


def bronnen_van(region: RegionData, *frames: pd.DataFrame, max_paragrafen: int = 3) -> str:
    """The distinct sources of the rows of ``frames`` (their ``bron`` column) in words, joined by "; "
    (:func:`~regio_analysis.data.region.leesbare_bron`); a document cited in more than ``max_paragrafen``
    sections is named once ("…, verschillende paragrafen"); the region's document when no row names one."""
    found = [leesbare_bron(region, b) for df in frames if "bron" in getattr(df, "columns", ())
             for b in df["bron"].dropna() if str(b).strip()]
    per_document: dict[str, list[str]] = {}
    for bron in dict.fromkeys(found):
        per_document.setdefault(bron.split(", § ")[0], []).append(bron)
    parts = [bronnen[0] if len(bronnen) == 1 else f"{doc}, verschillende paragrafen"
             if len(bronnen) > max_paragrafen else "; ".join(bronnen) for doc, bronnen in per_document.items()]
    return "; ".join(parts) or documenttitel(region)


def gepubliceerd_uit(region: RegionData, *frames: pd.DataFrame) -> Herkomst:
    """``gepubliceerd``, naming the sources of the rows of ``frames`` (:func:`bronnen_van`)."""
    return gepubliceerd(bronnen_van(region, *frames))


ATTR = "herkomst"
_FIGURE_ATTR = "_regio_herkomst"


def markeer(obj: Any, *herkomst: Herkomst) -> Any:
    """Attach ``herkomst`` to a table (``DataFrame.attrs``) or a figure (an ``Axes``'s figure) and return
    ``obj``; ``None`` (a figure function with nothing to draw) passes through. Entries add up: marking
    twice keeps both, once each, in order."""
    if obj is None:
        return None
    if not herkomst or not all(isinstance(h, Herkomst) for h in herkomst):
        raise TypeError("markeer needs one or more Herkomst values")
    merged = tuple(dict.fromkeys([*herkomst_van(obj), *herkomst]))
    if isinstance(obj, pd.DataFrame):
        obj.attrs[ATTR] = merged
    else:
        setattr(getattr(obj, "figure", obj), _FIGURE_ATTR, merged)
    return obj


def herkomst_van(obj: Any) -> tuple[Herkomst, ...]:
    """The provenance attached by :func:`markeer` (empty when there is none)."""
    if obj is None:
        return ()
    if isinstance(obj, pd.DataFrame):
        return tuple(obj.attrs.get(ATTR) or ())
    return tuple(getattr(getattr(obj, "figure", obj), _FIGURE_ATTR, ()) or ())


def _default_marked(method):
    @functools.wraps(method)
    def marked(self, *args, **kwargs):
        out = method(self, *args, **kwargs)
        if out is not None and not herkomst_van(out) and not (isinstance(out, pd.DataFrame) and out.empty):
            markeer(out, *self.herkomst())
        return out

    return marked


def met_herkomst(cls: type) -> type:
    """Class decorator for a chapter object with a ``herkomst()`` method (the chapter's own provenance):
    what its ``tabel_*`` and ``figuur_*`` methods, and those named in ``HERKOMST_OOK``, return is marked
    with it, unless the method marked it itself (a table of another kind says so where it is made)."""
    names = [n for n, v in vars(cls).items() if callable(v) and n.startswith(("tabel_", "figuur_"))]
    for name in [*names, *getattr(cls, "HERKOMST_OOK", ())]:
        setattr(cls, name, _default_marked(getattr(cls, name)))
    return cls


def onderschrift(herkomst: Iterable[Herkomst]) -> str:
    """The line printed under a table or figure: "Herkomst: gepubliceerd (…); berekend (…)."."""
    parts = [h.tekst() for h in herkomst]
    return f"Herkomst: {'; '.join(parts)}." if parts else ""


def soorten(herkomst: Iterable[Herkomst]) -> list[Soort]:
    """The kinds in ``herkomst``, each once, in the order of :class:`Soort`."""
    present = {h.soort for h in herkomst}
    return [s for s in Soort if s in present]


# ------------------------------------------------------------------ which chapter rests on what

def synthetische_tabellen(region: RegionData, microdata: Iterable[str]) -> list[str]:
    """The microdata tables among ``microdata`` that a chapter loading ``region`` with synthetic data
    gets from the generator: those already generated, and those the region does not have."""
    return [t for t in microdata if t in region.synthetisch or not region.has(t)]


_MICRODATA_IN_WORDS = {
    "dienstverbanden": "dienstverbanden van personeel",
    "enquete": "enquêteantwoorden",
    "open_antwoorden": "open antwoorden",
}
assert set(_MICRODATA_IN_WORDS) == set(MICRODATA_TABLES)


def microdata_in_woorden(tables: Iterable[str]) -> str:
    names = [_MICRODATA_IN_WORDS.get(t, t) for t in tables]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1] if names else ""


def per_hoofdstuk(region: RegionData, chapters: Iterable[Any]) -> pd.DataFrame:
    """The first screen's table: for each chapter (numbered in order) the kinds it rests on, in words.

    ``chapters`` are the report's chapters (``reporting.chapters.Chapter``: ``title``, the kinds it
    always has in ``soorten``, the microdata tables it uses in ``microdata``, whether it generates those
    the region lacks in ``synthetisch``, its package defaults in ``standaard`` and, in ``standaard_bij``,
    whether they apply to a region). ``region`` is the region as read from its files (no synthetic data)."""
    rows = []
    for chapter in chapters:
        kinds = [Soort(s) for s in chapter.soorten]
        words = []
        own = [t for t in chapter.microdata if region.has(t) and t not in region.synthetisch]
        synth = synthetische_tabellen(region, chapter.microdata) if chapter.synthetisch else []
        if own:
            kinds.append(Soort.BEREKEND)
            words.append(f"eigen {microdata_in_woorden(own)} van de regio")
        if synth:
            kinds.append(Soort.SYNTHETISCH)
            words.append(f"synthetische {microdata_in_woorden(synth)} (de regio levert ze niet)")
        missing = [t for t in chapter.microdata if t not in own and t not in synth]
        if missing:
            words.append(f"zonder {microdata_in_woorden(missing)} (de regio levert ze niet)")
        if getattr(chapter, "duo", False) and region.duo:
            kinds.append(Soort.DUO)
            words.append("openbare landelijke bestanden van DUO, opgeteld over de samenstelling van de regio")
        if chapter.standaard and (chapter.standaard_bij is None or chapter.standaard_bij(region)):
            kinds.append(Soort.STANDAARDWAARDE)
            words.append(chapter.standaard)
        if Soort.GEPUBLICEERD in kinds:
            words.insert(0, f"cijfers uit {documenttitel(region)}")
        ordered = [s.value for s in Soort if s in kinds]
        rows.append({"Hoofdstuk": f"{chapter.nummer} {chapter.title}", "Rust op": ", ".join(ordered),
                     "Toelichting": "; ".join(words)})
    return pd.DataFrame(rows, columns=["Hoofdstuk", "Rust op", "Toelichting"])

