"""The SPP model: identities and directions on made-up inputs, the seed 002 table, microdata rates."""
from __future__ import annotations

import re
import math

import numpy as np
import pandas as pd
import pytest

from regio_analysis.io.scenarios import load_scenarios
from regio_analysis.workforce import model as wf
from regio_analysis.data import load_region
from regio_analysis.errors import DataError

YEARS = (2031, 2032, 2033, 2034)


def toy_inputs(**changes) -> wf.WorkforceInputs:
    """Made-up region: two school types, OP driven by pupils, DIR constant, no seed numbers."""
    pupils = pd.DataFrame([(y, s, n * (1 + 0.03 * (y - 2030))) for y in range(2030, 2035)
                           for s, n in (("bao", 12_000), ("so_vso", 900))], columns=["jaar", "soort", "aantal"])
    rates = pd.DataFrame([(y, g, i, o, u) for y in YEARS for g, i, o, u in
                          (("OP", 7.0, 6.0, 4.0), ("DIR", 2.0, 5.0, 3.0))],
                         columns=["jaar", "functiegroep", "instroom", "uitstroom", "onvervuld"])
    ratio = pd.DataFrame([("OP", "bao", 20.0), ("OP", "so_vso", 6.0)], columns=["functiegroep", "soort", "leerlingen_per_fte"])
    base = dict(basisjaar=2030, jaren=YEARS, voorraad={"OP": 700.0, "DIR": 40.0}, tarieven=rates,
                leerlingen=pupils, ratio=ratio, vraag_constant={"DIR": 40.0}, fte_per_persoon={"OP": 0.8, "DIR": 0.95})
    base.update(changes)
    return wf.WorkforceInputs(**base)


def wide(df: pd.DataFrame) -> pd.DataFrame:
    return df.pivot_table(index=["functiegroep", "jaar"], columns="indicator", values="waarde")


def test_stock_flow_identity_and_definitions():
    out = wide(wf.project(toy_inputs()))
    for g, start in (("OP", 700.0), ("DIR", 40.0)):
        part = out.loc[g]
        previous = np.r_[start, part["voorraad_fte"].to_numpy()[:-1]]
        np.testing.assert_allclose(part["voorraad_fte"], previous + part["instroom_fte"] - part["uitstroom_fte"]
                                   - part["pensioen_fte"])
        # rates on the stock at the start of the year (the default base)
        np.testing.assert_allclose(part["uitstroom_fte"], previous * (0.06 if g == "OP" else 0.05))
        np.testing.assert_allclose(part["tekort_fte"], part["benodigd_fte"] - part["voorraad_fte"])
        np.testing.assert_allclose(part["onvervuld_fte"], part["benodigd_fte"] * (0.04 if g == "OP" else 0.03))
        np.testing.assert_allclose(part["te_vervullen_fte"], (part["tekort_fte"] + part["onvervuld_fte"]).clip(lower=0))
    # 2031 by hand: OP stock 700 + 49 - 42 = 707
    assert out.loc[("OP", 2031), "voorraad_fte"] == pytest.approx(707.0)


def test_demand_follows_pupils_and_ratios():
    out = wide(wf.project(toy_inputs()))
    # 2033: bao 12000*1.09 / 20 + so_vso 900*1.09 / 6 = 654 + 163.5
    assert out.loc[("OP", 2033), "benodigd_fte"] == pytest.approx(654.0 + 163.5)
    assert (out.loc["DIR", "benodigd_fte"] == 40.0).all()
    doubled = toy_inputs()
    doubled.leerlingen["aantal"] *= 2
    out2 = wide(wf.project(doubled))
    np.testing.assert_allclose(out2.loc["OP", "benodigd_fte"], 2 * out.loc["OP", "benodigd_fte"])


def test_persons_are_fte_over_average_fte():
    out = wide(wf.project(toy_inputs()))
    for g, fpp in (("OP", 0.8), ("DIR", 0.95)):
        np.testing.assert_allclose(out.loc[g, "te_vervullen_personen"], out.loc[g, "te_vervullen_fte"] / fpp)
    one = wide(wf.project(toy_inputs(fte_per_persoon={"totaal": 0.5})))
    np.testing.assert_allclose(one["te_vervullen_personen"], one["te_vervullen_fte"] / 0.5)


def total(df: pd.DataFrame, indicator: str, group: str | None = None) -> float:
    df = df[df["indicator"] == indicator]
    return float(df[df["functiegroep"] == group]["waarde"].sum() if group else df["waarde"].sum())


@pytest.mark.parametrize("driver, indicator, direction", [
    ("instroom", "tekort_fte", -1), ("uitstroom", "tekort_fte", +1), ("leerlingen", "benodigd_fte", +1),
    ("leerlingen_per_fte", "benodigd_fte", -1), ("onvervuld", "te_vervullen_fte", +1),
    ("fte_per_persoon", "te_vervullen_personen", -1),
])
def test_scenarios_move_results_in_the_expected_direction(driver, indicator, direction):
    inputs = toy_inputs()
    base = total(wf.project(inputs), indicator, "OP")
    up = total(wf.project(inputs, wf.Scenario("op", factoren={driver: 1.2})), indicator, "OP")
    assert np.sign(up - base) == direction


def test_default_scenarios_order_the_shortage():
    res = wf.project_scenarios(toy_inputs())
    sums = {s: total(res[res["scenario"] == s], "te_vervullen_fte") for s in ("laag", "basis", "hoog")}
    assert sums["laag"] < sums["basis"] < sums["hoog"]
    shift = wf.project(toy_inputs(), wf.Scenario("pp", pp={"uitstroom": 1.0}))
    assert total(shift, "uitstroom_fte", "OP") > total(wf.project(toy_inputs()), "uitstroom_fte", "OP")


def test_retirement_from_the_age_distribution():
    ages = pd.DataFrame({"functiegroep": ["OP", "OP"], "leeftijd": [66, 40], "fte": [100.0, 600.0]})
    rates = toy_inputs().tarieven.assign(instroom=0.0, uitstroom=0.0)
    out = wide(wf.project(toy_inputs(leeftijd=ages, tarieven=rates)))
    # the 66-year-olds turn 67 in the first year and leave; nobody else reaches 67 in four years
    assert out.loc[("OP", 2031), "pensioen_fte"] == pytest.approx(100.0)
    assert out.loc[("OP", 2031), "voorraad_fte"] == pytest.approx(600.0)
    assert out.loc["OP", "pensioen_fte"].iloc[1:].sum() == pytest.approx(0.0)
    later = wide(wf.project(toy_inputs(leeftijd=ages, tarieven=rates), wf.Scenario("later", pensioenleeftijd=68)))
    assert later.loc[("OP", 2031), "pensioen_fte"] == 0 and later.loc[("OP", 2032), "pensioen_fte"] == pytest.approx(100.0)


def test_per_year_balance_is_the_net_flow_of_the_year():
    out = wide(wf.project(toy_inputs(saldo={"OP": "per_jaar"})))
    np.testing.assert_allclose(out.loc["OP", "tekort_fte"], out.loc["OP", "uitstroom_fte"] - out.loc["OP", "instroom_fte"])


def test_sensitivity_is_a_sorted_tornado_table():
    table = wf.sensitivity(toy_inputs())
    assert list(table.columns) == ["driver", "label", "laag", "basis", "hoog", "bereik"]
    assert table["bereik"].is_monotonic_decreasing
    assert "fte_per_persoon" not in set(table["driver"])  # does not change fte
    row = table.set_index("driver").loc["uitstroom"]
    assert row["laag"] < row["basis"] < row["hoog"]


def test_user_scenarios_from_yaml(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  krimp:\n    label: sterke krimp\n    leerlingen: 0.9\n    uitstroom_pp: 1.5\n", encoding="utf-8")
    table = load_scenarios(path)
    assert {"basis", "laag", "hoog", "krimp"} <= set(table)
    res = wf.project(toy_inputs(), "krimp", table)
    assert total(res, "benodigd_fte", "OP") < total(wf.project(toy_inputs()), "benodigd_fte", "OP")
    path.write_text("scenarios:\n  x:\n    instroom: -1\n    foo: 2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_scenarios(path)
    assert "instroom" in str(err.value) and "foo" in str(err.value) and str(path) in str(err.value)
    with pytest.raises(DataError, match="onbekend scenario"):
        wf.project(toy_inputs(), "bestaat-niet")


def test_bad_inputs_are_refused():
    with pytest.raises(DataError, match="basis_stromen"):
        toy_inputs(basis_stromen="iets")
    with pytest.raises(DataError, match="na het basisjaar"):
        toy_inputs(jaren=(2030,))
    with pytest.raises(DataError, match="voorraad"):
        toy_inputs(voorraad={"OP": -5.0})


# ------------------------------------------------------------------ seed 002: the published projection

#: Rows of the published table that contradict the table's own arithmetic, worked out by hand
#: from the seed (fte / 0,7 rounded; onvervuld minus the year's surplus; instroom minus uitstroom).
INCONSISTENT = {
    (2028, "DIR", "te_vervullen_personen"),  # 25 / 0,7 = 35,7 -> 36, printed 35
    (2025, "OP", "te_vervullen_personen"),   # 101 / 0,7 = 144,3 -> 144, printed 145
    (2027, "OP", "te_vervullen_personen"),   # 110 / 0,7 = 157,1 -> 157, printed 158
    (2027, "OOP", "te_vervullen_personen"),  # 22 / 0,7 = 31,4 -> 31, printed 32
    (2025, "OP", "tekort_fte"),              # 96 - 93 = 3, printed 4
    (2027, "OOP", "tekort_fte"),             # 19 - 18 = 1, printed 0
    (2029, "OOP", "tekort_fte"),             # 17 - 17 = 0, printed 1
    (2027, "OP", "te_vervullen_fte"),        # 112 - 1 = 111, printed 110
    (2028, "OOP", "te_vervullen_fte"),       # 22 - 1 = 21, printed 20
}


@pytest.fixture(scope="module")
def bommel():
    return load_region("rond-bommel-en-dommel")


def test_reproduce_published_matches_the_seed_table(bommel):
    table = wf.reproduce_published(bommel)
    assert len(table) == 105 and set(table["jaar"]) == {2025, 2026, 2027, 2028, 2029}
    ok = table[table["consistent"]]
    assert (ok["verschil"].abs() <= 1).all(), ok[ok["verschil"].abs() > 1]
    flagged = set(map(tuple, table.loc[~table["consistent"], ["jaar", "functiegroep", "indicator"]].to_numpy()))
    assert flagged == INCONSISTENT
    assert table.loc[~table["consistent"], "reden"].str.len().gt(10).all()


def test_reproduce_published_surfaces_the_seed_quirks(bommel):
    """seeds/README.md: OP = BAO / 18.03, OOP = (V)SO / 5.28; DIR accumulates, OP/OOP do not."""
    table = wf.reproduce_published(bommel).set_index(["jaar", "functiegroep", "indicator"])
    op = table.loc[(2025, "OP", "benodigd_fte"), "reden"]
    oop = table.loc[(2025, "OOP", "benodigd_fte"), "reden"]
    assert "de leerlingen basisonderwijs gedeeld door 18,03" in op and "basisonderwijs 18" in op
    assert "de leerlingen (voortgezet) speciaal onderwijs gedeeld door 5,28" in oop
    assert "OP (voortgezet) speciaal onderwijs 5" in oop
    assert not re.search(r"\b(bao|so_vso)\b", op + oop)  # school types in words
    assert "cumulatief" in table.loc[(2027, "DIR", "tekort_fte"), "reden"]
    assert "niet opgeteld" in table.loc[(2027, "OP", "tekort_fte"), "reden"]
    assert [table.loc[(y, "DIR", "tekort_fte"), "berekend"] for y in range(2025, 2030)] == [4, 8, 12, 16, 20]


def test_region_without_a_described_projection_is_refused():
    with pytest.raises(DataError, match="raming_methode"):
        wf.reproduce_published(load_region("kennemerland-groot-amsterdam"))


def test_inputs_from_published_tables(bommel):
    inputs = wf.inputs_from_region(bommel)
    assert inputs.basisjaar == 2024 and inputs.jaren == (2025, 2026, 2027, 2028, 2029)
    assert inputs.voorraad == {"OP": 2048.0, "OOP": 634.0, "DIR": 138.0}
    assert inputs.fte_per_persoon == {"totaal": 0.7}
    # ratios scaled so that base-year demand equals the stock
    out = wide(wf.project(inputs.__class__(**{**inputs.__dict__, "jaren": (2025,)})))
    pupils = inputs.leerlingen.set_index(["jaar", "soort"])["aantal"]
    ratio = inputs.ratio.set_index(["functiegroep", "soort"])["leerlingen_per_fte"]
    assert sum(pupils[(2024, s)] / ratio[("OP", s)] for s in ("bao", "so_vso")) == pytest.approx(2048.0)
    assert out.loc[("OP", 2025), "instroom_fte"] == pytest.approx(2048 * 0.055)
    assert any("× 1,039" in note for note in inputs.bronnen)


@pytest.mark.parametrize("rid", ["noorderwijzer", "kennemerland-groot-amsterdam"])
def test_missing_inputs_are_named(rid):
    region = load_region(rid)
    missing = wf.missing_inputs(region)
    assert any("bezetting" in m for m in missing)
    with pytest.raises(DataError, match="bezetting"):
        wf.inputs_from_region(region)


# ------------------------------------------------------------------ rates from microdata


def spells(rows):
    df = pd.DataFrame(rows, columns=["persoon_id", "functiegroep", "start", "einde", "reden_einde", "fte", "leeftijd_start"])
    df["start"], df["einde"] = pd.to_datetime(df["start"]), pd.to_datetime(df["einde"])
    df["observatie_einde"] = pd.Timestamp("2022-12-31")
    return df


def test_rates_from_spells_by_hand():
    df = spells([
        ("a", "OP", "2010-08-01", None, "", 1.0, 30),
        ("b", "OP", "2012-08-01", "2021-06-30", "buiten onderwijs", 0.5, 40),
        ("c", "OP", "2000-08-01", "2021-03-31", "pensioen", 1.0, 46),
        ("d", "OP", "2015-08-01", "2021-07-31", "ander bestuur in regio", 0.8, 35),  # moves inside the region
        ("d", "OP", "2021-08-01", None, "", 0.8, 41),                               # ... so not inflow
        ("e", "OP", "2021-08-01", None, "", 0.6, 24),                               # a real entrant
        ("f", "OP", "2022-02-01", "2022-09-30", "buiten regio", 1.0, 28),
    ])
    rates = wf.rates_from_spells(df).set_index(["jaar", "functiegroep"])
    # 2021: stock on 1 Jan = a 1.0 + b 0.5 + c 1.0 + d 0.8 = 3.3 fte; in 0.6 (e); out 0.5 (b); pension 1.0 (c)
    r21 = rates.loc[(2021, "OP")]
    assert r21["voorraad_fte"] == pytest.approx(3.3)
    assert r21["instroom"] == pytest.approx(100 * 0.6 / 3.3)
    assert r21["uitstroom"] == pytest.approx(100 * 0.5 / 3.3)
    assert r21["pensioen"] == pytest.approx(100 * 1.0 / 3.3)
    # 2022: stock = a 1.0 + d 0.8 + e 0.6 = 2.4; f came and went
    r22 = rates.loc[(2022, "OP")]
    assert r22["voorraad_fte"] == pytest.approx(2.4)
    assert r22["instroom_fte"] == pytest.approx(1.0) and r22["uitstroom_fte"] == pytest.approx(1.0)
    assert sorted(rates.index.get_level_values("jaar").unique()) == [2021, 2022]  # from the first observed exit


def test_rates_from_spells_missing_column():
    with pytest.raises(DataError, match="fte"):
        wf.rates_from_spells(spells([("a", "OP", "2010-01-01", None, "", 1.0, 30)]).drop(columns="fte"))


def test_inputs_from_microdata_only_region(tmp_path):
    """A region with employment spells and nothing else gets its whole SPP from them."""
    from conftest import microdata_only_region

    data = microdata_only_region(tmp_path)
    region = load_region("alleen-microdata", data)
    inputs = wf.inputs_from_region(region)
    assert inputs.leeftijd is not None and set(inputs.voorraad) == {"OP", "OOP", "DIR"}
    assert inputs.ratio.empty and inputs.vraag_constant == inputs.voorraad
    assert any("dienstverbanden" in note for note in inputs.bronnen)
    res = wide(wf.project(inputs))
    assert res["pensioen_fte"].sum() > 0 and not math.isnan(res["te_vervullen_personen"].sum())
    rates = wf.rates_from_spells(region.dienstverbanden)
    mean = rates[rates["jaar"] >= rates["jaar"].max() - 2].groupby("functiegroep")["instroom"].mean()
    got = inputs.tarieven.set_index("functiegroep")["instroom"]
    assert got["OP"] == pytest.approx(mean["OP"])


# ------------------------------------------------------------------ issue 15: units, Dutch numbers, own rules


def test_sensitivity_is_per_year_unless_summed():
    """The tornado's outcome is te vervullen fte per year (mean over the years), not five years
    of gaps summed and shown as fte; ``per="som"`` gives the fte-years explicitly."""
    inputs = toy_inputs()
    by_hand = total(wf.project(inputs), "te_vervullen_fte") / len(YEARS)
    per_year = wf.sensitivity(inputs)
    assert per_year["basis"].iloc[0] == pytest.approx(by_hand)
    summed = wf.sensitivity(inputs, per="som")
    assert summed["basis"].iloc[0] == pytest.approx(by_hand * len(YEARS))
    np.testing.assert_allclose(summed["bereik"], per_year["bereik"] * len(YEARS))
    with pytest.raises(DataError, match="per moet"):
        wf.sensitivity(inputs, per="maand")


def test_notes_and_reasons_use_dutch_decimals(bommel):
    """Numbers in the notes and reasons a report shows are Dutch (decimal comma)."""
    import re

    inputs = wf.inputs_from_region(bommel)
    table = wf.reproduce_published(bommel)
    texts = [*inputs.bronnen, *table["reden"]]
    assert not [t for t in texts if re.search(r"\d\.\d{1,2}\b(?!\d)", t)], [t for t in texts if re.search(r"\d\.\d{1,2}\b", t)]
    assert any("0,7 fte per persoon" in t for t in inputs.bronnen)
    assert any("/ 0,7 = 35,7" in t for t in table["reden"])


def test_inconsistent_rows_carry_the_value_of_the_tables_own_rule(bommel):
    """Worked out by hand from the seed (see INCONSISTENT): the value the table's own rule gives."""
    own = {(2028, "DIR", "te_vervullen_personen"): 36, (2025, "OP", "te_vervullen_personen"): 144,
           (2027, "OP", "te_vervullen_personen"): 157, (2027, "OOP", "te_vervullen_personen"): 31,
           (2025, "OP", "tekort_fte"): 3, (2027, "OOP", "tekort_fte"): 1, (2029, "OOP", "tekort_fte"): 0,
           (2027, "OP", "te_vervullen_fte"): 111, (2028, "OOP", "te_vervullen_fte"): 21}
    table = wf.reproduce_published(bommel).set_index(["jaar", "functiegroep", "indicator"])
    got = table.loc[~table["consistent"], "volgens_eigen_regels"].to_dict()
    assert got == own
    assert table.loc[table["consistent"], "volgens_eigen_regels"].isna().all()


# ------------------------------------------------------------------ issue 15: the plan's projection beside the package's

#: seed 002, § Kwantitatief, "benodigd te vervullen aantal fte" in 2029: schoolleiders, OP, OOP
PLAN_2029 = {"DIR": 29, "OP": 105, "OOP": 21}


def test_bridge_walks_from_the_plan_to_the_package(bommel):
    from regio_analysis.workforce import reconcile

    inputs = wf.inputs_from_region(bommel)
    brug = reconcile.bridge(bommel, inputs)
    assert reconcile.last_common_year(brug) == 2029
    steps = reconcile.step_totals(brug, 2029)
    assert list(steps.index) == ["gepubliceerd", "nagerekend", "afronden", "saldo", "basis_stromen", "invoer"]
    assert steps.loc["gepubliceerd", ["DIR", "OP", "OOP"]].to_dict() == PLAN_2029
    # the last step is the package's own basis projection
    own = wf.project(inputs)
    own = own[(own["jaar"] == 2029) & (own["indicator"] == "te_vervullen_fte")].set_index("functiegroep")["waarde"]
    for g in ("DIR", "OP", "OOP"):
        assert steps.loc["invoer", g] == pytest.approx(own[g])
    # recomputed with the plan's own rules: within rounding of the print
    assert (steps.loc["nagerekend", ["DIR", "OP", "OOP"]] - steps.loc["gepubliceerd", ["DIR", "OP", "OOP"]]).abs().max() <= 1


def test_bridge_accumulating_step_sums_the_yearly_balances_by_hand(bommel):
    """After the 'saldo' step the OP shortage in 2029 is the demand of 2029 minus a stock that
    starts at the plan's demand of 2025 (1739) and grows by every year's net inflow, each a
    published rate times the plan's demand of that year (BAO pupils / (BAO 2025 / 1739))."""
    from regio_analysis.workforce import reconcile

    brug = reconcile.bridge(bommel, wf.inputs_from_region(bommel))
    got = brug[(brug["stap"] == "saldo") & (brug["jaar"] == 2029) & (brug["functiegroep"] == "OP")
               & (brug["indicator"] == "tekort_fte")]["waarde"].iloc[0]
    bao = {2025: 31354, 2026: 31356, 2027: 31159, 2028: 31020, 2029: 30957}  # seed 002, Leerlingaantallen
    rates = {2025: (5.5, 5.3), 2026: (5.4, 5.1), 2027: (5.3, 5.2), 2028: (5.2, 4.8), 2029: (5.1, 4.9)}
    per_fte = bao[2025] / 1739
    stock = 1739 + sum((inn - out) / 100 * bao[y] / per_fte for y, (inn, out) in rates.items())
    expected = bao[2029] / per_fte - stock
    assert got == pytest.approx(expected, abs=0.01)
    # a step changes one convention only: the demand is the same before and after it
    demand = brug[(brug["jaar"] == 2029) & (brug["functiegroep"] == "OP") & (brug["indicator"] == "benodigd_fte")]
    d = demand.set_index("stap")["waarde"]
    assert d["saldo"] == pytest.approx(d["afronden"]) and d["basis_stromen"] == pytest.approx(d["saldo"])


def test_bridge_needs_a_described_projection():
    from regio_analysis.workforce import reconcile

    region = load_region("kennemerland-groot-amsterdam")
    with pytest.raises(wf.NoPublishedMethod):
        reconcile.bridge(region, toy_inputs())
