"""The evidence dossier of one region for the *ontwikkelingsgerichte peer review*.

:func:`dossier` computes every indicator of a :class:`~regio_analysis.peerreview.framework.Framework`
(value, target with its kind and source, status, trend, source), codes the activity register (:func:`register_documents`)
and the region's own documents with the qualitative codebook, quotes the text that counts as
evidence for each waarborg, and lists what is missing; the result is a :class:`Dossier`, whose
``tabel`` is the indicator table of the reports (numbers, with their display declared; the trend
as a sentence, :func:`trend_text`; the course towards a target year, :func:`koers_tekst`).
An indicator computed from synthetic data is never graded (status
:data:`~regio_analysis.peerreview.framework.VOORBEELD`); a target that is the framework's own is
labelled a package default wherever it is shown. It takes objects,
never paths: ``peerreview.chapter.dossier`` reads a framework file and a folder of documents
first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from regio_analysis.data.privacy import DEFAULT_K
from regio_analysis.errors import DataError, Problem
from regio_analysis.peerreview.coverage import PER_STUDENT_EUR, CoverageResult, _eur
from regio_analysis.peerreview.cycle import peer_review_cycle
from regio_analysis.peerreview.framework import STATUSSEN, Framework, Koers, beoordeel
from regio_analysis.peerreview.indicators import BEREKENINGEN, _Context, _kengetal_rows
from regio_analysis.peerreview.indicators import doel as bepaal_doel
from regio_analysis.report.format import LEEG, Kolom, fmt_getal, fmt_pct, kolommen


def _fmt_value(v, eenheid: str) -> str:
    """One value of a trend sentence in its unit."""
    if v is None or pd.isna(v):
        return LEEG
    if eenheid == "procent":
        return fmt_pct(v, 1)
    if eenheid == "eur":
        return _eur(v)
    return fmt_getal(v, None if float(v) != int(v) else 0)


def _decimalen_nodig(values: pd.Series) -> int:
    """The decimals the values need (0, 1 or 2): targets are shown as the framework states them
    (``≥ 80%``, ``≥ 72,5%``), all of a table with the same decimals."""
    return max((len(fmt_getal(v).partition(",")[2]) for v in values.dropna()), default=0)


def trend_text(trend: pd.DataFrame, eenheid: str = "procent") -> str:
    """The trend as text, e.g. ``"2019: 72,7% · 2020: 82,0%"``; one year gives ``"alleen 2025"``."""
    if trend is None or trend.empty:
        return LEEG
    t = trend.dropna(subset=["waarde"]).sort_values("jaar")
    if len(t) == 1:
        return f"alleen {int(t['jaar'].iloc[0])}"
    return " · ".join(f"{int(j)}: {_fmt_value(v, eenheid)}" for j, v in zip(t["jaar"], t["waarde"]))


def _verandering(x: float, eenheid: str) -> str:
    """A change per year in the indicator's unit, with its sign: ``"+8,8 procentpunt"``."""
    teken = "+" if x >= 0 else "−"
    if eenheid == "procent":
        return f"{teken}{fmt_getal(abs(x), 1)} procentpunt"
    if eenheid == "eur":
        return f"{teken}{_eur(abs(x))}"
    return f"{teken}{fmt_getal(abs(x), 1)}"


def koers_tekst(k: Koers | None, eenheid: str = "procent") -> str:
    """The course towards the target year in one sentence (empty without a :class:`Koers`): the
    straight line from the first measurement to the target, and where the last measurement is
    (the status itself, *op koers* etc., is the status column's)."""
    if k is None:
        return ""
    v = lambda x: _fmt_value(x, eenheid)  # noqa: E731
    heel = float(k.doel) == int(k.doel)
    streef = (f"{fmt_pct(k.doel, 0 if heel else 1)}" if eenheid == "procent" else v(k.doel)) + f" in {k.doeljaar}"
    if k.gemeten_per_jaar is None:
        return (f"één meting ({v(k.waarde)} in {k.meetjaar}): voor {streef} is vanaf dan gemiddeld "
                f"{_verandering(k.nog_per_jaar, eenheid)} per jaar nodig; met één meting is niet te zeggen of dat "
                "tempo gehaald wordt")
    return (f"de rechte lijn van {v(k.basiswaarde)} in {k.basisjaar} naar {streef} vraagt "
            f"{_verandering(k.nodig_per_jaar, eenheid)} per jaar en geeft {v(k.lijn)} in {k.meetjaar}; gemeten is "
            f"{v(k.waarde)} ({_verandering(k.gemeten_per_jaar, eenheid)} per jaar sinds {k.basisjaar}), "
            f"{'op of boven' if k.status == 'op koers' else 'onder'} de lijn")


_INDICATOR_COLUMNS = ["waarborg_id", "waarborg", "criterium_id", "criterium", "indicator_id", "indicator", "eenheid",
                      "waarde", "meetjaar", "doel", "doeljaar", "doel_soort", "doel_bron", "richting", "status", "koers",
                      "trend", "bron", "bewijs", "n", "synthetisch", "ontbreekt"]
_BEWIJS_COLUMNS = ["waarborg_id", "code", "doc_id", "document", "citaat"]
_ONTBREKEND_COLUMNS = ["waarborg_id", "waarborg", "onderdeel", "ontbreekt"]


@dataclass
class Dossier:
    """The evidence dossier of one region for the peer review (see :func:`dossier`).

    ``indicatoren``: one row per indicator (value and the year it is about, target with its
    year, kind — ``standaardwaarde`` or ``ambitie`` — and source, status, the course towards
    the target year, trend, source, evidence); ``trends``: per indicator id a frame ``jaar, waarde, n``;
    ``bewijs``: anonymised quotes of coded text per waarborg; ``segmenten``: coded units per
    waarborg and code; ``ontbrekend``: the evidence that is missing; ``dekking``: the Samen
    Opleiden coverage (or None); ``cyclus``: the peer-review cycle per partnership.
    """

    regio_id: str
    naam: str
    peiljaar: int
    kader: Framework
    indicatoren: pd.DataFrame
    trends: dict[str, pd.DataFrame]
    bewijs: pd.DataFrame
    segmenten: pd.DataFrame
    ontbrekend: pd.DataFrame
    dekking: CoverageResult | None
    cyclus: pd.DataFrame
    documenten: pd.DataFrame
    synthetisch: tuple[str, ...] = ()

    @property
    def summary(self) -> pd.DataFrame:
        return self.indicatoren

    def status_counts(self) -> pd.DataFrame:
        """Indicators per waarborg and status (columns in :data:`STATUSSEN` order)."""
        t = pd.crosstab(self.indicatoren["waarborg_id"], self.indicatoren["status"]) if not self.indicatoren.empty \
            else pd.DataFrame()
        t = t.reindex(index=[w.id for w in self.kader.waarborgen], columns=list(STATUSSEN), fill_value=0).fillna(0)
        return t.astype(int)

    def tabel(self, waarborg_id: str | None = None) -> pd.DataFrame:
        """The indicator table of one waarborg or all, with numbers: ``waarde`` and ``doel`` in the
        indicator's ``eenheid`` (``procent``: 0-100), ``vergelijking`` the comparator of the target
        (``≥`` or ``≤``), ``doeljaar`` the year it is to be reached; ``doelbron`` says whether the
        target is the region's ambition (and from which document) or the package's own standard;
        ``koers`` (only when some target year is still ahead), ``trend`` and ``bewijs`` are
        sentences. The display is declared
        (:func:`regio_analysis.report.format.kolommen`): each value in its row's unit, the target
        as ``"≥ 100%"``, as :func:`regio_analysis.report.format.tabel_tekst` shows it. This table
        is both the chapter's and the self-evaluation template's (``io.dossier``)."""
        df = self.indicatoren
        if waarborg_id is not None:
            df = df[df["waarborg_id"] == waarborg_id]
        out = pd.DataFrame({
            "waarborg": df["waarborg_id"], "criterium": df["criterium_id"], "indicator": df["indicator"],
            "waarde": pd.to_numeric(df["waarde"], errors="coerce").astype(float),
            "eenheid": [e if e else None for e in df["eenheid"]],
            "vergelijking": ["≥" if r == "hoger" else "≤" for r in df["richting"]],
            "doel": pd.to_numeric(df["doel"], errors="coerce").astype(float),
            "doeljaar": pd.to_numeric(df["doeljaar"], errors="coerce").astype("Int64"),
            "doelbron": df["doel_bron"], "status": df["status"], "koers": df["koers"], "trend": df["trend"],
            "bron": df["bron"], "bewijs": [b if b else o for b, o in zip(df["bewijs"], df["ontbreekt"])],
        })
        if waarborg_id is not None:
            out = out.drop(columns="waarborg")
        if not out["koers"].astype(bool).any():  # no target year ahead: no column of empty cells
            out = out.drop(columns="koers")
        out = out.reset_index(drop=True)
        return kolommen(out, waarde=Kolom("getal", eenheid="eenheid"),
                        doel=Kolom("getal", _decimalen_nodig(out["doel"]), eenheid="eenheid", voor="vergelijking"),
                        doeljaar=Kolom("jaar", leeg="geen"), **({"koers": Kolom("tekst", leeg="")}
                                                                if "koers" in out.columns else {}))

    def citaten(self, waarborg_id: str) -> pd.DataFrame:
        """The quotes that count as evidence for one waarborg (code, document, quote)."""
        b = self.bewijs[self.bewijs["waarborg_id"] == waarborg_id]
        return b[["code", "document", "citaat"]].reset_index(drop=True)

    def ontbrekend_voor(self, waarborg_id: str) -> pd.DataFrame:
        o = self.ontbrekend[self.ontbrekend["waarborg_id"] == waarborg_id]
        return o[["onderdeel", "ontbreekt"]].reset_index(drop=True)


def _peiljaar(region) -> int:
    """The reference year: the first year of the plan period in ``regio.yaml``, else this year."""
    m = re.match(r"\s*(\d{4})", str(region.meta.get("periode", "") or ""))
    if m:
        return int(m.group(1))
    import datetime as dt

    return dt.date.today().year


def register_documents(activiteiten: pd.DataFrame, regio_id: str = "") -> pd.DataFrame:
    """The activity register as documents (one per activity: title and intended result)."""
    from regio_analysis.qualitative.documents import document_table

    rows = []
    for r in activiteiten.itertuples(index=False):
        titel = str(r.titel).strip()
        resultaat = str(r.beoogd_resultaat or "").strip()
        tekst = titel if titel.endswith((".", "!", "?")) else titel + "."
        if resultaat:
            tekst += " " + (resultaat if resultaat.endswith((".", "!", "?")) else resultaat + ".")
        rows.append({"doc_id": f"activiteit-{r.id}", "regio_id": regio_id, "soort": "plan",
                     "titel": f"Activiteit {r.id}: {titel}", "bestand": "", "tekst": tekst, "datum": r.start})
    return document_table(rows)


def _waarborg_codes(framework: Framework, codebook) -> dict[str, list[str]]:
    problems = []
    out = {}
    for w in framework.waarborgen:
        paths = []
        for i, code in enumerate(w.codes):
            path = codebook.resolve(code)
            if path is None:
                problems.append(Problem(framework.path or "<kader>",
                                        f"sleutel 'waarborgen[{w.id}].codes[{i}]': code {code!r} staat niet in het "
                                        f"codeboek {codebook.naam!r}"))
            else:
                paths.append(path)
        out[w.id] = paths
    if problems:
        raise DataError(problems)
    return out


def dossier(region, framework: Framework, documents: pd.DataFrame | None = None, *, codebook,
            peiljaar: int | None = None, per_student_eur: float | None = None,
            citaten_per_code: int = 3, k: int = DEFAULT_K) -> Dossier:
    """Build the peer-review evidence dossier of ``region`` (a RegionData).

    ``framework``: the checked :class:`Framework`. ``documents``: optional table of the
    region's own documents (as ``load_documents`` reads a folder), coded together with the
    activity register; their ``doc_id`` gets the prefix ``document-``. ``codebook``: the
    qualitative codebook whose codes the waarborgen name. ``peiljaar``: the year at which the
    peer-review cycle is judged (default: the first year of the plan period).
    ``per_student_eur``: the Samen Opleiden amount per student (default: the region's key
    figure ``bekostiging/bedrag_per_student``, else € 955). ``peerreview.chapter.dossier``
    takes a region id, a framework file and a folder of documents instead.

    A region that lacks data gets indicators with status *ontbreekt* and rows in
    ``ontbrekend`` saying what to add, never an error. A code of the framework that the
    codebook lacks raises DataError naming the framework file and the key.
    """
    from regio_analysis.qualitative.analysis import quote_table
    from regio_analysis.qualitative.autocode import auto_code

    kader = framework
    codes = _waarborg_codes(kader, codebook)
    if per_student_eur is None:
        rows = _kengetal_rows(region.kengetallen, "bedrag_per_student", "bekostiging")
        per_student_eur = float(rows.iloc[-1]["waarde"]) if not rows.empty else float(PER_STUDENT_EUR)
    jaar = int(peiljaar) if peiljaar is not None else _peiljaar(region)
    ctx = _Context(region, jaar, kader, per_student_eur, k)

    # indicators
    rows, trends, missing = [], {}, []
    for w in kader.waarborgen:
        for c, ind in w.indicatoren:
            m = BEREKENINGEN[ind.berekening](ctx, ind)
            dl = bepaal_doel(region, ind)
            meetjaar = m.jaar if m.jaar is not None else (int(m.trend["jaar"].max()) if not m.trend.empty else jaar)
            status, kr = beoordeel(m.waarde, dl.waarde, ind.richting, ind.gehaald, ind.bijna, synthetisch=m.synthetisch,
                                  doeljaar=dl.jaar, meetjaar=meetjaar, trend=m.trend)
            trends[ind.id] = m.trend
            rows.append({"waarborg_id": w.id, "waarborg": w.naam, "criterium_id": c.id, "criterium": c.naam,
                         "indicator_id": ind.id, "indicator": ind.label, "eenheid": ind.eenheid,
                         "waarde": np.nan if m.waarde is None else m.waarde,
                         "meetjaar": pd.NA if m.waarde is None else meetjaar, "doel": dl.waarde,
                         "doeljaar": pd.NA if dl.jaar is None else dl.jaar, "doel_soort": dl.soort, "doel_bron": dl.bron,
                         "richting": ind.richting, "status": status, "koers": koers_tekst(kr, ind.eenheid),
                         "trend": trend_text(m.trend, ind.eenheid), "bron": m.bron, "bewijs": m.bewijs,
                         "n": pd.NA if m.n is None else m.n, "synthetisch": m.synthetisch, "ontbreekt": m.ontbreekt})
            if status == "ontbreekt":
                missing.append({"waarborg_id": w.id, "waarborg": w.naam, "onderdeel": f"indicator: {ind.label}",
                                "ontbreekt": m.ontbreekt or "geen waarde"})
    indicatoren = pd.DataFrame(rows, columns=_INDICATOR_COLUMNS)

    # qualitative evidence: the activity register and the user's documents
    docs = register_documents(region.activiteiten, region.regio_id) if region.has("activiteiten") else None
    if documents is not None:
        own = documents.assign(doc_id="document-" + documents["doc_id"])
        docs = own if docs is None else pd.concat([docs, own], ignore_index=True)
    bewijs = pd.DataFrame(columns=_BEWIJS_COLUMNS)
    segmenten = pd.DataFrame(columns=["waarborg_id", "code", "n_segmenten", "n_documenten"])
    if docs is not None and not docs.empty:
        codings = auto_code(docs, codebook)
        titles = docs.set_index("doc_id")["titel"]
        parts, counts = [], []
        for w in kader.waarborgen:
            sel = codings[codings["code"].isin(codes[w.id])]
            if sel.empty:
                continue
            units = sel[["doc_id", "start", "einde", "code"]].drop_duplicates()
            cnt = units.groupby("code").agg(n_segmenten=("start", "size"), n_documenten=("doc_id", "nunique"))
            counts.append(cnt.reset_index().assign(waarborg_id=w.id))
            q = quote_table(sel, docs, codes[w.id], per_code=citaten_per_code)
            # a sentence found under several codes of the same waarborg is quoted once
            q = q.groupby(["doc_id", "citaat"], sort=False, as_index=False).agg(code=("code", ", ".join))
            parts.append(q.assign(waarborg_id=w.id, document=q["doc_id"].map(titles)))
        if parts:
            bewijs = pd.concat(parts, ignore_index=True)[_BEWIJS_COLUMNS]
            segmenten = pd.concat(counts, ignore_index=True)[["waarborg_id", "code", "n_segmenten", "n_documenten"]]
    bronnen = ("het activiteitenregister" if region.has("activiteiten") else "") + \
        (" en de eigen documenten" if documents is not None and region.has("activiteiten") else
         "de eigen documenten" if documents is not None else "")
    for w in kader.waarborgen:
        if segmenten.empty or not (segmenten["waarborg_id"] == w.id).any():
            if bronnen:
                wat = f"geen tekstfragmenten met de codes {', '.join(codes[w.id]) or '(geen codes in het kader)'} in {bronnen}"
            else:
                wat = ("geen activiteitenregister en geen eigen documenten: geef een map met documenten op "
                       "(parameter peer_review_documenten) of voeg activiteiten.csv toe")
            missing.append({"waarborg_id": w.id, "waarborg": w.naam, "onderdeel": "kwalitatief bewijs", "ontbreekt": wat})
    if not region.has("partnerschappen"):
        w4 = next((w for w in kader.waarborgen for _c, i in w.indicatoren if i.berekening == "peer_review_cyclus"),
                  kader.waarborgen[-1])
        missing.append({"waarborg_id": w4.id, "waarborg": w4.naam, "onderdeel": "partnerschappen",
                        "ontbreekt": "de regio heeft geen tabel partnerschappen (naam, soort, laatste_peer_review, "
                                     "peer_review_jaar): de peer-reviewcyclus is niet na te gaan"})
    order = {w.id: i for i, w in enumerate(kader.waarborgen)}
    ontbrekend = pd.DataFrame(missing, columns=_ONTBREKEND_COLUMNS)
    ontbrekend = ontbrekend.sort_values("waarborg_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return Dossier(region.regio_id, region.naam, jaar, kader, indicatoren, trends, bewijs, segmenten, ontbrekend,
                   ctx.coverage(), peer_review_cycle(region.partnerschappen, jaar, kader.cyclus_jaren),
                   docs if docs is not None else pd.DataFrame(), tuple(sorted(region.synthetisch)))
