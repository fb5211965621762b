"""Codebooks: hierarchical codes in YAML, with the rules the auto-coder uses.

A codebook file looks like this (keys are Dutch, as researchers edit it)::

    naam: Mijn codeboek
    versie: "1.0"
    negatie:            # optional; defaults in NEGATIE_STANDAARD
      venster: 3        # tokens between a negation word and a hit
      voor: [niet, geen, nooit, noch, zonder]
      na: ["geen reden", "ontbrak het me niet"]
    codes:
      - naam: thema
        codeerbaar: false          # a grouping code, never assigned itself
        codes:
          - naam: begeleiden
            definitie: Begeleiding van startende en zittende onderwijsprofessionals.
            insluiten: Inductie, mentoraat, coaching van starters.
            uitsluiten: Opleiden van studenten (-> opleiden).
            voorbeelden: ["Elke starter krijgt een vaste mentor."]
            kleur: "#2a9d8f"
            termen: [begeleiding, begeleiden, mentor, "inductie*", "vaste mentor"]
            patronen: ['geen (vaste )?mentor']
            afgeleid_van: []        # codes whose hits imply this one (e.g. ABC from themes)
            soorten: []             # document kinds the rules apply to (empty: all)

``termen`` are matched on lemmas (simplemma, Dutch) and on the word itself, case- and
hyphen-insensitive; a trailing ``*`` matches compounds (``inductie*`` also finds
*inductieprogramma*); several words match a phrase. ``patronen`` are regular expressions
over the lowercased text (Python ``re`` syntax, run by the ``regex`` module with a time limit
of :data:`PATTERN_TIMEOUT` seconds per unit of text, so a pattern that backtracks without end,
such as ``(a+)+$``, stops with a DataError instead of hanging). A pattern or term that is
empty, or that finds the empty text, would code every unit and is refused. A code is referred
to by its path, ``thema/begeleiden``.

This module holds the model: :func:`codebook_from_dict` builds and checks a codebook from
parsed YAML, :meth:`Codebook.to_dict` / :meth:`Codebook.to_yaml` give it back as data and
text. Reading and writing codebook files is :mod:`regio_analysis.io.codebook`
(``load_codebook``, ``write_codebook`` and ``default_codebook``, the codebook shipped with the
package in ``default_codebook.yaml``: five themes, the ABC of Aantrekken/Behouden/Continuïteit,
recurring topics of the regions' plans, and reasons for leaving given in exit conversations).
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from regio_analysis.errors import DataError, Problem

#: Default negation settings (overridable per codebook under ``negatie``).
NEGATIE_STANDAARD: dict[str, Any] = {
    "venster": 3,
    "voor": ["niet", "geen", "nooit", "noch", "zonder"],
    "na": ["geen reden", "geen rol", "niet de reden", "ontbrak het me niet", "ontbrak het mij niet",
           "ontbrak het niet", "was geen probleem", "geen probleem"],
}
_KEYS = {"naam", "definitie", "insluiten", "uitsluiten", "voorbeelden", "kleur", "termen", "patronen",
         "afgeleid_van", "codeerbaar", "codes", "memo", "soorten"}
_TOP_KEYS = {"naam", "versie", "beschrijving", "negatie", "codes"}
_COLOUR = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
# a fixed namespace, so a code path always gets the same REFI-QDA GUID
GUID_NAMESPACE = uuid.UUID("6f1c9a52-4d0e-4c55-9d1b-2f3b6a0e7c41")
#: Seconds one codebook pattern may search one unit of text.
PATTERN_TIMEOUT = 1.0
# texts a pattern is tried on at load time: one that finds the empty text there codes everything
_EMPTY_PROBES = ("", "de starter krijgt een mentor. 12 %")


class CodePattern:
    """A codebook pattern compiled for matching with a time limit.

    ``finditer`` is ``re``-compatible; when a search takes longer than ``timeout`` seconds
    (catastrophic backtracking) it raises a DataError naming the codebook file, the code
    and the pattern.
    """

    def __init__(self, pattern: str, code: str = "", file: str = "<codeboek>", timeout: float | None = None):
        self.pattern, self.code, self.file = pattern, code, file
        self.timeout = PATTERN_TIMEOUT if timeout is None else timeout
        self._rx = regex.compile(pattern, flags=regex.VERSION0)

    def finditer(self, text: str):
        try:
            yield from self._rx.finditer(text, timeout=self.timeout)
        except TimeoutError:
            raise DataError(Problem(self.file, f"code '{self.code}': patroon {self.pattern!r} kost meer dan "
                                               f"{self.timeout:g} s op één tekstdeel (eindeloos terugzoeken, zoals "
                                               "bij '(a+)+'); vereenvoudig het patroon")) from None

    def __repr__(self) -> str:
        return f"CodePattern({self.pattern!r}, code={self.code!r})"


def check_pattern(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a codebook pattern (Dutch), or None when it can."""
    if not pattern.strip():
        return "een leeg patroon zou elke zin coderen"
    try:
        rx = regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, ValueError, OverflowError) as err:
        return f"patroon {pattern!r} is geen geldige reguliere expressie ({err})"
    try:
        for probe in _EMPTY_PROBES:
            if any(m.end() == m.start() for m in rx.finditer(probe, timeout=PATTERN_TIMEOUT)):
                return f"patroon {pattern!r} vindt ook een lege tekst en zou elke zin coderen"
    except TimeoutError:
        return f"patroon {pattern!r} kost te veel rekentijd"
    return None


@dataclass
class Code:
    """One code of a codebook; ``path`` is its place in the hierarchy (``thema/werven``)."""

    naam: str
    path: str
    definitie: str = ""
    insluiten: str = ""
    uitsluiten: str = ""
    voorbeelden: list[str] = field(default_factory=list)
    kleur: str = ""
    termen: list[str] = field(default_factory=list)
    patronen: list[str] = field(default_factory=list)
    afgeleid_van: list[str] = field(default_factory=list)
    soorten: list[str] = field(default_factory=list)  # document kinds the rules apply to; empty = all
    codeerbaar: bool = True
    memo: str = ""
    children: list[Code] = field(default_factory=list)

    @property
    def parent(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else ""

    @property
    def guid(self) -> str:
        """A stable GUID for REFI-QDA exchange, derived from the path."""
        return str(uuid.uuid5(GUID_NAMESPACE, self.path))

    @property
    def has_rules(self) -> bool:
        return bool(self.termen or self.patronen or self.afgeleid_van)


@dataclass
class Codebook:
    """A hierarchy of :class:`Code` objects plus negation settings.

    ``codebook["thema/werven"]`` returns a code; iterating yields every code depth-first.
    """

    naam: str
    codes: list[Code]
    versie: str = ""
    beschrijving: str = ""
    negatie: dict[str, Any] = field(default_factory=lambda: dict(NEGATIE_STANDAARD))
    bron: str = ""

    def __iter__(self) -> Iterator[Code]:
        def walk(codes):
            for c in codes:
                yield c
                yield from walk(c.children)
        return walk(self.codes)

    def __getitem__(self, path: str) -> Code:
        for c in self:
            if c.path == path:
                return c
        raise KeyError(path)

    def __contains__(self, path: str) -> bool:
        return any(c.path == path for c in self)

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self]

    def resolve(self, name: str) -> str | None:
        """The path of ``name``: a full path, or a leaf name that is unique in the codebook
        (case-insensitive when nothing matches exactly); None when unknown or ambiguous."""
        name = normalise_path(name)
        if name in self:
            return name
        low = name.lower()
        for match in (lambda c: c.path.lower() == low, lambda c: c.naam == name or c.path.endswith("/" + name),
                      lambda c: c.naam.lower() == low or c.path.lower().endswith("/" + low)):
            hits = [c.path for c in self if match(c)]
            if hits:
                return hits[0] if len(hits) == 1 else None
        return None

    def group(self, top: str) -> list[Code]:
        """The codable codes under the top-level code ``top`` (e.g. ``"thema"``)."""
        return [c for c in self if c.path.startswith(top + "/") and c.codeerbaar]

    def table(self):
        """The codebook as a DataFrame (one row per code), for display and export."""
        import pandas as pd

        rows = [{"code": c.path, "naam": c.naam, "definitie": c.definitie, "insluiten": c.insluiten,
                 "uitsluiten": c.uitsluiten, "voorbeelden": " | ".join(c.voorbeelden), "kleur": c.kleur,
                 "codeerbaar": c.codeerbaar, "termen": ", ".join(c.termen), "patronen": " | ".join(c.patronen),
                 "afgeleid_van": ", ".join(c.afgeleid_van)} for c in self]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        def code_dict(c: Code) -> dict[str, Any]:
            d: dict[str, Any] = {"naam": c.naam}
            for key in ("definitie", "insluiten", "uitsluiten", "voorbeelden", "kleur", "termen", "patronen",
                        "afgeleid_van", "soorten", "memo"):
                if getattr(c, key):
                    d[key] = getattr(c, key)
            if not c.codeerbaar:
                d["codeerbaar"] = False
            if c.children:
                d["codes"] = [code_dict(ch) for ch in c.children]
            return d
        out: dict[str, Any] = {"naam": self.naam}
        if self.versie:
            out["versie"] = self.versie
        if self.beschrijving:
            out["beschrijving"] = self.beschrijving
        out["negatie"] = self.negatie
        out["codes"] = [code_dict(c) for c in self.codes]
        return out

    def to_yaml(self) -> str:
        """The codebook as YAML text (write it to a file with
        :func:`regio_analysis.io.codebook.write_codebook`)."""
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)


def normalise_path(path: str) -> str:
    """``Thema\\Werven``, ``thema > werven`` and ``thema/werven`` all become ``thema/werven``
    (MAXQDA writes ``\\``, some tools `` > ``); the case of names is kept."""
    parts = re.split(r"\s*(?:\\|/|>)\s*", str(path).strip())
    return "/".join(p.strip() for p in parts if p.strip())


def _problem(file: str, message: str, where: str = "") -> Problem:
    return Problem(file, f"{where}: {message}" if where else message)


def _as_list(value, key: str, where: str, file: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    problems.append(_problem(file, f"'{key}' moet een lijst met teksten zijn", where))
    return []


def _terms(value, where: str, file: str, problems: list[Problem]) -> list[str]:
    terms = _as_list(value, "termen", where, file, problems)
    if any(not t.strip().rstrip("*").strip() for t in terms):
        problems.append(_problem(file, "een lege term zou niets of alles vinden; laat hem weg", where))
    return terms


def codebook_from_dict(data: Any, file: str = "<codeboek>") -> Codebook:
    """Build and check a Codebook from parsed YAML; every problem is reported at once."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise DataError(Problem(file, "een codeboek is een YAML-mapping met 'naam' en 'codes'"))
    unknown = set(data) - _TOP_KEYS
    if unknown:
        problems.append(Problem(file, f"onbekende sleutel(s) {', '.join(sorted(unknown))}; bekend: {', '.join(sorted(_TOP_KEYS))}"))
    if not isinstance(data.get("codes"), list) or not data["codes"]:
        raise DataError(problems + [Problem(file, "'codes' ontbreekt of is geen (niet-lege) lijst")])
    negatie = dict(NEGATIE_STANDAARD)
    if data.get("negatie") is not None:
        neg = data["negatie"]
        if not isinstance(neg, dict) or set(neg) - {"venster", "voor", "na"}:
            problems.append(Problem(file, "'negatie' heeft alleen 'venster', 'voor' en 'na'"))
        else:
            if "venster" in neg:
                if not isinstance(neg["venster"], int) or isinstance(neg["venster"], bool) or neg["venster"] < 0:
                    problems.append(Problem(file, "negatie.venster moet een geheel getal >= 0 zijn"))
                else:
                    negatie["venster"] = neg["venster"]
            for key in ("voor", "na"):
                if key in neg:
                    negatie[key] = _as_list(neg[key], key, "negatie", file, problems)

    seen: set[str] = set()

    def build(items, parent: str) -> list[Code]:
        out = []
        for i, item in enumerate(items, 1):
            where = f"code {i} onder '{parent or '(top)'}'"
            if not isinstance(item, dict) or not isinstance(item.get("naam"), str) or not item["naam"].strip():
                problems.append(_problem(file, "elke code heeft een 'naam' (tekst)", where))
                continue
            naam = item["naam"].strip()
            path = f"{parent}/{naam}" if parent else naam
            where = f"code '{path}'"
            if any(ch in naam for ch in "/\\>"):
                problems.append(_problem(file, "een codenaam bevat geen '/', '\\' of '>'", where))
            if path in seen:
                problems.append(_problem(file, "komt twee keer voor", where))
            seen.add(path)
            extra = set(item) - _KEYS
            if extra:
                problems.append(_problem(file, f"onbekende sleutel(s) {', '.join(sorted(extra))}; bekend: {', '.join(sorted(_KEYS))}", where))
            kleur = str(item.get("kleur") or "")
            if kleur and not _COLOUR.match(kleur):
                problems.append(_problem(file, f"kleur {kleur!r} is geen #RRGGBB", where))
            patronen = _as_list(item.get("patronen"), "patronen", where, file, problems)
            for pat in patronen:
                reason = check_pattern(pat)
                if reason:
                    problems.append(_problem(file, reason, where))
            codeerbaar = item.get("codeerbaar", True)
            if not isinstance(codeerbaar, bool):
                problems.append(_problem(file, "'codeerbaar' is true of false", where))
                codeerbaar = True
            children = item.get("codes") or []
            if not isinstance(children, list):
                problems.append(_problem(file, "'codes' moet een lijst zijn", where))
                children = []
            code = Code(
                naam=naam, path=path,
                definitie=str(item.get("definitie") or "").strip(),
                insluiten=str(item.get("insluiten") or "").strip(),
                uitsluiten=str(item.get("uitsluiten") or "").strip(),
                voorbeelden=_as_list(item.get("voorbeelden"), "voorbeelden", where, file, problems),
                kleur=kleur,
                termen=_terms(item.get("termen"), where, file, problems),
                patronen=patronen,
                afgeleid_van=[normalise_path(p) for p in _as_list(item.get("afgeleid_van"), "afgeleid_van", where, file, problems)],
                soorten=_as_list(item.get("soorten"), "soorten", where, file, problems),
                codeerbaar=codeerbaar,
                memo=str(item.get("memo") or "").strip(),
            )
            code.children = build(children, path)
            out.append(code)
        return out

    codes = build(data["codes"], "")
    book = Codebook(naam=str(data.get("naam") or Path(file).stem), codes=codes, versie=str(data.get("versie") or ""),
                    beschrijving=str(data.get("beschrijving") or ""), negatie=negatie, bron=file)
    paths = set(book.paths)
    for c in book:
        for ref in c.afgeleid_van:
            if ref not in paths:
                problems.append(_problem(file, f"afgeleid_van verwijst naar onbekende code {ref!r}", f"code '{c.path}'"))
    if problems:
        raise DataError(problems)
    return book
