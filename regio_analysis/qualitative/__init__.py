"""Qualitative analysis, the model: documents as text and their units, codebooks,
auto-coding, inter-coder reliability, cross-region comparison and activity-plan profiles.
Reading and writing files (documents, codebook YAML, manual codings as CSV/XLSX, REFI-QDA
projects) is in :mod:`regio_analysis.io` (``io.documents``, ``io.codebook``, ``io.codings``,
``io.refiqda``); the notebook chapter is :mod:`regio_analysis.qualitative.chapter`.

Typical use::

    from regio_analysis import qualitative as q
    from regio_analysis.io import codings, refiqda
    from regio_analysis.io.codebook import default_codebook
    from regio_analysis.io.documents import load_documents

    docs = load_documents("mijn_plannen/", regio_id="noorderwijzer", soort="plan")
    codebook = default_codebook()
    coded = q.auto_code(docs, codebook)                  # sentence units
    codings.export_codings(coded, docs, "review.xlsx", review=True)   # for human review
    refiqda.write_qdpx("project.qdpx", docs, coded, codebook)  # open in ATLAS.ti/NVivo/MAXQDA

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
    codebook_from_dict,
    normalise_path,
)
from regio_analysis.qualitative.documents import (
    document_table,
    documents_from_answers,
    normalise_text,
    segment,
)
from regio_analysis.qualitative.plans import (
    abc_profile,
    profile_from_codings,
    theme_profile,
    timeline,
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
    "codebook_from_dict",
    "cohen_kappa",
    "cooccurrence",
    "cooccurrence_matrix",
    "disagreements",
    "document_table",
    "documents_from_answers",
    "fleiss_kappa",
    "heatmap",
    "krippendorff_alpha",
    "normalise_path",
    "normalise_text",
    "percent_agreement",
    "precision_recall",
    "profile_from_codings",
    "quote_table",
    "reliability_by_code",
    "segment",
    "theme_profile",
    "timeline",
    "tokenize",
]
