"""The overview chapter: who the region is, its published key figures, and readings.

Everything the notebook ``00_overzicht.ipynb`` shows is computed here from a
:class:`~regio_analysis.data.RegionData`; regions differ a lot in what they publish, so
every function works on whatever tables a region has and leaves out what it lacks
(``geen_gegevens`` gives the visible note). Nothing here reads files.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from regio_analysis.report.tables import bijschrift
from regio_analysis.report.format import fmt_getal, fmt_pct, geen_gegevens, opsomming, thema_label
from regio_analysis.data.provenance import (BETEKENIS, Herkomst, Soort, berekend, gepubliceerd, gepubliceerd_uit,
                                            markeer, met_herkomst, per_hoofdstuk)
from regio_analysis.data.region import documenttitel, jaar_vermeld, leesbare_bron
from regio_analysis.data.schemas import THEMAS
from regio_analysis.qualitative.plans import looptijd_vermeld, parse_periode

if TYPE_CHECKING:  # the figures (seaborn, scipy) are imported when drawn: the index page needs only the figures' words
    from matplotlib.axes import Axes

KERNCIJFER_KOLOMMEN = ["indicator", "jaar", "waarde", "eenheid", "soort", "bron"]

FUNCTIEGROEP_KORT = {"totaal": "", "OP": "OP", "OOP": "OOP", "DIR": "schoolleiders"}
# which function group stands for "the staff" when a table has no total
FUNCTIEGROEP_VOORKEUR = ("totaal", "OP", "DIR", "OOP")
TEKORT_LABELS = {
    "totaal": "Tekort",
    "zichtbaar": "Zichtbaar tekort",
    "verborgen": "Verborgen tekort",
    "onvervuld": "Onvervulde werkgelegenheid",
}
# categories of kengetallen that describe the region itself (vs. another region split)
EIGEN_CATEGORIEEN = ("onderwijsregio", "totaal")
#: shown in the ``jaar`` column when the source gives no year for a figure
JAAR_ONBEKEND = "niet vermeld"
#: school types as the plans write them, for saying which pupils a series counts
SOORT_LABELS = {"bao": "BAO", "sbo": "SBO", "so": "SO", "vso": "VSO", "so_vso": "(V)SO", "po": "PO",
                "vo": "VO", "mbo": "MBO"}


# --- sources ------------------------------------------------------------------------------------

def bron_tekst(region, bron) -> str:
    """A ``bron`` as the report shows it, ``"<titel>, § <sectie>"`` (:func:`regio_analysis.data.region.leesbare_bron`:
    never a file name); "" for none."""
    return leesbare_bron(region, bron) if str(bron or "").strip() and not pd.isna(bron) else ""


def bron_document(region, bron) -> str:
    """Only the document of a ``bron`` (its title, without the section)."""
    tekst = bron_tekst(region, bron)
    return tekst.split(", § ")[0].split(" § ")[0]


def _jaar_vermeld(row) -> bool:
    """False when the row says its source gives no year (column ``jaar_vermeld``)."""
    return jaar_vermeld(row.get("jaar_vermeld", True) if hasattr(row, "get") else True)


# --- identity ---------------------------------------------------------------------------------

def _lijst(values: list[str]) -> str:
    return ", ".join(values) if values else "niet vermeld"


def _aantal(values: list[str]) -> str:
    return str(len(values)) if values else "niet vermeld"


def identiteit(region) -> pd.DataFrame:
    """The region's identity from ``regio.yaml`` as two columns, ``kenmerk`` and ``waarde``.

    Counts of municipalities, boards and teacher-training institutes are ``"niet vermeld"``
    when the source names none (zero would suggest there are none).
    """
    meta = region.meta
    rows = [
        ("Naam", meta.get("naam") or region.regio_id),
        ("Regio-id", region.regio_id),
        ("Sectoren", _lijst(meta.get("sectoren") or [])),
        ("Provincies", _lijst(meta.get("provincies") or [])),
        ("Aantal genoemde gemeenten", _aantal(meta.get("gemeenten") or [])),
        ("Aantal genoemde besturen", _aantal(meta.get("besturen") or [])),
        ("Aantal genoemde lerarenopleidingen", _aantal(meta.get("opleidingen") or [])),
        ("Lerarenopleidingen", _lijst(meta.get("opleidingen") or []) if meta.get("opleidingen")
         else str(meta.get("opleidingen_toelichting") or "niet vermeld")),
        ("Periode", str(meta.get("periode") or "niet vermeld")),
        ("Bron", bron_tekst(region, meta.get("bron")) or "niet vermeld"),
    ]
    if region.synthetisch:
        rows.append(("Synthetische tabellen", ", ".join(sorted(region.synthetisch))))
    return pd.DataFrame(rows, columns=["kenmerk", "waarde"])


def _vet(naam: str) -> str:
    """``onderwijsregio X`` with the name in bold (Markdown)."""
    if naam.lower().startswith("onderwijsregio "):
        return f"{naam[:15]}**{naam[15:]}**"
    return f"**{naam}**"


def inleiding(region) -> str:
    """One Markdown sentence introducing the chapter for this region."""
    tabellen = sorted(t for t in region.tables if region.has(t))
    sectoren = ", ".join(region.meta.get("sectoren") or [])
    wat = f" ({sectoren})" if sectoren else ""
    naam = region.naam if region.naam.lower().startswith("onderwijsregio") else f"onderwijsregio {region.naam}"
    if not tabellen:
        return (f"Dit overzicht beschrijft {_vet(naam)}{wat}; "
                "voor deze regio zijn nog geen tabellen met cijfers aangeleverd.")
    document = bron_tekst(region, region.meta.get("bron"))
    uit = f" uit het {document}" if document else ""
    tekst = (f"Dit overzicht beschrijft {_vet(naam)}{wat} op basis van "
             f"{len(tabellen)} {'tabel' if len(tabellen) == 1 else 'tabellen'} met gepubliceerde cijfers{uit} "
             f"({', '.join(tabellen)}).")
    if region.synthetisch:
        werkwoord = "is" if len(region.synthetisch) == 1 else "zijn"
        tekst += f" Let op: {', '.join(sorted(region.synthetisch))} {werkwoord} **synthetisch**."
    return tekst


def bronbestanden(region) -> pd.DataFrame:
    """The files the region was loaded from with their SHA-256, for traceability."""
    rows = sorted(region.bestanden.items())
    return pd.DataFrame(rows, columns=["bestand", "sha256"])


# --- selections (small, shared by kerncijfers / key_indicators / lezingen) ----------------------

def regio_rijen(df: pd.DataFrame) -> pd.DataFrame:
    """The region-level rows of a table with a ``niveau`` column (all rows without one)."""
    return df[df["niveau"] == "regio"] if "niveau" in df.columns else df


def _voorkeur_functiegroep(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of the preferred function group present (totaal, else OP, DIR, OOP)."""
    for fg in FUNCTIEGROEP_VOORKEUR:
        part = df[df["functiegroep"] == fg]
        if not part.empty:
            return part
    return df.iloc[0:0]


def _actueel(df: pd.DataFrame, jaar: str) -> tuple[pd.DataFrame, bool]:
    """Rows of the latest realised year, else of the first forecast year; and whether forecast."""
    if df.empty:
        return df, False
    prog = df["prognose"].astype(bool) if "prognose" in df.columns else pd.Series(False, index=df.index)
    real = df[~prog]
    if not real.empty:
        return real[real[jaar] == real[jaar].max()], False
    fc = df[prog]
    return fc[fc[jaar] == fc[jaar].min()], True


def _bron(rows: pd.DataFrame) -> str:
    return "; ".join(dict.fromkeys(str(b) for b in rows["bron"] if str(b)))


def _bron_documenten(region, rows: pd.DataFrame) -> str:
    """The distinct source documents (titles, without sections) of many rows."""
    return "; ".join(dict.fromkeys(bron_document(region, b) for b in rows["bron"] if str(b)))


def _jaar(value, vermeld: bool = True) -> str:
    """A year as text; :data:`JAAR_ONBEKEND` when missing or when the source gives none."""
    return JAAR_ONBEKEND if not vermeld or value is None or pd.isna(value) else str(int(value))


def _leerlingen_basis(region) -> tuple[pd.DataFrame, bool]:
    """Unsuppressed pupil rows: the region-level ones (True), else those of the vestigingen (False)."""
    df = region.leerlingen
    df = df[~df["onderdrukt"].astype(bool)] if "onderdrukt" in df.columns else df
    regio = df[(df["niveau"] == "regio") & (df["vestigingscode"] == "")]
    return (regio, True) if not regio.empty else (df, False)


def _delen(base: pd.DataFrame) -> pd.DataFrame:
    """The rows of the school types that are parts (no ``totaal``, no aggregate whose parts are there)."""
    soorten = set(base["soort"])
    skip = {"totaal"}
    if soorten & {"bao", "sbo", "so", "vso"}:
        skip |= {"po"}
    if soorten & {"so", "vso"}:
        skip |= {"so_vso"}
    return base[~base["soort"].isin(skip)].dropna(subset=["aantal"])


def _vaste_soorten(delen: pd.DataFrame) -> list[str]:
    """The school types present in every year (realisation and forecast) of the region rows."""
    jaren = set(delen["peiljaar"])
    per_soort = delen.groupby("soort")["peiljaar"].apply(set)
    return [s for s in SOORT_LABELS if s in per_soort.index and per_soort[s] == jaren]


def _som(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.groupby(["peiljaar", "prognose"], as_index=False).agg(
        aantal=("aantal", lambda v: v.sum(min_count=1)), bron=("bron", lambda v: "; ".join(dict.fromkeys(v))))


def leerlingen_regio(region) -> pd.DataFrame:
    """Region pupils per year, the same school types in every year (``peiljaar``, ``aantal``,
    ``prognose``, ``bron``, ``soorten``: which types, ``""`` for the published total).

    The published region total (soort ``totaal``) is used when it is the sum of the school
    types present in every year. When it is not (a plan's realised totals hold pupils its
    forecast lacks), the series is the sum of those school types, so realisation and forecast
    count the same pupils; :func:`leerlingen_totaal_verschil` lists what the totals add.
    Without region rows, the vestigingen are summed per year (aggregates ``po``/``so_vso`` not
    counted twice); suppressed cells are left out, so such a sum can be slightly low.
    """
    cols = ["peiljaar", "aantal", "prognose", "bron", "soorten"]
    if region.leerlingen.empty:
        return pd.DataFrame(columns=cols)
    base, regio = _leerlingen_basis(region)
    totaal = base[base["soort"] == "totaal"].dropna(subset=["aantal"])
    delen = _delen(base)
    soorten = ""
    if regio and not delen.empty:
        vast = _vaste_soorten(delen)
        som = _som(delen[delen["soort"].isin(vast)]) if vast else pd.DataFrame()
        gelijk = (not totaal.empty and not som.empty
                  and som.set_index("peiljaar")["aantal"].reindex(totaal["peiljaar"]).to_numpy().tolist()
                  == totaal["aantal"].to_numpy().tolist())
        if not som.empty and not gelijk:
            totaal, soorten = som, opsomming([SOORT_LABELS[s] for s in vast])
    if totaal.empty:
        totaal = _som(delen)
    out = totaal.assign(soorten=soorten)[cols].dropna(subset=["aantal"]).sort_values(["peiljaar", "prognose"])
    # a year both realised and forecast: keep the realisation
    return out.drop_duplicates("peiljaar", keep="first").reset_index(drop=True)


def _leerlingen_gepubliceerd(region) -> pd.DataFrame:
    """The published region totals when there are any, else :func:`leerlingen_regio`."""
    base, regio = _leerlingen_basis(region) if not region.leerlingen.empty else (region.leerlingen, False)
    tot = base[base["soort"] == "totaal"].dropna(subset=["aantal"]) if regio else base.iloc[0:0]
    return tot.sort_values("peiljaar") if not tot.empty else leerlingen_regio(region)


def leerlingen_totaal_verschil(region) -> pd.DataFrame:
    """Years in which the published region total is not the sum of the school types of
    :func:`leerlingen_regio` (``peiljaar``, ``prognose``, ``totaal``, ``som``, ``verschil``);
    empty when the series is the published total."""
    cols = ["peiljaar", "prognose", "totaal", "som", "verschil"]
    ll = leerlingen_regio(region)
    if ll.empty or not ll["soorten"].iloc[0]:
        return pd.DataFrame(columns=cols)
    base, _ = _leerlingen_basis(region)
    tot = base[base["soort"] == "totaal"].dropna(subset=["aantal"]).drop_duplicates("peiljaar")
    df = tot[["peiljaar", "prognose", "aantal"]].rename(columns={"aantal": "totaal"}).merge(
        ll[["peiljaar", "aantal"]].rename(columns={"aantal": "som"}), on="peiljaar")
    df["verschil"] = df["totaal"] - df["som"]
    return df[df["verschil"] != 0][cols].reset_index(drop=True)


def verzuim_reeks(region) -> pd.DataFrame:
    """Sick-leave series (``jaar``, ``niveau``, ``waarde``, ``bron``) for region and nation:
    indicator ``ziekteverzuimpercentage`` in percent, preferred function group."""
    df = region.verzuim
    if df.empty:
        return pd.DataFrame(columns=["jaar", "niveau", "waarde", "bron"])
    df = df[(df["indicator"] == "ziekteverzuimpercentage") & (df["eenheid"] == "procent")
            & df["niveau"].isin(["regio", "landelijk"])].dropna(subset=["waarde"])
    df = _voorkeur_functiegroep(df)
    return df[["jaar", "niveau", "waarde", "bron"]].sort_values(["niveau", "jaar"]).reset_index(drop=True)


def _personeel_totaal(region, eenheid: str) -> dict[str, Any] | None:
    """Latest staff total in ``eenheid`` (personen / fte), with its label, year and source.

    From ``personeel`` (kenmerk and categorie ``totaal``, region level): the ``totaal``
    function group, else the sum of the groups of the latest year. Without such rows,
    from ``kengetallen`` (indicator ``personen`` / ``formatieplaatsen`` of the region's
    own count, category ``onderwijsregio`` or ``totaal``), summed over the function groups
    published; the label names those groups.
    """
    pers = region.personeel
    pers = regio_rijen(pers[(pers["eenheid"] == eenheid) & (pers["kenmerk"] == "totaal") & (pers["categorie"] == "totaal")])
    pers = pers.dropna(subset=["waarde"])
    if not pers.empty:
        last = pers[pers["peiljaar"] == pers["peiljaar"].max()]
        tot = last[last["functiegroep"] == "totaal"]
        rows = tot if not tot.empty else last
        groepen = [] if not tot.empty else sorted(rows["functiegroep"].unique(), key=FUNCTIEGROEP_VOORKEUR.index)
        return {"waarde": float(rows["waarde"].sum()), "jaar": _jaar(last["peiljaar"].iloc[0]),
                "groepen": groepen, "bron": _bron(rows)}
    indicator = {"personen": "personen", "fte": "formatieplaatsen"}[eenheid]
    kg = region.kengetallen
    kg = regio_rijen(kg[(kg["indicator"] == indicator) & (kg["eenheid"] == eenheid)]).dropna(subset=["waarde"])
    for categorie in EIGEN_CATEGORIEEN:
        rows = kg[kg["categorie"] == categorie]
        if rows.empty:
            continue
        jaren = rows["jaar"].dropna()
        if not jaren.empty:
            rows = rows[rows["jaar"] == jaren.max()]
        tot = rows[rows["functiegroep"] == "totaal"]
        rows = tot if not tot.empty else rows
        groepen = [] if not tot.empty else sorted(rows["functiegroep"].unique(), key=FUNCTIEGROEP_VOORKEUR.index)
        return {"waarde": float(rows["waarde"].sum()), "jaar": _jaar(rows["jaar"].iloc[0]),
                "groepen": groepen, "bron": _bron(rows)}
    return None


def _aandeel_55plus(region) -> pd.Series | None:
    df = region.personeel
    df = regio_rijen(df[(df["kenmerk"] == "leeftijd") & (df["categorie"] == "55+") & (df["eenheid"] == "procent")])
    df = _voorkeur_functiegroep(df.dropna(subset=["waarde"]))
    if df.empty:
        return None
    return df.sort_values("peiljaar").iloc[-1]


def _stroom(region, richting: str) -> tuple[pd.Series, bool] | None:
    """The current rate (percent) of inflow or outflow: latest realised, else first forecast."""
    df = region.stromen
    df = regio_rijen(df[(df["richting"] == richting) & (df["eenheid"] == "procent") & (df["kenmerk"] == "totaal")
                   & (df["categorie"] == "totaal")]).dropna(subset=["waarde"])
    rows, prognose = _actueel(df, "jaar")
    gekozen = _voorkeur_functiegroep(rows)
    if gekozen.empty:
        return None
    r = gekozen.iloc[0].copy()
    r["groepen"] = _groepen_met_waarde(rows, r)
    return r, prognose


def _groepen_met_waarde(rows: pd.DataFrame, gekozen: pd.Series) -> str:
    """The function groups (short labels) that have the chosen row's value in the same rows,
    so a figure the source gives for 'OP en OOP' is labelled so, not as OP alone."""
    if gekozen["functiegroep"] == "totaal":
        return ""
    zelfde = rows[(rows["functiegroep"] != "totaal") & (rows["waarde"] == gekozen["waarde"])]
    groepen = sorted(set(zelfde["functiegroep"]) | {gekozen["functiegroep"]},
                     key=lambda g: ("OP", "OOP", "DIR").index(g) if g in ("OP", "OOP", "DIR") else 9)
    return opsomming([FUNCTIEGROEP_KORT[g] for g in groepen if FUNCTIEGROEP_KORT.get(g)])


def _verzuim_laatste(region) -> tuple[pd.Series | None, pd.Series | None]:
    reeks = verzuim_reeks(region)
    regio = reeks[reeks["niveau"] == "regio"]
    if regio.empty:
        return None, None
    last = regio.iloc[-1]
    land = reeks[(reeks["niveau"] == "landelijk") & (reeks["jaar"] == last["jaar"])]
    return last, (land.iloc[0] if not land.empty else None)


# --- key figures --------------------------------------------------------------------------------

def kerncijfers(region) -> pd.DataFrame:
    """The region's published key figures as a tidy display table.

    Columns ``indicator`` (Dutch label), ``jaar``, ``waarde`` (formatted Dutch),
    ``eenheid``, ``soort`` (``gepubliceerd``, or ``berekend`` for a sum or count the package
    makes of published figures), ``bron``; the index (``sleutel``) is a stable machine key per row.
    Rows appear only when the region has the figure: pupils (latest realised year and
    forecast end year), staff in persons and fte, sick leave (region and nation, latest
    year), shortage percentages per component, share of staff aged 55+, inflow and
    outflow rates, departure of new staff, activities (total and per theme), and planned
    peer reviews. Forecast values say ``(prognose)`` in their label.
    """
    rows: list[dict[str, str]] = []

    def add(sleutel, indicator, jaar, waarde, eenheid, bron, soort="gepubliceerd"):
        rows.append({"sleutel": sleutel, "indicator": indicator, "jaar": jaar, "waarde": waarde,
                     "eenheid": eenheid, "soort": soort, "bron": bron_tekst(region, bron)})

    for row in _leerlingen_rijen(region):
        add(*row)

    for eenheid in ("personen", "fte"):
        p = _personeel_totaal(region, eenheid)
        if p is not None:
            wie = "Personeel" if not p["groepen"] else f"Personeel {opsomming(p['groepen'])}"
            add(eenheid, f"{wie} ({eenheid})", p["jaar"], fmt_getal(p["waarde"]), eenheid, p["bron"],
                "berekend" if len(p["groepen"]) > 1 else "gepubliceerd")

    regio, land = _verzuim_laatste(region)
    if regio is not None:
        add("verzuim_regio", "Ziekteverzuim regio", _jaar(regio["jaar"]), fmt_pct(regio["waarde"]), "procent",
            regio["bron"])
    if land is not None:
        add("verzuim_landelijk", "Ziekteverzuim landelijk", _jaar(land["jaar"]), fmt_pct(land["waarde"]), "procent",
            land["bron"])

    for row in _tekort_rijen(region):
        add(*row)

    a55 = _aandeel_55plus(region)
    if a55 is not None:
        soort = str(a55.get("onderwijstype") or "").strip() if pd.notna(a55.get("onderwijstype")) else ""
        add("aandeel_55plus", f"Personeel{f' in het {SOORT_LABELS.get(soort.lower(), soort)}' if soort else ''} van 55 jaar "
            "en ouder", _jaar(a55["peiljaar"], _jaar_vermeld(a55)),
            fmt_pct(a55["waarde"], None), "procent", a55["bron"])

    for richting, naam in (("in", "Instroom"), ("uit", "Uitstroom")):
        s = _stroom(region, richting)
        if s is not None:
            r, prognose = s
            fg = r["groepen"]
            label = f"{naam}{' ' + fg if fg else ''} (% van het personeel{', prognose' if prognose else ''})"
            add(f"{richting}stroom", label, _jaar(r["jaar"], _jaar_vermeld(r)), fmt_pct(r["waarde"], None), "procent",
                r["bron"])

    for sleutel, label, r in _retentie_rijen(region):
        add(sleutel, label, _jaar(r["jaar"]), fmt_pct(r["waarde"], None), "procent", r["bron"])

    act = region.activiteiten
    if not act.empty:
        periode = _planperiode_tekst(region)
        add("activiteiten", "Activiteiten in het register (totaal)", periode, str(len(act)), "aantal",
            _bron_documenten(region, act), "berekend")
        for thema, groep in _per_thema(act):
            add(f"activiteiten_{thema}", f"Activiteiten met thema {thema_label(thema)} (indeling van het pakket)", periode,
                str(len(groep)), "aantal", _bron_documenten(region, groep), "berekend")

    ps = region.partnerschappen
    ps = ps.dropna(subset=["peer_review_jaar"]) if not ps.empty else ps
    for jaar, groep in ps.groupby("peer_review_jaar", sort=True):
        namen = list(groep["naam"])
        waarde = ", ".join(namen) if len(namen) <= 3 else f"{len(namen)} partnerschappen"
        add(f"peer_review_{int(jaar)}", "Geplande peer review", _jaar(jaar), waarde, "", _bron(groep))

    df = pd.DataFrame(rows, columns=["sleutel", *KERNCIJFER_KOLOMMEN])
    return df.set_index("sleutel")


def _periode(act: pd.DataFrame) -> str:
    begin, eind = act["start"].min(), act["einde"].max()
    if pd.isna(begin) or pd.isna(eind):
        return ""
    return str(begin.year) if begin.year == eind.year else f"{begin.year}–{eind.year}"


def _planperiode(region) -> tuple[int, int] | None:
    return parse_periode(region.meta.get("periode"))


def _planperiode_tekst(region) -> str:
    """The plan's period (``periode`` in regio.yaml), else the span of the register's dates."""
    plan = _planperiode(region)
    if plan is None:
        return _periode(region.activiteiten)
    return str(plan[0]) if plan[0] == plan[1] else f"{plan[0]}–{plan[1]}"


def _leerlingen_rijen(region) -> list[tuple[str, str, str, str, str, str, str]]:
    """Key-figure rows on pupils: the latest realised year and the last forecast year of the
    like-for-like series, and, where the published totals differ from it, the published total
    of the latest realised year (:func:`leerlingen_regio`)."""
    ll = leerlingen_regio(region)
    if ll.empty:
        return []
    soorten = ll["soorten"].iloc[0]
    wat, is_som = (f"Leerlingen {soorten}", "som, ") if soorten else ("Leerlingen", "")
    soort = "berekend" if is_som else "gepubliceerd"
    real = ll[~ll["prognose"].astype(bool)]
    prog = ll[ll["prognose"].astype(bool)]
    out = []
    if soorten:
        base, _ = _leerlingen_basis(region)
        tot = base[(base["soort"] == "totaal") & ~base["prognose"].astype(bool)].dropna(subset=["aantal"])
        if not tot.empty:
            r = tot.sort_values("peiljaar").iloc[-1]
            som = ll.set_index("peiljaar")["aantal"].get(r["peiljaar"])
            verschil = "" if som is None or pd.isna(som) else (
                f" ({fmt_getal(abs(r['aantal'] - som), 0)} {'meer' if r['aantal'] > som else 'minder'} dan {soorten})")
            out.append(("leerlingen_totaal", f"Leerlingen, totaal zoals gepubliceerd{verschil}",
                        _jaar(r["peiljaar"]), fmt_getal(r["aantal"], 0), "aantal", r["bron"], "gepubliceerd"))
    if not real.empty:
        r = real.iloc[-1]
        out.append(("leerlingen", f"{wat} (som)" if is_som else wat, _jaar(r["peiljaar"]), fmt_getal(r["aantal"], 0),
                    "aantal", r["bron"], soort))
    if not prog.empty:
        r = prog.iloc[-1]
        out.append(("leerlingen_prognose", f"{wat} ({is_som}prognose)", _jaar(r["peiljaar"]), fmt_getal(r["aantal"], 0),
                    "aantal", r["bron"], soort))
    return out


def _per_thema(act: pd.DataFrame):
    for thema in sorted(act["thema"].unique(), key=lambda t: (THEMAS.index(t) if t in THEMAS else len(THEMAS), t)):
        yield thema, act[act["thema"] == thema]


def _tekort_rijen(region) -> list[tuple[str, str, str, str, str, str]]:
    """One row per shortage component in percent: preferred function group, latest realised
    year (else first forecast year); a published range (ondergrens/bovengrens) as ``a–b%``."""
    df = regio_rijen(region.tekort)
    df = df[df["eenheid"] == "procent"].dropna(subset=["waarde"])
    out = []
    order = list(TEKORT_LABELS) + sorted(set(df["component"]) - set(TEKORT_LABELS))
    for component in [c for c in order if c in set(df["component"])]:
        part = df[df["component"] == component]
        alle, prognose = _actueel(part, "jaar")
        rows = _voorkeur_functiegroep(alle)
        if rows.empty:
            continue
        # other function groups with the same value(s) are named too
        eigen = alle[alle["scenario"].isin(rows["scenario"])]
        groepen = [g for g in dict.fromkeys(eigen["functiegroep"]) if g != "totaal" and
                   sorted(eigen.loc[eigen["functiegroep"] == g, "waarde"]) == sorted(rows["waarde"])]
        scen = dict(zip(rows["scenario"], rows["waarde"]))
        opmerking = " ".join(rows["opmerking"].astype(str)) if "opmerking" in rows.columns else ""
        circa = "ca. " if "circa" in opmerking.lower() else ""
        if "ondergrens" in scen and "bovengrens" in scen and "gepubliceerd" not in scen:
            waarde = f"{circa}{fmt_getal(scen['ondergrens'])}–{fmt_pct(scen['bovengrens'], None)}"
        else:
            waarde = circa + fmt_pct(scen.get("gepubliceerd", rows["waarde"].iloc[0]), None)
        fg = "" if rows["functiegroep"].iloc[0] == "totaal" else opsomming(
            [FUNCTIEGROEP_KORT[g] for g in sorted(groepen, key=("OP", "OOP", "DIR").index)])
        label = TEKORT_LABELS.get(component, component.replace("_", " ").capitalize())
        label = f"{label}{' ' + fg if fg else ''}{' (prognose)' if prognose else ''}"
        jaar = _jaar(rows["jaar"].iloc[0], all(_jaar_vermeld(r) for _, r in rows.iterrows()))
        out.append((f"tekort_{component}", label, jaar, waarde, "procent", _bron(rows)))
    return out


RETENTIE_INDICATOREN = {
    "vertrek_binnen_1_jaar": ("vertrek_binnen_1_jaar", "Personeel dat binnen een jaar het bestuur verlaat (volgens het plan)"),
    "uitstroompercentage startende leraren": ("uitstroom_starters", "Uitstroom startende leraren"),
}


def _retentie_rijen(region):
    kg = regio_rijen(region.kengetallen)
    kg = kg[(kg["onderwerp"] == "retentie") & (kg["eenheid"] == "procent")].dropna(subset=["waarde"])
    for indicator, (sleutel, label) in RETENTIE_INDICATOREN.items():
        rows = _voorkeur_functiegroep(kg[kg["indicator"] == indicator])
        if rows.empty:
            continue
        rows = rows.sort_values("jaar", na_position="first")
        r = rows.iloc[-1]
        if pd.isna(r["jaar"]):
            label = f"{label} (periode niet vermeld)"
        yield sleutel, label, r


# --- readings (one Dutch sentence each) ---------------------------------------------------------

def _verandering(van: float, naar: float) -> str:
    return "steeg" if naar > van else "daalde" if naar < van else "bleef gelijk"


def lezing_leerlingen(region) -> str:
    """One sentence on the pupil numbers: realised trend and forecast end year."""
    ll = leerlingen_regio(region)
    if ll.empty:
        return geen_gegevens("leerlingaantallen")
    real = ll[~ll["prognose"].astype(bool)]
    prog = ll[ll["prognose"].astype(bool)]
    soorten = ll["soorten"].iloc[0]
    wie = f"in {soorten} samen" if soorten else "in de regio"
    delen = []
    if len(real) >= 2:
        a, b = real.iloc[0], real.iloc[-1]
        verb = _verandering(a["aantal"], b["aantal"])
        if verb == "bleef gelijk":
            delen.append(f"Het aantal leerlingen {wie} bleef tussen {_jaar(a['peiljaar'])} en "
                         f"{_jaar(b['peiljaar'])} gelijk op {fmt_getal(b['aantal'], 0)}")
        else:
            delen.append(f"Het aantal leerlingen {wie} {verb} van {fmt_getal(a['aantal'], 0)} "
                         f"({_jaar(a['peiljaar'])}) naar {fmt_getal(b['aantal'], 0)} ({_jaar(b['peiljaar'])})")
    elif len(real) == 1:
        b = real.iloc[0]
        delen.append(f"In {_jaar(b['peiljaar'])} telde de regio {fmt_getal(b['aantal'], 0)} leerlingen"
                     + (f" in {soorten}" if soorten else ""))
    if not prog.empty:
        p = prog.iloc[-1]
        if not real.empty:
            b = real.iloc[-1]
            pct = (p["aantal"] / b["aantal"] - 1) * 100 if b["aantal"] else float("nan")
            if fmt_getal(abs(pct), 1) == "0,0" or pd.isna(pct):
                vergelijk = f"evenveel als in {_jaar(b['peiljaar'])}"
            else:
                vergelijk = f"{fmt_pct(abs(pct))} {'meer' if pct > 0 else 'minder'} dan in {_jaar(b['peiljaar'])}"
            onderwerp = "het" if len(real) >= 2 else "het aantal"
            delen.append(f"volgens de prognose komt {onderwerp} in {_jaar(p['peiljaar'])} uit op "
                         f"{fmt_getal(p['aantal'], 0)}, {vergelijk}")
        else:
            a = prog.iloc[0]
            delen.append(f"Volgens de prognose gaat het aantal leerlingen {wie} van {fmt_getal(a['aantal'], 0)} "
                         f"({_jaar(a['peiljaar'])}) naar {fmt_getal(p['aantal'], 0)} ({_jaar(p['peiljaar'])})")
    return "; ".join(delen) + "." + _lezing_totaal_verschil(region, soorten)


def _bereik(values, decimals: int = 0) -> str:
    lo, hi = min(values), max(values)
    return fmt_getal(lo, decimals) if lo == hi else f"{fmt_getal(lo, decimals)} tot {fmt_getal(hi, decimals)}"


def _jaren_tekst(jaren) -> str:
    jaren = sorted(int(j) for j in jaren)
    if len(jaren) > 1 and jaren == list(range(jaren[0], jaren[-1] + 1)):
        return f"{jaren[0]}–{jaren[-1]}"
    return opsomming([str(j) for j in jaren])


def _lezing_totaal_verschil(region, soorten: str) -> str:
    """Where the published totals hold pupils the school types do not: said, not resolved."""
    verschil = leerlingen_totaal_verschil(region)
    if verschil.empty:
        return ""
    base, _ = _leerlingen_basis(region)
    tot = base[base["soort"] == "totaal"].dropna(subset=["aantal"])
    gelijk = sorted(set(tot["peiljaar"]) - set(verschil["peiljaar"]))
    meer = verschil["verschil"] > 0
    hoe = "meer" if meer.all() else "minder" if (~meer).all() else "meer of minder"
    tekst = (f" De gepubliceerde totalen van {_jaren_tekst(verschil['peiljaar'])} tellen "
             f"{_bereik(verschil['verschil'].abs())} leerlingen {hoe} dan {soorten} samen, zonder dat de bron zegt welke")
    if gelijk:
        tekst += f"; die van {_jaren_tekst(gelijk)} zijn precies {soorten} samen"
    return tekst + (". Deze lezing vergelijkt daarom in alle jaren dezelfde schoolsoorten; de totalen staan "
                    "in de kerncijfers.")


def lezing_verzuim(region) -> str:
    """One sentence on sick leave: the regional trend and how it compares with the nation."""
    reeks = verzuim_reeks(region)
    regio = reeks[reeks["niveau"] == "regio"].set_index("jaar")["waarde"]
    if regio.empty:
        return geen_gegevens("het ziekteverzuim")
    y0, y1 = regio.index[0], regio.index[-1]
    v0, v1 = regio.iloc[0], regio.iloc[-1]
    if len(regio) == 1:
        zin = f"Het ziekteverzuim in de regio was {fmt_pct(v1)} in {y1}"
    elif fmt_pct(v0) == fmt_pct(v1):
        zin = f"Het ziekteverzuim in de regio bleef tussen {y0} en {y1} gelijk op {fmt_pct(v1)}"
    else:
        zin = f"Het ziekteverzuim in de regio {_verandering(v0, v1)} van {fmt_pct(v0)} ({y0}) naar {fmt_pct(v1)} ({y1})"
    land = reeks[reeks["niveau"] == "landelijk"].set_index("jaar")["waarde"]
    gemeen = [j for j in regio.index if j in land.index]
    if not gemeen or gemeen[-1] != y1:
        return zin + "."
    # compare at the shown precision, so the sentence never contradicts its own numbers
    teken = {j: int(round(regio[j], 1) > round(land[j], 1)) - int(round(regio[j], 1) < round(land[j], 1))
             for j in gemeen}
    laatst = teken[y1]
    lv = fmt_pct(land[y1])
    if laatst == 0:
        return f"{zin} en is in {y1} gelijk aan het landelijk gemiddelde ({lv})."
    kant = "boven" if laatst > 0 else "onder"
    vanaf = y1
    for j in reversed(gemeen):
        if teken[j] != laatst:
            break
        vanaf = j
    if len(gemeen) > 1 and vanaf == gemeen[0]:
        wanneer = "in de hele periode"
    elif vanaf == y1:
        wanneer = f"in {y1}"
    else:
        wanneer = f"sinds {vanaf}"
    return f"{zin} en ligt {wanneer} {kant} het landelijk gemiddelde ({lv} in {y1})."


def lezing_activiteiten(region) -> str:
    """One sentence on the activity register: how many, for which plan period, the largest
    theme(s); and how many the register does not date or dates outside the plan period."""
    act = region.activiteiten
    if act.empty:
        return geen_gegevens("activiteiten")
    n = len(act)
    plan = _planperiode(region)
    periode = _planperiode_tekst(region)
    if plan is not None:
        tijd = f" voor de planperiode {periode}"
    elif "–" in periode:
        tijd = f", gepland van {periode.replace('–', ' tot en met ')}"
    else:
        tijd = f" in {periode}" if periode else ""
    tellingen = act["thema"].value_counts()
    top = tellingen[tellingen == tellingen.max()]
    themas = [thema_label(t) for t, _ in _per_thema(act) if t in top.index]
    if len(themas) == 1:
        meeste = f"de meeste vallen onder het thema {themas[0]} ({int(top.iloc[0])})"
    else:
        meeste = f"de meeste vallen onder de thema's {opsomming(themas)} (elk {int(top.iloc[0])})"
    aantal = f"{n} activiteit" if n == 1 else f"{n} activiteiten"
    themas_n = "1 thema" if tellingen.size == 1 else f"{tellingen.size} thema's"
    tekst = f"Het activiteitenregister, overgenomen uit het plan, telt {aantal} in {themas_n}{tijd}; {meeste}."
    zonder = int((~looptijd_vermeld(act)).sum())
    if zonder:
        tekst += (f" {zonder} van de {n} {'heeft' if zonder == 1 else 'hebben'} in het plan geen eigen looptijd en "
                  "staan in het register op de hele planperiode.")
    if plan is not None:
        dated = act.dropna(subset=["start", "einde"])
        buiten = dated[(dated["start"].dt.year < plan[0]) | (dated["einde"].dt.year > plan[1])]
        if not buiten.empty:
            tekst += (f" {len(buiten)} {'loopt' if len(buiten) == 1 else 'lopen'} (deels) buiten die periode; "
                      f"samen lopen de activiteiten van {_periode(dated).replace('–', ' tot en met ')}.")
    return tekst


# --- figures (None when the region lacks the data) ---------------------------------------------

def figuur_leerlingen(region, ax: Axes | None = None) -> Axes | None:
    ll = leerlingen_regio(region)
    if ll.empty:
        return None
    soorten = ll["soorten"].iloc[0]
    wie = f"Leerlingen {soorten} in de regio" if soorten else "Leerlingen in de regio"
    from regio_analysis.report import figures as plotting

    ax = plotting.lijn_realisatie_prognose(ll, x="peiljaar", y="aantal", prognose="prognose", ax=ax)
    return bijschrift(ax, f"{wie}, {plotting.realisatie_prognose_tekst(ll, 'peiljaar')} (aantal leerlingen)")


def figuur_verzuim(region, ax: Axes | None = None) -> Axes | None:
    reeks = verzuim_reeks(region)
    if (reeks["niveau"] == "regio").sum() == 0:
        return None
    from regio_analysis.report import figures as plotting

    ax = plotting.lijn_regio_landelijk(reeks, x="jaar", y="waarde", hue="niveau", ax=ax, ylabel="Ziekteverzuim (%)")
    wie = "regio en landelijk" if (reeks["niveau"] == "landelijk").any() else "regio"
    return bijschrift(ax, f"Ziekteverzuimpercentage van het personeel, {wie}, {plotting.periode(reeks['jaar'])}")


@met_herkomst
class Hoofdstuk:
    """Chapter 00 for one region: everything ``00_overzicht.ipynb`` shows (published figures only)."""

    def __init__(self, region):
        self.region = region

    def herkomst(self) -> tuple[Herkomst, ...]:
        return (gepubliceerd_uit(self.region, *self.region.tables.values()),)

    def tabel_herkomst(self) -> pd.DataFrame:
        """The first screen: which chapter rests on which kind of figures (``data.provenance``)."""
        from regio_analysis.reporting.chapters import for_region

        return bijschrift(markeer(per_hoofdstuk(self.region, for_region(self.region.path)), berekend("uit welke tabellen de regio levert")),
                          "Hoofdstukken van het rapport en de soorten cijfers waarop ze rusten")

    def inleiding(self) -> str:
        return inleiding(self.region)

    def tabel_identiteit(self) -> pd.DataFrame:
        return bijschrift(markeer(identiteit(self.region), gepubliceerd(documenttitel(self.region))),
                          "De regio in het kort: naam, sectoren, provincies, deelnemers en planperiode")

    def tabel_kerncijfers(self) -> pd.DataFrame:
        df = kerncijfers(self.region)
        kinds = set(df["soort"])
        bijschrift(df, "Kerncijfers van de regio, elk met jaar, soort en bron")
        return markeer(df, *[h for s, h in (
            ("gepubliceerd", gepubliceerd("document en paragraaf per rij")),
            ("berekend", berekend("een som of telling van het pakket uit gepubliceerde cijfers; de kolom soort zegt welke")))
            if s in kinds]) if kinds else df

    def lezing_herkomst(self) -> str:
        """The legend of the first screen: what each kind of figure means."""
        return "\n".join(f"- **{s.value}**: {BETEKENIS[s]}." for s in Soort)

    def figuur_leerlingen(self) -> Axes | None:
        return markeer(figuur_leerlingen(self.region), gepubliceerd_uit(self.region, self.region.leerlingen))

    def lezing_leerlingen(self) -> str:
        return lezing_leerlingen(self.region)

    def figuur_verzuim(self) -> Axes | None:
        return markeer(figuur_verzuim(self.region), gepubliceerd_uit(self.region, verzuim_reeks(self.region)))

    def lezing_verzuim(self) -> str:
        return lezing_verzuim(self.region)

    def lezing_activiteiten(self) -> str:
        return lezing_activiteiten(self.region)

    def tabel_bronbestanden(self) -> pd.DataFrame:
        df = markeer(bronbestanden(self.region), berekend("vingerafdruk (SHA-256) van elk ingelezen bestand"))
        return bijschrift(df, "Ingelezen bestanden van de regio met hun vingerafdruk (SHA-256)")
