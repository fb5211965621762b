"""``rapport.pdf`` from ``rapport.html``: the same page printed by headless Chromium (Playwright).

Debian's Chromium (``/usr/bin/chromium``, or the path in ``REGIO_ANALYSIS_CHROMIUM``) is used;
Playwright's own browser download is not (it needs network access). The page is printed on A4
with the report's print CSS (``templates/rapport/rapport.css``: each chapter on a new page, figures
and table rows not cut) and page numbers in the footer. Chromium runs without its sandbox when it
runs as root (the sandbox cannot start there and Chromium would hang), without GPU and network
features, and every request other than ``file:`` and ``data:`` is refused: printing reads nothing else.
"""
from __future__ import annotations

import os
from pathlib import Path

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import write_bytes

CHROMIUM_ENV = "REGIO_ANALYSIS_CHROMIUM"
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = ("installeer Chromium (Debian: apt-get install chromium; `make reports` doet dat zelf), "
                f"geef het pad in {CHROMIUM_ENV}, of maak de rapporten zonder pdf (--geen-pdf)")
TIMEOUT_MS = 120_000
LAUNCH_ARGS = ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-quic"]
_FOOTER = ('<div style="font-size:8pt;width:100%;text-align:center;color:#57606a;font-family:sans-serif">'
           '<span class="title"></span> &middot; pagina <span class="pageNumber"></span> van '
           '<span class="totalPages"></span></div>')


def chromium_path() -> Path:
    """The Chromium executable to print with."""
    return Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)


def check_pdf_possible() -> None:
    """Raise DataError (before any report is built) when a PDF cannot be made here."""
    path = chromium_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise DataError(Problem("<pdf>", f"voor de pdf is Chromium nodig, maar {path} bestaat niet; {INSTALL_HINT}"))
    try:
        import playwright.sync_api  # noqa: F401 - only whether it is installed
    except ImportError:
        raise DataError(Problem("<pdf>", "voor de pdf is het Python-pakket playwright nodig "
                                         "(pip install -e .); of maak de rapporten zonder pdf (--geen-pdf)")) from None


def launch_args() -> list[str]:
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return [*(["--no-sandbox"] if root else []), *LAUNCH_ARGS]


def html_to_pdf(html: Path, pdf: Path) -> Path:
    """Print ``html`` (a report page) to ``pdf`` (written atomically) and return its path."""
    from playwright.sync_api import Error, sync_playwright

    check_pdf_possible()
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=str(chromium_path()), headless=True, args=launch_args(),
                                         timeout=TIMEOUT_MS)
        except Error as err:
            raise DataError(Problem(str(chromium_path()), f"Chromium start niet: {str(err).strip().splitlines()[0]}; "
                                                          f"{INSTALL_HINT}")) from None
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=TIMEOUT_MS)
            page.emulate_media(media="print")
            data = page.pdf(format="A4", print_background=True, display_header_footer=True,
                            header_template="<span></span>", footer_template=_FOOTER,
                            margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                            prefer_css_page_size=False, outline=True, tagged=True)
        finally:
            browser.close()
    return write_bytes(pdf, data)
