"""Quality-framework files of the peer review: reading and checking a framework YAML
(:func:`load_framework`, default the shipped ``kwaliteitskader.yaml``). YAML is parsed strictly
by :mod:`regio_analysis.io.files`; checking and converting the mapping is
:func:`regio_analysis.peerreview.framework.parse_framework`.
"""
from __future__ import annotations

from pathlib import Path

from regio_analysis.io.files import read_yaml
from regio_analysis.peerreview.framework import Framework, default_framework_path, parse_framework


def load_framework(path: str | Path | None = None) -> Framework:
    """Read and check a framework YAML (default: the shipped ``kwaliteitskader.yaml``).

    Every problem is reported at once as a DataError naming the file and the key
    (``waarborgen[W2].criteria[W2.1].indicatoren[samen_opleiden_dekking].richting``).
    """
    p = Path(path) if path else default_framework_path()
    name = str(p)
    return parse_framework(read_yaml(p), name)


__all__ = ["load_framework"]
