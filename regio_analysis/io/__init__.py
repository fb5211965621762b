"""Loaders of real source formats, each returning canonical tables (see ``schemas``)."""
from regio_analysis.io.files import read_delimited, read_text, sha256_of

__all__ = ["read_delimited", "read_text", "sha256_of"]
