"""A synthetic *national* data set in DUO's current open-data file layouts, with regions by municipality.

:func:`write_national_dataset` writes made-up files with DUO's real headers, encodings and delimiters
(``folder/bronnen/``) and ``regio.yaml`` files whose ``samenstelling`` lists municipalities
(``folder/regions/<regio_id>/``). It feeds the national tests and ``benchmarks/national.py``; nothing in
it describes a real school, board, municipality or region (only the twelve province names are real).

The data-generating process, all drawn from one ``numpy`` Generator (same seed, same files):

* **Geography.** 342 municipalities in the 12 provinces (about as many per province as there are),
  with unique 4-digit codes and invented names, and a size weight (lognormal). Three municipalities
  (1 %) belong to no region; the others are split, in province and code order, into ``n_regios``
  regions of neighbouring municipalities (one region per municipality).
* **Boards.** A quarter of the boards (at most one per VO location) run VO schools, the rest PO. Each has a
  home municipality (drawn by size; the first ``n_regios`` boards one per region, so that every region has
  schools), a denomination, and a heavy-tailed number of locations (at least one). A board's location lies
  in its home municipality or, by size, elsewhere in the home region; about 3 % of the boards with two or
  more locations (at least one) also have locations in the next region: they span two regions. About 1 %
  of the locations (at least one per sector) lie in a municipality of no region.
* **Institutions.** A board's locations are grouped into institutions (BRIN4, ``12AB``) with one main
  location (``00``) and sometimes dependances (``01``, ``02``...). PO institutions are ``BO`` (88 %),
  ``SBO``, ``SO`` or ``VSO``; half of the SO locations also count VSO pupils.
* **Pupils.** Per location a size (BO 50-600, SBO 40-300, (V)SO 20-300, VO 300-2,500; about 1 % of BO
  locations 8-45, about 0.5 % of VO locations 1-4, shown as ``<5``), a slow trend (on average -0.8 % a
  year) and yearly noise; pupils placed with vavo about 0.3 %.
* **Staff.** Per institution and year, from its pupils: PO about one teacher fte per 17 BO pupils (SBO
  9, (V)SO 6), VO one per 15; management and support staff in proportion; persons from fte (0.75 fte
  per teacher in PO, 0.8 in VO, 0.9 for management, 0.6 for support staff). Per board also
  ``BOVENSCHOOLS`` staff. Years 2011 (DUO's first) to the last year; years before ``jaren`` use the
  pupils back-cast by the trend. 5 % of the cells of 1-4 persons are suppressed (``<5`` in the persons
  file, ``*`` in the fte file, and ``<5`` in the age file).
"""
from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from regio_analysis.io.files import atomic_write, write_bytes, write_text

__all__ = ["write_national_dataset", "PROVINCIES", "ADRES_KOLOMMEN", "PO_LEERLINGEN_KOLOMMEN",
           "VO_LEERLINGEN_KOLOMMEN", "FUNCTIEGROEPEN", "LEEFTIJDSKLASSEN", "bestandsnamen"]

#: the twelve provinces and about how many municipalities each has (342 in all)
PROVINCIES: tuple[tuple[str, int], ...] = (
    ("Groningen", 10), ("Fryslân", 18), ("Drenthe", 12), ("Overijssel", 25), ("Flevoland", 6),
    ("Gelderland", 51), ("Utrecht", 26), ("Noord-Holland", 44), ("Zuid-Holland", 50), ("Zeeland", 13),
    ("Noord-Brabant", 56), ("Limburg", 31),
)
ADRES_KOLOMMEN = ("PROVINCIE", "BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM",
                  "STRAATNAAM", "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM",
                  "DENOMINATIE")
PO_LEERLINGEN_KOLOMMEN = ("INSTELLINGSCODE", "VESTIGINGSCODE", "TYPE_PO", "PEILJAAR", "AANTAL_LEERLINGEN")
VO_LEERLINGEN_KOLOMMEN = ("BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "INSTELLINGSNAAM VESTIGING",
                          "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "PROVINCIE", "AANTAL LEERLINGEN",
                          "AANTAL VO LEERLINGEN UITBESTEED AAN VAVO")
PERSONEEL_KOLOMMEN = ("ONDERWIJSTYPE", "BEVOEGD GEZAG", "INSTELLINGSCODE", "FUNCTIEGROEP")
LEEFTIJD_KOLOMMEN = ("BEVOEGD GEZAG", "FUNCTIEGROEP", "LEEFTIJDSKLASSE")
FUNCTIEGROEPEN = ("Directie", "Onderwijsgevend personeel", "Onderwijsondersteunend personeel (OOP/OBP)")
LEEFTIJDSKLASSEN = ("< 25 jaar", "25-34 jaar", "35-44 jaar", "45-54 jaar", "55-64 jaar", ">= 65 jaar")
BOVENSCHOOLS = "BOVENSCHOOLS"
PERSONEEL_SHEET = {"po": "per owtype-bestuur-brin-functie", "vo": "owtype-best-instelling-functie"}
EERSTE_PERSONEELSJAAR = 2011  # DUO's staff files start in 2011

_TYPE_PO = ("BO", "SBO", "SO", "VSO")
_TYPE_P = (0.88, 0.05, 0.05, 0.02)
_OWTYPE = {"BO": "BAO", "SBO": "SBAO", "SO": "(V)SO", "VSO": "(V)SO", "VO": "VO"}
# (median, sigma, low, high) of a location's pupils in the first year
_SIZE = {"BO": (210, 0.5, 50, 600), "SBO": (130, 0.4, 40, 300), "SO": (110, 0.5, 20, 300),
         "VSO": (120, 0.5, 20, 300), "VO": (900, 0.55, 300, 2500)}
_PUPILS_PER_OP_FTE = {"BAO": 17.0, "SBAO": 9.0, "(V)SO": 6.0, "VO": 15.0}
_OOP_PER_OP = {"BAO": 0.22, "SBAO": 0.4, "(V)SO": 0.45, "VO": 0.3}
_FTE_PER_PERSON = {("po", 0): 0.9, ("po", 1): 0.75, ("po", 2): 0.6, ("vo", 0): 0.9, ("vo", 1): 0.8, ("vo", 2): 0.6}
_AGE_P = {0: (0.0, 0.08, 0.27, 0.33, 0.30, 0.02), 1: (0.08, 0.27, 0.24, 0.20, 0.19, 0.02),
          2: (0.05, 0.18, 0.22, 0.26, 0.26, 0.03)}
_SUPPRESS_P = 0.05

_DENOMINATIES = (("Openbaar", 0.31), ("Rooms-Katholiek", 0.27), ("Protestants-Christelijk", 0.24),
                 ("Algemeen bijzonder", 0.08), ("Reformatorisch", 0.02), ("Gereformeerd vrijgemaakt", 0.02),
                 ("Islamitisch", 0.01), ("Samenwerking PC, RK", 0.025), ("Interconfessioneel", 0.01),
                 ("Antroposofisch", 0.01), ("Hindoeïstisch", 0.005))
_PO_PREFIX = {"Openbaar": "OBS", "Rooms-Katholiek": "RKBS", "Protestants-Christelijk": "CBS",
              "Islamitisch": "IBS", "Samenwerking PC, RK": "SWS"}
_NAAMDELEN = ("De Regenboog", "De Wegwijzer", "Het Kompas", "De Vlinder", "De Zonnebloem", "Sint-Michaël", "De Ark",
              "Het Palet", "De Klimop", "'t Hoekje", "De Fontein", "Het Baken", "De Springplank", "Sint-Jozef",
              "De Horizon", "Het Mozaïek", "De Kameleon", "De Sterrenboog", "Het Anker", "De Bron", "Op Dreef",
              "De Toermalijn", "Het Vogelnest", "De Piramide", "Prins Willem-Alexander")
_VO_NAAM = ("Erasmus", "Thomas a Kempis", "Stedelijk", "Sint-Janscollege", "Vincent van Gogh", "Aletta Jacobs",
            "Hélène Swarth", "Menso Alting", "Comenius", "Da Vinci", "Montessori", "Christelijk", "Hanze", "Maerlant")
_VO_SOORT = ("College", "Lyceum", "Scholengemeenschap", "Gymnasium", "Mavo", "Praktijkschool")
_STRATEN = ("Schoolstraat", "Kerkweg", "Dorpsstraat", "Molenweg", "Julianalaan", "Beatrixlaan", "Wilhelminastraat",
            "Oranjelaan", "Stationsweg", "Parklaan", "Lindelaan", "Esdoornlaan", "Prins Bernhardstraat",
            "Burgemeester de Vlugtlaan", "Jan van Goyenstraat", "Rembrandtlaan", "Van 't Hofflaan")
_PREFIXEN = ("Ooster", "Wester", "Noorder", "Zuider", "Hoog", "Laag", "Groot", "Klein", "Nieuw", "Oud", "Berg",
             "Dal", "Heide", "Veen", "Zand", "Molen", "Kerk", "Bos", "Linde", "Eiken", "Beuk", "Wilg", "Vos", "Haas",
             "Ree", "Zwaan", "Rijn", "Maas", "Lek", "Brug")
_SUFFIXEN = ("veen", "wijk", "dam", "dorp", "horst", "broek", "hoven", "zijl", "wolde", "mond", "kerk", "loo",
             "beek", "rade", "meer", "sloot", "hem", "um")


def bestandsnamen(jaren: Sequence[int]) -> dict[str, Any]:
    """The file names of the set for ``jaren`` (staff files span 2011, or an earlier first year, to the last)."""
    first, last = min(min(jaren), EERSTE_PERSONEELSJAAR), max(jaren)
    span = f"{first}-{last}"
    return {
        "vestigingen_po": "vestigingenbo.csv",
        "vestigingen_vo": "02.-alle-vestigingen-vo.csv",
        "leerlingen_po": "brin6_totaal.csv",
        "leerlingen_vo": {j: f"03.-leerlingen-vo-per-vestiging-en-bestuur-(vavo-apart)-{j}.csv" for j in jaren},
        "personeel_po_personen": f"01.-onderwijspersoneel-po-in-personen-{span}.xlsx",
        "personeel_po_fte": f"02.-onderwijspersoneel-po-in-fte-{span}.xlsx",
        "personeel_vo_personen": f"01.-onderwijspersoneel-vo-in-personen-{span}.xlsx",
        "personeel_vo_fte": f"02.-onderwijspersoneel-vo-in-fte-{span}.xlsx",
        "personeel_po_leeftijd": f"03.-onderwijspersoneel-po-naar-leeftijd-in-personen-{span}.csv",
    }


# ------------------------------------------------------------------------------------------ geography


def _geography(rng: np.random.Generator, n_regios: int) -> pd.DataFrame:
    """One row per municipality: code, naam, provincie, gewicht, regio (-1: no region)."""
    n = sum(k for _, k in PROVINCIES)
    codes = np.sort(rng.choice(np.arange(3, 2000), size=n, replace=False))
    combos = [p + s for p in _PREFIXEN for s in _SUFFIXEN]
    names = [combos[i] for i in rng.permutation(len(combos))[:n]]
    names = [f"'s-{nm}" if i % 37 == 5 else nm for i, nm in enumerate(names)]  # a few like 's-Hertogenbosch
    prov = np.repeat(np.arange(len(PROVINCIES)), [k for _, k in PROVINCIES])
    gem = pd.DataFrame({"code": [f"{c:04d}" for c in codes], "naam": names,
                        "provincie": [PROVINCIES[p][0] for p in prov],
                        "gewicht": rng.lognormal(0.0, 0.9, size=n), "regio": -1})
    n_none = max(1, round(0.01 * n))
    if n - n_none < n_regios:
        raise ValueError(f"n_regios={n_regios}: at most {n - n_none} regions of municipalities")
    none = set(rng.choice(n, size=n_none, replace=False).tolist())
    members = [i for i in range(n) if i not in none]  # already in province, code order
    for r, chunk in enumerate(np.array_split(np.array(members), n_regios)):
        gem.loc[chunk, "regio"] = r
    return gem


# ------------------------------------------------------------------------------------------ boards and locations


def _boards(rng: np.random.Generator, gem: pd.DataFrame, n_po: int, n_vo: int, n_besturen: int,
            n_regios: int) -> pd.DataFrame:
    n_vo_b = min(n_vo, max(1, round(0.25 * n_besturen)))
    n_po_b = n_besturen - n_vo_b
    if n_po_b < 1 or n_po_b > n_po:
        raise ValueError(f"n_besturen={n_besturen} does not fit n_po={n_po}, n_vo={n_vo}: every board needs a location")
    if n_besturen < n_regios:
        raise ValueError(f"n_besturen={n_besturen} < n_regios={n_regios}: every region needs a board")
    nummers = rng.choice(np.arange(10000, 100000), size=n_besturen, replace=False)
    assigned = gem.index[gem["regio"] >= 0].to_numpy()
    w = gem.loc[assigned, "gewicht"].to_numpy()
    home = rng.choice(assigned, size=n_besturen, p=w / w.sum())
    for r in range(n_regios):  # board r lives in region r: every region has schools
        cand = gem.index[gem["regio"] == r].to_numpy()
        home[r] = cand[np.argmax(gem.loc[cand, "gewicht"].to_numpy())]
    den_p = np.array([p for _, p in _DENOMINATIES])
    den = rng.choice(len(_DENOMINATIES), size=n_besturen, p=den_p / den_p.sum())
    sector = np.array(["po"] * n_po_b + ["vo"] * n_vo_b)
    n_loc = np.ones(n_besturen, dtype=int)
    for s, total in (("po", n_po), ("vo", n_vo)):
        idx = np.flatnonzero(sector == s)
        share = rng.lognormal(0.0, 1.2, size=len(idx))
        n_loc[idx] += rng.multinomial(total - len(idx), share / share.sum())
    return pd.DataFrame({"nummer": nummers, "sector": sector, "home": home,
                         "denominatie": [_DENOMINATIES[d][0] for d in den], "n_loc": n_loc})


def _locations(rng: np.random.Generator, gem: pd.DataFrame, boards: pd.DataFrame, n_regios: int) -> pd.DataFrame:
    """One row per location: board, municipality, institution number, vestiging number, main type."""
    region_members = {r: gem.index[gem["regio"] == r].to_numpy() for r in range(n_regios)}
    region_p = {r: gem.loc[m, "gewicht"].to_numpy() / gem.loc[m, "gewicht"].sum() for r, m in region_members.items()}
    home_region = gem["regio"].to_numpy()[boards["home"].to_numpy()]
    spanning = np.zeros(len(boards), dtype=bool)
    if n_regios > 1:
        for s in ("po", "vo"):
            multi = np.flatnonzero((boards["sector"] == s).to_numpy() & (boards["n_loc"] >= 2).to_numpy())
            multi = multi[multi >= n_regios]  # not a board that guarantees a region its schools
            if len(multi):
                k = max(1, round(0.03 * len(multi)))
                spanning[rng.choice(multi, size=k, replace=False)] = True
    rows = []
    for b in range(len(boards)):
        r, n = home_region[b], int(boards.at[b, "n_loc"])
        other = region_members[r][rng.choice(len(region_members[r]), size=n, p=region_p[r])]
        where = np.where(rng.random(n) < 0.5, boards.at[b, "home"], other)
        if spanning[b]:
            r2 = (r + 1) % n_regios
            away = rng.random(n) < 0.4
            away[-1] = True
            away[0] = False
            there = region_members[r2][rng.choice(len(region_members[r2]), size=n, p=region_p[r2])]
            where = np.where(away, there, where)
        join_p = 0.15 if boards.at[b, "sector"] == "po" else 0.3
        joins = rng.random(n) < join_p
        inst, vest = -1, 0
        for i in range(n):
            if i == 0 or not joins[i] or vest >= 3:
                inst, vest = inst + 1, 0
            else:
                vest += 1
            rows.append((b, int(where[i]), inst, vest, bool(spanning[b]), i == 0 and b < n_regios))
    loc = pd.DataFrame(rows, columns=["board", "gem", "inst_local", "vest", "spanning", "anchor"])
    loc["sector"] = boards["sector"].to_numpy()[loc["board"].to_numpy()]
    # about 1 % of each sector's locations (at least one) move to a municipality of no region
    none = gem.index[gem["regio"] < 0].to_numpy()
    for s in ("po", "vo"):
        cand = loc.index[(loc["sector"] == s) & ~loc["spanning"] & ~loc["anchor"]].to_numpy()
        k = min(len(cand), max(1, round(0.01 * (loc["sector"] == s).sum())))
        moved = rng.choice(cand, size=k, replace=False)
        loc.loc[moved, "gem"] = rng.choice(none, size=k)
    return loc


def _codes(rng: np.random.Generator, loc: pd.DataFrame) -> pd.DataFrame:
    """Institution codes (BRIN4: two digits, two letters) and types."""
    inst_key = loc["board"].astype(np.int64) * 1000 + loc["inst_local"]
    uniq, inst = np.unique(inst_key.to_numpy(), return_inverse=True)
    draws = rng.choice(100 * 26 * 26, size=len(uniq), replace=False)
    letters = [chr(65 + i) for i in range(26)]
    brin4 = np.array([f"{d // 676:02d}{letters[(d % 676) // 26]}{letters[d % 26]}" for d in draws.tolist()])
    loc["inst"] = inst
    loc["instellingscode"] = brin4[inst]
    loc["vestigingscode"] = [f"{c}{v:02d}" for c, v in zip(loc["instellingscode"], loc["vest"])]
    types = rng.choice(len(_TYPE_PO), size=len(uniq), p=_TYPE_P)
    is_vo = loc["sector"].to_numpy() == "vo"
    loc["type"] = np.where(is_vo, "VO", np.array(_TYPE_PO)[types[inst]])
    return loc


def _addresses(rng: np.random.Generator, loc: pd.DataFrame, gem: pd.DataFrame, boards: pd.DataFrame) -> pd.DataFrame:
    n = len(loc)
    g = gem.loc[loc["gem"].to_numpy()].reset_index(drop=True)
    den = boards["denominatie"].to_numpy()[loc["board"].to_numpy()]
    inst, n_inst = loc["inst"].to_numpy(), int(loc["inst"].max()) + 1  # a name per institution
    deel = rng.integers(len(_NAAMDELEN), size=n_inst)[inst]
    vo_deel = rng.integers(len(_VO_NAAM), size=n_inst)[inst]
    vo_soort = rng.choice(len(_VO_SOORT), size=n_inst, p=(0.35, 0.2, 0.25, 0.08, 0.07, 0.05))[inst]
    names = []
    for i, (t, d) in enumerate(zip(loc["type"], den)):
        if t == "VO":
            base = f"{_VO_NAAM[vo_deel[i]]} {_VO_SOORT[vo_soort[i]]}"
        elif t == "BO":
            base = f"{_PO_PREFIX.get(d, 'Basisschool')} {_NAAMDELEN[deel[i]]}"
        else:
            base = f"{t} {_NAAMDELEN[deel[i]]}"
        names.append(base if loc.at[i, "vest"] == 0 else f"{base}, locatie {g.at[i, 'naam']}")
    nr = rng.integers(1, 250, size=n)
    toev = rng.choice(["", "", "", "", "", "", "", "a", "b", "-2"], size=n)
    pc_digits = 1000 + (gem["code"].astype(int).to_numpy() * 4.4).astype(int)  # like 1234, by municipality
    pc = pc_digits[loc["gem"].to_numpy()] + rng.integers(0, 4, size=n)
    l1, l2 = rng.integers(0, 26, size=n), rng.integers(0, 26, size=n)
    return pd.DataFrame({
        "PROVINCIE": g["provincie"], "BEVOEGD GEZAG NUMMER": boards["nummer"].to_numpy()[loc["board"].to_numpy()],
        "INSTELLINGSCODE": loc["instellingscode"], "VESTIGINGSCODE": loc["vestigingscode"], "VESTIGINGSNAAM": names,
        "STRAATNAAM": np.array(_STRATEN)[rng.integers(len(_STRATEN), size=n)],
        "HUISNUMMER-TOEVOEGING": [f"{a}{b}" for a, b in zip(nr.tolist(), toev.tolist())],
        "POSTCODE": [f"{min(p, 9999)}{chr(65 + a)}{chr(65 + b)}" for p, a, b in zip(pc.tolist(), l1, l2)],
        "PLAATSNAAM": g["naam"].str.upper(), "GEMEENTENUMMER": g["code"], "GEMEENTENAAM": g["naam"],
        "DENOMINATIE": den,
    })


# ------------------------------------------------------------------------------------------ pupils and staff


def _pupil_series(rng: np.random.Generator, loc: pd.DataFrame, years: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per (location, type) with pupils for every year in ``years`` (a matrix, rows x years)."""
    extra_vso = (loc["type"] == "SO").to_numpy() & (rng.random(len(loc)) < 0.5)
    series = pd.concat([loc[["inst", "instellingscode", "vest", "sector", "type"]].assign(loc=loc.index),
                        loc.loc[extra_vso, ["inst", "instellingscode", "vest", "sector"]].assign(
                            type="VSO", loc=loc.index[extra_vso])], ignore_index=True)
    n = len(series)
    base = np.empty(n)
    for t, (med, sigma, lo, hi) in _SIZE.items():
        m = (series["type"] == t).to_numpy()
        base[m] = np.clip(rng.lognormal(np.log(med), sigma, size=m.sum()), lo, hi)
    base[len(loc):] *= 0.6  # the VSO department of an SO location
    bo = np.flatnonzero((series["type"] == "BO").to_numpy())
    if len(bo):
        small = rng.choice(bo, size=max(1, round(0.01 * len(bo))), replace=False)
        base[small] = rng.uniform(8, 45, size=len(small))
    growth = rng.normal(-0.008, 0.015, size=n)
    t = (years - years[0]).astype(float)
    counts = np.rint(base[:, None] * np.exp(growth[:, None] * t[None, :] + rng.normal(0, 0.02, size=(n, len(years)))))
    counts = np.maximum(counts, 1).astype(np.int64)
    vo = np.flatnonzero((series["type"] == "VO").to_numpy())
    if len(vo):
        tiny = rng.choice(vo, size=max(1, round(0.005 * len(vo))), replace=False)
        counts[tiny] = rng.integers(1, 5, size=(len(tiny), len(years)))
    return series, counts


def _suppressed(rng: np.random.Generator, persons: np.ndarray) -> np.ndarray:
    return (persons >= 1) & (persons <= 4) & (rng.random(persons.shape) < _SUPPRESS_P)


def _staff(rng: np.random.Generator, series: pd.DataFrame, counts: np.ndarray, loc: pd.DataFrame,
           boards: pd.DataFrame, sector: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Staff rows (keys) with fte and persons matrices (rows x years) for one sector, BOVENSCHOOLS included."""
    m = (series["sector"] == sector).to_numpy()
    inst = series["inst"].to_numpy()[m]
    uniq, pos = np.unique(inst, return_inverse=True)
    pupils = np.zeros((len(uniq), counts.shape[1]))
    np.add.at(pupils, pos, counts[m])
    first = loc.drop_duplicates("inst").set_index("inst").loc[uniq]
    owtype = first["type"].map(_OWTYPE).to_numpy()
    board = first["board"].to_numpy()
    level = np.exp(rng.normal(0, 0.1, size=(len(uniq), 1)))
    noise = lambda: np.exp(rng.normal(0, 0.04, size=pupils.shape))  # noqa: E731
    op = pupils / np.array([_PUPILS_PER_OP_FTE[t] for t in owtype])[:, None] * level * noise()
    dir_ = ((0.5 + 0.0035 * pupils) if sector == "po" else (1.0 + 0.003 * pupils)) * noise()
    oop = op * np.array([_OOP_PER_OP[t] for t in owtype])[:, None] * noise()
    # BOVENSCHOOLS per board: management and support, a supply pool of teachers on boards with 5+ institutions
    b_uniq, b_pos = np.unique(board, return_inverse=True)
    op_board = np.zeros((len(b_uniq), pupils.shape[1]))
    np.add.at(op_board, b_pos, op)
    n_inst = np.bincount(b_pos)
    main_type = pd.Series(owtype).groupby(b_pos).agg(lambda s: s.value_counts().index[0]).to_numpy()
    bs = {0: (0.8 + 0.01 * op_board) * np.exp(rng.normal(0, 0.06, size=op_board.shape)),
          1: np.where(n_inst[:, None] >= 5, 0.02 * op_board, 0.0),
          2: (0.5 + 0.04 * op_board) * np.exp(rng.normal(0, 0.06, size=op_board.shape))}
    keys, fte, persons = [], [], []
    for g, values in enumerate((dir_, op, oop)):
        ratio = _FTE_PER_PERSON[(sector, g)]
        for codes, btype, bnr, v in ((first["instellingscode"].to_numpy(), owtype, board, values),
                                     (np.full(len(b_uniq), BOVENSCHOOLS), main_type, b_uniq, bs[g])):
            keep = v.max(axis=1) > 0
            p = np.where(v > 0, np.maximum(1, np.rint(v / ratio * np.exp(rng.normal(0, 0.05, size=v.shape)))), 0)
            keys.append(pd.DataFrame({"ONDERWIJSTYPE": btype[keep], "BEVOEGD GEZAG": boards["nummer"].to_numpy()[bnr[keep]],
                                      "INSTELLINGSCODE": codes[keep], "FUNCTIEGROEP": FUNCTIEGROEPEN[g], "_g": g}))
            fte.append(np.round(v[keep], 2))
            persons.append(p[keep].astype(np.int64))
    keys_df = pd.concat(keys, ignore_index=True)
    fte_m, persons_m = np.vstack(fte), np.vstack(persons)
    order = keys_df.assign(_bs=keys_df["INSTELLINGSCODE"] == BOVENSCHOOLS).sort_values(
        ["ONDERWIJSTYPE", "BEVOEGD GEZAG", "_bs", "INSTELLINGSCODE", "_g"], kind="stable").index.to_numpy()
    return keys_df.loc[order].reset_index(drop=True), fte_m[order], persons_m[order]


def _ages(rng: np.random.Generator, keys: pd.DataFrame, persons: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Persons per board x function group x age class (rows) and year (columns)."""
    grp = keys.groupby(["BEVOEGD GEZAG", "_g"], sort=True).indices
    rows, mats = [], []
    for (bnr, g), idx in grp.items():
        total = persons[idx].sum(axis=0)
        split = rng.multinomial(total, _AGE_P[g])  # years x classes
        for k, klasse in enumerate(LEEFTIJDSKLASSEN):
            rows.append((bnr, FUNCTIEGROEPEN[g], klasse))
        mats.append(split.T)
    return pd.DataFrame(rows, columns=list(LEEFTIJD_KOLOMMEN)), np.vstack(mats)


# ------------------------------------------------------------------------------------------ writing


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str, encoding: str) -> bytes:
    buf = StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def _count_text(values: np.ndarray) -> np.ndarray:
    """Counts as DUO prints them: ``<5`` for 1-4."""
    out = values.astype(str)
    out[(values >= 1) & (values <= 4)] = "<5"
    return out


def _write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list[Any]], title: str) -> None:
    from datetime import datetime

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    intro = wb.create_sheet("toelichting")
    intro.calculate_dimension = lambda: "A1:A2"
    intro.append([title])
    intro.append(["Synthetisch bestand (regio_analysis.data.synthetic_national): verzonnen cijfers in DUO's opmaak."])
    ws = wb.create_sheet(sheet)
    # Excel writes the sheet's size (<dimension ref="A1:R17760"/>) at the top, openpyxl's write-only mode does
    # not; without it, openpyxl's read-only reader parses the whole sheet each time the sheet is opened
    ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.calculate_dimension = lambda: ref
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.properties.creator = "regio_analysis (synthetisch)"
    wb.properties.created = datetime(2025, 1, 1)
    with atomic_write(path, "wb") as fh:
        wb.save(fh)


def _staff_rows(keys: pd.DataFrame, values: np.ndarray, hidden: np.ndarray, marker: str) -> Iterable[list[Any]]:
    base = keys[list(PERSONEEL_KOLOMMEN)].to_numpy().tolist()
    vals = values.tolist()
    for i, (b, v) in enumerate(zip(base, vals)):
        b[1] = int(b[1])
        if hidden[i].any():
            v = [marker if h else x for x, h in zip(v, hidden[i])]
        yield b + v


def _regio_yaml(rid: str, naam: str, provincies: list[str], gemeenten: list[str], seed: int) -> str:
    q = lambda items: "[" + ", ".join(json.dumps(x, ensure_ascii=False) for x in items) + "]"  # noqa: E731
    sectoren = ["PO", "(V)SO", "VO"]
    return (f"# Synthetische onderwijsregio (regio_analysis.data.synthetic_national, seed {seed}): verzonnen.\n"
            f"regio_id: {rid}\nnaam: {json.dumps(naam, ensure_ascii=False)}\nsectoren: {q(sectoren)}\n"
            f"provincies: {q(provincies)}\n"
            f"bron: {json.dumps(f'synthetisch: write_national_dataset(seed={seed})')}\n"
            f"samenstelling:\n  gemeenten: {q(gemeenten)}\n  sectoren: {q(sectoren)}\n")


def write_national_dataset(folder: str | Path, *, n_po: int = 6100, n_vo: int = 650, n_besturen: int = 1000,
                           jaren: Iterable[int] = range(2013, 2025), n_regios: int = 50, seed: int = 1) -> dict:
    """Write a synthetic national DUO data set to ``folder/bronnen/`` and ``n_regios`` regions to ``folder/regions/``.

    Returns ``{"bronmap", "regiomap", "bestanden" (key -> path; ``leerlingen_vo``: year -> path),
    "regio_ids", "aantallen" (counts), "parameters", "vestigingen"}``; ``vestigingen`` is a DataFrame of
    every location (``vestigingscode``, ``sector``, ``type``, ``bestuur``, ``gemeentenummer``, ``regio_id``:
    empty in no region; ``spant_regios``: its board has locations in two regions). Same arguments, same
    CSV bytes; the workbooks' cells are the same too (their zip timestamps and save time are not).
    """
    jaren = sorted({int(j) for j in jaren})
    if not jaren or n_po < 1 or n_vo < 1 or n_regios < 1:
        raise ValueError("need at least one year, one PO and one VO location and one region")
    params = {"n_po": n_po, "n_vo": n_vo, "n_besturen": n_besturen, "jaren": jaren, "n_regios": n_regios, "seed": seed}
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    bron, regiomap = folder / "bronnen", folder / "regions"
    names = bestandsnamen(jaren)
    all_years = np.arange(min(jaren[0], EERSTE_PERSONEELSJAAR), jaren[-1] + 1)
    year_col = {j: int(np.flatnonzero(all_years == j)[0]) for j in jaren}

    gem = _geography(rng, n_regios)
    boards = _boards(rng, gem, n_po, n_vo, n_besturen, n_regios)
    loc = _codes(rng, _locations(rng, gem, boards, n_regios))
    adres = _addresses(rng, loc, gem, boards)
    series, counts = _pupil_series(rng, loc, all_years)
    paths: dict[str, Any] = {}

    # addresses
    for s, key, delim, enc in (("po", "vestigingen_po", ",", "utf-8-sig"), ("vo", "vestigingen_vo", ";", "cp1252")):
        part = adres[(loc["sector"] == s).to_numpy()].sort_values(["BEVOEGD GEZAG NUMMER", "VESTIGINGSCODE"])
        if s == "vo":
            part = part.assign(VESTIGINGSCODE=part["VESTIGINGSCODE"].str[4:])
        paths[key] = write_bytes(bron / names[key], _csv_bytes(ADRES_KOLOMMEN, part.to_numpy().tolist(), delim, enc))

    # PO pupils, long
    po = (series["sector"] == "po").to_numpy()
    ps, pc = series[po], counts[po][:, [year_col[j] for j in jaren]]
    long = pd.DataFrame({"INSTELLINGSCODE": np.repeat(ps["instellingscode"].to_numpy(), len(jaren)),
                         "VESTIGINGSCODE": np.repeat([f"{v:02d}" for v in ps["vest"]], len(jaren)),
                         "TYPE_PO": np.repeat(ps["type"].to_numpy(), len(jaren)),
                         "PEILJAAR": np.tile(jaren, len(ps)), "AANTAL_LEERLINGEN": pc.ravel()})
    long = long.sort_values(["PEILJAAR", "INSTELLINGSCODE", "VESTIGINGSCODE", "TYPE_PO"], kind="stable")
    paths["leerlingen_po"] = write_bytes(bron / names["leerlingen_po"],
                                         _csv_bytes(PO_LEERLINGEN_KOLOMMEN, long.to_numpy().tolist(), ",", "utf-8"))

    # VO pupils, one file per year
    vo_loc = loc.index[(loc["sector"] == "vo").to_numpy()].to_numpy()
    vo_series = series.index[(series["sector"] == "vo").to_numpy()].to_numpy()
    a = adres.loc[series.loc[vo_series, "loc"].to_numpy()].reset_index(drop=True)
    order = np.lexsort((a["VESTIGINGSCODE"].to_numpy(), a["BEVOEGD GEZAG NUMMER"].to_numpy()))
    fixed = pd.DataFrame({"BEVOEGD GEZAG NUMMER": a["BEVOEGD GEZAG NUMMER"], "INSTELLINGSCODE": a["INSTELLINGSCODE"],
                          "VESTIGINGSCODE": a["VESTIGINGSCODE"].str[4:], "INSTELLINGSNAAM VESTIGING": a["VESTIGINGSNAAM"],
                          "PLAATSNAAM": a["PLAATSNAAM"], "GEMEENTENUMMER": a["GEMEENTENUMMER"],
                          "GEMEENTENAAM": a["GEMEENTENAAM"], "PROVINCIE": a["PROVINCIE"]}).to_numpy()[order]
    vo_counts = counts[vo_series][order]
    vavo = rng.binomial(vo_counts, 0.003)
    paths["leerlingen_vo"] = {}
    for j in jaren:
        c = year_col[j]
        rows = np.column_stack([fixed, _count_text(vo_counts[:, c]), _count_text(vavo[:, c])]).tolist()
        paths["leerlingen_vo"][j] = write_bytes(bron / names["leerlingen_vo"][j],
                                                _csv_bytes(VO_LEERLINGEN_KOLOMMEN, rows, ";", "cp1252"))

    # staff, persons and fte, and PO staff by age class
    n_staff_rows = {}
    for s in ("po", "vo"):
        keys, fte, persons = _staff(rng, series, counts, loc, boards, s)
        hidden = _suppressed(rng, persons)
        head = list(PERSONEEL_KOLOMMEN)
        for unit, values, marker, label in (("personen", persons, "<5", "PERSONEN"), ("fte", fte, "*", "FTE'S")):
            key = f"personeel_{s}_{unit}"
            _write_xlsx(bron / names[key], PERSONEEL_SHEET[s], head + [f"{label} {y}" for y in all_years.tolist()],
                        list(_staff_rows(keys, values, hidden, marker)),
                        f"Onderwijspersoneel {s.upper()} in {unit}, {all_years[0]}-{all_years[-1]}")
            paths[key] = bron / names[key]
        n_staff_rows[s] = len(keys)
        if s == "po":
            akeys, amat = _ages(rng, keys, persons)
            ahidden = _suppressed(rng, amat)
            text = amat.astype(object)
            text[ahidden] = "<5"
            rows = [[int(k[0]), k[1], k[2], *v] for k, v in zip(akeys.to_numpy().tolist(), text.tolist())]
            paths["personeel_po_leeftijd"] = write_bytes(
                bron / names["personeel_po_leeftijd"],
                _csv_bytes([*LEEFTIJD_KOLOMMEN, *(f"PERSONEN {y}" for y in all_years.tolist())], rows, ",", "utf-8-sig"))

    # regions: the municipalities of each that have a location
    with_loc = set(loc["gem"].tolist())
    ids = [f"regio-{r + 1:0{max(2, len(str(n_regios)))}d}" for r in range(n_regios)]
    for r, rid in enumerate(ids):
        members = gem[(gem["regio"] == r) & gem.index.isin(with_loc)]
        if members.empty:
            members = gem[gem["regio"] == r]
        main = members.loc[members["gewicht"].idxmax(), "naam"]
        provs = [p for p, _ in PROVINCIES if p in set(members["provincie"])]
        write_text(regiomap / rid / "regio.yaml",
                   _regio_yaml(rid, f"Synthetische regio {r + 1} ({main})", provs, members["code"].tolist(), seed))

    regio = gem["regio"].to_numpy()[loc["gem"].to_numpy()]
    vestigingen = pd.DataFrame({
        "vestigingscode": loc["vestigingscode"], "sector": loc["sector"], "type": loc["type"],
        "bestuur": boards["nummer"].to_numpy()[loc["board"].to_numpy()],
        "gemeentenummer": gem["code"].to_numpy()[loc["gem"].to_numpy()],
        "regio_id": [ids[r] if r >= 0 else "" for r in regio], "spant_regios": loc["spanning"]})
    counts_out = {
        "gemeenten": len(gem), "gemeenten_zonder_regio": int((gem["regio"] < 0).sum()),
        "gemeenten_met_vestiging": len(with_loc), "besturen": len(boards),
        "besturen_po": int((boards["sector"] == "po").sum()), "besturen_vo": int((boards["sector"] == "vo").sum()),
        "besturen_over_twee_regios": int(loc.drop_duplicates("board")["spanning"].sum()),
        "instellingen_po": int(loc.loc[loc["sector"] == "po", "inst"].nunique()),
        "instellingen_vo": int(loc.loc[loc["sector"] == "vo", "inst"].nunique()),
        "vestigingen_po": int((loc["sector"] == "po").sum()), "vestigingen_vo": len(vo_loc),
        "vestigingen_zonder_regio": int((regio < 0).sum()), "regios": n_regios,
        "rijen_leerlingen_po": len(long), "rijen_personeel_po": n_staff_rows["po"],
        "rijen_personeel_vo": n_staff_rows["vo"], "jaren": jaren,
        "personeelsjaren": [int(all_years[0]), int(all_years[-1])],
    }
    return {"bronmap": bron, "regiomap": regiomap, "bestanden": paths, "regio_ids": ids, "aantallen": counts_out,
            "parameters": params, "vestigingen": vestigingen}
