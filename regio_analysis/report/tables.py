"""Helpers that chapter notebooks call to show a table and keep it as a file.

A chapter hands over a *numeric* table (numbers, Dutch headers, how each column is shown
declared with ``report.format.kolommen``); :func:`toon_tabel` shows it through the one
formatter (``report.format.tabel_tekst``: decimal comma, thousands point, percentages,
intervals, ``–`` for missing) and keeps the numbers in ``tabellen/<naam>.csv``.
Figures need no helper: the runner keeps every PNG a chapter shows (``figuren/``).

Every table and figure carries its provenance (``data.provenance.markeer``: gepubliceerd, berekend,
synthetisch, standaardwaarde); :func:`toon_tabel` and :func:`toon_figuur` print it underneath and refuse
a table or figure without it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from regio_analysis.data.provenance import herkomst_van, onderschrift
from regio_analysis.io.files import write_csv
from regio_analysis.io.safe_text import spreadsheet_safe
from regio_analysis.report.format import geen_gegevens, numerieke_kolommen, tabel_getallen, tabel_tekst


def toon_tabel(df: pd.DataFrame, naam: str, output_dir: str = "", *, wat: str | None = None):
    """Display ``df`` without its index, or the visible "geen gegevens" note when it is empty.

    Cells are shown as :func:`regio_analysis.report.format.tabel_tekst` writes them, numbers
    aligned right. With ``output_dir`` set, the table is also kept as
    ``<output_dir>/tabellen/<naam>.csv`` with its numbers (rounded to the decimals shown;
    written atomically; a named index is kept as a column; text that a spreadsheet would read
    as a formula is written as text, see :func:`regio_analysis.io.safe_text.spreadsheet_safe`).
    ``wat`` names the table in the note (default: ``naam``). The table's provenance
    (``data.provenance.markeer``) is printed under it; a table with rows but without one is refused
    (ValueError). Returns None, so a call ending a cell is not shown twice.
    """
    from IPython.display import Markdown, display

    if not re.fullmatch(r"[a-z0-9_-]+", naam):
        raise ValueError(f"table name {naam!r}: use lowercase letters, digits, '-' and '_'")
    if not df.empty and not herkomst_van(df):
        raise ValueError(f"table {naam!r} has no provenance: mark it with data.provenance.markeer")
    if df.empty:
        shown = Markdown(geen_gegevens(wat or naam.replace("-", " ")))
    else:
        bewaar_tabel(df, naam, output_dir)
        # text from data is shown as text: cells and headers escaped (Styler does not by default)
        text = tabel_tekst(df)
        # numbers align right, text left: as classes (the report keeps no inline styles; reporting.html
        # styles ra-getal and ra-tekst), and as CSS for a notebook opened in Jupyter
        numbers = [c for c in numerieke_kolommen(df) if c in text.columns]
        classes = pd.DataFrame([["ra-getal" if c in numbers else "ra-tekst" for c in text.columns]] * len(text),
                               index=text.index, columns=text.columns)
        shown = (text.style.format(escape="html").format_index(escape="html", axis=0)
                 .format_index(escape="html", axis=1).hide(axis="index").set_td_classes(classes)
                 .set_properties(subset=numbers, **{"text-align": "right"})
                 .set_properties(subset=[c for c in text.columns if c not in numbers], **{"text-align": "left"}))
    display(shown)
    if not df.empty:
        display(Markdown(f"_{onderschrift(herkomst_van(df))}_"))  # the report renders raw HTML as text
    if not df.empty and _has_hidden_cells(df):
        from regio_analysis.data.privacy import DEFAULT_K

        display(Markdown(f"_Een leeg vak of – in de kolommen met aantallen of aandelen: niet getoond, omdat het om "
                         f"minder dan {DEFAULT_K} personen gaat of omdat zo'n klein aantal er anders uit terug te "
                         "rekenen zou zijn (uit totalen, naburige cellen of percentages)._"))


def bewaar_tabel(df: pd.DataFrame, naam: str, output_dir: str = "") -> None:
    """Keep ``df`` as ``<output_dir>/tabellen/<naam>.csv`` (as :func:`toon_tabel` does) without
    showing it: for a table too long to read in the report. Nothing without ``output_dir`` or
    rows."""
    if not re.fullmatch(r"[a-z0-9_-]+", naam):
        raise ValueError(f"table name {naam!r}: use lowercase letters, digits, '-' and '_'")
    if not output_dir or df.empty:
        return
    kept = tabel_getallen(df)
    kept = kept.reset_index() if any(n is not None for n in kept.index.names) else kept
    path = Path(output_dir) / "tabellen" / f"{naam}.csv"
    write_csv(spreadsheet_safe(kept), path)
    # what privacy.audit needs to know about the table (count columns, totals), if described
    from regio_analysis.data.privacy import write_sidecar

    write_sidecar(df, path)


def _has_hidden_cells(df: pd.DataFrame) -> bool:
    """Whether a table described for the privacy audit shows cells that disclosure control hid."""
    from regio_analysis.data.privacy import META_ATTR

    meta = df.attrs.get(META_ATTR) or {}
    columns = [c for c in [*meta.get("aantallen", []), *(meta.get("levenstafel") or []), *meta.get("aandelen", {})]
               if c in df.columns]
    return any(df[c].isna().any() or df[c].astype(str).eq("–").any() for c in columns)


def toon_figuur(ax) -> None:
    """Show the figure an ``ax``-returning figure function drew, with its provenance underneath;
    nothing when it returned None (the function's reading then says that the data are missing).
    A figure without provenance (``data.provenance.markeer``) is refused (ValueError)."""
    if ax is not None:
        import matplotlib.pyplot as plt
        from IPython.display import Markdown, display

        if not herkomst_van(ax):
            plt.close(ax.figure)
            raise ValueError("figure has no provenance: mark it with data.provenance.markeer")
        plt.show()
        display(Markdown(f"_{onderschrift(herkomst_van(ax))}_"))


def toon_tekst(tekst: str) -> None:
    """Show ``tekst`` as Markdown; nothing at all when it is empty (no empty block in the report)."""
    if tekst:
        from IPython.display import Markdown, display

        display(Markdown(tekst))
