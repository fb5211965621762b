"""Dutch numbers in plan text: digits in Dutch (and stray English) notation, ranges, years,
school years, month-year periods, cardinal words and words for shares.

Everything here works on plain strings and returns plain tuples; :mod:`.quantities` turns the
matches into a table. Parsing rules:

* a dot followed by exactly three digits groups thousands (``1.243`` is 1243, ``1.091.565,-``
  is 1091565); any other dot is a decimal point (``10.7%`` is 10.7, written in English style);
* a comma is the decimal comma (``27,7``); ``,-`` after an amount marks whole euros;
* ``miljoen``, ``miljard``, ``duizend`` and ``k`` multiply;
* ``x-y``, ``x–y``, ``x tot (en met) y``, ``x t/m y`` and ``tussen (de) x en y`` are ranges
  when x < y; four-digit numbers from 1900 to 2100 in a range are a period of years.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# --- digits ----------------------------------------------------------------------------------

#: one number: thousands groups with dots, a decimal comma or a (stray) decimal point
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+"
_NUMBER_RE = re.compile(rf"(?<![\w.,/\-])(?:{NUMBER})(?![\w]|[.,]\d)")
DASH = r"[-–—]"
RANGE_WORD = rf"\s*{DASH}\s*|\s+tot\s+en\s+met\s+|\s+tot\s+|\s+t/m\s+"
MULTIPLIERS = {"miljoen": 1e6, "mln": 1e6, "miljard": 1e9, "mld": 1e9, "duizend": 1e3, "k": 1e3}


def parse_number(text: str) -> tuple[float, int]:
    """The value of one number written in Dutch notation and its number of decimals.

    ``"1.091.565"`` -> (1091565, 0); ``"27,7"`` -> (27.7, 1); ``"10.7"`` -> (10.7, 1);
    ``"1.243"`` -> (1243, 0). Raises ValueError for anything else.
    """
    s = text.strip().rstrip("-").rstrip(",")
    if not s or not re.fullmatch(NUMBER, s):
        raise ValueError(f"not a number: {text!r}")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        whole, _, frac = s.partition(",")
        return float(whole.replace(".", "") + ("." + frac if frac else "")), len(frac)
    if "," in s:
        whole, frac = s.split(",")
        return float(f"{whole}.{frac}"), len(frac)
    if "." in s:
        return float(s), len(s.split(".")[1])
    return float(s), 0


def rounding(decimals: int) -> float:
    """Half a unit of the last digit shown: how far the true value may lie from the stated one."""
    return 0.5 * 10.0 ** (-decimals)


def numbers_in(text: str) -> list[tuple[int, int, float, int]]:
    """Every number in ``text`` as ``(start, end, value, decimals)``."""
    out = []
    for m in _NUMBER_RE.finditer(text):
        value, decimals = parse_number(m.group())
        out.append((m.start(), m.end(), value, decimals))
    return out


def is_year(value: float, decimals: int = 0) -> bool:
    return decimals == 0 and 1900 <= value <= 2100 and float(value).is_integer()


def format_number(value: float) -> str:
    """A compact machine-readable rendering (no Dutch formatting: the report formats)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6g}"


# --- months, school years ----------------------------------------------------------------------

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december", "jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep",
          "sept", "okt", "nov", "dec")
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_MONTH_RE = re.compile(rf"(?<!\d)(\d{{1,2}})\s+{MONTH}\b", re.I)
#: "26/27", "2026/2027", "2023-2024" as a school year are handled as ranges; this is the short form
_SCHOOL_YEAR_RE = re.compile(r"(?<![\d/])(\d{2})/(\d{2})(?![\d/])")


def day_month_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the day number in dates such as ``4 maart`` (a day is no quantity)."""
    return [(m.start(1), m.end(1)) for m in _DAY_MONTH_RE.finditer(text)]


def school_years(text: str) -> list[tuple[int, int, int, int]]:
    """``(start, end, first_year, second_year)`` of each ``26/27`` (consecutive two-digit years)."""
    out = []
    for m in _SCHOOL_YEAR_RE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if b == (a + 1) % 100:
            out.append((m.start(), m.end(), 2000 + a, 2000 + b))
    return out


# --- cardinal words ------------------------------------------------------------------------------

CARDINALS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16, "zeventien": 17,
    "achttien": 18, "negentien": 19, "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50,
    "honderd": 100, "tweehonderd": 200, "duizend": 1000, "tweeduizend": 2000,
}
CARDINAL_RE = re.compile(r"\b(" + "|".join(sorted(CARDINALS, key=len, reverse=True)) + r")\b", re.I)


# --- words for shares ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WordShare:
    """A share stated in words, as the interval of percentages it allows."""

    start: int
    end: int
    text: str
    low: float
    high: float
    nominal: float


#: the share a fraction word names, in percent
FRACTIONS = {
    "de helft": 50.0, "helft": 50.0, "een kwart": 25.0, "kwart": 25.0, "driekwart": 75.0, "drie kwart": 75.0,
    "drievierde": 75.0, "een derde": 100 / 3, "eenderde": 100 / 3, "twee derde": 200 / 3, "tweederde": 200 / 3,
    "een vijfde": 20.0, "een tiende": 10.0, "een vierde": 25.0,
}
#: how wide a bare fraction word is taken: "een kwart" is read as 20-30 %
BARE_WIDTH = 5.0
#: hedges: the interval they give around a fraction f (in percentage points)
HEDGES = {
    "bijna": (-5.0, 0.0), "nagenoeg": (-5.0, 0.0), "net geen": (-5.0, 0.0), "krap": (-5.0, 0.0),
    "ruim": (0.0, 10.0), "ruimschoots": (0.0, 15.0), "meer dan": (0.0, None), "ruim meer dan": (0.0, None),
    "minder dan": (None, 0.0), "ongeveer": (-5.0, 5.0), "circa": (-5.0, 5.0), "ca.": (-5.0, 5.0),
    "zo'n": (-5.0, 5.0), "rond": (-5.0, 5.0), "ruwweg": (-5.0, 5.0), "grofweg": (-5.0, 5.0),
    "ten minste": (0.0, None), "tenminste": (0.0, None), "minstens": (0.0, None), "bijna de": (-5.0, 0.0),
    "iets meer dan": (0.0, 5.0), "iets minder dan": (-5.0, 0.0), "net meer dan": (0.0, 5.0),
    "niet meer dan": (None, 0.0), "hooguit": (None, 0.0),
}
_HEDGE = "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True))
_FRACTION = "|".join(re.escape(f) for f in sorted(FRACTIONS, key=len, reverse=True))
_WORD_SHARE_RE = re.compile(rf"(?<!\w)(?:({_HEDGE})\s+)?({_FRACTION})(?!\w)", re.I)
_MAJORITY_RE = re.compile(
    r"(?<!\w)(?:(de|een|het)\s+)?(overgrote\s+meerderheid|ruime\s+meerderheid|meerderheid|merendeel|minderheid|"
    r"grootste\s+deel|overgrote\s+deel)(?!\w)", re.I)
_OUT_OF_RE = re.compile(
    rf"(?<!\w)(?:({_HEDGE})\s+)?(\d{{1,3}}|een|twee|drie|vier|vijf|zes|zeven|acht|negen)\s+(op|van)\s+de\s+"
    r"(\d{1,4}|tien|vijf|vier|drie|honderd)(?!\w)", re.I)
_SMALL = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
          "tien": 10, "honderd": 100}


def _interval(nominal: float, hedge: str | None) -> tuple[float, float]:
    if not hedge:
        return max(0.0, nominal - BARE_WIDTH), min(100.0, nominal + BARE_WIDTH)
    lo, hi = HEDGES[hedge.lower()]
    low = 0.0 if lo is None else max(0.0, nominal + lo)
    high = 100.0 if hi is None else min(100.0, nominal + hi)
    return low, high


def word_shares(text: str) -> list[WordShare]:
    """Shares stated in words: ``bijna een kwart`` (20-25 %), ``ruim de helft`` (50-60 %),
    ``twee derde``, ``driekwart``, ``de meerderheid`` (over 50 %), ``ongeveer 3 op de 10`` (25-35 %).

    A bare fraction is read as its value ± 5 points; a hedge moves one side (``bijna``: up to the
    value, ``ruim``: up to 10 points above it, ``meer dan``: anything above).
    """
    out: list[WordShare] = []
    for m in _WORD_SHARE_RE.finditer(text):
        hedge, frac = m.group(1), m.group(2).lower()
        # "een kwart" of an hour, "kwartaal" etc. are excluded by the word boundaries; a bare
        # "helft" needs its article ("de helft") to be a share
        if frac in ("helft", "kwart") and not hedge:
            continue
        nominal = FRACTIONS[frac]
        low, high = _interval(nominal, hedge)
        out.append(WordShare(m.start(), m.end(), m.group(), low, high, nominal))
    for m in _MAJORITY_RE.finditer(text):
        word = re.sub(r"\s+", " ", m.group(2).lower())
        if word == "minderheid":
            low, high = 0.0, 50.0
        elif word in ("grootste deel",):
            continue  # "het grootste deel" is the largest group, not necessarily a majority
        elif word in ("overgrote meerderheid", "overgrote deel"):
            low, high = 75.0, 100.0
        else:
            low, high = 50.0, 100.0
        out.append(WordShare(m.start(), m.end(), m.group(), low, high, (low + high) / 2))
    for m in _OUT_OF_RE.finditer(text):
        a, b = m.group(2).lower(), m.group(4).lower()
        num = float(a) if a.isdigit() else float(_SMALL[a])
        den = float(b) if b.isdigit() else float(_SMALL[b])
        if den <= 0 or num > den or den not in (3, 4, 5, 10, 20, 100):
            continue
        if m.group(3).lower() == "van" and den not in (10, 100):
            continue  # "een van de drie instituten" names one of three things, not a share
        nominal = 100 * num / den
        hedge = m.group(1)
        if hedge:
            low, high = _interval(nominal, hedge)
        else:
            low, high = max(0.0, nominal - 0.5 * 100 / den), min(100.0, nominal + 0.5 * 100 / den)
        out.append(WordShare(m.start(), m.end(), m.group(), low, high, nominal))
    out.sort(key=lambda w: w.start)
    # drop a share inside a longer one ("de helft" inside "ruim de helft" is one match already)
    kept: list[WordShare] = []
    for w in out:
        if kept and w.start < kept[-1].end:
            if w.end - w.start > kept[-1].end - kept[-1].start:
                kept[-1] = w
            continue
        kept.append(w)
    return kept
