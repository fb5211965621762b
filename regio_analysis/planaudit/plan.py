"""A plan audited as a whole: :func:`audit_text` extracts its quantities, runs every check and, with a
region, compares it with the data; :class:`PlanAudit` holds what the command ``regio-analysis
audit`` and the chapter ``06_planaudit`` show (the file is read by :func:`.chapter.audit_plan`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.planaudit.checks import audit
from regio_analysis.planaudit.findings import FINDING_COLUMNS, KINDS
from regio_analysis.planaudit.quantities import extract_quantities
from regio_analysis.planaudit.regio import PROGNOSE, COMPARISON_COLUMNS, compare_with_data, reference_figures
from regio_analysis.planaudit.structure import analyse

#: the columns of ``planaudit.csv``: the findings, with their locations as text
CSV_COLUMNS = [c for c in FINDING_COLUMNS if c != "nrs"]
CSV_NAME = "planaudit.csv"
#: personal contact data kept out of quotations (the plan is public; its authors' e-mail is no finding)
CONTACT_KINDS = ("e-mailadres", "telefoonnummer")


def scrub_contacts(text: str) -> str:
    """``text`` with e-mail addresses and phone numbers replaced (``data.privacy.PII_PATTERNS``)."""
    from regio_analysis.data.privacy import PII_PATTERNS

    for kind, rx, placeholder in PII_PATTERNS:
        if kind in CONTACT_KINDS:
            text = rx.sub(placeholder, text)
    return text


@dataclass
class PlanAudit:
    """The audit of one plan: its ``findings`` (:func:`.checks.audit`), every ``quantities`` row,
    and with a region the ``comparisons`` with its data (:func:`.regio.compare_with_data`)."""

    bron: str
    titel: str  # from the document's metadata or its first heading; "" when it has neither
    tekst: str
    quantities: pd.DataFrame
    findings: pd.DataFrame
    comparisons: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COMPARISON_COLUMNS))
    regio_id: str = ""
    lagen: tuple[str, ...] = ()  # the data layers compared with ("gepubliceerd", "DUO")

    def per_soort(self) -> pd.DataFrame:
        """Findings per kind and severity (every kind a row, also those without findings; ``gegevens``
        only when the plan was compared with a region)."""
        kinds = [k for k in KINDS if k != "gegevens" or self.regio_id]
        counts = (self.findings.groupby(["soort", "ernst"]).size().unstack(fill_value=0)
                  if not self.findings.empty else pd.DataFrame())
        out = pd.DataFrame(index=pd.Index(kinds, name="soort"))
        for grade in ("hoog", "middel", "laag"):
            out[grade] = counts[grade].reindex(kinds, fill_value=0).astype(int) if grade in counts else 0
        out["totaal"] = out.sum(axis=1)
        return out.reset_index()

    def csv_table(self) -> pd.DataFrame:
        """The findings as ``planaudit.csv`` has them: one row each, locations as ``start-einde``
        text (character offsets in the plan's text), contact data out of the quotations, and described for the report's privacy audit
        (no column counts people)."""
        from regio_analysis.data.privacy import describe

        df = self.findings.copy()
        df["locaties"] = df["locaties"].map(lambda locs: "; ".join(f"{a}-{b}" for a, b in locs))
        df["secties"] = df["secties"].map(lambda secs: " | ".join(s for s in secs if s))
        df["bewijs"] = df["bewijs"].map(scrub_contacts)
        return describe(df[CSV_COLUMNS], geen_aantallen=["waarde", "verwacht", "verschil", "start", "einde"])


def audit_text(text: str, *, bron: str = "<tekst>", titel: str = "", region: Any = None) -> PlanAudit:
    """The audit of a plan's text (see :func:`audit_plan`)."""
    if not isinstance(text, str) or not text.strip():
        raise DataError(Problem(bron, "het plan bevat geen tekst"))
    layout = analyse(text)
    quantities = extract_quantities(text, layout)
    findings = audit(text, quantities=quantities, bron=bron, region=region)
    result = PlanAudit(bron=bron, titel=titel, tekst=text, quantities=quantities, findings=findings)
    if region is not None:
        references = reference_figures(region)
        result.comparisons = compare_with_data(quantities, references)
        result.regio_id = region.regio_id
        result.lagen = tuple(laag for laag in dict.fromkeys(references["laag"]) if laag != PROGNOSE)
    return result


def plan_title(text: str) -> str:
    """The plan's title from its text: its first line when that is a Markdown heading (a .docx's
    headings are read as such too), else "" (the first line of a PDF's text is as often a running
    header or an instruction of a template as a title)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first.lstrip("#").strip()
    return title if first.startswith("# ") and len(title) <= 160 else ""
