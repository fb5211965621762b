"""The layout of a plan's text: headings (sections), tables, list blocks and sentences, each
with character offsets into the text.

The text is what :func:`regio_analysis.io.documents.read_document` returns: Markdown-ish
(``#`` headings, ``|`` table rows from Word), tab-separated rows, or the text layer of a PDF
(lines wrapped anywhere, often a blank line between lines, tables flattened to a label followed
by numbers). Three kinds of table are recognised:

* ``pipe``: consecutive lines starting with ``|``;
* ``tab``: consecutive lines with tab-separated cells;
* ``getallen``: consecutive lines (blank lines between them allowed) that end in numbers, such
  as a budget flattened from a PDF (``Werkgroep X 500 100 50.000``); their numbers are aligned
  to the right, so a row with one number has it in the last column.

Headings are Markdown ``#`` lines, numbered lines (``3.1 Titel``, ``4.2 Planning (2027-2029):``),
short title-like lines between sentences, and lines that are only a year or a period.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from regio_analysis.planaudit.numbers import NUMBER

# --- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    level: int
    title: str
    years: tuple[int, int] | None  # the year or period the heading names, e.g. (2027, 2029)


@dataclass
class Cell:
    start: int
    end: int
    text: str
    row: int
    col: int


@dataclass
class Table:
    nr: int
    kind: str  # pipe, tab, getallen
    start: int
    end: int
    rows: list[list[Cell]]
    header: bool = False  # the first row holds column headers
    toc: bool = False     # a table of contents (page numbers, not quantities)
    groups: dict[int, str] = field(default_factory=dict)  # row -> label of the group the row is in

    def cell(self, row: int, col: int) -> Cell | None:
        cells = self.rows[row]
        return cells[col] if 0 <= col < len(cells) else None

    def column_header(self, col: int) -> str:
        if not self.header or not self.rows:
            return ""
        cell = self.cell(0, col)
        return cell.text if cell is not None else ""

    def row_header(self, row: int) -> str:
        cells = self.rows[row]
        if not cells:
            return ""
        first = cells[0].text
        return "" if _is_numeric_cell(first) else first

    @property
    def title(self) -> str:
        """The first header cell (``Leerlingaantallen`` above a row of years), if any."""
        return self.column_header(0) if self.header else ""


@dataclass
class Layout:
    text: str
    headings: list[Heading]
    tables: list[Table]
    sentences: list[tuple[int, int]]
    lists: list[tuple[int, int]]           # spans of blocks of consecutive list items
    list_intros: dict[int, tuple[int, int]]  # list block -> the sentence before it
    _heading_starts: list[int] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list)
    _cell_index: list[tuple[int, int, int, int, int]] = field(default_factory=list)  # start, end, table, row, col
    _cell_starts: list[int] = field(default_factory=list)
    _list_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._heading_starts = [h.start for h in self.headings]
        self._paths: list[tuple[Heading, ...]] = []
        stack: list[Heading] = []
        for h in self.headings:  # the path of headings in force after each heading, computed once
            while stack and stack[-1].level >= h.level:
                stack.pop()
            stack.append(h)
            self._paths.append(tuple(stack))
        self._sentence_starts = [s for s, _ in self.sentences]
        self._cell_index = sorted((c.start, c.end, t.nr, c.row, c.col)
                                  for t in self.tables for r in t.rows for c in r)
        self._cell_starts = [c[0] for c in self._cell_index]
        self._list_starts = [s for s, _ in self.lists]

    # positions -> structure
    def section_path(self, pos: int) -> list[Heading]:
        """The headings that contain ``pos``, outermost first."""
        i = bisect.bisect_right(self._heading_starts, pos)
        return list(self._paths[i - 1]) if i else []

    def section(self, pos: int) -> Heading | None:
        i = bisect.bisect_right(self._heading_starts, pos)
        return self.headings[i - 1] if i else None

    def section_years(self, pos: int) -> tuple[tuple[int, int], Heading] | None:
        """The period of the innermost heading around ``pos`` that names years."""
        for h in reversed(self.section_path(pos)):
            if h.years is not None:
                return h.years, h
        return None

    def sentence(self, pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(self._sentence_starts, pos) - 1
        if i >= 0 and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return None

    def sentence_index(self, pos: int) -> int:
        return bisect.bisect_right(self._sentence_starts, pos) - 1

    def cell(self, pos: int) -> tuple[Table, Cell] | None:
        i = bisect.bisect_right(self._cell_starts, pos) - 1
        if i >= 0:
            start, end, t, r, c = self._cell_index[i]
            if start <= pos < end:
                table = self.tables[t]
                return table, table.rows[r][c]
        return None

    def list_block(self, pos: int) -> int | None:
        i = bisect.bisect_right(self._list_starts, pos) - 1
        if i >= 0 and self.lists[i][0] <= pos < self.lists[i][1]:
            return i
        return None


# --- lines -----------------------------------------------------------------------------------------

_LIST_RE = re.compile(r"^\s*(?:[-•▪●◦*·o]\s+|\d{1,2}[.)]\s+(?=[a-z])|[a-z][.)]\s+)")
_MD_HEADING_RE = re.compile(r"^\s*(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED_HEADING_RE = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.{0,118})$")
_YEAR_ONLY_RE = re.compile(r"^\s*\(?((?:19|20)\d{2})\)?(?:\s*[-–]\s*\(?((?:19|20)\d{2})\)?)*\s*$")
_YEARS_IN_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_TERMINAL = ".!?;:"
_TRAILING_NUMBERS_RE = re.compile(rf"((?:\s+(?:€\s?)?(?:{NUMBER})(?:,-)?)+)\s*$")
_MARKUP_RE = re.compile(r"</?[a-zA-Z][^>]*>|\*\*|__")


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def strip_markup(s: str) -> str:
    return _MARKUP_RE.sub("", s).strip()


def _is_numeric_cell(s: str) -> bool:
    s = strip_markup(s).replace("€", "").replace("%", "").strip().rstrip("-").rstrip(",").strip()
    return bool(s) and bool(re.fullmatch(rf"(?:{NUMBER})", s))


def _years_of(title: str) -> tuple[int, int] | None:
    years = [int(y) for y in _YEARS_IN_RE.findall(title)]
    # a title that names years as its period: "(2026)", "2027-2029", "op hoofdlijnen (2026)-2027-2029"
    return (min(years), max(years)) if years else None


def _is_list_item(line: str) -> bool:
    return bool(_LIST_RE.match(line))


# --- tables ------------------------------------------------------------------------------------------

def _split_cells(text: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    """Cell spans (stripped) of one row between ``start`` and ``end`` split on ``sep``."""
    line = text[start:end]
    if sep == "|":
        s = line.strip()
        offset = start + (len(line) - len(line.lstrip()))
        inner_start = offset + 1 if s.startswith("|") else offset
        inner_end = offset + len(s) - (1 if s.endswith("|") and len(s) > 1 else 0)
    else:
        inner_start, inner_end = start, end
    spans, pos = [], inner_start
    for part in text[inner_start:inner_end].split(sep):
        a, b = pos, pos + len(part)
        stripped = part.strip()
        if stripped:
            a += len(part) - len(part.lstrip())
            b = a + len(stripped)
        else:
            b = a
        spans.append((a, b))
        pos += len(part) + 1
    return spans


def _pipe_and_tab_tables(text: str, lines: list[tuple[int, int]]) -> tuple[list[Table], set[int]]:
    tables: list[Table] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        kind = "pipe" if line.lstrip().startswith("|") and line.count("|") >= 2 else (
            "tab" if "\t" in line.strip("\n") and len([c for c in line.split("\t") if c.strip()]) >= 1 else None)
        if kind is None:
            i += 1
            continue
        j = i
        block = []
        while j < len(lines):
            s2, e2 = lines[j]
            l2 = text[s2:e2]
            if kind == "pipe" and l2.lstrip().startswith("|") and l2.count("|") >= 2:
                block.append(j)
            elif kind == "tab" and "\t" in l2:
                block.append(j)
            elif kind == "tab" and not l2.strip():
                # a page break inside a table leaves blank lines: the table goes on after them
                k = j
                while k < len(lines) and k - j <= 4 and not text[lines[k][0]:lines[k][1]].strip():
                    k += 1
                if k < len(lines) and k - j <= 4 and "\t" in text[lines[k][0]:lines[k][1]]:
                    j = k
                    continue
                break
            else:
                break
            j += 1
        sep = "|" if kind == "pipe" else "\t"
        rows = []
        separator_after_first = kind == "pipe" and len(block) >= 2 and bool(
            re.fullmatch(r"\s*\|?[\s|:\-]+\|?\s*", text[lines[block[1]][0]:lines[block[1]][1]]))
        for k in block:
            s2, e2 = lines[k]
            if kind == "pipe" and re.fullmatch(r"\s*\|?[\s|:\-]+\|?\s*", text[s2:e2]):
                continue  # |---|---|
            if kind == "tab" and re.fullmatch(r"[\s\-\t]+", text[s2:e2]):
                continue  # -----\t-----
            spans = _split_cells(text, s2, e2, sep)
            if (kind == "tab" and len(spans) >= 3 and spans[0][1] == spans[0][0]
                    and spans[1][1] > spans[1][0] and not _is_numeric_cell(text[spans[1][0]:spans[1][1]])
                    and any(_is_numeric_cell(text[a:b]) for a, b in spans[2:])):
                spans = spans[1:]  # "\tOOP\t21\t22": a label pushed one cell to the right
            rows.append(spans)
        cells_ok = sum(1 for r in rows if sum(1 for a, b in r if b > a) >= 2)
        if rows and (cells_ok >= 1 and (len(rows) >= 2 or kind == "pipe")):
            table = _make_table(text, len(tables), kind, rows)
            if separator_after_first and len(rows) >= 2:
                table.header = True  # | a | b |, then |---|---|: Markdown's header row
            tables.append(table)
            used.update(block)
        i = j if j > i else i + 1
    return tables, used


def _make_table(text: str, nr: int, kind: str, rows: list[list[tuple[int, int]]]) -> Table:
    cell_rows = [[Cell(a, b, strip_markup(text[a:b]), r, c) for c, (a, b) in enumerate(row)]
                 for r, row in enumerate(rows)]
    start = min(a for row in rows for a, _ in row)
    end = max(b for row in rows for _, b in row)
    table = Table(nr, kind, start, end, cell_rows)
    first = [c.text for c in cell_rows[0]] if cell_rows else []
    nonempty = [t for t in first if t]
    # a header row: its cells (after the first) are words or years, while later rows hold numbers
    later_numbers = any(_is_numeric_cell(c.text) for row in cell_rows[1:] for c in row[1:])
    header_like = nonempty and all(not _is_numeric_cell(t) or _is_year_text(t) for t in first[1:] if t)
    table.header = bool(header_like and later_numbers and len(cell_rows) >= 2)
    if not later_numbers and len(cell_rows) >= 2 and kind == "tab" and len(nonempty) >= 3:
        table.header = True  # a text table with a header row (activity plans)
    table.toc = _is_toc(cell_rows)
    label = ""
    for r, row in enumerate(cell_rows):
        filled = [c for c in row if c.text]
        if len(filled) == 1 and row and row[0].text and not _is_numeric_cell(row[0].text) and r > 0:
            label = row[0].text  # a group label: "Geprognosticeerde instroom" over the rows below it
            continue
        if label:
            table.groups[r] = label
    return table


def _is_year_text(s: str) -> bool:
    s = strip_markup(s)
    return bool(re.fullmatch(r"\(?(?:19|20)\d{2}\)?", s))


def _is_toc(rows: list[list[Cell]]) -> bool:
    """Rows ending in page numbers (non-decreasing) after a title, or dotted leaders."""
    pages, dotted = [], 0
    for row in rows:
        cells = [c for c in row if c.text]
        if not cells:
            continue
        if re.search(r"\.{4,}|…", cells[0].text):
            dotted += 1
        last = cells[-1].text
        if len(cells) >= 2 and re.fullmatch(r"\d{1,3}", last):
            pages.append(int(last))
    if dotted >= 2:
        return True
    return len(pages) >= 3 and len(pages) >= 0.6 * len(rows) and pages == sorted(pages)


def _number_rows(text: str, lines: list[tuple[int, int]], used: set[int]) -> list[Table]:
    """Blocks of lines that end in numbers (tables flattened by a PDF's text layer)."""
    rows_of: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    for i, (s, e) in enumerate(lines):
        if i in used:
            continue
        line = text[s:e]
        m = _TRAILING_NUMBERS_RE.search(line)
        if not m:
            continue
        label = line[: m.start()]
        if not label.strip() or not re.search(r"[A-Za-z]", label) or _is_list_item(line):
            continue
        nums = list(re.finditer(rf"(?:€\s?)?(?:{NUMBER})(?:,-)?", m.group(1)))
        gap = re.match(r"\s{2,}", m.group(1)) is not None
        if len(nums) < 2 and not gap:
            continue
        if label.rstrip().endswith((".", ",", ";")) or len(label) > 100:
            continue
        base = s + m.start(1)
        spans = [(base + n.start(), base + n.end()) for n in nums]
        label_start = s + (len(label) - len(label.lstrip()))
        rows_of[i] = (label_start, spans)
    tables: list[Table] = []
    i = 0
    idx = sorted(rows_of)
    while i < len(idx):
        block = [idx[i]]
        j = i + 1
        while j < len(idx):
            # lines between two number rows must be blank or short labels (group titles)
            between = range(block[-1] + 1, idx[j])
            ok = all(_is_blank_or_label(text, lines[k]) for k in between) and len(
                [k for k in between if text[lines[k][0]:lines[k][1]].strip()]) <= 3
            if not ok:
                break
            block.append(idx[j])
            j += 1
        if len(block) >= 3:
            ncols = max(len(rows_of[k][1]) for k in block)
            rows = []
            for k in block:
                label_start, spans = rows_of[k]
                label_end = label_start + len(text[label_start:spans[0][0]].rstrip())
                pad = [(spans[0][0], spans[0][0])] * (ncols - len(spans))  # right-aligned: empty cells first
                rows.append([(label_start, label_end)] + pad + spans)
            table = _make_table(text, 0, "getallen", rows)
            table.header = False
            tables.append(table)
        i = j
    return tables


def _is_blank_or_label(text: str, span: tuple[int, int]) -> bool:
    line = text[span[0]:span[1]].strip()
    if not line:
        return True
    return len(line) <= 80 and not line.endswith((".", ";")) and not re.search(r"\d{3,}", line)


# --- headings ------------------------------------------------------------------------------------------

def _headings(text: str, lines: list[tuple[int, int]], table_lines: set[int]) -> list[Heading]:
    out: list[Heading] = []
    nonblank = [i for i, (s, e) in enumerate(lines) if text[s:e].strip()]
    position = {i: k for k, i in enumerate(nonblank)}
    for i, (s, e) in enumerate(lines):
        if i in table_lines:
            continue
        raw = text[s:e]
        line = raw.strip()
        if not line:
            continue
        a = s + (len(raw) - len(raw.lstrip()))
        b = a + len(line)
        m = _MD_HEADING_RE.match(raw)
        if m:
            title = strip_markup(m.group(2)).strip("* ")
            number = re.match(r"(\d{1,2}(?:\.\d{1,2})*)\.?\s", title)
            # numbered: the numbering's depth + 1 (the plan's title is level 1), else the number of #'s
            level = len(m.group(1)) if not number else number.group(1).count(".") + 2
            out.append(Heading(a, b, level, title, _years_of(title)))
            continue
        if _YEAR_ONLY_RE.match(line):
            out.append(Heading(a, b, 8, line, _years_of(line)))
            continue
        m = _NUMBERED_HEADING_RE.match(raw)
        if m and _title_like(strip_markup(m.group(2))) and not _is_list_item(raw):
            title = strip_markup(line)
            out.append(Heading(a, b, m.group(1).count(".") + 2, title, _years_of(m.group(2))))
            continue
        if _short_title(line) and i in position:
            k = position[i]
            prev = text[slice(*lines[nonblank[k - 1]])].strip() if k > 0 else ""
            nxt = text[slice(*lines[nonblank[k + 1]])].strip() if k + 1 < len(nonblank) else ""
            prev_line = lines[nonblank[k - 1]] if k > 0 else None
            prev_is_heading = bool(out) and prev_line is not None and out[-1].start <= prev_line[1] and (
                out[-1].end >= prev_line[0])
            prev_ends = (not prev or prev.endswith(tuple(_TERMINAL)) or nonblank[k - 1] in table_lines
                         or _is_list_item(prev) or _short_title(prev) or prev_is_heading)
            next_starts = bool(nxt) and (nxt[0].isupper() or _is_list_item(nxt) or nxt[0] in "|#(" or nxt[0].isdigit())
            title_case = all(w[0].isupper() or not w[0].isalpha() for w in strip_markup(line).split()) and len(
                line.split()) <= 5
            lead_in = line.rstrip().endswith(":")
            if (prev_ends or title_case or lead_in) and next_starts:
                out.append(Heading(a, b, 7, strip_markup(line), _years_of(line)))
    return out


def _title_like(title: str) -> bool:
    title = title.strip()
    if not title or not (title[0].isupper() or title[0] in "(*'\"‘"):
        return False
    if title.endswith((".", ",", ";")) and not title.endswith("..."):
        return False
    return len(title.split()) <= 16 and "\t" not in title


def _short_title(line: str) -> bool:
    s = strip_markup(line)
    if not (3 <= len(s) <= 70) or not s[0].isalpha() or not s[0].isupper():
        return False
    if s.endswith((".", ",", ";", "!", "?")) or _is_list_item(s):
        return False
    if s.endswith(":") and len(s.split()) > 10:
        return False
    if len(s.split()) > (10 if s.endswith(":") else 8):
        return False  # a lead-in ("In totaal gaat het om:") may be longer than a title
    digits = re.findall(r"\d+", s)
    return all(1900 <= int(d) <= 2100 for d in digits if len(d) == 4) and all(len(d) in (1, 4) for d in digits)


# --- sentences ------------------------------------------------------------------------------------------

ABBREVIATIONS = {"ca", "o.a", "t.b.v", "bv", "bijv", "m.b.t", "e.d", "etc", "nl", "z.s.m", "t.z.t", "i.o", "e.e.a",
                 "zgn", "ivm", "i.v.m", "m.n", "d.w.z", "t.a.v", "mbt", "nr", "blz", "incl", "excl", "resp", "evt",
                 "vs", "dhr", "mevr", "drs", "dr", "prof", "ir", "mr", "ing", "jl", "t/m", "m.u.v", "p", "pag"}
_SENT_END_RE = re.compile(r"[.!?]+[\"')\]]*\s+")


def _sentences(text: str, lines: list[tuple[int, int]], table_lines: set[int], headings: list[Heading],
               tables: list[Table]) -> tuple[list[tuple[int, int]], list[tuple[int, int]], dict[int, tuple[int, int]]]:
    heading_lines = set()
    starts = {h.start for h in headings}
    for i, (s, e) in enumerate(lines):
        raw = text[s:e]
        a = s + (len(raw) - len(raw.lstrip()))
        if a in starts:
            heading_lines.add(i)
    units: list[tuple[int, int]] = []
    # table cells and headings are units of their own
    for t in tables:
        for row in t.rows:
            for c in row:
                if c.end > c.start:
                    units.append((c.start, c.end))
    for h in headings:
        units.append((h.start, h.end))
    # prose: join wrapped lines, then split into sentences
    lists: list[tuple[int, int]] = []
    list_intros: dict[int, tuple[int, int]] = {}
    current: list[int] = []
    current_is_item = False
    last_sentence: tuple[int, int] | None = None
    open_list: list[int] | None = None  # [start, end] of the list block being read

    def flush() -> None:
        nonlocal current, last_sentence
        if current:
            for a, b in _split_prose(text, lines[current[0]][0], lines[current[-1]][1]):
                units.append((a, b))
                last_sentence = (a, b)
        current = []

    def close_list() -> None:
        nonlocal open_list
        if open_list is not None:
            lists.append((open_list[0], open_list[1]))
        open_list = None

    wrapped = _is_wrapped(text, lines, table_lines)
    pseudo = set() if wrapped else _short_line_runs(text, lines, table_lines | heading_lines)
    for i, (s, e) in enumerate(lines):
        raw = text[s:e]
        if i in table_lines or i in heading_lines:
            flush()
            close_list()
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        item = _is_list_item(raw) or i in pseudo
        prev = text[lines[current[-1]][0]:lines[current[-1]][1]].rstrip() if current else ""
        new_unit = not current or item or not wrapped or len(prev.strip()) < 50 or (
            not re.search(r"[a-zà-ÿ]-$", prev) and (prev.endswith(tuple(_TERMINAL)) or stripped[0].isupper()))
        if new_unit:
            flush()
            if item:
                if open_list is None:
                    list_intros[len(lists)] = last_sentence if last_sentence else (s, s)
                    open_list = [s, e]
            else:
                close_list()
            current_is_item = item
        if open_list is not None and current_is_item:
            open_list[1] = e
        current.append(i)
    flush()
    close_list()
    units.sort()
    # drop exact duplicates and nested units (a heading that is also a table cell)
    out: list[tuple[int, int]] = []
    for u in units:
        if out and u[0] < out[-1][1]:
            continue
        if u[1] > u[0]:
            out.append(u)
    lists = [(a, b) for a, b in lists if b > a]
    return out, lists, {k: v for k, v in list_intros.items() if k < len(lists)}


def _is_wrapped(text: str, lines: list[tuple[int, int]], table_lines: set[int]) -> bool:
    """Whether the text's lines are wrapped paragraphs (a PDF's text layer: most long lines end
    mid-sentence) rather than one paragraph per line (Word, Markdown: most end a sentence)."""
    long_lines = [text[s:e].rstrip() for i, (s, e) in enumerate(lines)
                  if i not in table_lines and len(text[s:e].strip()) > 60]
    if not long_lines:
        return False
    ending = sum(1 for line in long_lines if line[-1] in _TERMINAL)
    return ending < 0.5 * len(long_lines)


def _short_line_runs(text: str, lines: list[tuple[int, int]], skip: set[int]) -> set[int]:
    """Lines of runs of two or more short lines that end no sentence ("BAO: 1 fte <> 18
    leerlingen" over "1 fte <> 81 leerlingen"): in a text with a paragraph per line they are
    items side by side, like a list."""
    def short(i: int) -> bool:
        line = text[lines[i][0]:lines[i][1]].strip()
        return bool(line) and i not in skip and len(line) < 80 and line[-1] not in ".!?"

    nonblank = [i for i, (s, e) in enumerate(lines) if text[s:e].strip()]
    out = set()
    for k, i in enumerate(nonblank):
        if not short(i):
            continue
        prev_short = k > 0 and short(nonblank[k - 1])
        next_short = k + 1 < len(nonblank) and short(nonblank[k + 1])
        if prev_short or next_short:
            out.add(i)
    return out


def _split_prose(text: str, start: int, end: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    out, pos = [], 0
    for m in _SENT_END_RE.finditer(chunk):
        nxt = chunk[m.end():m.end() + 1]
        before = chunk[pos:m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        if not nxt:
            continue
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        if nxt.isupper() or nxt in "\"'‘“(•-" or (nxt.isdigit() and len(word) >= 3):
            a, b = pos, m.start() + len(m.group().rstrip())
            out.append((start + a, start + b))
            pos = m.end()
    rest = chunk[pos:].rstrip()
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        out.append((start + pos + lead, start + pos + len(rest)))
    return [(a, b) for a, b in out if b > a]


# --- entry point ------------------------------------------------------------------------------------------

def analyse(text: str) -> Layout:
    """The layout of ``text``: headings, tables, list blocks and sentences with their offsets."""
    lines = _lines(text)
    tables, table_lines = _pipe_and_tab_tables(text, lines)
    number_tables = _number_rows(text, lines, table_lines)
    for t in number_tables:
        for k, (s, e) in enumerate(lines):
            if t.start <= s and e <= t.end + 1 or (s <= t.start < e) or (s < t.end <= e):
                if text[s:e].strip():
                    table_lines.add(k)
    tables = sorted(tables + number_tables, key=lambda t: t.start)
    for nr, t in enumerate(tables):
        t.nr = nr
    headings = _headings(text, lines, table_lines)
    sentences, lists, intros = _sentences(text, lines, table_lines, headings, tables)
    return Layout(text, headings, tables, sentences, lists, intros)
