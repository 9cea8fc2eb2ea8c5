"""Tables without ruling lines, rebuilt from where the words stand on the page.

A table printed without borders (a Word or LibreOffice table with no lines), or
a scanned one whose lines could not be found, is only words at places. Two
readers give such words with their boxes: the PDF reader (pypdfium2's
character boxes) and OCR (Tesseract's TSV output). This module turns them into
the rows of cells that the table stage reads, as a ruled table would give them:

1. words are grouped into visual lines (the same height on the page);
2. a table is a run of lines that hold three or more pieces apart (a gap of
   at least one and a half line heights), its columns the x-ranges between
   "rivers": stretches of width that almost no word of the run covers (a header
   cell spanning two columns is allowed to cross one);
3. each word goes to the column its middle stands in; a line starts a new row
   when its first column is filled (a code, "Trong đó"), or brings a second
   figure into a column that holds one already; otherwise its cells continue
   the cells above (a label wrapped over three lines);
4. above the first coded row lies the header: a cell that starts with a capital
   in a column already named opens a header row of its own ("Kết quả thống kê"
   over "Đơn vị tính | Số liệu"), as merged header cells do.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

_CODE = regex.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,4}\.?|[IVXL]{1,6}\.?|[a-zđ]\)|[A-Z]\.?)$")
_NUMBER = regex.compile(r"^[(]?[\d.,%]+[)]?$")
# a code as OCR may give it ("1i" for "1.1", "1;2.3"): starts with a digit, short, no space
_READ_CODE = regex.compile(r"^\d[\w.,;:]{0,8}$")
MIN_COLUMNS = 3
MIN_LINES = 3


@dataclass(frozen=True)
class Word:
    """A word and its box; y grows down the page (points or pixels, the same unit throughout)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class VisualLine:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class TableGrid:
    """Rows of cells rebuilt from words, and the box they came from."""

    rows: list[list[str]]
    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[VisualLine] = field(default_factory=list)


def visual_lines(words: Sequence[Word]) -> list[VisualLine]:
    """Words on the same height, left to right; lines top to bottom."""
    if not words:
        return []
    height = statistics.median(w.bottom - w.top for w in words) or 1.0
    lines: list[VisualLine] = []
    centres: list[float] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        centre = (word.top + word.bottom) / 2
        if lines and abs(centre - centres[-1]) <= height * 0.5:
            lines[-1].words.append(word)
            continue
        lines.append(VisualLine([word]))
        centres.append(centre)
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def find_tables(lines: list[VisualLine]) -> list[TableGrid]:
    """Tables among ``lines`` (top to bottom); the lines outside them are left to the caller."""
    if len(lines) < MIN_LINES:
        return []
    height = statistics.median(line.bottom - line.top for line in lines) or 1.0
    pieces = [_pieces(line, height * 1.5) for line in lines]
    tables: list[TableGrid] = []
    i = done = 0
    while i < len(lines):
        if pieces[i] < MIN_COLUMNS:
            i += 1
            continue
        region = _region(lines, pieces, i, height)
        if region is None:
            i += 1
            continue
        stop, rivers = region
        first = _back(lines, pieces, i, done, height)
        grid = _grid(lines[first:stop], rivers, height)
        if grid is not None:
            tables.append(grid)
            i = done = stop
        else:
            i += 1
    return tables


def _back(lines: list[VisualLine], pieces: list[int], first: int, done: int, height: float) -> int:
    """The rows above the first line of three pieces that belong to the table: lines of two
    pieces ("3.3.2 | Số lượng hồ sơ ... | 313" with a full label), and single lines between them."""
    k = first
    while k - 1 >= done and lines[k].top - lines[k - 1].bottom <= height * 3.0:
        if pieces[k - 1] >= 2:
            k -= 1
        elif k - 2 >= done and pieces[k - 2] >= 2 and lines[k - 1].top - lines[k - 2].bottom <= height * 3.0:
            k -= 2
        else:
            break
    return k


def _pieces(line: VisualLine, gap: float) -> int:
    """How many runs of words a line holds, apart by at least ``gap``."""
    count = 1
    for a, b in zip(line.words, line.words[1:], strict=False):
        if b.x0 - a.x1 >= gap:
            count += 1
    return count


def _region(lines: list[VisualLine], pieces: list[int], first: int, height: float) -> tuple[int, list[float]] | None:
    """The run of lines from ``first`` that a table holds, and its column bounds (rivers' middles)."""
    seeds = [first]
    k = first + 1
    step = height * 3.0
    while k < len(lines) and lines[k].top - lines[k - 1].bottom <= step:
        if pieces[k] >= MIN_COLUMNS:
            seeds.append(k)
        elif pieces[k] == 1 and len(lines[k].words) > 12:
            break  # a paragraph line: the table has ended
        k += 1
    if len(seeds) < MIN_LINES:
        return None
    rivers = _rivers([lines[s] for s in seeds], height)
    if len(rivers) < MIN_COLUMNS - 1:
        return None
    stop = first + 1
    while stop < len(lines) and lines[stop].top - lines[stop - 1].bottom <= step:
        crossed = sum(1 for r in rivers if any(w.x0 < r < w.x1 for w in lines[stop].words))
        if crossed * 2 > len(rivers):
            break  # runs across the columns: text below the table
        stop += 1
    return stop, rivers


def _rivers(lines: list[VisualLine], height: float) -> list[float]:
    """The middles of the widths that no word of ``lines`` covers, inside their span.

    A header cell may span two columns ("Kết quả thống kê" over "Đơn vị tính" and
    "Số liệu"), so the rivers of the body (the lines from the first coded one on)
    count too, where the header crosses them.
    """
    body = next((k for k, line in enumerate(lines) if _CODE.match(line.words[0].text)), len(lines))
    rivers = _free(lines, height)
    for middle, start, end in _free(lines[body:], height) if 0 < body < len(lines) - 1 else []:
        if not any(start <= m <= end for m, _, _ in rivers):
            rivers.append((middle, start, end))
    return sorted(m for m, _, _ in rivers)


def _free(lines: list[VisualLine], height: float) -> list[tuple[float, float, float]]:
    """Stretches of width (middle, start, end) that no word covers, with words on both sides."""
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    unit = max(height / 8, 0.25)
    bins = int((right - left) / unit) + 2
    covered = [False] * bins
    for line in lines:
        for word in line.words:
            for b in range(int((word.x0 - left) / unit) + 1, min(bins, int((word.x1 - left) / unit) + 1)):
                covered[b] = True
    out: list[tuple[float, float, float]] = []
    start: int | None = None
    for b in range(1, bins):
        if not covered[b] and start is None:
            start = b
        elif covered[b] and start is not None:
            if (b - start) * unit >= height * 0.5:
                out.append((left + (start + b) / 2 * unit, left + start * unit, left + b * unit))
            start = None
    return out


def _grid(lines: list[VisualLine], rivers: list[float], height: float) -> TableGrid | None:
    width = len(rivers) + 1
    rows: list[list[str]] = []
    header = True
    for line in lines:
        cells = [""] * width
        for column, text in _runs(line, rivers, height, header):
            cells[column] = f"{cells[column]} {text}".strip()
        if header and _READ_CODE.match(cells[0]):
            header = False
        if rows and not _starts_row(rows[-1], cells, header):
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
            continue
        if header and rows:
            # "đầu năm 2024)" beside "Đơn vị tính": the lower-case cell still ends the cell above
            for i, cell in enumerate(cells):
                if cell[:1].islower() and rows[-1][i]:
                    rows[-1][i] = f"{rows[-1][i]} {cell}".strip()
                    cells[i] = ""
        rows.append(cells)
    if sum(1 for row in rows if _READ_CODE.match(row[0])) < 2:
        return None
    return TableGrid(
        rows=rows,
        x0=min(line.x0 for line in lines),
        top=lines[0].top,
        x1=max(line.x1 for line in lines),
        bottom=lines[-1].bottom,
        lines=lines,
    )


def _runs(line: VisualLine, rivers: list[float], height: float, header: bool) -> list[tuple[int, str]]:
    """A line's words in runs, each with its column: the column it starts in.

    In the body a river always parts two runs; in the header a cell may span
    columns ("Kết quả thống kê" over two), so only a wide gap does.
    """
    runs: list[list[Word]] = []
    for word in line.words:
        if runs:
            last = runs[-1][-1]
            apart = word.x0 - last.x1 >= height * 0.8
            if not apart and not header:
                apart = any(last.x1 <= r <= word.x0 or last.x0 < r < word.x0 for r in rivers)
            if not apart:
                runs[-1].append(word)
                continue
        runs.append([word])
    out = []
    for run in runs:
        anchor = run[0].x0 + min(height, run[0].x1 - run[0].x0) / 2
        out.append((sum(1 for r in rivers if r < anchor), " ".join(w.text for w in run)))
    return out


def _starts_row(row: list[str], cells: list[str], header: bool) -> bool:
    """Whether a line's cells open a row, or go on with the cells of ``row``."""
    first = cells[0]
    if first and not first[:1].islower() and not (header and not row[0]):
        return True
    if header:
        # "Đơn vị tính" under "Kết quả thống kê": a capital in a named column is a header row below;
        # a lower-case cell under an empty one is the rest of a row that a page break cut
        return any(c and (row[i] if c[:1].isupper() else not row[i]) for i, c in enumerate(cells))
    if any(c and _NUMBER.match(c) and _NUMBER.match(row[i].split(" ")[-1] or "-") for i, c in enumerate(cells)):
        return True  # a second figure in one cell: the next row ("Trong đó" rows have no code)
    # two cells opening with a capital under filled ones: "Tiếp nhận qua BCCI | Số lượng hồ sơ"
    return sum(1 for i, c in enumerate(cells) if c[:1].isupper() and c[1:2].islower() and row[i]) >= 2


def words_from_chars(text: str, boxes: Sequence[tuple[float, float, float, float]], page_height: float) -> list[Word]:
    """Words from a PDF text layer's characters and their boxes (left, bottom, right, top; y up).

    A word ends at a space, a line break, or a jump of more than half a letter's
    height to the right or back (the next cell of a table, written cell by cell).
    """
    words: list[Word] = []
    current: list[int] = []

    def flush() -> None:
        if current:
            x0 = min(boxes[i][0] for i in current)
            x1 = max(boxes[i][2] for i in current)
            top = page_height - max(boxes[i][3] for i in current)
            bottom = page_height - min(boxes[i][1] for i in current)
            words.append(Word("".join(text[i] for i in current), x0, top, x1, bottom))
            current.clear()

    for i, char in enumerate(text):
        if char.isspace() or char == "\ufffe":
            flush()
            continue
        if current:
            last = boxes[current[-1]]
            size = max(max(boxes[j][3] - boxes[j][1] for j in current), 1.0)
            if boxes[i][0] - last[2] > size * 0.5 or boxes[i][2] < last[0] or abs(boxes[i][1] - last[1]) > size:
                flush()
        current.append(i)
    flush()
    return words
