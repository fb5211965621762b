"""The DUO layer: regions by composition, checked against hand-summed national files in DUO's layouts."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.data import duo_laag
from regio_analysis.data.loading import load_region

# --- a small country in DUO's current layouts (made-up values) -------------------------------------------
# PO locations: (BRIN6, board, municipality code, municipality, province)
PO = [
    ("11AA00", "10001", "0106", "ASSEN", "Drenthe"),
    ("11AA01", "10001", "0114", "EMMEN", "Drenthe"),
    ("22BB00", "10002", "0014", "GRONINGEN", "Groningen"),
    ("22BB01", "10002", "0106", "ASSEN", "Drenthe"),           # board 10002 spans two regions
    ("33CC00", "10003", "0796", "'S-HERTOGENBOSCH", "Noord-Brabant"),  # in no region
    ("44DD00", "10004", "0106", "ASSEN", "Drenthe"),           # a special school (SO)
]
# pupils on 1 October (PEILJAAR): BRIN6 -> (TYPE_PO, 2022, 2023)
PO_PUPILS = {"11AA00": ("BO", 210, 200), "11AA01": ("BO", 105, 100), "22BB00": ("BO", 310, 300),
             "22BB01": ("BO", 90, 100), "33CC00": ("BO", 240, 250), "44DD00": ("SO", 55, 50)}
VO = [("55EE", "00", "20001", "0106", "ASSEN", "Drenthe"), ("66FF", "00", "20002", "0014", "GRONINGEN", "Groningen")]
VO_PUPILS = {2022: {"55EE": "900", "66FF": "1.200"}, 2023: {"55EE": "880", "66FF": "<5"}}
# staff in persons, 2023: (ONDERWIJSTYPE, BEVOEGD GEZAG, INSTELLINGSCODE, FUNCTIEGROEP, value)
STAFF = [
    ("BAO", "10001", "11AA", "Onderwijsgevend personeel", 20), ("BAO", "10001", "11AA", "Directie", 3),
    ("BAO", "10001", "BOVENSCHOOLS", "Directie", "<5"),
    ("BAO", "10002", "22BB", "Onderwijsgevend personeel", 30), ("BAO", "10002", "22BB", "Directie", 2),
    ("BAO", "10002", "BOVENSCHOOLS", "Directie", 4),
    ("BAO", "10003", "33CC", "Onderwijsgevend personeel", 25),
    ("(V)SO", "10004", "44DD", "Onderwijsgevend personeel", 8),
]


def _csv(path: Path, header: list[str], rows: list, sep: str = ",", encoding: str = "utf-8-sig") -> None:
    lines = [sep.join(header)] + [sep.join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)


def write_country(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    adres = ["PROVINCIE", "BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "STRAATNAAM",
             "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "DENOMINATIE"]
    _csv(folder / "vestigingenbo.csv", adres,
         [(p, b, c[:4], c, f"School {c}", "Dorpsstraat", "1", "9400 AA", g, n, g, "Openbaar") for c, b, n, g, p in PO])
    _csv(folder / "02.-alle-vestigingen-vo.csv", adres,
         [(p, b, i, v, f"College {i}", "Laan", "2", "9400 BB", g, n, g, "Bijzonder") for i, v, b, n, g, p in VO],
         sep=";", encoding="cp1252")
    _csv(folder / "brin6_totaal.csv", ["INSTELLINGSCODE", "VESTIGINGSCODE", "TYPE_PO", "PEILJAAR", "AANTAL_LEERLINGEN"],
         [(c[:4], c[4:], t, year, n) for c, (t, a, b) in PO_PUPILS.items() for year, n in ((2022, a), (2023, b))])
    header = ["BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "INSTELLINGSNAAM VESTIGING", "PLAATSNAAM",
              "GEMEENTENUMMER", "GEMEENTENAAM", "PROVINCIE", "AANTAL LEERLINGEN",
              "AANTAL VO LEERLINGEN UITBESTEED AAN VAVO"]
    for year, counts in VO_PUPILS.items():
        _csv(folder / f"03.-leerlingen-vo-per-vestiging-en-bestuur-(vavo-apart)-{year}.csv", header,
             [(b, i, v, f"College {i}", g, n, g, p, counts[i], "0") for i, v, b, n, g, p in VO], sep=";", encoding="cp1252")
    for name, col, scale in (("01.-onderwijspersoneel-po-in-personen-2011-2023.xlsx", "PERSONEN 2023", 1),
                             ("02.-onderwijspersoneel-po-in-fte-2011-2023.xlsx", "FTE'S 2023", 0.5)):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "per owtype-bestuur-brin-functie"
        ws.append(["ONDERWIJSTYPE", "BEVOEGD GEZAG", "INSTELLINGSCODE", "FUNCTIEGROEP", col])
        for t, b, i, f, v in STAFF:
            ws.append([t, int(b), i, f, v if isinstance(v, str) else v * scale])
        wb.save(folder / name)
    return folder


def write_regions(root: Path, regions: dict[str, dict]) -> Path:
    for rid, comp in regions.items():
        (root / rid).mkdir(parents=True)
        meta = {"regio_id": rid, "naam": rid.title(), "sectoren": comp.pop("_sectoren", ["PO"]),
                "provincies": comp.pop("_provincies", ["Drenthe"]), "samenstelling": comp}
        (root / rid / "regio.yaml").write_text(json.dumps(meta), encoding="utf-8")  # JSON is YAML
    return root


REGIONS = {
    "regio-a": {"gemeenten": ["Assen", "0114"]},                   # by name and by CBS code
    "regio-b": {"gemeenten": ["GM0014", "assen"], "_sectoren": ["VO"], "_provincies": ["Groningen", "Drenthe"]},
    "regio-c": {"vestigingen": ["22BB01"]},                          # claims a location of regio-a
    "regio-s": {"gemeenten": ["Assen"], "_sectoren": ["(V)SO"]},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("duo")
    bronmap = write_country(tmp / "bron")
    data_dir = write_regions(tmp / "regions", {k: dict(v) for k, v in REGIONS.items()})
    result = duo_laag.build_layers(bronmap, data_dir)
    return result, data_dir, bronmap


def _value(df, **match):
    rows = df
    for k, v in match.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_a_region_by_municipalities_gets_exactly_its_locations_pupils(built):
    _, data_dir, _ = built
    ll = load_region("regio-a", data_dir).duo["leerlingen"]
    # Assen (11AA00, 22BB01; 44DD00 is SO, not PO) and Emmen (11AA01)
    assert _value(ll, niveau="regio", peiljaar=2023, soort="bao")["aantal"] == 200 + 100 + 100
    assert _value(ll, niveau="regio", peiljaar=2022, soort="bao")["aantal"] == 210 + 105 + 90
    assert set(ll.loc[ll["niveau"] == "regio", "soort"]) == {"bao"}
    assert _value(ll, niveau="landelijk", peiljaar=2023, soort="bao")["aantal"] == 200 + 100 + 300 + 100 + 250
    assert _value(ll, niveau="provincie:Drenthe", peiljaar=2023, soort="bao")["aantal"] == 400
    assert _value(ll, niveau="regio", peiljaar=2023, soort="bao")["vestigingen"] == 3


def test_special_education_region_takes_only_so_pupils_and_staff(built):
    _, data_dir, _ = built
    rd = load_region("regio-s", data_dir)
    assert _value(rd.duo["leerlingen"], niveau="regio", peiljaar=2023, soort="so")["aantal"] == 50
    assert _value(rd.duo["personeel"], niveau="regio", peiljaar=2023, functiegroep="OP",
                  eenheid="personen")["waarde"] == 8


def test_vo_region_counts_suppressed_cells_instead_of_adding_zero(built):
    _, data_dir, _ = built
    ll = load_region("regio-b", data_dir).duo["leerlingen"]
    assert _value(ll, niveau="regio", peiljaar=2022, soort="vo")["aantal"] == 900 + 1200  # '1.200' is 1200
    row = _value(ll, niveau="regio", peiljaar=2023, soort="vo")
    assert row["aantal"] == 880 and row["cellen_onderdrukt"] == 1
    assert _value(ll, niveau="provincie:Groningen", peiljaar=2023, soort="vo")["cellen_onderdrukt"] == 1


def test_staff_is_allocated_by_pupil_share_and_the_rule_is_stated(built):
    _, data_dir, _ = built
    rd = load_region("regio-a", data_dir)
    st = rd.duo["personeel"]
    # 11AA wholly inside; 22BB has 100 of its 400 pupils (2023) in the region: a quarter of its 30 OP
    assert _value(st, niveau="regio", peiljaar=2023, functiegroep="OP", eenheid="personen")["waarde"] == 20 + 30 / 4
    assert _value(st, niveau="regio", peiljaar=2023, functiegroep="OP", eenheid="fte")["waarde"] == 10 + 15 / 4
    # DIR: 3 (11AA) + 2/4 (22BB) + 4/4 (board 10002 above its schools) + a suppressed cell of board 10001
    dir_ = _value(st, niveau="regio", peiljaar=2023, functiegroep="DIR", eenheid="personen")
    assert dir_["waarde"] == 3 + 0.5 + 1 and dir_["cellen_onderdrukt"] == 1
    # the country: every PO staff row (the (V)SO school's staff is not PO)
    assert _value(st, niveau="landelijk", peiljaar=2023, functiegroep="OP", eenheid="personen")["waarde"] == 75
    assert "leerlingen van de instelling" in st["bron"].iloc[0]
    split = rd.duo_herkomst["gedeeld_met_andere_regios"]
    assert {(s["soort"], s["code"], s["aandeel"]) for s in split} == {("instelling", "22BB", 0.25), ("bestuur", "10002", 0.25)}
    files = {f["naam"]: f["sha256"] for f in rd.duo_herkomst["bestanden"]}
    assert len(files["brin6_totaal.csv"]) == 64 and rd.duo_herkomst["soort"] == "berekend uit DUO"
    assert "duo/leerlingen.csv" in rd.bestanden


def test_unassigned_and_doubly_claimed_locations_are_listed(built):
    result, data_dir, _ = built
    # 22BB00 is a PO school in Groningen, which only a VO region names; 33CC00 lies in no region's municipality
    assert list(result.niet_toegewezen["vestigingscode"]) == ["22BB00", "33CC00"]
    assert list(result.dubbel["vestigingscode"]) == ["22BB01"]
    assert result.dubbel.iloc[0]["regio_ids"] == "regio-a;regio-c"
    on_disk = pd.read_csv(data_dir / duo_laag.TOEWIJZING_BESTAND, dtype=str)
    assert set(on_disk["status"]) == {"toegewezen", "geen regio", "meer regio's"}


def test_published_layer_stays_apart(built):
    _, data_dir, _ = built
    rd = load_region("regio-a", data_dir)
    assert not rd.has("leerlingen") and not rd.has("personeel")   # nothing hand-transcribed here
    assert set(rd.duo) == {"leerlingen", "personeel"}


def test_a_misspelt_municipality_is_a_warning_and_a_region_without_composition_is_skipped(tmp_path):
    bronmap = write_country(tmp_path / "bron")
    data_dir = write_regions(tmp_path / "regions", {"regio-x": {"gemeenten": ["Asen"]}})
    (data_dir / "zonder").mkdir()
    (data_dir / "zonder" / "regio.yaml").write_text("regio_id: zonder\nnaam: Z\nsectoren: [PO]\nprovincies: [Drenthe]\n")
    result = duo_laag.build_layers(bronmap, data_dir)
    assert result.regios == ["regio-x"]
    assert any("'Asen'" in p.message for p in result.waarschuwingen)
    assert not (data_dir / "zonder" / "duo").exists()


def test_composition_is_validated(tmp_path):
    from regio_analysis.data.regions import read_regio_yaml

    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "regio.yaml").write_text("regio_id: r\nnaam: R\nsectoren: [PO]\nprovincies: [Drenthe]\n"
                                       "samenstelling:\n  gemeenten: [0106]\n  wijken: [x]\n")
    with pytest.raises(DataError) as err:
        read_regio_yaml(folder)
    text = str(err.value)
    assert "wijken" in text and "aanhalingstekens" in text


def test_no_composition_anywhere_is_a_clear_error(tmp_path):
    bronmap = write_country(tmp_path / "bron")
    (tmp_path / "regions" / "r").mkdir(parents=True)
    (tmp_path / "regions" / "r" / "regio.yaml").write_text("regio_id: r\nnaam: R\nsectoren: [PO]\nprovincies: [Drenthe]\n")
    with pytest.raises(DataError, match="samenstelling"):
        duo_laag.build_layers(bronmap, tmp_path / "regions")


def test_the_chapter_shows_the_region_beside_its_province_and_the_country(built):
    from regio_analysis.report.format import tabel_tekst
    from regio_analysis.report.tables import bijschrift_van
    from regio_analysis.data.provenance import herkomst_van
    from regio_analysis.workforce.chapter import Hoofdstuk

    _, data_dir, _ = built
    h = Hoofdstuk(load_region("regio-a", data_dir))
    tabel = h.tabel_duo().set_index("Indicator")
    assert list(tabel.columns) == ["Jaar", "Regio-A", "Drenthe", "Landelijk", "eenheid"]
    pupils = tabel.loc["Leerlingen (basisonderwijs)"]
    assert (pupils["Regio-A"], pupils["Drenthe"], pupils["Landelijk"], pupils["Jaar"]) == (400, 400, 950, 2023)
    assert tabel.loc["Verandering leerlingen sinds 2022", "Regio-A"] == pytest.approx(100 * (400 / 405 - 1))
    assert tabel.loc["Verandering leerlingen sinds 2022", "Landelijk"] == pytest.approx(100 * (950 / 955 - 1))
    assert tabel.loc["Onderwijzend personeel", "Regio-A"] == pytest.approx(10 + 15 / 4)
    assert tabel.loc["Leerlingen per fte onderwijzend personeel", "Landelijk"] == pytest.approx(950 / 37.5)
    assert "Plan van de regio" not in tabel.columns           # this region publishes nothing
    shown = tabel_tekst(h.tabel_duo()).set_index("Indicator")
    assert list(shown.loc["Verandering leerlingen sinds 2022"]) == ["2023", "−1,2%", "−1,2%", "−0,5%"]
    assert shown.loc["Onderwijzend personeel", "Regio-A"] == "13,8 fte" and "eenheid" not in shown.columns
    assert bijschrift_van(h.tabel_duo())[0] and herkomst_van(h.tabel_duo())[0].soort.value == "berekend uit DUO"
    text = h.lezing_duo()
    assert "op 1 oktober 2023 400 leerlingen, 1,2% minder dan in 2022" in text
    assert "0,5% minder" in text                             # the country: 950 against 955
    assert h.figuur_duo() is not None


def test_the_chapter_says_why_a_region_has_no_duo_figures():
    from regio_analysis.workforce.chapter import Hoofdstuk

    text = Hoofdstuk(load_region("kennemerland-groot-amsterdam")).lezing_duo()
    assert "niet uit welke gemeenten" in text
    assert Hoofdstuk(load_region("kennemerland-groot-amsterdam")).tabel_duo().empty


def test_build_command(built, tmp_path, capsys):
    from regio_analysis.cli import main

    _, _, bronmap = built
    data_dir = write_regions(tmp_path / "regions", {"regio-a": {"gemeenten": ["Assen", "0114"]}})
    assert main(["duo-laag", str(bronmap), "--gegevens", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "DUO-laag gebouwd voor 1 regio('s)" in out and "2 in geen regio" not in out
    assert (data_dir / "regio-a" / "duo" / "leerlingen.csv").is_file()
    assert main(["duo-laag", str(bronmap), "--gegevens", str(data_dir), "--regio", "regio-z"]) == 3
    assert "geen regio met 'samenstelling:' in regio.yaml: regio-z" in capsys.readouterr().err
    assert main(["duo-laag", str(tmp_path / "leeg"), "--gegevens", str(data_dir), "--als-beschikbaar"]) == 0
    assert main(["duo-laag", str(tmp_path / "leeg"), "--gegevens", str(data_dir)]) == 3
    err = capsys.readouterr().err
    assert "map met DUO-bestanden niet gevonden" in err and "Traceback" not in err


def test_the_index_puts_the_country_beside_each_duo_indicator(built):
    from regio_analysis.overview.index import kerncijfer_rijen
    from regio_analysis.reporting.html import index_html
    from regio_analysis.reporting.runner import _indicator_labels

    _, data_dir, _ = built
    rows = {r["sleutel"]: r for r in kerncijfer_rijen(load_region("regio-a", data_dir))}
    assert (rows["duo_leerlingen"]["waarde"], rows["duo_leerlingen"]["landelijk"]) == (400, 950)
    assert rows["duo_leerlingen"]["jaar"] == "2023" and rows["duo_leerlingen"]["soort"] == "berekend uit DUO"
    assert rows["duo_leerlingen_per_fte_op"]["landelijk"] == pytest.approx(950 / 37.5)
    with_duo = index_html([{"regio_id": "regio-a", "naam": "Regio-A", "status": "ok",
                            "kerncijfers": list(rows.values())}], _indicator_labels(), generated="2026-12-03T10:00:00",
                          version="x")
    assert "Leerlingen volgens DUO" in with_duo and "landelijk 950" in with_duo and "berekend uit DUO</b>" in with_duo
    without = index_html([{"regio_id": "r", "naam": "R", "status": "ok", "kerncijfers": []}], _indicator_labels(),
                         generated="2026-12-03T10:00:00", version="x")
    assert "volgens DUO" not in without and "berekend uit DUO" not in without


def test_staff_of_a_year_without_pupil_counts_takes_the_units_nearest_year(tmp_path):
    """Staff files start in 2011, pupil counts later: a staff year gets the share of the nearest year in which
    that institution has counted pupils (here 2022 for a 2011 staff row)."""
    bronmap = write_country(tmp_path / "bron")
    wb = openpyxl.load_workbook(bronmap / "01.-onderwijspersoneel-po-in-personen-2011-2023.xlsx")
    ws = wb.active
    ws.cell(1, 6, "PERSONEN 2011")
    for row in range(2, ws.max_row + 1):
        ws.cell(row, 6, 40 if ws.cell(row, 3).value == "22BB" and ws.cell(row, 4).value.startswith("Onderwijsg") else 0)
    wb.save(bronmap / "01.-onderwijspersoneel-po-in-personen-2011-2023.xlsx")
    data_dir = write_regions(tmp_path / "regions", {"regio-a": {"gemeenten": ["Assen", "0114"]}})
    duo_laag.build_layers(bronmap, data_dir)
    st = load_region("regio-a", data_dir).duo["personeel"]
    # 22BB had 90 of its 310 + 90 = 400 pupils in the region in 2022, its nearest counted year to 2011
    op = _value(st, niveau="regio", peiljaar=2011, functiegroep="OP", eenheid="personen")
    assert op["waarde"] == pytest.approx(40 * 90 / 400)


def test_the_plans_own_figure_stands_beside_duos_for_the_same_year(built, tmp_path):
    import shutil

    from regio_analysis.workforce.chapter import Hoofdstuk

    _, data_dir, _ = built
    shutil.copytree(data_dir / "regio-a", tmp_path / "regio-a")
    (tmp_path / "regio-a" / "leerlingen.csv").write_text(
        "peiljaar,soort,aantal,prognose,niveau,bron\n2023,bao,410,false,regio,Plan § 2\n2024,bao,400,true,regio,Plan § 2\n")
    tabel = Hoofdstuk(load_region(tmp_path / "regio-a")).tabel_duo().set_index("Indicator")
    assert tabel.loc["Leerlingen (basisonderwijs)", "Plan van de regio"] == 410       # the plan's 2023, not its forecast
    assert pd.isna(tabel.loc["Onderwijzend personeel", "Plan van de regio"])


def test_a_fetched_cache_is_read_through_its_manifest_and_a_changed_file_is_refused(tmp_path):
    import hashlib

    bronmap = write_country(tmp_path / "bron")
    entries = [{"naam": p.name, "url": f"http://127.0.0.1/{p.name}", "soort": None,
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "datum": "2026-12-03T09:00:00+00:00"}
               for p in sorted(bronmap.iterdir())]
    for e in entries:
        e["soort"] = {"vestigingenbo.csv": "vestigingen", "02.-alle-vestigingen-vo.csv": "vestigingen",
                      "brin6_totaal.csv": "leerlingen_po"}.get(e["naam"], "leerlingen_vo" if "leerlingen-vo" in e["naam"]
                                                                else "personeel")
    (bronmap / "manifest.json").write_text(json.dumps({"bestanden": entries}))
    (bronmap / "oud-bestand.part").write_text("half")   # what fetch leaves beside: not in the manifest, not read
    data_dir = write_regions(tmp_path / "regions", {"regio-a": {"gemeenten": ["Assen", "0114"]}})
    result = duo_laag.build_layers(bronmap, data_dir)
    urls = {f["naam"]: f.get("url") for f in result.bestanden}
    assert urls["brin6_totaal.csv"] == "http://127.0.0.1/brin6_totaal.csv"
    with open(bronmap / "brin6_totaal.csv", "a", encoding="utf-8") as fh:
        fh.write("99ZZ,00,BO,2023,5\n")
    with pytest.raises(DataError, match="veranderd sinds het is opgehaald"):
        duo_laag.build_layers(bronmap, data_dir)


def test_an_address_file_without_a_sector_in_its_name_is_decided_by_the_pupils_types(tmp_path):
    bronmap = write_country(tmp_path / "bron")
    (bronmap / "vestigingenbo.csv").rename(bronmap / "adressen-alle-scholen.csv")   # says neither po nor vo
    data_dir = write_regions(tmp_path / "regions", {"regio-a": {"gemeenten": ["Assen", "0114"]},
                                                    "regio-b": {"gemeenten": ["Assen"], "_sectoren": ["VO"]}})
    duo_laag.build_layers(bronmap, data_dir)
    assert _value(load_region("regio-a", data_dir).duo["leerlingen"], niveau="regio", peiljaar=2023,
                  soort="bao")["aantal"] == 400
    vo = load_region("regio-b", data_dir).duo["leerlingen"]
    assert set(vo.loc[vo["niveau"] == "regio", "soort"]) == {"vo"}   # the PO schools in Assen are not VO's


def test_a_corrections_file_in_the_folder_is_applied_to_the_staff_and_listed(tmp_path):
    bronmap = write_country(tmp_path / "bron")
    _csv(bronmap / "correcties-erratum-2023.csv",
         ["peiljaar", "eenheid", "bestuur_id", "instellingscode", "functiegroep", "kenmerk", "categorie", "waarde",
          "toelichting"], [(2023, "personen", "10002", "22BB", "OP", "", "", 32, "erratum DUO")])
    national = duo_laag.read_national(bronmap)
    row = _value(national.personeel, peiljaar=2023, eenheid="personen", instellingscode="22BB", functiegroep="OP")
    assert row["waarde"] == 32 and "gecorrigeerd: erratum DUO" in row["bron"]
    assert [(c["rijen_gewijzigd"], c["oude_waarden"]) for c in national.correcties] == [(1, [30.0])]
    assert [f["soort"] for f in national.bestanden if f["naam"] == "correcties-erratum-2023.csv"] == ["correcties"]
