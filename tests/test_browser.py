"""The reports in a real browser: headless Debian Chromium, driven by Playwright.

The reports of the suite's shared batch (every real chapter, the default regions and a
microdata-only one): ``rapport.html`` and ``index.html`` are opened in Chromium. Checked: every figure is
decoded (``naturalWidth > 0``) and there is at least one, every table-of-contents link
points at an element of the page, nothing is written to the console as an error, no
request goes anywhere but ``file:`` and ``data:`` (requests are recorded, and any other
one is aborted so nothing leaves the machine), and the index page's links open each
region's report.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; Playwright's own browser
download is not used). Without it the tests skip, except in CI (``CI=true``), where they
fail: CI installs it in ``.ci/run``.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import BATCH_REGIONS, TEST_REGION_NAMES

from regio_analysis.data.regions import DEFAULT_REGIONS, default_data_dir, read_regio_yaml

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # runs as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# every region of the suite's shared batch (conftest.BATCH_REGIONS)
REGIONS = BATCH_REGIONS
LOCAL_SCHEMES = ("file:", "data:")
INSTALL_HINT = "install Debian's chromium: apt-get update && apt-get install -y chromium"


def _unavailable(reason: str) -> None:
    """Fail in CI (which installs the browser), skip elsewhere; always with the reason."""
    message = f"browser check cannot run: {reason}; {INSTALL_HINT}"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(message + " (CI=true: .ci/run should have installed it)", pytrace=False)
    pytest.skip(message)


def _require_browser() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} not found")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (pip install -e '.[test]')")


def test_chromium_and_playwright_are_available():
    """A plain failure (not only fixture errors) in CI when the browser is missing."""
    _require_browser()


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        except Error as err:
            _unavailable(f"{CHROMIUM} did not start: {str(err).strip().splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(full_reports) -> Path:
    """The reports built with the real chapters, as ``run_batch`` writes them (shared batch)."""
    _require_browser()
    out, manifest = full_reports
    failed = [r for r in manifest["regio's"] if r["status"] != "ok" and r["regio_id"] in REGIONS]
    assert not failed, f"reports not built: {failed}; see the logs under {out / '_mislukt'}"
    return out


class Visit:
    """One page in its own browser context, with every request and every error recorded."""

    def __init__(self, page, requests: list[str], errors: list[str]):
        self.page, self.requests, self.errors = page, requests, errors

    def network_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    def assert_clean(self) -> None:
        assert self.network_requests() == [], "requests to network addresses (must be offline)"
        assert self.errors == [], "errors in the browser console"


@contextmanager
def visit(browser, path: Path):
    context = browser.new_context(service_workers="block")
    requests: list[str] = []
    errors: list[str] = []
    context.on("request", lambda req: requests.append(req.url))
    # record, but never let a request leave the machine
    context.route(lambda url: not url.startswith(LOCAL_SCHEMES), lambda route: route.abort())
    page = context.new_page()
    page.on("console", lambda msg: errors.append(f"console.error: {msg.text} at {msg.location}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught exception: {exc}"))
    try:
        page.goto(path.as_uri(), wait_until="load")
        yield Visit(page, requests, errors)
    finally:
        context.close()


def _images(page) -> list[dict]:
    # wait for decoding too; a broken image rejects decode() and keeps naturalWidth 0
    page.evaluate("Promise.all(Array.from(document.images, i => i.decode().catch(() => null)))")
    return page.evaluate("""Array.from(document.images, (img, n) => ({
        n, src: img.currentSrc.slice(0, 40), complete: img.complete,
        width: img.naturalWidth, height: img.naturalHeight}))""")


def _unresolved_anchors(page, selector: str) -> tuple[int, list[str]]:
    """How many in-page links ``selector`` matches, and the ones whose target does not exist."""
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    # as the HTML standard finds a fragment's target: the raw fragment first, then percent-decoded
    # (nbconvert writes ids of headings with non-ASCII letters percent-encoded)
    missing = page.evaluate("""hrefs => hrefs.filter(h => {
        const found = id => document.getElementById(id) || document.getElementsByName(id).length;
        return !(found(h.slice(1)) || found(decodeURIComponent(h.slice(1))));
    })""", hrefs)
    return len(hrefs), missing


# --- the report ---------------------------------------------------------------------------------

@pytest.mark.parametrize("regio_id", REGIONS)
def test_report_renders_offline_in_chromium(browser, reports, regio_id):
    folder = default_data_dir() / regio_id
    naam = read_regio_yaml(folder)["naam"] if folder.is_dir() else TEST_REGION_NAMES[regio_id]  # conftest's regions
    with visit(browser, reports / regio_id / "rapport.html") as v:
        assert naam in v.page.title()

        images = _images(v.page)
        assert images, "the report shows no figure"
        broken = [i for i in images if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]
        assert broken == [], "figures that did not render"

        toc, missing = _unresolved_anchors(v.page, "nav.ra-toc a[href^='#']")
        assert toc > 0, "the report has no table of contents"
        assert missing == [], "table-of-contents links without a target"
        _, missing = _unresolved_anchors(v.page, "a[href^='#']:not([href='#'])")
        assert missing == [], "in-page links without a target"

        # following a TOC entry moves the page to that heading
        last = v.page.locator("nav.ra-toc a").last
        target = last.get_attribute("href")
        last.click()
        assert v.page.evaluate("location.hash") == target

        v.page.wait_for_load_state("networkidle")
        v.assert_clean()
        assert any(u.startswith("file:") and u.endswith(f"/{regio_id}/rapport.html") for u in v.requests)


# what a raw value looks like in a table cell: a float's repr (138.000000, 0.2857), a Python or pandas
# literal, a snake_case name. Dutch numbers have a decimal comma and a thousands point (1.234,5); ids and
# section numbers (W2.3, activiteit 6.5, § 2.4) are not numbers
RAW_NUMBER = re.compile(r"\d\.\d{4,}|^-?0\.\d+$")
RAW_LITERAL = re.compile(r"\b(?:True|False|nan|NaN|None|NaT|inf)\b")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
MAX_ROWS = 25


@pytest.mark.parametrize("regio_id", REGIONS)
def test_report_is_a_document_in_chromium(browser, reports, regio_id):
    """Dutch, every figure with alt text and a numbered caption, every table numbered, formatted and short."""
    with visit(browser, reports / regio_id / "rapport.html") as v:
        page = v.page
        assert page.evaluate("document.documentElement.lang") == "nl"
        assert page.locator("header.ra-voorblad a[href='../index.html']").count() == 1, "no link back to the index"

        alts = page.eval_on_selector_all("main img", "els => els.map(e => e.getAttribute('alt') || '')")
        assert alts and all(len(a) > 20 and "No description" not in a for a in alts), alts

        figures = page.eval_on_selector_all(".ra-bijschrift-figuur", "els => els.map(e => e.innerText.trim())")
        assert len(figures) == len(alts), "every figure has one numbered caption"
        tables = page.eval_on_selector_all("main .jp-RenderedHTML table", "els => els.length")
        captions = page.eval_on_selector_all(".ra-bijschrift-tabel", "els => els.map(e => e.innerText.trim())")
        assert len(captions) == tables, "every table of a chapter has one numbered caption"
        for kind, texts in (("Figuur", figures), ("Tabel", captions)):
            numbers = [re.match(rf"{kind} (\d+)\.(\d+) \S", t) for t in texts]
            assert all(numbers), [t for t, m in zip(texts, numbers) if not m]
            seen: dict[str, list[int]] = {}
            for m in numbers:
                seen.setdefault(m.group(1), []).append(int(m.group(2)))
            assert all(n == list(range(1, len(n) + 1)) for n in seen.values()), f"{kind} numbers per chapter: {seen}"

        cells = page.eval_on_selector_all("main .jp-Cell table", """ts => ts.map(t => ({
            rows: t.querySelectorAll('tbody tr').length,
            head: Array.from(t.querySelectorAll('th'), c => c.innerText.trim()),
            cells: Array.from(t.querySelectorAll('td'), c => c.innerText.trim())}))""")
        long = [t["head"][:3] for t in cells if t["rows"] > MAX_ROWS]
        assert long == [], f"tables of more than {MAX_ROWS} rows in the report"
        raw = {c for t in cells for c in t["cells"] + t["head"] if RAW_NUMBER.search(c) or RAW_LITERAL.search(c)}
        assert raw == set(), "raw values in table cells"
        snake = {h for t in cells for h in t["head"] if SNAKE.search(h)}
        assert snake == set(), "code names as table headers"
        v.assert_clean()


@pytest.mark.parametrize("regio_id", DEFAULT_REGIONS)
def test_pdf_is_the_same_report(reports, regio_id):
    """rapport.pdf opens, has page numbers and as many figures as the HTML page."""
    import pypdf

    html = (reports / regio_id / "rapport.html").read_text(encoding="utf-8")
    pdf = pypdf.PdfReader(reports / regio_id / "rapport.pdf")
    assert len(pdf.pages) > 5
    first = pdf.pages[0].extract_text()
    assert "Arbeidsmarktanalyse" in first and "pagina 1 van" in first
    # Chromium embeds an image once when the page shows it twice
    figures = len(set(re.findall(r'<img\b[^>]*src="(data:image/png;base64,[^"]+)"', html.split("<main", 1)[1])))
    images = {(img.name, len(img.data)) for pg in pdf.pages for img in pg.images}
    assert len(images) == figures, f"{len(images)} images in the PDF, {figures} different figures in the HTML"


def naam_van(regio_id: str) -> str:
    folder = default_data_dir() / regio_id
    return read_regio_yaml(folder)["naam"] if folder.is_dir() else TEST_REGION_NAMES[regio_id]  # conftest's regions


# --- the index page -----------------------------------------------------------------------------

def test_index_links_open_each_report(browser, reports):
    with visit(browser, reports / "index.html") as v:
        page = v.page
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert sorted(h for h in hrefs if h.endswith("rapport.html")) == sorted(f"{rid}/rapport.html" for rid in REGIONS)
        assert "kerncijfers.xlsx" in hrefs and (reports / "kerncijfers.xlsx").is_file()
        anchors = [h[1:] for h in hrefs if h.startswith("#")]
        ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        assert anchors and set(anchors) <= ids, "every definition link of the index resolves"
        allowed = ({f"#{a}" for a in anchors} | {"kerncijfers.xlsx"} | {f"{rid}/rapport.html" for rid in REGIONS}
                   | {f"{rid}/rapport.pdf" for rid in REGIONS})
        assert set(hrefs) <= allowed, set(hrefs) - allowed
        for rid in REGIONS:
            page.click(f"a[href='{rid}/rapport.html']")
            page.wait_for_url(re.compile(rf"/{re.escape(rid)}/rapport\.html$"))
            page.wait_for_load_state("load")
            assert naam_van(rid) in page.inner_text("header.ra-voorblad")
            assert _images(page), f"the report of {rid} opened from the index shows no figure"
            page.go_back(wait_until="load")
            assert page.url.endswith("/index.html")
        page.wait_for_load_state("networkidle")
        v.assert_clean()


# --- the checks themselves ----------------------------------------------------------------------

def test_the_checks_catch_network_requests_broken_images_and_console_errors(browser, tmp_path):
    """The recorder is not blind: remote URLs are seen (and aborted), broken images and errors too."""
    page_file = tmp_path / "lek.html"
    page_file.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="https://cdn.example.invalid/x.css"></head><body>'
        '<img src="http://192.0.2.1/figuur.png"><img src="data:image/png;base64,AAAA">'
        '<script>console.error("kapot")</script></body></html>', encoding="utf-8")
    with visit(browser, page_file) as v:
        images = _images(v.page)
        assert [i["width"] for i in images] == [0, 0]
        assert sorted(v.network_requests()) == ["http://192.0.2.1/figuur.png", "https://cdn.example.invalid/x.css"]
        assert any("kapot" in e for e in v.errors)
        with pytest.raises(AssertionError):
            v.assert_clean()


def _print_twice(html: str, folder: str) -> list:
    from regio_analysis.reporting import pdf

    ids = []
    for i in range(2):
        pdf.html_to_pdf(Path(html), Path(folder) / f"{i}.pdf")
        ids.append(id(pdf._warm().browser))
    return ids


def test_a_worker_keeps_its_browser_for_the_next_pdf_and_the_main_process_does_not(tmp_path):
    """Starting Playwright and Chromium costs more than a second per report: a worker keeps them. The
    main process closes them after each PDF, so Playwright stays usable there (an open sync
    Playwright refuses a second one in the thread). Both run in new processes: this one has the
    module's browser open."""
    import multiprocessing
    import subprocess
    import sys
    from concurrent.futures import ProcessPoolExecutor

    _require_browser()
    html = tmp_path / "p.html"
    html.write_text("<!DOCTYPE html><html lang='nl'><body><h1>Een pagina</h1></body></html>", encoding="utf-8")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        first, second = pool.submit(_print_twice, str(html), str(tmp_path)).result()
    assert first == second
    script = ("import sys\nfrom pathlib import Path\nfrom regio_analysis.reporting import pdf\n"
              "pdf.html_to_pdf(Path(sys.argv[1]), Path(sys.argv[2]))\n"
              "from playwright.sync_api import sync_playwright\n"
              "with sync_playwright() as pw:\n    print('bruikbaar', pw.chromium.name)\n")
    out = subprocess.run([sys.executable, "-c", script, str(html), str(tmp_path / "hier.pdf")], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0 and "bruikbaar chromium" in out.stdout, out.stderr[-2000:]
    assert (tmp_path / "0.pdf").read_bytes()[:5] == b"%PDF-" and (tmp_path / "hier.pdf").read_bytes()[:5] == b"%PDF-"
