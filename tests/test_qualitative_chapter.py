"""The qualitative chapter's readings and figures: computed from the numbers, never raising."""
from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest
from conftest import SEEDS

from regio_analysis.data import RegionData, load_region
from regio_analysis.qualitative import chapter as kwal
from regio_analysis.regions import DEFAULT_REGIONS

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
    assert "lopen de meeste activiteiten" in kwal.lezing_tijdlijn(region)
    assert kwal.figuur_regiovergelijking(region, vergelijking) is not None
    assert "Cramér's V" in kwal.lezing_regiovergelijking(region, vergelijking)
    a = kwal.analyseer_antwoorden(region)
    assert a.synthetisch and kwal.figuur_redenen(a) is not None
    tab = kwal.tabel_redenen(a)
    assert (tab["bron"] == "synthetisch").all()
    assert "(synthetisch)" in kwal.lezing_redenen(a)
    assert f"{round(tab['aandeel'].iloc[0])}%" in kwal.lezing_redenen(a).replace(",", ".")
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
    assert f"het meest {r.idxmax()}" in reading and f"het minst {r.idxmin()}" in reading
    assert str(res.dof) in reading and ("Let op" in reading) == bool(res.waarschuwing)


def test_counts_below_ten_are_suppressed(regions):
    region = regions["noorderwijzer"]
    a = kwal.analyseer_antwoorden(region)
    small = kwal.Antwoorden(a.documenten.iloc[:15], a.codings[a.codings["doc_id"].isin(a.documenten["doc_id"].iloc[:15])],
                            a.waarheid.iloc[:0], a.codes, synthetisch=True)
    tab = kwal.tabel_redenen(small)
    shown = tab["antwoorden"].dropna()
    assert ((shown >= 10) | (shown == 0)).all() and tab["onderdrukt"].any()
    assert tab["aandeel"].isna().sum() == tab["onderdrukt"].sum()
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
    assert "documenten_dir" in kwal.lezing_eigen_documenten(empty, None)


def test_own_documents_are_coded_compared_and_exported(regions, tmp_path):
    paths = sorted(SEEDS.glob("002_*.txt"))
    if not paths:
        pytest.skip("seed 002 not found")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.txt").write_text(paths[0].read_text(encoding="utf-8"), encoding="utf-8")
    region = regions["rond-bommel-en-dommel"]
    eigen = kwal.eigen_documenten(str(folder), region.regio_id)
    tab = kwal.tabel_eigen_documenten(region, eigen)
    assert tab["tekst_aandeel"].sum() == pytest.approx(100) and tab["register_aandeel"].sum() == pytest.approx(100)
    reading = kwal.lezing_eigen_documenten(region, eigen)
    top = tab.sort_values("tekst_aandeel", ascending=False).iloc[0]
    assert f"over {top['label']}" in reading and "grootste verschil met het register" in reading
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
