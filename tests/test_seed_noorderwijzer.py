"""Region folder `noorderwijzer` against its seed (000, activity plan 2026-2029).

The seed publishes few figures; these tests check each transcribed figure, every
partnership and the full activity register (ids, titles, periods, ambitions) against
the seed text, parsing the seed's activity tables independently of the CSVs.
"""
from __future__ import annotations

import calendar
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import document_and_section, seed_text, squash
from regio_analysis.data.schemas import ABC, THEMAS, conform

#: every test here reads the source documents (tests/conftest.py: deselected without them)
pytestmark = pytest.mark.bronnen

REGION = Path(__file__).resolve().parents[1] / "data" / "regions" / "noorderwijzer"
SEED = "000"
SEED_FILE = "000_eef838b178920c9b.txt"
TITLE = "Activiteitenplan Noorderwijzer 2026–2029"
TABLES = ("kengetallen", "partnerschappen", "activiteiten")

MONTHS = {m: i for i, m in enumerate(
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
     "september", "oktober", "november", "december"], start=1)}
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}
NUMBER_WORDS = {1: "een", 2: "twee", 3: "drie", 4: "vier", 5: "vijf"}
ABC_OF_AMBITION = {"I": "Aantrekken", "II": "Aantrekken", "III": "Behouden",
                   "IV": "Continuïteit", "V": "Continuïteit"}


# --- helpers ---------------------------------------------------------------------------------

def read(table: str) -> pd.DataFrame:
    return pd.read_csv(REGION / f"{table}.csv", dtype=str, keep_default_na=False)


def dutch_number(value: str) -> str:
    """'21.5' -> '21,5' (the seed's decimal comma)."""
    return str(float(value)).rstrip("0").rstrip(".").replace(".", ",")


def block(text: str, start: str, end: str) -> str:
    """Text between the body heading `start` (a full line) and the next line starting with `end`."""
    m = re.search(rf"^{re.escape(start)}\s*$", text, flags=re.M)
    assert m, f"heading not found in seed: {start}"
    n = re.search(rf"^{re.escape(end)}", text[m.end():], flags=re.M)
    return text[m.end(): m.end() + n.start()] if n else text[m.end():]


def parse_activity_tables(text: str) -> list[dict]:
    """The seed's activity tables as rows: ambition, printed and positional number, cells."""
    rows: list[dict] = []
    ambition = abc = None
    position = 0
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if not cells:
            continue
        m = re.fullmatch(r"Ambitie (\w+)", cells[0])
        if m:
            ambition, position, abc = ROMAN.get(m.group(1), m.group(1)), 0, None
            continue
        if abc is None and ambition and cells[0].split(":")[0] in ABC:
            abc = cells[0].split(":")[0]
            continue
        m = re.fullmatch(r"Activiteit (\d+)", cells[0])
        if m:
            position += 1
            rows.append({"ambitie": ambition, "abc": abc, "printed": int(m.group(1)),
                         "position": position, "titel": cells[1]})
        elif rows and cells[0] in ("Functionaliteit", "Periode", "Resultaat", "Doel"):
            rows[-1][cells[0].lower()] = cells[1]
    return rows


def period_bounds(periode: str) -> tuple[str, str]:
    """'Januari 2026- juni 2026' -> ('2026-01-01', '2026-06-30'); '2027 - 2029' -> whole years."""
    parts = re.findall(r"([a-z]+)?[\s-]*(\d{4})", periode.lower())
    assert len(parts) == 2, periode
    (m1, y1), (m2, y2) = parts
    first = MONTHS[m1] if m1 else 1
    last = MONTHS[m2] if m2 else 12
    end_day = calendar.monthrange(int(y2), last)[1]
    return f"{y1}-{first:02d}-01", f"{y2}-{last:02d}-{end_day:02d}"


@pytest.fixture(scope="module")
def text() -> str:
    return seed_text(SEED)


@pytest.fixture(scope="module")
def flat(text) -> str:
    return squash(text)


@pytest.fixture(scope="module")
def seed_activities(text) -> dict[str, list[dict]]:
    b41 = block(text, "4.1 Gedetailleerde activiteitenplanning (2026):",
                "4.2 Activiteitenplanning op hoofdlijnen")
    b42 = block(text, "4.2 Activiteitenplanning op hoofdlijnen (2027-2029):", "5. Samen opleiden")
    return {"2026": parse_activity_tables(b41), "2027": parse_activity_tables(b42)}


# --- tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_tables_conform_and_cite_seed_sections(table, text):
    df = read(table)
    conform(df, table, file=str(REGION / f"{table}.csv"))
    headings = {line.strip().rstrip(":") for line in text.splitlines()}
    meta = yaml.safe_load((REGION / "regio.yaml").read_text(encoding="utf-8"))
    for bron in df["bron"]:
        name, section = document_and_section(bron, meta)
        assert name == TITLE, bron
        heading, _, sub = section.partition(" > ")
        assert heading in headings, f"section heading not in seed: {heading!r}"
        if sub:
            assert re.search(rf"^\| {re.escape(sub)} \|", text, flags=re.M), sub


def test_regio_yaml_matches_seed(flat):
    meta = yaml.safe_load((REGION / "regio.yaml").read_text(encoding="utf-8"))
    assert set(meta) == {"regio_id", "naam", "sectoren", "provincies", "gemeenten", "besturen",
                         "opleidingen", "opleidingen_toelichting", "periode", "bron", "bronnen", "samenstelling"}
    # its composition for the DUO layer: VO in Drenthe, the "Drenthe +" the plan calls itself
    assert meta["samenstelling"] == {"provincies": ["Drenthe"], "sectoren": ["VO"]}
    assert "onderwijsregio Drenthe +" in flat
    assert meta["regio_id"] == "noorderwijzer"
    assert f"Activiteitenplan Onderwijsregio {meta['naam']}" in flat
    assert meta["sectoren"] == ["VO"] and "voortgezet onderwijsinstellingen" in flat
    provinces = re.search(r"met partners in ([^,]+), ([^,]+), (\w+) en (\w+), vormt", flat)
    assert provinces and sorted(meta["provincies"]) == sorted(provinces.groups())
    assert meta["periode"] == "2026-2029" and f"Onderwijsregio's {meta['periode']}" in flat
    assert meta["bron"] == TITLE and meta["bronnen"] == {SEED_FILE: TITLE}
    # the plan names no single teacher-training institute, only the alliance that unites them
    assert meta["opleidingen"] == [] and "Noordelijke Educatieve Alliantie (NEA)" in meta["opleidingen_toelichting"]
    assert "lerarenopleidingen verenigd in de Noordelijke Educatieve Alliantie (NEA)" in flat
    for naam in ("NHL Stenden", "Hanzehogeschool", "Windesheim", "Rijksuniversiteit"):
        assert naam not in flat


def test_outflow_of_starting_teachers_is_21_5_percent(flat):
    k = read("kengetallen")
    row = k[(k["onderwerp"] == "retentie")].squeeze()
    assert row["indicator"] == "uitstroompercentage startende leraren"
    assert (row["functiegroep"], row["niveau"], row["eenheid"], row["jaar"]) == ("OP", "regio", "procent", "")
    assert float(row["waarde"]) == 21.5
    assert f"uitstroompercentage van startende leraren ({dutch_number(row['waarde'])}%)" in flat
    # the seed states no horizon or definition; the row must say so
    assert "niet vermeld" in row["opmerking"]


def test_every_key_figure_is_found_in_the_seed(flat):
    k = read("kengetallen")

    def word(v):
        return NUMBER_WORDS[int(float(v))]

    patterns = {
        "uitstroompercentage startende leraren":
            lambda r: rf"startende leraren \({re.escape(dutch_number(r.waarde))}%\)",
        "verwacht tekort onderwijsprofessionals":
            lambda r: rf"hogere uit- dan instroom voorzien we na {r.jaar} een tekort aan onderwijsprofessionals",
        "erkende partnerschappen": lambda r: rf"zijn {word(r.waarde)} erkende partnerschappen actief",
        "partnerschappen opgericht":
            lambda r: rf"{r.categorie} is een relatief jong partnerschap, in {r.jaar} ontstaan",
        "deelnemende scholen":
            lambda r: rf"de {word(r.waarde)} scholen van de {r.categorie} binnen Noorderwijzer",
        "onderwijsregio's in noordelijke samenwerking":
            lambda r: rf"samenwerking van de {word(r.waarde)} noordelijke onderwijsregio's onder de vlag van de NEA",
    }
    assert set(k["indicator"]) == set(patterns), "every key figure needs a check"
    for r in k.itertuples():
        assert re.search(patterns[r.indicator](r), flat), r.indicator
    # the shortage is announced without a size
    assert k.loc[k["indicator"] == "verwacht tekort onderwijsprofessionals", "waarde"].eq("").all()
    # two recognised partnerships: exactly the two opleidingsscholen in partnerschappen
    n = int(float(k.loc[k["indicator"] == "erkende partnerschappen", "waarde"].item()))
    assert (read("partnerschappen")["soort"] == "opleidingsschool").sum() == n


def test_partnerships_and_peer_review_years(flat):
    p = read("partnerschappen").set_index("naam")
    assert set(p.index) >= {"Noordermarke", "School of Education", "StartSterk"}
    last = p.loc["Noordermarke", "laatste_peer_review"]
    assert re.search(rf"Noordermarke was in {last} de eerste opleidingsschool in Nederland "
                     r"die deelnam aan de beoordelingsgerichte peerreview", flat)
    planned = p.loc[p["peer_review_jaar"] != "", "peer_review_jaar"].unique().tolist()
    assert planned == ["2029"]
    assert re.search(r"In 2029 organiseert Onderwijsregio Noorderwijzer [^.]* peerreview", flat)
    # the joint practice unites Noordermarke and the School of Education from September 2026
    members = p.loc["Opleidingspraktijk Noorderwijzer", "instellingen"].split(";")
    assert members == ["Noordermarke", "School of Education"]
    assert "opleidingsschool Noordermarke en de drie scholen van de School of Education" in flat
    # StartSterk with the neighbouring region
    assert "Onderwijsregio Friesland & NOP" in p.loc["StartSterk", "instellingen"].split(";")
    assert "Onderwijsregio Friesland & NOP in het project StartSterk" in flat
    # the five northern regions named in the preamble
    nea = p.loc["Noordelijke Educatieve Alliantie (NEA)", "instellingen"].split(";")
    assert len(nea) == 5
    assert re.search(r"Daarom trekken " + ", ".join(map(re.escape, nea[:-1])) + rf" en {re.escape(nea[-1])} "
                     r"gezamenlijk op", flat)


@pytest.mark.parametrize("block_id", ["2026", "2027"])
def test_activity_register_matches_seed_tables(block_id, seed_activities):
    a = read("activiteiten")
    ours = a[a["id"].str.startswith(block_id + "-")].reset_index(drop=True)
    seed_rows = seed_activities[block_id]
    assert len(ours) == len(seed_rows) == {"2026": 14, "2027": 13}[block_id]
    for o, s in zip(ours.itertuples(), seed_rows):
        assert o.id == f"{block_id}-{s['ambitie']}.{s['position']}"
        assert o.ambitie == s["ambitie"]
        assert o.abc == s["abc"] == ABC_OF_AMBITION[o.ambitie]
        assert s["titel"].rstrip(".").startswith(o.titel), (o.id, o.titel)
        assert (o.start, o.einde) == period_bounds(s["periode"]), o.id


def test_numbering_quirk_in_ambition_iii_2027(seed_activities):
    """The seed numbers the 2027-2029 activities of ambition III as 1, 3, 3; ids follow position."""
    rows = [r for r in seed_activities["2027"] if r["ambitie"] == "III"]
    assert [r["printed"] for r in rows] == [1, 3, 3]
    a = read("activiteiten").set_index("id")
    assert a.loc["2027-III.2", "titel"] == rows[1]["titel"] == "Participatie project StartSterk"
    assert a.loc["2027-III.3", "titel"] == rows[2]["titel"] == "Platform professionaliseren"


def test_activity_themes_follow_the_seed_functionality(seed_activities):
    a = read("activiteiten").set_index("id")
    stems = {"werven": "werv", "matchen": "match", "opleiden": "opleid", "begeleiden": "begeleid",
             "professionaliseren": "professionalis"}
    for block_id, rows in seed_activities.items():
        for s in rows:
            o = a.loc[f"{block_id}-{s['ambitie']}.{s['position']}"]
            func, title = s["functionaliteit"].lower(), s["titel"].lower()
            if o["thema"] == "organisatie":
                assert func.startswith("overige aandachtsgebieden")
            elif o["thema"] == "spp":
                assert "spp" in title or "strategische personeelsplanning" in title
            elif o["thema"] == "samen_opleiden":
                assert "samen opleiden" in title
            else:
                assert stems[o["thema"]] in func, (o.name, func)
    assert set(a["thema"]) <= set(THEMAS)
    assert {"samen_opleiden", "peer_review", "loketfunctie", "bovenbestuurlijke_inzet"} <= set(a["thema"])


def test_activities_from_the_chapters_without_tables(flat):
    a = read("activiteiten").set_index("id")
    checks = {
        # id: (start, end, phrase in the seed that fixes the period)
        "SO.1": ("2026-01-01", "2026-07-31", "Van Januari 2026 tot en met juli 2026 zullen beide partnerschappen"),
        "SO.2": ("2026-09-01", "2026-12-31", "Vanaf september 2026 zullen opleidingsschool Noordermarke"),
        "SO.4": ("2027-01-01", "2029-12-31", "5.3 Samen Opleiden, Begeleiden en Professionaliseren (2027 - 2029)"),
        "PR.1": ("2026-01-01", "2026-06-30", "zal voor juli 2026 opgeleverd worden"),
        "PR.2": ("2029-01-01", "2029-12-31", "In 2029 organiseert Onderwijsregio Noorderwijzer"),
        "BB.1": ("2026-01-01", "2026-12-31", "We willen in 2026 verkennen of bovenbestuurlijke inzet"),
        "LK.1": ("2026-01-01", "2026-12-31", "uiterlijk in december 2026 zijn afgerond"),
        "LK.2": ("2026-01-01", "2026-12-31", "visualiseren van de klantreis"),
    }
    for aid, (start, end, phrase) in checks.items():
        assert (a.loc[aid, "start"], a.loc[aid, "einde"]) == (start, end), aid
        assert phrase in flat, phrase
    # activities for which the seed gives no period span the plan period
    for aid in ("SO.3", "SW.1", "SW.2", "SW.3", "SW.4"):
        assert (a.loc[aid, "start"], a.loc[aid, "einde"]) == ("2026-01-01", "2029-12-31")
    # ... and the register says they are not dated (no report may count them as running in a year)
    assert set(a.index[a["looptijd_vermeld"] == "false"]) == {"SO.3", "SW.1", "SW.2", "SW.3", "SW.4"}
    assert set(a["looptijd_vermeld"]) == {"true", "false"}
    for term in ("mobiliteitscentra van de aanpalende regio's", "regio Zwolle", "UWV", "werkgroep SOB&P"):
        assert term in flat
    # all within the plan period, and no ambition is claimed where the seed states none
    assert a["start"].min() >= "2026-01-01" and a["einde"].max() <= "2029-12-31"
    extra = a[~a.index.str.match(r"^20\d\d-")]
    assert (extra["ambitie"] == "").all() and (extra["abc"] == "").all()


def test_free_text_is_short_and_not_copied(text):
    """Descriptions are own paraphrases: at most 15 words, no 5-word run taken from the seed."""
    def words(s):
        return re.findall(r"[\w'-]+", s.lower())

    seed_words = words(text)
    shingles = {tuple(seed_words[i:i + 5]) for i in range(len(seed_words) - 4)}
    texts = list(read("activiteiten")["beoogd_resultaat"]) + list(read("kengetallen")["opmerking"])
    for t in filter(None, texts):
        w = words(t)
        assert len(w) <= 15, t
        copied = [g for g in zip(*(w[i:] for i in range(5))) if g in shingles]
        assert not copied, (t, copied)
