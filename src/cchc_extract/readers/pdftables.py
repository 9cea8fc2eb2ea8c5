"""Ruled tables of a PDF page, from what PDFium has already parsed, by pdfplumber's table finder.

pdfplumber finds ruled tables well, but first parses the whole page with pdfminer (in Python):
some 150 ms for a page of the seed's appendix, 80 % of a PDF's time, where PDFium reads the page
in about a millisecond. The table finder itself needs only the ruling lines, and the cells' text
only the characters with their boxes; PDFium has both. So:

- the page's path objects (lines and rectangles, as PDFium parsed them) become pdfplumber's
  edges, the objects pdfminer would have given it: a path of one straight segment is a line, a
  closed axis-aligned four-sided path (a ``re`` operator) a rectangle with four edges;
- pdfplumber's ``TableFinder`` turns the edges into cells and tables, as it does for a page
  it parsed (same settings, same code);
- each cell's text comes from PDFium's characters through pdfplumber's own ``Table.extract``:
  a character's box as pdfminer makes it (from its origin on the baseline, the font size
  high; left and right from PDFium's loose box).

A page whose paths are not all straight lines and axis-aligned rectangles (a curve, a rotated
or skewed shape) drawn on the page itself (not inside a form XObject), whose characters are not
upright, or that is rotated, cropped or has its media box away from the origin, is left to
pdfplumber (``None``): there the two need not agree. ``tests/test_pdftables.py`` checks, page by
page on every corpus PDF, that both give the same tables.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass
from typing import Any

Bbox = tuple[float, float, float, float]  # x0, top, x1, bottom, from the top of the page
Found = list[tuple[Bbox, list[list[str | None]]]]  # each table's box and its rows of cell texts


@dataclass
class _Page:
    """What pdfplumber's TableFinder and Table.extract read of a page."""

    edges: list[dict[str, Any]]
    chars: list[dict[str, Any]]
    bbox: Bbox


def find_tables(page: Any) -> Found | None:
    """The ruled tables of a pypdfium2 page, in pdfplumber's order; None where pdfplumber must read it."""
    from pdfplumber.table import TableFinder

    if not _plain_geometry(page):
        return None
    height = page.get_height()
    edges = _edges(page, height)
    if edges is None:
        return None
    bbox = (0.0, 0.0, page.get_width(), height)
    # a stand-in for pdfplumber's Page: the edges and the box are all the lines strategy reads of it
    tables = TableFinder(_Page(edges, [], bbox)).tables  # type: ignore[arg-type]
    if not tables:
        return []
    chars = _chars(page, height, [table.bbox for table in tables])
    if chars is None:
        return None
    return [(table.bbox, _extract(table, chars)) for table in tables]


def _extract(table: Any, chars: list[dict[str, Any]]) -> list[list[str | None]]:
    """pdfplumber's ``Table.extract``, the characters of each row found by bisection.

    Its rule: a character belongs to a row, then to a cell, when its centre lies in the box
    (left and top edges in, right and bottom out); a cell's characters are read by
    ``utils.extract_text`` in the order they stand on the page.
    """
    from pdfplumber.utils import extract_text

    order = sorted(range(len(chars)), key=lambda k: _middle(chars[k]))
    middles = [_middle(chars[k]) for k in order]
    out: list[list[str | None]] = []
    for row in table.rows:
        _, top, _, bottom = row.bbox
        band = order[bisect.bisect_left(middles, top) : bisect.bisect_left(middles, bottom)]
        row_chars = [chars[k] for k in sorted(band) if _inside(chars[k], row.bbox)]
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            cell_chars = [char for char in row_chars if _inside(char, cell)]
            cells.append(extract_text(cell_chars) if cell_chars else "")
        out.append(cells)
    return out


def _middle(char: dict[str, Any]) -> float:
    return float((char["top"] + char["bottom"]) / 2)


def _inside(char: dict[str, Any], bbox: Bbox) -> bool:
    x0, top, x1, bottom = bbox
    h_mid = (char["x0"] + char["x1"]) / 2
    v_mid = (char["top"] + char["bottom"]) / 2
    return bool(x0 <= h_mid < x1 and top <= v_mid < bottom)


def _plain_geometry(page: Any) -> bool:
    """Whether page space is what pdfplumber measures from: not rotated, the media box at the
    origin and not cropped. Otherwise pdfplumber moves and turns what it reads."""
    box = page.get_mediabox()
    return bool(page.get_rotation() == 0 and box[:2] == (0, 0) and page.get_cropbox() == box)


def _edges(page: Any, height: float) -> list[dict[str, Any]] | None:
    import pypdfium2.raw as pdfium_c

    paths = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1))
    if len(paths) != sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=8)):
        return None  # paths inside a form XObject: drawn through its matrix, pdfplumber's business
    objects: list[dict[str, Any]] = []
    for path in paths:
        points = _points(path, pdfium_c)
        if points is None:
            return None
        for subpath, closed in points:
            shape = _shape(subpath, closed, height)
            if shape is None:
                return None
            objects.append(shape)
    from pdfplumber.utils import obj_to_edges

    return [edge for obj in objects for edge in obj_to_edges(obj)]


def _points(path: Any, pdfium_c: Any) -> list[tuple[list[tuple[float, float]], bool]] | None:
    """The path's subpaths in page space (each starts at a move), or None for a curve."""
    a, b, c, d, e, f = path.get_matrix().get()
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list[tuple[float, float]], bool]] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, k)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind not in (pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO):
            return None  # a Bézier curve: pdfminer's curve edges, pdfplumber's business
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append(([point], False))
        else:
            subpaths[-1][0].append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            subpaths[-1] = (subpaths[-1][0], True)
    return subpaths


def _shape(points: list[tuple[float, float]], closed: bool, height: float) -> dict[str, Any] | None:
    """A subpath as pdfminer presents it to pdfplumber: a line (``m l``) or a rectangle (``m l l l
    h``, ``m l l l l`` back to the start, or ``re``); None otherwise (pdfminer's curves)."""
    if len(points) == 5 and points[4] == points[0]:
        points, closed = points[:4], True
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    box = {"x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": height - y1, "bottom": height - y0}
    box |= {"doctop": box["top"], "width": x1 - x0, "height": y1 - y0}
    if len(points) == 2 and not closed:
        if x0 != x1 and y0 != y1:
            return None  # a slanted line: pdfplumber would take it for a vertical edge
        return {"object_type": "line", **box}
    if len(points) == 4 and closed and _axis_aligned(points):
        return {"object_type": "rect", **box}
    return None  # an open three-sided path is a curve to pdfminer: its drawn sides only


def _axis_aligned(points: list[tuple[float, float]]) -> bool:
    """Four corners, each side horizontal or vertical in turn."""
    sides = list(zip(points, points[1:] + points[:1], strict=True))
    horizontal = [p[1] == q[1] and p[0] != q[0] for p, q in sides]
    vertical = [p[0] == q[0] and p[1] != q[1] for p, q in sides]
    return all(h != v for h, v in zip(horizontal, vertical, strict=True)) and horizontal[0] != horizontal[1]


def _chars(page: Any, height: float, boxes: list[Bbox]) -> list[dict[str, Any]] | None:
    """The characters inside the tables' boxes, boxed as pdfminer boxes them, or None when some
    are not upright. PDFium's spaces and line breaks of its own (pdfminer has none) are left out."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    raw = textpage.raw
    # PDFium's functions bound once: this loop runs for every character of a table page
    origin_of, size_of, generated = (
        pdfium_c.FPDFText_GetCharOrigin,
        pdfium_c.FPDFText_GetFontSize,
        pdfium_c.FPDFText_IsGenerated,
    )
    unicode_of, angle_of, loose_box = (
        pdfium_c.FPDFText_GetUnicode,
        pdfium_c.FPDFText_GetCharAngle,
        pdfium_c.FPDFText_GetLooseCharBox,
    )
    x, y, rect = ctypes.c_double(), ctypes.c_double(), pdfium_c.FS_RECTF()
    bands = [(top, low) for _, top, _, low in boxes]
    chars = []
    for i in range(textpage.count_chars()):
        origin_of(raw, i, x, y)
        size = size_of(raw, i)
        bottom = height - y.value
        middle = bottom - size / 2
        if not any(top - size <= middle <= low + size for top, low in bands):
            continue  # well outside every table: no cell can hold it
        code = unicode_of(raw, i)
        if code in (10, 13, 0) or generated(raw, i):
            continue
        if angle_of(raw, i) != 0:
            return None
        loose_box(raw, i, rect)
        chars.append(
            {
                # U+FFFE is PDFium's mark of a hyphen that ends a line; pdfminer has the hyphen
                "text": "-" if code == 0xFFFE else chr(code),
                "x0": rect.left,
                "x1": rect.right,
                "top": bottom - size,
                "bottom": bottom,
                "doctop": bottom - size,
                "upright": True,
                "size": size,
            }
        )
    return chars
