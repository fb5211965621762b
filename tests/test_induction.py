"""The induction study (chapter 04_inductie_effect): cohort, truth, validation, wording, batch."""
from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from regio_analysis import causal, induction
from regio_analysis.data import RegionData, load_region
from regio_analysis.errors import DataError
from regio_analysis.induction import chapter
from regio_analysis.report.tables import bijschrift_van
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.data.synthetic import SyntheticParams, generate_dienstverbanden
from regio_analysis.report.format import bewijswoorden, fmt_getal, tabel_tekst

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def region():
    return load_region("rond-bommel-en-dommel", None, synthetic=True, seed=0)


@pytest.fixture(scope="module")
def study(region):
    return induction.run_study(induction.study_cohort(region.dienstverbanden), "ATT", 3)


def test_parameter_checks():
    assert induction.parse_covariates(" bevoegd,route ; contract bevoegd") == ["bevoegd", "route", "contract"]
    assert induction.check_covariates(induction.DEFAULT_COVARIATES) is None
    assert "onbekende covariaat leeftijd" in induction.check_covariates("bevoegd, leeftijd")
    assert induction.check_covariates(" , ") == "noem minstens één covariaat"
    assert induction.check_cohort_year(2019) is None and induction.check_cohort_year(2026)


def test_cohort_follows_the_target_trial(region):
    cohort = induction.study_cohort(region.dienstverbanden, 2020, 2023, "bevoegd, log_school_omvang, route")
    d = cohort.data
    assert d["starter"].all() and (d["functiegroep"] == "OP").all() and (d["entry"] == 0).all()
    assert d["start_jaar"].between(2020, 2023).all() and d["inductie"].dtype == bool
    assert np.allclose(d["log_school_omvang"], np.log(d["school_omvang"]))
    counts = cohort.flow["aantal"].tolist()
    assert counts[:5] == sorted(counts[:5], reverse=True) and counts[5] + counts[6] == counts[4] == len(d)
    assert cohort.n_arms == {"met inductie": int(d["inductie"].sum()), "zonder inductie": int((~d["inductie"]).sum())}
    assert cohort.synthetic and cohort.usable
    trial = chapter.target_trial(2020, 2023, 3, "ATT", cohort.covariates)
    assert list(trial["onderdeel"]) == ["Deelnemers", "Strategieën", "Toewijzing", "Tijdstip nul", "Uitkomst",
                                        "Follow-up", "Causaal contrast"]
    assert "2020–2023" in trial.iloc[0, 1] and "bevoegdheid" in trial.iloc[2, 2] and "(ATT)" in trial.iloc[6, 1]


def _few_starters(spells: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    eligible = spells["starter"] & (spells["functiegroep"] == "OP") & (spells["start"].dt.year.between(2019, 2024))
    return pd.concat([spells[~spells["starter"]].iloc[:100], spells[eligible].iloc[:n]])


def test_small_counts_are_suppressed_and_no_estimate_is_made(region):
    few = _few_starters(region.dienstverbanden)
    cohort = induction.study_cohort(few)
    small = cohort.flow[(cohort.flow["onderdrukt"])]
    assert not small.empty and small["aantal"].isna().all()
    assert not cohort.usable
    with pytest.raises(DataError, match="te weinig starters"):
        induction.run_study(cohort)
    assert "Te weinig starters" in chapter.lezing_stroom(cohort)


def test_analyse_never_raises():
    spells = generate_dienstverbanden(load_region("noorderwijzer"), seed=1)
    none = RegionData("x", {"naam": "X"}, None, {})
    assert "Geen gegevens over dienstverbanden" in chapter.analyse(none).message
    tiny = RegionData("x", {"naam": "X"}, None, {"dienstverbanden": _few_starters(spells)})
    out = chapter.analyse(tiny)
    assert out.study is None and "Te weinig starters" in out.message
    bad = RegionData("x", {"naam": "X"}, None, {"dienstverbanden": spells.drop(columns=["contract"])})
    out = chapter.analyse(bad)
    assert out.study is None and "contract" in out.message and "kan niet worden uitgevoerd" in out.message
    reversed_years = chapter.analyse(RegionData("x", {"naam": "X"}, None, {"dienstverbanden": spells}), 2024, 2020)
    assert reversed_years.study is None and "ligt na" in reversed_years.message


def test_balance_after_weighting_below_0_1_in_every_default_region():
    """Acceptance: |SMD| < 0.1 after weighting on the synthetic data (the chapter's weights)."""
    for rid in DEFAULT_REGIONS:
        reg = load_region(rid, None, synthetic=True, seed=0)
        cohort = induction.study_cohort(reg.dienstverbanden)
        w = causal.propensity_weights(cohort.data, "inductie", cohort.covariates, "ATT", fit="balance")
        table = causal.balance_table(cohort.data, "inductie", cohort.covariates, w, sd="treated")
        assert causal.max_abs_smd(table) < 0.1, rid
        assert causal.max_abs_smd(table, "ongewogen") > 0.3, rid  # there was confounding to remove


def test_study_tables_and_readings(study):
    assert causal.max_abs_smd(study.balance) < 0.1
    model = study.effects
    assert list(model.columns) == ["measure", "horizon", "estimate", "ci_lower", "ci_upper", "n"]
    assert model["measure"].iloc[0] == "hazardratio" and np.isnan(model["horizon"].iloc[0])
    effects = chapter.effecten_tabel(study)
    assert effects["maat"].iloc[0] == "hazardratio (vertrek)" and set(effects["horizon"]) >= {"1 jaar", "3 jaar", "5 jaar"}
    assert not effects["onderdrukt"].any() and (effects["n"] >= 10).all()
    rd = study.estimate()
    row = effects[(effects["horizon"] == "3 jaar") & effects["maat"].str.startswith("verschil in vertrek")].iloc[0]
    assert row["schatting"] == pytest.approx(100 * rd["estimate"])
    assert (row["95%-BI laag"], row["95%-BI hoog"]) == pytest.approx((100 * rd["ci_lower"], 100 * rd["ci_upper"]))
    rmst = effects[effects["maat"].str.startswith("verschil in gem")].iloc[0]
    assert rmst["schatting"] == pytest.approx(12 * study.estimate(measure="rmst-verschil", horizon=1)["estimate"])
    # what the reader sees: two decimals, the interval in one cell, n as a count, ja/nee
    shown = tabel_tekst(effects)
    assert list(shown.columns) == ["maat", "horizon", "schatting", "95%-BI", "n", "onderdrukt"]
    assert shown.loc[0, "schatting"] == fmt_getal(study.main.cox.hr, 2)
    assert shown.loc[0, "95%-BI"] == f"{fmt_getal(study.main.cox.ci[0], 2)}–{fmt_getal(study.main.cox.ci[1], 2)}"
    assert shown.loc[0, "onderdrukt"] == "nee"
    sens = chapter.sensitivity_table(study)
    assert len(sens) == 7 and sens["analyse"].iloc[0].startswith("naïef")
    assert sens["max |SMD|"].iloc[1] < 1e-6 < sens["max |SMD|"].iloc[0]
    assert study.sensitivity["rd"].notna().all(), study.sensitivity["note"].tolist()
    assert sens["risicoverschil 3 jaar (pp)"].tolist() == pytest.approx((100 * study.sensitivity["rd"]).tolist())
    shown = tabel_tekst(sens)
    assert list(shown.columns) == ["analyse", "hazardratio", "hr 95%-BI", "risicoverschil 3 jaar (pp)", "rv 95%-BI",
                                   "max |SMD|", "effectieve n controle", "interval", "opmerking"]
    s0 = study.sensitivity.iloc[0]
    assert shown.loc[0, "hr 95%-BI"] == f"{fmt_getal(s0['hr_lower'], 2)}–{fmt_getal(s0['hr_upper'], 2)}"
    sep = " tot " if min(s0["rd_lower"], s0["rd_upper"]) < 0 else "–"  # a dash beside a minus sign reads as one
    assert shown.loc[0, "rv 95%-BI"] == f"{fmt_getal(100 * s0['rd_lower'], 1)}{sep}{fmt_getal(100 * s0['rd_upper'], 1)}"
    assert shown.loc[0, "hazardratio"] == fmt_getal(s0["hr"], 3) and shown.loc[1, "interval"] == "bootstrap"
    balance = chapter.balans_tabel(study.balance)
    assert list(balance.columns) == ["covariaat", "type", "weging", "gemiddelde met inductie",
                                     "gemiddelde zonder inductie", "verschil", "SMD", "variantieratio"]
    assert balance["SMD"].tolist() == study.balance["smd"].tolist()
    assert tabel_tekst(balance).loc[0, "variantieratio"] == "–"  # a 0/1 covariate has none
    evalue = chapter.e_waarde_tabel(study.evalue)
    assert evalue.iloc[0].tolist()[1:] == pytest.approx([study.main.cox.hr, study.evalue.rr, study.evalue.point,
                                                         study.evalue.ci])
    assert tabel_tekst(evalue).iloc[0].tolist()[0] == "HR"
    flow = chapter.stroom_tabel(study.cohort)
    assert flow.attrs["privacy"] == study.cohort.flow.attrs["privacy"]  # the description for the audit is kept
    assert tabel_tekst(flow)["aantal"].iloc[0] == fmt_getal(flow["aantal"].iloc[0], 0)
    # the naive hazard ratio is the unweighted one
    naive = causal.weighted_cox(study.cohort.data, "duration", "event", "inductie", None)
    assert study.naive.cox.hr == pytest.approx(naive.hr)
    assert study.evalue.point == pytest.approx(causal.e_value(study.main.cox.hr, measure="HR", rare=study.rare).point)
    texts = [chapter.lezing_stroom(study.cohort), chapter.lezing_overlap(study.main.weights),
             chapter.lezing_balans(study.balance), chapter.lezing_risico(study), chapter.lezing_naief(study),
             chapter.lezing_naief_risico(study), chapter.conclusie(study)]
    assert all(t.endswith((".", "*")) for t in texts)
    assert "alle kenmerken zijn in balans" in texts[2]
    assert "synthetisch" in texts[-1]


def _numbers(**changes) -> chapter.ConclusionNumbers:
    base = {"horizon": 3, "estimand": "ATT", "rd": -6.0, "rd_lo": -10.0, "rd_hi": -2.0, "hr": 0.8, "hr_lo": 0.7,
            "hr_hi": 0.92, "sens_min": -7.0, "sens_max": -4.5, "e_point": 1.8, "e_ci": 1.3,
            "covariates": ("bevoegd", "route"), "synthetic": False}
    return chapter.ConclusionNumbers(**{**base, **changes})


def test_conclusion_states_uncertainty_honestly():
    benefit = chapter.conclusie_tekst(_numbers())
    assert benefit.startswith("**Inductie gaat in deze gegevens samen met minder vertrek.**")
    assert "6,0 procentpunt lager" in benefit and "−10,0 tot −2,0 procentpunt" in benefit
    assert "hazardratio voor vertrek 0,80 (95%-BI 0,70 tot 0,92)" in benefit
    assert "tussen −7,0 en −4,5 procentpunt" in benefit and "risicoratio van 1,80" in benefit
    assert "bevoegdheid en route naar het beroep" in benefit and "synthetisch" not in benefit
    assert "breed" not in benefit

    harm = chapter.conclusie_tekst(_numbers(rd=5.0, rd_lo=1.0, rd_hi=9.0, estimand="ATE"))
    assert "méér vertrek" in harm and "over alle starters" in harm

    unclear = chapter.conclusie_tekst(_numbers(rd=-3.0, rd_lo=-19.0, rd_hi=13.0, e_ci=1.0))
    assert unclear.startswith("**De gegevens laten geen duidelijk verschil door inductie zien.**")
    assert "ook geen verschil past bij de gegevens" in unclear
    assert "Het interval is breed (32 procentpunt)" in unclear and "het interval omvat 1 al" in unclear
    for text in (benefit, harm, unclear):  # no word that claims a finding, whatever the interval
        assert not bewijswoorden(text), text

    # synthetic: a demonstration set against the generator's truth, never a verdict about the region
    demo = chapter.conclusie_tekst(_numbers(synthetic=True, true_hr=0.8, true_rd=-5.1))
    assert demo.startswith("**Dit is een demonstratie van de methode op synthetische gegevens, geen bevinding over "
                           "de regio.**")
    assert "Inductie gaat in deze gegevens samen" not in demo and not bewijswoorden(demo)
    assert "het ware verschil −5,1 procentpunt, binnen het interval" in demo
    assert "tegen de ingebouwde 0,80; die ingebouwde waarde is conditioneel" in demo and "marginaal" in demo
    assert demo.endswith("over inductie in de regio zegt het niets.")
    outside = chapter.conclusie_tekst(_numbers(synthetic=True, true_hr=0.8, true_rd=-15.0))
    assert "buiten het interval" in outside

    missing = chapter.conclusie_tekst(_numbers(rd=None, rd_lo=None, rd_hi=None, sens_min=None, sens_max=None))
    assert "te weinig starters bekend" in missing and "gevoeligheidsanalyses" not in missing


def test_balance_reading():
    table = pd.DataFrame({"covariate": ["a", "b", "a", "b"], "weighting": ["ongewogen"] * 2 + ["gewogen"] * 2,
                          "smd": [0.5, -0.7, 0.02, -0.15]})
    text = chapter.lezing_balans(table)
    assert "het meest in b (SMD −0,70)" in text.replace("-", "−") and "0,15: niet alle kenmerken" in text


def test_true_effects_match_the_generator():
    """With a large synthetic region the correct conditional Cox model recovers log 0.8, and the
    model risk of the controls agrees with their Kaplan-Meier estimate."""
    from lifelines import KaplanMeierFitter

    reg = load_region("po-noord-nederland")
    spells = generate_dienstverbanden(reg, seed=7, params=SyntheticParams(personen=15000))
    cohort = induction.study_cohort(spells)
    d = cohort.data
    cox = causal.weighted_cox(d, "duration", "event", "inductie", None, covariates=cohort.covariates)
    assert abs(cox.log_hr - math.log(0.8)) < 2.5 * cox.se
    controls = d[~d["inductie"]]
    truth = induction.true_effects(controls, spells, (1, 3), estimand="ATE")
    km = KaplanMeierFitter().fit(controls["duration"], controls["event"])
    for h, risk in zip(truth["horizon"], truth["risico_controle"]):
        assert 1 - km.survival_function_at_times(h).iloc[0] == pytest.approx(risk, abs=0.04)
    att = induction.true_effects(d, spells, (3,))
    assert att["risicoverschil"].iloc[0] < 0 < att["rmst_verschil"].iloc[0]
    assert att.attrs["log_hr"] == pytest.approx(math.log(0.8))
    with pytest.raises(DataError, match="geen synthetische"):
        induction.true_effects(d, spells.copy().pipe(lambda s: setattr(s, "attrs", {}) or s))


def test_fast_validation_naive_is_biased_and_ipw_aipw_recover_the_truth():
    """CI version of benchmarks/causal_validation.py: three large replications."""
    reg = load_region("kennemerland-groot-amsterdam")
    rows = []
    for seed in (1, 2, 3):
        rows += induction.simulate_replicate(reg, seed, SyntheticParams(personen=12000))
    table = induction.validation_table(pd.DataFrame(rows)).set_index(["doel", "methode"])
    rd = table.loc["risicoverschil_3j"]
    naive = rd.loc["naief"]
    assert naive["bias"] < -0.05 and abs(naive["bias"]) > 3 * naive["gem_se"] / math.sqrt(3)
    for method in ("ipw_ml", "ipw_cbps", "aipw_ml", "aipw_cbps"):
        r = rd.loc[method]
        assert abs(r["bias"]) < 2.5 * r["gem_se"] / math.sqrt(3), (method, r.to_dict())
        assert abs(r["bias"]) < abs(naive["bias"]) / 2
    hr = table.loc["log_hr"]
    assert hr.loc["naief", "bias"] < -0.15
    assert abs(hr.loc["cox_gecorrigeerd", "bias"]) < 2.5 * hr.loc["cox_gecorrigeerd", "gem_se"] / math.sqrt(3)


def test_reproducibility_table(region):
    table = chapter.reproducibility(region, {"seed": 0, "horizon": 3})
    names = dict(zip(table["naam"], table["waarde"]))
    assert names["lifelines"] and names["statsmodels"] and names["seed"] == "0" and names["horizon"] == "3"
    digest = names["dienstverbanden (synthetisch)"]
    assert len(digest) == 64 and digest == chapter.table_hash(region.dienstverbanden)
    assert (table["onderdeel"] == "invoerbestand (sha256)").sum() == len(region.bestanden)


def test_chapter_runs_in_the_batch_for_default_regions_and_microdata_only(full_reports):
    """Acceptance: the chapter runs for every default region (and a region with its own spells)."""
    from conftest import BATCH_REGIONS, chapter_status

    out, manifest = full_reports
    status = chapter_status(manifest, "inductie_effect")
    assert status == {rid: "ok" for rid in BATCH_REGIONS}, json.dumps(manifest["rijen"], indent=1)
    for rid in DEFAULT_REGIONS:
        page = (out / rid / "rapport.html").read_text(encoding="utf-8")
        assert "Inductie en behoud van starters" in page
        assert "<strong>Dit hoofdstuk is een demonstratie op synthetische gegevens" in page
        balance = pd.read_csv(out / rid / "tabellen" / "inductie-balans.csv")
        assert balance.loc[balance["weging"] == "gewogen", "SMD"].abs().max() < 0.1
    own = (out / "alleen-microdata" / "rapport.html").read_text(encoding="utf-8")
    assert "aangeleverde personeelsgegevens" in own


# ----------------------------------------------------------------------------- the chapter object


@pytest.fixture(scope="module")
def hoofdstuk(region):
    return chapter.Hoofdstuk(region, cohort_van=2019, cohort_tot=2024, horizon=3, estimand="ATT",
                             covariates=induction.DEFAULT_COVARIATES, seed=0)


def test_hoofdstuk_shows_what_the_module_functions_show(hoofdstuk, study, region):
    from matplotlib.axes import Axes

    h = hoofdstuk
    assert h.studie is h.studie and h.melding == ""  # computed once
    # the same study as run_study on the same cohort and parameters
    pd.testing.assert_frame_equal(h.studie.main.summary, study.main.summary)
    pd.testing.assert_frame_equal(h.studie.sensitivity, study.sensitivity)
    assert chapter.vraag(region) in h.inleiding() and chapter.data_note(region) in h.inleiding()
    pd.testing.assert_frame_equal(h.tabel_doelexperiment(),
                                  chapter.target_trial(2019, 2024, 3, "ATT", induction.parse_covariates(h.covariates)))
    pd.testing.assert_frame_equal(h.tabel_stroomdiagram(), chapter.stroom_tabel(study.cohort))
    for got, module in ((h.tabel_balans(), chapter.balans_tabel(study.balance)),
                        (h.tabel_effecten(), chapter.effecten_tabel(study)),
                        (h.tabel_gevoeligheid(), chapter.sensitivity_table(study)),
                        (h.tabel_e_waarde(), chapter.e_waarde_tabel(study.evalue))):
        pd.testing.assert_frame_equal(got, module)
        assert tabel_tekst(got).equals(tabel_tekst(module))
    assert h.lezing_stroom() == chapter.lezing_stroom(study.cohort, synthetisch=True)
    assert "synthetische startende leraren" in h.lezing_stroom()  # a synthetic count is never read as the region's
    assert h.lezing_naief_risico() == chapter.lezing_naief_risico(study)
    assert h.lezing_overlap() == chapter.lezing_overlap(study.main.weights)
    assert h.lezing_balans() == chapter.lezing_balans(study.balance)
    assert h.lezing_risico() == chapter.lezing_risico(study)
    assert h.lezing_interval() == chapter.lezing_interval(study)
    assert h.lezing_naief() == chapter.lezing_naief(study)
    assert h.conclusie() == chapter.conclusie(study, chapter.waarheid(region, study))
    for name in ("figuur_naief", "figuur_overlap", "figuur_balans", "figuur_effect"):
        ax = getattr(h, name)()
        caption = bijschrift_van(ax)[0]
        assert isinstance(ax, Axes) and "(synthetisch)" in caption and not ax.get_title(), name  # as in chapter 03
    labels = [t.get_text() for t in h.figuur_balans().get_yticklabels()]
    assert "schoolgrootte (log)" in labels and not any("_" in t for t in labels)  # no code names
    repro = h.tabel_reproduceerbaarheid()
    params = repro[repro["onderdeel"] == "parameter"]
    assert params["naam"].tolist() == ["regio_id", "seed", "cohort_van", "cohort_tot", "horizon", "estimand",
                                       "covariates"]
    assert params["waarde"].iloc[0] == region.regio_id  # as text, not a Python repr
    assert not params["waarde"].str.contains(r"^'|\[", regex=True).any()


def test_hoofdstuk_without_a_study_says_why_and_never_raises():
    spells = generate_dienstverbanden(load_region("noorderwijzer"), seed=1)
    none = chapter.Hoofdstuk(RegionData("x", {"naam": "X"}, None, {}))
    tiny = chapter.Hoofdstuk(RegionData("x", {"naam": "X"}, None, {"dienstverbanden": _few_starters(spells)}))
    for h, cohort in ((none, False), (tiny, True)):
        assert h.studie is None and h.melding
        assert h.melding in h.inleiding()
        assert (h.cohort is not None) == cohort and h.tabel_stroomdiagram().empty != cohort
        for figure in (h.figuur_naief, h.figuur_overlap, h.figuur_balans, h.figuur_effect):
            assert figure() is None
        for table in (h.tabel_balans, h.tabel_effecten, h.tabel_gevoeligheid, h.tabel_e_waarde):
            assert table().empty
        for reading in (h.lezing_naief_risico, h.lezing_overlap, h.lezing_risico, h.conclusie):
            assert reading() == h.melding
        assert h.lezing_balans() == h.lezing_interval() == h.lezing_naief() == ""
        assert not h.tabel_doelexperiment().empty
    assert "Te weinig starters" in tiny.lezing_stroom() and none.lezing_stroom() == none.melding



# ----------------------------------------------------------------------------- truthful readings


@pytest.fixture(scope="module")
def hoofdstukken():
    return {rid: chapter.Hoofdstuk(load_region(rid, None, synthetic=True, seed=0), n_boot=20) for rid in DEFAULT_REGIONS}


#: the tables each reading of chapter 04 describes (its numbers must be in them)
BRONTABELLEN = {
    "inleiding": ("generator", "terugvinden", "stroomdiagram"), "lezing_stroom": ("stroomdiagram",),
    "lezing_naief_risico": ("risicos", "gevoeligheid"), "lezing_overlap": ("overlap",), "lezing_balans": ("balans",),
    "lezing_risico": ("risicos",), "lezing_interval": ("reproduceerbaarheid",),
    "lezing_naief": ("gevoeligheid", "effecten"), "lezing_hr_vergelijking": ("hr-vergelijking",),
    "conclusie": ("effecten", "terugvinden", "gevoeligheid", "e-waarde"),
}


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_every_number_in_a_reading_is_in_the_table_it_describes(hoofdstukken, rid):
    from tracing import ontraceerbaar, toegestane_getallen

    h = hoofdstukken[rid]
    tables = h.tabellen()
    params = (h.horizon, h.cohort_van, h.cohort_tot, h.seed)
    for name, text in h.lezingen().items():
        allowed = toegestane_getallen([tables[f"inductie-{t}"] for t in BRONTABELLEN[name]], extra=params)
        assert not ontraceerbaar(text, allowed), (name, ontraceerbaar(text, allowed), text)


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_synthetic_readings_demonstrate_and_never_claim_a_finding(hoofdstukken, rid):
    h = hoofdstukken[rid]
    assert h.synthetisch and h.studie.cohort.synthetic
    for name, text in h.lezingen().items():
        assert not bewijswoorden(text), (name, bewijswoorden(text), text)
    for name in ("lezing_naief_risico", "lezing_risico", "lezing_naief"):
        assert h.lezingen()[name].startswith("In deze synthetische demonstratie"), name
    assert h.conclusie().startswith("**Dit is een demonstratie van de methode op synthetische gegevens")


def test_the_opening_words_the_premise_as_the_generator_and_sets_the_study_against_the_truth(hoofdstukken):
    """Before, the opening said the spells were "afgestemd op de gepubliceerde cijfers van de regio, met
    een bekend ingebouwd effect van inductie" (most targets are package defaults; the truth was never
    named) and the notebook stated "bevoegde starters ... krijgen het vaker" as a fact about the region."""
    h = hoofdstukken["noorderwijzer"]
    text = h.inleiding()
    assert "afgestemd op de gepubliceerde cijfers" not in text and not bewijswoorden(text)
    assert "zo is de generator gebouwd, niet iets wat over de regio bekend is" in text
    assert "standaardwaarde van het pakket, geen cijfer van de regio" in text and "2.000 personen" in text
    assert "21,5%; de regio noemt geen termijn" in text
    cox = h.studie.main.cox
    assert (f"de gewogen hazardratio van inductie is {fmt_getal(cox.hr, 2)} (95%-BI {fmt_getal(cox.ci[0], 2)}–"
            f"{fmt_getal(cox.ci[1], 2)}) tegen de ingebouwde 0,80") in text
    assert "conditioneel" in text and "marginaal" in text
    # the true risk difference is the generator's, for these starters (true_effects, computed apart)
    truth = induction.true_effects(h.studie.cohort.data, h.region.dienstverbanden, (3,), "ATT")
    assert h.waarheid["rd"] == pytest.approx(100 * truth["risicoverschil"].iloc[0])
    table = h.tabel_terugvinden()
    assert table["waarheid (generator)"].tolist() == pytest.approx([0.8, h.waarheid["rd"]])
    assert table["schatting"].iloc[0] == pytest.approx(cox.hr)
    notebook = (Path(__file__).parents[1] / "notebooks" / "04_inductie_effect.ipynb").read_text(encoding="utf-8")
    assert "krijgen het vaker" not in notebook


def test_one_population_per_concept_and_the_difference_with_chapter_03_said_once(hoofdstukken):
    from regio_analysis.retention import chapter as retentie

    h = hoofdstukken["noorderwijzer"]
    text = h.inleiding()
    n03 = len(retentie.starters(h.region))
    n04 = len(h.studie.cohort.data)
    assert (n03, n04) == (316, 271)
    assert text.count(retentie.definities()) == 1
    assert (f"De studiepopulatie telt {n04} van de {n03} startende leraren van dat hoofdstuk, omdat het "
            "doelexperiment alleen starters volgt die in 2019–2024 begonnen") in text
    # the only starters left out are those of 2025, followed less than a year
    st = retentie.starters(h.region)
    assert (st["start_jaar"] > 2024).sum() == n03 - n04 and st.loc[st["start_jaar"] > 2024, "duration"].max() < 1


def test_the_hazard_ratio_of_chapter_03_is_reconciled_step_by_step(hoofdstukken):
    import statsmodels.api as sm

    from regio_analysis.retention import chapter as retentie

    h = hoofdstukken["noorderwijzer"]
    table = h.tabel_hr_vergelijking()
    assert len(table) == 4 and table["starters"].tolist() == [316, 271, 271, 271]
    fit03 = retentie.Hoofdstuk(h.region).cox
    assert table["HR"].iloc[0] == pytest.approx(fit03.summary.loc["inductie", "hr"])  # what chapter 03 shows
    assert table["HR"].iloc[3] == pytest.approx(h.studie.main.cox.hr)                   # what this chapter shows
    # the unweighted conditional model with this chapter's covariates, refitted apart (statsmodels)
    d = h.studie.cohort.data
    X = pd.get_dummies(d[["inductie", "bevoegd", "log_school_omvang", "route", "contract"]], drop_first=True).astype(float)
    ref = sm.PHReg(d["duration"], X, status=d["event"], ties="efron").fit()
    assert table["HR"].iloc[2] == pytest.approx(math.exp(ref.params[0]), rel=1e-3)
    text = h.lezing_hr_vergelijking()
    hr = table["HR"].tolist()
    assert text.startswith(f"De hazardratio van inductie is in dit hoofdstuk {fmt_getal(hr[3], 2)} en in hoofdstuk 3 "
                           f"{fmt_getal(hr[0], 2)}")
    steps = [abs(math.log(hr[i + 1]) - math.log(hr[i])) for i in range(3)]
    assert steps.index(max(steps)) == 2 and "het verschil zit vooral in de weging" in text


@pytest.mark.parametrize("largest, words", [(0, "de populatie"), (1, "de kenmerken"), (2, "de weging")])
def test_the_hr_reading_names_the_step_that_moves_most(largest, words):
    hr = [0.6, 0.6, 0.6, 0.6]
    for i in range(largest + 1, 4):
        hr[i] = 0.9
    table = pd.DataFrame({"stap": list("abcd"), "starters": [300, 250, 250, 250], "HR": hr})
    assert f"het verschil zit vooral in {words}" in chapter.lezing_hr_vergelijking(table)


def test_readings_change_when_the_published_figures_change(hoofdstukken):
    from conftest import with_published_figure

    before = hoofdstukken["noorderwijzer"]
    after = chapter.Hoofdstuk(with_published_figure("noorderwijzer", "uitstroompercentage startende leraren", 30.0),
                              n_boot=20)
    assert "30,0%; de regio noemt geen termijn" in after.inleiding() and "21,5" not in after.inleiding()
    differ = {k for k in before.lezingen() if before.lezingen()[k] != after.lezingen()[k]}
    assert {"inleiding", "lezing_risico", "lezing_naief", "lezing_hr_vergelijking", "conclusie"} <= differ, differ


def test_readings_of_the_regions_own_spells_are_not_demonstrations(tmp_path):
    from conftest import microdata_only_region

    region = load_region("alleen-microdata", microdata_only_region(tmp_path), synthetic=True)
    h = chapter.Hoofdstuk(region, n_boot=0)
    assert not h.synthetisch and h.waarheid is None and h.tabel_generator().empty and h.tabel_terugvinden().empty
    assert "aangeleverde personeelsgegevens" in h.inleiding() and "generator" not in h.inleiding()
    assert all("synthetisch" not in t for t in h.lezingen().values())
    assert "Dit is een observationele vergelijking" in h.conclusie()
