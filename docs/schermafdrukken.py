"""Screenshots of a built report and of the national index, for the documentation.

    .venv/bin/python docs/schermafdrukken.py [reports] [regio_id]

Opens ``<reports>/<regio_id>/rapport.html`` (default: reports/rond-bommel-en-dommel) and
``<reports>/index.html`` in headless Debian Chromium and writes ``docs/rapport-eerste-pagina.png``
(the first screen: cover, table of contents) and ``docs/index.png`` next to this script.
"""
from __future__ import annotations

import sys
from pathlib import Path

from regio_analysis.reporting.pdf import launch_args, check_pdf_possible, chromium_path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    reports = Path(argv[0] if argv else "reports").resolve()
    regio_id = argv[1] if len(argv) > 1 else "rond-bommel-en-dommel"
    check_pdf_possible()
    from playwright.sync_api import sync_playwright

    shots = {HERE / "rapport-eerste-pagina.png": reports / regio_id / "rapport.html",
             HERE / "index.png": reports / "index.html"}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path()), headless=True, args=launch_args())
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        for out, page_file in shots.items():
            page.goto(page_file.as_uri(), wait_until="load")
            page.screenshot(path=str(out))
            print(out)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
