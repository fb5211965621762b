"""Files of the peer-review evidence dossier: the Excel workbook (:func:`write_workbook`), the
self-evaluation template in Markdown (:func:`self_evaluation_markdown`) and Word
(:func:`write_self_evaluation_docx`), and :func:`bewaar`, which writes all three to
``<output_dir>/peer_review/``. Each takes a :class:`~regio_analysis.peerreview.evidence.Dossier`;
text from data or the framework file is written as text (never a formula, raw HTML or a link),
and every file is written atomically. Like the chapter, each file shows an indicator computed from
synthetic data as *voorbeeld (synthetisch), niet beoordeeld*, labels a target that is the
package's own as such (and a target from the region's ambition with its source), and shows the
course towards a target year instead of a missed target.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis import __version__
from regio_analysis.io.files import atomic_write
from regio_analysis.io.safe_text import guard_workbook, markdown_text
from regio_analysis.peerreview.coverage import _eur
from regio_analysis.peerreview.evidence import Dossier
from regio_analysis.peerreview.framework import STATUS_KLEUREN, STATUSSEN, VOORBEELD
from regio_analysis.peerreview.indicators import STANDAARD_DOEL, SYNTH
from regio_analysis.report.format import opsomming, tabel_tekst


def _sheet_title(text: str, used: set[str]) -> str:
    t = re.sub(r"[\[\]:*?/\\]", "", text)[:31].strip()
    base, i = t, 2
    while t in used:
        suffix = f" ({i})"
        t, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(t)
    return t


_SYNTH_TABELLEN = {"dienstverbanden": "dienstverbanden", "enquete": "enquête"}


def _synth_note(d: Dossier) -> str:
    """The sentence on synthetic indicators ("" when the dossier has none)."""
    synth = sorted(set(d.synthetisch) & set(_SYNTH_TABELLEN))
    if not synth or not (d.indicatoren["status"] == VOORBEELD).any():
        return ""
    return (f"Indicatoren uit {opsomming([_SYNTH_TABELLEN[t] for t in synth])} zijn berekend op {SYNTH}e gegevens: "
            f"een voorbeeld van de berekening, geen uitspraak over de regio, en daarom niet beoordeeld (status "
            f"'{VOORBEELD}'). Vervang ze door eigen gegevens voordat u het dossier gebruikt.")


_DOEL_NOTE = (f"Een doel met de doelbron '{STANDAARD_DOEL}' is een standaardwaarde uit het kaderbestand van "
              "regio_analysis; een doel uit de ambitie van de regio staat er met zijn bron bij. Een doel met een doeljaar "
              "wordt vóór dat jaar vergeleken met de rechte lijn ernaartoe (op koers / niet op koers / koers onbekend).")


def _doel_tekst(doel: str, doeljaar) -> str:
    """The target as shown in the template: ``"≥ 100% in 2030"``."""
    return doel if doeljaar is None or pd.isna(doeljaar) or doel in ("", "–") else f"{doel} in {int(doeljaar)}"


def _indicatoren(d: Dossier, waarborg_id: str) -> pd.DataFrame:
    """The dossier's indicator rows of one waarborg, in the order of ``d.tabel(waarborg_id)``."""
    return d.indicatoren[d.indicatoren["waarborg_id"] == waarborg_id]


def _status_tekst(status: str, koers: str) -> str:
    return f"{status}: {koers}" if koers else status


def write_workbook(d: Dossier, path: str | Path) -> Path:
    """Excel workbook of the dossier: an overview, a sheet per waarborg (indicator, value,
    target with its year and source, status, course towards the target year, trend, source,
    evidence; then the quotes and reflection questions), the missing evidence, the peer-review
    cycle and the Samen Opleiden coverage."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    title = Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    fills = {s: PatternFill("solid", fgColor=c.lstrip("#")) for s, c in STATUS_KLEUREN.items()}
    wb = Workbook()
    used: set[str] = set()

    def header(ws, row, names):
        for j, n in enumerate(names, 1):
            ws.cell(row, j, n).font = bold

    def widths(ws, cols):
        for letter, w in cols.items():
            ws.column_dimensions[letter].width = w

    ws = wb.active
    ws.title = _sheet_title("Overzicht", used)
    ws["A1"] = f"Bewijsdossier peer review — {d.naam}"
    ws["A1"].font = title
    info = [("Regio", f"{d.naam} ({d.regio_id})"), ("Kader", f"{d.kader.naam} (versie {d.kader.versie})"),
            ("Kaderbestand", Path(d.kader.path).name if d.kader.path else ""), ("Peiljaar", d.peiljaar),
            ("Cyclus peer review (jaar)", d.kader.cyclus_jaren), ("Gemaakt met", f"regio_analysis {__version__}"),
            ("Synthetische tabellen", ", ".join(d.synthetisch) or "geen"),
            ("Synthetische indicatoren", _synth_note(d) or "geen"), ("Doelen", _DOEL_NOTE)]
    for i, (k, v) in enumerate(info, 3):
        ws.cell(i, 1, k).font = bold
        ws.cell(i, 2, v).alignment = wrap
    r0 = len(info) + 4
    header(ws, r0, ["Waarborg", "Te controleren"] + list(STATUSSEN))
    counts = d.status_counts()
    for i, w in enumerate(d.kader.waarborgen, r0 + 1):
        ws.cell(i, 1, w.titel)
        ws.cell(i, 2, "ja" if w.te_controleren else "nee")
        for j, s in enumerate(STATUSSEN, 3):
            ws.cell(i, j, int(counts.loc[w.id, s]) if w.id in counts.index else 0)
    widths(ws, {"A": 40, "B": 60, "C": 12, "D": 12, "E": 12, "F": 14, "G": 14, "H": 14, "I": 22, "J": 12})

    cols = ["Criterium", "Indicator", "Waarde", "Eenheid", "Doel", "Doeljaar", "Doelbron", "Status", "Koers", "Trend",
            "Bron", "Bewijs"]
    for w in d.kader.waarborgen:
        ws = wb.create_sheet(_sheet_title(f"{w.id} {w.naam}", used))
        ws["A1"] = w.titel
        ws["A1"].font = title
        ws["A2"] = w.beschrijving
        ws["A2"].alignment = Alignment(wrap_text=False)
        row = 3
        if w.te_controleren:
            ws.cell(row, 1, "Let op: deze waarborg is nog te controleren tegen de officiële tekst van het kwaliteitskader.").font = Font(italic=True)
            row += 1
        row += 1
        header(ws, row, cols)
        ind = d.indicatoren[d.indicatoren["waarborg_id"] == w.id]
        for r in ind.itertuples(index=False):
            row += 1
            values = [f"{r.criterium_id} {r.criterium}", r.indicator, None if pd.isna(r.waarde) else float(r.waarde),
                      r.eenheid, float(r.doel), None if pd.isna(r.doeljaar) else int(r.doeljaar), r.doel_bron, r.status,
                      r.koers, r.trend, r.bron, r.bewijs or r.ontbreekt]
            for j, v in enumerate(values, 1):
                cell = ws.cell(row, j, v)
                cell.alignment = wrap
            ws.cell(row, cols.index("Status") + 1).fill = fills[r.status]
            if r.eenheid in ("procent", "eur"):
                for j in (3, 5):
                    ws.cell(row, j).number_format = "0.0" if r.eenheid == "procent" else "#,##0"
        if ind.empty:
            row += 1
            ws.cell(row, 1, "Geen berekende indicatoren in het kader voor deze waarborg.")
        row += 2
        ws.cell(row, 1, "Kwalitatief bewijs (geanonimiseerde citaten)").font = bold
        row += 1
        header(ws, row, ["Code", "Document", "Citaat"])
        q = d.citaten(w.id)
        for r in q.itertuples(index=False):
            row += 1
            for j, v in enumerate([r.code, r.document, r.citaat], 1):
                ws.cell(row, j, v).alignment = wrap
        if q.empty:
            row += 1
            ws.cell(row, 1, "Geen tekstfragmenten gevonden.")
        row += 2
        ws.cell(row, 1, "Ontbrekend bewijs").font = bold
        for r in d.ontbrekend_voor(w.id).itertuples(index=False):
            row += 1
            ws.cell(row, 1, r.onderdeel)
            ws.cell(row, 2, r.ontbreekt).alignment = wrap
        row += 2
        ws.cell(row, 1, "Reflectievragen (in te vullen door het partnerschap)").font = bold
        for vraag in w.reflectievragen:
            row += 1
            ws.cell(row, 1, vraag)
        widths(ws, {"A": 34, "B": 34, "C": 40, "D": 10, "E": 10, "F": 10, "G": 40, "H": 22, "I": 40, "J": 36,
                    "K": 40, "L": 70})

    ws = wb.create_sheet(_sheet_title("Ontbrekend bewijs", used))
    header(ws, 1, ["Waarborg", "Onderdeel", "Wat ontbreekt"])
    for i, r in enumerate(d.ontbrekend.itertuples(index=False), 2):
        for j, v in enumerate([f"{r.waarborg_id} {r.waarborg}", r.onderdeel, r.ontbreekt], 1):
            ws.cell(i, j, v).alignment = wrap
    widths(ws, {"A": 32, "B": 40, "C": 90})

    ws = wb.create_sheet(_sheet_title("Peer-reviewcyclus", used))
    header(ws, 1, ["Partnerschap", "Soort", "Laatste peer review", "Soort laatste peer review", "Gepland",
                   "Gepland met", "Uiterlijk (cyclus)", "Volgende", "Status"])
    for i, r in enumerate(d.cyclus.itertuples(index=False), 2):
        jaar = lambda v: None if pd.isna(v) else int(v)  # noqa: E731
        vals = [r.naam, r.soort, jaar(r.laatste_peer_review), r.laatste_soort, jaar(r.gepland), r.via,
                jaar(r.uiterlijk), jaar(r.volgende), r.status]
        for j, v in enumerate(vals, 1):
            ws.cell(i, j, v)
    if d.cyclus.empty:
        ws.cell(2, 1, "Geen partnerschappen bekend.")
    widths(ws, {"A": 40, "B": 18, "C": 18, "D": 22, "E": 10, "F": 34, "G": 16, "H": 10, "I": 20})

    if d.dekking is not None and not d.dekking.summary.empty:
        ws = wb.create_sheet(_sheet_title("Samen Opleiden", used))
        s = d.dekking.summary
        names = ["instituut", "jaar", "studenten_totaal", "studenten_partnerschap", "aandeel_partnerschap",
                 "nog_te_plaatsen", "bekostiging_huidig_eur", "extra_bekostiging_eur", "bekostiging_bij_100_procent_eur"]
        header(ws, 1, names)
        for i, r in enumerate(s[names].itertuples(index=False), 2):
            for j, v in enumerate(r, 1):
                ws.cell(i, j, v.item() if hasattr(v, "item") else v)
            ws.cell(i, 5).number_format = "0.0"
        row = len(s) + 3
        ws.cell(row, 1, f"Bedrag per student: {_eur(d.dekking.per_student_eur)}")
        meld = d.dekking.meldingen()
        for m in meld:
            row += 1
            ws.cell(row, 1, m).font = Font(bold=True, color="B00000")
        widths(ws, {c: 18 for c in "ABCDEFGHI"})

    guard_workbook(wb)  # text from data that starts with = + - @ stays text, never a formula
    with atomic_write(path, "wb") as fh:
        wb.save(fh)
    return Path(path)


def _md_cell(text: Any) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def _md(text: Any) -> str:
    """Text from data as Markdown text: raw HTML escaped, no link syntax (no javascript: link)."""
    return markdown_text(text)


def self_evaluation_markdown(d: Dossier) -> str:
    """The self-evaluation template in Markdown: per waarborg the evidence (indicators,
    quotes, missing evidence) and the reflection questions, with the reflection left open.
    Every text from data or the framework file is escaped (:func:`_md`)."""
    lines = [f"# Zelfevaluatie Samen Opleiden — {_md(d.naam)}", "",
             f"Ontwikkelingsgerichte peer review · kader: *{_md(d.kader.naam)}* (versie {_md(d.kader.versie)}) · "
             f"peiljaar {d.peiljaar} · opgesteld met regio_analysis {__version__}", "",
             "> Dit sjabloon is vooraf ingevuld met het bewijs uit de gegevens en documenten van de regio. "
             "De kritische reflectie per waarborg schrijft het partnerschap zelf; het panel van peers bespreekt die "
             "tijdens het bezoek.", ""]
    note = _synth_note(d)
    if note:
        lines += [f"> **Let op:** {_md(note[0].lower() + note[1:])}", ""]
    lines += [f"> **Doelen:** {_md(_DOEL_NOTE)}", ""]
    for w in d.kader.waarborgen:
        lines += [f"## {_md(w.titel)}", "", _md(w.beschrijving), ""]
        if w.te_controleren:
            lines += ["_Deze waarborg is nog te controleren tegen de officiële tekst van het kwaliteitskader._", ""]
        if w.criteria:
            lines += ["**Criteria**", ""] + [f"- {_md(c.id)} {_md(c.naam)}" + (f": {_md(c.beschrijving)}" if c.beschrijving else "")
                                              for c in w.criteria] + [""]
        lines += ["### Wat de gegevens laten zien", ""]
        t = tabel_tekst(d.tabel(w.id))  # values in their unit, targets as "≥ 80%", in Dutch notation
        if t.empty:
            lines += ["_Geen berekende indicatoren voor deze waarborg._", ""]
        else:
            lines += ["| Indicator | Waarde | Doel | Doelbron | Status | Trend | Bron | Toelichting |",
                      "|---|---|---|---|---|---|---|---|"]
            lines += [f"| {_md_cell(r.indicator)} | {_md_cell(r.waarde)} | {_md_cell(_doel_tekst(r.doel, n.doeljaar))} | "
                      f"{_md_cell(r.doelbron)} | {_md_cell(_status_tekst(r.status, n.koers))} | {_md_cell(r.trend)} | "
                      f"{_md_cell(r.bron)} | {_md_cell(r.bewijs)} |"
                      for r, n in zip(t.itertuples(index=False), _indicatoren(d, w.id).itertuples(index=False))]
            lines += [""]
        lines += ["### Wat de documenten laten zien", ""]
        q = d.citaten(w.id)
        if q.empty:
            lines += ["_Geen tekstfragmenten gevonden._", ""]
        else:
            lines += [f"- “{_md(r.citaat)}” — {_md(r.document)} (code {_md(r.code)})" for r in q.itertuples(index=False)] + [""]
        o = d.ontbrekend_voor(w.id)
        if not o.empty:
            lines += ["### Ontbrekend bewijs", ""] + [f"- {_md(r.onderdeel)}: {_md(r.ontbreekt)}" for r in o.itertuples(index=False)] + [""]
        lines += ["### Reflectie van het partnerschap", ""]
        if w.reflectievragen:
            lines += [f"{i}. {_md(v)}" for i, v in enumerate(w.reflectievragen, 1)] + [""]
        lines += ["_In te vullen door het partnerschap._", "", "**Sterke punten:** …", "", "**Ontwikkelpunten:** …", ""]
    return "\n".join(lines)


def write_self_evaluation_docx(d: Dossier, path: str | Path) -> Path:
    """The self-evaluation template as a Word document (same content as the Markdown)."""
    import docx

    doc = docx.Document()
    doc.core_properties.title = f"Zelfevaluatie Samen Opleiden — {d.naam}"
    doc.core_properties.author = "regio_analysis"
    doc.add_heading(f"Zelfevaluatie Samen Opleiden — {d.naam}", level=0)
    doc.add_paragraph(f"Ontwikkelingsgerichte peer review · kader: {d.kader.naam} (versie {d.kader.versie}) · "
                      f"peiljaar {d.peiljaar} · opgesteld met regio_analysis {__version__}")
    doc.add_paragraph().add_run("Dit sjabloon is vooraf ingevuld met het bewijs uit de gegevens en documenten van de "
                                "regio. De kritische reflectie per waarborg schrijft het partnerschap zelf.").italic = True
    note = _synth_note(d)
    if note:
        doc.add_paragraph().add_run(f"Let op: {note[0].lower()}{note[1:]}").bold = True
    doc.add_paragraph().add_run(f"Doelen: {_DOEL_NOTE}").italic = True
    for w in d.kader.waarborgen:
        doc.add_heading(w.titel, level=1)
        doc.add_paragraph(w.beschrijving)
        if w.te_controleren:
            doc.add_paragraph().add_run("Deze waarborg is nog te controleren tegen de officiële tekst van het "
                                        "kwaliteitskader.").italic = True
        for c in w.criteria:
            doc.add_paragraph(f"{c.id} {c.naam}" + (f": {c.beschrijving}" if c.beschrijving else ""), style="List Bullet")
        doc.add_heading("Wat de gegevens laten zien", level=2)
        t = tabel_tekst(d.tabel(w.id))
        if t.empty:
            doc.add_paragraph("Geen berekende indicatoren voor deze waarborg.")
        else:
            koppen = ["Indicator", "Waarde", "Doel", "Doelbron", "Status", "Trend", "Bron", "Toelichting"]
            table = doc.add_table(rows=1, cols=len(koppen))
            table.style = "Table Grid"
            for cell, n in zip(table.rows[0].cells, koppen):
                cell.text = n
                cell.paragraphs[0].runs[0].bold = True
            for r, n in zip(t.itertuples(index=False), _indicatoren(d, w.id).itertuples(index=False)):
                vals = [r.indicator, r.waarde, _doel_tekst(r.doel, n.doeljaar), r.doelbron, _status_tekst(r.status, n.koers),
                        r.trend, r.bron, r.bewijs]
                for cell, v in zip(table.add_row().cells, vals):
                    cell.text = str(v)
        doc.add_heading("Wat de documenten laten zien", level=2)
        q = d.citaten(w.id)
        if q.empty:
            doc.add_paragraph("Geen tekstfragmenten gevonden.")
        for r in q.itertuples(index=False):
            doc.add_paragraph(f"“{r.citaat}” — {r.document} (code {r.code})", style="List Bullet")
        o = d.ontbrekend_voor(w.id)
        if not o.empty:
            doc.add_heading("Ontbrekend bewijs", level=2)
            for r in o.itertuples(index=False):
                doc.add_paragraph(f"{r.onderdeel}: {r.ontbreekt}", style="List Bullet")
        doc.add_heading("Reflectie van het partnerschap", level=2)
        for v in w.reflectievragen:
            doc.add_paragraph(v, style="List Number")
        doc.add_paragraph().add_run("In te vullen door het partnerschap.").italic = True
        doc.add_paragraph("Sterke punten: …")
        doc.add_paragraph("Ontwikkelpunten: …")
    with atomic_write(path, "wb") as fh:
        doc.save(fh)
    return Path(path)


def bewaar(d: Dossier, output_dir: str | Path) -> list[Path]:
    """Write the workbook and the self-evaluation template (Markdown, DOCX) to
    ``<output_dir>/peer_review/``; nothing when ``output_dir`` is empty."""
    if not output_dir:
        return []
    folder = Path(output_dir) / "peer_review"
    xlsx = write_workbook(d, folder / f"bewijsdossier_{d.regio_id}.xlsx")
    md = folder / f"zelfevaluatie_{d.regio_id}.md"
    with atomic_write(md) as fh:
        fh.write(self_evaluation_markdown(d))
    docx_path = write_self_evaluation_docx(d, folder / f"zelfevaluatie_{d.regio_id}.docx")
    return [xlsx, md, docx_path]


__all__ = ["bewaar", "self_evaluation_markdown", "write_self_evaluation_docx", "write_workbook"]
