"""Readings that cannot lie (tests only): the numbers of a Dutch reading, and whether each equals a
number of the tables the reading describes.

:func:`getallen` parses the figures out of a reading; :func:`toegestane_getallen` collects what a
reading of some display tables may state (what they show, and what follows from one or two shown
numbers by one documented step); :func:`waarden` the raw numbers of a data table; :func:`tellingen`
the counts a reading may give of a table's rows; :func:`rekensommen` the results of computations a
reading writes out; :func:`ontraceerbaar` lists the figures of a reading that are none of the allowed
numbers, at the decimals the reading shows. Used by the tests of chapters 00–05.

Which numbers in a text are figures (:func:`getallen`). Dutch notation: decimal comma (``6,5``),
thousands point (``2.840``, ``€ 1.930.055``), a sign ``−`` or ``-`` written against the number
(``−67``, ``-0,5``; a hyphen between two numbers is a range, ``2019-2025``), percentages (``38,1%``,
``100 %``), ranges (``5–8%``, ``53 tot 315``: both bounds are figures), ``ca. 5`` (the number is a
figure). Years are figures too: a reading may name only the years of its data or of its parameters.
Not figures, because they name something rather than state a quantity:

- a source reference: a document title followed by ``, §`` and the section, up to the end of the
  parenthesis, clause (``;``) or line it stands in ("Activiteitenplan X 2026–2029, § 3.1.3 Behouden",
  "§ Bijlage 2: Uitwerking financiën 100% SO&P");
- a section or enumeration number with dots that is not a thousands grouping (``3.1.3``, ``3.1``);
- a quoted title (``'Werkgroep 2'``, ``"Plan 2030"``), an activity's or a column's name, and the number
  written right before it, its number in a register (``3 'Werkgroep SO&P'``);
- the names given in ``namen`` (a region's document titles, a framework's name and its waarborgen
  "Waarborg 3: …"): the caller says which texts are names.
A number written against a word character (``OP2``, ``χ2``) is part of a word.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from regio_analysis.report.format import tabel_tekst, weergave

#: a number in Dutch notation, or a dotted identifier (group ``ident``) that is not a figure
_GETAL = re.compile(r"(?<![\w.,])(?P<sign>[−-]?)(?:(?P<whole>\d{1,3}(?:\.\d{3})+(?!\.?\d))|"
                    r"(?P<ident>\d+(?:\.\d+)+)|(?P<plain>\d+))(?:,(?P<frac>\d+))?")
#: quoted titles (a quote that opens after no word character and closes before none) with a number before
_QUOTED = re.compile(r"(?:(?<![\w.,])\d+\s)?(?<!\w)(['\"‘“])(?:(?!\1)[^\n])+?[’”'\"](?!\w)")

#: numbers of the retention and induction methods that their readings may name: 95 %-intervals,
#: K = 10, 1,96, "0,5 is toeval", the balance threshold 0,1, "het interval omvat 1", chapters 03 and
#: 04, the 31 days joining spells
CONSTANTEN = (95, 10, 1.96, 0.5, 0.1, 1, 0, 3, 4, 31)


def _bronverwijzingen(tekst: str) -> list[tuple[int, int]]:
    """The spans of the source references in ``tekst``: from the start of the title before ``§``
    (after the last ``(``, ``;``, ``:``, ``,`` or line start before it, skipping a ``, `` that joins
    title and section) to the end of the parenthesis, clause or line the reference stands in."""
    spans = []
    for m in re.finditer("§", tekst):
        i = m.start()
        before = tekst[:i].rstrip()
        if before.endswith(","):  # "<titel>, § <sectie>": the title belongs to the reference
            before = before[:-1]
            cut = max(before.rfind(c) for c in "(;:,\n")
            start = cut + 1
        else:
            start = i
        # the depth of parentheses at the start; the reference ends where that depth is left
        depth, j = 0, i
        while j < len(tekst):
            c = tekst[j]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and (c in ";\n" or (c == "." and tekst[j + 1:j + 2] in (" ", ""))):
                break
            j += 1
        spans.append((start, j))
    return spans


def _zonder_namen(tekst: str, namen: Iterable[str] = ()) -> str:
    """``tekst`` with every name, quoted title and source reference blanked (same length)."""
    tekst = str(tekst)
    for naam in sorted({str(n) for n in namen if str(n).strip()}, key=len, reverse=True):
        tekst = tekst.replace(naam, " " * len(naam))
    chars = list(tekst)
    for a, b in _bronverwijzingen(tekst):
        chars[a:b] = " " * (b - a)
    tekst = "".join(chars)
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), tekst)


def getallen(tekst: str, namen: Iterable[str] = (), *, ook_namen: bool = False) -> list[tuple[float, int]]:
    """The figures in a Dutch text with their decimals (see the module's docstring for what is a
    figure); ``namen``: texts that are names (document titles), not read. With ``ook_namen`` every
    number is read, in names, titles and source references too (what a table shows)."""
    out = []
    for m in _GETAL.finditer(str(tekst) if ook_namen else _zonder_namen(tekst, namen)):
        if m.group("ident"):
            continue
        whole, frac = m.group("whole") or m.group("plain"), m.group("frac") or ""
        value = float(whole.replace(".", "") + ("." + frac if frac else ""))
        out.append((-value if m.group("sign") else value, len(frac)))
    return out


def toegestane_getallen(tables, extra=(), constanten=CONSTANTEN) -> set[float]:
    """Every number a reading of ``tables`` may state: what the tables show (every number in their
    text, headers and the titles of sources included) and what follows from one shown number or two
    by one documented step, by the kind of column (:func:`report.format.weergave`): for a percentage
    100 − x and the difference of two in the column (also for percentage points: "(pp)",
    "procentpunt"); for another number |1 − x|·100 ("37% lager" of a ratio) and 100·x; for a count
    the share 100·x/y of two in the column; for an interval the width hoog − laag. Also ``extra``
    (the chapter's parameters, the years of the data) and ``constanten`` (the method's)."""
    allowed = set(constanten) | {float(x) for x in extra}
    for df in tables:
        if df is None or df.empty:
            continue
        shown = tabel_tekst(df)
        for text in [*map(str, shown.columns), *shown.astype(str).to_numpy().ravel()]:
            allowed |= {v for v, _ in getallen(text, ook_namen=True)}
        for c, k in weergave(df).items():
            if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
                continue
            if k.eenheid:  # each row in its own unit: ratios give 100·x, percentages 100 − x
                for x, unit in zip(df[c].astype(float), df[k.eenheid]):
                    allowed |= {100 * x} if unit == "ratio" else {100 - x} if unit == "procent" else set()
                continue
            col = pd.to_numeric(df[c], errors="coerce").astype(float).dropna().tolist()
            if k.soort == "pct":
                allowed |= {100 - x for x in col} | {abs(x - y) for x in col for y in col}
            elif k.soort == "getal" and re.search(r"\(pp\)|procentpunt", f"{c} {k.naam or ''}"):
                allowed |= {abs(x - y) for x in col for y in col}  # differences of percentage points
            elif k.soort == "getal":
                allowed |= {abs(1 - x) * 100 for x in col} | {100 * x for x in col}
            elif k.soort == "aantal":
                allowed |= {100 * x / y for x in col for y in col if y}
            if k.soort in ("getal", "pct") and k.hoog and k.hoog in df:
                lo = df[k.laag] if k.laag else df[c]
                allowed |= set((df[k.hoog].astype(float) - lo.astype(float)).dropna())
    return allowed


#: text columns of a figure's data that the figure does not show
_NIET_GETOOND = ("bron", "opmerking", "bron_bestand", "sha256")


def waarden(df: pd.DataFrame | None, tekst: bool = False) -> set[float]:
    """The raw numbers of a data table: every numeric cell and the year of every date; with
    ``tekst`` (the data of a figure, whose labels it shows) also the figures in its headers and text cells
    (a class "55+", "2 t/m 4 jaar"), except a source or a remark, which a figure does not show.
    Without ``tekst`` (a region's table) text cells are not figures of the table."""
    out: set[float] = set()
    if df is None or df.empty:
        return out
    if tekst:  # a table's headers ("2025", "invoer 10% lager")
        out |= {v for c in df.columns for v, _ in getallen(str(c))}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            out |= {float(y) for y in s.dropna().dt.year}
        elif pd.api.types.is_numeric_dtype(s):
            out |= set(pd.to_numeric(s, errors="coerce").astype(float).dropna())
        elif tekst and str(c) not in _NIET_GETOOND:
            out |= {v for cell in s.dropna().astype(str) for v, _ in getallen(cell)}
    return out


def tellingen(df: pd.DataFrame | None) -> set[float]:
    """The counts a reading may give of a table's rows: all rows, the rows per value of one column,
    the rows with a value in a column, and the number of distinct values of a column (a column of
    nearly unique values, such as a title, counts only its filled rows)."""
    if df is None:
        return set()
    out = {float(len(df))}
    for c in df.columns:
        s = df[c]
        filled = s.notna() & (s.astype(str).str.strip() != "")
        out.add(float(filled.sum()))
        counts = s[filled].astype(str).value_counts()
        if len(counts) > len(df) / 2 and len(df) > 4:
            continue
        out |= set(counts.astype(float)) | {float(len(counts))}
    return out


#: a computation written out: "a : b = c", "1.243 studenten × € 955 = € 1.187.065"
_SOM = re.compile(r"(?P<a>\d[\d.]*(?:,\d+)?)\s*(?:[a-z]+\s+)?(?P<op>[:×/])\s*(?:€\s*)?(?P<b>\d[\d.]*(?:,\d+)?)"
                  r"\s*(?:[a-z]+\s+)?=\s*(?:€\s*)?(?P<c>−?\d[\d.]*(?:,\d+)?)")


def rekensommen(tekst: str, namen: Iterable[str] = ()) -> set[float]:
    """The results of the computations a reading writes out ("2.840 : 918 = 3,09"), each when it is
    right at the decimals shown: a reading may state the result of its own computation, whose
    operands must then be traced themselves."""
    def num(x: str) -> tuple[float, int]:
        return getallen(x)[0]

    out = set()
    for m in _SOM.finditer(_zonder_namen(tekst, namen)):
        (a, _), (b, _), (c, places) = num(m["a"]), num(m["b"]), num(m["c"].replace("−", "-"))
        value = a * b if m["op"] == "×" else a / b if b else math.nan
        if abs(value - c) <= 0.5 * 10 ** -places + 1e-9:
            out.add(c)
    return out


def ontraceerbaar(tekst: str, allowed: set[float], namen: Iterable[str] = ()) -> list[str]:
    """The figures of ``tekst`` that equal no allowed number (at the decimals the text shows)."""
    vals = np.array(sorted({abs(a) for a in allowed if a == a}))
    bad = []
    for value, decimals in getallen(tekst, namen):
        tol = 0.5 * 10 ** -decimals + 1e-6
        if not np.any(np.abs(vals - abs(value)) <= tol):
            bad.append(f"{value:g}")
    return bad
