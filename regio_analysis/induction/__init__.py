"""The induction study (chapter ``04_inductie_effect``): does induction keep starting teachers
at their board? A target trial emulated on the employment spells, adjusted for measured
confounders with :mod:`regio_analysis.causal`.

* :mod:`~regio_analysis.induction.study`: the model: parameters and their checks, the study
  cohort and its selection flow, the naive, main and sensitivity analyses
  (:func:`run_study`), the true effects in synthetic data and the validation of the
  estimators against them;
* :mod:`~regio_analysis.induction.chapter` (a package; ``opening`` holds its opening and the comparisons
  with chapter 03 and with the synthetic truth): the chapter in Dutch: :class:`~regio_analysis.induction.chapter.Hoofdstuk`
  (one object per report: the parameters, the study run once, a method per thing the notebook
  shows), :func:`~regio_analysis.induction.chapter.analyse`, the target-trial table, the readings
  (``lezing_*``), the numeric tables (flow, balance, effects, sensitivity, E-value), the
  conclusion and the reproducibility table.

The model's API is re-exported here (``from regio_analysis import induction;
induction.run_study(...)``); the notebook makes one chapter object
(``from regio_analysis.induction.chapter import Hoofdstuk as Inductie``).
"""
from regio_analysis.induction.study import (
    BOOT_SEED,
    BOOTSTRAP_INTERVALS,
    CLUSTER,
    COVARIATES,
    DEFAULT_COVARIATES,
    DURATION,
    EFFECT_MEASURES,
    ESTIMANDS,
    EVENT,
    FIRST_YEAR,
    HORIZONS,
    LABELS,
    LAST_YEAR,
    MIN_PER_GROUP,
    N_BOOT,
    SOURCE,
    TREATMENT,
    VALIDATION_METHODS,
    InductionStudy,
    StudyCohort,
    check_cohort_year,
    check_covariates,
    parse_covariates,
    run_study,
    simulate_replicate,
    study_cohort,
    true_effects,
    validation_table,
)

__all__ = [
    "BOOT_SEED", "BOOTSTRAP_INTERVALS", "CLUSTER", "COVARIATES", "DEFAULT_COVARIATES", "DURATION",
    "EFFECT_MEASURES", "ESTIMANDS",
    "EVENT", "FIRST_YEAR", "HORIZONS", "LABELS", "LAST_YEAR", "MIN_PER_GROUP", "N_BOOT", "SOURCE", "TREATMENT",
    "VALIDATION_METHODS", "InductionStudy", "StudyCohort", "check_cohort_year", "check_covariates",
    "parse_covariates", "run_study", "simulate_replicate", "study_cohort", "true_effects", "validation_table",
]
