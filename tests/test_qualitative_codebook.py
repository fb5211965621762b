"""Codebook YAML: the shipped default, and clear errors for malformed files."""
from __future__ import annotations

import pytest
from conftest import REPO, assert_data_error

from regio_analysis.data.schemas import ABC
from regio_analysis.io.codebook import default_codebook, load_codebook, write_codebook
from regio_analysis.qualitative.codebook import normalise_path


def test_default_codebook_has_the_themes_abc_and_topics():
    cb = default_codebook()
    assert [c.naam for c in cb.group("thema")] == ["werven", "matchen", "opleiden", "begeleiden", "professionaliseren"]
    assert tuple(c.naam for c in cb.group("abc")) == ABC
    topics = {c.naam for c in cb.group("onderwerp")}
    assert {"inductie", "zij-instroom", "schoolleiders", "spp", "mobiliteit", "invalpool", "werkdruk", "peer-review",
            "diversiteit"} <= topics
    for code in cb:
        assert code.definitie, code.path
        if code.codeerbaar:
            assert code.has_rules, code.path
    assert cb.resolve("begeleiden") == "thema/begeleiden"
    assert cb.resolve("werkdruk") is None  # a topic and a reason for leaving: ambiguous
    assert cb["thema/werven"].guid == default_codebook()["thema/werven"].guid  # stable GUIDs


def test_default_codebook_is_package_data_included_in_the_wheel():
    # hatch includes every file under packages = ["regio_analysis"] (no exclude rule for *.yaml)
    import tomllib

    assert (REPO / "regio_analysis" / "qualitative" / "default_codebook.yaml").is_file()
    wheel = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "regio_analysis" in wheel["packages"] and "exclude" not in wheel


def test_yaml_round_trip(tmp_path):
    cb = default_codebook()
    assert write_codebook(cb, tmp_path / "cb.yaml").read_text(encoding="utf-8") == cb.to_yaml()
    again = load_codebook(tmp_path / "cb.yaml")
    assert again.to_dict() == cb.to_dict()


def test_normalise_path_accepts_maxqda_and_arrow_separators():
    assert normalise_path("Thema\\Werven") == "Thema/Werven"
    assert normalise_path(" thema > werven ") == "thema/werven"


@pytest.mark.parametrize("text, parts", [
    ("naam: x\ncodes:\n  - naam: a\n    termen: [a, b\n", ["geen geldige YAML", "regel"]),
    ("- gewoon een lijst\n", ["YAML-mapping"]),
    ("naam: x\n", ["'codes' ontbreekt"]),
    ("naam: x\ncodes:\n  - naam: a\n    kleur: rood\n", ["code 'a'", "kleur 'rood'"]),
    ("naam: x\ncodes:\n  - naam: a\n    patronen: ['(open']\n", ["geen geldige reguliere expressie"]),
    ("naam: x\ncodes:\n  - naam: a\n    termen: [a]\n    synoniemen: [b]\n", ["onbekende sleutel(s) synoniemen"]),
    ("naam: x\ncodes:\n  - naam: a\n    afgeleid_van: [thema/b]\n", ["onbekende code 'thema/b'"]),
    ("naam: x\ncodes:\n  - naam: a\n  - naam: a\n", ["komt twee keer voor"]),
    ("naam: x\ncodes:\n  - naam: a/b\n", ["codenaam bevat geen"]),
    ("naam: x\nnegatie: {venster: -1}\ncodes:\n  - naam: a\n", ["negatie.venster"]),
])
def test_malformed_codebooks_raise_data_error_naming_the_file(tmp_path, text, parts):
    path = tmp_path / "codeboek.yaml"
    path.write_text(text, encoding="utf-8")
    assert_data_error(lambda: load_codebook(path), path, parts)
