"""The whole pipeline in one call: read -> normalize -> segment -> extract -> check."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import patternbook
from .checks import run_checks
from .errors import CchcError, InternalError, first_line
from .extract import build_table, find_references
from .extract.figures import find_figures
from .extract.grids import find_grids
from .extract.references import mark_self
from .extract.tables import has_named_columns
from .models import ParseWarning, Report, Source, Table
from .normalize import Document, normalize
from .readers import Block, RawDocument, read, read_data
from .segment import Layout, segment, unique_id


def extract(
    path: str | Path,
    *,
    with_text: bool = False,
    password: str | None = None,
    encoding: str = "auto",
    format: str | None = None,
    ocr: Any = None,
) -> Report:
    """Read a report file and return its records; raises only ``CchcError``.

    ``encoding`` is that of a text file: ``auto`` (recognised), utf-8, utf-16, cp1258,
    tcvn3, vni, viscii or vps. ``format`` ("txt", "md", "docx", "doc", "pdf", "png", "jpeg",
    "tiff") reads the file as that format whatever its suffix says. ``ocr``: when scanned
    pages and images are read by OCR (see ``readers.read``). Bad input is an ``InputError``
    (or another ``CchcError``: ``NoTextError`` when nothing could be read); an exception
    from a stage after reading is a bug met on this file, raised as ``InternalError``
    naming the file, with the original as its cause.
    """
    raw = read(path, password=password, encoding=encoding, format=format, ocr=ocr)
    return extract_raw(raw, with_text=with_text)


def extract_text(
    text: str | bytes,
    format: str | None = "txt",
    *,
    name: str = "<text>",
    with_text: bool = False,
    password: str | None = None,
    encoding: str = "auto",
    ocr: Any = None,
) -> Report:
    """Extract a report given as text, or as the bytes of a file, rather than a path.

    A ``str`` is the report's text (``format`` "txt" or "md"); ``bytes`` may be any
    format (``format=None``: recognised from the bytes, text when they are no PDF, DOCX,
    .doc or image). ``name`` stands for the file in ``source.path`` and in errors.
    """
    if isinstance(text, str):
        if format not in ("txt", "md"):
            raise TypeError(f"a {format} report is bytes, not str: pass the file's bytes")
        data, encoding = text.encode("utf-8"), "utf-8"
    else:
        data = text
    raw = read_data(data, format, name=name, password=password, encoding=encoding, ocr=ocr)
    return extract_raw(raw, with_text=with_text)


def extract_raw(raw: RawDocument, *, with_text: bool = False) -> Report:
    """Run everything after reading, on blocks a reader produced; raises only ``CchcError``
    (``InternalError``, naming ``raw.path``, for a bug met on these blocks)."""
    try:
        with _collector_paused():
            return extract_document(normalize(raw), with_text=with_text)
    except CchcError:
        raise
    except Exception as exc:
        raise InternalError(
            raw.path, "error.internal", "remedy.internal", error=type(exc).__name__, reason=first_line(exc)
        ) from exc


def extract_document(doc: Document, *, with_text: bool = False) -> Report:
    with _collector_paused():
        return _extract_document(doc, with_text)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for one document's extraction.

    The records form no reference cycles, so reference counting frees all they leave; but
    the collector's passes over a heap that grows with the document made large tables cost
    more per row as they grow (100,000 appendix rows: 1.5 times the CPU ms per KB of 1,000
    rows, 1.15 times with the collector paused; benchmarks/bench_tables.py). Left as it was
    found: a caller that paused it keeps it paused.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _extract_document(doc: Document, with_text: bool) -> Report:
    layout = segment(doc)
    start, end = layout.extent
    exclude = {*layout.own_numbers, (0, start), (end, len(doc.text) + 1)} - {(0, 0)}
    references, ref_warnings = find_references(doc.text, layout.section_at, doc.page_at, exclude)
    references = mark_self(doc.text, references, layout.own, layout.captions(doc))
    tables, table_warnings = find_tables(doc, layout)
    # running text of the body and the appendices, and table cells of text ("0 đồng đối với
    # cá nhân ..."); a number alone in its cell has no unit after it, so is no figure
    regions = [layout.body] + [a.extent for a in layout.appendices]
    figures = find_figures(doc, regions, layout.section_at, [r.span for r in references])
    raw = doc.raw
    warnings = [*raw.warnings, *layout.warnings, *ref_warnings, *table_warnings]
    report = Report(
        source=Source(
            path=raw.path,
            sha256=raw.sha256,
            format=raw.format,
            pages=raw.pages,
            ocr=raw.ocr,
            encoding=raw.encoding,
        ),
        metadata=layout.metadata,
        sections=layout.sections,
        appendices=layout.appendices,
        references=references,
        figures=figures,
        tables=tables,
        warnings=warnings,
        extent=layout.extent,
        text=doc.text if with_text else None,
    )
    # the rules may read the text (whether a "skipped" number stands inside a line)
    checks = run_checks(report if with_text else report.model_copy(update={"text": doc.text}))
    return report.model_copy(update={"checks": checks})


# A small report that passes through every stage, so that the patterns each stage
# compiles on first use are compiled (see ``warm_up``).
_WARM_UP = """ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ MẪU\tĐộc lập - Tự do - Hạnh phúc
Số: 1/BC-UBND\tXã Mẫu, ngày 02 tháng 01 năm 2024
BÁO CÁO
Kết quả công tác cải cách hành chính
I. KẾT QUẢ
1. Thực hiện Kế hoạch số 5/KH-UBND ngày 03/01/2024 của UBND xã, Nghị định số 61/2018/NĐ-CP, NĐ 61.
Tiếp nhận 10 hồ sơ, trong đó: trực tuyến 6 hồ sơ, trực tiếp 4 hồ sơ, đạt 60%.
PHỤ LỤC
STT\tNội dung\tĐơn vị tính\tSố liệu
1\tSố hồ sơ tiếp nhận\tHồ sơ\t10
1.1\tTrực tuyến\tHồ sơ\t6
"""


def warm_up() -> None:
    """Load and compile every pattern now rather than on the first report.

    Called by a batch before it forks its workers, which then share the compiled
    patterns instead of each compiling its own.
    """
    extract_raw(RawDocument(path="<warm-up>", format="txt", sha256="0" * 64, blocks=[Block(_WARM_UP)]))


def find_tables(doc: Document, layout: Layout) -> tuple[list[Table], list[ParseWarning]]:
    """Tables of the body and the appendices (the header and the closing hold none)."""
    body_lines = (doc.line_index(layout.body[0]), doc.line_index(max(layout.body[0], layout.body[1] - 1)) + 1)
    regions = [body_lines] + [
        (doc.line_index(a.extent[0]), doc.line_index(max(a.extent[0], a.extent[1] - 1)) + 1) for a in layout.appendices
    ]
    tables: list[Table] = []
    warnings: list[ParseWarning] = []
    used: dict[str, int] = {}
    for first, stop in regions:
        for grid in find_grids(doc, first, stop):
            start = grid.span[0]
            appendix = next((a for a in layout.appendices if a.extent[0] <= start < a.extent[1]), None)
            title: str | None
            if appendix:
                base, title = appendix.id, appendix.title
            else:
                base, title = f"table-{len(tables) + 1}", _title_above(doc, grid.first_line)
            table_id = unique_id(base, used, "-")
            section = f"appendix:{appendix.id}" if appendix else layout.section_at(start)
            table, found = build_table(grid, table_id, title, section)
            table = table.model_copy(update={"unit_line": _unit_line_above(doc, grid.first_line)})
            # a lone row under no column names we know is layout in the body, not data
            if len(table.rows) >= 2 or (table.rows and (appendix or has_named_columns(table.columns))):
                tables.append(table)
                warnings.extend(found)
    return tables, warnings


def _unit_line_above(doc: Document, line: int) -> str | None:
    """ "Đơn vị: Triệu đồng" at the end of one of the two lines of text above a table."""
    seen = 0
    for k in range(line - 1, max(-1, line - 6), -1):
        text = doc.line_text(k).strip(" |*")
        if not text:
            continue
        if found := patternbook.layout("table_unit_line").search(text):
            return found["line"]
        seen += 1
        if seen == 2:
            break
    return None


def _title_above(doc: Document, line: int) -> str | None:
    for k in range(line - 1, max(-1, line - 4), -1):
        text = doc.line_text(k).strip()
        if text and text != "|":
            return text if len(text) <= 300 else None
    return None
