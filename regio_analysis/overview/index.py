"""The fixed key indicators the national index page shows for every region (``reporting.runner``
puts them in the manifest, ``index.html`` and ``kerncijfers.xlsx``), chosen by the overview chapter's
selections: each with the year, the definition (who is counted) and the source the region's chapter 00
shows for it (:func:`kerncijfer_rijen`)."""
from __future__ import annotations

from typing import Any

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


#: per indicator, the rows of chapter 00's key figures that state it (the first present), and the
#: row with the national value of the same year, if any
_KERNCIJFER_RIJEN = {
    "leerlingen": (("leerlingen_totaal", "leerlingen"), None),
    "personen": (("personen",), None),
    "verzuim_pct": (("verzuim_regio",), "verzuim_landelijk"),
    "aandeel_55plus_pct": (("aandeel_55plus",), None),
    "uitstroom_pct": (("uitstroom",), None),
    "activiteiten": (("activiteiten",), None),
}
EENHEDEN = {"leerlingen": "aantal", "personen": "personen", "verzuim_pct": "procent", "aandeel_55plus_pct": "procent",
            "uitstroom_pct": "procent", "activiteiten": "aantal"}


def kerncijfer_rijen(region) -> list[dict[str, Any]]:
    """The index's indicators of a region, one dict each: ``sleutel``, ``indicator`` (the label of
    :data:`KEY_INDICATOR_LABELS`), ``waarde`` (None: not known), ``eenheid``, ``jaar`` (text, "niet
    vermeld" where the source gives none), ``definitie`` (what chapter 00 calls the figure: who is
    counted, a sum, a forecast), ``landelijk`` (the national value the region publishes for the same
    year, else None), ``soort`` (``gepubliceerd``, or ``berekend`` for a sum or a count of the
    package) and ``bron`` (title and section)."""
    values = key_indicators(region)
    kc = kerncijfers(region)
    rows = []
    for key, label in KEY_INDICATOR_LABELS.items():
        keys, national = _KERNCIJFER_RIJEN[key]
        found = next((kc.loc[k] for k in keys if k in kc.index), None) if values[key] is not None else None
        definitie = str(found["indicator"]) if found is not None else ""
        pers = _personeel_totaal(region, "personen") if key == "personen" else None
        berekend = key == "activiteiten" or "(som" in definitie or bool(pers and len(pers["groepen"]) > 1)
        land = None
        if national and national in kc.index and found is not None and kc.loc[national, "jaar"] == found["jaar"]:
            land = _verzuim_laatste(region)[1]
            land = float(land["waarde"]) if land is not None else None
        rows.append({"sleutel": key, "indicator": label, "waarde": values[key], "eenheid": EENHEDEN[key],
                     "jaar": str(found["jaar"]) if found is not None else "", "definitie": definitie,
                     "landelijk": land, "soort": "" if found is None else "berekend" if berekend else "gepubliceerd",
                     "bron": str(found["bron"]) if found is not None else ""})
    return rows
