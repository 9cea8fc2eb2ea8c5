"""The whole pipeline in one call: read -> normalize -> segment -> extract -> check."""

from __future__ import annotations

from pathlib import Path

from .checks import run_checks
from .extract import find_references
from .models import ParseWarning, Report, Source
from .normalize import Document, normalize
from .readers import RawDocument, read
from .segment import segment


def extract(path: str | Path, *, with_text: bool = False) -> Report:
    """Read a report file and return its records (raises ``CchcError`` on bad input)."""
    return extract_raw(read(path), with_text=with_text)


def extract_raw(raw: RawDocument, *, with_text: bool = False) -> Report:
    """Run everything after reading, on blocks a reader produced."""
    return extract_document(normalize(raw), with_text=with_text)


def extract_document(doc: Document, *, with_text: bool = False) -> Report:
    layout = segment(doc)
    exclude = set(layout.own_numbers)
    references, ref_warnings = find_references(doc.text, layout.section_at, doc.page_at, exclude)
    raw = doc.raw
    warnings = [ParseWarning(code=c, message=m, page=p) for c, m, p in raw.warnings]
    warnings += [ParseWarning(code=c, message=m) for c, m in layout.warnings]
    warnings += [ParseWarning(code=c, message=m, page=doc.page_at(at), span=(at, at)) for c, m, at in ref_warnings]
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
        warnings=warnings,
        text=doc.text if with_text else None,
    )
    return report.model_copy(update={"checks": run_checks(report)})
