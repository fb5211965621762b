"""Chapter 01 (``01_kwantitatief.ipynb``): the figures, tables and one-sentence readings of the
quantitative chapter.

``publiek`` and ``tekorten`` show what the region publishes (pupils, staff, age, part-time,
contracts, sick leave, shortages, satisfaction, flows), each with the population, year and
source it is about; ``duo`` shows the region's figures computed from DUO's national files beside the
country's and its provinces'; ``spp`` shows the package's strategic personnel planning (the model is
:mod:`regio_analysis.workforce.model`), its sensitivity, the region's own projection recomputed
and the two reconciled (:mod:`regio_analysis.workforce.reconcile`). The notebook makes one
:class:`Hoofdstuk` and shows what its methods return.
"""
from __future__ import annotations

from functools import cached_property

import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.data.provenance import (Herkomst, berekend, berekend_uit_duo, gepubliceerd_uit, herkomst_van, markeer, met_herkomst,
                                            standaardwaarde)
from regio_analysis.report.format import (MAX_RIJEN, Kolom, bijschrift_tekst, fmt_getal, fmt_pct, in_bestand,
                                          kolommen)
from regio_analysis.report.tables import bijschrift
from regio_analysis.workforce.chapter import duo
from regio_analysis.workforce.chapter.publiek import (
    GROEP_LABELS, POPULATIE_LABELS, SOORT_LABELS, TEKORT_COMPONENTEN, andere_vermeldingen_55plus, bron_tekst,
    contractduur, deeltijd, figuur_contractduur, figuur_deeltijd, figuur_leeftijd,
    figuur_leerlingen_per_soort, figuur_personeel, figuur_verzuim_verschil, functiemix, jaar_tekst, leeftijd_55plus,
    leerlingen_per_soort, lezing_contractduur, lezing_deeltijd, lezing_leeftijd, lezing_leerlingen_per_soort,
    lezing_personeel, lezing_verzuim_verschil, mix_vergelijking, personeel_naar_populatie, personeel_per_functiegroep,
    pct_zoals_gepubliceerd, tabel_personeel, totaal_verschil, totaal_verschil_tekst, verzuim_verschil,
)
from regio_analysis.workforce.chapter.spp import (
    INDICATOR_LABELS, SPP, STAP_LABELS, TOLERANTIE, aansluiting, eenheid_gevoeligheid, figuur_spp, figuur_tornado,
    gepubliceerde_raming, lezing_aansluiting, lezing_spp, lezing_tornado, reproductie, reproductie_samenvatting, spp,
    spp_band, stromen_uit_microdata, tabel_aansluiting, tabel_gevoeligheid,
)
from regio_analysis.workforce.chapter.tekorten import (
    figuur_stromen, figuur_tekort, figuur_tevredenheid, lezing_stromen, lezing_tekort, lezing_tevredenheid, stromen,
    tabel_tekort, tekortcomponenten, tevredenheid,
)

__all__ = [
    "GROEP_LABELS", "Hoofdstuk", "INDICATOR_LABELS", "POPULATIE_LABELS", "SOORT_LABELS", "SPP", "STAP_LABELS",
    "TEKORT_COMPONENTEN", "TOLERANTIE", "aansluiting", "andere_vermeldingen_55plus", "bron_tekst",
    "contractduur", "deeltijd", "eenheid_gevoeligheid", "figuur_contractduur", "figuur_deeltijd", "figuur_leeftijd",
    "figuur_leerlingen_per_soort", "figuur_personeel", "figuur_spp", "figuur_stromen", "figuur_tekort",
    "figuur_tevredenheid", "figuur_tornado", "figuur_verzuim_verschil", "fmt_getal", "fmt_pct", "functiemix",
    "gepubliceerde_raming", "jaar_tekst", "leeftijd_55plus", "leerlingen_per_soort", "lezing_aansluiting",
    "lezing_contractduur", "lezing_deeltijd", "lezing_leeftijd", "lezing_leerlingen_per_soort", "lezing_personeel",
    "lezing_spp", "lezing_stromen", "lezing_tekort", "lezing_tevredenheid", "lezing_tornado", "lezing_verzuim_verschil",
    "mix_vergelijking", "pct_zoals_gepubliceerd", "personeel_naar_populatie", "personeel_per_functiegroep", "reproductie",
    "reproductie_samenvatting", "spp", "spp_band", "stromen", "stromen_uit_microdata", "tabel_aansluiting",
    "tabel_gevoeligheid", "tabel_personeel", "tabel_tekort", "tekortcomponenten", "tevredenheid",
    "totaal_verschil", "totaal_verschil_tekst", "verzuim_verschil",
]


def _kenmerk(*kenmerken: str):
    return lambda r: r.personeel[r.personeel["kenmerk"].isin(kenmerken)]


#: the rows of the region's tables each published figure or table of the chapter rests on (its provenance)
BRONRIJEN = {
    "figuur_leerlingen": lambda r: r.leerlingen, "figuur_personeel": personeel_naar_populatie,
    "tabel_personeel": personeel_naar_populatie, "figuur_leeftijd": leeftijd_55plus,
    "figuur_deeltijd": _kenmerk("deeltijd", "werkweek", "deeltijdfactor"), "figuur_contractduur": _kenmerk("contractduur"),
    "figuur_verzuim": lambda r: r.verzuim, "figuur_tekort": tekortcomponenten, "tabel_tekort": tekortcomponenten,
    "figuur_tevredenheid": lambda r: r.kengetallen[(r.kengetallen["onderwerp"] == "tevredenheid")
                                                   | (r.kengetallen["indicator"] == "tevredenheid_doel")],
    "figuur_stromen": lambda r: r.stromen,
}


@met_herkomst
class Hoofdstuk:
    """Chapter 01 for one region: everything ``01_kwantitatief.ipynb`` shows, each result computed once.

    ``scenario_bestand``: a YAML file with extra SPP scenarios ("" for basis, laag and hoog);
    ``jaren``: the length of the projection.
    """

    def __init__(self, region, *, scenario_bestand: str = "", jaren: int = 5):
        self.region = region
        self.scenario_bestand = scenario_bestand
        self.jaren = jaren

    @cached_property
    def spp(self) -> SPP:
        return spp(self.region, scenario_bestand=self.scenario_bestand, jaren=self.jaren)

    @cached_property
    def reproductie(self) -> pd.DataFrame:
        return reproductie(self.region)

    @cached_property
    def aansluiting(self) -> pd.DataFrame:
        """The steps from the region's own projection to the package's (empty without one)."""
        return aansluiting(self.region, self.spp.inputs)

    def herkomst(self) -> tuple[Herkomst, ...]:
        """The SPP's provenance (the published figures above carry their own: :data:`BRONRIJEN`)."""
        uit = berekend("projectie van het pakket uit de gepubliceerde cijfers over personeel, in- en uitstroom en "
                       "leerlingen (bronnen in de toelichting bij de projectie)")
        if self.scenario_bestand:
            return uit, berekend("scenario's uit het opgegeven scenariobestand")
        return uit, standaardwaarde("de scenario's basis, laag en hoog van het pakket")

    def _gepubliceerd(self, obj, methode: str):
        return markeer(obj, gepubliceerd_uit(self.region, BRONRIJEN[methode](self.region)))

    # published figures

    def figuur_leerlingen(self) -> Axes | None:
        return self._gepubliceerd(figuur_leerlingen_per_soort(self.region), "figuur_leerlingen")

    def lezing_leerlingen(self) -> str:
        return lezing_leerlingen_per_soort(self.region)

    def figuur_personeel(self) -> Axes | None:
        return self._gepubliceerd(figuur_personeel(self.region), "figuur_personeel")

    def lezing_personeel(self) -> str:
        return lezing_personeel(self.region)

    def tabel_personeel(self) -> pd.DataFrame:
        return bijschrift(self._gepubliceerd(tabel_personeel(self.region), "tabel_personeel"),
                          "Personeel per functiegroep in personen en fte, per telling")

    # the DUO layer: the region beside its provinces and the country, computed the same way

    def lezing_duo(self) -> str:
        return duo.lezing_duo(self.region)

    def figuur_duo(self) -> Axes | None:
        fig = duo.figuur_leerlingen_duo(self.region)
        if fig is None:
            return None
        return markeer(bijschrift(fig, "Leerlingen volgens DUO als index (eerste jaar = 100): de regio naast haar "
                                       "provincies en landelijk"), berekend_uit_duo(self.region))

    def tabel_duo(self) -> pd.DataFrame:
        df = duo.kerncijfers_duo(self.region)
        if df.empty:
            return df
        plan = "Plan van de regio" in df.columns
        tekst = "Kerncijfers volgens DUO: de regio, haar provincies en heel Nederland op dezelfde manier berekend"
        return markeer(bijschrift(df, tekst + (", met het cijfer uit het plan van de regio voor hetzelfde jaar"
                                               if plan else "")),
                       berekend_uit_duo(self.region),
                       *([gepubliceerd_uit(self.region, self.region.leerlingen, self.region.personeel)] if plan else []))

    def toon_duo(self, output_dir: str = "") -> None:
        """The DUO section: its reading, and with a DUO layer its figure and table (without one the reading
        says why, once)."""
        from IPython.display import Markdown, display

        from regio_analysis.report.tables import toon_figuur, toon_tabel

        display(Markdown(self.lezing_duo()))
        if duo.heeft_duo(self.region):
            toon_figuur(self.figuur_duo())
            toon_tabel(self.tabel_duo(), "duo-kerncijfers", output_dir, wat="openbare DUO-cijfers van de regio")

    def figuur_leeftijd(self) -> Axes | None:
        return self._gepubliceerd(figuur_leeftijd(self.region), "figuur_leeftijd")

    def lezing_leeftijd(self) -> str:
        return lezing_leeftijd(self.region)

    def figuur_deeltijd(self) -> Axes | None:
        return self._gepubliceerd(figuur_deeltijd(self.region), "figuur_deeltijd")

    def lezing_deeltijd(self) -> str:
        return lezing_deeltijd(self.region)

    def figuur_contractduur(self) -> Axes | None:
        return self._gepubliceerd(figuur_contractduur(self.region), "figuur_contractduur")

    def lezing_contractduur(self) -> str:
        return lezing_contractduur(self.region)

    def figuur_verzuim(self) -> Axes | None:
        return self._gepubliceerd(figuur_verzuim_verschil(self.region), "figuur_verzuim")

    def lezing_verzuim(self) -> str:
        return lezing_verzuim_verschil(self.region)

    def figuur_tekort(self) -> Axes | None:
        return self._gepubliceerd(figuur_tekort(self.region), "figuur_tekort")

    def lezing_tekort(self) -> str:
        return lezing_tekort(self.region)

    def tabel_tekort(self) -> pd.DataFrame:
        return bijschrift(self._gepubliceerd(tabel_tekort(self.region), "tabel_tekort"),
                          "Gepubliceerde tekorten per niveau, functiegroep en jaar")

    def figuur_tevredenheid(self) -> Axes | None:
        return self._gepubliceerd(figuur_tevredenheid(self.region), "figuur_tevredenheid")

    def lezing_tevredenheid(self) -> str:
        return lezing_tevredenheid(self.region)

    def figuur_stromen(self) -> Axes | None:
        return self._gepubliceerd(figuur_stromen(self.region), "figuur_stromen")

    def lezing_stromen(self) -> str:
        return lezing_stromen(self.region)

    # the SPP

    def uitleg_spp(self) -> str:
        return self.spp.uitleg()

    def _bijschrift(self, df: pd.DataFrame, tekst: str) -> pd.DataFrame:
        """``df`` marked with the SPP's provenance (unless marked already) and captioned."""
        if not herkomst_van(df) and not df.empty:
            markeer(df, *self.herkomst())
        return bijschrift(df, bijschrift_tekst(tekst, herkomst_van(df)))

    def tabel_spp(self, scenario: str = "basis", functiegroep: str | None = None) -> pd.DataFrame:
        """The projection of ``scenario``; with ``functiegroep`` (a label, see :meth:`tabellen_spp`) only
        that group's rows (the group named in the caption, not in a column)."""
        df = self.spp.tabel(scenario)
        if functiegroep is not None and not df.empty:
            df = df[df["functiegroep"] == functiegroep].drop(columns="functiegroep").reset_index(drop=True)
        wie = f" voor {functiegroep}" if functiegroep else ""
        return self._bijschrift(df, f"Projectie van vraag, aanbod, in- en uitstroom en te vervullen formatie{wie}, "
                                    f"per jaar (scenario {scenario})")

    def tabellen_spp(self, scenario: str = "basis") -> dict[str, pd.DataFrame]:
        """The projection of ``scenario`` as the report shows it, one table per function group (the
        whole is longer than a report's table may be): ``{file name: table}``; one empty table
        (``spp-<scenario>``) when there is no projection."""
        df = self.spp.tabel(scenario)
        if df.empty:
            return {f"spp-{scenario}": self.tabel_spp(scenario)}
        codes = {label: code for code, label in GROEP_LABELS.items()}
        order = list(GROEP_LABELS.values())  # OP, OOP, DIR, as the figures
        groups = sorted(dict.fromkeys(df["functiegroep"]), key=lambda g: order.index(g) if g in order else len(order))
        return {f"spp-{scenario}-{codes.get(g, g).lower().replace(' ', '-')}": self.tabel_spp(scenario, g)
                for g in groups}

    def toon_spp(self, scenario: str = "basis", output_dir: str = "") -> None:
        """Show :meth:`tabellen_spp` and keep every scenario's projection as
        ``tabellen/spp-alle-scenarios.csv`` in ``output_dir`` (too long for the report; a note names it)."""
        from regio_analysis.report.tables import bewaar_tabel, toon_tabel, toon_tekst

        for naam, tabel in self.tabellen_spp(scenario).items():
            toon_tabel(tabel, naam, output_dir, wat="een SPP-projectie")
        alle = self.tabel_spp_alle_scenarios()
        bewaar_tabel(alle, "spp-alle-scenarios", output_dir)
        if not alle.empty:
            toon_tekst(in_bestand("spp-alle-scenarios", output_dir, "De projectie van elk scenario"))

    def tabel_spp_alle_scenarios(self) -> pd.DataFrame:
        """Every scenario's projection (long); kept as a file, see the notebook."""
        return self._bijschrift(self.spp.projectie, "Projectie per scenario, jaar, functiegroep en indicator")

    def figuur_spp(self) -> Axes | None:
        return figuur_spp(self.spp.projectie)

    def lezing_spp(self) -> str:
        return lezing_spp(self.spp.projectie, self.aansluiting)

    def figuur_gevoeligheid(self) -> Axes | None:
        return figuur_tornado(self.spp.gevoeligheid)

    def lezing_gevoeligheid(self) -> str:
        return lezing_tornado(self.spp.gevoeligheid)

    def tabel_gevoeligheid(self) -> pd.DataFrame:
        return self._bijschrift(tabel_gevoeligheid(self.spp.gevoeligheid),
                                "Te vervullen formatie per jaar bij 10% minder of meer van elke invoer")

    # the region's own projection

    def lezing_reproductie(self) -> str:
        return reproductie_samenvatting(self.reproductie, self.region)

    def tabel_reproductie(self) -> pd.DataFrame:
        """Every figure of the region's projection beside its recomputation (the published rows alone
        when the package cannot recompute them): kept whole as a file, see :meth:`toon_reproductie`."""
        raming = gepubliceerd_uit(self.region, self.region.raming)
        if self.reproductie.empty:
            return bijschrift(markeer(gepubliceerde_raming(self.region), raming),
                              "De gepubliceerde raming, per jaar, functiegroep en indicator")
        return bijschrift(markeer(self.reproductie, raming,
                                  berekend("de raming nagerekend met de methode die het plan beschrijft")),
                          "De gepubliceerde raming en de nagerekende waarde, per jaar, functiegroep en indicator")

    def tabel_reproductie_afwijkingen(self) -> pd.DataFrame:
        """The rows of :meth:`tabel_reproductie` a reader needs: those that do not follow the publication's
        own rules or that the package does not recompute within 1 fte or person (at most
        :data:`MAX_RIJEN`, the largest differences first); the whole table when it is that short."""
        heel = self.tabel_reproductie()
        if len(heel) <= MAX_RIJEN:
            return heel
        if "consistent" not in heel:  # published rows that cannot be recomputed: the first ones
            return bijschrift(heel.head(MAX_RIJEN).copy(), f"De eerste {MAX_RIJEN} rijen van de gepubliceerde raming")
        eigen = (heel["gepubliceerd"] - heel["volgens_eigen_regels"]).abs().fillna(0)
        af = heel[~heel["consistent"].astype(bool) | (heel["verschil"].abs() > TOLERANTIE)]
        tekst = "Gepubliceerde ramingscijfers die niet sporen met de eigen rekenregels of met de nagerekende waarde"
        if len(af) > MAX_RIJEN:
            volgorde = (eigen[af.index] + af["verschil"].abs()).sort_values(ascending=False, kind="stable")
            af = af.loc[sorted(volgorde.index[:MAX_RIJEN])]
            tekst += f" (de {MAX_RIJEN} grootste verschillen)"
        out = af.reset_index(drop=True)
        out.attrs = dict(heel.attrs)
        return bijschrift(out, tekst)

    def toon_reproductie(self, output_dir: str = "") -> None:
        """Show :meth:`tabel_reproductie_afwijkingen` (the note "geen gegevens" when the region publishes
        no projection; no table when every figure is recomputed, :meth:`lezing_reproductie` says so) and
        keep the whole comparison as ``tabellen/spp-gepubliceerd-nagerekend.csv`` in ``output_dir``."""
        from regio_analysis.report.tables import bewaar_tabel, toon_tabel, toon_tekst

        heel, kort = self.tabel_reproductie(), self.tabel_reproductie_afwijkingen()
        if len(kort) == len(heel):
            toon_tabel(heel, "spp-gepubliceerd-nagerekend", output_dir,
                       wat="een gepubliceerde raming met beschreven methode")
            return
        if not kort.empty:
            naam = "spp-gepubliceerd-afwijkingen" if "consistent" in heel else "spp-gepubliceerd-begin"
            toon_tabel(kort, naam, output_dir, wat="afwijkingen van de gepubliceerde raming")
        bewaar_tabel(heel, "spp-gepubliceerd-nagerekend", output_dir)
        toon_tekst(in_bestand("spp-gepubliceerd-nagerekend", output_dir,
                              f"De hele vergelijking ({len(heel)} cijfers)"))

    def lezing_aansluiting(self) -> str:
        return lezing_aansluiting(self.region, self.spp.inputs, self.aansluiting)

    def tabel_aansluiting(self) -> pd.DataFrame:
        return bijschrift(markeer(tabel_aansluiting(self.aansluiting), gepubliceerd_uit(self.region, self.region.raming),
                                  *self.herkomst()),
                          "Te vervullen fte per jaar: van de raming van het plan, stap voor stap, naar de projectie "
                          "van het pakket")

    def tabel_stromen_microdata(self) -> pd.DataFrame:
        df = stromen_uit_microdata(self.region)
        if not df.empty:
            df = df.assign(functiegroep=df["functiegroep"].map(lambda g: GROEP_LABELS.get(g, g)))
            namen = {"voorraad_fte": "bezetting op 1 januari (fte)", "instroom_fte": "instroom (fte)",
                     "uitstroom_fte": "uitstroom (fte)", "pensioen_fte": "pensioen (fte)"}
            kolommen(df, jaar="jaar", **{c: Kolom("getal", 1, naam=n) for c, n in namen.items() if c in df.columns},
                     **{c: Kolom("pct", naam=f"{c} (% van de bezetting)") for c in ("instroom", "uitstroom", "pensioen")
                        if c in df.columns})
        return bijschrift(markeer(df, berekend("in- en uitstroom geteld uit de eigen dienstverbanden van de regio")),
                          "In- en uitstroom per jaar en functiegroep, uit de eigen dienstverbanden")
