"""Issue 8: peer-review evidence (framework as data, indicators, dossier, workbook, template).

Issue 15: a synthetic indicator is never graded, a package target is labelled as one, a target
with a year is compared with the course towards it, starter retention counts the starters of
the retention chapter, and a partnership that joins another has that one's planned review."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import yaml
from conftest import assert_data_error, one_row, seed_text, squash

from regio_analysis import peerreview
from regio_analysis.data import load_region
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.errors import DataError
from regio_analysis.io.dossier import bewaar, write_workbook
from regio_analysis.io.frameworks import load_framework
from regio_analysis.peerreview import chapter as peer


@pytest.fixture(scope="module")
def po_noord():
    return load_region("po-noord-nederland", synthetic=True)


@pytest.fixture(scope="module")
def bommel():
    return load_region("rond-bommel-en-dommel", synthetic=True)


@pytest.fixture(scope="module")
def po_noord_dossier(po_noord):
    return peer.dossier(po_noord)


@pytest.fixture(scope="module")
def microdata(tmp_path_factory):
    """A region whose spells are its own (not synthetic): its indicators are graded."""
    from conftest import microdata_only_region

    root = microdata_only_region(tmp_path_factory.mktemp("data"))
    return load_region("alleen-microdata", root, synthetic=True)


def _framework_copy(tmp_path, edit) -> str:
    data = yaml.safe_load(peerreview.default_framework_path().read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "kader.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def _indicator(data: dict, ident: str) -> dict:
    return next(i for w in data["waarborgen"] for c in w["criteria"] for i in c["indicatoren"] if i["id"] == ident)


# --- Samen Opleiden coverage against seed 001 ------------------------------------------------------

@pytest.mark.bronnen
def test_transcribed_student_counts_are_the_seeds():
    text = squash(seed_text("001"))
    for number in ("1744", "971", "1520", "272", "1.930.055"):
        assert number in text, number


def test_coverage_reproduces_seed_001_and_flags_the_stated_funding(po_noord):
    cov = peerreview.samen_opleiden_coverage(po_noord.samen_opleiden, per_student_eur=955, kengetallen=po_noord.kengetallen)
    s = cov.summary
    assert round(one_row(s, instituut="NHL Stenden")["aandeel_partnerschap"], 1) == 55.7
    assert round(one_row(s, instituut="Hanzehogeschool")["aandeel_partnerschap"], 1) == 17.9
    total = one_row(s, instituut="totaal")
    assert round(total["aandeel_partnerschap"], 1) == 38.1
    assert total["nog_te_plaatsen"] == 2021 and total["extra_bekostiging_eur"] == 1_930_055
    # the per-institute amounts printed in the seed
    assert one_row(s, instituut="NHL Stenden")["extra_bekostiging_eur"] == 738_215
    assert one_row(s, instituut="Hanzehogeschool")["extra_bekostiging_eur"] == 1_191_840
    assert total["bekostiging_bij_100_procent_eur"] == 3_117_120
    # every stated figure is checked; only the current funding is inconsistent
    assert len(cov.controles) >= 10
    bad = cov.inconsistenties
    assert list(bad["indicator"]) == ["bekostiging_huidig"]
    row = bad.iloc[0]
    assert row["vermeld"] == 1_091_565 and row["berekend"] == 1_243 * 955 == 1_187_065
    text = " ".join(cov.meldingen())
    assert "€ 1.091.565" in text and "€ 1.187.065" in text and "1.243 studenten × € 955" in text
    assert "precies 100 studenten" in text


def test_coverage_shares_checked_at_printed_precision(po_noord):
    cov = peerreview.samen_opleiden_coverage(po_noord.samen_opleiden, kengetallen=po_noord.kengetallen)
    shares = cov.controles[cov.controles["eenheid"] == "procent"]
    # 56 (printed) vs 55.68 and 17.9 vs 17.89: both consistent at the precision printed
    assert len(shares) == 6 and shares["consistent"].all()


def test_coverage_of_a_hand_made_table_and_bad_input():
    students = pd.DataFrame({"instituut": ["A", "B", "A"], "jaar": [2024, 2024, 2025],
                             "studenten_totaal": [100, 50, 80], "studenten_partnerschap": [25, 50, 80]})
    cov = peerreview.samen_opleiden_coverage(students, per_student_eur=1000)
    assert cov.controles.empty
    t24 = one_row(cov.summary, instituut="totaal", jaar=2024)
    assert t24["aandeel_partnerschap"] == pytest.approx(50.0) and t24["extra_bekostiging_eur"] == 75_000
    assert one_row(cov.summary, instituut="totaal", jaar=2025)["nog_te_plaatsen"] == 0
    with pytest.raises(DataError, match="studenten_partnerschap"):
        peerreview.samen_opleiden_coverage(students.drop(columns="studenten_partnerschap"))
    with pytest.raises(DataError, match="regel 3"):
        peerreview.samen_opleiden_coverage(students.assign(studenten_partnerschap=[25, 60, 80]))


def test_dossier_reports_coverage_and_inconsistency(po_noord_dossier):
    d = po_noord_dossier
    cov = one_row(d.indicatoren, indicator_id="samen_opleiden_dekking")
    assert round(cov["waarde"], 1) == 38.1 and cov["doel"] == 100
    # the region's own ambition, named by its document, with its year 2030 ("voor 2030 alle studenten")
    assert cov["doel_soort"] == "ambitie" and cov["doel_bron"].startswith("ambitie van de regio")
    assert "Plan van aanpak Onderwijsregio PO Noord-Nederland 2024" in cov["doel_bron"] and ".txt" not in cov["doel_bron"]
    assert cov["doeljaar"] == 2030 and cov["meetjaar"] == 2023
    # measured once, in 2023, seven years before its target year: not graded as missed (was "niet gehaald")
    assert cov["status"] == "koers onbekend"
    needed = (100 - 100 * 1243 / 3264) / (2030 - 2023)  # 8.85 percentage points a year from 2023
    assert f"+{needed:.1f}".replace(".", ",") + " procentpunt per jaar" in cov["koers"]
    fund = one_row(d.indicatoren, indicator_id="bekostiging_navolgbaar")
    assert fund["waarde"] == 1 and fund["status"] == "niet gehaald" and "1.091.565" in fund["bewijs"]
    reading = peer.lezing_dekking(d)
    assert "38,1%" in reading and "€ 1.930.055" in reading and "Niet consistent" in reading


# --- statuses come from the framework file ----------------------------------------------------------

@pytest.mark.parametrize("waarde, doel, richting, expected", [
    (80, 80, "hoger", "gehaald"), (76, 80, "hoger", "bijna"), (70, 80, "hoger", "niet gehaald"),
    (0, 0, "lager", "gehaald"), (2, 0, "lager", "bijna"), (7, 0, "lager", "niet gehaald"), (None, 80, "hoger", "ontbreekt"),
    (float("nan"), 80, "hoger", "ontbreekt"), (90, 80, "hoger", "gehaald"),
])
def test_indicator_status(waarde, doel, richting, expected):
    assert peerreview.indicator_status(waarde, doel, richting, gehaald=0, bijna=5) == expected


def test_default_framework_loads_and_marks_waarborg_3_and_4():
    k = load_framework()
    assert [w.naam for w in k.waarborgen[:2]] == ["De lerende leraar", "De leeromgeving"]
    assert [w.te_controleren for w in k.waarborgen] == [False, False, True, True]
    assert k.cyclus_jaren == 6 and all(w.codes for w in k.waarborgen)
    table = k.table()
    assert set(table["berekening"]) <= set(peerreview.BEREKENINGEN) and table["indicator_id"].is_unique
    for horizon in (1, 3, 5):
        assert f"behoud_starters_{horizon}_jaar" in set(table["berekening"])


def test_changing_a_target_in_the_yaml_changes_the_status(tmp_path, microdata):
    before = peer.dossier(microdata)
    ind = one_row(before.indicatoren, indicator_id="inductie_dekking")
    assert not ind["synthetisch"] and ind["status"] == "niet gehaald" and 50 < ind["waarde"] < 90

    lowered = _framework_copy(tmp_path, lambda d: _indicator(d, "inductie_dekking").update(doel=50))
    after = peer.dossier(microdata, framework=lowered)
    assert one_row(after.indicatoren, indicator_id="inductie_dekking")["status"] == "gehaald"
    assert one_row(after.indicatoren, indicator_id="inductie_dekking")["waarde"] == ind["waarde"]
    # the output files follow the file too
    wb_path = write_workbook(after, tmp_path / "dossier.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(wb_path)["W1 De lerende leraar"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(r for r in rows if r[:2] == ["Criterium", "Indicator"])
    row = dict(zip(head, next(r for r in rows if r[1] == "Startende leraren met inductie")))
    assert row["Doel"] == 50 and row["Status"] == "gehaald" and row["Doelbron"] == peerreview.STANDAARD_DOEL


def _with_key_figures(region, rows: list[dict]):
    """A shallow copy of ``region`` with extra key figures."""
    import copy

    out = copy.copy(region)
    out.tables = dict(region.tables)
    base = {"functiegroep": "totaal", "categorie": "totaal", "niveau": "regio", "eenheid": "procent", "bron": "test",
            "opmerking": "", "onderdrukt": False}
    extra = pd.DataFrame([{**base, **r} for r in rows])
    out.tables["kengetallen"] = pd.concat([region.kengetallen, extra], ignore_index=True)
    return out


def test_thresholds_and_ambition_come_from_the_file(tmp_path, microdata):
    region = _with_key_figures(microdata, [{"onderwerp": "ambitie", "indicator": "vertrek_binnen_1_jaar_max",
                                            "jaar": float("nan"), "waarde": 20.0,
                                            "opmerking": "hoogstens 20% vertrek"}])
    base = one_row(peer.dossier(region).indicatoren, indicator_id="behoud_starters_1_jaar")
    assert base["doel"] == 80 and base["doel_soort"] == "ambitie" and "(20%; doel 100 − 20 = 80%)" in base["doel_bron"]
    assert pd.isna(base["doeljaar"])  # an ambition without a year has no horizon
    gap = base["doel"] - base["waarde"]
    assert base["status"] == ("gehaald" if gap <= 0 else "bijna" if gap <= 5 else "niet gehaald")

    def widen(d):
        _indicator(d, "behoud_starters_1_jaar")["drempels"] = {"gehaald": 0, "bijna": float(gap) + 1}
    assert one_row(peer.dossier(region, framework=_framework_copy(tmp_path, widen)).indicatoren,
                   indicator_id="behoud_starters_1_jaar")["status"] == ("gehaald" if gap <= 0 else "bijna")

    def own_target(d):
        i = _indicator(d, "behoud_starters_1_jaar")
        i["doel_uit_ambitie"] = None
        i["doel"] = 60
    row = one_row(peer.dossier(region, framework=_framework_copy(tmp_path, own_target)).indicatoren,
                  indicator_id="behoud_starters_1_jaar")
    assert row["doel"] == 60 and row["status"] == "gehaald"
    # a target of the framework file is the package's own, never a "kader" that reads as a norm
    assert row["doel_soort"] == "standaardwaarde" and row["doel_bron"] == peerreview.STANDAARD_DOEL


# --- bad framework files -----------------------------------------------------------------------------

@pytest.mark.parametrize("edit, parts", [
    (lambda d: _indicator(d, "inductie_dekking").update(richting="omhoog"),
     ["waarborgen[W1].criteria[W1.2].indicatoren[inductie_dekking].richting", "omhoog"]),
    (lambda d: _indicator(d, "tevredenheid_studenten").update(berekening="geluk"),
     ["indicatoren[tevredenheid_studenten].berekening", "onbekende berekening"]),
    (lambda d: _indicator(d, "samen_opleiden_dekking").update(doel="honderd"),
     ["indicatoren[samen_opleiden_dekking].doel", "getal"]),
    (lambda d: _indicator(d, "behoud_starters_1_jaar").update(drempels={"gehaald": 5, "bijna": 1}),
     ["indicatoren[behoud_starters_1_jaar].drempels.bijna"]),
    (lambda d: _indicator(d, "bezoeken_als_peer").pop("kengetal"), ["indicatoren[bezoeken_als_peer].kengetal"]),
    (lambda d: d["waarborgen"][0].update(drempel=3), ["waarborgen[W1].drempel", "onbekende sleutel"]),
    (lambda d: d["waarborgen"][1].update(te_controleren="misschien"), ["waarborgen[W2].te_controleren"]),
    (lambda d: d.update(waarborgen=[]), ["'waarborgen'", "niet-lege lijst"]),
    (lambda d: _indicator(d, "behoud_starters_3_jaar").update(id="behoud_starters_1_jaar"), ["dubbele indicator-id"]),
    (lambda d: _indicator(d, "samen_opleiden_dekking").update(doeljaar="2030"),
     ["indicatoren[samen_opleiden_dekking].doeljaar", "jaartal"]),
])
def test_bad_framework_yaml_names_file_and_key(tmp_path, edit, parts):
    path = _framework_copy(tmp_path, edit)
    assert_data_error(lambda: load_framework(path), path, parts)


def test_unreadable_framework_files(tmp_path):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("waarborgen: [\n  - id: W1\n", encoding="utf-8")
    assert_data_error(lambda: load_framework(broken), broken, ["geen geldige YAML"])
    listed = tmp_path / "lijst.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")
    assert_data_error(lambda: load_framework(listed), listed, ["mapping"])
    assert_data_error(lambda: load_framework(tmp_path / "weg.yaml"), tmp_path / "weg.yaml", ["niet gevonden"])


def test_framework_code_missing_from_the_codebook(tmp_path, bommel):
    path = _framework_copy(tmp_path, lambda d: d["waarborgen"][0].update(codes=["thema/bestaat-niet"]))
    assert_data_error(lambda: peer.dossier(bommel, framework=path), path,
                      ["waarborgen[W1].codes[0]", "thema/bestaat-niet"])


# --- other indicators ---------------------------------------------------------------------------------

def test_peer_review_cycle_statuses():
    p = pd.DataFrame({
        "naam": ["a", "b", "c", "d", "e", "f", "g"],
        "soort": ["opleidingsschool"] * 5 + ["samen_opleiden", "samenwerking"],
        "laatste_peer_review": [2023, 2015, 2020, None, None, 2022, 2020],
        "peer_review_jaar": [None, None, 2029, None, 2025, 2028, None],
    })
    for c in ("laatste_peer_review", "peer_review_jaar"):
        p[c] = p[c].astype("Int64")
    cyc = peerreview.peer_review_cycle(p, peiljaar=2026, cyclus_jaren=6).set_index("naam")
    assert list(cyc.index) == ["a", "b", "c", "d", "e", "f"]  # 'samenwerking' holds no peer review
    assert cyc["status"].to_dict() == {"a": "op schema", "b": "te laat", "c": "later dan de cyclus",
                                       "d": "geen jaar bekend", "e": "te laat", "f": "op schema"}
    assert cyc.loc["a", "volgende"] == 2029 and cyc.loc["c", "uiterlijk"] == 2026
    assert (cyc["via"] == "").all()


def test_a_partnership_that_joins_another_has_its_planned_review():
    """Issue 15: a school of education 'niet gepland' for the review the plan schedules after a merger."""
    p = pd.DataFrame({
        "naam": ["Oud A", "Oud B", "Samen", "Los"],
        "soort": ["opleidingsschool", "opleidingsschool", "samen_opleiden", "opleidingsschool"],
        "instellingen": ["", "", "Oud A;Oud B;een hogeschool", ""],
        "laatste_peer_review": [2023, None, None, None],
        "peer_review_jaar": [None, None, 2029, None],
    })
    for c in ("laatste_peer_review", "peer_review_jaar"):
        p[c] = p[c].astype("Int64")
    cyc = peerreview.peer_review_cycle(p, peiljaar=2026).set_index("naam")
    assert cyc.loc["Oud B", ["gepland", "via", "volgende", "status"]].tolist() == [2029, "Samen", 2029, "op schema"]
    assert cyc.loc["Oud A", ["gepland", "via", "uiterlijk", "status"]].tolist() == [2029, "Samen", 2029, "op schema"]
    assert cyc.loc["Los", "status"] == "geen jaar bekend" and cyc.loc["Samen", "via"] == ""
    # the joint review after the cycle of a member runs out is later than its cycle
    late = p.assign(peer_review_jaar=pd.array([None, None, 2031, None], dtype="Int64"))
    assert peerreview.peer_review_cycle(late, 2026).set_index("naam").loc["Oud A", "status"] == "later dan de cyclus"


def test_noorderwijzer_cycle_has_the_school_of_education_in_the_joint_2029_review():
    d = peer.dossier(load_region("noorderwijzer", synthetic=True))
    cyc = d.cyclus.set_index("naam")
    for naam in ("School of Education", "Noordermarke"):
        assert cyc.loc[naam, "gepland"] == 2029 and cyc.loc[naam, "via"] == "Opleidingspraktijk Noorderwijzer"
        assert cyc.loc[naam, "status"] == "op schema"
    assert one_row(d.indicatoren, indicator_id="peer_review_cyclus")["waarde"] == 100
    text = peer.lezing_cyclus(d)
    assert "niet gepland" not in text and "geen jaar" not in text
    assert ("Noordermarke en School of Education hebben geen eigen geplande peer review, maar maken deel uit van "
            "Opleidingspraktijk Noorderwijzer, waarvan de peer review in 2029 gepland is") in text
    from regio_analysis.report.format import tabel_tekst

    shown = tabel_tekst(peer.cyclus_tabel(d)).set_index("naam")
    assert shown.loc["School of Education", ["gepland", "gepland met", "status"]].tolist() == \
        ["2029", "Opleidingspraktijk Noorderwijzer", "op schema"]


def test_rond_bommel_en_dommel_earlier_partnership_shares_the_regions_2028_review():
    """Review finding: the partnership the plan names for its earlier peer reviews merges into the region's
    approach, whose reviews are planned for 2028; it was graded "niet gehaald" as one without a plan."""
    d = peer.dossier(load_region("rond-bommel-en-dommel", synthetic=True))
    cyc = d.cyclus.set_index("naam")
    assert cyc.loc["Het Partnerschap Opleiden in de School", "gepland"] == 2028
    assert cyc.loc["Het Partnerschap Opleiden in de School", "status"] == "op schema"
    assert one_row(d.indicatoren, indicator_id="peer_review_cyclus")["status"] == "gehaald"


def test_peer_review_cycle_of_kennemerland():
    d = peer.dossier(load_region("kennemerland-groot-amsterdam", synthetic=True))
    cyc = d.cyclus.set_index("naam")
    assert cyc.loc["ROSA", "uiterlijk"] == 2031 and cyc.loc["ROSA", "volgende"] == 2029
    assert (cyc["status"] == "op schema").all()
    assert one_row(d.indicatoren, indicator_id="peer_review_cyclus")["status"] == "gehaald"


def test_retention_counts_the_starters_of_the_retention_chapter(bommel):
    """Issue 15, item 5: chapter 05 used 441 starters (all staff) where chapter 03 used 316 (OP)."""
    from lifelines import KaplanMeierFitter

    from regio_analysis.retention.chapter import Hoofdstuk as Retentie
    from regio_analysis.retention.chapter.analyses import starters

    d = peer.dossier(bommel)
    op = starters(bommel)
    assert len(op) > 0 and set(op["functiegroep"]) == {"OP"}
    every = bommel.dienstverbanden[bommel.dienstverbanden["starter"].astype(bool)]
    assert len(op) < every["persoon_id"].nunique()  # the old population: starters of every function group
    got = [one_row(d.indicatoren, indicator_id=f"behoud_starters_{h}_jaar") for h in (1, 3, 5)]
    assert [g["n"] for g in got] == [len(op)] * 3
    assert f"Kaplan-Meier over {len(op):,} startende leraren (functiegroep OP".replace(",", ".") in got[0]["bewijs"]
    # an independent Kaplan-Meier (lifelines, left truncation at entry) on the same spells
    km = KaplanMeierFitter().fit(op["duration"], op["event"], entry=op["entry"])
    for g, h in zip(got, (1, 3, 5)):
        assert g["waarde"] == pytest.approx(100 * float(km.survival_function_at_times(h).iloc[0]), abs=1e-9)
    # and the same number as the retention chapter's table of horizons (all starters, leaving within 1 year)
    row = one_row(Retentie(bommel).tabel_horizonnen(), groep="alle starters")
    assert row["starters"] == len(op)
    assert 100 - row["vertrek binnen 1 jaar (%)"] == pytest.approx(got[0]["waarde"])
    assert all(g["synthetisch"] and "synthetisch" in g["bron"] for g in got)
    # the 5-year trend only has cohorts followed for five years
    assert d.trends["behoud_starters_5_jaar"]["jaar"].max() <= 2020
    reading = peer.lezing_behoud(d)
    assert f"Van de {len(op)} startende leraren (functiegroep OP, dezelfde als in het hoofdstuk Retentie" in reading
    ind = one_row(d.indicatoren, indicator_id="inductie_dekking")
    assert ind["n"] == len(op)  # induction among the same starters


def test_survey_and_key_figure_indicators(bommel):
    d = peer.dossier(bommel)
    stud = one_row(d.indicatoren, indicator_id="tevredenheid_studenten")
    e = bommel.enquete[bommel.enquete["groep"] == "student"]
    assert stud["waarde"] == pytest.approx(100 * (e["waarde"] >= 4).mean())
    cert = one_row(d.indicatoren, indicator_id="gecertificeerde_schoolopleiders")
    assert cert["status"] == "ontbreekt" and "schoolopleiders" in cert["ontbreekt"]


def test_certified_teacher_educators_from_key_figures(bommel):
    import copy

    region = copy.copy(bommel)
    region.tables = dict(bommel.tables)
    extra = pd.DataFrame([{"onderwerp": "samen_opleiden", "indicator": "gecertificeerde_schoolopleiders", "jaar": 2025,
                           "functiegroep": "totaal", "categorie": "totaal", "niveau": "regio", "eenheid": "aantal",
                           "waarde": 18.0, "bron": "test", "opmerking": "", "onderdrukt": False},
                          {"onderwerp": "samen_opleiden", "indicator": "schoolopleiders", "jaar": 2025,
                           "functiegroep": "totaal", "categorie": "totaal", "niveau": "regio", "eenheid": "aantal",
                           "waarde": 20.0, "bron": "test", "opmerking": "", "onderdrukt": False}])
    region.tables["kengetallen"] = pd.concat([bommel.kengetallen, extra], ignore_index=True)
    row = one_row(peer.dossier(region).indicatoren, indicator_id="gecertificeerde_schoolopleiders")
    assert row["waarde"] == pytest.approx(90.0) and row["status"] == "bijna"


# --- qualitative evidence ------------------------------------------------------------------------------

def test_quotes_come_from_register_and_documents_anonymised(tmp_path, bommel):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "verslag.txt").write_text(
        "Verslag van de stuurgroep.\n\nMevrouw De Vries organiseerde de visitatie van de opleidingsschool; "
        "de peer review leverde drie ontwikkelpunten op.\n", encoding="utf-8")
    d = peer.dossier(bommel, documents_dir=docs, citaten_per_code=10)
    w4 = d.citaten("W4")
    own = w4[w4["document"] == "verslag"]
    assert not own.empty and "[naam]" in own.iloc[0]["citaat"]
    assert not d.bewijs["citaat"].str.contains("De Vries").any()
    assert d.bewijs["document"].str.startswith("Activiteit ").any()  # the activity register
    with pytest.raises(DataError):
        peer.dossier(bommel, documents_dir=tmp_path / "bestaat-niet")


# --- outputs ---------------------------------------------------------------------------------------------

def test_workbook_has_a_sheet_per_waarborg(tmp_path, po_noord_dossier):
    from openpyxl import load_workbook

    d = po_noord_dossier
    wb = load_workbook(write_workbook(d, tmp_path / "d.xlsx"))
    assert wb.sheetnames == ["Overzicht", "W1 De lerende leraar", "W2 De leeromgeving", "W3 Organisatie en partnerschap",
                             "W4 Kwaliteitszorg", "Ontbrekend bewijs", "Peer-reviewcyclus", "Samen Opleiden"]
    for w in d.kader.waarborgen:
        rows = [[c.value for c in r] for r in wb[f"{w.id} {w.naam}"].iter_rows()]
        head = next(i for i, r in enumerate(rows) if r[:2] == ["Criterium", "Indicator"])
        assert rows[head][2:12] == ["Waarde", "Eenheid", "Doel", "Doeljaar", "Doelbron", "Status", "Koers", "Trend", "Bron",
                                    "Bewijs"]
        ind = d.indicatoren[d.indicatoren["waarborg_id"] == w.id]
        body = rows[head + 1: head + 1 + len(ind)]
        assert [r[1] for r in body] == list(ind["indicator"]) and [r[7] for r in body] == list(ind["status"])
        assert any(r[0] == "Kwalitatief bewijs (geanonimiseerde citaten)" for r in rows)
        assert any(r[0] == w.reflectievragen[0] for r in rows)
    cov = [[c.value for c in r] for r in wb["Samen Opleiden"].iter_rows()]
    assert any(r[0] == "totaal" and r[7] == 1_930_055 for r in cov)
    assert any(isinstance(r[0], str) and "1.091.565" in r[0] for r in cov)


def test_self_evaluation_template_md_and_docx(tmp_path, po_noord_dossier):
    import docx

    d = po_noord_dossier
    paths = bewaar(d, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "peer_review/bewijsdossier_po-noord-nederland.xlsx", "peer_review/zelfevaluatie_po-noord-nederland.md",
        "peer_review/zelfevaluatie_po-noord-nederland.docx"]
    md = paths[1].read_text(encoding="utf-8")
    for w in d.kader.waarborgen:
        assert f"## {w.titel}" in md and w.reflectievragen[0] in md
    assert md.count("### Reflectie van het partnerschap") == 4 and md.count("_In te vullen door het partnerschap._") == 4
    assert "38,1%" in md and "1.091.565" in md and "synthetisch" in md
    assert d.bewijs.iloc[0]["citaat"] in md
    assert md.count("nog te controleren") == 2
    document = docx.Document(str(paths[2]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [w.titel for w in d.kader.waarborgen] == [h for h in headings if h.startswith("Waarborg")]
    assert len(document.tables) == 4 and document.tables[1].rows[0].cells[0].text == "Indicator"
    assert sum("In te vullen door het partnerschap." in p.text for p in document.paragraphs) == 4
    assert bewaar(d, "") == []


def test_region_without_partnership_data_gets_a_dossier_of_what_is_missing(tmp_path):
    from conftest import microdata_only_region

    region = load_region("alleen-microdata", microdata_only_region(tmp_path / "data"), synthetic=True)
    assert not region.has("partnerschappen") and not region.has("activiteiten")
    d = peer.dossier(region)
    assert one_row(d.indicatoren, indicator_id="peer_review_cyclus")["status"] == "ontbreekt"
    assert not d.indicatoren.loc[d.indicatoren["indicator_id"] == "behoud_starters_1_jaar", "synthetisch"].iloc[0]
    missing = d.ontbrekend
    assert (missing["onderdeel"] == "partnerschappen").sum() == 1
    assert (missing["onderdeel"] == "kwalitatief bewijs").sum() == len(d.kader.waarborgen)
    assert missing["onderdeel"].str.contains("Studenten opgeleid in een partnerschap").any()
    assert "ontbreken" in peer.lezing_overzicht(d) and "mist" in peer.lezing_ontbrekend(d)
    assert peer.lezing_cyclus(d).startswith("_Geen gegevens")
    paths = bewaar(d, tmp_path / "uit")
    md = paths[1].read_text(encoding="utf-8")
    assert "tabel partnerschappen" in md and "### Ontbrekend bewijs" in md


# --- numeric tables and the chapter object ------------------------------------------------------------

def test_indicator_table_keeps_numbers_and_shows_values_in_their_unit(po_noord_dossier):
    from regio_analysis.report.format import tabel_getallen, tabel_tekst

    d = po_noord_dossier
    t = d.tabel()
    assert t["waarde"].dtype == float and t["doel"].dtype == float
    assert list(t.columns) == ["waarborg", "criterium", "indicator", "waarde", "eenheid", "vergelijking", "doel",
                               "doeljaar", "doelbron", "status", "koers", "trend", "bron", "bewijs"]
    shown = tabel_tekst(t)  # unit and comparator are shown inside the value and the target
    assert list(shown.columns) == ["waarborg", "criterium", "indicator", "waarde", "doel", "doeljaar", "doelbron",
                                   "status", "koers", "trend", "bron", "bewijs"]
    cov = one_row(shown, indicator="Studenten opgeleid in een partnerschap")
    assert (cov["waarde"], cov["doel"], cov["doeljaar"], cov["status"]) == ("38,1%", "≥ 100%", "2030", "koers onbekend")
    assert one_row(shown, indicator="Startende leraren met inductie")["doeljaar"] == "geen"
    fund = one_row(shown, indicator="Afwijkingen in de bekostiging")
    assert (fund["waarde"], fund["doel"]) == ("1", "≤ 0")
    assert one_row(shown, indicator="Gecertificeerde schoolopleiders")["waarde"] == "–"
    kept = tabel_getallen(t)
    assert one_row(kept, indicator="Studenten opgeleid in een partnerschap")["waarde"] == 38.1
    assert one_row(kept, indicator="Bezoeken als peer bij andere partnerschappen")[["vergelijking", "doel"]].tolist() == ["≥", 1]
    # one waarborg: the same rows without the waarborg column; a target with a decimal keeps it
    w1 = d.tabel("W1")
    assert "waarborg" not in w1.columns and len(w1) == (d.indicatoren["waarborg_id"] == "W1").sum()
    odd = d.tabel("W1").assign(doel=[72.5, 80.0, 70.0, 60.0])
    from regio_analysis.peerreview.evidence import _decimalen_nodig

    assert _decimalen_nodig(odd["doel"]) == 1 and _decimalen_nodig(w1["doel"]) == 0


def test_a_text_before_a_value_is_shown_only_with_the_value():
    import numpy as np

    from regio_analysis.report.format import Kolom, kolommen, tabel_getallen, tabel_tekst

    t = kolommen(pd.DataFrame({"doel": [100.0, 0.0, np.nan], "eenheid": ["procent", "aantal", "procent"],
                               "vergelijking": ["≥", "≤", "≥"]}),
                 doel=Kolom("getal", 0, eenheid="eenheid", voor="vergelijking"))
    assert tabel_tekst(t).to_dict("list") == {"doel": ["≥ 100%", "≤ 0", "–"]}
    assert tabel_getallen(t)["vergelijking"].tolist() == ["≥", "≤", "≥"]


def test_coverage_check_and_cycle_tables_are_numeric(po_noord_dossier):
    from regio_analysis.report.format import tabel_tekst

    d = po_noord_dossier
    cov = peer.dekking_tabel(d)
    total = one_row(cov, instituut="totaal")
    assert total["studenten"] == 3264 and total["aandeel (%)"] == pytest.approx(38.08, abs=0.01)
    assert total["extra bekostiging (€)"] == 1_930_055
    assert tabel_tekst(cov).iloc[-1].tolist() == ["totaal", "2023-2024", "3.264", "1.243", "38,1%", "2.021", "1.930.055"]
    chk = peer.controle_tabel(d)
    assert chk["consistent"].dtype == bool and chk["in het plan"].dtype == float
    shown = tabel_tekst(chk)
    assert "eenheid" not in shown.columns
    row = one_row(shown, wat="de huidige bekostiging")
    assert (row["in het plan"], row["nagerekend"], row["consistent"]) == ("€ 1.091.565", "€ 1.187.065", "nee")
    assert one_row(shown, wat="het aandeel in een partnerschap", instituut="NHL Stenden")["in het plan"] == "56,0%"
    assert one_row(shown, wat="het totaal aantal studenten")["nagerekend"] == "3.264"


def test_cycle_years_are_shown_as_years():
    from regio_analysis.report.format import tabel_tekst

    d = peer.dossier(load_region("kennemerland-groot-amsterdam", synthetic=True))
    t = peer.cyclus_tabel(d)
    assert "op_schema" not in t.columns
    shown = tabel_tekst(t).set_index("naam")
    assert shown.loc["ROSA", ["laatste peer review", "gepland", "uiterlijk (cyclus)", "volgende"]].tolist() == \
        ["2025", "2029", "2031", "2029"]
    assert shown.loc["Opleidingsschool Nova", "laatste peer review"] == "–"


def test_hoofdstuk_shows_what_the_module_functions_give(bommel):
    from regio_analysis.report.format import tabel_tekst

    h = peer.Hoofdstuk(bommel)
    d = peer.dossier(bommel)
    assert h.dossier is h.dossier  # built once
    assert h.meldingen == [] and h.kader.naam == d.kader.naam
    assert h.inleiding() == peer.inleiding(d)
    for name in ("lezing_overzicht", "lezing_dekking", "lezing_behoud", "lezing_cyclus", "lezing_ontbrekend"):
        assert getattr(h, name)() == getattr(peer, name)(d), name
    assert h.lezing_waarborg("W2") == peer.lezing_waarborg(d, "W2")
    pd.testing.assert_frame_equal(h.tabel_indicatoren(), d.tabel())
    pd.testing.assert_frame_equal(tabel_tekst(h.tabel_indicatoren("W1")), tabel_tekst(d.tabel("W1")))
    pd.testing.assert_frame_equal(h.tabel_cyclus(), peer.cyclus_tabel(d))
    pd.testing.assert_frame_equal(h.tabel_citaten("W4"), d.citaten("W4"))
    pd.testing.assert_frame_equal(h.tabel_ontbrekend(), d.ontbrekend)
    assert h.tabel_dekking().empty and h.tabel_controle().empty  # Bommel has no student counts per institute
    delen = h.waarborgen()
    assert [w.naam for w in delen] == ["peer-review-w1", "peer-review-w2", "peer-review-w3", "peer-review-w4"]
    assert [w.citaten_naam for w in delen][0] == "peer-review-w1-citaten"
    assert delen[0].tekst.startswith("### Waarborg 1: De lerende leraar") and delen[0].wat == "indicatoren van waarborg 1: de lerende leraar"
    import matplotlib.pyplot as plt

    assert h.figuur_status() is not None and h.figuur_behoud() is not None
    plt.close("all")


def test_hoofdstuk_reports_what_it_cannot_use_and_goes_on(tmp_path, bommel):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("waarborgen: [\n", encoding="utf-8")
    h = peer.Hoofdstuk(bommel, kader_bestand=str(broken), documenten=str(tmp_path / "bestaat-niet"))
    assert [m.split(":**")[0] for m in h.meldingen] == ["**Kaderbestand niet gebruikt", "**Eigen documenten niet gelezen"]
    assert h.kader.naam == load_framework().naam and h.dossier.documenten["doc_id"].str.startswith("activiteit-").all()
    intro = h.inleiding()
    assert intro.startswith("**Kaderbestand niet gebruikt:**") and intro.endswith(peer.inleiding(h.dossier))


def test_hoofdstuk_shows_and_keeps_its_tables(tmp_path, bommel, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.extend(a))
    h = peer.Hoofdstuk(bommel)
    h.toon_waarborgen(str(tmp_path))
    h.toon_ontbrekend(str(tmp_path))
    kept = sorted(p.name for p in (tmp_path / "tabellen").glob("*.csv"))
    assert kept == ["peer-review-ontbrekend.csv"] + [f"peer-review-w{i}{s}.csv" for i in range(1, 5)
                                                     for s in ("-citaten", "")]
    w1 = pd.read_csv(tmp_path / "tabellen" / "peer-review-w1.csv")
    assert w1["waarde"].dtype == float and set(w1["eenheid"]) == {"procent"} and set(w1["vergelijking"]) == {"≥"}
    assert h.bewaar("") == "_Geef `output_dir` op om het werkboek en het zelfevaluatiesjabloon te bewaren._"
    assert h.bewaar(str(tmp_path)).startswith("Bewaard in `peer_review/`: `bewijsdossier_rond-bommel-en-dommel.xlsx`")
    # a dossier without missing evidence shows no table (the reading says so)
    monkeypatch.setattr(type(h), "tabel_ontbrekend", lambda self: self.dossier.ontbrekend.iloc[0:0])
    before = len(shown)
    h.toon_ontbrekend(str(tmp_path / "leeg"))
    assert len(shown) == before and not (tmp_path / "leeg").exists()


def test_batch_produces_chapter_workbook_and_template_for_every_region(full_reports):
    """Acceptance of issue 8: the chapter, workbook and template for every default region
    (and a microdata-only region without partnership data)."""
    from conftest import BATCH_REGIONS, chapter_status

    out, manifest = full_reports
    regions = BATCH_REGIONS
    assert chapter_status(manifest, "peer_review") == {r: "ok" for r in regions}, json.dumps(manifest["rijen"], indent=1)
    for rid in regions:
        folder = out / rid / "peer_review"
        assert (folder / f"bewijsdossier_{rid}.xlsx").is_file()
        assert (folder / f"zelfevaluatie_{rid}.md").is_file() and (folder / f"zelfevaluatie_{rid}.docx").is_file()
        page = (out / rid / "rapport.html").read_text(encoding="utf-8")
        assert "Bewijsdossier peer review" in page
    page = (out / "po-noord-nederland" / "rapport.html").read_text(encoding="utf-8")
    assert "38,1%" in page and "1.930.055" in page
    md = (out / "alleen-microdata" / "peer_review" / "zelfevaluatie_alleen-microdata.md").read_text(encoding="utf-8")
    assert "tabel partnerschappen" in md


# --- issue 15: synthetic indicators are never graded; package targets are labelled as such ----------------

_SYNTHETIC_IDS = {"inductie_dekking", "behoud_starters_1_jaar", "behoud_starters_3_jaar", "behoud_starters_5_jaar",
                  "tevredenheid_begeleiders", "tevredenheid_studenten"}
_GRADES = ("gehaald", "bijna", "op koers")  # "niet gehaald" and "niet op koers" contain these


@pytest.fixture(scope="module")
def default_outputs(tmp_path_factory):
    """Per default region: the chapter object and its workbook and templates, written once."""
    import docx
    from openpyxl import load_workbook

    out = {}
    for rid in DEFAULT_REGIONS:
        region = load_region(rid, synthetic=True)
        h = peer.Hoofdstuk(region)
        paths = bewaar(h.dossier, tmp_path_factory.mktemp(rid))
        out[rid] = (region, h, load_workbook(paths[0]), paths[1].read_text(encoding="utf-8"), docx.Document(str(paths[2])))
    return out


def _md_rows(md: str) -> list[dict]:
    """The rows of the indicator tables of a Markdown template, by header."""
    rows, head = [], None
    for line in md.splitlines():
        if line.startswith("| Indicator |"):
            head = [c.strip() for c in line.strip("|").split("|")]
        elif line.startswith("|---"):
            continue
        elif line.startswith("|") and head:
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            rows.append(dict(zip(head, cells)))
        else:
            head = None if not line.startswith("|") else head
    return rows


def _sheet_rows(wb) -> list[dict]:
    rows = []
    for ws in wb.worksheets:
        values = [[c.value for c in r] for r in ws.iter_rows()]
        head = next((r for r in values if r[:2] == ["Criterium", "Indicator"]), None)
        if head is None:
            continue
        start = values.index(head) + 1
        for r in values[start:]:
            if not r[1]:
                break
            rows.append(dict(zip(head, r)))
    return rows


def _docx_rows(document) -> list[dict]:
    rows = []
    for table in document.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:1] == ["Indicator"]:
            rows += [dict(zip(head, [c.text for c in r.cells])) for r in table.rows[1:]]
    return rows




@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_no_output_grades_a_synthetic_indicator(default_outputs, rid):
    from regio_analysis.report.format import tabel_tekst

    region, h, wb, md, document = default_outputs[rid]
    d = h.dossier
    assert {"dienstverbanden", "enquete"} <= set(region.synthetisch)
    synth = d.indicatoren[d.indicatoren["indicator_id"].isin(_SYNTHETIC_IDS)]
    labels = set(synth["indicator"])
    assert len(synth) == 6 and synth["synthetisch"].all() and synth["waarde"].notna().all()
    assert set(d.indicatoren.loc[d.indicatoren["synthetisch"], "indicator_id"]) == _SYNTHETIC_IDS
    # the chapter's tables: all indicators and per waarborg
    tables = [tabel_tekst(h.tabel_indicatoren())] + [tabel_tekst(w.tabel) for w in h.waarborgen()]
    for t in tables:
        for r in t[t["indicator"].isin(labels)].itertuples():
            assert r.status == peerreview.VOORBEELD and getattr(r, "koers", "") == "", (rid, r.indicator)
    # the status figure's counts: synthetic ones are a category of their own, never missed
    counts = d.status_counts()
    assert counts[peerreview.VOORBEELD].sum() == 6
    graded = d.indicatoren[~d.indicatoren["synthetisch"]]["status"].value_counts()
    assert counts["niet gehaald"].sum() == graded.get("niet gehaald", 0)
    import matplotlib.pyplot as plt

    _handles, legend = h.figuur_status().get_legend_handles_labels()
    assert peerreview.VOORBEELD in legend
    plt.close("all")
    # the readings
    behoud = h.lezing_behoud()
    assert behoud.startswith("**Voorbeeld (synthetisch), niet beoordeeld.**")
    assert not any(g in behoud for g in _GRADES) and not re.search(r"doel \d", behoud)
    w1 = h.lezing_waarborg("W1")
    assert "alle 4 voorbeelden op synthetische gegevens (niet beoordeeld)" in w1 and not any(g in w1 for g in _GRADES)
    assert f"{len(synth)} voorbeelden op synthetische gegevens (niet beoordeeld)" in h.lezing_overzicht()
    # the workbook: every cell of a synthetic indicator's row
    sheet = [r for r in _sheet_rows(wb) if r["Indicator"] in labels]
    assert len(sheet) == 6
    for r in sheet:
        assert r["Status"] == peerreview.VOORBEELD and not r["Koers"]
        assert not any(isinstance(v, str) and v in ("gehaald", "bijna", "niet gehaald") for v in r.values())
    overzicht = [[c.value for c in r] for r in wb["Overzicht"].iter_rows()]
    head = next(r for r in overzicht if r[0] == "Waarborg")
    col = head.index(peerreview.VOORBEELD)
    assert sum(r[col] for r in overzicht[overzicht.index(head) + 1:] if isinstance(r[col], int)) == 6
    # the templates (Markdown and Word)
    for rows in (_md_rows(md), _docx_rows(document)):
        mine = [r for r in rows if r["Indicator"] in labels]
        assert len(mine) == 6 and all(r["Status"] == peerreview.VOORBEELD for r in mine), rid
    assert f"status '{peerreview.VOORBEELD}'" in md


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_every_default_target_is_labelled_as_one(default_outputs, rid):
    from regio_analysis.report.format import tabel_tekst

    region, h, wb, md, document = default_outputs[rid]
    d = h.dossier
    label = peerreview.STANDAARD_DOEL
    assert label == "eigen standaard van het pakket, geen landelijke norm; vervang door de ambitie van de regio"
    kind = d.indicatoren.set_index("indicator")["doel_soort"]
    title = region.meta["bron"]
    shown = tabel_tekst(h.tabel_indicatoren())
    rows = {"hoofdstuk": [dict(r._asdict()) | {"Doelbron": r.doelbron} for r in shown.itertuples()],
            "werkboek": _sheet_rows(wb), "markdown": _md_rows(md), "word": _docx_rows(document)}
    for where, rs in rows.items():
        assert len(rs) == len(d.indicatoren), where
        for r in rs:
            name = r.get("Indicator", r.get("indicator"))
            source = r["Doelbron"].replace("\\", "")
            assert source != "kader", (where, name)
            if kind[name] == "standaardwaarde":
                assert source == label, (where, name)
            else:  # the region's own ambition, named by its document's title
                assert source.startswith("ambitie van de regio") and title in source and ".txt" not in source
    expected = {"po-noord-nederland": {"Studenten opgeleid in een partnerschap"},
                "rond-bommel-en-dommel": {"Behoud van starters na 1 jaar", "Behoud van starters na 5 jaar"}}
    assert set(kind[kind == "ambitie"].index) == expected.get(rid, set())
    assert label in h.inleiding() and "Doelbron: kader" not in md


# --- issue 15: a target with a year is compared with the course towards it ------------------------------

def _small_framework(**indicator):
    return peerreview.parse_framework({"naam": "klein kader", "waarborgen": [{"id": "W1", "naam": "Een", "criteria": [
        {"id": "W1.1", "naam": "Een", "indicatoren": [{
            "id": "aandeel", "label": "Aandeel in een partnerschap", "berekening": "kengetal", "eenheid": "procent",
            "kengetal": {"onderwerp": "samen_opleiden", "indicator": "aandeel_test"}, "richting": "hoger",
            "doel": 100, "drempels": {"gehaald": 0, "bijna": 5}, **indicator}]}]}]}, "klein.yaml")


@pytest.mark.parametrize("values, status", [
    ({2022: 40, 2024: 60}, "op koers"),        # line 40 -> 100 (2022 -> 2030): 55 in 2024; 60 is above it
    ({2022: 40, 2024: 55}, "op koers"),        # on the line
    ({2022: 40, 2024: 50}, "niet op koers"),   # below it
    ({2024: 50}, "koers onbekend"),            # one measurement
    ({2022: 40, 2024: 100}, "gehaald"),        # reached before its year
    ({2022: 40, 2031: 97}, "bijna"),           # the target year has passed: graded
])
def test_a_target_with_a_year_is_compared_with_the_line_towards_it(microdata, values, status):
    region = _with_key_figures(microdata, [{"onderwerp": "samen_opleiden", "indicator": "aandeel_test", "jaar": j,
                                            "waarde": float(v)} for j, v in values.items()])
    d = peer.dossier(region, framework=_small_framework(doeljaar=2030))
    row = one_row(d.indicatoren, indicator_id="aandeel")
    assert row["status"] == status and row["doeljaar"] == 2030 and row["doel_soort"] == "standaardwaarde"
    if status in ("op koers", "niet op koers"):
        assert ("de rechte lijn van 40,0% in 2022 naar 100% in 2030 vraagt +7,5 procentpunt per jaar en geeft "
                "55,0% in 2024") in row["koers"]
        assert row["koers"].endswith("onder de lijn" if status == "niet op koers" else "op of boven de lijn")
        reading = peer.lezing_doelen(d)
        assert "rechte lijn van de eerste meting naar het doel in het doeljaar" in reading
        assert f"{row['koers']}; *{status}*." in reading
    elif status == "koers onbekend":
        assert "voor 100% in 2030 is vanaf dan gemiddeld +8,3 procentpunt per jaar nodig" in row["koers"]
    else:
        assert row["koers"] == ""
    # without a target year the same values are graded against the target
    plain = one_row(peer.dossier(region, framework=_small_framework()).indicatoren, indicator_id="aandeel")
    assert plain["status"] == peerreview.indicator_status(plain["waarde"], 100, "hoger", 0, 5)


def test_koers_of_a_lower_is_better_target():
    trend = pd.DataFrame({"jaar": [2020, 2022], "waarde": [10.0, 7.0]})
    k = peerreview.koers(trend, doel=0, doeljaar=2030, richting="lager")
    assert (k.nodig_per_jaar, k.gemeten_per_jaar, k.lijn) == (-1.0, -1.5, 8.0) and k.status == "op koers"
    assert peerreview.koers(trend.assign(waarde=[10.0, 9.0]), 0, 2030, "lager").status == "niet op koers"
    assert peerreview.beoordeel(9.0, 0, "lager", synthetisch=True, doeljaar=2030, meetjaar=2022) == (peerreview.VOORBEELD, None)


def test_cycle_without_any_year_says_it_cannot_be_checked(po_noord_dossier):
    """PO Noord's plan names no peer-review year: not 'geen enkele op schema' (which reads as behind)."""
    text = peer.lezing_cyclus(po_noord_dossier)
    assert text.startswith("Van geen van de 5 partnerschappen en opleidingsscholen (Drenthe-Kop van Overijssel, ")
    assert "is dus niet na te gaan" in text and "op schema met" not in text and "niet gepland" not in text
    assert set(po_noord_dossier.cyclus["status"]) == {"geen jaar bekend"}


def test_the_cycle_table_says_the_kind_of_the_last_review_where_the_plan_does():
    """Seed 000: Noordermarke's 2023 review was beoordelingsgericht; a region whose plan names no
    kind gets no empty column."""
    from regio_analysis.report.format import tabel_tekst

    nw = tabel_tekst(peer.cyclus_tabel(peer.Hoofdstuk(load_region("noorderwijzer")).dossier)).set_index("naam")
    assert nw.loc["Noordermarke", "soort laatste"] == "beoordelingsgericht"
    rbd = peer.cyclus_tabel(peer.Hoofdstuk(load_region("rond-bommel-en-dommel")).dossier)
    assert "soort laatste" not in rbd.columns
