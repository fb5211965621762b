"""Figures on edge data, and every chapter figure of one region, checked for what a reader trips over.

The layout checks (``figure_layout.overlappende_teksten`` and ``legenda_over_data``) collect the drawn
boxes of tick labels, axis labels, titles, annotations and legend texts after ``fig.canvas.draw()``;
the first tests show that they catch a crowded figure, so that a figure passing them is no accident.
"""
from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from figure_layout import legenda_over_data, overlappende_teksten  # noqa: E402
from regio_analysis.data import load_region  # noqa: E402
from regio_analysis.data.provenance import Soort, herkomst_van  # noqa: E402
from regio_analysis.report import figures as plotting  # noqa: E402
from regio_analysis.report.tables import bijschrift_van  # noqa: E402

LANG = ["onvervulde werkgelegenheid van het onderwijsondersteunend personeel in de provincie Noord-Brabant",
        "verborgen tekort aan schoolleiders in het speciaal en voortgezet speciaal onderwijs (jaar niet vermeld)",
        "mogelijkheid om in deeltijd te werken na de geboorte van een kind",
        "professionaliseringsmogelijkheden"]
#: a decimal point where Dutch has a comma: "0.5", "2.25%" (a thousands point has three digits after it)
ENGELS_GETAL = re.compile(r"^[−-]?\d+\.\d{1,2}%?$")


@pytest.fixture(autouse=True)
def _theme_and_close():
    with matplotlib.rc_context():
        plotting.set_theme()
        yield
    plt.close("all")


def _gebreken(ax: Axes) -> list[str]:
    """Every layout defect of the figure ``ax`` belongs to, and tick labels not in Dutch notation."""
    fig = ax.figure
    problems = overlappende_teksten(fig) + legenda_over_data(fig)
    for a in (a for a in fig.axes if a.get_visible()):
        for t in [*a.get_xticklabels(), *a.get_yticklabels()]:
            if ENGELS_GETAL.match(t.get_text().strip()):
                problems.append(f"getal niet in Nederlandse notatie: {t.get_text()!r}")
    return problems


# --- the checkers catch what they are for ---------------------------------------------------------

def test_the_overlap_checker_catches_crowded_labels():
    _fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(range(8), np.arange(1, 9), tick_label=[f"categorie met een lange naam {i}" for i in range(8)])
    assert len(overlappende_teksten(ax.figure)) >= 7
    plt.close("all")
    _fig, ax = plt.subplots(figsize=(5, 3))
    ax.barh(range(3), [1, 2, 3], tick_label=["een", "twee", "drie"])
    assert overlappende_teksten(ax.figure) == []


def test_the_overlap_checker_sees_annotations_and_legends():
    _fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([0, 1], [0, 1], label="reeks")
    ax.legend(loc="upper left")
    ax.annotate("een waarde", (0.02, 0.98), xycoords="axes fraction", va="top")  # under the legend's text
    found = overlappende_teksten(ax.figure)
    assert any("legenda 'reeks'" in f and "tekst 'een waarde'" in f for f in found), found


def test_the_legend_checker_catches_a_legend_on_data():
    _fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([0, 1, 2, 3], [3, 0, 0, 0], label="hoog")  # a line from the upper-left corner
    ax.legend(loc="upper left")
    assert legenda_over_data(ax.figure)
    plt.close("all")
    _fig, ax = plt.subplots(figsize=(5, 3))
    bars = ax.bar(["a", "b"], [5, 5], label="staaf")
    ax.bar_label(bars, labels=["5", "5"])
    ax.legend(loc="upper left")  # on the first bar and its value
    assert legenda_over_data(ax.figure)
    plt.close("all")
    _fig, ax = plt.subplots(figsize=(5, 3))
    ax.plot([0, 1, 2, 3], [3, 3, 3, 3], label="hoog")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the panel
    assert legenda_over_data(ax.figure) == []


def test_dutch_ticks_with_the_decimals_the_finest_one_needs():
    fmt = plotting.nl_formatter()
    assert fmt.format_ticks([0, 0.5, 1.0]) == ["0,0", "0,5", "1,0"]
    assert fmt.format_ticks([0, 2000, 4000]) == ["0", "2.000", "4.000"]
    assert plotting.nl_formatter(None, pct=True).format_ticks([0, 2.5]) == ["0,0%", "2,5%"]
    assert fmt(1234.5) == "1.234,5"
    _fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 0.8])
    plotting.nl_assen(ax)
    ax.figure.canvas.draw()
    assert "0,4" in [t.get_text() for t in ax.get_yticklabels()]


# --- the helpers on edge data ---------------------------------------------------------------------

def _reeks(jaren, niveaus=("regio", "landelijk")):
    return pd.DataFrame([{"jaar": j, "niveau": n, "waarde": 5.0 + i * 0.3 + k}
                         for k, n in enumerate(niveaus) for i, j in enumerate(jaren)],
                        columns=["jaar", "niveau", "waarde"])


def _leerlingen(jaren, prognose_vanaf, soorten=("basisonderwijs",)):
    return pd.DataFrame([{"jaar": j, "soort": s, "aantal": 30000.0 / (k + 1) - 100 * i, "prognose": j >= prognose_vanaf}
                         for k, s in enumerate(soorten) for i, j in enumerate(jaren)],
                        columns=["jaar", "soort", "aantal", "prognose"])


def _km(groepen, n=40, onder_10_vanaf=3.0):
    rows = []
    for g in groepen:
        times = np.linspace(0.2, 5, 24)
        at_risk = np.linspace(n, 2, 24).round()
        at_risk[times >= onder_10_vanaf] = np.minimum(at_risk[times >= onder_10_vanaf], 9)
        surv = np.linspace(0.97, 0.4, 24)
        rows += [{"groep": g, "time": t, "at_risk": r, "survival": s, "ci_lower": s - 0.1, "ci_upper": min(1, s + 0.1)}
                 for t, r, s in zip(times, at_risk, surv)]
    return pd.DataFrame(rows, columns=["groep", "time", "at_risk", "survival", "ci_lower", "ci_upper"])


EDGE = {
    "staaf, een waarde": lambda: plotting.staaf(pd.DataFrame({"c": ["regio"], "v": [27.7]}), x="v", y="c"),
    "staaf, lege tabel": lambda: plotting.staaf(pd.DataFrame({"c": pd.Series(dtype=str), "v": pd.Series(dtype=float)}),
                                                x="v", y="c"),
    "staaf, lange namen liggend": lambda: plotting.staaf(pd.DataFrame({"c": LANG, "v": [3.7, 2.6, 83.0, 100.0]}),
                                                         x="v", y="c"),
    "staaf, lange namen staand": lambda: plotting.staaf(pd.DataFrame({"c": LANG * 2, "v": np.arange(8.0) + 1}),
                                                        x="c", y="v", order=None),
    "staaf, groepen": lambda: plotting.staaf(pd.DataFrame({"c": ["a", "a", "b", "b"], "g": ["OP", "OOP"] * 2,
                                                           "v": [50.0, 45.0, 60.0, 58.0]}), x="c", y="v", hue="g"),
    "regio en landelijk, twee jaren": lambda: plotting.lijn_regio_landelijk(_reeks([2019, 2023])),
    "regio en landelijk, een jaar": lambda: plotting.lijn_regio_landelijk(_reeks([2023])),
    "regio en landelijk, leeg": lambda: plotting.lijn_regio_landelijk(_reeks([])),
    "realisatie en prognose, twee jaren": lambda: plotting.lijn_realisatie_prognose(
        _leerlingen([2024, 2030], 2025), x="jaar"),
    "realisatie en prognose, lange soorten": lambda: plotting.lijn_realisatie_prognose(
        _leerlingen(range(2020, 2030), 2025, ("basisonderwijs", "(voortgezet) speciaal onderwijs",
                                               "speciaal basisonderwijs")), x="jaar", hue="soort"),
    "realisatie en prognose, leeg": lambda: plotting.lijn_realisatie_prognose(_leerlingen([], 2025), x="jaar"),
    "overlevingscurves": lambda: plotting.overlevingscurves(_km(["met inductie", "zonder inductie"]), horizon=5),
    "overlevingscurves, leeg": lambda: plotting.overlevingscurves(_km([])),
    "heatmap, lange namen": lambda: plotting.heatmap(
        pd.DataFrame(np.arange(12.0).reshape(3, 4) / 10, index=["werven", "matchen", "opleiden"],
                     columns=["Noorderwijzer", "Onderwijsregio PO Noord-Nederland", "Rond Bommel en Dommel",
                              "Kennemerland & Groot-Amsterdam"]), midden=0.5, kleurlabel="residu"),
    "heatmap, acht kolommen": lambda: plotting.heatmap(
        pd.DataFrame(np.eye(8) / 10, index=[f"reden{i}" for i in range(8)],
                     columns=["werkdruk", "salaris", "begeleiding", "leidinggevende", "werkzekerheid", "reistijd",
                              "loopbaan", "privé"]), vanaf=0.0),
    "heatmap, leeg": lambda: plotting.heatmap(pd.DataFrame()),
    "tijdlijn, een activiteit": lambda: plotting.tijdlijn_activiteiten(pd.DataFrame({
        "id": ["1.1"], "titel": [LANG[0]], "thema": ["werven"], "start": [pd.Timestamp(2026, 1, 1)],
        "einde": [pd.Timestamp(2026, 12, 31)]})),
}


@pytest.mark.parametrize("naam", list(EDGE))
def test_helpers_draw_edge_data_readably(naam):
    ax = EDGE[naam]()
    assert isinstance(ax, Axes), naam
    assert _gebreken(ax) == [], naam
    plotting.alt_tekst(ax.figure, "bijschrift")  # the alt text can always be made


def test_two_years_are_points_on_an_axis_from_zero():
    ax = plotting.lijn_regio_landelijk(_reeks([2019, 2023]))
    assert all(line.get_linestyle() == "None" for line in ax.lines if len(line.get_xdata()))
    assert ax.get_ylim()[0] == 0
    ax = plotting.lijn_realisatie_prognose(_leerlingen([2024, 2030], 2025), x="jaar")
    assert all(line.get_linestyle() == "None" for line in ax.lines if len(line.get_xdata())) and ax.get_ylim()[0] == 0


def test_survival_curves_stop_where_fewer_than_ten_are_at_risk():
    km = _km(["met inductie", "zonder inductie"], onder_10_vanaf=3.0)
    first_below = km.loc[km["at_risk"] < 10, "time"].min()
    ax = plotting.overlevingscurves(km)
    assert len(ax.lines) == 2
    for line in ax.lines:  # drawn up to that time, no step after it
        assert max(line.get_xdata()) == pytest.approx(first_below)
    # weighted curves stop at times worked out from the unweighted counts
    ax = plotting.overlevingscurves(_km(["met inductie"], onder_10_vanaf=4.5), afkap={"met inductie": 2.0})
    assert max(ax.lines[0].get_xdata()) == pytest.approx(2.0)


def test_a_group_has_one_colour_in_every_figure():
    assert plotting.groepskleur("OP") == plotting.groepskleur("onderwijzend personeel")
    assert plotting.groepskleur("regio") == plotting.groepskleur("Regio") != plotting.groepskleur("landelijk")
    assert plotting.groepskleur("met inductie") != plotting.groepskleur("zonder inductie")
    own = plotting.kleuren(["onbekend", "OOP", "nog een"])
    assert own["OOP"] == plotting.FUNCTIEGROEP_KLEUREN["OOP"] and len(set(own.values())) == 3


def test_long_labels_are_wrapped_not_cut():
    text = plotting.omgebroken(LANG[0], 34)
    assert text.replace("\n", " ") == LANG[0] and max(len(line) for line in text.split("\n")) <= 34


# --- every chapter figure of one region -------------------------------------------------------------

REGIO = "rond-bommel-en-dommel"


def _hoofdstukken():
    from regio_analysis.induction.chapter import Hoofdstuk as Inductie
    from regio_analysis.overview.annex import Hoofdstuk as Bijlage
    from regio_analysis.overview.chapter import Hoofdstuk as Overzicht
    from regio_analysis.peerreview.chapter import Hoofdstuk as PeerReview
    from regio_analysis.qualitative.chapter import Hoofdstuk as Kwalitatief
    from regio_analysis.retention.chapter import Hoofdstuk as Retentie
    from regio_analysis.workforce.chapter import Hoofdstuk as Kwantitatief

    pub, syn = load_region(REGIO), load_region(REGIO, synthetic=True, seed=0)
    yield "00", Overzicht(pub), ()
    yield "01", Kwantitatief(pub), ()
    yield "02", Kwalitatief(syn, data_dir=""), ()
    yield "03", Retentie(syn), {"figuur_behoud": [("route",), ("bevoegd",), ("inductie",)]}
    yield "04", Inductie(syn, n_boot=0), ()
    yield "05", PeerReview(syn), ()
    yield "06", Bijlage(pub), ()


def test_every_chapter_figure_has_a_caption_and_no_layout_defect():
    """Every figure the notebooks show for one region: a caption (one that says "synthetisch" when its
    provenance is synthetic), no title repeating it in a single-panel figure, Dutch numbers, no
    overlapping texts and no legend on the data."""
    shown, problems = 0, []
    for nr, hoofdstuk, args in _hoofdstukken():
        for name in sorted(n for n in dir(hoofdstuk) if n.startswith("figuur_")):
            for arg in (args or {}).get(name, [()]):
                ax = getattr(hoofdstuk, name)(*arg)
                if ax is None:
                    continue
                shown += 1
                where = f"{nr} {name}{arg}"
                caption, _alt = bijschrift_van(ax)
                panels = [a for a in ax.figure.axes if a.get_visible() and a.get_label() != "<colorbar>"]
                if not caption:
                    problems.append(f"{where}: geen bijschrift")
                elif any(h.soort == Soort.SYNTHETISCH for h in herkomst_van(ax)) and "synthetisch" not in caption:
                    problems.append(f"{where}: synthetisch, maar het bijschrift zegt het niet")
                if len(panels) == 1 and ax.get_title():
                    problems.append(f"{where}: titel in de figuur")
                problems += [f"{where}: {p}" for p in _gebreken(ax)]
                assert plotting.alt_tekst(ax.figure, caption or "x")
                plt.close(ax.figure)
    assert shown >= 25
    assert problems == []
