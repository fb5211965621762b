"""regio_analysis: labour-market, retention and qualitative analyses for Dutch onderwijsregio's."""
from regio_analysis.errors import DataError, Problem

__version__ = "0.1.0"

__all__ = ["DataError", "Problem", "__version__"]
