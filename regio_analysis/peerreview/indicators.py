"""The indicators of the framework computed from a region's tables.

Each name in :data:`BEREKENINGEN` (a framework's ``berekening``) maps to a computation that
returns a :class:`Meting`: a value (None when the region lacks the data, with the reason), its
source, its trend per year and the evidence it rests on in words. Starter retention
(Kaplan-Meier) and induction come from the employment spells, satisfaction from the survey,
Samen Opleiden coverage and funding from ``peerreview.coverage``, the cycle from
``peerreview.cycle`` and anything else from the key figures. Counts about people below ``k``
are suppressed; values computed from synthetic tables are labelled *synthetisch*.
Starter retention and induction use the starters of the retention chapter
(``retention.chapter.analyses.starters``: starting teachers, functiegroep OP, first job in
education; leaving = leaving the board), so both chapters count the same people.
:func:`doel` takes an indicator's target from the region's ambition when the framework points
at one (with the year of that ambition as the target year), else the framework's own target, a
package default (:data:`STANDAARD_DOEL`). :func:`regio_analysis.data.region.leesbare_bron` names a source by its document,
never by an internal file name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from regio_analysis.data.privacy import DEFAULT_K
from regio_analysis.data.region import kengetal_rijen, leesbare_bron
from regio_analysis.errors import DataError
from regio_analysis.peerreview.coverage import CoverageResult, _eur, samen_opleiden_coverage
from regio_analysis.peerreview.cycle import GEEN_JAAR, peer_review_cycle
from regio_analysis.peerreview.framework import BEREKENING_NAMEN, Framework, Indicator
from regio_analysis.report.format import fmt_getal, fmt_pct, opsomming

SYNTH = "synthetisch"
#: how a target that is the framework file's own (a package default) is labelled wherever it is shown
STANDAARD_DOEL = "eigen standaard van het pakket, geen landelijke norm; vervang door de ambitie van de regio"
# survey groups that count as students / as school-based supervisors
STUDENT_GROEPEN = ("student", "studenten")
BEGELEIDER_GROEPEN = ("begeleider", "begeleiders", "werkplekbegeleider", "schoolopleider", "opleider")


@dataclass
class Meting:
    """The outcome of one computation: a value (None when missing) with its source and trend."""

    waarde: float | None
    bron: str = ""
    trend: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["jaar", "waarde", "n"]))
    bewijs: str = ""  # what the value rests on, in words
    synthetisch: bool = False
    ontbreekt: str = ""  # why the value is missing
    jaar: int | None = None  # the year the value is about (None: several years or not stated)
    n: int | None = None  # the people (or respondents) the value rests on, when it rests on people


class _Context:
    """Shared, lazily computed inputs of the indicator computations for one region."""

    def __init__(self, region, peiljaar: int, framework: Framework, per_student_eur: float, k: int = DEFAULT_K):
        self.region = region
        self.peiljaar = peiljaar
        self.framework = framework
        self.per_student_eur = per_student_eur
        self.k = k
        self._starters: pd.DataFrame | None = None
        self._coverage: CoverageResult | None = None
        self._coverage_done = False

    def starters(self) -> pd.DataFrame:
        """The starters of the retention chapter: starting teachers (OP), leaving = leaving the board."""
        if self._starters is None:
            from regio_analysis.retention.chapter.analyses import starters

            d = self.region.dienstverbanden if self.region.has("dienstverbanden") else pd.DataFrame()
            if d.empty or "starter" not in d.columns or not d["starter"].any():
                self._starters = pd.DataFrame()
            else:
                self._starters = starters(self.region, exit_from="bestuur")
        return self._starters

    @property
    def spells_synthetic(self) -> bool:
        return "dienstverbanden" in self.region.synthetisch

    def coverage(self) -> CoverageResult | None:
        if not self._coverage_done:
            self._coverage_done = True
            if self.region.has("samen_opleiden"):
                self._coverage = samen_opleiden_coverage(self.region.samen_opleiden, self.per_student_eur,
                                                         kengetallen=self.region.kengetallen)
        return self._coverage


def _synth_bron(text: str, synthetic: bool) -> str:
    return f"{text} ({SYNTH})" if synthetic else text


def _retention(ctx: _Context, horizon: float) -> Meting:
    from regio_analysis.retention import survival_at

    sp = ctx.starters()
    synth = ctx.spells_synthetic
    bron = _synth_bron("dienstverbanden (startende leraren, OP), Kaplan-Meier", synth)
    if sp.empty:
        return Meting(None, bron, ontbreekt="geen dienstverbanden van startende leraren (microdata) voor deze regio")
    if len(sp) < ctx.k:
        return Meting(None, bron, ontbreekt=f"minder dan {ctx.k} startende leraren: onderdrukt", synthetisch=synth)
    try:
        est = survival_at(sp, "duration", "event", [horizon], entry="entry").iloc[0]
        cohorts = survival_at(sp, "duration", "event", [horizon], entry="entry", by="start_jaar")
    except DataError as err:
        return Meting(None, bron, ontbreekt=f"Kaplan-Meier niet te schatten: {err}", synthetisch=synth)
    if est["at_risk"] < 1:
        return Meting(None, bron, ontbreekt=f"geen startende leraren {fmt_getal(horizon)} jaar of langer gevolgd",
                      synthetisch=synth)
    sizes = sp.groupby("start_jaar").size()
    cohorts = cohorts[(cohorts["at_risk"] >= 1) & cohorts["start_jaar"].map(sizes).ge(ctx.k)]
    trend = pd.DataFrame({"jaar": cohorts["start_jaar"].astype(int), "waarde": 100 * cohorts["survival"],
                          "n": cohorts["start_jaar"].map(sizes).astype(int)}).reset_index(drop=True)
    jaren = sp["start_jaar"]
    bewijs = (f"Kaplan-Meier over {fmt_getal(len(sp))} startende leraren (functiegroep OP, eerste baan in het "
              f"onderwijs; startjaren {int(jaren.min())}–{int(jaren.max())}), 95%-BI {fmt_pct(100 * est['ci_lower'])}–"
              f"{fmt_pct(100 * est['ci_upper'])}; vertrek = het bestuur verlaten (een andere school van hetzelfde "
              "bestuur telt niet als vertrek); dezelfde starters als in het hoofdstuk Retentie van startende leraren; "
              "trend per startcohort")
    return Meting(100 * float(est["survival"]), bron, trend, bewijs, synth, n=len(sp))


def _induction(ctx: _Context, ind: Indicator) -> Meting:
    sp = ctx.starters()
    synth = ctx.spells_synthetic
    bron = _synth_bron("dienstverbanden (startende leraren, OP)", synth)
    if sp.empty:
        return Meting(None, bron, ontbreekt="geen dienstverbanden van starters (microdata) voor deze regio")
    op = sp[sp["functiegroep"] == "OP"] if "functiegroep" in sp.columns else sp
    if len(op) < ctx.k:
        return Meting(None, bron, ontbreekt=f"minder dan {ctx.k} startende leraren: onderdrukt", synthetisch=synth)
    per = op.groupby("start_jaar")["inductie"].agg(["mean", "size"]).reset_index()
    per = per[per["size"] >= ctx.k]
    trend = pd.DataFrame({"jaar": per["start_jaar"].astype(int), "waarde": 100 * per["mean"].astype(float),
                          "n": per["size"].astype(int)})
    n_ind = int(op["inductie"].sum())
    bewijs = (f"{fmt_getal(n_ind) if n_ind >= ctx.k else f'minder dan {ctx.k}'} van {fmt_getal(len(op))} startende leraren "
              f"met inductie (startjaren {int(op['start_jaar'].min())}–{int(op['start_jaar'].max())})")
    if "inductie_intensiteit" in op.columns:
        intens = op["inductie_intensiteit"].value_counts()
        delen = [f"{k} {fmt_getal(v)}" for k, v in intens.items() if k != "geen" and v >= ctx.k]
        if delen:
            bewijs += f"; intensiteit: {', '.join(delen)}"
    return Meting(100 * float(op["inductie"].mean()), bron, trend, bewijs, synth, n=len(op))


def _satisfaction(ctx: _Context, groepen: tuple[str, ...], wie: str) -> Meting:
    e = ctx.region.enquete
    synth = "enquete" in ctx.region.synthetisch
    bron = _synth_bron(f"enquête ({wie})", synth)
    if e.empty:
        return Meting(None, bron, ontbreekt="geen enquête voor deze regio")
    sub = e[e["groep"].astype(str).str.strip().str.lower().isin(groepen)].dropna(subset=["waarde"])
    if sub.empty:
        return Meting(None, bron, ontbreekt=f"de enquête heeft geen antwoorden van {wie}", synthetisch=synth)
    rows = []
    for jaar, g in sub.groupby("jaar", sort=True):
        n = g["respondent_id"].nunique()
        if n >= ctx.k:
            rows.append({"jaar": int(jaar), "waarde": 100 * float((g["waarde"] >= 4).mean()), "n": int(n)})
    trend = pd.DataFrame(rows, columns=["jaar", "waarde", "n"])
    if trend.empty:
        return Meting(None, bron, ontbreekt=f"minder dan {ctx.k} respondenten ({wie}) per jaar: onderdrukt", synthetisch=synth)
    last = int(trend["jaar"].max())
    g = sub[sub["jaar"] == last]
    items = g.groupby("item")["waarde"].apply(lambda s: 100 * float((s >= 4).mean()))
    bewijs = (f"{fmt_getal(trend['n'].iloc[-1])} respondenten in {last}, aandeel 4 of 5 per item: "
              + "; ".join(f"{i} {fmt_pct(v, 0)}" for i, v in items.items()))
    return Meting(float(trend["waarde"].iloc[-1]), bron, trend, bewijs, synth, jaar=last, n=int(trend["n"].iloc[-1]))


def _kengetal_rows(kg: pd.DataFrame, indicator: str, onderwerp: str | None = None, categorie: str = "") -> pd.DataFrame:
    rows = kengetal_rijen(kg, indicator, onderwerp or None, **({"categorie": categorie} if categorie else {}))
    if not categorie and not rows.empty and rows["categorie"].isin(["totaal", "onderwijsregio"]).any():
        rows = rows[rows["categorie"].isin(["totaal", "onderwijsregio"])]
    return rows


def _from_rows(rows: pd.DataFrame, what: str, region) -> Meting:
    if rows.empty:
        return Meting(None, "kengetallen", ontbreekt=f"geen kengetal {what} voor deze regio")
    rows = rows.assign(_j=rows["jaar"].fillna(-1)).sort_values("_j", kind="stable")
    last = rows.iloc[-1]
    with_year = rows[rows["jaar"].notna()]
    trend = pd.DataFrame({"jaar": with_year["jaar"].astype(int), "waarde": with_year["waarde"].astype(float),
                          "n": pd.NA}).drop_duplicates("jaar", keep="last").reset_index(drop=True)
    jaar = "" if pd.isna(last["jaar"]) else f" ({int(last['jaar'])})"
    return Meting(float(last["waarde"]), f"kengetallen: {leesbare_bron(region, last['bron'])}", trend,
                  f"{what}{jaar}" + (f"; {last['opmerking']}" if str(last.get("opmerking", "")).strip() else ""),
                  jaar=None if pd.isna(last["jaar"]) else int(last["jaar"]))


def _calc_kengetal(ctx: _Context, ind: Indicator) -> Meting:
    spec = ind.kengetal or {}
    rows = _kengetal_rows(ctx.region.kengetallen, spec.get("indicator", ""), spec.get("onderwerp") or None,
                          spec.get("categorie", ""))
    return _from_rows(rows, f"{spec.get('onderwerp', '')}/{spec.get('indicator', '')}", ctx.region)


def _calc_certified(ctx: _Context, ind: Indicator) -> Meting:
    kg = ctx.region.kengetallen
    rows = _kengetal_rows(kg, "aandeel_gecertificeerde_schoolopleiders")
    if not rows.empty:
        return _from_rows(rows, "aandeel gecertificeerde schoolopleiders", ctx.region)
    cert = _kengetal_rows(kg, "gecertificeerde_schoolopleiders")
    alle = _kengetal_rows(kg, "schoolopleiders")
    if not cert.empty and not alle.empty:
        both = cert.merge(alle, on="jaar", suffixes=("_c", "_a"))
        both = both[both["waarde_a"] > 0]
        if not both.empty:
            both = both.assign(_j=both["jaar"].fillna(-1)).sort_values("_j")
            last = both.iloc[-1]
            with_year = both[both["jaar"].notna()]
            trend = pd.DataFrame({"jaar": with_year["jaar"].astype(int),
                                  "waarde": 100 * with_year["waarde_c"] / with_year["waarde_a"], "n": pd.NA})
            return Meting(100 * float(last["waarde_c"]) / float(last["waarde_a"]),
                          f"kengetallen: {leesbare_bron(ctx.region, last['bron_c'])}", trend,
                          f"{fmt_getal(last['waarde_c'])} van {fmt_getal(last['waarde_a'])} schoolopleiders gecertificeerd",
                          jaar=None if pd.isna(last["jaar"]) else int(last["jaar"]))
    return Meting(None, "kengetallen", ontbreekt="geen gegevens over gecertificeerde (geregistreerde) schoolopleiders; "
                                                 "voeg de kengetallen 'aandeel_gecertificeerde_schoolopleiders' of "
                                                 "'gecertificeerde_schoolopleiders' en 'schoolopleiders' toe")


def _calc_coverage(ctx: _Context, ind: Indicator) -> Meting:
    cov = ctx.coverage()
    if cov is None or cov.summary.empty:
        rows = _kengetal_rows(ctx.region.kengetallen, "aandeel_studenten_in_partnerschap", "samen_opleiden", "totaal")
        if rows.empty:
            return Meting(None, "samen_opleiden", ontbreekt="geen aantallen studenten per lerarenopleiding "
                                                            "(tabel samen_opleiden) voor deze regio")
        return _from_rows(rows, "aandeel studenten in een partnerschap", ctx.region)
    t = cov.summary[cov.summary["instituut"] == "totaal"].sort_values("jaar")
    last = t.iloc[-1]
    trend = pd.DataFrame({"jaar": t["jaar"].astype(int), "waarde": t["aandeel_partnerschap"].astype(float), "n": pd.NA})
    inst = cov.summary[(cov.summary["jaar"] == last["jaar"]) & (cov.summary["instituut"] != "totaal")]
    bewijs = (f"{opsomming([f'{r.instituut} {fmt_pct(r.aandeel_partnerschap)}' for r in inst.itertuples()])}; "
              f"nog te plaatsen voor 100 %: {fmt_getal(last['nog_te_plaatsen'])} studenten, "
              f"{_eur(last['extra_bekostiging_eur'])} extra bij {_eur(cov.per_student_eur)} per student")
    if not cov.inconsistenties.empty:
        bewijs += f"; {len(cov.inconsistenties)} bedrag(en) of aantal(len) in het plan wijken af (zie W3)"
    bron = "samen_opleiden: " + "; ".join(dict.fromkeys(leesbare_bron(ctx.region, b)
                                                        for b in ctx.region.samen_opleiden["bron"].astype(str)))
    return Meting(float(last["aandeel_partnerschap"]), bron, trend, bewijs, jaar=int(last["jaar"]))


def _calc_funding(ctx: _Context, ind: Indicator) -> Meting:
    cov = ctx.coverage()
    if cov is None or cov.controles.empty:
        return Meting(None, "kengetallen en samen_opleiden",
                      ontbreekt="geen bedragen of studentaantallen in het plan om na te rekenen")
    n_bad = int((~cov.controles["consistent"]).sum())
    bewijs = f"{len(cov.controles)} genoemde bedragen en aantallen nagerekend"
    if n_bad:
        bewijs += ": " + " ".join(cov.meldingen())
    else:
        bewijs += "; alle volgen uit de studentaantallen"
    return Meting(float(n_bad), "kengetallen (bekostiging, samen_opleiden) tegen de tabel samen_opleiden",
                  pd.DataFrame(columns=["jaar", "waarde", "n"]), bewijs)


def _calc_cycle(ctx: _Context, ind: Indicator) -> Meting:
    cyc = peer_review_cycle(ctx.region.partnerschappen, ctx.peiljaar, ctx.framework.cyclus_jaren)
    if cyc.empty:
        return Meting(None, "partnerschappen", ontbreekt="geen partnerschappen of opleidingsscholen (tabel partnerschappen) "
                                                         "voor deze regio")
    if (cyc["status"] == GEEN_JAAR).all():
        return Meting(None, "partnerschappen", ontbreekt="van geen enkel partnerschap is het jaar van een vorige of geplande "
                                                         "peer review bekend; vul laatste_peer_review en peer_review_jaar in")

    def jaren(r) -> str:
        delen = ([f"laatste {r.laatste_peer_review}"] if pd.notna(r.laatste_peer_review) else []) + \
            ([f"volgende {r.volgende}" + (f", met {r.via}" if r.via else "")] if pd.notna(r.volgende) else [])
        return f" ({', '.join(delen)})" if delen else ""

    bewijs = "; ".join(f"{r.naam}: {r.status}{jaren(r)}" for r in cyc.itertuples(index=False))
    return Meting(100 * float(cyc["op_schema"].mean()), "partnerschappen", pd.DataFrame(columns=["jaar", "waarde", "n"]),
                  f"peiljaar {ctx.peiljaar}, cyclus {ctx.framework.cyclus_jaren} jaar: {bewijs}", jaar=ctx.peiljaar)


#: The computations a framework's ``berekening`` may name.
BEREKENINGEN: dict[str, Callable[[_Context, Indicator], Meting]] = {
    "behoud_starters_1_jaar": lambda ctx, ind: _retention(ctx, 1.0),
    "behoud_starters_3_jaar": lambda ctx, ind: _retention(ctx, 3.0),
    "behoud_starters_5_jaar": lambda ctx, ind: _retention(ctx, 5.0),
    "inductie_dekking": _induction,
    "samen_opleiden_dekking": _calc_coverage,
    "tevredenheid_studenten": lambda ctx, ind: _satisfaction(ctx, STUDENT_GROEPEN, "studenten"),
    "tevredenheid_begeleiders": lambda ctx, ind: _satisfaction(ctx, BEGELEIDER_GROEPEN, "begeleiders"),
    "gecertificeerde_schoolopleiders": _calc_certified,
    "bekostiging_navolgbaar": _calc_funding,
    "peer_review_cyclus": _calc_cycle,
    "kengetal": _calc_kengetal,
}
if tuple(BEREKENINGEN) != BEREKENING_NAMEN:  # the framework checks names against BEREKENING_NAMEN
    raise RuntimeError("BEREKENINGEN and framework.BEREKENING_NAMEN name different computations")


#: an internal file name at the start of a source (``"002_53f7c34f92f653b9.txt § Analyse"``)
@dataclass(frozen=True)
class Doel:
    """The target of an indicator: its value, the year it is to be reached (None: no horizon),
    its kind (``standaardwaarde``: the framework file's own, a package default; ``ambitie``:
    the region's published ambition) and where it comes from, in words."""

    waarde: float
    jaar: int | None
    soort: str
    bron: str


def doel(region, ind: Indicator) -> Doel:
    """The indicator's target: the region's ambition when the framework points at one (its year,
    when the ambition has one, is the target year), else the framework's own target, labelled
    :data:`STANDAARD_DOEL`."""
    spec = ind.doel_uit_ambitie
    if spec and spec.get("indicator"):
        rows = _kengetal_rows(region.kengetallen, spec["indicator"], "ambitie")
        if not rows.empty:
            rows = rows.assign(_j=pd.to_numeric(rows["jaar"], errors="coerce").fillna(-1)).sort_values("_j", kind="stable")
            r = rows.iloc[-1]
            v = float(r["waarde"])
            complement = spec.get("omzetting") == "complement"
            waarde = 100 - v if complement else v
            wat = str(r.get("opmerking", "") or "").split(";")[0].strip()
            wat = re.sub(r"^doel:\s*", "", wat) or spec["indicator"].replace("_", " ")
            eenheid = "%" if str(r.get("eenheid", "")) == "procent" else ""
            tekst = f"ambitie van de regio: {wat} ({fmt_getal(v)}{eenheid}"
            tekst += f"; doel 100 − {fmt_getal(v)} = {fmt_getal(waarde)}{eenheid})" if complement else ")"
            if ind.berekening.startswith("behoud_starters") and str(r.get("functiegroep", "")) != "OP":
                tekst += ("; de ambitie gaat over alle startende personeelsleden, de indicator over startende leraren "
                          "(functiegroep OP)")
            jaar = None if pd.isna(r["jaar"]) else int(r["jaar"])
            return Doel(waarde, jaar, "ambitie", f"{tekst}; bron: {leesbare_bron(region, r['bron'])}")
    return Doel(ind.doel, ind.doeljaar, "standaardwaarde", STANDAARD_DOEL)
