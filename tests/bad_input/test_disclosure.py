"""Disclosure corpus: tables and quotes that would give away counts below k or personal data.

Each case builds a small leaky report folder (or input) and checks that the library refuses
it cleanly or that :func:`regio_analysis.data.privacy.audit` names the leak (the batch fails a
region with a non-empty audit), and that no input changed.
"""
from __future__ import annotations

import pandas as pd
import pytest

from regio_analysis import DataError
from regio_analysis.data.privacy import audit, scrub, suppress_counts, suppress_life_table

from harness import call_api


def _table(folder, name, df):
    (folder / "tabellen").mkdir(parents=True, exist_ok=True)
    df.to_csv(folder / "tabellen" / f"{name}.csv", index=False)


LEAKS = {
    "levenstafel-verschil": ("retentie-levenstafel", pd.DataFrame({
        "jaar": [1, 2, 3, 4], "in dienst bij begin": ["316", "207", "156", "107"],
        "vertrokken": ["56", "19", "", "10"], "gecensureerd": ["53", "32", "40", "26"]}), "levenstafel", 9),
    "totaal-min-groepen": ("retentie-horizonnen", pd.DataFrame({
        "kenmerk": ["alle starters", "route", "route"], "groep": ["alle starters", "regulier", "zij-instroom"],
        "starters": ["50", "46", ""]}), "totaal", 4),
    "aandeel-maal-aantal": ("groepen", pd.DataFrame({
        "groep": ["a"], "starters": ["40"], "vertrek binnen 1 jaar": ["7,5% (2,0–20,0%)"]}), "aandeel", 3),
    "totaalkolom": ("kruistabel", pd.DataFrame({
        "regio": ["a", "b"], "man": ["", "40"], "vrouw": ["20", "50"], "totaal": ["26", "90"]}), "totaal", 6),
}


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_audit_names_the_leak(case, tmp_path):
    name, df, attack, value = LEAKS[case]
    _table(tmp_path, name, df)
    found = audit(tmp_path)
    assert [(f.aanval, f.waarde) for f in found] == [(attack, float(value))]
    assert f"tabellen/{name}.csv" in str(found[0]) and "rij" in str(found[0])


def test_audit_names_a_quote_with_an_address(tmp_path):
    _table(tmp_path, "kwalitatief-citaten", pd.DataFrame({
        "citaat": ["Ik woon nu aan de Dorpsstraat 12, 1234 AB Ergens."], "reden": ["reistijd"]}))
    kinds = sorted(f.uitleg.split(" in ")[0] for f in audit(tmp_path))
    assert kinds == ["adres", "postcode"]
    assert audit(tmp_path)[0].plaats == "rij 2, kolom 'citaat'"


def test_scrubbed_quote_passes(tmp_path):
    _table(tmp_path, "kwalitatief-citaten", pd.DataFrame({
        "citaat": [scrub("Mijn mentor Pieter Jansen op OBS De Klimop, Dorpsstraat 12, 1234 AB: 06-12345678.")],
        "reden": ["begeleiding"]}))
    assert audit(tmp_path) == []


def test_broken_table_description_is_a_clean_error(request, tmp_path):
    _table(tmp_path, "t", pd.DataFrame({"n": ["12"]}))
    (tmp_path / "tabellen" / "t.privacy.json").write_text("{niet: json", encoding="utf-8")
    err = call_api(request, lambda: audit(tmp_path), watch=(tmp_path,))
    assert "t.privacy.json" in str(err)


def test_suppressing_a_missing_count_column_is_a_clean_error(request):
    err = call_api(request, lambda: suppress_counts(pd.DataFrame({"n": [3, 40]}), ["aantal"]))
    assert "aantal" in str(err)


def test_life_table_with_every_count_small_hides_everything_derived():
    lt = pd.DataFrame({"n": [9, 5], "d": [2, 1], "c": [2, 4], "s": ["77,8%", "62,2%"], "q": ["22,2%", "20,0%"]})
    out, mask = suppress_life_table(lt, "n", "d", "c", survival=["s"], rates=["q"])
    assert mask.all().all() and (out["s"] == "–").all() and (out["q"] == "–").all()
