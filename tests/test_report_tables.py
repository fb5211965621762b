"""Every table the reports show (issue 16, item 3), as the notebooks show it for two default regions.

Two regions, the one with the most published tables and the one with the fewest (and the chapter
that audits a region's own plan for a made-up region with its plan in its folder): running every
notebook's code takes half a minute per region, and the browser check (tests/test_browser.py) reads
every table of all four built reports for raw values and length as well.

The code cells of every chapter notebook are run here (without a kernel) with ``toon_tabel`` and
``bewaar_tabel`` recording what they are given, so that a table shown by a chapter method
(``toon_waarborgen``, ``toon_spp``, ``Hoofdstuk.toon_tabel`` of the annex) is checked as well. Each
table shown has a caption, at most ``report.format.MAX_RIJEN`` rows, and every header and cell as
``report.format.tabel_tekst`` writes it: no raw float, no ``True``/``nan``/``None``, no snake_case
header. A table kept as a file holds its numbers rounded to the decimals shown.
"""
from __future__ import annotations

import re
from decimal import Decimal

import matplotlib
import nbformat
import pandas as pd
import pytest

from conftest import REPO
from regio_analysis.report.format import (MAX_RIJEN, numerieke_kolommen, tabel_getallen, tabel_tekst, weergave)
from regio_analysis.report.tables import bijschrift_van

REGIONS = ("rond-bommel-en-dommel", "noorderwijzer")

matplotlib.use("Agg")

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: a number in Dutch notation: thousands point, decimal comma ("1.234,5", "2024", "0,42")
NL_GETAL = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
GETAL = re.compile(r"\d[\d.,]*\d|\d")
#: what Python writes for a float, also in a cell of text ("138.000000", "1e-05"; not "versie 2.0", "activiteit 5.1")
RUW = re.compile(r"\d\.\d{4,}|\d(?:\.\d+)?e[-+]\d")
LEEG = re.compile(r"\b(?:True|False|nan|NaN|None|NaT)\b|<NA>")
SNAKE = re.compile(r"[a-z]+_[a-z]+")


def _code(nb_path) -> list[str]:
    """The code cells of a notebook, without IPython magics."""
    nb = nbformat.read(nb_path, as_version=4)
    return ["\n".join(line for line in c.source.splitlines() if not line.lstrip().startswith("%"))
            for c in nb.cells if c.cell_type == "code"]


def run_notebook(nb_path, regio_id: str, data_dir: str = "") -> list[tuple[str, str, pd.DataFrame]]:
    """Run a chapter notebook's code for ``regio_id`` (the other parameters as committed, no output
    folder) and return every table handed to ``toon_tabel`` ("toon") or ``bewaar_tabel`` ("bewaar"),
    as ``(kind, name, table)``. ``toon_tabel`` itself still runs (it refuses a table without caption
    or provenance); figures are drawn but not rendered."""
    import IPython.display
    import matplotlib.pyplot as plt

    import regio_analysis.report.tables as tables

    recorded: list[tuple[str, str, pd.DataFrame]] = []
    real_toon = tables.toon_tabel
    binnen = []  # toon_tabel keeps its table with bewaar_tabel: not a table kept apart

    def toon(df, naam, output_dir="", *, wat=None):
        recorded.append(("toon", naam, df))
        binnen.append(naam)
        real_toon(df, naam, "", wat=wat)
        binnen.pop()

    def bewaar(df, naam, output_dir=""):
        if not binnen:
            recorded.append(("bewaar", naam, df))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "toon_tabel", toon)
        mp.setattr(tables, "bewaar_tabel", bewaar)
        mp.setattr(tables, "toon_figuur", lambda ax: plt.close(ax.figure) if ax is not None else None)
        mp.setattr(IPython.display, "display", lambda *a, **k: None)
        cells = _code(nb_path)
        namespace: dict = {}
        exec(cells[0], namespace)  # the parameters cell
        namespace.update(regio_id=regio_id, output_dir="", data_dir=data_dir)
        for cell in cells[1:]:
            exec(cell, namespace)
    plt.close("all")
    return recorded


@pytest.fixture(scope="module")
def getoond(tmp_path_factory) -> dict[str, list[tuple[str, str, str, pd.DataFrame]]]:
    """Per region every table of every chapter: ``(notebook, kind, name, table)``; the chapter that audits
    a region's own plan for the made-up region that has one (``conftest.plan_region``)."""
    from conftest import plan_region

    shown = {rid: [(nb.stem, kind, naam, df) for nb in NOTEBOOKS for kind, naam, df in run_notebook(nb, rid)]
             for rid in REGIONS}
    data = plan_region(tmp_path_factory.mktemp("regios"))
    audit = next(nb for nb in NOTEBOOKS if nb.stem == "06_planaudit")
    shown["voorbeeldstreek"] = [(audit.stem, kind, naam, df)
                                for kind, naam, df in run_notebook(audit, "voorbeeldstreek", str(data))]
    return shown


def problemen(df: pd.DataFrame) -> list[str]:
    """What is wrong with a table shown in the report (empty: nothing)."""
    out = []
    if not bijschrift_van(df)[0]:
        out.append("geen bijschrift")
    shown = tabel_tekst(df)
    if len(shown) > MAX_RIJEN:
        out.append(f"{len(shown)} rijen")
    getallen = set(numerieke_kolommen(df))
    for c in shown.columns:
        kop = str(c)
        if SNAKE.search(kop) or LEEG.search(kop) or RUW.search(kop):
            out.append(f"kop {kop!r}")
        for cel in shown[c].astype(str):
            if LEEG.search(cel) or RUW.search(cel) or cel.strip() == "":
                if cel.strip() == "" and c not in getallen:
                    continue  # an empty text cell ("" for no note) is fine, an empty number is not
                out.append(f"{kop}: {cel[:60]!r}")
                break
            if c in getallen and any(not NL_GETAL.fullmatch(g) for g in GETAL.findall(cel)):
                out.append(f"{kop}: {cel[:60]!r} is geen getal in Nederlandse notatie")
                break
    return out


def _decimalen(x) -> int:
    return max(0, -Decimal(repr(float(x))).normalize().as_tuple().exponent)


def te_veel_decimalen(df: pd.DataFrame) -> list[str]:
    """The numbers of ``df``'s file (``tabel_getallen``) with more decimals than the report shows."""
    kept = tabel_getallen(df)
    out = []
    for c, k in weergave(df).items():
        if not pd.api.types.is_float_dtype(kept[c]) or k.soort not in ("getal", "pct", "aantal"):
            continue
        units = kept[k.eenheid] if k.eenheid else [None] * len(kept)
        for v, unit in zip(kept[c], units):
            plaatsen = k.per_eenheid(unit).plaatsen if k.eenheid else k.plaatsen
            if pd.notna(v) and _decimalen(v) > (2 if plaatsen is None else plaatsen):
                out.append(f"{c}: {v!r}")
                break
    return out


@pytest.mark.parametrize("rid", (*REGIONS, "voorbeeldstreek"))
def test_every_table_shown_has_a_caption_few_rows_and_dutch_cells(getoond, rid):
    shown = [(nb, naam, df) for nb, kind, naam, df in getoond[rid] if kind == "toon" and not df.empty]
    assert len(shown) >= (3 if rid == "voorbeeldstreek" else 40)  # the plan audit's three tables; every chapter
    fouten = {f"{nb} {naam}": p for nb, naam, df in shown if (p := problemen(df))}
    assert fouten == {}


@pytest.mark.parametrize("rid", (*REGIONS, "voorbeeldstreek"))
def test_every_table_file_holds_the_decimals_shown(getoond, rid):
    fouten = {f"{nb} {naam}": p for nb, _, naam, df in getoond[rid] if not df.empty and (p := te_veel_decimalen(df))}
    assert fouten == {}


def test_every_chapter_shows_tables(getoond):
    assert {nb for shown in getoond.values() for nb, kind, _, df in shown if kind == "toon" and not df.empty} \
        == {nb.stem for nb in NOTEBOOKS}


def test_a_long_table_is_shown_in_parts_and_kept_whole(getoond):
    """The annex of rond-bommel-en-dommel: its 110 rows of the plan's projection are shown per year (22
    rows each) and kept whole as one file; chapter 01 shows the projection per function group and the
    recomputed projection's figures that differ, and keeps both whole."""
    recorded = [(kind, naam, df) for _, kind, naam, df in getoond["rond-bommel-en-dommel"]]
    raming = [df for kind, naam, df in recorded if naam == "bijlage-raming"]
    kept = [df for kind, naam, df in recorded if kind == "bewaar" and naam == "bijlage-raming"]
    assert len(kept) == 1 and len(kept[0]) == 110
    delen = raming[:-1]
    assert [len(d) for d in delen] == [22] * 5 and pd.concat(delen)["wat"].tolist() == kept[0]["wat"].tolist()
    assert [bijschrift_van(d)[0] for d in delen] == [f"De raming van het plan zoals gepubliceerd: {j}"
                                                     for j in range(2025, 2030)]
    names = {(kind, naam): df for kind, naam, df in recorded}
    assert {n for k, n in names if n.startswith("spp-basis")} == {"spp-basis-op", "spp-basis-oop", "spp-basis-dir"}
    assert len(names["bewaar", "spp-gepubliceerd-nagerekend"]) == 105
    afwijkend = names["toon", "spp-gepubliceerd-afwijkingen"]
    assert 0 < len(afwijkend) <= MAX_RIJEN and (~afwijkend["consistent"] | (afwijkend["verschil"].abs() > 1)).all()


def test_the_checks_catch_what_they_should():
    from regio_analysis.report.format import Kolom, kolommen
    from regio_analysis.report.tables import bijschrift

    goed = bijschrift(kolommen(pd.DataFrame({"jaar": [2024, 2025], "aandeel": [12.345, 6.0], "n": [1234.0, 5.0],
                                             "opmerking": ["", "versie 0.1.0"]}), aandeel="pct"), "Een tabel")
    assert problemen(goed) == [] and te_veel_decimalen(goed) == []
    assert problemen(pd.DataFrame({"x": [1]})) == ["geen bijschrift"]
    lang = bijschrift(pd.DataFrame({"x": range(MAX_RIJEN + 1)}), "Lang")
    assert problemen(lang) == [f"{MAX_RIJEN + 1} rijen"]
    fout = bijschrift(pd.DataFrame({"te_vervullen_fte": [1.0], "ok": ["True"], "t": ["138.000000"],
                                    "n": [float("nan")]}), "Fout")
    assert problemen(fout) == ["kop 'te_vervullen_fte'", "ok: 'True'", "t: '138.000000'"]
    ruw = bijschrift(kolommen(pd.DataFrame({"waarde": ["2.5"]}), waarde=Kolom("getal")), "Ruw")
    assert problemen(ruw) == ["waarde: '2.5' is geen getal in Nederlandse notatie"]
    een = kolommen(pd.DataFrame({"v": [1.2345]}), v=Kolom("getal", 1))
    assert te_veel_decimalen(een) == []  # rounded when written
    with pytest.MonkeyPatch.context() as mp:  # a file that kept every decimal is caught
        mp.setitem(globals(), "tabel_getallen", lambda df: df.copy())
        assert te_veel_decimalen(een) == ["v: 1.2345"]


def test_the_annex_groups_a_long_table_by_its_own_groups():
    from regio_analysis.overview.annex_rijen import delen

    labels = ["ambitie"] * 52 + ["beleid"] * 5 + ["economie"] * 6 + ["inductie"] * 3 + ["personeel"] * 20
    parts = delen(labels, MAX_RIJEN)
    assert [(label, len(rijen)) for label, rijen in parts] == [
        ("ambitie (deel 1 van 3)", 17), ("ambitie (deel 2 van 3)", 18), ("ambitie (deel 3 van 3)", 17),
        ("beleid, economie en inductie", 14), ("personeel", 20)]
    assert sorted(i for _, rijen in parts for i in rijen) == list(range(len(labels)))  # every row once
    # rows of one group stay together even when the table lists them apart
    assert delen(["a", "b", "a"], MAX_RIJEN) == [("a en b", [0, 2, 1])]


def test_a_recomputed_projection_without_differences_shows_no_table_but_keeps_its_file(monkeypatch, tmp_path):
    import regio_analysis.report.tables as tables
    from regio_analysis.data import load_region
    from regio_analysis.workforce.chapter import Hoofdstuk

    h = Hoofdstuk(load_region("rond-bommel-en-dommel"))
    getoonde, teksten = [], []
    monkeypatch.setattr(tables, "toon_tabel", lambda df, naam, *a, **k: getoonde.append(naam))
    monkeypatch.setattr(tables, "toon_tekst", teksten.append)
    h.toon_reproductie(str(tmp_path))
    assert getoonde == ["spp-gepubliceerd-afwijkingen"] and "105 cijfers" in teksten[0]
    h.reproductie = h.reproductie.assign(consistent=True, verschil=0.0)  # every figure recomputed
    getoonde.clear()
    h.toon_reproductie(str(tmp_path))
    assert getoonde == [] and h.tabel_reproductie_afwijkingen().empty
    assert len(pd.read_csv(tmp_path / "tabellen" / "spp-gepubliceerd-nagerekend.csv")) == 105
