"""cchc-extract: Vietnamese administrative-reform reports as structured, checkable data.

The pipeline, one verb per module::

    raw = read(path)            # readers/: a format -> blocks with provenance
    doc = normalize(raw)        # normalize.py: one NFC text that spans point into
    layout = segment(doc)       # segment.py: header, sections, closing, appendices
    refs, _ = find_references(doc.text, layout.section_at)   # extract/
    checks = run_checks(report) # checks/
    to_json(report)             # export/

or all at once: ``extract(path) -> Report``.
"""

from .checks import run_checks
from .errors import CchcError
from .export import to_json
from .extract import find_references
from .models import SCHEMA_VERSION, Report
from .normalize import normalize
from .pipeline import extract, extract_raw
from .readers import read
from .segment import segment

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "CchcError",
    "Report",
    "extract",
    "extract_raw",
    "find_references",
    "normalize",
    "read",
    "run_checks",
    "segment",
    "to_json",
]
