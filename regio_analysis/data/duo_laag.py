"""The DUO layer: every region's core tables derived from DUO's national open-data files.

A region with a ``samenstelling:`` block in its ``regio.yaml`` (municipalities, boards, locations
and/or provinces, and sectors) is matched against DUO's list of school locations. From the national
files the layer derives, per region and in the same way for the whole country and for each of the
region's provinces:

- ``leerlingen``: pupils per year and school type, summed over the region's locations;
- ``personeel``: staff per function group in persons and fte (and per age class, sex or contract type
  when DUO's files give them). DUO publishes staff per institution (BRIN) and board, not per location,
  so staff is allocated by a stated rule: an institution's staff goes to a region in proportion to the
  institution's pupils in that region (all of it when all its locations lie inside); staff employed
  above the schools (``BOVENSCHOOLS``) in proportion to the board's pupils. The rule and every split
  institution or board are written into ``herkomst.json``.

The tables are written to ``<regiomap>/duo/`` (kept apart from the hand-transcribed tables of the
published layer) with ``herkomst.json`` naming every file and its sha256; ``load_region`` reads them
into ``RegionData.duo``. Locations in no region and locations claimed by two regions are listed in
``<data_dir>/duo-toewijzing.csv``. Suppressed source cells (``<5``, ``*``) are never read as zero: a
sum leaves them out and says how many it left out (``cellen_onderdrukt``), so it is a lower bound.
"""
from __future__ import annotations

import json
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.io import duo_adressen, duo_correcties
from regio_analysis.io.duo_labels import gemeentecode
from regio_analysis.io.files import make_dir, read_text, remove_file, sha256_of, write_csv, write_text
from regio_analysis.data.regions import HERKOMST_BESTAND, LAAG_MAP, available_region_ids, read_regio_yaml

__all__ = ["LAAG_MAP", "TOEWIJZING_BESTAND", "NationalFiles", "BuildResult", "read_national",
           "assign_locations", "build_layers", "SECTOR_SOORTEN"]

#: every location with the region(s) it was assigned to, at the root of the data tree
TOEWIJZING_BESTAND = "duo-toewijzing.csv"

#: a region's sector -> the school types (``soort``) of DUO's pupil and staff files it covers
SECTOR_SOORTEN: dict[str, tuple[str, ...]] = {
    "PO": ("bao", "sbo", "po"),
    "(V)SO": ("so", "vso", "so_vso"),
    "VO": ("vo",),
    "MBO": ("mbo",),
}
#: which address file (``sector`` of a location: po or vo) a region's sector draws on
_SECTOR_LOCATIONS = {"PO": "po", "(V)SO": "po", "VO": "vo", "MBO": "mbo"}

#: spellings of province names that mean the same province
_PROVINCIE_ALIAS = {"fryslan": "friesland"}

REGEL_LEERLINGEN = "leerlingen per vestiging, opgeteld over de vestigingen van de regio"
REGEL_PERSONEEL = (
    "personeel per instelling (BRIN) naar de regio in verhouding tot de leerlingen van de instelling in de "
    "regio (helemaal als alle vestigingen erin liggen); bovenschools personeel naar het leerlingenaandeel van "
    "het bestuur; jaren zonder leerlingentelling krijgen het aandeel van het dichtstbijzijnde jaar")


def _key(text: object) -> str:
    """Compare names without case, accents, apostrophes, hyphens or spaces ('s-Hertogenbosch)."""
    t = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().casefold()
    t = "".join(ch for ch in t if ch.isalnum())
    return _PROVINCIE_ALIAS.get(t, t)


# ------------------------------------------------------------------------------------------ the national files

@dataclass
class NationalFiles:
    """DUO's national files as canonical frames, with every file named and hashed."""

    vestigingen: pd.DataFrame
    leerlingen: pd.DataFrame
    personeel: pd.DataFrame
    bestanden: list[dict] = field(default_factory=list)
    correcties: list[dict] = field(default_factory=list)


_DATA_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def _listed_files(bronmap: Path) -> list[dict]:
    """The files of a fetched cache (its manifest) or, without one, every data file in the folder."""
    manifest = bronmap / "manifest.json"
    if manifest.is_file():
        try:
            entries = json.loads(read_text(manifest).text)
        except ValueError as err:
            raise DataError(Problem(str(manifest), f"geen geldige JSON: {err}")) from None
        entries = entries.get("bestanden", entries) if isinstance(entries, dict) else entries
        files = []
        for e in entries:
            path = bronmap / str(e["naam"])
            if not path.is_file():
                raise DataError(Problem(str(manifest), f"{e['naam']} staat in het manifest maar niet in de map"))
            files.append({**e, "pad": path})
        return files
    paths = sorted(p for p in bronmap.iterdir() if p.suffix.lower() in _DATA_SUFFIXES and not p.name.startswith(("~", "."))
                   and not p.name.startswith("correcties"))
    return [{"naam": p.name, "pad": p} for p in paths]


def read_national(bronmap: str | Path, *, voortgang: Callable[[str], None] | None = None) -> NationalFiles:
    """Read DUO's national files in ``bronmap`` (a fetched cache or any folder of DUO files).

    Every file's layout is recognised from its headers and name. A ``correcties*.csv`` in the folder
    holds corrections to the staff files (DUO's errata); they are applied and listed.
    """
    bronmap = Path(bronmap)
    if not bronmap.is_dir():
        raise DataError(Problem(str(bronmap), "map met DUO-bestanden niet gevonden; haal ze op met "
                                              "'regio-analysis ophalen' of geef de map waarin ze staan"))
    frames: dict[str, list[pd.DataFrame]] = {"vestigingen": [], "leerlingen_po": [], "leerlingen_po_historie": [],
                                             "leerlingen_vo": [], "personeel": []}
    bestanden = []
    problems: list[Problem] = []
    for entry in _listed_files(bronmap):
        path = entry["pad"]
        try:
            soort = entry.get("soort") or duo_adressen.duo_layout(path)
            if soort not in frames:
                raise DataError(Problem(str(path), f"onbekende soort {soort!r}"))
            if voortgang:
                voortgang(f"{path.name} ({soort})")
            df = duo_adressen.read_duo(path, layout=soort)
        except DataError as err:
            problems.extend(err.problems)
            continue
        digest = str(df["sha256"].iloc[0]) if "sha256" in df.columns and len(df) else sha256_of(path)
        if entry.get("sha256") and entry["sha256"] != digest:
            problems.append(Problem(str(path), f"het bestand is veranderd sinds het is opgehaald (sha256 {digest[:12]}…, "
                                               f"manifest {str(entry['sha256'])[:12]}…); haal het opnieuw op met "
                                               "'regio-analysis ophalen --opnieuw'"))
            continue
        frames[soort].append(df)
        bestanden.append({"naam": path.name, "soort": soort, "sha256": digest,
                          **{k: entry[k] for k in ("url", "datum") if entry.get(k)}})
    if problems:
        raise DataError(problems)
    if not frames["vestigingen"]:
        raise DataError(Problem(str(bronmap), "geen adressenbestand van vestigingen (zoals vestigingenbo.csv of "
                                              "02.-alle-vestigingen-vo.csv): zonder kan geen vestiging aan een regio "
                                              "worden toegewezen"))
    vestigingen = pd.concat(frames["vestigingen"], ignore_index=True)
    dup = vestigingen["vestigingscode"].duplicated(keep=False)
    if dup.any():
        codes = ", ".join(sorted(set(vestigingen.loc[dup, "vestigingscode"]))[:5])
        raise DataError(Problem(str(bronmap), f"vestiging(en) {codes} staan in meer dan één adressenbestand"))
    # the long PO file where present; the history file only for years the long file lacks
    po = pd.concat(frames["leerlingen_po"], ignore_index=True) if frames["leerlingen_po"] else None
    hist = pd.concat(frames["leerlingen_po_historie"], ignore_index=True) if frames["leerlingen_po_historie"] else None
    if po is not None and hist is not None:
        hist = hist[~hist["peiljaar"].isin(set(po["peiljaar"]))]
    parts = [f for f in (po, hist) if f is not None] + frames["leerlingen_vo"]
    leerlingen = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["peiljaar", "soort", "aantal", "onderdrukt", "vestigingscode"])
    personeel = pd.concat(frames["personeel"], ignore_index=True) if frames["personeel"] else pd.DataFrame(
        columns=["peiljaar", "functiegroep", "eenheid", "kenmerk", "categorie", "waarde", "onderdrukt",
                 "bestuur_id", "instellingscode", "onderwijstype", "bovenschools"])
    correcties: list[dict] = []
    for path in sorted(bronmap.glob("correcties*.csv")):
        personeel = duo_correcties.apply_corrections(personeel, path)
        correcties.extend(personeel.attrs.get("correcties", []))
        bestanden.append({"naam": path.name, "soort": "correcties", "sha256": sha256_of(path)})
    if "bovenschools" not in personeel.columns:
        personeel["bovenschools"] = False
    return NationalFiles(vestigingen, leerlingen, personeel, bestanden, correcties)


# ------------------------------------------------------------------------------------------ composition

def _groups_of(meta: dict) -> tuple[str, ...]:
    """The location sectors (po, vo, mbo) a region's sectors draw on."""
    return tuple(sorted({_SECTOR_LOCATIONS[s] for s in meta["samenstelling"]["sectoren"]}))


def assign_locations(vestigingen: pd.DataFrame, regions: dict[str, dict],
                     soorten: pd.Series | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Which locations belong to which region: one row per (vestigingscode, regio_id).

    ``regions`` maps a region id to its ``regio.yaml`` (with ``samenstelling``). A location belongs to
    a region when its sector is one of the region's, its school types (``soorten``: vestigingscode -> the
    set of types it has pupils of; a location without pupil counts is judged by its sector alone) meet the
    region's, and its municipality (code or name), board, BRIN6 or province is listed. Names of municipalities or provinces that match no location are
    returned as problems (warnings), so a misspelling does not silently shrink a region.
    """
    v = vestigingen
    gm_code = v["gemeentenummer"].astype(str)
    gm_key = v["gemeentenaam"].map(_key)
    prov_key = v["provincie"].map(_key)
    rows, problems = [], []
    for rid, meta in regions.items():
        comp = meta["samenstelling"]
        mask = np.zeros(len(v), dtype=bool)
        for item in comp["gemeenten"]:
            code = gemeentecode(item) or None  # a CBS code ('0106', '106', 'GM0106'); None for a name
            hit = (gm_code == code).to_numpy() if code else (gm_key == _key(item)).to_numpy()
            if not hit.any():
                problems.append(Problem(f"{rid}/regio.yaml", f"gemeente {item!r} uit 'samenstelling' komt in geen "
                                                             "enkele vestiging van DUO voor (spelling, of een "
                                                             "opgeheven gemeente?)", severity="warning"))
            mask |= hit
        for item in comp["provincies"]:
            hit = (prov_key == _key(item)).to_numpy()
            if not hit.any():
                problems.append(Problem(f"{rid}/regio.yaml", f"provincie {item!r} uit 'samenstelling' komt in geen "
                                                             "enkele vestiging voor", severity="warning"))
            mask |= hit
        mask |= v["bestuur_id"].astype(str).isin({str(b) for b in comp["besturen"]}).to_numpy()
        mask |= v["vestigingscode"].isin({str(c).upper() for c in comp["vestigingen"]}).to_numpy()
        # an address file whose name gives no sector (""): the location's pupil types decide alone
        mask &= (v["sector"].isin(_groups_of(meta)) | (v["sector"] == "")).to_numpy()
        if soorten is not None:
            mine = _soorten(meta)
            has = v["vestigingscode"].map(soorten)
            mask &= has.map(lambda s: not isinstance(s, (set, frozenset)) or bool(s & mine)).to_numpy(dtype=bool)
        rows.append(pd.DataFrame({"vestigingscode": v.loc[mask, "vestigingscode"].to_numpy(), "regio_id": rid}))
    cols = ["vestigingscode", "regio_id"]
    return (pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)), problems


def toewijzing_table(vestigingen: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """Every location with its region(s) and a status: toegewezen, geen regio, meer regio's."""
    per = assigned.groupby("vestigingscode")["regio_id"].agg(lambda s: ";".join(sorted(s)))
    out = vestigingen[["vestigingscode", "naam", "sector", "bestuur_id", "gemeentenummer", "gemeentenaam",
                       "provincie"]].copy()
    out["regio_ids"] = out["vestigingscode"].map(per).fillna("")
    n = out["regio_ids"].str.count(";").where(out["regio_ids"] != "", -1) + 1
    out["status"] = np.select([n == 0, n == 1], ["geen regio", "toegewezen"], "meer regio's")
    return out.sort_values(["status", "vestigingscode"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------ derivation

def _provincie_groep(naam: str) -> str:
    return f"provincie:{naam}"


def _groups(national: NationalFiles, assigned: pd.DataFrame, provincies: Iterable[str]) -> pd.DataFrame:
    """(vestigingscode, groep) for every region ('regio:<id>') and every province asked for; the
    country is every location and is summed directly."""
    v = national.vestigingen
    wanted = {_key(p): p for p in provincies}
    prov = v["provincie"].map(_key)
    in_prov = prov.isin(set(wanted))
    parts = [
        pd.DataFrame({"vestigingscode": assigned["vestigingscode"].to_numpy(),
                      "groep": "regio:" + assigned["regio_id"].astype(str).to_numpy()}),
        pd.DataFrame({"vestigingscode": v.loc[in_prov, "vestigingscode"].to_numpy(),
                      "groep": [_provincie_groep(wanted[k]) for k in prov[in_prov]]}),
    ]
    return pd.concat(parts, ignore_index=True)


def _pupils(national: NationalFiles, groups: pd.DataFrame) -> pd.DataFrame:
    """Pupils per groep, year and school type; suppressed cells counted, not added."""
    ll = national.leerlingen[["peiljaar", "soort", "aantal", "onderdrukt", "vestigingscode"]]
    per_group = ll.merge(groups, on="vestigingscode")
    land = ll.assign(groep="landelijk")
    both = pd.concat([per_group, land], ignore_index=True)
    return both.groupby(["groep", "peiljaar", "soort"], sort=True).agg(
        aantal=("aantal", "sum"), cellen_onderdrukt=("onderdrukt", "sum"),
        vestigingen=("vestigingscode", "nunique")).reset_index()


def _shares(national: NationalFiles, groups: pd.DataFrame, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each unit's (instellingscode or bestuur_id) share per groep: by pupils per year, and by number of
    locations (the fallback for a unit without counted pupils)."""
    v = national.vestigingen[["vestigingscode", "instellingscode", "bestuur_id"]]
    ll = national.leerlingen[["peiljaar", "aantal", "vestigingscode"]].merge(v, on="vestigingscode", how="left")
    ll["instellingscode"] = ll["instellingscode"].fillna(ll["vestigingscode"].str[:4])
    ll = ll[ll[unit].notna() & (ll[unit].astype(str) != "")]
    total = ll.groupby([unit, "peiljaar"])["aantal"].sum().rename("totaal")
    part = ll.merge(groups, on="vestigingscode").groupby(["groep", unit, "peiljaar"])["aantal"].sum().rename("deel")
    by_pupils = part.reset_index().join(total, on=[unit, "peiljaar"])
    by_pupils = by_pupils[by_pupils["totaal"] > 0]
    by_pupils = by_pupils.assign(aandeel=by_pupils["deel"] / by_pupils["totaal"])[["groep", unit, "peiljaar", "aandeel"]]
    vv = v[v[unit].astype(str) != ""]
    n_total = vv.groupby(unit).size().rename("totaal")
    n_part = vv.merge(groups, on="vestigingscode").groupby(["groep", unit]).size().rename("deel").reset_index()
    by_count = n_part.join(n_total, on=unit)
    by_count = by_count.assign(aandeel=by_count["deel"] / by_count["totaal"])[["groep", unit, "aandeel"]]
    return by_pupils, by_count


def _nearest_year(rows: pd.DataFrame, by_pupils: pd.DataFrame, unit: str) -> pd.DataFrame:
    """``rows`` with ``jaar_aandeel``: for each unit and staff year, the nearest year in which that unit
    has counted pupils (the year itself when it has them)."""
    wanted = rows[[unit, "peiljaar"]].drop_duplicates().astype({"peiljaar": "int64"}).sort_values("peiljaar")
    have = by_pupils[[unit, "peiljaar"]].drop_duplicates().astype({"peiljaar": "int64"})
    have = have.rename(columns={"peiljaar": "jaar_aandeel"}).sort_values("jaar_aandeel")
    pairs = pd.merge_asof(wanted, have, left_on="peiljaar", right_on="jaar_aandeel", by=unit, direction="nearest")
    return rows.merge(pairs.dropna(subset=["jaar_aandeel"]).astype({"jaar_aandeel": "int64"}),
                      on=[unit, "peiljaar"], how="left")


def _staff(national: NationalFiles, groups: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Staff per groep, year, school type, function group, unit and characteristic (allocated by
    :data:`REGEL_PERSONEEL`), the split units, and the staff that could not be allocated."""
    key = ["peiljaar", "onderwijstype", "functiegroep", "eenheid", "kenmerk", "categorie"]
    p = national.personeel[[*key, "waarde", "onderdrukt", "instellingscode", "bestuur_id"]].copy()
    if p.empty:
        empty = pd.DataFrame(columns=["groep"] + key + ["waarde", "cellen_onderdrukt"])
        return empty, pd.DataFrame(columns=["groep", "eenheid_code", "code", "peiljaar", "aandeel"]), p
    p["instellingscode"] = p["instellingscode"].fillna("").astype(str)
    p["bestuur_id"] = p["bestuur_id"].fillna("").astype(str)
    p["_rij"] = np.arange(len(p))
    allocated, splits = [], []
    for unit, rows in (("instellingscode", p[p["instellingscode"] != ""]),
                       ("bestuur_id", p[(p["instellingscode"] == "") & (p["bestuur_id"] != "")])):
        by_pupils, by_count = _shares(national, groups, unit)
        rows = _nearest_year(rows, by_pupils, unit)
        a = rows.merge(by_pupils.rename(columns={"peiljaar": "jaar_aandeel"}), on=[unit, "jaar_aandeel"])
        covered = set(by_pupils[unit])
        b = rows[~rows[unit].isin(covered)].merge(by_count, on=unit)
        allocated += [a, b]
        s = by_pupils[by_pupils["aandeel"] < 1 - 1e-12].rename(columns={unit: "code"})
        splits.append(s.assign(eenheid_code=unit))
    alloc = pd.concat(allocated, ignore_index=True)
    placed = np.isin(p["_rij"].to_numpy(), alloc["_rij"].unique()) | np.isin(p["_rij"].to_numpy(), _in_any_group(p, national))
    nowhere = p[~placed]
    cols = ["groep", *key, "waarde", "_onderdrukt"]
    alloc = alloc.assign(waarde=alloc["waarde"] * alloc["aandeel"],
                         _onderdrukt=alloc["onderdrukt"].astype(bool) & (alloc["aandeel"] > 0))[cols]
    land = p.assign(groep="landelijk", _onderdrukt=p["onderdrukt"].astype(bool))[cols]
    both = pd.concat([alloc, land], ignore_index=True)
    both["onderwijstype"] = both["onderwijstype"].fillna("")
    for col in ["groep", *key]:  # grouping on categories: a national staff table has a million rows here
        both[col] = both[col].astype("category")
    out = both.groupby(["groep"] + key, sort=True, observed=True).agg(
        waarde=("waarde", "sum"), cellen_onderdrukt=("_onderdrukt", "sum")).reset_index()
    for col in ["groep", *key]:
        out[col] = out[col].astype(object if col != "peiljaar" else int)
    split = pd.concat(splits, ignore_index=True) if splits else pd.DataFrame()
    return out, split, nowhere


def _in_any_group(p: pd.DataFrame, national: NationalFiles) -> np.ndarray:
    """Staff rows whose institution or board has a location somewhere (so they could be allocated to a
    region, even if none claims them); the rest belong to no known location at all."""
    v = national.vestigingen
    ok = p["instellingscode"].isin(set(v["instellingscode"])) | (
        (p["instellingscode"] == "") & p["bestuur_id"].isin(set(v["bestuur_id"].astype(str))))
    return p.loc[ok, "_rij"].to_numpy()


def _soorten(meta: dict) -> set[str]:
    return {s for sector in meta["samenstelling"]["sectoren"] for s in SECTOR_SOORTEN[sector]}


def _bron(meta_files: list[dict], regel: str) -> str:
    names = ", ".join(sorted({f["naam"] for f in meta_files if f["soort"] != "vestigingen"} or {"-"}))
    return f"DUO open onderwijsdata ({names}); berekend: {regel}"


def _niveau(groep: str) -> str:
    return "regio" if groep.startswith("regio:") else groep


def _region_tables(rid: str, meta: dict, pupils: pd.DataFrame, staff: pd.DataFrame,
                   national: NationalFiles) -> tuple[pd.DataFrame, pd.DataFrame]:
    soorten = _soorten(meta)
    wanted = {f"regio:{rid}", "landelijk"} | {_provincie_groep(p) for p in meta.get("provincies") or []}
    ll = pupils[pupils["groep"].isin(wanted) & pupils["soort"].isin(soorten)]
    pupil_files = [f for f in national.bestanden if f["soort"].startswith("leerlingen") or f["soort"] == "vestigingen"]
    leerlingen = pd.DataFrame({
        "peiljaar": ll["peiljaar"].astype(int), "soort": ll["soort"], "aantal": ll["aantal"].astype(float),
        "prognose": False, "vestigingscode": "", "niveau": ll["groep"].map(_niveau), "onderdrukt": False,
        "bron": _bron(pupil_files, REGEL_LEERLINGEN),
        "cellen_onderdrukt": ll["cellen_onderdrukt"].astype(int), "vestigingen": ll["vestigingen"].astype(int),
    })
    st = staff[staff["groep"].isin(wanted) & (staff["onderwijstype"].isin(soorten) | (staff["onderwijstype"] == ""))]
    st = st.groupby(["groep", "peiljaar", "functiegroep", "eenheid", "kenmerk", "categorie"], sort=True).agg(
        waarde=("waarde", "sum"), cellen_onderdrukt=("cellen_onderdrukt", "sum")).reset_index()
    staff_files = [f for f in national.bestanden if f["soort"] in ("personeel", "correcties")]
    personeel = pd.DataFrame({
        "peiljaar": st["peiljaar"].astype(int), "functiegroep": st["functiegroep"], "eenheid": st["eenheid"],
        "kenmerk": st["kenmerk"], "categorie": st["categorie"], "niveau": st["groep"].map(_niveau),
        "waarde": st["waarde"].astype(float), "bron": _bron(staff_files, REGEL_PERSONEEL), "onderdrukt": False,
        "cellen_onderdrukt": st["cellen_onderdrukt"].astype(int),
    })
    # in the canonical order; ``load_region`` validates the tables as it reads them (``schemas.conform``)
    return (leerlingen.sort_values(["niveau", "peiljaar", "soort"]).reset_index(drop=True),
            personeel.sort_values(["niveau", "peiljaar", "functiegroep", "eenheid", "kenmerk", "categorie"])
            .reset_index(drop=True))


@dataclass
class BuildResult:
    """What ``build_layers`` did: the regions written, the location assignment, and the warnings."""

    regios: list[str]
    toewijzing: pd.DataFrame
    waarschuwingen: list[Problem]
    bestanden: list[dict]
    seconden: float = 0.0

    @property
    def niet_toegewezen(self) -> pd.DataFrame:
        return self.toewijzing[self.toewijzing["status"] == "geen regio"]

    @property
    def dubbel(self) -> pd.DataFrame:
        return self.toewijzing[self.toewijzing["status"] == "meer regio's"]


def _regions_with_composition(data_dir: Path, regio_ids: Iterable[str] | None) -> dict[str, dict]:
    ids = list(regio_ids) if regio_ids is not None else available_region_ids(data_dir)
    metas, problems = {}, []
    for rid in ids:
        try:
            meta = read_regio_yaml(data_dir / rid)
        except DataError as err:
            problems.extend(err.problems)
            continue
        if meta.get("samenstelling"):
            metas[rid] = meta
    if problems:
        raise DataError(problems)
    return metas


def build_layers(bronmap: str | Path, data_dir: str | Path, regio_ids: Iterable[str] | None = None, *,
                 voortgang: Callable[[str], None] | None = None) -> BuildResult:
    """Derive the DUO layer of every region (with a ``samenstelling``) under ``data_dir`` from the national
    files in ``bronmap``; write ``<regio>/duo/`` and ``duo-toewijzing.csv``. Returns a :class:`BuildResult`."""
    start = time.perf_counter()
    data_dir = Path(data_dir)
    say = voortgang or (lambda _msg: None)
    # every region with a composition takes part in the assignment (so the list of locations in no region
    # or in two stays true); only the regions asked for are written
    regions = _regions_with_composition(data_dir, None)
    chosen = list(regions) if regio_ids is None else [r for r in regio_ids if r in regions]
    unknown = [] if regio_ids is None else [r for r in regio_ids if r not in regions]
    if unknown:
        raise DataError(Problem(str(data_dir), f"geen regio met 'samenstelling:' in regio.yaml: {', '.join(unknown)}"))
    if not regions:
        raise DataError(Problem(str(data_dir), "geen regio met 'samenstelling:' in regio.yaml; zonder samenstelling "
                                               "(gemeenten, besturen, vestigingen of provincies) kan niets uit DUO "
                                               "worden berekend"))
    national = read_national(bronmap, voortgang=lambda m: say(f"lezen: {m}"))
    types = national.leerlingen.groupby("vestigingscode")["soort"].agg(frozenset)
    assigned, warnings = assign_locations(national.vestigingen, regions, types)
    provincies = {p for meta in regions.values() for p in meta.get("provincies") or []}
    groups = _groups(national, assigned, provincies)
    say("leerlingen en personeel per regio optellen")
    pupils = _pupils(national, groups)
    staff, splits, nowhere = _staff(national, groups)
    toewijzing = toewijzing_table(national.vestigingen, assigned)
    for rid in chosen:
        meta = regions[rid]
        leerlingen, personeel = _region_tables(rid, meta, pupils, staff, national)
        folder = make_dir(data_dir / rid / LAAG_MAP)
        for name, df in (("leerlingen", leerlingen), ("personeel", personeel)):
            path = folder / f"{name}.csv"
            if not df.empty:
                write_csv(df, path)
            elif path.is_file():  # no longer derivable (the files lack it): an old table must not linger
                remove_file(path)
        mine = splits[splits["groep"] == f"regio:{rid}"] if not splits.empty else splits
        last = mine[mine["peiljaar"] == mine["peiljaar"].max()] if not mine.empty else mine
        herkomst = {
            "soort": "berekend uit DUO",
            "bestanden": national.bestanden,
            "regels": {"leerlingen": REGEL_LEERLINGEN, "personeel": REGEL_PERSONEEL},
            "samenstelling": meta["samenstelling"],
            "vestigingen": int((assigned["regio_id"] == rid).sum()),
            "gedeeld_met_andere_regios": [
                {"soort": "instelling" if r.eenheid_code == "instellingscode" else "bestuur", "code": str(r.code),
                 "peiljaar": int(r.peiljaar), "aandeel": round(float(r.aandeel), 4)}
                for r in last.sort_values(["eenheid_code", "code"]).itertuples()],
            "correcties": national.correcties,
        }
        write_text(folder / HERKOMST_BESTAND, json.dumps(herkomst, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        say(f"{rid}: {herkomst['vestigingen']} vestigingen")
    write_csv(toewijzing, data_dir / TOEWIJZING_BESTAND)
    if len(nowhere):
        warnings.append(Problem(str(bronmap), f"{len(nowhere)} personeelsregels horen bij een instelling of bestuur "
                                              "zonder vestiging in het adressenbestand; ze tellen alleen landelijk mee",
                                severity="warning"))
    return BuildResult(sorted(chosen), toewijzing, warnings, national.bestanden, time.perf_counter() - start)

