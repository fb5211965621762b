"""Input checks shared by the causal estimators: a binary treatment with at least two rows per
group, the covariate, outcome, duration and event columns present and usable, and the working
copy with booleans as 0/1 numbers. Bad input raises :class:`regio_analysis.DataError` naming
the column and the first rows (1-based).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from regio_analysis.causal.constants import SOURCE
from regio_analysis.errors import DataError, Problem


def _rows(mask) -> tuple[int, ...]:
    """1-based row positions of the true entries of ``mask``."""
    return tuple(int(i) + 1 for i in np.flatnonzero(np.asarray(mask)))


def _choice(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r}: choose one of {tuple(allowed)}")


def _treatment_problems(df: pd.DataFrame, treatment: str, file: str) -> list[Problem]:
    s = df[treatment]
    problems = []
    if s.isna().any():
        problems.append(Problem(file, "behandeling ontbreekt", column=treatment, rows=_rows(s.isna())))
    values = s.dropna()
    if pd.api.types.is_bool_dtype(values):
        ok = pd.Series(True, index=values.index)
    elif pd.api.types.is_numeric_dtype(values):
        ok = values.isin([0, 1])
    else:
        ok = values.map(lambda v: isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, float, np.number))
                                                                     and v in (0, 1)))
    if not ok.all():
        found = ", ".join(repr(v) for v in pd.unique(values[~ok])[:5])
        problems.append(Problem(file, f"behandeling moet binair zijn (0/1 of True/False); gevonden: {found}",
                                column=treatment, rows=_rows(s.notna() & ~s.index.isin(values[ok].index))))
        return problems
    t = values.astype(float)
    for label, n in (("behandelde", int((t == 1).sum())), ("niet-behandelde (controle)", int((t == 0).sum()))):
        if n < 2:
            problems.append(Problem(file, f"te weinig {label} rijen om te vergelijken ({n}; minstens 2 nodig)",
                                    column=treatment))
    return problems


def _check(df, treatment: str, covariates: Sequence[str], *, outcome: str | None = None,
           extra: Sequence[str] = (), outcome_na_ok: bool = False, file: str = SOURCE) -> np.ndarray:
    """Validate the input and return the treatment as a 0/1 float array (raises DataError)."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(Problem(file, f"verwacht een tabel (DataFrame), kreeg {type(df).__name__}"))
    if isinstance(covariates, str):
        raise TypeError("covariates must be a list of column names, not one string")
    wanted = [treatment, *covariates, *([outcome] if outcome else []), *extra]
    missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
    if missing:
        raise DataError([Problem(file, "kolom ontbreekt", column=c) for c in missing])
    if len(df) == 0:
        raise DataError(Problem(file, "de tabel is leeg"))
    problems = _treatment_problems(df, treatment, file)
    for col in dict.fromkeys(covariates):
        s = df[col]
        if s.isna().any():
            problems.append(Problem(file, "ontbrekende waarde in covariaat", column=col, rows=_rows(s.isna())))
        if pd.api.types.is_datetime64_any_dtype(s):
            problems.append(Problem(file, "een datum kan geen covariaat zijn; maak er eerst een getal van (bijv. het jaar)",
                                    column=col))
    if outcome:
        s = df[outcome]
        if pd.api.types.is_bool_dtype(s):
            pass
        elif not pd.api.types.is_numeric_dtype(s):
            problems.append(Problem(file, "uitkomst moet een getal zijn", column=outcome))
        elif s.isna().any() and not outcome_na_ok:
            problems.append(Problem(file, "uitkomst ontbreekt", column=outcome, rows=_rows(s.isna())))
    if problems:
        raise DataError(problems)
    return df[treatment].astype(float).to_numpy()


def _work_frame(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``columns`` with booleans as 0/1 floats (patsy would treat them as categories)."""
    out = df[list(dict.fromkeys(columns))].copy()
    for col in out.columns:
        is_bool = pd.api.types.is_bool_dtype(out[col])
        if is_bool or (out[col].dtype == object and out[col].map(lambda v: isinstance(v, (bool, np.bool_))).all()):
            out[col] = out[col].astype(float)
    return out


def _is_binary(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and set(pd.unique(values.dropna())) <= {0, 1}


def _check_survival(df: pd.DataFrame, duration: str, event: str, file: str) -> None:
    problems = []
    for col in (duration, event):
        if col not in df.columns:
            problems.append(Problem(file, "kolom ontbreekt", column=col))
    if problems:
        raise DataError(problems)
    d = pd.to_numeric(df[duration], errors="coerce")
    bad = d.isna() | (d < 0)
    if bad.any():
        problems.append(Problem(file, "duur moet een getal >= 0 zijn", column=duration, rows=_rows(bad)))
    e = df[event]
    bad_e = ~e.isin([0, 1, True, False]) | e.isna()
    if bad_e.any():
        problems.append(Problem(file, "gebeurtenis moet 0/1 zijn", column=event, rows=_rows(bad_e)))
    if problems:
        raise DataError(problems)
