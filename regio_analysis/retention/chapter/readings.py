"""The chapter's figures and Dutch readings, each computed from the numbers it describes."""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.report.figures import nl_formatter
from regio_analysis.report.format import DEMONSTRATIE, fmt_getal, fmt_pct, geen_gegevens, opsomming, vergelijking
from regio_analysis.retention.cox import CoxResult
from regio_analysis.retention.discrete import DiscreteTimeResult
from regio_analysis.retention.km import LogrankResult
from regio_analysis.retention.chapter.analyses import K, KENMERKEN, MODEL_KENMERKEN, cox_starters
from regio_analysis.retention.chapter.demonstratie import definities, doelen, is_synthetisch, kop, opdracht, ware_hr
from regio_analysis.retention.chapter.tables import (
    _aandeel_verraadt, _bestemmingen_getoond, _p_tekst, lezing_hr, vertrek_en_ambitie,
)


def inleiding(region, spells: pd.DataFrame, vertrek: pd.DataFrame | None = None, fit: CoxResult | None = None) -> str:
    """The chapter's opening (Markdown): who is followed, the definitions of *starter* and
    *vertrek* (the same in chapter 04), and for synthetic spells the demonstration note: what the
    generator was told and built in (the table :func:`demonstratie.tabel_generator` follows) and
    what the method recovers against that (the share leaving within a year against its target,
    the Cox hazard ratio of induction against the built-in one). ``vertrek`` and ``fit`` are the
    chapter's :func:`tables.vertrek_en_ambitie` and Cox model (computed when not given)."""
    if spells.empty:
        return geen_gegevens("dienstverbanden van startende leraren")
    n = len(spells)
    n_ev = int(spells["event"].sum())
    jaren = f"{int(spells['start_jaar'].min())}–{int(spells['start_jaar'].max())}"
    aantal = "minder dan 10" if n < K else fmt_getal(n, 0)
    vertrokken = "minder dan 10" if n_ev < K else fmt_getal(n_ev, 0)
    wie = "synthetische startende leraren" if is_synthetisch(region) else "startende leraren"
    delen = [f"Dit hoofdstuk volgt {aantal} {wie} die in {jaren} begonnen; {vertrokken} van hen "
             "vertrokken binnen de waarnemingsperiode, en wie nog in dienst is, telt mee tot het einde van de gegevens "
             "(gecensureerd).",
             f"Definities (dezelfde in het hoofdstuk over inductie): {definities()}"]
    if is_synthetisch(region):
        vertrek = vertrek_en_ambitie(region, spells) if vertrek is None else vertrek
        fit = cox_starters(spells) if fit is None else fit
        delen.append(f"{kop(region)} {opdracht(region)} {_teruggevonden(region, vertrek, fit)}")
    return "\n\n".join(delen)


def _teruggevonden(region, vertrek: pd.DataFrame, fit: CoxResult | None) -> str:
    """What the method recovered: the share leaving within a year against the generator's target
    and the Cox hazard ratio of induction against the built-in one."""
    doel = doelen(region).set_index("naam")
    zinnen = []
    een = vertrek[vertrek["horizon (jaar)"] == 1] if not vertrek.empty else vertrek
    if not een.empty and pd.notna(een.iloc[0]["geschat vertrek"]) and "vertrek_1_jaar" in doel.index:
        r = een.iloc[0]
        target = float(doel.loc["vertrek_1_jaar", "waarde"])
        v = vergelijking(r["geschat vertrek"], r["ci_lower"], r["ci_upper"], target, synthetisch=True)
        interval = ("het 95%-interval omvat het doel" if not v.sluit_uit else "het 95%-interval sluit het doel uit")
        zinnen.append(f"Wat de methode terugvindt: binnen een jaar verlaat naar schatting {fmt_pct(r['geschat vertrek'] * 100, 1)}"
                      f" (95%-BI {fmt_getal(r['ci_lower'] * 100, 1)}–{fmt_pct(r['ci_upper'] * 100, 1)}) van de "
                      f"startende leraren het bestuur, tegen een afstemmingsdoel van {fmt_pct(target * 100, 1)}; "
                      f"{interval}. De afstemming geldt voor alle starters (ook onderwijsondersteuners en directie) "
                      "die minstens een jaar gevolgd zijn, de schatting voor leraren (Kaplan-Meier, alle startjaren).")
    elif "vertrek_1_jaar" in doel.index:
        zinnen.append("Het aandeel dat binnen een jaar vertrekt, wordt hier niet getoond (te weinig starters), dus ook "
                      "niet tegen het afstemmingsdoel gezet.")
    if fit is not None and "inductie" in fit.summary.index:
        c = fit.summary.loc["inductie"]
        true = ware_hr(region)
        omvat = c["ci_lower"] <= true <= c["ci_upper"]
        zinnen.append(f"Het Cox-model verderop geeft voor inductie HR {fmt_getal(c['hr'], 2)} (95%-BI "
                      f"{fmt_getal(c['ci_lower'], 2)}–{fmt_getal(c['ci_upper'], 2)}) tegen de ingebouwde "
                      f"{fmt_getal(true, 2)}; het interval {'omvat' if omvat else 'omvat niet'} de ingebouwde waarde.")
    return " ".join(zinnen)


def figuur_km(km: pd.DataFrame, tekst: str = "", ax: Axes | None = None, horizon: float | None = None,
              ambitie: float | None = None) -> Axes | None:
    """Retention curves (share still employed, %) with 95% bands, each stopping where fewer than K
    starters are still followed; ``None`` when empty. ``tekst`` is the caption.

    ``ambitie`` (a share leaving within one year, 0-1) is drawn as a marker at one year.
    """
    from regio_analysis.report.figures import overlevingscurves
    from regio_analysis.report.tables import bijschrift

    if km is None or km.empty:
        return None
    by = km.attrs.get("by", [])
    ax = overlevingscurves(km if by else km.assign(groep="alle starters"), groep=by[0] if by else "groep", ax=ax,
                           minimum=K, horizon=horizon, ylabel="Nog in dienst bij het bestuur")
    if ambitie is not None:
        ax.plot([1.0], [(1 - ambitie) * 100], marker="D", color="0.2", linestyle="none",
                label=f"ambitie: hooguit {fmt_pct(ambitie * 100, 0)} vertrek in jaar 1")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return bijschrift(ax, tekst) if tekst else ax


def _behoud_as(ax: Axes, ylabel: str) -> Axes:
    """Axes of a retention figure: 0-100 % with Dutch ticks, years since the start, legend beside."""
    ax.set_ylim(0, 102)
    ax.yaxis.set_major_formatter(nl_formatter(0, pct=True))
    ax.xaxis.set_major_formatter(nl_formatter())
    ax.set_xlabel("Jaren sinds de start")
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax


def _op_horizon(km: pd.DataFrame, t: float) -> pd.DataFrame:
    """Survival per group at ``t`` from a KM table (last time <= t)."""
    by = km.attrs.get("by", [])
    rows = []
    for name, g in (km.groupby(by, observed=True, sort=True) if by else [("alle", km)]):
        name = name[0] if isinstance(name, tuple) else name
        n = int(round(g["events"].sum() + g["censored"].sum()))  # everyone ends once: an exit or censored
        before = g[g["time"] <= t]
        left = int(round(before["events"].sum()))
        if before.empty:
            rows.append({"groep": name, "survival": 1.0, "ci_lower": 1.0, "ci_upper": 1.0, "n": n, "vertrokken": 0})
        else:
            r = before.iloc[-1]
            rows.append({"groep": name, "survival": r["survival"], "ci_lower": r["ci_lower"], "ci_upper": r["ci_upper"],
                         "n": n, "vertrokken": left})
    return pd.DataFrame(rows)


def lezing_km(km: pd.DataFrame, kenmerk: str, t: float = 1.0, logrank: LogrankResult | None = None,
              weggelaten: Sequence[str] = (), synthetisch: bool = False) -> str:
    """One sentence comparing the groups' retention at ``t`` years (and the log-rank test); about
    synthetic spells worded as a demonstration."""
    wat, _ = KENMERKEN[kenmerk]
    if km is None or km.empty:
        return geen_gegevens(f"behoud naar {wat} (groepen van minstens {K} starters)")
    at = _op_horizon(km, t)
    jaar = "een jaar" if t == 1 else f"{fmt_getal(t)} jaar"
    # as in the horizon table: no share for a group with fewer than K leavers by then, nor one that,
    # times the group's size, gives back fewer than K leavers or stayers (whole percents here)
    verborgen = [r.groep for r in at.itertuples()
                 if 0 < r.vertrokken < K or _aandeel_verraadt(1 - r.survival, r.n, K, decimals=0)]
    at = at[~at["groep"].isin(verborgen)]
    if at.empty:
        return (f"Het behoud na {jaar} per groep wordt niet genoemd: in elke groep zijn er minder dan {K} "
                "vertrekkers of blijvers, en die aantallen blijven verborgen.")
    delen = [f"{fmt_pct(r.survival * 100, 0)} van de starters {r.groep}" for r in at.itertuples()]
    voor = f"{DEMONSTRATIE.capitalize()} is na" if synthetisch else "Na"
    if len(delen) == 1:
        tekst = f"{voor} {jaar} {delen[0]} nog in dienst bij hetzelfde bestuur."
    else:
        hoog = at.loc[at["survival"].idxmax()]
        laag = at.loc[at["survival"].idxmin()]
        tekst = f"{voor} {jaar} nog in dienst: {opsomming(delen)}." if synthetisch else \
            f"Na {jaar} is nog in dienst: {opsomming(delen)}."
        if hoog["groep"] != laag["groep"]:
            verschil = (hoog["survival"] - laag["survival"]) * 100
            tekst += (f" Starters {hoog['groep']} blijven het vaakst ({fmt_getal(verschil, 0)} procentpunt meer "
                      f"dan starters {laag['groep']})")
            if logrank is not None and np.isfinite(logrank.p):
                tekst += f"; de log-ranktoets over de hele looptijd geeft {_p_tekst(logrank.p)}"
                if logrank.p >= 0.05 and not synthetisch:
                    tekst += ", dus geen duidelijk verschil"
            tekst += "."
    if verborgen:
        tekst += (f" Voor starters {opsomming([str(g) for g in verborgen])} staat hier geen percentage: het zou een "
                  f"aantal vertrekkers of blijvers onder de {K} prijsgeven.")
    if weggelaten:
        tekst += f" Weggelaten wegens minder dan {K} starters: {opsomming(weggelaten)}."
    return tekst


def lezing_ambitie(tabel: pd.DataFrame, synthetisch: bool = False, doel: float | None = None,
                   zonder_termijn: pd.DataFrame | None = None) -> str:
    """Compare one-year leaving (and other horizons with an ambition) with the region's ambition.

    The verdict is :meth:`report.format.Vergelijking.oordeel`: "aantoonbaar" only about the
    region's own data whose interval excludes the ambition. About synthetic spells the reading
    demonstrates the method and says why the comparison tells nothing about the region: the
    generator was calibrated to ``doel`` (its one-year target, a share) and so the estimate repeats
    it. ``zonder_termijn``: published shares without a stated horizon (:func:`gepubliceerd_vertrek`),
    named with the one-year row."""
    if tabel.empty:
        return geen_gegevens("vertrek van startende leraren")
    zinnen = []
    for r in tabel.itertuples(index=False):
        h, v, lo, hi, amb, pub = r[0], r[1], r[2], r[3], r[5], r[6]
        if (h != 1 and pd.isna(amb)) or pd.isna(v):  # no estimate: hidden to protect small counts
            continue
        jaar = "een jaar" if h == 1 else f"{h} jaar"
        wie = "de synthetische starters" if synthetisch else "de starters"
        zin = f"Binnen {jaar} verlaat naar schatting {fmt_pct(v * 100, 1)} van {wie} het bestuur"
        if pd.notna(lo) and pd.notna(hi):
            zin += f" (95%-betrouwbaarheidsinterval {fmt_getal(lo * 100, 1)}–{fmt_pct(hi * 100, 1)})"
        if pd.notna(amb):
            oordeel = vergelijking(v, lo, hi, amb, synthetisch=synthetisch).oordeel(
                "dat", f"de ambitie van de regio van hooguit {fmt_pct(amb * 100, 0)}")
            zin += f"; {oordeel}"
        elif h == 1:
            zin += "; de regio heeft hiervoor geen streefwaarde vastgelegd"
        if pd.notna(pub):
            zin += f" (de regio publiceerde {fmt_pct(pub * 100, 0)})"
        elif h == 1 and zonder_termijn is not None and not zonder_termijn.empty:
            zin += (f" (de regio publiceerde {opsomming([fmt_pct(w * 100, 1) for w in zonder_termijn['waarde']])} "
                    "zonder termijn)")
        zinnen.append(zin + ".")
    tekst = " ".join(zinnen)
    if synthetisch:
        tekst += " De gegevens zijn synthetisch"
        if doel is not None:
            tekst += (f": de generator is afgestemd op {fmt_pct(doel * 100, 1)} vertrek binnen een jaar, dus de "
                      "schatting herhaalt die afstemming en zegt niets over de werkelijke stand in de regio")
        tekst += "; de vergelijking toont alleen de werkwijze."
    return tekst


def figuur_bestemmingen(ci: pd.DataFrame, tekst: str = "", ax: Axes | None = None) -> Axes | None:
    """Stacked cumulative incidence per destination (destinations with fewer than K leavers are
    grouped); ``tekst`` is the caption."""
    import matplotlib.pyplot as plt

    from regio_analysis.report.figures import kleuren
    from regio_analysis.report.tables import bijschrift

    if ci is None or ci.empty:
        return None
    if ax is None:
        _, ax = plt.subplots()
    shown = _bestemmingen_getoond(ci)
    wide = shown.pivot_table(index="time", columns="bestemming", values="cif", aggfunc="sum", observed=True)
    t = np.concatenate([[0.0], wide.index.to_numpy()])
    ys = [np.concatenate([[0.0], wide[c].to_numpy() * 100]) for c in wide.columns]
    palette = kleuren(list(wide.columns))
    ax.stackplot(t, *ys, labels=list(wide.columns), colors=[palette[c] for c in wide.columns], alpha=0.85, step="post")
    ax.yaxis.set_major_formatter(nl_formatter(0, pct=True))
    ax.xaxis.set_major_formatter(nl_formatter())
    ax.set_xlabel("Jaren sinds de start")
    ax.set_ylabel("Vertrokken (cumulatief)")
    ax.set_xlim(0, t[-1])
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, title="Bestemming")
    return bijschrift(ax, tekst) if tekst else ax


def lezing_bestemmingen(ci: pd.DataFrame, synthetisch: bool = False) -> str:
    """Where starters went, at the last time of the table (about synthetic spells: a demonstration)."""
    if ci is None or ci.empty:
        return geen_gegevens("bestemmingen van vertrekkende starters")
    shown = _bestemmingen_getoond(ci)
    t = shown["time"].max()
    last = shown[shown["time"] == t].sort_values("cif", ascending=False)
    delen = [f"{fmt_pct(r.cif * 100, 1)} {r.bestemming}" for r in last.itertuples() if r.cif > 0]
    if not delen:
        return f"Binnen {fmt_getal(t)} jaar vertrok geen van de gevolgde starters."
    top = last.iloc[0]
    voor = f"{DEMONSTRATIE.capitalize()} is binnen" if synthetisch else "Binnen"
    na = "" if synthetisch else " is"
    return (f"{voor} {fmt_getal(t)} jaar na de start{na} (Aalen-Johansen, rekening houdend met de andere "
            f"vertrekredenen) naar schatting vertrokken naar: {opsomming(delen)}. De grootste stroom is "
            f"'{top['bestemming']}'{' (de verdeling over bestemmingen is een keuze van de generator)' if synthetisch else ''}.")


def lezing_cox(fit: CoxResult | None, synthetisch: bool = False) -> str:
    """The model in two sentences: what it adjusts for and the clearest association (an interval
    that excludes 1), worded as a demonstration about synthetic spells."""
    if fit is None:
        return geen_gegevens(f"een vertrekmodel (minstens {K} vertrekkers nodig)")
    s = fit.summary
    labels = [MODEL_KENMERKEN.get(c, c) for c in s.index]
    sig = s[[vergelijking(r["hr"], r["ci_lower"], r["ci_upper"], 1.0, synthetisch=False).sluit_uit
             for _, r in s.iterrows()]]
    tekst = (f"Het Cox-model vergelijkt het vertrekrisico op elk moment tussen starters die verschillen in één "
             f"kenmerk terwijl de andere gelijk zijn ({opsomming(labels)}); {fmt_getal(fit.n, 0)} starters, "
             f"{fmt_getal(fit.n_events, 0)} vertrekken; standaardfouten robuust per school.")
    if sig.empty:
        tekst += f" Bij geen van de kenmerken sluit het 95%-interval 1 uit{' (' + DEMONSTRATIE + ')' if synthetisch else ''}."
    else:
        strongest = sig.assign(afstand=np.abs(np.log(sig["hr"]))).sort_values("afstand").index[-1]
        r = s.loc[strongest]
        tekst += f" {DEMONSTRATIE.capitalize()} is het duidelijkste verband: " if synthetisch else " Het duidelijkste verband: "
        tekst += lezing_hr(MODEL_KENMERKEN.get(strongest, strongest), r["hr"], r["ci_lower"], r["ci_upper"], r["p"])
    tekst += (" Dit zijn samenhangen, geen oorzaken: wie inductie krijgt, verschilt ook op andere punten "
              "(het hoofdstuk over inductie corrigeert daarvoor).")
    return tekst


def lezing_diagnostiek(fit: CoxResult | None, ph: pd.DataFrame) -> str:
    """Concordance and the proportional-hazards check in words."""
    if fit is None:
        return geen_gegevens("modeldiagnostiek")
    c = fit.concordance
    tekst = (f"De concordantie (C) is {fmt_getal(c, 2)}: bij {fmt_pct(c * 100, 0)} van de vergelijkbare paren "
             f"vertrekt de starter met het hoogste voorspelde risico het eerst (0,5 is toeval).")
    bad = ph[ph["oordeel"] != "geen aanwijzing tegen"]["kenmerk"].tolist()
    if ph.empty:
        tekst += " De toets op proportionele hazards is niet beschikbaar voor deze gegevens (late instroom)."
    elif bad:
        tekst += (f" De toets op proportionele hazards (Schoenfeld-residuen) geeft een aanwijzing dat het verband "
                  f"in de tijd verandert voor {opsomming(bad)}; lees de hazard ratio daar als een gemiddelde over "
                  f"de looptijd.")
    else:
        tekst += " De toets op proportionele hazards (Schoenfeld-residuen) geeft geen aanwijzing dat de verbanden in de tijd veranderen."
    return tekst


def figuur_voorspeld(model: DiscreteTimeResult | None, spells: pd.DataFrame, tekst: str = "",
                     ax: Axes | None = None) -> Axes | None:
    """Predicted retention per year with and without induction, other covariates at typical values;
    ``tekst`` is the caption."""
    import matplotlib.pyplot as plt

    from regio_analysis.report.figures import groepskleur
    from regio_analysis.report.tables import bijschrift

    if model is None or "inductie" not in model.covariates:
        return None
    typical = {}
    for c in model.covariates:
        s = spells[c]
        typical[c] = bool(s.mode().iloc[0]) if pd.api.types.is_bool_dtype(s) else float(s.median())
    profiles = pd.DataFrame([typical | {"inductie": False}, typical | {"inductie": True}])
    if ax is None:
        _, ax = plt.subplots()
    pred = model.predict_survival(profiles)
    for k, g in sorted(pred.groupby("profiel"), key=lambda kg: not profiles.iloc[kg[0]]["inductie"]):
        label = "met inductie" if profiles.iloc[k]["inductie"] else "zonder inductie"
        ax.step(np.concatenate([[0.0], g["tijd"]]), np.concatenate([[100.0], g["survival"] * 100]), where="post",
                label=label, color=groepskleur(label))
    ax = _behoud_as(ax, "Voorspeld nog in dienst")
    return bijschrift(ax, tekst) if tekst else ax


def lezing_voorspeld(model: DiscreteTimeResult | None, fit: CoxResult | None, synthetisch: bool = False) -> str:
    """Compare the discrete-time hazard ratio of induction with Cox's."""
    if model is None or "inductie" not in model.summary.index:
        return geen_gegevens("een model per jaar met inductie")
    d = model.summary.loc["inductie"]
    voor = f"{DEMONSTRATIE.capitalize()} geeft het" if synthetisch else "Het"
    tekst = (f"{voor} model per jaar (complementaire log-log, standaardfouten robuust per school) {'' if synthetisch else 'geeft '}voor inductie "
             f"HR {fmt_getal(d['hr'], 2)} ({fmt_getal(d['ci_lower'], 2)}–{fmt_getal(d['ci_upper'], 2)})")
    if fit is not None and "inductie" in fit.summary.index:
        c = fit.summary.loc["inductie"]
        verschil = abs(math.log(d["hr"]) - math.log(c["hr"]))
        oordeel = "vrijwel gelijk aan" if verschil < 0.05 else "in lijn met" if verschil < 0.15 else "anders dan"
        tekst += f", {oordeel} het Cox-model (HR {fmt_getal(c['hr'], 2)})"
    return tekst + ". De figuur toont de voorspelde retentie voor een verder gemiddelde starter."
