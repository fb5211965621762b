"""Every quantity in a plan's text, with its context: :func:`extract_quantities`.

A quantity is a number with its unit (``27,7%``, ``€ 1.091.565,-``, ``2.710 fte``, ``1243
studenten``), a range (``5 tot 8%``, ``10-12 ASK'ers``), a calendar year or period
(``2024``, ``2026-2029``, ``01/2026 t/m 07/2026``, ``26/27``), a cardinal word before a
counted noun (``vijf opleidingsscholen``) or a share in words (``bijna een kwart``,
``ruim de helft``, ``twee derde``, ``de meerderheid``, ``3 op de 10``).

Numbers that are no quantity are left out: section and list numbers (``3.1``, ``1.2.``),
references (``zie 2.2``, ``activiteit 4``, ``bijlage 3``), versions (``2.0``), days of a date,
ordinals (``2e graads``), page numbers of a table of contents, and anything inside a URL or
a markup tag.

Units (column ``eenheid``): ``procent``, ``fte``, ``eur``, ``leerlingen``, ``studenten``,
``personen`` (staff and other people: the noun is among the subject words), counted things
(``scholen``, ``besturen``, ``instellingen``, ``vestigingen``, ``opleidingsscholen``,
``gemeenten``, ``regio's``, ``banen``), time (``jaar`` for durations and ages, ``maand``,
``week``, ``dag``, ``uur``), ``keer``, and ``jaartal`` for calendar years and periods.
Empty when the text names no unit.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.planaudit.findings import CONTRASTS
from regio_analysis.planaudit.numbers import (CARDINAL_RE, CARDINALS, MONTH, MULTIPLIERS, NUMBER, day_month_spans,
                                              is_year, parse_number, school_years, word_shares)
from regio_analysis.planaudit.structure import Layout, analyse, strip_markup

COLUMNS = ["nr", "tekst", "start", "einde", "waarde", "laag", "hoog", "decimalen", "relatie", "eenheid", "per",
           "soort", "jaar", "zin", "zin_start", "zin_einde", "sectie", "sectie_start", "tabel", "rij", "kolom",
           "rij_kop", "kolom_kop", "lijst", "onderwerp"]

# --- units -------------------------------------------------------------------------------------------

UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "procent": ("procent", "procentpunt", "procentpunten", "pct"),
    "fte": ("fte", "fte's", "fte’s", "formatieplaats", "formatieplaatsen", "wtf"),
    "eur": ("euro", "euro's", "eur"),
    "leerlingen": ("leerling", "leerlingen", "scholieren", "leerlingplaatsen"),
    "studenten": ("student", "studenten", "pabostudenten", "pabo-studenten", "stagiaires", "stagiairs",
                  "lio-studenten", "lio's"),
    "personen": ("personen", "persoon", "personeelsleden", "personeelslid", "medewerkers", "medewerker",
                 "werknemers", "leraren", "leraar", "leerkrachten", "leerkracht", "docenten", "docent",
                 "schoolleiders", "schoolleider", "directeuren", "directeur", "collega's", "collega’s", "starters",
                 "starter", "zij-instromers", "zij-instromer", "onderwijsassistenten", "onderwijsondersteuners",
                 "statushouders", "mensen", "deelnemers", "kandidaten", "potentials", "bestuurders", "herintreders",
                 "coaches", "opleiders", "schoolopleiders", "werkzoekenden", "gepensioneerden", "pensionado's",
                 "ask'ers", "trainees", "instroommakelaars", "vacatures", "vacature", "professionals"),
    "scholen": ("school", "scholen", "basisscholen", "basisschool", "schoollocaties"),
    "vestigingen": ("vestiging", "vestigingen", "locaties", "locatie"),
    "besturen": ("bestuur", "besturen", "schoolbesturen", "schoolbestuur"),
    "instellingen": ("instelling", "instellingen", "mbo-instellingen", "hogescholen", "opleidingsinstituten",
                     "lerarenopleidingen", "universiteiten"),
    "opleidingsscholen": ("opleidingsschool", "opleidingsscholen", "partnerschap", "partnerschappen"),
    "gemeenten": ("gemeente", "gemeenten", "gemeentes"),
    "regio's": ("regio's", "regio’s", "onderwijsregio's", "onderwijsregio’s", "subregio's", "provincies"),
    "banen": ("banen", "baan", "arbeidsplaatsen", "werkplekken", "opleidingsplekken", "stageplaatsen"),
    "uur": ("uur", "uren", "lesuren", "klokuren"),
    "jaar": ("jaar", "jaren", "jarigen", "schooljaren", "-jarig", "-jarige", "jarig", "jarige"),
    "maand": ("maand", "maanden"),
    "week": ("week", "weken"),
    "dag": ("dag", "dagen", "dagdelen"),
    "keer": ("keer", "maal", "x"),
}
#: white space within a line, or a line break of wrapped text (the next line goes on in lower case)
SP = r"(?:[ \u00a0]|\n(?=[ \u00a0\n]*[a-zà-ÿ%]))"
#: units that measure (a header naming one of them wins over a counted noun in another header)
MEASURES = ("procent", "fte", "eur", "uur")
_UNIT_OF = {w: unit for unit, words in UNIT_WORDS.items() for w in words}
_UNIT_WORD = "|".join(re.escape(w) for w in sorted(_UNIT_OF, key=len, reverse=True))
_UNIT_AFTER_RE = re.compile(
    rf"^(?:{SP}*(?P<pct>%)|{SP}*(?P<eur>,-)|(?:{SP}*(?P<mult>miljoen|miljard|mln|mld|duizend)\b)?{SP}*"
    rf"(?:(?P<adj>[a-zà-ÿ][a-zà-ÿ\-]*){SP}+)?(?P<word>{_UNIT_WORD})(?![\w'’]))", re.I)
_OF_TOTAL_RE = re.compile(
    rf"^[^.\n\d]{{0,30}}?\bvan{SP}+(?:het{SP}+)?(?:in{SP}+)?totaal{SP}+(?:van{SP}+)?(?:{NUMBER}){SP}+"
    rf"(?:[a-zà-ÿ\-]+{SP}+)?({_UNIT_WORD})(?![\w'’])", re.I)
_DASH_UNIT_RE = re.compile(r"^-(?:jarig|jarige|plussers|plusser|minners)\b", re.I)
_EUR_BEFORE_RE = re.compile(r"(?:€|\beur\b|\beuro\b:?)\s*$", re.I)
_PER_AFTER_RE = re.compile(rf"^{SP}*(?:euro{SP}+)?(?:per|/){SP}+([a-zà-ÿ][\w\-]*)", re.I)
_K_RE = re.compile(r"^k\b")
_RELATIONS = [("≈", r"ca\.|circa|ongeveer|zo'n|zo’n|rond de|rond|ruwweg|grofweg|naar schatting"),
              (">=", r"minimaal|ten minste|tenminste|minstens|vanaf"),
              ("<=", r"maximaal|hooguit|ten hoogste|tot maximaal|niet meer dan"),
              (">", r"meer dan|ruim|boven de|bovende|meer dan de|ruim meer dan"),
              ("<", r"minder dan|bijna|onder de|nog geen|net geen|krap")]
_RELATION_RE = [(rel, re.compile(rf"(?:^|[\s(])(?:{words})\s*(?:€\s*)?$", re.I)) for rel, words in _RELATIONS]
_REFERENCE_RE = re.compile(
    r"(?:\bzie|\bactiviteit(?:en)?|\bhoofdstuk(?:ken)?|\bparagraaf|\bpar\.|§|\bbijlage|\bfiguur|\bfig\.|\btabel|"
    r"\bdomein|\bfase|\bpijler|\bstap|\bambitie|\bwerkgroep|\bartikel|\bart\.|\bversie|\bnr\.?|\bnummer|\bpagina|"
    r"\bblz\.|\bniveau|\bgroep|\bklas|\bleerjaar|\bonder|\bkwartaal|\bweek|\bronde|\btranche)"
    r"\s*(?:\d+(?:\.\d+)*\s*(?:,|en|t/m|tot|-|–)\s*)*$", re.I)
_ORDINAL_AFTER_RE = re.compile(r"^\s*(?:<sup>\s*)?(?:e|ste|de|°|º)(?:\s*</sup>)?(?![a-zà-ÿ])", re.I)
_URL_RE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")
_TAG_RE = re.compile(r"<[^>\n]{1,200}>")
_NUM_RE = re.compile(rf"(?<![\w.,/\-])(?:{NUMBER})(?![\w]|[.,]\d)")
_S = r"[ \u00a0]"  # a space within a line
_DASH = rf"{_S}*[-–—]{_S}*|{_S}+tot{_S}+en{_S}+met{_S}+|{_S}+tot{_S}+|{_S}*t/m/?{_S}*"
_YEAR = r"\(?(?:19|20)\d{2}\)?"
_YEAR_RANGE_RE = re.compile(rf"(?<![\d.,/])(?:{_YEAR})(?:(?:{_DASH})(?:{_YEAR}))+(?![\d])")
_BETWEEN_YEARS_RE = re.compile(r"\btussen[ \u00a0]+((?:19|20)\d{2})[ \u00a0]+en[ \u00a0]+((?:19|20)\d{2})(?!\d)", re.I)
_MONTH_YEAR = rf"(?:(?:0?[1-9]|1[0-2])\s*/\s*|(?:\d{{1,2}}\s+)?{MONTH}\s*-?\s*)((?:19|20)\d{{2}})"
_PERIOD_RE = re.compile(rf"(?<![\w/]){_MONTH_YEAR}(?:{_DASH})(?:\d{{1,2}}\s+)?{_MONTH_YEAR}(?!\d)", re.I)
_MONTH_YEAR_RE = re.compile(rf"(?<![\w/]){_MONTH_YEAR}(?!\d)", re.I)
_RANGE_RE = re.compile(
    rf"(?<![\w.,/\-])(?P<a>{NUMBER})(?P<pa>[ \u00a0]*%)?(?P<sep>{_DASH})"
    rf"(?P<b>{NUMBER})(?![\w]|[.,]\d)")
_BETWEEN_RE = re.compile(
    rf"\btussen{SP}+(?:de{SP}+)?(?P<a>{NUMBER})(?P<pa>{SP}*(?:%|procent))?{SP}+en{SP}+(?P<b>{NUMBER})(?![\w]|[.,]\d)",
    re.I)

STOPWORDS = frozenset("""
de het een en of van in op voor met aan door bij uit naar over als dat die dit deze is zijn wordt worden was waren
heeft hebben had er ook nog wel niet geen om te tot dan maar zo al we wij ons onze hun zij ze hij haar hem je jij u
uw men wat wie waar hoe welke welk want dus nu toen wanneer omdat terwijl waarbij waarin waarvan daarbij daarin
daarvan hierbij hierin hiervan zal zullen kan kunnen moet moeten mag mogen wil willen gaat gaan ging komt komen kwam
worden werd zou zouden ben bent word elk elke ieder iedere alle alles veel weinig meer minder meest minst ongeveer
circa ca bijna ruim tussen tegen tegenover sinds vanaf vanuit tijdens via per naast onder boven binnen buiten achter
voor na zonder zoals ten opzichte respectievelijk totaal totale aantal jaar jaren procent percentage euro nog dus
eigen andere ander overige overig waarvan zowel even echter reeds steeds daarnaast bovendien verder tevens hier daar
er erg zeer heel wel weer ook nu inmiddels momenteel huidige huidig komende afgelopen laatste eerste tweede derde
januari februari maart april mei juni juli augustus september oktober november december sprake gaat betreft
onderwijsregio regio onderwijs plan activiteit activiteiten gemiddeld gemiddelde maar liefst liefst dit deel
""".split())


# --- helpers ---------------------------------------------------------------------------------------------

def _spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(text)]


class _Claims:
    """Character spans already taken by a quantity or excluded; a new match may not overlap one."""

    def __init__(self, size: int) -> None:
        self.taken = bytearray(size + 1)

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def take(self, a: int, b: int) -> None:
        self.taken[a:b] = b"\x01" * (b - a)


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """A light lemma of a Dutch word (simplemma), lower case."""
    import simplemma

    w = word.lower().strip("'’-")
    try:
        return simplemma.lemmatize(w, lang="nl").lower()
    except (ValueError, KeyError):  # pragma: no cover - simplemma's own errors on odd input
        return w


_WORD_RE = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’\-&]*")
_AGE_RE = re.compile(r"(?<![\d.,])(\d{1,2})\s*(?:jaar|jarigen|-plussers|plussers|\+|-minners|minners)", re.I)


def content_words(text: str) -> list[tuple[int, str]]:
    """``(offset, lemma)`` of the content words in ``text``, plus ``55jaar``-style tokens for ages and
    durations (they tell "55 jaar en ouder" from "35 jaar of jonger")."""
    out = []
    for m in _WORD_RE.finditer(text):
        if re.fullmatch(r"[A-Z][A-Z&()]{1,5}", m.group()):
            out.append((m.start(), m.group()))  # OP, OOP, BAO, SO&P: acronyms keep their case
            continue
        w = m.group().lower().strip("'’-")
        if len(w) < 3 or w in STOPWORDS:
            continue
        lw = lemma(w)
        if lw in STOPWORDS:
            continue
        out.append((m.start(), lw))
    for m in _AGE_RE.finditer(text):
        out.append((m.start(), f"{m.group(1)}jaar"))
    out.sort()
    return out


def _unit_from_header(header: str) -> str:
    h = header.lower()
    if "%" in h or "percent" in h or "procent" in h:
        return "procent"
    if re.search(r"\bfte\b|formatieplaats", h):
        return "fte"
    if re.search(r"€|\beuro\b|kosten|bedrag|budget|begroting|tarief|subsidie", h):
        return "eur"
    for word in re.findall(r"[\w'’\-]+", h):
        unit = _UNIT_OF.get(word)
        if unit and unit not in ("keer",):
            return unit
    for word in re.findall(r"\w+", h):  # a compound of a counted noun: "Leerlingaantallen", "studentenaantal"
        m = _COUNT_COMPOUND_RE.match(word)
        if m:
            return _UNIT_OF[m.group(1)]
    return ""


#: compounds that say a table counts a unit ("leerlingaantallen", "leerlingenaantal", "studentenaantallen")
_COUNT_COMPOUND_RE = re.compile(r"(leerling|leerlingen|student|studenten|leerkrachten|leraren|scholen|besturen)"
                                r"(?:aantal|aantallen|telling|tellingen)$")


# --- extraction -------------------------------------------------------------------------------------------

def extract_quantities(text: str, layout: Layout | None = None) -> pd.DataFrame:
    """Every quantity in ``text`` as one row: its text and offsets (``start``, ``einde``), value
    (``waarde``; ``laag``/``hoog`` for a range or a share in words), ``decimalen``, ``relatie``
    (``=``, ``≈``, ``>``, ``>=``, ``<``, ``<=``), ``eenheid``, ``per`` (the denominator of a rate:
    ``student`` in "€ 955 per student"), ``soort`` (``getal``, ``bereik``, ``jaartal``, ``woord``),
    ``jaar`` (the year or period the quantity is about: the column or row header, the only or the
    nearest year of its sentence, for a table cell else its section's period; empty when none),
    the sentence or table cell (``zin``, ``zin_start``, ``zin_einde``), the section heading
    (``sectie``, ``sectie_start``), the table cell (``tabel``, ``rij``, ``kolom``, ``rij_kop``,
    ``kolom_kop``; ``tabel`` -1 outside a table), the list block (``lijst``, -1 outside a list)
    and ``onderwerp``: the content words near the number (lemmatised, space-separated; the
    window stops at the clause and at a neighbouring quantity of the same unit), followed by
    cues (``~doel``, ``~nog``, ``~prognose``, ...), proper names (``@stenden``) and, for a table
    cell, its row (``#...``). Raises DataError when ``text`` is no string.
    """
    if not isinstance(text, str):
        raise DataError(Problem("<tekst>", f"een plan is tekst, geen {type(text).__name__}"))
    layout = layout or analyse(text)
    claims = _Claims(len(text))
    for a, b in _spans(_URL_RE, text) + _spans(_TAG_RE, text):
        claims.take(a, b)
    for t in layout.tables:
        if t.toc:
            claims.take(t.start, t.end)
    for h in layout.headings:
        m = re.match(r"\s*#*\s*(?:\*\*)?\s*(\d{1,2}(?:\.\d{1,2})*\.?)(?=\s)", text[h.start:h.end])
        if m:
            claims.take(h.start + m.start(1), h.start + m.end(1))
    for a, b in day_month_spans(text):
        claims.take(a, b)
    rows: list[dict] = []
    _periods(text, claims, rows)
    for w in word_shares(text):  # before the digits: "3 op de 10" is one share
        if claims.free(w.start, w.end):
            claims.take(w.start, w.end)
            rows.append(dict(tekst=w.text, start=w.start, einde=w.end, waarde=w.nominal, laag=w.low, hoog=w.high,
                             decimalen=0, relatie="≈", eenheid="procent", per="", soort="woord"))
    _ranges(text, claims, rows)
    _numbers(text, layout, claims, rows)
    _cardinals(text, claims, rows)
    return _with_context(text, layout, rows)


def _periods(text: str, claims: _Claims, rows: list[dict]) -> None:
    """Calendar periods and years that are written as such (not a bare 4-digit number)."""
    for regex in (_PERIOD_RE,):
        for m in regex.finditer(text):
            y1, y2 = int(m.group(1)), int(m.group(2))
            if claims.free(m.start(), m.end()) and y1 <= y2:
                claims.take(m.start(), m.end())
                rows.append(_year_row(m.group(), m.start(), m.end(), y1, y2))
    for m in _YEAR_RANGE_RE.finditer(text):
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", m.group())]
        if claims.free(m.start(), m.end()) and years == sorted(years) and years[-1] - years[0] <= 50:
            claims.take(m.start(), m.end())
            rows.append(_year_row(m.group(), m.start(), m.end(), years[0], years[-1]))
    for m in _BETWEEN_YEARS_RE.finditer(text):
        y1, y2 = int(m.group(1)), int(m.group(2))
        if claims.free(m.start(1), m.end(2)) and y1 < y2:
            claims.take(m.start(1), m.end(2))
            rows.append(_year_row(text[m.start(1):m.end(2)], m.start(1), m.end(2), y1, y2))
    for a, b, y1, y2 in school_years(text):
        if claims.free(a, b):
            claims.take(a, b)
            rows.append(_year_row(text[a:b], a, b, y1, y2))
    for m in _MONTH_YEAR_RE.finditer(text):
        y = int(m.group(1))
        if claims.free(m.start(), m.end()):
            claims.take(m.start(), m.end())
            rows.append(_year_row(m.group(), m.start(), m.end(), y, y))


def _year_row(tekst: str, a: int, b: int, y1: int, y2: int) -> dict:
    return dict(tekst=tekst, start=a, einde=b, waarde=float(y1) if y1 == y2 else (y1 + y2) / 2, laag=float(y1),
                hoog=float(y2), decimalen=0, relatie="=", eenheid="jaartal", per="",
                soort="jaartal")


def _search_all(regex: re.Pattern, text: str):
    """Like ``finditer``, but a match the caller rejects (by sending False) does not hide a match
    that starts inside it ("11,6%\n- 2 t/m 4 jaar")."""
    pos = 0
    while True:
        m = regex.search(text, pos)
        if m is None:
            return
        accepted = yield m
        pos = m.end() if accepted else m.start() + 1


def _ranges(text: str, claims: _Claims, rows: list[dict]) -> None:
    for regex in (_BETWEEN_RE, _RANGE_RE):
        matches = _search_all(regex, text)
        m = next(matches, None)
        while m is not None:
            ok = _range(text, claims, rows, regex, m)
            try:
                m = matches.send(ok)
            except StopIteration:
                m = None


def _range(text: str, claims: _Claims, rows: list[dict], regex: re.Pattern, m: re.Match) -> bool:
    a_val, a_dec = parse_number(m.group("a"))
    b_val, b_dec = parse_number(m.group("b"))
    if not a_val < b_val or (is_year(a_val, a_dec) and is_year(b_val, b_dec)):
        return False
    if regex is _RANGE_RE and _is_reference_before(text, m.start()):
        return False
    start, end = m.start("a") if regex is _BETWEEN_RE else m.start(), m.end()
    after = _unit_after(text, end)
    unit = after["eenheid"] or ("procent" if m.group("pa") and "%" in m.group("pa") else "")
    if m.group("pa") and "procent" in m.group("pa").lower():
        unit = "procent"
    if not unit and _EUR_BEFORE_RE.search(text[max(0, start - 8):start]):
        unit = "eur"
    if not claims.free(start, end):
        return False
    mult = after["factor"]
    end2 = after["end"] if after["eenheid"] else end
    claims.take(start, end2)
    rows.append(dict(tekst=text[start:end2], start=start, einde=end2, waarde=(a_val + b_val) / 2 * mult,
                     laag=a_val * mult, hoog=b_val * mult, decimalen=max(a_dec, b_dec),
                     relatie=_relation(text, start), eenheid=unit, per=after["per"], soort="bereik"))
    return True


def _unit_after(text: str, end: int) -> dict:
    """The unit written after a number ending at ``end`` (and a multiplier, and "per X")."""
    tail = text[end:end + 80]
    out: dict[str, Any] = {"eenheid": "", "factor": 1.0, "end": end, "per": "", "noun": ""}
    m = _DASH_UNIT_RE.match(tail)
    if m:
        out.update(eenheid="jaar" if "jarig" in m.group().lower() else "personen", end=end + m.end())
        return out
    if _K_RE.match(tail):
        out.update(factor=1e3, end=end + 1)
        tail = text[end + 1:end + 81]
        end += 1
    m = _UNIT_AFTER_RE.match(tail)
    if m:
        if m.group("pct"):
            out.update(eenheid="procent", end=end + m.end())
        elif m.group("eur"):
            out.update(eenheid="eur", end=end + m.end())
        else:
            word = m.group("word").lower()
            adj = (m.group("adj") or "").lower()
            stop = end + m.end()
            if adj in _UNIT_OF:  # "5 Partnerschappen opleidingsscholen": the first noun is the unit
                word, stop = adj, end + m.start("adj") + len(adj)
            if adj and adj in STOPWORDS:
                pass
            elif word == "x" and not re.match(r"\s*x\s", tail + " "):
                pass
            else:
                out.update(eenheid=_UNIT_OF[word], end=stop, noun=word)
                if m.group("mult"):
                    out["factor"] = MULTIPLIERS[m.group("mult").lower()]
    if not out["eenheid"]:
        mm = re.match(rf"{SP}*(miljoen|miljard|mln|mld)\b", tail)
        if mm:
            out.update(factor=MULTIPLIERS[mm.group(1).lower()], end=end + mm.end())
            after = _UNIT_AFTER_RE.match(text[out["end"]:out["end"] + 40])
            if after and after.group("word") and _UNIT_OF.get(after.group("word").lower()) == "eur":
                out.update(eenheid="eur", end=out["end"] + after.end())
    p = _PER_AFTER_RE.match(text[out["end"]:out["end"] + 40])
    if p and p.group(1).lower() not in STOPWORDS - {"jaar"}:
        out["per"] = lemma(p.group(1))
    return out


def _relation(text: str, start: int) -> str:
    before = text[max(0, start - 30):start]
    for rel, regex in _RELATION_RE:
        if regex.search(before):
            return rel
    return "="


def _is_reference_before(text: str, start: int) -> bool:
    return bool(_REFERENCE_RE.search(text[max(0, start - 40):start]))


def _numbering(text: str, layout: Layout, a: int, b: int) -> bool:
    """A list, activity or section number at the start of a line or a table cell."""
    line_start = text.rfind("\n", 0, a) + 1
    cell = layout.cell(a)
    start = max(line_start, cell[1].start if cell else line_start)
    lead = strip_markup(text[start:a])
    if lead.strip() not in ("", "-", "•", "▪", "●", "*", "o", "(", "·"):
        return False
    if cell is not None and _numeric_cell(cell[1].text):
        return False
    return bool(re.match(r"[.)](?:\s|$)|[ \t]+[A-Z(]", text[b:b + 3]))


def _numbers(text: str, layout: Layout, claims: _Claims, rows: list[dict]) -> None:
    for m in _NUM_RE.finditer(text):
        a, b = m.start(), m.end()
        if not claims.free(a, b):
            continue
        raw = m.group()
        value, decimals = parse_number(raw)
        if _ORDINAL_AFTER_RE.match(text[b:b + 12]) or _numbering(text, layout, a, b):
            continue
        if _is_reference_before(text, a):
            continue
        if re.search(r"[A-Za-z]-$", text[max(0, a - 2):a]):
            continue  # "Nt-2"
        after = _unit_after(text, b)
        unit, end, factor = after["eenheid"], after["end"], after["factor"]
        dotted_decimal = "." in raw and "," not in raw and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw)
        before = text[max(0, a - 12):a]
        if not unit and _EUR_BEFORE_RE.search(before):
            unit = "eur"
        if unit == "eur" and text[end:end + 2] == ",-":
            end += 2
        elif not unit and text[b:b + 2] == ",-":
            unit, end = "eur", b + 2
        if not unit:
            total = _OF_TOTAL_RE.match(text[b:b + 80])
            if total:  # "1243 in SO&P van totaal 3264 studenten": the part counts what the whole counts
                unit = _UNIT_OF[total.group(1).lower()]
        if not unit and re.match(r"-[A-Za-zÀ-ÿ]", text[b:b + 2]):
            continue  # "0-meting", "5-daagse": part of a compound word
        if dotted_decimal and not unit:
            continue  # "3.1", "2.0": a section number or a version, not a quantity
        if not unit and re.search(r"\bx\s*$", before) and value in (10, 100, 1000, 1e6):
            continue  # "(x 1.000)": the scale of a figure
        cell = layout.cell(a)
        in_year_column = False
        if cell is not None:
            table, c = cell
            header = table.column_header(c.col) if c.row > 0 else ""
            in_year_column = bool(re.fullmatch(r"\(?(?:19|20)\d{2}\)?", header.strip()))
        if not unit and is_year(value, decimals) and not in_year_column and "." not in raw and factor == 1:
            claims.take(a, b)
            rows.append(_year_row(raw, a, b, int(value), int(value)))
            continue
        start = a
        euro_before = re.search(r"€\s*$", before)
        if euro_before:
            start = a - (len(before) - euro_before.start())
        claims.take(start, end)
        rows.append(dict(tekst=text[start:end], start=start, einde=end, waarde=value * factor,
                         laag=value * factor, hoog=value * factor, decimalen=decimals,
                         relatie=_relation(text, start), eenheid=unit, per=after["per"], soort="getal"))
    _rates(text, rows)


def _rates(text: str, rows: list[dict]) -> None:
    """Mark "773 studenten a 955,-" and "3264 a 955,- euro": the amount after "a"/"à" is a rate in
    euro per counted thing."""
    rows.sort(key=lambda r: r["start"])
    for i, r in enumerate(rows):
        if r["soort"] != "getal" or i == 0:
            continue
        before = text[max(0, r["start"] - 12):r["start"]]
        if not re.search(r"\b(?:a|à)\s*(?:€\s*)?$", before):
            continue
        prev = rows[i - 1]
        if prev["soort"] not in ("getal", "bereik") or r["start"] - prev["einde"] > 20:
            continue
        if r["eenheid"] in ("", "eur"):
            r["eenheid"] = "eur"
            r["per"] = r["per"] or _singular(prev["eenheid"]) or "eenheid"


def _singular(unit: str) -> str:
    return {"studenten": "student", "leerlingen": "leerling", "personen": "persoon", "fte": "fte", "uur": "uur",
            "scholen": "school", "besturen": "bestuur"}.get(unit, "")


def _cardinals(text: str, claims: _Claims, rows: list[dict]) -> None:
    for m in CARDINAL_RE.finditer(text):
        a, b = m.start(), m.end()
        if not claims.free(a, b):
            continue
        after = _unit_after(text, b)
        if not after["eenheid"] or after["eenheid"] in ("jaar", "maand", "week", "dag", "uur", "keer", "procent"):
            continue
        value = float(CARDINALS[m.group().lower()])
        claims.take(a, after["end"])
        rows.append(dict(tekst=text[a:after["end"]], start=a, einde=after["end"], waarde=value, laag=value,
                         hoog=value, decimalen=0, relatie=_relation(text, a), eenheid=after["eenheid"], per="",
                         soort="getal"))


# --- context -------------------------------------------------------------------------------------------------

def _with_context(text: str, layout: Layout, rows: list[dict]) -> pd.DataFrame:
    rows.sort(key=lambda r: r["start"])
    years_by_sentence: dict[tuple[int, int], list[dict]] = {}
    for r in rows:
        sent = layout.sentence(r["start"]) or (r["start"], r["einde"])
        r["_sent"] = sent
        if r["eenheid"] == "jaartal":
            years_by_sentence.setdefault(sent, []).append(r)
    # neighbours: the quantities of the same unit in the same sentence bound each other's window
    by_sentence_unit: dict[tuple, list[dict]] = {}
    for r in rows:
        by_sentence_unit.setdefault((r["_sent"], r["eenheid"]), []).append(r)
    for same in by_sentence_unit.values():
        for k, r in enumerate(same):
            r["_bounds"] = (same[k - 1]["einde"] if k else -1, same[k + 1]["start"] if k + 1 < len(same) else -1)
    out = []
    for nr, r in enumerate(rows):
        sent = r.pop("_sent")
        bounds = r.pop("_bounds")
        heading = layout.section(r["start"])
        cell = layout.cell(r["start"])
        rec = dict(r, nr=nr, zin=" ".join(text[sent[0]:sent[1]].split()), zin_start=sent[0], zin_einde=sent[1],
                   sectie=heading.title if heading else "", sectie_start=heading.start if heading else -1,
                   tabel=-1, rij=-1, kolom=-1, rij_kop="", kolom_kop="", lijst=-1, jaar="")
        block = layout.list_block(r["start"])
        if block is not None:
            rec["lijst"] = block
        if cell is not None:
            table, c = cell
            rec.update(tabel=table.nr, rij=c.row, kolom=c.col, rij_kop=table.row_header(c.row),
                       kolom_kop=table.column_header(c.col) if c.row > 0 else "")
            group = table.groups.get(c.row, "")
            numeric_cell = _numeric_cell(c.text)
            headers = " ".join(x for x in ((rec["rij_kop"], group, rec["kolom_kop"], table.title) if numeric_cell
                                           else (rec["rij_kop"], group)) if x)
            if (not rec["eenheid"] and r["soort"] in ("getal", "bereik") and c.col > 0 and numeric_cell
                    and table.kind != "getallen"):
                found = [_unit_from_header(h) for h in (rec["rij_kop"], group, rec["kolom_kop"], table.title,
                                                          table.title or rec["sectie"])]
                measures = [u for u in found if u in MEASURES]
                rec["eenheid"] = measures[0] if measures else next((u for u in found if u), "")
            clause, narrow = _clause(text, c.start, c.end, r)
            words = [w for _, w in content_words(headers)] + _window_words(text, clause, r, bounds)
            # a table cell is the quantity its row (and group of rows) names
            row_key = "|".join(sorted({w for _, w in content_words(" ".join((rec["rij_kop"], group)))}))
            names = _names(headers) | _names(text[clause[0]:clause[1]], skip_first=True)
            year = _year_of_header(rec["kolom_kop"]) or _year_of_header(rec["rij_kop"])
            if not year:
                year = _nearest_year(years_by_sentence.get(sent, []), r)
        else:
            clause, narrow = _clause(text, sent[0], sent[1], r)
            words = _window_words(text, clause, r, bounds)
            row_key = ""
            sentence = text[sent[0]:sent[1]]
            # what the sentence says flows or compares, even outside the window ("een uitstroom van
            # ... 18 formatieplaatsen"), and the label of a list it is in ("BAO:" over the lines below)
            words += [w for _, w in content_words(sentence) if w in FLOW_WORDS]
            if block is not None:
                words += _list_label(text, layout, sent)
            names = _names(text[clause[0]:clause[1]], skip_first=clause[0] == sent[0])
            if not names and _ANAPHOR_RE.match(text[sent[0]:sent[1]]):
                # "Dit tekort loopt op tot 66 fte": what "dit" is, the sentence before says
                k = layout.sentence_index(sent[0])
                if k > 0:
                    a, b = layout.sentences[k - 1]
                    names = _names(text[a:b], skip_first=True)
            year = _nearest_year(years_by_sentence.get(sent, []), r)
            headers = ""
        if not year and r["eenheid"] != "jaartal" and cell is not None:
            # a table row is about the years of its section ("4.2 Planning (2027-2029)")
            period = layout.section_years(r["start"])
            if period is not None:
                lo, hi = period[0]
                year = str(lo) if lo == hi else f"{lo}-{hi}"
        rec["jaar"] = "" if r["eenheid"] == "jaartal" else year
        if heading is not None:
            # a heading that is a name ("NHL Stenden", "Hanze Hogeschool") names what its lines are about
            title_case = 2 <= len(heading.title.split()) <= 5 and all(w[:1].isupper() for w in heading.title.split())
            names |= _names(heading.title, skip_first=not title_case)
        cue_text = text[narrow[0]:narrow[1]] + " " + headers
        if heading is not None and heading.title.rstrip().endswith(":"):
            cue_text += " " + heading.title  # a lead-in ("In totaal gaat het om:") sets the scope of what follows
        cues = sorted({f"~{cue}" for cue, regex in CUES if regex.search(cue_text)})
        words += [w for _, w in content_words(r["tekst"])]  # the counted noun: "1.310 leraren"
        words = [w for w in dict.fromkeys(words) if w.lower() not in names]  # names are compared apart
        row = [f"#{row_key}"] if row_key else []
        rec["onderwerp"] = " ".join(words + cues + sorted(f"@{n}" for n in names) + row)
        out.append(rec)
    df = pd.DataFrame(out, columns=COLUMNS)
    if df.empty:
        return df
    return df.astype({"nr": int, "start": int, "einde": int, "decimalen": int, "zin_start": int, "zin_einde": int,
                      "sectie_start": int, "tabel": int, "rij": int, "kolom": int, "lijst": int})


#: what a clause says about its quantity beyond the subject: a target, a remainder or addition,
#: a forecast, an average, a national figure, a hidden one. Two statements of one quantity carry
#: the same cues (``onderwerp`` holds them as ``~doel``, ``~nog``, ...).
CUES = (
    ("doel", re.compile(r"\b(?:ambitie|doel|doelstelling|streven|streefcijfer|halen|brengen|terugbrengen|"
                        r"verhogen|verlagen|bereiken|beoogd|beoogde|realiseren|naar\s+\d)", re.I)),
    ("nog", re.compile(r"\b(?:nog|resterend|resterende|te\s+gaan|extra|bovenop|aanvullend|aanvullende)\b", re.I)),
    ("prognose", re.compile(r"\b(?:prognose|prognoses|geprognosticeerd\w*|verwacht|verwachte|verwachting|raming|"
                            r"geraamd\w*|voorspeld\w*)\b", re.I)),
    ("gemiddeld", re.compile(r"\bgemiddeld", re.I)),
    ("landelijk", re.compile(r"\b(?:landelijk\w*|nationa\w*|in\s+nederland)\b", re.I)),
    ("verborgen", re.compile(r"\bverborgen\b", re.I)),
    ("totaal", re.compile(r"\b(?:in\s+totaal|totaal|totale|gezamenlijke?|alle\s+\w+\s+samen)\b", re.I)),
    ("meer", re.compile(r"\b(?:meer|langer|ouder|hoger|boven)\b", re.I)),
    ("minder", re.compile(r"\b(?:minder|korter|jonger|lager)\b", re.I)),
)
FLOW_WORDS = frozenset(CONTRASTS[0])
_LABEL_RE = re.compile(r"\W*([^\s:][^:\n]{0,30}):\s")


def _list_label(text: str, layout: Layout, sent: tuple[int, int]) -> list[str]:
    """The words of the label ("BAO:", "(V)SO:") of the nearest line at or above ``sent`` in its
    list that starts with one."""
    block = layout.list_block(sent[0])
    k = layout.sentence_index(sent[0])
    while k >= 0 and layout.list_block(layout.sentences[k][0]) == block:
        a, b = layout.sentences[k]
        m = _LABEL_RE.match(text[a:b])
        if m and len(m.group(1).split()) <= 3:
            return [w for _, w in content_words(m.group(1))]
        k -= 1
    return []


_ANAPHOR_RE = re.compile(r"\W*(?:dit|deze|dat|die|hier|daarmee|daarbij|daarvan|hiervan|zij|ze)\b", re.I)
_CAPITAL_RE = re.compile(r"(?<![\w'’])([A-Z][A-Za-zÀ-ÿ'’&\-]+)")
_CLAUSE_BREAK_RE = re.compile(r"[,;]\s|\s[–—]\s")  # not ":": "BAO: 1 fte <> 18 leerlingen" keeps its label


def _names(text: str, skip_first: bool = True) -> set[str]:
    """Proper names and acronyms: capitalised words that do not start the text (``NHL``,
    ``Stenden``, ``Hanze``); months and words of the first position are left out."""
    out = set()
    first = True
    for m in _CAPITAL_RE.finditer(text):
        word = m.group(1)
        preceding = text[:m.start()].strip()
        at_start = (not preceding or preceding[-1] in ".!?:•-|("
                    or (first and not preceding.strip("-•▪*#0123456789. ")))
        first = False
        if skip_first and at_start and not word.isupper():
            continue
        if word.lower() in MONTH_NAMES or word.lower() in STOPWORDS or word in CATEGORY_WORDS:
            continue  # OP, OOP, BAO, VO: categories the subject words compare, not names
        out.add(word.lower())
    return out


CATEGORY_WORDS = frozenset(w for group in CONTRASTS for w in group if w[:1].isupper())
MONTH_NAMES = frozenset(("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                         "oktober", "november", "december"))


def _numeric_cell(text: str) -> bool:
    return bool(re.fullmatch(rf"\s*(?:€\s*)?(?:{NUMBER})(?:,-)?\s*%?\s*(?:\(\s*(?:19|20)\d{{2}}\s*\))?\s*", text))


def _clause(text: str, start: int, end: int, r: dict) -> tuple[tuple[int, int], tuple[int, int]]:
    """The clause of ``text[start:end]`` around the quantity: between the nearest ``,``, ``;``,
    ``:`` or dash on either side; the whole span when that clause has fewer than two content words.
    Returns (the span to take subject words from, the clause itself)."""
    chunk = text[start:end]
    pos, stop = r["start"] - start, r["einde"] - start
    left = 0
    for m in _CLAUSE_BREAK_RE.finditer(chunk, 0, max(0, pos)):
        left = m.end()
    brk = _CLAUSE_BREAK_RE.search(chunk, min(len(chunk), stop))
    right = brk.start() if brk else len(chunk)
    narrow = (start + left, start + right)
    if len(content_words(chunk[left:pos] + " " + chunk[stop:right])) < 2:
        return (start, end), narrow
    return narrow, narrow


def _window_words(text: str, span: tuple[int, int], r: dict, bounds: tuple[int, int] = (-1, -1),
                  before: int = 8, after: int = 6) -> list[str]:
    """Content words of ``text[span]`` nearest to the quantity: up to ``before`` words before it
    and ``after`` words after it, not beyond the neighbouring quantities of the same unit in the
    sentence (``bounds``: "in 2023 (10,7%) is 30,2% afkomstig uit ...": the words after 30,2%
    are not about 10,7%)."""
    start, end = span
    if bounds[0] >= 0:
        start = max(start, min(bounds[0], r["start"]))
    if bounds[1] >= 0:
        end = min(end, max(bounds[1], r["einde"]))
    words = content_words(text[start:end])
    pos, stop = r["start"] - start, r["einde"] - start
    left = [w for off, w in words if off < pos][-before:]
    right = [w for off, w in words if off >= stop][:after]
    return left + right


def _year_of_header(header: str) -> str:
    m = re.fullmatch(r"\s*\(?((?:19|20)\d{2})\)?\s*", header or "")
    return m.group(1) if m else ""


def _nearest_year(years: list[dict], r: dict) -> str:
    """The year a quantity is about: the only year or period in its sentence, or the nearest one
    within 40 characters when the sentence names several."""
    if r["eenheid"] == "jaartal" or not years:
        return ""

    def label(y: dict) -> str:
        lo, hi = int(y["laag"]), int(y["hoog"])
        return str(lo) if lo == hi else f"{lo}-{hi}"

    distinct = {label(y) for y in years}
    if len(distinct) == 1:
        return distinct.pop()
    best = min(years, key=lambda y: min(abs(y["start"] - r["einde"]), abs(r["start"] - y["einde"])))
    gap = min(abs(best["start"] - r["einde"]), abs(r["start"] - best["einde"]))
    return label(best) if gap <= 40 else ""
