"""Script and formula injection: text from data is never live in a report or an export.

One case per vector (library level, fast), then one region whose every text field holds HTML,
a ``javascript:`` link and a spreadsheet formula, built with the real CLI (the chapters that
show data text: overzicht, kwalitatief, peer_review) and opened in headless Chromium: no
script runs, no dialog opens, the payloads are visible as text; the exported XLSX holds no
formula cell, the CSV exports no formula-like cell, the self-evaluation Markdown no live link.

Outcomes are recorded like the rest of the corpus: ``ok`` when the payload stayed inert,
``silent`` when it was accepted and came out live.
"""
from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from harness import REGIONS, _record, run_cli, snapshot

# every payload sets window.__xss (or opens a dialog) when it runs
SCRIPT = "<script>window.__xss='{0}';document.title='XSS {0}'</script>"
IMG = "<img src=x onerror=\"window.__xss='{0}'\">"
SVG = "<svg onload=alert('{0}')></svg>"
JS_LINK = "[klik hier](javascript:window.__xss='{0}')"
FORMULA = '=HYPERLINK("http://192.0.2.1/?{0}","klik")'
DDE = "-2+3+cmd|' /C calc'!A0"


@contextlib.contextmanager
def outcome(request):
    """Record ``ok`` when the block passes, ``silent`` when a payload came out live."""
    try:
        yield
    except AssertionError:
        _record(request.node.nodeid, "silent")
        raise
    _record(request.node.nodeid, "ok")


def _md_output(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "<Markdown>"})


def _page(*outputs, markdown_cell: str = "# Hoofdstuk\n\n## Paragraaf") -> str:
    from regio_analysis.reporting.html import notebook_to_html

    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x")
    code.outputs = list(outputs)
    nb.cells = [nbformat.v4.new_markdown_cell(markdown_cell), code]
    return notebook_to_html(nb, title="Arbeidsmarktanalyse <b>Regio</b>", voorblad=[("Regio", "<code>r</code>")])


def _body(page: str) -> str:
    return page[page.index("<body"):]


def _live(html: str) -> list[str]:
    """Elements and attributes that would run: script-like tags, on* handlers (in a tag, not in text)."""
    return re.findall(r"<\s*(?:script|iframe|object|embed|svg|form)\b[^>]*>|<[^>]*\son[a-z]+\s*=[^>]*>", html, re.I)


def _hrefs(html: str) -> list[str]:
    """Addresses in tags (not in text shown as text)."""
    return re.findall(r"""<[a-z][^>]*?\s(?:href|src)\s*=\s*["']?([^"'\s>]*)""", html, re.I)


# --- the report page: one case per vector -----------------------------------------------------------

def test_markdown_reading_shows_raw_html_as_text(request):
    page = _page(_md_output(f"Regio **{SCRIPT.format('md')}** en {IMG.format('md')} en {SVG.format('md')}\n\n"
                            "- een\n- twee\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n### Kop uit een lezing"),
                 markdown_cell=f"# Hoofdstuk\n\n## Paragraaf\n\nTekst {SCRIPT.format('cel')}")
    with outcome(request):
        body = _body(page)
        assert _live(body) == []
        assert "&lt;script&gt;window.__xss='md'" in body and "&lt;img src=x onerror=" in body
        assert "&lt;script&gt;window.__xss='cel'" in body  # the notebook's own Markdown cells too
        # our own formatting still renders: bold, lists, tables, headings with anchors
        for tag in ("<strong>", "<li>", "<table>", "<td>", "<h1 id=", "<h3 id=", 'class="anchor-link"'):
            assert tag in body, tag


@pytest.mark.parametrize("url", ["javascript:window.__xss=1", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                                 " javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
                                 "file:///etc/passwd", "&#106;avascript:alert(1)"])
def test_markdown_link_with_unsafe_scheme_is_not_a_link(request, url):
    page = _page(_md_output(f"Zie [de bron]({url}) en <{url}>."))
    with outcome(request):
        links = _hrefs(_body(page).split('<main', 1)[-1])
        assert not [u for u in links if re.match(r"\s*(?:javascript|vbscript|data|file|&#)", u, re.I)], links
        assert "de bron" in page


def test_markdown_safe_links_and_anchors_still_work(request):
    page = _page(_md_output("[DUO](https://duo.nl/open_onderwijsdata), [mail](mailto:a@b.nl), "
                            "[naar boven](#Hoofdstuk), [bijlage](bijlage.html)"))
    with outcome(request):
        body = _body(page)
        for href in ("https://duo.nl/open_onderwijsdata", "mailto:a@b.nl", "#Hoofdstuk", "bijlage.html"):
            assert f'href="{href}"' in body
        assert 'id="Hoofdstuk"' in body and 'class="anchor-link"' in body  # heading anchors kept


def test_markdown_image_is_neither_fetched_nor_read_from_disk(request, tmp_path, monkeypatch):
    (tmp_path / "geheim.png").write_bytes(b"\x89PNG geheim")
    monkeypatch.chdir(tmp_path)
    page = _page(_md_output("![a](http://192.0.2.1/t.png) ![b](geheim.png) <img src=\"geheim.png\">"))
    with outcome(request):
        body = _body(page)
        assert "192.0.2.1" not in "".join(_hrefs(body))
        assert base64.b64encode(b"\x89PNG geheim").decode()[:12] not in body  # the file was not embedded
        assert not [u for u in _hrefs(body) if u.endswith("geheim.png")]


def test_html_output_is_sanitised(request):
    html = (f"<table><tr><td>{SCRIPT.format('html')}</td><td>{IMG.format('html')}</td>"
            "<td><a href=\"javascript:alert(1)\">x</a><iframe src=\"javascript:alert(2)\"></iframe>"
            "<form action=\"javascript:alert(3)\"><button>b</button></form></td></tr></table>")
    page = _page(nbformat.v4.new_output("display_data", data={"text/html": html, "text/plain": "t"}))
    with outcome(request):
        body = _body(page)
        assert _live(body) == [] and "javascript:" not in body
        assert "<table>" in body and "<td>" in body


def test_javascript_and_widget_outputs_are_dropped(request):
    page = _page(nbformat.v4.new_output("display_data", data={"application/javascript": "window.__xss='js'",
                                                               "text/plain": "js"}),
                 nbformat.v4.new_output("execute_result", data={"text/html": "<b>ok</b>"}, execution_count=1))
    with outcome(request):
        body = _body(page)
        assert "window.__xss" not in body and "<b>ok</b>" in body


def test_embedded_figure_still_renders(request):
    png = base64.b64encode(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
    page = _page(nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}))
    with outcome(request):
        assert f'src="data:image/png;base64,{png}' in _body(page)


def test_table_cells_and_headers_are_escaped(request, tmp_path, monkeypatch):
    import IPython.display

    from regio_analysis.data.provenance import gepubliceerd, markeer
    from regio_analysis.report.tables import bijschrift, toon_tabel

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **_kw: shown.append(obj))
    df = pd.DataFrame({IMG.format("kop"): [SCRIPT.format("cel"), FORMULA.format("cel"), "-3,5", DDE],
                       "aantal": [1, -2, 3, 4]})
    toon_tabel(bijschrift(markeer(df, gepubliceerd(SCRIPT.format("bron"))), SCRIPT.format("bijschrift")), "gevaarlijk",
               str(tmp_path))
    with outcome(request):
        from regio_analysis.reporting.html import render_markdown

        title = render_markdown(shown[0].data)  # the caption above the table, as the report renders it
        assert _live(title) == [] and "&lt;script&gt;window.__xss='bijschrift'" in title
        html = shown[1].to_html()
        assert _live(html) == [] and "<img" not in html
        assert "&lt;script&gt;" in html and "&lt;img src=x" in html
        caption = render_markdown(shown[2].data)  # the provenance line, as the report renders it
        assert _live(caption) == [] and "&lt;script&gt;" in caption
        csv = pd.read_csv(tmp_path / "tabellen" / "gevaarlijk.csv", dtype=str, keep_default_na=False)
        cells = [*csv.columns, *csv.iloc[:, 0]]
        assert not [c for c in cells if c.startswith(("=", "+", "@")) or re.match(r"-\d+\+", c)], cells
        assert list(csv["aantal"]) == ["1", "-2", "3", "4"] and "-3,5" in list(csv.iloc[:, 0])  # numbers stay numbers


def test_header_title_and_index_are_escaped(request):
    from regio_analysis.reporting.html import index_html

    page = _page(_md_output("x"))
    index = index_html([{"regio_id": "r", "naam": SCRIPT.format("index"), "status": "mislukt",
                         "fout": IMG.format("fout"), "rapport": True,
                         "kerncijfers": [{"sleutel": "leerlingen", "waarde": 1.0, "eenheid": "aantal",
                                          "jaar": SCRIPT.format("jaar"), "definitie": IMG.format("definitie"),
                                          "bron": SCRIPT.format("bron"), "soort": "gepubliceerd"}]},
                        {"regio_id": "s", "naam": 2024, "status": "gemaakt", "fout": None, "kerncijfers": {},
                         "rapport": False}], {"leerlingen": "Leerlingen"}, generated="nu", version="0")
    with outcome(request):
        assert "<b>Regio</b>" not in page and "&lt;b&gt;Regio&lt;/b&gt;" in page
        assert _live(index) == []
        assert "&lt;script&gt;" in index and "<td>2024</td>" in index


def test_the_last_check_refuses_a_live_page():
    from regio_analysis.reporting.html import check_inert

    for body in ("<p><script>x</script></p>", '<img src="data:image/png;base64,AA" onerror="x">',
                 '<a href="javascript:x">a</a>', '<a href=" JaVaScript:x">a</a>', '<iframe src="data:text/html,x">',
                 '<img src="http://192.0.2.1/t.png">', '<svg/onload=alert(1)>'):
        with pytest.raises(ValueError, match="niet geschreven"):
            check_inert(body)
    # text that merely looks like it, and our own addresses, pass
    check_inert('<p>&lt;script&gt; onerror = tekst</p><abbr title="het onderwijs= goed">o</abbr>'
                '<a href="#kop">kop</a><a href="https://duo.nl">duo</a><img src="data:image/svg+xml;base64,AA">')


# --- exports: spreadsheets and Markdown ----------------------------------------------------------------

def test_spreadsheet_guard_keeps_numbers_and_plain_signed_numbers():
    from regio_analysis.io.safe_text import formula_like, spreadsheet_text, unguard

    for text in ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", DDE, FORMULA.format(1), "-", "=", "+a"):
        assert formula_like(text) and unguard(spreadsheet_text(text)) == text, text
    for value in (-3, -3.5, "-3,5", "+12%", "-1.234,5", "tekst", "a=b", "", None):
        assert not formula_like(value) and spreadsheet_text(value) == value, value


def _formula_cells(path: Path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_coding_export_writes_formulas_as_text_and_reads_them_back(request, tmp_path, suffix):
    from regio_analysis.io.codebook import default_codebook
    from regio_analysis.io.codings import export_codings, import_codings

    text = f"{FORMULA.format('seg')} werving van leraren.\n{DDE} begeleiding van starters."
    docs = pd.DataFrame({"doc_id": ["d1"], "bestand": ["plan.txt"], "titel": ["plan"], "tekst": [text]})
    first = len(text.split("\n")[0])
    codings = pd.DataFrame({"doc_id": ["d1", "d1"], "start": [0, first + 1], "einde": [first, len(text)],
                            "code": ["thema/werven", "thema/begeleiden"], "codeur": ["@admin", "ik"],
                            "memo": ["=1+1", "-1+1"], "auto": False, "regel": ""})
    path = tmp_path / f"codes{suffix}"
    export_codings(codings, docs, path)
    with outcome(request):
        if suffix == ".xlsx":
            assert _formula_cells(path) == []
            back = pd.read_excel(path, dtype=str, keep_default_na=False)
            assert back.loc[0, "segment"].startswith("=HYPERLINK") and back.loc[0, "memo"] == "=1+1"
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
            cells = [c for col in raw.columns for c in raw[col]]
            assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("-1+")], cells
        again = import_codings(path, docs, default_codebook())
        assert sorted(again["codeur"]) == ["@admin", "ik"] and sorted(again["memo"]) == ["-1+1", "=1+1"]


# --- the hostile region, end to end ----------------------------------------------------------------------

HOSTILE = "vijandig"


def _poison(value: str, tag: str) -> str:
    return f"{value} {SCRIPT.format(tag)} {IMG.format(tag)} {JS_LINK.format(tag)}"


def make_hostile_region(root: Path) -> dict[str, Path]:
    """A copy of po-noord-nederland whose every text field holds HTML, a javascript: link and
    a formula; plus open answers, own documents and a framework file doing the same."""
    region = root / "data" / HOSTILE
    region.mkdir(parents=True)
    for src in (REGIONS / "po-noord-nederland").iterdir():
        if src.suffix == ".csv":
            (region / src.name).write_bytes(src.read_bytes())
    meta = yaml.safe_load((REGIONS / "po-noord-nederland" / "regio.yaml").read_text(encoding="utf-8"))
    meta.update(regio_id=HOSTILE, naam=f"Regio {SCRIPT.format('naam')}</title>{SVG.format('naam')}",
                bron=f"{IMG.format('bron')} {FORMULA.format('bron')}",
                besturen=[_poison("Bestuur", "bestuur")], opleidingen=[_poison("Hogeschool", "opleiding")])
    (region / "regio.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")

    act = pd.read_csv(region / "activiteiten.csv", dtype=str, keep_default_na=False)
    payloads = [SCRIPT.format("titel"), IMG.format("titel"), JS_LINK.format("titel"), FORMULA.format("titel"),
                DDE, "@SUM(1+1)", "+1+1", r"Kosten $\foo$ en $x^2$", SVG.format("titel")]
    for i, p in enumerate(payloads):
        if i < len(act):
            act.loc[i, "titel"] = f"{p} werving" if not p.startswith(("=", "-", "@", "+")) else p
    act["beoogd_resultaat"] = _poison("Resultaat", "resultaat")
    act["bron"] = act["bron"] + " " + IMG.format("actbron")
    act.to_csv(region / "activiteiten.csv", index=False)

    for name, col in (("partnerschappen.csv", "naam"), ("samen_opleiden.csv", "instituut")):
        df = pd.read_csv(region / name, dtype=str, keep_default_na=False)
        df.loc[0, col] = _poison(df.loc[0, col], name.split(".")[0])
        df.loc[len(df) - 1, col] = FORMULA.format(name.split(".")[0])
        df["bron"] = IMG.format(f"{name}-bron")
        df.to_csv(region / name, index=False)
    kg = pd.read_csv(region / "kengetallen.csv", dtype=str, keep_default_na=False)
    kg["bron"] = kg["bron"] + " " + SCRIPT.format("kg-bron")
    kg["opmerking"] = JS_LINK.format("kg-opmerking")
    kg.to_csv(region / "kengetallen.csv", index=False)

    reasons = ["De werkdruk was te hoog.", "Als beginner kreeg ik nauwelijks begeleiding.",
               "Het salaris paste niet bij de verantwoordelijkheid."]
    answers = [{"respondent_id": f"r{i:03d}", "jaar": 2024, "vraag": "Waarom bent u vertrokken?",
                "tekst": f"{reasons[i % 3]} {[SCRIPT, IMG, SVG, JS_LINK][i % 4].format('citaat')} {FORMULA.format('citaat')}",
                "codes": "", "bron": IMG.format("antwoord-bron")} for i in range(60)]
    pd.DataFrame(answers).to_csv(region / "open_antwoorden.csv", index=False)

    docs = root / "documenten"
    docs.mkdir()
    (docs / "plan.txt").write_text(
        f"{FORMULA.format('doc')} Wij investeren in de werving van nieuwe leraren.\n\n"
        f"{DDE} De begeleiding van startende leraren krijgt een mentor. {SCRIPT.format('doc')}\n\n"
        f"@SUM(1) Het opleiden in de school gebeurt samen met de pabo. {IMG.format('doc')} {JS_LINK.format('doc')}\n",
        encoding="utf-8")
    framework = yaml.safe_load((REPO_FRAMEWORK).read_text(encoding="utf-8"))
    w = framework["waarborgen"][0]
    w["naam"] = _poison(w["naam"], "waarborg")
    w["beschrijving"] = f"{FORMULA.format('beschrijving')} {SCRIPT.format('beschrijving')}"
    w["reflectievragen"] = [JS_LINK.format("vraag"), FORMULA.format("vraag")]
    framework["naam"] = _poison("Kader", "kader")
    kader = root / "kader.yaml"
    kader.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    return {"data": root / "data", "region": region, "docs": docs, "kader": kader}


REPO_FRAMEWORK = REGIONS.parent / "frameworks" / "kwaliteitskader.yaml"
CHAPTERS = "overzicht,kwalitatief,peer_review"  # every chapter that shows text from data


@pytest.fixture(scope="module")
def hostile_build(request, tmp_path_factory):
    """The hostile region's report, built once with the real CLI (inputs hashed before and after)."""
    root = tmp_path_factory.mktemp("injectie")
    paths = make_hostile_region(root)
    out = root / "rapporten"
    before = snapshot(paths["data"], paths["docs"], paths["kader"])
    res = run_cli(request, "rapport", "--geen-pdf", HOSTILE, "--gegevens", paths["data"], "--naar", out,
                  "--hoofdstukken", CHAPTERS, "-p", f"peer_review_documenten={paths['docs']}", "-p", f"documenten_dir={paths['docs']}",
                  "-p", f"kader_bestand={paths['kader']}",
                  tmp_path=root, expect="ok", timeout=900)
    assert snapshot(paths["data"], paths["docs"], paths["kader"]) == before
    return out / HOSTILE, res


def test_hostile_region_exports_hold_no_formula_and_no_live_link(request, hostile_build):
    import mistune

    folder, _ = hostile_build
    with outcome(request):
        xlsx = folder / "peer_review" / f"bewijsdossier_{HOSTILE}.xlsx"
        assert _formula_cells(xlsx) == []
        from openpyxl import load_workbook

        texts = [c.value for ws in load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str)]
        assert any(t.startswith("=HYPERLINK") for t in texts)  # the payload is there, as text

        md = (folder / "peer_review" / f"zelfevaluatie_{HOSTILE}.md").read_text(encoding="utf-8")
        # as a permissive Markdown viewer would render it: raw HTML and every link scheme passed through
        rendered = mistune.create_markdown(renderer=mistune.HTMLRenderer(escape=False, allow_harmful_protocols=True))(md)
        assert _live(rendered) == [] and "<img" not in rendered
        assert not [u for u in _hrefs(rendered) if re.match(r"\s*(?:javascript|vbscript|data)", u, re.I)]
        assert "javascript:" in md  # the text itself is kept, as text

        with zipfile.ZipFile(folder / "peer_review" / f"zelfevaluatie_{HOSTILE}.docx") as z:
            xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))
        assert "instrText" not in xml and "fldSimple" not in xml and "TargetMode=\"External\"" not in xml
        assert "&lt;script&gt;" in xml

        csvs = [*folder.glob("tabellen/*.csv"), *folder.glob("kwalitatief/*.csv")]
        live = []
        for path in csvs:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            live += [f"{path.name}: {c!r}" for col in df.columns for c in [col, *df[col]]
                     if c.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("-2+3")]
        assert live == []


# --- in the browser ----------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        reason = f"{CHROMIUM} not found; apt-get install -y chromium"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                           "--disable-background-networking"])
        yield browser
        browser.close()


def _open(browser, path: Path) -> dict:
    """Load ``path``, hover and click every element; return what ran."""
    context = browser.new_context(service_workers="block")
    context.route(lambda url: not url.startswith(("file:", "data:")), lambda route: route.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(300)
        # links from data must not run anything when followed; hovering triggers onmouseover
        for link in page.locator("a[href]").all()[:400]:
            href = link.get_attribute("href") or ""
            assert not re.match(r"\s*(?:javascript|vbscript|data):", href, re.I), href
        page.mouse.move(10, 10)
        return {"xss": page.evaluate("window.__xss === undefined ? null : String(window.__xss)"),
                "title": page.title(), "dialogs": dialogs, "text": page.inner_text("body"),
                "scripts": page.evaluate("document.querySelectorAll('body script').length"),
                "handlers": page.evaluate("""Array.from(document.querySelectorAll('body *'))
                    .flatMap(e => Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))""")}
    finally:
        context.close()


def test_hostile_report_runs_no_script_in_chromium(request, chromium, hostile_build):
    folder, _ = hostile_build
    with outcome(request):
        seen = _open(chromium, folder / "rapport.html")
        assert seen["xss"] is None and seen["dialogs"] == []
        assert seen["title"].startswith("Arbeidsmarktanalyse Regio <script>window.__xss='naam'")  # as text
        assert seen["scripts"] == 0 and seen["handlers"] == []
        # the payloads are there, as text the reader can see
        assert "Regio <script>window.__xss='naam'" in seen["text"]
        assert "<img src=x onerror=" in seen["text"]


def test_hostile_index_runs_no_script_in_chromium(request, chromium, hostile_build):
    folder, _ = hostile_build
    with outcome(request):
        seen = _open(chromium, folder.parent / "index.html")
        assert seen["xss"] is None and seen["dialogs"] == [] and seen["scripts"] == 0 and seen["handlers"] == []
        assert "<script>window.__xss='naam'" in seen["text"]
