"""The quantitative chapter: readings computed from the numbers, figures, and the chapter in a batch."""
from __future__ import annotations

import copy
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from regio_analysis.workforce import chapter as kw
from regio_analysis.data import load_region
from regio_analysis.data.regions import DEFAULT_REGIONS

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
    assert "-0,5 procentpunt (2019)" in text and "0,4 (2023)" in text and "2022 en 2023" in text
    # shorter than two years: 13.4 + 11.6 = 25.0 %
    assert "25,0% is korter dan twee jaar" in kw.lezing_contractduur(bommel)
    text = kw.lezing_tevredenheid(bommel)
    assert "zelf werktijden bepalen (23% tevreden)" in text and "doel 50%" in text and "doel 90%" in text
    # 2048 + 634 fte over 2840 + 918 persons = 0.71
    assert "0,71 fte" in kw.lezing_personeel(bommel)
    assert "instroom 10,7%, uitstroom 9,9%" in kw.lezing_stromen(kennemerland)
    assert "27,7%" in kw.lezing_leeftijd(kennemerland)
    assert "3,7%" in kw.lezing_tekort(kennemerland) and "70% verborgen" in kw.lezing_tekort(kennemerland)  # 2.6 / 3.7


def test_readings_follow_changed_numbers(bommel):
    region = copy.copy(bommel)
    region.tables = dict(bommel.tables)
    kg = bommel.kengetallen.copy()
    kg.loc[(kg["onderwerp"] == "tevredenheid") & (kg["categorie"] == "zelf werktijden bepalen"), "waarde"] = 95
    region.tables["kengetallen"] = kg
    text = kw.lezing_tevredenheid(region)
    assert "minst tevreden over werkzekerheid (50% tevreden)" in text
    assert "zelf werktijden" not in text


def test_no_data_gives_a_note_and_no_figure():
    region = load_region("noorderwijzer")
    for topic in TOPICS:
        assert "Geen gegevens" in getattr(kw, f"lezing_{topic}")(region)
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


def test_spp_reading_matches_its_table(bommel):
    plan = kw.spp(bommel)
    proj = plan.projectie
    last = proj[(proj["jaar"] == 2029) & (proj["indicator"] == "te_vervullen_fte")]
    basis = last[last["scenario"] == "basis"]["waarde"].sum()
    text = kw.lezing_spp(proj)
    assert f"moet dan {round(basis)} fte worden ingevuld" in text
    dir_short = proj[(proj["jaar"] == 2029) & (proj["indicator"] == "tekort_fte") & (proj["scenario"] == "basis")
                     & (proj["functiegroep"] == "DIR")]["waarde"].iloc[0]
    assert f"schoolleiders een tekort van {round(dir_short)} fte" in text
    assert plan.gevoeligheid.iloc[0]["label"] in kw.lezing_tornado(plan.gevoeligheid)
    table = plan.tabel()
    assert list(table.columns[:2]) == ["functiegroep", "indicator"] and "2029" in table.columns
    assert "Scenario's" in plan.uitleg() and "1.039" in plan.uitleg()


def test_reproduction_summary_counts(bommel):
    table = kw.reproductie(bommel)
    text = kw.reproductie_samenvatting(table)
    assert "Van de 105 gepubliceerde cijfers zijn er 96" in text and "reproduceert het model er 96" in text


def test_chapter_runs_in_the_batch_for_default_regions_and_microdata_only(full_reports):
    """Acceptance of issue 4: the chapter in the batch for every default region and a microdata-only one."""
    from conftest import chapter_status

    out, manifest = full_reports
    status = chapter_status(manifest, "kwantitatief")
    assert status == {rid: "ok" for rid in (*DEFAULT_REGIONS, "alleen-microdata")}, json.dumps(manifest["rijen"], indent=1)
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
    res = subprocess.run([sys.executable, "-m", "regio_analysis.cli", "report", "noorderwijzer", "--out", str(tmp_path / "o"),
                          "-p", "projectiejaren=99"], capture_output=True, text=True, timeout=300)
    # refused before any kernel starts: a DataError, exit 2, one line on stderr
    assert res.returncode == 2 and "Traceback" not in res.stdout + res.stderr
    assert "projectiejaren" in res.stderr and "tussen 1 en 15" in res.stderr


def test_the_chapter_object_shows_what_the_functions_give(bommel):
    h = kw.Hoofdstuk(bommel, jaren=5)
    names = {"leerlingen": "leerlingen_per_soort", "verzuim": "verzuim_verschil"}
    for topic in TOPICS:
        short = next((k for k, v in names.items() if v == topic), topic)
        assert getattr(h, f"lezing_{short}")() == getattr(kw, f"lezing_{topic}")(bommel), topic
    plan = kw.spp(bommel, jaren=5)
    pd.testing.assert_frame_equal(h.tabel_spp("basis"), plan.tabel("basis"))
    pd.testing.assert_frame_equal(h.tabel_gevoeligheid(), plan.gevoeligheid)
    assert h.lezing_spp() == kw.lezing_spp(plan.projectie) and h.uitleg_spp() == plan.uitleg()
    assert h.spp is h.spp  # projected once
    plt.close("all")
