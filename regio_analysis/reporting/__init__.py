"""Reports: chapters as parameterised notebooks, a parallel papermill runner, HTML export."""
import sys


def _import_nbformat_without_iri_grammars() -> None:
    """Import nbformat (and with it jsonschema) without ``rfc3987_syntax``.

    jsonschema registers a checker for the ``iri`` formats when ``rfc3987_syntax`` can be
    imported, and that package compiles some 35 Earley grammars when it is imported: 2-4 s on a
    2-vCPU machine, in every process that builds reports (each ``regio-analysis batch``, each
    Dask worker). No notebook schema uses those formats, so while nbformat is imported here the
    package counts as absent (jsonschema then leaves ``iri`` unchecked, as it does when the
    package is not installed); afterwards it can be imported as usual. Nothing changes when
    jsonschema was imported before.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import nbformat  # noqa: F401
        return
    sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError
    try:
        import nbformat  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]


_import_nbformat_without_iri_grammars()

from regio_analysis.reporting.chapters import CHAPTERS, Chapter, Param, ParameterError, check_parameters  # noqa: E402
from regio_analysis.reporting.runner import build_region, run_batch  # noqa: E402

__all__ = ["CHAPTERS", "Chapter", "Param", "ParameterError", "check_parameters", "build_region", "run_batch"]
