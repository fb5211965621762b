"""Keyed pseudonymisation (checked against the RFC 4231 HMAC-SHA256 test vector) and suppression."""
from __future__ import annotations

import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.privacy import get_key, is_pseudonym, pseudonymise, suppress_small_cells


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
        first = get_key()
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
