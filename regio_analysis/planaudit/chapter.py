"""Chapter 06 (``notebooks/06_planaudit.ipynb``): the region's own activity plan audited, in Dutch.

The report has this chapter only when the region names its plan in ``regio.yaml`` (``plan:``, a
file in its folder; :func:`regio_analysis.data.regions.has_plan`). The findings are those of
:func:`audit_plan`, against the region's data too; this module words them for a programme
manager: what each kind of finding means, the plan's figure beside what the rest of the plan (or
the data) implies, the plan's own sentence as evidence, and which figures agreed with the data.
"""
from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.data.privacy import describe
from regio_analysis.data.provenance import berekend, berekend_uit_duo, gepubliceerd, markeer
from regio_analysis.data.regions import plan_path
from regio_analysis.planaudit.findings import KINDS
from regio_analysis.planaudit.plan import CSV_NAME, PlanAudit, audit_text, plan_title, scrub_contacts
from regio_analysis.planaudit.regio import GROEP_WOORDEN, LAGEN
from regio_analysis.report.format import MAX_RIJEN, Kolom, fmt_getal, kolommen, opsomming
from regio_analysis.report.tables import bijschrift

#: per kind of finding: its short name in the report and what the audit looks for
SOORTEN = {
    "product": ("Rekensom", "een bedrag of aantal dat niet gelijk is aan aantal × tarief, zoals het plan beide noemt"),
    "som": ("Optelling", "een totaal dat niet de som is van de delen die het plan ernaast noemt"),
    "verdeling": ("Verdeling", "percentages van één verdeling die samen niet op 100% uitkomen"),
    "tegenstrijdig": ("Tegenstrijdig", "hetzelfde cijfer (zelfde eenheid, onderwerp en jaar) op twee plaatsen met "
                                       "een andere waarde"),
    "woord_getal": ("Woord en getal", "een aandeel in woorden ('bijna een kwart') dat een getal over hetzelfde "
                                      "tegenspreekt"),
    "jaarbereik": ("Jaartal", "een jaartal buiten de periode die de zin, tabelcel of paragraaf zelf noemt"),
    "gegevens": ("Gegevens", "een cijfer dat verder dan de afronding afwijkt van de gegevens van de regio over "
                             "hetzelfde (eenheid, jaar, groep)"),
}
#: units shown after the number as they are named (``2.710 fte``, ``33.657 leerlingen``)
NAMED_UNITS = frozenset({"leerlingen", "studenten", "personen", "fte", "scholen", "besturen", "instellingen",
                         "vestigingen", "opleidingsscholen", "gemeenten", "banen"})
_NUMBER_RE = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
CITAAT_TEKENS = 240


def audit_plan(path: str | Path, *, region: Any = None) -> PlanAudit:
    """Read the plan at ``path`` (.pdf, .docx, .md, .txt: :func:`regio_analysis.io.documents.read_document`,
    which refuses an unreadable, empty or oversized file with a DataError naming it) and audit it;
    with ``region`` (a :class:`~regio_analysis.data.RegionData`) also against its data."""
    from regio_analysis.io.documents import read_document

    text, _created, title = read_document(path)
    return audit_text(text, bron=str(path), titel=title or plan_title(text), region=region)


def write_planaudit(result: PlanAudit, path: str | Path, *, privacy: bool = True) -> Path:
    """Write ``planaudit.csv`` (:meth:`.plan.PlanAudit.csv_table`, with text a spreadsheet would read as
    a formula made text) and, with ``privacy`` (in a report), the description the report's privacy audit
    reads beside it."""
    from regio_analysis.data.privacy import write_sidecar
    from regio_analysis.io.files import write_csv
    from regio_analysis.io.safe_text import spreadsheet_safe

    table = result.csv_table()
    safe = spreadsheet_safe(table)
    safe.attrs = dict(table.attrs)
    write_csv(safe, path)
    if privacy:
        write_sidecar(safe, path)
    return Path(path)


def waarde_tekst(value: float, unit: str) -> str:
    """A plan's figure in Dutch notation with its unit: ``27,7%``, ``€ 1.091.565``, ``2.710 fte``,
    ``2029`` (a year)."""
    if unit == "jaartal":
        return str(int(value))
    number = fmt_getal(value)
    if unit == "procent":
        return f"{number}%"
    if unit == "eur":
        return f"€\u00a0{number}"  # no line break between the sign and the amount
    return f"{number} {unit}" if unit in NAMED_UNITS else number


def berekening_tekst(regel: str, unit: str) -> str:
    """The audit's comparison (``regel``, numbers in machine notation) with its numbers in Dutch
    notation; years stay as they are."""
    if unit == "jaartal":
        return regel.replace("-", "–")
    return _NUMBER_RE.sub(lambda m: fmt_getal(float(m.group())), regel)


def citaat(bewijs: str, tekens: int = CITAAT_TEKENS) -> str:
    """The plan's sentences a finding rests on, as the report quotes them (contact data removed,
    at most ``tekens`` characters)."""
    text = scrub_contacts(str(bewijs))
    return text if len(text) <= tekens else text[:tekens].rstrip() + "…"


def _gewoon(text: str) -> str:
    """A title compared loosely: lower case, dashes alike, no spaces."""
    return re.sub(r"\s+", "", str(text).lower().replace("–", "-").replace("—", "-"))


class Hoofdstuk:
    """Chapter 06 for one region whose folder holds its plan. ``region`` is loaded as the report
    loads it (published tables and DUO layer, no synthetic data); ``resultaat`` reuses an audit."""

    def __init__(self, region, resultaat: PlanAudit | None = None):
        self.region = region
        self._resultaat = resultaat

    @cached_property
    def resultaat(self) -> PlanAudit | None:
        """The audit; None when the region names no plan (the batch then leaves the chapter out; a
        notebook opened on its own says so)."""
        if self._resultaat is not None:
            return self._resultaat
        path = plan_path(self.region.path) if self.region.path is not None else None
        return audit_plan(path, region=self.region) if path is not None else None

    @staticmethod
    def _plan(r: PlanAudit) -> str:
        """The plan by its title, or its file name when it has none."""
        return f"‘{r.titel}’" if r.titel else Path(r.bron).name

    # -- texts ---------------------------------------------------------------------------------------

    def inleiding(self) -> str:
        r = self.resultaat
        if r is None:
            return (f"{self.region.naam} noemt in haar regio.yaml geen eigen plan (de sleutel `plan:` met de naam "
                    "van het bestand in de map van de regio). Zonder plan is er niets te controleren; het rapport van "
                    "de regio heeft dit hoofdstuk daarom niet.")
        n, m = len(r.quantities), len(r.findings)
        titel = f", ‘{r.titel}’" if r.titel else ""
        tekst = (f"Dit hoofdstuk legt elk cijfer in het plan van de regio{titel} (het bestand {Path(r.bron).name} in de "
                 f"map van de regio) naast de rest van het plan. De controle vond {fmt_getal(n)} getallen, elk met zijn context "
                 f"(de eenheid waar het plan die noemt, het jaar, de zin of tabelcel en de paragraaf), en rekende na wat het plan zelf laat narekenen: bedragen en aantallen (aantal × "
                 f"tarief), totalen en hun delen, verdelingen die op 100% moeten uitkomen, hetzelfde cijfer op "
                 f"twee plaatsen, aandelen in woorden naast getallen, en jaartallen binnen de periode die het plan "
                 f"noemt. Daarnaast zijn de cijfers van het plan vergeleken met de gegevens van de regio "
                 f"({self._lagen_tekst(r)}). ")
        if m == 0:
            tekst += "Geen van deze controles leverde een bevinding op."
        else:
            tekst += (f"Dat leverde {m} {'bevinding' if m == 1 else 'bevindingen'} op. Een bevinding is een vraag "
                      "aan de opstellers van het plan, geen oordeel: soms verklaart de tekst eromheen het verschil "
                      "(een ander peiljaar, een andere afbakening). Elke bevinding citeert de zin of tabelcel uit "
                      "het plan, zodat ze daar na te lezen is.")
        return tekst + (" De controle meldt liever niets dan iets onjuists: ze vergelijkt alleen cijfers die het "
                        "plan allemaal zelf noemt, en alleen een verschil dat groter is dan de afronding toelaat. "
                        "Wat ze niet meldt, is dus niet bewezen juist.")

    @staticmethod
    def _lagen_tekst(r: PlanAudit) -> str:
        lagen = r.lagen
        if not lagen:
            return "de regio heeft geen tabellen met cijfers die de controle kan vergelijken"
        woorden = {"gepubliceerd": "de gepubliceerde tabellen van de regio",
                   "DUO": "de cijfers die het pakket uit de openbare bestanden van DUO voor de regio berekent"}
        return opsomming([woorden[laag] for laag in lagen])

    def lezing_bevindingen(self) -> str:
        if self.resultaat is None:
            return ""
        f = self.resultaat.findings
        if f.empty:
            return "Het plan bevat geen cijfers die elkaar of de gegevens van de regio tegenspreken."
        delen = []
        for kind in KINDS:
            n = int((f["soort"] == kind).sum())
            if n:
                delen.append(f"{n} × {SOORTEN[kind][0].lower()}")
        hoog = int((f["ernst"] == "hoog").sum())
        tekst = f"De bevindingen naar soort: {opsomming(delen)}. "
        if hoog:
            tekst += (f"Bij {hoog} van de {len(f)} is het verschil 5% of meer van het cijfer (ernst 'hoog'); "
                      "die verdienen als eerste een blik.")
        else:
            tekst += "Bij geen ervan is het verschil 5% of meer van het cijfer."
        if len(f) > MAX_RIJEN:
            tekst += (f" De tabel toont de eerste {MAX_RIJEN} in de volgorde van het plan; alle staan in "
                      "planaudit.csv.")
        return tekst

    def lezing_gegevens(self) -> str:
        if self.resultaat is None:
            return ""
        c = self.resultaat.comparisons
        if not self.resultaat.lagen:
            return ("De regio heeft geen tabellen met leerlingen, personeel of tellingen die de controle met het "
                    "plan kan vergelijken.")
        if c.empty:
            return ("Het plan noemt geen cijfer over het geheel van de regio in een jaar waarvoor de gegevens ook een "
                    "cijfer hebben; er viel niets te vergelijken.")
        ok = int(c["klopt"].sum())
        tekst = (f"De controle vergeleek {len(c)} {'cijfer' if len(c) == 1 else 'cijfers'} uit het plan met de "
                 f"gegevens van de regio over hetzelfde jaar en dezelfde groep; {ok} daarvan "
                 f"{'ligt' if ok == 1 else 'liggen'} binnen de afronding.")
        titel = self.resultaat.titel
        if titel and c["bron"].astype(str).map(_gewoon).str.startswith(_gewoon(titel)).any():
            tekst += (" Een deel van de gepubliceerde tabellen neemt zijn cijfers over uit dit plan zelf (de bron noemt "
                      "het); een verschil met zo'n cijfer betekent dat het plan hetzelfde op twee plaatsen anders noemt.")
        return tekst

    # -- tables --------------------------------------------------------------------------------------

    def tabel_overzicht(self) -> pd.DataFrame:
        """Per kind of finding: what it looks for and how many the plan has, by severity."""
        if self.resultaat is None:
            return pd.DataFrame()
        counts = self.resultaat.per_soort()
        out = pd.DataFrame({
            "soort": [SOORTEN[k][0] for k in counts["soort"]],
            "wat de controle zoekt": [SOORTEN[k][1] for k in counts["soort"]],
            "hoog": counts["hoog"], "middel": counts["middel"], "laag": counts["laag"], "totaal": counts["totaal"]})
        # counts of findings, not of people (the report's privacy audit reads this)
        describe(out, geen_aantallen=["hoog", "middel", "laag", "totaal"])
        return bijschrift(markeer(kolommen(out, **{c: Kolom("aantal") for c in ("hoog", "middel", "laag", "totaal")}),
                                  berekend(f"controle van de cijfers in {self._plan(self.resultaat)} door het pakket")),
                          "Bevindingen per soort controle en naar ernst")

    def tabel_bevindingen(self) -> pd.DataFrame:
        """The findings in the plan's order (at most :data:`MAX_RIJEN`), each with the plan's figure,
        what the plan (or the data) implies, the calculation, the section and the quotation."""
        if self.resultaat is None:
            return pd.DataFrame()
        f = self.resultaat.findings.head(MAX_RIJEN)
        if f.empty:
            return pd.DataFrame()
        out = pd.DataFrame({
            "bevinding": f["bevinding"].str.rsplit("-", n=1).str[-1].astype(int).map(str).radd(
                f["soort"].map(lambda k: SOORTEN[k][0].lower() + " ")),
            "ernst": f["ernst"],
            "in het plan": [waarde_tekst(v, u) for v, u in zip(f["waarde"], f["eenheid"])],
            "verwacht": [waarde_tekst(v, u) for v, u in zip(f["verwacht"], f["eenheid"])],
            "berekening": [berekening_tekst(r, u) + (f" ({g.split(' (bron:')[0]})" if g else "")
                           for r, u, g in zip(f["regel"], f["eenheid"], f["gegevens"])],
            "paragraaf": [next((s for s in secs if s), "–") for secs in f["secties"]],
            "citaat uit het plan": f["bewijs"].map(citaat),
        })
        herkomst = [gepubliceerd(self._plan(self.resultaat)), berekend("rekensommen en vergelijkingen van de controle")]
        if "DUO" in self.resultaat.lagen and (f["soort"] == "gegevens").any():
            herkomst.append(berekend_uit_duo(self.region))
        return bijschrift(markeer(out, *herkomst), "De bevindingen in de volgorde van het plan")

    def tabel_gegevens(self) -> pd.DataFrame:
        """Every plan figure compared with the region's data: the figure, year, group, the data's value
        and where it comes from, and whether they agree within the plan's rounding."""
        if self.resultaat is None or self.resultaat.comparisons.empty:
            return pd.DataFrame()
        c = self.resultaat.comparisons
        c = c.sort_values(["laag", "eenheid", "jaar", "nr"])
        out = pd.DataFrame({
            "cijfer in het plan": [waarde_tekst(v, u) for v, u in zip(c["waarde"], c["eenheid"])],
            "jaar": c["jaar"].astype(int),
            "groep": c["groep"].map(lambda g: GROEP_WOORDEN.get(g, g) or "totaal"),
            "in de gegevens": [waarde_tekst(v, u) for v, u in zip(c["gegevens_waarde"], c["eenheid"])],
            "binnen de afronding": c["klopt"].map({True: "ja", False: "nee"}),
            "gegevens": [f"{LAGEN[laag]}: {wat}" for laag, wat in zip(c["laag"], c["omschrijving"])],
            "bron van de gegevens": c["bron"].map(lambda b: b if len(b) <= 120 else b[:120] + "…"),
        }).reset_index(drop=True)
        herkomst = [gepubliceerd(self._plan(self.resultaat)), berekend("vergelijking met de gegevens van de regio")]
        if "DUO" in set(c["laag"]):
            herkomst.append(berekend_uit_duo(self.region))
        describe(out, geen_aantallen=["jaar"])
        return bijschrift(markeer(kolommen(out, jaar=Kolom("jaar")), *herkomst),
                          "Cijfers uit het plan naast de gegevens van de regio")

    def bewaar(self, output_dir: str = "") -> None:
        """Keep every finding as ``planaudit.csv`` in ``output_dir`` (nothing without it), with the
        description the report's privacy audit reads beside it."""
        if not output_dir or self.resultaat is None:
            return
        write_planaudit(self.resultaat, Path(output_dir) / CSV_NAME)
