"""From employment spells to analysis rows: durations, events, destinations, truncation.

:func:`prepare_spells` turns the canonical ``dienstverbanden`` table into one row per spell
with ``entry`` (left truncation), ``duration``, ``event``, ``event_type`` and ``start_jaar``;
:func:`to_person_period` and :func:`to_counting_process` reshape those rows for the
discrete-time model and for ``(start, stop]`` Cox input. Nothing here reads files.

Time is measured from the start of the spell (tenure), in years of 365.25 days or in months
of a twelfth of that. Spells that started before ``observatie_start`` are *left truncated*:
they are only observed because they were still running on that date, so they enter the risk
set at ``entry`` = tenure on ``observatie_start``, not at 0.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem, rows_from_index

DAYS_PER_YEAR = 365.25
UNITS = {"jaar": DAYS_PER_YEAR, "maand": DAYS_PER_YEAR / 12}
EXIT_FROM = ("bestuur", "school", "onderwijs")
MAX_GAP_DAYS = 31  # a new spell at the same board within this many days continues the old one

#: destination (``event_type``) of each ``reden_einde``
DESTINATIONS = {
    "andere school zelfde bestuur": "andere school",
    "ander bestuur in regio": "ander bestuur",
    "buiten regio": "ander bestuur",
    "buiten onderwijs": "buiten onderwijs",
    "pensioen": "pensioen",
    "": "onbekend",  # an end without a recorded reason
}
#: Dutch labels of the destinations, in display order
DESTINATION_LABELS = {
    "andere school": "andere school (zelfde bestuur)",
    "ander bestuur": "ander bestuur",
    "buiten onderwijs": "buiten het onderwijs",
    "pensioen": "pensioen",
    "onbekend": "reden onbekend",
}

COVARIATES = ("persoon_id", "bestuur_id", "vestigingscode", "functiegroep", "route", "bevoegd", "starter",
              "inductie", "inductie_intensiteit", "school_omvang", "leeftijd_start", "geslacht", "fte",
              "contract", "start")
REQUIRED = ("persoon_id", "bestuur_id", "start", "einde", "reden_einde", "observatie_einde")
SOURCE = "<dienstverbanden>"


def _check_choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r}: choose one of {tuple(allowed)}")


def _require(df: pd.DataFrame, columns: Sequence[str], file: str = SOURCE) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError([Problem(file, "kolom ontbreekt", column=c) for c in missing])


def _dates(df: pd.DataFrame, column: str, file: str = SOURCE) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(df[column]):  # a validated table's dates: nothing to check
        return df[column]
    values = pd.to_datetime(df[column], errors="coerce")
    bad = values.isna() & df[column].notna() & (df[column].astype(str).str.strip() != "")
    if bad.any():
        raise DataError(Problem(file, "geen geldige datum", column=column,
                                rows=rows_from_index(np.flatnonzero(bad.to_numpy()))))
    return values


def _merge_board_chains(d: pd.DataFrame, max_gap_days: int) -> pd.DataFrame:
    """Join consecutive spells of one person at one board into one spell.

    A spell continues the previous one when it starts at most ``max_gap_days`` after that
    one ended (or while it still ran). The chain keeps the first spell's covariates and
    ``start`` and takes ``einde`` and ``reden_einde`` from its last spell.
    """
    d = d.sort_values(["persoon_id", "bestuur_id", "start"], kind="stable")
    same = (d["persoon_id"].eq(d["persoon_id"].shift()) & d["bestuur_id"].eq(d["bestuur_id"].shift())).to_numpy()
    # the running latest end within a (person, board) group (an open spell ends at observatie_einde)
    prev_end = d["_end"].groupby([d["persoon_id"], d["bestuur_id"]], sort=False).cummax().shift()
    gap_ok = (d["start"] <= prev_end + pd.Timedelta(days=max_gap_days)).fillna(False).to_numpy()
    new_chain = ~(same & gap_ok)
    if new_chain.all():
        return d
    chain = np.cumsum(new_chain)
    d = d.assign(_chain=chain)
    last = d.groupby("_chain", sort=False).tail(1).set_index("_chain")
    first = d[new_chain].set_index("_chain")
    for col in ("einde", "reden_einde", "_end"):
        first[col] = last[col]
    first["_n_spells"] = d.groupby("_chain", sort=False).size()
    return first.reset_index(drop=True)


def prepare_spells(
    spells: pd.DataFrame,
    *,
    unit: str = "jaar",
    starters_only: bool = False,
    exit_from: str = "bestuur",
    observatie_start: str | pd.Timestamp = "2019-01-01",
    max_gap_days: int = MAX_GAP_DAYS,
) -> pd.DataFrame:
    """One analysis row per spell: ``entry``, ``duration``, ``event``, ``event_type``, ``start_jaar``.

    Parameters
    ----------
    spells:
        The ``dienstverbanden`` table (columns ``persoon_id, bestuur_id, start, einde,
        reden_einde, observatie_einde`` are required; covariates are kept when present).
    unit:
        ``"jaar"`` (365.25 days) or ``"maand"`` (a twelfth of that).
    starters_only:
        Keep only spells of starters (first job in education).
    exit_from:
        What counts as leaving: ``"bestuur"`` (the board: every ``reden_einde`` except
        *andere school zelfde bestuur*; consecutive spells at one board are joined first),
        ``"school"`` (any end of the spell) or ``"onderwijs"`` (only *buiten onderwijs*).
        Other ends are censored at the end of the spell.
    observatie_start:
        First day of observation; spells running on that day are left truncated
        (``entry`` > 0) and spells that ended on or before it are dropped.
    max_gap_days:
        With ``exit_from="bestuur"``: a spell at the same board starting at most this many
        days after the previous one ended continues it.

    Returns
    -------
    DataFrame with the covariate columns present in ``spells`` (persoon_id, bestuur_id,
    vestigingscode, functiegroep, route, bevoegd, starter, inductie, inductie_intensiteit,
    school_omvang, leeftijd_start, geslacht, fte, contract, start), ``einde`` and
    ``reden_einde``, and the added ``entry``, ``duration`` (always > ``entry``; a spell ending
    on its first day counts as one day), ``event`` (0/1), ``event_type``
    ("" when ``event`` is 0, else *andere school*, *ander bestuur*, *buiten onderwijs*,
    *pensioen*, or *onbekend* for an end without a reason) and ``start_jaar``. Sorted by
    ``persoon_id`` and ``start``. ``attrs`` records the settings and the dropped spells.
    """
    _check_choice("unit", unit, UNITS)
    _check_choice("exit_from", exit_from, EXIT_FROM)
    file = str(spells.attrs.get("bron_bestand", SOURCE)) if hasattr(spells, "attrs") else SOURCE
    _require(spells, REQUIRED, file)
    t0 = pd.Timestamp(observatie_start)
    d = spells.reset_index(drop=True).copy()
    d["start"] = _dates(d, "start", file)
    d["einde"] = _dates(d, "einde", file)
    d["observatie_einde"] = _dates(d, "observatie_einde", file)
    d["reden_einde"] = d["reden_einde"].fillna("").astype(str).str.strip()

    checks = (
        ("start", d["start"].isna(), "datum ontbreekt"),
        ("observatie_einde", d["observatie_einde"].isna(), "datum ontbreekt"),
        ("einde", d["einde"].notna() & (d["einde"] < d["start"]), "einde ligt voor start"),
        ("reden_einde", ~d["reden_einde"].isin(list(DESTINATIONS)),
         "onbekende reden; toegestaan: " + ", ".join(repr(r) for r in DESTINATIONS)),
        ("reden_einde", d["einde"].isna() & (d["reden_einde"] != ""), "reden_einde zonder einde"),
    )
    problems = [Problem(file, message, column=column, rows=rows_from_index(np.flatnonzero(bad.to_numpy())))
                for column, bad, message in checks if bad.any()]
    if problems:
        raise DataError(problems)

    # an end on or after observatie_einde without a reason is still employed (censored there)
    open_at_end = d["einde"].notna() & (d["einde"] >= d["observatie_einde"]) & (d["reden_einde"] == "")
    d.loc[open_at_end, "einde"] = pd.NaT
    d["_end"] = d["einde"].fillna(d["observatie_einde"]).where(lambda s: s <= d["observatie_einde"],
                                                               d["observatie_einde"])
    n_in = len(d)
    d["_n_spells"] = 1
    if exit_from == "bestuur":
        d = _merge_board_chains(d, max_gap_days)
    n_merged = n_in - len(d)
    if starters_only:
        if "starter" not in d.columns:
            raise DataError(Problem(file, "kolom ontbreekt (nodig voor starters_only)", column="starter"))
        d = d[d["starter"].fillna(False).astype(bool)]

    # not observable: started after the data end, or ended on/before observation started
    keep = (d["start"] <= d["observatie_einde"]) & (d["_end"] > t0)
    n_dropped = int((~keep).sum())
    d = d[keep]

    scale = UNITS[unit]
    ended = d["einde"].notna()
    reden = d["reden_einde"].where(ended, "")
    if exit_from == "bestuur":
        event = ended & (reden != "andere school zelfde bestuur")
    elif exit_from == "school":
        event = ended
    else:
        event = ended & (reden == "buiten onderwijs")
    out = d[[c for c in COVARIATES if c in d.columns]].copy()
    out["einde"] = d["einde"]
    out["reden_einde"] = reden
    out["entry"] = ((t0 - d["start"]).dt.days.clip(lower=0) / scale).astype(float)
    # a spell that ends on the day it starts counts as one day, so that duration > entry always
    out["duration"] = ((d["_end"] - d["start"]).dt.days.clip(lower=1) / scale).astype(float)
    out["event"] = event.astype(int)
    out["event_type"] = reden.map(DESTINATIONS).where(event, "").astype(object)
    out["start_jaar"] = d["start"].dt.year.astype(int)
    if exit_from == "bestuur":
        out["n_dienstverbanden"] = d["_n_spells"].astype(int)
    out = out.sort_values(["persoon_id", "start"], kind="stable").reset_index(drop=True)
    out.attrs = {
        "unit": unit, "exit_from": exit_from, "starters_only": starters_only,
        "observatie_start": str(t0.date()), "samengevoegd": n_merged, "weggelaten": n_dropped,
        "synthetisch": bool(spells.attrs.get("synthetisch", False)),
    }
    return out


# ----------------------------------------------------------------------------- reshaping


def to_counting_process(
    df: pd.DataFrame,
    duration: str = "duration",
    event: str = "event",
    *,
    entry: str | None = "entry",
    cuts: Sequence[float] | None = None,
    id_col: str | None = None,
) -> pd.DataFrame:
    """Counting-process rows ``(start, stop]`` with ``event`` on the last piece only.

    Without ``cuts`` each spell is one row from ``entry`` (0 when ``entry`` is None) to
    ``duration``. With ``cuts`` (times, e.g. ``range(1, 11)``), spells are split at those
    times: the input of a Cox model with time-varying covariates; splitting alone does not
    change a Cox fit. Adds ``start``, ``stop`` and ``id`` (the row's position in ``df``, or
    ``df[id_col]``); other columns are repeated.
    """
    _require(df, [duration, event] + ([entry] if entry else []), "<spells>")
    start = df[entry].to_numpy(float) if entry else np.zeros(len(df))
    stop = df[duration].to_numpy(float)
    bad = stop < start
    if bad.any():
        raise DataError(Problem("<spells>", f"{duration} kleiner dan {entry}", column=duration,
                                rows=rows_from_index(np.flatnonzero(bad))))
    ids = df[id_col].to_numpy() if id_col else np.arange(len(df))
    cut = np.unique(np.asarray(cuts if cuts is not None else [], float))
    # pieces per row: 1 + number of cuts strictly inside (start, stop)
    inside = (cut[None, :] > start[:, None]) & (cut[None, :] < stop[:, None]) if len(cut) else np.zeros((len(df), 0), bool)
    n_pieces = 1 + inside.sum(axis=1)
    row = np.repeat(np.arange(len(df)), n_pieces)
    piece = np.arange(len(row)) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    # bounds: start, the inside cuts in order, stop
    lo = start[row].copy()
    hi = stop[row].copy()
    if len(cut):
        first_cut = np.searchsorted(cut, start, side="right")  # index of first cut > start
        k = first_cut[row] + piece  # the cut that ends piece `piece`
        is_last = piece == n_pieces[row] - 1
        hi = np.where(is_last, stop[row], cut[np.minimum(k, len(cut) - 1)])
        lo = np.where(piece == 0, start[row], cut[np.minimum(k - 1, len(cut) - 1)])
    last = piece == n_pieces[row] - 1
    out = df.iloc[row].reset_index(drop=True)
    out["id"] = ids[row]
    out["start"] = lo
    out["stop"] = hi
    out[event] = np.where(last, df[event].to_numpy()[row], 0).astype(int)
    if "event_type" in out.columns:
        out["event_type"] = np.where(last, out["event_type"].to_numpy(), "")
    return out


def to_person_period(
    df: pd.DataFrame,
    duration: str = "duration",
    event: str = "event",
    *,
    entry: str | None = "entry",
    width: float = 1.0,
    max_periods: int | None = None,
    covariates: Sequence[str] | None = None,
    aggregate: bool = False,
    weights: str | None = None,
) -> pd.DataFrame:
    """Person-period rows for a discrete-time hazard model.

    Period ``p`` (1, 2, ...) is the interval ``((p-1)*width, p*width]`` of tenure. A spell
    contributes one row for every period it is at risk in, from the period containing
    ``entry`` (left truncation: earlier periods are not observed) through the period in
    which it ends; ``event`` is 1 in the period it ends with an event. A spell censored
    inside a period counts in that period as at risk without event (the usual convention
    of life tables that treat censoring at the end of the interval).

    Columns: ``periode``, ``event`` and ``covariates`` (default: every other column). With
    ``aggregate=True`` rows with the same covariates and period are summed into
    ``gewicht`` (at risk) and ``event`` (events): the frequency-weighted form that fits the
    same binomial GLM with far fewer rows. ``weights`` names a case-weight column that is
    summed (aggregate) or carried (``gewicht``).
    """
    _require(df, [duration, event] + ([entry] if entry else []), "<spells>")
    dur = df[duration].to_numpy(float)
    ent = df[entry].to_numpy(float) if entry else np.zeros(len(df))
    first = np.floor(ent / width).astype(np.int64) + 1
    last = np.maximum(np.ceil(dur / width).astype(np.int64), 1)
    # an entry exactly at a period end starts in the next period
    last = np.maximum(last, first)
    if max_periods is not None:
        ev = df[event].to_numpy(int) * (last <= max_periods)
        last = np.minimum(last, max_periods)
        keep_rows = first <= max_periods
    else:
        ev = df[event].to_numpy(int)
        keep_rows = np.ones(len(df), bool)
    first, last, ev = first[keep_rows], last[keep_rows], ev[keep_rows]
    src = df[keep_rows]
    covs = list(covariates) if covariates is not None else [c for c in src.columns if c not in (duration, event, entry)]
    w_src = src[weights].to_numpy(float) if weights else np.ones(len(src))
    src = src[covs].reset_index(drop=True)
    if aggregate:
        # collapse spells with equal covariates and equal periods and outcome before expanding
        src = src.assign(_first=first, _last=last, _ev=ev, _w=w_src)
        src = src.groupby(covs + ["_first", "_last", "_ev"], sort=False, observed=True, dropna=False)["_w"].sum()
        src = src.reset_index()
        first, last, ev, w_src = (src[c].to_numpy() for c in ("_first", "_last", "_ev", "_w"))
        src = src[covs]
    n = (last - first + 1).astype(np.int64)
    row = np.repeat(np.arange(len(src)), n)
    periode = np.arange(len(row), dtype=np.int64) - np.repeat(np.cumsum(n) - n, n) + np.repeat(first, n)
    is_last = periode == last[row]
    out = src.iloc[row].reset_index(drop=True)
    out["periode"] = periode
    out["event"] = (is_last & (ev[row] == 1)).astype(np.int64)
    out["gewicht"] = w_src[row]
    if aggregate:
        out["event"] = out["event"] * out["gewicht"]
        keys = covs + ["periode"]
        out = out.groupby(keys, sort=True, observed=True, dropna=False)[["event", "gewicht"]].sum().reset_index()
    return out
