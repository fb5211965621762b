"""The peer-review cycle: when each partnership and teacher-training school had and will have
its peer review, judged at a reference year against the cycle of the framework (once every
six years unless the framework file says otherwise).

A partnership that joins another one (it is named in that one's ``instellingen``, as the two
opleidingsscholen of Noorderwijzer are in the joint practice they form from September 2026)
and has no planned year of its own has its next peer review in the planned year of the
partnership it joins: the column ``via`` names that partnership.
"""
from __future__ import annotations

import pandas as pd

from regio_analysis.peerreview.framework import CYCLUS_JAREN

#: kinds of rows in ``partnerschappen`` that hold a peer review
PARTNERSCHAP_SOORTEN = ("samen_opleiden", "opleidingsschool")
#: the status of a partnership without a known year of a last or planned peer review
GEEN_JAAR = "geen jaar bekend"


def _leden(df: pd.DataFrame) -> dict[str, tuple[str, int]]:
    """Per partnership named in the ``instellingen`` of another row with a planned year: the
    name of that row and its planned year (the earliest, when several)."""
    out: dict[str, tuple[str, int]] = {}
    if "instellingen" not in df.columns:
        return out
    names = set(df["naam"].astype(str).str.strip())
    for r in df.sort_values("naam", kind="stable").itertuples(index=False):
        if pd.isna(r.peer_review_jaar):
            continue
        for lid in str(r.instellingen if pd.notna(r.instellingen) else "").split(";"):
            lid = lid.strip()
            if lid and lid in names and lid != r.naam:
                if lid not in out or int(r.peer_review_jaar) < out[lid][1]:
                    out[lid] = (str(r.naam), int(r.peer_review_jaar))
    return out


def peer_review_cycle(partnerschappen: pd.DataFrame, peiljaar: int, cyclus_jaren: int = CYCLUS_JAREN,
                      soorten: tuple[str, ...] = PARTNERSCHAP_SOORTEN) -> pd.DataFrame:
    """The peer-review cycle of each partnership (rows of ``soorten``) at ``peiljaar``.

    Columns: ``naam``, ``soort``, ``laatste_peer_review``, ``laatste_soort`` (its kind when the
    plan states it: ontwikkelingsgericht, beoordelingsgericht; else ""), ``gepland`` (``peer_review_jaar``,
    else the planned year of the partnership it joins), ``via`` (that partnership, else ""),
    ``uiterlijk`` (last review + ``cyclus_jaren``), ``volgende`` (the planned year, else the
    latest allowed one), ``status`` and ``op_schema``. Status: *op schema*; *te laat* (the
    cycle ran out, or a planned year passed without a recorded review); *later dan de cyclus*
    (planned after the latest allowed year); :data:`GEEN_JAAR` (no year of a last or planned
    review in the data: the region's plan names none).
    """
    cols = ["naam", "soort", "laatste_peer_review", "laatste_soort", "gepland", "via", "uiterlijk", "volgende", "status", "op_schema"]
    if partnerschappen is None or partnerschappen.empty:
        return pd.DataFrame(columns=cols)
    df = partnerschappen[partnerschappen["soort"].isin(soorten)]
    leden = _leden(df)
    rows = []
    for r in df.sort_values("naam", kind="stable").itertuples(index=False):
        laatste = None if pd.isna(r.laatste_peer_review) else int(r.laatste_peer_review)
        gepland = None if pd.isna(r.peer_review_jaar) else int(r.peer_review_jaar)
        via = ""
        if gepland is None and r.naam in leden:
            via, gepland = leden[r.naam]
        uiterlijk = laatste + cyclus_jaren if laatste is not None else None
        if laatste is None and gepland is None:
            status = GEEN_JAAR
        elif gepland is not None and gepland < peiljaar and (laatste is None or laatste < gepland):
            status = "te laat"
        elif gepland is not None and uiterlijk is not None and gepland > uiterlijk:
            status = "later dan de cyclus"
        elif gepland is None and uiterlijk is not None and uiterlijk < peiljaar:
            status = "te laat"
        else:
            status = "op schema"
        laatste_soort = str(getattr(r, "laatste_peer_review_soort", "") or "") if laatste is not None else ""
        laatste_soort = "" if laatste_soort == "nan" else laatste_soort
        rows.append({"naam": r.naam, "soort": r.soort, "laatste_peer_review": laatste, "laatste_soort": laatste_soort,
                     "gepland": gepland, "via": via,
                     "uiterlijk": uiterlijk, "volgende": gepland if gepland is not None else uiterlijk,
                     "status": status, "op_schema": status == "op schema"})
    out = pd.DataFrame(rows, columns=cols)
    for c in ("laatste_peer_review", "gepland", "uiterlijk", "volgende"):
        out[c] = out[c].astype("Int64")
    return out
