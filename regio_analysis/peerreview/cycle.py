"""The peer-review cycle: when each partnership and teacher-training school had and will have
its peer review, judged at a reference year against the cycle of the framework (once every
six years unless the framework file says otherwise).
"""
from __future__ import annotations

import pandas as pd

from regio_analysis.peerreview.framework import CYCLUS_JAREN

#: kinds of rows in ``partnerschappen`` that hold a peer review
PARTNERSCHAP_SOORTEN = ("samen_opleiden", "opleidingsschool")


def peer_review_cycle(partnerschappen: pd.DataFrame, peiljaar: int, cyclus_jaren: int = CYCLUS_JAREN,
                      soorten: tuple[str, ...] = PARTNERSCHAP_SOORTEN) -> pd.DataFrame:
    """The peer-review cycle of each partnership (rows of ``soorten``) at ``peiljaar``.

    Columns: ``naam``, ``soort``, ``laatste_peer_review``, ``gepland`` (``peer_review_jaar``),
    ``uiterlijk`` (last review + ``cyclus_jaren``), ``volgende`` (the planned year, else the
    latest allowed one), ``status`` and ``op_schema``. Status: *op schema*; *te laat* (the
    cycle ran out, or a planned year passed without a recorded review); *later dan de cyclus*
    (planned after the latest allowed year); *niet gepland* (no review known or planned).
    """
    cols = ["naam", "soort", "laatste_peer_review", "gepland", "uiterlijk", "volgende", "status", "op_schema"]
    if partnerschappen is None or partnerschappen.empty:
        return pd.DataFrame(columns=cols)
    df = partnerschappen[partnerschappen["soort"].isin(soorten)]
    rows = []
    for r in df.sort_values("naam", kind="stable").itertuples(index=False):
        laatste = None if pd.isna(r.laatste_peer_review) else int(r.laatste_peer_review)
        gepland = None if pd.isna(r.peer_review_jaar) else int(r.peer_review_jaar)
        uiterlijk = laatste + cyclus_jaren if laatste is not None else None
        if laatste is None and gepland is None:
            status = "niet gepland"
        elif gepland is not None and gepland < peiljaar and (laatste is None or laatste < gepland):
            status = "te laat"
        elif gepland is not None and uiterlijk is not None and gepland > uiterlijk:
            status = "later dan de cyclus"
        elif gepland is None and uiterlijk is not None and uiterlijk < peiljaar:
            status = "te laat"
        else:
            status = "op schema"
        rows.append({"naam": r.naam, "soort": r.soort, "laatste_peer_review": laatste, "gepland": gepland,
                     "uiterlijk": uiterlijk, "volgende": gepland if gepland is not None else uiterlijk,
                     "status": status, "op_schema": status == "op schema"})
    out = pd.DataFrame(rows, columns=cols)
    for c in ("laatste_peer_review", "gepland", "uiterlijk", "volgende"):
        out[c] = out[c].astype("Int64")
    return out
