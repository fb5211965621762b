"""Chapter ``04_inductie_effect``: the induction study in Dutch.

The notebook makes one :class:`Hoofdstuk` and shows what its methods return. Everything it
shows is made here: the chapter's entry point (:func:`analyse`, which never raises on data
problems but says what is missing), the opening (``opening``: the question with its premise
worded for the data at hand, the definitions shared with chapter 03 and why the population is
smaller, for synthetic spells what the generator was told and built in and what the study
recovered against that truth, and why the hazard ratio differs from chapter 03's), the
target-trial protocol, the readings (``lezing_*``), the figures, the numeric tables with Dutch
headers and their display declared for ``report.format`` (selection flow, risks, overlap,
balance, effects, sensitivity, E-value, the comparison with chapter 03), the conclusion worded
from the numbers with their uncertainty (:func:`conclusie`: a verdict only about the region's
own data, a demonstration against the truth about synthetic data) and the reproducibility table.
The numbers come from :mod:`regio_analysis.induction.study` (whose frames have English
columns); nothing here raises on a region without a study: a table is empty, a figure ``None``
and a reading the message why.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis import causal
from regio_analysis.data.privacy import suppress_small_cells
from regio_analysis.errors import DataError
from regio_analysis.induction.study import (
    BOOT_SEED,
    CLUSTER,
    COVARIATES,
    DEFAULT_COVARIATES,
    LABELS,
    MIN_PER_GROUP,
    N_BOOT,
    InductionStudy,
    StudyCohort,
    parse_covariates,
    run_study,
    study_cohort,
)
from regio_analysis.induction.chapter.opening import (
    hr_vergelijking, lezing_hr_vergelijking, overlap_tabel, populatie, risico_tabel, tabel_terugvinden, teruggevonden,
    vraag, waarheid,
)
from regio_analysis.report.format import (DEMONSTRATIE, Kolom, bijschrift_tekst, fmt_getal, geen_gegevens, kolommen,
                                          opsomming, vergelijking)
from regio_analysis.report.figures import nl_assen
from regio_analysis.report.tables import bijschrift
from regio_analysis.data.provenance import Herkomst, berekend, herkomst_van, markeer, met_herkomst
from regio_analysis.retention.chapter.demonstratie import (
    herkomst_dienstverbanden, herkomst_generator, is_synthetisch, kop, opdracht, tabel_generator,
)


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


# ----------------------------------------------------------------------------- readings


def _pp(x: float, decimals: int = 1) -> str:
    """A difference in percentage points, Dutch notation with sign."""
    text = fmt_getal(abs(x), decimals)
    return f"−{text}" if x < 0 and text.strip("0,") else text


def _pct(x: float) -> str:
    return f"{fmt_getal(100 * x, 0)}%"


def lezing_stroom(cohort: StudyCohort, *, synthetisch: bool = False) -> str:
    """One sentence on the cohort: how many (synthetic) starters, how many with induction."""
    n = cohort.n_arms
    total = sum(n.values())
    if total == 0:
        return "Er zijn geen starters die aan de criteria voldoen; een schatting is niet mogelijk."
    if not cohort.usable:
        return (f"Te weinig starters voor een betrouwbare vergelijking: minstens {MIN_PER_GROUP} per groep is nodig "
                "(aantallen onder 10 worden niet getoond).")
    share = n[LABELS[0]] / total
    wie = "synthetische startende leraren" if synthetisch else "startende leraren"
    return (f"De studiepopulatie telt {fmt_getal(total, 0)} {wie}; {_pct(share)} van hen kreeg inductie "
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
    """One sentence: the largest imbalance before weighting and the largest |SMD| after
    (``balance``: a :func:`causal.balance_table`)."""
    before = balance[balance["weighting"] == "ongewogen"].assign(a=lambda d: d["smd"].abs())
    after = balance[balance["weighting"] == "gewogen"].assign(a=lambda d: d["smd"].abs())
    if before.empty:
        return "Er is geen balanstabel."
    worst = before.loc[before["a"].idxmax()]
    text = (f"Vóór weging verschillen de groepen het meest in {kenmerk_label(worst['covariate'])} "
            f"(SMD {fmt_getal(worst['smd'], 2)})")
    if after.empty:
        return text + "."
    m = float(after["a"].max())
    verdict = "alle kenmerken zijn in balans" if m < threshold else "niet alle kenmerken zijn in balans"
    return (text + f"; na weging is de grootste absolute SMD {fmt_getal(m, 2)}: {verdict} "
            f"(grens {fmt_getal(threshold, 1)}).")


def _voor(study: InductionStudy, zin: str) -> str:
    """``zin`` (starting with a capital) as a demonstration when the study's data are synthetic."""
    if not study.cohort.synthetic:
        return zin
    return f"{DEMONSTRATIE.capitalize()}: {zin[0].lower()}{zin[1:]}"


def lezing_risico(study: InductionStudy) -> str:
    """One sentence on the weighted risks of leaving at the main horizon."""
    h = study.horizon
    r1 = study.estimate(measure=f"risico {LABELS[0]}")
    r0 = study.estimate(measure=f"risico {LABELS[1]}")
    if r1.empty or r0.empty:
        return f"Na {h} jaar is de uitkomst van te weinig starters bekend voor een schatting."
    return _voor(study, f"Na {h} jaar is in de gewogen vergelijking naar schatting {_pct(r1['estimate'])} van de "
                        f"starters {LABELS[0]} bij hun bestuur vertrokken, tegen {_pct(r0['estimate'])} {LABELS[1]}.")


def lezing_interval(study: InductionStudy) -> str:
    """One sentence on how the intervals of the main analysis were made."""
    main = study.main
    if main.interval != "bootstrap":
        return ("De 95%-betrouwbaarheidsintervallen komen uit sandwich-standaardfouten (geclusterd per school); de "
                "censureringsgewichten gelden daarin als bekend, waardoor de intervallen iets te smal zijn.")
    d = main.details
    unit = "scholen" if d["unit"] == CLUSTER else ("rijen" if d["unit"] == "rij" else f"clusters ({d['unit']})")
    total = d["replicates"] + d["failed"]
    failed = (f" In {fmt_getal(d['failed'], 0)} van de {fmt_getal(total, 0)} steekproeven was een model niet te "
              f"schatten; die tellen niet mee, zodat de intervallen op {fmt_getal(d['replicates'], 0)} steekproeven "
              "rusten en eerder te smal dan te breed zijn." if d["failed"] else "")
    back = d.get("ml_fallback", 0)
    if back:
        failed = (f" In {fmt_getal(back, 0)} van de {fmt_getal(total, 0)} steekproeven kon het propensitymodel de "
                  "groepen niet in balans brengen; daar is het geschat met de gewone logistische regressie (maximum "
                  "likelihood), zodat ook die moeilijke steekproeven meetellen." + failed)
    return (f"De getoonde intervallen zijn 95%-betrouwbaarheidsintervallen uit {fmt_getal(total, 0)} "
            f"bootstrapsteekproeven: er worden steeds {unit} met teruglegging getrokken en het propensitymodel, het "
            "censureringsmodel, de uitkomstmodellen en het Cox-model worden in elke steekproef opnieuw geschat. Het "
            "interval van een verschil in vertrekrisico of verblijfsduur is in twee stappen gemaakt. Eerst krijgt elke "
            "groep (starters met en zonder inductie) een interval voor haar eigen uitkomst: een bootstrap-t-interval, "
            "dat de verdeling volgt van de afwijking van elke steekproefschatting gedeeld door haar standaardfout en "
            "daardoor niet symmetrisch rond de schatting hoeft te liggen. Daarna worden die twee intervallen "
            "samengevoegd tot een interval voor het verschil, rekening houdend met de samenhang tussen de groepen over "
            "de steekproeven (de MOVER-methode); zo houdt elke groep haar eigen scheefheid. Het interval van de "
            "hazardratio is de schatting plus en min 1,96 keer de standaardafwijking over de steekproeven op de "
            "logaritmische schaal." + failed)


def lezing_naief(study: InductionStudy) -> str:
    """One sentence comparing the naive with the adjusted risk difference at the horizon."""
    n = study.estimate("naive")
    m = study.estimate("main")
    if n.empty or m.empty:
        return "Voor deze horizon is geen vergelijking mogelijk."
    gap = 100 * (n["estimate"] - m["estimate"])
    direction = "gunstiger" if gap < 0 else "ongunstiger"
    return _voor(study, f"De naïeve vergelijking geeft na {study.horizon} jaar een verschil in vertrek van "
                        f"{_pp(100 * n['estimate'])} procentpunt, de gecorrigeerde analyse {_pp(100 * m['estimate'])} "
                        f"procentpunt: zonder correctie lijkt inductie {fmt_getal(abs(gap), 1)} procentpunt {direction} "
                        "dan na correctie voor de gemeten verschillen tussen de groepen.")


@dataclass(frozen=True)
class ConclusionNumbers:
    """The numbers the conclusion is worded from (risk differences in percentage points); for
    synthetic data also the truth: the generator's (conditional) hazard ratio and the true risk
    difference at the horizon among the study's starters (:func:`induction.true_effects`)."""

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
    true_hr: float | None = None
    true_rd: float | None = None


def conclusion_numbers(study: InductionStudy, truth: dict | None = None) -> ConclusionNumbers:
    """Collect the numbers for :func:`conclusie_tekst` from a study (``truth``: :func:`waarheid`)."""
    rd = study.estimate()
    sens = study.sensitivity.dropna(subset=["rd"])
    sens = sens[~sens["analysis"].str.startswith("naïef")]
    has_rd = not rd.empty
    truth = truth or {}
    return ConclusionNumbers(
        horizon=study.horizon, estimand=study.estimand,
        rd=100 * rd["estimate"] if has_rd else None, rd_lo=100 * rd["ci_lower"] if has_rd else None,
        rd_hi=100 * rd["ci_upper"] if has_rd else None,
        hr=study.main.cox.hr, hr_lo=study.main.cox.ci[0], hr_hi=study.main.cox.ci[1],
        sens_min=float(100 * sens["rd"].min()) if len(sens) > 1 else None,
        sens_max=float(100 * sens["rd"].max()) if len(sens) > 1 else None,
        e_point=study.evalue.point, e_ci=study.evalue.ci, covariates=tuple(study.cohort.covariates),
        synthetic=study.cohort.synthetic, true_hr=truth.get("hr"), true_rd=truth.get("rd"))


def conclusie_tekst(c: ConclusionNumbers) -> str:
    """The conclusion in Dutch (Markdown), worded from the numbers with their uncertainty.

    About the region's own data the verdict follows the 95 % interval of the risk difference at
    the horizon (:class:`report.format.Vergelijking`): below 0 (less leaving with induction),
    above 0 (more), or containing 0 ("no clear difference", never "no difference"); a wide
    interval (> 20 percentage points) is called too imprecise. About synthetic data there is no
    verdict: the conclusion says it demonstrates the method and sets the estimates against the
    generator's truth (the true risk difference, the built-in conditional hazard ratio). Then the
    range over the sensitivity analyses, the E-value and the limits of the comparison. Words that
    claim a finding (:data:`report.format.BEWIJSWOORDEN`) are not used.
    """
    h = c.horizon
    parts = []
    who = "bij de starters die inductie kregen" if c.estimand == "ATT" else "over alle starters"
    if c.synthetic:
        parts.append("**Dit is een demonstratie van de methode op synthetische gegevens, geen bevinding over de regio.**")
    if c.rd is None or c.rd_lo is None or c.rd_hi is None:  # the three are None together
        parts.append(f"Na {h} jaar is van te weinig starters bekend of ze vertrokken zijn om een risicoverschil te schatten.")
    else:
        interval = f"95%-betrouwbaarheidsinterval {_pp(c.rd_lo)} tot {_pp(c.rd_hi)} procentpunt"
        v = vergelijking(c.rd, c.rd_lo, c.rd_hi, 0.0, synthetisch=c.synthetic)
        if c.synthetic:
            zin = (f"{DEMONSTRATIE.capitalize()} is het geschatte verschil in vertrekrisico na {h} jaar {who} "
                   f"{_pp(c.rd)} procentpunt ({interval})")
            if c.true_rd is not None:
                binnen = c.rd_lo <= c.true_rd <= c.rd_hi
                zin += (f"; volgens de generator is het ware verschil {_pp(c.true_rd)} procentpunt, "
                        f"{'binnen' if binnen else 'buiten'} het interval")
            parts.append(zin + ".")
        elif v.sluit_uit and v.richting < 0:
            parts.append(f"**Inductie gaat in deze gegevens samen met minder vertrek.** Na {h} jaar is het vertrekrisico "
                         f"{who} naar schatting {fmt_getal(abs(c.rd), 1)} procentpunt lager dan zonder inductie "
                         f"({interval}).")
        elif v.sluit_uit:
            parts.append(f"**Inductie gaat in deze gegevens samen met méér vertrek.** Na {h} jaar is het vertrekrisico "
                         f"{who} naar schatting {fmt_getal(abs(c.rd), 1)} procentpunt hoger dan zonder inductie "
                         f"({interval}).")
        else:
            parts.append(f"**De gegevens laten geen duidelijk verschil door inductie zien.** De beste schatting na {h} "
                         f"jaar is {_pp(c.rd)} procentpunt verschil in vertrekrisico {who}, maar het {interval} bevat "
                         "zowel een gunstige als een ongunstige uitkomst; ook geen verschil past bij de gegevens.")
        if c.rd_hi - c.rd_lo > 20:
            parts.append(f"Het interval is breed ({fmt_getal(c.rd_hi - c.rd_lo, 0)} procentpunt): er zijn te weinig "
                         "starters om een verschil van realistische omvang betrouwbaar vast te stellen of uit te sluiten.")
    hr = f"{fmt_getal(c.hr, 2)} (95%-BI {fmt_getal(c.hr_lo, 2)} tot {fmt_getal(c.hr_hi, 2)})"
    if c.synthetic and c.true_hr is not None:
        parts.append(f"Over de hele follow-up is de gewogen hazardratio voor vertrek {hr}, tegen de ingebouwde "
                     f"{fmt_getal(c.true_hr, 2)}; die ingebouwde waarde is conditioneel (bij gelijke andere kenmerken), "
                     "de gewogen hazardratio marginaal (gemiddeld over de starters met inductie), dus ze hoeven niet "
                     "gelijk te zijn.")
    else:
        parts.append(f"Over de hele follow-up is de hazardratio voor vertrek {hr}.")
    if c.sens_min is not None and c.sens_max is not None:
        parts.append(f"In de gevoeligheidsanalyses ligt het risicoverschil na {h} jaar tussen "
                     f"{_pp(c.sens_min)} en {_pp(c.sens_max)} procentpunt.")
    if c.e_ci is not None and c.e_ci <= 1.0:
        parts.append(f"De E-waarde van de hazardratio is {fmt_getal(c.e_point, 2)}: zo sterk zou een niet-gemeten factor "
                     "met zowel inductie als vertrek moeten samenhangen om de puntschatting te verklaren; het interval "
                     "omvat 1 al.")
    else:
        parts.append(f"Een niet-gemeten factor die zowel met inductie als met vertrek samenhangt met een risicoratio van "
                     f"{fmt_getal(c.e_point, 2)} (E-waarde) zou de puntschatting volledig kunnen verklaren; voor de grens "
                     f"van het interval is dat {fmt_getal(c.e_ci, 2) if c.e_ci is not None else '–'}.")
    cov = opsomming([COVARIATES.get(x, x) for x in c.covariates])
    if c.synthetic:
        parts.append(f"Wat dit laat zien: of de correctie voor {cov} de waarheid terugvindt die de generator heeft "
                     "ingebouwd; over inductie in de regio zegt het niets.")
    else:
        parts.append(f"Dit is een observationele vergelijking: alleen voor {cov} is gecorrigeerd. Gerandomiseerd "
                     "onderzoek naar inductie vond kleine verschillen in behoud; een groot verschil in deze gegevens "
                     "verdient daarom extra scepsis.")
    return " ".join(parts)


def conclusie(study: InductionStudy, truth: dict | None = None) -> str:
    """The automatically worded conclusion of a study (see :func:`conclusie_tekst`)."""
    return conclusie_tekst(conclusion_numbers(study, truth))


# ----------------------------------------------------------------------------- reproducibility


PACKAGES = ("regio-analysis", "numpy", "pandas", "scipy", "statsmodels", "patsy", "lifelines", "matplotlib", "seaborn")


def table_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's content (values and column names, order-sensitive)."""
    h = hashlib.sha256()
    h.update("|".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


def reproducibility(region, parameters: dict[str, Any], tables: Sequence[str] = ("dienstverbanden",),
                    bootstrap: dict | None = None) -> pd.DataFrame:
    """Versions, input hashes, parameters and seed: what it takes to reproduce the chapter; with
    ``bootstrap`` (the main analysis's ``details``) also its replicates drawn, failed and used."""
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
        shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        rows.append(("parameter", key, shown or "(leeg)"))
    if bootstrap and "replicates" in bootstrap:
        rows += [("bootstrap", "steekproeven getrokken", str(bootstrap["replicates"] + bootstrap.get("failed", 0))),
                 ("bootstrap", "steekproeven waarin een model niet te schatten was", str(bootstrap.get("failed", 0))),
                 ("bootstrap", "steekproeven met het propensitymodel door maximum likelihood (geen balans mogelijk)",
                  str(bootstrap.get("ml_fallback", 0))),
                 ("bootstrap", "steekproeven gebruikt", str(bootstrap["replicates"]))]
    return pd.DataFrame(rows, columns=["onderdeel", "naam", "waarde"])


# ----------------------------------------------------------------------------- chapter entry point


@dataclass
class ChapterResult:
    """What the chapter shows: the cohort and the study, or a Dutch message why not."""

    cohort: StudyCohort | None
    study: InductionStudy | None
    message: str = ""


def analyse(region, cohort_van: int = 2019, cohort_tot: int = 2024, horizon: int = 3, estimand: str = "ATT",
            covariates: str = DEFAULT_COVARIATES, *, n_boot: int = N_BOOT, seed: int = BOOT_SEED) -> ChapterResult:
    """Run the study for a region; never raises on data problems (the message says what is missing).

    ``n_boot`` and ``seed``: the bootstrap of the main analysis (:func:`run_study`)."""
    if not region.has("dienstverbanden"):
        return ChapterResult(None, None, geen_gegevens("dienstverbanden (personeelsmicrodata)"))
    try:
        cohort = study_cohort(region.dienstverbanden, cohort_van, cohort_tot, covariates)
    except DataError as err:
        return ChapterResult(None, None, f"_De inductiestudie kan niet worden uitgevoerd: {err}_")
    if not cohort.usable:
        return ChapterResult(cohort, None, f"_{lezing_stroom(cohort)}_")
    try:
        study = run_study(cohort, estimand, horizon, n_boot=n_boot, seed=seed)
    except (DataError, np.linalg.LinAlgError) as err:
        return ChapterResult(cohort, None, f"_De effectschatting is niet mogelijk: {err}_")
    return ChapterResult(cohort, study)


def data_note(region) -> str:
    """One Markdown sentence on where the spells come from (synthetic data are labelled)."""
    if not region.has("dienstverbanden"):
        return ""
    if "dienstverbanden" in region.synthetisch:  # what the generator was told: opening.opdracht
        return kop(region)
    return "De dienstverbanden komen uit de aangeleverde personeelsgegevens van de regio (gepseudonimiseerd)."


def lezing_naief_risico(study: InductionStudy) -> str:
    """One sentence on the unadjusted risks of leaving at the main horizon."""
    h = study.horizon
    rows = study.naive.horizons
    r = {lab: rows[(rows["measure"] == f"risico {lab}") & (rows["horizon"] == float(h))] for lab in LABELS}
    if any(v.empty for v in r.values()):
        return f"Na {h} jaar is de uitkomst van te weinig starters bekend voor een vergelijking."
    a, b = (float(r[lab].iloc[0]["estimate"]) for lab in LABELS)
    oorzaak = ("verschillen tussen de groepen die de generator heeft ingebouwd (bevoegdheid en schoolgrootte)"
               if study.cohort.synthetic else "gemeten en niet-gemeten verschillen tussen de groepen")
    return _voor(study, f"Zonder correctie is na {h} jaar {_pct(a)} van de starters {LABELS[0]} bij hun bestuur "
                        f"vertrokken, tegen {_pct(b)} {LABELS[1]}: een verschil van {_pp(100 * (a - b))} procentpunt, "
                        f"dat deels kan komen door {oorzaak}.")


# ----------------------------------------------------------------------------- tables


def stroom_tabel(cohort: StudyCohort) -> pd.DataFrame:
    """The selection flow (``stap``, ``aantal``, ``onderdrukt``): counts below 10 hidden, as the
    model made it (with its privacy description), shown as whole numbers."""
    return kolommen(cohort.flow.copy(), aantal="aantal", onderdrukt="ja_nee")


#: the Dutch headers of :func:`balans_tabel` for the columns of :func:`causal.balance_table`
BALANS_KOLOMMEN = {"covariate": "covariaat", "type": "type", "weighting": "weging",
                   "mean_treated": f"gemiddelde {LABELS[0]}", "mean_control": f"gemiddelde {LABELS[1]}",
                   "difference": "verschil", "smd": "SMD", "variance_ratio": "variantieratio"}


def balans_tabel(balance: pd.DataFrame) -> pd.DataFrame:
    """A :func:`causal.balance_table` with Dutch headers, the numbers shown with three decimals."""
    out = balance[list(BALANS_KOLOMMEN)].rename(columns=BALANS_KOLOMMEN).reset_index(drop=True)
    out["covariaat"] = out["covariaat"].map(kenmerk_label)
    numbers = list(BALANS_KOLOMMEN.values())[3:]
    return kolommen(out, **{c: Kolom("getal", 3) for c in numbers})


#: the measures of :attr:`InductionStudy.effects` as the reader sees them: (label, scale)
EFFECT_MATEN = {"hazardratio": ("hazardratio (vertrek)", 1.0),
                "risicosverschil": ("verschil in vertrekrisico (procentpunt)", 100.0),
                "rmst-verschil": ("verschil in gemiddelde verblijfsduur (maanden)", 12.0)}


def effecten_tabel(study: InductionStudy) -> pd.DataFrame:
    """The main estimates: the hazard ratio over the whole follow-up and per horizon the difference in
    the risk of leaving (percentage points) and in the mean time at the board (months), with the
    95%-interval (``95%-BI laag``/``hoog``, shown as one cell) and ``n``: the starters whose status
    at the horizon is known, suppressed below 10 (``onderdrukt``)."""
    e = study.effects
    scale = e["measure"].map(lambda m: EFFECT_MATEN[m][1]).to_numpy(float)
    out = pd.DataFrame({
        "maat": e["measure"].map(lambda m: EFFECT_MATEN[m][0]),
        "horizon": e["horizon"].map(lambda h: "hele follow-up" if pd.isna(h) else f"{int(h)} jaar"),
        "schatting": e["estimate"].to_numpy(float) * scale,
        "95%-BI laag": e["ci_lower"].to_numpy(float) * scale, "95%-BI hoog": e["ci_upper"].to_numpy(float) * scale,
        "n": e["n"].astype(float)})
    out = suppress_small_cells(out, "n")
    return kolommen(out, schatting=Kolom("getal", 2), n="aantal", onderdrukt="ja_nee",
                    **{"95%-BI laag": Kolom("getal", 2, hoog="95%-BI hoog", naam="95%-BI")})


def sensitivity_table(study: InductionStudy) -> pd.DataFrame:
    """The sensitivity analyses: the hazard ratio and the risk difference at the horizon (percentage
    points) with their 95%-intervals (``... laag``/``hoog``, each shown as one cell), the largest
    |SMD| after weighting, the effective number of controls, how the interval was made and a note."""
    s = study.sensitivity
    rv = f"risicoverschil {study.horizon} jaar (pp)"
    out = pd.DataFrame({
        "analyse": s["analysis"], "hazardratio": s["hr"], "hr 95%-BI laag": s["hr_lower"],
        "hr 95%-BI hoog": s["hr_upper"], rv: 100 * s["rd"], "rv 95%-BI laag": 100 * s["rd_lower"],
        "rv 95%-BI hoog": 100 * s["rd_upper"], "max |SMD|": s["max_smd"], "effectieve n controle": s["ess_control"],
        "interval": s["interval"], "opmerking": s["note"]})
    return kolommen(out, hazardratio=Kolom("getal", 3), **{
        "hr 95%-BI laag": Kolom("getal", 2, hoog="hr 95%-BI hoog", naam="hr 95%-BI"), rv: Kolom("getal", 3),
        "rv 95%-BI laag": Kolom("getal", 1, hoog="rv 95%-BI hoog", naam="rv 95%-BI"), "max |SMD|": Kolom("getal", 3),
        "effectieve n controle": Kolom("getal", 0)})


def e_waarde_tabel(evalue: causal.EValue) -> pd.DataFrame:
    """The E-value of the hazard ratio and of its interval limit closest to 1 (three decimals)."""
    e = evalue.summary
    out = pd.DataFrame({"maat": e["measure"], "schatting": e["estimate"], "risicoratio": e["rr"],
                        "E-waarde schatting": e["evalue_estimate"], "E-waarde interval": e["evalue_ci"]})
    return kolommen(out, **{c: Kolom("getal", 3) for c in out.columns[1:]})


# ----------------------------------------------------------------------------- the chapter


#: how a curve of chapter 04 ends, said in its caption
_STOP = (f"een lijn stopt waar minder dan {MIN_PER_GROUP} starters nog gevolgd worden; stippellijnen: de horizonnen "
         "van 1, 3 en 5 jaar")
#: short Dutch names of the covariates in a figure (the study's own names are code)
KENMERK_LABELS = {"bevoegd": "bevoegd", "log_school_omvang": "schoolgrootte (log)", "route": "route",
                  "contract": "contract", "leeftijd_start": "leeftijd bij de start", "geslacht": "geslacht",
                  "fte": "omvang aanstelling (fte)", "start_jaar": "startjaar"}


def kenmerk_label(naam: str) -> str:
    """``log_school_omvang -> schoolgrootte (log)``, ``route: zij-instroom -> route: zij-instroom``."""
    base, sep, level = str(naam).partition(": ")
    return KENMERK_LABELS.get(base, base.replace("_", " ")) + (f": {level}" if sep else "")


def figuur_vertrek(study: InductionStudy, gewogen: bool, ax: Axes | None = None) -> Axes:
    """Cumulative share leaving (%) per arm, unweighted or weighted, each curve stopping where fewer
    than ``MIN_PER_GROUP`` starters of its arm are still followed (the unweighted count, also for
    the weighted curves); the horizons dotted."""
    from regio_analysis.report.figures import afkaptijd, overlevingscurves

    naive = study.naive.km.table
    afkap = {str(g): afkaptijd(part.sort_values("time"), MIN_PER_GROUP)
             for g, part in naive.groupby("group", observed=True)}
    table = (study.main if gewogen else study.naive).km.table
    ax = overlevingscurves(table, groep="group", ax=ax, risico=True, afkap=afkap, band=True,
                           ylabel="Vertrokken (cumulatief)", xlabel="Jaren sinds de start")
    for h in sorted(set(study.main.horizons["horizon"])):
        ax.axvline(h, color="0.5", linestyle=":", linewidth=1)
    return ax


def figuur_balans(balance: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The Love plot (:func:`causal.love_plot`) with Dutch names of the covariates, the legend beside it."""
    ax = causal.love_plot(balance, ax=ax)
    ax.set_yticklabels([kenmerk_label(t.get_text()) for t in ax.get_yticklabels()])
    ax.set_xlabel("Absoluut gestandaardiseerd verschil (SMD)")
    ax.set_xlim(-0.02 * ax.get_xlim()[1], None)  # a balanced covariate's marker at 0 is shown whole
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    nl_assen(ax)
    return ax


@met_herkomst
class Hoofdstuk:
    """Chapter 04 for one region: everything the notebook shows, the study run once.

    The parameters are the notebook's: the start years of the cohort (``cohort_van`` ..
    ``cohort_tot``), the main ``horizon`` (years), the ``estimand`` (ATT or ATE), the
    ``covariates`` adjusted for (comma-separated), the ``seed`` of the synthetic spells (shown
    in the reproducibility table), and the bootstrap of the main analysis (``n_boot``
    replicates seeded by ``boot_seed``). Without a study (no spells, too few starters, a model
    that cannot be fitted) the tables are empty, the figures ``None`` and the readings say why.
    """

    def __init__(self, region, *, cohort_van: int = 2019, cohort_tot: int = 2024, horizon: int = 3,
                 estimand: str = "ATT", covariates: str = DEFAULT_COVARIATES, seed: int = 0, n_boot: int = N_BOOT,
                 boot_seed: int = BOOT_SEED):
        self.region = region
        self.cohort_van, self.cohort_tot = cohort_van, cohort_tot
        self.horizon, self.estimand, self.covariates = horizon, estimand, covariates
        self.seed, self.n_boot, self.boot_seed = seed, n_boot, boot_seed

    # --- what the methods share
    @cached_property
    def resultaat(self) -> ChapterResult:
        """The cohort and the study, or the message why not (:func:`analyse`)."""
        return analyse(self.region, self.cohort_van, self.cohort_tot, self.horizon, self.estimand, self.covariates,
                       n_boot=self.n_boot, seed=self.boot_seed)

    @property
    def cohort(self) -> StudyCohort | None:
        return self.resultaat.cohort

    @property
    def studie(self) -> InductionStudy | None:
        return self.resultaat.study

    @property
    def melding(self) -> str:
        """Why there is no study ("" when there is one)."""
        return self.resultaat.message

    @property
    def synthetisch(self) -> bool:
        """Whether the spells are synthetic (the chapter is then a demonstration of the method)."""
        return is_synthetisch(self.region)

    @cached_property
    def waarheid(self) -> dict | None:
        """For synthetic spells the generator's truth (:func:`opening.waarheid`); None otherwise."""
        return waarheid(self.region, self.studie) if self.studie is not None else None

    # --- the notebook, in order
    def inleiding(self) -> str:
        """The question (its premise worded for these data), the definitions and why the population
        differs from chapter 03's, where the spells come from (for synthetic spells: what the
        generator was told and built in, and what the study recovered) and, without a study, why not."""
        if not self.region.has("dienstverbanden"):
            return self.melding
        delen = [vraag(self.region)]
        if self.cohort is not None:
            delen.append(populatie(self.region, self.cohort))
        if is_synthetisch(self.region):
            delen.append(" ".join(t for t in (kop(self.region), opdracht(self.region),
                                               teruggevonden(self.waarheid, self.studie) if self.studie else "") if t))
        else:
            delen.append(data_note(self.region))
        return "\n\n".join(t for t in (*delen, self.melding) if t)

    def herkomst(self) -> tuple[Herkomst, ...]:
        return herkomst_dienstverbanden(self.region)

    def _bijschrift(self, df: pd.DataFrame, tekst: str) -> pd.DataFrame:
        """``df`` marked with the spells' provenance (unless marked already) and captioned."""
        if not df.empty and not herkomst_van(df):
            markeer(df, *self.herkomst())
        return bijschrift(df, bijschrift_tekst(tekst, herkomst_van(df)))

    def tabel_generator(self) -> pd.DataFrame:
        """What the generator of the synthetic spells was told and built in (empty for real spells)."""
        return self._bijschrift(markeer(tabel_generator(self.region), *herkomst_generator(self.region)), "Afstemmingsdoelen "
                                "en ingebouwde verbanden van de generator van de synthetische dienstverbanden")

    def tabel_terugvinden(self) -> pd.DataFrame:
        """The estimates against the generator's truth (empty for real spells or without a study)."""
        return self._bijschrift(tabel_terugvinden(self.studie, self.waarheid) if self.studie is not None else pd.DataFrame(),
                                "Schattingen van de studie naast de waarheid die in de generator is ingebouwd")

    @cached_property
    def _hr_vergelijking(self) -> pd.DataFrame:
        return hr_vergelijking(self.region, self.studie) if self.studie is not None else pd.DataFrame()

    def tabel_hr_vergelijking(self) -> pd.DataFrame:
        """Chapter 03's hazard ratio of induction against this chapter's, step by step."""
        return self._bijschrift(self._hr_vergelijking, "Hazard ratio van inductie: van het Cox-model van hoofdstuk 3 "
                                "stap voor stap naar het gewogen model van dit hoofdstuk")

    def lezing_hr_vergelijking(self) -> str:
        return lezing_hr_vergelijking(self._hr_vergelijking) if self.studie is not None else self.melding

    def tabel_risicos(self) -> pd.DataFrame:
        return self._bijschrift(risico_tabel(self.studie) if self.studie is not None else pd.DataFrame(),
                                "Vertrokken starters met en zonder inductie per termijn, zonder correctie en na weging")

    def tabel_overlap(self) -> pd.DataFrame:
        return self._bijschrift(overlap_tabel(self.studie.main.weights) if self.studie is not None else pd.DataFrame(),
                                "Overlap van de propensityscores en de omvang van de groep zonder inductie na weging")

    def tabel_doelexperiment(self) -> pd.DataFrame:
        return bijschrift(markeer(target_trial(self.cohort_van, self.cohort_tot, self.horizon, self.estimand,
                                               parse_covariates(self.covariates)),
                                  berekend("de opzet van de studie met de parameters van dit hoofdstuk")),
                          "Het doelexperiment en hoe deze gegevens het nabootsen")

    def tabel_stroomdiagram(self) -> pd.DataFrame:
        return self._bijschrift(stroom_tabel(self.cohort) if self.cohort is not None else pd.DataFrame(),
                                "Selectie van de startende leraren in de studie, stap voor stap")

    def lezing_stroom(self) -> str:
        return (lezing_stroom(self.cohort, synthetisch=is_synthetisch(self.region)) if self.cohort is not None
                else self.melding)

    def _synth(self) -> str:
        return " (synthetisch)" if is_synthetisch(self.region) else ""

    def figuur_naief(self) -> Axes | None:
        """The unadjusted cumulative share leaving per arm (Kaplan-Meier)."""
        if self.studie is None:
            return None
        return bijschrift(figuur_vertrek(self.studie, gewogen=False),
                          f"Cumulatief aandeel startende leraren{self._synth()} dat het bestuur verliet, met en zonder "
                          f"inductie, zonder correctie voor verschillen tussen de groepen (Kaplan-Meier); {_STOP}")

    def lezing_naief_risico(self) -> str:
        return lezing_naief_risico(self.studie) if self.studie is not None else self.melding

    def figuur_overlap(self) -> Axes | None:
        """The propensity scores of both arms (:meth:`causal.PropensityWeights.plot`)."""
        if self.studie is None:
            return None
        ax = self.studie.main.weights.plot()
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)  # never on the bars
        nl_assen(ax)
        ax.set(xlabel="Propensityscore (kans op inductie volgens het model)")
        return bijschrift(ax, f"Verdeling van de propensityscore bij starters met en zonder inductie{self._synth()}: "
                              "waar beide groepen voorkomen, zijn ze te vergelijken")

    def lezing_overlap(self) -> str:
        return lezing_overlap(self.studie.main.weights) if self.studie is not None else self.melding

    def figuur_balans(self) -> Axes | None:
        """The Love plot: |SMD| per covariate before and after weighting (:func:`causal.love_plot`)."""
        if self.studie is None:
            return None
        return bijschrift(figuur_balans(self.studie.balance),
                          f"Verschil tussen starters met en zonder inductie per kenmerk{self._synth()}, vóór en na "
                          "weging: absoluut gestandaardiseerd verschil in gemiddelden (SMD); links van de stippellijn "
                          "(0,1) zijn de groepen op dat kenmerk in balans")

    def lezing_balans(self) -> str:
        return lezing_balans(self.studie.balance) if self.studie is not None else ""

    def tabel_balans(self) -> pd.DataFrame:
        return self._bijschrift(balans_tabel(self.studie.balance) if self.studie is not None else pd.DataFrame(),
                                "Kenmerken van starters met en zonder inductie, vóór en na weging")

    def figuur_effect(self) -> Axes | None:
        """The cumulative share leaving per arm after weighting, with the horizons marked."""
        if self.studie is None:
            return None
        wie = "bij de starters die inductie kregen" if self.estimand == "ATT" else "over alle starters"
        return bijschrift(figuur_vertrek(self.studie, gewogen=True),
                          f"Cumulatief aandeel startende leraren{self._synth()} dat het bestuur verliet, met en zonder "
                          f"inductie, na weging met de propensityscore (vergelijking {wie}); {_STOP}")

    def lezing_risico(self) -> str:
        return lezing_risico(self.studie) if self.studie is not None else self.melding

    def tabel_effecten(self) -> pd.DataFrame:
        return self._bijschrift(effecten_tabel(self.studie) if self.studie is not None else pd.DataFrame(),
                                "Verschil tussen starters met en zonder inductie in vertrek en verblijfsduur, per termijn, "
                                "met 95%-betrouwbaarheidsinterval")

    def lezing_interval(self) -> str:
        return lezing_interval(self.studie) if self.studie is not None else ""

    def lezing_naief(self) -> str:
        return lezing_naief(self.studie) if self.studie is not None else ""

    def tabel_gevoeligheid(self) -> pd.DataFrame:
        return self._bijschrift(sensitivity_table(self.studie) if self.studie is not None else pd.DataFrame(),
                                "Gevoeligheidsanalyses: de schattingen bij andere keuzes in de analyse")

    def tabel_e_waarde(self) -> pd.DataFrame:
        return self._bijschrift(e_waarde_tabel(self.studie.evalue) if self.studie is not None else pd.DataFrame(),
                                "E-waarde: hoe sterk een niet gemeten verstorende factor moet zijn om de schatting te "
                                "verklaren")

    def conclusie(self) -> str:
        return conclusie(self.studie, self.waarheid) if self.studie is not None else self.melding

    def tabel_reproduceerbaarheid(self, invoer: bool | None = None) -> pd.DataFrame:
        """Versions, input hashes and the parameters of the notebook (with the region and seed); with
        ``invoer`` True only the input hashes, False all but them (the report shows the two apart)."""
        boot = self.studie.main.details if self.studie is not None and self.studie.main.interval == "bootstrap" else None
        df = reproducibility(self.region, {
            "regio_id": self.region.regio_id, "seed": self.seed, "cohort_van": self.cohort_van,
            "cohort_tot": self.cohort_tot, "horizon": self.horizon, "estimand": self.estimand,
            "covariates": self.covariates}, bootstrap=boot)
        if invoer is not None:
            df = df[df["onderdeel"].str.contains("sha256") == invoer].reset_index(drop=True)
        tekst = {None: "Versies, vingerafdrukken van de invoer en parameters van deze berekening",
                 True: "Vingerafdrukken (SHA-256) van de invoer van deze berekening",
                 False: "Softwareversies, parameters en bootstrap van deze berekening"}[invoer]
        return bijschrift(markeer(df, berekend("versies, vingerafdrukken van de invoer en parameters van deze berekening"),
                                  *self.herkomst()), tekst)

    def lezingen(self) -> dict[str, str]:
        """Every reading the notebook shows, by name (for checks on their wording and numbers)."""
        names = ("inleiding", "lezing_stroom", "lezing_naief_risico", "lezing_overlap", "lezing_balans", "lezing_risico",
                 "lezing_interval", "lezing_naief", "lezing_hr_vergelijking", "conclusie")
        return {n: getattr(self, n)() for n in names}

    def tabellen(self) -> dict[str, pd.DataFrame]:
        """Every table the notebook shows, by its file name."""
        return {"inductie-generator": self.tabel_generator(), "inductie-terugvinden": self.tabel_terugvinden(),
                "inductie-doelexperiment": self.tabel_doelexperiment(), "inductie-stroomdiagram": self.tabel_stroomdiagram(),
                "inductie-risicos": self.tabel_risicos(), "inductie-overlap": self.tabel_overlap(),
                "inductie-balans": self.tabel_balans(), "inductie-effecten": self.tabel_effecten(),
                "inductie-hr-vergelijking": self.tabel_hr_vergelijking(),
                "inductie-gevoeligheid": self.tabel_gevoeligheid(), "inductie-e-waarde": self.tabel_e_waarde(),
                "inductie-reproduceerbaarheid": self.tabel_reproduceerbaarheid(False),
                "inductie-invoer": self.tabel_reproduceerbaarheid(True)}
