"""The one exception type of the package: a problem with input data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong.

    ``rows`` are 1-based line numbers in the file as a person sees it in an
    editor (the header is line 1), so a CSV's first data row is line 2.
    """

    file: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        parts = [self.file]
        if self.column:
            parts.append(f"kolom '{self.column}'")
        text = ", ".join(parts) + f": {self.message}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_ROWS_SHOWN])
            more = f" (en {len(self.rows) - MAX_ROWS_SHOWN} meer)" if len(self.rows) > MAX_ROWS_SHOWN else ""
            text += f" [regel {shown}{more}]"
        return text


class DataError(ValueError):
    """Input data that cannot be used, with every problem found.

    ``str(err)`` is a readable paragraph naming file, column and first rows;
    ``err.problems`` holds the structured :class:`Problem` list.
    """

    def __init__(self, problems: Problem | str | Iterable[Problem], *, file: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(file=file or "<invoer>", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"] or self.problems
        if len(errors) == 1:
            return str(errors[0])
        lines = [f"{len(errors)} problemen gevonden:"] + [f"  - {p}" for p in errors]
        return "\n".join(lines)


def rows_from_index(index: Iterable[int], header_lines: int = 1) -> tuple[int, ...]:
    """Turn 0-based DataFrame positions into 1-based file line numbers."""
    return tuple(sorted({int(i) + header_lines + 1 for i in index}))
