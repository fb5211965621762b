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
the framework file. Qualitative evidence comes from the region's activity register (and an
optional folder of documents), coded with the qualitative package's codebook; each waarborg
names the codes that count as its evidence. Counts about people below 10 are suppressed;
indicators computed from synthetic tables are labelled *synthetisch*.
"""
from regio_analysis.peerreview.coverage import PER_STUDENT_EUR, CoverageResult, samen_opleiden_coverage
from regio_analysis.peerreview.cycle import PARTNERSCHAP_SOORTEN, peer_review_cycle
from regio_analysis.peerreview.evidence import Dossier, dossier, register_documents, trend_text
from regio_analysis.peerreview.framework import (
    BEREKENING_NAMEN,
    CYCLUS_JAREN,
    FRAMEWORK_FILE,
    OMZETTINGEN,
    RICHTINGEN,
    STATUS_KLEUREN,
    STATUSSEN,
    Criterium,
    Framework,
    Indicator,
    Waarborg,
    default_framework_path,
    indicator_status,
    parse_framework,
)
from regio_analysis.peerreview.indicators import (
    BEGELEIDER_GROEPEN,
    BEREKENINGEN,
    STUDENT_GROEPEN,
    SYNTH,
    Meting,
)

__all__ = [
    "BEGELEIDER_GROEPEN", "BEREKENINGEN", "BEREKENING_NAMEN", "CYCLUS_JAREN", "FRAMEWORK_FILE", "OMZETTINGEN",
    "PARTNERSCHAP_SOORTEN", "PER_STUDENT_EUR", "RICHTINGEN", "STATUSSEN", "STATUS_KLEUREN", "STUDENT_GROEPEN",
    "SYNTH", "CoverageResult", "Criterium", "Dossier", "Framework", "Indicator", "Meting", "Waarborg",
    "default_framework_path", "dossier", "indicator_status", "parse_framework", "peer_review_cycle",
    "register_documents", "samen_opleiden_coverage", "trend_text",
]
