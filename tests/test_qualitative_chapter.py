"""The qualitative chapter's readings and figures: computed from the numbers, never raising."""
from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest
from conftest import sources_dir

from regio_analysis.data import RegionData, load_region
from regio_analysis.qualitative import chapter as kwal
from regio_analysis.data.regions import DEFAULT_REGIONS
from regio_analysis.report.format import THEMA_LABELS, tabel_getallen, tabel_tekst
from regio_analysis.report.tables import bijschrift_van

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def regions():
    return {rid: load_region(rid, synthetic=True, seed=0) for rid in DEFAULT_REGIONS}


@pytest.fixture(scope="module")
def vergelijking():
    return kwal.regiovergelijking()


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:,\d+)?", text)


@pytest.mark.parametrize("rid", DEFAULT_REGIONS)
def test_every_default_region_gets_figures_and_readings(regions, vergelijking, rid):
    import matplotlib.pyplot as plt

    region = regions[rid]
    prof = kwal.themaprofiel(region)
    reading = kwal.lezing_themaprofiel(region)
    top = prof.sort_values(["n_activiteiten", "thema"], ascending=[False, True]).iloc[0]
    assert f"Van de {len(region.activiteiten)} activiteiten" in reading and top["label"] in reading
    assert kwal.figuur_themaprofiel(region) is not None
    assert kwal.figuur_tijdlijn(region) is not None
    tijdlijn = kwal.lezing_tijdlijn(region)
    if rid == "po-noord-nederland":  # the plan dates 26 of its 30 register rows not at all
        assert "geen eigen looptijd" in tijdlijn and "lopen de meeste" not in tijdlijn
    else:
        assert "lopen de meeste activiteiten" in tijdlijn
    assert kwal.figuur_regiovergelijking(region, vergelijking) is not None
    assert "Cramér's V" in kwal.lezing_regiovergelijking(region, vergelijking)
    a = kwal.analyseer_antwoorden(region)
    assert a.synthetisch and kwal.figuur_redenen(a) is not None
    tab = kwal.tabel_redenen(a)
    assert (tab["bron"] == "synthetisch").all()
    assert kwal.lezing_redenen(a).startswith(f"Van de {len(a.documenten)} synthetische open antwoorden (een "
                                             "demonstratie van de methode, geen antwoorden uit de regio;")
    assert "synthetische" in kwal.inleiding(region) and "geen antwoorden uit de regio" in kwal.inleiding(region)
    assert f"{round(tab[kwal.AANDEEL].iloc[0])}%" in kwal.lezing_redenen(a).replace(",", ".")
    q = kwal.kwaliteit_autocodering(a).set_index("reden")
    assert q.loc["totaal", "recall"] >= 0.95 and q.loc["totaal", "precisie"] >= 0.95
    assert "synthetisch" in kwal.lezing_kwaliteit(a)
    kwal.figuur_samenhang(a)
    assert "Jaccard" in kwal.lezing_samenhang(a) or "niet getoond" in kwal.lezing_samenhang(a)
    assert not kwal.citaten(a).empty
    plt.close("all")


def test_regional_comparison_reading_names_this_regions_largest_residual(regions, vergelijking):
    region = regions["kennemerland-groot-amsterdam"]
    res = kwal.toets_regiovergelijking(vergelijking)
    r = res.residuen[region.regio_id]
    reading = kwal.lezing_regiovergelijking(region, vergelijking)
    assert f"de meeste activiteiten onder {r.idxmax()}" in reading and f"de minste onder {r.idxmin()}" in reading
    assert str(res.dof) in reading and ("Let op" in reading) == bool(res.waarschuwing)


def test_counts_below_ten_are_suppressed(regions):
    region = regions["noorderwijzer"]
    a = kwal.analyseer_antwoorden(region)
    small = kwal.Antwoorden(a.documenten.iloc[:15], a.codings[a.codings["doc_id"].isin(a.documenten["doc_id"].iloc[:15])],
                            a.waarheid.iloc[:0], a.codes, synthetisch=True)
    tab = kwal.tabel_redenen(small)
    shown = tab[kwal.AUTO].dropna()
    assert ((shown >= 10) | (shown == 0)).all() and tab["onderdrukt"].any()
    assert tab[kwal.AANDEEL].isna().sum() == tab["onderdrukt"].sum()
    # suppressed cells are missing numbers, shown as "–"
    assert (tabel_tekst(tab).loc[tab["onderdrukt"], "aandeel"] == "–").all()
    assert kwal.kwaliteit_autocodering(small).empty


def test_region_without_data_gives_notes_not_errors():
    empty = RegionData("leeg", {"naam": "Leeg", "regio_id": "leeg"}, None)
    assert "geen kwalitatieve gegevens" in kwal.inleiding(empty)
    assert kwal.figuur_themaprofiel(empty) is None and kwal.figuur_tijdlijn(empty) is None
    assert "Geen gegevens" in kwal.lezing_themaprofiel(empty) and "Geen gegevens" in kwal.lezing_tijdlijn(empty)
    a = kwal.analyseer_antwoorden(empty)
    assert a is None and kwal.figuur_redenen(a) is None and kwal.tabel_redenen(a).empty
    assert "Geen gegevens" in kwal.lezing_redenen(a) and kwal.citaten(a).empty
    assert "Geen gegevens" in kwal.lezing_regiovergelijking(empty, pd.DataFrame())
    assert "geen eigen documenten" in kwal.lezing_eigen_documenten(empty, None)


@pytest.mark.bronnen
def test_own_documents_are_coded_compared_and_exported(regions, tmp_path):
    paths = sorted(sources_dir().glob("002_*.txt"))
    if not paths:
        pytest.fail("source document 002 not found (REGIO_ANALYSIS_BRONNEN)")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.txt").write_text(paths[0].read_text(encoding="utf-8"), encoding="utf-8")
    region = regions["rond-bommel-en-dommel"]
    eigen = kwal.eigen_documenten(str(folder), region.regio_id)
    tab = kwal.tabel_eigen_documenten(region, eigen)
    assert tab["aandeel tekst (%)"].sum() == pytest.approx(100) and tab["aandeel register (%)"].sum() == pytest.approx(100)
    assert list(tabel_tekst(tab).columns) == ["thema", "activiteiten in register", "aandeel register",
                                              "themacoderingen in tekst", "aandeel tekst"]
    reading = kwal.lezing_eigen_documenten(region, eigen)
    top = tab.sort_values("aandeel tekst (%)", ascending=False).iloc[0]
    assert f"over {top['thema']}" in reading and "grootste verschil met het register" in reading
    written = kwal.bewaar_codering(eigen, str(tmp_path / "out"))
    assert [p.name for p in written] == ["autocodering_review.csv", "autocodering.qdpx"]
    assert all(p.stat().st_size > 0 for p in written)
    assert "1 eigen document" in kwal.inleiding(region, eigen[0])


def test_chapter_runs_in_the_batch_for_every_default_region(full_reports):
    """Acceptance of issue 7: the chapter in the suite's shared batch of all chapters."""
    from conftest import chapter_status

    out, manifest = full_reports
    status = chapter_status(manifest, "kwalitatief")
    assert {r: status.get(r) for r in DEFAULT_REGIONS} == {r: "ok" for r in DEFAULT_REGIONS}
    for rid in DEFAULT_REGIONS:
        page = (out / rid / "rapport.html").read_text(encoding="utf-8")
        assert "Kwalitatieve analyse" in page and "synthetisch" in page


# --- numeric tables, shown through the one formatter ------------------------------------------------

def test_tables_hold_numbers_and_are_shown_in_dutch_notation(regions, vergelijking):
    from regio_analysis.data.privacy import META_ATTR

    region = regions["noorderwijzer"]
    abc = kwal.abc_tabel(region)
    assert abc["aandeel (%)"].sum() == pytest.approx(100)
    shown = tabel_tekst(abc)
    assert list(shown.columns) == ["ambitie", "activiteiten", "aandeel"]
    assert shown["aandeel"].str.fullmatch(r"\d+,\d%").all()

    a = kwal.analyseer_antwoorden(region)
    tab = kwal.tabel_redenen(a)
    assert tab[kwal.AANDEEL].dtype == float and tab["onderdrukt"].dtype == bool
    shown = tabel_tekst(tab)
    assert list(shown.columns) == ["reden", kwal.AUTO, "aandeel", kwal.WERKELIJK, "onderdrukt", "bron"]
    first = tab.iloc[0]
    assert shown.loc[0, "aandeel"] == f"{first[kwal.AANDEEL]:.1f}%".replace(".", ",")
    assert shown.loc[0, kwal.AUTO] == str(int(first[kwal.AUTO])) and shown.loc[0, "onderdrukt"] == "nee"
    assert tabel_getallen(tab).loc[0, kwal.AANDEEL] == round(first[kwal.AANDEEL], 1)
    # the privacy description names the columns the table has
    meta = tab.attrs[META_ATTR]
    assert set(meta["aantallen"]) == {kwal.AUTO, kwal.WERKELIJK} <= set(tab.columns)

    q = kwal.kwaliteit_autocodering(a)
    assert set(kwal.KWALITEIT) <= set(q.columns) and list(q.attrs[META_ATTR]["aantallen"]) == [kwal.WERKELIJK]
    assert tabel_tekst(q)["precisie"].str.fullmatch(r"\d,\d\d|–").all()
    assert tabel_getallen(q.assign(precisie=0.8766))["precisie"].iloc[0] == 0.88

    per_regio = kwal.tabel_thema_per_regio(vergelijking)
    assert list(per_regio.columns) == ["thema", *vergelijking.columns]  # region ids stay the headers
    assert (per_regio.drop(columns="thema").to_numpy() == vergelijking.to_numpy()).all()
    assert per_regio["thema"].tolist() == [THEMA_LABELS[t] for t in vergelijking.index]  # Dutch labels, not keys
    assert tabel_tekst(per_regio).iloc[:, 1:].apply(lambda c: c.str.fullmatch(r"\d+")).all().all()
    assert kwal.tabel_thema_per_regio(pd.DataFrame()).empty


def test_suppressed_shares_are_missing_numbers(regions):
    a = kwal.analyseer_antwoorden(regions["noorderwijzer"])
    small = kwal.Antwoorden(a.documenten.iloc[:15], a.codings[a.codings["doc_id"].isin(a.documenten["doc_id"].iloc[:15])],
                            a.waarheid.iloc[:0], a.codes, synthetisch=True)
    tab = kwal.tabel_redenen(small)
    hidden = tab["onderdrukt"]
    assert hidden.any() and tab.loc[hidden, kwal.AUTO].isna().all() and tab.loc[hidden, kwal.AANDEEL].isna().all()
    assert kwal.WERKELIJK not in tab.columns  # no known codes


# --- the chapter as one object -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def hoofdstuk(regions):
    return kwal.Hoofdstuk(regions["rond-bommel-en-dommel"])


def _same(x, y):
    """The chapter's result is the module function's, plus its provenance (data.provenance) and, for a
    table, its caption (report.tables.bijschrift)."""
    from regio_analysis.data.provenance import ATTR, herkomst_van

    if isinstance(x, pd.DataFrame):
        pd.testing.assert_frame_equal(x, y)
        assert {k: v for k, v in x.attrs.items() if k not in (ATTR, "bijschrift")} == y.attrs
        assert x.empty or herkomst_van(x)
        assert x.empty or bijschrift_van(x)[0]
    else:
        assert x == y


def test_hoofdstuk_returns_what_the_module_functions_return(hoofdstuk, vergelijking):
    import matplotlib.pyplot as plt

    region = hoofdstuk.region
    a = kwal.analyseer_antwoorden(region)
    pd.testing.assert_frame_equal(hoofdstuk.vergelijking, vergelijking)
    pairs = {
        "inleiding": kwal.inleiding(region),
        "lezing_themaprofiel": kwal.lezing_themaprofiel(region),
        "abc_tabel": kwal.abc_tabel(region),
        "lezing_abc": kwal.lezing_abc(region),
        "lezing_tijdlijn": kwal.lezing_tijdlijn(region),
        "lezing_regiovergelijking": kwal.lezing_regiovergelijking(region, vergelijking),
        "tabel_thema_per_regio": kwal.tabel_thema_per_regio(vergelijking, kwal.regio_namen()),
        "lezing_redenen": kwal.lezing_redenen(a),
        "tabel_redenen": kwal.tabel_redenen(a),
        "lezing_kwaliteit": kwal.lezing_kwaliteit(a),
        "kwaliteit_autocodering": kwal.kwaliteit_autocodering(a),
        "lezing_samenhang": kwal.lezing_samenhang(a),
        "citaten": kwal.citaten(a),
        "lezing_eigen_documenten": kwal.lezing_eigen_documenten(region, None),
        "tabel_eigen_documenten": kwal.tabel_eigen_documenten(region, None),
    }
    for name, expected in pairs.items():
        _same(getattr(hoofdstuk, name)(), expected)
    for name in ("figuur_themaprofiel", "figuur_tijdlijn", "figuur_regiovergelijking", "figuur_redenen",
                 "figuur_samenhang"):
        ax = getattr(hoofdstuk, name)()
        assert ax is not None and bijschrift_van(ax)[0] and not ax.get_title(), name
    plt.close("all")
    # intermediate results are computed once
    assert hoofdstuk.antwoorden is hoofdstuk.antwoorden and hoofdstuk.vergelijking is hoofdstuk.vergelijking
    assert hoofdstuk.eigen is None and hoofdstuk.fout == "" and hoofdstuk.bewaar_codering() == ""


def test_hoofdstuk_without_data_gives_notes_not_errors():
    empty = kwal.Hoofdstuk(RegionData("leeg", {"naam": "Leeg", "regio_id": "leeg"}, None), data_dir="")
    assert "geen kwalitatieve gegevens" in empty.inleiding()
    assert empty.figuur_themaprofiel() is None and empty.figuur_redenen() is None and empty.figuur_samenhang() is None
    assert empty.abc_tabel().empty and empty.tabel_redenen().empty and empty.kwaliteit_autocodering().empty
    assert empty.citaten().empty and empty.tabel_eigen_documenten().empty
    assert "Geen gegevens" in empty.lezing_redenen() and "geen eigen documenten" in empty.lezing_eigen_documenten()


def test_hoofdstuk_reports_an_unreadable_document_in_the_text(regions, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kapot.docx").write_bytes(b"dit is geen Word-bestand")
    h = kwal.Hoofdstuk(regions["rond-bommel-en-dommel"], documenten_dir=str(folder), output_dir=str(tmp_path / "out"))
    assert "eigen document" not in h.inleiding()  # built without them, nothing raised
    assert h.eigen is None and "kapot.docx" in h.fout
    reading = h.lezing_eigen_documenten()
    assert reading.startswith("**Eigen documenten niet gelezen:**") and "kapot.docx" in reading
    assert reading.endswith(kwal.lezing_eigen_documenten(h.region, None))
    assert h.tabel_eigen_documenten().empty and h.bewaar_codering() == ""


@pytest.mark.bronnen
def test_hoofdstuk_codes_and_keeps_own_documents(regions, tmp_path):
    paths = sorted(sources_dir().glob("002_*.txt"))
    if not paths:
        pytest.fail("source document 002 not found (REGIO_ANALYSIS_BRONNEN)")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.txt").write_text(paths[0].read_text(encoding="utf-8"), encoding="utf-8")
    region = regions["rond-bommel-en-dommel"]
    h = kwal.Hoofdstuk(region, documenten_dir=folder, output_dir=tmp_path / "out")
    eigen = kwal.eigen_documenten(str(folder), region.regio_id)
    _same(h.tabel_eigen_documenten(), kwal.tabel_eigen_documenten(region, eigen))
    assert h.lezing_eigen_documenten() == kwal.lezing_eigen_documenten(region, eigen)
    assert "1 eigen document" in h.inleiding()
    assert h.bewaar_codering() == "Bewaard: `autocodering_review.csv`\n\nBewaard: `autocodering.qdpx`"
    assert (tmp_path / "out" / "kwalitatief" / "autocodering.qdpx").stat().st_size > 0


def test_notebook_calls_only_the_chapter_object():
    """After the parameters, the notebook keeps one name (the chapter) and calls methods that exist."""
    import ast
    from pathlib import Path

    import nbformat

    nb = nbformat.read(Path(__file__).parents[1] / "notebooks" / "02_kwalitatief.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assigned, called = set(), set()
    for cell in code[1:]:
        assert not cell.outputs
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith("%")))
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.If, ast.For, ast.While, ast.Try, ast.With)), cell.source
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                assigned.add(node.id)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "kwalitatief":
                called.add(node.attr)
    assert assigned == {"kwalitatief"}
    assert called and all(callable(getattr(kwal.Hoofdstuk, name, None)) for name in called), called


# --- issue 15: readings say only what the register shows ---------------------------------------------

PNN = "po-noord-nederland"


def test_a_theme_missing_from_the_register_is_not_said_to_be_missing_from_the_plan(regions):
    """PO Noord-Nederland's plan has a 'Werkgroep Werving en Matching'; the register files it
    under werven. The reading says the register has no activity *with the theme* matchen, and
    names the activities that mention it, instead of "zonder activiteiten voor matchen"."""
    region = regions[PNN]
    act = region.activiteiten
    assert "matchen" not in set(act["thema"]) and "opleiden" not in set(act["thema"])
    matching = act[act["titel"].str.contains("Matching")]
    assert len(matching) == 1 and matching["thema"].iloc[0] == "werven"
    reading = kwal.lezing_themaprofiel(region)
    assert "zonder activiteiten" not in reading
    assert "In het activiteitenregister heeft geen activiteit het thema matchen of opleiden" in reading
    assert "'Werkgroep Werving en Matching', thema werven" in reading
    named = act[act[["titel", "ambitie", "beoogd_resultaat"]].agg(" ".join, axis=1).str.contains("match", case=False)]
    assert f"{len(named)} activiteiten met een ander thema noemen matchen" in reading
    # a region whose register has all five themes says nothing about absence
    assert "geen activiteit" not in kwal.lezing_themaprofiel(regions["rond-bommel-en-dommel"])


def test_timeline_reading_does_not_count_activities_the_register_does_not_date(regions):
    """The register puts 26 of PO Noord-Nederland's 30 activities on the whole plan year 2024
    because the plan gives them no dates; "In 2026 lopen de meeste activiteiten (1 van 1)" was a
    count of one activity. The reading now says the register gives no dates."""
    region = regions[PNN]
    zonder = int((region.activiteiten["looptijd_vermeld"] == "false").sum())
    reading = kwal.lezing_tijdlijn(region)
    assert "1 van 1" not in reading and "lopen de meeste" not in reading
    assert reading.startswith(f"{zonder} van de {len(region.activiteiten)} activiteiten hebben in het register geen "
                              "eigen looptijd (zij staan op de hele planperiode, 2024)")
    assert "piekjaar of een gemiddelde looptijd is daarom niet te geven" in reading
    ax = kwal.figuur_tijdlijn(region)
    caption = bijschrift_van(ax)[0]
    assert caption.endswith("2023–2029 (gearceerd: geen eigen looptijd in het register, geplaatst op de hele "
                            "planperiode)"), caption
    assert sum(1 for bar in ax.patches if bar.get_hatch()) == zonder


def test_timeline_reading_counts_only_dated_activities(regions):
    """Noorderwijzer: 5 register rows carry the plan period because the plan dates them not;
    the peak and the duration come from the 35 dated ones (counted here from the rows)."""
    import matplotlib.pyplot as plt

    from regio_analysis.qualitative import plans

    region = regions["noorderwijzer"]
    act = region.activiteiten
    dated = act[act["looptijd_vermeld"] == "true"]
    per_year = {y: int(((dated["start"].dt.year <= y) & (dated["einde"].dt.year >= y)).sum()) for y in range(2026, 2030)}
    peak = max(per_year, key=per_year.get)
    reading = kwal.lezing_tijdlijn(region)
    assert reading.startswith(f"In {peak} lopen de meeste activiteiten met een eigen looptijd ({per_year[peak]} van "
                              f"{len(dated)})")
    assert reading.endswith("5 van de 40 activiteiten hebben in het register geen eigen looptijd (zij staan op de "
                            "hele planperiode, 2026–2029).")
    all_dated = kwal.lezing_tijdlijn(regions["rond-bommel-en-dommel"])
    assert all_dated.startswith("In 2026 lopen de meeste activiteiten (39 van 52)") and "eigen looptijd" not in all_dated
    assert plans.parse_periode("2026–2029") == (2026, 2029) and plans.parse_periode("2024") == (2024, 2024)
    plt.close("all")


def test_timeline_of_a_register_without_any_dates():
    act = pd.DataFrame({"id": ["1", "2"], "titel": ["a", "b"], "thema": ["werven", "matchen"],
                        "start": pd.to_datetime(["2024-01-01"] * 2), "einde": pd.to_datetime(["2024-12-31"] * 2),
                        "looptijd_vermeld": ["false", "false"], "bron": "t"})
    region = RegionData("t", {"regio_id": "t", "naam": "T", "periode": "2024"}, None, {"activiteiten": act})
    assert kwal.lezing_tijdlijn(region) == (
        "Het register geeft geen van de 2 activiteiten een eigen looptijd: alle staan op de hele planperiode (2024). "
        "Wanneer een activiteit in die periode loopt, is uit het register niet af te lezen.")


def test_abc_reading_says_what_the_register_classifies(regions):
    """PO Noord-Nederland's plan works with domains, not Aantrekken / Behouden / Continuïteit: the
    register no longer invents an ABC class for five working groups."""
    assert (regions[PNN].activiteiten["abc"] == "").all()
    assert kwal.abc_tabel(regions[PNN])["ambitie"].tolist() == ["niet ingedeeld"]
    assert kwal.lezing_abc(regions[PNN]).startswith("Het activiteitenregister deelt geen van de 30 activiteiten in")
    nw = regions["noorderwijzer"].activiteiten["abc"].replace("", "niet ingedeeld").value_counts()
    assert kwal.lezing_abc(regions["noorderwijzer"]) == (
        f"Het activiteitenregister deelt {40 - nw['niet ingedeeld']} van de 40 activiteiten in: Aantrekken "
        f"{nw['Aantrekken']}, Behouden {nw['Behouden']} en Continuïteit {nw['Continuïteit']}; "
        f"{nw['niet ingedeeld']} hebben geen indeling.")


def test_significant_only_when_the_test_is_reliable(regions, vergelijking):
    region = regions["noorderwijzer"]
    res = kwal.toets_regiovergelijking(vergelijking)
    assert res.waarschuwing  # 71 % of expected counts below 5
    reading = kwal.lezing_regiovergelijking(region, vergelijking)
    assert "significant" not in reading and "niet bruikbaar" in reading
    groot = vergelijking * 40  # the same proportions with large counts: a reliable test
    res = kwal.toets_regiovergelijking(groot)
    assert not res.waarschuwing and res.p < 0.05
    assert "verschilt de themaverdeling van de activiteiten significant" in kwal.lezing_regiovergelijking(region, groot)


def test_the_introduction_says_the_themes_are_the_packages_classification():
    """Review finding: "De thema's van het register komen uit het plan" was not true (003 lists its
    information desk under Werven; the register calls it loketfunctie)."""
    tekst = kwal.inleiding(load_region("kennemerland-groot-amsterdam"), None)
    assert "in de indeling van het pakket" in tekst and "komen uit het plan" not in tekst
