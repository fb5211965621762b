"""Manual codings in and out (CSV/XLSX), REFI-QDA .qdc/.qdpx validated against the schema,
and lossless round trips."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, assert_data_error

from regio_analysis.io.codebook import default_codebook
from regio_analysis.io.codings import export_codings, import_codings
from regio_analysis.io.refiqda import (
    qdpx_bytes,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from regio_analysis.qualitative.autocode import CODING_COLUMNS, auto_code
from regio_analysis.qualitative.documents import document_table

SCHEMAS = REPO / "tests" / "data" / "refiqda"
TEXT_A = ("# Werving\n\nWe werven zij-instromers via een campagne. Elke starter krijgt een mentor.\n\n"
          "Coördinatie met de pabo: één loket voor matching 😀 en mobiliteit.")
TEXT_B = "Scholing en nascholing voor leraren.\r\nDe werkdruk blijft hoog."


@pytest.fixture
def docs():
    return document_table([{"doc_id": "plan-a", "regio_id": "noorderwijzer", "soort": "plan", "tekst": TEXT_A,
                            "bestand": "plan_a.docx", "titel": "Plan A"},
                           {"doc_id": "plan-b", "regio_id": "noorderwijzer", "soort": "plan", "tekst": TEXT_B,
                            "bestand": "plan_b.txt", "titel": "Plan B"}])


@pytest.fixture
def codings(docs):
    auto = auto_code(docs, default_codebook())[CODING_COLUMNS]
    manual = pd.DataFrame([
        {"doc_id": "plan-a", "start": 11, "einde": 55, "code": "thema/werven", "codeur": "Anna", "memo": "campagne <2026> & meer",
         "auto": False, "regel": ""},
        {"doc_id": "plan-a", "start": 11, "einde": 55, "code": "onderwerp/zij-instroom", "codeur": "Anna", "memo": "campagne <2026> & meer",
         "auto": False, "regel": ""},
        {"doc_id": "plan-b", "start": 0, "einde": 36, "code": "thema/professionaliseren", "codeur": "Bob", "memo": "",
         "auto": False, "regel": ""},
    ])
    return pd.concat([auto, manual], ignore_index=True)


def _schema(name: str):
    import xmlschema

    files = sorted(SCHEMAS.glob(f"{name}-*.xsd"))
    assert files, f"no {name} schema in {SCHEMAS}"
    return [xmlschema.XMLSchema(str(f)) for f in files]


def _key(df):
    cols = ["doc_id", "start", "einde", "code", "codeur", "memo"]
    return df[cols].astype(str).sort_values(cols).reset_index(drop=True)


def test_qdc_validates_against_the_codebook_schema_and_round_trips(tmp_path):
    cb = default_codebook()
    path = write_qdc(cb, tmp_path / "codeboek.qdc")
    for schema in _schema("Codebook"):
        schema.validate(str(path))
    again = read_qdc(path)
    assert again.to_dict()["codes"] == cb.to_dict()["codes"]
    assert [c.guid for c in again] == [c.guid for c in cb]


def test_qdpx_validates_against_the_project_schema_and_reads_back_the_same_codings(tmp_path, docs, codings):
    path = write_qdpx(tmp_path / "project.qdpx", docs, codings, default_codebook(), naam="Test")
    xml = qdpx_bytes(path).decode("utf-8")
    for schema in _schema("Project"):
        schema.validate(xml)
    with zipfile.ZipFile(path) as zf:
        assert "project.qde" in zf.namelist() and sum(n.startswith("Sources/") for n in zf.namelist()) == 2
    project = read_qdpx(path)
    assert _key(project.codings).equals(_key(codings))
    texts = project.documenten.set_index("doc_id")["tekst"]
    assert texts["plan-a"] == TEXT_A and texts["plan-b"] == TEXT_B.replace("\r\n", "\n")
    # offsets are code points: the coded text is the same after the emoji and accents
    row = codings[(codings["code"] == "thema/matchen")].iloc[0]
    assert texts["plan-a"][row.start:row.einde] == TEXT_A[row.start:row.einde]
    assert set(project.users.values()) == {"auto", "Anna", "Bob"}
    # writing twice gives the same bytes (content-derived GUIDs, fixed zip dates)
    write_qdpx(tmp_path / "again.qdpx", docs, codings, default_codebook(), naam="Test")
    assert (tmp_path / "again.qdpx").read_bytes() == path.read_bytes()


def test_qdpx_written_by_another_tool_with_inline_text(tmp_path):
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="ander">
 <Users><User guid="00000000-0000-0000-0000-00000000000a" name="Cas"/></Users>
 <CodeBook><Codes><Code guid="00000000-0000-0000-0000-000000000001" name="Thema" isCodable="false">
   <Code guid="00000000-0000-0000-0000-000000000002" name="Werven" isCodable="true" color="#112233"/></Code></Codes></CodeBook>
 <Sources><TextSource guid="00000000-0000-0000-0000-000000000003" name="interview 1">
   <PlainTextContent>Wij werven collega's.</PlainTextContent>
   <PlainTextSelection guid="00000000-0000-0000-0000-000000000004" startPosition="4" endPosition="10" creatingUser="00000000-0000-0000-0000-00000000000a">
    <Coding guid="00000000-0000-0000-0000-000000000005"><CodeRef targetGUID="00000000-0000-0000-0000-000000000002"/></Coding>
   </PlainTextSelection></TextSource></Sources>
</Project>"""
    for schema in _schema("Project"):
        schema.validate(qde)
    path = tmp_path / "ander.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
    p = read_qdpx(path)
    assert p.codings[["doc_id", "start", "einde", "code", "codeur"]].values.tolist() == [["interview 1", 4, 10, "Thema/Werven", "Cas"]]
    assert p.codebook["Thema/Werven"].kleur == "#112233"


@pytest.mark.parametrize("make, part", [
    (lambda p: p.write_bytes(b"geen zip"), "geen geldig .qdpx-bestand"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("iets.txt", "x"), "project.qde ontbreekt"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("project.qde", "<Project><kapot"), "geen geldige XML"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x">'
                                                  '<Sources><TextSource guid="00000000-0000-0000-0000-000000000003" name="d" '
                                                  'plainTextPath="internal://weg.txt"/></Sources></Project>'),
     "ontbreekt in Sources/"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x">'
                                                  '<Sources><TextSource guid="00000000-0000-0000-0000-000000000003" name="d">'
                                                  '<PlainTextContent>abc</PlainTextContent><PlainTextSelection guid="00000000-0000-0000-0000-000000000004" '
                                                  'startPosition="0" endPosition="2"><Coding guid="00000000-0000-0000-0000-000000000005">'
                                                  '<CodeRef targetGUID="00000000-0000-0000-0000-000000000009"/></Coding>'
                                                  '</PlainTextSelection></TextSource></Sources></Project>'),
     "onbekende code"),
])
def test_bad_qdpx_raises_data_error_naming_the_file(tmp_path, make, part):
    path = tmp_path / "kapot.qdpx"
    make(path)
    assert_data_error(lambda: read_qdpx(path), path, [part])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_exchange_table_round_trip(tmp_path, docs, codings, suffix):
    cb = default_codebook()
    path = tmp_path / f"codes{suffix}"
    table = export_codings(codings, docs, path)
    assert list(table.columns) == ["document", "segment", "code", "coder", "memo", "start", "einde"]
    back = import_codings(path, docs, cb)
    assert _key(back).equals(_key(codings))


def test_review_export_and_reviewed_import(tmp_path, docs, codings):
    path = tmp_path / "review.csv"
    table = export_codings(codings[codings["auto"]], docs, path, review=True)
    assert {"regel", "treffer", "akkoord"} <= set(table.columns)
    table["akkoord"] = ["nee"] + ["ja"] * (len(table) - 1)
    table.to_csv(path, index=False)
    back = import_codings(path, docs, default_codebook())
    assert len(back) == len(table) - 1


def test_maxqda_style_file_without_offsets(tmp_path, docs):
    path = tmp_path / "maxqda.csv"
    pd.DataFrame({"Document name": ["Plan A", "plan_b"], "Code": ["Thema\\werven", "professionaliseren"],
                  "Segment": ["We werven zij-instromers via een campagne.", "Scholing en nascholing voor leraren."],
                  "Comment": ["", "memo"]}).to_csv(path, sep=";", index=False)
    back = import_codings(path, docs, default_codebook(), coder="Cas")
    assert back[["doc_id", "start", "einde", "code", "codeur"]].values.tolist() == [
        ["plan-a", 11, 53, "thema/werven", "Cas"], ["plan-b", 0, 36, "thema/professionaliseren", "Cas"]]


def test_bad_coding_import_names_column_and_rows(tmp_path, docs):
    path = tmp_path / "fout.csv"
    pd.DataFrame({"document": ["plan-a", "plan-a", "onbekend", "plan-b", "plan-a"],
                  "code": ["thema/werven", "thema/bestaat-niet", "thema/werven", "thema", "thema/werven"],
                  "segment": ["We werven", "x", "y", "Scholing", "staat er niet in"]}).to_csv(path, index=False)
    message = assert_data_error(lambda: import_codings(path, docs, default_codebook()), path, [
        "kolom 'code'", "'thema/bestaat-niet'", "regel 3", "kolom 'document'", "'onbekend'", "regel 4",
        "niet codeerbaar", "regel 5", "kolom 'segment'", "regel 3, 6"])
    assert "4 problemen" in message or "5 problemen" in message


def test_missing_columns_and_bad_offsets(tmp_path, docs):
    path = tmp_path / "kolommen.csv"
    pd.DataFrame({"bestand": ["plan-a"], "tekst": ["x"]}).to_csv(path, index=False)
    assert_data_error(lambda: import_codings(path, docs, default_codebook()), path, ["ontbreken", "code"])
    pd.DataFrame({"document": ["plan-a"], "code": ["thema/werven"], "start": ["5"], "einde": ["9999"]}).to_csv(path, index=False)
    assert_data_error(lambda: import_codings(path, docs, default_codebook()), path, ["ongeldige start/einde", "regel 2"])
    bad = tmp_path / "kapot.xlsx"
    bad.write_bytes(b"geen excel")
    assert_data_error(lambda: import_codings(bad, docs, default_codebook()), bad, ["geen leesbaar Excel-bestand"])


def test_schema_files_are_documented():
    readme = (SCHEMAS / "README.md").read_text()
    for f in SCHEMAS.glob("*.xsd"):
        assert f.name in readme
    assert Path(SCHEMAS / "Project-mrt2019.xsd").read_text().count("urn:QDA-XML:project:1.0") >= 2
