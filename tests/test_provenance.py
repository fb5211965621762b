"""Provenance as data (issue 15, item 1): every table and figure a chapter shows carries its kind
(gepubliceerd, berekend, synthetisch, standaardwaarde), the report prints it under each, and the first
screen says which chapter rests on which kind."""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from conftest import microdata_only_region  # noqa: E402
from regio_analysis.data import load_region  # noqa: E402
from regio_analysis.data import provenance as prov  # noqa: E402
from regio_analysis.data.provenance import Soort  # noqa: E402
from regio_analysis.data.regions import DEFAULT_REGIONS  # noqa: E402
from regio_analysis.overview.annex import gepubliceerde_tabellen  # noqa: E402
from regio_analysis.report import tables  # noqa: E402

FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|\.csv\b|\.ya?ml\b")


def test_markeer_attaches_to_tables_and_figures_and_merges():
    df = pd.DataFrame({"a": [1]})
    assert prov.markeer(df, prov.gepubliceerd("Plan, § 2")) is df
    prov.markeer(df, prov.berekend("som"), prov.gepubliceerd("Plan, § 2"))
    assert [h.soort for h in prov.herkomst_van(df)] == [Soort.GEPUBLICEERD, Soort.BEREKEND]
    assert prov.onderschrift(prov.herkomst_van(df)) == "Herkomst: gepubliceerd (Plan, § 2); berekend (som)."
    fig, ax = plt.subplots()
    assert prov.herkomst_van(ax) == ()
    prov.markeer(ax, prov.synthetisch("demo"))
    assert prov.soorten(prov.herkomst_van(ax)) == [Soort.SYNTHETISCH]
    plt.close(fig)
    assert prov.markeer(None, prov.synthetisch("x")) is None
    with pytest.raises(TypeError):
        prov.markeer(df, "gepubliceerd")
    with pytest.raises(TypeError):
        prov.markeer(df)


def test_sources_of_rows_are_named_by_title_and_collapsed_per_document():
    region = load_region("rond-bommel-en-dommel")
    one = prov.bronnen_van(region, region.verzuim)
    assert one.startswith("Activiteitenplan Rond Bommel en Dommel 2026–2029, §") and ";" not in one
    many = prov.bronnen_van(region, region.activiteiten)
    assert many == "Activiteitenplan Rond Bommel en Dommel 2026–2029, verschillende paragrafen"
    # partnerschappen.csv names internal files: never shown
    assert not FILE_NAME.search(prov.bronnen_van(region, region.partnerschappen))
    assert prov.bronnen_van(region, pd.DataFrame({"x": [1]})) == "Activiteitenplan Rond Bommel en Dommel 2026–2029"


@pytest.fixture
def shown(monkeypatch):
    """What toon_tabel / toon_figuur display, as text."""
    import IPython.display

    out: list[str] = []

    def display(obj, **_kwargs):
        out.append(obj.data if isinstance(obj, IPython.display.Markdown) else "<figuur>" if isinstance(obj, dict)
                   else "<table>")

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(plt, "show", lambda: None)
    return out


def test_toon_tabel_refuses_a_table_without_provenance_or_caption_and_prints_them_around_it(shown):
    df = prov.markeer(pd.DataFrame({"jaar": [2024], "waarde": [3.5]}), prov.gepubliceerd("Plan <b>X</b>, § 2"))
    with pytest.raises(ValueError, match="no caption"):
        tables.toon_tabel(df, "t")
    tables.toon_tabel(tables.bijschrift(df, "Waarde per jaar"), "t")
    assert shown == ["Waarde per jaar", "<table>", "_Herkomst: gepubliceerd (Plan <b>X</b>, § 2)._"]  # raw HTML as text
    with pytest.raises(ValueError, match="no provenance"):
        tables.toon_tabel(tables.bijschrift(pd.DataFrame({"jaar": [2024]}), "Jaren"), "t")
    tables.toon_tabel(pd.DataFrame(), "t")  # an empty table shows the "geen gegevens" note, nothing to mark
    assert "Herkomst" not in shown[-1]


def test_toon_figuur_refuses_a_figure_without_provenance_or_caption(shown):
    plt.close("all")  # figures another test left open are not this test's
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="no provenance"):
        tables.toon_figuur(tables.bijschrift(ax, "Iets"))
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="no caption"):
        tables.toon_figuur(prov.markeer(ax, prov.standaardwaarde("scenario's van het pakket")))
    fig, ax = plt.subplots()
    tables.toon_figuur(tables.bijschrift(prov.markeer(ax, prov.standaardwaarde("scenario's van het pakket")), "Iets"))
    assert shown == ["<figuur>", "Iets", "_Herkomst: standaardwaarde (scenario's van het pakket)._"]
    assert plt.get_fignums() == []  # every figure shown or refused is closed


def test_met_herkomst_marks_by_default_but_keeps_what_a_method_marked():
    @prov.met_herkomst
    class Demo:
        HERKOMST_OOK = ("citaten",)

        def herkomst(self):
            return (prov.synthetisch("demo"),)

        def tabel_a(self):
            return pd.DataFrame({"x": [1]})

        def tabel_b(self):
            return prov.markeer(pd.DataFrame({"x": [1]}), prov.gepubliceerd("Plan"))

        def tabel_leeg(self):
            return pd.DataFrame()

        def citaten(self):
            return pd.DataFrame({"x": [1]})

        def andere(self):
            return pd.DataFrame({"x": [1]})

    d = Demo()
    assert prov.soorten(prov.herkomst_van(d.tabel_a())) == [Soort.SYNTHETISCH]
    assert prov.soorten(prov.herkomst_van(d.tabel_b())) == [Soort.GEPUBLICEERD]
    assert prov.herkomst_van(d.tabel_leeg()) == ()
    assert prov.soorten(prov.herkomst_van(d.citaten())) == [Soort.SYNTHETISCH]
    assert prov.herkomst_van(d.andere()) == ()


def test_first_screen_names_the_spp_defaults_only_where_a_projection_runs():
    from regio_analysis.overview.chapter import Hoofdstuk

    rust = {rid: Hoofdstuk(load_region(rid)).tabel_herkomst().set_index("Hoofdstuk").loc["1 Kwantitatieve analyse",
                                                                                          "Rust op"]
            for rid in DEFAULT_REGIONS}
    assert rust["rond-bommel-en-dommel"] == "gepubliceerd, berekend, standaardwaarde"
    assert rust["noorderwijzer"] == "gepubliceerd, berekend"  # no SPP without staff and flows


def test_first_screen_names_synthetic_chapters_for_regions_without_microdata():
    from regio_analysis.overview.chapter import Hoofdstuk

    for rid in DEFAULT_REGIONS:
        t = Hoofdstuk(load_region(rid)).tabel_herkomst().set_index("Hoofdstuk")
        assert t.loc["3 Retentie van startende leraren", "Rust op"] == "synthetisch"
        assert t.loc["4 Inductie en behoud van starters", "Rust op"] == "synthetisch"
        assert "synthetisch" in t.loc["5 Bewijsdossier peer review", "Rust op"]
        assert "standaardwaarde" in t.loc["5 Bewijsdossier peer review", "Rust op"]
        assert t.loc["0 Overzicht", "Rust op"] == "gepubliceerd, berekend"
        assert all(t["Rust op"].str.len() > 0), "every chapter rests on something"
        assert not t["Toelichting"].str.contains(FILE_NAME).any()


def test_first_screen_says_own_microdata_are_used_when_the_region_has_them(tmp_path):
    from regio_analysis.reporting.chapters import CHAPTERS

    region = load_region(microdata_only_region(tmp_path) / "alleen-microdata")
    t = prov.per_hoofdstuk(region, CHAPTERS).set_index("Hoofdstuk")
    retentie = t.loc[f"3 {CHAPTERS[3].title}"]
    assert retentie["Rust op"] == "berekend"
    assert "eigen dienstverbanden" in retentie["Toelichting"] and "synthetisch" not in retentie["Toelichting"]


#: methods that need an argument, with the arguments the notebooks pass
REQUIRED_ARGS = {
    "figuur_behoud": lambda obj: [("route",), ("bevoegd",), ("inductie",)] if hasattr(obj, "horizon") and
    hasattr(obj, "starters") else [()],
    "tabel_citaten": lambda obj: [(w.id,) for w in obj.kader.waarborgen],
    "tabel": lambda obj: [(naam,) for naam in gepubliceerde_tabellen(obj.region)],
}


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_every_table_and_figure_of_every_chapter_carries_its_kind(rid):
    """What each chapter object returns (the notebooks show exactly these): marked, and marked
    synthetic wherever it rests on the generated spells."""
    from regio_analysis.induction.chapter import Hoofdstuk as Inductie
    from regio_analysis.overview.annex import Hoofdstuk as Bijlage
    from regio_analysis.overview.chapter import Hoofdstuk as Overzicht
    from regio_analysis.peerreview.chapter import Hoofdstuk as PeerReview
    from regio_analysis.qualitative.chapter import Hoofdstuk as Kwalitatief
    from regio_analysis.retention.chapter import Hoofdstuk as Retentie
    from regio_analysis.workforce.chapter import Hoofdstuk as Kwantitatief

    synth = load_region(rid, synthetic=True)
    objects = {"00": Overzicht(load_region(rid)), "01": Kwantitatief(load_region(rid)),
               "02": Kwalitatief(synth), "03": Retentie(synth), "04": Inductie(synth), "05": PeerReview(synth),
               "06": Bijlage(load_region(rid))}
    unmarked, not_synthetic = [], []
    for nr, obj in objects.items():
        calls = [(n, ()) for n in dir(obj) if n.startswith(("tabel_", "figuur_")) and n not in REQUIRED_ARGS]
        calls += [(n, a) for n, args in REQUIRED_ARGS.items() if hasattr(obj, n) for a in args(obj)]
        for name, args in calls:
            out = getattr(obj, name)(*args)
            if out is None or (isinstance(out, pd.DataFrame) and out.empty):
                continue
            kinds = prov.soorten(prov.herkomst_van(out))
            if not kinds:
                unmarked.append(f"{nr}.{name}")
            if nr in ("03", "04") and name not in ("tabel_doelexperiment",) and Soort.SYNTHETISCH not in kinds:
                not_synthetic.append(f"{nr}.{name}")
            for h in prov.herkomst_van(out):
                assert not FILE_NAME.search(h.toelichting), (nr, name, h)
        plt.close("all")
    assert unmarked == []
    assert not_synthetic == []


def test_peer_review_indicators_synthetic_and_default_targets_are_named():
    from regio_analysis.peerreview.chapter import Hoofdstuk

    h = Hoofdstuk(load_region("po-noord-nederland", synthetic=True))
    kinds = prov.soorten(prov.herkomst_van(h.tabel_indicatoren()))
    assert Soort.SYNTHETISCH in kinds and Soort.STANDAARDWAARDE in kinds
    # the region's 100 % ambition for 2030 is its own target, published
    assert Soort.GEPUBLICEERD in kinds


def test_every_table_in_the_built_reports_has_its_provenance_underneath(full_reports):
    out, manifest = full_reports
    for rid in DEFAULT_REGIONS:
        html = (out / rid / "rapport.html").read_text(encoding="utf-8")
        # the chapters (the cover's table and the appendix on how the report was made are the report's own)
        body = html[html.index("</header>"):html.index('<div class="ra-verantwoording"')]
        parts = body.split("<table")[1:]
        assert len(parts) >= 30, rid
        missing = [i for i, part in enumerate(parts) if "Herkomst: " not in part.split("</table>", 1)[1][:3000]]
        assert missing == [], (rid, missing[:5])
        assert "Waarop dit rapport rust" in html
