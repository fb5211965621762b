"""Synthetic microdata: deterministic, labelled, calibrated to the published figures, and with a
known induction effect that an independent estimator (statsmodels' Cox model) recovers."""
from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from regio_analysis.data import load_region
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.data.region import documenttitel, leesbare_bron
from regio_analysis.data.synthetic import (
    SyntheticParams, calibration_targets, generate_dienstverbanden, generate_microdata,
    gepubliceerd_vertrek_starters, ingebouwde_waarheden, ongebruikte_cijfers,
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
    # named by the document's title and section, never by a file name
    assert t.loc["aandeel_55plus", "bron"] == ("Activiteitenplan Kennemerland & Groot-Amsterdam 2026–2029, "
                                               "§ 2.4 Basisarbeidsmarktanalyse > Personeel")
    assert t.loc["aandeel_55plus", "soort"] == "gepubliceerd" and pd.isna(t.loc["aandeel_55plus", "jaar"])  # no year given
    t = calibration_targets(regions["rond-bommel-en-dommel"]).set_index("naam")
    assert t.loc["personen", "waarde"] == 2840 + 918  # the region's own OP + OOP persons
    assert "918" in t.loc["personen", "opmerking"] and "2.840" in t.loc["personen", "opmerking"]


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


# ----------------------------------------------------------------------------- provenance of the targets

_FILE = re.compile(r"\b\w+\.(?:txt|pdf|csv|docx?)\b")


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_every_target_names_its_source_by_title_or_as_a_package_default(regions, rid):
    region = regions[rid]
    t = calibration_targets(region)
    assert set(t["soort"]) <= {"gepubliceerd", "standaardwaarde"}
    for row in t.itertuples():
        assert not _FILE.search(row.bron), row.bron
        if row.soort == "gepubliceerd":
            assert row.bron.startswith(documenttitel(region) + ", § "), row.bron
        else:
            assert row.bron == "standaardwaarde van het pakket" and "publiceert dit niet" in row.opmerking
    unused = ongebruikte_cijfers(region)
    assert not unused["bron"].str.contains(_FILE).any() and unused["reden"].str.len().gt(10).all()
    # the generator records what it was told, the same table
    spells = generate_dienstverbanden(region, seed=3)
    assert {k: v["bron"] for k, v in spells.attrs["kalibratie"].items()} == dict(zip(t["naam"], t["bron"]))


def test_published_starter_outflow_is_used_whatever_its_indicator_is_called(regions):
    """Noorderwijzer publishes a 21.5 % outflow of starting teachers under another indicator name
    ("uitstroompercentage startende leraren", no horizon): it is the one-year target, and says so.
    Before, the package's default of 20 % was used and the published figure ignored."""
    t = calibration_targets(regions["noorderwijzer"]).set_index("naam")
    assert t.loc["vertrek_1_jaar", "waarde"] == pytest.approx(0.215)
    assert t.loc["vertrek_1_jaar", "soort"] == "gepubliceerd"
    assert t.loc["vertrek_1_jaar", "indicator"] == "uitstroompercentage startende leraren"
    assert "geen termijn" in t.loc["vertrek_1_jaar", "opmerking"]
    assert pd.isna(t.loc["vertrek_1_jaar", "jaar"])
    assert t.loc["personen", "waarde"] == 2000 and t.loc["personen", "bron"] == "standaardwaarde van het pakket"
    spells = generate_dienstverbanden(regions["noorderwijzer"], seed=7)
    assert abs(_left_board_within(spells, 1.0) - 0.215) < 0.02
    assert "al het personeel" not in t.loc["vertrek_1_jaar", "opmerking"]  # this one is about starters


def test_a_leaving_figure_about_all_staff_is_said_to_be_used_for_starters(regions):
    """Rond Bommel en Dommel's 25 % is the plan's reading of all staff's contract durations; the generator
    may use it for starters (the only figure there is) but must say it is another population."""
    t = calibration_targets(regions["rond-bommel-en-dommel"]).set_index("naam")
    assert t.loc["vertrek_1_jaar", "waarde"] == pytest.approx(0.25)
    assert "al het personeel, niet alleen voor startende leraren" in t.loc["vertrek_1_jaar", "opmerking"]


def _with_kengetallen(region, rows: list[dict]):
    kg = pd.concat([region.kengetallen, pd.DataFrame(rows)], ignore_index=True)
    return replace(region, tables={**region.tables, "kengetallen": kg})


def test_starter_figures_are_matched_by_meaning_and_unused_ones_said_why(regions):
    base = regions["kennemerland-groot-amsterdam"]
    row = {"onderwerp": "personeel", "jaar": 2024, "functiegroep": "OP", "categorie": "totaal", "niveau": "regio",
           "eenheid": "procent", "bron": "003_f3e94b2154404b56.txt § 2.4 Basisarbeidsmarktanalyse > Personeel"}
    region = _with_kengetallen(base, [{**row, "indicator": "uitval_startende_docenten_binnen_1_jaar", "waarde": 18.0},
                                      {**row, "indicator": "uitval_startende_docenten_binnen_2_jaar", "waarde": 30.0},
                                      {**row, "indicator": "vertrek_binnen_1_jaar_max", "waarde": 10.0}])
    pub = gepubliceerd_vertrek_starters(region)
    assert pub["termijn"].tolist() == [1, 2]  # an ambition (…_max) is not a published share
    t = calibration_targets(region).set_index("naam")
    assert t.loc["vertrek_1_jaar", "waarde"] == pytest.approx(0.18) and t.loc["vertrek_1_jaar", "jaar"] == 2024
    assert t.loc["vertrek_1_jaar", "opmerking"] == ""  # the horizon is in the name
    assert t.loc["vertrek_1_jaar", "bron"] == ("Activiteitenplan Kennemerland & Groot-Amsterdam 2026–2029, "
                                               "§ 2.4 Basisarbeidsmarktanalyse > Personeel")
    unused = ongebruikte_cijfers(region).set_index("indicator")
    assert "termijn van 2 jaar" in unused.loc["uitval_startende_docenten_binnen_2_jaar", "reden"]
    # the second, rounded 55+ share of seed 003 ("bijna een kwart") is listed, not silently dropped
    assert "tweede cijfer" in unused.loc["aandeel_ouder_dan_55_afgerond", "reden"]
    assert "27,7%" in unused.loc["aandeel_ouder_dan_55_afgerond", "reden"]
    bommel = ongebruikte_cijfers(regions["rond-bommel-en-dommel"])
    assert sorted(bommel.loc[bommel["naam"] == "personen", "waarde"]) == [2165, 5020]  # realisatie-eenheid


def test_readable_source_never_shows_a_file_name(regions):
    region = regions["noorderwijzer"]
    assert documenttitel(region) == "Activiteitenplan Noorderwijzer 2026–2029"
    text = leesbare_bron(region, "000_eef838b178920c9b.txt § 3.1.3 Behouden")
    assert text == "Activiteitenplan Noorderwijzer 2026–2029, § 3.1.3 Behouden"
    assert leesbare_bron(region, text) == text  # idempotent
    assert leesbare_bron(region, "999_0000000000000000.txt § 2") == "een ander document van de regio, § 2"
    assert leesbare_bron(region, None) == "bron niet vermeld"
    po = regions["po-noord-nederland"]
    assert documenttitel(po) == "Plan van aanpak Onderwijsregio PO Noord-Nederland 2024"


def test_built_in_truths_follow_the_parameters():
    truths = ingebouwde_waarheden().set_index("naam")
    assert truths.loc["hr_inductie", "waarde"] == pytest.approx(0.80)
    assert truths.loc["hr_inductie", "parameter"] == "inductie_log_hr"
    assert truths.loc["or_inductie_bevoegd", "waarde"] == pytest.approx(math.exp(1.3))
    other = ingebouwde_waarheden(SyntheticParams(inductie_log_hr=math.log(0.5))).set_index("naam")
    assert other.loc["hr_inductie", "waarde"] == pytest.approx(0.5)
