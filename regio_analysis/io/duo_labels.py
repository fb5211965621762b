"""Labels and file names of DUO open-data files, as plain functions on text.

- staff characteristics: age classes (``< 25 jaar`` -> ``<25``, ``25-34 jaar`` -> ``25-34``,
  ``>= 65 jaar`` -> ``65+``), sex (``MAN``/``VROUW`` -> ``man``/``vrouw``/``onbekend``) and contract
  type (``vast``/``tijdelijk``);
- what a file name says: the year (``...-(vavo-apart)-2023.csv`` -> 2023) and the sector
  (``leerlingen-vo`` -> ``vo``, ``vestigingenbo`` -> ``po``);
- CBS municipality codes as four digits (``363`` -> ``"0363"``).

Nothing here opens a file; the loaders in :mod:`regio_analysis.io.duo` and
:mod:`regio_analysis.io.duo_adressen` use these functions.
"""
from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "GESLACHT_MAP", "CONTRACT_MAP", "leeftijdsklasse", "geslacht", "contractsoort",
    "years_in_name", "year_from_name", "sector_from_name", "soort_from_name", "gemeentecode",
]

#: Sex labels (lower case) -> canonical category. Other labels are refused by the loader.
GESLACHT_MAP: dict[str, str] = {
    "man": "man", "mannen": "man", "m": "man", "mannelijk": "man",
    "vrouw": "vrouw", "vrouwen": "vrouw", "v": "vrouw", "vrouwelijk": "vrouw",
    "onbekend": "onbekend", "o": "onbekend", "overig": "onbekend", "x": "onbekend", "niet bekend": "onbekend",
}

#: Contract-type labels (lower case) -> ``vast`` / ``tijdelijk``; other labels are kept as written.
CONTRACT_MAP: dict[str, str] = {
    "vast": "vast", "vaste aanstelling": "vast", "vast dienstverband": "vast", "vaste benoeming": "vast",
    "onbepaalde tijd": "vast", "benoeming voor onbepaalde tijd": "vast", "dienstverband onbepaalde tijd": "vast",
    "tijdelijk": "tijdelijk", "tijdelijke aanstelling": "tijdelijk", "tijdelijk dienstverband": "tijdelijk",
    "tijdelijke benoeming": "tijdelijk", "bepaalde tijd": "tijdelijk",
    "benoeming voor bepaalde tijd": "tijdelijk", "dienstverband bepaalde tijd": "tijdelijk",
}


def _squash(label: object) -> str:
    return re.sub(r"\s+", " ", str(label)).strip()


def leeftijdsklasse(label: object) -> str:
    """``< 25 jaar`` -> ``<25``; ``25-34 jaar``, ``25 t/m 34`` -> ``25-34``; ``>= 65 jaar``,
    ``65 jaar en ouder`` -> ``65+``; ``onbekend`` -> ``onbekend``; ``totaal`` -> ``totaal``.
    Other labels are returned as written (spaces squashed)."""
    text = _squash(label)
    t = text.lower().replace("≥", ">=").replace("≤", "<=")
    t = re.sub(r"\bjaar\b", "", t).strip()
    t = re.sub(r"\s+", " ", t)
    if t in ("onbekend", "totaal"):
        return t
    m = re.fullmatch(r"(?:<|jonger dan|tot)\s*(\d{1,3})", t)
    if m:
        return f"<{int(m.group(1))}"
    m = re.fullmatch(r"<=\s*(\d{1,3})", t)
    if m:
        return f"<{int(m.group(1)) + 1}"
    m = re.fullmatch(r"(\d{1,3})\s*(?:-|–|t/m|tot en met)\s*(\d{1,3})", t)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}"
    m = re.fullmatch(r"(?:>=|vanaf)\s*(\d{1,3})|(\d{1,3})\s*(?:\+|en ouder|of ouder|en hoger|en meer)", t)
    if m:
        return f"{int(m.group(1) or m.group(2))}+"
    m = re.fullmatch(r"(?:>|ouder dan)\s*(\d{1,3})", t)
    if m:
        return f"{int(m.group(1)) + 1}+"
    return text


def geslacht(label: object) -> str | None:
    """``MAN`` -> ``man``, ``Vrouw`` -> ``vrouw``, ``onbekend`` -> ``onbekend``; None when unknown."""
    return GESLACHT_MAP.get(_squash(label).lower())


def contractsoort(label: object) -> str:
    """``Vast`` / ``vaste aanstelling`` -> ``vast``; ``Tijdelijk`` / ``bepaalde tijd`` -> ``tijdelijk``;
    other labels as written (spaces squashed)."""
    text = _squash(label)
    return CONTRACT_MAP.get(text.lower(), text)


_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def years_in_name(path: str | Path) -> list[int]:
    """The distinct four-digit years in a file name (not its folders), in order of appearance.
    A school year ``2023-2024`` (two consecutive years) counts as its first year."""
    name = Path(path).name
    found: list[int] = []
    for m in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?:[-_](\d{2}|\d{4}))?(?!\d)", name):
        first, second = int(m.group(1)), m.group(2)
        if second is not None:
            nxt = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
            if nxt == first + 1:
                found.append(first)
                continue
        found.extend(int(y) for y in _YEAR_IN_NAME.findall(m.group(0)))
    return list(dict.fromkeys(found))


def year_from_name(path: str | Path) -> int | None:
    """The one year a file name carries (``...-(vavo-apart)-2023.csv`` -> 2023), else None."""
    years = years_in_name(path)
    return years[0] if len(years) == 1 else None


def sector_from_name(path: str | Path) -> str:
    """``po`` or ``vo`` as a DUO file name says it (``vestigingenbo``, ``basisonderwijs``, ``-po-``;
    ``leerlingen-vo``, ``-vo-``, ``vestigingenvo``); ``""`` when it says neither or both."""
    name = Path(path).name.lower()
    tokens = set(re.split(r"[^a-z0-9]+", name))
    po = bool(tokens & {"po", "bo", "bao", "basisonderwijs", "vestigingenbo", "vestigingenpo", "primair"})
    vo = bool(tokens & {"vo", "vestigingenvo", "voortgezet"})
    if po == vo:
        return ""
    return "po" if po else "vo"


def gemeentecode(value: object) -> str | None:
    """A CBS municipality code as four digits (``363``, ``0363``, ``GM0363`` -> ``"0363"``);
    ``""`` for an empty value, None when it is no code."""
    text = str(value).strip().upper()
    if text.startswith("GM"):
        text = text[2:]
    if text.endswith(".0") and text[:-2].isdigit():  # a number read from a workbook
        text = text[:-2]
    if text == "":
        return ""
    if re.fullmatch(r"\d{1,4}", text):
        return text.zfill(4)
    return None


def soort_from_name(path: str | Path) -> str:
    """The school type a pupils file name states (``03.-leerlingen-vo-per-vestiging...`` -> ``vo``,
    ``leerlingen-po`` -> ``po``, ``leerlingen-mbo`` -> ``mbo``); ``""`` otherwise."""
    m = re.search(r"leerlingen[-_ ]+(po|vo|mbo)(?![a-z0-9])", Path(path).name.lower())
    return m.group(1) if m else ""
