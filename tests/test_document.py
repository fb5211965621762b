"""The report as a document: numbered captions, unique anchors, the table of contents, the cover and
the appendix (reporting.html, reporting.document), on small notebooks built here (no kernel)."""
from __future__ import annotations

import re

import nbformat
import pytest

from regio_analysis.report.tables import META_KEY
from regio_analysis.reporting import CHAPTERS, document
from regio_analysis.reporting.html import CHAPTER_KEY, notebook_to_html, nummer_bijschriften

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _caption(soort: str, text: str):
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"},
                                  metadata={META_KEY: {"rol": "bijschrift", "soort": soort}})


def _figure(alt: str):
    return nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figuur>"},
                                  metadata={"image/png": {"alt": alt}, META_KEY: {"rol": "figuur"}})


def _table():
    return nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>",
                                                        "text/plain": "t"})


def _notebook() -> nbformat.NotebookNode:
    """Two chapters (numbers 1 and 3), each with a table and figures, and a heading used twice."""
    nb = nbformat.v4.new_notebook()
    cells = []
    for nr, title in (("1", "Kwantitatieve analyse"), ("3", "Retentie")):
        md = nbformat.v4.new_markdown_cell(f"# {title}\n\n## Tekorten")
        code = nbformat.v4.new_code_cell("x")
        code.outputs = [_caption("tabel", "Tekorten per jaar"), _table(), _figure("Staven per jaar."),
                        _caption("figuur", "Tekort per jaar"), _figure("Lijnen."), _caption("figuur", "Nog een")]
        for cell in (md, code):
            cell.metadata[CHAPTER_KEY] = {"hoofdstuk": title.lower(), "nummer": nr}
        cells += [md, code]
    nb.cells = cells
    return nb


def test_captions_are_numbered_per_chapter_with_anchors():
    nb = nummer_bijschriften(_notebook())
    numbered = [(o.metadata[META_KEY]["nummer"], o.metadata[META_KEY]["anker"], o.data["text/markdown"])
                for c in nb.cells for o in c.get("outputs", []) if o.metadata.get(META_KEY, {}).get("rol") == "bijschrift"]
    assert numbered == [
        ("Tabel 1.1", "tabel-1-1", "**Tabel 1.1** Tekorten per jaar"),
        ("Figuur 1.1", "figuur-1-1", "**Figuur 1.1** Tekort per jaar"),
        ("Figuur 1.2", "figuur-1-2", "**Figuur 1.2** Nog een"),
        ("Tabel 3.1", "tabel-3-1", "**Tabel 3.1** Tekorten per jaar"),
        ("Figuur 3.1", "figuur-3-1", "**Figuur 3.1** Tekort per jaar"),
        ("Figuur 3.2", "figuur-3-2", "**Figuur 3.2** Nog een"),
    ]
    assert [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"] == [
        "# 1 Kwantitatieve analyse", "# 3 Retentie"]


def test_a_notebook_outside_the_report_numbers_without_chapter():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x")
    code.outputs = [_figure("a"), _caption("figuur", "Een"), _caption("tabel", "Twee")]
    nb.cells = [code]
    texts = [o.data["text/markdown"] for o in nummer_bijschriften(nb).cells[0].outputs if "text/markdown" in o.data]
    assert texts == ["**Figuur 1** Een", "**Tabel 1** Twee"]


@pytest.fixture(scope="module")
def page() -> str:
    appendix = document.verantwoording({"regio_id": "x", "seed": 0, "output_dir": "/geheim"}, CHAPTERS,
                                       started="2026-12-02T10:00:00+00:00", seconds=3.2, commit="abc1234",
                                       region_dir=_region_dir())
    return notebook_to_html(_notebook(), title="Arbeidsmarktanalyse <Regio>",
                            voorblad=document.voorblad("2026-12-02T10:00:00+00:00", "abc1234", "2026-2029"),
                            verantwoording=appendix, terug="../index.html")


def _region_dir():
    from regio_analysis.data.regions import default_data_dir

    return default_data_dir() / "noorderwijzer"


def test_the_page_is_dutch_inert_and_offline(page):
    assert '<html lang="nl">' in page
    assert "<script" not in page and "require.js" not in page and "mathjax" not in page.lower()
    assert "<title>Arbeidsmarktanalyse &lt;Regio&gt;</title>" in page


def test_figures_carry_their_alt_text_and_captions_their_number_and_anchor(page):
    assert re.findall(r'<img [^>]*alt="([^"]*)"', page) == ["Staven per jaar.", "Lijnen."] * 2
    for anchor, label in (("tabel-1-1", "Tabel 1.1"), ("figuur-3-2", "Figuur 3.2")):
        block = page[page.index(f'id="{anchor}"'):][:400]
        assert f"<strong>{label}</strong>" in block and "ra-bijschrift" in page[page.index(f'id="{anchor}"') - 200:][:400]


def test_headings_used_twice_get_unique_ids_and_the_toc_links_them(page):
    ids = re.findall(r'<h[12] id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert "Tekorten" in ids and "Tekorten-2" in ids
    toc = re.search(r'<nav class="ra-toc".*?</nav>', page, re.S).group(0)
    links = re.findall(r'href="#([^"]+)"', toc)
    assert links[:6] == ["1-Kwantitatieve-analyse", "Tekorten", "3-Retentie", "Tekorten-2", "Verantwoording",
                         "Verantwoording-hoofdstukken"]
    assert set(links) <= set(ids)


def test_cover_says_period_date_version_and_links_back(page):
    cover = page[page.index('<header class="ra-voorblad"'):page.index("</header>")]
    text = re.sub(r"<[^>]+>", " ", cover)
    assert "activiteitenplan 2026–2029" in text and "2 december 2026" in text and "abc1234" in text
    assert 'href="../index.html"' in cover
    assert "{" not in text and "sha256" not in text  # no raw parameters, no hashes on the first screen


def test_appendix_lists_parameters_versions_and_input_hashes(page):
    from regio_analysis.io.files import sha256_of

    appendix = page[page.index('<div class="ra-verantwoording"'):]
    assert "seed voor synthetische data" in appendix  # the parameter's meaning
    assert "/geheim" not in appendix  # output_dir is where the report goes, not how it was made
    for path in _region_dir().iterdir():
        if path.is_file():
            assert sha256_of(path) in appendix, path.name
    assert re.search(r"<td>statsmodels</td><td>\d", appendix)
    assert "synthetische gegevens (een demonstratie)" in appendix  # what each chapter rests on


def test_figure_files_are_named_by_their_number(tmp_path):
    from regio_analysis.reporting.html import extract_images

    nb = _notebook()
    nb.cells[-1].outputs.append(_figure("zonder bijschrift"))
    names = [p.name for p in extract_images(nb, tmp_path)]
    assert names == ["figuur-1-1.png", "figuur-1-2.png", "figuur-3-1.png", "figuur-3-2.png", "figuur-05.png"]
    assert (tmp_path / "figuur-3-2.png").read_bytes()[:4] == b"\x89PNG"


def test_table_headers_are_aligned_as_their_column(monkeypatch):
    """Text columns left, number columns right: the cells by class, and the headers too."""
    import IPython.display
    import pandas as pd

    from regio_analysis.data.provenance import gepubliceerd, markeer
    from regio_analysis.report.tables import bijschrift, toon_tabel

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **_kw: shown.append(obj))
    df = pd.DataFrame({"regio": ["Noord", "Zuid"], "leerlingen": [1200, 3400]})
    toon_tabel(bijschrift(markeer(df, gepubliceerd("Plan")), "Leerlingen per regio"), "t")
    html = shown[1].to_html()
    heads = re.findall(r'<th\b[^>]*class="col_heading level0 col\d ([^"]+)"[^>]*>([^<]+)</th>', html)
    assert heads == [("ra-tekst", "regio"), ("ra-getal", "leerlingen")]
    assert 'class="data row0 col0 ra-tekst"' in html and 'class="data row0 col1 ra-getal"' in html


def test_a_section_says_geen_gegevens_once():
    """A section whose table, figure and reading all lack data said "Geen gegevens" three times."""
    from regio_analysis.report.format import geen_gegevens
    from regio_analysis.reporting.html import een_keer_geen_gegevens

    def note(tekst):
        return nbformat.v4.new_output("display_data", data={"text/markdown": tekst})

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## SPP"), nbformat.v4.new_code_cell("x"),
                nbformat.v4.new_markdown_cell("## Tekorten"), nbformat.v4.new_code_cell("y")]
    nb.cells[1].outputs = [note(geen_gegevens("een SPP-projectie")), note(geen_gegevens("een SPP-projectie")),
                           note(geen_gegevens("een gevoeligheidsanalyse") + " Daarvoor ontbreekt: de bezetting."),
                           note("Een lezing met cijfers.")]
    nb.cells[3].outputs = [note(geen_gegevens("tekortcijfers"))]
    een_keer_geen_gegevens(nb)
    shown = [o["data"]["text/markdown"] for o in nb.cells[1].outputs]
    assert shown == [geen_gegevens("een SPP-projectie"),
                     geen_gegevens("een gevoeligheidsanalyse") + " Daarvoor ontbreekt: de bezetting.",
                     "Een lezing met cijfers."]  # a note with more to say stays
    assert len(nb.cells[3].outputs) == 1  # a new section says it again
    # a reading that says what the plan does give, then the note: the table's note after it goes
    nb.cells[3].outputs = [note("Het plan verwacht pas na 2035 een tekort. " + geen_gegevens("tekortcijfers")),
                           note(geen_gegevens("tekortcijfers"))]
    een_keer_geen_gegevens(nb)
    assert [o["data"]["text/markdown"] for o in nb.cells[3].outputs] == [
        "Het plan verwacht pas na 2035 een tekort. " + geen_gegevens("tekortcijfers")]
    assert "regiomap" not in geen_gegevens("x")  # no developer words in the note


def test_activity_ids_sort_as_numbers():
    """The timeline listed 5.1, 5.10, 5.2."""
    from regio_analysis.report.figures import natuurlijke_volgorde

    ids = ["5.10", "5.2", "5.1", "PR.2", "PR.10", "2026-II.1", "2026-I.2"]
    assert sorted(ids, key=natuurlijke_volgorde) == ["5.1", "5.2", "5.10", "2026-I.2", "2026-II.1", "PR.2", "PR.10"]


def test_cover_and_appendix_name_the_lock_and_what_differs_from_it(tmp_path, monkeypatch):
    """The reproducible study's lock (uv.lock): its hash on the cover, and every installed package whose
    version is not the lock's in the appendix; packages the lock names but that are not installed here
    (other platforms, extras) do not count."""
    import hashlib
    import importlib.metadata

    from regio_analysis.reporting import build_info

    pandas, numpy = importlib.metadata.version("pandas"), importlib.metadata.version("numpy")
    lock = tmp_path / "uv.lock"
    lock.write_text('version = 1\n\n[[package]]\nname = "regio-analysis"\nversion = "9.9"\nsource = { editable = "." }\n\n'
                    f'[[package]]\nname = "pandas"\nversion = "{pandas}"\n\n'
                    '[[package]]\nname = "numpy"\nversion = "0.0.1"\n\n'
                    '[[package]]\nname = "niet-geinstalleerd-hier"\nversion = "1.0"\n', encoding="utf-8")
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()
    monkeypatch.setattr(build_info, "lock_path", lambda: lock)
    build_info.lock_status.cache_clear()
    try:
        status = build_info.lock_status()
        assert (status.sha256, status.checked, status.differences) == (digest, 2, (("numpy", numpy, "0.0.1"),))
        cover = dict(document.voorblad("2026-12-02T10:00:00+00:00", "abc1234"))["Omgeving"]
        assert cover == f"uv.lock {digest[:12]}; 1 van 2 geïnstalleerde pakketten in een andere versie dan het lock (zie de verantwoording)"
        appendix = document.verantwoording({"regio_id": "x"}, CHAPTERS[:1], started="2026-12-02T10:00:00+00:00",
                                           seconds=1.0, commit="abc1234", region_dir=tmp_path / "geen")
        assert f"sha256 {digest}; andere versie dan het lock: numpy {numpy} (lock 0.0.1)" in appendix
        lock.write_text(lock.read_text(encoding="utf-8").replace('"0.0.1"', f'"{numpy}"'), encoding="utf-8")
        build_info.lock_status.cache_clear()
        assert build_info.lock_status().cover_text().endswith("alle 2 geïnstalleerde pakketten in de versie van het lock")
        monkeypatch.setattr(build_info, "lock_path", lambda: None)
        build_info.lock_status.cache_clear()
        assert dict(document.voorblad("2026-12-02T10:00:00+00:00", "abc1234"))["Omgeving"].startswith("zonder uv.lock")
    finally:
        build_info.lock_status.cache_clear()
