"""regio_analysis: labour-market, retention and qualitative analyses for Dutch onderwijsregio's.

The package reads as the data flows, one room per step of the method::

    io/          every file read or written: DUO, CBS, YAML, documents, codings, REFI-QDA,
                 scenario and framework files, the dossier workbook and Word template
    data/        the canonical tables (schemas), where regions live (regions), load_region /
                 RegionData (loading, region), disclosure control (privacy), synthetic microdata
    workforce/   the SPP model and its rates from spells (model), the plan beside the
                 package (reconcile)                                   + chapter/ (01)
    retention/   Kaplan-Meier, Cox, discrete time, competing risks, spells  + chapter/ (03)
    causal/      checks, propensity, balance, estimators, censoring, survival, bootstrap,
                 sensitivity (E-values)
    induction/   the target-trial study on top of causal (study)            + chapter.py (04)
    qualitative/ documents, codebook, autocode, reliability, analysis, plans + chapter.py (02)
    peerreview/  framework, coverage, cycle, indicators, evidence           + chapter.py (05)
    planaudit/   every figure of a plan with its context (quantities), checked against the plan
                 itself (checks) and the region's data (regio)             + chapter.py (06)
    overview/    who the region is and its key figures                     chapter.py (00),
                 the annex of every published figure                       annex.py   (07)
    report/      the one Dutch formatter (format), the figure theme and helpers (figures),
                 the display of tables and figures in a notebook (tables)
    reporting/   the chapter registry, the batch runner, HTML, the output folder's safety
    cli.py       the ``regio-analysis`` command (also ``python -m regio_analysis``)

Rules (``tests/test_layout.py`` checks the first two):

* **No import cycle**, **no module over 800 lines**, at most eight modules at the top level.
* **Only ``io`` touches files.** No other module opens, writes, moves or deletes a file itself; it
  calls ``regio_analysis.io``. Model modules (everything except ``chapter.py``, ``data``, ``report``,
  ``reporting`` and ``cli``) do not import ``io`` at all: they take and return objects and frames.
* **Models** take tidy DataFrames and return tidy DataFrames or result objects with ``.summary``
  (numbers, a documented reference level), ``.plot(ax=None)`` returning the Axes, and the fitted
  library object kept as an attribute. No Dutch prose, no formatting.
* **A chapter** (``<capability>/chapter.py``, or a ``chapter/`` package) turns results into what its
  notebook shows: figures (an Axes, or None when the data are missing: the reading then says so in
  one visible "geen gegevens" note), Dutch readings (``lezing_*``) and tables. It has one class,
  ``Hoofdstuk``, holding the region and the chapter's parameters and computing each result once;
  the notebook makes one object of it, so chapters joined in one kernel share no other names.
* **Tables are numeric** (numbers, Dutch headers) and declare how a column is shown with
  ``report.format.kolommen``; ``report.tables.toon_tabel`` shows them through the one formatter
  (decimal comma, thousands point, percentages, intervals, ``–`` for missing) and keeps the
  numbers (rounded as shown) in ``tabellen/<naam>.csv``. Numbers in text go through
  ``report.format`` too.
* **Notebooks stay thin**: a ``parameters`` cell of literals, then one chapter object and calls on
  it; no logic a test cannot reach.
"""
from regio_analysis.errors import DataError, Problem

__version__ = "0.1.0"

__all__ = ["DataError", "Problem", "__version__"]
