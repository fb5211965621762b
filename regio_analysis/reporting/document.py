"""The parts of a region's report around its chapters: the cover and the appendix on how it was made.

The cover says what a reader needs first (region, the period of its plan, date, version); the
appendix ("Verantwoording") holds what a reader needs to reproduce or check the report: every parameter
with its meaning, the software versions, each input file with its sha256, and per chapter what it rests on.
Both are plain text escaped here (the cover by the template); nothing from data is trusted as HTML.
"""
from __future__ import annotations

import html as htmllib
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any, Iterable

from regio_analysis import DataError, __version__
from regio_analysis.data.regions import HERKOMST_BESTAND, LAAG_MAP
from regio_analysis.io.files import read_text, sha256_of
from regio_analysis.reporting.build_info import LOCK_NAME, lock_status
from regio_analysis.reporting.chapters import Chapter, all_params
from regio_analysis.reporting.html import datum_tekst

#: packages whose versions the appendix lists (those that compute or draw what the report shows)
SOFTWARE = ("pandas", "numpy", "scipy", "statsmodels", "lifelines", "matplotlib", "seaborn", "papermill",
            "nbconvert", "krippendorff", "simplemma")

_SOORT_WOORDEN = {"gepubliceerd": "gepubliceerde cijfers van de regio", "berekend": "berekeningen van het pakket",
                  "berekend uit DUO": "cijfers opgeteld uit de landelijke bestanden van DUO",
                  "synthetisch": "synthetische gegevens (een demonstratie)"}


def voorblad(started: str, commit: str, periode: str = "") -> list[tuple[str, str]]:
    """The cover's rows: the period of the region's plan (``regio.yaml``), date of the run, version, and the
    environment against the lock file (plain text)."""
    rows = []
    if periode:
        rows.append(("Periode", f"activiteitenplan {str(periode).replace('-', '–')}"))
    rows.append(("Datum", datum_tekst(started).split(",")[0]))
    rows.append(("Versie", f"regio_analysis {__version__} (commit {commit})"))
    lock = lock_status()
    rows.append(("Omgeving", lock.cover_text() if lock else f"zonder {LOCK_NAME}: de versies staan in de verantwoording"))
    return rows


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "niet geïnstalleerd"


def _table(head: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    th = "".join(f"<th>{htmllib.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _duo_files(region_dir: Path) -> list[tuple[str, str]]:
    """The region's DUO layer (``duo/``) and the national DUO files it was derived from, with their sha256."""
    layer = region_dir / LAAG_MAP
    if not layer.is_dir():
        return []
    rows = [(f"{LAAG_MAP}/{p.name}", sha256_of(p)) for p in sorted(layer.iterdir()) if p.is_file()]
    try:
        herkomst = json.loads(read_text(layer / HERKOMST_BESTAND).text)
    except (DataError, OSError, ValueError):
        return rows
    return rows + [(f"DUO: {f.get('naam', '')}", str(f.get("sha256", ""))) for f in herkomst.get("bestanden", [])]


def verantwoording(params: dict[str, Any], chapters: tuple[Chapter, ...], *, started: str, seconds: float,
                   commit: str, region_dir: Path) -> str:
    """The appendix on how the report was made, as HTML (every value escaped)."""
    e = htmllib.escape
    specs = all_params(chapters)
    shown = [(f"<code>{e(name)}</code>", "(leeg)" if value == "" else f"<code>{e(str(value))}</code>",
              e(specs[name].help if name in specs else "")) for name, value in params.items() if name != "output_dir"]
    files = [(f"<code>{e(p.name)}</code>", f"<code>{sha256_of(p)}</code>")
             for p in sorted(region_dir.iterdir()) if p.is_file()] if region_dir.is_dir() else []
    duo = _duo_files(region_dir)
    files += [(f"<code>{e(name)}</code>", f"<code>{e(digest)}</code>") for name, digest in duo]
    software = [("Python", e(platform.python_version())), ("regio_analysis", e(f"{__version__}, commit {commit}")),
                *((e(name), e(_version(name))) for name in SOFTWARE)]
    lock = lock_status()
    software.append((e(LOCK_NAME), e(lock.appendix_text()) if lock else "niet gevonden (een installatie zonder lock)"))
    rests = []
    for ch in chapters:
        kinds = [*ch.soorten, *(["berekend uit DUO"] if ch.duo and duo else []),
                 *(["synthetisch"] if ch.synthetisch else [])]
        what = "; ".join(_SOORT_WOORDEN.get(k, k) for k in dict.fromkeys(kinds)) or "–"
        extra = f"; standaardwaarden van het pakket: {ch.standaard}" if ch.standaard else ""
        rests.append((e(f"{ch.nummer} {ch.title}".strip()), e(what + extra)))
    return (
        '<div class="ra-verantwoording">'
        '<h1 id="Verantwoording">Verantwoording</h1>'
        "<p>Dit rapport is gemaakt door het Python-pakket regio_analysis uit de hoofdstukken hieronder, met de "
        "parameters en invoerbestanden die hier staan. Met dezelfde versie, parameters en bestanden geeft het "
        "dezelfde cijfers (synthetische gegevens komen uit een generator met een vaste seed). Welke methode een "
        "cijfer heeft, staat bij de tabel of figuur (de regel Herkomst) en in de uitleg van het hoofdstuk; elk "
        "gepubliceerd cijfer staat met bron en jaar in de bijlage met de gepubliceerde cijfers.</p>"
        f"<p>Uitgevoerd op {e(datum_tekst(started))}, in {seconds:.0f} seconden.</p>"
        "<h2 id=\"Verantwoording-hoofdstukken\">Waarop elk hoofdstuk rust</h2>"
        + _table(("Hoofdstuk", "Gegevens"), rests)
        + "<h2 id=\"Verantwoording-parameters\">Parameters</h2>"
        + _table(("Parameter", "Waarde", "Betekenis"), shown)
        + "<h2 id=\"Verantwoording-invoer\">Invoerbestanden</h2>"
        + ("<p>De bestanden van de regio, met hun sha256-controlegetal: wie een bestand vervangt, ziet het aan een "
           "ander getal." + (" De regels duo/ zijn de tabellen die het pakket uit de landelijke DUO-bestanden (DUO:) "
                             "voor de regio heeft opgeteld." if duo else "") + "</p>" + _table(("Bestand", "sha256"), files) if files else "<p>Geen invoerbestanden.</p>")
        + "<h2 id=\"Verantwoording-software\">Software</h2>"
        + _table(("Pakket", "Versie"), software)
        + "</div>"
    )
