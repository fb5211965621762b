"""Documents: reading .txt/.md/.docx/.pdf, normalisation, stable offsets, segmentation, bad input."""
from __future__ import annotations

import unicodedata

import pytest
from conftest import sources_dir, assert_data_error
from qualitative_fixtures import make_docx, make_pdf

from regio_analysis.io.documents import load_documents, read_document
from regio_analysis.qualitative.documents import (
    document_table,
    normalise_text,
    segment,
    text_hash,
)


def test_normalise_text_is_nfc_with_unix_newlines():
    decomposed = unicodedata.normalize("NFD", "Continuïteit\r\nééN\rtwee")
    text = normalise_text("\ufeff" + decomposed)
    assert text == "Continuïteit\nééN\ntwee"
    assert text_hash(decomposed) == text_hash("Continuïteit\nééN\ntwee")


def test_reads_all_four_formats(tmp_path):
    (tmp_path / "a.txt").write_bytes("Wij werven leraren.\r\nRegel twee.".encode("cp1252"))
    (tmp_path / "b.md").write_text("# Kop\n\nBegeleiding van starters.", encoding="utf-8")
    make_docx(tmp_path / "c_2025-03-14.docx", "Plan", ["Eerste alinea over inductie.", "Tweede alinea."], [["x", "y"]])
    make_pdf(tmp_path / "d.pdf", ["Professionalisering van leraren.", "Eén regel met accent."])
    docs = load_documents(tmp_path, regio_id="noorderwijzer", soort="plan")
    assert list(docs["bestand"]) == ["a.txt", "b.md", "c_2025-03-14.docx", "d.pdf"]
    assert docs.loc[0, "tekst"] == "Wij werven leraren.\nRegel twee."  # cp1252 read, CRLF normalised
    assert docs.loc[2, "tekst"].startswith("# Plan\n\nEerste alinea over inductie.")
    assert "| x | y |" in docs.loc[2, "tekst"]
    assert str(docs.loc[2, "datum"].date()) == "2025-03-14"  # date from the file name
    assert "Eén regel met accent." in docs.loc[3, "tekst"]
    assert (docs["regio_id"] == "noorderwijzer").all() and (docs["n_woorden"] > 0).all()
    assert docs["sha256"].str.len().eq(64).all()


@pytest.mark.parametrize("name, data, part", [
    ("kapot.docx", b"PK\x03\x04 dit is geen docx", "geen leesbaar Word-bestand"),
    ("tekst.docx", b"gewone tekst, geen zip", "geen leesbaar Word-bestand"),
    ("kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", "PDF"),
    ("leeg.txt", b"", "leeg"),
    ("x.rtf", b"{\\rtf1 hallo}", "onbekend documenttype"),
])
def test_unreadable_documents_raise_data_error_naming_the_file(tmp_path, name, data, part):
    path = tmp_path / name
    path.write_bytes(data)
    assert_data_error(lambda: read_document(path), path, [part])


def test_all_bad_files_in_a_folder_are_reported_together(tmp_path):
    (tmp_path / "goed.txt").write_text("Goed.", encoding="utf-8")
    (tmp_path / "a.docx").write_bytes(b"geen docx")
    (tmp_path / "b.pdf").write_bytes(b"geen pdf")
    message = assert_data_error(lambda: load_documents(tmp_path), tmp_path / "a.docx", ["2 problemen"])
    assert str(tmp_path / "b.pdf") in message


def test_empty_folder_is_a_data_error(tmp_path):
    assert_data_error(lambda: load_documents(tmp_path), tmp_path, ["geen documenten"])


def _seed_docs():
    paths = sorted(sources_dir().glob("00[0-3]_*.txt"))
    if len(paths) < 4:
        pytest.fail("source documents not found (REGIO_ANALYSIS_BRONNEN)")
    return load_documents(paths, soort="plan")


@pytest.mark.bronnen
@pytest.mark.parametrize("eenheid", ["zin", "alinea", "sectie"])
def test_segments_point_into_the_text_and_are_stable(eenheid):
    docs = _seed_docs()
    units = segment(docs, eenheid)
    again = segment(docs, eenheid)
    assert units.equals(again)
    texts = docs.set_index("doc_id")["tekst"]
    for u in units.itertuples(index=False):
        assert texts[u.doc_id][u.start:u.einde] == u.tekst
        assert u.tekst == u.tekst.strip() and u.tekst
    # units of one document do not overlap and keep their order
    for _, g in units.groupby("doc_id"):
        assert (g["start"].to_numpy()[1:] >= g["einde"].to_numpy()[:-1]).all()


def test_sentence_splitting_handles_abbreviations_wraps_and_headings():
    text = ("# 2.1 Werving\n\nWe werven o.a. zij-instromers, bijv. via de pabo. Dit gebeurt in 2026.\n\n"
            "Het plan is nog niet\n\naf, want er is meer nodig.\n\n- eerste punt\n- tweede punt")
    docs = document_table([{"doc_id": "d", "tekst": text}])
    zinnen = list(segment(docs, "zin")["tekst"])
    assert zinnen == ["# 2.1 Werving", "We werven o.a. zij-instromers, bijv. via de pabo.", "Dit gebeurt in 2026.",
                      "Het plan is nog niet\n\naf, want er is meer nodig.", "- eerste punt", "- tweede punt"]
    assert set(segment(docs, "zin")["sectie"]) == {"2.1 Werving"}
    secties = segment(docs, "sectie")
    assert list(secties["sectie"]) == ["2.1 Werving"] and secties.loc[0, "start"] == 0


@pytest.mark.bronnen
def test_gold_set_offsets_still_match_the_seeds():
    """The gold set is keyed by file, hash and offsets: the seeds and the normalisation must not drift."""
    import pandas as pd
    from conftest import REPO

    gold = pd.read_csv(REPO / "tests" / "data" / "gold_codes.csv", keep_default_na=False)
    for name, g in gold.groupby("bestand"):
        path = sources_dir() / name
        if not path.exists():
            pytest.fail(f"source document {name} not found (REGIO_ANALYSIS_BRONNEN)")
        text = read_document(path)[0]
        assert text_hash(text) == g["sha256"].iloc[0]
        units = segment(document_table([{"doc_id": "x", "tekst": text}]), "zin")
        spans = set(zip(units["start"], units["einde"]))
        assert set(zip(g["start"], g["einde"])) <= spans
