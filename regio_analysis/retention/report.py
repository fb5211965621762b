"""What the chapter ``03_retentie.ipynb`` shows: tables, figures and Dutch readings.

Every reading is computed from the numbers it describes. Counts about people below
``K`` (10) are suppressed and groups smaller than that are left out of figures and
comparisons. Functions take a region (``RegionData``) or the prepared spells and never
raise on a region without spell data: they return an empty table, ``None`` for a figure,
or the visible "geen gegevens" text.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.overview import geen_gegevens
from regio_analysis.plotting import PALETTE, fmt_getal, fmt_pct, nl_formatter, opsomming
from regio_analysis.privacy import DEFAULT_K, describe, suppress_counts, suppress_life_table, suppress_small_cells
from regio_analysis.retention.competing import cumulative_incidence
from regio_analysis.retention.cox import CoxResult, cox
from regio_analysis.retention.data import DESTINATION_LABELS, prepare_spells
from regio_analysis.retention.discrete import DiscreteTimeResult, discrete_time_hazard
from regio_analysis.retention.km import (
    LogrankResult,
    kaplan_meier,
    life_table,
    logrank_test,
    rmst,
    survival_at,
)

K = DEFAULT_K
HORIZONS = (1, 3, 5)
SYNTH = "synthetisch"

#: the groupings the chapter compares, with the Dutch label of each group
KENMERKEN: dict[str, tuple[str, dict]] = {
    "route": ("route", {"regulier": "via de reguliere route", "zij-instroom": "via zij-instroom",
                        "onbevoegd": "die onbevoegd begonnen"}),
    "bevoegd": ("bevoegdheid", {True: "met bevoegdheid", False: "zonder bevoegdheid"}),
    "inductie": ("inductie", {True: "met inductie", False: "zonder inductie"}),
}
#: model covariates (columns made by :func:`modelgegevens`) and their Dutch labels
MODEL_KENMERKEN: dict[str, str] = {
    "inductie": "inductie",
    "bevoegd": "bevoegd",
    "zij_instroom": "zij-instroom (t.o.v. andere routes)",
    "tijdelijk": "tijdelijk contract",
    "school_omvang_100": "schoolgrootte (per 100 leerlingen)",
    "leeftijd_10": "leeftijd bij start (per 10 jaar)",
}


# ----------------------------------------------------------------------------- data


def _is_synthetic(region) -> bool:
    return "dienstverbanden" in getattr(region, "synthetisch", set())


def starters(region, exit_from: str = "bestuur") -> pd.DataFrame:
    """Spells of starting teachers (OP starters) in years, with the model columns; empty if none."""
    if not region.has("dienstverbanden"):
        return pd.DataFrame()
    spells = prepare_spells(region.dienstverbanden, starters_only=True, exit_from=exit_from)
    if "functiegroep" in spells.columns:
        spells = spells[spells["functiegroep"] == "OP"].reset_index(drop=True)
    return modelgegevens(spells)


def modelgegevens(spells: pd.DataFrame) -> pd.DataFrame:
    """Add the model columns: zij_instroom, tijdelijk, school_omvang_100, leeftijd_10."""
    out = spells.copy()
    if "route" in out.columns:
        out["zij_instroom"] = out["route"] == "zij-instroom"
    if "contract" in out.columns:
        out["tijdelijk"] = out["contract"] == "tijdelijk"
    if "school_omvang" in out.columns:
        out["school_omvang_100"] = pd.to_numeric(out["school_omvang"], errors="coerce") / 100
    if "leeftijd_start" in out.columns:
        out["leeftijd_10"] = pd.to_numeric(out["leeftijd_start"], errors="coerce").astype(float) / 10
    return out


def synthetisch_label(region) -> str:
    """" (synthetisch)" when the spells are synthetic, else ""."""
    return f" ({SYNTH})" if _is_synthetic(region) else ""


def inleiding(region, spells: pd.DataFrame) -> str:
    """The chapter's opening paragraph (Markdown), with the data source and its size."""
    if spells.empty:
        return geen_gegevens("dienstverbanden van startende leraren")
    n = len(spells)
    n_ev = int(spells["event"].sum())
    jaren = f"{int(spells['start_jaar'].min())}–{int(spells['start_jaar'].max())}"
    aantal = "minder dan 10" if n < K else fmt_getal(n, 0)
    vertrek = "minder dan 10" if n_ev < K else fmt_getal(n_ev, 0)
    tekst = (f"Dit hoofdstuk volgt {aantal} startende leraren (OP, eerste baan in het onderwijs) die in {jaren} "
             f"begonnen. Vertrek betekent hier: het bestuur verlaten; een overstap naar een andere school van "
             f"hetzelfde bestuur telt niet als vertrek. {vertrek} van hen vertrokken binnen de waarnemingsperiode; "
             f"wie nog in dienst is, telt mee tot het einde van de gegevens (gecensureerd).")
    if _is_synthetic(region):
        tekst += (" **Let op: de dienstverbanden zijn synthetisch**, gemaakt op basis van de gepubliceerde "
                  "kengetallen van de regio; ze tonen hoe de analyse werkt, niet hoe het in de regio werkelijk gaat.")
    return tekst


# ----------------------------------------------------------------------------- curves per group


def groepen(spells: pd.DataFrame, kenmerk: str, k: int = K) -> tuple[pd.DataFrame, list[str]]:
    """Spells with a Dutch ``groep`` column for ``kenmerk``; groups under ``k`` people are left out.

    Returns the rows kept and the labels of the groups left out. Induction is compared
    among those who could get it (in the synthetic data: OP starters) only.
    """
    if spells.empty or kenmerk not in spells.columns:
        return spells.iloc[0:0].assign(groep=pd.Series(dtype=object)), []
    _, labels = KENMERKEN[kenmerk]
    d = spells.assign(groep=spells[kenmerk].map(lambda v: labels.get(v, str(v))))
    sizes = d["groep"].value_counts()
    small = sorted(sizes[sizes < k].index)
    order = [lab for lab in labels.values() if lab in sizes.index and lab not in small]
    d = d[d["groep"].isin(order)].copy()
    d["groep"] = pd.Categorical(d["groep"], categories=order)
    return d, small


def km_per_groep(spells: pd.DataFrame, kenmerk: str, conf_type: str = "log-log") -> pd.DataFrame:
    """Kaplan-Meier table per group of ``kenmerk`` (groups of at least K people)."""
    d, _ = groepen(spells, kenmerk)
    if d.empty:
        return pd.DataFrame()
    return kaplan_meier(d, "duration", "event", by="groep", entry="entry", conf_type=conf_type)


def figuur_km(km: pd.DataFrame, titel: str = "", ax: Axes | None = None, horizon: float | None = None,
              ambitie: float | None = None) -> Axes | None:
    """Retention curves (share still employed) with confidence bands; ``None`` when empty.

    ``ambitie`` (a share leaving within one year, 0-1) is drawn as a marker at one year.
    """
    import matplotlib.pyplot as plt

    if km is None or km.empty:
        return None
    if ax is None:
        _, ax = plt.subplots()
    by = km.attrs.get("by", [])
    groups = km.groupby(by, observed=True, sort=True) if by else [("alle starters", km)]
    for i, (name, g) in enumerate(groups):
        name = name[0] if isinstance(name, tuple) else name
        colour = PALETTE[i % len(PALETTE)]
        t = np.concatenate([[0.0], g["time"].to_numpy()])
        s = np.concatenate([[1.0], g["survival"].to_numpy()]) * 100
        lo = np.concatenate([[1.0], g["ci_lower"].fillna(g["survival"]).to_numpy()]) * 100
        hi = np.concatenate([[1.0], g["ci_upper"].fillna(g["survival"]).to_numpy()]) * 100
        ax.step(t, s, where="post", color=colour, label=str(name))
        ax.fill_between(t, lo, hi, step="post", color=colour, alpha=0.15, linewidth=0)
    if ambitie is not None:
        ax.plot([1.0], [(1 - ambitie) * 100], marker="D", color="0.2", linestyle="none",
                label=f"ambitie: hooguit {fmt_pct(ambitie * 100, 0)} vertrek in jaar 1")
    if horizon:
        ax.set_xlim(0, horizon)
    return _behoud_as(ax, titel, "nog in dienst bij het bestuur")


def _behoud_as(ax: Axes, titel: str, ylabel: str) -> Axes:
    """Axes of a retention figure: 0-100 % with Dutch ticks, years since the start."""
    ax.set_ylim(0, 102)
    ax.yaxis.set_major_formatter(nl_formatter(0, pct=True))
    ax.set_xlabel("jaren sinds de start")
    ax.set_ylabel(ylabel)
    if titel:
        ax.set_title(titel)
    ax.legend(loc="lower left")
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
              weggelaten: Sequence[str] = ()) -> str:
    """One sentence comparing the groups' retention at ``t`` years (and the log-rank test)."""
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
    if len(delen) == 1:
        tekst = f"Na {jaar} is {delen[0]} nog in dienst bij hetzelfde bestuur."
    else:
        hoog = at.loc[at["survival"].idxmax()]
        laag = at.loc[at["survival"].idxmin()]
        tekst = f"Na {jaar} is nog in dienst: {opsomming(delen)}."
        if hoog["groep"] != laag["groep"]:
            verschil = (hoog["survival"] - laag["survival"]) * 100
            tekst += (f" Starters {hoog['groep']} blijven het vaakst ({fmt_getal(verschil, 0)} procentpunt meer "
                      f"dan starters {laag['groep']})")
            if logrank is not None and np.isfinite(logrank.p):
                tekst += (f"; de log-ranktoets over de hele looptijd geeft {_p_tekst(logrank.p)}"
                          f"{'' if logrank.p < 0.05 else ', dus geen aantoonbaar verschil'}")
            tekst += "."
    if verborgen:
        tekst += (f" Voor starters {opsomming([str(g) for g in verborgen])} staat hier geen percentage: het zou een "
                  f"aantal vertrekkers of blijvers onder de {K} prijsgeven.")
    if weggelaten:
        tekst += f" Weggelaten wegens minder dan {K} starters: {opsomming(weggelaten)}."
    return tekst


def _fmt_p(p: float) -> str:
    return "< 0,001" if p < 0.001 else fmt_getal(p, 3)


def _p_tekst(p: float) -> str:
    """``p < 0,001`` or ``p = 0,012``."""
    return "p < 0,001" if p < 0.001 else f"p = {fmt_getal(p, 3)}"


# ----------------------------------------------------------------------------- horizons and ambition


def retentie_horizonnen(spells: pd.DataFrame, horizons: Sequence[float] = HORIZONS,
                        kenmerken: Sequence[str] = ("route", "bevoegd", "inductie"), k: int = K) -> pd.DataFrame:
    """Share leaving within each horizon with 95%-CI, for all starters and per group (Dutch table).

    Columns: ``kenmerk``, ``groep``, ``starters``, and per horizon ``vertrek binnen N jaar`` as
    "x% (lo–hi%)". Groups under k people are left out; so that they cannot come back as all
    starters minus the groups shown, the next-smallest group of that grouping has its count
    suppressed as well (complementary), and its shares are not shown. A share is not shown
    either when it, times the group's size, gives a number of leavers or stayers below k, nor
    (for all starters) where the life table hides the survival.
    """
    if spells.empty:
        return pd.DataFrame()
    overall_ok = veilige_overleving(spells)
    parts = [("alle starters", spells.assign(groep="alle starters"), {})]
    for kenmerk in kenmerken:
        d, small = groepen(spells, kenmerk, k)
        if not d.empty or small:
            _, labels = KENMERKEN[kenmerk]
            sizes = spells[kenmerk].map(lambda v: labels.get(v, str(v))).value_counts() if kenmerk in spells else {}
            parts.append((KENMERKEN[kenmerk][0], d, {lab: int(sizes[lab]) for lab in small}))
    rows = []
    for wat, d, small in parts:
        if not d.empty:
            h = survival_at(d, "duration", "event", list(horizons), by="groep", entry="entry")
            n = d.groupby("groep", observed=True).size()
            for g, hg in h.groupby("groep", observed=True, sort=False):
                row = {"kenmerk": wat, "groep": g, "starters": int(n.get(g, 0))}
                dg = d[d["groep"] == g]
                for r in hg.itertuples():
                    col = f"vertrek binnen {fmt_getal(r.time)} jaar"
                    leavers = int(((dg["duration"] <= r.time) & (dg["event"] == 1)).sum())
                    safe = (row["starters"] >= k and not 0 < leavers < k
                            and not _aandeel_verraadt(r.vertrek, row["starters"], k)
                            and (wat != "alle starters" or overall_ok.get(int(round(r.time)), True)))
                    row[col] = _pct_ci(r.vertrek, r.vertrek_lower, r.vertrek_upper) if safe else "–"
                rows.append(row)
        for lab, size in small.items():
            rows.append({"kenmerk": wat, "groep": lab, "starters": size, "_weggelaten": True})
    out = pd.DataFrame(rows)
    if "_weggelaten" not in out.columns:
        out["_weggelaten"] = False
    out, hidden = suppress_counts(out, ["starters"], k, total_row=out["kenmerk"] == "alle starters", by="kenmerk")
    shares = [c for c in out.columns if c.startswith("vertrek binnen")]
    for c in shares:
        out[c] = out[c].where(~hidden["starters"], "–")
    left_out = out["_weggelaten"].map(lambda v: v is True)
    out = out[~left_out].drop(columns="_weggelaten").reset_index(drop=True)
    out["starters"] = out["starters"].round().astype("Int64")
    return describe(out, aantallen=["starters"], totaalrij="alle starters", groepering="kenmerk",
                    aandelen={c: "starters" for c in shares})


def _aandeel_verraadt(p: float, n: int, k: int = K, decimals: int = 1) -> bool:
    """Whether a share ``p`` (0-1) shown in percent with ``decimals`` pins, times ``n``, a
    number of people (or its complement) below ``k``: what :func:`privacy.audit` tries."""
    from regio_analysis.privacy import pinned

    if p is None or pd.isna(p):
        return False
    half = 0.5 * 10 ** -decimals
    shown = round(p * 100, decimals)
    m = pinned((shown - half) * n / 100, (shown + half) * n / 100)
    return m is not None and (0 < m < k or 0 < n - m < k)


def _aantallen(df: pd.DataFrame, columns: list[str], k: int = K) -> pd.DataFrame:
    """Counts about people: below ``k`` suppressed (empty), the rest as whole numbers."""
    out = suppress_small_cells(df, columns, k=k).drop(columns="onderdrukt")
    for c in columns:
        out[c] = out[c].round().astype("Int64")
    return out


def _pct_ci(v, lo, hi) -> str:
    if v is None or pd.isna(v):
        return "–"
    if pd.isna(lo) or pd.isna(hi):
        return fmt_pct(v * 100, 1)
    return f"{fmt_pct(v * 100, 1)} ({fmt_getal(lo * 100, 1)}–{fmt_pct(hi * 100, 1)})"


def ambities(region) -> pd.DataFrame:
    """The region's retention ambitions: maximum share leaving within N years (``horizon``, ``max``, ``bron``)."""
    kg = region.kengetallen
    rows = kg[(kg["onderwerp"] == "ambitie") & kg["indicator"].astype(str).str.fullmatch(r"vertrek_binnen_\d+_jaar_max")]
    rows = rows.dropna(subset=["waarde"])
    out = pd.DataFrame({
        "horizon": [int(re.search(r"\d+", i).group()) for i in rows["indicator"]],
        "max": rows["waarde"].astype(float).to_numpy() / 100,
        "bron": rows["bron"].astype(str).to_numpy(),
    })
    return out.sort_values("horizon").reset_index(drop=True)


def gepubliceerd_vertrek(region) -> pd.DataFrame:
    """Published shares leaving within N years (``horizon``, ``waarde``, ``jaar``, ``bron``)."""
    kg = region.kengetallen
    rows = kg[(kg["onderwerp"] == "retentie") & kg["indicator"].astype(str).str.fullmatch(r"vertrek_binnen_\d+_jaar")
              & (kg["eenheid"] == "procent")].dropna(subset=["waarde"])
    return pd.DataFrame({
        "horizon": [int(re.search(r"\d+", i).group()) for i in rows["indicator"]],
        "waarde": rows["waarde"].astype(float).to_numpy() / 100,
        "jaar": rows["jaar"].to_numpy(),
        "bron": rows["bron"].astype(str).to_numpy(),
    }).sort_values("horizon").reset_index(drop=True)


def vertrek_en_ambitie(region, spells: pd.DataFrame, horizons: Sequence[float] = HORIZONS) -> pd.DataFrame:
    """Estimated share leaving within each horizon beside the region's ambition and published figure."""
    if spells.empty or len(spells) < K:
        return pd.DataFrame()
    h = survival_at(spells, "duration", "event", list(horizons), entry="entry")
    amb = ambities(region).set_index("horizon")["max"]
    pub = gepubliceerd_vertrek(region).drop_duplicates("horizon", keep="last").set_index("horizon")["waarde"]
    out = pd.DataFrame({
        "horizon (jaar)": h["time"].astype(int),
        "geschat vertrek": h["vertrek"], "ci_lower": h["vertrek_lower"], "ci_upper": h["vertrek_upper"],
        "nog gevolgd": h["at_risk"],
    })
    out["ambitie (max)"] = out["horizon (jaar)"].map(amb)
    out["gepubliceerd"] = out["horizon (jaar)"].map(pub)
    # the same numbers as the life table: shown only where the life table shows them
    surv_ok = veilige_overleving(spells)
    n_ok = veilige_aantallen_in_dienst(spells)
    unsafe = ~out["horizon (jaar)"].map(lambda h: surv_ok.get(int(h), True)).astype(bool)
    out.loc[unsafe, ["geschat vertrek", "ci_lower", "ci_upper"]] = np.nan
    hide_n = ~out["horizon (jaar)"].map(lambda h: n_ok.get(int(h) + 1, True)).astype(bool)
    out["nog gevolgd"] = out["nog gevolgd"].astype(float).where(~hide_n)
    return out


def tabel_vertrek_en_ambitie(tabel: pd.DataFrame) -> pd.DataFrame:
    """:func:`vertrek_en_ambitie` formatted in Dutch, with counts under K suppressed."""
    if tabel.empty:
        return tabel
    out = pd.DataFrame({
        "horizon": [f"{h} jaar" for h in tabel["horizon (jaar)"]],
        "geschat vertrek (95%-BI)": [_pct_ci(v, lo, hi) for v, lo, hi in
                                     zip(tabel["geschat vertrek"], tabel["ci_lower"], tabel["ci_upper"])],
        "ambitie regio (maximaal)": [fmt_pct(v * 100, 0) if pd.notna(v) else "geen" for v in tabel["ambitie (max)"]],
        "gepubliceerd cijfer": [fmt_pct(v * 100, 0) if pd.notna(v) else "–" for v in tabel["gepubliceerd"]],
        "nog gevolgd": tabel["nog gevolgd"].round().astype("Int64"),
    })
    return describe(_aantallen(out, ["nog gevolgd"]), aantallen=["nog gevolgd"],
                    geen_aantallen=[], aandelen={})


def lezing_ambitie(tabel: pd.DataFrame, synthetisch: bool = False) -> str:
    """Compare one-year leaving (and other horizons with an ambition) with the region's ambition."""
    if tabel.empty:
        return geen_gegevens("vertrek van startende leraren")
    zinnen = []
    for r in tabel.itertuples(index=False):
        h, v, lo, hi, amb, pub = r[0], r[1], r[2], r[3], r[5], r[6]
        if (h != 1 and pd.isna(amb)) or pd.isna(v):  # no estimate: hidden to protect small counts
            continue
        jaar = "een jaar" if h == 1 else f"{h} jaar"
        zin = f"Binnen {jaar} verlaat naar schatting {fmt_pct(v * 100, 1)} van de starters het bestuur"
        if pd.notna(lo) and pd.notna(hi):
            zin += f" (95%-betrouwbaarheidsinterval {fmt_getal(lo * 100, 1)}–{fmt_pct(hi * 100, 1)})"
        if pd.notna(amb):
            if pd.notna(hi) and hi <= amb:
                oordeel = "dat ligt aantoonbaar onder"
            elif pd.notna(lo) and lo > amb:
                oordeel = "dat ligt aantoonbaar boven"
            elif v <= amb:
                oordeel = "dat ligt onder, maar niet aantoonbaar onder,"
            else:
                oordeel = "dat ligt boven, maar niet aantoonbaar boven,"
            zin += f"; {oordeel} de ambitie van de regio van hooguit {fmt_pct(amb * 100, 0)}"
        elif h == 1:
            zin += "; de regio heeft hiervoor geen streefwaarde vastgelegd"
        if pd.notna(pub):
            zin += f" (de regio publiceerde {fmt_pct(pub * 100, 0)})"
        zinnen.append(zin + ".")
    tekst = " ".join(zinnen)
    if synthetisch:
        tekst += (" De gegevens zijn synthetisch (afgestemd op wat de regio publiceert): dit toont de werkwijze, "
                  "niet de werkelijke stand.")
    return tekst


# ----------------------------------------------------------------------------- destinations


def bestemmingen(region, horizon: float = 5.0) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence per destination for OP starters (any end of the spell)."""
    spells = starters(region, exit_from="school")
    if spells.empty or len(spells) < K:
        return pd.DataFrame()
    # not beyond the last year whose retention the life table shows: the shares per destination
    # add up to (about) the share that left, which the life table hides where counts are small
    shown = [j for j, ok in sorted(veilige_overleving(starters(region)).items()) if ok]
    if not shown:
        return pd.DataFrame()
    horizon = min(horizon, float(shown[-1]))
    grid = np.round(np.linspace(0, horizon, int(horizon * 12) + 1), 6)[1:]
    ci = cumulative_incidence(spells, "duration", "event_type", times=grid, entry="entry")
    ci["bestemming"] = ci["event_type"].map(DESTINATION_LABELS).fillna(ci["event_type"])
    counts = spells[spells["event"] == 1]["event_type"].value_counts()
    ci["vertrekkers"] = ci["event_type"].map(counts).fillna(0).astype(int)
    return ci


def figuur_bestemmingen(ci: pd.DataFrame, titel: str = "", ax: Axes | None = None) -> Axes | None:
    """Stacked cumulative incidence per destination (destinations with fewer than K leavers are grouped)."""
    import matplotlib.pyplot as plt

    if ci is None or ci.empty:
        return None
    if ax is None:
        _, ax = plt.subplots()
    shown = _bestemmingen_getoond(ci)
    wide = shown.pivot_table(index="time", columns="bestemming", values="cif", aggfunc="sum", observed=True)
    t = np.concatenate([[0.0], wide.index.to_numpy()])
    ys = [np.concatenate([[0.0], wide[c].to_numpy() * 100]) for c in wide.columns]
    ax.stackplot(t, *ys, labels=list(wide.columns), colors=PALETTE[: len(ys)], alpha=0.8, step="post")
    ax.yaxis.set_major_formatter(nl_formatter(0, pct=True))
    ax.set_xlabel("jaren sinds de start")
    ax.set_ylabel("vertrokken (cumulatief)")
    ax.set_xlim(0, t[-1])
    if titel:
        ax.set_title(titel)
    ax.legend(loc="upper left")
    return ax


def _bestemmingen_getoond(ci: pd.DataFrame) -> pd.DataFrame:
    """Destinations with fewer than K leavers are shown together as "overig"."""
    ci = ci.copy()
    small = ci["vertrekkers"] < K
    if small.any():
        ci.loc[small, "bestemming"] = "overig (kleine groepen)"
    return ci.groupby(["bestemming", "time"], as_index=False, observed=True).agg(
        cif=("cif", "sum"), vertrekkers=("vertrekkers", "max"))


def lezing_bestemmingen(ci: pd.DataFrame) -> str:
    """Where starters went, at the last time of the table."""
    if ci is None or ci.empty:
        return geen_gegevens("bestemmingen van vertrekkende starters")
    shown = _bestemmingen_getoond(ci)
    t = shown["time"].max()
    last = shown[shown["time"] == t].sort_values("cif", ascending=False)
    delen = [f"{fmt_pct(r.cif * 100, 1)} {r.bestemming}" for r in last.itertuples() if r.cif > 0]
    if not delen:
        return f"Binnen {fmt_getal(t)} jaar vertrok geen van de gevolgde starters."
    top = last.iloc[0]
    return (f"Binnen {fmt_getal(t)} jaar na de start is (Aalen-Johansen, rekening houdend met de andere "
            f"vertrekredenen) naar schatting vertrokken naar: {opsomming(delen)}. De grootste stroom is "
            f"'{top['bestemming']}'.")


# ----------------------------------------------------------------------------- models


def model_kenmerken(spells: pd.DataFrame, kandidaten: Sequence[str] = tuple(MODEL_KENMERKEN)) -> list[str]:
    """Covariates that vary and have at least K people in each value (binary) to fit on."""
    out = []
    for c in kandidaten:
        if c not in spells.columns or spells[c].isna().any():
            continue
        s = spells[c]
        if s.nunique() < 2:
            continue
        if (pd.api.types.is_bool_dtype(s) or s.nunique() == 2) and s.value_counts().min() < K:
            continue
        out.append(c)
    return out


def cox_starters(spells: pd.DataFrame, cluster: str = "vestigingscode") -> CoxResult | None:
    """Cox model of leaving the board for the starters; None when there are too few events."""
    if spells.empty or spells["event"].sum() < K:
        return None
    covs = model_kenmerken(spells)
    if not covs:
        return None
    return cox(spells, "duration", "event", covs, entry="entry",
               cluster=cluster if cluster in spells.columns else None)


def discreet_starters(spells: pd.DataFrame, cluster: str = "vestigingscode",
                      max_jaren: int = 7) -> DiscreteTimeResult | None:
    """Discrete-time (cloglog, per year) model with school-clustered standard errors."""
    if spells.empty or spells["event"].sum() < K:
        return None
    covs = model_kenmerken(spells)
    if not covs:
        return None
    return discrete_time_hazard(spells, "duration", "event", covs, link="cloglog", entry="entry",
                                max_periods=max_jaren, cluster=cluster if cluster in spells.columns else None)


def lezing_hr(label: str, hr: float, lo: float, hi: float, p: float | None = None) -> str:
    """A Dutch reading of one hazard ratio with its 95% interval."""
    if any(v is None or not np.isfinite(v) for v in (hr, lo, hi)):
        return f"{label}: niet te schatten met deze gegevens."
    hr_txt = f"HR {fmt_getal(hr, 2)}; 95%-BI {fmt_getal(lo, 2)}–{fmt_getal(hi, 2)}"
    if lo <= 1 <= hi:
        return f"{label}: geen aantoonbaar verschil in vertrekrisico ({hr_txt}; het interval omvat 1)."
    pct = abs(1 - hr) * 100
    richting = "lager" if hr < 1 else "hoger"
    tekst = f"{label}: {fmt_getal(pct, 0)}% {richting} vertrekrisico ({hr_txt}"
    if p is not None and np.isfinite(p):
        tekst += f"; {_p_tekst(p)}"
    return tekst + ")."


def cox_tabel(fit: CoxResult | None, discreet: DiscreteTimeResult | None = None) -> pd.DataFrame:
    """Dutch table of the Cox model: kenmerk, HR, 95%-BI, p, reading (and the discrete-time HR)."""
    if fit is None:
        return pd.DataFrame()
    rows = []
    for name, r in fit.summary.iterrows():
        label = MODEL_KENMERKEN.get(name, name)
        row = {
            "kenmerk": label,
            "HR": fmt_getal(r["hr"], 2),
            "95%-BI": f"{fmt_getal(r['ci_lower'], 2)}–{fmt_getal(r['ci_upper'], 2)}",
            "p": _fmt_p(r["p"]),
        }
        if discreet is not None and name in discreet.summary.index:
            d = discreet.summary.loc[name]
            row["HR per jaar (discreet)"] = (f"{fmt_getal(d['hr'], 2)} ({fmt_getal(d['ci_lower'], 2)}–"
                                             f"{fmt_getal(d['ci_upper'], 2)})")
        row["lezing"] = lezing_hr(label, r["hr"], r["ci_lower"], r["ci_upper"], r["p"])
        rows.append(row)
    return pd.DataFrame(rows)


def lezing_cox(fit: CoxResult | None) -> str:
    """The model in two sentences: what it adjusts for and the clearest finding."""
    if fit is None:
        return geen_gegevens(f"een vertrekmodel (minstens {K} vertrekkers nodig)")
    s = fit.summary
    labels = [MODEL_KENMERKEN.get(c, c) for c in s.index]
    sig = s[(s["ci_upper"] < 1) | (s["ci_lower"] > 1)]
    tekst = (f"Het Cox-model vergelijkt het vertrekrisico op elk moment tussen starters die verschillen in één "
             f"kenmerk terwijl de andere gelijk zijn ({opsomming(labels)}); {fmt_getal(fit.n, 0)} starters, "
             f"{fmt_getal(fit.n_events, 0)} vertrekken; standaardfouten robuust per school.")
    if sig.empty:
        tekst += " Geen van de kenmerken hangt aantoonbaar samen met vertrek."
    else:
        strongest = sig.assign(afstand=np.abs(np.log(sig["hr"]))).sort_values("afstand").index[-1]
        r = s.loc[strongest]
        tekst += " Het duidelijkste verband: " + lezing_hr(MODEL_KENMERKEN.get(strongest, strongest), r["hr"],
                                                           r["ci_lower"], r["ci_upper"], r["p"])
    tekst += (" Dit zijn samenhangen, geen effecten: wie inductie krijgt, verschilt ook op andere punten "
              "(het hoofdstuk over het effect van inductie corrigeert daarvoor).")
    return tekst


# ----------------------------------------------------------------------------- diagnostics


PH_COLUMNS = ["kenmerk", "toetsingsgrootheid", "p", "oordeel"]


def ph_tabel(fit: CoxResult | None) -> pd.DataFrame:
    """The proportional-hazards check per covariate, in Dutch."""
    if fit is None:
        return pd.DataFrame(columns=PH_COLUMNS)
    try:
        test = fit.ph_test()
    except ValueError:  # left-truncated data: no test available
        return pd.DataFrame(columns=PH_COLUMNS)
    names = dict(zip(fit.lifelines.params_.index, fit.summary.index))
    return pd.DataFrame({
        "kenmerk": [MODEL_KENMERKEN.get(names.get(c, c), c) for c in test["covariaat"]],
        "toetsingsgrootheid": [fmt_getal(v, 2) for v in test["statistic"]],
        "p": [_fmt_p(p) for p in test["p"]],
        "oordeel": ["mogelijk niet constant in de tijd" if p < 0.05 else "geen aanwijzing tegen" for p in test["p"]],
    })


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


def levenstafel(spells: pd.DataFrame, max_jaren: int = 7) -> pd.DataFrame:
    """Life table per year of tenure, Dutch columns, counts under K suppressed."""
    if spells.empty:
        return pd.DataFrame()
    lt = life_table(spells, "duration", "event", entry="entry", max_time=max_jaren)
    out = pd.DataFrame({
        "jaar": lt["interval"],
        "in dienst bij begin": lt["at_risk"].round().astype(int),
        "vertrokken": lt["events"].round().astype(int),
        "gecensureerd": lt["censored"].round().astype(int),
        "kans op vertrek in dit jaar": [fmt_pct(v * 100, 1) for v in lt["vertrek_kans"]],
        "nog in dienst (cumulatief)": [fmt_pct(v * 100, 1) for v in lt["survival"]],
    })
    # complementary suppression: no hidden count comes back from the life-table identity,
    # the yearly probability or the cumulative survival (see privacy.suppress_life_table)
    counts = ["in dienst bij begin", "vertrokken", "gecensureerd"]
    # the chapter's opening states the number of leavers: a published total of the column
    out, _ = suppress_life_table(out, *counts, k=K, survival=["nog in dienst (cumulatief)"],
                                 rates=["kans op vertrek in dit jaar"], totals=["vertrokken"])
    for c in counts:
        out[c] = out[c].round().astype("Int64")
    return describe(out, aantallen=counts, levenstafel=counts, geen_aantallen=["jaar"],
                    aandelen={"kans op vertrek in dit jaar": "in dienst bij begin"})


def veilige_overleving(spells: pd.DataFrame, max_jaren: int = 7, k: int = K) -> dict[int, bool]:
    """``{year: shown}``: whether the life table of ``spells`` shows the cumulative survival
    and the at-risk count of that year. Other tables show the same numbers only where it does."""
    tabel = levenstafel(spells, max_jaren) if not spells.empty else pd.DataFrame()
    if tabel.empty:
        return {}
    return {int(j): s != "–" for j, s in zip(tabel["jaar"], tabel["nog in dienst (cumulatief)"])}


def veilige_aantallen_in_dienst(spells: pd.DataFrame, max_jaren: int = 7) -> dict[int, bool]:
    """``{year: shown}`` for the life table's "in dienst bij begin"."""
    tabel = levenstafel(spells, max_jaren) if not spells.empty else pd.DataFrame()
    if tabel.empty:
        return {}
    return {int(j): pd.notna(n) for j, n in zip(tabel["jaar"], tabel["in dienst bij begin"])}


def rmst_tabel(spells: pd.DataFrame, horizon: float = 5.0, kenmerk: str = "inductie") -> pd.DataFrame:
    """Restricted mean time employed in the first ``horizon`` years, overall and per group."""
    if spells.empty or len(spells) < K:
        return pd.DataFrame()
    rows = []
    total = rmst(spells, "duration", "event", horizon, entry="entry")
    rows.append(("alle starters", total.iloc[0]))
    d, _ = groepen(spells, kenmerk)
    if not d.empty:
        for r in rmst(d, "duration", "event", horizon, by="groep", entry="entry").itertuples(index=False):
            rows.append((r.groep, pd.Series(r._asdict())))
    return pd.DataFrame({
        "groep": [g for g, _ in rows],
        f"gemiddeld jaren in dienst (van de eerste {fmt_getal(horizon)})": [fmt_getal(r["rmst"], 2) for _, r in rows],
        "95%-BI": [f"{fmt_getal(r['ci_lower'], 2)}–{fmt_getal(r['ci_upper'], 2)}" for _, r in rows],
    })


def logrank_tabel(spells: pd.DataFrame, kenmerken: Sequence[str] = ("route", "bevoegd", "inductie")) -> pd.DataFrame:
    """Log-rank tests per grouping (groups of at least K people)."""
    rows = []
    for kenmerk in kenmerken:
        d, _ = groepen(spells, kenmerk)
        if d.empty or d["groep"].nunique() < 2:
            continue
        t = logrank_test(d, "duration", "event", "groep", entry="entry")
        rows.append({"kenmerk": KENMERKEN[kenmerk][0], "chi-kwadraat": fmt_getal(t.chisq, 2),
                     "vrijheidsgraden": t.df, "p": _fmt_p(t.p)})
    return pd.DataFrame(rows)


def logrank_per_kenmerk(spells: pd.DataFrame, kenmerk: str) -> LogrankResult | None:
    d, _ = groepen(spells, kenmerk)
    if d.empty or d["groep"].nunique() < 2:
        return None
    return logrank_test(d, "duration", "event", "groep", entry="entry")


def figuur_voorspeld(model: DiscreteTimeResult | None, spells: pd.DataFrame, titel: str = "",
                     ax: Axes | None = None) -> Axes | None:
    """Predicted retention per year with and without induction, other covariates at typical values."""
    import matplotlib.pyplot as plt

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
    for i, (k, g) in enumerate(pred.groupby("profiel")):
        label = "met inductie" if profiles.iloc[k]["inductie"] else "zonder inductie"
        ax.step(np.concatenate([[0.0], g["tijd"]]), np.concatenate([[100.0], g["survival"] * 100]), where="post",
                label=label, color=PALETTE[i])
    return _behoud_as(ax, titel, "voorspeld nog in dienst")


def lezing_voorspeld(model: DiscreteTimeResult | None, fit: CoxResult | None) -> str:
    """Compare the discrete-time hazard ratio of induction with Cox's."""
    if model is None or "inductie" not in model.summary.index:
        return geen_gegevens("een model per jaar met inductie")
    d = model.summary.loc["inductie"]
    tekst = (f"Het model per jaar (complementaire log-log, standaardfouten robuust per school) geeft voor inductie "
             f"HR {fmt_getal(d['hr'], 2)} ({fmt_getal(d['ci_lower'], 2)}–{fmt_getal(d['ci_upper'], 2)})")
    if fit is not None and "inductie" in fit.summary.index:
        c = fit.summary.loc["inductie"]
        verschil = abs(math.log(d["hr"]) - math.log(c["hr"]))
        oordeel = "vrijwel gelijk aan" if verschil < 0.05 else "in lijn met" if verschil < 0.15 else "anders dan"
        tekst += f", {oordeel} het Cox-model (HR {fmt_getal(c['hr'], 2)})"
    return tekst + ". De figuur toont de voorspelde retentie voor een verder gemiddelde starter."
