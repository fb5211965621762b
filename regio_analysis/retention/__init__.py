"""Survival analysis of employment spells: data preparation, Kaplan-Meier, Cox, discrete time, competing risks.

Estimates follow R's ``survival`` package and are tested against it
(``tests/reference/retention_r``). Typical use::

    from regio_analysis.retention import prepare_spells, kaplan_meier, cox
    spells = prepare_spells(region.dienstverbanden, starters_only=True)
    km = kaplan_meier(spells, "duration", "event", by="inductie", entry="entry")
    fit = cox(spells, "duration", "event", ["inductie", "bevoegd"], entry="entry", cluster="vestigingscode")
"""
from regio_analysis.retention.competing import (
    cause_specific_cox,
    cause_specific_summary,
    cumulative_incidence,
)
from regio_analysis.retention.cox import CoxResult, NotEstimableWarning, cox, design_matrix
from regio_analysis.retention.spells import (
    DESTINATION_LABELS,
    prepare_spells,
    to_counting_process,
    to_person_period,
)
from regio_analysis.retention.discrete import DiscreteTimeResult, discrete_time_hazard
from regio_analysis.retention.km import (
    LogrankResult,
    kaplan_meier,
    life_table,
    logrank_test,
    median_survival,
    rmst,
    survival_at,
)

__all__ = [
    "DESTINATION_LABELS", "CoxResult", "DiscreteTimeResult", "LogrankResult", "NotEstimableWarning", "cause_specific_cox", "cause_specific_summary",
    "cox", "cumulative_incidence", "design_matrix", "discrete_time_hazard", "kaplan_meier", "life_table",
    "logrank_test", "median_survival", "prepare_spells", "rmst", "survival_at", "to_counting_process",
    "to_person_period",
]
