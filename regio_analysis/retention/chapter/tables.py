"""The chapter's tables: numeric, Dutch headers, display declared for ``report.format``;
counts about people under ``K`` suppressed so that none can be worked back (``data.privacy``).
Also the destinations (shown only as far as the life table) and the sentence on one hazard ratio
(the Cox table's reading column)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from regio_analysis.data.privacy import describe, suppress_counts, suppress_life_table, suppress_small_cells
from regio_analysis.report.format import Kolom, fmt_getal, kolommen, vergelijking
from regio_analysis.retention.competing import cumulative_incidence
from regio_analysis.retention.cox import CoxResult
from regio_analysis.retention.discrete import DiscreteTimeResult
from regio_analysis.retention.km import life_table, logrank_test, rmst, survival_at
from regio_analysis.retention.spells import DESTINATION_LABELS
from regio_analysis.retention.chapter.analyses import HORIZONS, K, KENMERKEN, MODEL_KENMERKEN, ambities, gepubliceerd_vertrek, groepen, starters


def _p_tekst(p: float) -> str:
    """``p < 0,001`` or ``p = 0,012``."""
    return "p < 0,001" if p < 0.001 else f"p = {fmt_getal(p, 3)}"


def retentie_horizonnen(spells: pd.DataFrame, horizons: Sequence[float] = HORIZONS,
                        kenmerken: Sequence[str] = ("route", "bevoegd", "inductie"), k: int = K) -> pd.DataFrame:
    """Share leaving within each horizon with 95%-CI, for all starters and per group (Dutch table).

    Columns: ``kenmerk``, ``groep``, ``starters``, and per horizon ``vertrek binnen N jaar (%)``
    with its 95%-interval bounds (``... 95%-BI laag`` / ``hoog``), shown as "x% (lo–hi%)" by
    ``report.format``. Groups under k people are left out; so that they cannot come back as all
    starters minus the groups shown, the next-smallest group of that grouping has its count
    suppressed as well (complementary), and its shares are not shown. A share is not shown
    either when it, times the group's size, gives a number of leavers or stayers below k, nor
    (for all starters) where the life table hides the survival.
    """
    if spells.empty:
        return pd.DataFrame()
    overall_ok = veilige_overleving(spells)
    # (kenmerk, rows kept, size of each group left out)
    parts: list[tuple[str, pd.DataFrame, dict[str, int]]] = [
        ("alle starters", spells.assign(groep="alle starters"), {})]
    for kenmerk in kenmerken:
        d, small = groepen(spells, kenmerk, k)
        if not d.empty or small:
            _, labels = KENMERKEN[kenmerk]
            sizes = spells[kenmerk].map(lambda v: labels.get(v, str(v))).value_counts() if kenmerk in spells else {}
            parts.append((KENMERKEN[kenmerk][0], d, {lab: int(sizes[lab]) for lab in small}))
    rows = []
    for wat, d, left_out in parts:
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
                    values = (r.vertrek, r.vertrek_lower, r.vertrek_upper) if safe else (np.nan,) * 3
                    for suffix, v in zip(_PCT_CI, values):
                        row[col + suffix] = v * 100
                rows.append(row)
        for lab, size in left_out.items():
            rows.append({"kenmerk": wat, "groep": lab, "starters": size, "_weggelaten": True})
    out = pd.DataFrame(rows)
    if "_weggelaten" not in out.columns:
        out["_weggelaten"] = False
    out, hidden = suppress_counts(out, ["starters"], k, total_row=out["kenmerk"] == "alle starters", by="kenmerk")
    columns = [c for c in out.columns if c.startswith("vertrek binnen")]
    for c in columns:
        out[c] = out[c].astype(float).where(~hidden["starters"])
    left_out = out["_weggelaten"].map(lambda v: v is True)
    out = out[~left_out].drop(columns="_weggelaten").reset_index(drop=True)
    out["starters"] = out["starters"].round().astype("Int64")
    shares = [c for c in columns if c.endswith(_PCT_CI[0])]
    kolommen(out, starters="aantal", **{c: _pct_kolom(c) for c in shares})
    return describe(out, aantallen=["starters"], totaalrij="alle starters", groepering="kenmerk",
                    aandelen={c: "starters" for c in shares})


def _aandeel_verraadt(p: float, n: int, k: int = K, decimals: int = 1) -> bool:
    """Whether a share ``p`` (0-1) shown in percent with ``decimals`` pins, times ``n``, a
    number of people (or its complement) below ``k``: what :func:`privacy.audit` tries."""
    from regio_analysis.data.privacy import pinned

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


#: suffixes of a percentage column and its interval bounds in the numeric tables
_PCT_CI = (" (%)", ": 95%-BI laag", ": 95%-BI hoog")


def _pct_kolom(column: str, naam: str | None = None) -> Kolom:
    """A percentage column ``<x> (%)`` shown with its bounds as "x% (lo–hi%)" under the header ``<x>``."""
    base = column[: -len(_PCT_CI[0])]
    return Kolom("pct", 1, laag=base + _PCT_CI[1], hoog=base + _PCT_CI[2], naam=naam or base)


def vertrek_en_ambitie(region, spells: pd.DataFrame, horizons: Sequence[float] = HORIZONS) -> pd.DataFrame:
    """Estimated share leaving within each horizon beside the region's ambition and published figure."""
    if spells.empty or len(spells) < K:
        return pd.DataFrame()
    h = survival_at(spells, "duration", "event", list(horizons), entry="entry")
    amb = ambities(region).set_index("horizon")["max"]
    pub = gepubliceerd_vertrek(region).dropna(subset=["horizon"]).drop_duplicates("horizon", keep="last")
    pub = pub.set_index(pub["horizon"].astype(int))["waarde"]
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
    vertrek = "geschat vertrek"
    out = pd.DataFrame({
        "horizon": [f"{h} jaar" for h in tabel["horizon (jaar)"]],
        vertrek + _PCT_CI[0]: tabel["geschat vertrek"].astype(float) * 100,
        vertrek + _PCT_CI[1]: tabel["ci_lower"].astype(float) * 100,
        vertrek + _PCT_CI[2]: tabel["ci_upper"].astype(float) * 100,
        "ambitie regio (maximaal, %)": tabel["ambitie (max)"].astype(float) * 100,
        "gepubliceerd cijfer (%)": tabel["gepubliceerd"].astype(float) * 100,
        "nog gevolgd": tabel["nog gevolgd"].round().astype("Int64"),
    })
    out = _aantallen(out, ["nog gevolgd"])
    spec: dict[str, Kolom | str] = {
        vertrek + _PCT_CI[0]: _pct_kolom(vertrek + _PCT_CI[0], "geschat vertrek (95%-BI)"),
        "ambitie regio (maximaal, %)": Kolom("pct", 0, naam="ambitie regio (maximaal)", leeg="geen"),
        "gepubliceerd cijfer (%)": Kolom("pct", 0, naam="gepubliceerd cijfer"),
        "nog gevolgd": "aantal"}
    kolommen(out, **spec)
    return describe(out, aantallen=["nog gevolgd"], geen_aantallen=[], aandelen={})


def bestemmingen(region, horizon: float = 5.0, bestuur: pd.DataFrame | None = None) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence per destination for OP starters (any end of the spell);
    ``bestuur``: the starters leaving their board (:func:`starters`), when the caller has them."""
    spells = starters(region, exit_from="school")
    if spells.empty or len(spells) < K:
        return pd.DataFrame()
    # not beyond the last year whose retention the life table shows: the shares per destination
    # add up to (about) the share that left, which the life table hides where counts are small
    shown = [j for j, ok in sorted(veilige_overleving(starters(region) if bestuur is None else bestuur).items()) if ok]
    if not shown:
        return pd.DataFrame()
    horizon = min(horizon, float(shown[-1]))
    grid = np.round(np.linspace(0, horizon, int(horizon * 12) + 1), 6)[1:]
    ci = cumulative_incidence(spells, "duration", "event_type", times=grid, entry="entry")
    ci["bestemming"] = ci["event_type"].map(DESTINATION_LABELS).fillna(ci["event_type"])
    counts = spells[spells["event"] == 1]["event_type"].value_counts()
    ci["vertrekkers"] = ci["event_type"].map(counts).fillna(0).astype(int)
    return ci


def _bestemmingen_getoond(ci: pd.DataFrame) -> pd.DataFrame:
    """Destinations with fewer than K leavers are shown together as "overig"."""
    ci = ci.copy()
    small = ci["vertrekkers"] < K
    if small.any():
        ci.loc[small, "bestemming"] = "overig (kleine groepen)"
    return ci.groupby(["bestemming", "time"], as_index=False, observed=True).agg(
        cif=("cif", "sum"), vertrekkers=("vertrekkers", "max"))


def kerngetallen(spells: pd.DataFrame, fit: CoxResult | None) -> pd.DataFrame:
    """The chapter's key figures: the starters followed, those who left, and the Cox model's size
    and concordance (``grootheid``, ``waarde`` shown in its row's unit); counts under K hidden."""
    if spells.empty:
        return pd.DataFrame()
    rows = [("startende leraren gevolgd", float(len(spells)), "aantal"),
            ("van hen vertrokken in de waarnemingsperiode", float(spells["event"].sum()), "aantal")]
    if fit is not None:
        rows += [("Cox-model: starters", float(fit.n), "aantal"), ("Cox-model: vertrekken", float(fit.n_events), "aantal"),
                 ("Cox-model: concordantie (C)", float(fit.concordance), "ratio")]
    out = pd.DataFrame(rows, columns=["grootheid", "waarde", "eenheid"])
    small = (out["eenheid"] == "aantal") & (out["waarde"] < K)
    out.loc[small, "waarde"] = np.nan
    kolommen(out, waarde=Kolom("getal", eenheid="eenheid"))
    return describe(out, geen_aantallen=["waarde"], aandelen={})


def tabel_bestemmingen(ci: pd.DataFrame) -> pd.DataFrame:
    """The share of starters gone to each destination at the last time of :func:`bestemmingen`
    (destinations with fewer than K leavers together as "overig")."""
    if ci is None or ci.empty:
        return pd.DataFrame()
    shown = _bestemmingen_getoond(ci)
    t = shown["time"].max()
    last = shown[shown["time"] == t].sort_values("cif", ascending=False)
    name = f"vertrokken binnen {fmt_getal(t)} jaar (%)"
    out = pd.DataFrame({"bestemming": last["bestemming"].astype(str).to_numpy(), name: last["cif"].to_numpy() * 100})
    kolommen(out, **{name: Kolom("pct", 1, naam=name[:-4])})
    return describe(out, aandelen={})


def lezing_hr(label: str, hr: float, lo: float, hi: float, p: float | None = None, synthetisch: bool = False) -> str:
    """A Dutch reading of one hazard ratio with its 95% interval: a difference in the risk of
    leaving only where the interval excludes 1 (:class:`report.format.Vergelijking`); about
    synthetic spells it says the difference is one of these synthetic data."""
    if any(v is None or not np.isfinite(v) for v in (hr, lo, hi)):
        return f"{label}: niet te schatten met deze gegevens."
    hr_txt = f"HR {fmt_getal(hr, 2)}; 95%-BI {fmt_getal(lo, 2)}–{fmt_getal(hi, 2)}"
    if not vergelijking(hr, lo, hi, 1.0, synthetisch=synthetisch).sluit_uit:
        return f"{label}: geen duidelijk verschil in vertrekrisico ({hr_txt}; het interval omvat 1)."
    pct = abs(1 - hr) * 100
    richting = "lager" if hr < 1 else "hoger"
    waar = " in deze synthetische gegevens" if synthetisch else ""
    tekst = f"{label}: {fmt_getal(pct, 0)}% {richting} vertrekrisico{waar} ({hr_txt}"
    if p is not None and np.isfinite(p):
        tekst += f"; {_p_tekst(p)}"
    return tekst + ")."


def cox_tabel(fit: CoxResult | None, discreet: DiscreteTimeResult | None = None, synthetisch: bool = False) -> pd.DataFrame:
    """Dutch table of the Cox model: kenmerk, HR, 95%-BI, p, reading (and the discrete-time HR)."""
    if fit is None:
        return pd.DataFrame()
    rows = []
    for name, r in fit.summary.iterrows():
        label = MODEL_KENMERKEN.get(name, name)
        row = {"kenmerk": label, "HR": r["hr"], "95%-BI laag": r["ci_lower"], "95%-BI hoog": r["ci_upper"],
               "p": r["p"]}
        if discreet is not None and name in discreet.summary.index:
            d = discreet.summary.loc[name]
            row.update({"HR per jaar (discreet)": d["hr"], "HR per jaar: 95%-BI laag": d["ci_lower"],
                        "HR per jaar: 95%-BI hoog": d["ci_upper"]})
        row["lezing"] = lezing_hr(label, r["hr"], r["ci_lower"], r["ci_upper"], r["p"], synthetisch=synthetisch)
        rows.append(row)
    out = pd.DataFrame(rows)
    kolommen(out, HR=Kolom("getal", 2), p="p", **{"95%-BI laag": Kolom("getal", 2, hoog="95%-BI hoog", naam="95%-BI")})
    if "HR per jaar (discreet)" in out:
        kolommen(out, **{"HR per jaar (discreet)": Kolom("getal", 2, laag="HR per jaar: 95%-BI laag",
                                                         hoog="HR per jaar: 95%-BI hoog")})
    return out


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
    out = pd.DataFrame({
        "kenmerk": [MODEL_KENMERKEN.get(names.get(c, c), c) for c in test["covariaat"]],
        "toetsingsgrootheid": test["statistic"].astype(float).to_numpy(),
        "p": test["p"].astype(float).to_numpy(),
        "oordeel": ["mogelijk niet constant in de tijd" if p < 0.05 else "geen aanwijzing tegen" for p in test["p"]],
    })
    return kolommen(out, toetsingsgrootheid=Kolom("getal", 2), p="p")


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
        "kans op vertrek in dit jaar (%)": lt["vertrek_kans"].astype(float).to_numpy() * 100,
        "nog in dienst (cumulatief, %)": lt["survival"].astype(float).to_numpy() * 100,
    })
    # complementary suppression: no hidden count comes back from the life-table identity,
    # the yearly probability or the cumulative survival (see privacy.suppress_life_table)
    counts = ("in dienst bij begin", "vertrokken", "gecensureerd")
    # the chapter's opening states the number of leavers: a published total of the column
    rate, survival = "kans op vertrek in dit jaar (%)", "nog in dienst (cumulatief, %)"
    out, _ = suppress_life_table(out, *counts, k=K, survival=[survival], rates=[rate], totals=["vertrokken"],
                                 hidden_text=np.nan)
    for c in counts:
        out[c] = out[c].round().astype("Int64")
    for c in (rate, survival):
        out[c] = pd.to_numeric(out[c]).astype(float)
    kolommen(out, jaar="jaar", **{rate: Kolom("pct", 1, naam="kans op vertrek in dit jaar"),
                                  survival: Kolom("pct", 1, naam="nog in dienst (cumulatief)")})
    return describe(out, aantallen=counts, levenstafel=counts, geen_aantallen=["jaar"],
                    aandelen={rate: "in dienst bij begin"})


def veilige_overleving(spells: pd.DataFrame, max_jaren: int = 7, k: int = K) -> dict[int, bool]:
    """``{year: shown}``: whether the life table of ``spells`` shows the cumulative survival
    and the at-risk count of that year. Other tables show the same numbers only where it does."""
    tabel = levenstafel(spells, max_jaren) if not spells.empty else pd.DataFrame()
    if tabel.empty:
        return {}
    return {int(j): bool(pd.notna(s)) for j, s in zip(tabel["jaar"], tabel["nog in dienst (cumulatief, %)"])}


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
    name = f"gemiddeld jaren in dienst (van de eerste {fmt_getal(horizon)})"
    out = pd.DataFrame({
        "groep": [g for g, _ in rows],
        name: [float(r["rmst"]) for _, r in rows],
        "95%-BI laag": [float(r["ci_lower"]) for _, r in rows],
        "95%-BI hoog": [float(r["ci_upper"]) for _, r in rows],
    })
    return kolommen(out, **{name: Kolom("getal", 2), "95%-BI laag": Kolom("getal", 2, hoog="95%-BI hoog", naam="95%-BI")})


def logrank_tabel(spells: pd.DataFrame, kenmerken: Sequence[str] = ("route", "bevoegd", "inductie")) -> pd.DataFrame:
    """Log-rank tests per grouping (groups of at least K people)."""
    rows = []
    for kenmerk in kenmerken:
        d, _ = groepen(spells, kenmerk)
        if d.empty or d["groep"].nunique() < 2:
            continue
        t = logrank_test(d, "duration", "event", "groep", entry="entry")
        rows.append({"kenmerk": KENMERKEN[kenmerk][0], "chi-kwadraat": float(t.chisq),
                     "vrijheidsgraden": int(t.df), "p": float(t.p)})
    out = pd.DataFrame(rows)
    spec: dict[str, Kolom | str] = {"chi-kwadraat": Kolom("getal", 2), "vrijheidsgraden": "aantal", "p": "p"}
    return kolommen(out, **spec) if rows else out
