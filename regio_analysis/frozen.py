"""Immutable values for ``DataFrame.attrs``, which pandas copies at no cost.

pandas deep-copies a frame's whole ``attrs`` into the result of almost every operation (selecting a
column, a comparison, ``astype``, ``fillna``: ``NDFrame.__finalize__``). A report's tables carry
their caption, provenance and display spec there, and synthetic microdata their generator's
parameters and calibration, so a region's report made some 600,000 ``copy.deepcopy`` calls, more
than a second of every report. A value that cannot change needs no copy: :func:`freeze` turns
dicts, lists and sets into :class:`FrozenDict`, tuples and frozensets, whose deep copy is the value
itself, and :class:`Immutable` gives a frozen dataclass the same. Mutating a frozen value raises
``TypeError``, so a copy is never silently shared.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn


class FrozenDict(dict):
    """A dict that cannot be changed; its copies (``copy``, ``deepcopy``, pickle) are itself or equal.

    A ``dict`` subclass, so ``json``, ``isinstance(x, dict)`` and ``dict(x)`` (a mutable copy)
    work as before."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("this value is frozen (regio_analysis.frozen): change a copy, dict(value)")

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = __ior__ = _refuse  # type: ignore[assignment]

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenDict:
        return self

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))


class Immutable:
    """Mixin for a frozen dataclass: a deep copy is the value itself (nothing in it can change)."""

    __slots__ = ()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo: dict):
        return self


def freeze(value: Any) -> Any:
    """``value`` with every dict, list and set in it (recursively) made immutable: FrozenDict,
    tuple and frozenset; other values as they are."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value
