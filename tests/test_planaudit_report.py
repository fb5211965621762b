"""The plan audit beyond the plan's text: its figures against the region's data (kind ``gegevens``),
the ``plan:`` key of regio.yaml, the command ``regio-analysis audit`` and the chapter 06_planaudit in
the batch. The region is made up (tests/fixtures/plannen/voorbeeldstreek, with the plan of
tests/fixtures/plannen/voorbeeldplan.md and its planted inconsistencies); the expected values are
read off its CSV files by hand."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from conftest import assert_data_error, chapter_status, plan_region
from regio_analysis.cli import main
from regio_analysis.data import RegionData, load_region
from regio_analysis.data.regions import read_regio_yaml
from regio_analysis.planaudit import audit
from regio_analysis.planaudit.chapter import audit_plan
from regio_analysis.planaudit.plan import CSV_COLUMNS
from regio_analysis.planaudit.regio import compare_with_data, reference_figures
from regio_analysis.planaudit.quantities import extract_quantities
from regio_analysis.reporting.chapters import CHAPTERS, for_region


@pytest.fixture
def region_dir(tmp_path):
    return plan_region(tmp_path / "regios") / "voorbeeldstreek"


def test_figures_that_differ_from_the_region_data_are_found(region_dir):
    """leerlingen.csv: bao 2024 19.020 and sbo 1.930 (total 20.950); personeel.csv: OP 2024 1.712
    persons, 1.150 fte. The plan says 19.180, 21.310 (planted), 1.640 and 1.710 (planted) for 2024;
    its 2022 and 2023 pupils and its 1.150 fte agree."""
    result = audit_plan(region_dir / "activiteitenplan.md", region=load_region("voorbeeldstreek", region_dir.parent))
    found = result.findings[result.findings["soort"] == "gegevens"]
    assert sorted(zip(found["waarde"], found["verwacht"])) == [
        (1640.0, 1712.0), (1710.0, 1712.0), (19180.0, 19020.0), (21310.0, 20950.0)]
    assert all("gepubliceerde tabel" in g and "Voorbeeldmonitor" in g for g in found["gegevens"])
    c = result.comparisons
    agree = sorted(zip(c.loc[c["klopt"], "waarde"], c.loc[c["klopt"], "groep"]))
    assert agree == [(1150.0, "OP"), (19310.0, "bao"), (19420.0, "bao"), (21215.0, "totaal"), (21300.0, "totaal")]
    assert result.lagen == ("gepubliceerd",)
    # without a region the same plan has no finding of this kind
    assert "gegevens" not in set(audit_plan(region_dir / "activiteitenplan.md").findings["soort"])


def _region(leerlingen: pd.DataFrame, duo: dict | None = None) -> RegionData:
    from regio_analysis.data.schemas import conform

    return RegionData("r", {"naam": "R"}, None, tables={"leerlingen": conform(leerlingen, "leerlingen")},
                      duo=duo or {})


def _pupils(rows, **extra) -> pd.DataFrame:
    return pd.DataFrame([dict(peiljaar=y, soort=s, aantal=a, prognose=False, vestigingscode="", niveau=n,
                              bron="DUO (test)", onderdrukt=False, **extra) for y, s, a, n in rows])


@pytest.mark.parametrize("sentence, compared", [
    ("In 2024 telde de regio 20.000 leerlingen.", True),
    ("In 2024 telde het basisonderwijs van de regio 20.000 leerlingen.", True),
    ("De regio telde 20.000 leerlingen.", False),  # no year
    ("In 2024 telde de regio 7.000 leerlingen in het speciaal onderwijs.", False),  # speciaal, no type named
    ("In 2024 telde de regio 60.000 leerlingen.", False),  # three times the data: about another whole
    ("De regio wil in 2024 naar 20.000 leerlingen groeien.", False),  # a target
    ("Landelijk waren er in 2024 20.000 leerlingen.", False),  # a national figure
    ("In 2024 zaten 20.000 leerlingen op een school met instroom van starters.", False),  # a part
])
def test_which_plan_figures_are_compared_with_the_data(sentence, compared):
    region = _region(_pupils([(2024, "bao", 19000, "regio"), (2024, "sbo", 1000, "regio")]))
    q = extract_quantities(sentence)
    c = compare_with_data(q, reference_figures(region))
    assert (len(c) == 1) is compared, c


def test_duo_layer_regional_rows_and_locations_only():
    """The DUO layer's national and provincial rows are never compared; its locations are."""
    duo = {"leerlingen": _pupils([(2024, "bao", 19000, "regio"), (2024, "bao", 1_400_000, "landelijk"),
                                  (2024, "bao", 90000, "provincie:Utrecht")], vestigingen=120)}
    region = _region(_pupils([(2024, "bao", 19000, "regio")]), duo)
    refs = reference_figures(region)
    assert set(refs["laag"]) == {"gepubliceerd", "DUO"}
    assert refs.loc[refs["eenheid"] == "leerlingen", "waarde"].max() == 19000
    assert refs.loc[refs["eenheid"] == "vestigingen", "waarde"].tolist() == [120]
    text = "In 2024 had de regio 19.500 leerlingen op 130 vestigingen."
    found = audit(text, region=region)
    assert sorted(zip(found["soort"], found["waarde"], found["verwacht"])) == [
        ("gegevens", 130.0, 120.0), ("gegevens", 19500.0, 19000.0), ("gegevens", 19500.0, 19000.0)]
    assert sum("DUO-laag" in g for g in found["gegevens"]) == 2


@pytest.mark.parametrize("value, message", [
    ("plan.md", "bestaat niet"),
    ("../plan.md", "geen pad"),
    ("plan.xlsx", "onbekend documenttype"),
    ("3", "moet de naam van een bestand"),
])
def test_plan_key_of_regio_yaml_is_checked(region_dir, value, message):
    path = region_dir / "regio.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("plan: activiteitenplan.md", f"plan: {value}"),
                    encoding="utf-8")
    assert_data_error(lambda: read_regio_yaml(region_dir), "regio.yaml", [message])


def test_chapter_only_with_a_plan_and_numbers_without_a_gap(region_dir, tmp_path):
    with_plan = {c.name: c.nummer for c in for_region(region_dir)}
    assert with_plan["planaudit"] == "6" and with_plan["bijlage"] == "7"
    (region_dir / "regio.yaml").write_text(
        (region_dir / "regio.yaml").read_text(encoding="utf-8").replace("plan: activiteitenplan.md\n", ""),
        encoding="utf-8")
    without = {c.name: c.nummer for c in for_region(region_dir)}
    assert "planaudit" not in without and without["bijlage"] == "6" and without["peer_review"] == "5"
    # a report of some chapters numbers them as the whole report does
    assert [c.nummer for c in for_region(region_dir, tuple(c for c in CHAPTERS if c.name == "bijlage"))] == ["6"]
    assert "planaudit" not in {c.name for c in for_region(None)}


def test_audit_command_prints_and_writes_the_findings(region_dir, tmp_path, capsys):
    plan = region_dir / "activiteitenplan.md"
    before = hashlib.sha256(plan.read_bytes()).hexdigest()
    out = tmp_path / "planaudit.csv"
    assert main(["audit", str(plan), "--regio", "voorbeeldstreek", "--gegevens", str(region_dir.parent),
                 "--naar", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "13 bevinding(en)" in printed and "9 vergelijking(en), 5 binnen de afronding" in printed
    table = pd.read_csv(out)
    assert list(table.columns) == CSV_COLUMNS and len(table) == 13
    assert table["locaties"].str.fullmatch(r"\d+-\d+(; \d+-\d+)*").all()
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before
    # the plan itself is never overwritten
    assert main(["audit", str(plan), "--naar", str(plan)]) == 3
    assert "bronbestanden worden nooit overschreven" in capsys.readouterr().err
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("name, content, message", [
    ("plan.pdf", b"geen pdf", "geen leesbare PDF"),
    ("plan.docx", b"geen zip", "plan.docx"),
    ("plan.txt", b"   \n", "leeg"),
    ("plan.odt", b"x", "onbekend documenttype"),
    ("ontbreekt.pdf", None, "niet gevonden"),
])
def test_audit_command_refuses_unreadable_plans_clearly(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["audit", str(path)]) == 3
    err = capsys.readouterr().err
    assert message in err and name in err and "Traceback" not in err


def test_audit_command_with_an_unknown_region(region_dir, capsys):
    assert main(["audit", str(region_dir / "activiteitenplan.md"), "--regio", "bestaat-niet",
                 "--gegevens", str(region_dir.parent)]) == 3
    assert "bestaat-niet" in capsys.readouterr().err


def test_the_batch_has_the_chapter_only_for_the_region_with_a_plan(full_reports):
    out, manifest = full_reports
    assert chapter_status(manifest, "planaudit") == {"voorbeeldstreek": "ok"}, json.dumps(manifest["rijen"], indent=1)
    page = (out / "voorbeeldstreek" / "rapport.html").read_text(encoding="utf-8")
    assert "6 Controle van het activiteitenplan" in page and "7 Bijlage" in page
    assert "Tabel 6.2" in page and "1.091.565" not in page
    table = pd.read_csv(out / "voorbeeldstreek" / "planaudit.csv")
    assert sorted(table["soort"]) == sorted(["som", "som", "verdeling", "product", "product", "tegenstrijdig",
                                             "jaarbereik", "jaarbereik", "jaarbereik",
                                             "gegevens", "gegevens", "gegevens", "gegevens"])
    default = (out / "rond-bommel-en-dommel" / "rapport.html").read_text(encoding="utf-8")
    assert "Controle van het activiteitenplan" not in default and "6 Bijlage" in default
    assert not (out / "rond-bommel-en-dommel" / "planaudit.csv").exists()


def test_the_chapter_writes_figures_and_calculations_in_dutch():
    from regio_analysis.planaudit.chapter import berekening_tekst, waarde_tekst

    assert waarde_tekst(1091565, "eur") == "€\u00a01.091.565"
    assert waarde_tekst(27.7, "procent") == "27,7%"
    assert waarde_tekst(2710, "fte") == "2.710 fte"
    assert waarde_tekst(2029, "jaartal") == "2029"
    assert berekening_tekst("1091565 = 1143 × 955; 1243 × 955 = 1187065", "eur") == \
        "1.091.565 = 1.143 × 955; 1.243 × 955 = 1.187.065"
    assert berekening_tekst("27.4 + 47.3 + 24.3 = 99 ≠ 100", "procent") == "27,4 + 47,3 + 24,3 = 99 ≠ 100"
    assert berekening_tekst("2027-2029 ∉ 2026-2026", "jaartal") == "2027–2029 ∉ 2026–2026"


def test_a_pupil_figure_of_a_forecast_year_is_not_compared_with_a_count():
    """A plan's pupil table mixes counts and forecasts (told apart by colour); a year the region's own
    pupil table forecasts is not set against a count of that year elsewhere in its data."""
    pupils = pd.concat([_pupils([(2024, "bao", 19000, "regio")]),
                        _pupils([(2025, "bao", 18800, "regio")]).assign(prognose=True)])
    kengetal = pd.DataFrame([dict(onderwerp="basisgegevens", indicator="aantal_leerlingen", jaar=2025,
                                  functiegroep="totaal", categorie="onderwijsregio", niveau="regio", eenheid="aantal",
                                  waarde=17000, bron="telling (test)", opmerking="")])
    from regio_analysis.data.schemas import conform

    region = RegionData("r", {"naam": "R"}, None, tables={"leerlingen": conform(pupils, "leerlingen"),
                                                          "kengetallen": conform(kengetal, "kengetallen")})
    refs = reference_figures(region)
    q = extract_quantities("In 2025 telt de regio 18.800 leerlingen. In 2024 telde de regio 19.000 leerlingen.")
    c = compare_with_data(q, refs)
    assert c["jaar"].tolist() == [2024] and c["klopt"].all()
