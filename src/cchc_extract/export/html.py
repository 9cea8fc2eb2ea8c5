"""The review page: one self-contained HTML file per report, for a person checking an extraction.

The report's text with every record highlighted by kind (references, figures, headings;
its fields on hover), beside a panel with the identity, the checks (each linking to the
place in the text and to the table row it names), the outline, the cited documents, the
tables with the rows the checks name marked, and the readers' warnings.

Rendered by Jinja2 templates (``export/templates/``), which escape every value; the
page loads nothing: no script, font, style sheet or image from anywhere, and a
Content-Security-Policy that forbids it. Jinja2 is an optional extra
(``pip install 'cchc-extract[html]'``), imported only when a page is written.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CchcError, OutputError
from ..i18n import MISSING, language, show, t
from ..models import Figure, Reference, Report, Section
from .review import check_target, cited_documents, flagged_rows, table_grid


@dataclass(order=True)
class _Mark:
    """A highlighted stretch of the text: a record, a place a check names, or the rest of a
    record cut by one it crosses."""

    start: int
    neg_end: int  # marks that start together: the longer one outside
    order: int
    element_id: str | None = field(compare=False)
    kind: str = field(compare=False)  # reference, figure, section, spot
    classes: str = field(compare=False)
    title: str = field(compare=False, default="")
    checks: tuple[int, ...] = field(compare=False, default=())

    @property
    def end(self) -> int:
        return -self.neg_end


@dataclass
class Piece:
    """What the template writes, in order: text, the opening of a mark, or its closing."""

    text: str = ""
    mark: _Mark | None = None
    closes: bool = False


def _fields(pairs: list[tuple[str, Any]]) -> str:
    """The hover text of a record: one "label: value" line per field."""
    return "\n".join(f"{label}: {show(value)}" for label, value in pairs)


def _reference_title(ref: Reference) -> str:
    return (
        t("html.kind.reference")
        + "\n"
        + _fields(
            [
                (t("html.field.doc_type"), ref.doc_type),
                (t("html.field.number"), "/".join(x for x in (ref.number, ref.symbol) if x) or None),
                (t("html.field.date"), ref.date or ref.date_text),
                (t("html.field.issuer"), ref.issuer or ref.issuer_normalized),
                (t("html.field.key"), ref.key or ref.resolved_key),
                (t("html.field.section"), ref.section),
            ]
        )
    )


def _figure_title(fig: Figure) -> str:
    return (
        t("html.kind.figure")
        + "\n"
        + _fields(
            [
                (t("html.field.value"), fig.value),
                (t("html.field.unit"), fig.unit),
                (t("html.field.share"), f"{show(fig.share_percent)} %" if fig.share_percent is not None else None),
                (t("html.field.of_total"), fig.of_total),
                (t("html.field.label"), fig.label),
                (t("html.field.section"), fig.section),
            ]
        )
    )


def _section_title(section: Section) -> str:
    return (
        t("html.kind.section")
        + "\n"
        + _fields(
            [
                (t("html.field.id"), section.id),
                (t("html.field.level"), section.level),
                (t("html.field.form"), section.form),
            ]
        )
    )


def _marks(report: Report, text: str) -> tuple[list[_Mark], dict[int, list[str]]]:
    """Every record's mark, a mark for each place a check names that no record covers, and
    for each check the element ids it links to in the text."""
    marks: list[_Mark] = []
    by_span: dict[tuple[int, int], _Mark] = {}

    def add(start: int, end: int, element_id: str, kind: str, title: str) -> None:
        mark = _Mark(start, -end, len(marks), element_id, kind, f"rec {kind}", title)
        marks.append(mark)
        by_span.setdefault((start, end), mark)

    for i, section in enumerate(report.sections):
        add(*section.span, f"sec-{i}", "section", _section_title(section))
    for i, ref in enumerate(report.references):
        add(*ref.span, f"ref-{i}", "reference", _reference_title(ref))
    for i, fig in enumerate(report.figures):
        add(*fig.span, f"fig-{i}", "figure", _figure_title(fig))
    links: dict[int, list[str]] = {}
    for c, check in enumerate(report.checks):
        for k, span in enumerate(check_target(check, report).spans):
            if not 0 <= span[0] <= span[1] <= len(text):
                continue
            mark = by_span.get(span)
            if mark is None:
                mark = _Mark(span[0], -span[1], len(marks), f"spot-{c}-{k}", "spot", "spot", check.rule)
                marks.append(mark)
                by_span[span] = mark
            mark.checks = (*mark.checks, c)
            links.setdefault(c, []).append(mark.element_id or "")
    for mark in marks:
        if mark.checks:
            mark.classes += " flagged " + " ".join(report.checks[c].severity for c in mark.checks)
    return marks, links


def pieces(text: str, marks: list[_Mark]) -> list[Piece]:
    """The text cut at the marks, nested: a mark inside another closes first; a mark that
    crosses the end of the one it starts in is cut there and goes on as a continuation
    (class ``cont``, no id), so that each record has exactly one element with its id."""
    heap = [m for m in marks if 0 <= m.start <= m.end <= len(text)]
    heapq.heapify(heap)
    out: list[Piece] = []
    stack: list[_Mark] = []
    at = 0
    extra = len(marks)

    def close_until(position: int) -> None:
        nonlocal at
        while stack and stack[-1].end <= position:
            top = stack.pop()
            out.append(Piece(text[at : top.end]))
            out.append(Piece(mark=top, closes=True))
            at = top.end

    while heap:
        mark = heapq.heappop(heap)
        close_until(mark.start)
        if stack and mark.end > stack[-1].end:  # crosses the end of the mark it starts in
            outer_end = stack[-1].end
            extra += 1
            rest = _Mark(outer_end, mark.neg_end, extra, None, mark.kind, mark.classes + " cont", mark.title)
            heapq.heappush(heap, rest)
            mark = _Mark(mark.start, -outer_end, mark.order, mark.element_id, mark.kind, mark.classes, mark.title)
        out.append(Piece(text[at : mark.start]))
        out.append(Piece(mark=mark))
        at = mark.start
        stack.append(mark)
    close_until(len(text) + 1)
    out.append(Piece(text[at:]))
    return [p for p in out if p.mark is not None or p.text]


def _environment() -> Any:
    try:
        import jinja2
    except ImportError as exc:
        raise CchcError(None, "error.html.jinja2", "remedy.html.jinja2") from exc
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cchc_extract.export", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(t=t, show=show, MISSING=MISSING, table_grid=table_grid)
    return env


def render_page(report: Report, text: str | None = None) -> str:
    """The review page of ``report`` as HTML. The text comes from ``report.text`` (extract
    with ``with_text=True``) unless given."""
    text = report.text if text is None else text
    if text is None:
        raise ValueError("the review page needs the report's text: extract(..., with_text=True)")
    marks, links = _marks(report, text)
    flagged = flagged_rows(report)
    targets = [check_target(check, report) for check in report.checks]
    index = {id(ref): i for i, ref in enumerate(report.references)}
    cited = [(doc, [index[id(ref)] for ref in doc.mentions]) for doc in cited_documents(report)]
    counts = {
        "reference": len(report.references),
        "figure": len(report.figures),
        "section": len(report.sections),
    }
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            lang=language(),
            report=report,
            m=report.metadata,
            pieces=pieces(text, marks),
            links=links,
            targets=targets,
            flagged=flagged,
            cited=cited,
            signing=[*report.metadata.signing_authority, report.metadata.signer_title, report.metadata.signer],
            counts=counts,
        )
    )


@dataclass
class IndexEntry:
    """One report on the index page of a folder of review pages."""

    page: str  # the page's file name, relative to the index
    sha256: str
    path: str
    title: str
    date: str | None
    errors: int
    warnings: int
    checks: int
    references: int


def index_entry(report: Report, page: str) -> IndexEntry:
    m = report.metadata
    severities = [c.severity for c in report.checks]
    title = " ".join(x for x in (m.doc_type, m.number and m.symbol and f"{m.number}/{m.symbol}", m.subject) if x)
    return IndexEntry(
        page=page,
        sha256=report.source.sha256,
        path=report.source.path,
        title=title or Path(report.source.path).name,
        date=m.date.isoformat() if m.date else None,
        errors=severities.count("error"),
        warnings=severities.count("warning"),
        checks=len(severities),
        references=len(report.references),
    )


def render_index(entries: list[IndexEntry]) -> str:
    """The index page: every report of a folder of review pages, with its check counts,
    those with the most errors first."""
    ordered = sorted(entries, key=lambda e: (-e.errors, -e.warnings, e.path))
    return _environment().get_template("index.html.j2").render(lang=language(), entries=ordered, day=_day)


def _day(iso: str | None) -> str:
    return show(dt.date.fromisoformat(iso) if iso else None)


INDEX_DATA = "index.json"  # the entries of a folder's index, kept so that later runs add to it


def indexed(folder: Path) -> dict[str, IndexEntry]:
    """The entries of the index kept in ``folder`` whose page is still there, by sha256."""
    try:
        data = json.loads((folder / INDEX_DATA).read_text(encoding="utf-8"))
        entries = [IndexEntry(**item) for item in data]
    except (OSError, ValueError, TypeError):
        return {}
    return {e.sha256: e for e in entries if (folder / e.page).is_file()}


def update_index(folder: Path, entries: list[IndexEntry]) -> int:
    """Add ``entries`` to the index of ``folder`` (``index.json``) and write ``index.html``
    anew; return how many reports it lists."""
    merged = indexed(folder) | {e.sha256: e for e in entries}
    listed = sorted(merged.values(), key=lambda e: e.path)
    data = json.dumps([asdict(e) for e in listed], ensure_ascii=False, indent=1)
    try:
        (folder / INDEX_DATA).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise OutputError.unwritable(folder / INDEX_DATA, exc) from exc
    write_page(folder / "index.html", render_index(listed), force=True)
    return len(listed)


def page_name(report: Report) -> str:
    """A review page's file name in a folder of pages: the report's stem and the start of its
    sha256 (two reports of the same name in different folders get two pages)."""
    return f"{Path(report.source.path).stem}-{report.source.sha256[:8]}.html"


def write_page(path: Path, html: str, *, force: bool = False) -> None:
    """Write a page, refusing to overwrite a file unless ``force``."""
    if path.exists() and not force:
        raise OutputError(path, "error.output.exists", "remedy.output.force")
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise OutputError.unwritable(path, exc) from exc
