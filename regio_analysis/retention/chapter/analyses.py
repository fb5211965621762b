"""The chapter's data: OP starters and their model columns, groups of at least ``K`` people,
curves per group, the region's ambitions and published figures, and the fitted models."""
from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from regio_analysis.data.privacy import DEFAULT_K
from regio_analysis.data.synthetic import gepubliceerd_vertrek_starters
from regio_analysis.errors import DataError
from regio_analysis.retention.cox import CoxResult, cox
from regio_analysis.retention.discrete import DiscreteTimeResult, discrete_time_hazard
from regio_analysis.retention.km import LogrankResult, kaplan_meier, logrank_test
from regio_analysis.retention.spells import prepare_spells


K = DEFAULT_K


HORIZONS = (1, 3, 5)


SYNTH = "synthetisch"


#: the groupings the chapter compares, with the Dutch label of each group
KENMERKEN: dict[str, tuple[str, dict]] = {
    "route": ("route", {"regulier": "via de reguliere route", "zij-instroom": "via zij-instroom",
                        "onbevoegd": "die onbevoegd begonnen"}),
    "bevoegd": ("bevoegdheid", {True: "met bevoegdheid", False: "zonder bevoegdheid"}),
    "inductie": ("inductie", {True: "met inductie", False: "zonder inductie"}),
}


#: model covariates (columns made by :func:`modelgegevens`) and their Dutch labels
MODEL_KENMERKEN: dict[str, str] = {
    "inductie": "inductie",
    "bevoegd": "bevoegd",
    "zij_instroom": "zij-instroom (t.o.v. andere routes)",
    "tijdelijk": "tijdelijk contract",
    "school_omvang_100": "schoolgrootte (per 100 leerlingen)",
    "leeftijd_10": "leeftijd bij start (per 10 jaar)",
}


def _is_synthetic(region) -> bool:
    return "dienstverbanden" in getattr(region, "synthetisch", set())


def starters(region, exit_from: str = "bestuur") -> pd.DataFrame:
    """Spells of starting teachers (OP starters) in years, with the model columns; empty if none."""
    if not region.has("dienstverbanden"):
        return pd.DataFrame()
    spells = prepare_spells(region.dienstverbanden, starters_only=True, exit_from=exit_from)
    if "functiegroep" in spells.columns:
        spells = spells[spells["functiegroep"] == "OP"].reset_index(drop=True)
    return modelgegevens(spells)


def modelgegevens(spells: pd.DataFrame) -> pd.DataFrame:
    """Add the model columns: zij_instroom, tijdelijk, school_omvang_100, leeftijd_10."""
    out = spells.copy()
    if "route" in out.columns:
        out["zij_instroom"] = out["route"] == "zij-instroom"
    if "contract" in out.columns:
        out["tijdelijk"] = out["contract"] == "tijdelijk"
    if "school_omvang" in out.columns:
        out["school_omvang_100"] = pd.to_numeric(out["school_omvang"], errors="coerce") / 100
    if "leeftijd_start" in out.columns:
        out["leeftijd_10"] = pd.to_numeric(out["leeftijd_start"], errors="coerce").astype(float) / 10
    return out


def synthetisch_label(region) -> str:
    """" (synthetisch)" when the spells are synthetic, else ""."""
    return f" ({SYNTH})" if _is_synthetic(region) else ""


def groepen(spells: pd.DataFrame, kenmerk: str, k: int = K) -> tuple[pd.DataFrame, list[str]]:
    """Spells with a Dutch ``groep`` column for ``kenmerk``; groups under ``k`` people are left out.

    Returns the rows kept and the labels of the groups left out. Induction is compared
    among those who could get it (in the synthetic data: OP starters) only.
    """
    if spells.empty or kenmerk not in spells.columns:
        return spells.iloc[0:0].assign(groep=pd.Series(dtype=object)), []
    _, labels = KENMERKEN[kenmerk]
    d = spells.assign(groep=spells[kenmerk].map(lambda v: labels.get(v, str(v))))
    sizes = d["groep"].value_counts()
    small = sorted(sizes[sizes < k].index)
    order = [lab for lab in labels.values() if lab in sizes.index and lab not in small]
    d = d[d["groep"].isin(order)].copy()
    d["groep"] = pd.Categorical(d["groep"], categories=order)
    return d, small


def km_per_groep(spells: pd.DataFrame, kenmerk: str, conf_type: str = "log-log") -> pd.DataFrame:
    """Kaplan-Meier table per group of ``kenmerk`` (groups of at least K people)."""
    d, _ = groepen(spells, kenmerk)
    if d.empty:
        return pd.DataFrame()
    return kaplan_meier(d, "duration", "event", by="groep", entry="entry", conf_type=conf_type)


def ambities(region) -> pd.DataFrame:
    """The region's retention ambitions: maximum share leaving within N years (``horizon``, ``max``, ``bron``)."""
    kg = region.kengetallen
    rows = kg[(kg["onderwerp"] == "ambitie") & kg["indicator"].astype(str).str.fullmatch(r"vertrek_binnen_\d+_jaar_max")]
    rows = rows.dropna(subset=["waarde"])
    out = pd.DataFrame({
        "horizon": [int(re.findall(r"\d+", i)[0]) for i in rows["indicator"]],  # rows matched above
        "max": rows["waarde"].astype(float).to_numpy() / 100,
        "bron": rows["bron"].astype(str).to_numpy(),
    })
    return out.sort_values("horizon").reset_index(drop=True)


def gepubliceerd_vertrek(region) -> pd.DataFrame:
    """Published shares of starters leaving (``horizon``, NA when the region names none; ``waarde``,
    ``jaar``, ``bron``), matched by meaning as the generator matches them
    (:func:`regio_analysis.data.synthetic.gepubliceerd_vertrek_starters`)."""
    pub = gepubliceerd_vertrek_starters(region)
    out = pd.DataFrame({"horizon": pub["termijn"].astype("Int64"), "waarde": pub["waarde"].astype(float),
                        "jaar": pub["jaar"].astype("Int64"), "bron": pub["bron"].astype(str)})
    return out.sort_values(["horizon", "jaar"], na_position="last").reset_index(drop=True)


def model_kenmerken(spells: pd.DataFrame, kandidaten: Sequence[str] = tuple(MODEL_KENMERKEN)) -> list[str]:
    """Covariates that vary and have at least K people in each value (binary) to fit on."""
    out = []
    for c in kandidaten:
        if c not in spells.columns or spells[c].isna().any():
            continue
        s = spells[c]
        if s.nunique() < 2:
            continue
        if (pd.api.types.is_bool_dtype(s) or s.nunique() == 2) and s.value_counts().min() < K:
            continue
        out.append(c)
    return out


def cox_starters(spells: pd.DataFrame, cluster: str = "vestigingscode") -> CoxResult | None:
    """Cox model of leaving the board for the starters; None when there are too few events."""
    if spells.empty or spells["event"].sum() < K:
        return None
    covs = model_kenmerken(spells)
    if not covs:
        return None
    return cox(spells, "duration", "event", covs, entry="entry",
               cluster=cluster if cluster in spells.columns else None)


def discreet_starters(spells: pd.DataFrame, cluster: str = "vestigingscode",
                      max_jaren: int = 7) -> DiscreteTimeResult | None:
    """Discrete-time (cloglog, per year) model with school-clustered standard errors."""
    if spells.empty or spells["event"].sum() < K:
        return None
    covs = model_kenmerken(spells)
    if not covs:
        return None
    try:
        return discrete_time_hazard(spells, "duration", "event", covs, link="cloglog", entry="entry",
                                    max_periods=max_jaren, cluster=cluster if cluster in spells.columns else None)
    except DataError:  # the model does not converge on these spells: no discrete-time estimate, as too few
        return None


def logrank_per_kenmerk(spells: pd.DataFrame, kenmerk: str) -> LogrankResult | None:
    d, _ = groepen(spells, kenmerk)
    if d.empty or d["groep"].nunique() < 2:
        return None
    return logrank_test(d, "duration", "event", "groep", entry="entry")
