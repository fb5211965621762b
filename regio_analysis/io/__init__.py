"""Loaders of real source formats, each returning canonical tables (see ``schemas``)."""
from regio_analysis.io.cbs import cbs_to_kengetallen, read_cbs_odata_dir, read_cbs_statline_csv
from regio_analysis.io.duo import read_duo_leerlingen, read_duo_personeel
from regio_analysis.io.duo_adressen import duo_layout, read_duo, read_duo_vestigingen
from regio_analysis.io.files import read_delimited, read_text, sha256_of
from regio_analysis.io.mapping import read_vestiging_regio

__all__ = [
    "read_delimited", "read_text", "sha256_of",
    "read_duo_leerlingen", "read_duo_personeel", "read_duo_vestigingen", "read_duo", "duo_layout",
    "read_cbs_odata_dir", "read_cbs_statline_csv", "cbs_to_kengetallen",
    "read_vestiging_regio",
]
