"""The quantitative chapter: readings computed from the numbers, figures, and the chapter in a batch."""
from __future__ import annotations

import copy
import re
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from regio_analysis.workforce import chapter as kw
from regio_analysis.data import load_region
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.report.tables import bijschrift_van

TOPICS = ("leerlingen_per_soort", "personeel", "leeftijd", "deeltijd", "contractduur", "verzuim_verschil",
          "tekort", "tevredenheid", "stromen")


@pytest.fixture(scope="module")
def bommel():
    return load_region("rond-bommel-en-dommel")


@pytest.fixture(scope="module")
def kennemerland():
    return load_region("kennemerland-groot-amsterdam")


def test_readings_quote_the_seed_numbers(bommel, kennemerland):
    # 30957 / 31279 - 1 = -1.03 %; 1797 / 1947 - 1 = -7.70 %
    assert "basisonderwijs 1,0% minder (31.279 → 30.957)" in kw.lezing_leerlingen_per_soort(bommel)
    assert "7,7% minder (1.947 → 1.797)" in kw.lezing_leerlingen_per_soort(bommel)
    # 2019: 5.3 - 5.8 = -0.5; 2023: 6.7 - 6.3 = 0.4; above in 2022 (6.9 > 6.8) and 2023
    text = kw.lezing_verzuim_verschil(bommel)
    assert "−0,5 procentpunt (2019)" in text and "0,4 (2023)" in text and "2022 en 2023" in text
    # shorter than two years: 13.4 + 11.6 = 25.0 %
    assert "25,0% is korter dan twee jaar" in kw.lezing_contractduur(bommel)
    text = kw.lezing_tevredenheid(bommel)
    assert "zelf werktijden bepalen (23% tevreden; 2022)" in text and "doel 50%" in text and "doel 90%" in text
    # 2048 + 634 fte over 2840 + 918 persons = 0.71
    assert "0,71 fte" in kw.lezing_personeel(bommel)
    assert "instroom 10,7% (2023) en uitstroom 9,9% (2022)" in kw.lezing_stromen(kennemerland)
    assert "27,7%" in kw.lezing_leeftijd(kennemerland)
    assert "3,7%, 4 fte (2024)" in kw.lezing_tekort(kennemerland)


def test_readings_follow_changed_numbers(bommel):
    region = copy.copy(bommel)
    region.tables = dict(bommel.tables)
    kg = bommel.kengetallen.copy()
    kg.loc[(kg["onderwerp"] == "tevredenheid") & (kg["categorie"] == "zelf werktijden bepalen"), "waarde"] = 95
    region.tables["kengetallen"] = kg
    text = kw.lezing_tevredenheid(region)
    assert "minst tevreden over werkzekerheid (50% tevreden; 2022)" in text
    assert "zelf werktijden" not in text


def test_no_data_gives_a_note_and_no_figure():
    region = load_region("noorderwijzer")
    for topic in TOPICS:
        lezing = getattr(kw, f"lezing_{topic}")(region)
        # the one thing the plan says on shortages is a year, without a figure: said before the note
        assert "Geen gegevens" in lezing
        assert lezing.startswith("Het plan verwacht pas na 2035") == (topic == "tekort")
        assert getattr(kw, f"figuur_{topic}")(region) is None
    plan = kw.spp(region)
    assert plan.inputs is None and "bezetting" in plan.uitleg()
    assert kw.figuur_spp(plan.projectie) is None and kw.figuur_tornado(plan.gevoeligheid) is None
    assert kw.reproductie(region).empty and kw.stromen_uit_microdata(region).empty


def test_figures_draw_with_data(bommel):
    for topic in TOPICS:
        ax = getattr(kw, f"figuur_{topic}")(bommel)
        if topic in ("leeftijd", "deeltijd"):  # 002 publishes neither
            assert ax is None
        else:
            assert ax is not None and ax.has_data(), topic
        plt.close("all")


def test_figures_read_in_dutch_and_in_the_sources_order(bommel):
    """Review findings: duration classes were drawn alphabetically; the log axis of pupils showed
    "3×10⁴" labels between the Dutch ones; the target's legend marker sat on a bar."""
    assert list(kw.contractduur(bommel)["categorie"]) == ["korter dan 1 jaar", "1 jaar", "2 t/m 4 jaar", "5 t/m 9 jaar",
                                                          "10 t/m 19 jaar", "20 jaar en langer"]
    ax = kw.figuur_contractduur(bommel)
    # long classes are wrapped onto two lines (side by side they overlapped), still in their own order
    assert [" ".join(t.get_text().split()) for t in ax.get_xticklabels()][:2] == ["korter dan 1 jaar", "1 jaar"]
    ax = kw.figuur_leerlingen_per_soort(bommel)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in [*ax.get_yticklabels(), *ax.yaxis.get_minorticklabels()] if t.get_text()]
    assert labels and all(re.fullmatch(r"\d{1,3}(\.\d{3})*", t) for t in labels), labels
    ax = kw.figuur_tevredenheid(bommel)
    legend = ax.get_legend()
    assert legend.get_texts()[0].get_text() == "streefwaarde van de regio"
    ax.figure.canvas.draw()
    assert legend.get_window_extent().y1 < ax.get_window_extent().y0  # under the axes, on no bar
    plt.close("all")


def test_spp_says_its_staff_count_is_of_another_year_than_its_base_year(bommel):
    """Review finding: 002's own staff counts are "de feitelijke situatie in 2025"; the SPP starts at the end
    of 2024 (the last realised pupils) and must say that it takes the 2025 count as that stock."""
    h = kw.Hoofdstuk(bommel)
    assert "bezetting OP: 2.048 fte (formatieplaatsen van 2025" in h.uitleg_spp()
    assert "telling van 2025; het pakket neemt haar als de stand aan het eind van het basisjaar 2024" in h.uitleg_spp()
    assert "een telling van 2025, genomen als stand eind 2024" in h.lezing_aansluiting()


def test_spp_reading_matches_its_table(bommel):
    plan = kw.spp(bommel)
    proj = plan.projectie
    last = proj[(proj["jaar"] == 2029) & (proj["indicator"] == "te_vervullen_fte")]
    basis = last[last["scenario"] == "basis"]["waarde"].sum()
    text = kw.lezing_spp(proj)
    assert f"moet dan {round(basis)} fte worden ingevuld" in text and "opgeteld over de projectiejaren" in text
    dir_short = proj[(proj["jaar"] == 2029) & (proj["indicator"] == "tekort_fte") & (proj["scenario"] == "basis")
                     & (proj["functiegroep"] == "DIR")]["waarde"].iloc[0]
    assert f"schoolleiders een tekort van {round(dir_short)} fte" in text
    assert plan.gevoeligheid.iloc[0]["label"] in kw.lezing_tornado(plan.gevoeligheid)
    table = plan.tabel()
    assert list(table.columns[:2]) == ["functiegroep", "indicator"] and "2029" in table.columns
    assert "Scenario's" in plan.uitleg() and "× 1,039" in plan.uitleg()


def test_reproduction_summary_counts(bommel):
    table = kw.reproductie(bommel)
    text = kw.reproductie_samenvatting(table)
    assert "Van de 105 gepubliceerde cijfers zijn er 96" in text and "reproduceert het model er 96" in text


def test_chapter_runs_in_the_batch_for_default_regions_and_microdata_only(full_reports):
    """Acceptance of issue 4: the chapter in the batch for every default region and a microdata-only one."""
    from conftest import BATCH_REGIONS, chapter_status

    out, manifest = full_reports
    status = chapter_status(manifest, "kwantitatief")
    assert status == {rid: "ok" for rid in BATCH_REGIONS}, json.dumps(manifest["rijen"], indent=1)
    page = (out / "alleen-microdata" / "rapport.html").read_text(encoding="utf-8")
    assert "Kwantitatieve analyse" in page and "uit de dienstverbanden" in page
    assert (out / "alleen-microdata" / "tabellen" / "stromen-microdata.csv").is_file()
    table = pd.read_csv(out / "rond-bommel-en-dommel" / "tabellen" / "spp-gepubliceerd-nagerekend.csv")
    assert len(table) == 105 and (table.loc[table["consistent"], "verschil"].abs() <= 1).all()


def test_age_share_from_own_microdata(tmp_path):
    from conftest import microdata_only_region

    region = load_region("alleen-microdata", microdata_only_region(tmp_path))
    spells = region.dienstverbanden
    on = spells[spells["einde"].isna()]
    age = on["leeftijd_start"] + ((pd.Timestamp("2025-12-31") - on["start"]).dt.days / 365.25).astype(int)
    expected = 100 * on.loc[age >= 55, "fte"].sum() / on["fte"].sum()
    got = kw.leeftijd_55plus(region)
    assert got["waarde"].iloc[0] == pytest.approx(expected, abs=0.05)
    assert kw.fmt_pct(got["waarde"].iloc[0]) in kw.lezing_leeftijd(region)


def test_cli_passes_chapter_parameters(tmp_path, monkeypatch):
    import subprocess
    import sys

    from regio_analysis.cli import _params

    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text("scenarios: {}\n", encoding="utf-8")
    assert _params(["projectiejaren=10", "scenario_bestand=s.yaml"]) == {
        "projectiejaren": 10, "scenario_bestand": str(tmp_path / "s.yaml")}
    res = subprocess.run([sys.executable, "-m", "regio_analysis.cli", "rapport", "noorderwijzer", "--naar", str(tmp_path / "o"),
                          "-p", "projectiejaren=99"], capture_output=True, text=True, timeout=300)
    # refused before any kernel starts: a DataError, exit 3, one line on stderr
    assert res.returncode == 3 and "Traceback" not in res.stdout + res.stderr
    assert "projectiejaren" in res.stderr and "tussen 1 en 15" in res.stderr


def test_the_chapter_object_shows_what_the_functions_give(bommel):
    h = kw.Hoofdstuk(bommel, jaren=5)
    names = {"leerlingen": "leerlingen_per_soort", "verzuim": "verzuim_verschil"}
    for topic in TOPICS:
        short = next((k for k, v in names.items() if v == topic), topic)
        assert getattr(h, f"lezing_{short}")() == getattr(kw, f"lezing_{topic}")(bommel), topic
    plan = kw.spp(bommel, jaren=5)
    pd.testing.assert_frame_equal(h.tabel_spp("basis"), plan.tabel("basis"))
    pd.testing.assert_frame_equal(h.spp.gevoeligheid, plan.gevoeligheid)
    pd.testing.assert_frame_equal(h.tabel_gevoeligheid(), kw.tabel_gevoeligheid(plan.gevoeligheid))
    assert h.lezing_spp() == kw.lezing_spp(plan.projectie, kw.aansluiting(bommel, plan.inputs))
    assert h.uitleg_spp() == plan.uitleg()
    assert h.spp is h.spp  # projected once
    plt.close("all")


# ------------------------------------------------------------------ issue 15: true of the source

FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


@pytest.fixture(scope="module")
def po_noord():
    return load_region("po-noord-nederland")


def _copy(region, **tables):
    new = copy.copy(region)
    new.tables = {**region.tables, **tables}
    new.meta = dict(region.meta)
    return new


def test_staff_shares_come_from_the_population_they_name(bommel):
    """Seed 002: 2,840 OP and 918 OOP persons in the region's own count, so OP is 76% of them;
    the 67/29/4 mix the plan also gives fits the Realisatie-eenheid's count (5,020 : 2,165),
    not this one. It was shown as "67% van het personeel" next to the 2,840."""
    text = kw.lezing_personeel(bommel)
    assert "67% van het personeel" not in text
    assert f"2.840 personen en 2.048 fte ({round(100 * 2840 / (2840 + 918))}%)" in text  # 75.6 -> 76
    assert "3.758 personen" in text
    assert "67 : 29 = 2,31" in text                               # 67 / 29 = 2.310
    assert "2.840 : 918 = 3,09" in text                           # 2840 / 918 = 3.094
    assert "Realisatie-eenheid (5.020 : 2.165 = 2,32" in text     # 5020 / 2165 = 2.319
    assert "andere populatie" in text
    table = kw.tabel_personeel(bommel)
    own = table[table["telling"] == "de eigen telling van de regio"].set_index("functiegroep")["aandeel"]
    assert own["onderwijzend personeel"] == pytest.approx(100 * 2840 / 3758)
    ree = table[table["telling"].str.contains("Realisatie")].set_index("functiegroep")["aandeel"]
    assert ree["onderwijzend personeel"] == pytest.approx(100 * 5020 / (5020 + 2165))


def test_staff_reading_follows_the_mix(bommel):
    """A mix that does fit the region's own count is said to fit it."""
    pers = bommel.personeel.copy()
    mix = pers["kenmerk"] == "functiemix"
    pers.loc[mix & (pers["functiegroep"] == "OP"), "waarde"] = 74
    pers.loc[mix & (pers["functiegroep"] == "OOP"), "waarde"] = 24
    text = kw.lezing_personeel(_copy(bommel, personeel=pers))
    assert "past bij de eigen telling (2.840 : 918 = 3,09)" in text and "andere populatie" not in text


def test_the_plans_projection_is_shown_beside_the_packages_and_reconciled(bommel):
    """Seed 002: the plan's own table needs 29 + 105 + 21 = 155 fte in 2029; the package said 88
    without a word about it. Now both are shown, and every step between them is explained."""
    h = kw.Hoofdstuk(bommel)
    proj = h.spp.projectie
    own = proj[(proj["jaar"] == 2029) & (proj["indicator"] == "te_vervullen_fte") & (proj["scenario"] == "basis")]
    package = own["waarde"].sum()
    assert "De raming van het plan zelf komt voor 2029 op 155 fte" in h.lezing_spp()
    text = h.lezing_aansluiting()
    assert text.startswith("Het plan raamt voor 2029 155 fte te vervullen")
    assert f"het pakket komt op {round(package)} fte" in text
    assert f"Het verschil van −{round(155 - package)} fte" in text
    # the table: per year and group the plan, every step, the package; the reading names each step's 2029 total
    table = h.tabel_aansluiting()
    total = table[(table["jaar"] == 2029) & (table["functiegroep"] == "al het personeel")].iloc[0]
    assert total["plan (gepubliceerd)"] == 155 and total["pakket"] == pytest.approx(package)
    assert total["pakket min plan"] == pytest.approx(package - 155)
    steps = [c for c in table.columns if c not in ("jaar", "functiegroep", "pakket min plan")]
    assert steps == ["plan (gepubliceerd)", "nagerekend", "zonder afronden", "tekort opgeteld", "andere basis stromen",
                     "pakket"]
    for stap, col in zip(list(kw.STAP_LABELS)[1:], steps[1:]):
        assert f"**{kw.STAP_LABELS[stap]}**: {kw.fmt_getal(total[col], 0)} fte" in text, stap
    # the causes in words, with the numbers they come from
    assert "alleen het saldo van in- en uitstroom van het jaar zelf" in text           # cumulative vs yearly
    assert "van 1.739 (2025) naar 1.717 fte (2029)" in text                           # the plan's OP demand
    assert "bezetting van 2.048 fte" in text and "alleen de leerlingen in basisonderwijs" in text  # population
    assert "percentage van de bezetting aan het begin van het jaar" in text           # base of the rates
    assert "0,7 fte per persoon" in text
    row = table[(table["jaar"] == 2029) & (table["functiegroep"] == "onderwijzend personeel")].iloc[0]
    assert row["plan (gepubliceerd)"] == 105 and row["pakket min plan"] == pytest.approx(row["pakket"] - 105)
    assert len(table) == 5 * 4  # 2025-2029, three groups and the total


def test_no_reconciliation_without_a_published_method(po_noord):
    h = kw.Hoofdstuk(po_noord)
    assert h.lezing_aansluiting() == "" and h.tabel_aansluiting().empty
    assert "raming van het plan" not in h.lezing_spp()


def test_sensitivity_is_per_year_in_table_figure_and_reading(bommel):
    """It summed five years of gaps and showed them as fte ("basis 647"); now the outcome is
    te vervullen fte per year, averaged over 2025-2029, and says so everywhere."""
    plan = kw.spp(bommel)
    basis = plan.projectie[(plan.projectie["scenario"] == "basis") & (plan.projectie["indicator"] == "te_vervullen_fte")]
    per_year = basis["waarde"].sum() / basis["jaar"].nunique()
    assert plan.gevoeligheid["basis"].iloc[0] == pytest.approx(per_year)
    text = kw.lezing_tornado(plan.gevoeligheid)
    assert "fte per jaar, gemiddeld over 2025–2029" in text
    assert f"(basis {kw.fmt_getal(per_year, 0)})" in text and "basis 647" not in text
    ax = kw.figuur_tornado(plan.gevoeligheid)
    assert "per jaar" in bijschrift_van(ax)[0] and "per jaar" in ax.get_xlabel()
    from regio_analysis.report.format import tabel_tekst

    shown = tabel_tekst(kw.tabel_gevoeligheid(plan.gevoeligheid))
    assert any("fte per jaar, gemiddeld over 2025–2029" in c for c in shown.columns)
    plt.close("all")


def test_a_published_range_stays_a_range(po_noord):
    """Seed 001: "ca. 5 tot 8%" in 2034 was shown as one 6,5%."""
    rows = kw.tekortcomponenten(po_noord)
    regio = rows[rows["niveau"] == "regio"].iloc[0]
    assert (regio["ondergrens"], regio["bovengrens"], regio["bandbreedte"]) == (5, 8, "gepubliceerd")
    assert pd.isna(regio["waarde"]) and int(regio["jaar"]) == 2034
    text = kw.lezing_tekort(po_noord)
    assert "5–8% (een bandbreedte; prognose voor 2034)" in text and "6,5" not in text
    assert "3,5–5,5%" in text and "provincie Drenthe" in text   # the 2024 range of Trendbureau Drenthe
    ax = kw.figuur_tekort(po_noord)
    labels = [t.get_text() for t in ax.texts]
    assert "5–8%" in labels and "6,5%" not in labels
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert 3.0 in widths                                          # the interval bar from 5 to 8
    plt.close("all")


def test_a_yearly_series_is_read_as_its_range(bommel):
    """Seed 002: unfilled employment 6,0 to 6,5% over 2025-2029, not the 6,0% of the first year alone."""
    text = kw.lezing_tekort(bommel)
    assert "6,0–6,5% per jaar (prognose 2025–2029)" in text


def test_all_published_shortages_are_in_the_table(po_noord):
    table = kw.tabel_tekort(po_noord)
    assert len(table) == 12
    gron = table[(table["niveau"] == "Provincie Groningen") & (table["jaar"] == "2024")].iloc[0]
    assert gron["waarde"] == 55 and gron["eenheid"] == "fte"
    regio = table[table["niveau"] == "Regio"].iloc[0]
    assert (regio["van"], regio["tot"]) == (5, 8) and pd.isna(regio["waarde"])


def test_a_year_the_source_does_not_give_is_not_shown(po_noord):
    """Seed 001 gives the 22% aged 55+ without a year; the report said "In 2023"."""
    pers = po_noord.personeel.copy()
    pers["jaar_vermeld"] = False
    text = kw.lezing_leeftijd(_copy(po_noord, personeel=pers))
    assert "2023" not in text and "(jaar niet vermeld)" in text and "22% van het personeel" in text
    groningen = pers["niveau"] == "provincie:Groningen"
    ax = kw.figuur_leeftijd(_copy(po_noord, personeel=pers.assign(waarde=pers["waarde"].mask(groningen, 24.0))))
    assert "jaar niet vermeld" in bijschrift_van(ax)[0]
    pers["jaar_vermeld"] = True
    assert kw.lezing_leeftijd(_copy(po_noord, personeel=pers)).startswith("In 2023 was 22%")
    plt.close("all")


def test_flows_of_different_years_are_not_averaged(kennemerland):
    """Seed 003: inflow 10,7% is of 2023, outflow 9,9% of 2022; they were called a yearly
    average (2022-2023) and "het personeelsbestand groeit"."""
    text = kw.lezing_stromen(kennemerland)
    assert "Gemiddeld per jaar" not in text and "groeit" not in text and "2022–2023" not in text
    assert "instroom 10,7% (2023) en uitstroom 9,9% (2022)" in text and "verschillende" in text
    assert "22,8% van de uitstroom gaat naar buiten onderwijs (2022)" in text


def test_the_same_years_are_compared(bommel):
    text = kw.lezing_stromen(bommel)
    # OP and OOP share the plan's percentages: (5.5+5.4+5.3+5.2+5.1)/5 = 5.3 in, (5.3+5.1+5.2+4.8+4.9)/5 = 5.06 out
    assert ("onderwijsondersteunend personeel en onderwijzend personeel (dezelfde percentages): instroom gemiddeld "
            "5,3% en uitstroom gemiddeld 5,1% per jaar (prognose 2025–2029)") in text


def test_the_age_share_the_plan_states_twice(kennemerland):
    """Seed 003 gives 27,7% aged 55+ in § 2.4 and about a quarter older than 55 in § 3.1."""
    text = kw.lezing_leeftijd(kennemerland)
    assert "27,7%" in text and "in het voortgezet onderwijs" in text
    assert "ongeveer 25% ouder dan 55 jaar" in text and "§ 3.1" in text


def test_a_projection_without_a_method_is_shown_not_denied(kennemerland):
    """Seed 003 publishes a forecast to 2034 (+68% unfilled fte); the report said it had none."""
    h = kw.Hoofdstuk(kennemerland)
    assert "Geen gegevens" not in h.lezing_reproductie() and "zonder rekenwijze" in h.lezing_reproductie()
    table = h.tabel_reproductie()
    assert len(table) == len(kennemerland.raming) and 68 in set(table["waarde"])


def test_rounding_is_said_only_when_it_is_rounding(bommel):
    table = kw.reproductie(bommel)
    assert "telkens 1 fte of persoon, wat past bij afronding" in kw.reproductie_samenvatting(table)
    worse = table.copy()
    i = worse.index[~worse["consistent"]][0]
    worse.loc[i, "gepubliceerd"] = worse.loc[i, "volgens_eigen_regels"] + 5
    text = kw.reproductie_samenvatting(worse)
    assert "tot 5 fte of persoon, meer dan afronding verklaart" in text and "afronding)" not in text


def test_sources_are_named_by_title_never_by_file(bommel):
    """The SPP notes printed the internal file name of the source; a table that still names
    the file is shown with the title regio.yaml maps it to."""
    file = "002_53f7c34f92f653b9.txt"
    kg = bommel.kengetallen.copy()
    kg["bron"] = kg["bron"].str.replace(r"^[^§]*, § ", f"{file} § ", regex=True)
    region = _copy(bommel, kengetallen=kg)
    region.meta["bronnen"] = {file: "Activiteitenplan Rond Bommel en Dommel 2026–2029"}
    uitleg = kw.spp(region).uitleg()
    assert file not in uitleg and "Activiteitenplan Rond Bommel en Dommel 2026–2029, § Analyse" in uitleg
    region.meta["bronnen"] = {}
    assert not FILE_NAME.search(kw.spp(region).uitleg()) and not FILE_NAME.search(kw.lezing_personeel(region))


def test_no_file_name_and_no_english_decimal_in_any_reading():
    for rid in DEFAULT_REGIONS:
        h = kw.Hoofdstuk(load_region(rid))
        texts = [getattr(h, m)() for m in dir(h) if m.startswith(("lezing_", "uitleg_"))]
        for text in texts:
            assert not FILE_NAME.search(text), (rid, text)
            assert not re.search(r"(?<!§ )(?<![\d.])\d\.\d{1,2}\b(?![\d.])", text), (rid, text)  # not "§ 3.1"
        plt.close("all")


def test_a_pupil_total_that_is_not_the_sum_of_its_parts_is_named(bommel):
    """Seed 002: the realised totals hold pupils in neither row (2024: 33,541 against 31,279 +
    1,947 = 33,226, so 315; 2020: 33,657 - 33,604 = 53), the forecast totals are the exact sum."""
    diff = kw.totaal_verschil(bommel).set_index("jaar")["verschil"]
    assert diff[2024] == 315 and diff[2020] == 53 and set(diff.index) == {2020, 2021, 2022, 2023, 2024}
    text = kw.lezing_leerlingen_per_soort(bommel)
    assert "in de gerealiseerde jaren (2020–2024) is het gepubliceerde totaal 53 tot 315 leerlingen groter" in text
    assert "in de prognosejaren is het precies hun som" in text


def test_one_share_for_every_area_is_a_sentence_not_a_chart(po_noord):
    """Seed 001 says 22 % is aged 55+ "in alle provincies" (Overijssel counted with the north):
    the report drew that one sentence as five equal bars. Now the reading names the provinces."""
    assert kw.figuur_leeftijd(po_noord) is None
    text = kw.lezing_leeftijd(po_noord)
    assert "in elk van de provincies Drenthe, Friesland, Groningen en Overijssel" in text
    pers = po_noord.personeel.copy()
    pers.loc[pers["niveau"] == "provincie:Drenthe", "waarde"] = 25.0
    assert kw.figuur_leeftijd(_copy(po_noord, personeel=pers)) is not None
    assert "in elk van de provincies" not in kw.lezing_leeftijd(_copy(po_noord, personeel=pers))
    plt.close("all")


def test_a_split_from_two_places_of_the_plan_is_not_drawn_as_one(kennemerland):
    """Seed 003 gives 60,2 % working 32 hours or more (§ 2.4) and, elsewhere, a rounded 40 % working
    less (§ 3.1): drawn as one split they summed to 100,2 %."""
    assert kw.figuur_deeltijd(kennemerland) is None
    pers = kennemerland.personeel.copy()
    deel = pers["kenmerk"] == "deeltijd"
    pers.loc[deel, "bron"] = pers.loc[deel, "bron"].iloc[0]
    pers.loc[deel & (pers["categorie"] == "<32 uur"), "waarde"] = 39.8
    assert kw.figuur_deeltijd(_copy(kennemerland, personeel=pers)) is not None
    plt.close("all")


def test_the_caption_of_the_shortage_figure_says_what_the_bars_are(po_noord, kennemerland):
    """PO Noord's bars are areas, not function groups, as the caption said."""
    assert "per gebied," in bijschrift_van(kw.figuur_tekort(po_noord))[0]
    assert "per functiegroep," in bijschrift_van(kw.figuur_tekort(kennemerland))[0]
    plt.close("all")
