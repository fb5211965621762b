"""Self-contained HTML: an executed notebook without code, and the index of all regions.

The report must open offline and leak nothing: no code cells, no injected-parameters cell,
no papermill metadata (paths), images embedded as base64, and no script or stylesheet
fetched from a network address. The page comes from the package's own nbconvert template
(``templates/rapport``, extending JupyterLab's): it leaves out require.js, MathJax, Mermaid and
widget scripts, sets ``lang="nl"``, adds the cover, table of contents and the appendix on how the
report was made, styles the page for print (the PDF, ``reporting.pdf``), puts each figure's alt
text on its image, and gives each caption the number and anchor :func:`nummer_bijschriften` sets
("Figuur 3.2", "Tabel 1.4": chapter number from the notebook's name, then the order in the chapter).

Nothing that comes from data may run in the browser. Every rich output of the notebook
passes one gate before export (:func:`safe_outputs`): Markdown is rendered with raw HTML
shown as text and only ``http``, ``https``, ``mailto`` and relative links kept; HTML
(tables) goes through an allow-list sanitiser (``nh3``: no scripts, no event handlers, no
``<style>``, images only as embedded ``data:image``); other rich types (JavaScript,
widgets) are dropped. The same Markdown renderer is used for the notebook's own Markdown
cells. A last check (:func:`check_inert`) refuses a page whose body still holds a script,
an event handler or a ``javascript:`` address.
"""
from __future__ import annotations

import base64
import copy
import html as htmllib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import nh3

from regio_analysis.io.files import read_text, write_bytes
from regio_analysis.report.format import fmt_getal

HEADING = re.compile(r'<h([12]) id="([^"]+)"[^>]*>(.*?)(?:<a class="anchor-link".*?)?</h\1>', re.S)
TEMPLATES = Path(__file__).resolve().parent / "templates"
TOC_PLACEHOLDER = re.compile(r'<nav\b[^>]*\bclass="ra-toc"[^>]*>\s*</nav>')  # the template's, filled in last
#: key of a cell's metadata naming the chapter it belongs to and its number (set when chapters are joined)
CHAPTER_KEY = "regio_analysis"



# ------------------------------------------------------------------ escaping what comes from data

#: URL schemes a link in the report may have (besides relative links and #fragments).
LINK_SCHEMES = ("http", "https", "mailto")
_RELATIVE_URL = re.compile(r"[^:/?#]*(?:[/?#]|$)")  # no scheme: a colon only after / ? #
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*", re.I)
# the rich output types that may reach the page; the rest (JavaScript, widgets, ...) is dropped
OUTPUT_TYPES = ("text/plain", "text/html", "text/markdown", "image/png", "image/jpeg", "image/svg+xml")
_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang"},
}


def link_allowed(url: str) -> bool:
    """True for http(s), mailto, relative and #fragment addresses; False for anything else
    (``javascript:``, ``data:``, ``vbscript:``, ``file:``, obfuscated schemes)."""
    url = url.strip()
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme:
        return scheme.group(1).lower() in LINK_SCHEMES
    return bool(_RELATIVE_URL.match(url))


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if link_allowed(value) else None
    if attribute == "src":  # images only embedded; nothing is fetched or read from disk
        return value if element == "img" and _DATA_IMAGE.fullmatch(value.strip()) else None
    return value


def sanitize_html(fragment: str) -> str:
    """``fragment`` with only allow-listed tags and attributes: no script, style, event
    handler or form; links as :func:`link_allowed`; images only as ``data:image``."""
    return nh3.clean(fragment, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={*LINK_SCHEMES, "data"},
                     attribute_filter=_attribute_filter, strip_comments=True)


def _renderer_class():
    from html import escape

    from nbconvert.filters.markdown_mistune import MISTUNE_V3, IPythonRenderer

    class SafeRenderer(IPythonRenderer):
        """nbconvert's renderer with raw HTML shown as text, unsafe links shown as their text,
        and only embedded images (no file is read: a data-derived path must not embed a file)."""

        def block_html(self, html: str) -> str:
            return "<p>" + escape(html.strip(), quote=False) + "</p>\n"

        def inline_html(self, html: str) -> str:
            return escape(html, quote=False)

        def link(self, *args, **kwargs) -> str:
            text, url, title = _link_args(MISTUNE_V3, args, kwargs, "text")
            if not link_allowed(url):
                return text
            title_attr = f' title="{escape(title)}"' if title else ""
            return f'<a href="{escape(url.strip())}"{title_attr}>{text}</a>'

        def heading(self, text: str, level: int, **attrs) -> str:
            html = super().heading(text, level, **attrs)
            return _unique_heading_id(html, self.ids) if self.ids is not None else html

        def image(self, *args, **kwargs) -> str:
            alt, url, title = _link_args(MISTUNE_V3, args, kwargs, "alt")
            alt = re.sub(r"<[^>]*>", "", alt or "")
            if not _DATA_IMAGE.fullmatch(url.strip()):
                return alt
            return f'<img src="{escape(url.strip())}" alt="{escape(alt)}">'

    return SafeRenderer


def _link_args(v3: bool, args: tuple, kwargs: dict, text_name: str) -> tuple[str, str, str | None]:
    """(text, url, title) from mistune 3's (text, url, title) or mistune 2's (url, text, title)."""
    names = (text_name, "url", "title") if v3 else ("url", text_name, "title")
    values = dict(zip(names, args))
    values.update({k: v for k, v in kwargs.items() if k in names or k in ("src", "link")})
    url = values.get("url") or values.get("src") or values.get("link") or ""
    return values.get(text_name) or "", url, values.get("title")


def render_markdown(source: str, *, anchor_links: bool = True, ids: set[str] | None = None) -> str:
    """Markdown as sanitised HTML: raw HTML as text, safe links only, headings with anchors.

    ``ids``: the heading ids the page already has; a heading whose id is taken gets ``-2``, ``-3``, ...
    (the first one keeps its id, so a link to a section's heading text finds the first such section).
    """
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    renderer = _renderer_class()(escape=True, allow_harmful_protocols=False, embed_images=False,
                                 exclude_anchor_links=not anchor_links)
    renderer.ids = ids
    return sanitize_html(MarkdownWithMath(renderer=renderer).render(source))


_HEADING_ID = re.compile(r'^(<h\d[^>]*\bid=")([^"]*)(")')


def _unique_heading_id(html: str, ids: set[str]) -> str:
    match = _HEADING_ID.match(html)
    if not match:
        return html
    base = anchor = match.group(2)
    n = 1
    while anchor in ids:
        n += 1
        anchor = f"{base}-{n}"
    ids.add(anchor)
    if anchor == base:
        return html
    html = match.group(1) + anchor + match.group(3) + html[match.end():]
    return html.replace(f'href="#{base}"', f'href="#{anchor}"', 1)


def safe_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The gate every rich output passes (in place): Markdown rendered by
    :func:`render_markdown`, HTML sanitised, other rich types dropped."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            kept = {k: v for k, v in data.items() if k in OUTPUT_TYPES}
            if "text/markdown" in kept:
                kept["text/html"] = render_markdown(_text(kept.pop("text/markdown")))
            elif "text/html" in kept:
                kept["text/html"] = sanitize_html(_text(kept["text/html"]))
            if not kept:
                kept = {"text/plain": ""}
            out["data"] = kept
    return nb


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


_LIVE_TAGS = {"script", "iframe", "frame", "object", "embed", "base", "form"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "data", "poster"}


class _LiveFinder(HTMLParser):
    """Collects what would run or load: script-like elements, on* handlers, unsafe addresses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _LIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name in _URL_ATTRS and not _address_ok(tag, name, value.strip()):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")

    handle_startendtag = handle_starttag


def _address_ok(tag: str, name: str, value: str) -> bool:
    if name in ("href", "action", "formaction", "xlink:href"):
        return link_allowed(value)
    if tag == "img" and name == "src" and value.lower().startswith("data:image/"):
        return True
    return bool(_RELATIVE_URL.match(value))  # anything else loaded: only from beside the page


def check_inert(body: str) -> None:
    """Raise ValueError when the page body holds a script(-like element), an event handler or
    an address that is not http(s), mailto, relative or an embedded image.

    A tripwire behind :func:`safe_outputs`: the report is not written when something slipped through.
    """
    finder = _LiveFinder()
    finder.feed(body)
    finder.close()
    if finder.found:
        shown = ", ".join(dict.fromkeys(finder.found[:5]))
        raise ValueError(f"het rapport bevat iets dat in de browser zou draaien ({shown}); niet geschreven")


def _exporter():
    from nbconvert import HTMLExporter

    class SafeHTMLExporter(HTMLExporter):
        """The report template with :func:`render_markdown` for every Markdown text; heading ids are
        unique within the page (``ids``, one set per exporter: per page)."""

        def default_filters(self):
            for name, func in super().default_filters():
                yield name, func
            yield "markdown2html", lambda source: render_markdown(source, anchor_links=not self.exclude_anchor_links,
                                                                  ids=self.ids)

        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter's own, without its last step: parsing the whole page with BeautifulSoup and
            # writing it out again to give images without alt text a placeholder (every figure here
            # has its own, see report.tables.toon_figuur) and every output a tab stop (a report is
            # read, not operated); on a report of a few megabytes that step took a third of the export
            from nbconvert.exporters.templateexporter import TemplateExporter
            from nbconvert.filters.highlight import Highlight2HTML
            from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    exporter = SafeHTMLExporter(template_name="rapport", extra_template_basedirs=[str(TEMPLATES)],
                                exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                embed_images=True, language_code="nl",
                                optimistic_validation=True)  # validated once, not after each of a dozen preprocessors
    exporter.ids = set()
    return exporter


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the injected-parameters cell and without papermill metadata, with its captions
    numbered (:func:`nummer_bijschriften`) and every output through :func:`safe_outputs`."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return safe_outputs(nummer_bijschriften(een_keer_geen_gegevens(nb)))


#: how :func:`regio_analysis.report.format.geen_gegevens` starts its note
_GEEN_GEGEVENS = "_Geen gegevens over "


def een_keer_geen_gegevens(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep one "geen gegevens" note per section (in place): a section whose table, figure and
    reading all lack data said so two or three times in a row. A section starts at a Markdown
    cell with a heading. An output that holds the note among other words (a reading that first
    says what the plan does give) counts as the section's note; an output that is a note and
    nothing else is then left out."""
    gezien = False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^#{1,6} ", _text(cell.source), re.M):
            gezien = False
        kept = []
        for out in cell.get("outputs", []):
            tekst = _text(out.get("data", {}).get("text/markdown", "")).strip()
            if _GEEN_GEGEVENS in tekst:
                if gezien and re.fullmatch(r"_[^_]*_", tekst):  # a note and nothing else
                    continue
                gezien = True
            kept.append(out)
        if "outputs" in cell:
            cell.outputs = kept
    return nb


_SOORT_LABEL = {"figuur": "Figuur", "tabel": "Tabel"}


def nummer_bijschriften(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Number the captions (``report.tables`` marks them in their output's metadata) and chapters (in place).

    Per chapter, figures and tables are counted in the order they appear: "Figuur 3.2" is the second
    figure of chapter 3, with anchor ``figuur-3-2``; outside a chapter (a notebook on its own) "Figuur 2".
    The first level-1 heading of a chapter gets its number ("# 3 Retentie ...").
    """
    from regio_analysis.report.tables import META_KEY

    counts: dict[tuple[str, str], int] = {}
    numbered: set[str] = set()
    image = None  # the last figure shown: its caption follows it
    for cell in nb.cells:
        nr = str(cell.get("metadata", {}).get(CHAPTER_KEY, {}).get("nummer") or "")
        if cell.cell_type == "markdown" and nr and nr not in numbered:
            source = _text(cell.source)
            if source.startswith("# "):
                cell.source = f"# {nr} {source[2:]}"
                numbered.add(nr)
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                image = out
            meta = out.get("metadata", {}).get(META_KEY) or {}
            if meta.get("rol") != "bijschrift" or "text/markdown" not in out.get("data", {}):
                continue
            soort = meta.get("soort", "figuur")
            counts[(nr, soort)] = n = counts.get((nr, soort), 0) + 1
            number = f"{nr}.{n}" if nr else str(n)
            meta["nummer"] = f"{_SOORT_LABEL.get(soort, soort.capitalize())} {number}"
            meta["anker"] = f"{soort}-{number.replace('.', '-')}"
            out["data"]["text/markdown"] = f"**{meta['nummer']}** {_text(out['data']['text/markdown'])}"
            if soort == "figuur" and image is not None:
                image.setdefault("metadata", {}).setdefault(META_KEY, {}).update(nummer=meta["nummer"])
                image = None
    return nb


def _toc(body: str) -> str:
    """The table of contents: chapters (level 1) with their sections (level 2) nested."""
    chapters: list[tuple[str, list[str]]] = []
    for level, anchor, text in HEADING.findall(body):
        label = re.sub(r"<[^>]+>", "", text).strip()
        link = f'<a href="#{anchor}">{label}</a>'
        if level == "1" or not chapters:
            chapters.append((link, []))
        else:
            chapters[-1][1].append(f'<li class="h2">{link}</li>')
    if not chapters:
        return ""
    items = "".join(f'<li class="h1">{link}' + (f"<ol>{''.join(subs)}</ol>" if subs else "") + "</li>"
                    for link, subs in chapters)
    return f'<nav class="ra-toc" aria-label="Inhoud"><h2 class="ra-toc-kop">Inhoud</h2><ol>{items}</ol></nav>'


def notebook_to_html(nb: nbformat.NotebookNode, *, title: str, voorblad: list[tuple[str, str]],
                     ondertitel: str = "Onderwijsregio: arbeidsmarkt, behoud van starters en samen opleiden", verantwoording: str = "",
                     terug: str | None = None) -> str:
    """Render an executed notebook as one offline HTML page through the report template.

    ``voorblad``: the cover's (label, text) rows (period, date, version; plain text, escaped by the
    template); ``verantwoording``: the appendix on how the report was made (sanitised HTML, placed
    after the chapters and listed in the table of contents); ``terug``: a relative link back to the
    index of all regions (none when None).
    """
    nb = clean_notebook(nb)
    nb.metadata["title"] = title
    resources = {"ra_css": read_text(TEMPLATES / "rapport" / "rapport.css").text,
                 "ra_titel": title, "ra_ondertitel": ondertitel, "ra_voorblad": list(voorblad),
                 "ra_verantwoording": sanitize_html(verantwoording) if verantwoording else "", "ra_terug": terug}
    page, _ = _exporter().from_notebook_node(nb, resources=resources)
    body_start = page.index(">", page.index("<body")) + 1
    page = TOC_PLACEHOLDER.sub(lambda _m: _toc(page[body_start:]), page, count=1)
    check_inert(page)
    return page


def extract_images(nb: nbformat.NotebookNode, folder: Path) -> list[Path]:
    """Write every PNG output of the notebook to ``folder``: ``figuur-3-2.png`` for the figure the
    report numbers "Figuur 3.2", ``figuur-NN.png`` (its place in the notebook) for one without caption."""
    from regio_analysis.report.tables import META_KEY

    paths = []
    for cell in nummer_bijschriften(copy.deepcopy(nb)).cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if data:
                number = (out.get("metadata", {}).get(META_KEY) or {}).get("nummer", "")
                name = number.lower().replace(" ", "-").replace(".", "-") if number else f"figuur-{len(paths) + 1:02d}"
                paths.append(write_bytes(folder / f"{name}.png", base64.b64decode(data)))
    return paths


_MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
            "november", "december")


def datum_tekst(moment: str) -> str:
    """An ISO timestamp as a Dutch date and time ("2 december 2026, 08:10"); other text as it is."""
    import datetime as dt

    try:
        d = dt.datetime.fromisoformat(str(moment))
    except ValueError:
        return str(moment)
    return f"{d.day} {_MAANDEN[d.month - 1]} {d.year}, {d:%H:%M}"


def index_html(rows: list[dict[str, Any]], labels: dict[str, str], *, generated: str, version: str) -> str:
    """The page listing every region: status, its key indicators side by side (each with its year,
    the national value where the region publishes it, and a link to its definition and source in
    the table below), links to its report (and PDF). No script: the page stays inert; the same
    figures, to sort and compare, are in ``kerncijfers.xlsx``."""
    def getal(v: Any, eenheid: str = "") -> str:  # numbers as in the reports, one decimal at most
        if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
            return "&ndash;" if v is None else htmllib.escape(str(v))
        text = fmt_getal(v, None if float(v).is_integer() else 1)
        return htmllib.escape(text + ("%" if eenheid == "procent" else ""))

    # an indicator of the DUO layer gets a column only when some region has it (the layer needs DUO's files)
    labels = {k: v for k, v in labels.items() if not k.startswith("duo_") or any(
        isinstance(c, dict) and c.get("sleutel") == k and c.get("waarde") is not None
        for row in rows for c in row.get("kerncijfers") or [])}
    duo_uitleg = ("; <b>berekend uit DUO</b>: opgeteld uit de landelijke bestanden van DUO over de gemeenten, "
                  "besturen of vestigingen van de regio, met Nederland op dezelfde manier berekend ernaast"
                  if any(k.startswith("duo_") for k in labels) else "")
    head = "".join(f"<th>{htmllib.escape(l)}</th>" for l in ["Regio", "Status", *labels.values()])
    body, defs = [], []
    for row in rows:
        rid = htmllib.escape(str(row["regio_id"]))
        name = htmllib.escape(str(row["naam"]))
        link = f'<a href="{rid}/rapport.html">{name}</a>' if row.get("rapport") else name
        if row.get("pdf"):
            link += f' <small>(<a href="{rid}/rapport.pdf">pdf</a>)</small>'
        status = htmllib.escape(str(row["status"]))
        if row.get("fout"):
            status += f'<br><small>{htmllib.escape(str(row["fout"]))}</small>'
        found = {k.get("sleutel"): k for k in row.get("kerncijfers") or [] if isinstance(k, dict)}
        cells = []
        for key in labels:
            k = found.get(key) or {}
            if k.get("waarde") is None:
                cells.append('<td class="num">&ndash;</td>')
                continue
            extra = [htmllib.escape(str(k.get("jaar") or ""))]
            if k.get("landelijk") is not None:
                extra.append(f"landelijk {getal(k['landelijk'], k.get('eenheid', ''))}")
            anchor = f"def-{rid}-{htmllib.escape(key)}"
            cells.append(f'<td class="num">{getal(k["waarde"], k.get("eenheid", ""))}<br><small>'
                         f'{"; ".join(e for e in extra if e)} <a href="#{anchor}">[def.]</a></small></td>')
            defs.append(f'<tr id="{anchor}"><td>{name}</td><td>{htmllib.escape(str(k.get("indicator", key)))}</td>'
                        f'<td>{htmllib.escape(str(k.get("definitie", "")))}</td><td>{htmllib.escape(str(k.get("jaar", "")))}</td>'
                        f'<td>{htmllib.escape(str(k.get("soort", "")))}</td><td>{htmllib.escape(str(k.get("bron", "")))}</td></tr>')
        body.append(f"<tr><td>{link}</td><td>{status}</td>{''.join(cells)}</tr>")
    definitions = ("<h2>Definities en bronnen</h2><p>Wat elk cijfer hierboven telt, zoals hoofdstuk 0 (Overzicht) van het rapport "
                   "het noemt, met jaar, soort en bron. <b>gepubliceerd</b>: een cijfer uit het plan van de regio; "
                   "<b>berekend</b>: een som of telling van het pakket uit die cijfers" + duo_uitleg + ". Dit overzicht toont geen "
                   "synthetische cijfers. Cijfers van verschillende jaren of definities zijn niet zonder meer "
                   "vergelijkbaar.</p><table><thead><tr><th>Regio</th><th>Kerncijfer</th><th>Definitie</th>"
                   f"<th>Jaar</th><th>Soort</th><th>Bron</th></tr></thead><tbody>{''.join(defs)}</tbody></table>"
                   if defs else "")
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Rapporten onderwijsregio's</title>
<style>
 body {{ font-family: system-ui, sans-serif; margin: 2em; }}
 table {{ border-collapse: collapse; margin-bottom: 1.5em; }} th, td {{ border-bottom: 1px solid #d0d7de; padding: .35em .8em; text-align: left; vertical-align: top; }}
 td.num {{ text-align: right; font-variant-numeric: tabular-nums; }} th {{ background: #f4f6f8; }}
 small {{ color: #57606a; }} .breed {{ overflow-x: auto; }}
</style></head>
<body><h1>Rapporten onderwijsregio's</h1>
<p>Gemaakt op {htmllib.escape(datum_tekst(generated))} met regio_analysis {htmllib.escape(version)}.
Kerncijfers zoals de bronnen van elke regio ze geven, met het jaar eronder; &ndash; = niet bekend.
Dezelfde cijfers, om te sorteren en te vergelijken: <a href="kerncijfers.xlsx">kerncijfers.xlsx</a>.</p>
<div class="breed"><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>
{definitions}
</body></html>
"""
