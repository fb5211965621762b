"""A region's data: the canonical tables (``schemas``), where regions live (``regions``),
loading and validating a region folder (``loading``), disclosure control and pseudonyms
(``privacy``) and calibrated synthetic microdata (``synthetic``).

Typical use::

    from regio_analysis.data import load_region
    region = load_region("noorderwijzer")          # RegionData: region.leerlingen, region.has("enquete")
"""
from regio_analysis.data.loading import load_region, validate_region
from regio_analysis.data.region import MICRODATA_TABLES, PERSON_ID_COLUMNS, RegionData, kengetal_rijen

__all__ = ["MICRODATA_TABLES", "PERSON_ID_COLUMNS", "RegionData", "kengetal_rijen", "load_region", "validate_region"]
