"""The kernboodschap at the top of each report (``regio_analysis.overview.kernboodschap``).

For the four default regions: five to eight findings (or fewer with the missing topics named),
every number in a finding found in the region's data files or recomputed here from them, no finding
on synthetic data, and every link pointing at a heading of the notebooks (the id nbconvert gives it,
its first occurrence in the report), so a renamed heading fails here.
"""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from conftest import REPO  # noqa: E402
from regio_analysis.data import load_region  # noqa: E402
from regio_analysis.data.provenance import Soort, soorten  # noqa: E402
from regio_analysis.data.region import documenttitel  # noqa: E402
from regio_analysis.overview import kernboodschap as kb  # noqa: E402
from regio_analysis.report.format import fmt_getal, fmt_pct  # noqa: E402
from regio_analysis.reporting.chapters import CHAPTERS  # noqa: E402

KGA, NW, PNN, RBD = "kennemerland-groot-amsterdam", "noorderwijzer", "po-noord-nederland", "rond-bommel-en-dommel"
REGIONS = (KGA, NW, PNN, RBD)
DATA = REPO / "data" / "regions"
NOTEBOOKS = REPO / "notebooks"
# which topics each region's figures give (a change in a transcription or a rule shows up here)
ONDERWERPEN = {
    KGA: ["leeftijd", "tekort", "stromen", "raming", "peer_review"],
    NW: ["tekort", "retentie", "peer_review", "activiteiten"],
    PNN: ["leeftijd", "tekort", "samen_opleiden", "peer_review", "begroting"],
    RBD: ["leerlingen", "personeel", "tekort", "stromen", "verzuim", "spp", "retentie", "peer_review"],
}
NUMBER = re.compile(r"(?<![\w.,])\d[\d.]*(?:,\d+)?(?!\w)")
YEAR = re.compile(r"(?<![\w.,])(?:19|20)\d\d(?![\w.,]?\d)")


@pytest.fixture(scope="module")
def regions():
    return {r: load_region(r) for r in REGIONS}


@pytest.fixture(scope="module")
def bevindingen(regions):
    return {r: kb.kernboodschap(reg) for r, reg in regions.items()}


def _csv(regio_id: str, table: str) -> pd.DataFrame:
    return pd.read_csv(DATA / regio_id / f"{table}.csv")


def _by(bevindingen: list, onderwerp: str):
    found = [b for b in bevindingen if b.onderwerp == onderwerp]
    assert len(found) == 1, (onderwerp, [b.onderwerp for b in bevindingen])
    return found[0]


# ------------------------------------------------------------------ how many, which, in what order


@pytest.mark.parametrize("regio_id", REGIONS)
def test_five_to_eight_findings_or_the_missing_topics_named(regions, bevindingen, regio_id):
    found = bevindingen[regio_id]
    assert [b.onderwerp for b in found] == ONDERWERPEN[regio_id]
    assert len(found) <= kb.MAX_BEVINDINGEN
    tekst = kb.kernboodschap_tekst(regions[regio_id])
    mist = kb.ontbrekend(found)
    if len(found) < kb.MIN_BEVINDINGEN:  # the documented exception: the data lack the rest
        assert len(mist) >= kb.MIN_BEVINDINGEN - len(found)
        candidates = kb.kandidaten(regions[regio_id])
        assert set(candidates) == {b.onderwerp for b in found}, "a finding was left out below the minimum"
    for topic in mist:
        assert topic in tekst
    assert tekst.count("\n1. ") + tekst.startswith("1. ") == 1
    assert len(re.findall(r"^\d\. ", tekst, re.M)) == len(found)


def test_noorderwijzer_is_the_exception_and_says_what_it_lacks(bevindingen):
    mist = kb.ontbrekend(bevindingen[NW])
    assert len(bevindingen[NW]) == 4
    assert {"leerlingaantallen", "ziekteverzuim", "in- en uitstroom"} <= set(mist)


def test_fillers_only_below_the_minimum(regions, bevindingen):
    # Kennemerland has an activity register, but five findings already: no filler
    assert "activiteiten" in kb.kandidaten(regions[KGA])
    assert "activiteiten" not in [b.onderwerp for b in bevindingen[KGA]]


def test_at_most_eight_the_lowest_priority_dropped(regions):
    """With a ninth topic (the share 55+ added to Rond Bommel en Dommel) the cap drops the lowest priority."""
    region = load_region(RBD)
    extra = region.personeel.iloc[[0]].assign(functiegroep="totaal", kenmerk="leeftijd", categorie="55+", waarde=31.0,
                                              jaar_vermeld="true", opmerking="")
    region.tables["personeel"] = pd.concat([region.personeel, extra], ignore_index=True)
    assert len([k for k in kb.kandidaten(region) if k in kb.PRIORITEIT]) == 9
    found = [b.onderwerp for b in kb.kernboodschap(region)]
    assert len(found) == kb.MAX_BEVINDINGEN
    assert "leeftijd" in found and "retentie" not in found
    assert found == [k for k in kb.VOLGORDE if k in found]
    assert "31%" in _by(kb.kernboodschap(region), "leeftijd").tekst
    assert kb.ontbrekend(kb.kernboodschap(region)) == []


# ------------------------------------------------------------------ every number from the data


def _raw_numbers(regio_id: str) -> set[str]:
    """Every number in the region's files, as the report can show it."""
    periode = re.search(r"^periode:\s*['\"]?([\d\s–-]+)", (DATA / regio_id / "regio.yaml").read_text(encoding="utf-8"), re.M)
    out: set[str] = set(re.findall(r"\d{4}", periode.group(1))) if periode else set()
    for path in (DATA / regio_id).glob("*.csv"):
        raw = pd.read_csv(path, dtype=str)
        for col in ("categorie", "post"):  # labels with a number in them ("55+", "955 per student")
            if col in raw.columns:
                out |= {n for v in raw[col].dropna() for n in NUMBER.findall(v)}
        for value in raw.to_numpy().ravel():
            try:
                v = float(str(value))
            except ValueError:
                continue
            if pd.notna(v):
                out |= {fmt_getal(v, 0), fmt_getal(v, 1), fmt_getal(v)} | ({str(int(v))} if v == int(v) else set())
    return out


def _recomputed(regio_id: str, region) -> set[str]:
    """The numbers the kernboodschap computes, recomputed here from the files (or, for the package's
    projection, as chapter 01 reads it)."""
    out: set[str] = set()
    if regio_id == RBD:
        ll = _csv(RBD, "leerlingen")
        per = ll[ll["soort"] != "totaal"].pivot_table(index="soort", columns="peiljaar", values="aantal")
        som = per.sum()
        out |= {fmt_getal(som[2024], 0), fmt_getal(som[2029], 0), fmt_getal(abs(som[2029] / som[2024] - 1) * 100, 1)}
        out |= {fmt_getal(abs(per.loc[s, 2029] / per.loc[s, 2024] - 1) * 100, 1) for s in per.index}
        kg = _csv(RBD, "kengetallen")
        own = kg[(kg["onderwerp"] == "basisgegevens") & (kg["categorie"] == "onderwijsregio")]
        out |= {fmt_getal(own.loc[own["indicator"] == i, "waarde"].sum(), 0) for i in ("personen", "formatieplaatsen")}
        from regio_analysis.workforce.chapter import Hoofdstuk

        kw = Hoofdstuk(region)
        out |= set(NUMBER.findall(kw.lezing_spp() + kw.lezing_aansluiting()))
    if regio_id == PNN:
        so = _csv(PNN, "samen_opleiden")
        tot, part = so["studenten_totaal"].sum(), so["studenten_partnerschap"].sum()
        out |= {fmt_getal(tot, 0), fmt_getal(100 * part / tot, 1), fmt_getal(tot - part, 0), fmt_getal((tot - part) * 955, 0)}
        ps = _csv(PNN, "partnerschappen")
        out.add(str(int(ps["soort"].isin(["samen_opleiden", "opleidingsschool"]).sum())))
    if regio_id == NW:
        act = _csv(NW, "activiteiten")
        out |= {str(len(act)), str(act["thema"].nunique()), str(act["thema"].value_counts().max())}
    return out


@pytest.mark.parametrize("regio_id", REGIONS)
def test_every_number_is_in_the_data_or_recomputed_here(regions, bevindingen, regio_id):
    allowed = _raw_numbers(regio_id) | _recomputed(regio_id, regions[regio_id])
    for b in bevindingen[regio_id]:
        for token in NUMBER.findall(b.tekst):
            token = token.rstrip(".")
            assert token in allowed, f"{regio_id}, {b.onderwerp}: {token!r} not traced in {b.tekst!r}"


def test_pupil_change_recomputed_from_the_file(bevindingen):
    ll = _csv(RBD, "leerlingen")
    ll = ll[ll["soort"].isin(["bao", "so_vso"])].set_index(["soort", "peiljaar"])["aantal"]
    last_real, last_fc = 2024, 2029
    total = lambda y: ll.loc["bao", y] + ll.loc["so_vso", y]  # noqa: E731
    change = (total(last_fc) / total(last_real) - 1) * 100
    assert round(change, 1) == -1.4
    tekst = _by(bevindingen[RBD], "leerlingen").tekst
    assert f"van {fmt_getal(total(last_real), 0)} in 2024 (laatste telling) naar {fmt_getal(total(last_fc), 0)} in 2029" in tekst
    assert f"{fmt_pct(abs(change))} minder" in tekst
    for soort, label in (("bao", "basisonderwijs"), ("so_vso", "(voortgezet) speciaal onderwijs")):
        pct = (ll.loc[soort, last_fc] / ll.loc[soort, last_real] - 1) * 100
        assert f"{label} {fmt_pct(abs(pct))} minder" in tekst
    assert _by(bevindingen[RBD], "leerlingen").jaren == (2024, 2029)


@pytest.mark.parametrize("regio_id, expected", [(KGA, "27,7%"), (PNN, "22%")])
def test_share_55plus_recomputed_from_the_file(bevindingen, regio_id, expected):
    p = _csv(regio_id, "personeel")
    row = p[(p["kenmerk"] == "leeftijd") & (p["categorie"] == "55+") & (p["niveau"] == "regio")].iloc[0]
    assert fmt_pct(row["waarde"], 0 if row["waarde"] == int(row["waarde"]) else 1) == expected
    b = _by(bevindingen[regio_id], "leeftijd")
    assert b.tekst.startswith(f"{expected} van het personeel")
    assert "(jaar niet vermeld)" in b.tekst and b.jaren == ()  # the file's year is a placeholder


def test_staff_and_sick_leave_recomputed_from_the_files(bevindingen):
    kg = _csv(RBD, "kengetallen")
    own = kg[(kg["onderwerp"] == "basisgegevens") & (kg["categorie"] == "onderwijsregio")]
    personen = own.loc[own["indicator"] == "personen", "waarde"].sum()
    fte = own.loc[own["indicator"] == "formatieplaatsen", "waarde"].sum()
    assert (personen, fte) == (3758, 2682)
    assert f"{fmt_getal(personen, 0)} personen ({fmt_getal(fte, 0)} fte)" in _by(bevindingen[RBD], "personeel").tekst
    vz = _csv(RBD, "verzuim").set_index(["niveau", "jaar"])["waarde"]
    tekst = _by(bevindingen[RBD], "verzuim").tekst
    assert f"{fmt_pct(vz['regio', 2023])} in 2023, boven het landelijk gemiddelde van {fmt_pct(vz['landelijk', 2023])}" in tekst


def test_coverage_recomputed_from_the_file(bevindingen):
    so = _csv(PNN, "samen_opleiden")
    tot, part = so["studenten_totaal"].sum(), so["studenten_partnerschap"].sum()
    tekst = _by(bevindingen[PNN], "samen_opleiden").tekst
    assert f"{fmt_pct(100 * part / tot)} van de {fmt_getal(tot, 0)} studenten" in tekst
    kg = _csv(PNN, "kengetallen")
    per_student = kg.loc[(kg["onderwerp"] == "bekostiging") & (kg["indicator"] == "bedrag_per_student"), "waarde"].iloc[0]
    assert f"bij € {fmt_getal(per_student, 0)} per student € {fmt_getal((tot - part) * per_student, 0)} extra" in tekst
    assert "€ 1.930.055 extra" in tekst  # the plan's own figure (Bijlage 2)


def test_the_projection_is_the_one_chapter_01_shows(regions, bevindingen):
    from regio_analysis.workforce.chapter import Hoofdstuk

    kw = Hoofdstuk(regions[RBD])
    b = _by(bevindingen[RBD], "spp")
    total = re.search(r"moet in (\d{4}) (\d+) fte worden ingevuld", b.tekst)
    assert f"is er in {total.group(1)}" in kw.lezing_spp() and f"moet dan {total.group(2)} fte worden ingevuld" in kw.lezing_spp()
    own = re.search(r"komt voor (\d{4}) op (\d+) fte", b.tekst).groups()
    assert f"De raming van het plan zelf komt voor {own[0]} op {own[1]} fte" in kw.lezing_spp()
    step = re.search(r"is: (.+) \(([−+]\d+) fte\)", b.tekst).groups()
    assert f"**{step[0]}**" in kw.lezing_aansluiting() and f"({step[1]})" in kw.lezing_aansluiting()
    assert "projectie van het pakket" in b.tekst and Soort.BEREKEND in soorten(b.herkomst)


@pytest.mark.parametrize("regio_id", REGIONS)
def test_years_and_sources_of_each_finding(regions, bevindingen, regio_id):
    title = documenttitel(regions[regio_id])
    for b in bevindingen[regio_id]:
        assert set(int(y) for y in YEAR.findall(b.tekst)) == set(b.jaren), (b.onderwerp, b.tekst, b.jaren)
        if not b.jaren:
            assert "niet vermeld" in b.tekst or "geen jaar" in b.tekst or "noemt het plan het jaar" in b.tekst
        assert title in b.bron and ".txt" not in b.bron, b.bron


# ------------------------------------------------------------------ nothing from synthetic data


@pytest.mark.parametrize("regio_id", REGIONS)
def test_no_finding_rests_on_synthetic_data(bevindingen, regio_id):
    for b in bevindingen[regio_id]:
        kinds = soorten(b.herkomst)
        assert Soort.GEPUBLICEERD in kinds or b.bron == "eigen dienstverbanden van de regio"
        assert Soort.SYNTHETISCH not in kinds and Soort.STANDAARDWAARDE not in kinds, (b.onderwerp, kinds)


@pytest.mark.parametrize("regio_id", REGIONS)
def test_synthetic_tables_change_no_finding_and_are_named_demonstrations(bevindingen, regio_id):
    with_synthetic = load_region(regio_id, synthetic=True)
    assert with_synthetic.synthetisch, "the generator made no tables: this test would prove nothing"
    assert kb.kernboodschap(with_synthetic) == bevindingen[regio_id]
    line = kb.demonstraties(with_synthetic)
    assert "3 (Retentie van startende leraren) en 4 (Inductie en behoud van starters) zijn demonstraties" in line
    assert "2 (Kwalitatieve analyse)" in line and "5 (Bewijsdossier peer review)" in line
    assert line in kb.kernboodschap_tekst(with_synthetic)


def test_the_demonstration_line_follows_the_data():
    """Microdata of the region's own make chapters 03 and 04 no demonstration (the line is computed)."""
    region = load_region(RBD, synthetic=True)
    region.synthetisch.clear()  # as if the region delivered these tables itself
    assert kb.demonstraties(region) == ""


# ------------------------------------------------------------------ links to the report's sections


def _headings() -> list[tuple[str, str]]:
    """(heading text, notebook) of every Markdown heading of the chapters, in report order."""
    out = []
    for ch in CHAPTERS:
        nb = nbformat.read(NOTEBOOKS / ch.notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                out += [(m.group(1).strip(), ch.notebook) for m in re.finditer(r"^#{1,6}\s+(.+)$", cell.source, re.M)]
    return out


def _first_ids() -> dict[str, str]:
    """Heading id -> the notebook of its first occurrence (the one a link reaches)."""
    out: dict[str, str] = {}
    for text, notebook in _headings():
        out.setdefault(kb.anker(text), notebook)
    return out


@pytest.mark.parametrize("sectie", sorted(kb.SECTIES))
def test_every_section_is_a_heading_whose_first_occurrence_is_the_intended_one(sectie):
    notebook, kop = kb.SECTIES[sectie]
    ids = _first_ids()
    assert kb.anker(kop) in ids, f"heading {kop!r} is not in the notebooks (renamed?)"
    assert ids[kb.anker(kop)] == notebook, f"{kop!r} first occurs in {ids[kb.anker(kop)]}, not {notebook}"


@pytest.mark.parametrize("regio_id", REGIONS)
def test_every_link_target_exists(regions, bevindingen, regio_id):
    ids = _first_ids()
    targets = re.findall(r"\]\(#([^)]+)\)", kb.kernboodschap_tekst(regions[regio_id]))
    assert len(targets) == len(bevindingen[regio_id])
    for target, b in zip(targets, bevindingen[regio_id]):
        assert target in ids and ids[target] == b.notebook, target


def test_anchor_is_the_id_nbconvert_and_the_report_give():
    from nbconvert.filters.strings import _convert_header_id

    from regio_analysis.reporting.html import render_markdown

    assert kb.anker("In- en uitstroom") == "In--en-uitstroom"
    assert kb.anker("Leerlingen per schoolsoort") == "Leerlingen-per-schoolsoort"
    for _, kop in kb.SECTIES.values():
        assert kb.anker(kop) == _convert_header_id(kop)
        assert f'id="{kb.anker(kop)}"' in render_markdown(f"## {kop}")


def test_the_report_renders_numbered_findings_with_working_links(regions, bevindingen):
    from regio_analysis.reporting.html import render_markdown

    html = render_markdown(kb.kernboodschap_tekst(regions[RBD]))
    assert html.count("<li>") == len(bevindingen[RBD]) == 8
    for b in bevindingen[RBD]:
        assert f'href="#{kb.anker(b.kop)}"' in html
    assert "\\" not in html and "&amp;gt;" not in html  # escapes are not shown


def test_text_from_data_is_escaped(regions):
    region = load_region(KGA)
    ps = region.partnerschappen.copy()
    ps.loc[ps["naam"] == "Opleidingsschool H2O", "naam"] = "<b>H2O</b> [klik](javascript:alert(1)) *nadruk*"
    region.tables["partnerschappen"] = ps
    from regio_analysis.reporting.html import render_markdown

    html = render_markdown(kb.kernboodschap_tekst(region))
    assert "&lt;b&gt;H2O&lt;/b&gt; [klik](javascript:alert(1)) *nadruk*" in html
    assert "<b>" not in html and "javascript:" not in re.sub(r">[^<]*<", "><", html)


# ------------------------------------------------------------------ the notebook cell


def test_notebook_shows_the_kernboodschap_after_the_title_block():
    nb = nbformat.read(NOTEBOOKS / "00_overzicht.ipynb", as_version=4)
    sources = [c.source for c in nb.cells]
    kop = next(i for i, s in enumerate(sources) if s.startswith("## Kernboodschap"))
    rust = next(i for i, s in enumerate(sources) if s.startswith("## Waarop dit rapport rust"))
    setup = next(i for i, s in enumerate(sources) if "overzicht = Overzicht(" in s)
    assert setup < kop < rust and kop == setup + 1
    cell = nb.cells[kop + 1]
    assert cell.cell_type == "code" and "toon_tekst(kernboodschap_tekst(overzicht.region" in cell.source
    assert cell.outputs == [] and cell.execution_count is None


def test_the_pension_share_keeps_the_population_and_the_missing_year_of_its_source(regions, bevindingen):
    """Seed 003: "de komende 10 jaar een kwart van het personeel" of VO staff, without a year. The
    finding said "in de tien jaar tot 2034" and "het personeel"."""
    tekst = _by(bevindingen["kennemerland-groot-amsterdam"], "raming").tekst
    assert "in de komende tien jaar (het plan noemt geen jaartal) gaat 25% van het personeel in het voortgezet " \
           "onderwijs met pensioen" in tekst
    assert "tot 2034" not in tekst
    from regio_analysis.workforce.chapter import gepubliceerde_raming
    tabel = gepubliceerde_raming(regions["kennemerland-groot-amsterdam"])
    pensioen = tabel[tabel["indicator"].str.contains("pensioen")].iloc[0]
    assert (pensioen["jaar"], pensioen["functiegroep"]) == ("jaar niet vermeld", "al het personeel in het voortgezet onderwijs")


def test_a_study_year_is_named_as_one(bevindingen):
    """Seed 001 counts students in studiejaar 2023-2024; the finding said "In 2023"."""
    tekst = _by(bevindingen["po-noord-nederland"], "samen_opleiden").tekst
    assert tekst.startswith("In studiejaar 2023-2024 leerde 38,1%")


def test_the_kind_of_an_earlier_peer_review_is_said(bevindingen):
    """Seed 000: Noordermarke's 2023 review was the accreditation-oriented kind, not the
    development-oriented peer review the plan now prepares; seed 003: H2O and ROSA had the latter."""
    nw = _by(bevindingen["noorderwijzer"], "peer_review").tekst
    assert "de vorige peer review van Noordermarke was in 2023 en was beoordelingsgericht, niet ontwikkelingsgericht" in nw
    kga = _by(bevindingen["kennemerland-groot-amsterdam"], "peer_review").tekst
    assert "was in 2025 en was ontwikkelingsgericht" in kga


def test_a_shortage_announced_by_its_year_only_is_a_finding(regions, bevindingen):
    """Seed 000 expects a shortage only after 2035, without a size: it was no finding, and chapter 1
    said only "geen gegevens"."""
    from regio_analysis.workforce.chapter import lezing_tekort

    assert _by(bevindingen["noorderwijzer"], "tekort").tekst == \
        "Het plan verwacht pas na 2035 een tekort aan onderwijsprofessionals en noemt daarvan geen omvang."
    assert lezing_tekort(regions["noorderwijzer"]).startswith("Het plan verwacht pas na 2035 een tekort")
