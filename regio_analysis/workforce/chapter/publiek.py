"""Chapter 01, what the region publishes: pupils, staff, age, part-time, contracts, sick leave,
shortages, satisfaction and flows.

Each topic has a table function (tidy, empty when the region lacks the data), a figure function
(``ax=``; returns the Axes, or None without data) and a ``lezing_*`` function that words what
the numbers show, or says that they are missing. A reading names the population a number is
about, its year (``jaar niet vermeld`` where the source gives none) and keeps a published range
a range. Sources are named by the document's title (:func:`bron_tekst`), never by a file name.
"""
from __future__ import annotations

import re


import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.data.region import jaar_vermeld, leesbare_bron
from regio_analysis.overview.chapter import regio_rijen, verzuim_reeks
from regio_analysis.report import figures as plotting
from regio_analysis.report.format import (ONDERWIJSTYPE_LABELS, SCHOOLSOORT_LABELS, fmt_getal, fmt_pct,
                                          geen_gegevens, opsomming)
from regio_analysis.report.tables import bijschrift
from regio_analysis.workforce import model as workforce

GROEP_LABELS = {"OP": "onderwijzend personeel", "OOP": "onderwijsondersteunend personeel",
                "DIR": "schoolleiders", "totaal": "al het personeel"}
SOORT_LABELS = SCHOOLSOORT_LABELS
#: who is counted in a ``basisgegevens`` row, by its ``categorie``
POPULATIE_LABELS = {"onderwijsregio": "de eigen telling van de regio", "totaal": "de telling van de regio",
                    "realisatie-eenheid": "de basisarbeidsmarktanalyse van de Realisatie-eenheid",
                    "centerdata": "de arbeidsmarktramingen van Centerdata"}
EIGEN_TELLING = ("onderwijsregio", "totaal")
TEKORT_COMPONENTEN = {"totaal": "totaal tekort", "zichtbaar": "zichtbaar tekort (vacatures)",
                      "verborgen": "verborgen tekort", "onvervuld": "onvervulde werkgelegenheid"}


# ------------------------------------------------------------------ sources and years


def bron_tekst(region, bron) -> str:
    """A source as a reader can find it (:func:`regio_analysis.data.region.leesbare_bron`); "" for none."""
    return leesbare_bron(region, bron) if str(bron or "").strip() and not pd.isna(bron) else ""


def _bronnen(region, values) -> str:
    return "; ".join(dict.fromkeys(t for t in (bron_tekst(region, b) for b in values) if t))


def pct_zoals_gepubliceerd(x) -> str:
    """A published percentage with the precision it was published with: ``22%``, ``27,7%``."""
    return fmt_pct(x, 0 if float(x) == int(float(x)) else 1)


def jaar_tekst(jaar) -> str:
    """A year as shown: ``"2023"``, or ``"jaar niet vermeld"`` where the source gives none."""
    if jaar is None or (not isinstance(jaar, str) and pd.isna(jaar)):
        return "jaar niet vermeld"
    return str(int(jaar))


def met_vermeld_jaar(df: pd.DataFrame, kolom: str) -> pd.DataFrame:
    """``df`` with ``kolom`` (a year) missing in the rows whose source gives no year (column
    ``jaar_vermeld`` false: the year there is a placeholder, never to be shown)."""
    if df.empty or "jaar_vermeld" not in df.columns:
        return df
    stated = df["jaar_vermeld"].map(jaar_vermeld).astype(bool)
    return df.assign(**{kolom: pd.to_numeric(df[kolom], errors="coerce").astype(float).where(stated)})


def _personeel(region, kenmerk: str) -> pd.DataFrame:
    """Rows of ``personeel`` for ``kenmerk`` in percent: of the latest stated year, or, when no
    row states a year, those without one."""
    df = region.personeel
    if df.empty:
        return df
    df = met_vermeld_jaar(df[(df["kenmerk"] == kenmerk) & (df["eenheid"] == "procent")].dropna(subset=["waarde"]),
                          "peiljaar")
    known = df.dropna(subset=["peiljaar"])
    return known[known["peiljaar"] == known["peiljaar"].max()] if not known.empty else df


def populatie_tekst(df: pd.DataFrame) -> str:
    """``" in het voortgezet onderwijs"`` when every row is about one type of education, else ``""``."""
    if "onderwijstype" not in df.columns:
        return ""
    types = {str(t) for t in df["onderwijstype"].dropna() if str(t)}
    label = ONDERWIJSTYPE_LABELS.get(types.pop()) if len(types) == 1 else None
    return f" in {label}" if label else ""


# ------------------------------------------------------------------ pupils per school type


def leerlingen_per_soort(region) -> pd.DataFrame:
    """``jaar, soort, aantal, prognose`` per school type (region level, the total left out)."""
    df = workforce.pupil_forecast(region)
    return df.assign(soort=df["soort"].map(lambda s: SOORT_LABELS.get(s, s)))


def figuur_leerlingen_per_soort(region, ax: Axes | None = None) -> Axes | None:
    df = leerlingen_per_soort(region)
    if df.empty:
        return None
    ax = plotting.lijn_realisatie_prognose(df, x="jaar", y="aantal", hue="soort", ax=ax)
    log = df["soort"].nunique() > 1 and df["aantal"].max() > 5 * df.groupby("soort")["aantal"].max().min()
    if log:
        from matplotlib.ticker import LogLocator, NullFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0)))
        ax.yaxis.set_major_formatter(plotting.nl_formatter())
        ax.yaxis.set_minor_formatter(NullFormatter())  # no "3×10⁴" labels between the Dutch ones
        ax.set_ylabel("Aantal leerlingen (log-schaal)")
    return bijschrift(ax, f"Leerlingen per schoolsoort in de regio, {plotting.realisatie_prognose_tekst(df, 'jaar')}"
                          + (" (logaritmische schaal: elke stap omhoog is een vermenigvuldiging)" if log else ""))


def lezing_leerlingen_per_soort(region) -> str:
    df = leerlingen_per_soort(region)
    if df.empty:
        return geen_gegevens("leerlingaantallen per schoolsoort")
    parts = []
    for soort, part in df.groupby("soort", sort=False):
        real = part[~part["prognose"].astype(bool)]
        a = real.iloc[-1] if not real.empty else part.iloc[0]
        b = part.iloc[-1]
        if b["jaar"] == a["jaar"]:
            continue
        change = (b["aantal"] / a["aantal"] - 1) * 100
        how = "gelijk" if round(change, 1) == 0 else f"{fmt_pct(abs(change))} {'meer' if change > 0 else 'minder'}"
        parts.append(f"{soort} {how} ({fmt_getal(a['aantal'], 0)} → {fmt_getal(b['aantal'], 0)})")
    if not parts:
        return geen_gegevens("een ontwikkeling van de leerlingaantallen")
    real = ~df["prognose"].astype(bool)
    y0 = int(df[real]["jaar"].max()) if real.any() else int(df["jaar"].min())
    text = (f"Van {y0} ({'laatste telling' if real.any() else 'eerste jaar'}) tot {int(df['jaar'].max())} "
            f"(prognose) verwacht de regio: {opsomming(parts)}.")
    return text + totaal_verschil_tekst(region)


def totaal_verschil(region) -> pd.DataFrame:
    """Years in which the published pupil total differs from the sum of the published school
    types: ``jaar, totaal, som, verschil, prognose``."""
    cols = ["jaar", "totaal", "som", "verschil", "prognose"]
    df = region.leerlingen
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df[(df["niveau"] == "regio") & (df["vestigingscode"] == "")].dropna(subset=["aantal"])
    tot = df[df["soort"] == "totaal"].groupby("peiljaar").agg(totaal=("aantal", "first"), prognose=("prognose", "first"))
    parts = workforce.pupil_forecast(region).groupby("jaar")["aantal"].sum().rename("som")
    out = tot.join(parts, how="inner")
    out["verschil"] = out["totaal"] - out["som"]
    out = out.rename_axis("jaar").reset_index()
    return out[out["verschil"].abs() > 0.5][cols].reset_index(drop=True) if not out.empty else pd.DataFrame(columns=cols)


def totaal_verschil_tekst(region) -> str:
    """A sentence on a published pupil total that is not the sum of its school types (e.g. in
    the realised years only), or ``""``."""
    diff = totaal_verschil(region)
    if diff.empty:
        return ""
    def span(part):
        years = sorted(int(j) for j in part["jaar"])
        lo, hi = part["verschil"].min(), part["verschil"].max()
        amount = fmt_getal(lo, 0) if lo == hi else f"{fmt_getal(lo, 0)} tot {fmt_getal(hi, 0)}"
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]), amount
    soorten = opsomming(leerlingen_per_soort(region)["soort"].unique())
    real = diff[~diff["prognose"].astype(bool)]
    fc = diff[diff["prognose"].astype(bool)]
    bits = []
    for part, what in ((real, "de gerealiseerde jaren"), (fc, "de prognosejaren")):
        if not part.empty:
            years, amount = span(part)
            bits.append(f"in {what} ({years}) is het gepubliceerde totaal {amount} leerlingen "
                        f"{'groter' if part['verschil'].iloc[0] > 0 else 'kleiner'} dan {soorten} samen")
    text = " Let op: " + "; ".join(bits)
    if real.empty != fc.empty:
        text += (f"; in {'de prognosejaren' if fc.empty else 'de gerealiseerde jaren'} is het precies hun som, dus een "
                 "verandering van het totaal tussen die jaren telt ook leerlingen mee die niet in de schoolsoorten staan")
    return text + "."


# ------------------------------------------------------------------ staff by function group


def personeel_naar_populatie(region) -> pd.DataFrame:
    """Published head counts per population (``categorie`` of the ``basisgegevens`` rows: the
    region's own count, the Realisatie-eenheid's, Centerdata's) and function group:
    ``populatie, functiegroep, personen, fte, aandeel, jaar, bron``. ``aandeel`` is the group's
    share of the persons *of the same population* (missing with fewer than two groups)."""
    cols = ["populatie", "functiegroep", "personen", "fte", "aandeel", "jaar", "bron", "opmerking"]
    kg = regio_rijen(region.kengetallen)
    if kg.empty:
        return pd.DataFrame(columns=cols)
    kg = kg[(kg["onderwerp"] == "basisgegevens") & kg["indicator"].isin(["personen", "formatieplaatsen"])
            & kg["functiegroep"].isin(workforce.GROEPEN)].dropna(subset=["waarde"])
    kg = met_vermeld_jaar(kg, "jaar")
    rows: dict[tuple[str, str], dict] = {}
    for _, r in kg.iterrows():
        row = rows.setdefault((r["categorie"], r["functiegroep"]), {"jaar": np.nan, "bron": [], "opmerking": []})
        row["personen" if r["indicator"] == "personen" else "fte"] = float(r["waarde"])
        if pd.notna(r["jaar"]):
            row["jaar"] = r["jaar"]
        row["bron"].append(r["bron"])
        if str(r.get("opmerking", "") or "").strip():
            row["opmerking"].append(str(r["opmerking"]).strip())
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame([{"populatie": p, "functiegroep": g, **{k: v for k, v in d.items() if k not in ("bron", "opmerking")},
                         "bron": _bronnen(region, d["bron"]), "opmerking": "; ".join(dict.fromkeys(d["opmerking"]))}
                        for (p, g), d in rows.items()])
    out = out.reindex(columns=cols)
    counted = out.groupby("populatie")["personen"].transform(lambda s: s.notna().sum())
    out["aandeel"] = np.where(counted > 1, 100 * out["personen"] / out.groupby("populatie")["personen"].transform("sum"),
                              np.nan)
    pop_order = {p: (0 if p in EIGEN_TELLING else 1, i) for i, p in enumerate(dict.fromkeys(out["populatie"]))}
    grp_order = {g: i for i, g in enumerate(workforce.GROEPEN)}
    out = out.assign(_p=out["populatie"].map(pop_order), _g=out["functiegroep"].map(grp_order))
    return out.sort_values(["_p", "_g"]).drop(columns=["_p", "_g"]).reset_index(drop=True)


def personeel_per_functiegroep(region) -> pd.DataFrame:
    """``functiegroep, personen, fte, aandeel`` of the region's own count (``aandeel``: share of
    the persons in that count)."""
    df = personeel_naar_populatie(region)
    own = df[df["populatie"].isin(EIGEN_TELLING)]
    own = own[own["populatie"] == own["populatie"].iloc[0]] if not own.empty else own
    return own[["functiegroep", "personen", "fte", "aandeel"]].reset_index(drop=True)


def functiemix(region) -> pd.DataFrame:
    """The function mix the region publishes (``functiegroep, aandeel, peiljaar, bron``), whatever
    population it is about."""
    df = regio_rijen(_personeel(region, "functiemix"))
    if df.empty:
        return pd.DataFrame(columns=["functiegroep", "aandeel", "peiljaar", "bron", "opmerking"])
    df = df.assign(opmerking=df["opmerking"].fillna("") if "opmerking" in df.columns else "")
    out = df.rename(columns={"waarde": "aandeel"})[["functiegroep", "aandeel", "peiljaar", "bron", "opmerking"]]
    order = {g: i for i, g in enumerate(workforce.GROEPEN)}
    return out.sort_values("functiegroep", key=lambda s: s.map(order)).reset_index(drop=True)


def mix_vergelijking(region) -> pd.DataFrame:
    """Which counted population the published function mix fits: per population with persons of
    OP and OOP, ``populatie, op, oop, verhouding`` (OP / OOP) and ``past`` (within the range the
    mix's rounding allows); one row ``populatie == "functiemix"`` holds the mix's own ratio."""
    cols = ["populatie", "op", "oop", "verhouding", "past"]
    mix = functiemix(region).set_index("functiegroep")["aandeel"]
    if not {"OP", "OOP"} <= set(mix.index) or mix["OOP"] <= 0:
        return pd.DataFrame(columns=cols)
    a, b = float(mix["OP"]), float(mix["OOP"])
    half = 0.5 if a == int(a) and b == int(b) else 0.05  # published rounding
    lo, hi = (a - half) / (b + half), (a + half) / (b - half)
    rows = [("functiemix", a, b, a / b, True)]
    counts = personeel_naar_populatie(region)
    for pop, part in counts.groupby("populatie", sort=False):
        p = part.set_index("functiegroep")["personen"]
        if pd.notna(p.get("OP")) and pd.notna(p.get("OOP")) and p["OOP"] > 0:
            ratio = float(p["OP"] / p["OOP"])
            rows.append((pop, float(p["OP"]), float(p["OOP"]), ratio, lo <= ratio <= hi))
    return pd.DataFrame(rows, columns=cols)


def tabel_personeel(region) -> pd.DataFrame:
    """Every published count and the function mix, each with the population it is about."""
    from regio_analysis.report.format import Kolom, kolommen

    counts = personeel_naar_populatie(region)
    mix = functiemix(region)
    rows = [(POPULATIE_LABELS.get(r["populatie"], r["populatie"]), GROEP_LABELS.get(r["functiegroep"], r["functiegroep"]),
             r["personen"], r["fte"], r["aandeel"], "–" if pd.isna(r["jaar"]) else jaar_tekst(r["jaar"]), r["bron"],
             r["opmerking"]) for _, r in counts.iterrows()]
    rows += [("functieverdeling zoals het plan die noemt", GROEP_LABELS.get(r["functiegroep"], r["functiegroep"]),
              np.nan, np.nan, r["aandeel"], jaar_tekst(r["peiljaar"]), bron_tekst(region, r["bron"]), r["opmerking"])
             for _, r in mix.iterrows()]
    out = pd.DataFrame(rows, columns=["telling", "functiegroep", "personen", "fte", "aandeel", "jaar", "bron", "opmerking"])
    return kolommen(out, personen=Kolom("aantal"), fte=Kolom("aantal"), jaar=Kolom("tekst"),
                    aandeel=Kolom("pct", 0, naam="aandeel binnen de telling"))


def figuur_personeel(region, ax: Axes | None = None) -> Axes | None:
    """Persons per function group of the region's own count, else the published function mix; a
    single group is a number for the reading, not a figure (None)."""
    df = personeel_per_functiegroep(region)
    kleur = {GROEP_LABELS.get(g, g): plotting.groepskleur(g) for g in GROEP_LABELS}
    if df["personen"].notna().sum() > 1:
        df = df.dropna(subset=["personen"]).assign(groep=lambda d: d["functiegroep"].map(GROEP_LABELS))
        counts = personeel_naar_populatie(region)
        years = opsomming(sorted({jaar_tekst(j) for j in counts.loc[counts["populatie"].isin(EIGEN_TELLING), "jaar"]
                                  if pd.notna(j)}))
        ax = plotting.staaf(df, x="personen", y="groep", ax=ax, pct=False, xlabel="Personen", kleur=kleur)
        return bijschrift(ax, "Personeel per functiegroep volgens de eigen telling van de regio"
                              + (f" ({years})" if years else "") + ", aantal personen")
    mix = functiemix(region)
    if len(mix) < 2:
        return None
    mix = mix.assign(groep=mix["functiegroep"].map(lambda g: GROEP_LABELS.get(g, g)))
    ax = plotting.staaf(mix, x="aandeel", y="groep", ax=ax, pct=True, xlabel="Aandeel (%)", kleur=kleur)
    return bijschrift(ax, f"Functieverdeling van het personeel zoals het plan die noemt "
                          f"({jaar_tekst(mix['peiljaar'].iloc[0])}), aandeel per functiegroep (%)")


def lezing_personeel(region) -> str:
    own = personeel_per_functiegroep(region)
    mix = functiemix(region)
    if own.empty and mix.empty:
        return geen_gegevens("personeel per functiegroep")
    sentences = []
    if not own.empty:
        counts = personeel_naar_populatie(region)
        pop = counts[counts["populatie"].isin(EIGEN_TELLING)]
        years = {jaar_tekst(j) for j in pop["jaar"] if pd.notna(j)}
        when = f" ({opsomming(sorted(years))})" if years else ""
        bits = []
        for _, r in own.iterrows():
            amount = opsomming([t for t in (f"{fmt_getal(r['personen'], 0)} personen" if pd.notna(r["personen"]) else "",
                                             f"{fmt_getal(r['fte'], 0)} fte" if pd.notna(r["fte"]) else "") if t])
            share = f" ({fmt_pct(r['aandeel'], 0)})" if pd.notna(r["aandeel"]) else ""
            bits.append(f"{GROEP_LABELS.get(r['functiegroep'], r['functiegroep'])} {amount}{share}")
        text = f"Volgens de eigen telling van de regio{when}: {opsomming(bits)}"
        persons = own["personen"].dropna()
        if own["aandeel"].notna().any():
            text += f"; de aandelen zijn berekend op de {fmt_getal(persons.sum(), 0)} personen in deze telling"
        absent = [GROEP_LABELS[g] for g in workforce.GROEPEN if g not in set(own.dropna(subset=["personen"])["functiegroep"])]
        if absent and not persons.empty:
            text += f" ({opsomming(absent)}: niet in deze telling)"
        both = own.dropna(subset=["personen", "fte"])
        if not both.empty:
            who = opsomming([GROEP_LABELS[g] for g in both["functiegroep"]])
            text += f"; gemiddeld {fmt_getal(both['fte'].sum() / both['personen'].sum(), 2)} fte per persoon ({who})"
        sentences.append(text + ".")
    if not mix.empty:
        shares = opsomming([f"{fmt_pct(r['aandeel'], 0)} {GROEP_LABELS.get(r['functiegroep'], r['functiegroep'])}"
                            for _, r in mix.iterrows()])
        text = (f"Het plan noemt ook een functieverdeling: {shares} ({jaar_tekst(mix['peiljaar'].iloc[0])}; "
                f"{_bronnen(region, mix['bron'])})")
        cmp = mix_vergelijking(region)
        if not cmp.empty:
            m = cmp.iloc[0]
            ratio = lambda r: f"{fmt_getal(r['op'], 0)} : {fmt_getal(r['oop'], 0)} = {fmt_getal(r['verhouding'], 2)}"
            mine = cmp[cmp["populatie"].isin(EIGEN_TELLING)]
            fits = cmp[(cmp["populatie"] != "functiemix") & cmp["past"] & ~cmp["populatie"].isin(EIGEN_TELLING)]
            text += (f". De verhouding onderwijzend : onderwijsondersteunend is daarin "
                     f"{fmt_getal(m['op'], 0)} : {fmt_getal(m['oop'], 0)} = {fmt_getal(m['verhouding'], 2)}")
            if not mine.empty and not bool(mine["past"].iloc[0]):
                text += (f"; in de eigen telling is dat {ratio(mine.iloc[0])}, dus de verdeling gaat over een andere "
                         "populatie")
            elif not mine.empty:
                text += f"; dat past bij de eigen telling ({ratio(mine.iloc[0])})"
            if not fits.empty:
                text += ": ze past bij " + opsomming(
                    [f"{POPULATIE_LABELS.get(r['populatie'], r['populatie'])} ({ratio(r)} personen)"
                     for _, r in fits.iterrows()])
            elif not mine.empty and not bool(mine["past"].iloc[0]):
                text += ", die het plan niet noemt"
        sentences.append(text + ".")
    return " ".join(sentences)


# ------------------------------------------------------------------ age, part-time, contracts


def leeftijd_55plus(region) -> pd.DataFrame:
    """``niveau, waarde, peiljaar, populatie, bron``: share of staff aged 55+ (region, provinces,
    nation where published; else, from the region's own employment spells, in fte on the last
    observed day). ``peiljaar`` is missing where the source gives no year."""
    cols = ["niveau", "waarde", "peiljaar", "populatie", "bron"]
    df = _personeel(region, "leeftijd")
    if df.empty and region.has("dienstverbanden") and "dienstverbanden" not in region.synthetisch:
        spells = region.dienstverbanden
        end = pd.to_datetime(spells["observatie_einde"]).min()
        ages = workforce.ages_from_spells(spells, end)
        share = 100 * ages.loc[ages["leeftijd"] >= 55, "fte"].sum() / ages["fte"].sum()
        return pd.DataFrame({"niveau": ["regio"], "waarde": [round(share, 1)], "peiljaar": [end.year],
                             "populatie": [""], "bron": ["eigen dienstverbanden van de regio, in fte"]})
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df[(df["categorie"] == "55+") & (df["functiegroep"] == "totaal")]
    out = df.assign(populatie=populatie_tekst(df), bron=df["bron"].map(lambda b: bron_tekst(region, b)))
    return out[cols].drop_duplicates("niveau").reset_index(drop=True)


def andere_vermeldingen_55plus(region) -> pd.DataFrame:
    """Other places where the plan states the share of older staff (``kengetallen`` indicators
    ``aandeel_ouder_dan_55…``): ``waarde, jaar, bron``."""
    kg = regio_rijen(region.kengetallen)
    if kg.empty:
        return pd.DataFrame(columns=["waarde", "jaar", "bron"])
    rows = kg[kg["indicator"].astype(str).str.startswith("aandeel_ouder_dan_55")].dropna(subset=["waarde"])
    return rows.assign(bron=rows["bron"].map(lambda b: bron_tekst(region, b)))[["waarde", "jaar", "bron"]]


def figuur_leeftijd(region, ax: Axes | None = None) -> Axes | None:
    """The share aged 55+ of the region beside the provinces and the nation; the region's share
    alone is a number for the reading (None)."""
    df = leeftijd_55plus(region)
    if len(df) < 2 or df["waarde"].nunique() == 1:  # one share for every area is a sentence (the reading)
        return None
    df = df.assign(label=df["niveau"].map(plotting.niveau_label))
    ax = plotting.staaf(df, x="waarde", y="label", ax=ax,
                        kleur={lab: plotting.groepskleur(n) for n, lab in zip(df["niveau"], df["label"])})
    return bijschrift(ax, f"Aandeel van het personeel{df['populatie'].iloc[0]} dat 55 jaar of ouder is, per gebied "
                          f"({jaar_tekst(df['peiljaar'].iloc[0])})")


def lezing_leeftijd(region) -> str:
    df = leeftijd_55plus(region)
    regio = df[df["niveau"] == "regio"]
    if regio.empty:
        return geen_gegevens("de leeftijdsopbouw van het personeel")
    r = regio.iloc[0]
    v, who = r["waarde"], f"van het personeel{r['populatie']}"
    shown = fmt_pct(v) if str(r["bron"]).startswith("eigen dienstverbanden") else pct_zoals_gepubliceerd(v)
    if pd.notna(r["peiljaar"]):
        text = f"In {int(r['peiljaar'])} was {shown} {who} 55 jaar of ouder"
    else:
        text = f"{shown} {who} is 55 jaar of ouder (jaar niet vermeld)"
    text += f": ongeveer {fmt_getal(round(v / 10), 0)} op de tien medewerkers kan binnen ruim tien jaar met pensioen"
    gebieden = df[~df["niveau"].isin(["regio", "landelijk"])]
    if len(gebieden) > 1 and (gebieden["waarde"] == v).all():
        soort = {str(n).partition(":")[0] for n in gebieden["niveau"]}
        if soort == {"provincie"}:
            namen = opsomming(sorted(str(n).partition(":")[2] for n in gebieden["niveau"]))
            text += f"; volgens het plan is dat zo in elk van de provincies {namen}"
        else:
            namen = opsomming([plotting.niveau_label(n).lower() for n in gebieden["niveau"]])
            text += f"; volgens het plan is dat zo in elk gebied ({namen})"
    land = df[df["niveau"] == "landelijk"]
    if not land.empty:
        w = land["waarde"].iloc[0]
        text += f"; landelijk is dat {pct_zoals_gepubliceerd(w)}" + (", dus de regio is ouder" if v > w else ", dus de regio is jonger" if v < w else "")
    other = andere_vermeldingen_55plus(region)
    other = other[(other["waarde"] - v).abs() >= 0.05]
    if not other.empty:
        o = other.iloc[0]
        text += (f". Elders noemt het plan ongeveer {fmt_pct(o['waarde'], 0)} ouder dan 55 jaar ({o['bron']}); "
                 f"het plan verklaart het verschil met {shown} niet")
    return text + "."


def deeltijd(region) -> pd.DataFrame:
    """Part-time classes and the average working week: ``kenmerk, categorie, waarde, eenheid, peiljaar``."""
    cols = ["kenmerk", "categorie", "waarde", "eenheid", "peiljaar"]
    df = region.personeel
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = regio_rijen(df[df["kenmerk"].isin(["deeltijd", "werkweek", "deeltijdfactor"])]).dropna(subset=["waarde"])
    df = met_vermeld_jaar(df, "peiljaar")
    return df[cols].drop_duplicates(["kenmerk", "categorie"]).reset_index(drop=True)


def figuur_deeltijd(region, ax: Axes | None = None) -> Axes | None:
    """Staff per class of working week, fewest hours first. None for one class alone, and for
    shares taken from different places of the plan: drawn side by side they read as one split,
    which they are not (a share from one section and a rounded complement from another sum to
    more than 100 %)."""
    df = deeltijd(region)
    df = df[(df["kenmerk"] == "deeltijd") & (df["eenheid"] == "procent")]
    rows = regio_rijen(region.personeel)
    bronnen = rows.loc[(rows["kenmerk"] == "deeltijd") & (rows["eenheid"] == "procent"), "bron"].nunique()
    if len(df) < 2 or bronnen > 1:
        return None
    df = df.sort_values("categorie", key=lambda s: s.map(_duur_ondergrens), kind="stable")
    ax = plotting.staaf(df, x="waarde", y="categorie", ax=ax, ylabel="Uren per week")
    years = opsomming(sorted({jaar_tekst(j) for j in df["peiljaar"]}))
    return bijschrift(ax, f"Personeel naar omvang van de werkweek ({years}), aandeel (%)")


def lezing_deeltijd(region) -> str:
    df = deeltijd(region)
    if df.empty:
        return geen_gegevens("deeltijd en werkweek")
    parts = []
    week = df[(df["kenmerk"] == "werkweek") & (df["eenheid"] == "uren")]
    if not week.empty:
        h = week["waarde"].iloc[0]
        parts.append(f"een medewerker werkt gemiddeld {fmt_getal(h, 0)} uur per week ({fmt_getal(h / 40, 2)} fte bij 40 uur)")
    pt = df[(df["kenmerk"] == "deeltijd") & (df["eenheid"] == "procent")]
    if not pt.empty:
        top = pt.loc[pt["waarde"].idxmax()]
        parts.append(f"de grootste groep werkt {top['categorie']} ({fmt_pct(top['waarde'])})")
    if not parts:
        return geen_gegevens("deeltijd en werkweek")
    rows = regio_rijen(region.personeel)
    rows = rows[rows["kenmerk"].isin(["deeltijd", "werkweek", "deeltijdfactor"])]
    years = opsomming(sorted({jaar_tekst(j) for j in df["peiljaar"]}))
    return f"In de regio{populatie_tekst(rows)} ({years}): " + "; ".join(parts) + "."


def _duur_ondergrens(categorie: str) -> float:
    """The lower bound in years of a duration class ("korter dan 1 jaar" 0, "2 t/m 4 jaar" 2): their order."""
    if re.match(r"\s*(korter|minder|<)", str(categorie)):
        return 0.0
    m = re.search(r"\d+", str(categorie))
    return float(m.group()) if m else float("inf")


def contractduur(region) -> pd.DataFrame:
    """The contract-duration classes of the region, shortest first."""
    df = _personeel(region, "contractduur")
    if df.empty:
        return pd.DataFrame(columns=["categorie", "waarde", "peiljaar"])
    df = regio_rijen(df)[["categorie", "waarde", "peiljaar"]]
    return df.sort_values("categorie", key=lambda s: s.map(_duur_ondergrens), kind="stable").reset_index(drop=True)


def figuur_contractduur(region, ax: Axes | None = None) -> Axes | None:
    """Staff per duration of employment, shortest first; one class alone: None."""
    df = contractduur(region)
    if len(df) < 2:
        return None
    ax = plotting.staaf(df, x="categorie", y="waarde", ax=ax, xlabel="Duur van het dienstverband")
    return bijschrift(ax, f"Personeel naar duur van het dienstverband ({jaar_tekst(df['peiljaar'].iloc[0])}), "
                          "aandeel (%)")


def lezing_contractduur(region) -> str:
    df = contractduur(region)
    if df.empty:
        return geen_gegevens("de duur van dienstverbanden")
    short = df[df["categorie"].str.contains(r"korter dan 1|^1 jaar|^< ?1", regex=True)]
    top = df.loc[df["waarde"].idxmax()]
    when = jaar_tekst(df["peiljaar"].iloc[0])
    text = f"In {when} had de grootste groep een dienstverband van {top['categorie']} ({fmt_pct(top['waarde'])})" \
        if pd.notna(df["peiljaar"].iloc[0]) else \
        f"De grootste groep heeft een dienstverband van {top['categorie']} ({fmt_pct(top['waarde'])}; {when})"
    if not short.empty:
        text += (f"; {fmt_pct(short['waarde'].sum())} is korter dan twee jaar in dienst, "
                 "een groep die bij vertrek vroeg verloren gaat")
    return text + "."


# ------------------------------------------------------------------ sick leave against the nation


def verzuim_verschil(region) -> pd.DataFrame:
    """``jaar, regio, landelijk, verschil`` (percentage points, region minus nation)."""
    reeks = verzuim_reeks(region)
    if reeks.empty:
        return pd.DataFrame(columns=["jaar", "regio", "landelijk", "verschil"])
    wide = reeks.pivot_table(index="jaar", columns="niveau", values="waarde", aggfunc="first")
    if not {"regio", "landelijk"} <= set(wide.columns):
        return pd.DataFrame(columns=["jaar", "regio", "landelijk", "verschil"])
    wide = wide.dropna(subset=["regio", "landelijk"])
    wide["verschil"] = (wide["regio"] - wide["landelijk"]).round(2)
    return wide[["regio", "landelijk", "verschil"]].reset_index()


def figuur_verzuim_verschil(region, ax: Axes | None = None) -> Axes | None:
    """Sick leave of the region minus the nation per year (bars from zero); one year alone: None."""
    df = verzuim_verschil(region)
    if len(df) < 2:
        return None
    ax = plotting._new_ax(ax)
    colours = [plotting.PALETTE[3] if v > 0 else plotting.PALETTE[2] for v in df["verschil"]]
    bars = ax.bar(df["jaar"].astype(int), df["verschil"], color=colours)
    ax.bar_label(bars, labels=[fmt_getal(v, 1) for v in df["verschil"]], padding=2, fontsize="small")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.margins(y=0.15)
    ax.set(xlabel="Jaar", ylabel="Verschil (procentpunt)")
    ax.yaxis.set_major_formatter(plotting.nl_formatter())
    ax.grid(axis="x", visible=False)
    plotting._year_axis(ax)
    return bijschrift(ax, f"Ziekteverzuim van de regio min het landelijk ziekteverzuim, {plotting.periode(df['jaar'])}"
                          " (procentpunt; boven nul: de regio verzuimt meer)")


def lezing_verzuim_verschil(region) -> str:
    df = verzuim_verschil(region)
    if df.empty:
        return geen_gegevens("ziekteverzuim van regio en land samen")
    above = df[df["verschil"] > 0]["jaar"].astype(int).tolist()
    first, last = df.iloc[0], df.iloc[-1]
    if len(df) == 1:
        richting = "boven" if first["verschil"] > 0 else "onder" if first["verschil"] < 0 else "gelijk aan"
        afstand = f"{fmt_getal(abs(first['verschil']), 1)} procentpunt " if first["verschil"] != 0 else ""
        return f"In {int(first['jaar'])} lag het verzuim in de regio {afstand}{richting} het landelijk verzuim."
    text = (f"Het verschil met het landelijk verzuim ging van {fmt_getal(first['verschil'], 1)} procentpunt "
            f"({int(first['jaar'])}) naar {fmt_getal(last['verschil'], 1)} ({int(last['jaar'])})")
    if above:
        text += f"; boven landelijk in {opsomming([str(j) for j in above])}"
    else:
        text += "; de regio zat elk jaar op of onder het landelijk verzuim"
    return text + "."
