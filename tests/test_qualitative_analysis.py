"""Frequencies, co-occurrence, χ² (Agresti's worked example), anonymised quotes, activity plans."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from regio_analysis.qualitative import analysis as qa
from regio_analysis.qualitative.documents import document_table
from regio_analysis.qualitative.plans import (
    abc_profile,
    active_per_year,
    activities_in_period,
    compare_profiles,
    profile_from_codings,
    theme_profile,
)


@pytest.fixture
def corpus():
    docs = document_table([
        {"doc_id": "a1", "regio_id": "r1", "tekst": "een twee drie vier vijf. zes zeven acht negen tien."},
        {"doc_id": "a2", "regio_id": "r1", "tekst": "een twee drie vier vijf."},
        {"doc_id": "b1", "regio_id": "r2", "tekst": "een twee drie vier vijf zes zeven acht negen tien."},
    ])
    codings = pd.DataFrame([
        ("a1", 0, 25, "x"), ("a1", 0, 25, "y"), ("a1", 26, 52, "x"), ("a1", 26, 52, "x"),  # duplicate counted once
        ("a2", 0, 25, "y"), ("b1", 0, 50, "x"), ("b1", 0, 50, "y"), ("b1", 0, 50, "z"),
    ], columns=["doc_id", "start", "einde", "code"])
    return docs, codings


def test_frequencies_by_region(corpus):
    docs, codings = corpus
    f = qa.code_frequencies(codings, docs, codes=["x", "y", "z", "w"]).set_index(["regio_id", "code"])
    assert f.loc[("r1", "x"), ["n_segmenten", "n_documenten", "documenten", "woorden"]].tolist() == [2, 1, 2, 15]
    assert f.loc[("r1", "x"), "aandeel_documenten"] == pytest.approx(50)
    assert f.loc[("r1", "x"), "per_1000_woorden"] == pytest.approx(2000 / 15)
    assert f.loc[("r1", "y"), "aandeel_documenten"] == pytest.approx(100)
    assert f.loc[("r2", "w"), "n_segmenten"] == 0  # listed, never found
    m = qa.code_by_group(codings, docs, codes=["x", "y", "z"])
    assert m.loc["z"].tolist() == [0, 1] and list(m.columns) == ["r1", "r2"]


def test_cooccurrence_and_jaccard(corpus):
    _docs, codings = corpus
    pairs = qa.cooccurrence(codings).set_index(["code_a", "code_b"])
    # x on 3 units, y on 3 units, together on 2 units -> Jaccard 2 / (3 + 3 - 2)
    assert pairs.loc[("x", "y"), ["n_a", "n_b", "n_samen"]].tolist() == [3, 3, 2]
    assert pairs.loc[("x", "y"), "jaccard"] == pytest.approx(0.5)
    assert pairs.loc[("x", "z"), "jaccard"] == pytest.approx(1 / 3)
    m = qa.cooccurrence_matrix(codings, ["x", "y", "z"])
    assert m.loc["y", "x"] == m.loc["x", "y"] and m.loc["x", "x"] == 1.0
    assert qa.cooccurrence_matrix(codings, ["x", "y"], "n_samen").loc["x", "x"] == 3


def test_chi2_reproduces_agresti_party_identification_by_gender():
    # Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Tables 2.5/2.6 (GSS 2006):
    # X^2 = 30.1 (df 2); standardised residuals females 4.50, 0.70, -5.32.
    t = pd.DataFrame([[762, 327, 468], [484, 239, 477]], index=["vrouw", "man"],
                     columns=["democraat", "onafhankelijk", "republikein"])
    res = qa.chi2_test(t)
    assert res.chi2 == pytest.approx(30.1, abs=0.05) and res.dof == 2
    assert res.residuen.loc["vrouw"].round(2).tolist() == [4.50, 0.70, -5.32]
    assert res.residuen.loc["man"].round(2).tolist() == [-4.50, -0.70, 5.32]
    assert res.cramers_v == pytest.approx(np.sqrt(res.chi2 / res.n))
    assert res.waarschuwing == "" and res.summary.loc[0, "df"] == 2


def test_small_cells_are_warned_about():
    t = pd.DataFrame([[3, 1], [2, 6]], index=["a", "b"], columns=["c", "d"])
    with pytest.warns(UserWarning, match="onder 5"):
        res = qa.chi2_test(t)
    assert "onbetrouwbaar" in res.waarschuwing
    assert qa.small_cell_warning(np.array([[0.5, 10], [10, 10]])).startswith("Let op: 1 verwachte aantallen onder 1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert qa.small_cell_warning(np.full((2, 2), 6.0)) == ""
    with pytest.raises(ValueError):
        qa.chi2_test(pd.DataFrame([[1, 0]], columns=["a", "b"]))


@pytest.mark.parametrize("text, expected", [
    ("Ik sprak met mevrouw De Vries over het plan.", "Ik sprak met [naam] over het plan."),
    ("Dhr. Jansen en juf Anna gaven les.", "[naam] en [naam] gaven les."),
    ("Ondertekend: KUPERUS, J.S. en A. de Boer.", "Ondertekend: [naam] en [naam]."),
    ("Ik ben Piet en werk op De Regenboog.", "Ik ben [naam] en werk op De Regenboog."),
    ("Bel 06-12345678 of mail p.piet@school.nl.", "Bel [telefoon] of mail [e-mail]."),
    ("Samen Opleiden in Drenthe blijft.", "Samen Opleiden in Drenthe blijft."),
])
def test_anonymise(text, expected):
    assert qa.anonymise(text) == expected


def test_anonymise_known_names_and_quote_table(corpus):
    assert qa.anonymise("Volgens bakker werkt het.", names=["Bakker"]) == "Volgens [naam] werkt het."
    docs, codings = corpus
    q = qa.quote_table(codings, docs, ["x"], per_code=2)
    assert q["doc_id"].tolist() == ["a1", "b1"]  # spread over documents
    assert q["citaat"].iloc[0] == "een twee drie vier vijf."


ACT = pd.DataFrame({
    "id": ["1", "2", "3", "4"], "titel": ["a", "b", "c", "d"],
    "thema": ["werven", "werven", "begeleiden", "spp"], "abc": ["Aantrekken", "Aantrekken", "Behouden", ""],
    "start": pd.to_datetime(["2025-09-01", "2026-01-01", "2027-03-01", "2030-01-01"]),
    "einde": pd.to_datetime(["2026-06-30", "2027-12-31", "2029-12-31", "2030-06-30"]),
})


def test_register_profiles_and_period():
    prof = theme_profile(ACT)
    assert prof["thema"].tolist() == ["werven", "begeleiden", "spp"] and prof["aandeel"].sum() == pytest.approx(100)
    assert abc_profile(ACT).set_index("abc")["n_activiteiten"].to_dict() == {"Aantrekken": 2, "Behouden": 1, "niet ingedeeld": 1}
    period = activities_in_period(ACT)
    assert period["id"].tolist() == ["1", "2", "3"] and period["start"].min() == pd.Timestamp("2026-01-01")
    per_year = active_per_year(ACT).set_index(["thema", "jaar"])["n_activiteiten"]
    assert per_year[("werven", 2026)] == 2 and per_year[("werven", 2028)] == 0 and per_year[("begeleiden", 2029)] == 1
    assert theme_profile(ACT.iloc[:0]).empty


def test_profile_from_codings_and_comparison(corpus):
    docs, _ = corpus
    codings = pd.DataFrame([("a1", 0, 25, "thema/werven"), ("a1", 26, 52, "thema/werven"), ("a2", 0, 25, "thema/begeleiden"),
                            ("a2", 0, 25, "onderwerp/spp")], columns=["doc_id", "start", "einde", "code"])
    prof = profile_from_codings(codings, docs)
    assert prof.set_index("thema")["aandeel"].round(1).to_dict() == {"werven": 66.7, "begeleiden": 33.3}
    comp = compare_profiles(theme_profile(ACT), prof).set_index("thema")
    assert comp.loc["werven", ["register_n", "tekst_n"]].tolist() == [2, 2]
    assert comp.loc["werven", "register_aandeel"] == pytest.approx(200 / 3)
