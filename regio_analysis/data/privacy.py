"""Privacy by default: keyed pseudonymisation of person ids and small-cell suppression.

Pseudonyms are HMAC-SHA256 of the original id under a secret key, so the same person
gets the same pseudonym in every table and run (linkage is kept) while nobody without
the key can recompute or reverse them. The key comes from, in order:

1. the environment variable ``REGIO_ANALYSIS_KEY`` (at least 16 characters; set but empty
   or only white space is an error, never a reason to look elsewhere);
2. the file named by ``REGIO_ANALYSIS_KEY_FILE``, which must exist;
3. only when asked for (``get_key(create=True)``, the CLI option ``--sleutel-aanmaken``):
   ``~/.config/regio_analysis/pseudonymisation.key``, created with a random key (mode 0600)
   if it is not there yet. The notice naming that file goes to the terminal, never into a report.

Without any of these a key is an error: a key is never made up silently (another ``$HOME``
would give other pseudonyms). Only real microdata needs a key (a region folder with
``dienstverbanden``, ``enquete`` or ``open_antwoorden``); the batch checks it before any
kernel starts. Synthetic demonstration data (``regio_analysis.data.synthetic``) needs none: its
ids (``syn-...``) are made up, belong to no person and are not pseudonymised, so the default
reports work on a fresh machine without a key. The key never lives in the repository
(``*.key`` is ignored by git).
"""
from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.frozen import freeze
from regio_analysis.io.files import read_bytes, read_csv_strings, read_text, write_bytes

KEY_ENV = "REGIO_ANALYSIS_KEY"
KEY_FILE_ENV = "REGIO_ANALYSIS_KEY_FILE"
PSEUDONYM_PREFIX = "p_"
PSEUDONYM_LENGTH = 16  # hex characters: 64 bits, collision-free for national-size data
DEFAULT_K = 10


def default_key_file() -> Path:
    """The key file: ``REGIO_ANALYSIS_KEY_FILE`` when set, else ``~/.config/regio_analysis/pseudonymisation.key``."""
    explicit = os.environ.get(KEY_FILE_ENV)
    if explicit and explicit.strip():
        return Path(explicit).expanduser()
    return Path.home() / ".config" / "regio_analysis" / "pseudonymisation.key"


def _read_key_file(path: Path) -> bytes:
    try:
        key = read_bytes(path).strip()
    except OSError as err:
        raise DataError(Problem(str(path), f"het sleutelbestand is niet leesbaar ({err.strerror or err})")) from None
    if len(key) < 16:
        raise DataError(Problem(str(path), "de sleutel in dit bestand is korter dan 16 tekens"))
    return key


def get_key(create: bool = False) -> bytes:
    """The pseudonymisation key (see the module docstring for where it comes from).

    ``create=True`` (the CLI's ``--sleutel-aanmaken``) allows the default key file to be used
    and, when it does not exist, created; a UserWarning then names it. Otherwise a missing
    key is a DataError.
    """
    env = os.environ.get(KEY_ENV)
    if env is not None:
        if not env.strip():
            raise DataError(Problem(KEY_ENV, "de omgevingsvariabele is gezet maar leeg; geef een sleutel van minstens "
                                             "16 tekens, of verwijder de variabele en gebruik een sleutelbestand"))
        if len(env) < 16:
            raise DataError(Problem(KEY_ENV, "de sleutel moet minstens 16 tekens lang zijn"))
        return env.encode("utf-8")
    explicit = os.environ.get(KEY_FILE_ENV)
    if explicit is not None and not explicit.strip():
        raise DataError(Problem(KEY_FILE_ENV, "de omgevingsvariabele is gezet maar leeg; geef het pad van een sleutelbestand"))
    path = default_key_file()
    if path.is_file() and (explicit or create):
        return _read_key_file(path)
    if explicit and not create:
        raise DataError(Problem(str(path), f"sleutelbestand niet gevonden ({KEY_FILE_ENV}); maak het aan met "
                                           "--sleutel-aanmaken of wijs een bestaand bestand aan"))
    if not create:
        raise DataError(Problem(KEY_ENV, "geen pseudonimiseringssleutel voor de microdata: zet REGIO_ANALYSIS_KEY "
                                         "(minstens 16 tekens) of REGIO_ANALYSIS_KEY_FILE (een bestaand sleutelbestand), "
                                         "of gebruik --sleutel-aanmaken om er een te maken en te gebruiken"))
    key = secrets.token_hex(32).encode("ascii")
    write_bytes(path, key + b"\n", file_mode=0o600)
    warnings.warn(f"nieuwe pseudonimiseringssleutel aangemaakt in {path}; bewaar die veilig", stacklevel=2)
    return key


def is_pseudonym(value: str) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(PSEUDONYM_PREFIX)
        and len(value) == len(PSEUDONYM_PREFIX) + PSEUDONYM_LENGTH
        and all(c in "0123456789abcdef" for c in value[len(PSEUDONYM_PREFIX):])
    )


def pseudonymise(ids: Iterable, key: bytes | None = None) -> pd.Series:
    """Keyed pseudonyms (``p_`` + 16 hex characters) for ``ids``; NA stays NA.

    Values that already are pseudonyms are kept as they are, so pseudonymising twice
    changes nothing.
    """
    key = key if key is not None else get_key()
    series = pd.Series(ids) if not isinstance(ids, pd.Series) else ids
    cache: dict[str, str] = {}

    def one(value):
        if pd.isna(value):
            return value
        text = str(value).strip()
        if is_pseudonym(text):
            return text
        if text not in cache:
            digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
            cache[text] = PSEUDONYM_PREFIX + digest[:PSEUDONYM_LENGTH]
        return cache[text]

    return series.map(one).astype(object)


def _count_columns(df: pd.DataFrame, count_columns: str | Sequence[str], k: int) -> list[str]:
    """``count_columns`` as a list, checked to exist in ``df``; ``k`` checked to be at least 1."""
    cols = [count_columns] if isinstance(count_columns, str) else list(count_columns)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(Problem("<tabel>", f"kolom(men) {missing} bestaan niet", column=missing[0]))
    if k < 1:
        raise ValueError("k must be at least 1")
    return cols


def suppress_small_cells(
    df: pd.DataFrame,
    count_columns: str | list[str],
    k: int = DEFAULT_K,
    *,
    complementary_by: list[str] | None = None,
    suppress_zero: bool = False,
) -> pd.DataFrame:
    """Blank counts about people below ``k`` (as CBS and DUO do) and flag them.

    Cells with ``0 < value < k`` (also 0 when ``suppress_zero``) become NA, and the
    boolean column ``onderdrukt`` is True on every row where a cell was suppressed.
    With ``complementary_by`` (columns that define a group summing to a published
    total), further cells of the group are suppressed (:func:`suppress_counts`) so that no
    hidden value can be recovered by subtraction.
    Returns a new frame; the input is not modified.
    """
    count_columns = _count_columns(df, count_columns, k)
    out = df.copy()
    flag = out["onderdrukt"].astype(bool).copy() if "onderdrukt" in out.columns else pd.Series(False, index=out.index)
    for col in count_columns:
        values = pd.to_numeric(out[col], errors="coerce")
        small = (values < k) & ((values >= 0) if suppress_zero else (values > 0))
        mask = small.fillna(False).astype(bool)
        if complementary_by:
            _, hidden = suppress_counts(out.assign(**{col: values}), [col], k, by=complementary_by,
                                        suppress_zero=suppress_zero)
            mask = hidden[col] & values.notna()
        out[col] = values.astype(float).where(~mask)
        flag |= mask
    out["onderdrukt"] = flag
    return out


# ----------------------------------------------------------------------------- complementary suppression
#
# A table of counts is a set of cells tied by published linear equations (a total row or
# column, the life-table identity ``in dienst(t) - vertrokken(t) - gecensureerd(t) =
# in dienst(t+1)``). A hidden cell is safe when those equations, with every count >= 0,
# leave it more than one possible whole value. ``_intervals`` computes the range each
# hidden cell can take (linear programming, as tau-ARGUS audits tables); ``protect`` hides
# further cells until every hidden cell has a range.

Equation = tuple[dict, float]  # ({cell: coefficient}, constant): sum(coef * value) == constant


def _intervals(equations: Sequence[Equation], known: dict, unknown: Sequence) -> dict:
    """``{cell: (low, high)}``: the range each unknown cell can take given the equations,
    the known cells' values and all counts >= 0 (``high`` may be inf)."""
    from scipy.optimize import linprog

    unknown = list(unknown)
    if not unknown:
        return {}
    pos = {c: i for i, c in enumerate(unknown)}
    rows, rhs = [], []
    for coefs, const in equations:
        if not any(c in pos for c in coefs):
            continue
        row = np.zeros(len(unknown))
        b = float(const)
        for c, a in coefs.items():
            if c in pos:
                row[pos[c]] += a
            else:
                b -= a * float(known[c])
        rows.append(row)
        rhs.append(b)
    out = {}
    if not rows:
        return {c: (0.0, np.inf) for c in unknown}
    A, b_eq = np.array(rows), np.array(rhs)
    for c in unknown:
        ends = []
        for sign in (1.0, -1.0):
            obj = np.zeros(len(unknown))
            obj[pos[c]] = sign
            res = linprog(obj, A_eq=A, b_eq=b_eq, bounds=[(0, None)] * len(unknown), method="highs")
            if res.status == 3:  # unbounded
                ends.append(np.inf if sign < 0 else 0.0)
            elif res.status != 0:  # infeasible with the published numbers: nothing is pinned
                ends.append(-np.inf if sign > 0 else np.inf)
            else:
                ends.append(sign * res.fun)
        out[c] = (ends[0], ends[1])
    return out


def pinned(low: float, high: float) -> int | None:
    """The one whole number in ``[low, high]`` (with a little slack), else None."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return None
    lo, hi = math.ceil(low - 1e-6), math.floor(high + 1e-6)
    return lo if lo == hi else None


def protect(values: dict, hidden: set, equations: Sequence[Equation], k: int = DEFAULT_K,
            margins: Iterable = ()) -> set:
    """Cells to hide so that no hidden cell can be worked back from the equations.

    ``values``: every cell's true count (NaN = unknown in the source, counts as hidden);
    ``hidden``: the cells hidden already (the primary suppression). Repeats: a hidden cell
    whose range is a single value gets the smallest visible cell of one of its equations
    hidden with it (non-zero cells before zeros, margins last), until none is pinned.
    """
    margins = set(margins)
    hidden = set(hidden) | {c for c, v in values.items() if v is None or pd.isna(v)}

    def candidates(eq_cells):
        vis = [c for c in eq_cells if c not in hidden and c in values]
        return sorted(vis, key=lambda c: (c in margins, float(values[c]) == 0, float(values[c]), str(c)))

    while True:
        # fast rule first: an equation with one hidden cell gives it away
        changed = True
        while changed:
            changed = False
            for coefs, _ in equations:
                if sum(c in hidden for c in coefs) == 1:
                    cand = candidates(coefs)
                    if cand:
                        hidden.add(cand[0])
                        changed = True
        known = {c: v for c, v in values.items() if c not in hidden}
        unknown = [c for c in hidden if any(c in coefs for coefs, _ in equations)]
        ranges = _intervals(equations, known, unknown)
        bad = [c for c, (lo, hi) in ranges.items() if pinned(lo, hi) is not None]
        if not bad:
            return hidden
        added = False
        for c in sorted(bad, key=str):
            for coefs, _ in equations:
                if c in coefs:
                    cand = candidates(coefs)
                    if cand:
                        hidden.add(cand[0])
                        added = True
                        break
            if added:
                break
        if not added:  # nothing left to hide in those equations
            return hidden


def _primary(values: pd.Series, k: int, suppress_zero: bool) -> pd.Series:
    v = pd.to_numeric(values, errors="coerce")
    return ((v < k) & ((v >= 0) if suppress_zero else (v > 0))).fillna(False).astype(bool)


def suppress_counts(df: pd.DataFrame, count_columns: str | Sequence[str], k: int = DEFAULT_K, *,
                    total_row=None, by: str | Sequence[str] | None = None, total_column: str | None = None,
                    suppress_zero: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress counts about people below ``k`` in a table with margins, complementary.

    ``total_row``: a boolean mask (or index label) of the row(s) holding the column totals;
    the other rows (per group of ``by``, each group summing to the total) add up to it.
    ``total_column``: a count column that is the sum of the other ``count_columns`` per row.
    Without either, the rows of a ``by`` group are taken to add up to a total published
    elsewhere. Returns ``(table, hidden)``: the table with hidden cells NA (counts as float)
    and a boolean frame of the hidden cells (same index, the count columns), so a caller can
    hide shares derived from them as well.
    """
    cols = _count_columns(df, count_columns, k)
    out = df.copy()
    num = {c: pd.to_numeric(out[c], errors="coerce") for c in cols}
    if total_row is None:
        is_total = pd.Series(False, index=out.index)
    elif isinstance(total_row, pd.Series):
        is_total = total_row.reindex(out.index).fillna(False).astype(bool)
    else:
        is_total = pd.Series(out.index == total_row, index=out.index)
    values = {(i, c): num[c].at[i] for c in cols for i in out.index}
    hidden = {(i, c) for c in cols for i in out.index[_primary(num[c], k, suppress_zero)]}
    equations: list[Equation] = []
    groups = ([out.index[~is_total]] if by is None else
              [g.index for _, g in out[~is_total].groupby(by, sort=False, dropna=False)])
    margin_cells = {(i, c) for c in cols for i in out.index[is_total]}
    for c in cols:
        for idx in groups:
            coefs = {(i, c): 1.0 for i in idx}
            if is_total.any():
                for t in out.index[is_total]:
                    equations.append((coefs | {(t, c): -1.0}, 0.0))
            elif len(idx) > 1:
                # the group's total is published elsewhere: keep it as an unknown but fixed sum
                s = float(np.nansum([values[x] for x in coefs]))
                equations.append((coefs, s))
    if total_column is not None:
        parts = [c for c in cols if c != total_column]
        margin_cells |= {(i, total_column) for i in out.index}
        for i in out.index:
            equations.append(({(i, c): 1.0 for c in parts} | {(i, total_column): -1.0}, 0.0))
    hidden = protect(values, hidden, equations, k, margins=margin_cells)
    mask = pd.DataFrame(False, index=out.index, columns=cols)
    for i, c in hidden:
        mask.at[i, c] = True
    for c in cols:
        out[c] = num[c].astype(float).where(~mask[c])
    return out, mask


def suppress_life_table(df: pd.DataFrame, at_risk: str, events: str, censored: str, k: int = DEFAULT_K, *,
                        survival: Sequence[str] = (), rates: Sequence[str] = (), totals: Sequence[str] = (),
                        hidden_text: str | float = "–") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress a life table (one row per interval, in order) so no hidden count comes back.

    Counts in ``(0, k)`` are hidden, then more (``protect``) so that the identity
    ``at_risk(t) - events(t) - censored(t) = at_risk(t+1)`` (and, for the last row, nobody
    left) pins none of them. A per-row rate (``rates``) is shown only where the row's counts
    are; the cumulative ``survival`` columns only up to the first row with a hidden count
    (later values would give the hidden leavers back through ``S(t)/S(t-1)``). ``totals``: count
    columns whose column total the report states elsewhere (e.g. all leavers in a sentence), so
    that total minus the shown cells pins nothing either. Returns
    ``(table, hidden)`` as :func:`suppress_counts` does; hidden text cells become ``hidden_text``.
    """
    cols = [at_risk, events, censored]
    out = df.reset_index(drop=True).copy()
    num = {c: pd.to_numeric(out[c], errors="coerce") for c in cols}
    values = {(i, c): num[c].iat[i] for c in cols for i in range(len(out))}
    hidden = {(i, c) for c in cols for i in np.flatnonzero(_primary(num[c], k, False).to_numpy())}
    equations: list[Equation] = []
    for i in range(len(out)):
        coefs = {(i, at_risk): 1.0, (i, events): -1.0, (i, censored): -1.0}
        if i + 1 < len(out):
            coefs[(i + 1, at_risk)] = -1.0
            equations.append((coefs, 0.0))
        else:
            equations.append((coefs, float(num[at_risk].iat[i] - num[events].iat[i] - num[censored].iat[i])))
    for c in totals:
        equations.append(({(i, c): 1.0 for i in range(len(out))}, float(num[c].sum())))
    hidden = protect(values, hidden, equations, k, margins={(i, at_risk) for i in range(len(out))})
    mask = pd.DataFrame(False, index=out.index, columns=cols)
    for row, c in hidden:
        mask.at[row, c] = True
    for c in cols:
        out[c] = num[c].astype(float).where(~mask[c])
    row_hidden = mask.any(axis=1)
    for c in rates:
        out[c] = out[c].astype(object).where(~row_hidden, hidden_text)
    after = row_hidden.cummax()
    for c in survival:
        out[c] = out[c].astype(object).where(~after, hidden_text)
    out.index = df.index
    mask.index = df.index
    return out, mask


# ----------------------------------------------------------------------------- table metadata


META_ATTR = "privacy"
SIDECAR_SUFFIX = ".privacy.json"


def describe(df: pd.DataFrame, *, aantallen: Sequence[str] = (), geen_aantallen: Sequence[str] = (),
             aandelen: dict | None = None, levenstafel: Sequence[str] | None = None,
             totaalrij: str | None = None, groepering: str | None = None, citaten: str | None = None,
             groep: str | None = None, sommen: Sequence | None = None) -> pd.DataFrame:
    """Tell :func:`audit` what a table holds (kept in ``df.attrs``; written beside its CSV).

    ``aantallen``: count columns about people; ``geen_aantallen``: whole-number columns that
    are not; ``aandelen``: ``{share column: its base count column}``; ``levenstafel``: the
    columns (at risk, events, censored); ``totaalrij``: the label of the total row;
    ``groepering``: the column whose groups add up to it; ``citaten``/``groep``: the quote
    column and the column naming each quote's group; ``sommen``: further published sums,
    ``[total row, [rows], column]`` (0-based row positions). A table without a description is
    audited with the conservative defaults of :func:`audit`.
    """
    meta = {k: v for k, v in {
        "aantallen": list(aantallen), "geen_aantallen": list(geen_aantallen), "aandelen": dict(aandelen or {}),
        "levenstafel": list(levenstafel) if levenstafel else None, "totaalrij": totaalrij,
        "groepering": groepering, "citaten": citaten, "groep": groep,
        "sommen": [[int(t), [int(r) for r in rows], str(c)] for t, rows, c in (sommen or [])]}.items() if v}
    df.attrs[META_ATTR] = freeze({**meta, "aandelen": aandelen} if aandelen is not None else meta)
    return df


def write_sidecar(df: pd.DataFrame, csv_path: str | Path) -> Path | None:
    """Write ``df``'s privacy description next to its CSV (``<naam>.privacy.json``); None if it has none."""
    import json

    from regio_analysis.io.files import atomic_write  # local: the sidecar is written beside the table

    meta = df.attrs.get(META_ATTR)
    if not meta:
        return None
    path = Path(csv_path).with_suffix(SIDECAR_SUFFIX)
    with atomic_write(path) as fh:
        fh.write(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True))
    return path


# ----------------------------------------------------------------------------- personal data in quotes

_TITLES = (r"(?:dhr|mevr|mw|hr|mr|dr|drs|ir|ing|prof|meneer|mevrouw|juf|juffrouw|meester|collega|directeur|"
           r"mentor|de heer|mijn mentor|schoolleider|intern begeleider|ib'er)")
_NAME = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'][A-ZÀ-Ý]?[a-zà-ÿ]+)?"
_PARTICLE = r"(?:van|de|der|den|ter|ten|te|van de|van der|van den|in 't|'t)"
_STREET = (r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|dreef|hof|park|pad|steeg|markt|ring|baan|wal|"
           r"veld|erf|haven|kanaal|boulevard|plantsoen|allee|pier|burcht|hoven|akker|weide|wijk|zijde|oord)")
_SCHOOL_TYPE = (r"(?:basisschool|bs|obs|cbs|pcbs|rkbs|ikc|kindcentrum|sbo|so-school|vso-school|school|lyceum|"
                r"college|gymnasium|scholengemeenschap|sg|montessorischool|daltonschool|vrije school|"
                r"jenaplanschool|kindcentrum)")
_SCHOOL_NAME = r"(?:(?:de|het|'t|De|Het|'T)\s+)?[A-ZÀ-Ý][\w'-]*(?:\s+(?:[A-ZÀ-Ý][\w'-]*|\d+))*"

#: (kind, pattern, placeholder) of personal data removed from quotes; also what :func:`audit` looks for
PII_PATTERNS: list[tuple[str, re.Pattern, str]] = [
    ("e-mailadres", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), "[e-mail]"),
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE), "[url]"),
    ("telefoonnummer", re.compile(r"(?<![\w+])(?:\+31|0031|0)(?:[\s.()-]{0,3}\d){9}(?!\d)"), "[telefoon]"),
    ("postcode", re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b"), "[adres]"),
    ("adres", re.compile(rf"\b(?:[A-ZÀ-Ý][\w'-]*\s+){{0,3}}[\w'-]*(?i:{_STREET})\s+\d{{1,5}}(?:\s?[a-zA-Z]\b|-\d+\b)?"),
     "[adres]"),
    ("brin-code", re.compile(r"\b\d{2}[A-Z]{2}(?:\d{2})?\b"), "[school]"),
    ("schoolnaam", re.compile(rf"\b(?i:{_SCHOOL_TYPE})\s+{_SCHOOL_NAME}"), "[school]"),
    ("schoolnaam", re.compile(r"\b(?:[A-ZÀ-Ý][\w'-]+\s+){1,3}(?:College|Lyceum|Gymnasium|Scholengemeenschap|"
                              r"Academie|Kindcentrum|Basisschool)\b"), "[school]"),
    # title + name(s): "mevrouw De Vries", "dhr. Jansen", "juf Anna"
    ("naam", re.compile(rf"\b(?i:{_TITLES})\.?\s+(?:{_PARTICLE}\s+)?{_NAME}(?:\s+(?:{_PARTICLE}\s+)?{_NAME})?"),
     "[naam]"),
    # initials + surname: "J.S. Kuperus", "A. de Boer"
    ("naam", re.compile(rf"\b(?:[A-Z]\.){{1,4}}\s*(?:{_PARTICLE}\s+)?{_NAME}"), "[naam]"),
    # "SURNAME, J.S." as on title pages
    ("naam", re.compile(r"\b[A-Z]{3,}(?:-[A-Z]{3,})?,\s*(?:[A-Z]\.){1,4}"), "[naam]"),
    # "ik ben Jan" / "heet Sanne"
    ("naam", re.compile(rf"(?i:(?<=\bik ben )|(?<=\bheet )|(?<=\bheette )|(?<=\bgenaamd )|(?<=\bmijn collega ))"
                        rf"{_NAME}(?:\s+(?:{_PARTICLE}\s+)?{_NAME})?"), "[naam]"),
]


def names_from_region(region) -> list[str]:
    """Proper names in a region's own tables that may appear in quotes: partnerships, the
    institutions in them, and activity owners. Only names with a capital letter are kept
    (``scholen`` is a word, not a name)."""
    names: set[str] = set()
    tables = getattr(region, "tables", {}) or {}
    for table, cols in (("partnerschappen", ("naam", "instellingen")), ("activiteiten", ("eigenaar", "school")),
                        ("vestiging_regio", ("naam", "vestigingsnaam"))):
        df = tables.get(table)
        if df is None or df.empty:
            continue
        for c in cols:
            if c in df.columns:
                for v in df[c].dropna().astype(str):
                    names.update(p.strip() for p in re.split(r"[;/]", v))
    return sorted(n for n in names if len(n) >= 4 and re.search(r"[A-ZÀ-Ý]", n))


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with personal data replaced: known ``names`` (people, schools; whole words,
    any case), then e-mail, URLs, phone numbers, postcodes, street addresses, BRIN codes,
    school names (type word + name, or name + *College*/*Lyceum*/...) and names of people
    (after a title, with initials, after *ik ben*/*heet*). Rule-based: check before publishing."""
    out = text
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[naam]", out, flags=re.IGNORECASE)
    for _, rx, placeholder in PII_PATTERNS:
        out = rx.sub(placeholder, out)
    return out


def pii_found(text: str) -> list[tuple[str, str]]:
    """``(kind, matched text)`` of every piece of personal data :data:`PII_PATTERNS` finds."""
    return [(kind, m.group()) for kind, rx, _ in PII_PATTERNS for m in rx.finditer(text)]


# ----------------------------------------------------------------------------- audit


@dataclass(frozen=True)
class Finding:
    """One way a report gives back a hidden count below k, or shows personal data."""

    bestand: str  # the file, relative to the report folder
    aanval: str  # levenstafel, totaal, aandeel, overleving, citaat, persoonsgegevens
    plaats: str  # row and column
    waarde: float | None  # the count worked back (None for text findings)
    uitleg: str

    def __str__(self) -> str:
        return f"{self.bestand}, {self.plaats}: {self.uitleg}"


_NOT_COUNT = re.compile(r"jaar|horizon|seed|versie|vrijheidsgraden|^df$|^id$|^nr$|volgorde|interval|^k$|bedrag|euro",
                        re.IGNORECASE)
_TOTAL_LABEL = re.compile(r"^\s*(?:totaal|total|alle\b.*)\s*$", re.IGNORECASE)
_TOTAL_COLUMN = re.compile(r"^\s*(?:totaal|total|n_totaal)\s*$", re.IGNORECASE)
_PCT = re.compile(r"^\s*(-?\d+(?:[.,](\d+))?)\s*%")
_SHARE_NAME = re.compile(r"aandeel|percentage|procent|%\)$", re.IGNORECASE)  # "... (%)", "(..., %)"
_QUOTE_COLUMNS = {"citaat", "citaten", "fragment"}
_HIDDEN_TEXT = {"", "–", "-", "—", "*", "x", "nan", "<na>", "none"}


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def _share(text: str, name: str, declared: bool = False) -> tuple[float, float] | None:
    """A share in percent and its rounding half-width, from "12,3%" or a numeric share column
    (named as one, or ``declared`` a share in the table's description)."""
    m = _PCT.match(text)
    if m:
        decimals = len(m.group(2) or "")
        return float(m.group(1).replace(",", ".")), 0.5 * 10 ** -decimals
    if declared or _SHARE_NAME.search(name):
        v = _number(text)
        if v is not None and 0 <= v <= 100:
            decimals = len(text.split(".")[1]) if "." in text else 0
            return v, 0.5 * 10 ** -decimals
    return None


class _Table:
    """A CSV of a report, with the roles of its columns worked out."""

    def __init__(self, path: Path, root: Path, k: int):
        import json

        self.name = str(path.relative_to(root))
        self.df = read_csv_strings(path)
        side = path.with_suffix(SIDECAR_SUFFIX)
        try:
            self.meta = json.loads(read_text(side, ("utf-8",)).text) if side.is_file() else {}
        except (ValueError, DataError) as exc:
            raise DataError(Problem(str(side), f"geen geldige tabelbeschrijving (JSON): {exc}")) from None
        if not isinstance(self.meta, dict):
            raise DataError(Problem(str(side), "de tabelbeschrijving moet een JSON-object zijn"))
        self.k = k
        cols = list(self.df.columns)
        not_counts = set(self.meta.get("geen_aantallen", []))
        self.counts: dict[str, list[float | None]] = {}
        for c in cols:
            declared = c in self.meta.get("aantallen", [])
            if not declared and (c in not_counts or _NOT_COUNT.search(str(c))):
                continue
            vals: list[float | None] = []
            ok, seen = True, 0
            for t in self.df[c]:
                if t.strip().lower() in _HIDDEN_TEXT:
                    vals.append(None)
                    continue
                v = _number(t)
                if v is None or v < 0 or v != round(v):
                    ok = False
                    break
                vals.append(v)
                seen += 1
            if declared or (ok and seen):
                self.counts[c] = vals if ok else [_number(t) for t in self.df[c]]
        self.shares = {c for c in cols if c not in self.counts and
                       any(_share(t, c) is not None for t in self.df[c])}
        self.hidden_labels: set[tuple[str, str]] = set()
        text_cols = [c for c in cols if c not in self.counts and c not in self.shares]
        for i in range(len(self.df)):
            if any(self.counts[c][i] is None for c in self.counts):
                self.hidden_labels |= {(c, self.df[c].iat[i].strip()) for c in text_cols}

    def cell(self, i, c) -> str:
        return f"rij {i + 2}, kolom '{c}'"


def _life_columns(t: _Table) -> tuple[str, str, str] | None:
    """(at risk, events, censored): declared, or the count columns that satisfy the
    life-table identity on every row where they are all shown (at least two rows)."""
    if t.meta.get("levenstafel"):
        return tuple(t.meta["levenstafel"])
    names = list(t.counts)
    if len(names) < 3 or len(t.df) < 3:
        return None
    for n in names:
        for d in names:
            for c in names:
                if len({n, d, c}) < 3 or names.index(d) > names.index(c):
                    continue
                N, D, C = t.counts[n], t.counts[d], t.counts[c]
                checks = [ni - di - ci == n_next for ni, di, ci, n_next in zip(N, D, C, N[1:])
                          if ni is not None and di is not None and ci is not None and n_next is not None]
                if len(checks) >= 2 and all(checks) and any(D) and any(C):
                    return n, d, c
    return None


def _audit_equations(t: _Table, life: tuple | None) -> list[Finding]:
    """Solve the table's published equations for every hidden cell and left-out group."""
    eqs: list[Equation] = []
    values: dict = {}
    for c, vals in t.counts.items():
        for i, v in enumerate(vals):
            values[(i, c)] = v
    rest_cells: dict = {}
    if life:
        n, d, c = life
        for i in range(len(t.df)):
            coefs = {(i, n): 1.0, (i, d): -1.0, (i, c): -1.0}
            if i + 1 < len(t.df):
                eqs.append((coefs | {(i + 1, n): -1.0}, 0.0))
    label_cols = [c for c in t.df.columns if c not in t.counts and c not in t.shares]
    totals = [i for i in range(len(t.df)) if any(_TOTAL_LABEL.match(t.df[c].iat[i]) or t.df[c].iat[i] == t.meta.get("totaalrij")
                                                  for c in label_cols)]
    if totals and not life:
        group_col = t.meta.get("groepering") or ("kenmerk" if "kenmerk" in t.df.columns else None)
        for ti in totals:
            if group_col:
                key = t.df[group_col].iat[ti]
                groups = [[i for i in range(len(t.df)) if t.df[group_col].iat[i] == g and i not in totals]
                          for g in dict.fromkeys(t.df[group_col]) if g != key]
            else:
                groups = [[i for i in range(len(t.df)) if i not in totals]]
            for gi, rows in enumerate(groups):
                if not rows:
                    continue
                for c in t.counts:
                    rest = ("weggelaten", ti, gi, c)
                    rest_cells[rest] = f"groepen die ontbreken naast rij {ti + 2}, kolom '{c}'"
                    eqs.append(({(i, c): 1.0 for i in rows} | {rest: 1.0, (ti, c): -1.0}, 0.0))
    for ti, rows, c in t.meta.get("sommen", []):
        if c in t.counts and ti < len(t.df) and all(r < len(t.df) for r in rows):
            eqs.append(({(r, c): 1.0 for r in rows} | {(ti, c): -1.0}, 0.0))
    total_cols = [c for c in t.counts if _TOTAL_COLUMN.match(str(c))]
    for tc in total_cols:
        parts = [c for c in t.counts if c != tc]
        for i in range(len(t.df)):
            eqs.append(({(i, c): 1.0 for c in parts} | {(i, tc): -1.0}, 0.0))
    if not eqs:
        return []
    unknown = [x for x in set().union(*(set(e[0]) for e in eqs)) if x in rest_cells or values.get(x) is None]
    known = {x: v for x, v in values.items() if v is not None}
    # twice: with groups possibly left out (a rest per total), and with every group shown
    solved = _intervals(eqs, known, unknown)
    if rest_cells and any(x not in rest_cells for x in unknown):
        no_rest = _intervals(eqs, known | {x: 0.0 for x in rest_cells}, [x for x in unknown if x not in rest_cells])
        for x, (lo, hi) in no_rest.items():
            if pinned(lo, hi) is not None:
                solved[x] = (lo, hi)
    out = []
    for x, (lo, hi) in sorted(solved.items(), key=lambda kv: str(kv[0])):
        m = pinned(lo, hi)
        if m is None or not 0 < m < t.k:
            continue
        if x in rest_cells:
            out.append(Finding(t.name, "totaal", rest_cells[x], float(m),
                               f"het totaal min de getoonde groepen geeft een weggelaten groep van {m} (< {t.k})"))
        else:
            i, c = x
            soort = "levenstafel" if life else "totaal"
            out.append(Finding(t.name, soort, t.cell(i, c), float(m),
                               f"het onderdrukte aantal is uit de andere cellen terug te rekenen: {m} (< {t.k})"))
    return out


def _audit_survival(t: _Table, life: tuple) -> list[Finding]:
    """Leavers worked back from a yearly rate or from cumulative survival times the at-risk."""
    n, d, c = life
    N, D, C = t.counts[n], t.counts[d], t.counts[c]
    out = []
    for s in t.shares:
        vals = [_share(x, s) for x in t.df[s]]
        shown = [v[0] for v in vals if v is not None]
        cumulative = len(shown) >= 2 and all(a >= b - 1e-9 for a, b in zip(shown, shown[1:]))
        for i, (ni, v) in enumerate(zip(N, vals)):
            if ni is None or v is None or (D[i] is not None and C[i] is not None):
                continue
            if cumulative:
                prev = (100.0, 0.0) if i == 0 else vals[i - 1]
                if prev is None or prev[0] <= 0:
                    continue
                est = ni * (1 - v[0] / prev[0])
            else:
                est = ni * v[0] / 100
            m = int(round(est))
            if D[i] is None and 0 < m < t.k:
                out.append(Finding(t.name, "overleving", t.cell(i, d), float(m),
                                   f"'{s}' maal '{n}' geeft het onderdrukte aantal ongeveer terug ({m} < {t.k})"))
    return out


def _audit_shares(t: _Table, skip: set) -> list[Finding]:
    """A share times the count it is a share of pins a small count (or the count is hidden)."""
    pairs = t.meta["aandelen"] if "aandelen" in t.meta else {s: None for s in t.shares}
    out = []
    for s, base in pairs.items():
        if s in skip or s not in t.df.columns:
            continue
        bases = [base] if base else list(t.counts)
        for i in range(len(t.df)):
            sh = _share(t.df[s].iat[i], s, declared="aandelen" in t.meta)
            if sh is None:
                continue
            for b in bases:
                nval = t.counts.get(b, [None] * len(t.df))[i]
                if nval is None:
                    if b in t.counts:
                        out.append(Finding(t.name, "aandeel", t.cell(i, s), None,
                                           f"aandeel getoond van een onderdrukt aantal ('{b}')"))
                    continue
                m = pinned((sh[0] - sh[1]) * nval / 100, (sh[0] + sh[1]) * nval / 100)
                if m is not None and (0 < m < t.k or 0 < nval - m < t.k):
                    small = m if 0 < m < t.k else int(nval - m)
                    out.append(Finding(t.name, "aandeel", t.cell(i, s), float(small),
                                       f"'{s}' maal '{b}' ({nval:g}) geeft een aantal van {small} (< {t.k})"))
    return out


def _audit_quotes(t: _Table, hidden_groups: set) -> list[Finding]:
    qcols = [t.meta["citaten"]] if t.meta.get("citaten") else [c for c in t.df.columns if c.lower() in _QUOTE_COLUMNS]
    if not qcols:
        return []
    group_cols = [t.meta["groep"]] if t.meta.get("groep") else [
        c for c in t.df.columns if c not in qcols and c not in t.counts and c != "bron"]
    out = []
    for i in range(len(t.df)):
        for q in qcols:
            for kind, text in pii_found(t.df[q].iat[i]):
                out.append(Finding(t.name, "persoonsgegevens", t.cell(i, q), None, f"{kind} in een citaat: '{text}'"))
        for g in group_cols:
            label = t.df[g].iat[i].strip()
            if label and (g, label) in hidden_groups:
                out.append(Finding(t.name, "citaat", t.cell(i, g), None,
                                   f"citaat getoond voor '{label}', waarvan het aantal elders is onderdrukt"))
    return out


def audit(report_dir: str | Path, k: int = DEFAULT_K) -> list[Finding]:
    """Try to work back hidden counts below ``k`` from the tables of one region's report.

    Reads every CSV the report wrote (``tabellen/``, ``kwalitatief/``, ...) and its
    ``.privacy.json`` description if there is one. A table without one is audited with
    conservative defaults: every column of whole numbers >= 0 is a count about people
    (except years, horizons and the like), a row labelled *totaal*/*alle ...* is the total of
    the other rows (per ``kenmerk`` when there is such a column), a *totaal* column the sum
    of the others, and three count columns that satisfy the life-table identity are a life
    table. The attacks: solving the published equations for hidden cells and left-out
    groups (exactly, by linear programming), the yearly rate or the cumulative survival
    times the at-risk, a share times its count, quotes of a group whose count is hidden,
    and personal data in quotes. Returns the findings; an empty list means none worked.
    """
    root = Path(report_dir)
    tables = [_Table(p, root, k) for p in sorted(root.rglob("*.csv")) if p.is_file()]
    hidden_groups = set().union(*(t.hidden_labels for t in tables)) if tables else set()
    findings: list[Finding] = []
    for t in tables:
        life = _life_columns(t)
        findings += _audit_equations(t, life)
        skip: set = set()
        if life:
            findings += _audit_survival(t, life)
            skip = set(t.shares)
        findings += _audit_shares(t, skip)
        findings += _audit_quotes(t, hidden_groups)
    return findings
