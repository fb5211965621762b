"""Self-contained HTML: an executed notebook without code, and the index of all regions.

The report must open offline and leak nothing: no code cells, no injected-parameters cell,
no papermill metadata (paths), images embedded as base64, and no script or stylesheet
fetched from a network address (nbconvert's templates load require.js and MathJax from a
CDN; those tags are removed).
"""
from __future__ import annotations

import base64
import copy
import html as htmllib
import re
from pathlib import Path
from typing import Any

import nbformat

REMOTE_TAG = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>",
    re.I,
)
# inline module scripts that import from the network (nbconvert's Mermaid loader)
REMOTE_IMPORT = re.compile(r"<script\b[^>]*>(?:(?!</script>).)*?import\(\s*[\"']https?://.*?</script>", re.S | re.I)
HEADING = re.compile(r'<h([12]) id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link".*?)?</h\1>', re.S)

_STYLE = """
<style>
  .ra-kop { font-family: system-ui, sans-serif; background: #f4f6f8; border-bottom: 1px solid #d0d7de;
            padding: 1em 2em; margin: 0 0 1em 0; }
  .ra-kop h1 { margin: 0 0 .3em 0; font-size: 1.6em; }
  .ra-kop table { font-size: .85em; border-collapse: collapse; }
  .ra-kop td { padding: .1em .8em .1em 0; vertical-align: top; }
  .ra-kop code { font-size: .95em; }
  .ra-toc { font-family: system-ui, sans-serif; margin: 0 2em 1.5em 2em; }
  .ra-toc li.h2 { margin-left: 1.5em; list-style: circle; }
  .ra-synth { color: #8a4b00; font-weight: 600; }
</style>
"""


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the injected-parameters cell and without papermill metadata."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def _header(title: str, rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><td>{htmllib.escape(k)}</td><td>{v}</td></tr>" for k, v in rows)
    return f'<header class="ra-kop"><h1>{htmllib.escape(title)}</h1><table>{cells}</table></header>'


def _toc(body: str) -> str:
    items = []
    for level, anchor, text in HEADING.findall(body):
        label = re.sub(r"<[^>]+>", "", text).strip()
        items.append(f'<li class="h{level}"><a href="#{anchor}">{label}</a></li>')
    if not items:
        return ""
    return '<nav class="ra-toc"><strong>Inhoud</strong><ul>' + "".join(items) + "</ul></nav>"


def notebook_to_html(nb: nbformat.NotebookNode, *, title: str, header: list[tuple[str, str]]) -> str:
    """Render an executed notebook as one offline HTML page with header and table of contents.

    ``header`` rows are (label, already-escaped HTML) pairs: region, parameters, run time,
    versions, input hashes.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    page, _ = exporter.from_notebook_node(clean_notebook(nb))
    page = REMOTE_IMPORT.sub("", REMOTE_TAG.sub("", page))
    page = re.sub(r"<title>.*?</title>", f"<title>{htmllib.escape(title)}</title>", page, count=1, flags=re.S)
    body_start = page.index(">", page.index("<body")) + 1
    body = page[body_start:]
    page = page[:body_start] + _header(title, header) + _toc(body) + body
    return page.replace("</head>", _STYLE + "</head>", 1)


def extract_images(nb: nbformat.NotebookNode, folder: Path) -> list[Path]:
    """Write every PNG output of the notebook to ``folder`` as figuur-NN.png."""
    paths = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if data:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"figuur-{len(paths) + 1:02d}.png"
                path.write_bytes(base64.b64decode(data))
                paths.append(path)
    return paths


def index_html(rows: list[dict[str, Any]], labels: dict[str, str], *, generated: str, version: str) -> str:
    """The page listing every region: status, key indicators side by side, link to its report."""
    def fmt(v: Any) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return "&ndash;"
        if isinstance(v, float) and not v.is_integer():
            return f"{v:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
        if isinstance(v, (int, float)):
            return f"{int(v):,}".replace(",", ".")
        return htmllib.escape(str(v))

    head = "".join(f"<th>{htmllib.escape(l)}</th>" for l in ["Regio", "Status", *labels.values()])
    body = []
    for row in rows:
        name = htmllib.escape(row["naam"])
        link = f'<a href="{htmllib.escape(row["regio_id"])}/rapport.html">{name}</a>' if row.get("rapport") else name
        status = htmllib.escape(row["status"])
        if row.get("fout"):
            status += f'<br><small>{htmllib.escape(row["fout"])}</small>'
        cells = "".join(f'<td class="num">{fmt(row["kerncijfers"].get(k))}</td>' for k in labels)
        body.append(f"<tr><td>{link}</td><td>{status}</td>{cells}</tr>")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Rapporten onderwijsregio's</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2em; }}
 table {{ border-collapse: collapse; }} th, td {{ border-bottom: 1px solid #d0d7de; padding: .35em .8em; text-align: left; }}
 td.num {{ text-align: right; font-variant-numeric: tabular-nums; }} th {{ background: #f4f6f8; }}
</style></head>
<body><h1>Rapporten onderwijsregio's</h1>
<p>Gemaakt op {htmllib.escape(generated)} met regio_analysis {htmllib.escape(version)}.
Kerncijfers zoals gepubliceerd in de bronnen van elke regio; &ndash; = niet bekend.</p>
<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>
</body></html>
"""
