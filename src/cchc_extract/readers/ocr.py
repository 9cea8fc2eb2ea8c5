"""OCR of page images with Debian's Tesseract (``tesseract-ocr`` and ``tesseract-ocr-vie``).

Tesseract is run as a command, one process per page, with ``OMP_THREAD_LIMIT=1``:
its own threads cost four times the CPU for a third less wall time, while pages in
parallel (one per core) use every core fully. A page goes to Tesseract on its
standard input as a plain grey PGM, which costs nothing to write (a PNG of a noisy
scan takes more than a second to compress). Nothing is written to disk, nothing is
cached, and no model is downloaded: the Vietnamese model is Debian's.

Each page image is straightened first when OpenCV is installed (the ``ocr`` extra),
and its ruled tables are cut out and read column by column (see ``imagetable.py``);
the rest of the page is read in one pass, Tesseract's TSV giving every word with
its box and confidence. Without OpenCV, or where a table has no ruling lines, the
word boxes are grouped into rows and columns (``boxgrid.py``). Lines come back in
PDF points with the page's tables as rows of cells, as the PDF reader builds them
from a text layer, so both make paragraphs and tables the same way.
"""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import subprocess
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CchcError, NoTextError, first_line
from ..i18n import Message
from ..models import ParseWarning
from . import OCR_MODES as MODES
from .boxgrid import TableGrid, VisualLine, Word, find_tables
from .ocrtext import fix_text, harmonize_tables

LANGUAGE = "vie"
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"
# Pages are read at this resolution (README, "Scanned reports": at 250 and 300 dpi the seed's
# scan cost 1.3 and 1.6 times the CPU and its tables read worse).
DPI = 200
# A page whose words Tesseract trusts less than this on average (0-100) gets a warning.
LOW_CONFIDENCE = 80.0
TIMEOUT = 300.0  # seconds for one Tesseract run; a page that takes longer is reported


@dataclass(frozen=True)
class OcrSettings:
    """When to OCR (``auto``: pages without a usable text layer; ``always``; ``never``), how many
    pages at once (default: the CPU count), and a callback ``progress(done, total)`` over pages."""

    mode: str = "auto"
    jobs: int | None = None
    progress: Callable[[int, int], None] | None = None
    dpi: int = DPI


@dataclass
class PageImage:
    """A page as grey pixels (a numpy array, rows top down) and its resolution; no pixels,
    and the reason, for a page that could not be rendered."""

    pixels: Any
    dpi: float
    number: int
    unreadable: str | None = None


@dataclass
class OcrLine:
    """A line of text, or a table (``cells``), in PDF points from the top of the page."""

    text: str
    x0: float
    x1: float
    bottom: float
    cells: list[list[str]] = field(default_factory=list)


@dataclass
class OcrPage:
    number: int
    lines: list[OcrLine]
    confidence: float | None  # mean word confidence, weighted by length; None without words
    problem: Message | str | None = None  # why the page could not be read
    unreadable: str | None = None  # why the page could not be rendered (a damaged page)


def settings(ocr: str | OcrSettings | None) -> OcrSettings:
    if isinstance(ocr, OcrSettings):
        return ocr
    mode = ocr or "auto"
    if mode not in MODES:
        raise CchcError(None, "error.ocr.unknown_mode", "remedy.choose", value=mode, choices=", ".join(MODES))
    return OcrSettings(mode=mode)


@functools.cache
def tesseract_problem() -> Message | None:
    """Why Tesseract cannot read Vietnamese here (with the remedy), or None when it can."""
    if shutil.which("tesseract") is None:
        return Message("error.ocr.not_installed", {"command": INSTALL})
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return Message("error.ocr.broken", {"reason": str(exc)})
    if LANGUAGE not in listed.stdout.split():
        return Message("error.ocr.no_vietnamese", {"command": INSTALL})
    return None


# --- running Tesseract --------------------------------------------------------


@dataclass(frozen=True)
class TsvWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    line: tuple[int, int, int]  # block, paragraph, line


def tesseract(pixels: Any, dpi: float, *, psm: int = 3, whitelist: str | None = None) -> list[TsvWord]:
    """The words Tesseract reads in a grey image, with their boxes (pixels) and confidences."""
    height, width = pixels.shape
    image = b"P5\n%d %d\n255\n" % (width, height) + pixels.tobytes()
    command = ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--psm", str(psm), "--dpi", str(round(dpi))]
    if whitelist:
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
    command.append("tsv")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(command, input=image, capture_output=True, env=env, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OSError(f"tesseract failed: {message[-1] if message else done.returncode}")
    return _parse_tsv(done.stdout.decode("utf-8", "replace"))


def _parse_tsv(tsv: str) -> list[TsvWord]:
    words: list[TsvWord] = []
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        block, par, line = int(parts[2]), int(parts[3]), int(parts[4])
        left, top, width, height = (int(p) for p in parts[6:10])
        words.append(TsvWord(parts[11].strip(), left, top, width, height, float(parts[10]), (block, par, line)))
    return words


# --- pages --------------------------------------------------------------------


def ocr_pages(images: Iterable[PageImage], total: int, options: OcrSettings) -> Iterator[OcrPage]:
    """OCR pages in parallel, one Tesseract process per core; yield them in order.

    ``images`` is consumed in this thread (rasterizing a PDF is not thread-safe), a few pages
    ahead of the work, so memory holds only the pages in flight.
    """
    jobs = max(1, options.jobs or os.cpu_count() or 1)
    done = 0
    if options.progress:
        options.progress(0, total)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future[OcrPage]] = []
        for image in images:
            pending.append(pool.submit(ocr_page, image))
            while len(pending) > jobs * 2 or (pending and pending[0].done()):
                yield pending.pop(0).result()
                done += 1
                if options.progress:
                    options.progress(done, total)
        for future in pending:
            yield future.result()
            done += 1
            if options.progress:
                options.progress(done, total)


def ocr_page(image: PageImage) -> OcrPage:
    """One page: straightened, ruled tables read column by column, the rest in one Tesseract pass."""
    from . import imagetable

    if image.unreadable is not None:
        return OcrPage(image.number, [], None, unreadable=image.unreadable)
    pixels, dpi = image.pixels, image.dpi
    scale = 72.0 / dpi
    tables: list[imagetable.RuledTable] = []
    if imagetable.available():
        pixels = imagetable.deskew(pixels)
        tables = imagetable.find_ruled_tables(pixels)
        body = imagetable.blank_out(pixels, tables)
    else:
        body = pixels
    try:
        # a page that is all table leaves nothing around it to read
        words = tesseract(body, dpi) if not tables or imagetable.has_ink(body, dpi) else []
        lines: list[OcrLine] = []
        seen = list(words)
        for table in tables:
            rows = imagetable.read_cells(pixels, table, dpi, seen)
            if rows:
                lines.append(OcrLine("", table.x0 * scale, table.x1 * scale, table.top * scale, cells=rows))
    except (OSError, subprocess.SubprocessError) as exc:
        return OcrPage(image.number, [], None, problem=str(exc).splitlines()[0])
    lines += text_lines(words, dpi)
    lines.sort(key=lambda line: line.bottom)
    for line in lines:
        line.text = fix_text(line.text)
        line.cells = [[fix_text(cell) for cell in row] for row in line.cells]
    return OcrPage(image.number, lines, _confidence(seen))


def read_document(pages: Iterable[OcrPage]) -> list[OcrPage]:
    """All the OCR'd pages of a document, their tables put right together (see ocrtext.py)."""
    done = list(pages)
    harmonize_tables([line.cells for page in done for line in page.lines if line.cells])
    return done


def text_lines(words: list[TsvWord], dpi: float) -> list[OcrLine]:
    """Tesseract's words as lines (a wide gap becomes a tab) and borderless tables as rows."""
    scale = 72.0 / dpi
    lines = _lines(words)
    out: list[OcrLine] = []
    grids: list[TableGrid] = find_tables(lines)
    in_grid = {id(line) for grid in grids for line in grid.lines}
    for grid in grids:
        out.append(OcrLine("", grid.x0 * scale, grid.x1 * scale, grid.top * scale, cells=grid.rows))
    height = statistics.median(line.bottom - line.top for line in lines) if lines else 0.0
    for line in lines:
        if id(line) not in in_grid:
            out.append(OcrLine(_tabbed(line, height * 2.5), line.x0 * scale, line.x1 * scale, line.bottom * scale))
    return out


def _lines(words: list[TsvWord]) -> list[VisualLine]:
    """Tesseract's lines, straightened, top to bottom; lines side by side at one height (the
    two columns of a header, the cells of a table row) joined into one."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for tsv, word in zip(words, _straighten(words), strict=True):
        by_line.setdefault(tsv.line, []).append(word)
    lines = sorted((VisualLine(sorted(ws, key=lambda w: w.x0)) for ws in by_line.values()), key=_middle)
    if not lines:
        return []
    height = statistics.median(line.bottom - line.top for line in lines)
    out: list[VisualLine] = []
    for line in lines:
        beside = next(
            (
                other
                for other in reversed(out[-4:])
                if abs(_middle(other) - _middle(line)) <= height * 0.5 and not _overlap(line, other)
            ),
            None,
        )
        if beside is not None:
            beside.words = sorted(beside.words + line.words, key=lambda w: w.x0)
        else:
            out.append(line)
    return sorted(out, key=_middle)


def _overlap(a: VisualLine, b: VisualLine) -> bool:
    """Whether any word of one line stands over a word of the other."""
    return any(x.x0 < y.x1 and y.x0 < x.x1 for x in a.words for y in b.words)


def _middle(line: VisualLine) -> float:
    return (line.top + line.bottom) / 2


def _tabbed(line: VisualLine, gap: float) -> str:
    """A line's words, a tab where a wide gap parts two columns (the two-column header)."""
    pieces = [line.words[0].text]
    for a, b in zip(line.words, line.words[1:], strict=False):
        pieces.append(("\t" if b.x0 - a.x1 >= gap else " ") + b.text)
    return "".join(pieces)


def _straighten(words: list[TsvWord]) -> list[Word]:
    """Word boxes turned level: a page scanned askew (without OpenCV to turn the image) has its
    lines slope, which would mix lines and columns. The slope is the median over Tesseract's
    longer lines."""
    by_line: dict[tuple[int, int, int], list[TsvWord]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    slopes = []
    for members in by_line.values():
        if len(members) >= 4:
            first, last = members[0], members[-1]
            run = (last.left + last.width / 2) - (first.left + first.width / 2)
            if run > 200:
                slopes.append(((last.top + last.height) - (first.top + first.height)) / run)
    slope = statistics.median(slopes) if slopes else 0.0
    out = []
    for w in words:
        shift = slope * (w.left + w.width / 2)
        out.append(Word(w.text, w.left, w.top - shift, w.left + w.width, w.top + w.height - shift))
    return out


def _confidence(words: list[TsvWord]) -> float | None:
    scored = [(w.conf, len(w.text)) for w in words if w.conf >= 0]
    total = sum(n for _, n in scored)
    return sum(c * n for c, n in scored) / total if total else None


def confidence_warning(page: OcrPage) -> ParseWarning | None:
    """A warning for a page read with low confidence: its figures and codes need checking."""
    if page.confidence is None or page.confidence >= LOW_CONFIDENCE:
        return None
    return ParseWarning.of(
        "ocr.low_confidence", page=page.number, confidence=round(page.confidence), limit=round(LOW_CONFIDENCE)
    )


def no_text(path: Path, pages: int, why: Message) -> NoTextError:
    """The error for a document of which nothing could be read."""
    return NoTextError(path, "error.no_text.page" if pages == 1 else "error.no_text.pages", pages=pages, why=why)


def wants_ocr(mode: str, *, usable: bool) -> bool:
    """Whether a PDF page goes to OCR: ``always``; under ``auto``, when its text layer is not
    usable (empty, or in no encoding that reads as Vietnamese: ``textlayer.usable``)."""
    return mode == "always" or (mode == "auto" and not usable)


def nothing_read_because(mode: str, tried: bool) -> Message:
    """Why a document gave no text, with the remedy."""
    if mode == "never":
        return Message("error.no_text.ocr_off")
    problem = tesseract_problem()
    if problem:
        return Message("error.no_text.no_ocr", {"problem": problem})
    return Message("error.no_text.none_recognized" if tried else "error.no_text.no_layer")


def read_scanned_pages(pdf: Any, indexes: list[int], options: OcrSettings) -> Iterator[OcrPage]:
    """OCR the pages ``indexes`` of an open pypdfium2 document, rasterized at ``DPI``, in order.

    Where Tesseract cannot run, each page comes back empty with the reason.
    """
    problem = tesseract_problem()
    if problem:
        yield from (OcrPage(i + 1, [], None, problem=problem) for i in indexes)
        return

    def images() -> Iterator[PageImage]:
        import pypdfium2 as pdfium

        for index in indexes:
            try:
                image = _page_image(pdf[index], index + 1, options.dpi)
            except (pdfium.PdfiumError, ValueError, OverflowError) as exc:  # a page PDFium cannot render
                image = PageImage(None, options.dpi, index + 1, unreadable=first_line(exc))
            yield image

    yield from ocr_pages(images(), len(indexes), options)


def _page_image(page: Any, number: int, dpi: int) -> PageImage:
    """A PDF page as grey pixels: its scan as stored when it is one, else rendered at ``dpi``."""
    import numpy as np

    scan = _embedded_scan(page, dpi)
    if scan is not None:
        return PageImage(scan[0], scan[1], number)
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    pixels = np.ascontiguousarray(bitmap.to_numpy().reshape(bitmap.height, bitmap.width, -1)[:, :, 0])
    return PageImage(pixels, dpi, number)


def _embedded_scan(page: Any, dpi: int) -> tuple[Any, float] | None:
    """The page's scan as stored, when the page is one image over the whole of it: decoding it
    costs a tenth of rendering the page (10 ms against 100 for a 200 dpi JPEG). A finer scan is
    brought down to ``dpi``; anything else (several images, a rotated or cropped one) is None."""
    import numpy as np
    import pypdfium2.raw as pdfium_c

    objects = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1))
    if len(objects) != 1:
        return None
    image = objects[0]
    width, height = page.get_size()
    left, bottom, right, top = image.get_bounds()
    if abs(left) > 2 or abs(bottom) > 2 or abs(right - width) > 2 or abs(top - height) > 2:
        return None
    try:
        grey = image.get_bitmap(render=False).to_pil().convert("L")
    except Exception:  # an image PDFium cannot decode alone (a mask, an odd filter): render the page
        return None
    resolution = grey.width / (width / 72)
    if abs(grey.height / (height / 72) - resolution) > resolution * 0.02 or resolution < dpi * 0.7:
        return None  # stretched, or too coarse to read without scaling up
    if resolution > dpi * 1.05:
        from PIL import Image

        size = (round(grey.width * dpi / resolution), round(grey.height * dpi / resolution))
        grey, resolution = grey.resize(size, Image.Resampling.LANCZOS), float(dpi)
    return np.asarray(grey).copy(), resolution


def ocr_warnings(page: OcrPage) -> list[ParseWarning]:
    """What to tell about an OCR'd page: not rendered, nothing read (and why), or a low confidence."""
    if page.unreadable is not None:
        return [ParseWarning.of("page.unreadable", page=page.number, reason=page.unreadable)]
    if page.problem:
        return [ParseWarning.of("page.no_text", "not_read", page=page.number, problem=page.problem)]
    if not page.lines:
        return [ParseWarning.of("page.no_text", "nothing_found", page=page.number)]
    low = confidence_warning(page)
    return [low] if low else []
