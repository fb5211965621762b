"""Chapter 06, the annex (``regio_analysis.overview.annex``): for each default region every row of
every published table appears in the report once, with its value, its year (or "jaar niet
vermeld") and its source in words; ranges stay ranges; the same thing stated twice with different
values is listed with both sources, never resolved."""
from __future__ import annotations

import functools
import re
from collections import Counter

import nbformat
import pandas as pd
import pytest

from conftest import REPO
from regio_analysis.data import load_region
from regio_analysis.data.provenance import Soort, herkomst_van
from regio_analysis.data.region import MICRODATA_TABLES, documenttitel, jaar_vermeld, leesbare_bron
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.overview import annex, annex_rijen
from regio_analysis.report.format import numerieke_kolommen, tabel_tekst

BESTAND = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
GETAL = re.compile(r"[-−]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[-−]?\d+(?:,\d+)?")
# what a label must name, by the source's own codes (the test's words, not the annex's)
GROEP = {"OP": "onderwijzend personeel", "OOP": "onderwijsondersteunend personeel", "DIR": "schoolleiders"}
GRENS = {"ondergrens": "ondergrens", "bovengrens": "bovengrens", "min": "minimum", "max": "maximum"}
#: per table: the source column of the value and the annex column that shows it
WAARDEN = {"leerlingen": {"aantal": "waarde"}, "begroting": {"bedrag_eur": "waarde"},
           "samen_opleiden": {"studenten_totaal": "studenten", "studenten_partnerschap": "in een partnerschap"},
           "partnerschappen": {}, "activiteiten": {}}
JAAR = {"leerlingen": "peiljaar", "personeel": "peiljaar"}


@functools.lru_cache(maxsize=None)
def regio(rid: str):
    return load_region(rid)


@functools.lru_cache(maxsize=None)
def bijlage(rid: str) -> annex.Hoofdstuk:
    return annex.Hoofdstuk(regio(rid))


CASES = [(rid, t) for rid in DEFAULT_REGIONS for t in sorted(regio(rid).tables)]


def getallen(cel: str) -> list[float]:
    """The numbers in a Dutch cell: ``"€ 1.930.055" -> [1930055]``, ``"27,7%" -> [27.7]``."""
    return [float(m.replace(".", "").replace(",", ".").replace("−", "-")) for m in GETAL.findall(str(cel))]


def _jaar(row, kolom: str) -> str:
    j = row[kolom]
    return "jaar niet vermeld" if pd.isna(j) or not jaar_vermeld(row.get("jaar_vermeld", True)) else str(int(j))


def verwacht(region, naam: str, row) -> dict:
    """What the annex must show for one source row, from the source's own columns."""
    waarden = WAARDEN.get(naam, {"waarde": "waarde"})
    out = {"waarden": {kol: row[bron] for bron, kol in waarden.items()}, "bron": leesbare_bron(region, row["bron"]),
           "woorden": []}
    if naam == "partnerschappen":
        out["woorden"] = [str(row["naam"])]
        out["jaren"] = {k: "niet vermeld" if pd.isna(row[c]) else str(int(row[c])) for k, c in
                        (("peer review gepland", "peer_review_jaar"), ("laatste peer review", "laatste_peer_review"),
                         ("opgericht", "opgericht"))}
        soort = row.get("laatste_peer_review_soort")
        if pd.notna(row["laatste_peer_review"]) and isinstance(soort, str) and soort:
            out["jaren"]["laatste peer review"] += f" ({soort})"
        return out
    if naam == "activiteiten":
        out["woorden"] = [str(row["id"]), str(row["titel"])]
        vermeld = str(row.get("looptijd_vermeld", True)).strip().lower() not in ("false", "0", "nee", "no")
        out["looptijd"] = None if vermeld and pd.notna(row["start"]) else "looptijd niet vermeld"
        return out
    out["jaar"] = (f"studiejaar {int(row['jaar'])}-{int(row['jaar']) + 1}" if naam == "samen_opleiden"
                   else _jaar(row, JAAR.get(naam, "jaar")))
    if "functiegroep" in row and row["functiegroep"] in GROEP:
        out["woorden"].append(GROEP[row["functiegroep"]])
    niveau = str(row.get("niveau", "regio"))
    if niveau not in ("regio", ""):
        out["woorden"].append(niveau.partition(":")[2] or niveau)
    if row.get("prognose") is True or str(row.get("prognose")).lower() == "true":
        out["woorden"].append("prognose")
    grens = row.get("scenario") if naam in ("tekort", "raming") else row.get("categorie") if naam == "kengetallen" else None
    if grens in GRENS:
        out["woorden"].append(GRENS[grens])
        out["bandbreedte"] = True
    return out


def ontbrekende_rijen(region, naam: str, tabel: pd.DataFrame) -> list[str]:
    """The source rows of ``naam`` that ``tabel`` (the annex's table) does not show as it should,
    each described by its values; empty when every row is there, each once."""
    shown = tabel_tekst(tabel) if not tabel.empty else tabel
    source = region.tables[naam]
    used: set[int] = set()
    missing = []
    for i, row in source.iterrows():
        want = verwacht(region, naam, row)
        found = None
        for j, cel in shown.iterrows():
            if j in used or cel.get("bron") != want["bron"]:
                continue
            label = " ".join(str(cel[c]) for c in ("wat", "naam", "id", "titel") if c in cel)
            if any(w.lower() not in label.lower() for w in want["woorden"]):
                continue
            if "jaar" in want and cel.get("jaar") != want["jaar"]:
                continue
            if any(cel[k] != v for k, v in want.get("jaren", {}).items()):
                continue
            if want.get("looptijd") and cel.get("looptijd") != want["looptijd"]:
                continue
            if want.get("bandbreedte") and not str(cel.get("bandbreedte", "")).strip():
                continue
            if any(getallen(cel[kol])[:1] != ([] if pd.isna(v) else [float(v)]) for kol, v in want["waarden"].items()):
                continue
            found = j
            break
        if found is None:
            missing.append(f"{naam} rij {i}: " + ", ".join(f"{k}={row[k]!r}" for k in row.index if k != "bron"))
        else:
            used.add(found)
    if len(shown) != len(source):
        missing.append(f"{naam}: {len(shown)} rijen in de bijlage, {len(source)} in de bron")
    return missing


# ------------------------------------------------------------------ every row of every table


def test_every_table_of_the_default_regions_is_in_the_annex_or_is_microdata():
    for rid in DEFAULT_REGIONS:
        for naam in regio(rid).tables:
            assert naam in annex_rijen.TABELLEN or naam in MICRODATA_TABLES, (rid, naam)


@pytest.mark.parametrize("rid, naam", CASES, ids=[f"{r}-{t}" for r, t in CASES])
def test_every_row_appears_with_its_value_year_and_readable_source(rid, naam):
    region = regio(rid)
    tabel = bijlage(rid).tabel(naam)
    assert ontbrekende_rijen(region, naam, tabel) == []
    text = tabel_tekst(tabel)
    assert not text["bron"].str.contains(BESTAND).any(), "a file name in a source"
    assert text["bron"].str.startswith(documenttitel(region)).all(), "a source that names no document"
    for kolom in ("wat", "naam", "titel"):
        if kolom in text:
            assert (text[kolom].str.len() > 0).all() and not text[kolom].str.contains("_").any(), kolom
    assert not text.apply(lambda c: c.astype(str).str.fullmatch(r"nan|None|NaN|<NA>|True|False")).any().any()
    getal_kolommen = [*numerieke_kolommen(tabel), *(c for c in ("bandbreedte", "jaar") if c in text)]
    assert not text[getal_kolommen].apply(lambda c: c.str.contains(r"\d\.(?:\d{1,2}|\d{4,})\b")).any().any(), \
        "a raw float in a cell"
    assert any(h.soort is Soort.GEPUBLICEERD for h in herkomst_van(tabel))
    assert not BESTAND.search(" ".join(h.tekst() for h in herkomst_van(tabel)))


def test_the_enumeration_fails_when_a_row_is_dropped_changed_or_named_by_its_file(monkeypatch):
    region = regio("po-noord-nederland")
    rows = annex_rijen.RIJEN["kengetallen"]
    monkeypatch.setitem(annex_rijen.RIJEN, "kengetallen", lambda r, df: rows(r, df).iloc[:-1])
    missing = ontbrekende_rijen(region, "kengetallen", annex.Hoofdstuk(region).tabel("kengetallen"))
    assert any("studenten_nog_te_plaatsen" in m or "waarde=" in m for m in missing) and len(missing) == 2, missing

    monkeypatch.setitem(annex_rijen.RIJEN, "kengetallen", lambda r, df: rows(r, df.assign(waarde=df["waarde"] + 1)))
    assert len(ontbrekende_rijen(region, "kengetallen", annex.Hoofdstuk(region).tabel("kengetallen"))) == 50

    monkeypatch.setitem(annex_rijen.RIJEN, "kengetallen", rows)
    tabel = annex.Hoofdstuk(region).tabel("partnerschappen").assign(bron=region.partnerschappen["bron"])
    assert len(ontbrekende_rijen(region, "partnerschappen", tabel)) == 11


def test_a_year_the_source_does_not_give_is_never_shown():
    # kennemerland's staff shares carry a placeholder year 2023 that the plan does not state
    tabel = bijlage("kennemerland-groot-amsterdam").tabel("personeel")
    assert set(tabel["jaar"]) == {"jaar niet vermeld"}
    tabel = bijlage("rond-bommel-en-dommel").tabel("kengetallen")
    besturen = tabel[tabel["wat"].str.startswith("Aantal besturen")].set_index("waarde")["jaar"]
    # the Realisatie-eenheid's count has no year; the region's own column is "de feitelijke situatie in 2025"
    assert besturen.to_dict() == {30: "jaar niet vermeld", 19: "2025"}


def test_the_plans_unsigned_surplus_or_shortage_is_not_called_a_shortage():
    """Review finding: 002's "overschot/tekort" row has no sign (a surplus for OP and OOP); the annex
    must not label it as a signed shortage."""
    tabel = bijlage("rond-bommel-en-dommel").tabel("raming")
    saldo = tabel[tabel["wat"].str.contains("overschot of tekort")]
    assert len(saldo) == 15 and saldo["wat"].str.contains("geeft geen teken").all()
    assert not tabel["wat"].str.contains("negatief is een overschot").any()


def test_kennemerland_teachers_shortage_has_no_year():
    tabel = bijlage("kennemerland-groot-amsterdam").tabel("tekort")
    op = tabel[tabel["wat"].str.startswith("Totaal tekort, onderwijzend personeel")]
    assert list(op["jaar"]) == ["jaar niet vermeld"]


def test_ranges_stay_ranges():
    tekort = tabel_tekst(bijlage("po-noord-nederland").tabel("tekort"))
    rond = tekort[tekort["jaar"] == "2034"]
    assert list(rond["bandbreedte"]) == ["ca. 5–8%", "ca. 5–8%"] and sorted(rond["waarde"]) == ["5%", "8%"]
    drenthe = tekort[tekort["wat"].str.contains("Drenthe") & tekort["wat"].str.contains("Totaal")]
    assert set(drenthe["bandbreedte"]) == {"3,5–5,5%"}
    kg = tabel_tekst(bijlage("kennemerland-groot-amsterdam").tabel("kengetallen"))
    assert kg.loc[kg["wat"].str.startswith("Aandeel ouder dan 45"), "bandbreedte"].tolist() == ["ten minste 50%"]
    assert set(kg.loc[kg["wat"].str.startswith("Geselecteerde statushouders"), "bandbreedte"]) == {"6–10"}
    # a value is shown with the decimals it was published with, in the table and its file
    duur = kg[kg["wat"].str.startswith("Duur cursus sterke start")]
    assert duur["waarde"].tolist() == ["2,5"]


def test_activities_show_their_period_or_that_the_plan_gives_none():
    act = regio("po-noord-nederland").activiteiten
    tabel = bijlage("po-noord-nederland").tabel("activiteiten")
    zonder = ~act["looptijd_vermeld"].map(jaar_vermeld).to_numpy()
    assert zonder.sum() > 20 and set(tabel.loc[zonder, "looptijd"]) == {"looptijd niet vermeld"}
    assert "looptijd niet vermeld" not in set(tabel.loc[~zonder, "looptijd"])
    tabel = bijlage("rond-bommel-en-dommel").tabel("activiteiten")
    assert tabel.loc[tabel["id"] == "1.1", "looptijd"].item() == "januari–mei 2026"


def test_partnerships_are_named_by_their_document_not_their_file():
    for rid in DEFAULT_REGIONS:
        tabel = bijlage(rid).tabel("partnerschappen")
        assert not tabel["bron"].str.contains(BESTAND).any()
        assert tabel["bron"].str.startswith(documenttitel(regio(rid))).all()


# ------------------------------------------------------------------ where else, and figures


def _koppen() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in (REPO / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        out[str(int(path.name[:2]))] = {line[3:].strip() for c in nb.cells if c.cell_type == "markdown"
                              for line in c.source.splitlines() if line.startswith("## ")}
    return out


def test_every_section_named_under_ook_in_is_a_heading_of_that_chapter():
    koppen = _koppen()
    for sectie in annex.OOK_IN.values():
        nummer, _, kop = sectie.removeprefix("hoofdstuk ").partition(", ")
        assert kop in koppen[nummer], sectie
    named = Counter()
    for rid in DEFAULT_REGIONS:
        for naam in annex.gepubliceerde_tabellen(regio(rid)):
            for cel in bijlage(rid).tabel(naam)["ook in"]:
                named.update(s for s in cel.split("; ") if s)
    assert set(named) <= set(annex.OOK_IN.values())
    assert {"hoofdstuk 1, Tekorten", "hoofdstuk 0, Ziekteverzuim", "hoofdstuk 1, In- en uitstroom", "hoofdstuk 1, De gepubliceerde raming nagerekend"} <= set(named)


def test_ook_in_says_what_the_other_chapters_show():
    region = regio("rond-bommel-en-dommel")
    ll = bijlage("rond-bommel-en-dommel").tabel("leerlingen")
    # the published totals hold pupils the school types lack; chapter 00 draws the types' sum, so
    # no chapter shows the totals themselves: the annex does (and draws them)
    assert set(ll.loc[ll["wat"].str.contains("totaal"), "ook in"]) == {""}
    assert set(ll.loc[~ll["wat"].str.contains("totaal"), "ook in"]) == {"hoofdstuk 1, Leerlingen per schoolsoort"}
    kg = bijlage("rond-bommel-en-dommel").tabel("kengetallen")
    assert kg.loc[kg["wat"] == "Personen, onderwijzend personeel, volgens de eigen telling van de regio",
                  "ook in"].item() == "hoofdstuk 1, Personeel per functiegroep"
    raming = bijlage("rond-bommel-en-dommel").tabel("raming")
    assert (raming["ook in"] == "").sum() == (region.raming["indicator"] == "gemiddelde_fte_per_persoon").sum()


def test_series_of_three_years_not_drawn_elsewhere_are_drawn_here():
    import matplotlib.pyplot as plt

    reeksen = annex.reeksen(regio("rond-bommel-en-dommel"))
    assert set(reeksen["tabel"]) == {"raming", "leerlingen"}  # verzuim, stromen, tekort: drawn in 00/01
    assert reeksen.groupby(["tabel", "paneel", "lijn"])["jaar"].nunique().min() >= annex.MIN_JAREN
    ax = bijlage("rond-bommel-en-dommel").figuur_reeksen()
    assert ax is not None and [h.soort for h in herkomst_van(ax)] == [Soort.GEPUBLICEERD]
    plt.close(ax.figure)
    assert bijlage("kennemerland-groot-amsterdam").figuur_reeksen() is None
    assert "Geen reeks" in bijlage("kennemerland-groot-amsterdam").lezing_reeksen()


# ------------------------------------------------------------------ the same thing stated twice


def _feit(begrip, waarde, *, populatie="", jaar=None, eenheid="procent", wat="x", bron="Plan, § 1", opmerking=""):
    return {"tabel": "kengetallen", "begrip": begrip, "populatie": populatie, "jaar": jaar, "eenheid": eenheid,
            "waarde": waarde, "wat": wat, "bron": bron, "opmerking": opmerking}


def test_the_detector_lists_both_values_and_chooses_none():
    feiten = pd.DataFrame([
        _feit("Aandeel 55+", 27.7, wat="in § 2.4"),
        _feit("Aandeel 55+", 25.0, wat="in § 3.1", opmerking="bijna een kwart"),
        _feit("Aandeel 45+", 27.7), _feit("Aandeel 45+", 28.0),                      # within the rounding of 28
        _feit("Leerlingen", 100.0, jaar=2023), _feit("Leerlingen", 120.0, jaar=2024),  # different years
        _feit("Besturen", 30.0, populatie="Realisatie-eenheid"), _feit("Besturen", 19.0),  # different counts
    ]).astype({"jaar": "Int64"})
    found = annex.tegenstrijdigheden(feiten)
    assert found["begrip"].tolist() == ["Aandeel 55+", "Aandeel 55+"] and found["nr"].tolist() == [1, 1]
    assert found["waarde"].tolist() == [27.7, 25.0] and found["opmerking"].tolist() == ["", "bijna een kwart"]
    compared = annex.vergelijkingen(feiten)
    assert compared["begrip"].tolist() == ["Besturen", "Besturen"]
    assert annex.tegenstrijdigheden(feiten.iloc[2:]).empty


def test_rond_bommel_en_dommel_counts_22_boards_by_name_and_19_in_its_table():
    """The plan names 22 participating boards and counts 19 (both without a year): a contradiction.
    Its 30 boards are the Realisatie-eenheid's count for another composition of the region (the plan
    says so), a comparison between sources, not a contradiction."""
    h = bijlage("rond-bommel-en-dommel")
    tegen = tabel_tekst(h.tabel_tegenstrijdigheden())
    assert sorted(tegen["waarde"]) == ["19", "22"] and set(tegen["onderwerp"]) == {"Aantal besturen"}
    assert set(tegen["jaar"]) == {"jaar niet vermeld", "2025"} and "30" not in set(tegen["waarde"])
    assert tegen["opmerking"].str.contains("feitelijke situatie 2025").any()
    assert not tegen["bron"].str.contains(BESTAND).any()
    assert "19" in h.lezing_tegenstrijdigheden() and "22" in h.lezing_tegenstrijdigheden()
    verg = tabel_tekst(h.tabel_vergelijkingen())
    besturen = verg[verg["onderwerp"] == "Aantal besturen"]
    assert sorted(besturen["waarde"]) == ["19", "30"]
    assert besturen["opmerking"].str.contains("regio-indeling wijkt af").any()


def test_kennemerland_states_the_share_of_staff_over_55_twice():
    tegen = tabel_tekst(bijlage("kennemerland-groot-amsterdam").tabel_tegenstrijdigheden())
    assert sorted(tegen["waarde"]) == ["25%", "27,7%"]
    assert {h.soort for h in herkomst_van(bijlage("kennemerland-groot-amsterdam").tabel_tegenstrijdigheden())} == \
        {Soort.GEPUBLICEERD, Soort.BEREKEND}
    assert bijlage("po-noord-nederland").tabel_tegenstrijdigheden().empty


def test_the_annex_of_a_region_without_published_tables_is_empty_and_says_so(tmp_path):
    from conftest import microdata_only_region

    region = load_region("alleen-microdata", microdata_only_region(tmp_path))
    h = annex.Hoofdstuk(region)
    assert "geen tabellen" in h.inleiding() and "dienstverbanden" in h.inleiding()
    assert all(h.tabel(n).empty for n in annex_rijen.TABELLEN) and h.figuur_reeksen() is None


# ------------------------------------------------------------------ the built reports


def check_built_report(out, rid) -> None:
    """The report of ``rid`` under ``out`` holds the annex, and a file per published table with one
    row per source row."""
    region = regio(rid)
    page = (out / rid / "rapport.html").read_text(encoding="utf-8")
    assert "Bijlage: de gepubliceerde cijfers van de regio" in page
    assert not BESTAND.search(page[page.index("Bijlage: de gepubliceerde cijfers van de regio"):])
    for naam in annex.gepubliceerde_tabellen(region):
        path = out / rid / "tabellen" / f"bijlage-{naam.replace('_', '-')}.csv"
        kept = pd.read_csv(path, keep_default_na=False)
        assert len(kept) == len(region.tables[naam]), naam


def test_the_built_reports_hold_the_annex(full_reports):
    out, manifest = full_reports
    status = {r["regio_id"]: r["status"] for r in manifest["rijen"] if r["hoofdstuk"] == "bijlage"}
    assert all(status[rid] == "ok" for rid in DEFAULT_REGIONS), status
    for rid in DEFAULT_REGIONS:
        check_built_report(out, rid)
