"""Plan audit: every figure in a region's activity plan checked against the plan itself.

The plan is text as :func:`regio_analysis.io.documents.read_document` returns it (``.txt``,
``.md``, ``.docx``, ``.pdf``); nothing here opens a file.

* :mod:`.numbers`: Dutch numbers, ranges, years and words for shares;
* :mod:`.structure`: headings, tables, lists and sentences with their offsets;
* :mod:`.quantities`: :func:`extract_quantities`, every quantity with its unit and context;
* :mod:`.arithmetic` and :mod:`.checks`: :func:`audit`, the findings (``product``, ``som``,
  ``verdeling``, ``tegenstrijdig``, ``woord_getal``, ``jaarbereik``);
* :mod:`.regio`: the findings of kind ``gegevens``, a figure that differs from the region's data;
* :mod:`.plan`: :func:`audit_text`, a plan audited as a whole (:class:`PlanAudit`);
* :mod:`.chapter`: :func:`.chapter.audit_plan` (a plan file read and audited: the command
  ``regio-analysis audit``) and the chapter ``06_planaudit``'s Dutch text and tables.
"""
from regio_analysis.planaudit.checks import CHECKS, audit
from regio_analysis.planaudit.plan import PlanAudit, audit_text
from regio_analysis.planaudit.findings import FINDING_COLUMNS, KINDS
from regio_analysis.planaudit.quantities import COLUMNS as QUANTITY_COLUMNS
from regio_analysis.planaudit.quantities import extract_quantities
from regio_analysis.planaudit.structure import analyse

__all__ = ["audit", "audit_text", "PlanAudit", "extract_quantities", "analyse", "CHECKS", "KINDS", "FINDING_COLUMNS",
           "QUANTITY_COLUMNS"]
