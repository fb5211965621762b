"""DUO loaders: real-looking fixtures in every format variant, and every kind of bad input."""
from __future__ import annotations

import hashlib
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conftest import assert_data_error, load_script, one_row

from regio_analysis import DataError
from regio_analysis.io import read_duo_leerlingen, read_duo_personeel
from regio_analysis.io.duo import COLUMN_ALIASES, FUNCTIE_MAP, SOORT_MAP, normalize_header
from regio_analysis.data.schemas import conform

DUO = Path(__file__).resolve().parent / "fixtures" / "duo"




def _assert_canonical(df: pd.DataFrame, table: str, path: Path) -> None:
    assert (df["bron"] == path.name).all()
    assert (df["bron_bestand"] == str(path)).all()
    assert (df["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()).all()
    # conform is idempotent on its own output
    again = conform(df, table)
    pd.testing.assert_frame_equal(again, df)


# --- leerlingen --------------------------------------------------------------------------------

def test_leerlingen_long_cp1252_semicolon_two_char_vestigingsnummer():
    path = DUO / "leerlingen_po_vestiging_cp1252.csv"
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is cp1252
    df = read_duo_leerlingen(path)
    _assert_canonical(df, "leerlingen", path)
    assert len(df) == 5
    r = one_row(df, peiljaar=2023, vestigingscode="09KX00")
    assert (r["soort"], r["aantal"], r["onderdrukt"], r["naam"]) == ("bao", 312.0, False, "Basisschool Hélène Swarth")
    assert one_row(df, peiljaar=2022, vestigingscode="09KX00")["aantal"] == 305.0
    assert one_row(df, vestigingscode="13BZ00")[["soort", "aantal"]].tolist() == ["sbo", 118.0]
    # '<5' and '*' are suppressed: NA with onderdrukt
    for code in ("09KX01", "21QW03"):
        r = one_row(df, vestigingscode=code)
        assert math.isnan(r["aantal"]) and r["onderdrukt"]
    assert one_row(df, vestigingscode="09KX01")["naam"] == "Basisschool Hélène Swarth, dépendance"
    assert set(df["niveau"]) == {"vestiging"} and not df["prognose"].any()
    assert one_row(df, vestigingscode="21QW03")[["instellingscode", "bestuur_id"]].tolist() == ["21QW", "40877"]


def test_leerlingen_wide_utf8_bom_comma_six_char_code_reshaped():
    path = DUO / "leerlingen_po_wide_bom.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    df = read_duo_leerlingen(path)
    _assert_canonical(df, "leerlingen", path)
    got = {(r.peiljaar, r.vestigingscode): r.aantal for r in df.itertuples()}
    assert got[(2021, "09KX00")] == 298 and got[(2022, "09KX00")] == 305 and got[(2023, "09KX00")] == 312
    assert got[(2022, "30AB02")] == 44 and got[(2023, "30AB02")] == 51
    assert (2021, "30AB02") not in got  # empty cell: no figure that year
    assert len(df) == 8
    sup = one_row(df, peiljaar=2022, vestigingscode="13BZ00")
    assert sup["onderdrukt"] and math.isnan(sup["aantal"])  # '-1' marker
    assert one_row(df, peiljaar=2023, vestigingscode="30AB02")["naam"] == "Kindcentrum 't Ven, locatie Oost"
    assert sorted(df["peiljaar"].unique().tolist()) == [2021, 2022, 2023]


def test_leerlingen_typo_alias_mixed_case_jaar_column():
    path = DUO / "leerlingen_wec_typo.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert "Vestigins nummer" in header and "Instellingscode" in header
    df = read_duo_leerlingen(path)
    _assert_canonical(df, "leerlingen", path)
    got = {(r.peiljaar, r.vestigingscode, r.soort): (r.aantal, r.onderdrukt) for r in df.itertuples()}
    assert got[(2023, "02XY00", "so")] == (87.0, False)
    assert got[(2023, "02XY01", "vso")] == (64.0, False)
    assert got[(2024, "02XY00", "so")] == (91.0, False)
    assert got[(2024, "02XY01", "vso")][1] is True


def test_leerlingen_soort_argument_when_file_has_none(tmp_path):
    path = tmp_path / "vo.csv"
    path.write_text("INSTELLINGSCODE;VESTIGINGSCODE;PEILDATUM;AANTAL LEERLINGEN\n20DK;20DK00;20231001;1450\n",
                    encoding="utf-8")
    df = read_duo_leerlingen(path, soort="VO")
    assert one_row(df, vestigingscode="20DK00")[["soort", "peiljaar", "aantal"]].tolist() == ["vo", 2023, 1450.0]
    with pytest.raises(DataError, match="verplichte kolom 'soort' ontbreekt"):
        read_duo_leerlingen(path)


# --- personeel ---------------------------------------------------------------------------------

def test_personeel_wide_csv_personen_and_fte_per_year():
    path = DUO / "personeel_po_personen_fte.csv"
    df = read_duo_personeel(path)
    _assert_canonical(df, "personeel", path)
    assert len(df) == 16  # 4 rows x 2 years x 2 units; GEMIDDELDE LEEFTIJD ignored
    assert set(df["eenheid"]) == {"personen", "fte"}
    assert set(df["niveau"]) == {"instelling"} and set(df["kenmerk"]) == {"totaal"}

    def val(**k):
        return one_row(df, **k)["waarde"]

    assert val(peiljaar=2023, functiegroep="DIR", eenheid="fte", instellingscode="09KX") == pytest.approx(1.9)
    assert val(peiljaar=2022, functiegroep="OP", eenheid="fte", instellingscode="09KX") == pytest.approx(16.4215)
    assert val(peiljaar=2023, functiegroep="OP", eenheid="personen", instellingscode="13BZ") == 15
    r = one_row(df, peiljaar=2023, functiegroep="OP", eenheid="fte", instellingscode="13BZ")
    assert (r["onderwijstype"], r["bestuur_id"], r["waarde"]) == ("sbo", "41234", pytest.approx(12.05))
    for unit in ("personen", "fte"):
        r = one_row(df, peiljaar=2023, functiegroep="OOP", eenheid=unit)
        assert r["onderdrukt"] and math.isnan(r["waarde"])
    assert val(peiljaar=2022, functiegroep="OOP", eenheid="personen") == 6


def test_personeel_long_comma_dot_decimals_peildatum():
    path = DUO / "personeel_vo_long.csv"
    df = read_duo_personeel(path)
    _assert_canonical(df, "personeel", path)
    assert len(df) == 12
    assert one_row(df, peiljaar=2023, functiegroep="OP", eenheid="fte")["waarde"] == pytest.approx(89.45)
    assert one_row(df, peiljaar=2024, functiegroep="OP", eenheid="personen")["waarde"] == 109
    assert one_row(df, peiljaar=2023, functiegroep="DIR", eenheid="personen")["onderwijstype"] == "vo"
    assert one_row(df, peiljaar=2023, functiegroep="DIR", eenheid="personen")["bestuur_id"] == "30150"
    sup = one_row(df, peiljaar=2024, functiegroep="OOP", eenheid="fte")
    assert sup["onderdrukt"] and math.isnan(sup["waarde"])


def test_personeel_xlsx_sheet_lio_added_to_op_onbekend_left_out():
    path = DUO / "onderwijspersoneel_po_personen_fte.xlsx"
    df = read_duo_personeel(path)  # default sheet 'per owtype-bestuur-brin-functie'
    _assert_canonical(df, "personeel", path)
    op = one_row(df, peiljaar=2022, functiegroep="OP", eenheid="personen", instellingscode="09KX")
    assert op["waarde"] == 21 + 1  # Onderwijsgevend personeel + LIO
    assert one_row(df, peiljaar=2023, functiegroep="OP", eenheid="fte", instellingscode="09KX")["waarde"] == \
        pytest.approx(17.012 + 1.2)
    assert one_row(df, peiljaar=2023, functiegroep="OP", eenheid="fte", instellingscode="02XY")["onderwijstype"] == "so_vso"
    assert one_row(df, peiljaar=2023, functiegroep="OOP", eenheid="fte")["onderdrukt"]
    assert df.attrs["weggelaten_functies"] == {"Onbekend": 2}
    assert len(df) == 16
    # the same workbook, named sheet explicitly; a sheet that is not there is refused
    pd.testing.assert_frame_equal(read_duo_personeel(path, sheet="per owtype-bestuur-brin-functie"), df)
    with pytest.raises(DataError) as err:
        read_duo_personeel(path, sheet="per brin")
    assert "werkblad 'per brin' niet gevonden" in str(err.value)
    assert "per owtype-bestuur-brin-functie" in str(err.value)


def test_suppressed_sum_stays_suppressed(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("JAAR;BRIN NUMMER;FUNCTIEGROEP;PERSONEN\n"
                    "2023;09KX;Onderwijsgevend personeel;20\n"
                    "2023;09KX;Leraren in opleiding (LIO);<5\n", encoding="utf-8")
    r = one_row(read_duo_personeel(path), functiegroep="OP")
    assert r["onderdrukt"] and math.isnan(r["waarde"])


# --- vocabularies ------------------------------------------------------------------------------

def test_alias_table_is_one_documented_dict_with_drifted_spellings():
    assert set(COLUMN_ALIASES["instellingscode"]) >= {"BRIN NUMMER", "INSTELLINGSCODE"}
    assert set(COLUMN_ALIASES["vestigingscode"]) >= {"VESTIGINGSNUMMER", "VESTIGINGSCODE", "VESTIGINS NUMMER"}
    for aliases in COLUMN_ALIASES.values():
        assert all(a == normalize_header(a) for a in aliases)
    assert normalize_header("brin_nummer") == normalize_header("BRIN NUMMER") == "BRIN NUMMER"
    assert normalize_header("\ufeffVestigins_Nummer ") == "VESTIGINS NUMMER"
    assert set(FUNCTIE_MAP.values()) == {"DIR", "OP", "OOP", None}
    assert FUNCTIE_MAP["onderwijsondersteunend personeel (oop/obp)"] == "OOP"
    assert {SOORT_MAP[k] for k in ("bo", "sbo", "so", "vso", "(v)so", "vo")} == {"bao", "sbo", "so", "vso", "so_vso", "vo"}


# --- bad input -------------------------------------------------------------------------------------

BAD = [
    # fixture, loader, substrings the message must contain (problem, column, line)
    ("bad_missing_column.csv", read_duo_leerlingen,
     ["verplichte kolom 'leerlingen' ontbreekt", "'TOTAAL'", "'AANTAL LEERLINGEN'", "LEERLINGEN_2023"]),
    ("bad_non_numeric.csv", read_duo_leerlingen, ["kolom 'TOTAAL'", "geen getal: 'twaalf'", "[regel 3]"]),
    ("bad_negative_fte.csv", read_duo_personeel, ["kolom 'FTE'S 2023'", "negatieve waarde: '-2,5000'", "[regel 3]"]),
    ("bad_duplicate_key.csv", read_duo_leerlingen, ["dubbele sleutel", "vestigingscode=09KX00", "[regel 2, 4]"]),
    ("bad_unknown_functie.csv", read_duo_personeel, ["kolom 'FUNCTIEGROEP'", "onbekende functiegroep: 'Conciërge'",
                                                     "[regel 3]"]),
    ("bad_empty.csv", read_duo_leerlingen, ["het bestand is leeg"]),
    ("bad_undecodable.csv", read_duo_leerlingen, ["onleesbare bytes", "[regel 3]"]),
    ("bad_header_only.csv", read_duo_leerlingen, ["kopregel maar geen gegevensregels"]),
    ("does_not_exist.csv", read_duo_leerlingen, ["bestand niet gevonden"]),
    ("does_not_exist.xlsx", read_duo_personeel, ["bestand niet gevonden"]),
]


@pytest.mark.parametrize("name, loader, expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_clear_data_error(name, loader, expected):
    path = DUO / name
    assert_data_error(lambda: loader(path), path, expected)


def test_undecodable_fixture_is_invalid_in_both_encodings():
    raw = (DUO / "bad_undecodable.csv").read_bytes()
    for enc in ("utf-8", "cp1252"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode(enc)


def test_wrong_loader_names_missing_columns_and_aliases():
    with pytest.raises(DataError) as err:
        read_duo_personeel(DUO / "leerlingen_wec_typo.csv")
    assert "verplichte kolom 'functie' ontbreekt" in str(err.value)
    assert "'FUNCTIEGROEP'" in str(err.value)


def test_brin_mismatch_and_short_code_without_brin(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("BRIN NUMMER;VESTIGINGSCODE;SOORT PO;JAAR;TOTAAL\n09KX;13BZ00;Bo;2023;12\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"past niet bij de BRIN.*\[regel 2\]"):
        read_duo_leerlingen(path)
    path.write_text("VESTIGINGSNUMMER;SOORT PO;JAAR;TOTAAL\n00;Bo;2023;12\n", encoding="utf-8")
    with pytest.raises(DataError, match="vestigingsnummer van 2 tekens zonder kolom met de BRIN"):
        read_duo_leerlingen(path)


# --- fixtures are reproducible and never touched ------------------------------------------------

def test_generated_fixtures_match_their_scripts():
    for name, data in load_script(DUO / "make_fixtures.py").build().items():
        assert (DUO / name).read_bytes() == data, name
    module = load_script(DUO / "make_xlsx.py")
    wb = openpyxl.load_workbook(DUO / module.NAME, read_only=True)
    try:
        rows = [list(r) for r in wb[module.SHEET].iter_rows(values_only=True)]
        assert wb.sheetnames == ["toelichting", "per owtype-bestuur-brin", module.SHEET]
    finally:
        wb.close()
    assert rows == [module.HEADER] + module.ROWS


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_loaders_never_modify_fixtures():
    before = _snapshot(DUO)
    for p in sorted(DUO.glob("*.csv")) + sorted(DUO.glob("*.xlsx")):
        for loader in (read_duo_leerlingen, read_duo_personeel):
            try:
                loader(p)
            except DataError:
                pass
    assert _snapshot(DUO) == before
