"""Transcribed figures of seed 003 (Kennemerland & Groot-Amsterdam) checked against the seed text."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import document_and_section, seed_text, squash
from regio_analysis.data.schemas import TABLES, conform

#: every test here reads the source documents (tests/conftest.py: deselected without them)
pytestmark = pytest.mark.bronnen

REGION = Path(__file__).resolve().parents[1] / "data" / "regions" / "kennemerland-groot-amsterdam"
SEED = "003_f3e94b2154404b56.txt"
TITLE = "Activiteitenplan Kennemerland & Groot-Amsterdam 2026–2029"
TABLE_FILES = ("tekort", "raming", "personeel", "stromen", "kengetallen", "partnerschappen", "activiteiten")


@pytest.fixture(scope="module")
def seed() -> str:
    return squash(seed_text("003"))


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    out = {}
    for name in TABLE_FILES:
        path = REGION / f"{name}.csv"
        out[name] = conform(pd.read_csv(path, dtype=str, keep_default_na=False), name, file=str(path))
    return out



def nl(text: str) -> float:
    """Parse a Dutch number ('3,7', '1.454.600')."""
    return float(text.replace(".", "").replace(",", "."))


def grab(seed: str, pattern: str) -> tuple[float, ...]:
    """Numbers captured by ``pattern`` in the squashed seed; fails when absent."""
    m = re.search(pattern, seed, flags=re.IGNORECASE)
    assert m, f"pattern not found in seed: {pattern}"
    return tuple(nl(g) for g in m.groups())


def value(df: pd.DataFrame, **where) -> float:
    sel = df
    for col, v in where.items():
        sel = sel[sel[col] == v]
    assert len(sel) == 1, f"expected one row for {where}, got {len(sel)}"
    return float(sel["waarde"].iloc[0])


def test_all_tables_conform_and_cite_seed_sections(tables, seed):
    assert set(tables) <= set(TABLES)
    meta = yaml.safe_load((REGION / "regio.yaml").read_text(encoding="utf-8"))
    for name, df in tables.items():
        assert len(df) > 0, name
        for bron in df["bron"].unique():
            document, sections = document_and_section(bron, meta)
            assert document == TITLE, bron
            for section in sections.split("; "):
                for heading in section.split(" > "):
                    assert heading.lower() in seed.lower(), f"{name}: heading {heading!r} not in seed"


def test_regio_yaml(seed):
    meta = yaml.safe_load((REGION / "regio.yaml").read_text(encoding="utf-8"))
    assert meta["regio_id"] == "kennemerland-groot-amsterdam" == REGION.name
    assert f"Onderwijsregio {meta['naam']}" in seed
    assert f"Activiteitenplan {meta['periode']}" in seed
    assert set(meta["sectoren"]) == {"VO", "MBO"}
    assert meta["provincies"] == ["Noord-Holland"]
    assert meta["bron"] == TITLE and meta["bronnen"] == {SEED: TITLE}
    for key in ("gemeenten", "besturen", "opleidingen"):
        assert isinstance(meta[key], list)
    assert "Hogeschool van Amsterdam" in meta["opleidingen"] and "Hogeschool van Amsterdam" in seed


def test_tekort(tables, seed):
    t = tables["tekort"]
    op, dir_ = grab(seed, r"tekortpercentage van leraren en schoolleiders is voor de regio "
                          r"Kennemerland & Groot-Amsterdam respectievelijk (\d+,\d)% en (\d+,\d)%")
    assert value(t, functiegroep="OP", component="totaal", eenheid="procent") == op
    assert value(t, functiegroep="DIR", component="totaal", eenheid="procent") == dir_
    v_op, v_dir = grab(seed, r"verborgen tekort op 'reguliere posities' met (\d+,\d)% voor leraren "
                             r"en voor schoolleiders met (\d+,\d)%")
    assert value(t, functiegroep="OP", component="verborgen") == v_op
    assert value(t, functiegroep="DIR", component="verborgen") == v_dir
    pct, fte = grab(seed, r"Centerdata over 2024, laten voor onze regio een tekort aan schoolleiders "
                          r"zien van (\d+,\d)% \((\d+) fte\)")
    assert value(t, functiegroep="DIR", component="totaal", eenheid="procent") == pct
    assert value(t, functiegroep="DIR", component="totaal", eenheid="fte") == fte
    assert set(t["jaar"]) == {2024}
    # the hidden shortage is part of the total shortage
    for fg in ("OP", "DIR"):
        assert value(t, functiegroep=fg, component="verborgen") <= value(
            t, functiegroep=fg, component="totaal", eenheid="procent")
    # 4 fte at 3.7 % implies roughly a hundred fte of school leaders (rounding band)
    assert 80 < fte / (pct / 100) < 130


def test_raming(tables, seed):
    r = tables["raming"]
    (groei,) = grab(seed, r"in 2034 de omvang van zowel onvervulde fte leraren als schoolleiders "
                          r"met (\d+)% is gestegen ten opzichte van 2024")
    rows = r[r["indicator"] == "onvervuld_fte_groei_tov_2024"]
    assert set(rows["functiegroep"]) == {"OP", "DIR"}
    assert (rows["waarde"] == groei).all() and (rows["jaar"] == 2034).all()
    assert "komende 10 jaar een kwart van het personeel door pensionering uitstroomt" in seed
    assert value(r, indicator="uitstroom_pensioen_aandeel_10jaar") == 25


def test_personeel(tables, seed):
    p = tables["personeel"]
    (ouder,) = grab(seed, r"het grootste deel \((\d+,\d)%\) 55 jaar en ouder")
    assert value(p, kenmerk="leeftijd", categorie="55+") == ouder
    (hbo,) = grab(seed, r"met (\d+,\d)% het grootste gedeelte van het personeel in het voortgezet onderwijs "
                        r"minstens een hbo of wo bachelor")
    assert value(p, kenmerk="opleidingsniveau") == hbo
    uren, vol = grab(seed, r"werkweek in het voortgezet onderwijs in Kennemerland & Groot-Amsterdam is (\d+) uur\. "
                           r"(\d+,\d)% van het personeel werkt 32 uur of meer")
    assert value(p, kenmerk="werkweek", eenheid="uren") == uren
    assert value(p, kenmerk="deeltijd", categorie="32+ uur") == vol
    (minder,) = grab(seed, r"60% van het personeel werkt 32 uur of meer, (\d+)% werkt minder")
    assert value(p, kenmerk="deeltijd", categorie="<32 uur") == minder
    (ervaring,) = grab(seed, r"(\d+,\d)% van de collega's in onze regio heeft minder dan 6 jaar werkervaring")
    assert value(p, kenmerk="werkervaring", categorie="<6 jaar") == ervaring
    # the part-time classes add up to 100 % up to the seed's rounding of 40 %
    deeltijd = p[p["kenmerk"] == "deeltijd"]["waarde"].sum()
    assert abs(deeltijd - 100) <= 0.5
    assert (p["niveau"] == "regio").all() and (p["onderwijstype"] == "VO").all()


def test_stromen(tables, seed):
    s = tables["stromen"]
    jin, tin, herkomst, juit, tuit, bestemming = grab(
        seed, r"Van de totale instroom in (\d{4}) \((\d+[.,]\d)%\) is (\d+,\d) % afkomstig uit een andere sector "
              r"dan het onderwijs\. Voor de uitstroom geldt dat in (\d{4}) \((\d+,\d)%\) (\d+,\d)% uitstroomt "
              r"naar een andere sector")
    # the seed writes "10.7%" with a dot: check the dot-decimal literally
    assert "instroom in 2023 (10.7%)" in seed
    tin = 10.7
    assert value(s, richting="in", kenmerk="totaal") == tin and value(s, richting="in", kenmerk="totaal") == 10.7
    assert s.loc[(s["richting"] == "in") & (s["kenmerk"] == "totaal"), "jaar"].iloc[0] == jin
    assert value(s, richting="in", kenmerk="herkomst", categorie="buiten onderwijs") == herkomst
    assert value(s, richting="uit", kenmerk="totaal") == tuit
    assert s.loc[(s["richting"] == "uit") & (s["kenmerk"] == "totaal"), "jaar"].iloc[0] == juit
    assert value(s, richting="uit", kenmerk="bestemming", categorie="buiten onderwijs") == bestemming
    # "netto instroom net iets hoger (1%) dan de uitstroom": 10.7 - 9.9 rounds to 1
    (netto,) = grab(seed, r"netto instroom net iets hoger \((\d+)%\) dan de uitstroom")
    assert round(tin - tuit) == netto == value(tables["kengetallen"], indicator="netto_instroom_min_uitstroom")


def test_kengetallen_context(tables, seed):
    k = tables["kengetallen"]
    bbp, bbp_pct, banen, banen_pct = grab(
        seed, r"bijdrage van bijna (\d+) miljard euro \((\d+)%\) aan het BBP en (\d+,\d) miljoen banen \((\d+)%\)")
    assert value(k, indicator="bbp") == bbp * 1e9
    assert value(k, indicator="aandeel_bbp_nederland") == bbp_pct
    assert value(k, indicator="banen", niveau="provincie:Noord-Holland") == banen * 1e6
    assert value(k, indicator="aandeel_banen_nederland") == banen_pct
    (nhz,) = grab(seed, r"Totaal aantal banen \(2023\): (\d[\d.]+)")
    assert value(k, indicator="banen", niveau="deelregio:Noord-Holland Zuid") == nhz
    (share,) = grab(seed, r"bijna (\d+)% van de werkgelegenheid is geconcentreerd")
    assert value(k, indicator="aandeel_werkgelegenheid_provincie") == share
    # 1,454,600 jobs against "1,8 million" (rounded, a year earlier) brackets the 83 % share
    assert nhz / 1.85e6 * 100 <= share <= nhz / 1.75e6 * 100 + 0.1
    werkdruk, prof = grab(seed, r"jaarlijks in (\d+) miljoen euro extra .*? structureel (\d+) miljoen euro per jaar")
    assert value(k, indicator="werkagenda_vo_werkdruk_per_jaar") == werkdruk * 1e6
    assert value(k, indicator="werkagenda_vo_professionalisering_per_jaar") == prof * 1e6
    (toelage,) = grab(seed, r"Voor de (\d+)% van scholen met de grootste achterstandsvraagstukken")
    assert value(k, indicator="arbeidsmarkttoelage_aandeel_scholen") == toelage
    assert "twaalf doelstellingen, verdeeld over drie prioriteiten" in seed
    assert value(k, indicator="werkagenda_mbo_doelstellingen") == 12
    assert value(k, indicator="werkagenda_mbo_prioriteiten") == 3
    (tevreden,) = grab(seed, r"(\d+,\d)% van de medewerkers tevreden is met zijn baan")
    assert value(k, indicator="tevreden_met_baan") == tevreden
    # "bijna een kwart ouder dan 55" is kept beside the 27.7 % and flagged as differing from it
    assert "Bijna een kwart van het personeel is ouder dan 55 jaar" in seed
    row = k[k["indicator"] == "aandeel_ouder_dan_55_afgerond"].iloc[0]
    assert row["waarde"] == 25 and "27,7" in row["opmerking"]
    assert value(tables["personeel"], kenmerk="leeftijd", categorie="55+") > row["waarde"]


def test_kengetallen_activity_targets(tables, seed):
    k = tables["kengetallen"]

    def v(indicator, jaar=2026, categorie="totaal"):
        sel = k[(k["indicator"] == indicator) & (k["jaar"] == jaar) & (k["categorie"] == categorie)]
        assert len(sel) == 1, (indicator, jaar, categorie)
        return float(sel["waarde"].iloc[0])

    assert grab(seed, r"Aanbod (\d+) x in 2026") == (v("edities_orientatietraining"),)
    bezoekers, aandeel = grab(seed, r"(\d+) potentials bezoeken de meet & greet\. (\d+)% hiervan")
    assert v("bezoekers_meet_greet") == v("bezoekers_meet_greet", 2027) == bezoekers
    assert v("aandeel_bezoekers_verdere_orientatie") == aandeel
    lo, hi = grab(seed, r"groep van (\d+)-(\d+) geselecteerde statushouders")
    assert (v("geselecteerde_statushouders", categorie="min"), v("geselecteerde_statushouders", categorie="max")) == (lo, hi)
    fte, lo, hi = grab(seed, r"vergoeding van (\d+,\d) fte LB .*?jaarlijks (\d+)-(\d+) zij-instromers geplaatst")
    assert v("vergoeding_bovenformatief_per_zij_instromer") == fte
    assert v("geplaatste_zij_instromers_per_jaar", categorie="min") == lo
    assert v("geplaatste_zij_instromers_per_jaar", categorie="max") == hi
    lo, hi = grab(seed, r"jaarlijks (\d+)-(\d+) ASK'ers geplaatst")
    assert v("geplaatste_ask_kandidaten_per_jaar", 2027, "min") == lo
    assert v("geplaatste_ask_kandidaten_per_jaar", 2027, "max") == hi
    lo, hi = grab(seed, r"jaarlijks (\d+)-(\d+) onderwijsassistenten opgeleid")
    assert v("opgeleide_onderwijsassistenten_per_jaar", categorie="min") == lo
    assert v("opgeleide_onderwijsassistenten_per_jaar", categorie="max") == hi
    assert grab(seed, r"In overleg met de (\d+) MBO-instellingen") == (v("mbo_instellingen"),)
    dagen, groepen, lo, hi, starters = grab(
        seed, r"zomervakantie \((\d+,\d)-dag\).*?In (\d+) cursusgroepen ontvangen (\d+)-(\d+) onervaren docenten.*?"
              r"worden (\d+) onervaren starters")
    assert v("duur_cursus_sterke_start_dagen") == dagen
    assert v("cursusgroepen_sterke_start") == groepen
    assert (v("deelnemers_sterke_start", categorie="min"), v("deelnemers_sterke_start", categorie="max")) == (lo, hi)
    assert v("deelnemers_modules_startende_docenten") == starters
    lo, hi = grab(seed, r"In 2026 starten (\d+)-(\d+) aankomende schoolleiders")
    assert v("deelnemers_kweekvijvertraject", categorie="min") == lo
    assert v("deelnemers_kweekvijvertraject", categorie="max") == hi
    lo, hi = grab(seed, r"Vanaf 2027 starten ook (\d+)-(\d+) schoolleiders met de masteropleiding")
    assert v("schoolleiders_master_educational_leadership", 2027, "min") == lo
    assert v("schoolleiders_master_educational_leadership", 2027, "max") == hi
    assert grab(seed, r"Op jaarbasis (\d+) bijeenkomsten") == (v("bijeenkomsten_hr_netwerk_per_jaar"),)
    dagen, pct = grab(seed, r"(\d+) dagen per week ervaring opdoen in de school\..*?en (\d+)% van de wereldburgers")
    assert v("praktijkdagen_per_week_wereldwijd_docent") == dagen
    assert v("aandeel_zelfstandig_voor_de_klas") == v("aandeel_zelfstandig_voor_de_klas", 2027) == pct
    subregios, = grab(seed, r"In (\d+) subregio's wordt op minimaal vier scholen")
    assert v("subregios_co_teach_informatica") == subregios
    assert v("scholen_co_teach_informatica", categorie="min") == 4
    n, f = grab(seed, r"twee instroommakelaars \((\d+) x (\d+,\d) fte\)")
    assert v("instroommakelaars") == n and v("fte_per_instroommakelaar") == f
    assert "Inmiddels maken er acht regio's gebruik van deze infrastructuur" in seed
    assert k.loc[k["indicator"] == "regios_digitale_infrastructuur", "waarde"].iloc[0] == 8
    # every target row points at its activity, and that activity exists in the register
    ids = set(tables["activiteiten"]["id"])
    for note in k.loc[k["onderwerp"] == "ambitie", "opmerking"]:
        m = re.match(r"activiteit (\d+\.\d+)", note)
        assert m and m.group(1) in ids, note


def test_partnerschappen_and_peer_review(tables, seed):
    p = tables["partnerschappen"]
    scholen = p[p["soort"] == "opleidingsschool"]
    assert "drie erkende opleidingsscholen actief; Opleidingsschool H2O, ROSA en Opleidingsschool Nova" in seed
    assert set(scholen["naam"]) == {"Opleidingsschool H2O", "ROSA", "Opleidingsschool Nova"}
    assert len(scholen) == value(tables["kengetallen"], indicator="erkende_opleidingsscholen")
    (jaar,) = grab(seed, r"ambitie om in (\d{4}) voor alle drie de opleidingsscholen in de onderwijsregio "
                         r"een ontwikkelingsgerichte peer review")
    assert (scholen["peer_review_jaar"] == jaar).all()
    (vorig,) = grab(seed, r"Opleidingsschool H2O en ROSA hebben in (\d{4}) de ontwikkelingsgerichte peer review")
    done = scholen.set_index("naam")["laatste_peer_review"]
    assert done["Opleidingsschool H2O"] == done["ROSA"] == vorig
    assert pd.isna(done["Opleidingsschool Nova"]) and "NOVA is sinds juni 2023 een erkende opleidingsschool" in seed
    # participants are named in full; the seed abbreviates the universities
    short = {"Universiteit van Amsterdam": "UvA", "Universiteit Utrecht": "UU", "Vrije Universiteit": "VU"}
    for inst in "; ".join(p["instellingen"]).split("; "):
        if inst:
            assert short.get(inst, inst.replace("Onderwijsregio ", "")) in seed, inst


def test_activiteiten_register(tables, seed):
    a = tables["activiteiten"].set_index("id")
    raw = seed_text("003")
    # every activity number of the 2026 and 2027-2029 tables is in the register, and nothing more
    block = raw.split("### 4.1 Gedetailleerde activiteitenplanning")[1].split("## **5. Samen opleiden**")[0]
    plan_ids = {m.rstrip(".") for m in re.findall(r"^(\d\.\d+\.?) ", block, flags=re.MULTILINE)}
    numbered = {i for i in a.index if not i.startswith("A")}
    assert numbered == plan_ids and len(plan_ids) == 32
    # each numbered title's words occur right after its number in one of the plan's tables
    for i in sorted(numbered):
        windows = [seed[m.end():m.end() + 250].lower() for m in re.finditer(rf"(?<![\d.]){re.escape(i)}\.? ", seed)]
        words = [w for w in re.findall(r"[\wëéèï&'-]+", a.loc[i, "titel"].lower()) if len(w) > 2]
        assert any(all(w in win for w in words) for win in windows), (i, a.loc[i, "titel"])
    # themes follow the plan's headings
    assert set(a.loc[["3.3", "3.4", "3.5"], "thema"]) == {"opleiden"}
    assert set(a.loc[[f"4.{n}" for n in range(1, 5)], "thema"]) == {"begeleiden"}
    assert set(a.loc[["2.1", "2.2"], "thema"]) == {"matchen"}
    assert set(a.loc[["6.3", "6.4"], "thema"]) == {"bovenbestuurlijke_inzet"}
    assert a.loc["A01", "thema"] == "peer_review"
    # periods: within the plan, 6.6 and the 2027-2029 ambitions start in 2027, peer review prepared from 2028
    assert (a["start"] >= "2026-01-01").all() and (a["einde"] <= "2029-12-31").all()
    assert "6.6 Onderzoek Gerichte dataverzameling ten behoeve van een actuele en volledige arbeidsmarktanalyse 2027-2029" in seed
    assert a.loc["6.6", "start"] == pd.Timestamp("2027-01-01")
    assert "De voorbereidingen starten in 2028" in seed
    assert a.loc["A01", ["start", "einde"]].tolist() == [pd.Timestamp("2028-01-01"), pd.Timestamp("2029-12-31")]
    # activities the ambitions section points at ("zie x.y") carry an ambition label
    for ref in set(re.findall(r"zie (\d\.\d+) in het activiteitenplan", seed)):
        assert a.loc[ref, "ambitie"], ref
    # own paraphrases stay short
    assert (a["beoogd_resultaat"].str.split().str.len() <= 15).all()
    assert (a["abc"] == "").all()  # the plan does not use Aantrekken/Behouden/Continuïteit


# --- what the seed does not say (issue 15) --------------------------------------------------------

YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _between(seed: str, start: str, end: str) -> str:
    i = seed.index(start)
    return seed[i:seed.index(end, i)]


def test_staff_shares_have_no_year_in_the_seed_and_the_data_says_so(tables, seed):
    """The 27,7 % aged 55+ and the other staff shares of the basisarbeidsmarktanalyse are given
    without a year: their peiljaar is a placeholder marked ``jaar_vermeld = false``."""
    personeel = _between(seed, "## Personeel", "## Baankenmerken")
    baan = _between(seed, "## Baankenmerken", "## Onderwijswerkzaamheden")
    overig = re.search(r"De gemiddelde werkweek in het voortgezet onderwijs in onze regio[^.]*\.[^.]*\.", seed)[0]
    assert "27,7%" in personeel and "60,2%" in baan and "40% werkt minder" in overig
    for block in (personeel, baan, overig):
        assert not YEAR.search(block), block[:80]
    assert (tables["personeel"]["jaar_vermeld"] == "false").all()


def test_hidden_shortage_has_no_year_in_the_seed(tables, seed):
    block = _between(seed, "### Tekorten", "## Personeel")
    assert "2,6%" in block and not YEAR.search(block)
    t = tables["tekort"]
    assert (t.loc[t["component"] == "verborgen", "jaar_vermeld"] == "false").all()
    # the total shortage of school leaders is dated 2024 in the seed (Centerdata over 2024)
    assert "Centerdata over 2024" in seed
    tot = t[t["component"] == "totaal"]
    assert (tot.loc[tot["functiegroep"] == "DIR", "jaar_vermeld"] == "true").all()
    # the teachers' 3,7 % stands beside the 2034-vs-2024 forecast, which dates neither figure
    assert (tot.loc[tot["functiegroep"] == "OP", "jaar_vermeld"] == "false").all()
