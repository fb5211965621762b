"""Helpers that chapter notebooks call to show a table and keep it as a file.

A chapter hands over a *numeric* table (numbers, Dutch headers, how each column is shown
declared with ``report.format.kolommen``); :func:`toon_tabel` shows it through the one
formatter (``report.format.tabel_tekst``: decimal comma, thousands point, percentages,
intervals, ``–`` for missing) and keeps the numbers in ``tabellen/<naam>.csv``.
The runner keeps every figure a chapter shows as ``figuren/figuur-<hoofdstuk>-<n>.png``.

Every table and figure carries its provenance (``data.provenance.markeer``: gepubliceerd, berekend,
synthetisch, standaardwaarde); :func:`toon_tabel` and :func:`toon_figuur` print it underneath and refuse
a table or figure without it.

Every table and figure also carries a caption (:func:`bijschrift`, set by the chapter function that makes
it; a figure may add its own alt text, otherwise ``report.figures.alt_tekst`` describes what is drawn).
The caption is shown as its own output, marked in the output's metadata (``META_KEY``) so that the
report (``reporting.html``) numbers it per chapter ("Tabel 2.1", "Figuur 3.2") and gives it an anchor;
a table's caption stands above it, a figure's under it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from regio_analysis.data.provenance import herkomst_van, onderschrift
from regio_analysis.frozen import FrozenDict
from regio_analysis.io.files import figure_png, write_csv
from regio_analysis.io.safe_text import spreadsheet_safe
from regio_analysis.report.format import geen_gegevens, numerieke_kolommen, tabel_getallen, tabel_tekst


#: key of the output metadata that marks a caption (and a figure) for the report's numbering
META_KEY = "regio_analysis"
_CAPTION_ATTR = "bijschrift"
_FIGURE_CAPTION_ATTR = "_regio_analysis_bijschrift"


def bijschrift(obj, tekst: str, *, alt: str | None = None):
    """Attach a caption (what the table or figure shows, one phrase, without a number) to a table
    (``DataFrame.attrs``) or a figure (an ``Axes``'s figure) and return ``obj``; ``alt`` (figures only)
    replaces the generated alt text. ``None`` (a figure function with nothing to draw) passes through."""
    if obj is None:
        return None
    if not isinstance(tekst, str) or not tekst.strip():
        raise ValueError("a caption needs text")
    value = FrozenDict(tekst=tekst.strip(), alt=alt.strip() if alt else None)
    if isinstance(obj, pd.DataFrame):
        obj.attrs[_CAPTION_ATTR] = value
    else:
        setattr(getattr(obj, "figure", obj), _FIGURE_CAPTION_ATTR, value)
    return obj


def bijschrift_van(obj) -> tuple[str, str | None]:
    """(caption, alt text or None) attached by :func:`bijschrift`; ("", None) when there is none."""
    if obj is None:
        return "", None
    if isinstance(obj, pd.DataFrame):
        value = obj.attrs.get(_CAPTION_ATTR)
    else:
        value = getattr(getattr(obj, "figure", obj), _FIGURE_CAPTION_ATTR, None)
    return (value["tekst"], value["alt"]) if value else ("", None)


def _toon_bijschrift(soort: str, tekst: str) -> None:
    """The caption as its own Markdown output, marked for the report's numbering."""
    from IPython.display import Markdown, display

    display(Markdown(tekst), metadata={META_KEY: {"rol": "bijschrift", "soort": soort}})


def toon_tabel(df: pd.DataFrame, naam: str, output_dir: str = "", *, wat: str | None = None):
    """Display ``df`` without its index, or the visible "geen gegevens" note when it is empty.

    Cells are shown as :func:`regio_analysis.report.format.tabel_tekst` writes them, numbers
    aligned right. With ``output_dir`` set, the table is also kept as
    ``<output_dir>/tabellen/<naam>.csv`` with its numbers (rounded to the decimals shown;
    written atomically; a named index is kept as a column; text that a spreadsheet would read
    as a formula is written as text, see :func:`regio_analysis.io.safe_text.spreadsheet_safe`).
    ``wat`` names the table in the note (default: ``naam``). The table's caption (:func:`bijschrift`)
    stands above it, its provenance (``data.provenance.markeer``) under it; a table with rows but
    without either is refused (ValueError). Returns None, so a call ending a cell is not shown twice.
    """
    from IPython.display import Markdown, display

    if not re.fullmatch(r"[a-z0-9_-]+", naam):
        raise ValueError(f"table name {naam!r}: use lowercase letters, digits, '-' and '_'")
    if not df.empty and not herkomst_van(df):
        raise ValueError(f"table {naam!r} has no provenance: mark it with data.provenance.markeer")
    caption = bijschrift_van(df)[0]
    if not df.empty and not caption:
        raise ValueError(f"table {naam!r} has no caption: give it one with report.tables.bijschrift")
    shown: Markdown | _Tabel
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
        styled = (text.style.format(escape="html").format_index(escape="html", axis=0)
                  .format_index(escape="html", axis=1).hide(axis="index").set_td_classes(classes)
                  .set_properties(subset=numbers, **{"text-align": "right"})
                  .set_properties(subset=[c for c in text.columns if c not in numbers], **{"text-align": "left"}))
        shown = _Tabel(_header_classes(styled.to_html(), [c in numbers for c in text.columns]))
        _toon_bijschrift("tabel", caption)
    display(shown)
    if not df.empty:
        display(Markdown(f"_{onderschrift(herkomst_van(df))}_"))  # the report renders raw HTML as text
    if not df.empty and _has_hidden_cells(df):
        from regio_analysis.data.privacy import DEFAULT_K

        display(Markdown(f"_Een leeg vak of – in de kolommen met aantallen of aandelen: niet getoond, omdat het om "
                         f"minder dan {DEFAULT_K} personen gaat of omdat zo'n klein aantal er anders uit terug te "
                         "rekenen zou zijn (uit totalen, naburige cellen of percentages)._"))


class _Tabel:
    """A table's HTML as Jupyter and nbconvert show it."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    to_html = _repr_html_


def _header_classes(html: str, numeric: list[bool]) -> str:
    """Give each column header of a Styler table the class of its column (``ra-getal``: aligned right
    like the numbers below it, ``ra-tekst``: left), as ``set_td_classes`` does for the cells."""
    def add(match: re.Match) -> str:
        col = int(match.group(2))
        kind = "ra-getal" if col < len(numeric) and numeric[col] else "ra-tekst"
        return f'{match.group(1)} {kind}"'

    return re.sub(r'(<th\b[^>]*\bclass="col_heading level0 col(\d+))"', add, html)


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
    """Show the figure an ``ax``-returning figure function drew, with its caption and provenance
    underneath; nothing when it returned None (the function's reading then says that the data are
    missing). A figure without provenance (``data.provenance.markeer``) or caption (:func:`bijschrift`)
    is refused (ValueError).

    The figure is shown as a PNG whose output metadata holds its alt text (the one given to
    :func:`bijschrift`, otherwise ``report.figures.alt_tekst``: the caption and what is drawn).
    """
    if ax is None:
        return
    import base64

    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    from regio_analysis.report.figures import alt_tekst

    fig = getattr(ax, "figure", ax)
    caption, alt = bijschrift_van(ax)
    try:
        if not herkomst_van(ax):
            raise ValueError("figure has no provenance: mark it with data.provenance.markeer")
        if not caption:
            raise ValueError("figure has no caption: give it one with report.tables.bijschrift")
        alt = alt or alt_tekst(fig, caption)
        png = base64.b64encode(figure_png(fig)).decode("ascii")
    finally:
        plt.close(fig)
    display({"image/png": png, "text/plain": f"<Figuur: {caption}>"}, raw=True,
            metadata={"image/png": {"alt": alt}, META_KEY: {"rol": "figuur"}})
    _toon_bijschrift("figuur", caption)
    display(Markdown(f"_{onderschrift(herkomst_van(ax))}_"))


def toon_tekst(tekst: str) -> None:
    """Show ``tekst`` as Markdown; nothing at all when it is empty (no empty block in the report)."""
    if tekst:
        from IPython.display import Markdown, display

        display(Markdown(tekst))
