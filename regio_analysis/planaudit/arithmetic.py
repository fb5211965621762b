"""The arithmetic a plan implies: amount = count × rate (``product``), a table's total against
the sum of its parts (``som``), and shares of one distribution against 100 % (``verdeling``).

Each check takes the quantities (:func:`.quantities.extract_quantities`), the layout and the
text, and returns findings (dicts, see :func:`.findings.finding`). A check reports only where the
plan states every number it uses, and only a difference beyond what rounding allows.
"""
from __future__ import annotations

import re

import pandas as pd

from regio_analysis.planaudit.findings import finding, fmt, rounding, severity, tolerance
from regio_analysis.planaudit.numbers import is_year
from regio_analysis.planaudit.structure import Layout

#: units a count may have in "count × rate"
COUNT_UNITS = ("", "studenten", "leerlingen", "personen", "fte", "uur", "scholen", "besturen", "vestigingen",
               "instellingen", "opleidingsscholen", "dag", "week", "maand", "keer", "banen")
#: the unit of the thing a rate is per
PER_UNITS = {"student": "studenten", "leerling": "leerlingen", "persoon": "personen", "fte": "fte", "uur": "uur",
             "school": "scholen", "deelnemer": "personen", "leraar": "personen", "docent": "personen",
             "medewerker": "personen", "starter": "personen", "bestuur": "besturen"}
TOTAL_RE = re.compile(r"^\s*(?:sub-?totaal|totaal|totalen|total|som|eindtotaal|generaal\s+totaal|in\s+totaal)\b",
                      re.I)
AMOUNT_CUE_RE = re.compile(r"\b(?:bedraagt|bedragen|bedrag|totaal|kost|kosten|euro)\b|€", re.I)
DISTRIBUTION_CUE_RE = re.compile(
    r"verdeling|verdeeld|samenstelling|opbouw|aandeel|aandelen|bestaat\s+uit|procentuele|als\s+volgt", re.I)
COMPLEMENT_CUE_RE = re.compile(r"\b(?:nog|overige|overig|rest|resterende|andere|niet|minder|meer)\b", re.I)
#: relative slack on top of rounding for products of rounded numbers (0.5 %)
PRODUCT_SLACK = 0.005


def _amount_like(q) -> bool:
    """An amount of money, or a bare number large enough to be one (and no year)."""
    if q["soort"] != "getal" or q["relatie"] not in ("=", "≈"):
        return False
    if q["eenheid"] == "eur":
        return q["per"] in ("", "jaar", "maand", "schooljaar")  # "€ 1.080.000 per jaar" is an amount
    return q["eenheid"] == "" and q["waarde"] >= 1000 and not is_year(q["waarde"], int(q["decimalen"]))


def _is_rate(q) -> bool:
    """Money per counted thing ("€ 955 per student"); money per year is an amount."""
    return q["soort"] == "getal" and q["eenheid"] == "eur" and q["per"] not in ("", "jaar", "maand", "schooljaar")


def _product_holds(n, r, a) -> bool:
    """Whether amount ``a`` equals ``n × r`` within the rounding of all three (and 0.5 %)."""
    expected = n["waarde"] * r["waarde"]
    slack = (tolerance(a) + n["waarde"] * tolerance(r) + r["waarde"] * tolerance(n)
             + PRODUCT_SLACK * max(abs(expected), abs(a["waarde"])))
    return abs(a["waarde"] - expected) <= slack


def _arith_grade(stated: float, expected: float) -> str:
    """Arithmetic that does not add up is at least ``middel``; ``hoog`` from 5 % apart."""
    return "hoog" if severity(stated, expected) == "hoog" else "middel"


# --- product ------------------------------------------------------------------------------------

def find_products(q: pd.DataFrame, layout: Layout, text: str) -> list[dict]:
    """``product``: an amount that is not count × rate, where the plan states all three.

    Three forms: a table row ``count rate amount`` in a table whose other rows hold the
    product; a sentence ``773 studenten à € 955`` with the amount in it or in the next sentence
    ("Dit bedraagt ..."); and an amount that is an exact multiple k × rate of a rate stated
    shortly before, where k is no count the plan names but a count of the rate's unit nearby
    differs from k by less than 20 % (a stale or mistyped count).
    """
    out: list[dict] = []
    checked: set[int] = set()
    if q.empty:
        return out
    recs = q.to_dict("records")
    out += _table_products(recs, layout, text, checked)
    out += _sentence_products(recs, layout, text, checked)
    out += _implied_counts(recs, text, checked)
    return out


def _table_products(recs: list[dict], layout: Layout, text: str, checked: set[int]) -> list[dict]:
    out = []
    by_row: dict[tuple[int, int], list[dict]] = {}
    for r in recs:
        if r["tabel"] >= 0 and r["kolom"] > 0 and r["soort"] == "getal" and r["eenheid"] not in ("procent", "jaartal"):
            by_row.setdefault((r["tabel"], r["rij"]), []).append(r)
    tables: dict[int, list[tuple[dict, dict, dict]]] = {}
    for (t, _row), cells in by_row.items():
        cells = sorted(cells, key=lambda c: c["kolom"])
        if len(cells) >= 3 and len({c["kolom"] for c in cells[-3:]}) == 3:
            tables.setdefault(t, []).append((cells[-3], cells[-2], cells[-1]))
    for t, triples in tables.items():
        holds = [_product_holds(n, r, a) for n, r, a in triples]
        good, bad = sum(holds), len(holds) - sum(holds)
        for (n, r, a), ok in zip(triples, holds):
            checked.add(a["nr"])
        if good < 2 or bad * 2 > good:
            continue  # no rule "last = first × second" in this table
        for (n, r, a), ok in zip(triples, holds):
            if not ok:
                expected = n["waarde"] * r["waarde"]
                out.append(finding("product", [a, n, r], text, stated=a["waarde"], expected=expected,
                                   unit=a["eenheid"], rule=f"{fmt(a['waarde'])} ≠ {fmt(n['waarde'])} × "
                                                           f"{fmt(r['waarde'])} = {fmt(expected)}"))
    return out


def _sentence_products(recs: list[dict], layout: Layout, text: str, checked: set[int]) -> list[dict]:
    out = []
    by_sentence: dict[int, list[dict]] = {}
    for r in recs:
        by_sentence.setdefault(r["zin_start"], []).append(r)
    starts = sorted(by_sentence)
    index = {s: i for i, s in enumerate(starts)}
    for r in recs:
        if not _is_rate(r):
            continue
        sent = by_sentence[r["zin_start"]]
        before = [x for x in sent if x["einde"] <= r["start"] and r["start"] - x["einde"] <= 60
                  and x["soort"] == "getal" and x["eenheid"] in COUNT_UNITS and not _is_rate(x)
                  and not is_year(x["waarde"], int(x["decimalen"])) and x["eenheid"] != "eur"]
        if not before:
            continue
        n = before[-1]
        amount = next((x for x in sent if x["start"] > r["einde"] and _amount_like(x)
                       and x["waarde"] > r["waarde"]), None)
        if amount is None:
            i = index[r["zin_start"]]
            for s in starts[i + 1:i + 3]:
                if s - r["einde"] > 400:
                    break
                cand = [x for x in by_sentence[s] if _amount_like(x) and x["waarde"] > r["waarde"]]
                sentence = text[by_sentence[s][0]["zin_start"]:by_sentence[s][0]["zin_einde"]]
                if cand and AMOUNT_CUE_RE.search(sentence):
                    amount = cand[0]
                    break
                if any(_is_rate(x) for x in by_sentence[s]):
                    break
        if amount is None or amount["nr"] in checked:
            continue
        checked.add(amount["nr"])
        if not _product_holds(n, r, amount):
            expected = n["waarde"] * r["waarde"]
            out.append(finding("product", [amount, n, r], text, stated=amount["waarde"], expected=expected,
                               unit="eur", rule=f"{fmt(amount['waarde'])} ≠ {fmt(n['waarde'])} × "
                                                f"{fmt(r['waarde'])} = {fmt(expected)}"))
    return out


#: how far (characters) an amount may be from the rate and the counts it is read with
IMPLIED_WINDOW = 2500
#: how far a count named in the plan may be from the count an amount implies (share of the count)
IMPLIED_NEAR = 0.20


def _implied_counts(recs: list[dict], text: str, checked: set[int]) -> list[dict]:
    out: list[dict] = []
    rates = [r for r in recs if _is_rate(r) and float(r["waarde"]).is_integer() and r["waarde"] >= 2]
    if not rates:
        return out
    for a in recs:
        if a["nr"] in checked or not _amount_like(a) or not float(a["waarde"]).is_integer():
            continue
        near_rates = [r for r in rates if 0 < a["start"] - r["einde"] <= IMPLIED_WINDOW]
        for r in sorted(near_rates, key=lambda r: a["start"] - r["einde"]):
            k = a["waarde"] / r["waarde"]
            if k < 2 or abs(k - round(k)) > 1e-9:
                continue
            k = round(k)
            unit = PER_UNITS.get(r["per"], "")
            if not unit:
                continue  # a rate per something unnamed: no count of the plan to compare with
            window = [x for x in recs if abs(x["start"] - a["start"]) <= IMPLIED_WINDOW and x["soort"] == "getal"
                      and x["nr"] != a["nr"] and not _is_rate(x)]
            if any(abs(x["waarde"] - k) <= 0.5 for x in window if x["eenheid"] in (unit, "")):
                break  # the plan names the count: the amount is that count × rate
            counts = [x for x in window if unit and x["eenheid"] == unit and x["waarde"] > 0
                      and 0 < abs(x["waarde"] - k) <= IMPLIED_NEAR * x["waarde"]]
            if not counts:
                continue
            n = min(counts, key=lambda x: (abs(x["waarde"] - k), abs(x["start"] - a["start"])))
            expected = n["waarde"] * r["waarde"]
            checked.add(a["nr"])
            out.append(finding("product", [a, n, r], text, stated=a["waarde"], expected=expected, unit="eur",
                               rule=f"{fmt(a['waarde'])} = {k} × {fmt(r['waarde'])}; "
                                    f"{fmt(n['waarde'])} × {fmt(r['waarde'])} = {fmt(expected)}"))
            break
    return out


# --- som ------------------------------------------------------------------------------------------

def find_sums(q: pd.DataFrame, layout: Layout, text: str) -> list[dict]:
    """``som``: a table's total row (``Totaal``, ``Subtotaal``) or total column that is not the sum
    of the rows or columns it totals, beyond the rounding of the numbers added."""
    out: list[dict] = []
    if q.empty:
        return out
    cells: dict[int, dict[tuple[int, int], dict]] = {}
    for r in q.to_dict("records"):
        if r["tabel"] >= 0 and r["soort"] == "getal" and r["kolom"] > 0 and r["eenheid"] != "jaartal":
            cells.setdefault(r["tabel"], {}).setdefault((r["rij"], r["kolom"]), r)
    for table in layout.tables:
        grid = cells.get(table.nr)
        if not grid or table.toc:
            continue
        out += _total_rows(table, grid, text)
        out += _total_columns(table, grid, text)
    return out


def _sum_check(total: dict, parts: list[dict]) -> tuple[bool, float]:
    value = sum(p["waarde"] for p in parts)
    decimals = max(int(p["decimalen"]) for p in parts + [total])
    tol = rounding(decimals) * (len(parts) + 1) + 1e-9
    return abs(value - total["waarde"]) <= tol, value


def _sum_finding(total: dict, parts: list[dict], value: float, text: str) -> dict:
    rule = f"{fmt(total['waarde'])} ≠ " + " + ".join(fmt(p["waarde"]) for p in parts) + f" = {fmt(value)}"
    return finding("som", [total] + parts, text, stated=total["waarde"], expected=value, unit=total["eenheid"],
                   grade=_arith_grade(total["waarde"], value), rule=rule)


def _total_rows(table, grid: dict, text: str) -> list[dict]:
    out = []
    nrows = len(table.rows)
    is_total = [bool(TOTAL_RE.match(table.row_header(r) or "")) for r in range(nrows)]
    columns = sorted({c for _, c in grid})
    for r in range(nrows):
        if not is_total[r]:
            continue
        group = table.groups.get(r, "")
        for c in columns:
            total = grid.get((r, c))
            if total is None:
                continue
            above = [k for k in range(r) if not (table.header and k == 0) and table.groups.get(k, "") == group]
            last_total = max([k for k in above if is_total[k]], default=-1)
            plain = [grid[(k, c)] for k in above if k > last_total and not is_total[k] and (k, c) in grid]
            all_parts = [grid[(k, c)] for k in above if not is_total[k] and (k, c) in grid]
            subtotals = [grid[(k, c)] for k in above if is_total[k] and (k, c) in grid]
            options = [p for p in (plain, all_parts, subtotals) if len(p) >= 2]
            if not options or any(p["eenheid"] != total["eenheid"] and p["eenheid"] and total["eenheid"]
                                  for p in plain):
                continue
            results = [_sum_check(total, p) for p in options]
            if any(ok for ok, _ in results):
                continue
            parts = options[0]
            value = results[0][1]
            out.append(_sum_finding(total, parts, value, text))
    return out


def _total_columns(table, grid: dict, text: str) -> list[dict]:
    out: list[dict] = []
    if not table.header:
        return out
    total_cols = [c for c in range(len(table.rows[0])) if c > 0 and TOTAL_RE.match(table.column_header(c))]
    for c in total_cols:
        for r in range(1, len(table.rows)):
            total = grid.get((r, c))
            if total is None:
                continue
            parts = [grid[(r, k)] for k in range(1, c) if (r, k) in grid and not TOTAL_RE.match(table.column_header(k))]
            if len(parts) < 2 or any(p["eenheid"] != total["eenheid"] for p in parts):
                continue
            ok, value = _sum_check(total, parts)
            if ok:
                continue
            if len(parts) == 2 and abs(parts[0]["waarde"] * parts[1]["waarde"] - total["waarde"]) <= tolerance(total):
                continue  # hours × rate = cost: a product, not a sum
            out.append(_sum_finding(total, parts, value, text))
    return out


# --- verdeling ------------------------------------------------------------------------------------

#: a group of shares is taken for a distribution only when it adds up to within this of 100
DISTRIBUTION_RANGE = (80.0, 120.0)
PAIR_RANGE = (90.0, 110.0)


def _share(q) -> bool:
    return q["eenheid"] == "procent" and q["soort"] == "getal" and q["relatie"] == "=" and 0 <= q["waarde"] <= 100


def _distribution(parts: list[dict], text: str, lo_hi=DISTRIBUTION_RANGE) -> dict | None:
    value = sum(p["waarde"] for p in parts)
    decimals = max(int(p["decimalen"]) for p in parts)
    tol = rounding(decimals) * len(parts) + 1e-9
    if not lo_hi[0] <= value <= lo_hi[1] or abs(value - 100) <= tol:
        return None
    grade = "hoog" if abs(value - 100) >= 5 else "middel" if abs(value - 100) >= 2 else "laag"
    return finding("verdeling", parts, text, stated=value, expected=100.0, unit="procent", grade=grade,
                   rule=" + ".join(fmt(p["waarde"]) for p in parts) + f" = {fmt(value)} ≠ 100")


def find_distributions(q: pd.DataFrame, layout: Layout, text: str) -> list[dict]:
    """``verdeling``: shares of one distribution that do not add up to 100 % ± rounding.

    A distribution is a table column (or row, when its columns are no years) of percentages
    under a heading, caption or section that says so (``verdeling``, ``aandeel``, ``opbouw``,
    ``samenstelling``), three or more percentages in one sentence that says so, a list whose
    items hold one percentage each after an introduction that says so (``als volgt``), or two
    percentages in one sentence where the second is the rest (``56% ..., dus nog 44%``).
    Groups that add up to less than 80 or more than 120 are taken to be no distribution.
    """
    out: list[dict] = []
    if q.empty:
        return out
    recs = [r for r in q.to_dict("records") if _share(r)]
    out += _table_distributions(recs, layout, text)
    by_sentence: dict[int, list[dict]] = {}
    for r in recs:
        if r["tabel"] < 0:
            by_sentence.setdefault(r["zin_start"], []).append(r)
    for start, parts in by_sentence.items():
        sentence = text[parts[0]["zin_start"]:parts[0]["zin_einde"]]
        if len(parts) >= 3 and DISTRIBUTION_CUE_RE.search(sentence):
            f = _distribution(parts, text)
            if f:
                out.append(f)
        elif len(parts) == 2 and COMPLEMENT_CUE_RE.search(text[parts[0]["einde"]:parts[1]["einde"] + 40]):
            f = _distribution(parts, text, PAIR_RANGE)
            if f:
                out.append(f)
    blocks: dict[int, list[dict]] = {}
    per_sentence = {s: len(p) for s, p in by_sentence.items()}
    for r in recs:
        if r["lijst"] >= 0 and r["tabel"] < 0 and per_sentence.get(r["zin_start"]) == 1:
            blocks.setdefault(r["lijst"], []).append(r)
    for block, parts in blocks.items():
        if len(parts) < 3:
            continue
        intro = layout.list_intros.get(block)
        context = text[intro[0]:intro[1]] if intro else ""
        heading = layout.section(parts[0]["start"])
        if heading is not None:
            context += " " + heading.title
        if DISTRIBUTION_CUE_RE.search(context):
            f = _distribution(parts, text)
            if f:
                out.append(f)
    return out


def _table_distributions(recs: list[dict], layout: Layout, text: str) -> list[dict]:
    out = []
    by_table: dict[int, list[dict]] = {}
    for r in recs:
        if r["tabel"] >= 0 and r["kolom"] > 0:
            by_table.setdefault(r["tabel"], []).append(r)
    for t, cells in by_table.items():
        table = layout.tables[t]
        if any(TOTAL_RE.match(table.row_header(k) or "") for k in range(len(table.rows))):
            continue  # a total row: the sum check covers it
        heading = layout.section(table.start)
        context = " ".join([table.title, heading.title if heading else ""] + list(table.groups.values()))
        groups: dict[tuple, list[dict]] = {}
        for r in cells:
            groups.setdefault(("kolom", r["kolom"], table.groups.get(r["rij"], "")), []).append(r)
            years_across = re.fullmatch(r"\(?(?:19|20)\d{2}\)?", r["kolom_kop"].strip() or "x")
            if not years_across:
                groups.setdefault(("rij", r["rij"]), []).append(r)
        for key, parts in groups.items():
            header = table.column_header(key[1]) if key[0] == "kolom" else table.row_header(key[1])
            if len(parts) >= 3 and DISTRIBUTION_CUE_RE.search(context + " " + header):
                f = _distribution(sorted(parts, key=lambda p: p["start"]), text)
                if f:
                    out.append(f)
    return out
