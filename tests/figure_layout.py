"""Layout checks of the report's figures (tests only): texts that overlap, legends drawn over data.

They read matplotlib's drawn boxes after ``fig.canvas.draw()``; tests/test_figures_edge.py runs them
on the figure helpers (edge data) and on every chapter figure of one region.
"""
from __future__ import annotations

from regio_analysis.report.figures import ACHTERGROND


def _getekende_ticks(axis) -> list:
    """The ticks ``axis`` draws (those in its view); all of them when matplotlib will not say."""
    try:
        return list(axis._update_ticks())
    except AttributeError:  # pragma: no cover - a future matplotlib without the private helper
        return [*axis.get_major_ticks(), *axis.get_minor_ticks()]


def _teksten(fig) -> list[tuple[str, object]]:
    """Every visible, non-empty text of ``fig`` with a short name: tick labels, axis labels, titles,
    annotations, legend entries and titles, figure texts."""
    found, seen = [], set()

    def add(name, text):
        if text is not None and id(text) not in seen and text.get_visible() and text.get_text().strip():
            seen.add(id(text))
            found.append((f"{name} {text.get_text().strip()[:40]!r}", text))

    for i, ax in enumerate(a for a in fig.axes if a.get_visible()):
        where = f"paneel {i}"
        for axis, letter in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if not axis.get_visible():
                continue
            for tick in _getekende_ticks(axis):
                add(f"{where} {letter}-tick", tick.label1)
                add(f"{where} {letter}-tick", tick.label2)
            add(f"{where} {letter}-as", axis.label)
        for title in (ax.title, ax._left_title, ax._right_title):
            add(f"{where} titel", title)
        for text in ax.texts:
            add(f"{where} tekst", text)
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            add(f"{where} legendatitel", legend.get_title())
            for text in legend.get_texts():
                add(f"{where} legenda", text)
    for legend in fig.legends:
        add("figuurlegendatitel", legend.get_title())
        for text in legend.get_texts():
            add("figuurlegenda", text)
    if getattr(fig, "_suptitle", None) is not None:
        add("figuurtitel", fig._suptitle)
    for text in fig.texts:
        add("figuurtekst", text)
    return found


def overlappende_teksten(fig, marge: float = 0.5) -> list[str]:
    """Pairs of texts of ``fig`` whose drawn boxes intersect (by more than ``marge`` pixels each way),
    as ``"<tekst> ↔ <tekst>"``; empty when nothing overlaps. Draws the figure first. Rotated texts are
    compared by their upright bounding boxes (the reports use horizontal or vertical text only)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(name, text.get_window_extent(renderer)) for name, text in _teksten(fig)]
    out = []
    for i, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[i + 1:]:
            if min(a.x1, b.x1) - max(a.x0, b.x0) > marge and min(a.y1, b.y1) - max(a.y0, b.y0) > marge:
                out.append(f"{name_a} ↔ {name_b}")
    return out


def legenda_over_data(fig, marge: float = 1.0) -> list[str]:
    """Legends drawn over what their panel shows: over a line or marker, a bar, a filled area or a
    text in the panel (a bar's value); as ``"paneel <i>: <wat>"``, empty when none. Draws the figure."""
    from matplotlib.collections import Collection
    from matplotlib.patches import Rectangle

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for i, ax in enumerate(a for a in fig.axes if a.get_visible()):
        legend = ax.get_legend()
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer)
        box = type(box).from_extents(box.x0 + marge, box.y0 + marge, box.x1 - marge, box.y1 - marge)
        for line in ax.lines:
            if not line.get_visible() or len(line.get_xdata()) == 0:
                continue
            path = line.get_transform().transform_path(line.get_path())
            drawn = line.get_linestyle() not in ("None", "", " ")
            if (drawn and path.intersects_bbox(box, filled=False)) or \
                    any(box.contains(x, y) for x, y in path.vertices):
                out.append(f"paneel {i}: lijn of punt {line.get_label()!r}")
        for patch in ax.patches:
            if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_gid() != ACHTERGROND and patch.get_width() and patch.get_height() \
                    and box.overlaps(patch.get_window_extent(renderer)):
                out.append(f"paneel {i}: staaf")
                break
        for coll in ax.collections:
            if not isinstance(coll, Collection) or not coll.get_visible():
                continue
            transform = coll.get_transform()
            offsets = coll.get_offsets()
            if len(coll.get_paths()) and type(coll).__name__ in ("PolyCollection", "FillBetweenPolyCollection"):
                if any(transform.transform_path(p).intersects_bbox(box, filled=True) for p in coll.get_paths()):
                    out.append(f"paneel {i}: vlak {coll.get_label()!r}")
            elif len(offsets):
                points = coll.get_offset_transform().transform(offsets)
                if any(box.contains(x, y) for x, y in points):
                    out.append(f"paneel {i}: punten {coll.get_label()!r}")
        for text in ax.texts:
            if text.get_visible() and text.get_text().strip() and box.overlaps(text.get_window_extent(renderer)):
                out.append(f"paneel {i}: tekst {text.get_text()!r}")
    return out
