"""Chapter 04's opening and what it sets the study against.

The question with its causal premise worded for the data at hand (for synthetic spells: how the
generator was built, not what is known of the region); the one definition of *starter* and
*vertrek* (shared with chapter 03) and why the study population is smaller than chapter 03's;
for synthetic spells what the generator was told and built in, and what the study recovered
against that truth; and why the hazard ratio of induction differs from chapter 03's (population,
covariates, weighting: a conditional against a marginal hazard ratio), computed by refitting the
steps in between. Also the small tables that hold the numbers the readings quote (risks per
arm, the overlap of the propensity scores).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from regio_analysis import causal
from regio_analysis.data.privacy import describe
from regio_analysis.errors import DataError
from regio_analysis.induction.study import (
    CLUSTER, DURATION, EVENT, LABELS, TREATMENT, InductionStudy, StudyCohort, true_effects,
)
from regio_analysis.report.format import Kolom, fmt_getal, kolommen, opsomming
from regio_analysis.retention.chapter.analyses import MODEL_KENMERKEN, cox_starters, modelgegevens, starters
from regio_analysis.retention.chapter.demonstratie import definities, is_synthetisch, log_afstand, ware_hr


def _pp(x: float) -> str:
    """A signed number of percentage points with one decimal ("−6,6")."""
    text = fmt_getal(abs(x), 1)
    return f"−{text}" if x < 0 and text.strip("0,") else text


def vraag(region) -> str:
    """Why a plain comparison can mislead, worded for the data at hand: about synthetic spells the
    confounding is the generator's construction, not a finding about the region."""
    if is_synthetisch(region):
        return ("In de synthetische gegevens van dit hoofdstuk krijgen bevoegde starters en starters op grotere "
                "scholen vaker inductie, en vertrekken zij ook minder vaak: zo is de generator gebouwd, niet iets wat "
                "over de regio bekend is. Een eenvoudige vergelijking van starters met en zonder inductie laat "
                "daardoor een groter verschil zien dan de generator heeft ingebouwd; dit hoofdstuk laat zien of de "
                "correctie dat terugbrengt.")
    return ("Inductie wordt niet door loting toegewezen: wie inductie krijgt, kan ook op andere punten verschillen die "
            "met vertrek samenhangen (bijvoorbeeld bevoegdheid of schoolgrootte), en een eenvoudige vergelijking kan "
            "daardoor misleiden. Hoeveel de groepen in deze gegevens verschillen, staat bij de balans.")


def _flow(cohort: StudyCohort, i: int) -> float:
    return float(cohort.flow["aantal"].iloc[i])


def populatie(region, cohort: StudyCohort) -> str:
    """The definitions (as in chapter 03) and, in one sentence, why the study population is smaller
    than chapter 03's starters (start years outside the cohort, a covariate missing), with both
    numbers; counts the selection flow hides are not given."""
    tekst = f"Definities (dezelfde als in het hoofdstuk over retentie): {definities()}"
    st = starters(region)
    n03 = len(st)
    n04, n_years, n_op = _flow(cohort, 4), _flow(cohort, 3), _flow(cohort, 2)
    if not n03 or np.isnan(n04) or n04 == n03:
        return tekst
    redenen = []
    if not np.isnan(n_years) and n_years < n_op:
        later = st[st["start_jaar"] > cohort.cohort_tot]
        kort = (not later.empty and float(later["duration"].max()) < 1.0)
        redenen.append(f"het doelexperiment alleen starters volgt die in {cohort.cohort_van}–{cohort.cohort_tot} "
                       f"begonnen{' (wie later begon, is minder dan een jaar gevolgd)' if kort else ''}")
    if not np.isnan(n_years) and n04 < n_years:
        redenen.append(f"{fmt_getal(n_years - n04, 0) if n_years - n04 >= 10 else 'enkele'} starters een kenmerk missen")
    waarom = f", omdat {opsomming(redenen)}" if redenen else ""
    return (tekst + f" De studiepopulatie telt {fmt_getal(n04, 0)} van de {fmt_getal(n03, 0)} startende leraren van "
            f"dat hoofdstuk{waarom}.")


# ----------------------------------------------------------------------------- the truth of synthetic data


def waarheid(region, study: InductionStudy) -> dict | None:
    """For synthetic spells: the built-in (conditional) hazard ratio of induction (``hr``) and the
    true risk difference at the horizon among the study's starters, in percentage points (``rd``,
    :func:`induction.true_effects`, for the study's estimand). None for other spells."""
    if not (is_synthetisch(region) and study.cohort.synthetic):
        return None
    out = {"hr": ware_hr(region), "rd": None}
    try:
        t = true_effects(study.cohort.data, region.dienstverbanden, (study.horizon,), study.estimand)
        out["rd"] = float(100 * t["risicoverschil"].iloc[0])
    except (DataError, KeyError):
        pass
    return out


def tabel_terugvinden(study: InductionStudy, truth: dict | None) -> pd.DataFrame:
    """The study's estimates against the generator's truth: the hazard ratio (built in, conditional)
    and the risk difference at the horizon (true among these starters); empty without a truth."""
    if not truth:
        return pd.DataFrame()
    rd = study.estimate()
    cox = study.main.cox
    rows = [("hazardratio (vertrek)", truth["hr"], cox.hr, cox.ci[0], cox.ci[1],
             "ingebouwd: conditioneel (bij gelijke andere kenmerken); geschat: marginaal (gewogen)")]
    if truth.get("rd") is not None and not rd.empty:
        rows.append((f"verschil in vertrekrisico na {study.horizon} jaar (procentpunt)", truth["rd"],
                     100 * rd["estimate"], 100 * rd["ci_lower"], 100 * rd["ci_upper"],
                     "waar: uit het model van de generator, voor deze starters"))
    out = pd.DataFrame(rows, columns=["maat", "waarheid (generator)", "schatting", "95%-BI laag", "95%-BI hoog",
                                      "toelichting"])
    kolommen(out, **{"waarheid (generator)": Kolom("getal", 2), "schatting": Kolom("getal", 2),
                     "95%-BI laag": Kolom("getal", 2, hoog="95%-BI hoog", naam="95%-BI")})
    return describe(out, aandelen={})


def teruggevonden(truth: dict | None, study: InductionStudy) -> str:
    """What the study recovered against the truth, in words (the opening's last sentences)."""
    if not truth:
        return ""
    cox = study.main.cox
    omvat = cox.ci[0] <= truth["hr"] <= cox.ci[1]
    tekst = (f"Wat de methode terugvindt: de gewogen hazardratio van inductie is {fmt_getal(cox.hr, 2)} (95%-BI "
             f"{fmt_getal(cox.ci[0], 2)}–{fmt_getal(cox.ci[1], 2)}) tegen de ingebouwde {fmt_getal(truth['hr'], 2)}; "
             f"het interval {'omvat' if omvat else 'omvat niet'} de ingebouwde waarde. De ingebouwde hazardratio is "
             "conditioneel (bij gelijke andere kenmerken), de gewogen hazardratio van dit hoofdstuk marginaal "
             "(gemiddeld over de starters met inductie); bij hazardratio's zijn die ook zonder verstoring niet gelijk.")
    rd = study.estimate()
    if truth.get("rd") is not None and not rd.empty:
        binnen = rd["ci_lower"] <= truth["rd"] / 100 <= rd["ci_upper"]
        tekst += (f" Het ware verschil in vertrekrisico na {study.horizon} jaar is volgens de generator "
                  f"{_pp(truth['rd'])} procentpunt; de schatting is {_pp(100 * rd['estimate'])} procentpunt, met de "
                  f"ware waarde {'binnen' if binnen else 'buiten'} het 95%-interval.")
    return tekst


# ----------------------------------------------------------------------------- the hazard ratio of chapter 03


def hr_vergelijking(region, study: InductionStudy) -> pd.DataFrame:
    """Chapter 03's hazard ratio of induction against this chapter's, through the steps in between:
    chapter 03's Cox model (all OP starters, its covariates, conditional), the same model on this
    study's population, a Cox model with this chapter's covariates without weighting (conditional),
    and this chapter's weighted Cox model (marginal). Columns ``stap``, ``starters``, ``gecorrigeerd
    voor``, ``weging``, ``HR`` and its 95 % interval; a step that cannot be fitted is left out."""
    rows = []

    def add(stap, n, covs, weging, hr, lo, hi):
        rows.append((stap, float(n), covs, weging, float(hr), float(lo), float(hi)))

    def label03(fit):
        return opsomming([MODEL_KENMERKEN.get(c, c) for c in fit.summary.index if c != TREATMENT])

    fit03 = cox_starters(starters(region))
    if fit03 is not None and TREATMENT in fit03.summary.index:
        r = fit03.summary.loc[TREATMENT]
        add("hoofdstuk 3: Cox-model, alle startende leraren", fit03.n, label03(fit03), "geen (conditioneel)",
            r["hr"], r["ci_lower"], r["ci_upper"])
        same = cox_starters(modelgegevens(study.cohort.data))
        if same is not None and TREATMENT in same.summary.index:
            r = same.summary.loc[TREATMENT]
            add("hetzelfde model, studiepopulatie van dit hoofdstuk", same.n, label03(same), "geen (conditioneel)",
                r["hr"], r["ci_lower"], r["ci_upper"])
    from regio_analysis.induction.study import COVARIATES

    d = study.cohort.data
    covs = opsomming([COVARIATES.get(c, c) for c in study.cohort.covariates])
    try:
        cl = CLUSTER if CLUSTER in d.columns and d[CLUSTER].nunique() > 1 else None
        adj = causal.weighted_cox(d, DURATION, EVENT, TREATMENT, None, covariates=study.cohort.covariates, cluster=cl)
        add("Cox-model met de kenmerken van dit hoofdstuk, zonder weging", adj.n, covs, "geen (conditioneel)", adj.hr,
            *adj.ci)
    except (DataError, ValueError, np.linalg.LinAlgError):
        pass
    cox = study.main.cox
    add("dit hoofdstuk: gewogen Cox-model", cox.n, covs, "propensityscore (marginaal)", cox.hr, *cox.ci)
    out = pd.DataFrame(rows, columns=["stap", "starters", "gecorrigeerd voor", "weging", "HR", "95%-BI laag",
                                      "95%-BI hoog"])
    out["starters"] = out["starters"].round().astype("Int64")
    kolommen(out, starters="aantal", HR=Kolom("getal", 2),
             **{"95%-BI laag": Kolom("getal", 2, hoog="95%-BI hoog", naam="95%-BI")})
    return describe(out, aantallen=["starters"], aandelen={})


#: what each step of :func:`hr_vergelijking` changes, in words
_STAPPEN = ("de populatie: alleen de starters met de startjaren en alle kenmerken van het doelexperiment",
            "de kenmerken waarvoor gecorrigeerd wordt",
            "de weging: hoofdstuk 3 schat een conditionele hazardratio (bij gelijke andere kenmerken), dit "
            "hoofdstuk een marginale (gemiddeld over de starters met inductie, na weging), en die zijn bij "
            "hazardratio's ook zonder verstoring niet gelijk")


def lezing_hr_vergelijking(tabel: pd.DataFrame) -> str:
    """One sentence: this chapter's hazard ratio against chapter 03's, whether each lies inside the
    other's 95 % interval, and the step that moves it most (computed from :func:`hr_vergelijking`),
    with the hazard ratio after each step."""
    if len(tabel) < 4:
        return ""
    hr = tabel["HR"].tolist()
    moves = [log_afstand(hr[i], hr[i + 1]) for i in range(3)]
    grootste = int(np.argmax(moves))
    tussen = (f"hetzelfde model als in hoofdstuk 3 geeft op de {fmt_getal(tabel['starters'].iloc[1], 0)} starters van "
              f"dit hoofdstuk {fmt_getal(hr[1], 2)}, met de kenmerken van dit hoofdstuk en zonder weging "
              f"{fmt_getal(hr[2], 2)}")
    elkaar = ""
    if {"95%-BI laag", "95%-BI hoog"} <= set(tabel.columns):
        lo, hi = tabel["95%-BI laag"].tolist(), tabel["95%-BI hoog"].tolist()
        if lo[0] <= hr[3] <= hi[0] and lo[3] <= hr[0] <= hi[3]:
            elkaar = ", elk binnen het 95%-interval van de ander"
    return (f"De hazardratio van inductie is in dit hoofdstuk {fmt_getal(hr[3], 2)} en in hoofdstuk 3 "
            f"{fmt_getal(hr[0], 2)}{elkaar}; het verschil zit vooral in {_STAPPEN[grootste]} ({tussen}).")


# ----------------------------------------------------------------------------- tables the readings quote


def risico_tabel(study: InductionStudy) -> pd.DataFrame:
    """The share of starters who left per arm and horizon, without correction (Kaplan-Meier) and
    weighted (the main analysis): the numbers of the risk readings. Without intervals: those of the
    differences are in the effects table."""
    rows = []
    for analyse, effect in (("zonder correctie", study.naive), ("gewogen (hoofdanalyse)", study.main)):
        h = effect.horizons
        for horizon in sorted(h["horizon"].unique()):
            row: dict[str, str | float] = {"analyse": analyse, "horizon": f"{int(horizon)} jaar"}
            for lab in LABELS:
                r = h[(h["measure"] == f"risico {lab}") & (h["horizon"] == horizon)]
                row[f"vertrokken {lab} (%)"] = 100 * float(r["estimate"].iloc[0]) if len(r) else np.nan
            rows.append(row)
    out = pd.DataFrame(rows)
    kolommen(out, **{f"vertrokken {lab} (%)": Kolom("pct", 1, naam=f"vertrokken {lab}") for lab in LABELS})
    return describe(out, aandelen={})


def overlap_tabel(weights: causal.PropensityWeights) -> pd.DataFrame:
    """The numbers of the overlap reading: the common range of the propensity scores, the share of
    starters inside it, and the effective size of the control group after weighting."""
    ps, t = weights.ps.to_numpy(), weights.treated.to_numpy()
    lo, hi = max(ps[t].min(), ps[~t].min()), min(ps[t].max(), ps[~t].max())
    rows = [("laagste score in het gemeenschappelijke bereik", lo, "ratio"),
            ("hoogste score in het gemeenschappelijke bereik", hi, "ratio"),
            ("starters met een score in dat bereik", 100 * float(np.mean((ps >= lo) & (ps <= hi))), "procent"),
            (f"starters {LABELS[1]}", float((~t).sum()), "aantal"),
            (f"effectieve omvang van de groep {LABELS[1]} na weging", float(weights.ess[LABELS[1]]), "ratio_0")]
    out = pd.DataFrame(rows, columns=["grootheid", "waarde", "eenheid"])
    out["eenheid"] = out["eenheid"].replace({"ratio_0": "aantal"})
    kolommen(out, waarde=Kolom("getal", eenheid="eenheid"))
    return describe(out, geen_aantallen=["waarde"], aandelen={})
