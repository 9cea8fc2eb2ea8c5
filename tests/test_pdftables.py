"""PDF tables read from PDFium's objects agree with pdfplumber reading the page itself.

``readers/pdftables.py`` hands pdfplumber's table finder the ruling lines and characters PDFium
has already parsed, instead of letting pdfminer parse the page again. Both must give the same
tables, the same cells, the same text, on every page of every corpus PDF that draws a table.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from .conftest import CORPUS

PDFS = sorted(CORPUS.glob("*.pdf")) + sorted((CORPUS / "legacy").glob("*.pdf"))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_tables_from_pdfium_objects_are_pdfplumbers(path: Path):
    import pdfplumber
    import pypdfium2 as pdfium

    from cchc_extract.readers.pdf import _draws_table
    from cchc_extract.readers.pdftables import find_tables

    data = path.read_bytes()
    pdf = pdfium.PdfDocument(data)
    try:
        pages = [i for i in range(len(pdf)) if _draws_table(pdf[i])]
        with pdfplumber.open(io.BytesIO(data), pages=[i + 1 for i in pages]) as plumber:
            for index, page in zip(pages, plumber.pages, strict=True):
                expected = [(table.bbox, table.extract()) for table in page.find_tables()]
                found = find_tables(pdf[index])
                assert found is not None, f"page {index + 1} left to pdfplumber"
                assert [rows for _, rows in found] == [rows for _, rows in expected], f"page {index + 1}"
                for (box, _), (want, _) in zip(found, expected, strict=True):
                    assert box == pytest.approx(want, abs=1e-3)
    finally:
        pdf.close()


def test_a_page_with_curves_is_left_to_pdfplumber(tmp_path):
    """A rounded or curved path is not a ruling line pdftables knows how pdfminer would read."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from cchc_extract.readers.pdftables import find_tables

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(200, 200)
    path = pdfium_c.FPDFPageObj_CreateNewPath(10, 10)
    pdfium_c.FPDFPath_BezierTo(path, 50, 80, 120, 80, 180, 10)
    pdfium_c.FPDFPath_SetDrawMode(path, 0, True)
    pdfium_c.FPDFPage_InsertObject(page.raw, path)
    assert pdfium_c.FPDFPage_GenerateContent(page.raw)
    assert find_tables(page) is None
    pdf.close()
