"""Programme-effect estimation: propensity scores, weights, balance, IPW / AIPW / matching,
survival contrasts and E-values.

Everything here is generic: it works on any DataFrame with a binary treatment column, a set
of covariate columns and an outcome (a number, a 0/1 indicator, or a time to event with an
event indicator). Nothing reads files; nothing is specific to induction or to teachers (the
induction study in :mod:`regio_analysis.induction` builds on these functions).

Methods and their references
----------------------------
* **Propensity score**: logistic GLM (statsmodels) on the covariates; numeric covariates may
  enter as B-splines (``splines=k``), all pairwise interactions with ``interactions=True``, or
  give your own right-hand side (``formula="age + I(age**2) + C(race)"``, patsy syntax).
* **Weights** (Hernán & Robins, *Causal Inference: What If*, ch. 12; Austin & Stuart 2015):
  ATE ``A/e + (1-A)/(1-e)``, stabilised with the marginal treatment probability; ATT ``A +
  (1-A) e/(1-e)``, stabilised so the control weights sum to about the number of controls.
  Trimming (``trim=a``) gives rows with ``e`` outside ``[a, 1-a]`` weight 0 (Crump et al.
  2009): the estimand is then the effect in the population with overlap.
* **Balance**: standardised mean differences (Austin 2009), always divided by the standard
  deviation of the *unweighted* sample (pooled, or of the treated with ``sd="treated"``, the
  convention of R's cobalt for the ATT); the Love plot shows them before and after weighting.
* **IPW** (Hájek: normalised weights) with a sandwich standard error from stacked estimating
  equations that accounts for the estimation of the propensity score (M-estimation, Lunceford
  & Davidian 2004; the same as R WeightIt's default).
* **AIPW** (doubly robust, Robins et al. 1994; ATT form of Moodie et al. 2018) with an outcome
  regression per arm (logistic for a 0/1 outcome, linear otherwise) and an
  influence-function standard error.
* **Matching**: greedy 1:1 nearest-neighbour matching on the logit of the propensity score
  without replacement, treated in order of decreasing score, with a caliper in standard
  deviations of the logit (Austin 2011: 0.2); ATT only; paired standard error.
* **Survival**: IPW-weighted Kaplan-Meier curves and a weighted Cox model with a robust
  (cluster) standard error (the retention module's Cox, equal to R); risk differences and differences in restricted mean
  survival time (RMST) at fixed horizons by inverse probability of censoring weighting
  (IPCW, Robins & Finkelstein 2000; the censoring distribution by Kaplan-Meier per arm or a
  Cox model on covariates) combined with IPW or AIPW.
* **E-value** (VanderWeele & Ding 2017): the minimum strength of association an unmeasured
  confounder would need with treatment and outcome to explain the estimate away; hazard and
  odds ratios of a common outcome are first converted to the risk-ratio scale.

All standard errors are 95 % Wald intervals (estimate ± 1.96 SE) unless stated. Bad input
raises :class:`regio_analysis.DataError` naming the column and the first rows.

Result frames have English columns, as :mod:`regio_analysis.retention`: estimates as
``measure, horizon, estimate, se, ci_lower, ci_upper, n`` (bootstrap draws add ``replicate,
variant``), the balance table ``covariate, type, weighting, mean_treated, mean_control,
difference, smd, variance_ratio``. The labels in them (``risicosverschil``, ``gewogen``, the
group labels) are the ones a Dutch chapter shows; it maps the columns to Dutch headers.

Modules
-------
* :mod:`~regio_analysis.causal.constants`: estimands, methods, the 95 % normal quantile, default labels;
* :mod:`~regio_analysis.causal.checks`: input checks shared by all estimators;
* :mod:`~regio_analysis.causal.propensity`: propensity model, weights, effective sample size, overlap plot;
* :mod:`~regio_analysis.causal.balance`: balance table, largest |SMD|, Love plot;
* :mod:`~regio_analysis.causal.estimators`: naive, IPW, AIPW, matching, bootstrap SE, effect plot;
* :mod:`~regio_analysis.causal.censoring`: censoring distribution and IPCW weights;
* :mod:`~regio_analysis.causal.survival`: weighted Kaplan-Meier and Cox, risk and RMST contrasts;
* :mod:`~regio_analysis.causal.bootstrap`: the survival bootstrap and its intervals;
* :mod:`~regio_analysis.causal.sensitivity`: E-values.

The public functions and classes are re-exported here (``from regio_analysis import causal;
causal.estimate_effect(...)``); private helpers are imported from their module.
"""
from regio_analysis.causal.balance import balance_table, love_plot, max_abs_smd
from regio_analysis.causal.bootstrap import bootstrap_interval, mover_difference, survival_bootstrap
from regio_analysis.causal.censoring import censoring_survival, ipcw_weights
from regio_analysis.causal.constants import (
    BALANCE_THRESHOLD,
    CENSORING_MODELS,
    DEFAULT_LABELS,
    ESTIMANDS,
    METHODS,
    SOURCE,
    Z95,
)
from regio_analysis.causal.estimators import EffectEstimate, bootstrap_effect, effect_plot, estimate_effect
from regio_analysis.causal.propensity import (
    PropensityModel,
    PropensityWeights,
    effective_sample_size,
    main_effects_design,
    overlap_plot,
    propensity_formula,
    propensity_score,
    propensity_weights,
)
from regio_analysis.causal.sensitivity import EValue, e_value, rr_from
from regio_analysis.causal.survival import (
    CoxEffect,
    KaplanMeierCurves,
    SurvivalEffect,
    survival_effect,
    weighted_cox,
    weighted_km,
)

__all__ = [
    "BALANCE_THRESHOLD", "CENSORING_MODELS", "DEFAULT_LABELS", "ESTIMANDS", "METHODS", "SOURCE", "Z95", "CoxEffect",
    "EffectEstimate", "EValue", "KaplanMeierCurves", "PropensityModel", "PropensityWeights", "SurvivalEffect",
    "balance_table", "bootstrap_effect", "bootstrap_interval", "censoring_survival", "e_value", "effect_plot",
    "effective_sample_size", "estimate_effect", "ipcw_weights", "love_plot", "main_effects_design", "max_abs_smd",
    "mover_difference",
    "overlap_plot", "propensity_formula", "propensity_score", "propensity_weights", "rr_from", "survival_bootstrap",
    "survival_effect", "weighted_cox", "weighted_km",
]
