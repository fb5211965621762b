"""What the chapter ``02_kwalitatief.ipynb`` shows, computed here so it can be tested.

Every figure has a reading: one Dutch sentence computed from the same numbers. Every
function works on whatever a region has (an empty register, no open answers, no own
documents) and then returns ``None`` or a ``geen_gegevens`` note instead of raising.
Counts about people (open answers) below 10 are suppressed; synthetic data is labelled
*synthetisch*.

The notebook creates one :class:`Hoofdstuk` (the chapter for one region) and calls its
methods; the module functions it calls stay usable on their own. Tables hold numbers
(shares on the 0-100 scale in ``<x> (%)`` columns) and declare their display with
``report.format.kolommen``; ``report.tables.toon_tabel`` shows them in Dutch notation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.data.provenance import (Herkomst, berekend, bronnen_van, herkomst_van, markeer, met_herkomst,
                                            synthetisch)
from regio_analysis.report.format import (Kolom, bijschrift_tekst, fmt_getal, fmt_pct, geen_gegevens, kolommen, opsomming,
                                          thema_label)
from regio_analysis.report.tables import bijschrift
from regio_analysis.data.privacy import DEFAULT_K, describe, names_from_region, suppress_counts, suppress_small_cells
from regio_analysis.io.codebook import default_codebook
from regio_analysis.io.documents import load_documents
import regio_analysis.qualitative.analysis as analysis
import regio_analysis.qualitative.plans as plans
from regio_analysis.qualitative.autocode import auto_code, precision_recall
from regio_analysis.qualitative.codebook import Codebook
from regio_analysis.qualitative.documents import documents_from_answers
from regio_analysis.qualitative.reliability import reliability_by_code

SYNTH = "synthetisch"
#: what synthetic open answers are, said wherever a figure about them is read
SYNTH_UITLEG = ("een demonstratie van de methode, geen antwoorden uit de regio; welke redenen voorkomen, "
                "volgt uit de instellingen van de generator")
#: the pooled row of the regional comparison: every register theme outside the five
OVERIGE_THEMAS = "overige thema's"
REDEN_GROEP = "vertrekreden"

# the columns of the tables (Dutch headers; shares on the 0-100 scale in "<x> (%)")
AUTO = "antwoorden (automatisch)"  # answers auto-coded with a reason
WERKELIJK = "antwoorden (werkelijk)"  # answers whose known (synthetic) codes name the reason
AANDEEL = "aandeel (%)"
KWALITEIT = ("precisie", "recall", "F1", "Cohen's kappa")


def _regio(region) -> str:
    naam = region.naam
    return naam if naam.lower().startswith("onderwijsregio") else f"onderwijsregio {naam}"


def _leaf(code: str) -> str:
    return code.rsplit("/", 1)[-1]


def inleiding(region, documenten: pd.DataFrame | None = None) -> str:
    """One Markdown paragraph: what the chapter analyses for this region."""
    delen = []
    if region.has("activiteiten"):
        delen.append(f"het activiteitenregister ({len(region.activiteiten)} activiteiten)")
    if region.has("open_antwoorden"):
        if "open_antwoorden" in region.synthetisch:
            delen.append(f"{len(region.open_antwoorden)} **{SYNTH}e** open antwoorden over redenen van vertrek "
                         f"({SYNTH_UITLEG})")
        else:
            delen.append(f"{len(region.open_antwoorden)} open antwoorden over redenen van vertrek")
    if documenten is not None and not documenten.empty:
        delen.append(f"{len(documenten)} eigen {'document' if len(documenten) == 1 else 'documenten'}")
    if not delen:
        return f"Voor {_regio(region)} zijn geen kwalitatieve gegevens beschikbaar."
    gecodeerd = [w for w, ja in (("de open antwoorden", region.has("open_antwoorden")),
                                 ("de eigen documenten", documenten is not None and not documenten.empty)) if ja]
    tekst = f"Dit hoofdstuk beschrijft en vergelijkt het kwalitatieve materiaal van {_regio(region)}: {opsomming(delen)}."
    if region.has("activiteiten"):
        tekst += (" Elke activiteit van het register kreeg bij het overnemen één thema in de indeling van het pakket, "
                  "meestal naar de paragraaf van het plan waarin zij staat; een activiteit die ook bij een ander thema "
                  "past, telt alleen bij het hare.")
    if gecodeerd:
        tekst += (f" {opsomming(gecodeerd).capitalize()} worden automatisch gecodeerd met het standaardcodeboek "
                  "(woordenlijst met lemma's en patronen); controleer die codes voordat u conclusies trekt.")
    return tekst


# --- the activity register ----------------------------------------------------------------------

def themaprofiel(region) -> pd.DataFrame:
    """The register's theme profile (see :func:`plans.theme_profile`)."""
    return plans.theme_profile(region.activiteiten)


def figuur_themaprofiel(region, ax: Axes | None = None) -> Axes | None:
    """Share of the register's activities per theme, each theme in its colour of the timeline."""
    from regio_analysis.report import figures as plotting

    prof = themaprofiel(region)
    if len(prof) < 2:
        return None
    ax = plotting.staaf(prof, x="aandeel", y="label", ax=ax, xlabel="Aandeel van de activiteiten (%)", decimals=0,
                        kleur={r.label: plotting.THEMA_KLEUREN.get(r.thema, plotting.PALETTE[7]) for r in prof.itertuples()})
    return bijschrift(ax, f"Activiteiten in het activiteitenregister per thema, aandeel van alle "
                          f"{int(prof['n_activiteiten'].sum())} activiteiten (%)")


def lezing_themaprofiel(region) -> str:
    """The register's largest theme, the share of the five themes, and the five themes no
    activity has as its theme. That absence is said of the register only: an activity has
    one theme there, so activities filed under another theme that name a missing one (in
    title, ambition or intended result) are counted, with an example."""
    prof = themaprofiel(region)
    if prof.empty:
        return geen_gegevens("het activiteitenregister")
    act = region.activiteiten
    top = prof.sort_values(["n_activiteiten", "thema"], ascending=[False, True]).iloc[0]
    vijf = prof[prof["thema"].isin(plans.VIJF_THEMAS)]
    tekst = (f"Van de {int(prof['n_activiteiten'].sum())} activiteiten in het register vallen er de meeste onder "
             f"{top['label']} ({int(top['n_activiteiten'])}, {fmt_pct(top['aandeel'], 0)}); de vijf thema's van de "
             f"regeling beslaan samen {fmt_pct(vijf['aandeel'].sum(), 0)}.")
    ontbreekt = [t for t in plans.VIJF_THEMAS if t not in set(prof["thema"])]
    if not ontbreekt:
        return tekst
    tekst += (f" In het activiteitenregister heeft geen activiteit het thema {opsomming([thema_label(t) for t in ontbreekt], 'of')}"
              "; het register geeft elke activiteit één thema")
    genoemd = []
    for t in ontbreekt:
        rows = plans.themes_named(act, t)
        if not rows.empty:
            r = rows.iloc[0]
            n = len(rows)
            genoemd.append(f"{n} {'activiteit' if n == 1 else 'activiteiten'} met een ander thema "
                           f"{'noemt' if n == 1 else 'noemen'} {thema_label(t)} (bijvoorbeeld {r['id']} "
                           f"'{r['titel']}', thema {thema_label(r['thema'])})")
    if genoemd:
        tekst += ", maar " + "; ".join(genoemd)
    return tekst + "."


def lezing_abc(region) -> str:
    """What the register says about Aantrekken / Behouden / Continuïteit (only what it shows)."""
    prof = plans.abc_profile(region.activiteiten)
    if prof.empty:
        return geen_gegevens("het activiteitenregister")
    n = int(prof["n_activiteiten"].sum())
    niet = prof.loc[prof["abc"] == "niet ingedeeld", "n_activiteiten"].sum()
    if niet == n:
        return (f"Het activiteitenregister deelt geen van de {n} activiteiten in naar Aantrekken, Behouden of "
                "Continuïteit; de tabel toont daarom alleen 'niet ingedeeld'.")
    ingedeeld = prof[prof["abc"] != "niet ingedeeld"]
    delen = [f"{r['abc']} {int(r['n_activiteiten'])}" for _, r in ingedeeld.iterrows()]
    tekst = f"Het activiteitenregister deelt {n - int(niet)} van de {n} activiteiten in: {opsomming(delen)}"
    if niet:
        tekst += f"; {int(niet)} {'heeft' if niet == 1 else 'hebben'} geen indeling"
    return tekst + "."


def abc_tabel(region) -> pd.DataFrame:
    """Activities per ambition Aantrekken / Behouden / Continuïteit: ``ambitie``,
    ``activiteiten``, ``aandeel (%)`` of all activities."""
    prof = plans.abc_profile(region.activiteiten)
    if prof.empty:
        return pd.DataFrame()
    out = prof.rename(columns={"abc": "ambitie", "n_activiteiten": "activiteiten", "aandeel": AANDEEL})
    return kolommen(out, activiteiten="aantal", **{AANDEEL: Kolom("pct", 1, naam="aandeel")})


def planperiode(region) -> tuple[int, int]:
    """The years of the region's plan (``periode`` in regio.yaml), else 2026–2029."""
    return plans.parse_periode(region.meta.get("periode")) or plans.PERIODE


def _jaren(periode: tuple[int, int]) -> str:
    return str(periode[0]) if periode[0] == periode[1] else f"{periode[0]}–{periode[1]}"


def tijdvenster(region) -> tuple[int, int]:
    """The years the timeline shows: the plan period, widened to the register's own dates."""
    return plans.window(region.activiteiten, planperiode(region))


def figuur_tijdlijn(region, ax: Axes | None = None) -> Axes | None:
    venster = tijdvenster(region)
    zonder = plans.looptijd_vermeld(region.activiteiten).eq(False).any()
    tekst = f"Looptijd van de activiteiten uit het activiteitenregister, per thema, {_jaren(venster)}"
    if zonder:
        tekst += " (gearceerd: geen eigen looptijd in het register, geplaatst op de hele planperiode)"
    return bijschrift(plans.timeline(region.activiteiten, ax=ax, periode=venster), tekst)


def lezing_tijdlijn(region) -> str:
    """When the register's activities run. Activities the register does not date (they sit on
    the whole plan period) are not counted as running in a year: the reading says how many
    there are, and gives a peak and a duration only from the dated ones, when those are the
    majority."""
    act = region.activiteiten.dropna(subset=["start", "einde"])
    if act.empty:
        return geen_gegevens("activiteiten met een looptijd")
    venster, plan = tijdvenster(region), _jaren(planperiode(region))
    gedateerd = plans.looptijd_vermeld(act)
    n, n_eigen = len(act), int(gedateerd.sum())
    n_zonder = n - n_eigen
    if n_eigen == 0:
        return (f"Het register geeft geen van de {n} activiteiten een eigen looptijd: alle staan op de hele planperiode "
                f"({plan}). Wanneer een activiteit in die periode loopt, is uit het register niet af te lezen.")
    df = plans.activities_in_period(act[gedateerd], venster)
    zonder = (f"{n_zonder} van de {n} activiteiten {'heeft' if n_zonder == 1 else 'hebben'} in het register geen "
              f"eigen looptijd (zij staan op de hele planperiode, {plan})") if n_zonder else ""
    if n_eigen * 2 < n:
        jaren = _jaren((int(df["start"].dt.year.min()), int(df["einde"].dt.year.max())))
        return (f"{zonder[0].upper()}{zonder[1:]}; een piekjaar of een gemiddelde looptijd is daarom niet te geven. "
                f"De {n_eigen} activiteiten met een eigen looptijd vallen in {jaren}.")
    per_jaar = plans.active_per_year(act[gedateerd], venster).groupby("jaar")["n_activiteiten"].sum()
    piek = int(per_jaar.idxmax())
    duur = ((df["einde"] - df["start"]).dt.days + 1) / 30.44
    meerjarig = int((df["einde"].dt.year > df["start"].dt.year).sum())
    wie, duurt = ("activiteiten", "een activiteit duurt") if not n_zonder else (
        "activiteiten met een eigen looptijd", "die duren")
    tekst = (f"In {piek} lopen de meeste {wie} ({int(per_jaar.max())} van {n_eigen}); {duurt} "
             f"gemiddeld {fmt_getal(duur.mean(), 0)} maanden en {meerjarig} "
             f"{'loopt' if meerjarig == 1 else 'lopen'} over een jaargrens heen.")
    return f"{tekst} {zonder[0].upper()}{zonder[1:]}." if zonder else tekst


def regiovergelijking(data_dir: str | Path | None = None, regio_ids=None) -> pd.DataFrame:
    """Theme × region counts of the activity registers of the default regions (those present
    in ``data_dir``), for comparison. Regions that fail to load are left out."""
    from regio_analysis.data import load_region
    from regio_analysis.errors import DataError
    from regio_analysis.data.regions import DEFAULT_REGIONS, available_region_ids

    try:
        present = set(available_region_ids(data_dir))
    except DataError:
        present = set()
    ids = [r for r in (regio_ids or DEFAULT_REGIONS) if r in present]
    cols = {}
    for rid in ids:
        try:
            act = load_region(rid, data_dir).activiteiten
        except DataError:
            continue
        if not act.empty:
            cols[rid] = act["thema"].value_counts()
    if not cols:
        return pd.DataFrame()
    table = pd.DataFrame(cols).fillna(0).astype(int)
    order = [t for t in plans.THEMAS if t in table.index]
    return table.reindex(order)


def tabel_thema_per_regio(tabel: pd.DataFrame, namen: dict[str, str] | None = None) -> pd.DataFrame:
    """The theme × region counts of :func:`regiovergelijking` as a table: ``thema`` and one
    column of activities per region (headed by its id; shown by its name in ``namen``, if there)."""
    if tabel.empty:
        return pd.DataFrame()
    out = tabel.rename_axis("thema").reset_index()
    out["thema"] = out["thema"].map(thema_label)
    return kolommen(out, **{c: Kolom("aantal", naam=(namen or {}).get(c)) for c in tabel.columns})


def toets_regiovergelijking(tabel: pd.DataFrame) -> analysis.Chi2Result | None:
    """χ² of theme × region on the five themes (other themes pooled as ``overig``)."""
    if tabel.empty or tabel.shape[1] < 2:
        return None
    five = tabel.reindex([t for t in plans.VIJF_THEMAS if t in tabel.index])
    overig = tabel.drop(index=five.index).sum()
    t = pd.concat([five, overig.to_frame(OVERIGE_THEMAS).T])
    t = t.loc[t.sum(axis=1) > 0]
    t.index = [thema_label(i) if i != OVERIGE_THEMAS else i for i in t.index]
    if t.shape[0] < 2:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the warning is shown in the reading
        return analysis.chi2_test(t)


def regio_namen(data_dir: str | Path | None = None) -> dict[str, str]:
    """Region id -> name of the regions in ``data_dir`` (for labels; an id stays an id when unknown)."""
    from regio_analysis.data.regions import list_regions
    from regio_analysis.errors import DataError

    try:
        df = list_regions(data_dir)
    except (DataError, OSError):
        return {}
    return dict(zip(df["regio_id"], df["naam"]))


def figuur_regiovergelijking(region, tabel: pd.DataFrame, ax: Axes | None = None,
                             namen: dict[str, str] | None = None) -> Axes | None:
    """Heatmap of the χ² test's adjusted residuals, theme × region (named by ``namen``, default: the
    shipped regions' names), with its colour scale, symmetric around 0."""
    from regio_analysis.report import figures as plotting

    res = toets_regiovergelijking(tabel)
    if res is None:
        return None
    namen = regio_namen() if namen is None else namen
    m = res.residuen.rename(columns=lambda c: namen.get(c, c))
    ax = plotting.heatmap(m, ax=ax, decimalen=1, cmap="RdBu_r", midden=0.0,
                          kleurlabel="Gestandaardiseerd residu")
    return bijschrift(ax, f"Themaverdeling van de activiteitenregisters van {m.shape[1]} regio's vergeleken: "
                          "gestandaardiseerd residu van de χ²-toets per thema en regio (rood: meer activiteiten "
                          "dan bij een gelijke verdeling verwacht, blauw: minder; boven 2 of onder −2 valt op)")


def lezing_regiovergelijking(region, tabel: pd.DataFrame) -> str:
    """The χ² comparison of the registers' theme counts. "Significant" is said only when the
    test is reliable (no small-expected-count warning); otherwise the reading gives the figures
    and says the test cannot decide."""
    res = toets_regiovergelijking(tabel)
    if res is None:
        return geen_gegevens("activiteitenregisters van meerdere regio's")
    col = region.regio_id if region.regio_id in res.residuen.columns else None
    cijfers = (f"χ² = {fmt_getal(res.chi2, 1)}, df = {res.dof}, p = {fmt_getal(res.p, 3)}, "
               f"Cramér's V = {fmt_getal(res.cramers_v, 2)}")
    if res.waarschuwing:
        tekst = (f"Over {res.residuen.shape[1]} regio's geeft de toets op de themaverdeling van de activiteiten "
                 f"{cijfers}, maar bij zulke kleine aantallen is de toets niet bruikbaar")
    else:
        oordeel = "significant" if res.p < 0.05 else "niet significant"
        tekst = f"Over {res.residuen.shape[1]} regio's verschilt de themaverdeling van de activiteiten {oordeel} ({cijfers})"
    if col is not None:
        r = res.residuen[col]
        hoog, laag = r.idxmax(), r.idxmin()
        tekst += (f"; {_regio(region)} heeft in het register naar verhouding de meeste activiteiten onder {hoog} "
                  f"(residu {fmt_getal(r[hoog], 1)}) en de minste onder {laag} ({fmt_getal(r[laag], 1)})")
    tekst += (". De registers tellen activiteiten zoals elk plan ze opdeelt (het ene in werkgroepen, het andere in "
              "losse stappen), dus de verdeling zegt iets over de opzet van de plannen, niet over hoeveel werk er per "
              "thema gebeurt.")
    if res.waarschuwing:
        tekst += " " + res.waarschuwing
    return tekst


# --- open answers ---------------------------------------------------------------------------------

@dataclass
class Antwoorden:
    """Open answers coded automatically, with the true codes when the data has them."""

    documenten: pd.DataFrame
    codings: pd.DataFrame  # auto codings of all codebook codes
    waarheid: pd.DataFrame  # codings from the 'codes' column (synthetic data), else empty
    codes: list[str]  # the reason-for-leaving codes
    synthetisch: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def redenen(self) -> pd.DataFrame:
        return self.codings[self.codings["code"].isin(self.codes)]


def analyseer_antwoorden(region, codebook: Codebook | None = None) -> Antwoorden | None:
    """Auto-code the region's open answers (one unit per answer); None when it has none."""
    if not region.has("open_antwoorden"):
        return None
    codebook = codebook or default_codebook()
    ans = region.open_antwoorden
    docs = documents_from_answers(ans, region.regio_id)
    units = pd.DataFrame({"doc_id": docs["doc_id"], "eenheid": "antwoord", "nr": 1, "start": 0,
                          "einde": docs["tekst"].str.len(), "sectie": "", "tekst": docs["tekst"]})
    codings = auto_code(docs, codebook, eenheden=units)
    codes = [c.path for c in codebook.group(REDEN_GROEP)]
    truth_rows = []
    if "codes" in ans.columns and ans["codes"].astype(str).str.strip().ne("").any():
        lengths = dict(zip(docs["doc_id"], docs["tekst"].str.len()))
        for r in ans.itertuples(index=False):
            doc_id = f"{r.respondent_id}-{r.jaar}-{r.vraag}"
            for leaf in filter(None, str(r.codes).split(";")):
                truth_rows.append({"doc_id": doc_id, "start": 0, "einde": lengths[doc_id],
                                   "code": f"{REDEN_GROEP}/{leaf.strip()}", "codeur": SYNTH})
    truth = pd.DataFrame(truth_rows, columns=["doc_id", "start", "einde", "code", "codeur"])
    return Antwoorden(docs, codings, truth, codes, synthetisch="open_antwoorden" in region.synthetisch,
                      extra={"namen": names_from_region(region)})


def tabel_redenen(a: Antwoorden | None, k: int = DEFAULT_K) -> pd.DataFrame:
    """Answers per reason for leaving: ``reden``, the answers auto-coded with it (``AUTO``),
    their share of all answers (``AANDEEL``), the answers whose known codes name it
    (``WERKELIJK``, when the data has them), ``onderdrukt`` and ``bron``. Counts below ``k``
    are suppressed (NaN), and so is the share of a suppressed count."""
    if a is None:
        return pd.DataFrame()
    n = len(a.documenten)
    auto = a.redenen.groupby("code")["doc_id"].nunique()
    out = pd.DataFrame({"code": a.codes})
    out["reden"] = out["code"].map(_leaf).map(_reden_label)
    out[AUTO] = out["code"].map(auto).fillna(0).astype(int)
    if not a.waarheid.empty:
        out[WERKELIJK] = out["code"].map(a.waarheid.groupby("code")["doc_id"].nunique()).fillna(0).astype(int)
    counts = [c for c in (AUTO, WERKELIJK) if c in out.columns]
    out = suppress_small_cells(out, counts, k=k)
    out[AANDEEL] = 100 * out[AUTO] / n
    out = out.sort_values([AUTO, "reden"], ascending=[False, True], na_position="last")
    if a.synthetisch:
        out["bron"] = SYNTH
    order = ["reden", AUTO, AANDEEL, *counts[1:], "onderdrukt", *(["bron"] if a.synthetisch else [])]
    out = out[order].reset_index(drop=True)
    kolommen(out, **{c: "aantal" for c in counts}, **{AANDEEL: Kolom("pct", 1, naam="aandeel")})
    return describe(out, aantallen=counts, aandelen={}, geen_aantallen=[])


#: reasons for leaving whose code is no Dutch word, as figures show them
REDEN_LABELS = {"prive": "privé"}


def _reden_label(reden: str) -> str:
    return REDEN_LABELS.get(reden, reden)


def figuur_redenen(a: Antwoorden | None, ax: Axes | None = None) -> Axes | None:
    from regio_analysis.report import figures as plotting

    tab = tabel_redenen(a)
    if a is None or tab.empty or tab[AANDEEL].notna().sum() == 0:
        return None
    data = tab.dropna(subset=[AANDEEL])
    label = f" ({SYNTH})" if a.synthetisch else ""
    data = data.assign(reden=data["reden"].map(_reden_label))
    ax = plotting.staaf(data, x=AANDEEL, y="reden", ax=ax, decimals=0, xlabel="Aandeel van de antwoorden (%)")
    weg = len(tab) - len(data)
    return bijschrift(ax, f"Redenen van vertrek in open antwoorden{label}: aandeel van de {len(a.documenten)} "
                          "antwoorden dat de reden noemt, automatisch gecodeerd (een antwoord kan meer redenen noemen)"
                          + (f"; {weg} redenen met minder dan {DEFAULT_K} antwoorden niet getoond" if weg else ""))


def lezing_redenen(a: Antwoorden | None) -> str:
    tab = tabel_redenen(a)
    if a is None or tab.empty:
        return geen_gegevens("open antwoorden")
    shown = tab.dropna(subset=[AANDEEL])
    if shown.empty:
        return f"Geen reden van vertrek komt in {DEFAULT_K} of meer antwoorden voor; de aantallen zijn onderdrukt."
    top = shown.iloc[0]
    wat = f"{SYNTH}e open antwoorden ({SYNTH_UITLEG})" if a.synthetisch else "open antwoorden"
    tweede = (f", gevolgd door {shown.iloc[1]['reden']} ({fmt_pct(shown.iloc[1][AANDEEL], 0)})"
              if len(shown) > 1 else "")
    return (f"Van de {len(a.documenten)} {wat} noemt {fmt_pct(top[AANDEEL], 0)} "
            f"{top['reden']} als reden van vertrek{tweede}; een antwoord kan meer redenen noemen.")


def kwaliteit_autocodering(a: Antwoorden | None, k: int = DEFAULT_K) -> pd.DataFrame:
    """Precision, recall, F1 and Cohen's kappa of the auto-coder against the known (synthetic)
    codes, per reason and overall (``reden``, ``WERKELIJK``, :data:`KWALITEIT`, shown with two
    decimals); rows with fewer than ``k`` true answers show no figures."""
    if a is None or a.waarheid.empty:
        return pd.DataFrame()
    key = ["doc_id", "start", "einde"]
    gold = a.documenten[["doc_id"]].assign(start=0, einde=a.documenten["tekst"].str.len())
    gold = gold.merge(a.waarheid[key + ["code"]], on=key, how="left")
    pr = precision_recall(a.redenen, gold, a.codes)
    both = pd.concat([a.redenen.assign(codeur="auto")[key + ["code", "codeur"]], a.waarheid[key + ["code", "codeur"]]])
    rel = reliability_by_code(both, units=gold[key].drop_duplicates(), coders=["auto", SYNTH], codes=a.codes, n_boot=0)
    out = pr.merge(rel[["code", "cohen_kappa", "alpha"]], on="code", how="left")
    out["reden"] = out["code"].map(lambda c: "totaal" if c == "totaal" else _reden_label(_leaf(c)))
    # the total row is the sum of the others: a hidden count gets a complementary one
    is_total = out["reden"] == "totaal"
    sup, hidden = suppress_counts(out, ["n_gold"], k, total_row=is_total if is_total.any() else None)
    small = hidden["n_gold"]
    for col in ("precisie", "recall", "f1", "cohen_kappa", "alpha"):
        out[col] = out[col].where(~small)
    out[WERKELIJK] = sup["n_gold"].round().astype("Int64")
    out = out.rename(columns={"f1": "F1", "cohen_kappa": "Cohen's kappa"})[["reden", WERKELIJK, *KWALITEIT]]
    kolommen(out, **{WERKELIJK: "aantal"}, **{c: Kolom("getal", 2) for c in KWALITEIT})
    return describe(out, aantallen=[WERKELIJK], aandelen={}, totaalrij="totaal")


def lezing_kwaliteit(a: Antwoorden | None) -> str:
    tab = kwaliteit_autocodering(a)
    if a is None or tab.empty:
        return "_Voor deze antwoorden zijn geen handmatige of bekende codes beschikbaar om de automatische codering aan te toetsen._"
    tot = tab[tab["reden"] == "totaal"].iloc[0]
    per = tab[(tab["reden"] != "totaal")].dropna(subset=["recall"])
    zwak = per.sort_values("recall").iloc[0] if not per.empty else None
    tekst = (f"Tegen de bekende ({SYNTH}e) codes vindt de automatische codering {fmt_pct(100 * tot['recall'], 0)} van de "
             f"genoemde redenen terug met een precisie van {fmt_pct(100 * tot['precisie'], 0)}")
    if zwak is not None and zwak["recall"] < tot["recall"]:
        tekst += f"; het zwakst is {zwak['reden']} (recall {fmt_pct(100 * zwak['recall'], 0)})"
    if a.synthetisch:
        tekst += (". Synthetische antwoorden gebruiken een kleine vaste set zinnen, dus dit is alleen een controle van "
                  "de werking; op echte planteksten is de codering minder precies (zie de documentatie)")
    return tekst + "."


def samenhang(a: Antwoorden | None, k: int = DEFAULT_K) -> pd.DataFrame:
    """Jaccard co-occurrence of reasons in the same answer; pairs seen in fewer than ``k``
    answers are blanked (counts about people)."""
    if a is None or a.redenen.empty:
        return pd.DataFrame()
    jac = analysis.cooccurrence_matrix(a.redenen, a.codes, "jaccard")
    n = analysis.cooccurrence_matrix(a.redenen, a.codes, "n_samen")
    jac = jac.where(n.isna() | (n >= k) | (n == 0))
    jac.index = jac.columns = [_leaf(c) for c in a.codes]
    return jac


def figuur_samenhang(a: Antwoorden | None, ax: Axes | None = None) -> Axes | None:
    """Heatmap of the Jaccard index of every two reasons, with its colour scale; the diagonal (a
    reason with itself, always 1) is left empty so that the scale shows the pairs. None when no two
    reasons are named together in enough answers."""
    from regio_analysis.report import figures as plotting

    m = samenhang(a)
    if a is None or m.empty:
        return None
    values = m.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(values, np.nan)
    m = pd.DataFrame(values, index=m.index, columns=m.columns)
    if not (m.to_numpy()[np.isfinite(m.to_numpy())] > 0).any():
        return None
    synth = f" ({SYNTH})" if a.synthetisch else ""
    m = m.rename(index=_reden_label, columns=_reden_label)
    ax = plotting.heatmap(m, ax=ax, decimalen=2, cmap="Blues", vanaf=0.0, kleurlabel="Jaccard-index")
    return bijschrift(ax, f"Hoe vaak twee redenen van vertrek samen in één open antwoord staan{synth}: Jaccard-index "
                          "(0: nooit samen, 1: altijd samen); leeg: dezelfde reden, of samen in minder dan "
                          f"{DEFAULT_K} antwoorden")


def lezing_samenhang(a: Antwoorden | None) -> str:
    m = samenhang(a)
    if a is None or m.empty:
        return geen_gegevens("open antwoorden")
    pairs = [(m.iloc[i, j], m.index[i], m.columns[j]) for i in range(len(m)) for j in range(i + 1, len(m))
             if pd.notna(m.iloc[i, j]) and m.iloc[i, j] > 0]
    if not pairs:
        return (f"Geen twee redenen worden in {DEFAULT_K} of meer antwoorden samen genoemd; "
                "de samenhang is daarom niet getoond.")
    j, x, y = max(pairs)
    synth = f" in de {SYNTH}e antwoorden" if a.synthetisch else ""
    return (f"De redenen {x} en {y} worden{synth} het vaakst samen genoemd (Jaccard {fmt_getal(j, 2)}: van de "
            f"antwoorden met een van beide noemt {fmt_pct(100 * j, 0)} ze allebei).")


def citaten(a: Antwoorden | None, per_code: int = 2) -> pd.DataFrame:
    """Anonymised example answers per reason (labelled synthetic where they are)."""
    if a is None or a.redenen.empty:
        return pd.DataFrame()
    # no quotes for a reason whose number of answers is suppressed
    counts = tabel_redenen(a)
    count_cols = [c for c in (AUTO, WERKELIJK) if c in counts.columns]
    shown = set(counts.loc[counts[count_cols].notna().all(axis=1), "reden"])
    codes = [c for c in a.codes if _leaf(c) in shown]
    if not codes:
        return pd.DataFrame()
    q = analysis.quote_table(a.redenen, a.documenten, codes, per_code=per_code, names=a.extra.get("namen", ()))
    q["reden"] = q["code"].map(_leaf)
    if a.synthetisch:
        q["bron"] = SYNTH
    return describe(q.drop(columns=["code", "doc_id", "regio_id"]), citaten="citaat", groep="reden")


# --- the user's own documents ----------------------------------------------------------------------

def eigen_documenten(documenten_dir: str, regio_id: str, codebook: Codebook | None = None):
    """Load and auto-code the documents in ``documenten_dir`` (sentence units).

    Returns ``(documenten, codings)``, or ``None`` when no folder is given. Unreadable files
    raise a DataError naming them.
    """
    if not documenten_dir:
        return None
    docs = load_documents(documenten_dir, regio_id=regio_id, soort="plan")
    codings = auto_code(docs, codebook or default_codebook())
    return docs, codings


def vergelijk_profielen(region, eigen) -> pd.DataFrame:
    """Register profile next to the profile coded from the user's documents, five themes
    (:func:`plans.compare_profiles`: ``register_n``, ``tekst_n`` and their shares)."""
    if eigen is None:
        return pd.DataFrame()
    docs, codings = eigen
    return plans.compare_profiles(themaprofiel(region), plans.profile_from_codings(codings, docs))


#: the columns of :func:`tabel_eigen_documenten` from those of :func:`vergelijk_profielen`
EIGEN_KOLOMMEN = {"label": "thema", "register_n": "activiteiten in register", "register_aandeel": "aandeel register (%)",
                  "tekst_n": "themacoderingen in tekst", "tekst_aandeel": "aandeel tekst (%)"}


def tabel_eigen_documenten(region, eigen) -> pd.DataFrame:
    """Register profile next to the profile coded from the user's documents (five themes):
    :data:`EIGEN_KOLOMMEN`, shares on the 0-100 scale."""
    prof = vergelijk_profielen(region, eigen)
    if prof.empty:
        return pd.DataFrame()
    out = prof[list(EIGEN_KOLOMMEN)].rename(columns=EIGEN_KOLOMMEN)
    n_cols = [EIGEN_KOLOMMEN["register_n"], EIGEN_KOLOMMEN["tekst_n"]]
    pct = {EIGEN_KOLOMMEN[c]: Kolom("pct", 1, naam=EIGEN_KOLOMMEN[c].removesuffix(" (%)"))
           for c in ("register_aandeel", "tekst_aandeel")}
    kolommen(out, **{c: "aantal" for c in n_cols}, **pct)
    # counts of activities and coded sentences, not of people: nothing to suppress
    return describe(out, aantallen=[], geen_aantallen=n_cols, aandelen={})


def lezing_eigen_documenten(region, eigen) -> str:
    if eigen is None:
        return ("_Bij dit rapport zijn geen eigen documenten van de regio gelezen. Met eigen documenten (.txt, .md, "
                ".docx, .pdf) bepaalt dit hoofdstuk ook het themaprofiel uit de tekst van de plannen; de verantwoording "
                "achterin zegt met welke instelling._")
    docs = eigen[0]
    tab = vergelijk_profielen(region, eigen)
    if tab["tekst_n"].sum() == 0:
        return (f"In de {len(docs)} documenten ({fmt_getal(int(docs['n_woorden'].sum()))} woorden) is geen van de vijf "
                "thema's automatisch gevonden.")
    top = tab.sort_values("tekst_aandeel", ascending=False).iloc[0]
    tekst = (f"In de {len(docs)} documenten ({fmt_getal(int(docs['n_woorden'].sum()))} woorden) gaat "
             f"{fmt_pct(top['tekst_aandeel'], 0)} van de themacoderingen over {top['label']}")
    if tab["register_n"].sum():
        verschil = (tab["tekst_aandeel"] - tab["register_aandeel"]).abs()
        grootst = tab.loc[verschil.idxmax()]
        tekst += (f"; het grootste verschil met het register is {grootst['label']} "
                  f"({fmt_pct(grootst['tekst_aandeel'], 0)} in de tekst tegen {fmt_pct(grootst['register_aandeel'], 0)} "
                  "van de activiteiten)")
    return tekst + "."


def bewaar_codering(eigen, output_dir: str, codebook: Codebook | None = None) -> list[Path]:
    """Write the auto-codings of own documents for review (CSV) and as a REFI-QDA project."""
    from regio_analysis.io.codings import export_codings
    from regio_analysis.io.refiqda import write_qdpx

    if eigen is None or not output_dir:
        return []
    docs, codings = eigen
    folder = Path(output_dir) / "kwalitatief"
    csv = folder / "autocodering_review.csv"
    export_codings(codings, docs, csv, review=True)
    qdpx = write_qdpx(folder / "autocodering.qdpx", docs, codings, codebook or default_codebook())
    return [csv, qdpx]


# --- the chapter as one object ---------------------------------------------------------------------

@met_herkomst
class Hoofdstuk:
    """The chapter ``02_kwalitatief`` for one region: everything its notebook shows, in the
    notebook's order, each intermediate result computed once.

    ``data_dir``: where the regions of the comparison are read (``""``: the shipped data);
    ``documenten_dir``: a folder with own documents (``""``: none); ``output_dir``: where the
    codings of own documents are kept (``""``: nowhere); ``codebook``: default the standard
    codebook. An unreadable own document does not raise: the chapter goes on without own
    documents and :meth:`lezing_eigen_documenten` says why (:attr:`fout`).
    """

    def __init__(self, region, *, data_dir: str | Path | None = "", documenten_dir: str | Path | None = "",
                 output_dir: str | Path | None = "", codebook: Codebook | None = None):
        self.region = region
        self.data_dir = data_dir or None
        self.documenten_dir = str(documenten_dir or "")
        self.output_dir = str(output_dir or "")
        self._codebook = codebook

    # intermediate results
    @cached_property
    def codebook(self) -> Codebook:
        return self._codebook or default_codebook()

    @cached_property
    def _eigen(self) -> tuple:
        from regio_analysis.errors import DataError

        try:
            return eigen_documenten(self.documenten_dir, self.region.regio_id, self.codebook), ""
        except DataError as err:  # an unreadable document is reported in the text, not raised
            return None, str(err)

    @property
    def eigen(self):
        """``(documenten, codings)`` of the own documents, or None (none given, or unreadable)."""
        return self._eigen[0]

    @property
    def fout(self) -> str:
        """Why the own documents were not read (``""``: no problem)."""
        return self._eigen[1]

    @cached_property
    def antwoorden(self) -> Antwoorden | None:
        return analyseer_antwoorden(self.region, self.codebook)

    @cached_property
    def vergelijking(self) -> pd.DataFrame:
        """Theme × region counts of the default regions' registers (:func:`regiovergelijking`)."""
        return regiovergelijking(self.data_dir)

    # provenance: the open answers' by default (met_herkomst), the registers' where marked
    HERKOMST_OOK = ("kwaliteit_autocodering", "citaten")

    def herkomst(self) -> tuple[Herkomst, ...]:
        if "open_antwoorden" in self.region.synthetisch:
            return (synthetisch("open antwoorden die het pakket maakte, gecodeerd met het codeboek"),)
        return (berekend("de eigen open antwoorden van de regio, gecodeerd met het codeboek"),)

    def _register(self, obj):
        return markeer(obj, berekend(f"telling van het activiteitenregister uit {bronnen_van(self.region, self.region.activiteiten)}"))

    def _bijschrift(self, df: pd.DataFrame, tekst: str) -> pd.DataFrame:
        """``df`` marked with the open answers' provenance (unless marked already) and captioned."""
        if not df.empty and not herkomst_van(df):
            markeer(df, *self.herkomst())
        return bijschrift(df, bijschrift_tekst(tekst, herkomst_van(df)))

    # what the notebook shows
    def inleiding(self) -> str:
        return inleiding(self.region, None if self.eigen is None else self.eigen[0])

    def figuur_themaprofiel(self, ax: Axes | None = None) -> Axes | None:
        return self._register(figuur_themaprofiel(self.region, ax=ax))

    def lezing_themaprofiel(self) -> str:
        return lezing_themaprofiel(self.region)

    def abc_tabel(self) -> pd.DataFrame:
        return bijschrift(self._register(abc_tabel(self.region)), "Activiteiten per ambitie: Aantrekken, Behouden, Continuïteit")

    def lezing_abc(self) -> str:
        return lezing_abc(self.region)

    def figuur_tijdlijn(self, ax: Axes | None = None) -> Axes | None:
        return self._register(figuur_tijdlijn(self.region, ax=ax))

    def lezing_tijdlijn(self) -> str:
        return lezing_tijdlijn(self.region)

    def figuur_regiovergelijking(self, ax: Axes | None = None) -> Axes | None:
        return markeer(figuur_regiovergelijking(self.region, self.vergelijking, ax=ax,
                                                namen=regio_namen(self.data_dir)), berekend("telling van de activiteitenregisters van de meegeleverde regio's, elk uit het eigen plan"))

    def lezing_regiovergelijking(self) -> str:
        return lezing_regiovergelijking(self.region, self.vergelijking)

    def tabel_thema_per_regio(self) -> pd.DataFrame:
        df = tabel_thema_per_regio(self.vergelijking, regio_namen(self.data_dir))
        return bijschrift(markeer(df, berekend("telling van de activiteitenregisters van de meegeleverde regio's, elk uit "
                                               "het eigen plan")), "Activiteiten per thema in het register van elke regio")

    def figuur_redenen(self, ax: Axes | None = None) -> Axes | None:
        return figuur_redenen(self.antwoorden, ax=ax)

    def lezing_redenen(self) -> str:
        return lezing_redenen(self.antwoorden)

    def tabel_redenen(self) -> pd.DataFrame:
        return self._bijschrift(tabel_redenen(self.antwoorden),
                                "Vertrekredenen in de open antwoorden: automatisch gecodeerd en werkelijk genoemd")

    def lezing_kwaliteit(self) -> str:
        return lezing_kwaliteit(self.antwoorden)

    def kwaliteit_autocodering(self) -> pd.DataFrame:
        return self._bijschrift(kwaliteit_autocodering(self.antwoorden), "Kwaliteit van de automatische codering per reden")

    def figuur_samenhang(self, ax: Axes | None = None) -> Axes | None:
        return figuur_samenhang(self.antwoorden, ax=ax)

    def lezing_samenhang(self) -> str:
        return lezing_samenhang(self.antwoorden)

    def citaten(self) -> pd.DataFrame:
        return self._bijschrift(citaten(self.antwoorden), "Voorbeelden van open antwoorden per vertrekreden")

    def lezing_eigen_documenten(self) -> str:
        """The reading of the own documents, after the reason they were not read, if so."""
        tekst = lezing_eigen_documenten(self.region, self.eigen)
        return f"**Eigen documenten niet gelezen:** {self.fout}\n\n{tekst}" if self.fout else tekst

    def tabel_eigen_documenten(self) -> pd.DataFrame:
        df = markeer(tabel_eigen_documenten(self.region, self.eigen), berekend("codering van de eigen documenten met het codeboek"))
        return bijschrift(df, "Themaprofiel van het activiteitenregister naast dat van de eigen documenten")

    def bewaar_codering(self) -> str:
        """Keep the codings of the own documents in ``output_dir`` (:func:`bewaar_codering`);
        returns the Markdown note naming the files kept (``""``: none)."""
        paden = bewaar_codering(self.eigen, self.output_dir, self.codebook)
        return "\n\n".join(f"Bewaard: `{p.name}`" for p in paden)
