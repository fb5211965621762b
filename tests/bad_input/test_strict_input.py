"""Bad-input corpus, input side: bounded work on hostile input and strict values.

Each case corrupts a copy of a default region (or writes a small source file) and checks
that the command or loader stops with one clean DataError that names the file, the
column or key and the line, without a traceback, within a short time limit, and that no
input file changed. A few cases check that a value is read *right* (``12.000``).
"""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from harness import _record, isolated_env, run_cli, snapshot, region_copy  # noqa: F401 (a fixture)

HANG = 30  # seconds: a case that used to hang must end well within this
TIMEOUT = 90  # seconds for a CLI case on a loaded machine (imports take a few seconds)


# --- helpers -----------------------------------------------------------------------------------

def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def set_cell(path: Path, column: str, value: str, row: int = 0) -> int:
    """Set ``column`` of data row ``row`` (0-based) and return its line number in the file."""
    rows = _rows(path)
    rows[row + 1][rows[0].index(column)] = value
    _write_rows(path, rows)
    return row + 2


def rename_header(path: Path, old: str, new: str) -> None:
    rows = _rows(path)
    rows[0][rows[0].index(old)] = new
    _write_rows(path, rows)


def add_column(path: Path, header: str, value: str) -> None:
    rows = _rows(path)
    rows[0].append(header)
    for r in rows[1:]:
        r.append(value)
    _write_rows(path, rows)


def assert_names(text: str, *parts: str) -> None:
    """The message names every part (file, column/key, line), in one paragraph."""
    for part in parts:
        assert part in text, f"{part!r} not named in:\n{text[-2000:]}"
    assert "Traceback" not in text


def validate(request, folder: Path, tmp_path: Path, *, timeout: float = TIMEOUT, watch=()):
    res = run_cli(request, "controleren", str(folder), tmp_path=tmp_path, timeout=timeout, watch=(folder, *watch))
    assert res.returncode == 1, res.output
    return res


def run_py(request, script: str, tmp_path: Path, *, timeout: float = HANG, watch=(), expect: str = "error") -> str:
    """Run a library call in a subprocess (a hang cannot stop the test session); with
    ``expect="error"`` the script must end with a DataError, with ``"ok"`` without one.
    Classified like ``run_cli``; returns the output."""
    wrapper = textwrap.dedent("""
        import sys
        from regio_analysis import DataError
        try:
            exec(compile(sys.argv[1], "<case>", "exec"))
        except DataError as err:
            print(err)
            sys.exit(1)
        print("geen fout")
    """)
    before = snapshot(*watch)
    try:
        res = subprocess.run([sys.executable, "-c", wrapper, textwrap.dedent(script)], capture_output=True, text=True,
                             timeout=timeout, env=isolated_env(tmp_path), cwd=tmp_path, stdin=subprocess.DEVNULL)
        rc, out = res.returncode, res.stdout + res.stderr
    except subprocess.TimeoutExpired:
        rc, out = None, ""
    outcome = ("hang" if rc is None else "traceback" if "Traceback (most recent call last)" in out
               else ("silent" if rc == 0 else "clean") if expect == "error" else ("ok" if rc == 0 else "clean"))
    _record(request.node.nodeid, outcome)
    assert snapshot(*watch) == before, "an input file changed"
    want = "clean" if expect == "error" else "ok"
    assert outcome == want, f"{outcome}: exit {rc}\n{out[-3000:]}"
    return out


def expect_ok(request, check) -> None:
    """A case that must be read right: recorded as ``ok``, or ``silent`` when it is misread."""
    try:
        check()
    except AssertionError:
        _record(request.node.nodeid, "silent")
        raise
    except Exception:
        _record(request.node.nodeid, "traceback")
        raise
    _record(request.node.nodeid, "ok")


ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
       f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]" for i in range(9)]
)


def alias_bomb_region(folder: Path) -> None:
    text = (folder / "regio.yaml").read_text(encoding="utf-8")
    (folder / "regio.yaml").write_text(text.replace("bron:", ALIAS_BOMB + "\nbron:", 1) if "bron:" in text
                                       else text + ALIAS_BOMB + "\n", encoding="utf-8")


# --- YAML: regio.yaml --------------------------------------------------------------------------

def test_yaml_alias_bomb_fails_validate_promptly(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    alias_bomb_region(folder)
    res = validate(request, folder, tmp_path, timeout=HANG)
    assert_names(res.output, "regio.yaml", "verwijzingen", "regel ")


def test_yaml_alias_bomb_fails_regions_promptly(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    alias_bomb_region(folder)
    res = run_cli(request, "regios", "--gegevens", str(folder.parent), tmp_path=tmp_path, timeout=HANG,
                  watch=(folder,))
    assert res.returncode != 0
    assert_names(res.output, str(folder / "regio.yaml"), "verwijzingen", "regel ")


def test_yaml_duplicate_key_in_regio_yaml(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "regio.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, ln in enumerate(lines) if ln.startswith("naam:"))
    lines.insert(first + 1, "naam: Een andere naam")
    path.write_text("\n".join(lines), encoding="utf-8")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "'naam'", "twee keer", f"regel {first + 1}, {first + 2}")


def test_yaml_naam_that_is_a_number(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "regio.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^naam:.*$", "naam: 2024", text), encoding="utf-8")
    line = next(i for i, ln in enumerate(path.read_text().split("\n"), 1) if ln.startswith("naam:"))
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "'naam' moet tekst zijn", f"regel {line}")
    res = run_cli(request, "regios", "--gegevens", str(folder.parent), tmp_path=tmp_path, timeout=TIMEOUT,
                  watch=(folder,))
    assert_names(res.output, str(path), "'naam' moet tekst zijn")


def test_yaml_too_large_regio_yaml(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "regio.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# " + "x" * 3_000_000 + "\n", encoding="utf-8")
    res = validate(request, folder, tmp_path, timeout=HANG)
    assert_names(res.output, str(path), "groter dan")


def test_regio_yaml_symlink_out_of_the_folder_is_refused(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    outside = tmp_path / "elders.yaml"
    outside.write_bytes((folder / "regio.yaml").read_bytes())
    (folder / "regio.yaml").unlink()
    (folder / "regio.yaml").symlink_to(outside)
    res = validate(request, folder, tmp_path, watch=(outside,))
    assert_names(res.output, str(folder / "regio.yaml"), "symbolische link", str(outside))


# --- CSV headers -------------------------------------------------------------------------------

def test_csv_duplicate_header(request, tmp_path, region_copy):
    folder = region_copy("rond-bommel-en-dommel")
    path = folder / "leerlingen.csv"
    add_column(path, "aantal", "1")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'aantal'", "twee keer", "regel 1")


def test_csv_headers_colliding_after_stripping_spaces(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "kengetallen.csv"
    add_column(path, " waarde ", "1")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'waarde'", "botst", "regel 1")


def test_csv_misspelled_optional_column(request, tmp_path, region_copy):
    folder = region_copy("rond-bommel-en-dommel")
    path = folder / "leerlingen.csv"
    rename_header(path, "prognose", "prognoze")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'prognoze'", "bedoelde u 'prognose'", "regel 1")


def test_csv_misspelled_required_column_gets_a_suggestion(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "samen_opleiden.csv"
    rename_header(path, "studenten_totaal", "studenten_totaa")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'studenten_totaa'", "bedoelde u 'studenten_totaal'")


# --- values ------------------------------------------------------------------------------------

@pytest.mark.parametrize("table,column,value,message", [
    ("leerlingen.csv", "aantal", "inf", "geen eindig getal"),
    ("leerlingen.csv", "aantal", "-Infinity", "geen eindig getal"),
    ("leerlingen.csv", "aantal", "nan", "niet numeriek"),
    ("leerlingen.csv", "aantal", "1e300", "onwaarschijnlijk groot"),
    ("leerlingen.csv", "peiljaar", "20245", "geen plausibel jaar"),
    ("kengetallen.csv", "jaar", "20245", "geen plausibel jaar"),
    ("kengetallen.csv", "waarde", "-30", "negatief aantal"),
    ("raming.csv", "waarde", "-138", "negatief aantal"),
], ids=["inf", "minus-infinity", "nan-text", "1e300", "year-20245", "kengetal-year-20245",
        "negative-kengetal-count", "negative-raming-fte"])
def test_csv_bad_number(request, tmp_path, region_copy, table, column, value, message):
    folder = region_copy("rond-bommel-en-dommel")
    path = folder / table
    line = set_cell(path, column, value)
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), f"kolom '{column}'" if "negatief" not in message else "", message,
                 f"regel {line}")


def test_csv_integer_beyond_int64(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "samen_opleiden.csv"
    line = set_cell(path, "studenten_totaal", "12345678901234567890")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'studenten_totaal'", "onwaarschijnlijk groot", f"regel {line}")


def test_csv_amount_beyond_float_precision(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "begroting.csv"
    line = set_cell(path, "bedrag_eur", "99999999999999999999")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'bedrag_eur'", "onwaarschijnlijk groot", f"regel {line}")


def test_csv_implausible_founding_year(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "partnerschappen.csv"
    line = set_cell(path, "peer_review_jaar", "1900")
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'peer_review_jaar'", "geen plausibel jaar", f"regel {line}")


def test_csv_timezone_in_activity_date(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "activiteiten.csv"
    line = set_cell(path, "start", "2024-01-01T09:00:00+02:00", row=1)
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'start'", "tijdzone", f"regel {line}")


def test_csv_nul_byte_in_title(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "activiteiten.csv"
    line = set_cell(path, "titel", "Werving\x00 en matching", row=2)
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "NUL", f"regel {line}")


def test_csv_control_character_in_title(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    path = folder / "activiteiten.csv"
    line = set_cell(path, "titel", "Werving\x1b[31m en matching", row=2)
    res = validate(request, folder, tmp_path)
    assert_names(res.output, str(path), "kolom 'titel'", "stuurtekens", f"regel {line}")


def test_csv_symlink_out_of_the_region_folder_is_refused(request, tmp_path, region_copy):
    folder = region_copy("po-noord-nederland")
    outside = tmp_path / "geheim.csv"
    outside.write_bytes((folder / "kengetallen.csv").read_bytes())
    (folder / "kengetallen.csv").unlink()
    (folder / "kengetallen.csv").symlink_to(outside)
    res = validate(request, folder, tmp_path, watch=(outside,))
    assert_names(res.output, str(folder / "kengetallen.csv"), "symbolische link", str(outside))


def test_validate_missing_folder_says_it_does_not_exist(request, tmp_path):
    missing = tmp_path / "geen" / "regiomap"
    res = run_cli(request, "controleren", str(missing), tmp_path=tmp_path, timeout=TIMEOUT)
    assert_names(res.output, str(missing), "bestaat niet")
    assert "ongeldige regio-id" not in res.output


def test_default_regions_still_validate(request, tmp_path):
    from regio_analysis.data.regions import DEFAULT_REGIONS

    for rid in DEFAULT_REGIONS:
        res = run_cli(request, "controleren", rid, tmp_path=tmp_path, expect="ok", timeout=TIMEOUT)
        assert "geen fouten" in res.stdout


# --- codebooks ---------------------------------------------------------------------------------

CODEBOOK = """\
naam: Test
codes:
  - naam: thema
    codeerbaar: false
    codes:
      - naam: begeleiden
        termen: [mentor]
        patronen: [{pattern}]
"""


def test_codebook_catastrophic_pattern_stops_with_a_clear_error(request, tmp_path):
    book = tmp_path / "codeboek.yaml"
    book.write_text(CODEBOOK.format(pattern="'(a+)+$'"), encoding="utf-8")
    out = run_py(request, f"""
        from regio_analysis.io.codebook import load_codebook
        from regio_analysis.qualitative.autocode import auto_code
        from regio_analysis.qualitative.documents import document_table
        docs = document_table([{{"doc_id": "d1", "tekst": "Een mentor. " + "a" * 5000 + "b."}}])
        auto_code(docs, load_codebook({str(book)!r}))
    """, tmp_path, watch=(book,))
    assert_names(out, str(book), "thema/begeleiden", "(a+)+$", "vereenvoudig")


@pytest.mark.parametrize("pattern,message", [("''", "leeg patroon"), ("'x*'", "lege tekst"),
                                             ("'(?=mentor)'", "lege tekst")], ids=["empty", "star", "lookahead"])
def test_codebook_pattern_that_codes_every_sentence_is_refused(request, tmp_path, pattern, message):
    from regio_analysis import DataError
    from regio_analysis.io.codebook import load_codebook

    from harness import call_api

    book = tmp_path / "codeboek.yaml"
    book.write_text(CODEBOOK.format(pattern=pattern), encoding="utf-8")
    err = call_api(request, lambda: load_codebook(book), watch=(book,), expect_error=DataError)
    assert_names(str(err), str(book), "thema/begeleiden", message)


def test_codebook_duplicate_key(request, tmp_path):
    from regio_analysis.io.codebook import load_codebook

    from harness import call_api

    book = tmp_path / "codeboek.yaml"
    text = CODEBOOK.format(pattern="'geen mentor'").replace("        termen: [mentor]\n",
                                                            "        termen: [mentor]\n        termen: [coach]\n")
    book.write_text(text, encoding="utf-8")
    err = call_api(request, lambda: load_codebook(book), watch=(book,))
    assert_names(str(err), str(book), "'termen'", "twee keer", "regel 7, 8")


# --- frameworks and scenarios ------------------------------------------------------------------

def test_framework_duplicate_doel(request, tmp_path):
    from regio_analysis.io.frameworks import load_framework
    from regio_analysis.peerreview.framework import default_framework_path

    from harness import call_api

    lines = Path(default_framework_path()).read_text(encoding="utf-8").split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.strip().startswith("doel:"))
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    lines.insert(i + 1, f"{indent}doel: 1")
    path = tmp_path / "kader.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    err = call_api(request, lambda: load_framework(path), watch=(path,))
    assert_names(str(err), str(path), "'doel'", f"regel {i + 1}, {i + 2}")


@pytest.mark.parametrize("line,message", [
    ("uitstroom_pp: 1000", "uitstroom_pp = 1000"),
    ("leerlingen: 1.0e+300", "leerlingen = 1e+300"),
    ("pensioenleeftijd: 67.5", "pensioenleeftijd = 67.5"),
], ids=["rate-beyond-100pp", "factor-1e300", "fractional-pension-age"])
def test_scenario_value_outside_its_domain(request, tmp_path, line, message):
    from regio_analysis.io.scenarios import load_scenarios

    from harness import call_api

    path = tmp_path / "scenarios.yaml"
    path.write_text(f"scenarios:\n  krimp:\n    label: sterke krimp\n    {line}\n", encoding="utf-8")
    err = call_api(request, lambda: load_scenarios(path), watch=(path,))
    assert_names(str(err), str(path), "'krimp'", message, "regel 4")


# --- documents ---------------------------------------------------------------------------------

def _docx_with_body(path: Path, body_xml: bytes) -> None:
    import docx

    src = tmp = path.with_suffix(".src.docx")
    docx.Document().save(str(src))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                head, tail = data.split(b"</w:body>")
                data = head + body_xml + b"</w:body>" + tail
            zout.writestr(info.filename, data)
    tmp.unlink()


def test_docx_zip_bomb_is_refused_before_parsing(request, tmp_path):
    path = tmp_path / "docs" / "bom.docx"
    path.parent.mkdir()
    # 60 MB of XML (more than the 50 MB limit), as 60 000 ordinary paragraphs, in a file of under 1 MB
    _docx_with_body(path, (b"<w:p><w:r><w:t>" + b"aaaa " * 198 + b"</w:t></w:r></w:p>") * 60_000)
    assert path.stat().st_size < 1_000_000
    out = run_py(request, f"""
        from regio_analysis.io.documents import load_documents
        load_documents({str(path.parent)!r})
    """, tmp_path, watch=(path,))
    assert_names(out, str(path), "uitgepakt groter dan")


def _pdf_with_pages(path: Path, n: int) -> None:
    """A valid PDF of ``n`` pages, each with one line of text (sharing one content stream)."""
    content = b"BT /F1 12 Tf 72 720 Td (Een bladzijde tekst.) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(n)) + b"] /Count %d >>" % n,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
             b"/Contents 4 0 R >>"] * n
    from qualitative_fixtures import pdf_bytes

    path.write_bytes(pdf_bytes(objs))


def test_pdf_page_limit(request, tmp_path):
    from regio_analysis.io import documents

    limit = getattr(documents, "MAX_PDF_PAGES", 2000)  # getattr: the corpus also runs on older code
    path = tmp_path / "lang.pdf"
    _pdf_with_pages(path, limit + 1)
    small = tmp_path / "kort.pdf"
    _pdf_with_pages(small, 3)
    assert documents.read_document(small)[0].count("Een bladzijde tekst.") == 3  # the generator makes real PDFs
    out = run_py(request, f"""
        from regio_analysis.io.documents import read_document
        read_document({str(path)!r})
    """, tmp_path, watch=(path,))
    assert_names(out, str(path), f"{limit + 1} pagina's")


def test_one_long_paragraph_is_segmented_in_linear_time(request, tmp_path):
    # 20 000 sentences (1.6 MB) without a blank line: the sentence splitter used to copy and
    # rescan the paragraph for every sentence end (hours); now a couple of seconds
    out = run_py(request, """
        from regio_analysis.qualitative.documents import document_table, segment
        text = " ".join(["Elke starter krijgt een vaste mentor, bijv. van de school. De werkdruk is hoog."] * 20000)
        units = segment(document_table([{"doc_id": "d", "tekst": text}]))
        assert len(units) == 40000, len(units)
    """, tmp_path, expect="ok")
    assert "geen fout" in out


def test_document_folder_symlink_out_is_refused(request, tmp_path):
    from regio_analysis.io.documents import load_documents

    from harness import call_api

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("Elke starter krijgt een mentor.", encoding="utf-8")
    outside = tmp_path / "prive.txt"
    outside.write_text("Vertrouwelijk.", encoding="utf-8")
    (docs / "link.txt").symlink_to(outside)
    err = call_api(request, lambda: load_documents(docs), watch=(docs, outside))
    assert_names(str(err), str(docs / "link.txt"), "symbolische link")


# --- DUO source files --------------------------------------------------------------------------

DUO_HEADER = "BRIN NUMMER;VESTIGINGSNUMMER;SOORT PO;PEILDATUM;TOTAAL\n"


def test_duo_thousands_separator_in_counts_and_decimals_in_fte(request, tmp_path):
    from regio_analysis.io.duo import read_duo_leerlingen, read_duo_personeel

    pupils = tmp_path / "leerlingen.csv"
    pupils.write_text(DUO_HEADER + "09KX;00;BO;2023-10-01;12.000\n09KX;01;BO;2023-10-01;350\n", encoding="utf-8")
    staff = tmp_path / "personeel.csv"
    staff.write_text("BRIN NUMMER;FUNCTIEGROEP;PEILDATUM;PERSONEN;FTE\n"
                     "09KX;Directie;2023-10-01;1.200;12.5\n"
                     "09KX;Onderwijsgevend personeel;2023-10-01;20;17.012\n", encoding="utf-8")

    def check():
        ll = read_duo_leerlingen(pupils).set_index("vestigingscode")["aantal"]
        assert ll["09KX00"] == 12000 and ll["09KX01"] == 350
        pp = read_duo_personeel(staff).set_index(["functiegroep", "eenheid"])["waarde"]
        assert pp[("DIR", "personen")] == 1200
        assert pp[("DIR", "fte")] == pytest.approx(12.5)
        assert pp[("OP", "fte")] == pytest.approx(17.012)

    expect_ok(request, check)


@pytest.mark.parametrize("value,message", [("inf", "geen eindig getal"),
                                           ("12345678901234567890", "onwaarschijnlijk groot"),
                                           ("12.5", "geen geheel aantal")], ids=["inf", "20-digits", "fractional"])
def test_duo_bad_count(request, tmp_path, value, message):
    from regio_analysis.io.duo import read_duo_leerlingen

    from harness import call_api

    path = tmp_path / "leerlingen.csv"
    path.write_text(DUO_HEADER + "09KX;00;BO;2023-10-01;40\n" + f"09KX;01;BO;2023-10-01;{value}\n", encoding="utf-8")
    err = call_api(request, lambda: read_duo_leerlingen(path), watch=(path,))
    assert_names(str(err), str(path), "kolom 'TOTAAL'", message, "regel 3")


def test_duo_headers_that_normalise_alike(request, tmp_path):
    from regio_analysis.io.duo import read_duo_leerlingen

    from harness import call_api

    path = tmp_path / "leerlingen.csv"
    path.write_text("BRIN NUMMER;BRIN_NUMMER;VESTIGINGSNUMMER;SOORT PO;PEILDATUM;TOTAAL\n"
                    "09KX;13BZ;00;BO;2023-10-01;40\n", encoding="utf-8")
    err = call_api(request, lambda: read_duo_leerlingen(path), watch=(path,))
    assert_names(str(err), str(path), "'BRIN NUMMER'", "'BRIN_NUMMER'", "regel 1")
