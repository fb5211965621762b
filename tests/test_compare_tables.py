"""benchmarks/compare_tables.py: two builds hold the same numbers even when the writing changed."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import compare_tables as ct  # noqa: E402


def test_dutch_and_plain_numbers_are_read():
    assert [n[0] for n in ct.numbers("19,2% (15,1–24,3%)")] == [19.2, 15.1, 24.3]
    assert ct.numbers("< 0,001")[0][:3] == (0.001, 0.0005, True)
    assert [n[0] for n in ct.numbers("−33,0 – −10,4")] == [-33.0, -10.4]
    assert ct.numbers("1.234,5")[0][0] == 1234.5
    assert ct.numbers("26.419753")[0][0] == 26.419753
    assert ct.numbers("1.520")[0][0] == 1.52 and ct.numbers("1.520")[0][3] == 1520  # either reading


def test_a_formatted_table_equals_its_numeric_form():
    before = pd.DataFrame({"groep": ["alle starters"], "vertrek binnen 1 jaar": ["19,2% (15,1–24,3%)"],
                           "p": ["< 0,001"], "ambitie": ["geen"]})
    after = pd.DataFrame({"groep": ["alle starters"], "vertrek binnen 1 jaar (%)": ["19.2"], "laag": ["15.1"],
                          "hoog": ["24.3"], "p": ["0.0004"], "ambitie (%)": [""], "eenheid": ["procent"]})
    assert ct.compare_table(before, after) == []


def test_a_changed_number_or_word_is_found():
    before = pd.DataFrame({"groep": ["met inductie"], "waarde": ["19,2%"]})
    assert ct.compare_table(before, pd.DataFrame({"groep": ["met inductie"], "waarde": ["19.3"]})) == [
        "rij 2: ontbreekt 19.2", "rij 2: extra 19.3"]
    assert "woorden" in ct.compare_table(before, pd.DataFrame({"groep": ["zonder inductie"], "waarde": ["19.2"]}))[0]
    assert ct.compare_table(before, before.iloc[0:0]) == ["1 rijen tegen 0"]


def test_compare_walks_two_report_folders(tmp_path):
    for build, value in (("a", "6,7%"), ("b", "6.7")):
        folder = tmp_path / build / "regio" / "tabellen"
        folder.mkdir(parents=True)
        pd.DataFrame({"x": [value]}).to_csv(folder / "t.csv", index=False)
    assert ct.main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    (tmp_path / "b" / "regio" / "tabellen" / "t.csv").unlink()
    assert ct.main([str(tmp_path / "a"), str(tmp_path / "b")]) == 1
