"""PDF reports with a text layer: pypdfium2 for the text, pdfplumber's table finder for tables.

Why the split: pypdfium2 gives a page's text and character boxes in about a
millisecond; pdfplumber (pdfminer) costs some 50 ms a page for text and 40 ms
for tables. So every page is read with pypdfium2, and on the pages that draw
enough ruling lines to hold a table, pdfplumber's table finder reads the lines and
characters PDFium parsed (``pdftables.py``; pdfplumber parses the page itself only
where that cannot be done); the table's cells replace the text inside its box.

From the character boxes the reader rebuilds what a text report has:
- lines that a page wraps inside a paragraph are joined again (a line that runs
  to the right margin, followed closely by the next); a line-break hyphen, which
  pypdfium2 returns as U+FFFE, is kept inside a code ("19/KH-" + "UBND") and
  dropped inside a word;
- a wider gap between paragraphs becomes a blank line, as in a text report;
- a wide gap inside a line separates columns (the two-column header): a tab;
- lines repeated at the top or bottom of most pages (running headers, footers,
  page numbers) are dropped;
- tables become tab-separated rows, merged cells written once.

A text layer in TCVN3 or VNI bytes is converted; one that reads as Vietnamese in no
known encoding counts as no text (``textlayer.py``). Pages without a usable text
layer are read by OCR (ocr.py; ``--ocr``); a page from which nothing could be read
is a warning naming it, and a document from which nothing could be read is an error
of its own (``no_text``). So is a page PDFium cannot load or render, or whose tables
pdfplumber cannot read (its lines are kept). An encrypted PDF is a clear error unless
its password is given.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from ..errors import InputError, first_line
from ..i18n import t
from ..models import ParseWarning
from . import pdftables, textlayer
from .base import Block, RawDocument
from .ocr import (
    OcrPage,
    OcrSettings,
    no_text,
    nothing_read_because,
    ocr_warnings,
    read_document,
    read_scanned_pages,
    wants_ocr,
)
from .ocr import settings as ocr_settings

TABLE_PATHS = 8  # a page drawing at least this many path objects may hold a ruled table
# pdfplumber takes minutes over a page of hundreds of thousands of characters (a damaged
# content stream repeating itself); a report's densest table page holds some 5,000
TABLE_MAX_CHARS = 50_000
_HYPHEN = "\ufffe"
_PAGE_NUMBER = regex.compile(r"^\s*(?:[-–]\s*)?(?:Trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–])?\s*$", regex.I)
_STARTS_ITEM = regex.compile(r"^(?:[-+•*]\s|[IVX]{1,5}[.\-]\s|\d{1,2}[.)]\s|[a-zđ]\)\s)")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    bottom: float  # distance from the top of the page, to sort and measure gaps
    page: int
    cells: list[list[str]] = field(default_factory=list)  # a table's rows, when this stands for one


def read_pdf(path: Path, data: bytes, password: str | None = None, ocr: str | OcrSettings | None = None) -> RawDocument:
    if not data.startswith(b"%PDF"):
        raise InputError(path, "error.pdf.not_pdf")
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message or "security" in message:
            remedy = "remedy.pdf.password" if password is None else "remedy.pdf.wrong_password"
            raise InputError(path, "error.pdf.encrypted", remedy) from exc
        raise InputError(path, "error.pdf.unreadable", reason=first_line(exc)) from exc
    options = ocr_settings(ocr)
    warnings: list[ParseWarning] = []
    pages: list[list[_Line]] = []
    table_pages: list[int] = []
    scanned: list[int] = []  # pages to OCR
    unreadable: list[str] = []  # why each page PDFium cannot load fails
    try:
        count = len(pdf)
        for index in range(count):
            try:
                page = pdf[index]
                lines = _page_lines(page, index + 1)
                ruled = _draws_table(page)
            except (pdfium.PdfiumError, ValueError, OverflowError) as exc:
                # one damaged page (a "/Type /Page" rewritten, a broken content stream): the others are read
                unreadable.append(first_line(exc))
                warnings.append(ParseWarning.of("page.unreadable", page=index + 1, reason=unreadable[-1]))
                pages.append([])
                continue
            garbled = bool(lines) and not textlayer.usable(lines)
            if wants_ocr(options.mode, usable=bool(lines) and not garbled):
                scanned.append(index)
                pages.append([])
                if garbled:
                    warnings.append(ParseWarning.of("page.garbled", "ocr", page=index + 1))
                continue
            if garbled:
                warnings.append(ParseWarning.of("page.garbled", page=index + 1))
                lines = []  # no usable text: like a page without a text layer
            elif not lines:
                warnings.append(ParseWarning.of("page.no_text", page=index + 1))
            tabbed = not ruled and sum(1 for line in lines if "\t" in line.text) >= 3
            if (ruled or tabbed) and sum(len(line.text) for line in lines) > TABLE_MAX_CHARS:
                warnings.append(ParseWarning.of("page.tables_skipped", page=index + 1, limit=TABLE_MAX_CHARS))
            elif ruled:
                found = _ruled_tables(page)  # from PDFium's objects; None: pdfplumber reads the page
                if found is None:
                    table_pages.append(index)
                else:
                    lines = _with_tables(lines, index + 1, found)
            elif tabbed:
                try:
                    lines = _borderless_tables(page, lines, index + 1)
                except (pdfium.PdfiumError, ValueError, OverflowError) as exc:
                    warnings.append(_tables_lost(exc, index + 1))
            pages.append(lines)
        if scanned:
            _ocr(pdf, scanned, pages, warnings, options)
    finally:
        pdf.close()
    if count == 0:
        raise InputError(path, "error.pdf.no_pages")
    if len(unreadable) == count:
        raise InputError(path, "error.pdf.no_page_readable", count=count, reason=unreadable[0])
    if table_pages:
        warnings.extend(_tables(data, password, table_pages, pages))
    # TCVN3 or VNI text layers become Unicode (OCR gives Unicode already)
    encoding = textlayer.convert_pages([lines for k, lines in enumerate(pages) if k not in scanned])
    if not any(line.text.strip() or line.cells for lines in pages for line in lines):
        raise no_text(path, len(pages), nothing_read_because(options.mode, bool(scanned)))
    _drop_furniture(pages)
    blocks = _blocks(pages)
    return RawDocument(
        path=str(path),
        format="pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        pages=len(pages),
        ocr=bool(scanned),
        warnings=warnings,
        encoding=encoding,
    )


def _ocr(
    pdf: Any, indexes: list[int], pages: list[list[_Line]], warnings: list[ParseWarning], options: OcrSettings
) -> None:
    """OCR the pages without a usable text layer, in parallel, into ``pages`` (see ocr.py)."""
    for index, page in zip(indexes, read_document(read_scanned_pages(pdf, indexes, options)), strict=True):
        pages[index] = ocr_lines(page)
        warnings.extend(ocr_warnings(page))


def ocr_lines(page: OcrPage) -> list[_Line]:
    """An OCR'd page's lines and tables as the lines of a text layer."""
    return [_Line(line.text, line.x0, line.x1, line.bottom, page.number, line.cells) for line in page.lines]


def _page_lines(page: Any, number: int) -> list[_Line]:
    textpage = page.get_textpage()
    height = page.get_height()
    text = textpage.get_text_range()
    if not text.strip():
        return []
    boxes = [textpage.get_charbox(i) for i in range(len(text))]
    widths = [b[2] - b[0] for c, b in zip(text, boxes, strict=False) if c.isalnum() and b[2] > b[0]]
    gap_for_column = 5 * (statistics.median(widths) if widths else 5.0)
    lines: list[_Line] = []
    for match in regex.finditer(r"[^\r\n]+", text):
        chars = [(text[i], boxes[i]) for i in range(match.start(), match.end())]
        visible = [(c, b) for c, b in chars if not c.isspace() and c != _HYPHEN and b[2] >= b[0]]
        if not visible:
            continue
        pieces: list[str] = []
        previous_right: float | None = None
        for c, b in chars:
            if c == _HYPHEN:
                pieces.append(_HYPHEN)
                continue
            if not c.isspace() and previous_right is not None and b[0] - previous_right > gap_for_column:
                while pieces and pieces[-1] == " ":
                    pieces.pop()
                pieces.append("\t")
            pieces.append(c)
            if not c.isspace():
                previous_right = b[2]
        bottoms = sorted(b[1] for _, b in visible[:8])
        x0 = min(b[0] for _, b in visible)
        if lines and "\t" in lines[-1].text and x0 > page.get_width() * 0.45 and "\t" not in "".join(pieces):
            # the right column wrapped: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" over "NAM"
            lines[-1].text = f"{lines[-1].text} {_dehyphenate(''.join(pieces)).strip()}"
            continue
        lines.append(
            _Line(
                text=_dehyphenate("".join(pieces)).strip(),
                x0=min(b[0] for _, b in visible),
                x1=max(b[2] for _, b in visible),
                bottom=height - bottoms[len(bottoms) // 2],
                page=number,
            )
        )
    return lines


def _dehyphenate(text: str) -> str:
    """U+FFFE marks a hyphen where the line broke: a code keeps it ("QĐ-UBND"), a word does not."""
    return regex.sub(_HYPHEN, lambda m: "-" if _code_side(text, m.start()) else "", text).replace(_HYPHEN, "")


def _code_side(text: str, pos: int) -> bool:
    before = text[max(0, pos - 1) : pos]
    after = text[pos + 1 : pos + 2]
    return (
        bool(before) and bool(after) and (before.isupper() or before.isdigit()) and (after.isupper() or after.isdigit())
    )


def _draws_table(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)
    return any(count >= TABLE_PATHS for count, _ in enumerate(paths, start=1))


def _tables(data: bytes, password: str | None, indexes: list[int], pages: list[list[_Line]]) -> list[ParseWarning]:
    """Replace the text inside each ruled table by the table's rows: pdfplumber, on the pages that
    ``pdftables`` cannot read from PDFium's objects (curves, rotated shapes or text).

    pdfminer, under pdfplumber, parses the file on its own and may fail where PDFium
    did not (a broken cross-reference table, a bad dictionary) with almost any type
    of exception. Tables are an improvement on lines already read: a page whose tables
    cannot be read keeps its lines, and a warning says so.
    """
    import io

    import pdfplumber

    _quiet_pdfminer()
    warnings: list[ParseWarning] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password=password or "", pages=[i + 1 for i in indexes]) as plumber:
            by_number = {page.page_number: page for page in plumber.pages}
            for index in indexes:
                page = by_number.get(index + 1)
                try:
                    if page is None:
                        raise LookupError(t("error.pdf.plumber_page"))
                    found = [(table.bbox, table.extract()) for table in page.find_tables()]
                    pages[index] = _with_tables(pages[index], index + 1, found)
                except Exception as exc:  # any pdfminer failure, see above
                    warnings.append(_tables_lost(exc, index + 1))
    except Exception as exc:  # the document as pdfminer sees it
        warnings.append(_tables_lost(exc, indexes[0] + 1, pages=", ".join(str(i + 1) for i in indexes)))
    return warnings


def _ruled_tables(page: Any) -> pdftables.Found | None:
    """``pdftables.find_tables``; None (pdfplumber reads the page, and warns if it cannot) when
    PDFium's objects of a damaged page, or the table finder on them, fail: any of several types."""
    try:
        return pdftables.find_tables(page)
    except Exception:
        return None


def _tables_lost(exc: Exception, page: int, pages: str | None = None) -> ParseWarning:
    """The warning that the tables of ``page`` (or of ``pages``, from ``page`` on) are kept as lines."""
    reason = f"{type(exc).__name__}: {first_line(exc)}"
    if pages:
        return ParseWarning.of("page.tables_unreadable", "pages", page=page, pages=pages, reason=reason)
    return ParseWarning.of("page.tables_unreadable", page=page, reason=reason)


def _quiet_pdfminer() -> None:
    """pdfminer logs a warning for every oddity it survives (74 lines for one damaged file);
    without a handler of its own Python prints them on stderr. A null handler keeps them
    off the terminal and still lets an application that configures logging see them."""
    import logging

    logger = logging.getLogger("pdfminer")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _with_tables(lines: list[_Line], number: int, found: pdftables.Found) -> list[_Line]:
    """A page's lines with each table's rows where the table stands, in place of the text inside it."""
    for (x0, top, x1, bottom), extracted in found:
        rows = [[" ".join((cell or "").split()) for cell in row] for row in extracted]
        rows = [[_dehyphenate(c) for c in row] for row in rows if any(row)]
        if rows:
            lines = put_table(lines, _Line("", x0, x1, top, number, cells=rows), bottom)
    return lines


def _borderless_tables(page: Any, lines: list[_Line], number: int) -> list[_Line]:
    """Tables without ruling lines, rebuilt from where the words stand (see boxgrid.py)."""
    from .boxgrid import find_tables, visual_lines, words_from_chars

    textpage = page.get_textpage()
    text = textpage.get_text_range()
    boxes = [textpage.get_charbox(i) for i in range(len(text))]
    for grid in find_tables(visual_lines(words_from_chars(text, boxes, page.get_height()))):
        lines = put_table(lines, _Line("", grid.x0, grid.x1, grid.top, number, cells=grid.rows), grid.bottom)
    return lines


def put_table(lines: list[_Line], table: _Line, bottom: float) -> list[_Line]:
    """``lines`` with the text inside the table's box (from ``table.bottom`` down to ``bottom``) replaced by it."""
    top, x0, x1 = table.bottom - 2, table.x0 - 2, table.x1 + 2
    kept = [line for line in lines if not (top <= line.bottom <= bottom + 2 and x0 <= (line.x0 + line.x1) / 2 <= x1)]
    return sorted([*kept, table], key=lambda line: line.bottom)


def _drop_furniture(pages: list[list[_Line]]) -> None:
    """Running headers and footers: the same first or last line on most pages, and page numbers."""
    if len(pages) < 3:
        for lines in pages:
            while lines and not lines[-1].cells and _PAGE_NUMBER.match(lines[-1].text):
                lines.pop()
        return
    shape = lambda text: regex.sub(r"\d+", "#", text.strip())  # noqa: E731
    firsts = Counter(shape(p[0].text) for p in pages if p and not p[0].cells)
    lasts = Counter(shape(p[-1].text) for p in pages if p and not p[-1].cells)
    common = {t for t, n in (firsts + lasts).items() if n >= max(3, len(pages) // 2)}
    for lines in pages:
        while lines and not lines[0].cells and (shape(lines[0].text) in common or _PAGE_NUMBER.match(lines[0].text)):
            lines.pop(0)
        while lines and not lines[-1].cells and (shape(lines[-1].text) in common or _PAGE_NUMBER.match(lines[-1].text)):
            lines.pop()


def _blocks(pages: list[list[_Line]]) -> list[Block]:
    """Lines back into paragraphs: wrapped lines joined, paragraph gaps as blank lines."""
    text_lines = [line for lines in pages for line in lines if not line.cells]
    right = _percentile([line.x1 for line in text_lines], 0.9) if text_lines else 0.0
    step = _line_step(pages, right)
    blocks: list[Block] = []
    for lines in pages:
        previous: _Line | None = None
        for line in lines:
            if line.cells:
                if blocks and blocks[-1].text:
                    blocks.append(Block("", page=line.page))
                blocks.extend(Block("\t".join(row), page=line.page, hints=frozenset({"cell"})) for row in line.cells)
                blocks.append(Block("", page=line.page))
                previous = None
                continue
            gap = line.bottom - previous.bottom if previous else None
            wraps = (
                previous is not None
                and gap is not None
                and gap <= step * 1.35
                and _runs_to_margin(previous, right)
                and not (_STARTS_ITEM.match(line.text) and regex.search(r"[.;:]$", previous.text))
            )
            if wraps and blocks:
                glue = "" if _breaks_inside_code(blocks[-1].text, line.text) else " "
                blocks[-1] = Block(f"{blocks[-1].text}{glue}{line.text}", page=blocks[-1].page)
            else:
                if previous is not None and gap is not None and gap > step * 1.35 and blocks and blocks[-1].text:
                    blocks.append(Block("", page=line.page))
                blocks.append(Block(line.text, page=line.page))
            previous = line
        blocks.append(Block("", page=lines[-1].page if lines else None))
    return blocks


def _runs_to_margin(line: _Line, right: float) -> bool:
    """A line of running text that reaches the right margin, as a line a paragraph wraps does."""
    return line.x1 >= right - 45 and "\t" not in line.text


def _breaks_inside_code(before: str, after: str) -> bool:
    """A line that ends inside a symbol: "08-" + "QĐi/TW", "01/" + "QĐ-UBND"."""
    return bool(regex.search(r"[\p{Lu}\d][-/]$", before) and regex.match(r"[\p{Lu}\d]", after))


def _line_step(pages: list[list[_Line]], right: float) -> float:
    """The distance between two lines of one paragraph: the most common gap after a line that
    runs to the right margin (a wrapped line, in the body's type), where there are enough of
    them; else the common smallest gap. Footnotes and a list of recipients are set closer
    than the body: their gaps would make every gap of the body a paragraph's."""
    gaps, wrapped = [], []
    for lines in pages:
        for a, b in itertools.pairwise(lines):
            if not a.cells and not b.cells and b.bottom - a.bottom > 4:
                gaps.append(b.bottom - a.bottom)
                if _runs_to_margin(a, right):
                    wrapped.append(b.bottom - a.bottom)
    if len(wrapped) >= _ENOUGH_WRAPS:
        common, _ = collections.Counter(round(gap) for gap in wrapped).most_common(1)[0]
        return max(float(common), _percentile(wrapped, 0.2))
    return _percentile(gaps, 0.2) if gaps else 14.0


_ENOUGH_WRAPS = 5


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
