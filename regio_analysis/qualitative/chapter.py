"""What the chapter ``02_kwalitatief.ipynb`` shows, computed here so it can be tested.

Every figure has a reading: one Dutch sentence computed from the same numbers. Every
function works on whatever a region has (an empty register, no open answers, no own
documents) and then returns ``None`` or a ``geen_gegevens`` note instead of raising.
Counts about people (open answers) below 10 are suppressed; synthetic data is labelled
*synthetisch*.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.overview import geen_gegevens
from regio_analysis.plotting import fmt_getal, fmt_pct, opsomming, thema_label
from regio_analysis.privacy import DEFAULT_K, describe, names_from_region, suppress_counts, suppress_small_cells
from regio_analysis.qualitative import analysis, plans
from regio_analysis.qualitative.autocode import auto_code, precision_recall
from regio_analysis.qualitative.codebook import Codebook, default_codebook
from regio_analysis.qualitative.documents import documents_from_answers, load_documents
from regio_analysis.qualitative.reliability import reliability_by_code

SYNTH = "synthetisch"
REDEN_GROEP = "vertrekreden"


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
        synth = f" (**{SYNTH}**)" if "open_antwoorden" in region.synthetisch else ""
        delen.append(f"{len(region.open_antwoorden)} open antwoorden over redenen van vertrek{synth}")
    if documenten is not None and not documenten.empty:
        delen.append(f"{len(documenten)} eigen {'document' if len(documenten) == 1 else 'documenten'}")
    if not delen:
        return f"Voor {_regio(region)} zijn geen kwalitatieve gegevens beschikbaar."
    return (f"Dit hoofdstuk codeert en vergelijkt het kwalitatieve materiaal van {_regio(region)}: "
            f"{opsomming(delen)}. Codering gebeurt automatisch met het standaardcodeboek "
            "(woordenlijst met lemma's en patronen); controleer de codes voordat u conclusies trekt.")


# --- the activity register ----------------------------------------------------------------------

def themaprofiel(region) -> pd.DataFrame:
    """The register's theme profile (see :func:`plans.theme_profile`)."""
    return plans.theme_profile(region.activiteiten)


def figuur_themaprofiel(region, ax: Axes | None = None) -> Axes | None:
    from regio_analysis import plotting

    prof = themaprofiel(region)
    if prof.empty:
        return None
    return plotting.staaf(prof, x="aandeel", y="label", ax=ax, titel="Activiteiten per thema",
                          xlabel="Aandeel van de activiteiten (%)", decimals=0)


def lezing_themaprofiel(region) -> str:
    prof = themaprofiel(region)
    if prof.empty:
        return geen_gegevens("het activiteitenregister")
    top = prof.sort_values(["n_activiteiten", "thema"], ascending=[False, True]).iloc[0]
    vijf = prof[prof["thema"].isin(plans.VIJF_THEMAS)]
    ontbreekt = [thema_label(t) for t in plans.VIJF_THEMAS if t not in set(prof["thema"])]
    tekst = (f"Van de {int(prof['n_activiteiten'].sum())} activiteiten valt het grootste deel onder "
             f"{top['label']} ({int(top['n_activiteiten'])}, {fmt_pct(top['aandeel'], 0)}); de vijf thema's van de "
             f"regeling beslaan samen {fmt_pct(vijf['aandeel'].sum(), 0)}")
    tekst += f", zonder activiteiten voor {opsomming(ontbreekt)}." if ontbreekt else "."
    return tekst


def abc_tabel(region) -> pd.DataFrame:
    return plans.abc_profile(region.activiteiten)


def figuur_tijdlijn(region, ax: Axes | None = None) -> Axes | None:
    return plans.timeline(region.activiteiten, ax=ax, titel="Activiteiten 2026–2029 per thema")


def lezing_tijdlijn(region) -> str:
    df = plans.activities_in_period(region.activiteiten)
    if df.empty:
        return geen_gegevens("activiteiten in 2026–2029")
    per_jaar = plans.active_per_year(region.activiteiten).groupby("jaar")["n_activiteiten"].sum()
    piek = int(per_jaar.idxmax())
    duur = ((df["einde"] - df["start"]).dt.days + 1) / 30.44
    meerjarig = int((df["einde"].dt.year > df["start"].dt.year).sum())
    return (f"In {piek} lopen de meeste activiteiten ({int(per_jaar.max())} van {len(df)}); een activiteit duurt "
            f"gemiddeld {fmt_getal(duur.mean(), 0)} maanden en {meerjarig} "
            f"{'loopt' if meerjarig == 1 else 'lopen'} over een jaargrens heen.")


def regiovergelijking(data_dir: str | Path | None = None, regio_ids=None) -> pd.DataFrame:
    """Theme × region counts of the activity registers of the default regions (those present
    in ``data_dir``), for comparison. Regions that fail to load are left out."""
    from regio_analysis.data import load_region
    from regio_analysis.errors import DataError
    from regio_analysis.regions import DEFAULT_REGIONS, available_region_ids

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


def toets_regiovergelijking(tabel: pd.DataFrame) -> analysis.Chi2Result | None:
    """χ² of theme × region on the five themes (other themes pooled as ``overig``)."""
    if tabel.empty or tabel.shape[1] < 2:
        return None
    five = tabel.reindex([t for t in plans.VIJF_THEMAS if t in tabel.index])
    overig = tabel.drop(index=five.index).sum()
    t = pd.concat([five, overig.to_frame("overig").T])
    t = t.loc[t.sum(axis=1) > 0]
    t.index = [thema_label(i) for i in t.index]
    if t.shape[0] < 2:
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the warning is shown in the reading
        return analysis.chi2_test(t)


def figuur_regiovergelijking(region, tabel: pd.DataFrame, ax: Axes | None = None) -> Axes | None:
    res = toets_regiovergelijking(tabel)
    if res is None:
        return None
    return res.plot(ax=ax, titel="Gestandaardiseerde residuen: thema × regio")


def lezing_regiovergelijking(region, tabel: pd.DataFrame) -> str:
    res = toets_regiovergelijking(tabel)
    if res is None:
        return geen_gegevens("activiteitenregisters van meerdere regio's")
    col = region.regio_id if region.regio_id in res.residuen.columns else None
    tekst = (f"Over {res.residuen.shape[1]} regio's verschilt de themaverdeling van de activiteiten "
             f"{'significant' if res.p < 0.05 else 'niet significant'} (χ² = {fmt_getal(res.chi2, 1)}, "
             f"df = {res.dof}, p = {fmt_getal(res.p, 3)}, Cramér's V = {fmt_getal(res.cramers_v, 2)})")
    if col is not None:
        r = res.residuen[col]
        hoog, laag = r.idxmax(), r.idxmin()
        tekst += (f"; {_regio(region)} heeft naar verhouding het meest {hoog} (residu {fmt_getal(r[hoog], 1)}) "
                  f"en het minst {laag} ({fmt_getal(r[laag], 1)})")
    tekst += "."
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
    """Answers per reason for leaving (auto-coded, and the true codes when known), with counts
    below ``k`` suppressed; shares are of all answers."""
    if a is None:
        return pd.DataFrame()
    n = len(a.documenten)
    auto = a.redenen.groupby("code")["doc_id"].nunique()
    out = pd.DataFrame({"code": a.codes})
    out["reden"] = out["code"].map(_leaf)
    out["antwoorden"] = out["code"].map(auto).fillna(0).astype(int)
    if not a.waarheid.empty:
        out["antwoorden_werkelijk"] = out["code"].map(a.waarheid.groupby("code")["doc_id"].nunique()).fillna(0).astype(int)
    counts = [c for c in ("antwoorden", "antwoorden_werkelijk") if c in out.columns]
    out = suppress_small_cells(out, counts, k=k)
    out["aandeel"] = 100 * out["antwoorden"] / n
    out = out.sort_values(["antwoorden", "reden"], ascending=[False, True], na_position="last")
    if a.synthetisch:
        out["bron"] = SYNTH
    out = out.drop(columns="code").reset_index(drop=True)
    return describe(out, aantallen=counts, aandelen={}, geen_aantallen=[])


def figuur_redenen(a: Antwoorden | None, ax: Axes | None = None) -> Axes | None:
    from regio_analysis import plotting

    tab = tabel_redenen(a)
    if tab.empty or tab["aandeel"].notna().sum() == 0:
        return None
    data = tab.dropna(subset=["aandeel"])
    label = f" ({SYNTH})" if a.synthetisch else ""
    return plotting.staaf(data, x="aandeel", y="reden", ax=ax, decimals=0,
                          titel=f"Redenen van vertrek in open antwoorden{label}",
                          xlabel="Aandeel van de antwoorden (%)")


def lezing_redenen(a: Antwoorden | None) -> str:
    tab = tabel_redenen(a)
    if tab.empty:
        return geen_gegevens("open antwoorden")
    shown = tab.dropna(subset=["aandeel"])
    if shown.empty:
        return f"Geen reden van vertrek komt in {DEFAULT_K} of meer antwoorden voor; de aantallen zijn onderdrukt."
    top = shown.iloc[0]
    synth = f" ({SYNTH})" if a.synthetisch else ""
    tweede = (f", gevolgd door {shown.iloc[1]['reden']} ({fmt_pct(shown.iloc[1]['aandeel'], 0)})"
              if len(shown) > 1 else "")
    return (f"Van de {len(a.documenten)} open antwoorden{synth} noemt {fmt_pct(top['aandeel'], 0)} "
            f"{top['reden']} als reden van vertrek{tweede}; een antwoord kan meer redenen noemen.")


def kwaliteit_autocodering(a: Antwoorden | None, k: int = DEFAULT_K) -> pd.DataFrame:
    """Precision, recall and Cohen's kappa of the auto-coder against the known (synthetic)
    codes, per reason and overall; rows with fewer than ``k`` true answers show no figures."""
    if a is None or a.waarheid.empty:
        return pd.DataFrame()
    key = ["doc_id", "start", "einde"]
    gold = a.documenten[["doc_id"]].assign(start=0, einde=a.documenten["tekst"].str.len())
    gold = gold.merge(a.waarheid[key + ["code"]], on=key, how="left")
    pr = precision_recall(a.redenen, gold, a.codes)
    both = pd.concat([a.redenen.assign(codeur="auto")[key + ["code", "codeur"]], a.waarheid[key + ["code", "codeur"]]])
    rel = reliability_by_code(both, units=gold[key].drop_duplicates(), coders=["auto", SYNTH], codes=a.codes, n_boot=0)
    out = pr.merge(rel[["code", "cohen_kappa", "alpha"]], on="code", how="left")
    out["reden"] = out["code"].map(lambda c: "totaal" if c == "totaal" else _leaf(c))
    # the total row is the sum of the others: a hidden count gets a complementary one
    is_total = out["reden"] == "totaal"
    sup, hidden = suppress_counts(out, ["n_gold"], k, total_row=is_total if is_total.any() else None)
    small = hidden["n_gold"]
    for col in ("precisie", "recall", "f1", "cohen_kappa", "alpha"):
        out[col] = out[col].where(~small)
    out["n_werkelijk"] = sup["n_gold"].round().astype("Int64")
    out = out[["reden", "n_werkelijk", "precisie", "recall", "f1", "cohen_kappa"]]
    return describe(out, aantallen=["n_werkelijk"], aandelen={}, totaalrij="totaal")


def lezing_kwaliteit(a: Antwoorden | None) -> str:
    tab = kwaliteit_autocodering(a)
    if tab.empty:
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
    m = samenhang(a)
    if m.empty or not np.isfinite(m.to_numpy()).any():
        return None
    synth = f" ({SYNTH})" if a.synthetisch else ""
    return analysis.heatmap(m, ax=ax, titel=f"Samen genoemde redenen (Jaccard){synth}")


def lezing_samenhang(a: Antwoorden | None) -> str:
    m = samenhang(a)
    if m.empty:
        return geen_gegevens("open antwoorden")
    pairs = [(m.iloc[i, j], m.index[i], m.columns[j]) for i in range(len(m)) for j in range(i + 1, len(m))
             if pd.notna(m.iloc[i, j]) and m.iloc[i, j] > 0]
    if not pairs:
        return (f"Geen twee redenen worden in {DEFAULT_K} of meer antwoorden samen genoemd; "
                "de samenhang is daarom niet getoond.")
    j, x, y = max(pairs)
    return (f"De redenen {x} en {y} worden het vaakst samen genoemd (Jaccard {fmt_getal(j, 2)}: van de antwoorden "
            f"met een van beide noemt {fmt_pct(100 * j, 0)} ze allebei).")


def citaten(a: Antwoorden | None, per_code: int = 2) -> pd.DataFrame:
    """Anonymised example answers per reason (labelled synthetic where they are)."""
    if a is None or a.redenen.empty:
        return pd.DataFrame()
    # no quotes for a reason whose number of answers is suppressed
    counts = tabel_redenen(a)
    count_cols = [c for c in ("antwoorden", "antwoorden_werkelijk") if c in counts.columns]
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


def tabel_eigen_documenten(region, eigen) -> pd.DataFrame:
    """Register profile next to the profile coded from the user's documents (five themes)."""
    if eigen is None:
        return pd.DataFrame()
    docs, codings = eigen
    tekst = plans.profile_from_codings(codings, docs)
    # counts of activities and coded sentences, not of people: nothing to suppress
    return describe(plans.compare_profiles(themaprofiel(region), tekst), aantallen=[],
                    geen_aantallen=["register_n", "tekst_n"], aandelen={})


def lezing_eigen_documenten(region, eigen) -> str:
    if eigen is None:
        return ("_Geef in de parameter `documenten_dir` een map met eigen documenten (.txt, .md, .docx, .pdf) "
                "op om ook het themaprofiel uit de tekst van uw plannen te bepalen._")
    docs = eigen[0]
    tab = tabel_eigen_documenten(region, eigen)
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
    from regio_analysis.qualitative.coding_io import export_codings
    from regio_analysis.qualitative.refiqda import write_qdpx

    if eigen is None or not output_dir:
        return []
    docs, codings = eigen
    folder = Path(output_dir) / "kwalitatief"
    csv = folder / "autocodering_review.csv"
    export_codings(codings, docs, csv, review=True)
    qdpx = write_qdpx(folder / "autocodering.qdpx", docs, codings, codebook or default_codebook())
    return [csv, qdpx]
