"""Reports: chapters as parameterised notebooks, a parallel papermill runner, HTML export."""
from regio_analysis.reporting.chapters import CHAPTERS, Chapter, Param, ParameterError, check_parameters
from regio_analysis.reporting.runner import build_region, run_batch

__all__ = ["CHAPTERS", "Chapter", "Param", "ParameterError", "check_parameters", "build_region", "run_batch"]
