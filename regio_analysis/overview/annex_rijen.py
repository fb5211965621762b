"""The annex (chapter 06) row by row: every row of every table a region publishes, as one row of a
numeric table.

Each row says what it is (a Dutch label built from the row's columns), its value in its unit with
the decimals it was published with, its year (``jaar niet vermeld`` where the source gives none,
also where the data hold a placeholder year), its source in words (document and section, never a
file name) and the note made when it was transcribed. A published range (two rows ``ondergrens`` /
``bovengrens``, ``min`` / ``max``, or a lower bound alone) stays a range: every bound keeps its own
row and the column ``bandbreedte`` shows the whole range on each. The chapter (:mod:`.annex`) adds
where else in the report a row is shown. Nothing here reads files.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from regio_analysis.data.region import jaar_vermeld, leesbare_bron
from regio_analysis.qualitative.plans import looptijd_vermeld
from regio_analysis.report.figures import niveau_label
from regio_analysis.report.format import (EENHEID_SOORT, ONDERWIJSTYPE_LABELS, Kolom, ZoalsGepubliceerd, fmt_getal,
                                          kolommen, opsomming, studiejaar, thema_label)

#: the region's published tables the annex shows, in the order of the annex
TABELLEN = ("leerlingen", "personeel", "stromen", "verzuim", "tekort", "raming", "kengetallen", "begroting",
            "samen_opleiden", "partnerschappen", "activiteiten")
#: each table in words
TABEL_NAMEN = {
    "leerlingen": "leerlingaantallen", "personeel": "kenmerken van het personeel", "stromen": "in- en uitstroom",
    "verzuim": "ziekteverzuim", "tekort": "tekorten", "raming": "de raming van het plan",
    "kengetallen": "overige kengetallen", "begroting": "de begroting", "samen_opleiden": "studenten per lerarenopleiding",
    "partnerschappen": "partnerschappen en samenwerkingsverbanden", "activiteiten": "het activiteitenregister",
}
JAAR_NIET_VERMELD = "jaar niet vermeld"
LOOPTIJD_NIET_VERMELD = "looptijd niet vermeld"
NIET_VERMELD = "niet vermeld"

GROEPEN = {"OP": "onderwijzend personeel", "OOP": "onderwijsondersteunend personeel", "DIR": "schoolleiders",
           "totaal": "al het personeel"}
SOORTEN = {"bao": "basisonderwijs", "sbo": "speciaal basisonderwijs", "so": "speciaal onderwijs",
           "vso": "voortgezet speciaal onderwijs", "so_vso": "(voortgezet) speciaal onderwijs",
           "po": "primair onderwijs", "vo": "voortgezet onderwijs", "mbo": "mbo", "totaal": "totaal"}
KENMERKEN = {"leeftijd": "leeftijd", "contractduur": "duur van het dienstverband", "deeltijd": "werkweek",
             "werkweek": "werkweek", "deeltijdfactor": "deeltijdfactor", "opleidingsniveau": "opleidingsniveau",
             "werkervaring": "werkervaring", "functiemix": "aandeel in de functiemix", "herkomst": "herkomst",
             "bestemming": "bestemming"}
COMPONENTEN = {"totaal": "totaal tekort", "zichtbaar": "zichtbaar tekort (vacatures)", "verborgen": "verborgen tekort",
               "onvervuld": "onvervulde werkgelegenheid"}
RAMING = {"benodigd_fte": "vraag", "voorraad_fte": "aanbod", "instroom_fte": "instroom", "uitstroom_fte": "uitstroom",
          "pensioen_fte": "pensioen", "tekort_fte": "overschot of tekort (het plan geeft geen teken: instroom min uitstroom zegt welk)",
          "onvervuld_fte": "onvervulde werkgelegenheid", "te_vervullen_fte": "te vervullen",
          "te_vervullen_personen": "te vervullen in personen",
          "gemiddelde_fte_per_persoon": "gemiddelde omvang van een baan (fte per persoon)",
          "onvervuld_fte_groei_tov_2024": "groei van de onvervulde werkgelegenheid ten opzichte van 2024",
          "uitstroom_pensioen_aandeel_10jaar": "uitstroom door pensioen in tien jaar (aandeel van het personeel)"}
#: who is counted, by a ``kengetallen`` row's ``categorie`` (a count of another source or region division)
POPULATIES = {"onderwijsregio": "eigen telling van de regio",
              "realisatie-eenheid": "basisarbeidsmarktanalyse van de Realisatie-eenheid",
              "centerdata": "arbeidsmarktramingen van Centerdata"}
#: the bound a row holds (``categorie`` of kengetallen, ``scenario`` of tekort and raming), in words
GRENZEN = {"ondergrens": "ondergrens", "bovengrens": "bovengrens", "min": "minimum", "max": "maximum"}
_ONDER, _BOVEN = ("ondergrens", "min"), ("bovengrens", "max")
#: words of indicator names written as Dutch spells them
_WOORDEN = {"bbp": "bbp", "nederland": "Nederland", "vo": "vo", "mbo": "mbo", "hr": "hr", "ask": "ASK", "spp": "SPP",
            "tov": "ten opzichte van", "orientatie": "oriëntatie", "orientatietraining": "oriëntatietraining",
            "regios": "regio's", "onderwijsregios": "onderwijsregio's", "co": "co", "napl": "NAPL"}
_UITDRUKKINGEN = {"zij instromers": "zij-instromers", "co creatielabs": "co-creatielabs", "meet greet": "Meet & Greet",
                  "co teach": "co-teach", "hr netwerk": "hr-netwerk"}
_MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
            "november", "december")


#: the value column: as published (up to two decimals), in its row's unit
WAARDE = ZoalsGepubliceerd(eenheid="eenheid", leeg="niet gepubliceerd")


# ------------------------------------------------------------------ small helpers


def leeg(x) -> bool:
    return x is None or (not isinstance(x, str) and bool(pd.isna(x)))


def tekst(x) -> str:
    return "" if leeg(x) else str(x).strip()


def jaar_tekst(jaar, vermeld=True) -> str:
    """``"2024"``, or :data:`JAAR_NIET_VERMELD` when there is no year or the source gives none."""
    return JAAR_NIET_VERMELD if leeg(jaar) or not jaar_vermeld(vermeld) else str(int(jaar))


def woorden(code: str) -> str:
    """An identifier as Dutch words: ``aandeel_bbp_nederland -> aandeel bbp Nederland``,
    ``vacaturevervulling_min -> vacaturevervulling, minimaal``."""
    code = str(code)
    grens = next((g for g in ("min", "max") if code.endswith(f"_{g}")), "")
    stam = code[: -len(grens) - 1] if grens else code
    text = " ".join(_WOORDEN.get(w.lower(), w) for w in stam.replace("_", " ").split())
    for los, vast in _UITDRUKKINGEN.items():
        text = text.replace(los, vast)
    return text + (f", {'minimaal' if grens == 'min' else 'maximaal'}" if grens else "")


def _met(tekst_: str, *tussen_haakjes: str) -> str:
    """``tekst_`` with what qualifies it in one pair of brackets: ``"X (provincie Drenthe; prognose)"``."""
    extra = [t for t in tussen_haakjes if t]
    return f"{tekst_} ({'; '.join(extra)})" if extra else tekst_


def hoofdletter(text: str) -> str:
    return text[:1].upper() + text[1:]


def groep(code) -> str:
    return GROEPEN.get(str(code), str(code))


def niveau_tekst(niveau) -> str:
    """``landelijk``, ``provincie Drenthe``, ``regio``."""
    label = niveau_label(tekst(niveau) or "regio")
    return label[:1].lower() + label[1:]


def waar(niveau) -> str:
    """``provincie Drenthe``, ``landelijk``; ``""`` for the region itself."""
    return "" if tekst(niveau) in ("", "regio") else niveau_tekst(niveau)


def decimalen(x) -> int:
    """The decimals ``x`` was written with (``27.7 -> 1``, ``21.0 -> 0``)."""
    return max(0, -Decimal(repr(float(x))).normalize().as_tuple().exponent)


def met_eenheid(x, eenheid) -> str:
    """One value with its unit, as the annex's value column shows it."""
    return WAARDE.per_eenheid(eenheid).waarde(x)


def bandbreedte_tekst(lo, hi, eenheid, opmerking: str = "") -> str:
    """A range as published: ``"ca. 5–8%"``, ``"6–10"``, ``"ten minste 50%"``, ``"hoogstens 20"``."""
    circa = "ca. " if "circa" in opmerking.lower() else ""
    if leeg(lo) and leeg(hi):
        return ""
    if leeg(hi):
        return f"{circa}ten minste {met_eenheid(lo, eenheid)}"
    if leeg(lo):
        return f"{circa}hoogstens {met_eenheid(hi, eenheid)}"
    _soort, _dec, achter = EENHEID_SOORT.get(str(eenheid), ("getal", None, f" {eenheid}"))
    if achter == "€":
        return f"{circa}€ {fmt_getal(lo)}–{fmt_getal(hi)}"
    achter = "%" if eenheid == "procent" else achter
    return f"{circa}{fmt_getal(lo)}–{fmt_getal(hi)}{achter}"


def _bandbreedtes(df: pd.DataFrame, grens: str, rest: list[str]) -> pd.Series:
    """Per row of ``df``: the whole range it is a bound of (column ``grens`` says which bound), over
    the rows with the same ``rest``; ``""`` for a row that is no bound."""
    out = pd.Series("", index=df.index, dtype=object)
    bounds = df[df[grens].isin(GRENZEN)]
    if bounds.empty:
        return out
    key = bounds[rest].astype(str).agg("|".join, axis=1)
    for _, part in bounds.groupby(key, sort=False):
        lo = part.loc[part[grens].isin(_ONDER), "waarde"]
        hi = part.loc[part[grens].isin(_BOVEN), "waarde"]
        notes = " ".join(tekst(n) for n in part.get("opmerking", pd.Series(dtype=object)))
        out[part.index] = bandbreedte_tekst(lo.iloc[0] if not lo.empty else None, hi.iloc[0] if not hi.empty else None,
                                            part["eenheid"].iloc[0], notes)
    return out


def _prognose(flag) -> str:
    return "prognose" if not leeg(flag) and bool(flag) else ""


def _opmerking(df: pd.DataFrame, extra: pd.Series | None = None) -> pd.Series:
    notes = df["opmerking"].map(tekst) if "opmerking" in df.columns else pd.Series("", index=df.index)
    if "onderdrukt" in df.columns:
        hidden = df["onderdrukt"].astype(bool)
        notes = notes.where(~hidden, ("onderdrukt in de bron; " + notes).str.rstrip("; "))
    if extra is not None:
        notes = (notes + "; " + extra).str.strip("; ")
    return notes


def _vermeld(df: pd.DataFrame) -> pd.Series:
    return df["jaar_vermeld"] if "jaar_vermeld" in df.columns else pd.Series(True, index=df.index)


def _tabel(region, df: pd.DataFrame, wat, jaar, bandbreedte=None, opmerking=None, eenheid=None, waarde=None,
           onderwerp=None) -> pd.DataFrame:
    """The annex's numeric table: one row per row of ``df``, in its order."""
    cols = {}
    if onderwerp is not None:
        cols["onderwerp"] = list(onderwerp)
    cols.update({
        "wat": list(wat),
        "waarde": list(df["waarde"] if waarde is None else waarde),
        "eenheid": list(df["eenheid"] if eenheid is None else eenheid),
        "bandbreedte": list(bandbreedte) if bandbreedte is not None else [""] * len(df),
        "jaar": list(jaar),
        "bron": [leesbare_bron(region, b) for b in df["bron"]],
    })
    if opmerking is not None:
        cols["opmerking"] = list(opmerking)
    out = pd.DataFrame(cols, index=df.index)
    out["waarde"] = pd.to_numeric(out["waarde"], errors="coerce").astype(float)
    return kolommen(out, waarde=WAARDE, bandbreedte=Kolom("tekst", leeg=""), jaar=Kolom("tekst"))


# ------------------------------------------------------------------ one function per table


def leerlingen(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        soort = "totaal" if r["soort"] == "totaal" else SOORTEN.get(r["soort"], r["soort"])
        vest = f", vestiging {r['vestigingscode']}" if tekst(r["vestigingscode"]) else ""
        return _met(f"Leerlingen {soort}{vest}", waar(r["niveau"]), _prognose(r["prognose"]))

    return _tabel(region, df, df.apply(wat, axis=1), df["peiljaar"].map(jaar_tekst),
                  waarde=df["aantal"], eenheid=["aantal"] * len(df), opmerking=_opmerking(df))


def personeel(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        kenmerk = KENMERKEN.get(r["kenmerk"], woorden(r["kenmerk"]))
        cat = tekst(r["categorie"])
        detail = "" if r["kenmerk"] == "totaal" else f", {kenmerk}" + ("" if cat in ("", "totaal") else f" {cat}")
        return _met(f"{hoofdletter(groep(r['functiegroep']))}{detail}", tekst(r.get("onderwijstype")), waar(r["niveau"]))

    jaar = [jaar_tekst(j, v) for j, v in zip(df["peiljaar"], _vermeld(df))]
    return _tabel(region, df, df.apply(wat, axis=1), jaar, opmerking=_opmerking(df))


def stromen(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        richting = "Instroom" if r["richting"] == "in" else "Uitstroom"
        detail = "" if r["kenmerk"] == "totaal" else \
            f", {KENMERKEN.get(r['kenmerk'], woorden(r['kenmerk']))}: {tekst(r['categorie'])}"
        return _met(f"{richting} {groep(r['functiegroep'])}{detail}", waar(r["niveau"]), _prognose(r["prognose"]))

    jaar = [jaar_tekst(j, v) for j, v in zip(df["jaar"], _vermeld(df))]
    return _tabel(region, df, df.apply(wat, axis=1), jaar, opmerking=_opmerking(df) if "opmerking" in df else None)


def verzuim(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        return f"{hoofdletter(woorden(r['indicator']))} {groep(r['functiegroep'])} ({niveau_tekst(r['niveau'])})"

    jaar = [jaar_tekst(j, v) for j, v in zip(df["jaar"], _vermeld(df))]
    return _tabel(region, df, df.apply(wat, axis=1), jaar)


def _scenario(s) -> str:
    s = tekst(s)
    return "" if s in ("", "gepubliceerd") else GRENZEN.get(s, f"scenario {woorden(s)}")


def tekort(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        comp = COMPONENTEN.get(r["component"], woorden(r["component"]))
        return _met(f"{hoofdletter(comp)}, {groep(r['functiegroep'])}", waar(r["niveau"]), _prognose(r["prognose"]),
                    _scenario(r["scenario"]))

    jaar = [jaar_tekst(j, v) for j, v in zip(df["jaar"], _vermeld(df))]
    band = _bandbreedtes(df, "scenario", ["jaar", "functiegroep", "component", "niveau", "eenheid", "prognose"])
    return _tabel(region, df, df.apply(wat, axis=1), jaar, band, _opmerking(df))


def raming(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        ind = RAMING.get(r["indicator"], woorden(r["indicator"]))
        soort = tekst(r.get("onderwijstype"))  # the population a plan names: "al het personeel in het voortgezet onderwijs"
        wie = groep(r["functiegroep"]) + (f" in {ONDERWIJSTYPE_LABELS.get(soort, soort)}" if soort else "")
        return _met(f"Raming: {ind}, {wie}", _scenario(r["scenario"]))

    band = _bandbreedtes(df, "scenario", ["jaar", "functiegroep", "indicator", "eenheid"])
    jaar = [jaar_tekst(j, v) for j, v in zip(df["jaar"], _vermeld(df))]
    return _tabel(region, df, df.apply(wat, axis=1), jaar, band,
                  _opmerking(df) if "opmerking" in df else None)


def kengetal_label(r, *, populatie: bool = True) -> str:
    """A ``kengetallen`` row in words; without the population (source or region division) of a
    count when ``populatie`` is False."""
    cat = tekst(r["categorie"])
    label = hoofdletter(woorden(r["indicator"]))
    if r["functiegroep"] != "totaal":
        label += f", {groep(r['functiegroep'])}"
    if cat in POPULATIES and populatie:
        label += f", volgens de {POPULATIES[cat]}"
    soort = "" if cat in POPULATIES or cat in ("", "totaal") else GRENZEN.get(cat) or SOORTEN.get(cat) or cat
    return _met(label, soort, waar(r["niveau"]))


def kengetallen(region, df: pd.DataFrame) -> pd.DataFrame:
    band = _bandbreedtes(df, "categorie", ["onderwerp", "indicator", "jaar", "functiegroep", "niveau", "eenheid"])
    return _tabel(region, df, df.apply(kengetal_label, axis=1), df["jaar"].map(jaar_tekst), band, _opmerking(df),
                  onderwerp=df["onderwerp"].map(lambda o: hoofdletter(woorden(o))))


def begroting(region, df: pd.DataFrame) -> pd.DataFrame:
    def wat(r):
        cat = tekst(r["categorie"])
        return f"{tekst(r['post'])}" + ("" if cat in ("", "totaal") or cat == r["post"] else f" ({cat})")

    return _tabel(region, df, df.apply(wat, axis=1), df["jaar"].map(jaar_tekst), waarde=df["bedrag_eur"],
                  eenheid=["eur"] * len(df))


def samen_opleiden(region, df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "wat": [f"Studenten van {tekst(i)}" for i in df["instituut"]],
        "studenten": df["studenten_totaal"].astype(float),
        "in een partnerschap": df["studenten_partnerschap"].astype(float),
        "jaar": df["jaar"].map(studiejaar),
        "bron": [leesbare_bron(region, b) for b in df["bron"]],
    }, index=df.index)
    return kolommen(out, studenten=Kolom("aantal"), **{"in een partnerschap": Kolom("aantal")}, jaar=Kolom("tekst"))


def partnerschappen(region, df: pd.DataFrame) -> pd.DataFrame:
    def jaar(x) -> str:
        return NIET_VERMELD if leeg(x) else str(int(x))

    out = pd.DataFrame({
        "naam": df["naam"].map(tekst),
        "soort": df["soort"].map(lambda s: woorden(s)),
        "deelnemers": df["instellingen"].map(lambda s: ", ".join(p.strip() for p in tekst(s).split(";") if p.strip())),
        "peer review gepland": df["peer_review_jaar"].map(jaar),
        "laatste peer review": [jaar(j) + (f" ({s})" if not leeg(j) and not leeg(s) and str(s) else "")
                                for j, s in zip(df["laatste_peer_review"],
                                                df.get("laatste_peer_review_soort", pd.Series("", index=df.index)))],
        "opgericht": df["opgericht"].map(jaar),
        "bron": [leesbare_bron(region, b) for b in df["bron"]],
    }, index=df.index)
    return kolommen(out, **{c: Kolom("tekst") for c in ("peer review gepland", "laatste peer review", "opgericht")})


def looptijd(start, einde, vermeld=True) -> str:
    """``"januari–mei 2026"``, ``"januari 2026 – december 2029"``, or :data:`LOOPTIJD_NIET_VERMELD`."""
    if not vermeld or leeg(start) or leeg(einde):
        return LOOPTIJD_NIET_VERMELD
    a, b = pd.Timestamp(start), pd.Timestamp(einde)
    ma, mb = _MAANDEN[a.month - 1], _MAANDEN[b.month - 1]
    if a.year == b.year:
        return f"{ma} {a.year}" if a.month == b.month else f"{ma}–{mb} {a.year}"
    return f"{ma} {a.year} – {mb} {b.year}"


def activiteiten(region, df: pd.DataFrame) -> pd.DataFrame:
    vermeld = looptijd_vermeld(df)
    out = pd.DataFrame({
        "id": df["id"].map(tekst),
        "titel": df["titel"].map(tekst),
        "thema": df["thema"].map(thema_label),
        "looptijd": [looptijd(s, e, v) for s, e, v in zip(df["start"], df["einde"], vermeld)],
        "bron": [leesbare_bron(region, b) for b in df["bron"]],
    }, index=df.index)
    return kolommen(out, id=Kolom("tekst"))


# ------------------------------------------------------------------ a long table in parts


#: per table: what groups the rows of a table too long to show at once: a column of the region's table
#: and its value in words, or ``"jaar"``, the year the annex shows (also "jaar niet vermeld")
DELEN = {
    "leerlingen": ("soort", lambda v: SOORTEN.get(v, v)), "personeel": ("kenmerk", lambda v: KENMERKEN.get(v, woorden(v))),
    "stromen": ("richting", lambda v: {"in": "instroom", "uit": "uitstroom"}.get(v, v)), "verzuim": "jaar",
    "tekort": "jaar", "raming": "jaar", "kengetallen": ("onderwerp", woorden), "begroting": ("post", tekst),
    "samen_opleiden": "jaar", "partnerschappen": ("soort", woorden), "activiteiten": ("thema", thema_label),
}


def groep_labels(naam: str, df: pd.DataFrame, rijen: pd.DataFrame) -> list[str]:
    """Per row of the annex's table ``rijen`` (made from the region's table ``df``, row for row): the
    group it is shown in when the table is too long (:data:`DELEN`)."""
    deel = DELEN[naam]
    if deel == "jaar":
        return [str(j) for j in rijen["jaar"]]
    kolom, woord = deel
    return [woord(v) for v in df[kolom]]


def delen(labels: list[str], max_rijen: int) -> list[tuple[str, list[int]]]:
    """Rows grouped by their label (``labels``, one per row) into parts of at most ``max_rijen``:
    a group in the order it first appears, a long group split evenly ("ambitie (deel 1 van 3)"),
    neighbouring small groups together ("beleid en economie"). Returns (label, row positions) per part."""
    groepen: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        groepen.setdefault(label, []).append(i)
    stukken: list[tuple[list[str], list[int]]] = []
    for label, rijen in groepen.items():
        n = -(-len(rijen) // max_rijen)
        if n > 1:
            grens = [round(k * len(rijen) / n) for k in range(n + 1)]
            stukken += [([f"{label} (deel {k + 1} van {n})"], rijen[grens[k]:grens[k + 1]]) for k in range(n)]
        elif stukken and "(deel " not in stukken[-1][0][-1] and len(stukken[-1][1]) + len(rijen) <= max_rijen:
            stukken[-1][0].append(label)
            stukken[-1][1].extend(rijen)
        else:
            stukken.append(([label], list(rijen)))
    return [(opsomming(namen), rijen) for namen, rijen in stukken]


#: the row builder of each table
RIJEN = {"leerlingen": leerlingen, "personeel": personeel, "stromen": stromen, "verzuim": verzuim, "tekort": tekort,
         "raming": raming, "kengetallen": kengetallen, "begroting": begroting, "samen_opleiden": samen_opleiden,
         "partnerschappen": partnerschappen, "activiteiten": activiteiten}
assert set(RIJEN) == set(TABELLEN) == set(DELEN)
