"""The one Dutch formatter (``regio_analysis.report.format``): numbers in text, and tables that
keep numbers and are shown in Dutch notation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from regio_analysis.report.format import (
    Kolom, fmt_getal, fmt_p, fmt_pct, kolom_van, kolommen, numerieke_kolommen, rond, tabel_getallen, tabel_tekst,
)


@pytest.mark.parametrize("value, decimals, expected", [
    (1234.5, None, "1.234,5"), (33541, 0, "33.541"), (6.0, None, "6"), (6.0, 1, "6,0"), (0.75, None, "0,75"),
    (1e6, None, "1.000.000"), (-2.346, 1, "−2,3"), (6.25, 1, "6,3"), (2.345, 2, "2,35"), (-0.001, 1, "0,0"),
    (None, None, "–"), (float("nan"), 1, "–"),
])
def test_fmt_getal(value, decimals, expected):
    assert fmt_getal(value, decimals) == expected


def test_fmt_pct_and_p():
    assert fmt_pct(6.7) == "6,7%"
    assert fmt_pct(22) == "22,0%"
    assert fmt_pct(22, None) == "22%"
    assert fmt_pct(27.65) == "27,7%"  # half away from zero, not banker's rounding
    assert fmt_pct(None) == "–"
    assert fmt_p(0.0004) == "< 0,001" and fmt_p(0.0271) == "0,027" and fmt_p(np.nan) == "–"


@pytest.mark.parametrize("x, places", [(0.125, 2), (2.675, 2), (-1.005, 2), (27.65, 1), (0.5, 0), (1234.5678, 3)])
def test_rounding_of_a_file_equals_the_rounding_shown(x, places):
    # Python's round() gives 0.12, 2.67, -1.0, 27.6, 0.0 here (half-even on binary floats); a table
    # file must hold what the report shows
    assert fmt_getal(rond(x, places), places) == fmt_getal(x, places)
    assert float(fmt_getal(x, places).replace(".", "").replace(",", ".").replace("−", "-")) == rond(x, places)


def _table() -> pd.DataFrame:
    df = pd.DataFrame({
        "groep": ["a", "b", "c"],
        "vertrek (%)": [19.177, np.nan, 30.0], "laag": [15.05, 1.0, 25.0], "hoog": [24.349, 2.0, 35.0],
        "n": [316.0, 1200.0, np.nan], "onderdrukt": [True, False, False], "p": [0.0004, 0.0271, 0.5],
        "jaar": [2024, 2025, 2026], "hr": [0.625, 1.2, 1.0], "hr laag": [0.42, 0.9, 0.5], "hr hoog": [0.95, 1.6, 2.0],
        "ambitie (%)": [20.0, np.nan, 25.0],
    })
    return kolommen(df, **{"vertrek (%)": Kolom("pct", laag="laag", hoog="hoog", naam="vertrek"), "p": "p",
                           "hr": Kolom("getal", 2), "hr laag": Kolom("getal", 2, hoog="hr hoog", naam="95%-BI"),
                           "ambitie (%)": Kolom("pct", 0, naam="ambitie", leeg="geen")})


def test_a_numeric_table_is_shown_in_dutch_notation():
    shown = tabel_tekst(_table())
    assert list(shown.columns) == ["groep", "vertrek", "n", "onderdrukt", "p", "jaar", "hr", "95%-BI", "ambitie"]
    assert shown.iloc[0].tolist() == ["a", "19,2% (15,1–24,3%)", "316", "ja", "< 0,001", "2024", "0,63", "0,42–0,95",
                                      "20%"]
    assert shown.iloc[1].tolist() == ["b", "–", "1.200", "nee", "0,027", "2025", "1,20", "0,90–1,60", "geen"]
    assert shown.loc[2, "n"] == "–"
    assert numerieke_kolommen(_table()) == ["vertrek", "n", "p", "jaar", "hr", "95%-BI", "ambitie"]


def test_the_file_keeps_numbers_rounded_as_shown():
    kept = tabel_getallen(_table())
    assert list(kept.columns) == list(_table().columns)
    assert kept.loc[0, "vertrek (%)"] == 19.2 and kept.loc[0, "laag"] == 15.1 and kept.loc[0, "hoog"] == 24.3
    assert kept.loc[0, "hr"] == 0.63 and np.isnan(kept.loc[1, "vertrek (%)"])
    assert kept["onderdrukt"].tolist() == [True, False, False] and kept.loc[0, "p"] == 0.0004


def test_undeclared_columns_are_shown_by_their_values():
    df = pd.DataFrame({"x": [138.0, 2.0], "y": [26.419753, 0.5], "ok": [True, False], "jaar": [2019.0, 2020.0],
                       "t": ["a", None]})
    assert tabel_tekst(df).to_dict("list") == {"x": ["138", "2"], "y": ["26,42", "0,5"], "ok": ["ja", "nee"],
                                               "jaar": ["2019", "2020"], "t": ["a", "–"]}
    assert kolom_van(pd.Series([1, 2], name="n")).soort == "aantal"


def test_declaring_an_unknown_column_or_kind_fails():
    with pytest.raises(KeyError, match="not in the table"):
        kolommen(pd.DataFrame({"a": [1]}), b="aantal")
    with pytest.raises(ValueError, match="soort"):
        Kolom("procent")


def test_a_column_of_mixed_units_is_shown_per_row():
    df = kolommen(pd.DataFrame({"indicator": ["a", "b", "c", "d"], "waarde": [21.46, 1930055.4, 12.0, np.nan],
                                "eenheid": ["procent", "eur", "fte", "personen"]}),
                  waarde=Kolom("getal", eenheid="eenheid"))
    shown = tabel_tekst(df)
    assert list(shown.columns) == ["indicator", "waarde"]
    assert shown["waarde"].tolist() == ["21,5%", "€ 1.930.055", "12,0 fte", "–"]
    assert tabel_getallen(df)["waarde"].tolist()[:3] == [21.5, 1930055.0, 12.0]


def test_a_long_table_is_kept_as_a_file_only(tmp_path, capsys):
    from regio_analysis.report.tables import bewaar_tabel

    df = kolommen(pd.DataFrame({"jaar": [2025, 2026], "waarde (%)": [12.345, 13.0]}), **{"waarde (%)": "pct"})
    assert bewaar_tabel(df, "lang", str(tmp_path)) is None
    assert capsys.readouterr().out == ""
    kept = pd.read_csv(tmp_path / "tabellen" / "lang.csv")
    assert kept.to_dict("list") == {"jaar": [2025, 2026], "waarde (%)": [12.3, 13.0]}
    bewaar_tabel(df.iloc[0:0], "leeg", str(tmp_path))
    bewaar_tabel(df, "geen-map", "")
    assert sorted(p.name for p in (tmp_path / "tabellen").iterdir()) == ["lang.csv"]
    with pytest.raises(ValueError, match="table name"):
        bewaar_tabel(df, "Niet Goed", str(tmp_path))


def test_a_comparator_column_goes_before_the_value():
    df = kolommen(pd.DataFrame({"doel": [100.0, 0.0, np.nan], "vergelijking": ["≥", "≤", "≥"],
                                "eenheid": ["procent", "aantal", "procent"]}),
                  doel=Kolom("getal", 0, eenheid="eenheid", voor="vergelijking"))
    assert tabel_tekst(df)["doel"].tolist() == ["≥ 100%", "≤ 0", "–"]
    assert list(tabel_tekst(df).columns) == ["doel"]


# ----------------------------------------------------------------------------- wording of a comparison


def test_words_that_claim_a_finding_are_found_in_any_form():
    from regio_analysis.report.format import bewijswoorden

    assert bewijswoorden("dat ligt aantoonbaar boven; een significant verschil; het effect; effecten; "
                         "aantoonbare winst") == ["aantoonbaar", "significant", "effect", "effecten", "aantoonbare"]
    # a word that only contains one (the effective sample size) is not a claim
    assert bewijswoorden("de effectieve steekproefomvang; een doelmatig effectief beleid") == []


@pytest.mark.parametrize("schatting, laag, hoog, synthetisch, expected", [
    (0.25, 0.21, 0.29, False, "dat ligt aantoonbaar boven de ambitie"),
    (0.15, 0.11, 0.19, False, "dat ligt aantoonbaar onder de ambitie"),
    (0.22, 0.18, 0.26, False, "dat ligt boven de ambitie, maar het 95%-interval omvat die waarde: geen duidelijk verschil"),
    (0.22, None, None, False, "dat ligt boven de ambitie (zonder interval is niet te zeggen of dat meer is dan toeval)"),
    (0.25, 0.21, 0.29, True, "in deze synthetische demonstratie ligt dat boven de ambitie; het 95%-interval sluit die "
                             "waarde uit"),
    (0.22, 0.18, 0.26, True, "in deze synthetische demonstratie ligt dat boven de ambitie; het 95%-interval omvat die "
                             "waarde"),
])
def test_a_comparison_claims_a_finding_only_about_real_data_whose_interval_excludes_the_value(
        schatting, laag, hoog, synthetisch, expected):
    from regio_analysis.report.format import bewijswoorden, vergelijking

    v = vergelijking(schatting, laag, hoog, 0.20, synthetisch=synthetisch)
    text = v.oordeel("dat", "de ambitie")
    assert text == expected
    assert bool(bewijswoorden(text)) == v.aantoonbaar == (v.sluit_uit and not synthetisch)


def test_comparison_direction_and_missing_values():
    from regio_analysis.report.format import vergelijking

    assert vergelijking(0.8, 0.7, 0.92, 1.0, synthetisch=False).richting == -1
    assert vergelijking(1.3, 1.1, 1.6, 1.0, synthetisch=False).woord("lager", "hoger") == "hoger"
    nan = vergelijking(np.nan, np.nan, np.nan, 1.0, synthetisch=False)
    assert nan.richting == 0 and not nan.sluit_uit and not nan.aantoonbaar


# ----------------------------------------------------------------------------- issue 16: tables a reader can hand over


def test_the_file_holds_no_more_decimals_than_the_cell_shows():
    df = kolommen(pd.DataFrame({"x": [26.419753, 0.5], "n": [138.4, 2.0], "p": [0.0004, 0.02714], "k": [3, 4],
                                "ok": [True, False]}), n="aantal", p="p")
    assert tabel_tekst(df).to_dict("list") == {"x": ["26,42", "0,5"], "n": ["138", "2"], "p": ["< 0,001", "0,027"],
                                               "k": ["3", "4"], "ok": ["ja", "nee"]}
    kept = tabel_getallen(df)
    assert kept["x"].tolist() == [26.42, 0.5] and kept["n"].tolist() == [138.0, 2.0]
    # a p-value below 0,001 is shown as "< 0,001": the file keeps it rather than a 0 that reads as p = 0
    assert kept["p"].tolist() == [0.0004, 0.027]
    assert kept["k"].dtype == df["k"].dtype and kept["ok"].tolist() == [True, False]


def test_a_range_is_shown_with_its_unit_once():
    from regio_analysis.report.format import ZoalsGepubliceerd

    df = kolommen(pd.DataFrame({"waarde": [6.3, 55.0, np.nan], "van": [np.nan, np.nan, 3.5], "tot": [np.nan, np.nan, 5.5],
                                "eenheid": ["procent", "fte", "procent"]}),
                  waarde=ZoalsGepubliceerd(eenheid="eenheid"), van=ZoalsGepubliceerd(hoog="tot", eenheid="eenheid",
                                                                                    naam="bandbreedte"))
    assert tabel_tekst(df).to_dict("list") == {"waarde": ["6,3%", "55 fte", "–"], "bandbreedte": ["–", "–", "3,5–5,5%"]}
    assert Kolom("pct", hoog="h").cel(5.0, hi=8.0) == "5,0–8,0%"
    assert Kolom("getal", 0, hoog="h").per_eenheid("eur").cel(5.0, hi=8.0) == "€ 5–8"


def test_a_range_with_a_negative_bound_says_tot():
    """"−34,87–−8,00" reads as one number with two signs; Dutch tables write "−34,87 tot −8,00"."""
    assert Kolom("getal", 2, hoog="h").cel(-34.87, hi=-8.0) == "−34,87 tot −8,00"
    assert Kolom("getal", 2, hoog="h").cel(-15.87, hi=17.75) == "−15,87 tot 17,75"
    assert Kolom("getal", 2, hoog="h").cel(0.52, hi=1.45) == "0,52–1,45"
    assert Kolom("pct", laag="l", hoog="h").cel(-2.0, lo=-5.5, hi=1.5) == "−2,0% (−5,5 tot 1,5%)"
    assert Kolom("getal", 1, hoog="h").per_eenheid("fte").cel(-3.0, hi=2.5) == "−3,0 tot 2,5 fte"
    df = kolommen(pd.DataFrame({"laag": [-24.54, 0.23], "hoog": [20.40, 3.18]}),
                  laag=Kolom("getal", 2, hoog="hoog", naam="95%-BI"))
    assert tabel_tekst(df)["95%-BI"].tolist() == ["−24,54 tot 20,40", "0,23–3,18"]


def test_a_caption_says_when_its_numbers_are_synthetic():
    from regio_analysis.data.provenance import berekend, gepubliceerd, standaardwaarde, synthetisch
    from regio_analysis.report.format import bijschrift_tekst, in_bestand

    assert bijschrift_tekst("Vertrek per groep", [synthetisch("x"), standaardwaarde("y")]) == "Vertrek per groep (synthetisch)"
    assert bijschrift_tekst("Indicatoren", [gepubliceerd("p"), synthetisch("x")]) == "Indicatoren (deels synthetisch)"
    assert bijschrift_tekst("Tekorten", [gepubliceerd("p"), berekend("r")]) == "Tekorten"
    assert bijschrift_tekst("De synthetische gegevens", [synthetisch("x")]) == "De synthetische gegevens"
    assert in_bestand("bijlage-raming", "uit", "De hele tabel (110 rijen)") == \
        "_De hele tabel (110 rijen) staat in [tabellen/bijlage-raming.csv](tabellen/bijlage-raming.csv)._"
    assert in_bestand("bijlage-raming", "") == ""
