"""Samen Opleiden coverage: the share of student teachers trained in a partnership, the
students still to place for the 100 % goal and the funding that implies.

:func:`samen_opleiden_coverage` computes, per year, one row per institute and a ``totaal`` row
from a region's ``samen_opleiden`` table, and recomputes the amounts and counts the region's
plan states in its key figures (``bekostiging`` / ``samen_opleiden``), so that a
:class:`CoverageResult` names every stated figure that does not follow from the student counts.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem
from regio_analysis.report.format import fmt_getal

PER_STUDENT_EUR = 955


def _eur(x: float) -> str:
    return f"€ {fmt_getal(x, 0)}"


def _decimals(x: float) -> int:
    exp = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -int(exp))


@dataclass
class CoverageResult:
    """Samen Opleiden coverage per institute and in total, and checks of the plan's figures.

    ``summary``: per year, one row per institute and a ``totaal`` row: ``studenten_totaal``,
    ``studenten_partnerschap``, ``aandeel_partnerschap`` (%), ``nog_te_plaatsen`` (students
    still to place for 100 %), ``bekostiging_huidig_eur`` (partnership students × amount),
    ``extra_bekostiging_eur`` (still to place × amount) and ``bekostiging_bij_100_procent_eur``.
    ``controles``: the figures stated in the region's key figures next to the recomputed ones
    (``consistent`` False marks an inconsistency; shares are compared at their printed precision).
    """

    summary: pd.DataFrame
    controles: pd.DataFrame
    per_student_eur: float

    @property
    def inconsistenties(self) -> pd.DataFrame:
        return self.controles[~self.controles["consistent"]] if not self.controles.empty else self.controles

    def totaal(self, jaar: int | None = None) -> pd.Series:
        t = self.summary[self.summary["instituut"] == "totaal"]
        jaar = int(t["jaar"].max()) if jaar is None else jaar
        return t[t["jaar"] == jaar].iloc[0]

    def meldingen(self) -> list[str]:
        """One Dutch sentence per inconsistency."""
        out = []
        for r in self.inconsistenties.itertuples(index=False):
            wie = "" if r.categorie == "totaal" else f" ({r.categorie})"
            if r.eenheid == "eur":
                precies = (f", precies {fmt_getal(abs(r.verschil) / self.per_student_eur, 0)} studenten × "
                           f"{_eur(self.per_student_eur)}"
                           if self.per_student_eur and abs(r.verschil) % self.per_student_eur == 0 else "")
                out.append(f"Het plan noemt voor {r.omschrijving}{wie} {_eur(r.vermeld)}, maar {r.berekening} = "
                           f"{_eur(r.berekend)}: {_eur(abs(r.verschil))} {'minder' if r.verschil < 0 else 'meer'}"
                           f"{precies} (bron: {r.bron}).")
            else:
                out.append(f"Het plan noemt voor {r.omschrijving}{wie} {fmt_getal(r.vermeld)}, maar {r.berekening} = "
                           f"{fmt_getal(r.berekend, 1)} (bron: {r.bron}).")
        return out


# (onderwerp, indicator) -> (description, unit, column of the summary, kind of recomputation)
_CONTROLES = {
    ("bekostiging", "bekostiging_huidig"): ("de huidige bekostiging", "eur", "studenten_partnerschap"),
    ("bekostiging", "extra_bij_100_procent"): ("de extra bekostiging bij 100 %", "eur", "nog_te_plaatsen"),
    ("bekostiging", "bekostiging_bij_100_procent"): ("de bekostiging bij 100 %", "eur", "studenten_totaal"),
    ("samen_opleiden", "studenten_in_partnerschap"): ("de studenten in een partnerschap", "aantal", "studenten_partnerschap"),
    ("samen_opleiden", "studenten_totaal"): ("het totaal aantal studenten", "aantal", "studenten_totaal"),
    ("samen_opleiden", "studenten_nog_te_plaatsen"): ("de nog te plaatsen studenten", "aantal", "nog_te_plaatsen"),
    ("samen_opleiden", "aandeel_studenten_in_partnerschap"): ("het aandeel in een partnerschap", "procent", "aandeel_partnerschap"),
    ("samen_opleiden", "aandeel_studenten_nog_te_plaatsen"): ("het aandeel nog te plaatsen", "procent", "aandeel_nog_te_plaatsen"),
}
_CONTROLE_KOLOMMEN = ["onderwerp", "indicator", "omschrijving", "categorie", "jaar", "eenheid", "vermeld", "berekend",
                      "verschil", "consistent", "berekening", "bron"]


def samen_opleiden_coverage(students: pd.DataFrame, per_student_eur: float = PER_STUDENT_EUR,
                            kengetallen: pd.DataFrame | None = None) -> CoverageResult:
    """Share of students trained in a partnership per institute and in total, the students
    still to place for the 100 % goal and the funding that implies at ``per_student_eur``.

    ``students`` is a region's ``samen_opleiden`` table (``instituut``, ``jaar``,
    ``studenten_totaal``, ``studenten_partnerschap``). With ``kengetallen`` (the region's key
    figures), the plan's stated amounts and counts (onderwerp ``bekostiging`` /
    ``samen_opleiden``) are recomputed and compared in ``controles``. For seed 001 this
    reproduces 55.7 % (NHL Stenden), 17.9 % (Hanze), 38.1 % together and € 1,930,055 extra,
    and flags the stated current funding (€ 1,091,565 ≠ 1,243 × € 955 = € 1,187,065).
    """
    need = ["instituut", "jaar", "studenten_totaal", "studenten_partnerschap"]
    missing = [c for c in need if c not in students.columns]
    if missing:
        raise DataError(Problem("<samen_opleiden>", f"kolom(men) ontbreken: {', '.join(missing)}", column=missing[0]))
    if not (isinstance(per_student_eur, (int, float)) and per_student_eur >= 0):
        raise DataError(Problem("<samen_opleiden>", f"bedrag per student moet 0 of meer zijn, niet {per_student_eur!r}"))
    df = students[need].copy()
    for col in ("jaar", "studenten_totaal", "studenten_partnerschap"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    bad = df[need[1:]].isna().any(axis=1) | (df["studenten_partnerschap"] > df["studenten_totaal"]) \
        | (df["studenten_partnerschap"] < 0)
    if bad.any():
        from regio_analysis.errors import rows_from_index

        raise DataError(Problem("<samen_opleiden>", "ontbrekende of onmogelijke aantallen (partnerschap groter dan totaal?)",
                                rows=rows_from_index(np.flatnonzero(bad.to_numpy()))))
    df["jaar"] = df["jaar"].astype(int)
    rows = []
    for jaar, g in df.groupby("jaar", sort=True):
        g = g.sort_values("instituut", kind="stable")
        parts = [g] + ([pd.DataFrame([{"instituut": "totaal", "jaar": jaar,
                                       "studenten_totaal": g["studenten_totaal"].sum(),
                                       "studenten_partnerschap": g["studenten_partnerschap"].sum()}])])
        rows.append(pd.concat(parts, ignore_index=True))
    cols = ["instituut", "jaar", "studenten_totaal", "studenten_partnerschap", "aandeel_partnerschap", "nog_te_plaatsen",
            "aandeel_nog_te_plaatsen", "bekostiging_huidig_eur", "extra_bekostiging_eur", "bekostiging_bij_100_procent_eur"]
    if not rows:
        return CoverageResult(pd.DataFrame(columns=cols), pd.DataFrame(columns=_CONTROLE_KOLOMMEN), float(per_student_eur))
    out = pd.concat(rows, ignore_index=True)
    for col in ("studenten_totaal", "studenten_partnerschap"):
        out[col] = out[col].astype(int)
    tot = out["studenten_totaal"].where(out["studenten_totaal"] > 0)
    out["aandeel_partnerschap"] = 100 * out["studenten_partnerschap"] / tot
    out["nog_te_plaatsen"] = out["studenten_totaal"] - out["studenten_partnerschap"]
    out["aandeel_nog_te_plaatsen"] = 100 * out["nog_te_plaatsen"] / tot
    out["bekostiging_huidig_eur"] = out["studenten_partnerschap"] * float(per_student_eur)
    out["extra_bekostiging_eur"] = out["nog_te_plaatsen"] * float(per_student_eur)
    out["bekostiging_bij_100_procent_eur"] = out["studenten_totaal"] * float(per_student_eur)
    out = out[cols]
    return CoverageResult(out, _coverage_checks(out, kengetallen, float(per_student_eur)), float(per_student_eur))


def _coverage_checks(summary: pd.DataFrame, kengetallen: pd.DataFrame | None, eur: float) -> pd.DataFrame:
    if kengetallen is None or kengetallen.empty or summary.empty:
        return pd.DataFrame(columns=_CONTROLE_KOLOMMEN)
    latest = int(summary["jaar"].max())
    by_name = {str(n).strip().lower(): n for n in summary["instituut"]}
    rows = []
    for r in kengetallen.itertuples(index=False):
        spec = _CONTROLES.get((r.onderwerp, r.indicator))
        if spec is None or pd.isna(r.waarde) or str(getattr(r, "niveau", "regio")) != "regio":
            continue
        omschrijving, eenheid, col = spec
        inst = by_name.get(str(r.categorie).strip().lower())
        jaar = latest if pd.isna(r.jaar) else int(r.jaar)
        hit = summary[(summary["instituut"] == inst) & (summary["jaar"] == jaar)]
        if inst is None or hit.empty:
            continue
        row = hit.iloc[0]
        berekend = float(row[col]) * (eur if eenheid == "eur" else 1.0)
        vermeld = float(r.waarde)
        if eenheid == "procent":
            tol = 0.5 * 10 ** -_decimals(vermeld) + 1e-9
            grondslag = "studenten_partnerschap" if col == "aandeel_partnerschap" else "nog_te_plaatsen"
            berekening = f"{fmt_getal(row[grondslag])} / {fmt_getal(row['studenten_totaal'])}"
        else:
            tol = 0.5
            berekening = (f"{fmt_getal(row[col])} studenten × {_eur(eur)}" if eenheid == "eur"
                          else f"de tabel samen_opleiden ({fmt_getal(row[col])})")
        rows.append({"onderwerp": r.onderwerp, "indicator": r.indicator, "omschrijving": omschrijving,
                     "categorie": "totaal" if inst == "totaal" else inst, "jaar": jaar, "eenheid": eenheid,
                     "vermeld": vermeld, "berekend": berekend, "verschil": vermeld - berekend,
                     "consistent": abs(vermeld - berekend) <= tol, "berekening": berekening, "bron": r.bron})
    return pd.DataFrame(rows, columns=_CONTROLE_KOLOMMEN)
