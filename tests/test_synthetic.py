"""Synthetic microdata: deterministic, labelled, calibrated to the published figures, and with a
known induction effect that an independent estimator (statsmodels' Cox model) recovers."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from regio_analysis.data import load_region
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.data.synthetic import (
    SyntheticParams, calibration_targets, generate_dienstverbanden, generate_microdata,
)

YEAR = 365.25


@pytest.fixture(scope="module")
def regions():
    return {rid: load_region(rid) for rid in DEFAULT_REGIONS}


@pytest.fixture(scope="module")
def spells(regions):
    return {rid: generate_dienstverbanden(rd, seed=7) for rid, rd in regions.items()}


def _left_board_within(df: pd.DataFrame, years: float) -> float:
    """Share of starters observed `years` who left their board within `years`."""
    follow_up = (df["observatie_einde"] - df["start"]).dt.days / YEAR
    duration = (df["einde"] - df["start"]).dt.days / YEAR
    pop = df["starter"] & (follow_up >= years)
    left = pop & df["einde"].notna() & (duration <= years) & (df["reden_einde"] != "andere school zelfde bestuur")
    return left.sum() / pop.sum()


def test_same_seed_same_frames_other_seed_other_frames(regions):
    rd = regions["rond-bommel-en-dommel"]
    a, b = generate_microdata(rd, seed=11), generate_microdata(rd, seed=11)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    c = generate_microdata(rd, seed=12)
    assert not a["dienstverbanden"].equals(c["dienstverbanden"])
    assert not a["open_antwoorden"].equals(c["open_antwoorden"])


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_starters_leaving_within_one_year_hit_the_target(regions, spells, rid):
    target = calibration_targets(regions[rid]).set_index("naam")["waarde"]["vertrek_1_jaar"]
    assert abs(_left_board_within(spells[rid], 1.0) - target) < 0.02


def test_published_one_and_four_year_figures_of_rond_bommel_en_dommel(spells):
    df = spells["rond-bommel-en-dommel"]
    # seed 002: 25 % leave their board within a year, 50 % within four
    assert abs(_left_board_within(df, 1.0) - 0.25) < 0.02
    assert abs(_left_board_within(df, 4.0) - 0.50) < 0.02


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_stock_size_outflow_and_age_follow_the_targets(regions, spells, rid):
    targets = calibration_targets(regions[rid]).set_index("naam")["waarde"]
    df = spells[rid]
    t0 = pd.Timestamp(df.attrs["observatie_start"])
    stock = df[df["start"] < t0]
    assert len(stock) == int(targets["personen"])
    left_first_year = (stock["einde"].notna() & (stock["einde"] < t0 + pd.DateOffset(years=1))).mean()
    assert abs(left_first_year - targets["uitstroom"]) < 0.02
    # leeftijd_start is in whole years (floored), so the recomputed age lies within a year below the
    # true age: the true 55+ share is bracketed by these two shares (at most one year of ages apart)
    age_t0 = stock["leeftijd_start"] + (t0 - stock["start"]).dt.days / YEAR
    tol = 1 / len(stock)  # the target share is rounded to whole persons
    assert (age_t0 >= 55).mean() - tol <= targets["aandeel_55plus"] <= (age_t0 + 1 >= 55).mean() + tol


def test_targets_come_from_the_published_figures(regions):
    t = calibration_targets(regions["kennemerland-groot-amsterdam"]).set_index("naam")
    assert t.loc["aandeel_55plus", "waarde"] == pytest.approx(0.277)  # seed 003: 27.7 % aged 55+
    assert t.loc["uitstroom", "waarde"] == pytest.approx(0.099) and t.loc["instroom", "waarde"] == pytest.approx(0.107)
    assert t.loc["aandeel_55plus", "bron"].startswith("003_")
    t = calibration_targets(regions["rond-bommel-en-dommel"]).set_index("naam")
    assert t.loc["personen", "waarde"] == 2840 + 918  # the region's own OP + OOP persons


def test_everything_is_labelled_synthetic(regions, spells):
    micro = generate_microdata(regions["noorderwijzer"], seed=1)
    for df in micro.values():
        assert df["bron"].str.startswith("synthetisch").all() and df.attrs["synthetisch"] is True
    assert spells["noorderwijzer"].attrs["params"]["inductie_log_hr"] == pytest.approx(math.log(0.8))


def test_load_region_adds_synthetic_tables_only_when_asked(regions):
    plain = load_region("noorderwijzer")
    assert not plain.has("dienstverbanden") and not plain.synthetisch
    rd = load_region("noorderwijzer", synthetic=True, seed=3)
    assert rd.synthetisch == {"dienstverbanden", "enquete", "open_antwoorden"}
    assert rd.has("dienstverbanden") and rd.has("enquete")


def test_induction_is_confounded_by_certification_and_school_size(spells):
    df = spells["kennemerland-groot-amsterdam"]
    op = df[df["starter"] & (df["functiegroep"] == "OP")]
    assert op.loc[op["bevoegd"], "inductie"].mean() > op.loc[~op["bevoegd"], "inductie"].mean() + 0.15
    assert np.corrcoef(op["inductie"], np.log(op["school_omvang"]))[0, 1] > 0.1
    assert not df.loc[~df["starter"], "inductie"].any(), "only starters get induction"
    assert (df["inductie"] == (df["inductie_intensiteit"] != "geen")).all()


def test_cox_model_recovers_the_documented_induction_effect():
    """An independent estimator (statsmodels PHReg) with the true covariates finds the true log-HR,
    while the naive model (induction only) overstates the benefit: the confounding is real."""
    rd = load_region("rond-bommel-en-dommel")
    params = SyntheticParams(personen=30000, instroom=0.10, aandeel_starters=0.6)
    df = generate_dienstverbanden(rd, seed=5, params=params)
    st = df[df["starter"]].copy()
    st["tijd"] = ((st["einde"].fillna(st["observatie_einde"]) - st["start"]).dt.days + 0.5) / YEAR
    st["gebeurtenis"] = st["einde"].notna().astype(float)
    schools = df.drop_duplicates("vestigingscode")
    log_size = np.log(schools["school_omvang"])
    st["z"] = (np.log(st["school_omvang"]) - log_size.mean()) / log_size.std(ddof=0)
    st["zij"] = (st["route"] == "zij-instroom").astype(float)
    st["tijdelijk"] = (st["contract"] == "tijdelijk").astype(float)
    cols = ["inductie", "bevoegd", "z", "zij", "tijdelijk"]
    X = st[cols].astype(float)
    full = sm.PHReg(st["tijd"], X, status=st["gebeurtenis"], ties="efron").fit()
    coef, se = full.params[0], full.bse[0]
    assert abs(coef - params.inductie_log_hr) < 3 * se, (coef, se)
    assert abs(full.params[1] - params.bevoegd_log_hr) < 3 * full.bse[1]
    naive = sm.PHReg(st["tijd"], st[["inductie"]].astype(float), status=st["gebeurtenis"], ties="efron").fit()
    assert naive.params[0] < params.inductie_log_hr - 2 * se, "the naive estimate should be biased towards benefit"


def test_survey_agreement_matches_published_satisfaction(regions):
    micro = generate_microdata(regions["rond-bommel-en-dommel"], seed=2)
    e = micro["enquete"]
    staff = e[e["groep"] == "personeel"]
    agree = staff.groupby("item")["waarde"].apply(lambda v: (v >= 4).mean())
    published = regions["rond-bommel-en-dommel"].kengetallen
    salaris = published[(published["onderwerp"] == "tevredenheid") & published["categorie"].str.contains("salaris")]
    assert agree["salaris"] == pytest.approx(salaris["waarde"].iloc[0] / 100, abs=0.01)
    assert set(staff["respondent_id"]) <= set(micro["dienstverbanden"]["persoon_id"])
    assert e["waarde"].between(1, 5).all()


def test_open_answers_carry_true_codes_and_negations_are_not_codes(regions):
    micro = generate_microdata(regions["po-noord-nederland"], seed=4)
    oa = micro["open_antwoorden"]
    assert len(oa) > 50 and (oa["codes"] != "").all()
    negated = oa[oa["tekst"].str.contains("Het lag niet aan de werkdruk.", regex=False)]
    assert not negated.empty
    assert not negated["codes"].str.contains("werkdruk").any()
    spells = micro["dienstverbanden"].set_index("persoon_id")
    leavers = spells.loc[oa["respondent_id"]]
    assert leavers["einde"].notna().all() and (leavers["reden_einde"] != "pensioen").all()


def test_fixed_population_keeps_schools_and_hazard_across_seeds():
    """Validation studies redraw people and outcomes, not the population (vaste_scholen, weibull_schaal)."""
    from regio_analysis.data import load_region
    from regio_analysis.data.synthetic import SyntheticParams, generate_dienstverbanden

    region = load_region("noorderwijzer")

    def schools(params, seed):
        spells = generate_dienstverbanden(region, seed=seed, params=params)
        return dict(zip(spells["vestigingscode"], spells["school_omvang"])), spells.attrs["weibull"]

    free_a, wb_a = schools(SyntheticParams(), 1)
    free_b, wb_b = schools(SyntheticParams(), 2)
    assert free_a != free_b and wb_a["c"] != wb_b["c"]  # by default each seed is a new population
    fixed = SyntheticParams(vaste_scholen=True, weibull_schaal=0.05, weibull_vorm=0.8)
    fix_a, wf_a = schools(fixed, 1)
    fix_b, wf_b = schools(fixed, 2)
    shared = set(fix_a) & set(fix_b)
    assert len(shared) > 0.9 * min(len(fix_a), len(fix_b))
    assert all(fix_a[v] == fix_b[v] for v in shared)
    assert (wf_a["c"], wf_a["k"]) == (wf_b["c"], wf_b["k"]) == (0.05, 0.8)
