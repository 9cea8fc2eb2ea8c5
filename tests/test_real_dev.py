"""Real published documents beside the project: the tool must read them without
tripping, and find their identity. Skipped where ../shared/real-dev is absent."""

from __future__ import annotations

import pytest

from cchc_extract import extract

from .conftest import REAL_DEV

pytestmark = pytest.mark.skipif(not REAL_DEV.is_dir(), reason="../shared/real-dev is not beside this clone")

# identity as printed on each document's own header (SOURCES.tsv names them)
IDENTITY = {
    "r002.md": ("012", "CT-UBND", "Chỉ thị"),
    "r003.md": ("2842", "QĐ-UBND", "Quyết định"),
    "r004.md": ("0204", "KH-UBND", "Kế hoạch"),
    "r005.md": ("144", "KH-UBND", "Kế hoạch"),
    "r006.md": ("165", "KH-UBND", "Kế hoạch"),
    "r007.md": ("1594", "QĐ-TTPVHCC", "Quyết định"),
    "r009.md": ("1630", "QĐ-UBND", "Quyết định"),
    "r001.md": ("624", "TB-VPCP", "Thông báo"),
}


def real_documents():
    return sorted(p for p in REAL_DEV.glob("r*.md")) if REAL_DEV.is_dir() else []


@pytest.mark.parametrize("path", real_documents(), ids=lambda p: p.name)
def test_real_documents_extract_with_honest_spans(path):
    report = extract(path, with_text=True)
    assert report.text
    for record in [*report.references, *report.sections]:
        assert report.text[record.span[0] : record.span[1]] == record.text
    assert report.references, "every one of these documents cites others"
    if path.name in IDENTITY:
        m = report.metadata
        assert (m.number, m.symbol, m.doc_type) == IDENTITY[path.name]
        assert m.date is not None and m.signer
        own = f"{m.number}/{m.symbol}"
        assert not any(r.text.startswith("Số") and own in r.text for r in report.references)
