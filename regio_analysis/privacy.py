"""Privacy by default: keyed pseudonymisation of person ids and small-cell suppression.

Pseudonyms are HMAC-SHA256 of the original id under a secret key, so the same person
gets the same pseudonym in every table and run (linkage is kept) while nobody without
the key can recompute or reverse them. The key comes from, in order:

1. the environment variable ``REGIO_ANALYSIS_KEY`` (any text, at least 16 characters);
2. the file named by ``REGIO_ANALYSIS_KEY_FILE``;
3. ``~/.config/regio_analysis/pseudonymisation.key``, created with a random key (mode
   0600) the first time it is needed.

The key never lives in the repository (``*.key`` is ignored by git).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import warnings
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from regio_analysis.errors import DataError, Problem

KEY_ENV = "REGIO_ANALYSIS_KEY"
KEY_FILE_ENV = "REGIO_ANALYSIS_KEY_FILE"
PSEUDONYM_PREFIX = "p_"
PSEUDONYM_LENGTH = 16  # hex characters: 64 bits, collision-free for national-size data
DEFAULT_K = 10


def default_key_file() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV) or Path.home() / ".config" / "regio_analysis" / "pseudonymisation.key")


def get_key() -> bytes:
    """The pseudonymisation key (see the module docstring for where it comes from)."""
    env = os.environ.get(KEY_ENV)
    if env:
        if len(env) < 16:
            raise DataError(Problem(KEY_ENV, "de sleutel moet minstens 16 tekens lang zijn"))
        return env.encode("utf-8")
    path = default_key_file()
    if path.is_file():
        key = path.read_bytes().strip()
        if len(key) < 16:
            raise DataError(Problem(str(path), "de sleutel in dit bestand is korter dan 16 tekens"))
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    os.replace(tmp, path)
    warnings.warn(f"nieuwe pseudonimiseringssleutel aangemaakt in {path}; bewaar die veilig", stacklevel=2)
    return key


def is_pseudonym(value: str) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(PSEUDONYM_PREFIX)
        and len(value) == len(PSEUDONYM_PREFIX) + PSEUDONYM_LENGTH
        and all(c in "0123456789abcdef" for c in value[len(PSEUDONYM_PREFIX):])
    )


def pseudonymise(ids: Iterable, key: bytes | None = None) -> pd.Series:
    """Keyed pseudonyms (``p_`` + 16 hex characters) for ``ids``; NA stays NA.

    Values that already are pseudonyms are kept as they are, so pseudonymising twice
    changes nothing.
    """
    key = key if key is not None else get_key()
    series = pd.Series(ids) if not isinstance(ids, pd.Series) else ids
    cache: dict[str, str] = {}

    def one(value):
        if pd.isna(value):
            return value
        text = str(value).strip()
        if is_pseudonym(text):
            return text
        if text not in cache:
            digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
            cache[text] = PSEUDONYM_PREFIX + digest[:PSEUDONYM_LENGTH]
        return cache[text]

    return series.map(one).astype(object)


def suppress_small_cells(
    df: pd.DataFrame,
    count_columns: str | list[str],
    k: int = DEFAULT_K,
    *,
    complementary_by: list[str] | None = None,
    suppress_zero: bool = False,
) -> pd.DataFrame:
    """Blank counts about people below ``k`` (as CBS and DUO do) and flag them.

    Cells with ``0 < value < k`` (also 0 when ``suppress_zero``) become NA, and the
    boolean column ``onderdrukt`` is True on every row where a cell was suppressed.
    With ``complementary_by`` (columns that define a group summing to a published
    total), a group with exactly one suppressed cell in a column gets its next-smallest
    cell suppressed as well, so the hidden value cannot be recovered by subtraction.
    Returns a new frame; the input is not modified.
    """
    if isinstance(count_columns, str):
        count_columns = [count_columns]
    missing = [c for c in count_columns if c not in df.columns]
    if missing:
        raise DataError(Problem("<tabel>", f"kolom(men) {missing} bestaan niet", column=missing[0]))
    if k < 1:
        raise ValueError("k must be at least 1")
    out = df.copy()
    flag = out["onderdrukt"].astype(bool).copy() if "onderdrukt" in out.columns else pd.Series(False, index=out.index)
    for col in count_columns:
        values = pd.to_numeric(out[col], errors="coerce")
        small = (values < k) & ((values >= 0) if suppress_zero else (values > 0))
        mask = small.fillna(False).astype(bool)
        if complementary_by:
            group_of = out.groupby(complementary_by, sort=False, dropna=False).ngroup()
            for g in np.unique(group_of):
                idx = list(out.index[group_of == g])
                if mask.loc[idx].sum() == 1 and len(idx) > 1:
                    candidates = values.loc[idx][~mask.loc[idx]].dropna()
                    if not candidates.empty:
                        mask.loc[candidates.idxmin()] = True
        out[col] = values.astype(float).where(~mask)
        flag |= mask
    out["onderdrukt"] = flag
    return out
