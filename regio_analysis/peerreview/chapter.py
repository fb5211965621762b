"""The peer-review chapter: the dossier built from files, its Dutch readings, figures and tables.

:class:`Hoofdstuk` is what the notebook ``05_peer_review.ipynb`` uses: one object per region
that reads the framework file and the partnership's own documents (reporting a file it cannot
use and going on without it), builds the dossier once and shows it. The module functions are its
parts: :func:`dossier` reads what the model takes as objects — a region id, a framework file
(``io.frameworks.load_framework``, default the shipped ``kwaliteitskader.yaml``), the shipped
codebook and a folder of documents — and builds the evidence dossier with
:func:`regio_analysis.peerreview.evidence.dossier`. The ``lezing_*`` functions say in a sentence
or two what the dossier shows, ``figuur_*`` draw it and ``dekking_tabel`` / ``controle_tabel`` /
``cyclus_tabel`` give the Samen Opleiden figures and the cycle as numeric tables with their
display declared (``report.format.kolommen``). The workbook and the self-evaluation template
are written by ``regio_analysis.io.dossier``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypedDict

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from regio_analysis.data.privacy import DEFAULT_K
from regio_analysis.peerreview.coverage import _eur
from regio_analysis.peerreview.evidence import Dossier, _waarborg_codes
from regio_analysis.peerreview.evidence import dossier as build_dossier
from regio_analysis.peerreview.cycle import GEEN_JAAR
from regio_analysis.peerreview.framework import BEOORDEELD, STATUS_KLEUREN, STATUSSEN, VOORBEELD, Framework
from regio_analysis.data.provenance import (Herkomst, berekend, gepubliceerd, gepubliceerd_uit, herkomst_van, markeer,
                                            met_herkomst, standaardwaarde, synthetisch)
from regio_analysis.peerreview.indicators import STANDAARD_DOEL, SYNTH
from regio_analysis.report.format import (Kolom, bijschrift_tekst, fmt_getal, fmt_pct, geen_gegevens, kolommen,
                                          opsomming, studiejaar)
from regio_analysis.report.tables import bijschrift


def dossier(region, framework: Framework | str | Path | None = None, documents_dir: str | Path = "", *,
            codebook=None, peiljaar: int | None = None, per_student_eur: float | None = None,
            citaten_per_code: int = 3, k: int = DEFAULT_K) -> Dossier:
    """Build the peer-review evidence dossier of ``region`` (a RegionData or a region id).

    ``framework``: a :class:`Framework`, a path to a framework YAML, or None for the default.
    ``documents_dir``: optional folder of the region's own documents (.txt, .md, .docx, .pdf),
    coded together with the activity register. ``codebook``: default the shipped codebook.
    The other arguments are those of :func:`regio_analysis.peerreview.evidence.dossier`.

    A region that lacks data gets indicators with status *ontbreekt* and rows in
    ``ontbrekend`` saying what to add, never an error. Unreadable documents or a bad framework
    file raise DataError naming the file.
    """
    from regio_analysis.io.codebook import default_codebook
    from regio_analysis.io.documents import load_documents
    from regio_analysis.io.frameworks import load_framework

    if isinstance(region, str):
        from regio_analysis.data import load_region

        region = load_region(region, synthetic=True)
    kader = framework if isinstance(framework, Framework) else load_framework(framework)
    codebook = codebook or default_codebook()
    _waarborg_codes(kader, codebook)  # a code the codebook lacks is reported before any document is read
    documents = load_documents(documents_dir, regio_id=region.regio_id, soort="plan") if documents_dir else None
    return build_dossier(region, kader, documents, codebook=codebook, peiljaar=peiljaar,
                         per_student_eur=per_student_eur, citaten_per_code=citaten_per_code, k=k)


# ------------------------------------------------------------------ readings


def _regio(d: Dossier) -> str:
    return d.naam if d.naam.lower().startswith("onderwijsregio") else f"onderwijsregio {d.naam}"


_TABELNAMEN = {"dienstverbanden": "dienstverbanden", "enquete": "enquête"}


def inleiding(d: Dossier) -> str:
    """One Markdown paragraph introducing the dossier of this region: what a status means, that
    synthetic indicators are not graded and that package targets are no norm."""
    n = len(d.indicatoren)
    controle = [w.titel for w in d.kader.waarborgen if w.te_controleren]
    tekst = (f"Dit bewijsdossier van {_regio(d)} ordent de gegevens en teksten van de regio naar de "
             f"{len(d.kader.waarborgen)} waarborgen van het kader *{d.kader.naam}* ({n} indicatoren, peiljaar "
             f"{d.peiljaar}, peer review eens per {d.kader.cyclus_jaren} jaar). Alleen een indicator die op gegevens van "
             "de regio zelf berust, wordt beoordeeld: *gehaald*, *bijna* of *niet gehaald*, of, zolang het jaar "
             "van het doel nog niet bereikt is, *op koers* of *niet op koers*. Een streefwaarde zonder ambitie van de regio "
             f"is een {STANDAARD_DOEL}. De kritische reflectie schrijft het partnerschap zelf.")
    if controle:
        tekst += f" {opsomming(controle)} {'is' if len(controle) == 1 else 'zijn'} nog te controleren tegen de officiële tekst van het kwaliteitskader."
    synth = sorted(set(d.synthetisch) & set(_TABELNAMEN))
    if synth:
        tekst += (f" Indicatoren uit {opsomming([_TABELNAMEN[t] for t in synth])} zijn berekend op **{SYNTH}e** gegevens "
                  f"(de regio levert geen microdata): ze laten alleen zien hoe de berekening werkt, zeggen niets over de "
                  f"regio en heten daarom *{VOORBEELD}*.")
    return tekst


def _statussen(status: pd.Series) -> str:
    """``"1 gehaald en 1 niet op koers; 6 voorbeelden op synthetische gegevens (niet beoordeeld);
    voor 3 ontbreken de gegevens"``."""
    c = status.value_counts()
    delen = [f"{c[s]} {s}" for s in STATUSSEN if s not in (VOORBEELD, "ontbreekt") and c.get(s, 0)]
    tekst = opsomming(delen)
    n_vb = int(c.get(VOORBEELD, 0))
    if n_vb:
        vb = (f"{'alle ' if n_vb == len(status) and n_vb > 1 else ''}{n_vb} "
              f"{'voorbeeld' if n_vb == 1 else 'voorbeelden'} op {SYNTH}e gegevens (niet beoordeeld)")
        tekst = f"{tekst}; {vb}" if tekst else vb
    n_weg = int(c.get("ontbreekt", 0))
    if n_weg:
        wie = ("beide" if n_weg == 2 else f"alle {n_weg}") if n_weg == len(status) and n_weg > 1 else str(n_weg)
        weg = f"voor {wie} ontbreken de gegevens"
        tekst = f"{tekst}; {weg}" if tekst else weg
    return tekst


def lezing_overzicht(d: Dossier) -> str:
    """One sentence on the statuses of all indicators; the best waarborg only among those graded."""
    if d.indicatoren.empty:
        return "_Het kader bevat geen indicatoren._"
    tekst = f"Van de {len(d.indicatoren)} indicatoren: {_statussen(d.indicatoren['status'])}"
    beoordeeld = d.indicatoren[d.indicatoren["status"].isin(BEOORDEELD)]
    if beoordeeld.empty:
        tekst += ". Geen enkele indicator is beoordeeld: er zijn geen gegevens van de regio zelf om te beoordelen"
    else:
        aandeel = beoordeeld.groupby("waarborg_id")["status"].apply(lambda s: s.isin(["gehaald", "op koers"]).mean())
        beste = aandeel.idxmax()
        if aandeel[beste] > 0:
            tekst += (f". Naar verhouding de meeste streefwaarden gehaald of op koers: "
                      f"{d.kader.waarborg(beste).titel.lower()} ({fmt_pct(100 * aandeel[beste], 0)} van de beoordeelde "
                      "indicatoren)")
        else:
            tekst += ". Geen enkele beoordeelde streefwaarde is gehaald of op koers"
    return tekst + "."


def lezing_doelen(d: Dossier) -> str:
    """Where the targets come from (the region's ambition or the package's own standard) and how
    a target with a year is compared with the course towards it."""
    ind = d.indicatoren
    if ind.empty:
        return ""
    eigen = ind[ind["doel_soort"] == "ambitie"]
    standaard = ind[ind["doel_soort"] != "ambitie"]
    delen = []
    if not eigen.empty:
        delen.append(f"{len(eigen)} {'streefwaarde komt' if len(eigen) == 1 else 'streefwaarden komen'} uit de ambitie "
                     f"van de regio ({opsomming([r.indicator.lower() for r in eigen.itertuples()])})")
    if not standaard.empty:
        delen.append(f"{'de andere ' if delen else ''}{len(standaard)} {'is een' if len(standaard) == 1 else 'zijn'} "
                     f"eigen {'standaard' if len(standaard) == 1 else 'standaarden'} van het pakket, geen landelijke "
                     "norm: vervang ze door de ambitie van de regio (in het kaderbestand)")
    if eigen.empty:
        tekst = (f"Alle {len(ind)} streefwaarden zijn eigen standaarden van het pakket, geen landelijke norm: vervang ze "
                 "door de ambitie van de regio (in het kaderbestand).")
    else:
        tekst = f"Van de {len(ind)} streefwaarden: {opsomming(delen)}."
    met_jaar = ind[ind["koers"].astype(str) != ""]
    if not met_jaar.empty:
        tekst += (" Een doel met een jaartal wordt vóór dat jaar niet als gemist beoordeeld: de laatste meting wordt "
                  "vergeleken met de rechte lijn van de eerste meting naar het doel in het doeljaar (op of boven de lijn: "
                  "*op koers*; met één meting: *koers onbekend*). ")
        tekst += " ".join(f"{r.indicator}: {r.koers}; *{r.status}*." for r in met_jaar.itertuples())
    return tekst


def figuur_status(d: Dossier, ax: Axes | None = None) -> Axes | None:
    """Stacked horizontal bars: indicators per waarborg by status; synthetic indicators are a
    category of their own (*voorbeeld*), never counted as missed."""
    import matplotlib.pyplot as plt

    t = d.status_counts()
    if t.to_numpy().sum() == 0:
        return None
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8, 0.6 * len(t) + 1.5))
    labels = [d.kader.waarborg(w).titel for w in t.index]
    left = np.zeros(len(t))
    for s in STATUSSEN:
        vals = t[s].to_numpy()
        if not vals.any():
            continue
        ax.barh(labels, vals, left=left, color=STATUS_KLEUREN[s], label=s, edgecolor="white")
        for y, (lft, v) in enumerate(zip(left, vals)):
            if v:
                ax.text(lft + v / 2, y, str(int(v)), ha="center", va="center", fontsize="small", color="black")
        left += vals
    ax.invert_yaxis()
    ax.set(xlabel="Aantal indicatoren", ylabel="")
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    ax.legend(title=None, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    ax.grid(axis="y", visible=False)
    tekst = "Indicatoren van het kwaliteitskader per waarborg, naar status (aantal indicatoren)"
    if VOORBEELD in t.columns and t[VOORBEELD].sum():
        tekst += f"; '{VOORBEELD}': berekend uit synthetische gegevens en daarom niet met een doel vergeleken"
    return bijschrift(ax, tekst)


def lezing_dekking(d: Dossier) -> str:
    """The Samen Opleiden coverage and funding in one or two sentences (with any inconsistency)."""
    cov = d.dekking
    if cov is None or cov.summary.empty:
        return geen_gegevens("studenten per lerarenopleiding (Samen Opleiden)")
    t = cov.totaal()
    inst = cov.summary[(cov.summary["jaar"] == t["jaar"]) & (cov.summary["instituut"] != "totaal")]
    tekst = (f"In {studiejaar(t['jaar'])} leert {fmt_pct(t['aandeel_partnerschap'])} van de {fmt_getal(t['studenten_totaal'])} "
             f"studenten in een partnerschap ({opsomming([f'{r.instituut} {fmt_pct(r.aandeel_partnerschap)}' for r in inst.itertuples()])}); "
             f"voor 100 % moeten nog {fmt_getal(t['nog_te_plaatsen'])} studenten een plek krijgen, wat bij "
             f"{_eur(cov.per_student_eur)} per student {_eur(t['extra_bekostiging_eur'])} extra bekostiging vraagt.")
    meld = cov.meldingen()
    if meld:
        tekst += " **Niet consistent:** " + " ".join(meld)
    elif not cov.controles.empty:
        tekst += f" De {len(cov.controles)} bedragen en aantallen in het plan volgen uit de studentaantallen."
    return tekst


def dekking_tabel(d: Dossier) -> pd.DataFrame:
    """The coverage per institute and year: counts, the share in a partnership (%) and the extra
    funding (€), as numbers with their display declared."""
    cov = d.dekking
    if cov is None or cov.summary.empty:
        return pd.DataFrame()
    s = cov.summary
    out = pd.DataFrame({
        "instituut": s["instituut"], "studiejaar": s["jaar"].map(lambda j: studiejaar(j).removeprefix("studiejaar ")),
        "studenten": s["studenten_totaal"],
        "in partnerschap": s["studenten_partnerschap"], "aandeel (%)": s["aandeel_partnerschap"].astype(float),
        "nog te plaatsen": s["nog_te_plaatsen"], "extra bekostiging (€)": s["extra_bekostiging_eur"].astype(float),
    }).reset_index(drop=True)
    spec: dict[str, Kolom | str] = {
        "in partnerschap": "aantal", "aandeel (%)": Kolom("pct", 1, naam="aandeel"), "nog te plaatsen": "aantal",
        "extra bekostiging (€)": Kolom("getal", 0)}
    return kolommen(out, studenten="aantal", **spec)


def controle_tabel(d: Dossier) -> pd.DataFrame:
    """The plan's figures next to the recomputed ones, each in its unit (``eenheid``: eur,
    procent, aantal), as numbers with their display declared."""
    cov = d.dekking
    if cov is None or cov.controles.empty:
        return pd.DataFrame()
    c = cov.controles
    out = pd.DataFrame({
        "wat": c["omschrijving"], "instituut": c["categorie"], "in het plan": c["vermeld"].astype(float),
        "nagerekend": c["berekend"].astype(float), "eenheid": c["eenheid"], "consistent": c["consistent"].astype(bool),
        "berekening": c["berekening"],
    }).reset_index(drop=True)
    spec: dict[str, Kolom | str] = {"in het plan": Kolom("getal", eenheid="eenheid"),
                                    "nagerekend": Kolom("getal", eenheid="eenheid"), "consistent": "ja_nee"}
    return kolommen(out, **spec)


_CYCLUS_NAMEN = {"laatste_peer_review": "laatste peer review", "laatste_soort": "soort laatste", "gepland": "gepland", "via": "gepland met",
                 "uiterlijk": "uiterlijk (cyclus)", "volgende": "volgende"}


def cyclus_tabel(d: Dossier) -> pd.DataFrame:
    """The peer-review cycle per partnership: the years of the last, planned, latest allowed and
    next peer review (shown as years) and the status."""
    out = d.cyclus.drop(columns="op_schema").rename(columns=_CYCLUS_NAMEN).reset_index(drop=True)
    if "soort" in out.columns:  # the kind in words ("samen opleiden")
        out["soort"] = out["soort"].astype(str).str.replace("_", " ")
    for kolom in ("gepland met", "soort laatste"):  # only when a partnership has one
        if not out.empty and not out[kolom].astype(bool).any():
            out = out.drop(columns=kolom)
    jaren = [c for k, c in _CYCLUS_NAMEN.items() if k not in ("via", "laatste_soort")]
    tekst = {c: Kolom("tekst", leeg="") for c in ("gepland met", "soort laatste") if c in out.columns}
    return kolommen(out, **{c: "jaar" for c in jaren}, **tekst)


def lezing_waarborg(d: Dossier, waarborg_id: str) -> str:
    """One or two sentences on one waarborg: its statuses and its qualitative evidence."""
    w = d.kader.waarborg(waarborg_id)
    ind = d.indicatoren[d.indicatoren["waarborg_id"] == waarborg_id]
    seg = d.segmenten[d.segmenten["waarborg_id"] == waarborg_id] if not d.segmenten.empty else d.segmenten
    if ind.empty:
        tekst = f"{w.titel} heeft in het kader geen berekende indicatoren"
    else:
        tekst = f"{w.titel}, {len(ind)} {'indicator' if len(ind) == 1 else 'indicatoren'}: {_statussen(ind['status'])}"
    if seg.empty:
        tekst += "; er zijn geen tekstfragmenten met de codes van deze waarborg gevonden."
    else:
        top = seg.sort_values(["n_segmenten", "code"], ascending=[False, True]).iloc[0]
        tekst += (f"; {fmt_getal(int(seg['n_segmenten'].sum()))} tekstfragmenten dragen kwalitatief bewijs aan, het meest "
                  f"met de code {top['code'].rsplit('/', 1)[-1]} ({fmt_getal(int(top['n_segmenten']))}).")
    if w.te_controleren:
        tekst += " _Deze waarborg is nog te controleren tegen de officiële tekst van het kader._"
    return tekst


def lezing_cyclus(d: Dossier) -> str:
    """The peer-review cycle at the reference year: how many are on schedule, which have their
    next review with the partnership they join, and for which no year is known."""
    cyc = d.cyclus
    if cyc.empty:
        return geen_gegevens("partnerschappen en hun peer reviews")
    c = cyc["status"].value_counts()
    n_ok = int(c.get("op schema", 0))
    if int(c.get(GEEN_JAAR, 0)) == len(cyc):
        return (f"Van geen van de {len(cyc)} partnerschappen en opleidingsscholen ({opsomming(list(cyc['naam']))}) noemen "
                "de gegevens van de regio het jaar van een vorige of geplande peer review; of ze op schema zijn met de "
                f"cyclus van {d.kader.cyclus_jaren} jaar, is dus niet na te gaan.")
    wie = "is er geen enkele" if n_ok == 0 else f"{'is' if n_ok == 1 else 'zijn'} er {n_ok}"
    tekst = (f"Van de {len(cyc)} partnerschappen en opleidingsscholen {wie} op schema met de peer review "
             f"(peiljaar {d.peiljaar}, cyclus {d.kader.cyclus_jaren} jaar)")
    rest = [f"{v} {k}" for k, v in c.items() if k not in ("op schema", GEEN_JAAR)]
    if rest:
        tekst += f"; {opsomming(rest)}"
    volgend = cyc["volgende"].dropna()
    if not volgend.empty:
        tekst += f"; de eerstvolgende peer review is in {int(volgend.min())}"
    tekst += "."
    for via, g in cyc[cyc["via"].astype(bool)].groupby("via", sort=False):
        namen = list(g["naam"])
        jaar = int(g["gepland"].iloc[0])
        tekst += (f" {opsomming(namen)} {'heeft' if len(namen) == 1 else 'hebben'} geen eigen geplande peer review, maar "
                  f"{'maakt' if len(namen) == 1 else 'maken'} deel uit van {via}, waarvan de peer review in {jaar} "
                  f"gepland is; die geldt hier als {'zijn' if len(namen) == 1 else 'hun'} volgende peer review.")
    geen = list(cyc.loc[cyc["status"] == GEEN_JAAR, "naam"])
    if geen:
        tekst += (f" Van {opsomming(geen)} noemen de gegevens van de regio geen jaar van een vorige of geplande "
                  "peer review.")
    return tekst


def lezing_ontbrekend(d: Dossier) -> str:
    """One sentence on the missing evidence."""
    o = d.ontbrekend
    if o.empty:
        return "Voor elke waarborg zijn indicatoren met gegevens en tekstfragmenten gevonden; er ontbreekt geen bewijs."
    per = o.groupby("waarborg_id", sort=False).size()
    n_ind = int(o["onderdeel"].str.startswith("indicator").sum())
    return (f"Het dossier mist {len(o)} onderdelen ({n_ind} indicatoren zonder gegevens), het meest bij "
            f"{d.kader.waarborg(per.idxmax()).titel.lower()} ({per.max()}); de tabel zegt per onderdeel wat er "
            "nodig is.")


_BEHOUD_IDS = ("behoud_starters_1_jaar", "behoud_starters_3_jaar", "behoud_starters_5_jaar")


def _behoud(d: Dossier) -> pd.DataFrame:
    df = d.indicatoren[d.indicatoren["indicator_id"].isin(_BEHOUD_IDS)].dropna(subset=["waarde"])
    return df.assign(horizon=df["indicator"].str.replace(r"^Behoud van starters\s*", "", regex=True))


def figuur_behoud(d: Dossier, ax: Axes | None = None) -> Axes | None:
    """Starter retention at 1, 3 and 5 years; against the targets (dashed, labelled by their
    kind) only when the data are the region's own: a synthetic example is not compared."""
    import matplotlib.pyplot as plt

    from regio_analysis.report import figures as plotting

    df = _behoud(d)
    if len(df) < 2:
        return None
    if ax is None:
        _fig, ax = plt.subplots(figsize=(6.5, 3.5))
    synth = bool(df["synthetisch"].any())
    plotting.staaf(df, x="horizon", y="waarde", ax=ax, decimals=0, ylabel="Nog bij hetzelfde bestuur (%)",
                   kleur={h: plotting.groepskleur("alle starters") for h in df["horizon"]})
    if not synth:
        for soort, label in (("ambitie", "doel (ambitie van de regio)"), ("standaardwaarde", "doel (standaard van het pakket)")):
            xs = [x for x, s in enumerate(df["doel_soort"]) if s == soort]
            for x in xs:
                doel = float(df["doel"].iloc[x])
                ax.plot([x - 0.4, x + 0.4], [doel, doel], color="black", linewidth=1.2,
                        linestyle="--" if soort == "ambitie" else ":")
            if xs:
                ax.plot([], [], color="black", linestyle="--" if soort == "ambitie" else ":", label=label)
        # under the axes: inside, it would lie on the bars
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2, fontsize="small")
    ax.set_ylim(0, 105)
    if synth:
        return bijschrift(ax, "Behoud van startende leraren (synthetisch): aandeel dat nog bij hetzelfde bestuur werkt "
                              "(%); een voorbeeld van de berekening, niet met een doel vergeleken")
    return bijschrift(ax, "Behoud van startende leraren: aandeel dat nog bij hetzelfde bestuur werkt (%), met de doelen "
                          "als horizontale lijn")


def lezing_behoud(d: Dossier) -> str:
    """Starter retention in one or two sentences: the same starters as the retention chapter; a
    synthetic example is given without a target and without a status."""
    df = _behoud(d)
    if df.empty:
        return geen_gegevens("dienstverbanden van starters")
    n = df["n"].dropna()
    wie = f"de {fmt_getal(int(n.iloc[0]))} startende leraren" if not n.empty else "de startende leraren"
    wie += " (functiegroep OP, dezelfde als in het hoofdstuk Retentie van startende leraren; vertrek is het bestuur verlaten)"
    if df["synthetisch"].any():
        parts = [f"{r.horizon} {fmt_pct(r.waarde, 0)}" for r in df.itertuples()]
        return (f"**{VOORBEELD[0].upper()}{VOORBEELD[1:]}.** Van {wie} in de {SYNTH}e dienstverbanden werkt nog bij "
                f"hetzelfde bestuur: {opsomming(parts)}. Deze percentages laten de berekening zien, zeggen niets over "
                "de regio en worden daarom niet met een doel vergeleken.")
    parts = []
    for r in df.itertuples():
        bron = "ambitie van de regio" if r.doel_soort == "ambitie" else "standaard van het pakket"
        parts.append(f"{r.horizon} {fmt_pct(r.waarde, 0)} (doel {fmt_pct(r.doel, 0)}, {bron}: {r.status})")
    return f"Van {wie} werkt nog bij hetzelfde bestuur: {opsomming(parts)}."


# ------------------------------------------------------------------ the chapter as one object


@dataclass(frozen=True, eq=False)
class WaarborgDeel:
    """What the chapter shows for one waarborg: a Markdown heading with the description and the
    reading, the indicator table and the quotes, each with the name of its table file."""

    waarborg_id: str
    tekst: str
    tabel: pd.DataFrame
    naam: str
    wat: str
    citaten: pd.DataFrame
    citaten_naam: str
    citaten_wat: str


def herkomst_indicatoren(region, tabel: pd.DataFrame) -> tuple[Herkomst, ...]:
    """The kinds in an indicator table: synthetic demonstrations, values computed from the region's
    tables, the region's own ambitions as targets, the package's default targets."""
    if tabel.empty:
        return ()
    synth = tabel["status"].eq(VOORBEELD)
    kinds = []
    if synth.any():
        kinds.append(synthetisch("indicatoren uit gegevens die het pakket maakte; niet beoordeeld"))
    if (~synth & tabel["waarde"].notna()).any():
        kinds.append(berekend("indicatoren berekend uit de tabellen van de regio; bron per rij"))
    if tabel["doelbron"].astype(str).str.startswith("ambitie").any():
        kinds.append(gepubliceerd("doelen uit de ambities van de regio; bron per rij"))
    if tabel["doelbron"].eq(STANDAARD_DOEL).any():
        kinds.append(standaardwaarde(f"doelen: {STANDAARD_DOEL}"))
    return tuple(kinds)


class _Opties(TypedDict):
    """The options of :func:`dossier` that a chapter passes on."""

    peiljaar: int | None
    per_student_eur: float | None
    citaten_per_code: int
    k: int


@met_herkomst
class Hoofdstuk:
    """The peer-review chapter of one region, as its notebook shows it.

    ``region``: a RegionData (or a region id). ``kader_bestand``: a framework YAML or a
    :class:`Framework` (``""``/None: the shipped one); ``documenten``: a folder with the
    partnership's own documents (``""``: none). Unlike :func:`dossier`, a framework file or
    documents that cannot be used do not stop the chapter: the shipped framework is used, or the
    dossier is built without the documents, and :attr:`meldingen` says so (shown above the
    introduction). The other arguments are those of :func:`dossier`. The dossier is built once
    (:attr:`dossier`); every method shows a part of it through the module's functions.
    """

    def __init__(self, region, kader_bestand: Framework | str | Path | None = "", documenten: str | Path = "", *,
                 codebook=None, peiljaar: int | None = None, per_student_eur: float | None = None,
                 citaten_per_code: int = 3, k: int = DEFAULT_K):
        if isinstance(region, str):
            from regio_analysis.data import load_region

            region = load_region(region, synthetic=True)
        self.region = region
        self.kader_bestand = kader_bestand
        self.documenten = documenten
        self.codebook = codebook
        self.opties: _Opties = {"peiljaar": peiljaar, "per_student_eur": per_student_eur,
                                "citaten_per_code": citaten_per_code, "k": k}

    @cached_property
    def _kader_en_melding(self) -> tuple[Framework, list[str]]:
        from regio_analysis.errors import DataError
        from regio_analysis.io.frameworks import load_framework

        if isinstance(self.kader_bestand, Framework):
            return self.kader_bestand, []
        try:
            return load_framework(self.kader_bestand or None), []
        except DataError as err:  # a broken framework file is reported, and the shipped one is used
            return load_framework(), [f"**Kaderbestand niet gebruikt:** {err}. Het meegeleverde kader is gebruikt."]

    @property
    def kader(self) -> Framework:
        """The framework used: the file given, or the shipped one when that file cannot be used."""
        return self._kader_en_melding[0]

    @cached_property
    def _dossier_en_melding(self) -> tuple[Dossier, list[str]]:
        from regio_analysis.errors import DataError

        try:
            d = dossier(self.region, self.kader, documents_dir=self.documenten, codebook=self.codebook, **self.opties)
            return d, []
        except DataError as err:  # unreadable documents are reported; the dossier is built without them
            if not self.documenten:
                raise
            d = dossier(self.region, self.kader, codebook=self.codebook, **self.opties)
            return d, [f"**Eigen documenten niet gelezen:** {err}"]

    @property
    def dossier(self) -> Dossier:
        """The evidence dossier (built once)."""
        return self._dossier_en_melding[0]

    @property
    def meldingen(self) -> list[str]:
        """What could not be used (a framework file, the documents), one Markdown paragraph each."""
        return self._kader_en_melding[1] + self._dossier_en_melding[1]

    def herkomst(self) -> tuple[Herkomst, ...]:
        """The provenance of what rests on the indicators (the status figure, the retention figure)."""
        return herkomst_indicatoren(self.region, self.dossier.tabel(None))

    # --- texts and figures
    def inleiding(self) -> str:
        """The introduction (:func:`inleiding`), after the :attr:`meldingen` if there are any."""
        return "\n\n".join([*self.meldingen, inleiding(self.dossier)])

    def lezing_overzicht(self) -> str:
        return lezing_overzicht(self.dossier)

    def lezing_doelen(self) -> str:
        return lezing_doelen(self.dossier)

    def figuur_status(self, ax: Axes | None = None) -> Axes | None:
        return figuur_status(self.dossier, ax)

    def lezing_dekking(self) -> str:
        return lezing_dekking(self.dossier)

    def figuur_behoud(self, ax: Axes | None = None) -> Axes | None:
        from regio_analysis.retention.chapter.demonstratie import herkomst_dienstverbanden

        return markeer(figuur_behoud(self.dossier, ax), *herkomst_dienstverbanden(self.region))

    def lezing_behoud(self) -> str:
        return lezing_behoud(self.dossier)

    def lezing_waarborg(self, waarborg_id: str) -> str:
        return lezing_waarborg(self.dossier, waarborg_id)

    def lezing_cyclus(self) -> str:
        return lezing_cyclus(self.dossier)

    def lezing_ontbrekend(self) -> str:
        return lezing_ontbrekend(self.dossier)

    # --- tables (numbers, display declared)
    def _waarborg(self, waarborg_id: str | None) -> str:
        return "het kwaliteitskader" if waarborg_id is None else self.kader.waarborg(waarborg_id).titel.lower()

    def tabel_indicatoren(self, waarborg_id: str | None = None) -> pd.DataFrame:
        """The indicators of all waarborgen, or of one (:meth:`Dossier.tabel`)."""
        tabel = self.dossier.tabel(waarborg_id)
        if not tabel.empty:
            markeer(tabel, *herkomst_indicatoren(self.region, tabel))
        return bijschrift(tabel, bijschrift_tekst(f"Waarde, doel en status van de indicatoren van {self._waarborg(waarborg_id)}",
                                                  herkomst_van(tabel)))

    def _samen_opleiden(self, obj, regel: str, tekst: str):
        return bijschrift(markeer(obj, gepubliceerd_uit(self.region, self.region.samen_opleiden), berekend(regel)), tekst)

    def tabel_dekking(self) -> pd.DataFrame:
        return self._samen_opleiden(dekking_tabel(self.dossier), "aandelen en extra bekostiging per student",
                                    "Studenten per lerarenopleiding: in een partnerschap, nog te plaatsen, en de extra "
                                    "bekostiging")

    def tabel_controle(self) -> pd.DataFrame:
        return self._samen_opleiden(controle_tabel(self.dossier), "de bedragen en aantallen van het plan nagerekend",
                                    "Bedragen en aantallen van Samen Opleiden in het plan, nagerekend")

    def tabel_citaten(self, waarborg_id: str) -> pd.DataFrame:
        uit = "het activiteitenregister en de eigen documenten" if self.documenten else "het activiteitenregister"
        return bijschrift(markeer(self.dossier.citaten(waarborg_id),
                                  gepubliceerd(f"fragmenten uit {uit}, gecodeerd met het codeboek")),
                          f"Tekstfragmenten met hun code bij {self._waarborg(waarborg_id)}")

    def tabel_cyclus(self) -> pd.DataFrame:
        return bijschrift(markeer(cyclus_tabel(self.dossier), gepubliceerd_uit(self.region, self.region.partnerschappen),
                                  berekend("volgende peer review volgens de cyclus van het kader")),
                          "Partnerschappen en hun peer reviews volgens de cyclus van het kader")

    def tabel_ontbrekend(self) -> pd.DataFrame:
        df = markeer(self.dossier.ontbrekend, berekend("wat het kader vraagt en de gegevens niet geven"))
        if "waarborg_id" in df.columns:  # headed in words; the columns themselves stay the dossier's
            kolommen(df, waarborg_id=Kolom("tekst", naam="waarborg"),
                     **({"waarborg": Kolom("tekst", naam="naam van de waarborg")} if "waarborg" in df.columns else {}))
        return bijschrift(df, "Wat het kader vraagt en de gegevens (nog) niet geven, per waarborg")

    def waarborgen(self) -> list[WaarborgDeel]:
        """Per waarborg of the framework what :meth:`toon_waarborgen` shows."""
        out = []
        for w in self.kader.waarborgen:
            titel = w.titel.lower()
            out.append(WaarborgDeel(
                w.id, f"### {w.titel}\n\n{w.beschrijving}\n\n{self.lezing_waarborg(w.id)}", self.tabel_indicatoren(w.id),
                f"peer-review-{w.id.lower()}", f"indicatoren van {titel}", self.tabel_citaten(w.id),
                f"peer-review-{w.id.lower()}-citaten", f"tekstfragmenten bij {titel}"))
        return out

    # --- showing what depends on the framework or the data, and the files
    def toon_waarborgen(self, output_dir: str = "") -> None:
        """Show each waarborg: its heading and reading, its indicators and its quotes (tables
        ``peer-review-<id>`` and ``peer-review-<id>-citaten``, kept in ``output_dir``)."""
        from IPython.display import Markdown, display

        from regio_analysis.report.tables import toon_tabel

        for deel in self.waarborgen():
            display(Markdown(deel.tekst))
            toon_tabel(deel.tabel, deel.naam, output_dir, wat=deel.wat)
            toon_tabel(deel.citaten, deel.citaten_naam, output_dir, wat=deel.citaten_wat)

    def toon_ontbrekend(self, output_dir: str = "") -> None:
        """Show the missing evidence (table ``peer-review-ontbrekend``); nothing when nothing is
        missing (:meth:`lezing_ontbrekend` then says so)."""
        from regio_analysis.report.tables import toon_tabel

        if not self.tabel_ontbrekend().empty:
            toon_tabel(self.tabel_ontbrekend(), "peer-review-ontbrekend", output_dir)

    def bewaar(self, output_dir: str = "") -> str:
        """Write the workbook and the self-evaluation template to ``<output_dir>/peer_review/``
        (``io.dossier.bewaar``); returns the Markdown sentence saying what was kept."""
        from regio_analysis.io.dossier import bewaar

        bestanden = bewaar(self.dossier, output_dir)
        if not bestanden:
            return "_Geef `output_dir` op om het werkboek en het zelfevaluatiesjabloon te bewaren._"
        return "Bewaard in `peer_review/`: " + ", ".join(f"`{p.name}`" for p in bestanden)
