"""Survival analysis of employment spells: data preparation, Kaplan-Meier, Cox, discrete time, competing risks."""
from regio_analysis.retention.data import (
    prepare_spells,
    to_counting_process,
    to_person_period,
)

__all__ = ["prepare_spells", "to_counting_process", "to_person_period"]
