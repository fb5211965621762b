"""The fixed key indicators the national index page shows for every region (``reporting.runner``
puts them in the manifest, ``index.html`` and ``kerncijfers.xlsx``), chosen by the overview chapter's
selections: each with the year, the definition (who is counted) and the source the region's chapter 00
shows for it (:func:`kerncijfer_rijen`)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from regio_analysis.overview.chapter import (_aandeel_55plus, _leerlingen_gepubliceerd, _personeel_totaal,
                                             _stroom, _verzuim_laatste, kerncijfers)

KEY_INDICATOR_LABELS: dict[str, str] = {
    "leerlingen": "Leerlingen",
    "personen": "Personeel (personen)",
    "verzuim_pct": "Ziekteverzuim (%)",
    "aandeel_55plus_pct": "Personeel 55+ (%)",
    "uitstroom_pct": "Uitstroom personeel (%)",
    "activiteiten": "Activiteiten",
}
#: the indicators of the DUO layer (data.duo_laag), each with the country's value computed the same way;
#: the index shows them beside :data:`KEY_INDICATOR_LABELS` when some region has them
DUO_INDICATOR_LABELS: dict[str, str] = {
    "duo_leerlingen": "Leerlingen volgens DUO",
    "duo_leerlingen_verandering_pct": "Leerlingen volgens DUO, verandering (%)",
    "duo_leerlingen_per_fte_op": "Leerlingen per fte onderwijzend personeel (DUO)",
}
#: the DUO indicators: the row of ``workforce.chapter.duo.kerncijfers_duo`` each reads (by its start)
_DUO_RIJEN = {"duo_leerlingen": "Leerlingen (", "duo_leerlingen_verandering_pct": "Verandering leerlingen sinds",
              "duo_leerlingen_per_fte_op": "Leerlingen per fte onderwijzend personeel"}


def key_indicators(region) -> dict[str, float | None]:
    """The fixed set of indicators the index page shows for every region (None when unknown).

    - ``leerlingen``: latest realised region total of pupils;
    - ``personen``: latest staff count in persons (``personeel`` total, else the region's own
      count in ``kengetallen`` summed over the function groups it publishes);
    - ``verzuim_pct``: latest regional sick-leave percentage;
    - ``aandeel_55plus_pct``: latest share of staff aged 55 or over;
    - ``uitstroom_pct``: outflow rate of the latest realised year, else of the first
      forecast year (total staff, else OP);
    - ``activiteiten``: number of activities in the register (None without a register).
    """
    ll = _leerlingen_gepubliceerd(region)
    real = ll[~ll["prognose"].astype(bool)]
    pers = _personeel_totaal(region, "personen")
    verzuim, _land = _verzuim_laatste(region)
    a55 = _aandeel_55plus(region)
    uit = _stroom(region, "uit")
    return {
        "leerlingen": float(real["aantal"].iloc[-1]) if not real.empty else None,
        "personen": pers["waarde"] if pers is not None else None,
        "verzuim_pct": float(verzuim["waarde"]) if verzuim is not None else None,
        "aandeel_55plus_pct": float(a55["waarde"]) if a55 is not None else None,
        "uitstroom_pct": float(uit[0]["waarde"]) if uit is not None else None,
        "activiteiten": float(len(region.activiteiten)) if region.has("activiteiten") else None,
    }


#: per indicator, the rows of chapter 00's key figures that state it (the first present)
_KERNCIJFER_RIJEN = {
    "leerlingen": ("leerlingen_totaal", "leerlingen"), "personen": ("personen",), "verzuim_pct": ("verzuim_regio",),
    "aandeel_55plus_pct": ("aandeel_55plus",), "uitstroom_pct": ("uitstroom",), "activiteiten": ("activiteiten",),
}
EENHEDEN = {"leerlingen": "aantal", "personen": "personen", "verzuim_pct": "procent", "aandeel_55plus_pct": "procent",
            "uitstroom_pct": "procent", "activiteiten": "aantal"}


def kerncijfer_rijen(region) -> list[dict[str, Any]]:
    """The index's indicators of a region, one dict each: ``sleutel``, ``indicator`` (the label of
    :data:`KEY_INDICATOR_LABELS`), ``waarde`` (None: not known), ``eenheid``, ``jaar`` (text, "niet
    vermeld" where the source gives none; "2025 (prognose)" for a forecast), ``definitie`` (what chapter 00 calls the figure: who is
    counted, a sum, a forecast), ``landelijk`` (the national value the region publishes for the same
    year: sick leave; for the DUO indicators the country's value computed the same way; else None), ``soort`` and ``bron`` (as chapter 00's :func:`kerncijfers`
    states them)."""
    values = key_indicators(region)
    kc = kerncijfers(region)
    rows = []
    land = _verzuim_laatste(region)[1]  # the national sick leave of the region's latest year, if published
    uit = _stroom(region, "uit")
    prognose = {"uitstroom_pct": bool(uit is not None and uit[1])}  # a forecast stands beside measured values
    for key, label in KEY_INDICATOR_LABELS.items():
        found = next((kc.loc[k] for k in _KERNCIJFER_RIJEN[key] if k in kc.index), None) \
            if values[key] is not None else None
        shown = {c: "" if found is None else str(found[c]) for c in ("jaar", "indicator", "soort", "bron")}
        if prognose.get(key) and shown["jaar"]:
            shown["jaar"] += " (prognose)"
        rows.append({"sleutel": key, "indicator": label, "waarde": values[key], "eenheid": EENHEDEN[key],
                     "jaar": shown["jaar"], "definitie": shown["indicator"],
                     "landelijk": float(land["waarde"]) if key == "verzuim_pct" and land is not None else None,
                     "soort": shown["soort"], "bron": shown["bron"]})
    return rows + duo_rijen(region)


def duo_rijen(region) -> list[dict[str, Any]]:
    """The index's DUO indicators of a region (none without a DUO layer): the region's value and the
    country's beside it, both summed from DUO's national files the same way."""
    from regio_analysis.workforce.chapter.duo import kerncijfers_duo

    table = kerncijfers_duo(region)
    if table.empty:
        return []
    files = ", ".join(f["naam"] for f in region.duo_herkomst.get("bestanden", []) if f.get("soort") != "correcties")
    rows = []
    for key, start in _DUO_RIJEN.items():
        match = table[table["Indicator"].str.startswith(start)]
        if match.empty or pd.isna(match.iloc[0][region.naam]):
            continue
        row = match.iloc[0]
        land = row.get("Landelijk")
        rows.append({"sleutel": key, "indicator": DUO_INDICATOR_LABELS[key], "waarde": float(row[region.naam]),
                     "eenheid": "procent" if key.endswith("_pct") else "aantal", "jaar": str(int(row["Jaar"])),
                     "definitie": f"{row['Indicator']}, opgeteld over de samenstelling van de regio",
                     "landelijk": None if pd.isna(land) else float(land),
                     "soort": "berekend uit DUO", "bron": f"DUO open onderwijsdata: {files}"})
    return rows
