"""The fixed key indicators the national index page shows for every region (``reporting.runner``
puts them in the manifest and ``index.html``), chosen by the overview chapter's selections."""
from __future__ import annotations

from regio_analysis.overview.chapter import (_aandeel_55plus, _leerlingen_gepubliceerd, _personeel_totaal,
                                             _stroom, _verzuim_laatste)

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
