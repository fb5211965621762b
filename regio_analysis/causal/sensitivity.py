"""Sensitivity to unmeasured confounding: the E-value (VanderWeele & Ding 2017) of a risk,
odds or hazard ratio and of its confidence limit closest to the null, odds and hazard ratios of
a common outcome first converted to the risk-ratio scale.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from regio_analysis.causal.checks import _choice


def rr_from(estimate: float, measure: str = "RR", rare: bool | None = None) -> float:
    """An approximate risk ratio from a risk, odds or hazard ratio (VanderWeele & Ding 2017, table).

    For a common outcome (> 15 % by the end of follow-up): ``sqrt(OR)`` and
    ``(1 - 0.5**sqrt(HR)) / (1 - 0.5**sqrt(1/HR))``; for a rare outcome the ratio itself.
    For an OR or HR ``rare`` must be given (True or False), as R's ``EValue`` requires.
    """
    _choice("measure", measure, ("RR", "OR", "HR"))
    if measure != "RR" and (rare is None or rare not in (True, False)):
        raise TypeError(f"E-waarde van een {measure}: geef rare=True (uitkomst bij < 15 % aan het eind van de "
                        f"follow-up) of rare=False (vaker); nu rare={rare!r}")
    if estimate <= 0:
        raise ValueError("a ratio must be positive")
    if measure == "RR" or rare:
        return float(estimate)
    if measure == "OR":
        return float(math.sqrt(estimate))
    return float((1 - 0.5 ** math.sqrt(estimate)) / (1 - 0.5 ** math.sqrt(1 / estimate)))


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return float(rr + math.sqrt(rr * (rr - 1)))


@dataclass
class EValue:
    """E-values of an estimate and of its confidence limit closest to the null."""

    measure: str
    estimate: float
    rr: float
    rr_ci: tuple[float, float] | None
    point: float
    ci: float | None

    @property
    def summary(self) -> pd.DataFrame:
        """One row: ``measure`` (RR, OR or HR), ``estimate``, ``rr`` (on the risk-ratio scale),
        ``evalue_estimate`` and ``evalue_ci`` (of the limit closest to 1; NaN without an interval)."""
        return pd.DataFrame([{"measure": self.measure, "estimate": self.estimate, "rr": self.rr,
                              "evalue_estimate": self.point, "evalue_ci": self.ci}])


def e_value(estimate: float, lo: float | None = None, hi: float | None = None, *, measure: str = "RR",
            rare: bool | None = None) -> EValue:
    """E-value (VanderWeele & Ding 2017) of a ratio estimate and its CI.

    For ``measure="OR"`` or ``"HR"`` the keyword ``rare`` is required (no default, as in R's
    ``EValue::evalues.OR/HR``): a common outcome converts the ratio to an approximate RR first.

    The E-value of a risk ratio RR > 1 is ``RR + sqrt(RR (RR - 1))`` (for RR < 1: of 1/RR).
    For the CI the limit closest to 1 is used; an interval containing 1 has E-value 1.
    """
    rr = rr_from(estimate, measure, rare)
    rr_ci = None
    e_ci = None
    if lo is not None and hi is not None:
        rlo, rhi = rr_from(lo, measure, rare), rr_from(hi, measure, rare)
        rr_ci = (rlo, rhi)
        if rlo <= 1 <= rhi:
            e_ci = 1.0
        else:
            e_ci = _e(rlo if rr > 1 else rhi)
    return EValue(measure=measure, estimate=float(estimate), rr=rr, rr_ci=rr_ci, point=_e(rr), ci=e_ci)
