"""Chapter 03 (``03_retentie.ipynb``): retention of starting teachers.

The notebook makes one :class:`Hoofdstuk` and shows what its methods return. The work is in
``analyses`` (the starters, groups and fitted models), ``tables`` (numeric tables, counts under
``K`` suppressed), ``readings`` (figures and Dutch readings, each computed from the numbers it
describes) and ``demonstratie`` (the one definition of *starter* and *vertrek*, and for synthetic
spells what the generator was told and built in; chapter 04 uses it too). Readings word a
comparison through :func:`regio_analysis.report.format.vergelijking`: "aantoonbaar" only about
the region's own data, and about synthetic spells as a demonstration of the method. Nothing here
raises on a region without spells: a table is empty, a figure ``None`` and a reading the visible
"geen gegevens" note.
"""
from __future__ import annotations

from functools import cached_property

import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.retention.chapter.analyses import (
    HORIZONS, K, KENMERKEN, MODEL_KENMERKEN, SYNTH, ambities, cox_starters, discreet_starters, gepubliceerd_vertrek,
    groepen, km_per_groep, logrank_per_kenmerk, model_kenmerken, modelgegevens, starters, synthetisch_label,
)
from regio_analysis.data.provenance import Herkomst, herkomst_van, markeer, met_herkomst
from regio_analysis.report.format import bijschrift_tekst, fmt_getal
from regio_analysis.report.tables import bijschrift
from regio_analysis.retention.chapter.demonstratie import (
    definities, doelen, herkomst_dienstverbanden, herkomst_generator, tabel_generator,
)
from regio_analysis.retention.chapter.readings import (
    figuur_bestemmingen, figuur_km, figuur_voorspeld, inleiding, lezing_ambitie, lezing_bestemmingen, lezing_cox,
    lezing_diagnostiek, lezing_km, lezing_voorspeld,
)
from regio_analysis.retention.chapter.tables import (
    PH_COLUMNS, bestemmingen, cox_tabel, kerngetallen, levenstafel, lezing_hr, logrank_tabel, ph_tabel,
    retentie_horizonnen, rmst_tabel, tabel_bestemmingen, tabel_vertrek_en_ambitie, veilige_aantallen_in_dienst,
    veilige_overleving, vertrek_en_ambitie,
)

__all__ = [
    "HORIZONS", "Hoofdstuk", "K", "KENMERKEN", "MODEL_KENMERKEN", "PH_COLUMNS", "SYNTH", "ambities", "bestemmingen",
    "cox_starters", "cox_tabel", "definities", "discreet_starters", "doelen", "kerngetallen", "tabel_bestemmingen",
    "tabel_generator", "figuur_bestemmingen", "figuur_km", "figuur_voorspeld",
    "gepubliceerd_vertrek", "groepen", "inleiding", "km_per_groep", "levenstafel", "lezing_ambitie",
    "lezing_bestemmingen", "lezing_cox", "lezing_diagnostiek", "lezing_hr", "lezing_km", "lezing_voorspeld",
    "logrank_per_kenmerk", "logrank_tabel", "model_kenmerken", "modelgegevens", "ph_tabel", "retentie_horizonnen",
    "rmst_tabel", "starters", "synthetisch_label", "tabel_vertrek_en_ambitie", "veilige_aantallen_in_dienst",
    "veilige_overleving", "vertrek_en_ambitie",
]


@met_herkomst
class Hoofdstuk:
    """Chapter 03 for one region: everything the notebook shows, each result computed once.

    ``horizon`` (years) bounds the curves, the destinations and the mean time employed.
    """

    def __init__(self, region, *, horizon: float = 5):
        self.region = region
        self.horizon = horizon

    # --- what the methods share
    @cached_property
    def starters(self) -> pd.DataFrame:
        return starters(self.region)

    @cached_property
    def label(self) -> str:
        """" (synthetisch)" when the spells are synthetic, else ""; added to figure titles."""
        return synthetisch_label(self.region)

    @cached_property
    def cox(self):
        return cox_starters(self.starters)

    @cached_property
    def discreet(self):
        return discreet_starters(self.starters)

    @cached_property
    def vertrek(self) -> pd.DataFrame:
        return vertrek_en_ambitie(self.region, self.starters)

    @cached_property
    def bestemmingen(self) -> pd.DataFrame:
        return bestemmingen(self.region, self.horizon, self.starters)

    @cached_property
    def ph(self) -> pd.DataFrame:
        return ph_tabel(self.cox)

    def _ambitie_1(self) -> float | None:
        amb = ambities(self.region)
        first = amb.loc[amb["horizon"] == 1, "max"]
        return float(first.iloc[0]) if len(first) else None

    @property
    def synthetisch(self) -> bool:
        """Whether the spells are synthetic (the chapter is then a demonstration of the method)."""
        return bool(self.label)

    def _doel_1(self) -> float | None:
        if not self.synthetisch:
            return None
        d = doelen(self.region).set_index("naam")
        return float(d.loc["vertrek_1_jaar", "waarde"]) if "vertrek_1_jaar" in d.index else None

    def herkomst(self) -> tuple[Herkomst, ...]:
        return herkomst_dienstverbanden(self.region)

    # --- the notebook, in order
    def inleiding(self) -> str:
        return inleiding(self.region, self.starters, self.vertrek, self.cox)

    def _bijschrift(self, df: pd.DataFrame, tekst: str) -> pd.DataFrame:
        """``df`` marked with the spells' provenance (unless marked already) and captioned."""
        if not df.empty and not herkomst_van(df):
            markeer(df, *self.herkomst())
        return bijschrift(df, bijschrift_tekst(tekst, herkomst_van(df)))

    def tabel_generator(self) -> pd.DataFrame:
        """What the generator of the synthetic spells was told and built in (empty for real spells)."""
        return self._bijschrift(markeer(tabel_generator(self.region), *herkomst_generator(self.region)),
                                "Afstemmingsdoelen en ingebouwde verbanden van de generator van de synthetische "
                                "dienstverbanden")

    def tabel_kerngetallen(self) -> pd.DataFrame:
        return self._bijschrift(kerngetallen(self.starters, self.cox), "Gevolgde startende leraren, vertrekken en het "
                                "Cox-model in getallen")

    def figuur_behoud(self, kenmerk: str) -> Axes | None:
        """Kaplan-Meier curves per group of ``kenmerk`` (``route``, ``bevoegd``, ``inductie``); the region's
        ambition for the first year is drawn on its own data only (synthetic curves are not held against it)."""
        ambitie = None if self.synthetisch else self._ambitie_1()
        tekst = (f"Startende leraren{self.label} die nog bij hetzelfde bestuur werken, naar {KENMERKEN[kenmerk][0]}, "
                 f"tot {fmt_getal(self.horizon)} jaar na de start (Kaplan-Meier, met 95%-betrouwbaarheidsband); een "
                 f"lijn stopt waar minder dan {K} starters nog gevolgd worden")
        if ambitie is not None:
            tekst += "; ruit: de ambitie van de regio voor het eerste jaar"
        return figuur_km(km_per_groep(self.starters, kenmerk), tekst, horizon=self.horizon, ambitie=ambitie)

    def lezing_behoud(self, kenmerk: str) -> str:
        return lezing_km(km_per_groep(self.starters, kenmerk), kenmerk, 1.0,
                         logrank_per_kenmerk(self.starters, kenmerk), groepen(self.starters, kenmerk)[1],
                         synthetisch=self.synthetisch)

    def tabel_horizonnen(self) -> pd.DataFrame:
        return self._bijschrift(retentie_horizonnen(self.starters), "Vertrek van startende leraren per groep en termijn, "
                                "met 95%-betrouwbaarheidsinterval")

    def tabel_ambitie(self) -> pd.DataFrame:
        return self._bijschrift(tabel_vertrek_en_ambitie(self.vertrek), "Geschat vertrek van startende leraren naast de "
                                "ambitie en het gepubliceerde cijfer van de regio")

    def lezing_ambitie(self) -> str:
        pub = gepubliceerd_vertrek(self.region)
        return lezing_ambitie(self.vertrek, synthetisch=self.synthetisch, doel=self._doel_1(),
                              zonder_termijn=pub[pub["horizon"].isna()])

    def figuur_bestemmingen(self) -> Axes | None:
        return figuur_bestemmingen(self.bestemmingen, f"Startende leraren{self.label} die hun school verlieten, "
                                   "cumulatief naar bestemming (Aalen-Johansen, rekening houdend met de andere "
                                   "bestemmingen)")

    def tabel_bestemmingen(self) -> pd.DataFrame:
        return self._bijschrift(tabel_bestemmingen(self.bestemmingen),
                                "Startende leraren die vertrokken, cumulatief naar bestemming")

    def lezing_bestemmingen(self) -> str:
        return lezing_bestemmingen(self.bestemmingen, synthetisch=self.synthetisch)

    def tabel_cox(self) -> pd.DataFrame:
        return self._bijschrift(cox_tabel(self.cox, self.discreet, synthetisch=self.synthetisch),
                                "Hazard ratio's van vertrek per kenmerk: Cox-model en model per jaar")

    def lezing_cox(self) -> str:
        return lezing_cox(self.cox, synthetisch=self.synthetisch)

    def figuur_cox(self) -> Axes | None:
        """The hazard ratios of the Cox model with their intervals; None without a model."""
        if self.cox is None:
            return None
        ax = self.cox.plot(labels=MODEL_KENMERKEN)
        ax.grid(axis="y", visible=False)
        return bijschrift(ax, f"Hazard ratio's van vertrek uit het Cox-model{self.label}, met 95%-betrouwbaarheidsinterval "
                              "(log-schaal; links van 1: minder vertrek, rechts van 1: meer)")

    def figuur_voorspeld(self) -> Axes | None:
        return figuur_voorspeld(self.discreet, self.starters, f"Voorspeld aandeel startende leraren{self.label} dat nog "
                                "bij hetzelfde bestuur werkt, met en zonder inductie, voor een verder gemiddelde "
                                "starter (model per jaar)")

    def lezing_voorspeld(self) -> str:
        return lezing_voorspeld(self.discreet, self.cox, synthetisch=self.synthetisch)

    def tabel_ph(self) -> pd.DataFrame:
        return self._bijschrift(self.ph, "Toets op proportionele hazards per kenmerk van het Cox-model")

    def lezing_diagnostiek(self) -> str:
        return lezing_diagnostiek(self.cox, self.ph)

    def tabel_levenstafel(self) -> pd.DataFrame:
        return self._bijschrift(levenstafel(self.starters), "Levenstabel van startende leraren per jaar na de start")

    def tabel_logrank(self) -> pd.DataFrame:
        return self._bijschrift(logrank_tabel(self.starters), "Log-ranktoetsen: verschilt het behoud tussen de groepen?")

    def tabel_rmst(self) -> pd.DataFrame:
        return self._bijschrift(rmst_tabel(self.starters, self.horizon),
                                f"Gemiddelde tijd in dienst in de eerste {fmt_getal(self.horizon)} jaar, per groep")

    def lezingen(self) -> dict[str, str]:
        """Every reading the notebook shows, by name (for checks on their wording and numbers)."""
        out = {"inleiding": self.inleiding(), "lezing_ambitie": self.lezing_ambitie(),
               "lezing_bestemmingen": self.lezing_bestemmingen(), "lezing_cox": self.lezing_cox(),
               "lezing_voorspeld": self.lezing_voorspeld(), "lezing_diagnostiek": self.lezing_diagnostiek()}
        for kenmerk in KENMERKEN:
            out[f"lezing_behoud_{kenmerk}"] = self.lezing_behoud(kenmerk)
        cox = self.tabel_cox()
        for i, text in enumerate(cox["lezing"] if "lezing" in cox else []):
            out[f"tabel_cox_lezing_{i}"] = text
        return out

    def tabellen(self) -> dict[str, pd.DataFrame]:
        """Every table the notebook shows, by its file name."""
        return {"retentie-generator": self.tabel_generator(), "retentie-kerngetallen": self.tabel_kerngetallen(),
                "retentie-horizonnen": self.tabel_horizonnen(), "retentie-ambitie": self.tabel_ambitie(),
                "retentie-bestemmingen": self.tabel_bestemmingen(), "retentie-cox": self.tabel_cox(),
                "retentie-ph-toets": self.tabel_ph(), "retentie-levenstafel": self.tabel_levenstafel(),
                "retentie-logrank": self.tabel_logrank(), "retentie-rmst": self.tabel_rmst()}
