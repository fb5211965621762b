"""The retention chapter's tables, readings and privacy rules (regio_analysis.retention.chapter)."""
from __future__ import annotations

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from regio_analysis.data import load_region
from regio_analysis.report.format import bewijswoorden, tabel_tekst
from regio_analysis.report.tables import bijschrift_van
from regio_analysis.retention import chapter as rr
from regio_analysis.retention.chapter import readings
from regio_analysis.retention import survival_at
from tracing import getallen, ontraceerbaar, toegestane_getallen

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def bommel():
    return load_region("rond-bommel-en-dommel", synthetic=True, seed=0)


@pytest.fixture(scope="module")
def spells(bommel):
    return rr.starters(bommel)


def test_starters_are_op_starters_with_model_columns(bommel, spells):
    assert len(spells) >= 100
    assert set(spells["functiegroep"]) == {"OP"} and spells["starter"].all()
    for col in ("zij_instroom", "tijdelijk", "school_omvang_100", "leeftijd_10", "entry", "duration", "event"):
        assert col in spells.columns
    assert "synthetisch" in rr.inleiding(bommel, spells)
    assert rr.synthetisch_label(bommel) == " (synthetisch)"


def test_ambition_and_published_figure_of_seed_002(bommel, spells):
    amb = rr.ambities(bommel)
    assert amb.set_index("horizon")["max"].to_dict() == {1: 0.20, 5: 0.20}
    pub = rr.gepubliceerd_vertrek(bommel)
    assert pub.set_index("horizon")["waarde"].to_dict() == {1: 0.25, 4: 0.50}
    tab = rr.vertrek_en_ambitie(bommel, spells)
    one = tab[tab["horizon (jaar)"] == 1].iloc[0]
    km = survival_at(spells, "duration", "event", [1], entry="entry").iloc[0]
    assert one["geschat vertrek"] == pytest.approx(1 - km["survival"])
    assert one["ambitie (max)"] == 0.20 and one["gepubliceerd"] == 0.25
    text = rr.lezing_ambitie(tab, synthetisch=True)
    pct = f"{(1 - km['survival']) * 100:.1f}".replace(".", ",")
    assert f"Binnen een jaar verlaat naar schatting {pct}%" in text
    assert "hooguit 20%" in text and "synthetisch" in text


def test_reading_against_an_ambition_is_computed_from_the_interval():
    def table(v, lo, hi, amb):
        return pd.DataFrame([[1, v, lo, hi, 100, amb, np.nan]],
                            columns=["horizon (jaar)", "geschat vertrek", "ci_lower", "ci_upper", "nog gevolgd",
                                     "ambitie (max)", "gepubliceerd"])
    assert "ligt aantoonbaar boven de ambitie" in rr.lezing_ambitie(table(0.25, 0.21, 0.29, 0.20))
    assert "ligt aantoonbaar onder de ambitie" in rr.lezing_ambitie(table(0.15, 0.11, 0.19, 0.20))
    inside = rr.lezing_ambitie(table(0.22, 0.18, 0.26, 0.20))
    assert "ligt boven de ambitie" in inside and "geen duidelijk verschil" in inside and not bewijswoorden(inside)
    assert "geen streefwaarde" in rr.lezing_ambitie(table(0.22, 0.18, 0.26, np.nan))
    assert "Geen gegevens" in rr.lezing_ambitie(pd.DataFrame())


def test_a_synthetic_estimate_is_never_graded_against_the_ambition():
    """Before, a synthetic estimate calibrated to the published 25 % was called "aantoonbaar boven
    de ambitie" of 20 %: the calibration, not the region. Now it is a demonstration, and says why."""
    table = pd.DataFrame([[1, 0.25, 0.21, 0.29, 100, 0.20, 0.25]],
                         columns=["horizon (jaar)", "geschat vertrek", "ci_lower", "ci_upper", "nog gevolgd",
                                  "ambitie (max)", "gepubliceerd"])
    text = rr.lezing_ambitie(table, synthetisch=True, doel=0.25)
    assert not bewijswoorden(text), text
    assert "in deze synthetische demonstratie ligt dat boven de ambitie van de regio van hooguit 20%" in text
    assert "afgestemd op 25,0% vertrek binnen een jaar" in text and "zegt niets over de werkelijke stand" in text


def test_hazard_ratio_readings():
    assert rr.lezing_hr("inductie", 0.8, 0.7, 0.92, 0.002) == (
        "inductie: 20% lager vertrekrisico (HR 0,80; 95%-BI 0,70–0,92; p = 0,002).")
    assert rr.lezing_hr("tijdelijk contract", 1.5, 1.1, 2.0, 0.0001).startswith("tijdelijk contract: 50% hoger")
    assert "p < 0,001" in rr.lezing_hr("x", 1.5, 1.1, 2.0, 0.0001)
    assert "geen duidelijk verschil" in rr.lezing_hr("x", 0.9, 0.7, 1.1, 0.3)
    assert "20% lager vertrekrisico in deze synthetische gegevens" in rr.lezing_hr("inductie", 0.8, 0.7, 0.92,
                                                                                  synthetisch=True)
    assert "niet te schatten" in rr.lezing_hr("x", np.nan, np.nan, np.nan)


def test_cox_table_and_reading_follow_the_fit(spells):
    fit = rr.cox_starters(spells)
    dt = rr.discreet_starters(spells)
    tab = rr.cox_tabel(fit, dt)
    assert list(tab.columns) == ["kenmerk", "HR", "95%-BI laag", "95%-BI hoog", "p", "HR per jaar (discreet)",
                                 "HR per jaar: 95%-BI laag", "HR per jaar: 95%-BI hoog", "lezing"]
    row = tab[tab["kenmerk"] == "bevoegd"].iloc[0]
    hr = fit.summary.loc["bevoegd", "hr"]
    assert row["HR"] == hr  # the table keeps numbers; the reader sees them through report.format
    shown = tabel_tekst(tab)
    assert list(shown.columns) == ["kenmerk", "HR", "95%-BI", "p", "HR per jaar (discreet)", "lezing"]
    lo, hi = fit.summary.loc["bevoegd", ["ci_lower", "ci_upper"]]
    assert shown.loc[row.name, "HR"] == f"{hr:.2f}".replace(".", ",")
    assert shown.loc[row.name, "95%-BI"] == f"{lo:.2f}–{hi:.2f}".replace(".", ",")
    assert row["lezing"].startswith("bevoegd: ")
    text = rr.lezing_cox(fit)
    assert f"{fit.n} starters" in text and "geen oorzaken" in text and not bewijswoorden(text)
    # the discrete-time model estimates the same hazard ratio on yearly data
    assert abs(np.log(dt.summary.loc["inductie", "hr"]) - np.log(fit.summary.loc["inductie", "hr"])) < 0.15
    assert "Cox-model" in rr.lezing_voorspeld(dt, fit)


def test_small_groups_are_left_out_and_counts_suppressed(spells):
    small = spells.copy()
    idx = small.index[small["route"] == "onbevoegd"]
    small = small.drop(idx[5:])  # 5 left: below 10
    d, weg = rr.groepen(small, "route")
    assert weg == ["die onbevoegd begonnen"] and "die onbevoegd begonnen" not in set(d["groep"])
    km = rr.km_per_groep(small, "route")
    assert "die onbevoegd begonnen" not in set(km["groep"])
    assert "Weggelaten wegens minder dan 10 starters" in rr.lezing_km(km, "route", 1.0, None, weg)
    few = rr.retentie_horizonnen(spells.iloc[:8])
    assert few["starters"].isna().all() and few["vertrek binnen 1 jaar (%)"].isna().all()
    assert (tabel_tekst(few)["vertrek binnen 1 jaar"] == "–").all()
    lt = rr.levenstafel(spells.iloc[:60])
    shown = lt[["in dienst bij begin", "vertrokken", "gecensureerd"]].astype("Float64").to_numpy(float, na_value=np.nan)
    assert np.all(np.isnan(shown) | (shown >= 10) | (shown == 0))
    assert np.isnan(shown).any()
    # a yearly probability is hidden wherever its number of leavers is
    assert lt.loc[lt["vertrokken"].isna(), "kans op vertrek in dit jaar (%)"].isna().all()
    assert (tabel_tekst(lt).loc[lt["vertrokken"].isna(), "kans op vertrek in dit jaar"] == "–").all()


def test_group_reading_matches_the_curves(spells):
    km = rr.km_per_groep(spells, "inductie")
    at = readings._op_horizon(km, 1.0).set_index("groep")["survival"]
    text = rr.lezing_km(km, "inductie", 1.0, rr.logrank_per_kenmerk(spells, "inductie"))
    for g, s in at.items():
        assert f"{round(s * 100)}% van de starters {g}" in text
    assert rr.figuur_km(km, "titel", horizon=5, ambitie=0.2) is not None


def test_destinations_add_up_and_are_read(bommel):
    ci = rr.bestemmingen(bommel, 5)
    assert set(ci["event_type"]) <= {"andere school", "ander bestuur", "buiten onderwijs", "pensioen", "onbekend"}
    last = ci[ci["time"] == ci["time"].max()]
    assert 0 < last["cif"].sum() < 1
    text = rr.lezing_bestemmingen(ci)
    top = last.sort_values("cif").iloc[-1]
    assert f"De grootste stroom is '{top['bestemming']}'" in text
    assert rr.figuur_bestemmingen(ci, "t") is not None


def test_diagnostics(spells):
    fit = rr.cox_starters(spells)
    ph = rr.ph_tabel(fit)
    assert len(ph) == len(fit.summary)
    text = rr.lezing_diagnostiek(fit, ph)
    assert f"{fit.concordance:.2f}".replace(".", ",") in text
    assert len(rr.rmst_tabel(spells, 5)) == 3
    assert set(rr.logrank_tabel(spells)["kenmerk"]) == {"route", "bevoegdheid", "inductie"}


def test_region_without_spells_gives_no_data_texts(bommel):
    empty = rr.starters(load_region("rond-bommel-en-dommel"))  # no synthetic microdata
    assert empty.empty
    assert "Geen gegevens" in rr.inleiding(bommel, empty)
    assert rr.km_per_groep(empty, "route").empty and rr.figuur_km(pd.DataFrame()) is None
    assert rr.retentie_horizonnen(empty).empty and rr.vertrek_en_ambitie(bommel, empty).empty
    assert rr.cox_starters(empty) is None and rr.cox_tabel(None).empty
    assert "Geen gegevens" in rr.lezing_cox(None) and "Geen gegevens" in rr.lezing_diagnostiek(None, rr.ph_tabel(None))
    assert rr.levenstafel(empty).empty and rr.rmst_tabel(empty).empty and rr.logrank_tabel(empty).empty
    assert rr.figuur_voorspeld(None, empty) is None


def test_chapter_runs_in_the_batch_for_default_regions_and_microdata_only(full_reports):
    """Acceptance: the chapter runs in the batch for every default region and one with its own spells."""
    from conftest import BATCH_REGIONS, chapter_status

    from regio_analysis.data.regions import DEFAULT_REGIONS

    out, manifest = full_reports
    status = chapter_status(manifest, "retentie")
    assert status == {rid: "ok" for rid in BATCH_REGIONS}, manifest["rijen"]
    for rid in DEFAULT_REGIONS:
        page = (out / rid / "rapport.html").read_text(encoding="utf-8")
        assert "Retentie van startende leraren" in page and "synthetisch" in page
        cox_table = pd.read_csv(out / rid / "tabellen" / "retentie-cox.csv")
        assert "inductie" in set(cox_table["kenmerk"])
    bommel = pd.read_csv(out / "rond-bommel-en-dommel" / "tabellen" / "retentie-ambitie.csv")
    assert bommel.loc[0, "ambitie regio (maximaal, %)"] == 20.0  # the file keeps the number
    assert ">20%<" in (out / "rond-bommel-en-dommel" / "rapport.html").read_text(encoding="utf-8")  # shown formatted
    own = (out / "alleen-microdata" / "rapport.html").read_text(encoding="utf-8")
    assert "Retentie van startende leraren" in own


def test_region_with_its_own_spells_is_not_labelled_synthetic(tmp_path):
    from conftest import microdata_only_region

    root = microdata_only_region(tmp_path)
    region = load_region("alleen-microdata", root, synthetic=True)
    spells = rr.starters(region)
    assert len(spells) > 100 and rr.synthetisch_label(region) == ""
    assert "synthetisch" not in rr.inleiding(region, spells)
    assert rr.ambities(region).empty
    assert "geen streefwaarde" in rr.lezing_ambitie(rr.vertrek_en_ambitie(region, spells))


def test_life_table_total_of_leavers_gives_no_hidden_cell_back():
    """The chapter states all leavers: total minus the shown cells must not pin a hidden one."""
    import pandas as pd

    from regio_analysis.data.privacy import suppress_life_table

    lt = pd.DataFrame({"in dienst bij begin": [312, 202, 136, 94, 65, 31, 15],
                       "vertrokken": [63, 28, 15, 13, 12, 3, 0],
                       "gecensureerd": [47, 38, 27, 16, 22, 13, 15]})
    cols = list(lt.columns)
    plain, hidden_plain = suppress_life_table(lt, *cols)
    assert int(hidden_plain["vertrokken"].sum()) == 1  # without the total, one leaver cell hides (3)
    out, hidden = suppress_life_table(lt, *cols, totals=["vertrokken"])
    shown_sum = out["vertrokken"].sum()
    rest = lt["vertrokken"].sum() - shown_sum
    n_hidden = int(hidden["vertrokken"].sum())
    assert n_hidden >= 2, "one hidden cell would equal total minus the shown ones"
    assert rest == lt.loc[hidden["vertrokken"], "vertrokken"].sum()


def test_km_reading_names_no_share_of_a_group_with_few_leavers():
    import numpy as np
    import pandas as pd

    from regio_analysis.retention import kaplan_meier
    from regio_analysis.retention.chapter import lezing_km

    rng = np.random.default_rng(1)
    big = pd.DataFrame({"duration": rng.uniform(0.1, 5, 200), "event": (rng.random(200) < 0.6).astype(int),
                        "groep": "via de reguliere route"})
    # 31 starters of whom 5 leave within the first year: 84% (or 16%) times 31 gives 5 back
    small = pd.DataFrame({"duration": [0.5] * 5 + [3.0] * 26, "event": [1] * 5 + [0] * 26,
                          "groep": "die onbevoegd begonnen"})
    km = kaplan_meier(pd.concat([big, small]), "duration", "event", by="groep")
    text = lezing_km(km, "route", 1.0)
    assert "onbevoegd begonnen staat hier geen percentage" in text
    assert "84%" not in text and "van de starters die onbevoegd" not in text


def test_the_chapter_object_shows_what_the_functions_give(bommel, spells):
    h = rr.Hoofdstuk(bommel, horizon=5)
    assert h.starters.equals(spells) and h.label == " (synthetisch)"
    assert h.inleiding() == rr.inleiding(bommel, spells)
    pd.testing.assert_frame_equal(h.tabel_horizonnen(), rr.retentie_horizonnen(spells))
    pd.testing.assert_frame_equal(h.tabel_levenstafel(), rr.levenstafel(spells))
    pd.testing.assert_frame_equal(h.tabel_rmst(), rr.rmst_tabel(spells, 5))
    pd.testing.assert_frame_equal(h.tabel_cox(), rr.cox_tabel(rr.cox_starters(spells), rr.discreet_starters(spells),
                                                               synthetisch=True))
    km = rr.km_per_groep(spells, "inductie")
    assert h.lezing_behoud("inductie") == rr.lezing_km(km, "inductie", 1.0, rr.logrank_per_kenmerk(spells, "inductie"),
                                                      rr.groepen(spells, "inductie")[1], synthetisch=True)
    assert h.lezing_ambitie() == rr.lezing_ambitie(rr.vertrek_en_ambitie(bommel, spells), synthetisch=True, doel=0.25,
                                                   zonder_termijn=rr.gepubliceerd_vertrek(bommel).iloc[0:0])
    ax = h.figuur_behoud("route")
    caption = bijschrift_van(ax)[0]
    assert caption.startswith("Startende leraren (synthetisch) ") and "naar route" in caption and not ax.get_title()
    # synthetic curves are not held against the region's ambition
    assert not any("ambitie" in t.get_text() for t in ax.get_legend().get_texts())
    ax = h.figuur_cox()
    assert "Cox-model (synthetisch)" in bijschrift_van(ax)[0] and not ax.get_title()
    assert h.cox is h.cox  # fitted once
    matplotlib.pyplot.close("all")


def test_the_chapter_object_of_a_region_without_spells(bommel):
    h = rr.Hoofdstuk(load_region("noorderwijzer"))
    assert h.starters.empty and h.tabel_horizonnen().empty and h.figuur_cox() is None
    assert h.figuur_behoud("route") is None and "Geen gegevens" in h.lezing_behoud("route")



# ----------------------------------------------------------------------------- readings that cannot lie

def test_the_number_parser_reads_dutch_notation():
    assert getallen("HR 0,61 (95%-BI 0,41–0,90); 2.000 personen, −4,7 en -6,56 procentpunt in 2019–2025") == [
        (0.61, 2), (95, 0), (0.41, 2), (0.9, 2), (2000, 0), (-4.7, 1), (-6.56, 2), (2019, 0), (2025, 0)]
    assert ontraceerbaar("19,2% en 84%", {19.24, 84.4}) == [] and ontraceerbaar("19,3%", {19.24}) == ["19.3"]


@pytest.fixture(scope="module")
def hoofdstukken():
    from regio_analysis.data.regions import DEFAULT_REGIONS

    return {rid: rr.Hoofdstuk(load_region(rid, synthetic=True, seed=0), horizon=5) for rid in DEFAULT_REGIONS}


#: the tables each reading of chapter 03 describes (its numbers must be in them)
BRONTABELLEN = {
    "inleiding": ("generator", "kerngetallen", "ambitie", "cox"), "lezing_ambitie": ("ambitie", "generator"),
    "lezing_bestemmingen": ("bestemmingen",), "lezing_cox": ("cox", "kerngetallen"), "lezing_voorspeld": ("cox",),
    "lezing_diagnostiek": ("kerngetallen", "ph-toets"), "lezing_behoud": ("horizonnen", "logrank"),
    "tabel_cox_lezing": ("cox",),
}


def _ongetraceerd(h) -> list:
    tables = h.tabellen()
    years = set(h.starters["start_jaar"]) if not h.starters.empty else set()
    bad = []
    for name, text in h.lezingen().items():
        key = next(k for k in BRONTABELLEN if name == k or name.startswith(k + "_"))
        allowed = toegestane_getallen([tables[f"retentie-{t}"] for t in BRONTABELLEN[key]], extra=(h.horizon, *years))
        if ontraceerbaar(text, allowed):
            bad.append((name, ontraceerbaar(text, allowed), text))
    return bad


@pytest.mark.parametrize("rid", ["noorderwijzer", "po-noord-nederland", "rond-bommel-en-dommel",
                                 "kennemerland-groot-amsterdam"])
def test_every_number_in_a_reading_is_in_the_table_it_describes(hoofdstukken, rid):
    assert _ongetraceerd(hoofdstukken[rid]) == []


def test_a_number_from_nowhere_is_caught(hoofdstukken):
    h = hoofdstukken["noorderwijzer"]
    allowed = toegestane_getallen([h.tabellen()["retentie-cox"]])
    hr = h.cox.summary.loc["inductie", "hr"]
    assert ontraceerbaar(f"HR {hr:.2f}".replace(".", ","), allowed) == []
    assert ontraceerbaar(f"HR {hr + 0.12:.2f}".replace(".", ","), allowed) != []
    assert ontraceerbaar(f"{(1 - hr) * 100:.0f}% lager", allowed) == []
    assert ontraceerbaar(f"{(1 - hr) * 100 + 3:.0f}% lager", allowed) != []


@pytest.mark.parametrize("rid", ["noorderwijzer", "po-noord-nederland", "rond-bommel-en-dommel",
                                 "kennemerland-groot-amsterdam"])
def test_synthetic_readings_demonstrate_and_never_claim_a_finding(hoofdstukken, rid):
    h = hoofdstukken[rid]
    assert h.synthetisch
    for name, text in h.lezingen().items():
        assert not bewijswoorden(text), (name, bewijswoorden(text), text)
    for name in ("lezing_behoud_inductie", "lezing_bestemmingen", "lezing_cox", "lezing_voorspeld"):
        assert "synthetische demonstratie" in h.lezingen()[name], name
    assert "geen bevinding over de regio" in h.inleiding() and "geen beschrijving van de regio" in h.inleiding()


@pytest.mark.parametrize("rid", ["noorderwijzer", "po-noord-nederland", "rond-bommel-en-dommel",
                                 "kennemerland-groot-amsterdam"])
def test_the_opening_says_what_the_generator_was_told_and_what_came_back(hoofdstukken, rid):
    from regio_analysis.data.region import documenttitel

    h = hoofdstukken[rid]
    text = h.inleiding()
    assert re.search(r"volgt [\d.]+ synthetische startende leraren", text)  # a synthetic count is not the region's
    table = h.tabel_generator()
    targets = table[table["onderdeel"] == "afstemmingsdoel"]
    assert len(targets) == len(rr.doelen(h.region))
    for row in targets.itertuples():
        assert row.bron == "standaardwaarde van het pakket" or row.bron.startswith(documenttitel(h.region) + ", § ")
        assert not re.search(r"\w+\.txt", row.bron)
        shown = tabel_tekst(table).loc[row.Index, "waarde"]
        if not row.grootheid.startswith("functiemix"):
            assert shown.split(" ")[0] in text.replace(" personen", ""), (shown, text)
    if (targets["herkomst"] == "standaardwaarde van het pakket").any():
        assert "standaardwaarde van het pakket, geen cijfer van de regio" in text
    if (targets["herkomst"] == "gepubliceerd door de regio").any():
        assert documenttitel(h.region) in text
    assert "hazardratio van vertrek van 0,80 voor inductie" in text and "conditioneel" in text
    assert "keuze van de generator, geen bevinding over de regio" in text  # the generator's premise, not the region's
    # what the method recovered: the one-year share against its target, the Cox HR against 0,80
    one = h.vertrek[h.vertrek["horizon (jaar)"] == 1].iloc[0]
    target = rr.doelen(h.region).set_index("naam").loc["vertrek_1_jaar", "waarde"]
    assert f"{one['geschat vertrek'] * 100:.1f}".replace(".", ",") + "%" in text
    assert f"tegen een afstemmingsdoel van {target * 100:.1f}".replace(".", ",") in text
    hr = h.cox.summary.loc["inductie", "hr"]
    assert f"HR {hr:.2f}".replace(".", ",") in text and "tegen de ingebouwde 0,80" in text


def test_noorderwijzer_is_calibrated_to_its_published_outflow_and_says_it_has_no_horizon(hoofdstukken):
    h = hoofdstukken["noorderwijzer"]
    text = h.inleiding()
    assert "21,5%; de regio noemt geen termijn" in text and "Activiteitenplan Noorderwijzer 2026–2029" in text
    assert "personeel in dienst bij de start van de gegevens (2.000 personen)" in text
    assert "afstemmingsdoel van 21,5%" in text
    assert "(de regio publiceerde 21,5% zonder termijn)" in h.lezing_ambitie()


def test_definitions_of_starter_and_vertrek_are_stated_once(hoofdstukken):
    text = hoofdstukken["rond-bommel-en-dommel"].inleiding()
    assert text.count(rr.definities()) == 1
    assert text.count("**Starter**") == 1 and text.count("**Vertrek**") == 1
    assert "andere school van hetzelfde bestuur is geen vertrek" in rr.definities()


def test_readings_change_when_the_published_figures_change(hoofdstukken):
    """Change the published starter outflow of Noorderwijzer: the generator follows it and the
    opening, the tables and the readings say the new figure."""
    from conftest import with_published_figure

    before = hoofdstukken["noorderwijzer"]
    after = rr.Hoofdstuk(with_published_figure("noorderwijzer", "uitstroompercentage startende leraren", 30.0),
                         horizon=5)
    assert "afstemmingsdoel van 30,0%" in after.inleiding() and "21,5" not in after.inleiding()
    assert "zonder termijn" in after.lezing_ambitie() and "30,0%" in after.lezing_ambitie()
    differ = [k for k in before.lezingen() if before.lezingen()[k] != after.lezingen()[k]]
    assert {"inleiding", "lezing_ambitie", "lezing_cox", "lezing_behoud_inductie"} <= set(differ), differ


def test_readings_of_the_regions_own_spells_are_not_demonstrations(tmp_path):
    from conftest import microdata_only_region

    region = load_region("alleen-microdata", microdata_only_region(tmp_path), synthetic=True)
    h = rr.Hoofdstuk(region)
    assert not h.synthetisch and h.tabel_generator().empty
    assert all("synthetisch" not in t for t in h.lezingen().values())
    assert rr.definities() in h.inleiding()
    assert _ongetraceerd(h) == []
    # "aantoonbaar" and the like only where the interval excludes the compared value
    for name, text in h.lezingen().items():
        if bewijswoorden(text):
            assert name in ("lezing_ambitie",) or name.startswith("tabel_cox"), (name, text)
