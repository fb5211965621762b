"""Qualitative analysis: documents, codebooks, auto-coding, manual coding exchange
(CSV/XLSX, REFI-QDA), inter-coder reliability and cross-region comparison.

Typical use::

    from regio_analysis import qualitative as q

    docs = q.load_documents("mijn_plannen/", regio_id="noorderwijzer", soort="plan")
    codings = q.auto_code(docs)                          # default codebook, sentence units
    q.export_codings(codings, docs, "review.xlsx", review=True)   # for human review
    q.write_qdpx("project.qdpx", docs, codings, q.default_codebook())  # open in ATLAS.ti/NVivo/MAXQDA

Quality of the default codebook, measured against a hand-coded gold set of 240 sentences
from the four regional activity plans (``tests/data/gold_codes.csv``; the codebook was
written before the gold set was coded): precision 0.83 and recall 0.77 overall (micro,
193 gold codes); for the five themes 0.84 / 0.76, from *begeleiden* (0.92 / 0.96) to
*werven* (0.86 / 0.38). Per code: ``tests/test_qualitative_autocode.py``. Check automatic
codes before drawing conclusions: export them for review with ``export_codings(...,
review=True)``.
"""
from regio_analysis.qualitative.analysis import (
    Chi2Result,
    anonymise,
    chi2_test,
    code_by_group,
    code_frequencies,
    cooccurrence,
    cooccurrence_matrix,
    heatmap,
    quote_table,
)
from regio_analysis.qualitative.autocode import (
    auto_code,
    code_answers,
    precision_recall,
    tokenize,
)
from regio_analysis.qualitative.codebook import (
    Code,
    Codebook,
    default_codebook,
    load_codebook,
)
from regio_analysis.qualitative.coding_io import export_codings, import_codings
from regio_analysis.qualitative.documents import (
    document_table,
    documents_from_answers,
    load_documents,
    normalise_text,
    read_document,
    segment,
)
from regio_analysis.qualitative.plans import (
    abc_profile,
    profile_from_codings,
    theme_profile,
    timeline,
)
from regio_analysis.qualitative.refiqda import (
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from regio_analysis.qualitative.reliability import (
    bootstrap_ci,
    cohen_kappa,
    disagreements,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    reliability_by_code,
)

__all__ = [
    "Chi2Result",
    "Code",
    "Codebook",
    "abc_profile",
    "anonymise",
    "auto_code",
    "bootstrap_ci",
    "chi2_test",
    "code_answers",
    "code_by_group",
    "code_frequencies",
    "cohen_kappa",
    "cooccurrence",
    "cooccurrence_matrix",
    "default_codebook",
    "disagreements",
    "document_table",
    "documents_from_answers",
    "export_codings",
    "fleiss_kappa",
    "heatmap",
    "import_codings",
    "krippendorff_alpha",
    "load_codebook",
    "load_documents",
    "normalise_text",
    "percent_agreement",
    "precision_recall",
    "profile_from_codings",
    "quote_table",
    "read_document",
    "read_qdc",
    "read_qdpx",
    "reliability_by_code",
    "segment",
    "theme_profile",
    "timeline",
    "tokenize",
    "write_qdc",
    "write_qdpx",
]
