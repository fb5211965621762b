"""prepare_spells and the reshaping helpers: hand-checked small cases."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.retention import (
    prepare_spells,
    to_counting_process,
    to_person_period,
)

T_END = pd.Timestamp("2025-12-31")


def spells(rows):
    cols = ["persoon_id", "bestuur_id", "vestigingscode", "start", "einde", "reden_einde", "starter"]
    df = pd.DataFrame(rows, columns=cols)
    df["start"] = pd.to_datetime(df["start"])
    df["einde"] = pd.to_datetime(df["einde"])
    df["observatie_einde"] = T_END
    df["route"] = "regulier"
    return df


@pytest.fixture
def example():
    return spells([
        # a: two consecutive spells at board B1 (a move within the board), then leaves the board
        ("a", "B1", "S1", "2020-08-01", "2021-07-31", "andere school zelfde bestuur", True),
        ("a", "B1", "S2", "2021-08-01", "2022-07-31", "buiten onderwijs", True),
        # b: stock, employed since 2017-01-01, still employed (left truncated, censored)
        ("b", "B2", "S3", "2017-01-01", None, "", False),
        # c: ended before observation started: not observable
        ("c", "B2", "S3", "2015-01-01", "2018-06-30", "pensioen", False),
        # d: moves within the board with no later spell: censored at that end for the board
        ("d", "B1", "S1", "2023-08-01", "2024-07-31", "andere school zelfde bestuur", True),
        # e: to another board in the region, then a new spell there
        ("e", "B1", "S1", "2019-08-01", "2020-07-31", "ander bestuur in regio", True),
        ("e", "B3", "S9", "2020-08-01", None, "", True),
    ])


def by_person(df):
    return {pid: g.reset_index(drop=True) for pid, g in df.groupby("persoon_id")}


def test_bestuur_joins_chains_truncates_and_censors(example):
    out = prepare_spells(example)
    p = by_person(out)
    assert set(p) == {"a", "b", "d", "e"}  # c ended before 2019-01-01
    a = p["a"].iloc[0]
    assert len(p["a"]) == 1 and a["n_dienstverbanden"] == 2
    assert a["vestigingscode"] == "S1"  # covariates of the first spell
    assert a["duration"] == pytest.approx((pd.Timestamp("2022-07-31") - pd.Timestamp("2020-08-01")).days / 365.25)
    assert (a["event"], a["event_type"], a["entry"]) == (1, "buiten onderwijs", 0.0)
    b = p["b"].iloc[0]
    assert b["entry"] == pytest.approx((pd.Timestamp("2019-01-01") - pd.Timestamp("2017-01-01")).days / 365.25)
    assert b["duration"] == pytest.approx((T_END - pd.Timestamp("2017-01-01")).days / 365.25)
    assert (b["event"], b["event_type"]) == (0, "")
    d = p["d"].iloc[0]
    assert (d["event"], d["event_type"]) == (0, "")
    assert d["duration"] == pytest.approx(365 / 365.25)
    assert list(p["e"]["event_type"]) == ["ander bestuur", ""]
    assert list(p["e"]["start_jaar"]) == [2019, 2020]
    assert out.attrs["samengevoegd"] == 1 and out.attrs["weggelaten"] == 1


def test_school_and_onderwijs_exits(example):
    school = by_person(prepare_spells(example, exit_from="school"))
    assert len(school["a"]) == 2
    assert list(school["a"]["event_type"]) == ["andere school", "buiten onderwijs"]
    assert school["d"]["event"].tolist() == [1]
    onderwijs = prepare_spells(example, exit_from="onderwijs")
    assert onderwijs["event"].sum() == 1
    assert set(onderwijs["event_type"]) == {"", "buiten onderwijs"}


def test_units_and_starters(example):
    years = prepare_spells(example)
    months = prepare_spells(example, unit="maand")
    np.testing.assert_allclose(months["duration"], years["duration"] * 12)
    np.testing.assert_allclose(months["entry"], years["entry"] * 12)
    starters = prepare_spells(example, starters_only=True)
    assert set(starters["persoon_id"]) == {"a", "d", "e"}


def test_contract_columns(example):
    out = prepare_spells(example)
    for col in ("entry", "duration", "event", "event_type", "start_jaar", "persoon_id", "bestuur_id",
                "vestigingscode", "route", "starter", "start"):
        assert col in out.columns


def test_bad_input_names_column_and_rows(example):
    bad = example.drop(columns=["reden_einde"])
    with pytest.raises(DataError, match="reden_einde"):
        prepare_spells(bad)
    bad = example.copy()
    bad.loc[2, "reden_einde"] = "verhuisd"
    with pytest.raises(DataError) as err:
        prepare_spells(bad)
    assert "reden_einde" in str(err.value) and "regel 4" in str(err.value)
    bad = example.copy()
    bad.loc[0, "einde"] = pd.Timestamp("2019-01-01")
    with pytest.raises(DataError, match="einde ligt voor start"):
        prepare_spells(bad)
    with pytest.raises(ValueError):
        prepare_spells(example, exit_from="regio")


def test_counting_process_split():
    df = pd.DataFrame({"entry": [0.0, 1.5, 0.0], "duration": [2.5, 3.0, 1.0], "event": [1, 0, 1], "x": [1, 2, 3]})
    cp = to_counting_process(df, cuts=[1, 2, 3])
    assert cp["start"].tolist() == [0, 1, 2, 1.5, 2, 0]
    assert cp["stop"].tolist() == [1, 2, 2.5, 2, 3, 1]
    assert cp["event"].tolist() == [0, 0, 1, 0, 0, 1]
    assert cp["id"].tolist() == [0, 0, 0, 1, 1, 2]
    assert cp["x"].tolist() == [1, 1, 1, 2, 2, 3]
    one = to_counting_process(df)
    assert one[["start", "stop"]].to_numpy().tolist() == [[0, 2.5], [1.5, 3.0], [0, 1.0]]


def test_person_period_rows_and_aggregation():
    df = pd.DataFrame({"entry": [0.0, 1.5, 0.0], "duration": [2.5, 3.0, 1.0], "event": [1, 0, 1], "x": [1, 1, 1]})
    pp = to_person_period(df, covariates=["x"])
    # spell 0: periods 1, 2, 3 (event in 3); spell 1 enters in period 2: 2, 3; spell 2: period 1 (event)
    assert pp["periode"].tolist() == [1, 2, 3, 2, 3, 1]
    assert pp["event"].tolist() == [0, 0, 1, 0, 0, 1]
    agg = to_person_period(df, covariates=["x"], aggregate=True)
    assert agg[["periode", "event", "gewicht"]].to_numpy().tolist() == [[1, 1, 2], [2, 0, 2], [3, 1, 2]]
    capped = to_person_period(df, covariates=["x"], max_periods=2)
    assert capped["periode"].max() == 2 and capped["event"].sum() == 1


def test_duration_always_exceeds_entry():
    df = spells([("z", "B1", "S1", "2020-08-01", "2020-08-01", "buiten onderwijs", True),
                 ("y", "B1", "S1", "2018-12-31", "2019-01-02", "pensioen", False)])
    out = prepare_spells(df).set_index("persoon_id")
    assert out.loc["z", "duration"] == pytest.approx(1 / 365.25) and out.loc["z", "event"] == 1
    assert (out["duration"] > out["entry"]).all()
