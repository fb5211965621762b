"""Shared constants of the causal package: the estimands and methods it knows, the 95 % normal
quantile of its Wald intervals, the default group labels, the names of the survival
differences, the balance threshold and the name used for an unnamed input table in error
messages. Every other module imports these from here, so no module needs another just for a
constant.
"""
from __future__ import annotations

from scipy import stats

ESTIMANDS = ("ATT", "ATE")
METHODS = ("naive", "ipw", "aipw", "match")
CENSORING_MODELS = ("km", "cox")
Z95 = float(stats.norm.ppf(0.975))
SOURCE = "<DataFrame>"
BALANCE_THRESHOLD = 0.1
DEFAULT_LABELS = ("behandeld", "controle")
#: a survival measure's kind (its arms are ``f"{kind} {label}"``) -> the name of the arms' difference
DIFFERENCES = {"risico": "risicosverschil", "rmst": "rmst-verschil"}
