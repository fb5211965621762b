"""Chapter 01, the DUO layer: the region's pupils and staff computed from DUO's national files
(``data.duo_laag``), beside the same figures for the country and the region's provinces, computed the
same way, and beside the figure the region's own plan publishes for the same year where it has one.

A sum over locations or institutions that left out suppressed cells (``<5``) is a lower bound; the
reading says so and how many cells it left out.
"""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from regio_analysis.report import figures as plotting
from regio_analysis.report.format import SCHOOLSOORT_LABELS, Kolom, fmt_getal, fmt_pct, kolommen, opsomming

NIVEAU_LABELS = {"regio": "regio", "landelijk": "Landelijk"}


def heeft_duo(region) -> bool:
    return bool(region.duo) and any(not df.empty for df in region.duo.values())


def _niveau_label(region, niveau: str) -> str:
    if niveau == "regio":
        return region.naam
    if niveau.startswith("provincie:"):
        return niveau.split(":", 1)[1]
    return NIVEAU_LABELS.get(niveau, niveau)


def _niveaus(df: pd.DataFrame) -> list[str]:
    """Region first, then its provinces, then the country."""
    provs = sorted(n for n in df["niveau"].unique() if n.startswith("provincie:"))
    return [n for n in ["regio", *provs, "landelijk"] if n in set(df["niveau"])]


def leerlingen_reeks(region) -> pd.DataFrame:
    """Pupils per year and level (all school types of the region's sectors together), with the number of
    suppressed cells left out."""
    ll = region.duo.get("leerlingen")
    if ll is None or ll.empty:
        return pd.DataFrame(columns=["niveau", "peiljaar", "aantal", "cellen_onderdrukt"])
    return ll.groupby(["niveau", "peiljaar"], sort=True).agg(
        aantal=("aantal", "sum"), cellen_onderdrukt=("cellen_onderdrukt", "sum")).reset_index()


def _staff(region, niveau: str, jaar: int, functiegroep: str | None, eenheid: str) -> float | None:
    st = region.duo.get("personeel")
    if st is None or st.empty:
        return None
    rows = st[(st["niveau"] == niveau) & (st["peiljaar"] == jaar) & (st["eenheid"] == eenheid)
              & (st["kenmerk"] == "totaal")]
    if functiegroep:
        rows = rows[rows["functiegroep"] == functiegroep]
    return float(rows["waarde"].sum()) if not rows.empty else None


def _age_share(region, niveau: str, jaar: int) -> float | None:
    st = region.duo.get("personeel")
    rows = st[(st["niveau"] == niveau) & (st["peiljaar"] == jaar) & (st["kenmerk"] == "leeftijd")
              & (st["eenheid"] == "personen")] if st is not None else pd.DataFrame()
    if rows.empty or rows["waarde"].sum() <= 0:
        return None
    old = rows["categorie"].isin(["55-64", "65+"])
    return 100 * float(rows.loc[old, "waarde"].sum() / rows["waarde"].sum())


def _plan_leerlingen(region, soorten: set[str], jaar: int) -> float | None:
    ll = region.leerlingen
    rows = ll[(ll["niveau"] == "regio") & ~ll["prognose"] & (ll["peiljaar"] == jaar) & ll["soort"].isin(soorten)]
    return float(rows["aantal"].sum()) if not rows.empty and rows["aantal"].notna().all() else None


def _plan_op_fte(region, jaar: int) -> float | None:
    p = region.personeel
    rows = p[(p["niveau"] == "regio") & (p["peiljaar"] == jaar) & (p["functiegroep"] == "OP")
             & (p["eenheid"] == "fte") & (p["kenmerk"] == "totaal")]
    return float(rows["waarde"].iloc[0]) if len(rows) == 1 and pd.notna(rows["waarde"].iloc[0]) else None


def kerncijfers_duo(region) -> pd.DataFrame:
    """One row per indicator: its year, the region's value, its provinces', the country's, and the plan's
    figure for the same year where the plan has one. Empty without a DUO layer."""
    if not heeft_duo(region):
        return pd.DataFrame()
    reeks = leerlingen_reeks(region)
    niveaus = _niveaus(reeks) if not reeks.empty else _niveaus(region.duo["personeel"])
    soorten = set(region.duo["leerlingen"]["soort"]) if "leerlingen" in region.duo else set()
    rows = []

    def add(indicator, jaar, eenheid: str, values: dict, plan=None):
        row = {"Indicator": indicator, "Jaar": jaar}
        row.update({_niveau_label(region, n): values.get(n) for n in niveaus})
        row["Plan van de regio"] = plan
        row["eenheid"] = eenheid  # each row's unit (report.format.EENHEID_SOORT), not shown itself
        rows.append(row)

    if not reeks.empty:
        last, first = int(reeks["peiljaar"].max()), int(reeks["peiljaar"].min())
        at = reeks.set_index(["niveau", "peiljaar"])["aantal"]
        add(f"Leerlingen ({opsomming(SCHOOLSOORT_LABELS.get(s, s) for s in sorted(soorten))})", last, "aantal",
            {n: at.get((n, last)) for n in niveaus}, _plan_leerlingen(region, soorten, last))
        if first < last:
            add(f"Verandering leerlingen sinds {first}", last, "procent",
                {n: 100 * (at[(n, last)] / at[(n, first)] - 1) for n in niveaus
                 if (n, first) in at and (n, last) in at and at[(n, first)] > 0})
    st = region.duo.get("personeel")
    if st is not None and not st.empty:
        jaar = int(st["peiljaar"].max())
        add("Onderwijzend personeel", jaar, "fte", {n: _staff(region, n, jaar, "OP", "fte") for n in niveaus},
            _plan_op_fte(region, jaar))
        add("Onderwijzend personeel (personen)", jaar, "personen", {n: _staff(region, n, jaar, "OP", "personen") for n in niveaus})
        if not reeks.empty:
            at = reeks.set_index(["niveau", "peiljaar"])["aantal"]
            ratio = {}
            for n in niveaus:
                fte = _staff(region, n, jaar, "OP", "fte")
                if fte and (n, jaar) in at:
                    ratio[n] = at[(n, jaar)] / fte
            add("Leerlingen per fte onderwijzend personeel", jaar, "leerlingen_per_fte", ratio)
        fpp = {}
        for n in niveaus:
            fte, pers = _staff(region, n, jaar, None, "fte"), _staff(region, n, jaar, None, "personen")
            if fte is not None and pers:
                fpp[n] = fte / pers
        add("Fte per persoon (alle functies; deeltijd)", jaar, "fte_per_persoon", fpp)
        dir_share = {}
        for n in niveaus:
            d, t = _staff(region, n, jaar, "DIR", "fte"), _staff(region, n, jaar, None, "fte")
            if d is not None and t:
                dir_share[n] = 100 * d / t
        add("Aandeel schoolleiding in de fte", jaar, "procent", dir_share)
        ages = {n: _age_share(region, n, int(st.loc[st["kenmerk"] == "leeftijd", "peiljaar"].max()))
                for n in niveaus} if (st["kenmerk"] == "leeftijd").any() else {}
        if any(v is not None for v in ages.values()):
            add("Aandeel 55 jaar en ouder (personen)", int(st.loc[st["kenmerk"] == "leeftijd", "peiljaar"].max()),
                "procent", ages)
    df = pd.DataFrame(rows)
    if df["Plan van de regio"].isna().all():  # a column of dashes says nothing
        df = df.drop(columns="Plan van de regio")
    value_cols = [c for c in df.columns if c not in ("Indicator", "Jaar", "eenheid")]
    df[value_cols] = df[value_cols].astype(float)
    return kolommen(df, Jaar="jaar", **{c: Kolom(eenheid="eenheid") for c in value_cols})


def leerlingen_index(region) -> pd.DataFrame:
    """Pupils per level as an index, the first year = 100 (``jaar``, ``niveau``, ``waarde``)."""
    reeks = leerlingen_reeks(region)
    if reeks.empty:
        return pd.DataFrame(columns=["jaar", "niveau", "waarde"])
    first = reeks.groupby("niveau")["peiljaar"].transform("min")
    base = reeks["niveau"].map(reeks[reeks["peiljaar"] == first].set_index("niveau")["aantal"])
    out = reeks.assign(jaar=reeks["peiljaar"], waarde=100 * reeks["aantal"] / base)
    return out.loc[base > 0, ["jaar", "niveau", "waarde"]].reset_index(drop=True)


def figuur_leerlingen_duo(region, ax: Axes | None = None) -> Axes | None:
    """Pupils as an index (first year = 100): the region beside its provinces and the country."""
    data = leerlingen_index(region)
    if data.empty or data["jaar"].nunique() < 2:
        return None
    ax = plotting.lijn_regio_landelijk(data, ax=ax, pct=False, ylabel=f"Leerlingen ({int(data['jaar'].min())} = 100)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)  # beside the lines, never on them
    return ax


def _aantal(n: int, een: str, meer: str) -> str:
    return "" if n == 0 else f"{'één' if n == 1 else fmt_getal(n, 0)} {een if n == 1 else meer}"


def lezing_duo(region) -> str:
    """What the DUO layer shows, in words; or why the region has none."""
    samenstelling = region.meta.get("samenstelling")
    if not heeft_duo(region):
        if not samenstelling:
            return ("_Geen openbare DUO-cijfers voor deze regio: haar beschrijving noemt niet uit welke gemeenten, "
                    "besturen of vestigingen zij bestaat, dus kan het pakket haar cijfers niet uit de landelijke "
                    "bestanden van DUO optellen._")
        return ("_Geen openbare DUO-cijfers in dit rapport: de samenstelling van de regio is bekend, maar de landelijke "
                "DUO-bestanden waren bij het maken van het rapport niet beschikbaar._")
    reeks = leerlingen_reeks(region)
    parts = []
    if not reeks.empty:
        last, first = int(reeks["peiljaar"].max()), int(reeks["peiljaar"].min())
        at = reeks.set_index(["niveau", "peiljaar"])
        n_last = at.loc[("regio", last), "aantal"] if ("regio", last) in at.index else None
        if n_last is not None:
            zin = f"Volgens DUO telde de regio op 1 oktober {last} {fmt_getal(n_last, 0)} leerlingen"
            if ("regio", first) in at.index and first < last and at.loc[("regio", first), "aantal"] > 0:
                verschil = 100 * (n_last / at.loc[("regio", first), "aantal"] - 1)
                zin += f", {fmt_pct(abs(verschil))} {'meer' if verschil >= 0 else 'minder'} dan in {first}"
                if ("landelijk", first) in at.index and ("landelijk", last) in at.index:
                    land = 100 * (at.loc[("landelijk", last), "aantal"] / at.loc[("landelijk", first), "aantal"] - 1)
                    zin += (f"; in heel Nederland waren het er in dezelfde schoolsoorten {fmt_pct(abs(land))} "
                            f"{'meer' if land >= 0 else 'minder'}")
            parts.append(zin + ".")
        hidden = int(reeks.loc[reeks["niveau"] == "regio", "cellen_onderdrukt"].sum())
        if hidden:
            parts.append(f"DUO verbergt kleine aantallen (minder dan 5); {fmt_getal(hidden, 0)} zulke cellen zijn niet "
                         "meegeteld, dus de aantallen van de regio zijn ondergrenzen.")
    gedeeld = region.duo_herkomst.get("gedeeld_met_andere_regios") or []
    n_inst = sum(g.get("soort") == "instelling" for g in gedeeld)
    n_best = sum(g.get("soort") == "bestuur" for g in gedeeld)
    wie = [t for t in (_aantal(n_inst, "instelling", "instellingen"), _aantal(n_best, "bestuur", "besturen")) if t]
    if wie:
        parts.append(f"{opsomming(wie).capitalize()} {'heeft' if n_inst + n_best == 1 else 'hebben'} ook vestigingen "
                     "buiten de regio; hun personeel telt mee naar hun aandeel in de leerlingen van de regio.")
    parts.append("DUO telt personeel per instelling en bestuur, niet per vestiging; de regel waarmee het personeel "
                 "aan de regio is toegedeeld staat in de bron onder de tabel.")
    return " ".join(parts)
