"""Keyed pseudonymisation (checked against the RFC 4231 HMAC-SHA256 test vector), complementary suppression, scrubbing quotes and the disclosure audit."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.data.privacy import (
    audit,
    get_key,
    is_pseudonym,
    names_from_region,
    pii_found,
    pseudonymise,
    scrub,
    suppress_counts,
    suppress_life_table,
    suppress_small_cells,
    write_sidecar,
)


def test_pseudonym_is_hmac_sha256_rfc4231_case_2():
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    out = pseudonymise(["what do ya want for nothing?"], key=b"Jefe")
    assert out.tolist() == ["p_" + expected[:16]]


def test_pseudonyms_are_stable_keyed_idempotent_and_keep_na():
    ids = pd.Series(["123", "456", "123", None])
    a = pseudonymise(ids, key=b"k" * 32)
    assert a[0] == a[2] != a[1] and pd.isna(a[3])
    assert all(is_pseudonym(v) for v in a[:3])
    assert pseudonymise(ids, key=b"j" * 32)[0] != a[0], "another key must give other pseudonyms"
    assert pseudonymise(a, key=b"j" * 32).tolist()[:3] == a.tolist()[:3], "pseudonymising twice changes nothing"
    assert pseudonymise([123], key=b"k" * 32)[0] == a[0], "numbers and their text give the same pseudonym"


def test_key_from_environment_and_file(monkeypatch, tmp_path):
    monkeypatch.setenv("REGIO_ANALYSIS_KEY", "x" * 20)
    assert get_key() == b"x" * 20
    monkeypatch.setenv("REGIO_ANALYSIS_KEY", "kort")
    with pytest.raises(DataError, match="16 tekens"):
        get_key()
    monkeypatch.delenv("REGIO_ANALYSIS_KEY")
    keyfile = tmp_path / "sub" / "p.key"
    monkeypatch.setenv("REGIO_ANALYSIS_KEY_FILE", str(keyfile))
    with pytest.warns(UserWarning, match="nieuwe pseudonimiseringssleutel"):
        first = get_key(create=True)
    assert keyfile.stat().st_mode & 0o777 == 0o600
    assert get_key() == first and len(first) == 64


def test_suppress_small_cells_blanks_1_to_k_minus_1():
    df = pd.DataFrame({"groep": list("abcde"), "n": [0, 3, 9, 10, 25]})
    out = suppress_small_cells(df, "n", k=10)
    assert out["n"].isna().tolist() == [False, True, True, False, False]
    assert out["onderdrukt"].tolist() == [False, True, True, False, False]
    assert df["n"].tolist() == [0, 3, 9, 10, 25], "the input must not change"
    assert suppress_small_cells(df, "n", k=10, suppress_zero=True)["n"].isna().tolist()[0]


def test_complementary_suppression_hides_the_cell_a_total_would_reveal():
    df = pd.DataFrame({"regio": ["x"] * 3 + ["y"] * 3, "cat": list("abcabc"), "n": [4, 50, 30, 20, 40, 60]})
    out = suppress_small_cells(df, "n", k=10, complementary_by=["regio"])
    # region x: 4 is suppressed, so the next smallest (30) is too; region y is untouched
    assert out["n"].isna().tolist() == [True, False, True, False, False, False]


def test_suppress_unknown_column_is_a_dataerror():
    with pytest.raises(DataError, match="bestaan niet"):
        suppress_small_cells(pd.DataFrame({"n": [1]}), ["aantal"])


def small_region(root, regio_id: str = "kleine-regio", seed: int = 0):
    """A data folder with one small region: 50 starting teachers (OP starters, their spells as
    the region's own microdata), a survey of 6 students and 4 supervisors, and open exit
    answers of the leavers among them, some naming people, schools and addresses."""
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from regio_analysis.data import load_region
    from regio_analysis.io.files import write_csv
    from regio_analysis.data.synthetic import generate_dienstverbanden

    folder = Path(root) / regio_id
    folder.mkdir(parents=True)
    (folder / "regio.yaml").write_text(
        f"regio_id: {regio_id}\nnaam: Kleine regio\nsectoren: [PO]\nprovincies: [Utrecht]\n"
        "bron: kleine testregio (test)\n", encoding="utf-8")
    spells = generate_dienstverbanden(load_region("rond-bommel-en-dommel"), seed=seed)
    op = spells[spells["starter"] & (spells["functiegroep"] == "OP")]
    people = op["persoon_id"].drop_duplicates().iloc[:50]
    keep = spells[spells["persoon_id"].isin(people)]
    write_csv(keep.drop(columns=["bron"]).assign(bron="test"), folder / "dienstverbanden.csv")
    rng = np.random.default_rng(seed)
    rows = []
    for groep, n, items in (("student", 6, ("tevredenheid opleiden in de school", "kwaliteit begeleiding op de werkplek")),
                            ("begeleider", 4, ("tevredenheid samenwerking met de opleiding", "toerusting als schoolopleider"))):
        for i in range(n):
            for item in items:
                rows.append({"respondent_id": f"{groep}-{i}", "jaar": 2024, "groep": groep, "item": item,
                             "waarde": int(rng.integers(1, 6)), "bron": "test"})
    write_csv(pd.DataFrame(rows), folder / "enquete.csv")
    zinnen = ["De werkdruk was te hoog, vooral bij juf Annemiek de Graaf op OBS De Klimop.",
              "Mijn mentor Pieter Jansen had nooit tijd; bel hem maar op 06-12345678.",
              "Het salaris paste niet bij de verantwoordelijkheid. Ik woon nu aan de Dorpsstraat 12, 1234 AB Ergens.",
              "Als beginner kreeg ik nauwelijks begeleiding van meester Bram.",
              "De reis naar school kostte te veel tijd; mail me op sanne.devries@example.nl.",
              "Mijn tijdelijke aanstelling werd niet verlengd, zie https://www.example.nl/personeel/s.devries.",
              "Ik voelde me niet gesteund door de directie van basisschool De Regenboog."]
    leavers = keep[keep["einde"].notna()]["persoon_id"].drop_duplicates()
    ans = [{"respondent_id": p, "jaar": 2024, "vraag": "reden_vertrek", "tekst": zinnen[i % len(zinnen)],
            "bron": "test"} for i, p in enumerate(leavers)]
    write_csv(pd.DataFrame(ans), folder / "open_antwoorden.csv")
    return root


# --------------------------------------------------------------------------- complementary suppression


def _feasible_values(equations, truth, hidden):
    """Brute force: every filling truth + delta with delta in {-1, 0, 1} per hidden cell that
    keeps all counts >= 0 and satisfies all equations; returns {cell: set of values seen}.
    A hidden cell with two values is not recoverable (an independent check of the LP)."""
    import itertools

    hidden = list(hidden)
    seen = {c: {truth[c]} for c in hidden}
    for delta in itertools.product((-1, 0, 1), repeat=len(hidden)):
        vals = dict(truth) | {c: truth[c] + d for c, d in zip(hidden, delta)}
        if min(vals[c] for c in hidden) < 0:
            continue
        if all(abs(sum(a * vals[c] for c, a in coefs.items()) - const) < 1e-9 for coefs, const in equations):
            for c in hidden:
                seen[c].add(vals[c])
    return seen


@pytest.mark.parametrize("seed", range(40))
def test_suppress_counts_leaves_no_hidden_cell_recoverable_brute_force(seed):
    """Random 1-D tables with a total row and 2-D tables with a total column: every hidden
    cell can take at least two values given everything published."""
    rng = np.random.default_rng(seed)
    k = 4
    if seed % 2:
        k = 3
        body = rng.integers(0, 10, size=(3, 2))
        df = pd.DataFrame(body, columns=["a", "b"])
        df["totaal"] = df["a"] + df["b"]
        df.loc[len(df)] = df.sum()
        cols, kw = ["a", "b", "totaal"], {"total_column": "totaal"}
    else:
        df = pd.DataFrame({"n": list(rng.integers(0, 12, size=4))})
        df.loc[len(df)] = df.sum()
        cols, kw = ["n"], {}
    total = pd.Series(df.index == df.index[-1], index=df.index)
    out, mask = suppress_counts(df, cols, k, total_row=total, **kw)
    # every primary cell is hidden
    for c in cols:
        assert mask[c][(df[c] > 0) & (df[c] < k)].all()
    hidden = [(i, c) for c in cols for i in df.index if mask.at[i, c]]
    if not hidden:
        return
    eqs = []
    body_rows = [i for i in df.index if not total[i]]
    for c in cols:
        eqs.append(({(i, c): 1.0 for i in body_rows} | {(df.index[-1], c): -1.0}, 0.0))
    if "totaal" in cols:
        for i in df.index:
            eqs.append(({(i, "a"): 1.0, (i, "b"): 1.0, (i, "totaal"): -1.0}, 0.0))
    truth = {(i, c): float(df.at[i, c]) for c in cols for i in df.index}
    assert len(hidden) <= 9
    seen = _feasible_values(eqs, truth, hidden)
    for cell, vals in seen.items():
        assert len(vals) >= 2, f"hidden cell {cell} is pinned to {vals} in\n{df}\n{out}"


@pytest.mark.parametrize("seed", range(25))
def test_suppress_life_table_leaves_no_hidden_count_recoverable_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    k = 4
    n, rows = int(rng.integers(8, 14)), []
    for _ in range(4):
        d = int(rng.integers(0, min(n, 5) + 1))
        c = int(rng.integers(0, n - d + 1)) if n - d else 0
        rows.append((n, d, c))
        n = n - d - c
    lt = pd.DataFrame(rows, columns=["n", "d", "c"])
    lt["s"] = "x"
    out, mask = suppress_life_table(lt, "n", "d", "c", k, survival=["s"])
    hidden = [(i, c) for c in ("n", "d", "c") for i in lt.index if mask.at[i, c]]
    for c in ("n", "d", "c"):
        assert mask[c][(lt[c] > 0) & (lt[c] < k)].all()
    # survival is not shown from the first row with a hidden count on
    first = mask.any(axis=1).to_numpy().argmax() if mask.any(axis=1).any() else len(lt)
    assert (out["s"].iloc[first:] == "–").all() and (out["s"].iloc[:first] == "x").all()
    eqs = [({(i, "n"): 1.0, (i, "d"): -1.0, (i, "c"): -1.0, (i + 1, "n"): -1.0}, 0.0) for i in range(3)]
    eqs.append(({(3, "n"): 1.0, (3, "d"): -1.0, (3, "c"): -1.0}, float(n)))  # the attacker knows who remain
    truth = {(i, c): float(lt.at[i, c]) for c in ("n", "d", "c") for i in lt.index}
    if not hidden:
        return
    assert len(hidden) <= 9
    seen = _feasible_values(eqs, truth, hidden)
    for cell, vals in seen.items():
        assert len(vals) >= 2, f"{cell} pinned to {vals} in\n{lt}"


def test_suppress_small_cells_complementary_keeps_groups_safe():
    df = pd.DataFrame({"regio": ["x"] * 3 + ["y"] * 2, "n": [4, 30, 50, 20, 40]})
    out = suppress_small_cells(df, "n", k=10, complementary_by=["regio"])
    assert out["n"].isna().tolist() == [True, True, False, False, False]
    assert out["onderdrukt"].tolist() == [True, True, False, False, False]


# --------------------------------------------------------------------------- scrubbing quotes


@pytest.mark.parametrize("text, gone, kept", [
    ("Ik woon nu aan de Dorpsstraat 12, 1234 AB Ergens.", ["Dorpsstraat 12", "1234 AB"], ["Ik woon nu aan de"]),
    ("Bel me op 06-12345678 of op +31 6 1234 5678, of 020 - 123 45 67.", ["12345678", "1234 5678", "123 45 67"], ["Bel me op"]),
    ("Mail naar sanne.devries@example.nl voor de rest.", ["sanne.devries@example.nl"], ["voor de rest"]),
    ("Zie https://www.example.nl/personeel/s.devries voor mijn verhaal.", ["s.devries", "example.nl"], ["voor mijn verhaal"]),
    ("Ik werkte op OBS De Klimop en daarna op basisschool 't Hofke.", ["De Klimop", "Hofke"], ["Ik werkte op"]),
    ("Op het Stedelijk Gymnasium en het Rudolf Steiner College was het beter.", ["Stedelijk", "Rudolf Steiner"], ["was het beter"]),
    ("Mijn mentor Pieter Jansen en juf Annemiek de Graaf hielpen niet; meester Bram ook niet.",
     ["Pieter", "Jansen", "Annemiek", "Graaf", "Bram"], ["hielpen niet"]),
    ("Onze school (12AB00) had geen tijd voor begeleiding.", ["12AB00"], ["had geen tijd voor begeleiding"]),
    ("Dhr. van Dijk, mevr. El Amrani en ik ben Fatima.", ["Dijk", "Amrani", "Fatima"], []),
])
def test_scrub_removes_addresses_phones_mail_urls_schools_and_names(text, gone, kept):
    out = scrub(text)
    for g in gone:
        assert g not in out, out
    for w in kept:
        assert w in out, out
    assert not pii_found(out)


def test_scrub_keeps_ordinary_sentences_and_numbers():
    for text in ["Ik werk al 12 jaar op school en in 2024 was het druk.",
                 "De werkdruk was te hoog; 3 van de 5 dagen bleef ik tot 18.00 uur.",
                 "Het salaris paste niet bij de verantwoordelijkheid."]:
        assert scrub(text) == text and not pii_found(text)


def test_scrub_uses_the_regions_own_school_names(tmp_path):
    from regio_analysis.data import load_region

    region = load_region("rond-bommel-en-dommel")
    names = names_from_region(region)
    assert "Samen Opleiden Rond Bommel en Dommel" in names and "scholen" not in names
    out = scrub("Via Samen Opleiden Rond Bommel en Dommel kwam ik bij de Hogeschool Fontys.", names)
    assert "Bommel" not in out and "Fontys" not in out


# --------------------------------------------------------------------------- the audit catches each attack


def _write(folder: Path, name: str, df: pd.DataFrame) -> None:
    (folder / "tabellen").mkdir(parents=True, exist_ok=True)
    df.to_csv(folder / "tabellen" / f"{name}.csv", index=False)


def test_audit_catches_life_table_differencing(tmp_path):
    lt = pd.DataFrame({"jaar": [1, 2, 3, 4], "in dienst bij begin": [316, 207, 156, 107],
                       "vertrokken": [56, 19, None, 10], "gecensureerd": [53, 32, 40, 26]})
    _write(tmp_path, "levens", lt.astype({"vertrokken": "Int64"}))
    assert [(f.aanval, f.waarde) for f in audit(tmp_path)] == [("levenstafel", 9.0)]


def test_audit_catches_cumulative_survival_times_at_risk(tmp_path):
    # vertrokken and gecensureerd both hidden in years 5 and 6 (the identity gives only their
    # sum), but the survival column gives the leavers back: 71 * (1 - 54,7/56,3) = 2,0
    lt = pd.DataFrame({"jaar": [3, 4, 5, 6], "in dienst bij begin": ["156", "107", "71", "50"],
                       "vertrokken": ["18", "10", "", ""], "gecensureerd": ["31", "26", "", ""],
                       "nog in dienst (cumulatief)": ["63,1%", "56,3%", "54,7%", "52,4%"]})
    _write(tmp_path, "levens", lt)
    found = audit(tmp_path)
    assert [(f.aanval, f.waarde) for f in found] == [("overleving", 2.0), ("overleving", 2.0)]
    # hiding the survival from year 5 on (as suppress_life_table does) stops it
    lt.loc[2:, "nog in dienst (cumulatief)"] = "–"
    _write(tmp_path, "levens", lt)
    assert audit(tmp_path) == []


def test_audit_catches_total_minus_shown_groups(tmp_path):
    hor = pd.DataFrame({"kenmerk": ["alle starters", "route", "route", "inductie", "inductie"],
                        "groep": ["alle starters", "regulier", "zij-instroom", "met", "zonder"],
                        "starters": [50, 40, 7, 30, 20]})
    _write(tmp_path, "horizon", hor.drop(index=[2]))  # left out, but 50 - 40 = 10 is not small
    assert audit(tmp_path) == []
    hor2 = hor.copy()
    hor2.loc[1, "starters"] = 43
    _write(tmp_path, "horizon", hor2.drop(index=[2]))
    found = audit(tmp_path)
    assert [(f.aanval, f.waarde) for f in found] == [("totaal", 7.0)]
    # hidden (empty) instead of left out: the same
    hor3 = hor2.astype({"starters": "Int64"})
    hor3.loc[2, "starters"] = pd.NA
    _write(tmp_path, "horizon", hor3)
    assert [(f.aanval, f.waarde) for f in audit(tmp_path)] == [("totaal", 7.0)]


def test_audit_catches_a_total_column(tmp_path):
    t = pd.DataFrame({"regio": ["a", "b"], "man": [None, 40], "vrouw": [20, 50], "totaal": [23, 90]})
    _write(tmp_path, "kruis", t.astype({"man": "Int64"}))
    assert [(f.aanval, f.waarde) for f in audit(tmp_path)] == [("totaal", 3.0)]


def test_audit_catches_a_share_that_pins_a_small_count(tmp_path):
    t = pd.DataFrame({"groep": ["a", "b"], "starters": [40, 200], "vertrek binnen 1 jaar": ["7,5%", "30,0%"]})
    _write(tmp_path, "aandelen", t)
    found = audit(tmp_path)
    assert [(f.aanval, f.waarde) for f in found] == [("aandeel", 3.0)]


def test_audit_catches_quotes_of_a_hidden_group_and_personal_data(tmp_path):
    _write(tmp_path, "redenen", pd.DataFrame({"reden": ["werkdruk", "salaris"], "antwoorden": [40, None]})
           .astype({"antwoorden": "Int64"}))
    _write(tmp_path, "citaten", pd.DataFrame({"citaat": ["Het salaris was te laag.", "Te druk op OBS De Klimop."],
                                              "reden": ["salaris", "werkdruk"]}))
    found = audit(tmp_path)
    assert sorted(f.aanval for f in found) == ["citaat", "persoonsgegevens"]
    assert any("De Klimop" in f.uitleg for f in found)


def test_audit_of_clean_tables_finds_nothing(tmp_path):
    lt = pd.DataFrame({"jaar": [1, 2, 3], "in dienst bij begin": [316, 207, 156], "vertrokken": [56, 19, 18],
                       "gecensureerd": [53, 32, 31]})
    _write(tmp_path, "levens", lt)
    _write(tmp_path, "horizon", pd.DataFrame({"kenmerk": ["alle starters", "route", "route"],
                                              "groep": ["alle starters", "a", "b"], "starters": [50, 30, 20]}))
    assert audit(tmp_path) == []


def test_suppressed_tables_pass_the_audit(tmp_path):
    """What the suppression functions write is what the audit accepts (and the unsuppressed not)."""
    from regio_analysis.data import load_region
    from regio_analysis.retention import chapter as rr

    spells = rr.starters(load_region("noorderwijzer", synthetic=True, seed=0))
    safe = rr.levenstafel(spells)
    assert safe["vertrokken"].isna().any()
    _write(tmp_path, "retentie-levenstafel", safe)
    write_sidecar(safe, tmp_path / "tabellen" / "retentie-levenstafel.csv")
    _write(tmp_path, "retentie-horizonnen", rr.retentie_horizonnen(spells))
    assert audit(tmp_path) == []


# --------------------------------------------------------------------------- the audit on whole reports


def test_audit_finds_nothing_in_the_default_reports(full_reports):
    """All four default regions and the microdata-only region, as the batch wrote them (the audit's time
    per region is measured by benchmarks/batch.py, phase controle_s, not here: timed tests flake)."""
    out, manifest = full_reports
    folders = sorted({out / r["regio_id"] for r in manifest["rijen"]})
    assert len(folders) >= 5
    for folder in folders:
        assert audit(folder) == [], folder.name


def test_audit_finds_nothing_in_a_small_region_report(tmp_path):
    """50 starters, 6 students and 4 supervisors: most counts are below 10."""
    from regio_analysis.reporting import run_batch

    data = small_region(tmp_path / "data")
    out = tmp_path / "rapporten"
    manifest = run_batch(["kleine-regio"], out, jobs=1, data_dir=data, progress=False, pdf=False)
    assert {r["status"] for r in manifest["rijen"]} <= {"ok", "overgeslagen"}
    folder = out / "kleine-regio"
    assert audit(folder) == []
    lt = pd.read_csv(folder / "tabellen" / "retentie-levenstafel.csv")
    assert lt["vertrokken"].isna().any()
    quotes = (folder / "tabellen" / "kwalitatief-citaten.csv")
    if quotes.is_file():
        text = quotes.read_text(encoding="utf-8")
        for leak in ("Dorpsstraat", "1234 AB", "Klimop", "Regenboog", "06-1234", "example.nl", "Jansen"):
            assert leak not in text
