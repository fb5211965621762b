"""Do two builds of the reports hold the same numbers in every table?

A layout change or a new formatter may change how a table is written (``"19,2% (15,1–24,3%)"``
in one cell, or three numeric columns ``19.2, 15.1, 24.3``), never which numbers it holds. For
every ``<region>/tabellen/<naam>.csv`` of the first build this compares, row by row, the numbers
in all cells (Dutch notation with decimal comma and thousands point, percentages, intervals,
``< 0,001``, or plain CSV numbers) with those of the same table in the second build, each within
the rounding of the less precise of the two, and the words of the text cells. Headers may change.

    .venv/bin/python benchmarks/compare_tables.py BEFORE_REPORTS AFTER_REPORTS

Prints one line per table (``gelijk`` or what differs) and exits 1 when a table differs or is
missing in the second build.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

_PLAIN = re.compile(r"^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$")
_DUTCH = re.compile(r"(<\s*)?([-−]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")
_WORD = re.compile(r"[^\W\d_]+")


_THOUSANDS = re.compile(r"^\s*-?\d{1,3}(?:\.\d{3})+\s*$")


def numbers(cell: str) -> list[tuple[float, float, bool, float | None]]:
    """The numbers in one CSV cell as ``(value, half a unit of its last decimal, is an upper
    bound, another reading)``: "1.520" is 1.52 in a numeric column and 1520 in Dutch notation."""
    cell = str(cell)
    if _PLAIN.match(cell):
        decimals = len(cell.strip().split(".")[1]) if "." in cell and "e" not in cell.lower() else 0
        dutch = float(cell.replace(".", "")) if _THOUSANDS.match(cell) else None
        return [(float(cell), 0.5 * 10 ** -decimals, False, dutch)]
    out = []
    for below, sign, whole, frac in _DUTCH.findall(cell):
        value = float(whole.replace(".", "") + ("." + frac if frac else ""))
        out.append((-value if sign else value, 0.5 * 10 ** -len(frac), bool(below), None))
    return out


#: how a missing value is written (the formatter decides; a file leaves the cell empty)
MISSING = {"", "–", "-", "geen", "nan", "<NA>", "None"}
#: a cell holding only a unit says how its row's number is shown (``report.format.Kolom(eenheid=...)``)
UNITS = {"aantal", "personen", "fte", "procent", "eur", "uren", "jaren", "ratio", "leerlingen_per_fte",
         "fte_per_persoon", "score"}


def words(cell: str) -> list[str]:
    """The words of a text cell (booleans and missing values have none)."""
    cell = str(cell)
    if cell.strip() in MISSING | UNITS or cell in ("True", "False", "ja", "nee") or _PLAIN.match(cell):
        return []
    return [w.lower() for w in _WORD.findall(cell)]


def _match(before: list, after: list) -> list[str]:
    """Every number of ``before`` matched to one of ``after`` (within rounding); what is left over."""
    left = list(after)
    missing = []
    for value, half, bound, other in sorted(before, key=lambda t: t[0]):
        best, best_gap = None, None
        for j, (a, a_half, _, a_other) in enumerate(left):
            for v in {value, other} - {None}:
                for x in {a, a_other} - {None}:
                    ok = x < v + 1e-12 if bound else abs(x - v) <= max(half, a_half) + 1e-9
                    if ok and (best_gap is None or abs(x - v) < best_gap):
                        best, best_gap = j, abs(x - v)
        if best is None:
            missing.append(("< " if bound else "") + f"{value:g}")
        else:
            left.pop(best)
    extra = [f"{a:g}" for a, *_ in left]
    return ([f"ontbreekt {', '.join(missing)}"] if missing else []) + ([f"extra {', '.join(extra)}"] if extra else [])


def compare_table(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """What differs between two versions of one table (empty: the same numbers and words)."""
    if len(before) != len(after):
        return [f"{len(before)} rijen tegen {len(after)}"]
    problems = []
    for i in range(len(before)):
        b_row = [str(v) for v in before.iloc[i]]
        a_row = [str(v) for v in after.iloc[i]]
        diff = _match([n for c in b_row for n in numbers(c)], [n for c in a_row for n in numbers(c)])
        wb = Counter(w for c in b_row for w in words(c))
        wa = Counter(w for c in a_row for w in words(c))
        if wb != wa:
            diff.append(f"woorden {sorted((wb - wa).elements())} tegen {sorted((wa - wb).elements())}")
        problems += [f"rij {i + 2}: {d}" for d in diff]
    return problems


def compare(before_dir: Path, after_dir: Path) -> list[tuple[str, list[str]]]:
    results = []
    for path in sorted(before_dir.glob("*/tabellen/*.csv")):
        name = str(path.relative_to(before_dir))
        other = after_dir / name
        if not other.is_file():
            results.append((name, ["ontbreekt in de tweede build"]))
            continue
        read = dict(dtype=str, keep_default_na=False)
        results.append((name, compare_table(pd.read_csv(path, **read), pd.read_csv(other, **read))))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    results = compare(args.before, args.after)
    if not results:
        print(f"geen tabellen in {args.before}")
        return 1
    bad = 0
    for name, problems in results:
        print(f"{name}: {'gelijk' if not problems else '; '.join(problems[:4])}")
        bad += bool(problems)
    new = sorted(str(p.relative_to(args.after)) for p in args.after.glob("*/tabellen/*.csv")
                 if not (args.before / p.relative_to(args.after)).is_file())
    if new:
        print("nieuw in de tweede build: " + ", ".join(new))
    print(f"{len(results) - bad} van {len(results)} tabellen met dezelfde getallen")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
