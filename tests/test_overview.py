"""The overview chapter: identity, key figures, key indicators, readings, plot helpers.

Expected values are the default regions' published figures (data/regions/*), so a change
in a transcription or in a selection rule shows up here. Notebooks are not executed here
(the reporting tests do that); only the structure of 00_overzicht.ipynb is checked.
"""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from conftest import REPO  # noqa: E402
from regio_analysis.overview import chapter as overview
from regio_analysis.overview import index  # noqa: E402
from regio_analysis.report import figures as plotting  # noqa: E402
from regio_analysis.report.format import THEMA_LABELS  # noqa: E402
from regio_analysis.report.tables import bijschrift_van  # noqa: E402
from regio_analysis.data import RegionData, load_region  # noqa: E402
from regio_analysis.data.regions import DEFAULT_REGIONS  # noqa: E402
from regio_analysis.data.schemas import conform  # noqa: E402

RBD, KGA, PNN, NW = "rond-bommel-en-dommel", "kennemerland-groot-amsterdam", "po-noord-nederland", "noorderwijzer"
NOTEBOOK = REPO / "notebooks" / "00_overzicht.ipynb"


@pytest.fixture(scope="module")
def regions() -> dict[str, RegionData]:
    return {rid: load_region(rid) for rid in DEFAULT_REGIONS}


@pytest.fixture(scope="module")
def leeg(tmp_path_factory) -> RegionData:
    """A region folder holding only a regio.yaml."""
    root = tmp_path_factory.mktemp("regions")
    folder = root / "lege-regio"
    folder.mkdir()
    (folder / "regio.yaml").write_text(
        "regio_id: lege-regio\nnaam: Lege Regio\nsectoren: [PO]\nprovincies: [Utrecht]\n", encoding="utf-8")
    return load_region("lege-regio", root)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _verzuim_region(regio: dict[int, float], landelijk: dict[int, float]) -> RegionData:
    rows = [{"jaar": j, "niveau": "regio", "waarde": v, "bron": "test"} for j, v in regio.items()]
    rows += [{"jaar": j, "niveau": "landelijk", "waarde": v, "bron": "test"} for j, v in landelijk.items()]
    table = conform(pd.DataFrame(rows), "verzuim")
    return RegionData("test-regio", {"regio_id": "test-regio", "naam": "Test"}, None, {"verzuim": table})


# --- identity --------------------------------------------------------------------------------

def test_identiteit_rond_bommel_en_dommel(regions):
    df = overview.identiteit(regions[RBD])
    assert list(df.columns) == ["kenmerk", "waarde"]
    ident = dict(zip(df["kenmerk"], df["waarde"]))
    assert ident["Naam"] == "Rond Bommel en Dommel"
    assert ident["Sectoren"] == "PO, (V)SO"
    assert ident["Provincies"] == "Noord-Brabant, Gelderland"
    assert ident["Aantal genoemde gemeenten"] == "12"
    assert ident["Aantal genoemde besturen"] == "22"
    assert ident["Aantal genoemde lerarenopleidingen"] == "3"
    assert ident["Lerarenopleidingen"].startswith("Hogeschool Fontys, ")
    assert ident["Periode"] == "2026-2029"
    assert ident["Bron"] == "Activiteitenplan Rond Bommel en Dommel 2026–2029"
    assert "Synthetische tabellen" not in ident


def test_identiteit_says_not_named_instead_of_zero(regions):
    ident = dict(overview.identiteit(regions[KGA]).values)
    assert ident["Aantal genoemde gemeenten"] == "niet vermeld"
    assert ident["Aantal genoemde besturen"] == "niet vermeld"
    assert ident["Sectoren"] == "VO, MBO"
    assert dict(overview.identiteit(regions[PNN]).values)["Periode"] == "2024"
    # Noorderwijzer's plan names no single institute, only the alliance that unites them: not "1"
    nw = dict(overview.identiteit(regions[NW]).values)
    assert nw["Aantal genoemde lerarenopleidingen"] == "niet vermeld"
    assert nw["Lerarenopleidingen"].startswith("niet afzonderlijk genoemd") and "(NEA)" in nw["Lerarenopleidingen"]


def test_identiteit_labels_synthetic_tables():
    region = load_region(NW, synthetic=True, seed=0)
    ident = dict(overview.identiteit(region).values)
    assert ident["Synthetische tabellen"] == ", ".join(sorted(region.synthetisch))
    assert "**synthetisch**" in overview.inleiding(region)


# --- key figures -----------------------------------------------------------------------------

def _values(df: pd.DataFrame) -> dict[str, tuple[str, str]]:
    return {k: (r["jaar"], r["waarde"]) for k, r in df.iterrows()}


def test_kerncijfers_rond_bommel_en_dommel(regions):
    df = overview.kerncijfers(regions[RBD])
    assert list(df.columns) == ["indicator", "jaar", "waarde", "eenheid", "soort", "bron"]
    assert df.loc["personen", "soort"] == "berekend" and df.loc["leerlingen_totaal", "soort"] == "gepubliceerd"  # OP + OOP: a sum
    v = _values(df)
    # like with like: BAO + (V)SO in both years (the published 2024 total holds 315 pupils more)
    assert v["leerlingen"] == ("2024", "33.226") and df.loc["leerlingen", "indicator"] == "Leerlingen BAO en (V)SO (som)"
    assert df.loc["leerlingen_prognose", "indicator"] == "Leerlingen BAO en (V)SO (som, prognose)"
    assert v["leerlingen_prognose"] == ("2029", "32.754")
    assert v["leerlingen_totaal"] == ("2024", "33.541")
    assert df.loc["leerlingen_totaal", "indicator"] == "Leerlingen, totaal zoals gepubliceerd (315 meer dan BAO en (V)SO)"
    assert v["personen"] == ("2025", "3.758")  # OP 2840 + OOP 918, the region's own count ("feitelijke situatie 2025")
    assert df.loc["personen", "indicator"] == "Personeel OP en OOP (personen)"
    assert v["fte"] == ("2025", "2.682")  # OP 2048 + OOP 634
    assert v["verzuim_regio"] == ("2023", "6,7%")
    assert v["verzuim_landelijk"] == ("2023", "6,3%")
    assert v["tekort_onvervuld"] == ("2025", "6%")
    assert df.loc["tekort_onvervuld", "indicator"] == "Onvervulde werkgelegenheid OP, OOP en schoolleiders (prognose)"
    assert v["instroom"] == ("2025", "5,5%")
    assert v["uitstroom"] == ("2025", "5,3%")
    # the plan gives one percentage for OP and OOP together
    assert df.loc["uitstroom", "indicator"] == "Uitstroom OP en OOP (% van het personeel, prognose)"
    assert v["vertrek_binnen_1_jaar"] == ("2023", "25%")
    assert v["activiteiten"] == ("2026–2029", "52")
    assert df.loc["activiteiten", "indicator"] == "Activiteiten in het register (totaal)"
    assert v["activiteiten_samen_opleiden"][1] == "11"
    assert v["peer_review_2028"] == ("2028", "Samen Opleiden Rond Bommel en Dommel")
    assert "aandeel_55plus" not in v
    assert df.loc["verzuim_regio", "bron"] == "Activiteitenplan Rond Bommel en Dommel 2026–2029, § Kwalitief > Ziekteverzuim"
    assert df.loc["activiteiten", "bron"] == "Activiteitenplan Rond Bommel en Dommel 2026–2029"
    per_thema = [int(w) for k, (_j, w) in v.items() if k.startswith("activiteiten_")]
    assert sum(per_thema) == 52


def test_kerncijfers_other_regions(regions):
    kga_df = overview.kerncijfers(regions[KGA])
    kga = _values(kga_df)
    assert kga["tekort_totaal"] == ("niet vermeld", "3,7%")  # the teachers' figure has no year in the plan
    assert kga_df.loc["tekort_totaal", "indicator"] == "Tekort OP en schoolleiders"  # 3,7% for both
    assert kga["tekort_verborgen"] == ("niet vermeld", "2,6%")  # OP, not the DIR value 3.7; no year in the source
    assert kga["aandeel_55plus"] == ("niet vermeld", "27,7%")  # no year in the source
    assert kga["instroom"] == ("2023", "10,7%")
    assert kga["uitstroom"] == ("2022", "9,9%")
    assert kga["peer_review_2029"] == ("2029", "Opleidingsschool H2O, Opleidingsschool Nova, ROSA")
    assert "leerlingen" not in kga and "verzuim_regio" not in kga

    pnn = overview.kerncijfers(regions[PNN])
    assert _values(pnn)["tekort_totaal"] == ("2034", "ca. 5–8%")  # published range "ca. 5 tot 8%"
    assert pnn.loc["tekort_totaal", "indicator"] == "Tekort OP (prognose)"
    assert _values(pnn)["aandeel_55plus"] == ("niet vermeld", "22%")  # the plan gives no year
    assert _values(pnn)["activiteiten"] == ("2024", "30")  # the plan's period, not the register's span

    nw = overview.kerncijfers(regions[NW])
    assert _values(nw)["uitstroom_starters"] == ("niet vermeld", "21,5%")
    assert "periode niet vermeld" in nw.loc["uitstroom_starters", "indicator"]
    assert _values(nw)["activiteiten"] == ("2026–2029", "40")
    assert _values(nw)["peer_review_2029"] == ("2029", "Opleidingspraktijk Noorderwijzer")
    assert not any(k.startswith(("leerlingen", "verzuim", "tekort", "personen")) for k in nw.index)


# --- issue 15: every figure true of its source ---------------------------------------------------

INTERNAL_FILE = r"\d{3}_[0-9a-f]{16}\.txt"


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_sources_are_shown_by_title_never_by_internal_file_name(regions, rid):
    """Every source chapter 00 shows names the document by its title (and section); rows that
    still name the file (partnerschappen) are shown with the title regio.yaml maps it to."""
    import re

    region = regions[rid]
    titel = region.meta["bron"]
    kc = overview.kerncijfers(region)
    shown = [*kc["bron"], overview.inleiding(region), *overview.identiteit(region)["waarde"]]
    assert not any(re.search(INTERNAL_FILE, str(t)) for t in shown), [t for t in shown if re.search(INTERNAL_FILE, str(t))]
    assert kc["bron"].str.startswith(titel).all()
    assert dict(overview.identiteit(region).values)["Bron"] == titel and titel in overview.inleiding(region)


def test_bron_tekst_maps_a_file_name_to_the_title():
    region = RegionData("x", {"regio_id": "x", "naam": "X", "bronnen": {"001_abcdef0123456789.txt": "Plan X 2024"}}, None)
    assert overview.bron_tekst(region, "001_abcdef0123456789.txt § A > B") == "Plan X 2024, § A > B"
    assert overview.bron_tekst(region, "001_abcdef0123456789.txt") == "Plan X 2024"
    assert overview.bron_tekst(region, "Plan Y 2025, § C") == "Plan Y 2025, § C"
    assert overview.bron_document(region, "001_abcdef0123456789.txt § A") == "Plan X 2024"


def test_pupil_change_compares_the_same_school_types(regions):
    """The realised totals of 002 hold pupils (315 in 2024) that the forecast totals do not:
    the reading compares BAO + (V)SO in both years, computed here from the rows themselves."""
    rows = regions[RBD].leerlingen.set_index(["peiljaar", "soort"])["aantal"]
    basis = rows[(2024, "bao")] + rows[(2024, "so_vso")]
    prognose = rows[(2029, "bao")] + rows[(2029, "so_vso")]
    assert prognose == rows[(2029, "totaal")] and basis != rows[(2024, "totaal")]
    pct = 100 * (1 - prognose / basis)
    reading = overview.lezing_leerlingen(regions[RBD])
    assert f"{pct:.1f}% minder dan in 2024".replace(".", ",") in reading  # 1,4 %
    assert "2,3%" not in reading  # the published totals' change, unlike with unlike
    assert "BAO en (V)SO" in reading and "53 tot 315" in reading
    ll = overview.leerlingen_regio(regions[RBD])
    assert (ll["aantal"] == [rows[(y, "bao")] + rows[(y, "so_vso")] for y in ll["peiljaar"]]).all()
    verschil = overview.leerlingen_totaal_verschil(regions[RBD])
    assert verschil["verschil"].tolist() == [53, 173, 212, 137, 315] and not verschil["prognose"].any()


def test_a_published_total_equal_to_its_parts_is_used_as_is():
    rows = [(2023, "bao", 90, False), (2023, "sbo", 10, False), (2023, "totaal", 100, False),
            (2025, "bao", 80, True), (2025, "sbo", 10, True), (2025, "totaal", 90, True)]
    raw = pd.DataFrame(rows, columns=["peiljaar", "soort", "aantal", "prognose"]).assign(bron="t")
    region = RegionData("t", {"regio_id": "t", "naam": "T"}, None, {"leerlingen": conform(raw, "leerlingen")})
    ll = overview.leerlingen_regio(region)
    assert ll["aantal"].tolist() == [100, 90] and (ll["soorten"] == "").all()
    assert overview.leerlingen_totaal_verschil(region).empty
    assert overview.lezing_leerlingen(region) == (
        "In 2023 telde de regio 100 leerlingen; volgens de prognose komt het aantal in 2025 uit op 90, "
        "10,0% minder dan in 2023.")


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_no_year_is_shown_for_a_figure_whose_source_gives_none(regions, rid):
    """A row marked ``jaar_vermeld = false`` (55+ of 001 and 003, hidden shortage of 003) shows
    "niet vermeld", never its placeholder year."""
    region = regions[rid]
    kc = overview.kerncijfers(region)
    p, t = region.personeel, region.tekort
    checks = []
    if "jaar_vermeld" in p.columns:
        checks += [("aandeel_55plus", r) for _, r in p[(p["categorie"] == "55+") & (p["niveau"] == "regio")].iterrows()]
    if "jaar_vermeld" in t.columns:
        checks += [(f"tekort_{r['component']}", r) for _, r in t[t["eenheid"] == "procent"].iterrows()]
    for sleutel, r in checks:
        if sleutel not in kc.index or overview.fmt_pct(r["waarde"], None) not in kc.loc[sleutel, "waarde"]:
            continue  # that row is not the one shown
        # a key figure that joins several function groups has a year only when each of them does
        samen = t[(t["component"] == r["component"]) & (t["waarde"] == r["waarde"]) & (t["eenheid"] == "procent")] \
            if sleutel.startswith("tekort_") else pd.DataFrame([r])
        vermeld = (samen["jaar_vermeld"] == "true").all()
        expected = str(r.get("peiljaar", r.get("jaar"))) if vermeld else "niet vermeld"
        assert kc.loc[sleutel, "jaar"] == expected, (sleutel, r["waarde"])
    if rid in (KGA, PNN):
        assert kc.loc["aandeel_55plus", "jaar"] == "niet vermeld"
    if rid == KGA:  # the plan gives no year for the teachers' 3,7 % (only the school leaders' is of 2024)
        assert kc.loc["tekort_totaal", "jaar"] == "niet vermeld"


def test_key_figures_name_the_population_and_kind_the_source_gives(regions):
    """Review findings: the 55+ share of 003 is of VO staff; 002's 25 % is the plan's reading of
    all staff's contract durations, not new staff; theme counts are the package's classification."""
    kc = overview.kerncijfers(regions[KGA])
    assert kc.loc["aandeel_55plus", "indicator"] == "Personeel in het VO van 55 jaar en ouder"
    assert kc.loc["activiteiten_werven", "indicator"] == "Activiteiten met thema werven (indeling van het pakket)"
    rbd = overview.kerncijfers(regions[RBD])
    assert rbd.loc["vertrek_binnen_1_jaar", "indicator"] == "Personeel dat binnen een jaar het bestuur verlaat (volgens het plan)"
    assert "Nieuw personeel" not in " ".join(rbd["indicator"])
    from regio_analysis.data.provenance import Soort, herkomst_van, soorten

    assert soorten(herkomst_van(overview.Hoofdstuk(regions[KGA]).tabel_kerncijfers())) == [Soort.GEPUBLICEERD,
                                                                                          Soort.BEREKEND]


def test_the_published_range_stays_a_range_everywhere_in_chapter_00(regions):
    region = regions[PNN]
    kc = overview.kerncijfers(region)
    assert kc.loc["tekort_totaal", "waarde"] == "ca. 5–8%"
    # no single midpoint anywhere in the chapter's text or table
    texts = [*kc["waarde"], overview.inleiding(region), overview.lezing_activiteiten(region),
             overview.lezing_leerlingen(region), overview.lezing_verzuim(region)]
    assert not any("6,5" in t for t in texts)
    assert set(index.key_indicators(region)) == set(index.KEY_INDICATOR_LABELS)  # no shortage figure there


# --- key indicators --------------------------------------------------------------------------

EXPECTED_KEYS = {
    RBD: {"leerlingen": 33541.0, "personen": 3758.0, "verzuim_pct": 6.7, "aandeel_55plus_pct": None,
          "uitstroom_pct": 5.3, "activiteiten": 52.0},
    KGA: {"leerlingen": None, "personen": None, "verzuim_pct": None, "aandeel_55plus_pct": 27.7,
          "uitstroom_pct": 9.9, "activiteiten": 46.0},
    PNN: {"leerlingen": None, "personen": None, "verzuim_pct": None, "aandeel_55plus_pct": 22.0,
          "uitstroom_pct": None, "activiteiten": 30.0},
    NW: {"leerlingen": None, "personen": None, "verzuim_pct": None, "aandeel_55plus_pct": None,
         "uitstroom_pct": None, "activiteiten": 40.0},
}


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_key_indicators(regions, rid):
    got = index.key_indicators(regions[rid])
    assert list(got) == list(index.KEY_INDICATOR_LABELS)
    assert got == EXPECTED_KEYS[rid]
    assert all(v is None or isinstance(v, float) for v in got.values())


def test_key_indicator_labels_are_dutch():
    assert index.KEY_INDICATOR_LABELS["verzuim_pct"] == "Ziekteverzuim (%)"
    assert len(set(index.KEY_INDICATOR_LABELS.values())) == len(index.KEY_INDICATOR_LABELS)


# --- readings --------------------------------------------------------------------------------

def test_lezingen_rond_bommel_en_dommel(regions):
    region = regions[RBD]
    assert overview.lezing_verzuim(region) == (
        "Het ziekteverzuim in de regio steeg van 5,3% (2019) naar 6,7% (2023) en ligt sinds 2022 boven "
        "het landelijk gemiddelde (6,3% in 2023).")
    assert overview.lezing_leerlingen(region) == (
        "Het aantal leerlingen in BAO en (V)SO samen daalde van 33.604 (2020) naar 33.226 (2024); volgens de "
        "prognose komt het in 2029 uit op 32.754, 1,4% minder dan in 2024. De gepubliceerde totalen van 2020–2024 "
        "tellen 53 tot 315 leerlingen meer dan BAO en (V)SO samen, zonder dat de bron zegt welke; die van 2025–2029 "
        "zijn precies BAO en (V)SO samen. Deze lezing vergelijkt daarom in alle jaren dezelfde schoolsoorten; de "
        "totalen staan in de kerncijfers.")
    assert overview.lezing_activiteiten(region) == (
        "Het activiteitenregister, overgenomen uit het plan, telt 52 activiteiten in 8 thema's voor de planperiode "
        "2026–2029; de meeste vallen onder het thema samen opleiden (11).")


def test_leerlingen_from_vestigingen_without_total():
    """Without region totals, the pupils of the vestigingen are summed per year, soort ``po``
    (an aggregate of bao/sbo) is not counted twice, and a suppressed cell is left out."""
    rows = [
        ("2023", "bao", "100", "false", "01AA01"), ("2023", "bao", "50", "false", "01AA02"),
        ("2023", "sbo", "10", "false", "01AA01"), ("2023", "po", "160", "false", "01AA01"),
        ("2024", "bao", "120", "false", "01AA01"), ("2024", "sbo", "*", "false", "01AA01"),
        ("2026", "bao", "90", "true", "01AA01"),
    ]
    raw = pd.DataFrame(rows, columns=["peiljaar", "soort", "aantal", "prognose", "vestigingscode"])
    raw = raw.assign(niveau="vestiging", bron="test.csv", onderdrukt=raw["aantal"] == "*")
    raw["aantal"] = raw["aantal"].replace("*", "")
    table = conform(raw, "leerlingen")
    region = RegionData("test-regio", {"regio_id": "test-regio", "naam": "Test"}, None, {"leerlingen": table})
    ll = overview.leerlingen_regio(region)
    assert ll[["peiljaar", "aantal"]].values.tolist() == [[2023, 160.0], [2024, 120.0], [2026, 90.0]]
    assert index.key_indicators(region)["leerlingen"] == 120.0
    assert overview.lezing_leerlingen(region) == (
        "Het aantal leerlingen in de regio daalde van 160 (2023) naar 120 (2024); volgens de prognose komt het "
        "in 2026 uit op 90, 25,0% minder dan in 2024.")


def test_lezing_activiteiten_other_regions(regions):
    """PO Noord-Nederland's plan is for 2024 and dates 26 of its 30 register rows not at all: the
    reading says so instead of 'gepland van 2023 tot en met 2029' (counted from the rows here)."""
    act = regions[PNN].activiteiten
    zonder = int((act["looptijd_vermeld"] == "false").sum())
    buiten = int(((act["start"].dt.year < 2024) | (act["einde"].dt.year > 2024)).sum())
    assert (zonder, buiten) == (26, 4)
    assert overview.lezing_activiteiten(regions[PNN]) == (
        "Het activiteitenregister, overgenomen uit het plan, telt 30 activiteiten in 7 thema's voor de planperiode "
        "2024; de meeste vallen onder het thema organisatie en samenwerking (14). 26 van de 30 hebben in het plan "
        "geen eigen looptijd en staan in het register op de hele planperiode. 4 lopen (deels) buiten die periode; "
        "samen lopen de activiteiten van 2023 tot en met 2029.")
    assert overview.lezing_activiteiten(regions[KGA]).endswith("onder het thema professionaliseren (11).")


@pytest.mark.parametrize("regio, landelijk, expected", [
    ({2019: 6.0, 2020: 6.5}, {2019: 5.0, 2020: 5.5},
     "Het ziekteverzuim in de regio steeg van 6,0% (2019) naar 6,5% (2020) en ligt in de hele periode boven "
     "het landelijk gemiddelde (5,5% in 2020)."),
    ({2019: 6.0, 2020: 5.0, 2021: 4.0}, {2019: 5.0, 2020: 5.5, 2021: 5.5},
     "Het ziekteverzuim in de regio daalde van 6,0% (2019) naar 4,0% (2021) en ligt sinds 2020 onder "
     "het landelijk gemiddelde (5,5% in 2021)."),
    ({2019: 4.0, 2020: 6.0}, {2019: 5.0, 2020: 5.0},
     "Het ziekteverzuim in de regio steeg van 4,0% (2019) naar 6,0% (2020) en ligt in 2020 boven "
     "het landelijk gemiddelde (5,0% in 2020)."),
    ({2019: 5.0, 2020: 5.04}, {2020: 5.0},
     "Het ziekteverzuim in de regio bleef tussen 2019 en 2020 gelijk op 5,0% en is in 2020 gelijk aan "
     "het landelijk gemiddelde (5,0%)."),
    ({2023: 6.7}, {},
     "Het ziekteverzuim in de regio was 6,7% in 2023."),
])
def test_lezing_verzuim_cases(regio, landelijk, expected):
    assert overview.lezing_verzuim(_verzuim_region(regio, landelijk)) == expected


# --- plotting helpers ------------------------------------------------------------------------

def _drawn_lines(ax: Axes) -> list:
    return [line for line in ax.lines if len(line.get_xdata())]


def _texts(items) -> list[str]:
    return [t.get_text() for t in items]


def test_set_theme_uses_colourblind_palette():
    with matplotlib.rc_context():  # leave the global style as it was for other tests
        plotting.set_theme()
        cycle = [to_hex(c["color"]) for c in plt.rcParams["axes.prop_cycle"]]
        assert cycle == plotting.PALETTE
        assert plt.rcParams["axes.grid"] is True and plt.rcParams["axes.spines.top"] is False
    assert len(set(plotting.THEMA_KLEUREN.values())) == len(plotting.THEMA_KLEUREN)


def test_lijn_regio_landelijk(regions):
    data = overview.verzuim_reeks(regions[RBD])
    ax = plotting.lijn_regio_landelijk(data, x="jaar", y="waarde", hue="niveau")
    assert isinstance(ax, Axes)
    assert len(_drawn_lines(ax)) == 2
    assert _texts(ax.get_legend().get_texts()) == ["Regio", "Landelijk"]
    assert _texts(ax.texts) == ["6,7%", "6,3%"]
    assert ax.get_xlabel() == "Jaar"
    ax.figure.canvas.draw()
    assert all("," in t and t.endswith("%") for t in _texts(ax.get_yticklabels()) if t)

    alleen_regio = data[data["niveau"] == "regio"].drop(columns="niveau")
    ax = plotting.lijn_regio_landelijk(alleen_regio, x="jaar", y="waarde", hue=None)
    assert len(_drawn_lines(ax)) == 1 and ax.get_legend() is None and _texts(ax.texts) == ["6,7%"]


def test_lijn_realisatie_prognose(regions):
    ll = overview.leerlingen_regio(regions[RBD])
    _fig, own = plt.subplots()
    ax = plotting.lijn_realisatie_prognose(ll, x="peiljaar", y="aantal", ax=own)
    assert ax is own
    realisatie, prognose = _drawn_lines(ax)
    assert list(realisatie.get_xdata()) == [2020, 2021, 2022, 2023, 2024]
    assert list(prognose.get_xdata()) == [2024, 2025, 2026, 2027, 2028, 2029]  # joined to 2024
    assert prognose.get_linestyle() == "--"
    assert _texts(ax.get_legend().get_texts()) == ["Realisatie", "Prognose"]
    ax.figure.canvas.draw()
    assert "33.600" in _texts(ax.get_yticklabels())


def test_staaf(regions):
    duur = regions[RBD].personeel.query("kenmerk == 'contractduur'")
    order = ["korter dan 1 jaar", "1 jaar", "2 t/m 4 jaar", "5 t/m 9 jaar", "10 t/m 19 jaar", "20 jaar en langer"]
    ax = plotting.staaf(duur, x="waarde", y="categorie", order=order, titel="Duur dienstverband")
    assert isinstance(ax, Axes)
    assert len(ax.patches) == 6
    assert _texts(ax.get_yticklabels()) == order
    assert _texts(ax.texts) == ["13,4%", "11,6%", "25,6%", "24,1%", "17,2%", "8,1%"]
    assert ax.get_title() == "Duur dienstverband"

    mix = regions[RBD].personeel.query("kenmerk == 'functiemix'")
    ax = plotting.staaf(mix, x="functiegroep", y="waarde", pct=True)
    assert len(ax.patches) == 3 and ax.get_ylabel() == "Aandeel (%)"


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_tijdlijn_activiteiten(regions, rid):
    act = regions[rid].activiteiten
    ax = plotting.tijdlijn_activiteiten(act)
    assert isinstance(ax, Axes)
    assert len(ax.patches) == len(act)
    assert len(ax.get_yticklabels()) == len(act)
    themas = sorted(act["thema"].unique(), key=list(THEMA_LABELS).index)
    assert _texts(ax.get_legend().get_texts()) == [THEMA_LABELS[t] for t in themas]


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_figures_for_every_default_region(regions, rid):
    region = regions[rid]
    for naam, table in (("leerlingen", "leerlingen"), ("verzuim", "verzuim")):
        ax = getattr(overview, f"figuur_{naam}")(region)
        assert (ax is not None) == region.has(table), naam
        if ax is not None:  # a caption says what it shows; no title repeats it in the image
            assert isinstance(ax, Axes) and bijschrift_van(ax)[0] and not ax.get_title(), naam
        plt.close("all")


# --- a region without any table --------------------------------------------------------------

def test_region_without_tables(leeg):
    assert index.key_indicators(leeg) == {k: None for k in index.KEY_INDICATOR_LABELS}
    kc = overview.kerncijfers(leeg)
    assert kc.empty and list(kc.columns) == overview.KERNCIJFER_KOLOMMEN
    assert overview.lezing_leerlingen(leeg) == overview.geen_gegevens("leerlingaantallen")
    assert overview.lezing_verzuim(leeg) == overview.geen_gegevens("het ziekteverzuim")
    assert overview.lezing_activiteiten(leeg) == overview.geen_gegevens("activiteiten")
    assert overview.figuur_leerlingen(leeg) is None
    assert overview.figuur_verzuim(leeg) is None
    ident = dict(overview.identiteit(leeg).values)
    assert ident["Naam"] == "Lege Regio" and ident["Periode"] == "niet vermeld"
    assert "nog geen tabellen" in overview.inleiding(leeg)


def test_geen_gegevens_is_a_visible_dutch_note():
    text = overview.geen_gegevens("het ziekteverzuim")
    assert text.startswith("_Geen gegevens over het ziekteverzuim") and text.endswith("_")


def test_toon_tabel_hides_index_keeps_csv_and_notes_empty_tables(regions, tmp_path, monkeypatch):
    import IPython.display

    from regio_analysis.report.tables import toon_tabel

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **_kw: shown.append(obj))
    assert toon_tabel(overview.Hoofdstuk(regions[RBD]).tabel_kerncijfers(), "overzicht-kerncijfers", str(tmp_path)) is None
    assert shown.pop(0)._repr_markdown_()  # the caption above the table
    html = shown[0].to_html()
    assert "33.541" in html and "verzuim_regio" not in html  # the key index is hidden
    kc = pd.read_csv(tmp_path / "tabellen" / "overzicht-kerncijfers.csv", dtype=str, keep_default_na=False)
    assert kc.set_index("sleutel").loc["verzuim_regio", "waarde"] == "6,7%"
    toon_tabel(overview.kerncijfers(regions[RBD]).iloc[0:0], "leeg", str(tmp_path), wat="kerncijfers")
    assert shown[1]._repr_markdown_().startswith("_Herkomst: gepubliceerd (document en paragraaf per rij)")
    assert shown[2]._repr_markdown_() == overview.geen_gegevens("kerncijfers")
    assert sorted(p.name for p in (tmp_path / "tabellen").iterdir()) == ["overzicht-kerncijfers.csv"]


# --- the notebook's structure (not executed here) ---------------------------------------------

def test_notebook_structure():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    namespace: dict = {}
    exec(tagged[0].source, namespace)  # literals only
    params = {k: v for k, v in namespace.items() if not k.startswith("__")}
    assert params == {"regio_id": "rond-bommel-en-dommel", "data_dir": "", "output_dir": "", "seed": 0}
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert markdown[0].splitlines()[0] == "# Overzicht"
    assert sum(line.startswith("# ") for m in markdown for line in m.splitlines()) == 1
    assert {"## Identiteit", "## Kerncijfers"} <= {line for m in markdown for line in m.splitlines()}
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_the_chapter_object_shows_what_the_functions_give(regions):
    h = overview.Hoofdstuk(regions[RBD])
    assert h.inleiding() == overview.inleiding(regions[RBD])
    pd.testing.assert_frame_equal(h.tabel_kerncijfers(), overview.kerncijfers(regions[RBD]))
    pd.testing.assert_frame_equal(h.tabel_identiteit(), overview.identiteit(regions[RBD]))
    assert h.lezing_verzuim() == overview.lezing_verzuim(regions[RBD])
    assert isinstance(h.figuur_leerlingen(), Axes)
    plt.close("all")


def test_index_rows_carry_year_definition_national_value_kind_and_source(regions):
    """Issue 16, the national index: each key figure with its year and what it counts, as chapter 00 shows
    it; the national value only where the region publishes one for the same year."""
    rbd = {r["sleutel"]: r for r in index.kerncijfer_rijen(regions[RBD])}
    assert set(rbd) == set(index.KEY_INDICATOR_LABELS)
    assert (rbd["verzuim_pct"]["waarde"], rbd["verzuim_pct"]["jaar"], rbd["verzuim_pct"]["landelijk"]) == (6.7, "2023", 6.3)
    assert rbd["personen"]["definitie"] == "Personeel OP en OOP (personen)" and rbd["personen"]["soort"] == "berekend"
    assert rbd["leerlingen"]["soort"] == "gepubliceerd" and rbd["leerlingen"]["jaar"] == "2024"
    assert rbd["aandeel_55plus_pct"] == {**rbd["aandeel_55plus_pct"], "waarde": None, "jaar": "", "soort": ""}
    kga = {r["sleutel"]: r for r in index.kerncijfer_rijen(regions[KGA])}
    assert kga["aandeel_55plus_pct"]["jaar"] == "niet vermeld" and "VO" in kga["aandeel_55plus_pct"]["definitie"]
    assert kga["verzuim_pct"]["landelijk"] is None
    for r in [*rbd.values(), *kga.values()]:
        assert not re.search(r"\.txt|\.csv", r["bron"])
