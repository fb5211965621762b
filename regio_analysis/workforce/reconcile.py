"""From a region's published projection to the package's own, one convention at a time.

A published SPP table (``raming``) and the package's projection (:func:`model.project` on
:func:`model.inputs_from_region`) can differ a lot for the same region and years, not because
either is wrong but because they count differently. :func:`bridge` walks from the one to the
other and changes one thing per step, so that every difference gets a cause:

``gepubliceerd``
    the published values, as printed;
``nagerekend``
    recomputed with the publication's own conventions (:func:`model.published_inputs`): what
    remains against the print is rounding or the table contradicting itself;
``afronden``
    the package's rounding (none) instead of whole fte at every stage;
``saldo``
    the package's balance: shortages accumulated over the years (``cumulatief``) where the
    publication takes each year's net flow on its own (``per_jaar``);
``basis_stromen``
    the base of the in- and outflow rates (stock at the start of the year, or the year's demand);
``invoer``
    the package's own inputs: stock, demand drivers and ratios, base year, rates, fte per
    person and horizon. This is the package's projection itself.

A step the two do not differ in is left out. The frame is long (``stap, jaar, functiegroep,
indicator, waarde``); :func:`inputs_differences` lists what differs in the last step, as data.
"""
from __future__ import annotations

import dataclasses
from typing import TypedDict

import numpy as np
import pandas as pd

from regio_analysis.workforce.model import (
    _PUBLISHED, GROEPEN, WorkforceInputs, project, published_inputs,
)

STAPPEN = ("gepubliceerd", "nagerekend", "afronden", "saldo", "basis_stromen", "invoer")


def _saldo(inputs: WorkforceInputs) -> dict[str, str]:
    return {g: inputs.saldo.get(g, "cumulatief") for g in GROEPEN}


def bridge_inputs(region, inputs: WorkforceInputs) -> list[tuple[str, WorkforceInputs]]:
    """The inputs of each computed step (``nagerekend`` … ``invoer``), in order; a step whose
    convention is the same in both is left out. Raises ``model.NoPublishedMethod`` for a region
    without a described published projection."""
    current = published_inputs(region)
    steps = [("nagerekend", current)]
    if current.afronden != inputs.afronden:
        current = dataclasses.replace(current, afronden=inputs.afronden)
        steps.append(("afronden", current))
    if _saldo(current) != _saldo(inputs):
        current = dataclasses.replace(current, saldo=dict(inputs.saldo))
        steps.append(("saldo", current))
    if current.basis_stromen != inputs.basis_stromen:
        current = dataclasses.replace(current, basis_stromen=inputs.basis_stromen)
        steps.append(("basis_stromen", current))
    steps.append(("invoer", inputs))
    return steps


def bridge(region, inputs: WorkforceInputs) -> pd.DataFrame:
    """Every step from the published projection to the basis projection of ``inputs``.

    Returns ``stap, jaar, functiegroep, indicator, waarde``. The ``gepubliceerd`` rows are the
    printed values (a printed shortage is unsigned); the other steps are signed projections
    (basis scenario; a negative ``tekort_fte`` is a surplus).
    """
    ram = region.raming
    pub = ram[ram["indicator"].isin(_PUBLISHED) & ram["functiegroep"].isin(GROEPEN)]
    frames = [pd.DataFrame({"stap": "gepubliceerd", "jaar": pub["jaar"].astype(int),
                            "functiegroep": pub["functiegroep"], "indicator": pub["indicator"],
                            "waarde": pub["waarde"].astype(float)})]
    for name, inp in bridge_inputs(region, inputs):
        out = project(inp)
        frames.append(out.assign(stap=name)[["stap", "jaar", "functiegroep", "indicator", "waarde"]])
    return pd.concat(frames, ignore_index=True)


def last_common_year(table: pd.DataFrame) -> int | None:
    """The last year that the published table and the package's projection (``invoer``) share."""
    pub = set(table.loc[table["stap"] == "gepubliceerd", "jaar"])
    own = set(table.loc[table["stap"] == "invoer", "jaar"])
    common = pub & own
    return int(max(common)) if common else None


def step_totals(table: pd.DataFrame, year: int, indicator: str = "te_vervullen_fte") -> pd.DataFrame:
    """One row per step, a column per function group and ``totaal``: ``indicator`` in ``year``."""
    part = table[(table["jaar"] == year) & (table["indicator"] == indicator)]
    wide = part.pivot_table(index="stap", columns="functiegroep", values="waarde", aggfunc="first")
    wide = wide.reindex([s for s in STAPPEN if s in set(part["stap"])])
    wide = wide[[g for g in GROEPEN if g in wide.columns]]
    wide["totaal"] = wide.sum(axis=1, min_count=1)
    wide.columns.name = None
    return wide


class GroupDifference(TypedDict):
    """One function group in :func:`inputs_differences`: (published, package) of each."""

    voorraad: tuple[float, float]
    drijvers: tuple[tuple[str, ...], tuple[str, ...]]
    vraag_eerste_jaar: tuple[float, float]


class InputsDifferences(TypedDict):
    """What :func:`inputs_differences` returns: (published, package) of each, or whether they agree."""

    groepen: dict[str, GroupDifference]
    basisjaar: tuple[int, int]
    eerste_jaar: tuple[int, int]
    jaren: tuple[tuple[int, ...], tuple[int, ...]]
    tarieven_gelijk: bool
    fte_per_persoon: tuple[dict[str, float], dict[str, float]]
    leeftijden: bool


def inputs_differences(region, inputs: WorkforceInputs) -> InputsDifferences:
    """What the last step (``invoer``) changes, as data: per group the stock of both and the
    school types that drive demand in both; and whether base year, rates, fte per person and
    years differ."""
    pub = published_inputs(region)

    def drivers(inp: WorkforceInputs, g: str) -> tuple[str, ...]:
        part = inp.ratio[inp.ratio["functiegroep"] == g]
        return tuple(part["soort"]) if not part.empty else ()

    def demand0(inp: WorkforceInputs, g: str) -> float:
        out = project(dataclasses.replace(inp, jaren=(min(inp.jaren),), leeftijd=None))
        row = out[(out["functiegroep"] == g) & (out["indicator"] == "benodigd_fte")]
        return float(row["waarde"].iloc[0]) if not row.empty else np.nan

    groups = [g for g in GROEPEN if g in pub.voorraad or g in inputs.voorraad]
    rates_same = pub.tarieven.reset_index(drop=True).equals(inputs.tarieven.reset_index(drop=True))
    return {
        "groepen": {g: {"voorraad": (pub.voorraad.get(g, np.nan), inputs.voorraad.get(g, np.nan)),
                        "drijvers": (drivers(pub, g), drivers(inputs, g)),
                        "vraag_eerste_jaar": (demand0(pub, g), demand0(inputs, g))} for g in groups},
        "basisjaar": (pub.basisjaar, inputs.basisjaar),
        "eerste_jaar": (min(pub.jaren), min(inputs.jaren)),
        "jaren": (tuple(pub.jaren), tuple(inputs.jaren)),
        "tarieven_gelijk": bool(rates_same),
        "fte_per_persoon": (dict(pub.fte_per_persoon), dict(inputs.fte_per_persoon)),
        "leeftijden": inputs.leeftijd is not None and not inputs.leeftijd.empty,
    }
