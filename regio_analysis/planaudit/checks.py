"""Findings about a plan's figures, from the plan alone and against the region's data: :func:`audit`.

Kinds (column ``soort``), each in its own function:

* ``product`` (:func:`.arithmetic.find_products`): an amount that is not count × rate;
* ``som`` (:func:`.arithmetic.find_sums`): a total that is not the sum of its parts;
* ``verdeling`` (:func:`.arithmetic.find_distributions`): shares that do not add up to 100 %;
* ``tegenstrijdig`` (:func:`find_contradictions`): the same quantity stated with different values;
* ``woord_getal`` (:func:`find_word_numbers`): a share in words that a number for the same subject contradicts;
* ``jaarbereik`` (:func:`find_year_ranges`): a year outside the period its sentence, table cell
  or section sets;
* ``gegevens`` (:func:`.regio.find_data_differences`, only with a region): a figure that differs
  from the region's own data.

Every check prefers missing a finding over reporting a false one: it needs the plan to state
every number it compares, and a difference beyond rounding.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.planaudit.arithmetic import find_distributions, find_products, find_sums
from regio_analysis.planaudit.findings import (FINDING_COLUMNS, KINDS, finding, findings_table, fmt, interval,
                                               Subject, same_subject, subject_overlap)
from regio_analysis.planaudit.quantities import extract_quantities
from regio_analysis.planaudit.regio import find_data_differences, reference_figures
from regio_analysis.planaudit.structure import Layout, analyse

__all__ = ["audit", "find_contradictions", "find_word_numbers", "find_year_ranges", "FINDING_COLUMNS", "KINDS"]

#: units whose values two statements of "the same quantity" can be compared in
COMPARABLE_UNITS = frozenset({"procent", "fte", "eur", "leerlingen", "studenten", "personen", "scholen", "besturen",
                              "instellingen", "vestigingen", "opleidingsscholen", "gemeenten", "banen"})
#: a word that occurs in more candidate quantities than this does not propose pairs (it is too common)
MAX_POSTINGS = 400


# --- tegenstrijdig ----------------------------------------------------------------------------------

def find_contradictions(q: pd.DataFrame, layout: Layout, text: str) -> list[dict]:
    """``tegenstrijdig``: two statements of one quantity with values further apart than rounding.

    Two quantities are taken for the same one when they have the same unit (and the same
    denominator, for rates), the same year (or none), and subject words that match for at least
    two words and 60 % of the shorter description, with no contrasting words (``instroom`` and
    ``uitstroom``, ``OP`` and ``OOP``, a national and a regional figure, different ages). Two
    quantities in one sentence, list or table are never compared: they are usually different
    categories side by side.
    """
    if q.empty:
        return []
    cand = q[q["soort"].isin(["getal", "bereik"]) & q["eenheid"].isin(COMPARABLE_UNITS)
             & q["relatie"].isin(["=", "≈"]) & (q["onderwerp"] != "")]
    recs = cand.to_dict("records")
    subjects = [Subject(r["onderwerp"]) for r in recs]
    words = [subject[0] for subject in subjects]
    postings: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(recs):
        for w in words[i]:
            postings[(r["eenheid"], r["per"], w)].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, idx in postings.items():
        if len(idx) > MAX_POSTINGS:
            continue
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                pairs.add((idx[x], idx[y]))
    scored = []
    for i, j in pairs:
        a, b = recs[i], recs[j]
        if not _comparable(a, b):
            continue
        lo_a, hi_a = interval(a)
        lo_b, hi_b = interval(b)
        if lo_a <= hi_b and lo_b <= hi_a:
            continue
        if not same_subject(subjects[i], subjects[j]):
            continue
        overlap = subject_overlap(words[i], words[j])
        scored.append((overlap, a, b))
    out: list[dict] = []
    used: set[int] = set()  # the quantities (nr) already in a finding
    for overlap, a, b in sorted(scored, key=lambda s: (-s[0], s[1]["start"], s[2]["start"])):
        if a["nr"] in used and b["nr"] in used:
            continue
        used.update((a["nr"], b["nr"]))
        first, second = sorted((a, b), key=lambda r: r["start"])
        out.append(finding("tegenstrijdig", [second, first], text, stated=second["waarde"], expected=first["waarde"],
                           unit=second["eenheid"], rule=f"{fmt(second['waarde'])} ≠ {fmt(first['waarde'])}"))
    return out


def _comparable(a: dict, b: dict) -> bool:
    if a["zin_start"] == b["zin_start"]:
        return False
    if a["lijst"] >= 0 and a["lijst"] == b["lijst"]:
        return False
    if a["tabel"] >= 0 and a["tabel"] == b["tabel"]:
        return False
    if a["jaar"] != b["jaar"]:
        return False
    if a["eenheid"] == "procent" and (a["hoog"] > 100 or b["hoog"] > 100):
        return False
    return True


# --- woord_getal ------------------------------------------------------------------------------------

def find_word_numbers(q: pd.DataFrame, layout: Layout, text: str) -> list[dict]:
    """``woord_getal``: a share in words (``bijna een kwart``) and a percentage for the same subject
    (matched as in :func:`find_contradictions`) whose values cannot both be true: the number,
    widened by its rounding, lies outside the interval the words allow (see
    :func:`.numbers.word_shares`)."""
    if q.empty:
        return []
    words = q[q["soort"] == "woord"].to_dict("records")
    nums = q[(q["eenheid"] == "procent") & q["soort"].isin(["getal", "bereik"])
             & q["relatie"].isin(["=", "≈"])].to_dict("records")
    out = []
    num_subjects = [Subject(n["onderwerp"]) for n in nums]
    for w in words:
        best = None
        w_subject = Subject(w["onderwerp"])
        for n, n_subject in zip(nums, num_subjects):
            if w["jaar"] and n["jaar"] and w["jaar"] != n["jaar"]:
                continue
            if not same_subject(w_subject, n_subject, min_shared=2, min_share=0.6):
                continue
            lo, hi = interval(n)
            if lo <= w["hoog"] and w["laag"] <= hi:
                best = None
                break  # a number for this subject agrees with the words: no finding for them
            gap = max(w["laag"] - hi, lo - w["hoog"])
            if best is None or gap > best[0]:
                best = (gap, n)
        if best is None:
            continue
        gap, n = best
        expected = w["hoog"] if n["waarde"] > w["hoog"] else w["laag"]
        grade = "hoog" if gap >= 5 else "middel"
        out.append(finding("woord_getal", [w, n], text, stated=n["waarde"], expected=expected, unit="procent",
                           grade=grade, rule=f"'{' '.join(w['tekst'].split())}' = {fmt(w['laag'])}-{fmt(w['hoog'])} "
                                             f"≠ {fmt(n['waarde'])}"))
    return out


# --- jaarbereik --------------------------------------------------------------------------------------

PERIOD_HEADER_RE = re.compile(r"periode|planning|looptijd|wanneer|termijn|tijdpad|jaar\s+van", re.I)
PERIOD_CUE_RE = re.compile(r"(?:periode|looptijd|planperiode|subsidieperiode|kalenderjaren|jaren|gedurende)"
                           r"(?:\s+van)?\s*$", re.I)
YEAR_CUE_RE = re.compile(r"(?:\bin|\buiterlijk|\bvóór|\bvoor|\bper|\bvanaf|\bmedio|\beind|\bbegin|\bnajaar|"
                         r"\bvoorjaar|\bzomer|\bloop\s+van)\s*$", re.I)
HISTORY_CUE_RE = re.compile(
    r"\b(?:sinds|afgelopen|eerder|eerdere|vorige|voorgaande|t\.o\.v\.|ten\s+opzichte|vergeleken|verwacht|"
    r"verwachting|prognose|prognoses|raming|was|waren|had|hadden|gestart|begonnen|opgestart|voorheen|tot\s+nu|"
    r"ontstaan|gerealiseerd|realisatie)\b", re.I)
#: the perfect tense ("is ... gegeven", "hebben ... plaatsgevonden"): the sentence reports the past
PERFECT_RE = re.compile(r"\b(?:is|zijn|heeft|hebben|werd|werden)\b[^.,;]{0,60}\bge\w+(?:d|t|en)\b", re.I)


def find_year_ranges(q: pd.DataFrame, layout: Layout, text: str) -> list[dict]:
    """``jaarbereik``: a year outside the period that governs it.

    Two forms: a table cell that gives an activity's period (a column headed ``Periode``,
    ``Planning``, ``Looptijd``, or a row so labelled) entirely outside the years of the section
    heading above the table (``4.1 Activiteitenplanning (2026)``; a period that only starts or
    ends outside them is allowed); and a sentence that sets a period (``in de periode
    2026-2029``) and places something in a year outside it (``in 2031``). Sentences that look
    back or forecast (``sinds``, ``afgelopen``, ``verwacht``, ``prognose``, the perfect tense) are
    left alone. (A plan is written before its period starts, so "zal in 2025" in a plan for
    2026-2029 is no finding.)
    """
    if q.empty:
        return []
    years = q[q["eenheid"] == "jaartal"].to_dict("records")
    return _period_cells(years, layout, text) + _sentence_periods(years, text)


def _period_cells(years: list[dict], layout: Layout, text: str) -> list[dict]:
    out = []
    by_cell: dict[tuple[int, int, int], list[dict]] = defaultdict(list)
    for y in years:
        if y["tabel"] >= 0:
            by_cell[(y["tabel"], y["rij"], y["kolom"])].append(y)
    for (t, r, c), ys in by_cell.items():
        table = layout.tables[t]
        if c == 0 or (table.header and r == 0):
            continue
        header = table.column_header(c) if table.header else ""
        if not (PERIOD_HEADER_RE.search(header) or PERIOD_HEADER_RE.match(table.row_header(r) or "")):
            continue
        cell = table.rows[r][c]
        ys = sorted(ys, key=lambda y: y["start"])
        if ys[0]["start"] - cell.start > 12:
            continue  # the cell does not give a period; it mentions a year in passing
        section = layout.section_years(cell.start)
        if section is None:
            continue
        (lo, hi), heading = section
        c_lo, c_hi = int(min(y["laag"] for y in ys)), int(max(y["hoog"] for y in ys))
        if c_lo <= hi and lo <= c_hi:
            continue  # the period overlaps the section's years: it may start or end outside them
        stated = c_hi if c_hi > hi else c_lo
        expected = hi if c_hi > hi else lo
        f = finding("jaarbereik", ys, text, stated=stated, expected=expected, unit="jaartal", grade="middel",
                    rule=f"{c_lo}-{c_hi} ∉ {lo}-{hi}" if c_lo != c_hi else f"{c_lo} ∉ {lo}-{hi}")
        f["bewijs"] = f["bewijs"] + " | " + " ".join(heading.title.split())
        out.append(f)
    return out


def _sentence_periods(years: list[dict], text: str) -> list[dict]:
    out = []
    by_sentence: dict[int, list[dict]] = defaultdict(list)
    for y in years:
        if y["tabel"] < 0:
            by_sentence[y["zin_start"]].append(y)
    for _start, ys in by_sentence.items():
        sentence = text[ys[0]["zin_start"]:ys[0]["zin_einde"]]
        if HISTORY_CUE_RE.search(sentence) or PERFECT_RE.search(sentence):
            continue
        ranges = {(int(y["laag"]), int(y["hoog"])) for y in ys if y["laag"] < y["hoog"]
                  and PERIOD_CUE_RE.search(text[max(0, y["start"] - 30):y["start"]])}
        if len(ranges) != 1:
            continue
        lo, hi = ranges.pop()
        period = next(y for y in ys if (int(y["laag"]), int(y["hoog"])) == (lo, hi))
        for y in ys:
            if y["laag"] != y["hoog"] or lo <= y["laag"] <= hi:
                continue
            if not YEAR_CUE_RE.search(text[max(0, y["start"] - 15):y["start"]]):
                continue
            stated = int(y["laag"])
            expected = hi if stated > hi else lo
            out.append(finding("jaarbereik", [y, period], text, stated=stated, expected=expected, unit="jaartal",
                               grade="middel", rule=f"{stated} ∉ {lo}-{hi}"))
    return out


# --- all checks --------------------------------------------------------------------------------------

CHECKS = {
    "product": find_products,
    "som": find_sums,
    "verdeling": find_distributions,
    "tegenstrijdig": find_contradictions,
    "woord_getal": find_word_numbers,
    "jaarbereik": find_year_ranges,
}


def audit(text: str, *, kinds: tuple[str, ...] = KINDS, quantities: pd.DataFrame | None = None,
          bron: str = "<tekst>", region: Any = None) -> pd.DataFrame:
    """Every finding about the figures in a plan's ``text`` (as :func:`regio_analysis.io.documents.
    read_document` returns it), one row each: ``bevinding`` (``<soort>-<n>``), ``soort``, ``ernst``
    (``hoog``, ``middel``, ``laag``), ``waarde`` (what the plan states), ``verwacht`` (what the rest
    of the plan, or the data, implies), ``verschil``, ``eenheid``, ``regel`` (the comparison in numbers
    and symbols, no prose: the report words it), ``bewijs`` (the sentences or cells quoted; a table
    cell with its row and column headers, a period cell with the heading whose years it leaves),
    ``gegevens`` (for ``gegevens``: the data figure, its layer and source), ``start``/``einde``
    (offsets of the quantity the finding is about), ``locaties`` (offsets of every quantity
    involved), ``secties`` and ``nrs`` (rows of :func:`.quantities.extract_quantities`). Sorted by
    position.

    ``kinds`` limits the checks run; ``quantities`` reuses an extraction of the same text;
    ``bron`` names the text in a DataError. With ``region`` (a
    :class:`~regio_analysis.data.RegionData`) the plan's figures are also compared with the
    region's data (kind ``gegevens``, :mod:`.regio`); without it that kind is not run.
    """
    if not isinstance(text, str):
        raise DataError(Problem(bron, f"een plan is tekst, geen {type(text).__name__}"))
    if not text.strip():
        raise DataError(Problem(bron, "het plan bevat geen tekst"))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise DataError(Problem(bron, f"onbekende soort controle: {', '.join(unknown)}; kies uit {', '.join(KINDS)}"))
    layout = analyse(text)
    q = quantities if quantities is not None else extract_quantities(text, layout)
    found: list[dict] = []
    for kind in kinds:
        if kind in CHECKS:
            found += CHECKS[kind](q, layout, text)
    if region is not None and "gegevens" in kinds:
        found += find_data_differences(q, reference_figures(region), text)
    return findings_table(found)
