"""What the checks share: the findings table, rounding tolerances, quoting the evidence, severity
and whether two quantities are about the same subject."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd

from regio_analysis.planaudit.numbers import format_number, rounding

FINDING_COLUMNS = ["bevinding", "soort", "ernst", "waarde", "verwacht", "verschil", "eenheid", "regel", "bewijs",
                   "gegevens", "start", "einde", "locaties", "secties", "nrs"]
#: the kinds of finding, in the order a report lists them
KINDS = ("product", "som", "verdeling", "tegenstrijdig", "woord_getal", "jaarbereik", "gegevens")
SEVERITIES = ("hoog", "middel", "laag")
QUOTE_CHARS = 240


def tolerance(q) -> float:
    """How far the true value may lie from what a quantity states: half its last digit, and for
    an approximate one (``ca.``, ``ongeveer``) 5 % of its value."""
    tol = rounding(int(q["decimalen"]))
    if q["relatie"] == "≈":
        tol = max(tol, 0.05 * abs(q["waarde"]))
    return tol


def interval(q) -> tuple[float, float]:
    """The values a quantity allows (its range, widened by its rounding; open sides for ``meer dan``)."""
    lo, hi = float(q["laag"]), float(q["hoog"])
    tol = tolerance(q)
    rel = q["relatie"]
    if q["soort"] == "woord":
        return lo, hi
    if rel in (">", ">="):
        return lo - tol, float("inf")
    if rel in ("<", "<="):
        return float("-inf"), hi + tol
    return lo - tol, hi + tol


def severity(stated: float, expected: float) -> str:
    """``hoog`` from 5 % apart, ``middel`` from 1 %, else ``laag``."""
    base = max(abs(expected), abs(stated), 1e-9)
    rel = abs(stated - expected) / base
    return "hoog" if rel >= 0.05 else "middel" if rel >= 0.01 else "laag"


def quote(text: str, start: int, end: int, focus: tuple[int, int] | None = None, width: int = QUOTE_CHARS) -> str:
    """The sentence (or cell) ``text[start:end]`` on one line, cut to ``width`` characters around
    ``focus`` with ``…`` where it was cut."""
    if focus is not None and end - start > width:
        mid = (focus[0] + focus[1]) // 2
        a = max(start, min(mid - width // 2, end - width))
        b = min(end, a + width)
        s = text[a:b]
        s = ("…" if a > start else "") + s + ("…" if b < end else "")
    else:
        s = text[start:end]
        if len(s) > width:
            s = s[:width] + "…"
    return " ".join(s.split())


def evidence(text: str, rows: Iterable) -> str:
    """The distinct sentences or cells of ``rows`` (quantities), quoted, joined with `` | ``; a
    table cell with its row and column headers (``Totaal / 2020: 33657``)."""
    seen, parts = set(), []
    for q in rows:
        key = (int(q["zin_start"]), int(q["zin_einde"]))
        if key in seen:
            continue
        seen.add(key)
        quoted = quote(text, key[0], key[1], (int(q["start"]), int(q["einde"])))
        if int(q["tabel"]) >= 0:
            headers = " / ".join(" ".join(str(h).split()) for h in (q["rij_kop"], q["kolom_kop"]) if h)
            if headers and headers != quoted:
                quoted = f"{headers[:120]}: {quoted}"
        parts.append(quoted)
    return " | ".join(parts)


def finding(kind: str, rows: Sequence, text: str, *, stated: float, expected: float, unit: str, rule: str,
            grade: str | None = None, main: int = 0) -> dict:
    """One finding about the quantities ``rows`` (the ``main``-th is the one the finding is about)."""
    rows = list(rows)
    key = rows[main]
    sections = tuple(dict.fromkeys(str(q["sectie"]) for q in rows))
    return dict(
        soort=kind, ernst=grade or severity(stated, expected), waarde=float(stated), verwacht=float(expected),
        verschil=float(stated) - float(expected), eenheid=unit, regel=rule, bewijs=evidence(text, rows), gegevens="",
        start=int(key["start"]), einde=int(key["einde"]),
        locaties=tuple((int(q["start"]), int(q["einde"])) for q in rows), secties=sections,
        nrs=tuple(int(q["nr"]) for q in rows))


def findings_table(found: list[dict]) -> pd.DataFrame:
    """Findings as a table sorted by position, numbered ``<soort>-<n>``."""
    df = pd.DataFrame(found, columns=[c for c in FINDING_COLUMNS if c != "bevinding"])
    if df.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    df = df.sort_values(["start", "soort"], kind="stable").reset_index(drop=True)
    df.insert(0, "bevinding", df["soort"] + "-" + df.groupby("soort").cumcount().add(1).astype(str))
    return df[FINDING_COLUMNS]


def fmt(value: float) -> str:
    return format_number(value)


# --- the same subject? ---------------------------------------------------------------------------------

#: words that set two quantities apart even when the rest of their context is the same
CONTRASTS: tuple[frozenset[str], ...] = (
    frozenset({"instroom", "uitstroom", "doorstroom"}),
    frozenset({"landelijk", "nationaal", "nederland", "regionaal", "provinciaal"}),
    frozenset({"OP", "OOP", "DIR", "schoolleider", "leraar", "docent", "onderwijsassistent", "ondersteuner",
               "onderwijsondersteuner", "onderwijsgevend", "onderwijsondersteunend", "directeur", "leerkracht"}),
    frozenset({"BAO", "SBO", "SO", "VSO", "(V)SO", "VO", "PO", "MBO", "HBO", "primair", "voortgezet", "speciaal"}),
    frozenset({"man", "vrouw"}),
    frozenset({"vast", "tijdelijk", "flexibel"}),
    frozenset({"verborgen", "zichtbaar"}),
    frozenset({"vacature", "tekort", "overschot"}),
    frozenset({"oud", "jong"}),
)
_CONTRAST_OF = {w: i for i, group in enumerate(CONTRASTS) for w in group}
#: how many leading characters two words must share to count as the same word (compounds:
#: "personeel" and "personeelslid")
PREFIX = 6


def _matches(a: str, b: str) -> bool:
    if a == b:
        return True
    if a[0].isupper() or b[0].isupper():  # acronyms match exactly
        return False
    short, long_ = sorted((a, b), key=len)
    return len(short) >= PREFIX and long_.startswith(short)


def subject_overlap(a: set[str], b: set[str]) -> int:
    """How many words of ``a`` have a match in ``b``."""
    return sum(1 for w in a if any(_matches(w, v) for v in b))


def contrasting(a: set[str], b: set[str]) -> bool:
    """Whether the two word sets name different members of one contrast (``instroom`` against
    ``uitstroom``, an age of 55 against one of 35), or only one of them names a national figure."""
    return _contrasts(_signature(a), _signature(b))


def _signature(words: set[str]) -> tuple:
    """Per contrast group the members named, and the ages: what :func:`contrasting` compares."""
    groups = tuple(frozenset(w for w in words if _CONTRAST_OF.get(w) == i) for i in range(len(CONTRASTS)))
    ages = frozenset(w for w in words if re.fullmatch(r"\d+jaar", w))
    return groups, ages


def _contrasts(sa: tuple, sb: tuple) -> bool:
    (ga, ages_a), (gb, ages_b) = sa, sb
    for i, (ma, mb) in enumerate(zip(ga, gb)):
        if ma and mb and not (ma & mb):
            return True
        if i == 1 and bool(ma) != bool(mb):
            return True  # a national figure beside a regional one
    return ages_a != ages_b


class Subject(tuple):
    """An ``onderwerp`` string taken apart once: words, cues, names and contrast signature."""

    def __new__(cls, onderwerp: str):
        words, cues, names = split_subject(onderwerp)
        return super().__new__(cls, (words, cues, names, _signature(words)))


def split_subject(onderwerp: str) -> tuple[set[str], set[str], set[str]]:
    """The words, cues (``~doel``, and a table cell's row as ``#row|words``) and names (``@nhl``)
    of an ``onderwerp`` string."""
    words, cues, names = set(), set(), set()
    for token in onderwerp.split():
        if token.startswith(("~", "#")):  # cues, and the row a table cell is in (compared alike)
            cues.add(token)
        elif token.startswith("@"):
            names.add(token)
        else:
            words.add(token)
    return words, cues, names


def same_subject(a: str | Subject, b: str | Subject, *, min_shared: int = 2, min_share: float = 0.6,
                 min_jaccard: float = 0.5) -> bool:
    """Whether two ``onderwerp`` strings describe the same thing: at least ``min_shared`` shared
    words, making up ``min_share`` of the shorter description and ``min_jaccard`` of both
    together; the same cues (a target is not a state, a remainder not a whole); no contrasting
    words; and no proper names on both sides that the other side lacks (``NHL Stenden`` against
    ``Hanze``)."""
    wa, ca, na, sig_a = a if isinstance(a, Subject) else Subject(a)
    wb, cb, nb, sig_b = b if isinstance(b, Subject) else Subject(b)
    rows_a, rows_b = {c for c in ca if c[0] == "#"}, {c for c in cb if c[0] == "#"}
    if rows_a and rows_b and rows_a != rows_b:
        return False  # two table cells are one quantity only when their rows say the same
    ca, cb = ca - rows_a, cb - rows_b
    if not wa or not wb or ca != cb or ((na - nb) and (nb - na)) or _contrasts(sig_a, sig_b):
        return False
    if len(wa & wb) + sum(1 for w in wa - wb if len(w) >= PREFIX) < min_shared:
        return False  # not enough words could match, even as compounds
    shared = min(subject_overlap(wa, wb), subject_overlap(wb, wa))
    union = len(wa) + len(wb) - shared
    return (shared >= min_shared and shared >= min_share * min(len(wa), len(wb))
            and shared >= min_jaccard * union)
