"""The synthetic national data set in DUO's current layouts (``data.synthetic_national``): exact headers,
encodings and delimiters, determinism, valid regions by municipality, and internal consistency; the files
load through the DUO loaders."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from regio_analysis.data.regions import read_regio_yaml
from regio_analysis.data.synthetic_national import (
    ADRES_KOLOMMEN, FUNCTIEGROEPEN, LEEFTIJDSKLASSEN, PO_LEERLINGEN_KOLOMMEN, VO_LEERLINGEN_KOLOMMEN,
    write_national_dataset,
)
from regio_analysis.io.duo import read_duo_leerlingen, read_duo_personeel
from regio_analysis.io.duo_adressen import read_duo_vestigingen

SMALL = dict(n_po=60, n_vo=12, n_besturen=15, jaren=range(2022, 2025), n_regios=4, seed=7)
JAREN = [2022, 2023, 2024]
STAFF_YEARS = list(range(2011, 2025))
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return write_national_dataset(tmp_path_factory.mktemp("nationaal"), **SMALL)


def _lines(path: Path, encoding: str) -> list[str]:
    return path.read_bytes().decode(encoding).split("\r\n")


def _rows(path: Path, encoding: str, delimiter: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter))


def _sheet(path: Path, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb[name].iter_rows(values_only=True))
    finally:
        wb.close()


def _regions(dataset) -> dict[str, dict]:
    return {rid: read_regio_yaml(dataset["regiomap"] / rid) for rid in dataset["regio_ids"]}


# ------------------------------------------------------------------ files, headers, encodings


def test_writes_the_files_of_duo_under_bronnen(dataset):
    names = {p.name for p in dataset["bronmap"].iterdir()}
    assert names == {
        "vestigingenbo.csv", "02.-alle-vestigingen-vo.csv", "brin6_totaal.csv",
        *(f"03.-leerlingen-vo-per-vestiging-en-bestuur-(vavo-apart)-{j}.csv" for j in JAREN),
        "01.-onderwijspersoneel-po-in-personen-2011-2024.xlsx", "02.-onderwijspersoneel-po-in-fte-2011-2024.xlsx",
        "01.-onderwijspersoneel-vo-in-personen-2011-2024.xlsx", "02.-onderwijspersoneel-vo-in-fte-2011-2024.xlsx",
        "03.-onderwijspersoneel-po-naar-leeftijd-in-personen-2011-2024.csv",
    }
    assert sorted(p.name for p in dataset["regiomap"].iterdir()) == ["regio-01", "regio-02", "regio-03", "regio-04"]


@pytest.mark.parametrize("key, delimiter, encoding, bom, header", [
    ("vestigingen_po", ",", "utf-8", True, ADRES_KOLOMMEN),
    ("vestigingen_vo", ";", "cp1252", False, ADRES_KOLOMMEN),
    ("leerlingen_po", ",", "utf-8", False, PO_LEERLINGEN_KOLOMMEN),
    ("personeel_po_leeftijd", ",", "utf-8", True,
     ("BEVOEGD GEZAG", "FUNCTIEGROEP", "LEEFTIJDSKLASSE", *(f"PERSONEN {y}" for y in STAFF_YEARS))),
])
def test_csv_headers_encodings_and_delimiters(dataset, key, delimiter, encoding, bom, header):
    path = dataset["bestanden"][key]
    data = path.read_bytes()
    assert data.startswith(BOM) is bom
    text = data.decode("utf-8-sig" if bom else encoding)
    assert text.encode(encoding) == (data[3:] if bom else data)  # the whole file in that encoding
    first = text.split("\r\n", 1)[0]
    assert first == delimiter.join(header)
    assert all(len(r) == len(header) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_vo_pupil_files_one_per_year_semicolon_cp1252_year_only_in_the_name(dataset):
    files = dataset["bestanden"]["leerlingen_vo"]
    assert sorted(files) == JAREN
    for jaar, path in files.items():
        assert path.name == f"03.-leerlingen-vo-per-vestiging-en-bestuur-(vavo-apart)-{jaar}.csv"
        lines = _lines(path, "cp1252")
        assert lines[0] == ";".join(VO_LEERLINGEN_KOLOMMEN)
        assert not path.read_bytes().startswith(BOM)
        assert str(jaar) not in "".join(lines[0])  # the year is only in the file name
        rows = _rows(path, "cp1252", ";")
        assert len(rows) == SMALL["n_vo"]
        assert all(re.fullmatch(r"\d\d", r["VESTIGINGSCODE"]) for r in rows)
        for col in ("AANTAL LEERLINGEN", "AANTAL VO LEERLINGEN UITBESTEED AAN VAVO"):
            # counts below 5 (and above 0) are printed as <5, never as a number
            assert all(v == "<5" or (v.isdigit() and not 1 <= int(v) <= 4) for v in (r[col] for r in rows))
    all_counts = [r["AANTAL LEERLINGEN"] for p in files.values() for r in _rows(p, "cp1252", ";")]
    assert "<5" in all_counts  # at least one tiny VO location


@pytest.mark.parametrize("sector, sheet", [("po", "per owtype-bestuur-brin-functie"),
                                           ("vo", "owtype-best-instelling-functie")])
def test_staff_workbooks(dataset, sector, sheet):
    persons = _sheet(dataset["bestanden"][f"personeel_{sector}_personen"], sheet)
    fte = _sheet(dataset["bestanden"][f"personeel_{sector}_fte"], sheet)
    keys = ["ONDERWIJSTYPE", "BEVOEGD GEZAG", "INSTELLINGSCODE", "FUNCTIEGROEP"]
    assert list(persons[0]) == keys + [f"PERSONEN {y}" for y in STAFF_YEARS]
    assert list(fte[0]) == keys + [f"FTE'S {y}" for y in STAFF_YEARS]
    assert [r[:4] for r in persons[1:]] == [r[:4] for r in fte[1:]]
    assert {r[3] for r in persons[1:]} == set(FUNCTIEGROEPEN)
    assert {r[0] for r in persons[1:]} <= ({"BAO", "SBAO", "(V)SO"} if sector == "po" else {"VO"})
    boards = {r[1] for r in persons[1:]}
    bovenschools = {r[1] for r in persons[1:] if r[2] == "BOVENSCHOOLS"}
    assert bovenschools == boards  # every board has staff above its schools
    assert len({r[:4] for r in persons[1:]}) == len(persons) - 1  # one row per board x institution x group
    cells_p = [v for r in persons[1:] for v in r[4:]]
    cells_f = [v for r in fte[1:] for v in r[4:]]
    # suppressed in the same cells: <5 persons, * fte; never a number below 1 beside a suppressed one
    assert [v == "<5" for v in cells_p] == [v == "*" for v in cells_f]
    assert set(v for v in cells_p if isinstance(v, str)) <= {"<5"} and set(v for v in cells_f if isinstance(v, str)) <= {"*"}
    if sector == "po":
        assert "<5" in cells_p
    ratio = [f / p for p, f in zip(cells_p, cells_f) if isinstance(p, int) and p > 0]
    assert 0.5 < float(np.median(ratio)) < 1.0  # fte per person


def test_staff_sheet_is_not_the_first_and_has_its_size(dataset):
    wb = openpyxl.load_workbook(dataset["bestanden"]["personeel_po_fte"], read_only=True)
    try:
        assert wb.sheetnames == ["toelichting", "per owtype-bestuur-brin-functie"]
        ws = wb["per owtype-bestuur-brin-functie"]
        # the size is in the file, as Excel writes it (a read-only reader need not parse the sheet to know it)
        assert (ws.max_row, ws.max_column) == (len(list(ws.iter_rows())), 4 + len(STAFF_YEARS))
    finally:
        wb.close()


# ------------------------------------------------------------------ determinism


def _xlsx_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        # the save time in docProps/core.xml (and the zip's member timestamps) are openpyxl's, not the data's
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def test_same_seed_same_bytes_other_seed_other_bytes(dataset, tmp_path):
    again = write_national_dataset(tmp_path / "a", **SMALL)
    other = write_national_dataset(tmp_path / "b", **{**SMALL, "seed": SMALL["seed"] + 1})
    first_root, again_root = dataset["bronmap"].parent, again["bronmap"].parent
    files = sorted(p.relative_to(first_root) for p in first_root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again_root) for p in again_root.rglob("*") if p.is_file())
    for rel in files:
        a, b = first_root / rel, again_root / rel
        if rel.suffix == ".xlsx":
            assert _xlsx_members(a) == _xlsx_members(b), rel
        else:
            assert a.read_bytes() == b.read_bytes(), rel
    assert other["bestanden"]["leerlingen_po"].read_bytes() != dataset["bestanden"]["leerlingen_po"].read_bytes()
    pd.testing.assert_frame_equal(again["vestigingen"], dataset["vestigingen"])


# ------------------------------------------------------------------ regions


def test_every_region_reads_and_has_a_composition_by_municipality(dataset):
    regions = _regions(dataset)
    assert list(regions) == ["regio-01", "regio-02", "regio-03", "regio-04"]
    seen: dict[str, str] = {}
    for rid, meta in regions.items():
        comp = meta["samenstelling"]
        assert comp["gemeenten"] and all(re.fullmatch(r"\d{4}", g) for g in comp["gemeenten"])
        assert comp["sectoren"] and set(comp["sectoren"]) <= {"PO", "(V)SO", "VO"}
        assert meta["provincies"]
        for g in comp["gemeenten"]:
            assert g not in seen, f"{g} in {seen.get(g)} and {rid}"  # one region per municipality
            seen[g] = rid


def test_geography(dataset):
    adres = pd.concat([pd.DataFrame(_rows(dataset["bestanden"]["vestigingen_po"], "utf-8-sig", ",")),
                       pd.DataFrame(_rows(dataset["bestanden"]["vestigingen_vo"], "cp1252", ";"))])
    per_code = adres.groupby("GEMEENTENUMMER").agg(naam=("GEMEENTENAAM", "nunique"), prov=("PROVINCIE", "nunique"))
    assert (per_code == 1).all().all()  # a municipality has one name and lies in one province
    assert adres.groupby("GEMEENTENAAM")["GEMEENTENUMMER"].nunique().eq(1).all()  # names unique too
    assert set(adres["PROVINCIE"]) <= {"Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland",
                                       "Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant",
                                       "Limburg"}
    assert dataset["aantallen"]["gemeenten"] == 342


def test_locations_unassigned_and_boards_across_regions(dataset):
    po = _rows(dataset["bestanden"]["vestigingen_po"], "utf-8-sig", ",")
    vo = _rows(dataset["bestanden"]["vestigingen_vo"], "cp1252", ";")
    assert len(po) == SMALL["n_po"] and len(vo) == SMALL["n_vo"]
    assert all(re.fullmatch(r"\d\d[A-Z]{2}\d\d", r["VESTIGINGSCODE"]) and r["VESTIGINGSCODE"][:4] == r["INSTELLINGSCODE"]
               for r in po)
    assert all(re.fullmatch(r"\d\d", r["VESTIGINGSCODE"]) and re.fullmatch(r"\d\d[A-Z]{2}", r["INSTELLINGSCODE"])
               for r in vo)
    assert len({r["VESTIGINGSCODE"] for r in po}) == len(po)
    region_of = {g: rid for rid, meta in _regions(dataset).items() for g in meta["samenstelling"]["gemeenten"]}
    rows = po + vo
    unassigned = [r for r in rows if r["GEMEENTENUMMER"] not in region_of]
    assert 0 < len(unassigned) / len(rows) < 0.1
    assert dataset["aantallen"]["vestigingen_zonder_regio"] == len(unassigned)
    regions_of_board: dict[str, set] = {}
    for r in rows:
        if r["GEMEENTENUMMER"] in region_of:
            regions_of_board.setdefault(r["BEVOEGD GEZAG NUMMER"], set()).add(region_of[r["GEMEENTENUMMER"]])
    assert any(len(v) == 2 for v in regions_of_board.values())  # a board across two regions
    assert set(region_of.values()) == set(dataset["regio_ids"])
    assert {region_of[r["GEMEENTENUMMER"]] for r in rows if r["GEMEENTENUMMER"] in region_of} == set(dataset["regio_ids"])
    v = dataset["vestigingen"]
    assert len(v) == len(rows) and (v["regio_id"] == "").sum() == len(unassigned)


# ------------------------------------------------------------------ internal consistency


def test_pupils_for_every_location_and_year(dataset):
    po = _rows(dataset["bestanden"]["vestigingen_po"], "utf-8-sig", ",")
    pupils = pd.DataFrame(_rows(dataset["bestanden"]["leerlingen_po"], "utf-8", ","))
    pupils["brin6"] = pupils["INSTELLINGSCODE"] + pupils["VESTIGINGSCODE"]
    assert set(pupils["TYPE_PO"]) <= {"BO", "SBO", "SO", "VSO"}
    assert (pupils["TYPE_PO"] == "BO").mean() > 0.6
    per = pupils.groupby(["brin6", "PEILJAAR"]).size()
    expected = pd.MultiIndex.from_product([sorted(r["VESTIGINGSCODE"] for r in po), [str(j) for j in JAREN]])
    assert sorted(per.index) == sorted(expected)
    assert not pupils.duplicated(["brin6", "PEILJAAR", "TYPE_PO"]).any()
    counts = pupils["AANTAL_LEERLINGEN"].astype(int)
    assert counts.min() >= 1 and counts.median() > 50
    vo_codes = sorted(r["INSTELLINGSCODE"] + r["VESTIGINGSCODE"]
                      for r in _rows(dataset["bestanden"]["vestigingen_vo"], "cp1252", ";"))
    for path in dataset["bestanden"]["leerlingen_vo"].values():
        assert sorted(r["INSTELLINGSCODE"] + r["VESTIGINGSCODE"] for r in _rows(path, "cp1252", ";")) == vo_codes


def test_staff_institutions_and_boards_match_the_addresses(dataset):
    for sector, key, enc, delim in (("po", "vestigingen_po", "utf-8-sig", ","), ("vo", "vestigingen_vo", "cp1252", ";")):
        adres = _rows(dataset["bestanden"][key], enc, delim)
        board_of = {r["INSTELLINGSCODE"]: int(r["BEVOEGD GEZAG NUMMER"]) for r in adres}
        sheet = "per owtype-bestuur-brin-functie" if sector == "po" else "owtype-best-instelling-functie"
        staff = _sheet(dataset["bestanden"][f"personeel_{sector}_personen"], sheet)[1:]
        schools = {(r[2], r[1]) for r in staff if r[2] != "BOVENSCHOOLS"}
        assert schools == set(board_of.items())


def test_age_classes_add_up_to_the_board_staff(dataset):
    ages = pd.DataFrame(_rows(dataset["bestanden"]["personeel_po_leeftijd"], "utf-8-sig", ","))
    assert set(ages["LEEFTIJDSKLASSE"]) == set(LEEFTIJDSKLASSEN)
    assert set(ages["FUNCTIEGROEP"]) == set(FUNCTIEGROEPEN)
    staff = _sheet(dataset["bestanden"]["personeel_po_personen"], "per owtype-bestuur-brin-functie")
    staff = pd.DataFrame(staff[1:], columns=staff[0])
    col = "PERSONEN 2024"
    clean = staff.groupby(["BEVOEGD GEZAG", "FUNCTIEGROEP"])[col].agg(lambda s: None if (s == "<5").any() else s.sum())
    age = ages.groupby(["BEVOEGD GEZAG", "FUNCTIEGROEP"])[col].agg(
        lambda s: None if (s == "<5").any() else s.astype(int).sum())
    age.index = age.index.set_levels(age.index.levels[0].astype(int), level=0)
    both = pd.concat([clean.rename("staff"), age.rename("age")], axis=1).dropna()
    assert len(both) > 5 and (both["staff"] == both["age"]).all()


def test_impossible_sizes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="n_besturen"):
        write_national_dataset(tmp_path, n_po=3, n_vo=1, n_besturen=20, jaren=[2024], n_regios=2)
    with pytest.raises(ValueError, match="n_regios"):
        write_national_dataset(tmp_path, n_po=10, n_vo=2, n_besturen=5, jaren=[2024], n_regios=400)


# ------------------------------------------------------------------ the DUO loaders read the set


def test_the_duo_loaders_read_every_file(dataset):
    files = dataset["bestanden"]
    po = read_duo_vestigingen(files["vestigingen_po"])
    vo = read_duo_vestigingen(files["vestigingen_vo"])
    assert len(po) == SMALL["n_po"] and set(po["sector"]) == {"po"}
    assert len(vo) == SMALL["n_vo"] and set(vo["sector"]) == {"vo"}
    assert vo["vestigingscode"].str.fullmatch(r"\d\d[A-Z]{2}\d\d").all()  # BRIN6 from the 2-digit code
    assert po["gemeentenummer"].str.fullmatch(r"\d{4}").all()

    lpo = read_duo_leerlingen(files["leerlingen_po"])
    assert set(lpo["vestigingscode"]) == set(po["vestigingscode"])
    assert sorted(lpo["peiljaar"].unique()) == JAREN
    raw = pd.DataFrame(_rows(files["leerlingen_po"], "utf-8", ","))
    assert lpo["aantal"].sum() == raw["AANTAL_LEERLINGEN"].astype(int).sum()

    for jaar, path in files["leerlingen_vo"].items():
        lvo = read_duo_leerlingen(path)
        assert set(lvo["peiljaar"]) == {jaar} and set(lvo["soort"]) == {"vo"}
        assert set(lvo["vestigingscode"]) == set(vo["vestigingscode"])
        raw = [r["AANTAL LEERLINGEN"] for r in _rows(path, "cp1252", ";")]
        assert int(lvo["onderdrukt"].sum()) == raw.count("<5")
        assert lvo.loc[lvo["onderdrukt"], "aantal"].isna().all()

    for unit in ("personen", "fte"):
        staff = read_duo_personeel(files[f"personeel_po_{unit}"])
        assert set(staff["eenheid"]) == {unit} and set(staff["functiegroep"]) == {"DIR", "OP", "OOP"}
        assert sorted(staff["peiljaar"].unique()) == STAFF_YEARS
        assert staff["onderdrukt"].any() and staff.loc[staff["onderdrukt"], "waarde"].isna().all()
        assert staff["bovenschools"].any()
    vo_staff = read_duo_personeel(files["personeel_vo_fte"])
    assert set(vo_staff["instellingscode"]) - {""} == set(vo["instellingscode"])

    ages = read_duo_personeel(files["personeel_po_leeftijd"])
    assert set(ages["kenmerk"]) == {"leeftijd"} and ages["categorie"].nunique() == len(LEEFTIJDSKLASSEN)
