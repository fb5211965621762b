"""The user-supplied vestiging -> region mapping."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from conftest import assert_data_error, load_script

from regio_analysis import DataError
from regio_analysis.io import read_vestiging_regio
from regio_analysis.io.mapping import MAPPING_ALIASES
from regio_analysis.data.schemas import conform

MAP = Path(__file__).resolve().parent / "fixtures" / "mapping"
KNOWN = ["rond-bommel-en-dommel", "noorderwijzer"]


def test_plain_utf8_comma_mapping():
    path = MAP / "vestiging_regio.csv"
    df = read_vestiging_regio(path, known_regions=KNOWN)
    assert conform(df, "vestiging_regio").equals(df)
    assert dict(zip(df["vestigingscode"], df["regio_id"])) == {
        "02XY00": "rond-bommel-en-dommel", "09KX00": "rond-bommel-en-dommel", "09KX01": "rond-bommel-en-dommel",
        "13BZ00": "rond-bommel-en-dommel", "20DK00": "noorderwijzer",
    }
    assert df.set_index("vestigingscode").loc["02XY00", "sector"] == "(v)so"
    assert set(df["bron"]) == {path.name} and set(df["bron_bestand"]) == {str(path)}
    assert set(df["sha256"]) == {hashlib.sha256(path.read_bytes()).hexdigest()}


def test_cp1252_semicolon_aliases_brin_plus_vestigingsnummer():
    path = MAP / "vestiging_regio_aliases_cp1252.csv"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    df = read_vestiging_regio(path, known_regions=pd.DataFrame({"regio_id": KNOWN}))
    got = df.set_index("vestigingscode")
    assert list(got.index) == ["09KX00", "09KX01", "20DK00", "21QW03"]  # '1' padded, 'qw' upper-cased
    assert got.loc["09KX01", "naam"] == "Basisschool Hélène Swarth, dépendance"
    assert got.loc["20DK00", "naam"] == "Scholengemeenschap Noordermarke – locatie Assen"
    assert got.loc["20DK00", ["regio_id", "sector"]].tolist() == ["noorderwijzer", "vo"]


def test_known_regions_as_dict_and_aliases():
    df = read_vestiging_regio(MAP / "vestiging_regio.csv", known_regions={k: None for k in KNOWN})
    assert len(df) == 5
    assert "BRIN6" in MAPPING_ALIASES["vestigingscode"] and "REGIO" in MAPPING_ALIASES["regio_id"]


BAD = [
    ("bad_two_regions.csv", None, ["kolom 'vestigingscode'", "09KX00", "regel 2: 'rond-bommel-en-dommel'",
                                   "regel 4: 'noorderwijzer'", "[regel 2, 4]"]),
    ("bad_unknown_region.csv", KNOWN, ["kolom 'regio_id'", "onbekende regio-id 'rond-bommel-dommel'", "[regel 3]",
                                       "noorderwijzer, rond-bommel-en-dommel"]),
    ("bad_malformed_brin.csv", None, ["kolom 'BRIN6'", "ongeldige vestigingscode", "'9KX00'", "'13BZ0A'",
                                      "[regel 3, 4]"]),
    ("bad_missing_column.csv", None, ["verplichte kolom 'regio_id' ontbreekt", "'ONDERWIJSREGIO'"]),
    ("does_not_exist.csv", None, ["bestand niet gevonden"]),
]


@pytest.mark.parametrize("name, known, expected", BAD, ids=[b[0] for b in BAD])
def test_bad_mapping_is_a_clear_data_error(name, known, expected):
    path = MAP / name
    assert_data_error(lambda: read_vestiging_regio(path, known_regions=known), path, expected)


def test_invalid_slug_empty_region_and_exact_duplicate(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("brin6,regio\n09KX00,Rond Bommel\n13BZ00,\n21QW03,noorderwijzer\n21QW03,noorderwijzer\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_vestiging_regio(path)
    problems = {p.message.split(" ")[0] + " " + p.message.split(" ")[1]: p.rows for p in err.value.problems}
    assert problems["ongeldige regio-id"] == (2,)
    assert problems["lege regio-id"] == (3,)
    assert problems["vestiging 21QW03"] == (4, 5)
    assert "staat meer dan eens" in str(err.value)


def test_loaders_never_modify_fixtures():
    def snapshot():
        return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(MAP.rglob("*")) if p.is_file()}

    before = snapshot()
    for p in sorted(MAP.glob("*.csv")):
        try:
            read_vestiging_regio(p, known_regions=KNOWN)
        except DataError:
            pass
    assert snapshot() == before


def test_generated_fixture_matches_its_script():
    module = load_script(MAP / "make_fixtures.py")
    for name, data in module.build().items():
        assert (MAP / name).read_bytes() == data, name
