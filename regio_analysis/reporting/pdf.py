"""``rapport.pdf`` from ``rapport.html``: the same page printed by headless Chromium (Playwright).

Debian's Chromium (``/usr/bin/chromium``, or the path in ``REGIO_ANALYSIS_CHROMIUM``) is used;
Playwright's own browser download is not (it needs network access). The page is printed on A4
with the report's print CSS (``templates/rapport/rapport.css``: each chapter on a new page, figures
and table rows not cut) and page numbers in the footer. Chromium runs without its sandbox when it
runs as root (the sandbox cannot start there and Chromium would hang), without GPU and network
features, and every request other than ``file:`` and ``data:`` is refused: printing reads nothing else.
"""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from regio_analysis.errors import DataError, Problem
from regio_analysis.io.files import write_bytes
from regio_analysis.reporting.execution import PerThread

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
    """Print ``html`` (a report page) to ``pdf`` (written atomically) and return its path.

    In a worker process (a batch's, or a Dask worker) the browser is the thread's warm one
    (:class:`_WarmBrowser`): launched for the first report and kept for the next; closed after any
    failure, so the next report gets a new one. Elsewhere it is closed after the report: an open
    Playwright would refuse any other use of Playwright's sync API in the thread."""
    from playwright.sync_api import Error

    check_pdf_possible()
    warm = _warm() if multiprocessing.parent_process() is not None else _WarmBrowser()
    browser = warm.get()
    try:
        page = browser.new_page()
        try:
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=TIMEOUT_MS)
            page.emulate_media(media="print")
            data = page.pdf(format="A4", print_background=True, display_header_footer=True,
                            header_template="<span></span>", footer_template=_FOOTER,
                            margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
                            prefer_css_page_size=False, outline=True, tagged=True)
        finally:
            page.close()
    except BaseException as err:
        warm.discard()
        if isinstance(err, Error):
            raise DataError(Problem(str(html), f"Chromium kon de pdf niet maken: {str(err).strip().splitlines()[0]}"))
        raise
    finally:
        if multiprocessing.parent_process() is None:
            warm.discard()
    return write_bytes(pdf, data)


class _WarmBrowser:
    """Playwright and one headless Chromium, kept for the next report (starting them costs more than a
    second per report); per thread, and never used by a process forked from the one that started them."""

    def __init__(self) -> None:
        self.playwright = self.browser = None
        self.pid = os.getpid()

    def get(self):
        from playwright.sync_api import Error, sync_playwright

        if self.pid != os.getpid():  # forked: the parent's browser is not ours to use or close
            self.playwright = self.browser = None
            self.pid = os.getpid()
        if self.browser is not None and not self.browser.is_connected():
            self.discard()
        if self.browser is None:
            self.playwright = sync_playwright().start()
            try:
                self.browser = self.playwright.chromium.launch(executable_path=str(chromium_path()), headless=True,
                                                               args=launch_args(), timeout=TIMEOUT_MS)
            except Error as err:
                self.discard()
                raise DataError(Problem(str(chromium_path()), f"Chromium start niet: {str(err).strip().splitlines()[0]}; "
                                                              f"{INSTALL_HINT}")) from None
        return self.browser

    def discard(self) -> None:
        if self.pid != os.getpid():
            self.playwright = self.browser = None
            return
        browser, playwright, self.browser, self.playwright = self.browser, self.playwright, None, None
        for close in (getattr(browser, "close", None), getattr(playwright, "stop", None)):
            if close is not None:
                try:
                    close()
                except BaseException:  # noqa: BLE001 - already gone; at exit Playwright may end its greenlet
                    pass


#: this thread's warm browser: ``_warm()``
_warm = PerThread(_WarmBrowser, exitpriority=10).get
