"""Region registry, load_region on the default data, and region-level bad input."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.data import RegionData, load_region, validate_region
from regio_analysis.data.regions import DEFAULT_REGIONS, check_regio_id, default_data_dir, list_regions
from regio_analysis.data.schemas import TABLES, conform

from conftest import REPO

REGIO_YAML = """regio_id: {rid}
naam: Testregio
sectoren: [PO]
provincies: [Utrecht]
"""


def make_region(root: Path, rid: str = "testregio", **tables: str) -> Path:
    folder = root / rid
    folder.mkdir(parents=True)
    (folder / "regio.yaml").write_text(REGIO_YAML.format(rid=rid), encoding="utf-8")
    for name, text in tables.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / f"{name}.csv").write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


GOOD_PERSONEEL = "peiljaar,functiegroep,eenheid,waarde,bron\n2023,OP,fte,10.5,test\n2023,OP,personen,14,test\n"


# --- registry -------------------------------------------------------------------------------

def test_list_regions_has_the_four_default_regions():
    df = list_regions()
    assert {"regio_id", "naam", "sectoren", "provincies"} <= set(df.columns)
    assert set(DEFAULT_REGIONS) <= set(df["regio_id"])
    assert df["geldig"].all()
    row = df.set_index("regio_id").loc["rond-bommel-en-dommel"]
    assert "PO" in row["sectoren"] and "Noord-Brabant" in row["provincies"]


@pytest.mark.parametrize("bad", ["../x", "..", "a/b", "Rond-Bommel", "rond bommel", "", "-x", None, 3])
def test_unsafe_region_ids_are_refused(bad):
    with pytest.raises(DataError, match="ongeldige regio-id"):
        check_regio_id(bad)
    with pytest.raises(DataError):
        load_region(bad)


def test_unknown_region_names_the_known_ones():
    with pytest.raises(DataError, match="onbekende regio 'atlantis'.*rond-bommel-en-dommel"):
        load_region("atlantis")


def test_data_dir_points_at_another_tree(tmp_path):
    make_region(tmp_path, "mijn-regio", personeel=GOOD_PERSONEEL)
    assert list(list_regions(tmp_path)["regio_id"]) == ["mijn-regio"]
    rd = load_region("mijn-regio", data_dir=tmp_path)
    assert rd.personeel["waarde"].tolist() == [10.5, 14.0]
    assert not rd.has("leerlingen") and list(rd.leerlingen.columns) == list(TABLES["leerlingen"].columns)


def test_a_broken_regio_yaml_is_listed_not_fatal(tmp_path):
    make_region(tmp_path, "goed")
    bad = tmp_path / "kapot"
    bad.mkdir()
    (bad / "regio.yaml").write_text("regio_id: anders\nnaam: X\n", encoding="utf-8")
    df = list_regions(tmp_path).set_index("regio_id")
    assert df.loc["goed", "geldig"] and not df.loc["kapot", "geldig"]
    assert "sectoren" in df.loc["kapot", "probleem"] and "mapnaam" in df.loc["kapot", "probleem"]


# --- the default data -------------------------------------------------------------------------

@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_default_region_loads_with_every_table_validated(rid):
    before = snapshot(default_data_dir() / rid)
    rd = load_region(rid)
    assert isinstance(rd, RegionData) and rd.regio_id == rid
    assert rd.tables, "a default region without any table"
    assert rd.has("activiteiten"), "every default region has an activity register"
    for name, df in rd.tables.items():
        again = conform(df, name)  # canonical output stays canonical
        pd.testing.assert_frame_equal(again, df)
        assert df["bron"].str.len().gt(0).all(), f"{rid}/{name}: a row without bron"
    assert validate_region(rid) == [] or all(p.severity == "warning" for p in validate_region(rid))
    assert set(rd.bestanden) == {f"{t}.csv" for t in rd.tables}
    assert snapshot(default_data_dir() / rid) == before, "loading wrote to a source file"


INTERNAL_FILE = r"\d{3}_[0-9a-f]{16}\.txt"
# partnerschappen.csv is kept by another part of the project; its rows may still name the file,
# which regio.yaml maps to the title (the report shows the title, see tests/test_overview.py)
FILE_NAMED_TABLES = {"partnerschappen"}


def test_published_rows_name_their_document_by_title_and_section():
    """Issue 15: a source is named by the document's title and section, never by the internal
    file name of the seed collection (``002_53f7c34f92f653b9.txt``)."""
    for rid in DEFAULT_REGIONS:
        rd = load_region(rid)
        titel = rd.meta["bron"]
        assert not re.search(INTERNAL_FILE, titel) and titel.split()[0] in ("Activiteitenplan", "Plan")
        assert list(rd.meta["bronnen"].values()) == [titel]
        for name, df in rd.tables.items():
            if name in FILE_NAMED_TABLES:
                (bestand,) = rd.meta["bronnen"]
                assert (df["bron"].str.startswith(f"{titel}, § ") | df["bron"].str.startswith(f"{bestand} § ")).all()
                continue
            assert df["bron"].str.startswith(f"{titel}, § ").all(), f"{rid}/{name}"
            assert not df["bron"].str.contains(INTERNAL_FILE).any(), f"{rid}/{name}"


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_markers_of_what_a_source_does_not_say_are_booleans(rid):
    """``jaar_vermeld`` (personeel, tekort) and ``looptijd_vermeld`` (activiteiten) are true/false,
    and a row whose year is not stated says so in its opmerking."""
    rd = load_region(rid)
    for table, col in (("personeel", "jaar_vermeld"), ("tekort", "jaar_vermeld"), ("activiteiten", "looptijd_vermeld")):
        df = rd.tables.get(table)
        if df is None or col not in df.columns:
            continue
        assert set(df[col]) <= {"true", "false"}, (table, set(df[col]))
        if col == "jaar_vermeld":
            assert df.loc[df[col] == "false", "opmerking"].str.contains("jaar niet vermeld").all(), table


# --- bad input at region level ------------------------------------------------------------------

BAD_INPUTS = {
    "missing column": (dict(personeel="peiljaar,functiegroep,waarde,bron\n2023,OP,3,x\n"),
                       r"personeel\.csv.*eenheid"),
    "non-numeric count": (dict(leerlingen="peiljaar,soort,aantal,bron\n2023,bao,veel,x\n2024,bao,12,x\n"),
                          r"leerlingen\.csv, kolom 'aantal': niet numeriek: 'veel' \[regel 2\]"),
    "negative fte": (dict(personeel="peiljaar,functiegroep,eenheid,waarde,bron\n2023,OP,fte,-3,x\n"),
                     r"personeel\.csv, kolom 'waarde'.*-3.*\[regel 2\]"),
    "duplicate key": (dict(verzuim="jaar,niveau,waarde,bron\n2022,regio,6.9,x\n2022,landelijk,6.8,x\n2022,regio,7.0,x\n"),
                      r"verzuim\.csv.*dubbele sleutel.*\[regel 2, 4\]"),
    "end before start": (dict(activiteiten="id,titel,thema,start,einde,bron\n1.1,A,werven,2027-01-01,2026-12-31,x\n"),
                         r"activiteiten\.csv.*einde voor start.*\[regel 2\]"),
    "empty file": (dict(stromen=""), r"stromen\.csv: het bestand is leeg"),
    "header only": (dict(stromen="jaar,functiegroep,richting,eenheid,waarde,bron\n"), r"stromen\.csv.*geen gegevensregels"),
    "undecodable bytes": (dict(verzuim=b"jaar,niveau,waarde,bron\n2022,r\xe9gio,6.9,x\n"), r"verzuim\.csv: onleesbare bytes.*\[regel 2\]"),
    "unknown vocabulary": (dict(personeel="peiljaar,functiegroep,eenheid,waarde,bron\n2023,LERAAR,fte,3,x\n"),
                           r"kolom 'functiegroep'.*'LERAAR'"),
    "percentage above 100": (dict(verzuim="jaar,niveau,waarde,bron\n2022,regio,169,x\n"), r"percentage tussen 0 en 100"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_region_files_give_a_dataerror_naming_the_problem(tmp_path, case):
    tables, pattern = BAD_INPUTS[case]
    folder = make_region(tmp_path, **tables)
    before = snapshot(folder)
    with pytest.raises(DataError) as info:
        load_region("testregio", data_dir=tmp_path)

    assert re.search(pattern, str(info.value)), str(info.value)
    assert snapshot(folder) == before


def test_all_problems_of_all_files_are_reported_together(tmp_path):
    make_region(tmp_path, personeel="peiljaar,functiegroep,eenheid,waarde,bron\n2023,OP,fte,-3,x\n",
                leerlingen="peiljaar,soort,aantal,bron\n2023,bao,veel,x\n")
    problems = validate_region("testregio", tmp_path)
    files = {Path(p.file).name for p in problems}
    assert files == {"personeel.csv", "leerlingen.csv"}


def test_spell_ending_before_it_starts_is_refused(tmp_path):
    spells = ("persoon_id,bestuur_id,vestigingscode,functiegroep,start,einde,reden_einde,observatie_einde,leeftijd_start,fte,bron\n"
              "1,B1,01AB00,OP,2020-08-01,2019-07-31,buiten onderwijs,2025-12-31,25,0.8,x\n")
    make_region(tmp_path, dienstverbanden=spells)
    with pytest.raises(DataError, match=r"einde voor start \[regel 2\]"):
        load_region("testregio", data_dir=tmp_path)


def test_person_ids_are_pseudonymised_at_load(tmp_path, monkeypatch):
    monkeypatch.setenv("REGIO_ANALYSIS_KEY", "een-testsleutel-van-voldoende-lengte")
    spells = ("persoon_id,bestuur_id,vestigingscode,functiegroep,start,einde,reden_einde,observatie_einde,leeftijd_start,fte,bron\n"
              "123456789,B1,01AB00,OP,2020-08-01,,,2025-12-31,25,0.8,x\n")
    folder = make_region(tmp_path, dienstverbanden=spells)
    rd = load_region("testregio", data_dir=tmp_path)
    pid = rd.dienstverbanden["persoon_id"].iloc[0]
    assert pid.startswith("p_") and "123456789" not in pid
    assert b"123456789" in (folder / "dienstverbanden.csv").read_bytes()  # the source is untouched


def test_a_region_loaded_again_is_a_fresh_copy_that_follows_its_files(tmp_path, monkeypatch):
    """Loads are kept per process (chapters load the same region many times), but a caller that
    changes its tables changes nothing for the next, and a changed file, a changed key or
    another seed is read anew."""
    monkeypatch.setenv("REGIO_ANALYSIS_KEY", "een-testsleutel-van-voldoende-lengte")
    monkeypatch.delenv("REGIO_ANALYSIS_KEY_FILE", raising=False)
    spells = ("persoon_id,bestuur_id,vestigingscode,functiegroep,start,einde,reden_einde,observatie_einde,leeftijd_start,fte,bron\n"
              "123456789,B1,01AB00,OP,2020-08-01,,,2025-12-31,25,0.8,x\n")
    folder = make_region(tmp_path, personeel=GOOD_PERSONEEL, dienstverbanden=spells)
    first = load_region("testregio", data_dir=tmp_path)
    pid = first.dienstverbanden["persoon_id"].iloc[0]
    first.personeel.loc[:, "waarde"] = -1.0
    first.tables.pop("dienstverbanden")
    first.meta["naam"] = "veranderd"
    second = load_region("testregio", data_dir=tmp_path)
    assert (second.personeel["waarde"] >= 0).all() and second.has("dienstverbanden")
    assert second.meta["naam"] != "veranderd" and second.dienstverbanden["persoon_id"].iloc[0] == pid
    # same size, other bytes: read again
    text = (folder / "personeel.csv").read_text()
    (folder / "personeel.csv").write_text(text.replace("2023", "2022"))
    assert set(load_region("testregio", data_dir=tmp_path).personeel["peiljaar"]) == {2022}
    monkeypatch.setenv("REGIO_ANALYSIS_KEY", "een-andere-sleutel-van-voldoende-lengte")
    assert load_region("testregio", data_dir=tmp_path).dienstverbanden["persoon_id"].iloc[0] != pid
    monkeypatch.delenv("REGIO_ANALYSIS_KEY")
    with pytest.raises(DataError, match="sleutel"):
        load_region("testregio", data_dir=tmp_path)


def test_unknown_files_are_warnings_not_errors(tmp_path):
    make_region(tmp_path, personeel=GOOD_PERSONEEL, notities="a,b\n1,2\n")
    problems = validate_region("testregio", tmp_path)
    assert [p.severity for p in problems] == ["warning"] and "onbekende tabel" in problems[0].message
    load_region("testregio", data_dir=tmp_path)


# --- the CLI -----------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regio_analysis.cli", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_cli_regions_prints_the_four_regions():
    res = run_cli("regios")
    assert res.returncode == 0, res.stderr
    for rid in DEFAULT_REGIONS:
        assert rid in res.stdout


def test_cli_validate_clean_region_exits_zero():
    res = run_cli("controleren", "rond-bommel-en-dommel")
    assert res.returncode == 0 and "geen fouten" in res.stdout


@pytest.mark.parametrize("case", ["negative fte", "undecodable bytes", "duplicate key", "empty file"])
def test_cli_validate_bad_region_exits_one_without_traceback(tmp_path, case):
    tables, pattern = BAD_INPUTS[case]
    folder = make_region(tmp_path, **tables)
    res = run_cli("controleren", str(folder))
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert "fout:" in res.stdout


@pytest.mark.parametrize("args", [("validate", "../x"), ("synthetic", "../x"), ("synthetic", "atlantis")])
def test_cli_bad_region_id_gives_one_paragraph_and_nonzero_exit(args):
    res = run_cli(*args)
    assert res.returncode != 0
    assert "Traceback" not in res.stdout + res.stderr
    out = (res.stdout + res.stderr).strip()
    assert out and "\n\n" not in out


def test_cli_synthetic_writes_csvs_atomically(tmp_path):
    res = run_cli("synthetisch", "noorderwijzer", "--seed", "3", "--naar", str(tmp_path))
    assert res.returncode == 0, res.stderr
    # dot-files are the marker of an output folder the package owns
    written = sorted(p.name for p in (tmp_path / "noorderwijzer").iterdir() if not p.name.startswith("."))
    assert written == ["dienstverbanden.csv", "enquete.csv", "open_antwoorden.csv"]
    df = pd.read_csv(tmp_path / "noorderwijzer" / "dienstverbanden.csv", dtype=str, keep_default_na=False)
    conform(df, "dienstverbanden")


# --- source-file loaders through the CLI: one paragraph, non-zero exit, no traceback ---------------

BAD_SOURCE_FILES = {
    "missing column": ("duo-personeel", "duo/bad_missing_column.csv", "verplichte kolom 'functie' ontbreekt"),
    "non-numeric count": ("duo-leerlingen", "duo/bad_non_numeric.csv", "geen getal: 'twaalf'"),
    "negative fte": ("duo-personeel", "duo/bad_negative_fte.csv", "negatieve waarde"),
    "duplicate key": ("duo-leerlingen", "duo/bad_duplicate_key.csv", "dubbele sleutel"),
    "empty file": ("duo-leerlingen", "duo/bad_empty.csv", "leeg"),
    "undecodable bytes": ("duo-leerlingen", "duo/bad_undecodable.csv", "onleesbare bytes"),
    "missing file": ("duo-leerlingen", "duo/bestaat_niet.csv", "bestand niet gevonden"),
    "vestiging in two regions": ("vestiging-regio", "mapping/bad_two_regions.csv", "'rond-bommel-en-dommel'"),
    "unknown region id": ("vestiging-regio", "mapping/bad_unknown_region.csv", "onbekende regio-id 'rond-bommel-dommel'"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCE_FILES))
def test_cli_import_of_bad_source_file(case, fixtures_dir):
    kind, rel, needle = BAD_SOURCE_FILES[case]
    path = fixtures_dir / rel
    before = path.read_bytes() if path.exists() else None
    res = run_cli("importeren", kind, str(path))
    assert res.returncode == 3, res.stdout + res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    message = res.stderr.strip()
    assert message.startswith("fout: ") and rel.split("/")[-1] in message and needle in message
    assert "\n\n" not in message
    assert (path.read_bytes() if path.exists() else None) == before


def test_cli_import_writes_a_canonical_table(tmp_path, fixtures_dir):
    out = tmp_path / "leerlingen.csv"
    res = run_cli("importeren", "duo-leerlingen", str(fixtures_dir / "duo" / "leerlingen_po_wide_bom.csv"), "--naar", str(out))
    assert res.returncode == 0, res.stderr
    df = conform(pd.read_csv(out, dtype=str, keep_default_na=False), "leerlingen", file=str(out))
    assert len(df) == 8 and df["peiljaar"].between(2021, 2023).all()


def test_cli_import_refuses_to_overwrite_its_source(tmp_path, fixtures_dir):
    src = tmp_path / "l.csv"
    src.write_bytes((fixtures_dir / "duo" / "leerlingen_po_wide_bom.csv").read_bytes())
    before = src.read_bytes()
    res = run_cli("importeren", "duo-leerlingen", str(src), "--naar", str(src))
    assert res.returncode == 3 and "nooit overschreven" in res.stderr and src.read_bytes() == before


def test_yaml_parsed_again_is_a_fresh_copy_and_errors_name_each_file():
    """parse_yaml keeps what it parsed (chapters read the same codebook again and again): a caller that
    changes its data does not change the next caller's, and an invalid text still names its own file."""
    from regio_analysis.errors import DataError
    from regio_analysis.io.files import parse_yaml

    text = "naam: Een regio\nlijst:\n  - a\n  - b\n"
    first = parse_yaml(text, "een.yaml")
    first["lijst"].append("c")
    first["naam"] = "veranderd"
    assert parse_yaml(text, "twee.yaml") == {"naam": "Een regio", "lijst": ["a", "b"]}
    bad = "a: 1\na: 2\n"
    for name in ("een.yaml", "twee.yaml"):
        with pytest.raises(DataError) as err:
            parse_yaml(bad, name)
        assert name in str(err.value) and "twee keer" in str(err.value)
