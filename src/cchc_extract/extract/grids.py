"""Grids: the raw rows and cells of tables, whatever the format made of them.

Two shapes come out of text and Markdown:

- tab-separated lines (the seed's appendix): one row per line; blank lines
  inside a grid are page breaks, and the rows after one are flagged;
- Markdown converted from HTML: one cell per line between ``|`` lines, where
  the end of a row and an empty cell look alike (``|`` then ``|``). The number
  of columns is recovered as the period at which row ends recur.

Readers that know real tables (DOCX, PDF) will hand grids over directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..normalize import Document


@dataclass(frozen=True, slots=True)  # one per table row: no __dict__ for 100,000 of them
class GridRow:
    cells: tuple[str, ...]
    start: int  # offset of the row's first line in the normalized text
    end: int
    page: int | None = None
    after_break: bool = False  # a page break (blank lines) came right before this row
    short: int | None = None  # a row of fewer cells than the grid has columns (merged cells)


@dataclass
class Grid:
    rows: list[GridRow]
    first_line: int
    last_line: int
    kind: str  # "tsv" or "pipe"
    columns: int = 0

    @property
    def span(self) -> tuple[int, int]:
        return (self.rows[0].start, self.rows[-1].end) if self.rows else (0, 0)


def find_grids(doc: Document, first: int = 0, stop: int | None = None) -> list[Grid]:
    """All grids between line ``first`` and ``stop``, in reading order."""
    stop = len(doc.lines) if stop is None else stop
    grids: list[Grid] = []
    i = first
    while i < stop:
        text = doc.line_text(i)
        if "\t" in text and text.strip():
            tsv, i = _tsv_grid(doc, i, stop)
            if len(tsv.rows) >= 2:
                grids.append(tsv)
            continue
        if text.strip() == "|":
            pipe, i = _pipe_grid(doc, i, stop)
            if pipe is not None:
                grids.append(pipe)
            continue
        i += 1
    return grids


def _tsv_grid(doc: Document, i: int, stop: int) -> tuple[Grid, int]:
    rows: list[GridRow] = []
    first = i
    last = i
    pending_break = False
    while i < stop:
        text = doc.line_text(i)
        if not text.strip():
            k = i
            while k < stop and not doc.line_text(k).strip():
                k += 1
            if k < stop and "\t" in doc.line_text(k):
                pending_break = True
                i = k
                continue
            break
        if "\t" not in text:
            break
        line = doc.lines[i]
        rows.append(GridRow(tuple(map(str.strip, text.split("\t"))), line.start, line.end, line.page, pending_break))
        pending_break = False
        last = i
        i += 1
    width = max((len(r.cells) for r in rows), default=0)
    rows = [
        GridRow(r.cells + ("",) * (width - len(r.cells)), r.start, r.end, r.page, r.after_break)
        if len(r.cells) < width
        else r
        for r in rows
    ]
    return Grid(rows, first, last, "tsv", width), i


def _pipe_grid(doc: Document, i: int, stop: int) -> tuple[Grid | None, int]:
    """Tokens between "|" lines: a cell's text, or None where two bars meet."""
    first = i
    tokens: list[_Token] = []
    last_bar = i
    k = i + 1
    current: list[int] = []
    while k < stop:
        text = doc.line_text(k).strip()
        if text == "|":
            if current:
                a, b = doc.lines[current[0]], doc.lines[current[-1]]
                joined = " ".join(doc.line_text(x).strip() for x in current)
                tokens.append((joined, a.start, b.end, a.page))
            else:
                line = doc.lines[k]
                tokens.append((None, line.start, line.end, line.page))
            current = []
            last_bar = k
        elif not text:
            if current or (k + 1 < stop and doc.line_text(k + 1).strip() != "|"):
                break
        else:
            current.append(k)
        k += 1
    if len(tokens) < 4:
        return None, last_bar + 1
    columns = _period(tokens)
    if columns < 2:
        return None, last_bar + 1
    rows, used = _pipe_rows(tokens, columns)
    if used < len(tokens):
        # the table ended inside the run of bars: go on from the text after it
        last_bar = doc.line_index(tokens[used][1]) - 1
    grid = Grid(rows, first, last_bar, "pipe", columns)
    return (grid if len(rows) >= 2 else None), last_bar + 1


_Token = tuple[str | None, int, int, int | None]
_PERIOD_SAMPLE = 1500  # text (None where two bars meet), start, end, page


def _period(tokens: list[_Token]) -> int:
    """Columns: the row length that reads the most tokens as whole rows.

    A row of N cells is N tokens and one empty token (the two bars between rows);
    empty cells are empty tokens too, so only the period tells them apart.
    """
    sample = tokens[:_PERIOD_SAMPLE]  # the period shows in the first rows; a long table need not be read 40 times
    if all(t[0] is None for t in sample):
        return 0
    best = (0, 0)  # covered tokens, columns
    for columns in range(2, min(40, len(sample))):
        rows, _ = _chunks(sample, columns)
        whole = [row for row, is_whole in rows if is_whole]
        if len(whole) >= 2 and _has_empty_inner_column(whole[:8], columns):
            continue  # several rows read as one: their separators line up as an empty column
        covered = sum(len(row) + 1 for row in whole)
        if covered > best[0]:
            best = (covered, columns)
    return best[1]


def _has_empty_inner_column(rows: list[list[_Token]], columns: int) -> bool:
    """An inner column empty in every row (but one, among four or more): the bars
    between rows that a too-long period fused."""
    allowed = 1 if len(rows) >= 4 else 0
    return any(
        sum(1 for row in rows if i < len(row) and row[i][0] is not None) <= allowed for i in range(1, columns - 1)
    )


def _chunks(tokens: list[_Token], columns: int) -> tuple[list[tuple[list[_Token], bool]], int]:
    """Rows of ``columns`` cells, and how many tokens they used.

    A row with fewer cells (a heading cell spanning the table) ends at the next
    empty token. A whole row followed by text instead of the next row's bar ends
    the table: that text stands outside it.
    """
    out: list[tuple[list[_Token], bool]] = []
    i = 0
    while i < len(tokens):
        end = i + columns
        row = tokens[i:end]
        if len(row) == columns and any(t[0] is not None for t in row):
            if end == len(tokens) or tokens[end][0] is None:
                out.append((row, True))
                i = end + 1
                continue
            if out and out[-1][1]:
                out.append((row, True))
                return out, end
        j = i
        while j < len(tokens) and tokens[j][0] is not None:
            j += 1
        if j > i:
            out.append((tokens[i:j], False))
        i = j + 1
    return out, len(tokens)


def _pipe_rows(tokens: list[_Token], columns: int) -> tuple[list[GridRow], int]:
    chunks, used = _chunks(tokens, columns)
    return [_row(row, columns, whole) for row, whole in chunks], used


def _row(tokens: list[_Token], columns: int, whole: bool = True) -> GridRow:
    cells = tuple(t[0] or "" for t in tokens)[:columns]
    filled = len(cells)
    cells += ("",) * (columns - len(cells))
    return GridRow(cells, tokens[0][1], tokens[-1][2], tokens[0][3], short=None if whole else filled)
