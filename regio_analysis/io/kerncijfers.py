"""``kerncijfers.xlsx``: the national index's key figures as a workbook, beside ``index.html``.

One long sheet for analysis ("Alle regio's": a row per region and indicator, with unit, year, definition,
national value, kind and source) and one sheet per region with its own rows, each with sort and filter
buttons on its header row. Numbers stay numbers (no
formatting into text), text that a spreadsheet would read as a formula stays text, and the file is
written atomically.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from regio_analysis.io.files import atomic_write
from regio_analysis.io.safe_text import guard_workbook

#: the columns of the long sheet (Dutch headers), with the key of an index row each reads
KOLOMMEN = (("regio", "naam"), ("regio_id", "regio_id"), ("indicator", "indicator"), ("waarde", "waarde"),
            ("eenheid", "eenheid"), ("jaar", "jaar"), ("definitie", "definitie"), ("landelijk", "landelijk"),
            ("soort", "soort"), ("bron", "bron"))
LANG = "Alle regio's"


def _sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet title (at most 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip()[:31] or "regio"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def rijen(index_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The long table: one row per region and indicator (regions without figures leave none)."""
    out = []
    for region in index_rows:
        for k in region.get("kerncijfers") or []:
            out.append({"naam": region["naam"], "regio_id": region["regio_id"], **k})
    return out


def write_kerncijfers(path: str | Path, index_rows: list[dict[str, Any]]) -> Path:
    """Write the workbook of the index rows (``reporting.runner``: ``naam``, ``regio_id``, ``kerncijfers``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    long = wb.active
    long.title = LANG
    used = {LANG.lower()}
    headers = [h for h, _ in KOLOMMEN]

    def fill(ws, rows):
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append([r.get(key) for _, key in KOLOMMEN])
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions  # sort and filter buttons on the header row
        for col, width in zip("ABCDEFGHIJ", (28, 26, 24, 12, 10, 12, 48, 10, 13, 60)):
            ws.column_dimensions[col].width = width

    all_rows = rijen(index_rows)
    fill(long, all_rows)
    for region in index_rows:
        own = [r for r in all_rows if r["regio_id"] == region["regio_id"]]
        if own:
            naam = str(region["naam"])  # a sheet title holds 31 characters: else the region's id
            fill(wb.create_sheet(_sheet_title(naam if len(naam) <= 31 else region["regio_id"], used)), own)
    guard_workbook(wb)  # text from data that starts with = + - @ stays text, never a formula
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        wb.save(fh)
    return path
