"""Ruled tables in a page image: straighten the page, find the grid, read it column by column.

OpenCV (``pip install 'cchc-extract[ocr]'``, the headless wheel from PyPI) does the
image work: it finds the ruling lines with morphology (a long thin opening keeps
lines and drops letters) and turns the page level. Reading a whole table as part of
the page loses what matters most in an appendix: codes such as "1.1" came out as
"11", and ruling lines as stray marks in cells. So the lines are erased, each column
is cut out as a strip (the codes with the labels beside them), the strips are stacked
and read in one Tesseract run, and a column of figures with a misread cell is read
again with only digits, dots, commas and "%" allowed (see ``read_cells`` for what was
measured). The codes are then repaired from their order (``ocrtext.repair_codes``).

Cells merged across columns or rows (the header "Kết quả thống kê" over "Đơn vị
tính" and "Số liệu") are written once, in their first row and column, the others
empty: what pdfplumber gives for a text PDF, so the table stage sees the same grid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import regex

from .ocr import TsvWord, tesseract

# Characters of a code or a figure: "1.1.2", "1.177", "99,5", "100%".
DIGITS = "0123456789.,%"
_NUMBER = regex.compile(r"^\d{1,3}(?:[.,]\d{3})*(?:[.,]\d+)?\s?%?$")

SKEW_LIMIT = 3.0  # degrees searched either way


@functools.cache
def available() -> bool:
    """Whether OpenCV is installed (the ``ocr`` extra)."""
    try:
        import cv2  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Cell:
    row: int
    column: int
    rows: int  # rows spanned
    columns: int  # columns spanned
    x0: int
    top: int
    x1: int
    bottom: int


@dataclass
class RuledTable:
    x0: int
    top: int
    x1: int
    bottom: int
    rows: int
    columns: int
    cells: list[Cell]
    lines: Any  # the ruling lines' mask (page-sized), erased before cells are read
    xs: list[int] = field(default_factory=list)  # the column lines, on the page


def _ink(pixels: Any) -> Any:
    """Dark marks as 255 on 0, thresholded against the local background (grey paper, shading)."""
    import cv2

    return cv2.adaptiveThreshold(pixels, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def deskew(pixels: Any) -> Any:
    """The page turned level: the angle at which rows of ink are sharpest (projection profile)."""
    import cv2
    import numpy as np

    ink = _ink(pixels)
    small = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    height, width = small.shape
    centre = (width / 2, height / 2)

    def sharpness(angle: float) -> float:
        turned = cv2.warpAffine(small, cv2.getRotationMatrix2D(centre, angle, 1.0), (width, height))
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-SKEW_LIMIT, SKEW_LIMIT + 0.01, 0.25), key=sharpness)
    best = max(np.arange(best - 0.2, best + 0.21, 0.05), key=sharpness)
    if abs(best) < 0.05:
        return pixels
    height, width = pixels.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), float(best), 1.0)
    return cv2.warpAffine(
        pixels, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )


def find_ruled_tables(pixels: Any) -> list[RuledTable]:
    """Tables drawn with ruling lines: their grid, and their cells with merged ones joined."""
    import cv2

    ink = _ink(pixels)
    height, width = ink.shape
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, width // 30), 1)))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, height // 60))))
    # a photocopied line has gaps: close them along the line
    across = cv2.dilate(across, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    down = cv2.dilate(down, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    grid = cv2.bitwise_or(across, down)
    count, _, stats, _ = cv2.connectedComponentsWithStats(grid, connectivity=8)
    tables = []
    for k in range(1, count):
        x, y, w, h, _ = stats[k]
        if w < width / 4 or h < height / 100:
            continue
        table = _table(across[y : y + h, x : x + w], down[y : y + h, x : x + w], x, y)
        if table is not None:
            table.lines = grid
            tables.append(table)
    return sorted(tables, key=lambda t: t.top)


def _positions(profile: Any, share: float, length: int) -> list[int]:
    """Middles of the runs where a line's profile passes ``share`` of ``length``."""
    marks = profile >= share * length * 255
    out: list[int] = []
    start = None
    for i, on in enumerate([*marks.tolist(), False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def _table(across: Any, down: Any, x: int, y: int) -> RuledTable | None:
    height, width = across.shape
    ys = _positions(across.sum(axis=1), 0.15, width)
    xs = _positions(down.sum(axis=0), 0.15, height)
    if len(ys) < 2 or len(xs) < 3:  # one row is a table too: the end of a row cut by a page break
        return None
    rows, columns = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * columns))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        parent[find(b)] = find(a)

    for r in range(rows):
        band = slice(ys[r] + 4, max(ys[r] + 5, ys[r + 1] - 4))
        for c in range(columns - 1):
            wall = down[band, max(0, xs[c + 1] - 3) : xs[c + 1] + 4].max(axis=1)
            if (wall > 0).mean() < 0.5:
                join(r * columns + c, r * columns + c + 1)
    for c in range(columns):
        band = slice(xs[c] + 4, max(xs[c] + 5, xs[c + 1] - 4))
        for r in range(rows - 1):
            floor = across[max(0, ys[r + 1] - 3) : ys[r + 1] + 4, band].max(axis=0)
            if (floor > 0).mean() < 0.5:
                join(r * columns + c, (r + 1) * columns + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(rows):
        for c in range(columns):
            groups.setdefault(find(r * columns + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0, c0 = min(m[0] for m in members), min(m[1] for m in members)
        r1, c1 = max(m[0] for m in members), max(m[1] for m in members)
        cells.append(Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, x + xs[c0], y + ys[r0], x + xs[c1 + 1], y + ys[r1 + 1]))
    cells.sort(key=lambda cell: (cell.row, cell.column))
    return RuledTable(x, y, x + width, y + height, rows, columns, cells, None, [x + v for v in xs])


def blank_out(pixels: Any, tables: list[RuledTable]) -> Any:
    """The page with its tables painted white, for the pass that reads the text around them."""
    if not tables:
        return pixels
    body = pixels.copy()
    for t in tables:
        body[max(0, t.top - 3) : t.bottom + 4, max(0, t.x0 - 3) : t.x1 + 4] = 255
    return body


def read_cells(pixels: Any, table: RuledTable, dpi: float, seen: list[TsvWord]) -> list[list[str]]:
    """The table's rows of cell texts, read column by column with the ruling lines erased.

    Each column is cut out as a strip, the code column together with the labels beside
    it; the strips (and the cells that span columns, a header's) are stacked one under
    another and read in one Tesseract run as a block of lines (``--psm 6``); each word
    goes to the cell that holds its middle. Whole rows at once lose spaces ("theocơ"):
    the wide gaps between columns throw off Tesseract's measure of a space. Single cells
    do worse still: Tesseract sizes a line by its small letters, and a code alone
    ("1.2.2") has none, so it came out as "4,212", even with only digits allowed. A column
    of figures with a misread cell ("T75") is read once more with only digits, dots,
    commas and "%" allowed. Every word read is added to ``seen``.
    """
    import cv2

    clean = pixels.copy()
    clean[table.lines > 0] = 255  # the ruling lines, so that none reads as "1", "|" or ":"
    if _noisy(clean[table.top : table.bottom, table.x0 : table.x1]):
        clean = cv2.medianBlur(clean, 3)  # specks of a photocopy read as ":" and "."
    groups = [[0, 1], *[[c] for c in range(2, table.columns)]] if table.columns >= 3 else [[0], [1]]
    spanning = [
        k
        for k, cell in enumerate(table.cells)
        if _group_of(cell.column, groups) != _group_of(cell.column + cell.columns - 1, groups)
    ]
    pieces = [_strip(clean, table, group, spanning) for group in groups]
    pieces += [_Piece(clean[c.top : c.bottom, c.x0 : c.x1], c.x0, c.top, [k]) for k, c in _cells(table, spanning)]
    texts = _read_pieces(table, pieces, dpi, None, seen)
    for column in _numeric_columns(table, texts, groups):
        members = [k for k, cell in enumerate(table.cells) if cell.column == column and k not in spanning]
        if any(texts.get(k) and not _NUMBER.match(texts[k]) for k in members):
            again = _read_pieces(table, [_strip(clean, table, [column], spanning)], dpi, DIGITS, [])
            for k in members:
                if texts.get(k) and not _NUMBER.match(texts[k]) and again.get(k):
                    texts[k] = again[k].strip(".,")
    rows = [[""] * table.columns for _ in range(table.rows)]
    for k, cell in enumerate(table.cells):
        rows[cell.row][cell.column] = texts.get(k, "")
    return [row for row in rows if any(row)]


@dataclass
class _Piece:
    """Part of the page to read: its pixels, where it stands on the page, and its cells."""

    pixels: Any
    x: int
    y: int
    cells: list[int]


def _cells(table: RuledTable, keys: list[int]) -> list[tuple[int, Cell]]:
    return [(k, table.cells[k]) for k in keys]


def _strip(clean: Any, table: RuledTable, group: list[int], spanning: list[int]) -> _Piece:
    """The columns ``group`` as one strip, the cells read apart (``spanning``) blanked."""
    x0, x1 = table.xs[group[0]], table.xs[group[-1] + 1]
    strip = clean[table.top : table.bottom, x0:x1].copy()
    for _, cell in _cells(table, spanning):
        strip[max(0, cell.top - table.top) : cell.bottom - table.top, max(0, cell.x0 - x0) : max(0, cell.x1 - x0)] = 255
    members = [k for k, cell in enumerate(table.cells) if cell.column in group and k not in spanning]
    return _Piece(strip, x0, table.top, members)


def _read_pieces(
    table: RuledTable, pieces: list[_Piece], dpi: float, whitelist: str | None, seen: list[TsvWord]
) -> dict[int, str]:
    """The pieces stacked top to bottom with white between, read in one run: text per cell."""
    import numpy as np

    pieces = [p for p in pieces if has_ink(p.pixels, dpi)]
    if not pieces:
        return {}
    gap = max(12, round(dpi / 4))
    width = max(p.pixels.shape[1] for p in pieces) + 2 * gap
    height = sum(p.pixels.shape[0] for p in pieces) + gap * (len(pieces) + 1)
    stack = np.full((height, width), 255, dtype=np.uint8)
    tops = []
    y = gap
    for piece in pieces:
        stack[y : y + piece.pixels.shape[0], gap : gap + piece.pixels.shape[1]] = piece.pixels
        tops.append(y)
        y += piece.pixels.shape[0] + gap
    words = tesseract(stack, dpi, psm=6, whitelist=whitelist)
    seen.extend(words)
    found: dict[int, list[TsvWord]] = {}
    for word in words:
        middle_y = word.top + word.height / 2
        k = max(0, sum(1 for top in tops if top <= middle_y + gap / 2) - 1)
        piece = pieces[k]
        page_x = piece.x + word.left + word.width / 2 - gap
        page_y = piece.y + middle_y - tops[k]
        for key in piece.cells:
            cell = table.cells[key]
            if cell.x0 <= page_x < cell.x1 and cell.top <= page_y < cell.bottom:
                found.setdefault(key, []).append(word)
                break
    return {k: _joined(words) for k, words in found.items()}


def _group_of(column: int, groups: list[list[int]]) -> int:
    return next(i for i, group in enumerate(groups) if column in group)


def _noisy(region: Any) -> bool:
    """Whether a region is specked like a photocopy: many marks of a pixel or two."""
    import cv2
    import numpy as np

    ink = _ink(region)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = int(np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] <= 2))
    return specks > region.size / 40_000  # more than 25 specks a megapixel


def _numeric_columns(table: RuledTable, texts: dict[int, str], groups: list[list[int]]) -> list[int]:
    """Columns of figures (not the code and label strip): most filled cells are numbers."""
    out = []
    for column in range(table.columns):
        if column in groups[0]:
            continue
        values = [texts[k] for k, cell in enumerate(table.cells) if cell.column == column and texts.get(k)]
        if len(values) >= 3 and sum(1 for v in values if _NUMBER.match(v)) >= 0.6 * len(values):
            out.append(column)
    return out


def _joined(words: list[TsvWord]) -> str:
    words.sort(key=lambda w: (w.line, w.left))
    return " ".join(w.text for w in words)


def has_ink(region: Any, dpi: float) -> bool:
    """Whether a region holds enough dark marks to be worth reading."""
    import numpy as np

    return bool(region.size) and int(np.count_nonzero(_ink(region))) > (dpi / 100) ** 2 * 20
