"""DUO loaders on DUO's current file layouts (fixtures with the published headers, invented values).

Every expected number below was counted by hand from the fixture files in
``tests/fixtures/duo/actueel/`` (written by ``maak_csv.py`` and ``maak_xlsx.py`` there).
"""
from __future__ import annotations

import hashlib
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import assert_data_error, load_script, one_row

from regio_analysis import DataError
from regio_analysis.data.schemas import conform
from regio_analysis.io import (
    duo_layout, read_duo, read_duo_leerlingen, read_duo_personeel, read_duo_vestigingen,
)
from regio_analysis.io.duo import apply_corrections
from regio_analysis.io.duo_labels import (
    contractsoort, gemeentecode, geslacht, leeftijdsklasse, sector_from_name, soort_from_name, year_from_name,
    years_in_name,
)

DUO = Path(__file__).resolve().parent / "fixtures" / "duo"
ACT = DUO / "actueel"
PO_LONG = ACT / "brin6_totaal.csv"
PO_HIST = ACT / "06.-historisch-overzicht-aantal-leerlingen-per-schoolvestiging.csv"
VO = ACT / "03.-leerlingen-vo-per-vestiging-en-bestuur-(vavo-apart)-2023.csv"
VEST_BO = ACT / "vestigingenbo.csv"
VEST_VO = ACT / "02.-alle-vestigingen-vo.csv"
PERS = ACT / "01.-onderwijspersoneel-po-in-personen-2011-2023.xlsx"
FTE = ACT / "02.-onderwijspersoneel-po-in-fte-2011-2023.xlsx"
LEEFTIJD = ACT / "onderwijspersoneel-po-personen-naar-leeftijd.csv"
CONTRACT = ACT / "onderwijspersoneel-po-personen-naar-dienstverband.csv"
CORRECTIES = ACT / "correcties-erratum-2022.csv"

VEST_HEADER = ("PROVINCIE;BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;POSTCODE;PLAATSNAAM;"
               "GEMEENTENUMMER;GEMEENTENAAM;DENOMINATIE\n")


def _provenance(df: pd.DataFrame, path: Path) -> None:
    assert (df["bron_bestand"] == str(path)).all()
    assert (df["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()).all()


def _suppressed(row) -> bool:
    return bool(row["onderdrukt"]) and math.isnan(row["aantal" if "aantal" in row.index else "waarde"])


# --- pupils -------------------------------------------------------------------------------------

def test_po_long_brin6_totaal_bom_type_po_and_two_digit_codes():
    assert PO_LONG.read_bytes().startswith(b"\xef\xbb\xbf")
    df = read_duo_leerlingen(PO_LONG)
    _provenance(df, PO_LONG)
    assert (df["bron"] == "brin6_totaal.csv").all()
    pd.testing.assert_frame_equal(conform(df, "leerlingen"), df)
    got = {(r.peiljaar, r.vestigingscode, r.soort): r.aantal for r in df.itertuples() if not r.onderdrukt}
    assert got == {(2022, "09KX00", "bao"): 305, (2023, "09KX00", "bao"): 312, (2023, "13BZ00", "sbo"): 118,
                   (2023, "02XY00", "so"): 87, (2023, "02XY01", "vso"): 64}
    assert _suppressed(one_row(df, vestigingscode="09KX01"))  # '<5': NA, not zero
    assert df["aantal"].sum() == 305 + 312 + 118 + 87 + 64
    assert one_row(df, vestigingscode="02XY01")["instellingscode"] == "02XY"
    assert set(df["niveau"]) == {"vestiging"}


def test_po_history_wide_years_names_and_municipalities():
    df = read_duo_leerlingen(PO_HIST)
    _provenance(df, PO_HIST)
    assert len(df) == 11  # 4 locations x 3 years, minus the empty 2021 cell of 09KX01
    got = {(r.peiljaar, r.vestigingscode): r.aantal for r in df.itertuples() if not r.onderdrukt}
    assert got[(2021, "09KX00")] == 298 and got[(2023, "09KX00")] == 312 and got[(2023, "09KX01")] == 7
    assert got[(2021, "02XY00")] == 80 and got[(2022, "02XY00")] == 84
    assert (2021, "09KX01") not in got and len(df[(df.peiljaar == 2021) & (df.vestigingscode == "09KX01")]) == 0
    for code in ("09KX01", "13BZ00"):  # '<5' and '*' in 2022
        assert _suppressed(one_row(df, peiljaar=2022, vestigingscode=code))
    r = one_row(df, peiljaar=2023, vestigingscode="13BZ00")
    assert (r["soort"], r["naam"], r["gemeentenaam"], r["aantal"]) == ("sbo", "SBO De Sprong", "Meierijstad", 118)
    assert one_row(df, peiljaar=2023, vestigingscode="09KX01")["naam"] == "Basisschool De Esdoorn, dependance"
    assert df.groupby("peiljaar")["aantal"].sum().to_dict() == {2021: 298 + 121 + 80, 2022: 305 + 84,
                                                               2023: 312 + 7 + 118 + 87}


def test_vo_cp1252_year_and_soort_from_file_name_vavo_apart():
    raw = VO.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really cp1252
    df = read_duo_leerlingen(VO)
    _provenance(df, VO)
    pd.testing.assert_frame_equal(conform(df, "leerlingen"), df)
    assert set(df["peiljaar"]) == {2023} and set(df["soort"]) == {"vo"} and len(df) == 4
    assert one_row(df, vestigingscode="20DK00")["aantal"] == 1204  # '1.204': thousands point
    assert one_row(df, vestigingscode="25GH00")["aantal"] == 863  # not the 12 taught at a vavo
    assert one_row(df, vestigingscode="25GH02")["aantal"] == 415
    assert _suppressed(one_row(df, vestigingscode="20DK01"))
    assert df["aantal"].sum() == 1204 + 863 + 415
    assert one_row(df, vestigingscode="25GH00")["vavo"] == 12
    r = one_row(df, vestigingscode="20DK00")
    assert math.isnan(r["vavo"]) and r["vavo_onderdrukt"]
    assert dict(zip(df["vestigingscode"], df["gemeentenummer"])) == {
        "20DK00": "0796", "20DK01": "0796", "25GH00": "0074", "25GH02": "1940"}
    r = one_row(df, vestigingscode="25GH02")
    assert (r["bestuur_id"], r["instellingscode"], r["gemeentenaam"]) == ("41821", "25GH", "De Fryske Marren")


def test_vo_year_argument_and_clear_refusals(tmp_path):
    no_year = tmp_path / "leerlingen-vo-per-vestiging.csv"
    shutil.copyfile(VO, no_year)
    assert_data_error(lambda: read_duo_leerlingen(no_year), no_year, ["noemt geen jaar", "peiljaar=..."])
    df = read_duo_leerlingen(no_year, peiljaar=2022)
    assert set(df["peiljaar"]) == {2022} and set(df["soort"]) == {"vo"}
    two = tmp_path / "leerlingen-vo-2022-2024.csv"
    shutil.copyfile(VO, two)
    assert_data_error(lambda: read_duo_leerlingen(two), two, ["noemt meer jaren (2022, 2024)"])
    assert_data_error(lambda: read_duo_leerlingen(no_year, peiljaar="twintig"), no_year, ["geen jaartal"])
    # a year column and peiljaar= at once: which one holds is a guess
    assert_data_error(lambda: read_duo_leerlingen(PO_LONG, peiljaar=2023), PO_LONG, ["laat peiljaar weg", "PEILJAAR"])
    # no type column and a name without the kind: soort must be given
    plain = tmp_path / "bestand-2023.csv"
    shutil.copyfile(VO, plain)
    assert_data_error(lambda: read_duo_leerlingen(plain), plain, ["verplichte kolom 'soort' ontbreekt", "leerlingen-vo"])
    assert set(read_duo_leerlingen(plain, soort="vo")["soort"]) == {"vo"}


def test_vavo_column_is_never_taken_as_the_count(tmp_path):
    path = tmp_path / "03.-leerlingen-vo-2023.csv"
    path.write_text("INSTELLINGSCODE;VESTIGINGSCODE;AANTAL VO LEERLINGEN UITBESTEED AAN VAVO\n20DK;00;12\n",
                    encoding="utf-8")
    assert_data_error(lambda: read_duo_leerlingen(path), path, ["verplichte kolom 'leerlingen' ontbreekt"])


# --- addresses ----------------------------------------------------------------------------------

def test_vestigingen_po_two_digit_codes_padding_and_regional_codes():
    df = read_duo_vestigingen(VEST_BO)
    _provenance(df, VEST_BO)
    assert df["vestigingscode"].tolist() == ["09KX00", "09KX01", "21QW03", "30AB02"]
    assert df["gemeentenummer"].tolist() == ["0757", "0757", "1982", "0363"]  # 757, 0757, 1982, 363
    assert df["postcode"].tolist() == ["5281 AB", "5282 CD", "5825 BA", "1092 AA"]
    r = one_row(df, vestigingscode="30AB02")
    assert (r["instellingscode"], r["bestuur_id"], r["naam"], r["plaatsnaam"], r["gemeentenaam"], r["provincie"],
            r["denominatie"]) == ("30AB", "10123", "Kindcentrum 't Ven, locatie Oost", "AMSTERDAM", "Amsterdam",
                                  "Noord-Holland", "Openbaar")
    assert (r["corop"], r["corop_naam"], r["rpa"], r["rpa_naam"], r["onderwijsgebied"], r["onderwijsgebied_naam"]) == \
        ("23", "Groot-Amsterdam", "18", "Groot-Amsterdam", "15", "Amsterdam")
    assert set(df["sector"]) == {"po"} and set(df["bron"]) == {"vestigingenbo.csv"}


def test_vestigingen_vo_cp1252_semicolon_brin6_sector_from_name():
    with pytest.raises(UnicodeDecodeError):
        VEST_VO.read_bytes().decode("utf-8")
    df = read_duo_vestigingen(VEST_VO)
    assert df["vestigingscode"].tolist() == ["20DK00", "20DK01", "25GH00", "25GH02"]
    assert set(df["sector"]) == {"vo"}
    r = one_row(df, vestigingscode="25GH00")
    assert (r["gemeentenummer"], r["provincie"], r["instellingscode"]) == ("0074", "Fryslân", "25GH")
    assert "corop" not in df.columns and "rpa" not in df.columns
    assert set(read_duo_vestigingen(VEST_VO, sector="VO")["sector"]) == {"vo"}


def test_vestigingen_listed_twice_refused_with_lines(tmp_path):
    path = tmp_path / "vestigingenbo.csv"
    path.write_text(VEST_HEADER
                    + "Noord-Brabant;41234;09KX;00;De Esdoorn;5281 AB;BOXTEL;757;Boxtel;Rooms-Katholiek\n"
                    + "Noord-Brabant;41234;13BZ;00;De Sprong;5482 AA;SCHIJNDEL;1948;Meierijstad;Algemeen bijzonder\n"
                    + "Noord-Brabant;41234;09KX;09KX00;De Esdoorn (2);5281 AB;BOXTEL;757;Boxtel;Rooms-Katholiek\n",
                    encoding="utf-8")
    assert_data_error(lambda: read_duo_vestigingen(path), path,
                      ["dubbele sleutel", "vestigingscode=09KX00", "[regel 2, 4]"])


def test_vestigingen_missing_columns_and_bad_municipality_code(tmp_path):
    path = tmp_path / "adressen.csv"
    path.write_text("INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;PLAATSNAAM\n09KX;00;De Esdoorn;BOXTEL\n",
                    encoding="utf-8")
    assert_data_error(lambda: read_duo_vestigingen(path), path,
                      ["gemeente (naam of nummer) ontbreekt", "'GEMEENTENAAM'", "'GEMEENTENUMMER'"])
    path.write_text("INSTELLINGSCODE;VESTIGINGSNAAM;GEMEENTENAAM\n09KX;De Esdoorn;Boxtel\n", encoding="utf-8")
    assert_data_error(lambda: read_duo_vestigingen(path), path,
                      ["verplichte kolom 'vestigingscode' ontbreekt", "'VESTIGINGSCODE'", "'BRIN6'"])
    path.write_text(VEST_HEADER + "N-B;41234;09KX;00;Esdoorn;5281 AB;BOXTEL;757;Boxtel;RK\n"
                    + "N-B;41234;09KX;01;Esdoorn 2;5281 AB;BOXTEL;75A;Boxtel;RK\n", encoding="utf-8")
    assert_data_error(lambda: read_duo_vestigingen(path), path,
                      ["kolom 'GEMEENTENUMMER'", "ongeldig gemeentenummer", "'75A'", "[regel 3]"])
    assert sector_from_name(path) == ""  # no sector in the name: left empty


# --- staff ---------------------------------------------------------------------------------------

def test_staff_xlsx_persons_bovenschools_and_suppressed():
    df = read_duo_personeel(PERS)  # default sheet 'per owtype-bestuur-brin-functie'
    _provenance(df, PERS)
    pd.testing.assert_frame_equal(conform(df, "personeel"), df)
    assert len(df) == 18 and set(df["eenheid"]) == {"personen"} and set(df["kenmerk"]) == {"totaal"}
    above = df[df["bovenschools"]]
    assert len(above) == 6 and set(above["instellingscode"]) == {""}
    assert not df.loc[~df["bovenschools"], "instellingscode"].eq("").any()
    assert one_row(df, peiljaar=2023, functiegroep="DIR", bovenschools=True)["waarde"] == 4
    assert _suppressed(one_row(df, peiljaar=2021, functiegroep="OOP", bovenschools=True))  # '<5'
    assert _suppressed(one_row(df, peiljaar=2023, functiegroep="OOP", instellingscode="09KX"))  # '*'
    assert one_row(df, peiljaar=2023, functiegroep="OP", instellingscode="13BZ")["onderwijstype"] == "sbo"
    assert df.groupby("peiljaar")["waarde"].sum().to_dict() == {2021: 2 + 20 + 6 + 3 + 14, 2022: 2 + 21 + 5 + 3 + 5 + 15,
                                                               2023: 2 + 22 + 4 + 6 + 15}
    assert df.attrs["correcties"] == [] and df.attrs["weggelaten_functies"] == {}


def test_staff_xlsx_fte_mixed_case_bovenschools():
    df = read_duo_personeel(FTE)
    assert len(df) == 18 and set(df["eenheid"]) == {"fte"}
    r = one_row(df, peiljaar=2022, functiegroep="DIR", bovenschools=True)
    assert (r["instellingscode"], r["waarde"]) == ("", pytest.approx(2.8))
    assert _suppressed(one_row(df, peiljaar=2021, functiegroep="OOP", bovenschools=True))
    assert _suppressed(one_row(df, peiljaar=2023, functiegroep="OOP", instellingscode="09KX"))
    assert one_row(df, peiljaar=2022, functiegroep="OP", instellingscode="09KX")["waarde"] == pytest.approx(16.4215)
    assert df.loc[df.peiljaar == 2023, "waarde"].sum() == pytest.approx(1.9 + 17.012 + 3.4 + 4.05 + 12.3)


def test_staff_by_age_class_normalised():
    df = read_duo_personeel(LEEFTIJD)
    assert set(df["kenmerk"]) == {"leeftijd"}
    op = df[df["functiegroep"] == "OP"]
    assert set(op["categorie"]) == {"<25", "25-34", "35-44", "45-54", "55-64", "65+"}
    got = {(r.peiljaar, r.categorie): r.waarde for r in op.itertuples() if not r.onderdrukt}
    assert got[(2022, "<25")] == 2 and got[(2023, "25-34")] == 8 and got[(2023, "65+")] == 1
    assert _suppressed(one_row(df, peiljaar=2022, functiegroep="OP", categorie="65+"))  # '*'
    assert _suppressed(one_row(df, peiljaar=2023, functiegroep="OP", categorie="35-44"))  # '<5'
    assert op.loc[op.peiljaar == 2022, "waarde"].sum() == 2 + 7 + 5 + 3 + 3
    r = one_row(df, peiljaar=2023, functiegroep="DIR")
    assert (r["bovenschools"], r["instellingscode"], r["categorie"], r["waarde"]) == (True, "", "45-54", 2)


def test_staff_by_sex_and_unknown_sex_refused(tmp_path):
    path = tmp_path / "personeel-geslacht.csv"
    path.write_text("ONDERWIJSTYPE;BEVOEGD GEZAG;INSTELLINGSCODE;FUNCTIEGROEP;GESLACHT;PERSONEN 2023\n"
                    "BAO;41234;09KX;Onderwijsgevend personeel;MAN;4\n"
                    "BAO;41234;09KX;Onderwijsgevend personeel;VROUW;18\n"
                    "BAO;41234;09KX;Onderwijsgevend personeel;Onbekend;<5\n", encoding="utf-8")
    df = read_duo_personeel(path)
    assert dict(zip(df["categorie"], df["waarde"].fillna(-1))) == {"man": 4, "vrouw": 18, "onbekend": -1}
    assert set(df["kenmerk"]) == {"geslacht"}
    path.write_text(path.read_text(encoding="utf-8").replace("Onbekend", "Anders"), encoding="utf-8")
    assert_data_error(lambda: read_duo_personeel(path), path,
                      ["kolom 'GESLACHT'", "onbekende waarde: 'Anders'", "[regel 4]"])


def test_label_normalisers():
    assert [leeftijdsklasse(x) for x in ("< 25 jaar", "25-34 jaar", "35 - 44 jaar", "45 t/m 54 jaar", "55-64 jaar",
                                         ">= 65 jaar", "65 jaar en ouder", "≥ 65", "jonger dan 25 jaar")] == \
        ["<25", "25-34", "35-44", "45-54", "55-64", "65+", "65+", "65+", "<25"]
    assert leeftijdsklasse("  middelbaar  ") == "middelbaar"  # unknown: as written, stripped
    assert [geslacht(x) for x in ("MAN", "Vrouw", "onbekend", "anders")] == ["man", "vrouw", "onbekend", None]
    assert [contractsoort(x) for x in ("Vast", "TIJDELIJK", "Tijdelijke aanstelling", " Tijdelijk met uitzicht op vast ")] \
        == ["vast", "tijdelijk", "tijdelijk", "Tijdelijk met uitzicht op vast"]
    assert [gemeentecode(x) for x in ("363", "0363", "GM0363", "74", "", "36A")] == ["0363", "0363", "0363", "0074", "",
                                                                                     None]
    assert year_from_name(VO) == 2023 and year_from_name(PERS) is None and years_in_name(PERS) == [2011, 2023]
    assert years_in_name("leerlingen-vo-2023-2024.csv") == [2023]  # a school year
    assert soort_from_name(VO) == "vo" and soort_from_name(PO_LONG) == ""
    assert sector_from_name(VEST_BO) == "po" and sector_from_name(VEST_VO) == "vo"


# --- corrections ---------------------------------------------------------------------------------

def test_corrections_applied_and_reported():
    plain = read_duo_personeel(CONTRACT)
    assert plain.attrs["correcties"] == []
    assert set(plain["categorie"]) == {"vast", "tijdelijk"} and set(plain["kenmerk"]) == {"contract"}
    assert one_row(plain, peiljaar=2022, instellingscode="09KX", categorie="vast")["waarde"] == 15
    df = read_duo_personeel(CONTRACT, correcties=CORRECTIES)
    assert one_row(df, peiljaar=2022, instellingscode="09KX", categorie="vast")["waarde"] == 19
    assert one_row(df, peiljaar=2022, instellingscode="09KX", categorie="tijdelijk")["waarde"] == 2
    r = one_row(df, peiljaar=2022, instellingscode="13BZ", categorie="tijdelijk")  # was '*'
    assert (r["waarde"], r["onderdrukt"]) == (3, False)
    assert r["bron"] == f"{CONTRACT.name} (gecorrigeerd: erratum DUO 2022 vast/tijdelijk)"
    untouched = one_row(df, peiljaar=2022, instellingscode="13BZ", categorie="vast")
    assert (untouched["waarde"], untouched["bron"]) == (13, CONTRACT.name)
    assert df.loc[df.peiljaar != 2022, "waarde"].tolist() == plain.loc[plain.peiljaar != 2022, "waarde"].tolist()
    report = df.attrs["correcties"]
    assert [(c["regel"], c["rijen_gewijzigd"], c["oude_waarden"], c["waarde"]) for c in report] == \
        [(2, 1, [15.0], 19.0), (3, 1, [6.0], 2.0), (4, 1, [None], 3.0)]
    assert report[2]["bestand"] == str(CORRECTIES) and report[2]["categorie"] == "tijdelijk"
    # the same corrections as a frame give the same table
    frame = pd.read_csv(CORRECTIES, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(read_duo_personeel(CONTRACT, correcties=frame), df)


def test_correction_matching_no_row_is_refused(tmp_path):
    path = tmp_path / "correcties.csv"
    path.write_text("peiljaar,eenheid,bestuur_id,instellingscode,functiegroep,kenmerk,categorie,waarde,toelichting\n"
                    "2022,personen,41234,09KX,OP,contract,vast,19,erratum\n"
                    "2022,personen,41234,99ZZ,OP,contract,vast,4,erratum\n", encoding="utf-8")
    assert_data_error(lambda: read_duo_personeel(CONTRACT, correcties=path), path,
                      ["past op geen enkele rij", "instellingscode=99ZZ", "[regel 3]"])
    path.write_text("peiljaar,instellingscode,categorie,waarde,toelichting\n2022,09KX,vast,19,\n", encoding="utf-8")
    assert_data_error(lambda: read_duo_personeel(CONTRACT, correcties=path), path,
                      ["kolom 'toelichting'", "lege toelichting", "[regel 2]"])


def test_correction_empty_keys_match_any_and_bovenschools_and_overlap():
    fix = pd.DataFrame({"peiljaar": ["", "2023"], "instellingscode": ["BOVENSCHOOLS", "13BZ"],
                        "functiegroep": ["DIR", "OP"], "waarde": ["5", "16"], "toelichting": ["herzien", "herzien"]})
    df = read_duo_personeel(PERS, correcties=fix)
    assert df.loc[df["bovenschools"] & (df.functiegroep == "DIR"), "waarde"].tolist() == [5, 5, 5]  # every year
    assert [c["rijen_gewijzigd"] for c in df.attrs["correcties"]] == [3, 1]
    assert one_row(df, peiljaar=2023, instellingscode="13BZ")["waarde"] == 16
    assert one_row(df, peiljaar=2022, instellingscode="13BZ")["waarde"] == 15  # other year untouched
    overlap = pd.DataFrame({"peiljaar": ["2023", "2023"], "instellingscode": ["13BZ", ""], "functiegroep": ["OP", "OP"],
                            "waarde": ["16", "17"], "toelichting": ["a", "b"]})
    with pytest.raises(DataError, match=r"al door een andere correctie.*\[regel 2, 3\]"):
        read_duo_personeel(PERS, correcties=overlap)
    with pytest.raises(DataError, match="geen geheel aantal personen"):
        read_duo_personeel(PERS, correcties=fix.assign(waarde=["5,5", "16"]))


# --- layouts -------------------------------------------------------------------------------------

LAYOUTS = {
    PO_LONG: "leerlingen_po", PO_HIST: "leerlingen_po_historie", VO: "leerlingen_vo",
    VEST_BO: "vestigingen", VEST_VO: "vestigingen", PERS: "personeel", FTE: "personeel",
    LEEFTIJD: "personeel", CONTRACT: "personeel",
    DUO / "leerlingen_po_vestiging_cp1252.csv": "leerlingen_po", DUO / "leerlingen_po_wide_bom.csv":
        "leerlingen_po_historie", DUO / "leerlingen_wec_typo.csv": "leerlingen_po",
    DUO / "personeel_po_personen_fte.csv": "personeel", DUO / "onderwijspersoneel_po_personen_fte.xlsx": "personeel",
}
LOADERS = {"leerlingen_po": read_duo_leerlingen, "leerlingen_po_historie": read_duo_leerlingen,
           "leerlingen_vo": read_duo_leerlingen, "vestigingen": read_duo_vestigingen, "personeel": read_duo_personeel}


@pytest.mark.parametrize("path", list(LAYOUTS), ids=[p.name for p in LAYOUTS])
def test_duo_layout_and_read_duo_on_every_fixture(path):
    layout = duo_layout(path)
    assert layout == LAYOUTS[path]
    df = read_duo(path)
    assert df.attrs["duo_layout"] == layout
    expected = LOADERS[layout](path)
    pd.testing.assert_frame_equal(df, expected)


def test_duo_layout_reads_only_the_header_and_refuses_unknown(tmp_path):
    path = tmp_path / "brin6_totaal.csv"
    path.write_bytes(PO_LONG.read_bytes() + b"09KX,02,BO,2023,\x81\x8d\n")  # body not decodable at all
    assert duo_layout(path) == "leerlingen_po"
    assert_data_error(lambda: duo_layout(CORRECTIES), CORRECTIES,
                      ["onbekende DUO-indeling", "leerlingen_po, leerlingen_po_historie, leerlingen_vo, vestigingen, "
                       "personeel", "'toelichting'"])


# --- fixtures are reproducible and never touched ------------------------------------------------

def test_fixtures_match_their_scripts():
    for name, data in load_script(ACT / "maak_csv.py").build().items():
        assert (ACT / name).read_bytes() == data, name
    module = load_script(ACT / "maak_xlsx.py")
    for name, (header, rows) in module.WORKBOOKS.items():
        wb = openpyxl.load_workbook(ACT / name, read_only=True)
        try:
            assert wb.sheetnames == ["toelichting", module.SHEET]
            got = [list(r) for r in wb[module.SHEET].iter_rows(values_only=True)]
        finally:
            wb.close()
        assert got == [header] + rows, name


def test_loaders_never_modify_the_fixtures():
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(ACT.iterdir())}
    for path in LAYOUTS:
        if path.parent == ACT:
            read_duo(path)
    read_duo_personeel(CONTRACT, correcties=CORRECTIES)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(ACT.iterdir())} == before


def test_read_duo_with_a_given_layout_and_corrections_on_a_combined_table():
    df = read_duo(VO, layout="leerlingen_vo")
    assert df.attrs["duo_layout"] == "leerlingen_vo" and set(df["peiljaar"]) == {2023}
    # soort= holding a layout name (as a caller that lists files by layout passes it) is the layout
    pd.testing.assert_frame_equal(read_duo(VEST_BO, soort="vestigingen"), read_duo_vestigingen(VEST_BO))
    assert read_duo(PERS, soort="personeel").attrs["duo_layout"] == "personeel"
    assert_data_error(lambda: read_duo(VO, layout="adressen"), VO, ["onbekende DUO-indeling 'adressen'"])
    both = pd.concat([read_duo_personeel(PERS), read_duo_personeel(FTE)], ignore_index=True)
    fix = pd.DataFrame({"peiljaar": ["2022"], "eenheid": ["FTE"], "instellingscode": ["09kx"], "functiegroep": ["op"],
                        "waarde": ["16,5"], "toelichting": ["erratum"]})
    out = apply_corrections(both, fix)
    assert out.loc[(out.peiljaar == 2022) & (out.instellingscode == "09KX") & (out.functiegroep == "OP"),
                   ["eenheid", "waarde"]].values.tolist() == [["personen", 21.0], ["fte", 16.5]]
    assert out.attrs["correcties"][0]["rijen_gewijzigd"] == 1 and both.attrs["correcties"] == []  # a copy changed
