"""The report's chapters, in order, and the typed parameters they accept.

A chapter is a parameterised notebook in ``notebooks/``; adding one is one notebook plus
one line in :data:`CHAPTERS`. Parameters are checked here, before any kernel starts:
papermill itself only warns about unknown names and never checks types.
"""
from __future__ import annotations

import dataclasses
import functools
import importlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from regio_analysis.errors import DataError, Problem
from regio_analysis.data.regions import check_regio_id, region_dir

_PACKAGE = Path(__file__).resolve().parents[1]
# notebooks ship inside the wheel; in a source checkout they are the repository's notebooks/
NOTEBOOK_DIR = _PACKAGE / "_notebooks" if (_PACKAGE / "_notebooks").is_dir() else _PACKAGE.parent / "notebooks"


class ParameterError(DataError):
    """A report parameter that is unknown, of the wrong type or not allowed."""


@dataclass(frozen=True)
class Param:
    """A notebook parameter: its type, default and (optionally) allowed values or a check."""

    type: type
    default: Any
    choices: tuple | None = None
    check: Callable[[Any], str | None] | None = None  # returns a problem text, or None
    help: str = ""
    path: str = ""  # "bestand" or "map": the value names a file or folder (taken literally, made absolute)


@dataclass(frozen=True)
class Chapter:
    name: str
    notebook: str  # file name in notebooks/
    title: str
    params: dict[str, Param] = field(default_factory=dict)  # chapter-specific ones
    # what the chapter rests on (data.provenance.per_hoofdstuk, the report's first screen): kinds it always
    # has, the microdata tables it uses, whether it generates those the region lacks, the package defaults
    soorten: tuple[str, ...] = ()
    microdata: tuple[str, ...] = ()
    synthetisch: bool = False
    standaard: str = ""
    standaard_bij: Callable[[Any], Any] | None = None  # region -> whether the defaults are used (None: always)
    duo: bool = False  # shows the region's DUO layer (data.duo_laag) when it has one
    # region folder -> whether the report has this chapter (None: always); picklable (check_from)
    alleen_bij: Callable[[Path], bool] | None = None
    volgnummer: int | None = None  # set by for_region when an earlier chapter is left out

    @property
    def path(self) -> Path:
        return NOTEBOOK_DIR / self.notebook

    @property
    def nummer(self) -> str:
        """The chapter's number in the report (headings, "Figuur 3.2"): the leading digits of its
        notebook's name without leading zeros (``03_retentie.ipynb`` -> ``3``), one less for each
        chapter before it that the region's report leaves out (:func:`for_region`); "" without."""
        if self.volgnummer is not None:
            return str(self.volgnummer)
        digits = re.match(r"(\d+)_", self.notebook)
        return str(int(digits.group(1))) if digits else ""


def _between(lo: float, hi: float, value: float) -> str | None:
    return None if lo <= value <= hi else f"moet tussen {lo} en {hi} liggen"


def between(lo: float, hi: float) -> Callable[[Any], str | None]:
    """A picklable ``Param.check`` (chapters travel to worker processes: no lambdas)."""
    return functools.partial(_between, lo, hi)


def _call(module: str, name: str, value: Any) -> str | None:
    return getattr(importlib.import_module(module), name)(value)


def check_from(module: str, name: str) -> Callable[[Any], str | None]:
    """A ``Param.check`` that lives in an analysis module, imported only when a value is checked
    (importing this registry must not load statsmodels and friends); picklable."""
    return functools.partial(_call, module, name)


def _stat_key(path: Path) -> tuple:
    """What changes when a file or a folder's files change (size, mtime): the cache key of a check."""
    try:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files[:10000])
    except OSError:
        return ()


@functools.lru_cache(maxsize=64)
def _load_check(module: str, name: str, kind: str, value: str, _key: tuple) -> str | None:
    path = Path(value)
    if not path.exists():
        return f"{kind} niet gevonden: {value}"
    if kind == "bestand" and not path.is_file():
        return f"{value} is geen bestand"
    if kind == "map" and not path.is_dir():
        return f"{value} is geen map"
    if not os.access(path, os.R_OK) or (kind == "map" and not os.access(path, os.X_OK)):
        return f"{value} is niet leesbaar"
    try:
        getattr(importlib.import_module(module), name)(path)
    except DataError as err:
        return str(err)
    except OSError as err:
        return f"{err.filename or value} is niet leesbaar ({err.strerror or err})"
    return None


def _loads_with(module: str, name: str, kind: str, value: str) -> str | None:
    if not value:
        return None
    return _load_check(module, name, kind, value, _stat_key(Path(value)))


def loaded_by(module: str, name: str, kind: str = "bestand") -> Callable[[Any], str | None]:
    """A ``Param.check`` for a file or folder parameter: it must exist, be readable and pass
    the package's own reader ``module.name(path)`` (the one the chapter will use), so a bad
    file stops the batch before any kernel starts instead of falling back silently. Picklable;
    the reader is imported only when a value is checked, and a result is cached per file state."""
    return functools.partial(_loads_with, module, name, kind)


def _non_negative(value: int) -> str | None:
    return None if value >= 0 else "moet 0 of groter zijn"


#: Parameters every chapter has (the assembled report has them once).
COMMON_PARAMS: dict[str, Param] = {
    "regio_id": Param(str, "rond-bommel-en-dommel", help="de regio"),
    "data_dir": Param(str, "", help="map met regiomappen; leeg = meegeleverde gegevens"),
    "output_dir": Param(str, "", help="map voor figuren en tabellen; leeg = niets wegschrijven"),
    "seed": Param(int, 0, check=_non_negative, help="seed voor synthetische data"),
}

_DOCS = "(.txt, .md, .docx, .pdf); leeg = geen"
_DOCUMENTS = loaded_by("regio_analysis.io.documents", "load_documents", "map")
_COHORT_YEAR = check_from("regio_analysis.induction.study", "check_cohort_year")

#: The chapters in report order.
CHAPTERS: tuple[Chapter, ...] = (
    Chapter("overzicht", "00_overzicht.ipynb", "Overzicht", soorten=("gepubliceerd", "berekend")),
    Chapter("kwantitatief", "01_kwantitatief.ipynb", "Kwantitatieve analyse", {
        "scenario_bestand": Param(str, "", check=loaded_by("regio_analysis.io.scenarios", "load_scenarios"), path="bestand",
                                  help="YAML met extra SPP-scenario's; leeg = basis, laag, hoog"),
        "projectiejaren": Param(int, 5, check=between(1, 15), help="aantal jaren van de SPP-projectie"),
    }, soorten=("gepubliceerd", "berekend"), microdata=("dienstverbanden",),
        standaard="de aannames van de scenario's van de personeelsplanning, waar de regio geen eigen scenario's geeft",
        standaard_bij=check_from("regio_analysis.workforce.model", "can_project"), duo=True),
    Chapter("kwalitatief", "02_kwalitatief.ipynb", "Kwalitatieve analyse", {
        "documenten_dir": Param(str, "", check=_DOCUMENTS, path="map", help=f"map met eigen documenten {_DOCS}"),
    }, soorten=("gepubliceerd", "berekend"), microdata=("open_antwoorden",), synthetisch=True),
    Chapter("retentie", "03_retentie.ipynb", "Retentie van startende leraren", {
        "retentie_horizon": Param(int, 5, check=between(1, 10),
                                  help="horizon in jaren van curves, bestemmingen en gemiddelde tijd in dienst"),
    }, microdata=("dienstverbanden",), synthetisch=True),
    Chapter("inductie_effect", "04_inductie_effect.ipynb", "Inductie en behoud van starters", {
        "cohort_van": Param(int, 2019, check=_COHORT_YEAR, help="eerste startjaar van de starters"),
        "cohort_tot": Param(int, 2024, check=_COHORT_YEAR, help="laatste startjaar van de starters"),
        "horizon": Param(int, 3, choices=(1, 3, 5), help="hoofdhorizon in jaren"),
        "estimand": Param(str, "ATT", choices=("ATT", "ATE"),
                          help="ATT: effect bij wie inductie kreeg; ATE: bij alle starters"),
        "covariates": Param(str, "bevoegd, log_school_omvang, route, contract",
                            check=check_from("regio_analysis.induction.study", "check_covariates"), help="kenmerken waarvoor wordt gecorrigeerd"),
    }, microdata=("dienstverbanden",), synthetisch=True),
    Chapter("peer_review", "05_peer_review.ipynb", "Bewijsdossier peer review", {
        "kader_bestand": Param(str, "", check=loaded_by("regio_analysis.io.frameworks", "load_framework"), path="bestand",
                               help="YAML met het kwaliteitskader (waarborgen, indicatoren, streefwaarden); leeg = meegeleverd kader"),
        "peer_review_documenten": Param(str, "", check=_DOCUMENTS, path="map",
                                        help=f"map met eigen documenten van het partnerschap {_DOCS}"),
    }, soorten=("gepubliceerd",), microdata=("dienstverbanden", "enquete"), synthetisch=True,
        standaard="de streefwaarden van het kwaliteitskader van het pakket, waar de regio geen eigen ambitie geeft"),
    Chapter("planaudit", "06_planaudit.ipynb", "Controle van het activiteitenplan",
            soorten=("gepubliceerd", "berekend"), duo=True,
            alleen_bij=check_from("regio_analysis.data.regions", "has_plan")),
    Chapter("bijlage", "07_bijlage.ipynb", "Bijlage: de gepubliceerde cijfers van de regio",
            soorten=("gepubliceerd", "berekend")),
)


def for_region(folder: str | Path | None, chapters: tuple[Chapter, ...] = CHAPTERS) -> tuple[Chapter, ...]:
    """The chapters of one region's report: those with an ``alleen_bij`` the region in ``folder`` does not
    meet are left out (``planaudit`` without a plan in the folder; all of them when ``folder`` is None),
    and the chapters after one left out are numbered on without a gap, as in the region's whole report
    (a report of some chapters numbers them as the whole report does)."""
    def present(ch: Chapter) -> bool:
        return ch.alleen_bij is None or (folder is not None and bool(ch.alleen_bij(Path(folder))))

    numbers, gaps = {}, 0
    for ch in CHAPTERS:
        if not present(ch):
            gaps += 1
        elif gaps and ch.nummer:
            numbers[ch.name] = int(ch.nummer) - gaps
    return tuple(dataclasses.replace(ch, volgnummer=numbers[ch.name]) if ch.name in numbers else ch
                 for ch in chapters if present(ch))


def _param_line(name: str, spec: Param) -> str:
    kind = {"str": "tekst", "int": "geheel getal", "float": "getal", "bool": "ja/nee"}.get(spec.type.__name__,
                                                                                          spec.type.__name__)
    choices = f"; kies uit {', '.join(map(repr, spec.choices))}" if spec.choices else ""
    return f"`{name}` ({kind}, standaard {spec.default!r}{choices}): {spec.help}"


def overzicht(chapters: tuple[Chapter, ...] = CHAPTERS) -> str:
    """The chapters and their parameters in Dutch Markdown: what ``regio-analysis hoofdstukken``
    prints and the README that ``regio-analysis notebooks`` writes beside the notebooks."""
    lines = ["Parameters van elk hoofdstuk (`-p NAAM=WAARDE` bij `regio-analysis rapport` en `batch`; in "
             "JupyterLab de cel `parameters` bovenaan het notebook):", ""]
    lines += [f"- {_param_line(n, spec)}" for n, spec in COMMON_PARAMS.items()]
    for ch in chapters:
        lines += ["", f"## {ch.nummer} {ch.title} (`{ch.name}`, {ch.notebook})"]
        if ch.alleen_bij is not None:
            lines.append("Alleen in het rapport van een regio met haar eigen plan in haar map (`plan:` in regio.yaml).")
        lines += [f"- {_param_line(n, spec)}" for n, spec in ch.params.items()] or ["Geen eigen parameters."]
    return "\n".join(lines) + "\n"


def all_params(chapters: tuple[Chapter, ...] = CHAPTERS) -> dict[str, Param]:
    """Common plus chapter-specific parameters; a name may belong to one chapter only."""
    params = dict(COMMON_PARAMS)
    for ch in chapters:
        for name, spec in ch.params.items():
            if name in params:
                raise ValueError(f"parameter {name!r} of chapter {ch.name!r} is declared twice")
            params[name] = spec
    return params


def check_parameters(values: dict[str, Any], chapters: tuple[Chapter, ...] = CHAPTERS,
                     *, check_region: bool = True) -> dict[str, Any]:
    """Return the full, typed parameter set (defaults filled in) or raise ParameterError.

    Checks names, types, allowed values and that ``regio_id`` is a safe id of an existing
    region in ``data_dir``. Everything found is reported at once.
    """
    specs = all_params(chapters)
    problems = []
    out = {name: spec.default for name, spec in specs.items()}
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(Problem("<parameters>", f"onbekende parameter {name!r}; bekend: {', '.join(specs)}"))
            continue
        ok_type = isinstance(value, spec.type) and not (spec.type is int and isinstance(value, bool))
        if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok_type = float(value), True
        if not ok_type:
            problems.append(Problem("<parameters>", f"parameter {name!r} moet van type {spec.type.__name__} zijn, "
                                                    f"niet {type(value).__name__} ({value!r})"))
            continue
        if spec.choices is not None and value not in spec.choices:
            problems.append(Problem("<parameters>", f"parameter {name!r} = {value!r} is niet toegestaan; kies uit {spec.choices}"))
            continue
        if spec.check is not None and (text := spec.check(value)):
            problems.append(Problem("<parameters>", f"parameter {name!r} = {value!r}: {text}"))
            continue
        out[name] = value
    if problems:
        raise ParameterError(problems)
    if check_region:
        try:
            check_regio_id(out["regio_id"])
            region_dir(out["regio_id"], out["data_dir"] or None)
        except DataError as err:
            raise ParameterError(err.problems) from None
    return out
