"""Text from data, made inert for the files we write: spreadsheets (CSV, XLSX) and Markdown.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) as a formula: ``=HYPERLINK(...)`` in an activity title becomes a live link, ``-2+3+cmd|...``
a DDE call. Such text is written as text: in XLSX as a string cell with Excel's quote prefix
(the value itself unchanged), in CSV with a leading apostrophe (OWASP's advice; our own
readers take it off again, :func:`unguard`). Numbers stay numbers, and a plain signed number
written as text (``-3,5``, ``+12%``) is left as it is: it is no formula.

Markdown that we write for people to edit (the self-evaluation template) shows data as text:
raw HTML is escaped and link brackets are escaped, so ``[x](javascript:...)`` and
``<script>`` never become a link or an element in whatever renders it.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a plain signed number, as text: no formula whatever the sign ("-3,5", "+12%", "-1.234,5")
_PLAIN_NUMBER = re.compile(r"[+-]\d+(?:[.,\s]\d+)*(?:[eE][+-]?\d+)?\s*%?")


def formula_like(value: Any) -> bool:
    """True for text that a spreadsheet would read as a formula."""
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER.fullmatch(value))


def spreadsheet_text(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text gets a leading apostrophe; anything else unchanged."""
    return "'" + value if formula_like(value) else value


def unguard(value: Any) -> Any:
    """The inverse of :func:`spreadsheet_text`, for reading our own CSV exports back."""
    if isinstance(value, str) and value.startswith("'") and formula_like(value[1:]):
        return value[1:]
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names are safe for a spreadsheet (CSV)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or isinstance(out[col].dtype, pd.StringDtype):
            out[col] = out[col].map(spreadsheet_text)
    out.columns = [spreadsheet_text(c) for c in out.columns]
    return out


def guard_workbook(wb) -> int:
    """Make every formula-like text cell of an openpyxl workbook a text cell (in place).

    openpyxl turns any string starting with ``=`` into a formula; such cells become string
    cells again, and formula-like text gets Excel's quote prefix so that editing the cell in
    Excel keeps it text. Call it after filling the workbook, before saving; no workbook we
    write holds a formula of its own. Returns the number of cells changed.
    """
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or formula_like(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


_MD_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]"})


def markdown_text(value: Any) -> str:
    """``value`` as Markdown text: no raw HTML, no link or image syntax."""
    return str(value).translate(_MD_SPECIAL)
