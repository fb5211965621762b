"""Codebook files: reading a codebook YAML file (:func:`load_codebook`), writing one
(:func:`write_codebook`, atomically) and reading the codebook shipped with the package
(:func:`default_codebook`, ``regio_analysis/qualitative/default_codebook.yaml``). YAML is
parsed strictly by :mod:`regio_analysis.io.files`; building and checking the codebook
itself is :func:`regio_analysis.qualitative.codebook.codebook_from_dict`.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from regio_analysis.io.files import atomic_write, parse_yaml, read_yaml
from regio_analysis.qualitative.codebook import Codebook, codebook_from_dict

DEFAULT_CODEBOOK_FILE = "default_codebook.yaml"


def load_codebook(path: str | Path) -> Codebook:
    """Read a codebook YAML file; malformed YAML or content gives a DataError naming the file
    (and the line for YAML syntax errors)."""
    return codebook_from_dict(read_yaml(path), file=str(path))


def write_codebook(codebook: Codebook, path: str | Path) -> Path:
    """Write the codebook as YAML (:meth:`Codebook.to_yaml`) to ``path``, atomically."""
    with atomic_write(path) as fh:
        fh.write(codebook.to_yaml())
    return Path(path)


def default_codebook() -> Codebook:
    """The codebook shipped with the package (see ``default_codebook.yaml``)."""
    name = f"regio_analysis/qualitative/{DEFAULT_CODEBOOK_FILE}"
    text = resources.files("regio_analysis.qualitative").joinpath(DEFAULT_CODEBOOK_FILE).read_text(encoding="utf-8")
    return codebook_from_dict(parse_yaml(text, name), file=name)


__all__ = ["DEFAULT_CODEBOOK_FILE", "default_codebook", "load_codebook", "write_codebook"]
