"""CBS loaders: cbsodata folders (typed and untyped), StatLine CSV, and the map into kengetallen."""
from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest

from conftest import assert_data_error, load_script, one_row

from regio_analysis import DataError
from regio_analysis.io import cbs_to_kengetallen, read_cbs_odata_dir, read_cbs_statline_csv
from regio_analysis.io.cbs import CBS_SYMBOLS, column_name
from regio_analysis.data.schemas import conform

CBS = Path(__file__).resolve().parent / "fixtures" / "cbs"
TIDY_FIXED = ["perioden_jaar", "onderwerp", "onderwerp_code", "eenheid", "waarde", "onderdrukt", "tabel", "regel",
              "bron", "bron_bestand", "sha256"]



def test_odata_typed_folder():
    folder = CBS / "odata_typed"
    df = read_cbs_odata_dir(folder)
    assert list(df.columns) == ["geslacht", "regios", "perioden"] + TIDY_FIXED
    assert len(df) == 8 * 2
    r = one_row(df, geslacht="Totaal mannen en vrouwen", regios="Noord-Brabant (PV)", perioden="2023*",
             onderwerp="Werkzame personen")
    assert (r["perioden_jaar"], r["waarde"], r["eenheid"], r["onderdrukt"]) == (2023, 80.6, "x 1 000", False)
    assert r["onderwerp_code"] == "WerkzamePersonen_1"
    assert one_row(df, geslacht="Vrouwen", regios="Nederland", perioden="2022",
                onderwerp="Deeltijdpercentage")[["waarde", "eenheid"]].tolist() == [71.4, "%"]
    null = one_row(df, geslacht="Vrouwen", regios="Nederland", perioden="2023*", onderwerp="Deeltijdpercentage")
    assert math.isnan(null["waarde"]) and null["onderdrukt"]  # JSON null: unknown/secret
    assert str(df["perioden_jaar"].dtype) == "Int64"
    assert set(df["bron"]) == {"odata_typed"} and set(df["bron_bestand"]) == {str(folder)}
    assert set(df["tabel"]) == {"99001NED: Werkzame personen in het onderwijs; geslacht, regio (testbestand)"}
    assert df["sha256"].nunique() == 1 and len(df["sha256"].iloc[0]) == 64
    # regel: the line in TypedDataSet.json where the record starts
    text = (folder / "TypedDataSet.json").read_text(encoding="utf-8").split("\n")
    for rec in df.itertuples():
        assert text[rec.regel - 1].strip() == "{"
        assert '"ID"' in text[rec.regel]


def test_odata_folder_hash_changes_with_any_file(tmp_path):
    import shutil
    copy = tmp_path / "odata_typed"
    shutil.copytree(CBS / "odata_typed", copy)
    h1 = read_cbs_odata_dir(copy)["sha256"].iloc[0]
    assert h1 == read_cbs_odata_dir(CBS / "odata_typed")["sha256"].iloc[0]
    (copy / "Geslacht.json").write_text((copy / "Geslacht.json").read_text().replace("Vrouwen", "Vrouwen "))
    assert read_cbs_odata_dir(copy)["sha256"].iloc[0] != h1


def test_odata_untyped_folder_strings_and_symbols():
    df = read_cbs_odata_dir(CBS / "odata_untyped")
    assert list(df.columns) == ["regios", "perioden"] + TIDY_FIXED
    got = {(r.regios, r.perioden): (r.waarde, r.onderdrukt) for r in df.itertuples()}
    assert got[("Noord-Nederland (LD)", "2023")] == (4.2, False)
    assert got[("Groningen (PV)", "2023")] == (1.1, False)
    assert got[("Groningen (PV)", "2024 1e kwartaal")] == (0.0, False)  # '-' is nil
    v, s = got[("Noord-Nederland (LD)", "2024 1e kwartaal")]
    assert math.isnan(v) and s  # '.' is unknown
    assert sorted(df["perioden_jaar"].tolist()) == [2023, 2023, 2024, 2024]


def test_statline_csv_cp1252_headers_symbols_footer():
    path = CBS / "statline_export_cp1252.csv"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    df = read_cbs_statline_csv(path)
    assert list(df.columns) == ["regios", "perioden"] + TIDY_FIXED
    assert len(df) == 4 * 3
    assert set(df["onderwerp"]) == {"Werkzame personen / Totaal", "Werkzame personen / Vrouwen",
                                    "Deeltijdpercentage / Totaal"}
    w = one_row(df, regios="Fryslân (PV)", perioden="2023*", onderwerp="Werkzame personen / Totaal")
    assert (w["waarde"], w["eenheid"], w["perioden_jaar"], w["regel"]) == (15.2, "x 1 000", 2023, 8)
    assert one_row(df, regios="Nederland", perioden="2022", onderwerp="Deeltijdpercentage / Totaal")["waarde"] == 62.1
    nil = one_row(df, regios="Fryslân (PV)", perioden="2022", onderwerp="Deeltijdpercentage / Totaal")
    assert (nil["waarde"], nil["onderdrukt"]) == (0.0, False)
    for where in ({"regios": "Fryslân (PV)", "perioden": "2022", "onderwerp": "Werkzame personen / Vrouwen"},  # x
                  {"regios": "Nederland", "perioden": "2023*", "onderwerp": "Werkzame personen / Vrouwen"}):  # .
        r = one_row(df, **where)
        assert math.isnan(r["waarde"]) and r["onderdrukt"]
    assert set(df["tabel"]) == {"Werkzame personen in het onderwijs; regio (testbestand)"}
    assert set(df["bron"]) == {path.name} and set(df["bron_bestand"]) == {str(path)}
    assert set(df["sha256"]) == {hashlib.sha256(path.read_bytes()).hexdigest()}


def test_json_and_csv_name_dimensions_alike():
    assert column_name("RegioS") == column_name("Regio's") == "regios"
    assert CBS_SYMBOLS["-"] == (0.0, False) and CBS_SYMBOLS["."][1] and CBS_SYMBOLS["x"][1]


# --- into kengetallen -------------------------------------------------------------------------

def test_typed_folder_into_kengetallen():
    kg = cbs_to_kengetallen(read_cbs_odata_dir(CBS / "odata_typed"), onderwerp="arbeidsmarkt",
                            mapping={"indicator": {"Werkzame personen": "werkzame_personen",
                                                   "Deeltijdpercentage_2": "deeltijd"}})
    assert conform(kg, "kengetallen").shape == kg.shape
    assert len(kg) == 16
    r = one_row(kg, indicator="werkzame_personen", jaar=2023, niveau="provincie:Noord-Brabant", categorie="totaal")
    assert (r["waarde"], r["eenheid"], r["functiegroep"]) == (80600.0, "aantal", "totaal")  # x 1 000
    r = one_row(kg, indicator="deeltijd", jaar=2022, niveau="landelijk", categorie="geslacht=Vrouwen")
    assert (r["waarde"], r["eenheid"]) == (71.4, "procent")
    assert one_row(kg, indicator="deeltijd", jaar=2023, niveau="landelijk", categorie="geslacht=Vrouwen")["onderdrukt"]
    assert set(kg["bron"]) == {"odata_typed"}
    assert {"bron_bestand", "sha256", "tabel"} <= set(kg.columns)


def test_untyped_quarter_goes_to_categorie_and_landsdeel_is_inferred():
    kg = cbs_to_kengetallen(read_cbs_odata_dir(CBS / "odata_untyped"), onderwerp="vacatures")
    assert set(kg["niveau"]) == {"landsdeel:Noord-Nederland", "provincie:Groningen"}
    r = one_row(kg, jaar=2024, niveau="provincie:Groningen")
    assert (r["categorie"], r["waarde"], r["indicator"]) == ("perioden=2024 1e kwartaal", 0.0, "openstaande_vacatures")
    assert one_row(kg, jaar=2023, niveau="landsdeel:Noord-Nederland")["waarde"] == pytest.approx(4200.0)


def test_statline_into_kengetallen_with_functiegroep_and_opmerking():
    df = read_cbs_statline_csv(CBS / "statline_export_cp1252.csv")
    kg = cbs_to_kengetallen(df, onderwerp="arbeidsmarkt",
                            mapping={"functiegroep": "OP", "opmerking": "testbestand",
                                     "indicator": {"Deeltijdpercentage / Totaal": "deeltijd"}})
    assert len(kg) == 4 and set(kg["functiegroep"]) == {"OP"} and set(kg["opmerking"]) == {"testbestand"}
    assert one_row(kg, jaar=2022, niveau="provincie:Fryslân")["waarde"] == 0.0
    assert one_row(kg, jaar=2022, niveau="landelijk")["waarde"] == 62.1


def test_kengetallen_mapping_errors_are_clear():
    df = read_cbs_odata_dir(CBS / "odata_typed")
    with pytest.raises(DataError, match="niet in de tabel: 'Bestaat niet'"):
        cbs_to_kengetallen(df, "x", mapping={"indicator": {"Bestaat niet": "y"}})
    odd = df.assign(regios=df["regios"].replace("Noord-Brabant (PV)", "Brabant-Oost"))
    with pytest.raises(DataError) as err:
        cbs_to_kengetallen(odd, "x")
    assert "kolom 'regios'" in str(err.value) and "'Brabant-Oost'" in str(err.value) and "[regel 18" in str(err.value)
    ok = cbs_to_kengetallen(odd, "x", mapping={"niveau": {"Brabant-Oost": "regio"}})
    assert "regio" in set(ok["niveau"])
    weird = df.assign(eenheid="kg")
    with pytest.raises(DataError, match="onbekende CBS-eenheid 'kg'"):
        cbs_to_kengetallen(weird, "x")
    # a percentage above 100 is caught by the kengetallen schema, with the source line
    big = df.assign(waarde=df["waarde"].where(df["eenheid"] != "%", 150.0))
    with pytest.raises(DataError, match="percentage tussen 0 en 100"):
        cbs_to_kengetallen(big, "x")


# --- bad input ---------------------------------------------------------------------------------

BAD = [
    (read_cbs_odata_dir, "bad_missing_properties", ["DataProperties.json", "bestand niet gevonden"]),
    (read_cbs_odata_dir, "bad_invalid_json", ["DataProperties.json", "geen geldige JSON", "[regel 11]"]),
    (read_cbs_odata_dir, "bad_unknown_code", ["TypedDataSet.json", "kolom 'RegioS'", "'PV99'", "[regel 18]"]),
    (read_cbs_odata_dir, "does_not_exist", ["map niet gevonden"]),
    (read_cbs_odata_dir, "statline_export_cp1252.csv", ["geen bestand"]),
    (read_cbs_statline_csv, "bad_statline_non_numeric.csv", ["kolom 'Werkzame personen'", "'veel'", "[regel 5]"]),
    (read_cbs_statline_csv, "bad_statline_no_header.csv", ["geen StatLine-kopregels"]),
    (read_cbs_statline_csv, "bad_empty.csv", ["het bestand is leeg"]),
    (read_cbs_statline_csv, "does_not_exist.csv", ["bestand niet gevonden"]),
]


@pytest.mark.parametrize("loader, name, expected", BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_a_clear_data_error(loader, name, expected):
    path = CBS / name
    assert_data_error(lambda: loader(path), path, expected)


def test_header_only_statline(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text('"T"\n"Onderwerpen";"A"\n"Perioden";"aantal"\n"© Centraal Bureau voor de Statistiek"\n')
    with pytest.raises(DataError, match="kopregels maar geen gegevensregels"):
        read_cbs_statline_csv(path)


# --- fixtures are reproducible and never touched -------------------------------------------------

def test_generated_fixtures_match_their_script():
    module = load_script(CBS / "make_fixtures.py")
    for name, data in module.build().items():
        assert (CBS / name).read_bytes() == data, name


def test_loaders_never_modify_fixtures():
    def snapshot():
        return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(CBS.rglob("*")) if p.is_file()}

    before = snapshot()
    for p in sorted(CBS.iterdir()):
        for loader in (read_cbs_odata_dir, read_cbs_statline_csv):
            try:
                loader(p)
            except DataError:
                pass
    assert snapshot() == before
