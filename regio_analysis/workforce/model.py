"""Strategic personnel planning (SPP): demand, a stock-flow projection of supply, scenarios.

The model, per function group (OP, OOP, DIR) and projection year ``t``:

* **Demand** ``benodigd[t] = sum over school types s of leerlingen[t, s] / leerlingen_per_fte[s]``.
  Groups without a pupil driver keep the base year's demand (``vraag_constant``).
* **Supply** ``voorraad[t] = voorraad[t-1] + instroom[t] - uitstroom[t]``, with
  ``instroom[t] = instroom_pct[t] / 100 * basis`` and ``uitstroom[t] = uitstroom_pct[t] / 100 * basis``.
  The *base* of the rates is stated in :attr:`WorkforceInputs.basis_stromen`: ``"voorraad"``
  (the stock at the start of the year, as DUO and Centerdata measure flows; the default) or
  ``"vraag"`` (the same year's demand, the convention of some published projections).
  With an age distribution of the stock, retirement is modelled on its own: the stock ages one
  year per year and whoever reaches ``pensioenleeftijd`` leaves; ``uitstroom_pct`` is then the
  outflow *other than* retirement. Entrants join with the ages of ``instroom_leeftijden``.
* **Shortage** ``tekort[t] = benodigd[t] - voorraad[t]`` (negative: a surplus). With
  ``saldo="per_jaar"`` a group's shortage is the year's net outflow only (the stock is reset to
  demand every year); that is how some publications report it, not a stock-flow model.
* **Unfilled employment** ``onvervuld[t] = onvervuld_pct[t] / 100 * benodigd[t]``;
  ``te_vervullen_fte = max(tekort + onvervuld, 0)`` and
  ``te_vervullen_personen = te_vervullen_fte / fte_per_persoon``.

Inputs come from a region's published tables or from its employment spells
(:func:`inputs_from_region`, :func:`rates_from_spells`); every input carries its source in
``WorkforceInputs.bronnen``. :func:`project` runs a named scenario, :func:`sensitivity` a
one-at-a-time sensitivity analysis, and :func:`reproduce_published` recomputes a region's
published projection table with the publication's own conventions and lists where the
publication contradicts itself.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from regio_analysis.data.region import kengetal_rijen
from regio_analysis.errors import DataError, Problem
from regio_analysis.report.format import SCHOOLSOORT_LABELS, fmt_getal as _nl

GROEPEN = ("OP", "OOP", "DIR")
INDICATOREN = ("benodigd_fte", "voorraad_fte", "instroom_fte", "uitstroom_fte", "pensioen_fte", "tekort_fte",
               "onvervuld_fte", "te_vervullen_fte", "te_vervullen_personen")
#: Drivers a scenario can scale (factor) and rates it can shift (``<rate>_pp``, percentage points).
DRIVERS = ("leerlingen", "leerlingen_per_fte", "instroom", "uitstroom", "onvervuld", "fte_per_persoon")
RATES = ("instroom", "uitstroom", "onvervuld")
DRIVER_LABELS = {
    "leerlingen": "leerlingaantallen",
    "leerlingen_per_fte": "leerlingen per fte",
    "instroom": "instroompercentage",
    "uitstroom": "uitstroompercentage",
    "onvervuld": "onvervulde werkgelegenheid",
    "fte_per_persoon": "fte per persoon",
    "pensioenleeftijd": "pensioenleeftijd",
}
PENSIOENLEEFTIJD = 67
#: Domains of scenario values: a factor on a driver, and a shift of a percentage in points.
MAX_FACTOR = 10.0
MAX_PP = 100.0
DAYS_PER_YEAR = 365.25


# ------------------------------------------------------------------ inputs and scenarios


@dataclass
class WorkforceInputs:
    """Everything a projection needs; tidy frames, one source note per input.

    ``tarieven`` has columns ``jaar, functiegroep, instroom, uitstroom, onvervuld`` in percent;
    ``ratio`` has ``functiegroep, soort, leerlingen_per_fte``; ``leerlingen`` has
    ``jaar, soort, aantal``; ``leeftijd`` (optional) ``functiegroep, leeftijd, fte``.
    """

    basisjaar: int
    jaren: tuple[int, ...]
    voorraad: dict[str, float]
    tarieven: pd.DataFrame
    leerlingen: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["jaar", "soort", "aantal"]))
    ratio: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["functiegroep", "soort", "leerlingen_per_fte"]))
    vraag_constant: dict[str, float] = field(default_factory=dict)
    fte_per_persoon: dict[str, float] = field(default_factory=dict)
    leeftijd: pd.DataFrame | None = None
    pensioenleeftijd: int = PENSIOENLEEFTIJD
    instroom_leeftijden: tuple[int, int] = (25, 35)
    basis_stromen: str = "voorraad"
    saldo: dict[str, str] = field(default_factory=dict)  # per group: "cumulatief" (default) or "per_jaar"
    afronden: bool = False  # round every stage to whole fte, as publications do
    bronnen: list[str] = field(default_factory=list)
    voorraad_jaar: dict[str, int] = field(default_factory=dict)  # per group: the year of a published count

    def __post_init__(self):
        problems = []
        if self.basis_stromen not in ("voorraad", "vraag"):
            problems.append(f"basis_stromen moet 'voorraad' of 'vraag' zijn, niet {self.basis_stromen!r}")
        if not self.jaren or min(self.jaren) <= self.basisjaar:
            problems.append(f"projectiejaren {self.jaren} moeten na het basisjaar {self.basisjaar} liggen")
        for g, v in self.voorraad.items():
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                problems.append(f"voorraad {g} = {v!r}: moet een getal ≥ 0 zijn")
        missing = [c for c in ("jaar", "functiegroep", *RATES) if c not in self.tarieven.columns]
        if missing:
            problems.append(f"tarieven mist kolom(men) {missing}")
        if problems:
            raise DataError([Problem("<invoer SPP>", p) for p in problems])

    @property
    def groepen(self) -> list[str]:
        return [g for g in GROEPEN if g in self.voorraad]


@dataclass(frozen=True)
class Scenario:
    """A named change of drivers: ``factoren`` multiply, ``pp`` shift rates (percentage points)."""

    naam: str
    label: str = ""
    factoren: Mapping[str, float] = field(default_factory=dict)
    pp: Mapping[str, float] = field(default_factory=dict)
    pensioenleeftijd: int | None = None

    def apply(self, inputs: WorkforceInputs) -> WorkforceInputs:
        f = {d: float(self.factoren.get(d, 1.0)) for d in DRIVERS}
        tar = inputs.tarieven.copy()
        for r in RATES:
            tar[r] = (tar[r] * f[r] + float(self.pp.get(r, 0.0))).clip(lower=0)
            if (tar[r] > 100).any():
                raise DataError(Problem(f"<scenario {self.naam}>", f"{r}percentage komt boven 100% "
                                                                  f"({tar[r].max():.1f}); pas het scenario aan",
                                        column=r))
        pupils = inputs.leerlingen.copy()
        pupils["aantal"] = pupils["aantal"] * f["leerlingen"]
        ratio = inputs.ratio.copy()
        ratio["leerlingen_per_fte"] = ratio["leerlingen_per_fte"] * f["leerlingen_per_fte"]
        # a group without a pupil driver: its demand moves with the pupil factor divided by the ratio factor
        constant = {g: v * f["leerlingen"] / f["leerlingen_per_fte"] for g, v in inputs.vraag_constant.items()}
        return dataclasses.replace(
            inputs, tarieven=tar, leerlingen=pupils, ratio=ratio, vraag_constant=constant,
            fte_per_persoon={g: v * f["fte_per_persoon"] for g, v in inputs.fte_per_persoon.items()},
            pensioenleeftijd=self.pensioenleeftijd or inputs.pensioenleeftijd)


#: The default scenarios. ``laag``: a smaller shortage than the base (fewer pupils, more inflow,
#: less outflow); ``hoog``: a larger one. Ten per cent on the flows, two on pupils.
SCENARIOS: dict[str, Scenario] = {
    "basis": Scenario("basis", "basis: invoer zoals gegeven"),
    "laag": Scenario("laag", "laag: 2% minder leerlingen, 10% meer instroom, 10% minder uitstroom",
                     factoren={"leerlingen": 0.98, "instroom": 1.1, "uitstroom": 0.9}),
    "hoog": Scenario("hoog", "hoog: 2% meer leerlingen, 10% minder instroom, 10% meer uitstroom",
                     factoren={"leerlingen": 1.02, "instroom": 0.9, "uitstroom": 1.1}),
}


def parse_scenarios(raw: Any, text: str, name: str = "<scenario's>") -> dict[str, Scenario]:
    """Scenarios from the parsed YAML ``raw`` (``text`` its source, for line numbers; ``name``
    the file, for messages), added to (or replacing) the defaults. Read a file with
    ``regio_analysis.io.scenarios.load_scenarios``.

    Format::

        scenarios:
          krimp:
            label: "sterkere krimp"
            leerlingen: 0.95          # factor on a driver (see DRIVERS), in (0, MAX_FACTOR]
            uitstroom_pp: 0.5         # percentage points added to a rate (see RATES), within ±MAX_PP
            pensioenleeftijd: 68      # 55 to 75

    Every value outside its domain is a DataError naming the file, scenario, key and line.
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("scenarios"), dict):
        raise DataError(Problem(name, "verwacht een sleutel 'scenarios' met per naam een mapping"))
    out = dict(SCENARIOS)
    problems = []
    text_lines = text.split("\n")

    def line_of(key: str, after: int = 0) -> tuple[int, ...]:
        for i in range(after, len(text_lines)):
            if text_lines[i].strip().startswith(f"{key}:"):
                return (i + 1,)
        return ()

    for naam, spec in raw["scenarios"].items():
        start = (line_of(str(naam)) or (0,))[0]
        if not isinstance(naam, str):
            problems.append(Problem(name, f"scenarionaam {naam!r} moet tekst zijn", rows=line_of(str(naam))))
        if not isinstance(spec, dict):
            problems.append(Problem(name, f"scenario {naam!r}: verwacht een mapping", rows=line_of(str(naam))))
            continue
        factoren, pp, pension = {}, {}, None
        for key, value in spec.items():
            rows = line_of(str(key), start)
            if key == "label":
                if not isinstance(value, str):
                    problems.append(Problem(name, f"scenario {naam!r}: label moet tekst zijn", rows=rows))
                continue
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            if key == "pensioenleeftijd" and ok and 55 <= value <= 75 and value == int(value):
                pension = int(value)
            elif key in DRIVERS and ok and 0 < value <= MAX_FACTOR:
                factoren[key] = float(value)
            elif isinstance(key, str) and key.endswith("_pp") and key[:-3] in RATES and ok and -MAX_PP <= value <= MAX_PP:
                pp[key[:-3]] = float(value)
            else:
                allowed = ", ".join([*DRIVERS, *(f"{r}_pp" for r in RATES), "pensioenleeftijd", "label"])
                problems.append(Problem(name, f"scenario {naam!r}: {key} = {value!r} is niet geldig; "
                                              f"toegestaan: {allowed} (factoren groter dan 0 en hoogstens {MAX_FACTOR:g}, "
                                              f"_pp tussen -{MAX_PP:g} en {MAX_PP:g} procentpunt, "
                                              "pensioenleeftijd 55 tot 75)", rows=rows))
        out[str(naam)] = Scenario(str(naam), str(spec.get("label", naam)), factoren, pp, pension)
    if problems:
        raise DataError(problems)
    return out


# ------------------------------------------------------------------ the projection


def _demand(inputs: WorkforceInputs, group: str, year: int) -> float:
    ratio = inputs.ratio[inputs.ratio["functiegroep"] == group]
    if ratio.empty:
        return float(inputs.vraag_constant.get(group, inputs.voorraad[group]))
    pupils = inputs.leerlingen[inputs.leerlingen["jaar"] == year].set_index("soort")["aantal"]
    total = 0.0
    for soort, per_fte in zip(ratio["soort"], ratio["leerlingen_per_fte"]):
        if soort not in pupils.index:
            raise DataError(Problem("<invoer SPP>", f"geen leerlingaantal {soort} voor {year}", column="leerlingen"))
        total += float(pupils[soort]) / float(per_fte)
    return total


def _rates(inputs: WorkforceInputs, group: str, year: int) -> pd.Series:
    t = inputs.tarieven[inputs.tarieven["functiegroep"] == group]
    if t.empty:
        raise DataError(Problem("<invoer SPP>", f"geen in-/uitstroompercentages voor {group}", column="tarieven"))
    known = t[t["jaar"] <= year]
    row = (known if not known.empty else t).sort_values("jaar").iloc[-1]  # carry the last known year forward
    return row[list(RATES)].astype(float)


def _age_vector(inputs: WorkforceInputs, group: str) -> np.ndarray | None:
    """fte by single age 0..99 for ``group``, scaled to its stock, or None."""
    if inputs.leeftijd is None or inputs.leeftijd.empty:
        return None
    part = inputs.leeftijd[inputs.leeftijd["functiegroep"] == group]
    if part.empty or part["fte"].sum() <= 0:
        return None
    vec = np.zeros(100)
    for age, fte in zip(part["leeftijd"].astype(int).clip(0, 99), part["fte"]):
        vec[age] += fte
    return vec * inputs.voorraad[group] / vec.sum()


def _rnd(x: float, on: bool) -> float:
    return float(math.floor(x + 0.5)) if on else x  # half up, as spreadsheets round


def project(inputs: WorkforceInputs, scenario: str | Scenario = "basis",
            scenarios: Mapping[str, Scenario] | None = None) -> pd.DataFrame:
    """The projection for one scenario: long frame ``jaar, functiegroep, indicator, waarde, scenario``.

    Indicators: see :data:`INDICATOREN` (``tekort_fte`` is signed: negative is a surplus).
    """
    if isinstance(scenario, str):
        table = scenarios or SCENARIOS
        if scenario not in table:
            raise DataError(Problem("<scenario>", f"onbekend scenario {scenario!r}; bekend: {', '.join(table)}"))
        scenario = table[scenario]
    inp = scenario.apply(inputs)
    rows = []
    entry_ages = np.arange(inp.instroom_leeftijden[0], inp.instroom_leeftijden[1] + 1)
    for g in inp.groepen:
        stock = float(inp.voorraad[g])
        ages = _age_vector(inp, g)
        per_year = inp.saldo.get(g, "cumulatief") == "per_jaar"
        for year in sorted(inp.jaren):
            r = _rates(inp, g, year) / 100.0
            demand = _rnd(_demand(inp, g, year), inp.afronden)
            start = demand if per_year else stock
            base = demand if inp.basis_stromen == "vraag" else start
            inflow = _rnd(r["instroom"] * base, inp.afronden)
            outflow = _rnd(r["uitstroom"] * base, inp.afronden)
            pension = 0.0
            if ages is not None:
                ages = ages * (start / ages.sum()) if ages.sum() > 0 else ages
                ages = np.roll(ages, 1)
                ages[0] = 0.0
                pension = float(ages[inp.pensioenleeftijd:].sum())
                ages[inp.pensioenleeftijd:] = 0.0
                ages *= 1 - (outflow / start if start > 0 else 0.0)
                ages[entry_ages] += inflow / len(entry_ages)
            stock = start + inflow - outflow - pension
            shortage = demand - stock
            unfilled = _rnd(r["onvervuld"] * demand, inp.afronden)
            to_fill = max(shortage + unfilled, 0.0)
            fpp = inp.fte_per_persoon.get(g, inp.fte_per_persoon.get("totaal", np.nan))
            persons = _rnd(to_fill / fpp, inp.afronden) if fpp and fpp > 0 else np.nan
            values = dict(benodigd_fte=demand, voorraad_fte=stock, instroom_fte=inflow, uitstroom_fte=outflow,
                          pensioen_fte=pension, tekort_fte=shortage, onvervuld_fte=unfilled,
                          te_vervullen_fte=to_fill, te_vervullen_personen=persons)
            rows += [(year, g, ind, values[ind]) for ind in INDICATOREN]
    out = pd.DataFrame(rows, columns=["jaar", "functiegroep", "indicator", "waarde"])
    out["scenario"] = scenario.naam
    return out


def project_scenarios(inputs: WorkforceInputs, scenarios: Mapping[str, Scenario] | None = None) -> pd.DataFrame:
    """:func:`project` for every scenario (default: basis, laag, hoog), stacked."""
    table = scenarios or SCENARIOS
    return pd.concat([project(inputs, s, table) for s in table], ignore_index=True)


def sensitivity(inputs: WorkforceInputs, *, indicator: str = "te_vervullen_fte", change: float = 0.10,
                groep: str | None = None, per: str = "jaar") -> pd.DataFrame:
    """One-at-a-time sensitivity: each driver down and up by ``change`` (a factor), the rest at base.

    The outcome is ``indicator`` summed over groups (unless ``groep``) and, with ``per="jaar"``
    (the default), averaged over the projection years: a value *per year*, in the indicator's
    own unit. ``per="som"`` sums over the years instead (fte-years for an fte indicator).
    Returns ``driver, label, laag, basis, hoog, bereik`` sorted by ``bereik`` (largest first):
    the data of a tornado plot.
    """
    if per not in ("jaar", "som"):
        raise DataError(Problem("<gevoeligheid>", f"per moet 'jaar' of 'som' zijn, niet {per!r}"))
    years = len(inputs.jaren) if per == "jaar" else 1

    def outcome(sc: Scenario) -> float:
        df = project(inputs, sc)
        df = df[df["indicator"] == indicator]
        if groep:
            df = df[df["functiegroep"] == groep]
        return float(df["waarde"].sum()) / years

    base = outcome(SCENARIOS["basis"])
    rows = []
    for d in DRIVERS:
        if d == "fte_per_persoon" and not indicator.endswith("personen"):
            continue  # changes persons only
        lo = outcome(Scenario(f"{d}-", factoren={d: 1 - change}))
        hi = outcome(Scenario(f"{d}+", factoren={d: 1 + change}))
        rows.append((d, DRIVER_LABELS[d], lo, base, hi, abs(hi - lo)))
    out = pd.DataFrame(rows, columns=["driver", "label", "laag", "basis", "hoog", "bereik"])
    return out.sort_values("bereik", ascending=False, kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ rates from microdata

_INTERN = ("andere school zelfde bestuur", "ander bestuur in regio")  # moves inside the region


def _active_fte(spells: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    on = (spells["start"] <= when) & (spells["einde"].isna() | (spells["einde"] > when))
    return spells[on].groupby("functiegroep")["fte"].sum()


def rates_from_spells(spells: pd.DataFrame, vanaf: int | None = None) -> pd.DataFrame:
    """Yearly inflow and outflow rates per function group from employment spells.

    For each full calendar year in the observation window: ``instroom`` = fte of spells
    starting in the year, ``uitstroom`` = fte of spells ending in it (``pensioen`` apart),
    each as a percentage of the fte employed on 1 January (the stock: the base of the rates).
    Moves inside the region (to another school of the board, to another board in the region)
    are neither outflow nor, for the spell that follows within a year, inflow.
    Years start at ``vanaf``; by default the year of the first observed end of a spell, as
    extracts of current staff (left-truncated) show no exits before the observation starts.
    Returns ``jaar, functiegroep, voorraad_fte, instroom_fte, uitstroom_fte, pensioen_fte,
    instroom, uitstroom, pensioen`` (the last three in percent).
    """
    needed = ["persoon_id", "functiegroep", "start", "einde", "reden_einde", "observatie_einde", "fte"]
    missing = [c for c in needed if c not in spells.columns]
    if missing:
        raise DataError(Problem("dienstverbanden", f"kolom(men) {missing} ontbreken", column=", ".join(missing)))
    s = spells.copy()
    s["start"], s["einde"] = pd.to_datetime(s["start"]), pd.to_datetime(s["einde"])
    s = s.sort_values(["persoon_id", "start"])
    prev_end = s.groupby("persoon_id")["einde"].shift()
    prev_reason = s.groupby("persoon_id")["reden_einde"].shift()
    internal_in = prev_end.notna() & ((s["start"] - prev_end).dt.days <= DAYS_PER_YEAR) & prev_reason.isin(_INTERN)
    end = pd.to_datetime(s["observatie_einde"]).min()
    if vanaf is None:
        ends = s["einde"].dropna()
        if ends.empty:
            raise DataError(Problem("dienstverbanden", "geen enkel beëindigd dienstverband: uitstroom is niet te meten",
                                    column="einde"))
        vanaf = int(ends.min().year)
    first = max(vanaf, int(s["start"].min().year) + 1)
    # full years only: from the first year with a stock on 1 January to the last complete one
    last = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    rows = []
    for year in range(first, last + 1):
        jan1, dec31 = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        stock = _active_fte(s, jan1 - pd.Timedelta(days=1))
        started = s[(s["start"] >= jan1) & (s["start"] <= dec31) & ~internal_in]
        ended = s[(s["einde"] >= jan1) & (s["einde"] <= dec31) & ~s["reden_einde"].isin(_INTERN)]
        for g in GROEPEN:
            base = float(stock.get(g, 0.0))
            if base <= 0:
                continue
            fin = float(started.loc[started["functiegroep"] == g, "fte"].sum())
            gone = ended[ended["functiegroep"] == g]
            fpen = float(gone.loc[gone["reden_einde"] == "pensioen", "fte"].sum())
            fout = float(gone["fte"].sum()) - fpen
            rows.append((year, g, base, fin, fout, fpen, 100 * fin / base, 100 * fout / base, 100 * fpen / base))
    cols = ["jaar", "functiegroep", "voorraad_fte", "instroom_fte", "uitstroom_fte", "pensioen_fte",
            "instroom", "uitstroom", "pensioen"]
    return pd.DataFrame(rows, columns=cols)


def ages_from_spells(spells: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """fte by function group and single age (``functiegroep, leeftijd, fte``) of the spells active on ``when``."""
    spells = spells.assign(start=pd.to_datetime(spells["start"]), einde=pd.to_datetime(spells["einde"]))
    s = spells[(spells["start"] <= when) & (spells["einde"].isna() | (spells["einde"] > when))]
    age = s["leeftijd_start"] + ((when - s["start"]).dt.days / DAYS_PER_YEAR).astype(int)
    out = pd.DataFrame({"functiegroep": s["functiegroep"], "leeftijd": age.clip(15, 99), "fte": s["fte"]})
    return out.groupby(["functiegroep", "leeftijd"], as_index=False)["fte"].sum()


# ------------------------------------------------------------------ inputs from a region


def _published_stock(region) -> tuple[dict[str, float], list[str], dict[str, int]]:
    """Base-year fte per group from the published tables, with source notes and, per group, the year of
    the count where the source gives one."""
    stock, notes, years = {}, [], {}
    for g in GROEPEN:
        rows = kengetal_rijen(region.kengetallen, "formatieplaatsen", "basisgegevens", functiegroep=g)
        rows = rows[rows["categorie"].isin(["onderwijsregio", "totaal"])] if not rows.empty else rows
        if not rows.empty:
            stock[g] = float(rows["waarde"].iloc[0])
            jaar = rows["jaar"].iloc[0]
            van = f" van {int(jaar)}" if pd.notna(jaar) else ""
            if pd.notna(jaar):
                years[g] = int(jaar)
            notes.append(f"bezetting {g}: {_nl(rows['waarde'].iloc[0])} fte (formatieplaatsen{van}, {rows['bron'].iloc[0]})")
    if region.has("raming"):
        ram = region.raming
        for g in GROEPEN:
            if g in stock:
                continue
            rows = ram[(ram["functiegroep"] == g) & (ram["indicator"] == "benodigd_fte")].sort_values("jaar")
            if not rows.empty:
                stock[g] = float(rows["waarde"].iloc[0])
                notes.append(f"bezetting {g}: {_nl(rows['waarde'].iloc[0])} fte, aangenomen gelijk aan de gepubliceerde "
                             f"vraag in {int(rows['jaar'].iloc[0])} (geen bezetting gepubliceerd; {rows['bron'].iloc[0]})")
    return stock, notes, years


def pupil_forecast(region) -> pd.DataFrame:
    df = region.leerlingen
    if df.empty:
        return pd.DataFrame(columns=["jaar", "soort", "aantal", "prognose"])
    df = df[(df["niveau"] == "regio") & (df["vestigingscode"] == "") & (df["soort"] != "totaal")]
    df = df.dropna(subset=["aantal"]).rename(columns={"peiljaar": "jaar"})
    return (df.sort_values(["jaar", "prognose"]).drop_duplicates(["jaar", "soort"], keep="first")
            [["jaar", "soort", "aantal", "prognose"]].reset_index(drop=True))


def _published_rates(region, groups) -> pd.DataFrame:
    rows = []
    st = region.stromen if region.has("stromen") else pd.DataFrame()
    tk = region.tekort if region.has("tekort") else pd.DataFrame()
    if not st.empty:
        st = st[(st["eenheid"] == "procent") & (st["kenmerk"] == "totaal") & (st["niveau"] == "regio")]
    if not tk.empty:
        tk = tk[(tk["component"] == "onvervuld") & (tk["eenheid"] == "procent") & (tk["niveau"] == "regio")]
    for g in groups:
        sg = st[st["functiegroep"].isin([g, "totaal"])] if not st.empty else st
        if sg.empty:
            continue
        ins = sg[sg["richting"] == "in"].groupby("jaar")["waarde"].first()
        outs = sg[sg["richting"] == "uit"].groupby("jaar")["waarde"].first()
        unf = tk[tk["functiegroep"] == g].groupby("jaar")["waarde"].first() if not tk.empty else pd.Series(dtype=float)
        years = sorted(set(ins.index) | set(outs.index) | set(unf.index))
        for y in years:
            rows.append((int(y), g, ins.get(y, np.nan), outs.get(y, np.nan), unf.get(y, np.nan)))
    df = pd.DataFrame(rows, columns=["jaar", "functiegroep", *RATES])
    # a rate missing in a year: the previous known one (then the next one)
    if df.empty:
        return df
    df = df.sort_values(["functiegroep", "jaar"]).reset_index(drop=True)
    filled = df.groupby("functiegroep")[list(RATES)].transform(lambda s: s.ffill().bfill())
    return df.assign(**{r: filled[r] for r in RATES})


def missing_inputs(region) -> list[str]:
    """What a region lacks for an SPP projection (empty list: :func:`inputs_from_region` works)."""
    if region.has("dienstverbanden") and "dienstverbanden" not in region.synthetisch:
        return []
    stock, _, _ = _published_stock(region)
    return _missing(stock, _published_rates(region, list(stock) or list(GROEPEN)))


def can_project(region) -> bool:
    """Whether the region has what an SPP projection needs (:func:`missing_inputs` is empty)."""
    return not missing_inputs(region)


def _missing(stock: dict[str, float], rates: pd.DataFrame) -> list[str]:
    missing = []
    if not stock:
        missing.append("de bezetting in fte per functiegroep (formatieplaatsen) of personeelsmicrodata")
    if rates.empty:
        missing.append("in- en uitstroompercentages per functiegroep")
    return missing


def inputs_from_region(region, *, jaren: int = 5, use_microdata: bool | None = None) -> WorkforceInputs:
    """SPP inputs from what a region has; raises DataError naming what is missing.

    * **Microdata** (real ``dienstverbanden``, not synthetic, unless ``use_microdata=True``):
      stock and age distribution on the last observed day, inflow/outflow rates as the mean of
      the last three full years of :func:`rates_from_spells` (retirement then comes from the
      ages), fte per person from the stock.
    * **Published tables**: stock from ``kengetallen`` (formatieplaatsen), rates from
      ``stromen`` and unfilled employment from ``tekort`` (both as percentages of the stock),
      fte per person from ``kengetallen``/``raming``.
    * **Demand**: with a pupil forecast, demand follows pupils; published pupils-per-fte
      ratios per school type are scaled so that demand equals the stock in the base year
      (otherwise one ratio per group is derived from total pupils in the base year). Without
      a pupil forecast, demand stays at the base-year stock.
    """
    synthetic = "dienstverbanden" in region.synthetisch
    micro = region.has("dienstverbanden") and (use_microdata if use_microdata is not None else not synthetic)
    notes: list[str] = []
    stock_years: dict[str, int] = {}
    pupils = pupil_forecast(region)
    if micro:
        spells = region.dienstverbanden.copy()
        spells["start"], spells["einde"] = pd.to_datetime(spells["start"]), pd.to_datetime(spells["einde"])
        end = pd.to_datetime(spells["observatie_einde"]).min()
        label = " (synthetisch)" if synthetic else ""
        stock = {g: float(v) for g, v in _active_fte(spells, end).items() if v > 0}
        rates = rates_from_spells(spells)
        last = rates[rates["jaar"] > rates["jaar"].max() - 3]
        mean = last.groupby("functiegroep")[["instroom", "uitstroom"]].mean()
        basisjaar = int(end.year)
        tar = pd.DataFrame([(basisjaar + 1, g, mean.loc[g, "instroom"], mean.loc[g, "uitstroom"], 0.0)
                            for g in stock if g in mean.index], columns=["jaar", "functiegroep", *RATES])
        ages = ages_from_spells(spells, end)
        on = (spells["start"] <= end) & spells["einde"].isna()
        fpp = {g: float(v) for g, v in spells[on].groupby("functiegroep")["fte"].mean().items()}
        notes += [f"bezetting, leeftijden en fte per persoon op {end.date()} uit de dienstverbanden{label}",
                  f"in- en uitstroom: gemiddelde van {int(last['jaar'].min())}–{int(last['jaar'].max())} uit de "
                  f"dienstverbanden{label}, als % van de bezetting op 1 januari; pensioen apart uit de leeftijden",
                  "onvervulde werkgelegenheid: niet bekend uit microdata (0 %)"]
    else:
        stock, stock_notes, stock_years = _published_stock(region)
        tar = _published_rates(region, list(stock) or list(GROEPEN))
        problems = [Problem(f"regio {region.regio_id}", f"voor een SPP-projectie ontbreekt {m}")
                    for m in _missing(stock, tar)]
        if problems:
            raise DataError(problems)
        notes += stock_notes
        notes.append("in-, uitstroom en onvervulde werkgelegenheid: gepubliceerde percentages (stromen, tekort), "
                     "hier toegepast op de bezetting aan het begin van elk jaar")
        ages, fpp = None, {}
        avg = kengetal_rijen(region.kengetallen, "gemiddelde_omvang_arbeidsovereenkomst", "onvervuld")
        if avg.empty and region.has("raming"):
            avg = region.raming[region.raming["indicator"] == "gemiddelde_fte_per_persoon"]
        if not avg.empty:
            fpp = {"totaal": float(avg["waarde"].iloc[0])}
            notes.append(f"gemiddeld {_nl(avg['waarde'].iloc[0])} fte per persoon ({avg['bron'].iloc[0]})")
        realised = pupils[~pupils["prognose"].astype(bool)]
        basisjaar = int(realised["jaar"].max()) if not realised.empty else int(tar["jaar"].min()) - 1
        tar = tar[tar[list(RATES)].notna().any(axis=1)].fillna(0.0)
    ratio, constant = _ratios(region, pupils, stock, basisjaar, notes)
    years = tuple(range(basisjaar + 1, basisjaar + 1 + jaren))
    if not pupils.empty and not ratio.empty:
        have = set(pupils["jaar"])
        years = tuple(y for y in years if y in have) or years
    return WorkforceInputs(basisjaar=basisjaar, jaren=years, voorraad=stock, tarieven=tar,
                           leerlingen=pupils[["jaar", "soort", "aantal"]], ratio=ratio, vraag_constant=constant,
                           fte_per_persoon=fpp, leeftijd=ages, bronnen=notes, voorraad_jaar=stock_years)


def _ratios(region, pupils, stock, basisjaar, notes) -> tuple[pd.DataFrame, dict[str, float]]:
    cols = ["functiegroep", "soort", "leerlingen_per_fte"]
    base = pupils[pupils["jaar"] == basisjaar].set_index("soort")["aantal"] if not pupils.empty else pd.Series(dtype=float)
    if base.empty:
        notes.append("vraag: geen leerlingprognose; de vraag blijft gelijk aan de bezetting in het basisjaar")
        return pd.DataFrame(columns=cols), {g: v for g, v in stock.items()}
    pub = region.kengetallen
    pub = pub[(pub["onderwerp"] == "ratio") & (pub["indicator"] == "leerlingen_per_fte")] if not pub.empty else pub
    rows, constant = [], {}
    for g, fte in stock.items():
        mine = pub[(pub["functiegroep"] == g) & pub["categorie"].isin(base.index)] if not pub.empty else pub
        if not mine.empty and fte > 0:
            implied = sum(base[s] / r for s, r in zip(mine["categorie"], mine["waarde"]))
            scale = implied / fte
            rows += [(g, s, r * scale) for s, r in zip(mine["categorie"], mine["waarde"])]
            notes.append(f"vraag {g}: gepubliceerde ratio's per schoolsoort "
                         f"({', '.join(f'{SCHOOLSOORT_LABELS.get(s, s)} {_nl(r)}' for s, r in zip(mine['categorie'], mine['waarde']))} "
                         "leerlingen per fte) "
                         f"× {_nl(scale, 3)}, zodat de vraag in {basisjaar} gelijk is aan de bezetting")
        elif g == "DIR" or fte <= 0:
            constant[g] = fte
            notes.append(f"vraag {g}: gelijk aan de bezetting in {basisjaar} (geen leerlinggebonden ratio)")
        else:
            total = float(base.sum())
            rows += [(g, s, total / fte) for s in base.index]  # one ratio on the sum of school types
            notes.append(f"vraag {g}: {_nl(total / fte, 1)} leerlingen per fte, afgeleid uit {basisjaar}")
    return pd.DataFrame(rows, columns=cols), constant


# ------------------------------------------------------------------ reproducing a publication

_PUBLISHED = ("benodigd_fte", "instroom_fte", "uitstroom_fte", "tekort_fte", "onvervuld_fte",
              "te_vervullen_fte", "te_vervullen_personen")


class NoPublishedMethod(DataError):
    """The region publishes no projection whose method ``regio.yaml`` describes."""


def _method(region) -> dict[str, Any]:
    method = (region.meta or {}).get("raming_methode")
    if not region.has("raming") or not isinstance(method, dict):
        raise NoPublishedMethod(Problem(f"regio {region.regio_id}", "de regio publiceert geen raming met een beschreven "
                                "methode (raming.csv en 'raming_methode' in regio.yaml)"))
    return method


def published_inputs(region) -> WorkforceInputs:
    """The inputs of a region's published projection, read with the publication's conventions.

    ``regio.yaml`` describes them under ``raming_methode`` (transcribed from the source):
    ``vraag`` (per group the school types whose pupils drive its row, or ``constant``),
    ``ratio`` (``eerste_jaar``: pupils per fte implied by the first published year, as the
    stated ratios are rounded), ``stromen_basis`` (``vraag``/``voorraad``), ``saldo`` per
    group (``cumulatief``/``per_jaar``) and ``afronden`` (every stage in whole fte).
    """
    method = _method(region)
    ram = region.raming
    pub = ram.pivot_table(index=["jaar", "functiegroep"], columns="indicator", values="waarde", aggfunc="first")
    years = sorted(int(y) for y in ram.loc[ram["indicator"] == "benodigd_fte", "jaar"].unique())
    first = years[0]
    pupils = pupil_forecast(region)
    ratio_rows, constant, stock = [], {}, {}
    for g, spec in (method.get("vraag") or {}).items():
        demand0 = float(pub.loc[(first, g), "benodigd_fte"])
        stock[g] = demand0
        if spec == "constant":
            constant[g] = demand0
            continue
        soorten = list(spec.get("leerlingen", []))
        p0 = pupils[(pupils["jaar"] == first) & pupils["soort"].isin(soorten)]["aantal"].sum()
        ratio_rows += [(g, s, p0 / demand0) for s in soorten]
    tar = _published_rates(region, list(stock))
    avg = ram[ram["indicator"] == "gemiddelde_fte_per_persoon"]["waarde"]
    return WorkforceInputs(
        basisjaar=first - 1, jaren=tuple(years), voorraad=stock, tarieven=tar,
        leerlingen=pupils[["jaar", "soort", "aantal"]],
        ratio=pd.DataFrame(ratio_rows, columns=["functiegroep", "soort", "leerlingen_per_fte"]),
        vraag_constant=constant, fte_per_persoon={"totaal": float(avg.iloc[0])} if not avg.empty else {},
        basis_stromen=method.get("stromen_basis", "vraag"), saldo=dict(method.get("saldo") or {}),
        afronden=bool(method.get("afronden", True)),
        bronnen=[f"gepubliceerde raming ({ram['bron'].iloc[0]}) en regio.yaml: raming_methode"])


def _consistency(pub: pd.DataFrame, rates: pd.DataFrame, saldo: dict[str, str], fpp: float) -> dict[tuple, tuple[str, float]]:
    """Rows of the published table that contradict the table's own arithmetic: the reason, and the
    value the table's own rule gives (the option closest to the printed one)."""
    bad: dict[tuple, tuple[str, float]] = {}
    for g in pub.index.get_level_values("functiegroep").unique():
        cum = 0.0
        for year in sorted(pub.xs(g, level="functiegroep").index):
            row = pub.loc[(year, g)]
            r = rates[(rates["functiegroep"] == g) & (rates["jaar"] == year)]
            net_out = row["uitstroom_fte"] - row["instroom_fte"]
            cum = cum + net_out if saldo.get(g, "cumulatief") == "cumulatief" else net_out
            if abs(row["tekort_fte"]) != abs(cum):
                bad[(year, g, "tekort_fte")] = (f"instroom {_nl(row['instroom_fte'])} en uitstroom {_nl(row['uitstroom_fte'])} "
                                                f"geven een saldo van {_nl(abs(cum))}, gepubliceerd {_nl(row['tekort_fte'])}",
                                                abs(cum))
            # to fill = unfilled + shortage (− surplus): with the published shortage row or with in/out
            signs = (1, -1) if cum == 0 else (1 if cum > 0 else -1,)
            fills = {max(row["onvervuld_fte"] + s * abs(row["tekort_fte"]), 0) for s in signs}
            fills.add(max(row["onvervuld_fte"] + cum, 0))
            if row["te_vervullen_fte"] not in fills:
                options = " of ".join(f"{_nl(v)}" for v in sorted(fills))
                bad[(year, g, "te_vervullen_fte")] = (
                    f"onvervuld {_nl(row['onvervuld_fte'])} met het saldo ({_nl(abs(row['tekort_fte']))} gepubliceerd, "
                    f"{_nl(abs(cum))} uit in- en uitstroom) geeft {options}, gepubliceerd {_nl(row['te_vervullen_fte'])}",
                    min(fills, key=lambda v: abs(v - row["te_vervullen_fte"])))
            persons = math.floor(row["te_vervullen_fte"] / fpp + 0.5)
            if row["te_vervullen_personen"] != persons:
                bad[(year, g, "te_vervullen_personen")] = (
                    f"{_nl(row['te_vervullen_fte'])} fte / {_nl(fpp)} = {_nl(row['te_vervullen_fte'] / fpp, 1)}, "
                    f"afgerond {persons}, gepubliceerd {_nl(row['te_vervullen_personen'])}", persons)
            if not r.empty:
                for ind, rate in (("instroom_fte", "instroom"), ("uitstroom_fte", "uitstroom"), ("onvervuld_fte", "onvervuld")):
                    exact = float(r[rate].iloc[0]) / 100 * row["benodigd_fte"]
                    if abs(row[ind] - exact) > 1:
                        bad[(year, g, ind)] = (f"{_nl(r[rate].iloc[0])}% van {_nl(row['benodigd_fte'])} = {_nl(exact, 1)}, "
                                               f"gepubliceerd {_nl(row[ind])}", round(exact, 1))
    return bad


def reproduce_published(region) -> pd.DataFrame:
    """Recompute a region's published projection table and check it against itself.

    Returns ``jaar, functiegroep, indicator, gepubliceerd, berekend, verschil, consistent,
    volgens_eigen_regels, reden``: ``berekend`` comes from the published inputs (pupil forecast, rates, average fte
    per person) with the publication's conventions (:func:`published_inputs`);
    ``consistent`` is False where the published row contradicts the table's own other rows
    (``reden`` says how, ``volgens_eigen_regels`` gives the value the table's own rule implies;
    missing for a consistent row); ``reden`` also notes conventions worth knowing (``conventie: …``).
    Published shortages are unsigned; ``berekend`` is compared on the same (absolute) scale.
    """
    inputs = published_inputs(region)
    ram = region.raming
    pub = ram[ram["indicator"].isin(_PUBLISHED) & ram["functiegroep"].isin(GROEPEN)]
    wide = pub.pivot_table(index=["jaar", "functiegroep"], columns="indicator", values="waarde", aggfunc="first")
    fpp = inputs.fte_per_persoon.get("totaal", np.nan)
    bad = _consistency(wide, inputs.tarieven, inputs.saldo, fpp)
    calc = project(inputs).set_index(["jaar", "functiegroep", "indicator"])["waarde"]
    notes = _convention_notes(region, inputs)
    rows = []
    for _, r in pub.sort_values(["indicator", "functiegroep", "jaar"]).iterrows():
        key = (int(r["jaar"]), r["functiegroep"], r["indicator"])
        value = calc.get(key, np.nan)
        if r["indicator"] == "tekort_fte":
            value = abs(value)
        reasons = [bad[key][0]] if key in bad else []
        reasons += notes.get((r["functiegroep"], r["indicator"]), [])
        rows.append((*key, float(r["waarde"]), round(float(value), 1), round(float(r["waarde"]) - float(value), 1),
                     key not in bad, float(bad[key][1]) if key in bad else np.nan, "; ".join(reasons)))
    return pd.DataFrame(rows, columns=["jaar", "functiegroep", "indicator", "gepubliceerd", "berekend", "verschil",
                                       "consistent", "volgens_eigen_regels", "reden"])


def _convention_notes(region, inputs: WorkforceInputs) -> dict[tuple[str, str], list[str]]:
    """Conventions of the publication that a reader should know, per (group, indicator)."""
    notes: dict[tuple[str, str], list[str]] = {}
    kg = region.kengetallen
    stated = kg[(kg["onderwerp"] == "ratio") & (kg["indicator"] == "leerlingen_per_fte")] if not kg.empty else kg
    for g, part in inputs.ratio.groupby("functiegroep"):
        implied = ", ".join(f"de leerlingen {SCHOOLSOORT_LABELS.get(s, s)} gedeeld door {_nl(r, 2)}"
                            for s, r in zip(part["soort"], part["leerlingen_per_fte"]))
        text = f"conventie: de vraag in fte is {implied} (ratio uit het eerste gepubliceerde jaar)"
        own = stated[stated["functiegroep"] == g] if not stated.empty else stated
        if not own.empty:
            text += ("; de gepubliceerde ratio's voor deze groep zijn "
                     + ", ".join(f"{SCHOOLSOORT_LABELS.get(s, s)} {_nl(v)}" for s, v in zip(own["categorie"], own["waarde"])))
            other = stated[(stated["functiegroep"] != g) & stated["categorie"].isin(part["soort"])]
            close = [f"{o['functiegroep']} {SCHOOLSOORT_LABELS.get(o['categorie'], o['categorie'])} {_nl(o['waarde'])}"
                     for _, o in other.iterrows()
                     if abs(o["waarde"] - part["leerlingen_per_fte"].iloc[0]) < abs(own["waarde"] - part["leerlingen_per_fte"].iloc[0]).min()]
            if close:
                text += f"; de gebruikte ratio ligt dichter bij die van {', '.join(close)}"
        notes.setdefault((g, "benodigd_fte"), []).append(text)
    for g, how in inputs.saldo.items():
        if how == "per_jaar":
            notes.setdefault((g, "tekort_fte"), []).append(
                "conventie: saldo van het jaar zelf (instroom − uitstroom), niet opgeteld over de jaren; "
                "ongesigneerd gepubliceerd (hier een overschot)")
        else:
            notes.setdefault((g, "tekort_fte"), []).append("conventie: cumulatief tekort (uitstroom − instroom opgeteld)")
    return notes
