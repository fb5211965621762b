"""Region po-noord-nederland: transcribed figures checked against seed 001 (plan van aanpak 2024)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import document_and_section, seed_text, squash
from regio_analysis.data.schemas import TABLES, THEMAS, conform

#: every test here reads the source documents (tests/conftest.py: deselected without them)
pytestmark = pytest.mark.bronnen

REGION = Path(__file__).resolve().parents[1] / "data" / "regions" / "po-noord-nederland"
SEED_FILE = "001_11d6921d389a14d0.txt"
TITLE = "Plan van aanpak Onderwijsregio PO Noord-Nederland 2024"
CSV_TABLES = ("tekort", "personeel", "samen_opleiden", "begroting", "kengetallen",
              "partnerschappen", "activiteiten")


@lru_cache(maxsize=1)
def _seed() -> str:
    return squash(seed_text("001"))


def seed() -> str:
    return _seed()


def prose() -> str:
    """Squashed seed with PDF line-break hyphenation removed ("ver- wachting" -> "verwachting")."""
    return re.sub(r"(?<=[a-z])- (?=[a-z])", "", seed())


def load(table: str) -> pd.DataFrame:
    path = REGION / f"{table}.csv"
    return conform(pd.read_csv(path, dtype=str, keep_default_na=False), table, file=str(path))


def nl_int(value: float) -> str:
    """Dutch thousands notation as printed in the seed: 1131675 -> '1.131.675'."""
    return f"{int(value):,}".replace(",", ".")


def nl_num(value: float) -> str:
    """Dutch decimal notation: 17.9 -> '17,9', 22.0 -> '22'."""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")



def meta() -> dict:
    return yaml.safe_load((REGION / "regio.yaml").read_text(encoding="utf-8"))


def row(df: pd.DataFrame, **match) -> pd.Series:
    sel = df
    for col, val in match.items():
        sel = sel[sel[col] == val]
    assert len(sel) == 1, f"expected one row for {match}, found {len(sel)}"
    return sel.iloc[0]


# --- structure ----------------------------------------------------------------------------------

@pytest.mark.parametrize("table", CSV_TABLES)
def test_csv_conforms_and_bron_sections_exist(table):
    df = load(table)
    assert len(df) > 0
    assert set(TABLES[table].columns) <= set(df.columns)
    text = seed()
    for bron in df["bron"].unique():
        document, section = document_and_section(bron, meta())
        assert document == TITLE, bron
        for part in section.split(" > "):
            assert part in text, f"section heading {part!r} not found in the seed"


def test_regio_yaml_matches_seed():
    meta = yaml.safe_load((REGION / "regio.yaml").read_text(encoding="utf-8"))
    assert meta["regio_id"] == "po-noord-nederland"
    assert meta["bron"] == TITLE and meta["bronnen"] == {SEED_FILE: TITLE}
    assert "Onderwijsregio PO Noord-Nederland" in seed() and "plan van aanpak" in seed()
    assert set(meta) >= {"naam", "sectoren", "provincies", "gemeenten", "besturen", "opleidingen", "periode"}
    text = seed()
    assert "Onderwijsregio PO Noord-Nederland" in text
    assert meta["provincies"] == ["Groningen", "Friesland", "Drenthe"]
    assert "drie noordelijke provincies: Groningen, Friesland en Drenthe" in text
    assert meta["samenstelling"] == {"provincies": meta["provincies"], "sectoren": ["PO", "(V)SO"]}
    for name in meta["opleidingen"] + meta["besturen"]:
        assert name in text
    assert set(meta["sectoren"]) <= {"PO", "(V)SO", "VO", "MBO"}
    # activities run in calendar year 2024
    assert meta["periode"] == "2024"
    assert "1 januari 2024 tot en met 31 december 2024" in text


# --- shortages ----------------------------------------------------------------------------------

def test_tekort_per_province_matches_forecast_text():
    tk = load("tekort")
    text = prose()
    labels = {"Groningen": "provincie:Groningen", "Friesland": "provincie:Friesland",
              "Drenthe/Overijssel": "prognoseregio:Drenthe/Overijssel"}
    found = 0
    for label, niveau in labels.items():
        m = re.search(rf"regio {re.escape(label)} zal het tekort .*? tot (\d+) fte in (\d{{4}})\. "
                      rf"Dit tekort zal daarna weer toenemen tot (\d+) fte in (\d{{4}})", text)
        assert m, label
        for waarde, jaar in ((m[1], m[2]), (m[3], m[4])):
            r = row(tk, niveau=niveau, jaar=int(jaar), eenheid="fte")
            assert r["waarde"] == float(waarde)
            assert r["prognose"] and r["component"] == "onvervuld" and r["functiegroep"] == "OP"
            found += 1
    m = re.search(r"Regio Zwolle \((\d+) fte\), en het kleinste tekort in Drenthe \((\d+) fte\)", text)
    assert m
    assert row(tk, niveau="prognoseregio:Regio Zwolle", jaar=2027)["waarde"] == float(m[1])
    assert row(tk, niveau="provincie:Drenthe", jaar=2027, eenheid="fte")["waarde"] == float(m[2])
    assert found == 6
    # the Drenthe/Overijssel 2027 total holds its two named parts
    assert float(m[1]) + float(m[2]) <= row(tk, niveau="prognoseregio:Drenthe/Overijssel", jaar=2027)["waarde"]


def test_tekort_landelijk_and_ranges():
    tk = load("tekort")
    text = prose()
    m = re.search(r"in 2027 landelijk een tekort van zo.n ([\d.]+) fte aan leraren", text)
    assert m and row(tk, niveau="landelijk", jaar=2027, eenheid="fte")["waarde"] == float(m[1].replace(".", ""))
    m = re.search(r"onvervulde werkgelegenheid van ([\d,]+) procent", text)
    assert m and row(tk, niveau="landelijk", jaar=2027, eenheid="procent")["waarde"] == float(m[1].replace(",", "."))
    m = re.search(r"in 2024 in deze regio een tekort verwacht van tussen de ([\d,]+)% en ([\d,]+)%", text)
    assert m
    lo = row(tk, jaar=2024, scenario="ondergrens")["waarde"]
    hi = row(tk, jaar=2024, scenario="bovengrens")["waarde"]
    assert (lo, hi) == (float(m[1].replace(",", ".")), float(m[2].replace(",", ".")))
    m = re.search(r"in 2034 kijkt de regio bij ongewijzigd beleid tegen een tekort aan van ca\. (\d+) tot (\d+)%", text)
    assert m
    assert row(tk, jaar=2034, scenario="ondergrens")["waarde"] == float(m[1])
    assert row(tk, jaar=2034, scenario="bovengrens")["waarde"] == float(m[2])
    assert (tk["prognose"]).all()


def test_personeel_55plus():
    pe = load("personeel")
    m = re.search(r"(\d+)% van het personeel in het primair onderwijs 55 jaar of ouder is in alle provincies", prose())
    assert m
    sel = pe[(pe["kenmerk"] == "leeftijd") & (pe["categorie"] == "55+")]
    assert set(sel["niveau"]) >= {"regio", "provincie:Groningen", "provincie:Friesland", "provincie:Drenthe"}
    assert (sel["waarde"] == float(m[1])).all()
    assert (sel["eenheid"] == "procent").all()


# --- Samen Opleiden and funding -------------------------------------------------------------------

def test_samen_opleiden_students_per_institute():
    so = load("samen_opleiden").set_index("instituut")
    text = seed()
    m = re.search(r"NHL Stenden heeft op dit moment \(studiejaar 2023-2024\) (\d+) studenten in SO&P\. "
                  r"Op het totaal van (\d+) studenten", text)
    assert m
    assert (so.loc["NHL Stenden", "studenten_partnerschap"], so.loc["NHL Stenden", "studenten_totaal"]) == (int(m[1]), int(m[2]))
    m = re.search(r"Hanze Hogeschool heeft (\d+) studenten in 2023-2024 in SO&P "
                  r"Hanze Hogeschool heeft in totaal (\d+) Pabo studenten", text)
    assert m
    assert (so.loc["Hanzehogeschool", "studenten_partnerschap"], so.loc["Hanzehogeschool", "studenten_totaal"]) == (int(m[1]), int(m[2]))
    assert (so["jaar"] == 2023).all()


def test_samen_opleiden_arithmetic_against_printed_totals():
    so = load("samen_opleiden").set_index("instituut")
    kg = load("kengetallen")
    text = seed()
    m = re.search(r"(\d+) in SO&P van totaal (\d+) studenten", text)
    assert m
    assert so["studenten_partnerschap"].sum() == int(m[1])
    assert so["studenten_totaal"].sum() == int(m[2])
    assert row(kg, indicator="studenten_in_partnerschap")["waarde"] == int(m[1])
    assert row(kg, indicator="studenten_totaal")["waarde"] == int(m[2])
    tarief = row(kg, indicator="bedrag_per_student")["waarde"]
    assert tarief == 955 and "a 955,-" in text
    per = {"NHL Stenden": so.loc["NHL Stenden"], "Hanzehogeschool": so.loc["Hanzehogeschool"],
           "totaal": so.sum(numeric_only=True)}
    for cat, r in per.items():
        share = 100 * r["studenten_partnerschap"] / r["studenten_totaal"]
        printed = row(kg, indicator="aandeel_studenten_in_partnerschap", categorie=cat)["waarde"]
        assert abs(share - printed) < 0.5, cat
        assert printed + row(kg, indicator="aandeel_studenten_nog_te_plaatsen", categorie=cat)["waarde"] == 100
        rest = row(kg, indicator="studenten_nog_te_plaatsen", categorie=cat)["waarde"]
        assert rest == r["studenten_totaal"] - r["studenten_partnerschap"]
        extra = row(kg, indicator="extra_bij_100_procent", categorie=cat)["waarde"]
        assert extra == rest * tarief
        # every number is printed in the seed (Dutch notation)
        assert nl_int(extra) in text and f"{nl_num(printed)}%" in text and str(int(rest)) in text
    future = row(kg, indicator="bekostiging_bij_100_procent")["waarde"]
    assert future == per["totaal"]["studenten_totaal"] * tarief
    assert f"euro {nl_int(future)}" in text


def test_current_funding_transcribed_as_printed_with_its_quirk():
    kg = load("kengetallen")
    text = seed()
    m = re.search(r"Terwijl dat nu nog ([\d.]+) is", text)
    assert m
    huidig = row(kg, indicator="bekostiging_huidig")
    assert huidig["waarde"] == float(m[1].replace(".", "")) == 1091565
    # the seed's own inconsistency: 1243 students x 955 is not the printed amount
    assert 1243 * 955 == 1187065 != huidig["waarde"]
    assert "1187065" in huidig["opmerking"]
    # nor does printed future minus printed extra give it
    future = row(kg, indicator="bekostiging_bij_100_procent")["waarde"]
    extra = row(kg, indicator="extra_bij_100_procent", categorie="totaal")["waarde"]
    assert future - extra == 1187065
    assert row(kg, indicator="vaste_voet_per_opleidingsschool")["waarde"] == 100000
    assert "vijf keer vaste voet van 100k" in text


# --- budget -------------------------------------------------------------------------------------

def test_begroting_lines_as_printed():
    bg = load("begroting")
    kg = load("kengetallen")
    kg = kg[kg["onderwerp"] == "begroting"]
    text = seed()
    lines = bg[bg["post"] != "TOTAAL"]
    assert len(lines) == 16
    for _, r in lines.iterrows():
        detail = kg[kg["categorie"] == r["post"]].set_index("indicator")["waarde"]
        if detail.empty:
            printed = f"{r['post']} {nl_int(r['bedrag_eur'])}"
        else:
            qty = detail.drop("tarief").iloc[0]
            printed = f"{r['post']} {nl_int(qty)} {nl_int(detail['tarief'])} {nl_int(r['bedrag_eur'])}"
            assert qty * detail["tarief"] == r["bedrag_eur"], r["post"]
        assert printed in text, printed
        # domain headings as printed; lines printed without a heading are grouped as 'overig'
        assert r["categorie"] == "overig" or r["categorie"] in text


def test_begroting_total_adds_up():
    bg = load("begroting")
    total = row(bg, post="TOTAAL")["bedrag_eur"]
    assert f"TOTAAL {nl_int(total)}" in seed()
    assert bg.loc[bg["post"] != "TOTAAL", "bedrag_eur"].sum() == total
    assert (bg["jaar"] == 2024).all()
    assert "Concept investeringsbegroting Onderwijsregio PO Noord Nederland 2024" in seed()


# --- partnerships, key figures, activities --------------------------------------------------------

def test_partnerschappen_samen_opleiden():
    pa_ = load("partnerschappen")
    kg = load("kengetallen")
    text = seed()
    so = pa_[pa_["soort"] == "samen_opleiden"]
    m = re.search(r"Er zijn in het PO in Noord-Nederland (\d+) Partnerschappen Samen Opleiden", text)
    assert m and len(so) == int(m[1]) == row(kg, indicator="aantal_partnerschappen_samen_opleiden")["waarde"]
    aliases = {"NHL Stenden": "NHLStenden", "Rijksuniversiteit Groningen": "RUG", "Hanzehogeschool": "Hanzehogeschool"}
    for _, r in so.iterrows():
        m = re.search(rf"- {re.escape(r['naam'])} \(([^)]*)\)", text)
        assert m, r["naam"]
        for inst in r["instellingen"].split(";"):
            assert aliases.get(inst, inst) in m[1], (r["naam"], inst)
    for naam in ("Noordelijke Educatieve Alliantie", "SchoolpleinNoord"):
        assert naam in set(pa_["naam"]) and naam in text
    for rap in pa_.loc[pa_["soort"] == "rap_regio", "naam"]:
        assert rap.removeprefix("RAP ") in text


def test_kengetallen_values_printed_in_seed():
    kg = load("kengetallen")
    text = seed()
    for _, r in kg.iterrows():
        v = r["waarde"]
        candidates = {nl_num(v), nl_int(v)} if float(v).is_integer() else {nl_num(v)}
        assert any(re.search(rf"(?<![\d.,]){re.escape(c)}(?![\d]|[.,]\d)", text) for c in candidates), (r["indicator"], v)
    assert row(kg, indicator="ondergrens_kleine_school")["waarde"] == 35
    assert "De ondergrens is daarbij 35 leerlingen" in text
    m = re.search(r"minimaal (\d) tot (\d) jaar vooruit", text)
    assert m
    spp = kg[kg["indicator"] == "spp_planhorizon"].set_index("categorie")["waarde"]
    assert (spp["ondergrens"], spp["bovengrens"]) == (int(m[1]), int(m[2]))
    assert row(kg, indicator="opleidingstijd_in_praktijk")["waarde"] == 40
    assert "40% van zijn/haar tijd in de praktijk" in text


def test_activiteiten_werkgroepen_and_register():
    act = load("activiteiten").set_index("id")
    text = seed()
    # the plan's eight numbered working groups, in its overview list
    overview = text[text.index("Domein Werving en matching 1."):text.index("Vooralsnog zijn dit de beoogde werkgroepen")]
    numbers = re.findall(r"(?<![\d.])(\d)\. ", overview)
    assert numbers == [str(i) for i in range(1, 9)]
    for i in numbers:
        titel = act.loc[i, "titel"]
        assert re.search(rf"{i}\. {re.escape(titel)}", overview), titel
    assert act.loc["3", "thema"] == "samen_opleiden"
    # the plan files its working groups under domains, not under Aantrekken / Behouden / Continuïteit
    assert (act["abc"] == "").all()
    assert "Continuïteit" not in text and not re.search(r"\bAantrekken\b", text)
    assert act.loc[["1", "2"], "thema"].eq("werven").all()
    assert set(act["thema"]) <= set(THEMAS)
    assert {"loketfunctie", "spp", "professionaliseren", "begeleiden", "organisatie"} <= set(act["thema"])
    # budget lines that are activities carry the printed name
    assert act.loc["A07", "titel"] in text
    # dates: the plan period (calendar 2024) unless the seed states otherwise
    assert (act["einde"] >= act["start"]).all()
    default = act[(act["start"] == "2024-01-01") & (act["einde"] == "2024-12-31")]
    assert len(default) >= len(act) - 5
    # those are the activities the plan does not date itself; the register says so
    assert set(act.index[act["looptijd_vermeld"] == "false"]) == set(default.index)
    assert (act.loc[~act.index.isin(default.index), "looptijd_vermeld"] == "true").all()
    assert act.loc["A05", "einde"] == pd.Timestamp("2029-12-31") and "Voor 2030" in text
    assert act.loc["A16", "start"].year == 2023 and "In de loop van 2023 zal een formele programmamanager" in text
    for res in act["beoogd_resultaat"]:
        assert 0 < len(res.split()) <= 15


def test_region_loads_as_a_whole():
    from regio_analysis.data import load_region

    rd = load_region("po-noord-nederland")
    assert rd.naam == "Onderwijsregio PO Noord-Nederland"
    for table in CSV_TABLES:
        assert rd.has(table), table
    assert len(rd.begroting) == 17 and len(rd.samen_opleiden) == 2


# --- what the seed does not say (issue 15) --------------------------------------------------------

YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def test_the_55plus_share_has_no_year_in_the_seed_and_the_data_says_so():
    """22 % aged 55+ is given without a year: the rows carry a placeholder peiljaar and say
    ``jaar_vermeld = false``, so no report may print a year for it."""
    bullet = re.search(r"• ([^•]*55 jaar of ouder[^•]*)", prose())
    assert bullet and "22% van het personeel" in bullet[1]
    assert not YEAR.search(bullet[1]), bullet[1]
    pe = load("personeel")
    sel = pe[(pe["kenmerk"] == "leeftijd") & (pe["categorie"] == "55+")]
    assert len(sel) == 5 and (sel["jaar_vermeld"] == "false").all()


def test_the_2034_shortage_is_an_approximate_range():
    """Printed as "ca. 5 tot 8%": two rows (ondergrens/bovengrens) marked circa, never one value."""
    assert re.search(r"in 2034 .{0,80} ca\. 5 tot 8%", prose())
    tk = load("tekort")
    rows = tk[(tk["jaar"] == 2034) & (tk["niveau"] == "regio")]
    assert sorted(rows["scenario"]) == ["bovengrens", "ondergrens"]
    assert rows["opmerking"].str.contains("circa").all()
    assert not (tk["scenario"] == "gepubliceerd")[tk["jaar"] == 2034].any()
