"""cchc-extract: Vietnamese administrative-reform reports as structured, checkable data.

The pipeline, one verb per module::

    raw = read(path)            # readers/: a format -> blocks with provenance
    doc = normalize(raw)        # normalize.py: one NFC text that spans point into
    layout = segment(doc)       # segment.py: header, sections, closing, appendices
    refs, warnings = find_references(doc.text, layout.section_at, doc.page_at)   # extract/
    tables, warnings = find_tables(doc, layout)
    figures = find_figures(doc, [layout.body], layout.section_at)
    checks = run_checks(report) # checks/
    to_json(report)             # export/

or all at once: ``extract(path) -> Report``, ``extract_text(text) -> Report``. Every
stage reports what it could not settle as ``ParseWarning`` objects, and
``i18n.use_language("en")`` writes messages in English (Vietnamese by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_package

__version__ = "0.1.0"

# Each public name is imported from its module on first use (PEP 562), so that
# ``cchc-extract --help`` or ``import cchc_extract.errors`` does not load pydantic,
# the patterns and the whole pipeline.
_WHERE = {
    "SCHEMA_VERSION": "models",
    "CchcError": "errors",
    "Check": "models",
    "ParseWarning": "models",
    "Report": "models",
    "extract": "pipeline",
    "extract_raw": "pipeline",
    "extract_text": "pipeline",
    "find_figures": "extract.figures",
    "find_references": "extract",
    "find_tables": "pipeline",
    "normalize": "normalize",
    "read": "readers",
    "read_data": "readers",
    "run_checks": "checks",
    "segment": "segment",
    "set_language": "i18n",
    "to_json": "export",
    "use_language": "i18n",
}

if TYPE_CHECKING:
    from .checks import run_checks
    from .errors import CchcError
    from .export import to_json
    from .extract import find_references
    from .extract.figures import find_figures
    from .i18n import set_language, use_language
    from .models import SCHEMA_VERSION, Check, ParseWarning, Report
    from .normalize import normalize
    from .pipeline import extract, extract_raw, extract_text, find_tables
    from .readers import read, read_data
    from .segment import segment


lazy_package(__name__)

__all__ = [
    "SCHEMA_VERSION",
    "CchcError",
    "Check",
    "ParseWarning",
    "Report",
    "extract",
    "extract_raw",
    "extract_text",
    "find_figures",
    "find_references",
    "find_tables",
    "normalize",
    "read",
    "read_data",
    "run_checks",
    "segment",
    "set_language",
    "to_json",
    "use_language",
]
