"""Immutable attrs values (regio_analysis.frozen): pandas' copy of a frame's attrs costs nothing."""
from __future__ import annotations

import copy
import json
import pickle

import pandas as pd
import pytest

from regio_analysis.data.privacy import describe
from regio_analysis.data.provenance import berekend, markeer
from regio_analysis.frozen import FrozenDict, freeze
from regio_analysis.report.format import Kolom, kolommen
from regio_analysis.report.tables import bijschrift


def test_freeze_makes_every_container_immutable_and_keeps_json_and_pickle():
    value = freeze({"a": [1, {"b": [2, 3]}], "c": {4, 5}, "d": "tekst"})
    assert value == {"a": (1, {"b": (2, 3)}), "c": frozenset({4, 5}), "d": "tekst"}
    assert isinstance(value, dict) and isinstance(value["a"][1], FrozenDict)
    for change in (lambda v: v.__setitem__("x", 1), lambda v: v.update(x=1), lambda v: v.pop("a"),
                   lambda v: v.setdefault("x", 1), lambda v: v.clear(), lambda v: v["a"][1].__delitem__("b")):
        with pytest.raises(TypeError, match="frozen"):
            change(value)
    assert copy.deepcopy(value) is value and copy.copy(value) is value
    assert json.loads(json.dumps(value, default=sorted)) == {"a": [1, {"b": [2, 3]}], "c": [4, 5], "d": "tekst"}
    again = pickle.loads(pickle.dumps(value))
    assert again == value and isinstance(again, FrozenDict)
    mutable = dict(value)
    mutable["x"] = 1  # a copy can be changed
    assert "x" not in value


def test_a_report_tables_attrs_are_shared_not_copied_by_pandas_operations():
    df = pd.DataFrame({"jaar": [2023, 2024], "n": [10, 12], "aandeel": [0.4, 0.5]})
    df = bijschrift(markeer(kolommen(df, aandeel=Kolom("pct")), berekend("een test")), "Een tabel")
    describe(df, aantallen=["n"], aandelen={"aandeel": "n"})
    derived = df[df["n"] > 10].astype({"n": float}).fillna(0)
    for key in ("herkomst", "bijschrift", "privacy", "regio_analysis.weergave"):
        assert derived.attrs[key] is df.attrs[key], key  # the same object: no deep copy was made
    assert derived.attrs["herkomst"][0] is df.attrs["herkomst"][0]
    with pytest.raises(TypeError):
        derived.attrs["privacy"]["aantallen"] = ["jaar"]
