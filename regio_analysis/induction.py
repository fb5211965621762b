"""The induction study: does induction keep starting teachers at their board?

The chapter ``04_inductie_effect.ipynb`` emulates a *target trial* on the employment spells
(``dienstverbanden``): eligible are starting teachers (OP, first job in education) who start
in the chosen cohort years; the strategies are "induction in the first year" versus "no
induction"; time zero is the start of the spell; the outcome is leaving the board (a move
to another school of the same board is not leaving); follow-up runs to leaving or to the
end of the data (censoring). Induction is not assigned at random, so the comparison is
adjusted for the measured confounders with the generic tools of :mod:`regio_analysis.causal`
(propensity weights, balance, IPW/AIPW with censoring weights, weighted Cox, E-value).

Everything the notebook shows is computed here, including the Dutch readings and the
conclusion; the notebook only calls these functions. :func:`true_effects` gives the known
effect in data made by :mod:`regio_analysis.synthetic` (for validation).
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from regio_analysis import causal
from regio_analysis.errors import DataError, Problem
from regio_analysis.plotting import fmt_getal, opsomming
from regio_analysis.privacy import describe, protect, suppress_small_cells

TREATMENT = "inductie"
DURATION = "duration"
EVENT = "event"
CLUSTER = "vestigingscode"
LABELS = ("met inductie", "zonder inductie")
HORIZONS = (1, 3, 5)
ESTIMANDS = causal.ESTIMANDS
FIRST_YEAR, LAST_YEAR = 2019, 2025  # the observation window of the spells
MIN_PER_GROUP = 10  # fewer people in an arm: no estimate is shown (privacy and precision)
N_BOOT = 200  # bootstrap replicates of the main analysis (its 95 % intervals)
BOOT_SEED = 0

#: covariates the study may adjust for, with their Dutch description
COVARIATES: dict[str, str] = {
    "bevoegd": "bevoegdheid",
    "log_school_omvang": "schoolgrootte (log van het aantal leerlingen)",
    "route": "route naar het beroep (regulier, zij-instroom, onbevoegd)",
    "contract": "contractsoort bij de start",
    "leeftijd_start": "leeftijd bij de start",
    "geslacht": "geslacht",
    "fte": "omvang van de aanstelling (fte)",
    "start_jaar": "startjaar (cohort)",
}
DEFAULT_COVARIATES = "bevoegd, log_school_omvang, route, contract"
SOURCE = "<dienstverbanden>"


# ----------------------------------------------------------------------------- parameters


def parse_covariates(text: str) -> list[str]:
    """``"bevoegd, route"`` -> ``["bevoegd", "route"]`` (comma- or space-separated, no doubles)."""
    names = [n.strip() for n in str(text).replace(";", ",").replace(" ", ",").split(",")]
    return list(dict.fromkeys(n for n in names if n))


def check_covariates(text: str) -> str | None:
    """A chapter-parameter check: None when every name is a known covariate."""
    names = parse_covariates(text)
    if not names:
        return "noem minstens één covariaat"
    unknown = [n for n in names if n not in COVARIATES]
    if unknown:
        return f"onbekende covariaat {', '.join(unknown)}; kies uit {', '.join(COVARIATES)}"
    return None


def check_cohort_year(value: int) -> str | None:
    """A chapter-parameter check: a start year inside the observation window."""
    return None if FIRST_YEAR <= value <= LAST_YEAR else f"moet tussen {FIRST_YEAR} en {LAST_YEAR} liggen"


# ----------------------------------------------------------------------------- cohort


@dataclass
class StudyCohort:
    """The analysis rows (one per eligible starter) and the flow of how they were selected."""

    data: pd.DataFrame
    flow: pd.DataFrame
    covariates: list[str]
    cohort_van: int
    cohort_tot: int
    synthetic: bool

    @property
    def n_arms(self) -> dict[str, int]:
        t = self.data[TREATMENT].astype(bool)
        return {LABELS[0]: int(t.sum()), LABELS[1]: int((~t).sum())}

    @property
    def usable(self) -> bool:
        """Both arms have at least :data:`MIN_PER_GROUP` people."""
        return min(self.n_arms.values()) >= MIN_PER_GROUP


def study_cohort(spells: pd.DataFrame, cohort_van: int = 2019, cohort_tot: int = 2024,
                 covariates: str | Sequence[str] = DEFAULT_COVARIATES) -> StudyCohort:
    """Select the eligible starters from ``dienstverbanden`` and count every step.

    Spells are prepared by :func:`regio_analysis.retention.prepare_spells` (leaving the board,
    years). Eligible: starters (first job in education) in function group OP whose spell
    started in ``cohort_van``..``cohort_tot`` (so inside the observation window: no left
    truncation) with all covariates known. The flow's counts below 10 are suppressed.
    """
    from regio_analysis.retention import prepare_spells

    names = parse_covariates(covariates) if isinstance(covariates, str) else list(covariates)
    problem = check_covariates(", ".join(names))
    if problem:
        raise DataError(Problem("<parameters>", f"covariates: {problem}"))
    if cohort_van > cohort_tot:
        raise DataError(Problem("<parameters>", f"cohort_van ({cohort_van}) ligt na cohort_tot ({cohort_tot})"))
    needed = {"starter", "functiegroep", TREATMENT} | {("school_omvang" if n == "log_school_omvang" else n)
                                                        for n in names if n != "start_jaar"}
    missing = sorted(c for c in needed if c not in spells.columns)
    if missing:
        raise DataError([Problem(SOURCE, "kolom ontbreekt (nodig voor de inductiestudie)", column=c) for c in missing])
    prep = prepare_spells(spells, exit_from="bestuur", unit="jaar")
    if "school_omvang" in prep.columns:
        size = pd.to_numeric(prep["school_omvang"], errors="coerce")
        prep["log_school_omvang"] = np.log(size.where(size > 0))
    steps = [("dienstverbanden in de observatieperiode (per persoon en bestuur)", len(prep))]
    d = prep[prep["starter"].fillna(False).astype(bool)]
    steps.append(("waarvan starters (eerste baan in het onderwijs)", len(d)))
    d = d[d["functiegroep"] == "OP"]
    steps.append(("waarvan leraren (OP)", len(d)))
    d = d[d["start_jaar"].between(cohort_van, cohort_tot) & (d["entry"] == 0)]
    steps.append((f"gestart in {cohort_van}–{cohort_tot}", len(d)))
    complete = d[names + [TREATMENT]].notna().all(axis=1)
    d = d[complete].copy()
    steps.append(("met alle kenmerken bekend", len(d)))
    d[TREATMENT] = d[TREATMENT].astype(bool)
    steps.append((f"  {LABELS[0]}", int(d[TREATMENT].sum())))
    steps.append((f"  {LABELS[1]}", int((~d[TREATMENT]).sum())))
    flow = _flow_table(steps)
    synthetic = bool(spells.attrs.get("synthetisch")) or spells.get("bron", pd.Series(dtype=str)).astype(str) \
        .str.contains("synthetisch").any()
    return StudyCohort(data=d.reset_index(drop=True), flow=flow, covariates=names, cohort_van=cohort_van,
                       cohort_tot=cohort_tot, synthetic=bool(synthetic))


def _flow_table(steps: list[tuple[str, int]]) -> pd.DataFrame:
    """The selection flow with counts below 10 suppressed; the two arms add up to the step
    before them, so a hidden arm gets the other arm (or that total) hidden as well."""
    flow = suppress_small_cells(pd.DataFrame(steps, columns=["stap", "aantal"]), "aantal")
    total, arms = len(steps) - 3, [len(steps) - 2, len(steps) - 1]
    values = {i: float(v) for i, (_, v) in enumerate(steps)}
    hidden = protect(values, set(flow.index[flow["aantal"].isna()]),
                     [({arms[0]: 1.0, arms[1]: 1.0, total: -1.0}, 0.0)], margins={total})
    for i in hidden:
        flow.loc[i, ["aantal", "onderdrukt"]] = [np.nan, True]
    return describe(flow, aantallen=["aantal"], geen_aantallen=[], sommen=[[total, arms, "aantal"]])


def target_trial(cohort_van: int, cohort_tot: int, horizon: int, estimand: str, covariates: Sequence[str]) -> pd.DataFrame:
    """The protocol of the target trial and how these data emulate it (Hernán & Robins 2016)."""
    cov = opsomming([COVARIATES.get(c, c) for c in covariates])
    estimand_text = ("het effect bij de starters die inductie kregen (ATT)" if estimand == "ATT"
                     else "het effect als alle starters inductie zouden krijgen vergeleken met geen enkele (ATE)")
    rows = [
        ("Deelnemers", (f"Startende leraren (OP, eerste baan in het onderwijs) die in {cohort_van}–{cohort_tot} "
                       "bij een bestuur in de regio beginnen."),
         "Dienstverbanden van starters met een startdatum in die jaren; alle kenmerken bekend."),
        ("Strategieën", "Inductie (begeleiding in het eerste jaar) versus geen inductie.",
         "Inductie zoals vastgelegd bij de start van het dienstverband (ja/nee); intensiteit niet onderscheiden."),
        ("Toewijzing", "Willekeurig (loting).",
         f"Niet willekeurig: gecorrigeerd voor {cov} met propensity-scoreweging; niet-gemeten verschillen blijven mogelijk."),
        ("Tijdstip nul", "De start van het dienstverband.", "De startdatum van het dienstverband."),
        ("Uitkomst", "Vertrek bij het bestuur (overstap naar een andere school van hetzelfde bestuur telt niet).",
         "Einde van het dienstverband met een reden buiten het bestuur; pensioen telt als vertrek."),
        ("Follow-up", f"Van de start tot vertrek, tot en met {horizon} jaar (en 1, 3 en 5 jaar).",
         "Tot vertrek of het einde van de gegevens (gecensureerd); censurering gecorrigeerd met gewichten (IPCW)."),
        ("Causaal contrast", estimand_text, "Gewogen vergelijking (AIPW, dubbel robuust) en een gewogen Cox-model."),
    ]
    return pd.DataFrame(rows, columns=["onderdeel", "doelexperiment", "nabootsing in deze gegevens"])


# ----------------------------------------------------------------------------- analysis


@dataclass
class InductionStudy:
    """All numbers of the induction chapter."""

    cohort: StudyCohort
    estimand: str
    horizon: int
    naive: causal.SurvivalEffect
    main: causal.SurvivalEffect
    balance: pd.DataFrame
    sensitivity: pd.DataFrame
    evalue: causal.EValue
    rare: bool
    notes: list[str] = field(default_factory=list)

    def estimate(self, which: str = "main", measure: str = "risicosverschil", horizon: float | None = None) -> pd.Series:
        """One row (schatting, ci_laag, ci_hoog, ...) of the naive or main analysis at ``horizon``."""
        effect = self.main if which == "main" else self.naive
        h = float(self.horizon if horizon is None else horizon)
        rows = effect.horizons[(effect.horizons["maat"] == measure) & (effect.horizons["horizon"] == h)]
        return rows.iloc[0] if not rows.empty else pd.Series(dtype=float)

    def effects_table(self) -> pd.DataFrame:
        """The main estimates, readable: hazard ratio, and per horizon risk and RMST differences."""
        s = self.main.summary
        keep = s["maat"].isin(["hazardratio", "risicosverschil", "rmst-verschil"])
        out = s[keep].copy()
        out["maat"] = out["maat"].map({"hazardratio": "hazardratio (vertrek)",
                                       "risicosverschil": "verschil in vertrekrisico (procentpunt)",
                                       "rmst-verschil": "verschil in gemiddelde verblijfsduur (maanden)"})
        scale = np.where(out["maat"].str.startswith("verschil in vertrek"), 100.0,
                         np.where(out["maat"].str.startswith("verschil in gem"), 12.0, 1.0))
        for col in ("schatting", "ci_laag", "ci_hoog"):
            out[col] = out[col] * scale
        out["horizon"] = out["horizon"].map(lambda h: "hele follow-up" if pd.isna(h) else f"{int(h)} jaar")
        out = out[["maat", "horizon", "schatting", "ci_laag", "ci_hoog", "n"]].rename(
            columns={"ci_laag": "95%-bi laag", "ci_hoog": "95%-bi hoog"}).reset_index(drop=True)
        return suppress_small_cells(out, "n")  # n: starters whose status at the horizon is known


def _rd_row(effect: causal.SurvivalEffect, horizon: int) -> dict[str, float]:
    h = effect.horizons
    rd = h[(h["maat"] == "risicosverschil") & (h["horizon"] == float(horizon))]
    if rd.empty:
        return {"rv": np.nan, "rv_laag": np.nan, "rv_hoog": np.nan}
    r = rd.iloc[0]
    return {"rv": 100 * r["schatting"], "rv_laag": 100 * r["ci_laag"], "rv_hoog": 100 * r["ci_hoog"]}


def run_study(cohort: StudyCohort, estimand: str = "ATT", horizon: int = 3, *,
              cluster: str | None = CLUSTER, n_boot: int = N_BOOT, seed: int = BOOT_SEED) -> InductionStudy:
    """Naive and adjusted estimates, balance, sensitivity analyses and the E-value.

    Main analysis: propensity weights from a logistic model fitted on covariate balance
    (CBPS: the weighted means of the covariates match exactly), AIPW with censoring weights
    (Kaplan-Meier per arm) for the risk and RMST differences at 1, 3 and 5 years, and the
    weighted Cox hazard ratio. The main analysis's 95 % intervals come from ``n_boot``
    bootstrap replicates of the whole pipeline (schools resampled; propensity, censoring and
    outcome models and the Cox model refitted), because the sandwich SEs take the censoring
    weights as known and cover only about 91 % (``benchmarks/causal_validation.py``);
    ``n_boot=0`` gives the sandwich intervals (standard errors clustered by school). The
    naive comparison and the sensitivity analyses keep sandwich intervals. Sensitivity: IPW
    instead of AIPW, the propensity model by maximum likelihood, trimming at [0.05, 0.95], a
    flexible propensity model (splines and interactions), censoring modelled on the covariates.
    Raises DataError when an arm has fewer than :data:`MIN_PER_GROUP` people.
    """
    causal._choice("estimand", estimand, ESTIMANDS)
    if not cohort.usable:
        raise DataError(Problem(SOURCE, f"te weinig starters per groep voor een schatting ({cohort.n_arms}; "
                                        f"minstens {MIN_PER_GROUP} per groep nodig)", column=TREATMENT))
    df = cohort.data
    cov = cohort.covariates
    cl = cluster if cluster and cluster in df.columns and df[cluster].nunique() > 1 else None
    horizons = tuple(sorted(set(HORIZONS) | {horizon}))
    kw = {"estimand": estimand, "horizons": horizons, "cluster": cl, "labels": LABELS}
    main = causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, method="aipw", fit="balance", n_boot=n_boot,
                                  seed=seed, **kw)
    naive = causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, method="naive", weights=main.weights, **kw)
    sd = "treated" if estimand == "ATT" else "pooled"
    balance = causal.balance_table(df, TREATMENT, cov, main.weights, sd=sd)
    notes = list(main.weights.model.notes)

    rows = []

    def add(label: str, effect: causal.SurvivalEffect | None, error: str = "", weighted: bool = True) -> None:
        row = {"analyse": label, "hr": np.nan, "hr_laag": np.nan, "hr_hoog": np.nan, "rv": np.nan, "rv_laag": np.nan,
               "rv_hoog": np.nan, "max_smd": np.nan, "ess_controle": np.nan, "interval": "", "opmerking": error}
        if effect is not None:
            bal = causal.balance_table(df, TREATMENT, cov, effect.weights if weighted else None, sd=sd)
            t = df[TREATMENT].to_numpy()
            row.update({"hr": effect.cox.hr, "hr_laag": effect.cox.ci[0], "hr_hoog": effect.cox.ci[1],
                        **_rd_row(effect, horizon),
                        "max_smd": causal.max_abs_smd(bal, "gewogen" if weighted else "ongewogen"),
                        "interval": effect.interval,
                        "ess_controle": effect.weights.ess[LABELS[1]] if weighted else float((~t).sum())})
        rows.append(row)

    add("naïef (geen correctie)", naive, weighted=False)
    add("hoofdanalyse: AIPW, propensitymodel geschat op balans (CBPS)", main)
    one = dict(kw, horizons=(horizon,))
    variants = (
        ("IPW in plaats van AIPW", {"method": "ipw", "weights": main.weights}),
        ("propensitymodel geschat met maximale aannemelijkheid", {"method": "aipw", "fit": "ml"}),
        ("trimmen: propensityscore binnen [0,05; 0,95]", {"method": "aipw", "fit": "balance", "trim": 0.05}),
        ("flexibel propensitymodel (splines en interacties)", {"method": "aipw", "fit": "ml", "splines": 3,
                                                                    "interactions": True}),
        ("censurering gemodelleerd op de kenmerken (Cox)", {"method": "aipw", "weights": main.weights, "censoring": "cox"}),
    )
    for label, extra in variants:
        try:
            add(label, causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, **one, **extra))
        except DataError as err:
            add(label, None, str(err))
    sensitivity = pd.DataFrame(rows)

    # E-value of the hazard ratio; the outcome is "rare" when < 15 % left by the longest horizon
    risk_all = 1 - main.km.at([max(horizons)])["overleving"].min()
    rare = bool(risk_all < 0.15)
    return InductionStudy(cohort=cohort, estimand=estimand, horizon=horizon, naive=naive, main=main,
                          balance=balance, sensitivity=sensitivity, evalue=main.e_value(rare=rare), rare=rare,
                          notes=notes)


# ----------------------------------------------------------------------------- readings


def _pp(x: float, decimals: int = 1) -> str:
    """A difference in percentage points, Dutch notation with sign."""
    text = fmt_getal(abs(x), decimals)
    return f"−{text}" if x < 0 and text.strip("0,") else text


def _pct(x: float) -> str:
    return f"{fmt_getal(100 * x, 0)}%"


def lezing_stroom(cohort: StudyCohort) -> str:
    """One sentence on the cohort: how many starters, how many with induction."""
    n = cohort.n_arms
    total = sum(n.values())
    if total == 0:
        return "Er zijn geen starters die aan de criteria voldoen; een schatting is niet mogelijk."
    if not cohort.usable:
        return (f"Te weinig starters voor een betrouwbare vergelijking: minstens {MIN_PER_GROUP} per groep is nodig "
                "(aantallen onder 10 worden niet getoond).")
    share = n[LABELS[0]] / total
    return (f"De studiepopulatie telt {fmt_getal(total, 0)} startende leraren; {_pct(share)} van hen kreeg inductie "
            f"({fmt_getal(n[LABELS[0]], 0)} met, {fmt_getal(n[LABELS[1]], 0)} zonder).")


def lezing_overlap(weights: causal.PropensityWeights) -> str:
    """One sentence on the overlap of the propensity scores and the effective sample size."""
    ps = weights.ps.to_numpy()
    t = weights.treated.to_numpy()
    lo, hi = max(ps[t].min(), ps[~t].min()), min(ps[t].max(), ps[~t].max())
    inside = float(np.mean((ps >= lo) & (ps <= hi)))
    ess = weights.ess
    n_ctrl = int((~t).sum())
    quality = "ruim" if inside >= 0.9 else ("redelijk" if inside >= 0.75 else "beperkt")
    return (f"De propensityscores van beide groepen overlappen {quality}: {_pct(inside)} van de starters heeft een score "
            f"in het gemeenschappelijke bereik ({fmt_getal(lo, 2)} tot {fmt_getal(hi, 2)}); na weging telt de groep "
            f"{LABELS[1]} als {fmt_getal(ess[LABELS[1]], 0)} van de {fmt_getal(n_ctrl, 0)} starters "
            "(effectieve steekproefomvang).")


def lezing_balans(balance: pd.DataFrame, threshold: float = causal.BALANCE_THRESHOLD) -> str:
    """One sentence: the largest imbalance before weighting and the largest |SMD| after."""
    before = balance[balance["weging"] == "ongewogen"].assign(a=lambda d: d["smd"].abs())
    after = balance[balance["weging"] == "gewogen"].assign(a=lambda d: d["smd"].abs())
    if before.empty:
        return "Er is geen balanstabel."
    worst = before.loc[before["a"].idxmax()]
    text = (f"Vóór weging verschillen de groepen het meest in {worst['covariaat']} "
            f"(SMD {fmt_getal(worst['smd'], 2)})")
    if after.empty:
        return text + "."
    m = float(after["a"].max())
    verdict = "alle kenmerken zijn in balans" if m < threshold else "niet alle kenmerken zijn in balans"
    return (text + f"; na weging is de grootste absolute SMD {fmt_getal(m, 2)}: {verdict} "
            f"(grens {fmt_getal(threshold, 1)}).")


def lezing_risico(study: InductionStudy) -> str:
    """One sentence on the weighted risks of leaving at the main horizon."""
    h = study.horizon
    r1 = study.estimate(measure=f"risico {LABELS[0]}")
    r0 = study.estimate(measure=f"risico {LABELS[1]}")
    if r1.empty or r0.empty:
        return f"Na {h} jaar is de uitkomst van te weinig starters bekend voor een schatting."
    return (f"Na {h} jaar is in de gewogen vergelijking naar schatting {_pct(r1['schatting'])} van de starters "
            f"{LABELS[0]} bij hun bestuur vertrokken, tegen {_pct(r0['schatting'])} {LABELS[1]}.")


def lezing_interval(study: InductionStudy) -> str:
    """One sentence on how the intervals of the main analysis were made."""
    main = study.main
    if main.interval != "bootstrap":
        return ("De 95%-betrouwbaarheidsintervallen komen uit sandwich-standaardfouten (geclusterd per school); de "
                "censureringsgewichten gelden daarin als bekend, waardoor de intervallen iets te smal zijn.")
    d = main.details
    unit = "scholen" if d["eenheid"] == CLUSTER else ("rijen" if d["eenheid"] == "rij" else f"clusters ({d['eenheid']})")
    total = d["replicaties"] + d["mislukt"]
    failed = (f" In {fmt_getal(d['mislukt'], 0)} van de {fmt_getal(total, 0)} steekproeven was een model niet te "
              f"schatten (meestal: het propensitymodel kon de groepen in die steekproef niet in balans brengen); die "
              f"tellen niet mee, zodat de intervallen op {fmt_getal(d['replicaties'], 0)} steekproeven rusten en "
              "eerder te smal dan te breed zijn." if d["mislukt"] else "")
    return (f"De getoonde intervallen zijn 95%-betrouwbaarheidsintervallen uit {fmt_getal(total, 0)} "
            f"bootstrapsteekproeven: er worden steeds {unit} met teruglegging getrokken en het propensitymodel, het "
            "censureringsmodel, de uitkomstmodellen en het Cox-model worden in elke steekproef opnieuw geschat. De "
            "intervallen van de risico's, de RMST en hun verschillen zijn bootstrap-t-intervallen: ze volgen de "
            "verdeling van de afwijking van elke steekproefschatting, gedeeld door haar standaardfout, en hoeven "
            "daardoor niet symmetrisch rond de schatting te liggen. Het interval van de hazardratio is de schatting "
            "plus en min 1,96 keer de standaardafwijking over de steekproeven op de logaritmische schaal." + failed)


def lezing_naief(study: InductionStudy) -> str:
    """One sentence comparing the naive with the adjusted risk difference at the horizon."""
    n = study.estimate("naive")
    m = study.estimate("main")
    if n.empty or m.empty:
        return "Voor deze horizon is geen vergelijking mogelijk."
    gap = 100 * (n["schatting"] - m["schatting"])
    direction = "gunstiger" if gap < 0 else "ongunstiger"
    return (f"De naïeve vergelijking geeft na {study.horizon} jaar een verschil in vertrek van "
            f"{_pp(100 * n['schatting'])} procentpunt, de gecorrigeerde analyse {_pp(100 * m['schatting'])} procentpunt: "
            f"zonder correctie lijkt inductie {fmt_getal(abs(gap), 1)} procentpunt {direction} dan na correctie "
            "voor de gemeten verschillen tussen de groepen.")


@dataclass(frozen=True)
class ConclusionNumbers:
    """The numbers the conclusion is worded from (risk differences in percentage points)."""

    horizon: int
    estimand: str
    rd: float | None  # None: not estimable at the horizon
    rd_lo: float | None
    rd_hi: float | None
    hr: float
    hr_lo: float
    hr_hi: float
    sens_min: float | None
    sens_max: float | None
    e_point: float
    e_ci: float | None
    covariates: tuple[str, ...]
    synthetic: bool


def conclusion_numbers(study: InductionStudy) -> ConclusionNumbers:
    """Collect the numbers for :func:`conclusie_tekst` from a study."""
    rd = study.estimate()
    sens = study.sensitivity.dropna(subset=["rv"])
    sens = sens[~sens["analyse"].str.startswith("naïef")]
    has_rd = not rd.empty
    return ConclusionNumbers(
        horizon=study.horizon, estimand=study.estimand,
        rd=100 * rd["schatting"] if has_rd else None, rd_lo=100 * rd["ci_laag"] if has_rd else None,
        rd_hi=100 * rd["ci_hoog"] if has_rd else None,
        hr=study.main.cox.hr, hr_lo=study.main.cox.ci[0], hr_hi=study.main.cox.ci[1],
        sens_min=float(sens["rv"].min()) if len(sens) > 1 else None,
        sens_max=float(sens["rv"].max()) if len(sens) > 1 else None,
        e_point=study.evalue.point, e_ci=study.evalue.ci, covariates=tuple(study.cohort.covariates),
        synthetic=study.cohort.synthetic)


def conclusie_tekst(c: ConclusionNumbers) -> str:
    """The conclusion in Dutch (Markdown), worded from the numbers with their uncertainty.

    The verdict follows the 95 % interval of the risk difference at the horizon: below 0
    (less leaving with induction), above 0 (more), or containing 0 ("no clear effect",
    never "no effect"); a wide interval (> 20 percentage points) is called too imprecise.
    Then the hazard ratio, the range over the sensitivity analyses, the E-value, the
    limits of an observational comparison and, for synthetic data, that label.
    """
    h = c.horizon
    parts = []
    who = "bij de starters die inductie kregen" if c.estimand == "ATT" else "over alle starters"
    if c.rd is None:
        parts.append(f"Na {h} jaar is van te weinig starters bekend of ze vertrokken zijn om een risicoverschil te schatten.")
    else:
        interval = f"95%-betrouwbaarheidsinterval {_pp(c.rd_lo)} tot {_pp(c.rd_hi)} procentpunt"
        if c.rd_hi < 0:
            parts.append(f"**Inductie gaat in deze gegevens samen met minder vertrek.** Na {h} jaar is het vertrekrisico "
                         f"{who} naar schatting {fmt_getal(abs(c.rd), 1)} procentpunt lager dan zonder inductie "
                         f"({interval}).")
        elif c.rd_lo > 0:
            parts.append(f"**Inductie gaat in deze gegevens samen met méér vertrek.** Na {h} jaar is het vertrekrisico "
                         f"{who} naar schatting {fmt_getal(abs(c.rd), 1)} procentpunt hoger dan zonder inductie "
                         f"({interval}).")
        else:
            parts.append(f"**De gegevens laten geen duidelijk effect van inductie zien.** De beste schatting na {h} jaar "
                         f"is {_pp(c.rd)} procentpunt verschil in vertrekrisico {who}, maar het {interval} bevat zowel "
                         "een gunstig als een ongunstig effect; ook geen effect past bij de gegevens.")
        if c.rd_hi - c.rd_lo > 20:
            parts.append(f"Het interval is breed ({fmt_getal(c.rd_hi - c.rd_lo, 0)} procentpunt): er zijn te weinig "
                         "starters om een effect van realistische omvang betrouwbaar aan te tonen of uit te sluiten.")
    parts.append(f"Over de hele follow-up is de hazardratio voor vertrek {fmt_getal(c.hr, 2)} "
                 f"(95%-BI {fmt_getal(c.hr_lo, 2)} tot {fmt_getal(c.hr_hi, 2)}).")
    if c.sens_min is not None and c.sens_max is not None:
        parts.append(f"In de gevoeligheidsanalyses ligt het risicoverschil na {h} jaar tussen "
                     f"{_pp(c.sens_min)} en {_pp(c.sens_max)} procentpunt.")
    if c.e_ci is not None and c.e_ci <= 1.0:
        parts.append(f"De E-waarde van de hazardratio is {fmt_getal(c.e_point, 2)}: zo sterk zou een niet-gemeten factor "
                     "met zowel inductie als vertrek moeten samenhangen om de puntschatting te verklaren; het interval "
                     "sluit geen effect al in.")
    else:
        parts.append(f"Een niet-gemeten factor die zowel met inductie als met vertrek samenhangt met een risicoratio van "
                     f"{fmt_getal(c.e_point, 2)} (E-waarde) zou de puntschatting volledig kunnen verklaren; voor de grens "
                     f"van het interval is dat {fmt_getal(c.e_ci, 2) if c.e_ci is not None else '–'}.")
    cov = opsomming([COVARIATES.get(x, x) for x in c.covariates])
    parts.append(f"Dit is een observationele vergelijking: alleen voor {cov} is gecorrigeerd. Gerandomiseerd onderzoek "
                 "naar inductie vond kleine effecten; een groot effect in deze gegevens verdient daarom extra scepsis.")
    if c.synthetic:
        parts.append("*Let op: deze gegevens zijn synthetisch; de uitkomst zegt niets over de werkelijkheid in de regio.*")
    return " ".join(parts)


def conclusie(study: InductionStudy) -> str:
    """The automatically worded conclusion of a study (see :func:`conclusie_tekst`)."""
    return conclusie_tekst(conclusion_numbers(study))


# ----------------------------------------------------------------------------- reproducibility


PACKAGES = ("regio-analysis", "numpy", "pandas", "scipy", "statsmodels", "patsy", "lifelines", "matplotlib", "seaborn")


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's content (values and column names, order-sensitive)."""
    h = hashlib.sha256()
    h.update("|".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def reproducibility(region, parameters: dict[str, Any], tables: Sequence[str] = ("dienstverbanden",)) -> pd.DataFrame:
    """Versions, input hashes, parameters and seed: what it takes to reproduce the chapter."""
    rows = [("software", "python", platform.python_version())]
    for pkg in PACKAGES:
        try:
            rows.append(("software", pkg, importlib.metadata.version(pkg)))
        except importlib.metadata.PackageNotFoundError:
            rows.append(("software", pkg, "niet geïnstalleerd"))
    for name, digest in sorted(getattr(region, "bestanden", {}).items()):
        rows.append(("invoerbestand (sha256)", name, digest))
    for name in tables:
        if region.has(name):
            label = f"{name} (synthetisch)" if name in region.synthetisch else name
            rows.append(("tabel (sha256 van de inhoud)", label, table_hash(getattr(region, name))))
    for key, value in parameters.items():
        rows.append(("parameter", key, repr(value)))
    return pd.DataFrame(rows, columns=["onderdeel", "naam", "waarde"])


# ----------------------------------------------------------------------------- synthetic ground truth


def true_effects(cohort: pd.DataFrame, spells: pd.DataFrame, horizons: Sequence[float] = HORIZONS,
                 estimand: str = "ATT") -> pd.DataFrame:
    """The true effects in data made by :func:`regio_analysis.synthetic.generate_dienstverbanden`.

    The generator's hazard of ending a starter's spell is ``c t^k exp(lp)``, a share
    ``aandeel_binnen_bestuur`` of the ends being moves within the board (censored here), so
    the hazard of leaving the board is ``(1 - aandeel) c t^k exp(lp)`` with the induction
    log hazard ratio ``inductie_log_hr`` in ``lp``. For each row of ``cohort`` this gives the
    risk of leaving by each horizon and the RMST with and without induction; their means
    over the treated (ATT) or over everyone (ATE) are the true values. ``spells`` is the
    generated table (its ``attrs`` hold the parameters; its schools give the standardisation
    of school size). Also returns the true conditional log hazard ratio.
    """
    p = spells.attrs.get("params")
    wb = spells.attrs.get("weibull")
    if not p or not wb:
        raise DataError(Problem(SOURCE, "geen synthetische gegevens: de ware effecten zijn alleen bekend voor data "
                                        "van regio_analysis.synthetic"))
    schools = spells.drop_duplicates("vestigingscode")
    log_sizes = np.log(schools["school_omvang"].to_numpy(float))
    z = (np.log(cohort["school_omvang"].to_numpy(float)) - log_sizes.mean()) / (log_sizes.std() or 1.0)
    lp = (p["bevoegd_log_hr"] * cohort["bevoegd"].to_numpy(float) + p["school_omvang_log_hr"] * z
          + p["zij_instroom_log_hr"] * (cohort["route"] == "zij-instroom").to_numpy()
          + p["tijdelijk_log_hr"] * (cohort["contract"] == "tijdelijk").to_numpy())
    rate = (1 - p["aandeel_binnen_bestuur"]) * wb["c"]
    target = cohort[TREATMENT].astype(bool).to_numpy() if estimand == "ATT" else np.ones(len(cohort), bool)
    rows = []
    grid_n = 801
    for h in horizons:
        grid = np.linspace(0.0, float(h), grid_n)
        out = {"horizon": float(h)}
        for a, label in ((1, "behandeld"), (0, "controle")):
            eta = np.exp(lp[target] + a * p["inductie_log_hr"])
            surv = np.exp(-rate * np.outer(eta, grid ** wb["k"]))
            out[f"risico_{label}"] = float(np.mean(1 - surv[:, -1]))
            out[f"rmst_{label}"] = float(np.mean(np.trapezoid(surv, grid, axis=1)))
        out["risicoverschil"] = out["risico_behandeld"] - out["risico_controle"]
        out["rmst_verschil"] = out["rmst_behandeld"] - out["rmst_controle"]
        rows.append(out)
    result = pd.DataFrame(rows)
    result.attrs["log_hr"] = float(p["inductie_log_hr"])
    return result



#: the bootstrap intervals compared in :func:`simulate_replicate` (causal.bootstrap_interval
#: method -> label); "bootstrap" is the chapter's
BOOTSTRAP_INTERVALS = {"studentized": "bootstrap", "sd": "bootstrap_sd", "percentile": "bootstrap_percentiel"}

#: the estimators compared in :func:`simulate_replicate` (name -> survival_effect options)
VALIDATION_METHODS: dict[str, dict[str, Any]] = {
    "naief": {"method": "naive"},
    "ipw_ml": {"method": "ipw", "fit": "ml"},
    "ipw_cbps": {"method": "ipw", "fit": "balance"},
    "aipw_ml": {"method": "aipw", "fit": "ml"},
    "aipw_cbps": {"method": "aipw", "fit": "balance"},
}


def simulate_replicate(region, seed: int, params=None, *, horizon: int = 3, estimand: str = "ATT",
                       cohort_van: int = 2019, cohort_tot: int = 2024, covariates: str = DEFAULT_COVARIATES,
                       n_boot: int = 0, cluster: str | None = None) -> list[dict[str, Any]]:
    """One replication of the validation: generate spells, estimate, compare with the truth.

    Generates ``dienstverbanden`` for ``region`` (a RegionData) with ``seed`` and
    ``params`` (:class:`regio_analysis.synthetic.SyntheticParams`), builds the study cohort
    and returns one row per estimator, target and interval: the risk difference and the RMST
    difference at ``horizon`` (truth from :func:`true_effects`), and the log hazard ratio
    (truth: the generator's conditional ``inductie_log_hr``; the naive, the IPW-weighted
    marginal and the covariate-adjusted Cox model). ``interval`` is ``"sandwich"`` (SEs of
    :func:`causal.survival_effect`, clustered on ``cluster``) and, with ``n_boot > 0``,
    ``"bootstrap"``: the chapter's interval, ``n_boot`` replicates of the whole pipeline
    (:func:`causal.survival_bootstrap`, resampling ``cluster``), shared by the estimators.
    """
    from regio_analysis.synthetic import SyntheticParams, generate_dienstverbanden

    spells = generate_dienstverbanden(region, seed=seed, params=params or SyntheticParams())
    cohort = study_cohort(spells, cohort_van, cohort_tot, covariates)
    df, cov = cohort.data, cohort.covariates
    truth = true_effects(df, spells, (horizon,), estimand).iloc[0]
    log_hr = float(spells.attrs["params"]["inductie_log_hr"])
    base = {"regio": region.regio_id, "seed": seed, "n": len(df), "n_behandeld": cohort.n_arms[LABELS[0]]}
    targets = (("risicoverschil", "risicosverschil", truth["risicoverschil"]),
               ("rmst_verschil", "rmst-verschil", truth["rmst_verschil"]))
    rows = []
    weights: dict[str, causal.PropensityWeights] = {}
    estimates: dict[tuple[str, str], float] = {}
    for name, options in VALIDATION_METHODS.items():
        fit = options.get("fit", "ml")
        if fit not in weights:
            weights[fit] = causal.propensity_weights(df, TREATMENT, cov, estimand, fit=fit, labels=LABELS)
        effect = causal.survival_effect(df, TREATMENT, DURATION, EVENT, cov, estimand=estimand, horizons=(horizon,),
                                        method=options["method"], weights=weights[fit], cluster=cluster, labels=LABELS)
        h = effect.horizons
        for target, measure, true in targets:
            r = h[h["maat"] == measure].iloc[0]
            estimates[(name, measure)] = r["schatting"]
            rows.append({**base, "methode": name, "doel": f"{target}_{horizon}j", "interval": "sandwich",
                         "schatting": r["schatting"], "se": r["se"], "waarheid": true})
        if name in ("naief", "ipw_cbps"):
            estimates[(name, "log_hr")] = effect.cox.log_hr
            rows.append({**base, "methode": name, "doel": "log_hr", "interval": "sandwich",
                         "schatting": effect.cox.log_hr, "se": effect.cox.se, "waarheid": log_hr})
    adj = causal.weighted_cox(df, DURATION, EVENT, TREATMENT, None, covariates=cov, cluster=cluster)
    rows.append({**base, "methode": "cox_gecorrigeerd", "doel": "log_hr", "interval": "sandwich",
                 "schatting": adj.log_hr, "se": adj.se, "waarheid": log_hr})
    if n_boot:
        variants = {name: {"method": o["method"], **({"weights": weights[o.get("fit", "ml")]}
                                                      if o["method"] != "naive" else {})}
                    for name, o in VALIDATION_METHODS.items()}
        draws = causal.survival_bootstrap(df, TREATMENT, DURATION, EVENT, cov, variants, estimand=estimand,
                                          horizons=(horizon,), cluster=cluster, n_boot=n_boot, seed=seed,
                                          hazard_ratio=("ipw_cbps",), labels=LABELS)
        base["boot_mislukt"] = draws.attrs["mislukt"]
        rows = [{**r, "boot_mislukt": draws.attrs["mislukt"]} for r in rows]
        for kind, label in BOOTSTRAP_INTERVALS.items():
            for name in VALIDATION_METHODS:
                ci = causal.bootstrap_interval(draws, name, kind).set_index("maat")
                for target, measure, true in targets:
                    r = ci.loc[measure]
                    rows.append({**base, "methode": name, "doel": f"{target}_{horizon}j", "interval": label,
                                 "schatting": r["schatting"], "se": r["se"], "ci_laag": r["ci_laag"],
                                 "ci_hoog": r["ci_hoog"], "waarheid": true})
        r = causal.bootstrap_interval(draws, "ipw_cbps").set_index("maat").loc["log_hr"]
        rows.append({**base, "methode": "ipw_cbps", "doel": "log_hr", "interval": "bootstrap",
                     "schatting": estimates[("ipw_cbps", "log_hr")], "se": r["se"], "ci_laag": r["ci_laag"],
                     "ci_hoog": r["ci_hoog"], "waarheid": log_hr})
    return rows


def validation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Bias, SE and 95 % CI coverage per estimator and target over replications."""
    lo = rows["schatting"] - causal.Z95 * rows["se"]
    hi = rows["schatting"] + causal.Z95 * rows["se"]
    if "ci_laag" in rows:  # an interval of its own (bootstrap); Wald otherwise
        lo, hi = rows["ci_laag"].fillna(lo), rows["ci_hoog"].fillna(hi)
    d = rows.assign(fout=rows["schatting"] - rows["waarheid"],
                    gedekt=(lo <= rows["waarheid"]) & (rows["waarheid"] <= hi))
    keys = ["doel", "methode"] + (["interval"] if "interval" in d.columns else [])
    g = d.groupby(keys, sort=False)
    out = pd.DataFrame({
        "replicaties": g.size(),
        "waarheid": g["waarheid"].mean(),
        "gem_schatting": g["schatting"].mean(),
        "bias": g["fout"].mean(),
        "sd_schatting": g["schatting"].std(ddof=1),
        "gem_se": g["se"].mean(),
        "rmse": g["fout"].apply(lambda e: float(np.sqrt(np.mean(e ** 2)))),
        "dekking_95": g["gedekt"].mean(),
    }).reset_index()
    out["bias_per_se"] = out["bias"] / out["gem_se"]
    out["mc_se_bias"] = out["sd_schatting"] / np.sqrt(out["replicaties"])
    out["mc_se_dekking"] = np.sqrt(out["dekking_95"] * (1 - out["dekking_95"]) / out["replicaties"])
    return out


# ----------------------------------------------------------------------------- chapter entry point


@dataclass
class ChapterResult:
    """What the chapter shows: the cohort and the study, or a Dutch message why not."""

    cohort: StudyCohort | None
    study: InductionStudy | None
    message: str = ""


def analyse(region, cohort_van: int = 2019, cohort_tot: int = 2024, horizon: int = 3, estimand: str = "ATT",
            covariates: str = DEFAULT_COVARIATES) -> ChapterResult:
    """Run the study for a region; never raises on data problems (the message says what is missing)."""
    from regio_analysis.overview import geen_gegevens

    if not region.has("dienstverbanden"):
        return ChapterResult(None, None, geen_gegevens("dienstverbanden (personeelsmicrodata)"))
    try:
        cohort = study_cohort(region.dienstverbanden, cohort_van, cohort_tot, covariates)
    except DataError as err:
        return ChapterResult(None, None, f"_De inductiestudie kan niet worden uitgevoerd: {err}_")
    if not cohort.usable:
        return ChapterResult(cohort, None, f"_{lezing_stroom(cohort)}_")
    try:
        study = run_study(cohort, estimand, horizon)
    except (DataError, np.linalg.LinAlgError) as err:
        return ChapterResult(cohort, None, f"_De effectschatting is niet mogelijk: {err}_")
    return ChapterResult(cohort, study)


def data_note(region) -> str:
    """One Markdown sentence on where the spells come from (synthetic data are labelled)."""
    if not region.has("dienstverbanden"):
        return ""
    if "dienstverbanden" in region.synthetisch:
        return ("De dienstverbanden in dit hoofdstuk zijn **synthetisch**: gemaakt door `regio_analysis.synthetic`, "
                "afgestemd op de gepubliceerde cijfers van de regio, met een bekend ingebouwd effect van inductie. "
                "De uitkomsten tonen hoe de analyse werkt, niet hoe het in de regio is.")
    return "De dienstverbanden komen uit de aangeleverde personeelsgegevens van de regio (gepseudonimiseerd)."


def lezing_naief_risico(study: InductionStudy) -> str:
    """One sentence on the unadjusted risks of leaving at the main horizon."""
    h = study.horizon
    rows = study.naive.horizons
    r = {lab: rows[(rows["maat"] == f"risico {lab}") & (rows["horizon"] == float(h))] for lab in LABELS}
    if any(v.empty for v in r.values()):
        return f"Na {h} jaar is de uitkomst van te weinig starters bekend voor een vergelijking."
    a, b = (float(r[lab].iloc[0]["schatting"]) for lab in LABELS)
    return (f"Zonder correctie is na {h} jaar {_pct(a)} van de starters {LABELS[0]} bij hun bestuur vertrokken, "
            f"tegen {_pct(b)} {LABELS[1]}: een verschil van {_pp(100 * (a - b))} procentpunt, dat deels komt door "
            "verschillen tussen de groepen (bijvoorbeeld in bevoegdheid en schoolgrootte).")


def sensitivity_table(study: InductionStudy) -> pd.DataFrame:
    """The sensitivity analyses, readable (risk difference in percentage points)."""
    s = study.sensitivity
    return pd.DataFrame({
        "analyse": s["analyse"],
        "hazardratio": s["hr"], "hr 95%-bi": [f"{fmt_getal(a, 2)} – {fmt_getal(b, 2)}" if pd.notna(a) else ""
                                             for a, b in zip(s["hr_laag"], s["hr_hoog"])],
        f"risicoverschil {study.horizon} jaar (pp)": s["rv"],
        "rv 95%-bi": [f"{_pp(a)} – {_pp(b)}" if pd.notna(a) else "" for a, b in zip(s["rv_laag"], s["rv_hoog"])],
        "max |SMD|": s["max_smd"], "effectieve n controle": s["ess_controle"].round(0), "interval": s["interval"],
        "opmerking": s["opmerking"],
    })
