"""Helpers that chapter notebooks call to show a table and keep it as a file.

Figures need no helper: the runner keeps every PNG a chapter shows (``figuren/``).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from regio_analysis.io.files import write_csv
from regio_analysis.io.safe_text import spreadsheet_safe
from regio_analysis.overview import geen_gegevens


def toon_tabel(df: pd.DataFrame, naam: str, output_dir: str = "", *, wat: str | None = None):
    """Display ``df`` without its index, or the visible "geen gegevens" note when it is empty.

    With ``output_dir`` set, the table is also kept as ``<output_dir>/tabellen/<naam>.csv``
    (written atomically; a named index is kept as a column; text that a spreadsheet would
    read as a formula is written as text, see :func:`regio_analysis.io.safe_text.spreadsheet_safe`). ``wat`` names the table in the
    note (default: ``naam``). Returns None, so a call ending a cell is not shown twice.
    """
    from IPython.display import Markdown, display

    if not re.fullmatch(r"[a-z0-9_-]+", naam):
        raise ValueError(f"table name {naam!r}: use lowercase letters, digits, '-' and '_'")
    if df.empty:
        shown = Markdown(geen_gegevens(wat or naam.replace("-", " ")))
    else:
        if output_dir:
            kept = df.reset_index() if any(n is not None for n in df.index.names) else df
            write_csv(spreadsheet_safe(kept), Path(output_dir) / "tabellen" / f"{naam}.csv")
            # what privacy.audit needs to know about the table (count columns, totals), if described
            from regio_analysis.privacy import write_sidecar

            write_sidecar(df, Path(output_dir) / "tabellen" / f"{naam}.csv")
        # text from data is shown as text: cells and headers escaped (Styler does not by default)
        shown = (df.style.format(escape="html").format_index(escape="html", axis=0)
                 .format_index(escape="html", axis=1).hide(axis="index"))
    display(shown)
    if not df.empty and _has_hidden_cells(df):
        from regio_analysis.privacy import DEFAULT_K

        display(Markdown(f"_Een leeg vak of – in de kolommen met aantallen of aandelen: niet getoond, omdat het om "
                         f"minder dan {DEFAULT_K} personen gaat of omdat zo'n klein aantal er anders uit terug te "
                         "rekenen zou zijn (uit totalen, naburige cellen of percentages)._"))


def _has_hidden_cells(df: pd.DataFrame) -> bool:
    """Whether a table described for the privacy audit shows cells that disclosure control hid."""
    from regio_analysis.privacy import META_ATTR

    meta = df.attrs.get(META_ATTR) or {}
    columns = [c for c in [*meta.get("aantallen", []), *(meta.get("levenstafel") or []), *meta.get("aandelen", {})]
               if c in df.columns]
    return any(df[c].isna().any() or df[c].astype(str).eq("–").any() for c in columns)


def toon_figuur(ax) -> None:
    """Show the figure an ``ax``-returning figure function drew; nothing when it returned None
    (the function's reading then says that the data are missing)."""
    if ax is not None:
        import matplotlib.pyplot as plt

        plt.show()
