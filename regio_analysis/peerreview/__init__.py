"""Peer-review evidence: the quality framework as data, indicators computed from a region's
tables, and an evidence dossier per region for the *ontwikkelingsgerichte peer review* of
Samen Opleiden.

The model, one module per concern: ``framework`` (the framework as data, :func:`parse_framework`,
:func:`indicator_status`), ``coverage`` (Samen Opleiden coverage and funding checks),
``cycle`` (the peer-review cycle), ``indicators`` (the computations of :data:`BEREKENINGEN`)
and ``evidence`` (the :class:`Dossier` and :func:`dossier`). ``chapter`` holds the chapter:
the dossier built from files, the Dutch readings, figures and tables, and :class:`Hoofdstuk`, the
chapter of one region as its notebook shows it. Files are read and
written by ``regio_analysis.io.frameworks`` (``load_framework``) and ``regio_analysis.io.dossier``
(workbook and self-evaluation template). Typical use::

    from regio_analysis.data import load_region
    from regio_analysis.io.dossier import bewaar
    from regio_analysis.peerreview import chapter as peer

    region = load_region("po-noord-nederland", synthetic=True)
    d = peer.dossier(region)                      # default framework, activity register as text
    d.indicatoren                                  # one row per indicator: value, target, status, trend, source
    bewaar(d, "uitvoer")                           # workbook + self-evaluation template (md, docx)
    peer.Hoofdstuk(region).tabel_indicatoren("W1")  # the chapter as one object (notebook 05)

    from regio_analysis import peerreview
    peerreview.samen_opleiden_coverage(region.samen_opleiden, kengetallen=region.kengetallen).summary

The framework (``data/frameworks/kwaliteitskader.yaml``, replaceable) lists waarborgen →
criteria → indicators; each indicator names a computation of :data:`BEREKENINGEN`, a target,
a direction and the thresholds that turn a value into a status (*gehaald*, *bijna*, *niet
gehaald*, or *ontbreekt* when the region lacks the data). Statuses are always computed from
the framework file, and only for the region's own data: an indicator computed from synthetic
tables is a demonstration with status :data:`VOORBEELD` ("voorbeeld (synthetisch), niet
beoordeeld"), and a target with a year (``doeljaar``, or the year of the region's ambition)
is, before that year, compared with the straight line towards it (*op koers*, *niet op koers*,
*koers onbekend*; :func:`koers`). A target that is the framework file's own is a package
default, labelled :data:`STANDAARD_DOEL` wherever it is shown. Qualitative evidence comes from
the region's activity register (and an optional folder of documents), coded with the
qualitative package's codebook; each waarborg names the codes that count as its evidence.
Counts about people below 10 are suppressed.
"""
from regio_analysis.peerreview.coverage import PER_STUDENT_EUR, CoverageResult, samen_opleiden_coverage
from regio_analysis.peerreview.cycle import GEEN_JAAR, PARTNERSCHAP_SOORTEN, peer_review_cycle
from regio_analysis.peerreview.evidence import Dossier, dossier, koers_tekst, register_documents, trend_text
from regio_analysis.peerreview.framework import (
    BEOORDEELD,
    BEREKENING_NAMEN,
    CYCLUS_JAREN,
    FRAMEWORK_FILE,
    OMZETTINGEN,
    RICHTINGEN,
    STATUS_KLEUREN,
    STATUSSEN,
    VOORBEELD,
    Criterium,
    Framework,
    Indicator,
    Koers,
    Waarborg,
    beoordeel,
    default_framework_path,
    indicator_status,
    koers,
    parse_framework,
)
from regio_analysis.peerreview.indicators import (
    BEGELEIDER_GROEPEN,
    BEREKENINGEN,
    STANDAARD_DOEL,
    STUDENT_GROEPEN,
    SYNTH,
    Doel,
    Meting,
    doel,
)

__all__ = [
    "BEGELEIDER_GROEPEN", "BEOORDEELD", "BEREKENINGEN", "BEREKENING_NAMEN", "CYCLUS_JAREN", "FRAMEWORK_FILE",
    "GEEN_JAAR", "OMZETTINGEN", "PARTNERSCHAP_SOORTEN", "PER_STUDENT_EUR", "RICHTINGEN", "STANDAARD_DOEL", "STATUSSEN",
    "STATUS_KLEUREN", "STUDENT_GROEPEN", "SYNTH", "VOORBEELD", "CoverageResult", "Criterium", "Doel", "Dossier",
    "Framework", "Indicator", "Koers", "Meting", "Waarborg", "beoordeel", "default_framework_path",
    "doel", "dossier", "indicator_status", "koers", "koers_tekst", "parse_framework", "peer_review_cycle",
    "register_documents", "samen_opleiden_coverage", "trend_text",
]
